"""Files the app receives and sends: safe names for uploads and downloads, Content-Disposition, sizes."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from zhibiao.inputs import SURROGATE

__all__ = ["MEDIA_TYPES", "CROSSWALK_MEDIA_TYPES", "safe_filename", "export_filename", "crosswalk_filename",
           "content_disposition", "mib", "NAME_MAX_BYTES"]

MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
CROSSWALK_MEDIA_TYPES = {"docx": MEDIA_TYPES["docx"], "xlsx": MEDIA_TYPES["xlsx"]}

_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')
# bidirectional controls (U+202E shows "txt.exe" as "exe.txt"), zero-width and other invisible format characters
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]+")
NAME_MAX_BYTES = 200  # file systems allow 255 bytes a name; 200 leaves room for "_v12.xlsx" and the like


def _cut_bytes(text: str, limit: int) -> str:
    """text cut to at most limit bytes of UTF-8, at a character boundary."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def safe_filename(name: str | None, fallback: str) -> str:
    """The base name of an uploaded file without path, control, bidi or reserved characters, at most 120
    characters and NAME_MAX_BYTES bytes of UTF-8 (a Chinese character takes 3), the extension kept."""
    base = (name or "").replace("\\", "/").split("/")[-1]
    base = unicodedata.normalize("NFC", base)
    base = _INVISIBLE.sub("", base)
    base = SURROGATE.sub("\ufffd", base)
    base = _UNSAFE.sub("_", base).strip(" .")
    if len(base) > 120 or len(base.encode("utf-8")) > NAME_MAX_BYTES:
        stem, dot, ext = base.rpartition(".")
        if dot and len(ext) <= 8 and stem:
            base = _cut_bytes(stem[: 120 - len(ext) - 1], NAME_MAX_BYTES - len(ext.encode("utf-8")) - 1) + "." + ext
        else:
            base = _cut_bytes(base[:120], NAME_MAX_BYTES)
    return base or fallback


def _name_stem(doc_number: str | None, title: str | None, document_file: str, limit: int = 60) -> str:
    """What a catalogue is called in a file name: its 文号, else its title (at most ``limit`` characters), else
    the uploaded file's name without its extension; made safe (safe_filename)."""
    for text in (doc_number, title):
        text = " ".join((text or "").replace("/", "_").replace("\\", "_").split())
        if text:
            stem = safe_filename(text[:limit], "")
            if stem:
                return stem
    stem = safe_filename(document_file, "catalogue")
    if "." in stem:
        stem = stem.rsplit(".", 1)[0] or stem
    return stem


def export_filename(document_file: str, version: int, ext: str, *, doc_number: str | None = None,
                    title: str | None = None) -> str:
    """'陕司通〔2019〕164号', version 3, 'xlsx' -> '陕司通〔2019〕164号_指标目录_v3.xlsx'; without a 文号 the title
    names it, without either the uploaded file ('000_1c2.pdf' -> '000_1c2_指标目录_v3.xlsx')."""
    stem = _cut_bytes(_name_stem(doc_number, title, document_file), NAME_MAX_BYTES - 40)
    return f"{stem}_指标目录_v{version}.{ext}"


def crosswalk_filename(old_file: str, new_file: str, verified: bool, ext: str, *,
                       old_names: tuple[str | None, str | None] = (None, None),
                       new_names: tuple[str | None, str | None] = (None, None)) -> str:
    """Old 陕司通〔2019〕164号, new 靖政司函〔2023〕59号 ->
    '新旧对照表_陕司通〔2019〕164号_靖政司函〔2023〕59号_未核实.docx' (未核实 until the crosswalk is verified);
    ``*_names``: (文号, title) of each side, else the files name them."""
    stems = [_cut_bytes(_name_stem(*names, f), 80) or "catalogue"
             for f, names in ((old_file, old_names), (new_file, new_names))]  # two long names: at most 255 bytes
    return f"新旧对照表_{stems[0]}_{stems[1]}" + ("" if verified else "_未核实") + f".{ext}"


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A Content-Disposition value with an ASCII fallback name and the UTF-8 name (RFC 6266 / 5987)."""
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def mib(n: int) -> str:
    """Bytes for people: '50 MB', '1.5 MB', '800 KB', '12 字节'."""
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f}".rstrip("0").rstrip(".") + " MB"
    if n >= 1024:
        return f"{n / 1024:.1f}".rstrip("0").rstrip(".") + " KB"
    return f"{n} 字节"
