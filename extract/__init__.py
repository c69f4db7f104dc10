"""Readers: file -> Layout (paragraphs and table cells with provenance). One module per format.

Every reader has the same contract, ``read_<format>(data: bytes, name: str, sha256: str) -> Layout``,
and raises only ``zhibiao.errors`` exceptions for bad input. No reader object (pdfplumber page,
python-docx table, lxml element) leaves this package.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from zhibiao.errors import CorruptFile, EmptyInput, FileTooLarge, InputNotFound, UnsupportedFormat, ZhibiaoError
from zhibiao.findings import reader_note
from zhibiao.model import Layout, Paragraph, Source, Table

from .bounds import budget, check_text_lengths, check_zip

__all__ = ["read", "sniff", "decode_text", "source_text", "SourceText", "max_bytes", "MAX_BYTES_DEFAULT", "FORMATS",
           "LEGACY", "reading_path"]

MAX_BYTES_DEFAULT = 50 * 1024 * 1024
FORMATS = ("txt", "pdf", "docx", "html", "xlsx", "csv", "ofd", "doc", "wps", "xls", "et", "rtf", "png", "jpeg",
           "tiff")
_EXTENSIONS = {".txt": "txt", ".text": "txt", ".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html",
               ".xlsx": "xlsx", ".csv": "csv", ".ofd": "ofd", ".doc": "doc", ".wps": "wps", ".xls": "xls",
               ".et": "et", ".rtf": "rtf", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".tif": "tiff",
               ".tiff": "tiff"}
LEGACY = ("ole", "ole-xls", "rtf")  # the kinds sniff gives legacy files, converted by LibreOffice (extract/legacy.py)
_OLE_WORKBOOK = "Workbook".encode("utf-16-le")
# images, read by OCR (extract/ocr.py; its image_kind says the same)
_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"))


def max_bytes() -> int:
    """The size limit: ZHIBIAO_MAX_BYTES if set, else 50 MiB."""
    value = os.environ.get("ZHIBIAO_MAX_BYTES")
    if value:
        try:
            return int(value)
        except ValueError:
            pass
    return MAX_BYTES_DEFAULT


def sniff(data: bytes) -> str:
    """Name the format from the content's magic bytes, whatever the extension says.

    Returns one of txt, pdf, docx, html, xlsx, ofd, png, jpeg, tiff (CSV is text: the reader decides it by the
    extension),
    or 'ole' (an OLE2 compound file, legacy .doc/.wps), 'ole-xls' (one holding a workbook stream, legacy
    .xls/.et), 'rtf' (``{\\rtf``), 'zip' (a zip that is none of DOCX, XLSX, OFD).
    """
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        from .ofd import is_ofd

        return "ofd" if is_ofd(names) else "zip"
    for magic, image in _IMAGE_MAGIC:
        if data.startswith(magic):
            return image
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole-xls" if _OLE_WORKBOOK in data[:1 << 20] else "ole"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((b"<!doctype html", b"<html")) or (head.startswith(b"<") and b"<html" in head):
        return "html"
    return "txt"


_READING = {
    "pdf": "PDF text layer (chars and ruling lines)",
    "ofd": "OFD text and path objects (chars and ruling lines, read as a PDF page)",
    "docx": "DOCX (Word XML)", "html": "HTML", "xlsx": "XLSX (workbook XML)", "csv": "CSV", "txt": "plain text",
    "png": "PNG image by OCR", "jpeg": "JPEG image by OCR", "tiff": "TIFF image by OCR (each page)",
}


def reading_path(fmt: str, conversion=None, ocr_pages: list[int] | None = None) -> str:
    """How a notice was read, in words (``zhibiao info``): its format's reader, or its conversion first.

    ``fmt``, ``conversion``, ``ocr_pages``: a Layout's or DocumentInfo's ``format``, ``conversion`` and
    ``ocr_pages`` (a PDF's pages read by OCR are named).
    """
    if fmt in ("pdf", "ofd") and ocr_pages:
        from .ocr import SETTINGS, engine
        from .pdf import _page_ranges

        return (f"{_READING[fmt]}; page(s) {_page_ranges(ocr_pages)} by OCR ({engine().name}, rendered at"
                f" {SETTINGS.dpi} dpi)")
    if conversion is not None:
        return (f"converted from .{conversion.source_format} to {conversion.target_format.upper()} by"
                f" {conversion.tool} (headless), then read as {_READING[conversion.target_format]}")
    return _READING.get(fmt, fmt)


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a text notice and its encoding (UTF-8, else GB18030/GBK); NotText or UndecodableText."""
    from .text import decode

    return decode(data)


def _reader(kind: str):
    if kind == "txt":
        from .text import read_text
        return read_text
    if kind == "pdf":
        from .pdf import read_pdf
        return read_pdf
    if kind == "docx":
        from .docx import read_docx
        return read_docx
    if kind == "html":
        from .html import read_html
        return read_html
    if kind == "xlsx":
        from .xlsx import read_xlsx
        return read_xlsx
    if kind == "csv":
        from .xlsx import read_csv
        return read_csv
    if kind == "ofd":
        from .ofd import read_ofd
        return read_ofd
    if kind in ("png", "jpeg", "tiff"):
        from .ocr import read_image
        return read_image
    raise AssertionError(kind)


def read(path: str | os.PathLike, display_name: str | None = None, *, limit: int | None = None) -> Layout:
    """Read a notice file into a Layout, refusing input that is not a notice."""
    p = Path(path)
    name = display_name or p.name
    limit = max_bytes() if limit is None else limit
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise IsADirectoryError(21, "is a folder")
        if size > limit:
            raise FileTooLarge(str(path), f"{size:,} bytes, limit {limit:,}")
        data = p.read_bytes()
    except ZhibiaoError:
        raise
    except OSError as exc:
        raise InputNotFound(str(path), exc.strerror or type(exc).__name__) from None
    if not data.strip():
        raise EmptyInput(str(path))
    kind = sniff(data)
    if kind == "zip":
        if p.suffix.lower() in (".docx", ".xlsx", ".ofd"):
            raise CorruptFile(str(path), f"not a valid {p.suffix[1:].upper()} package")
        raise UnsupportedFormat(str(path), "a zip archive that is none of a Word document (DOCX), a workbook (XLSX)"
                                           " and an OFD document")
    if kind == "txt" and p.suffix.lower() == ".csv":
        kind = "csv"
    sha = hashlib.sha256(data).hexdigest()
    try:
        with budget(len(data), limit) as spent:
            if kind in ("docx", "xlsx", "ofd"):
                check_zip(data, spent)
            if kind in LEGACY:
                from .legacy import read_legacy

                layout = read_legacy(data, kind, p.suffix, name, sha, spent)
            elif kind == "txt":
                # the bytes, the decoded text and its lines are not all held at once (a 49 MiB notice)
                from .text import decode, read_lines

                text, encoding = decode(data)
                del data
                lines = text.splitlines()
                del text
                layout = read_lines(lines, encoding, name, sha)
                del lines
            else:
                layout = _reader(kind)(data, name, sha)
        check_text_lengths(layout)
    except ZhibiaoError as exc:
        exc.path = str(path)
        raise type(exc)(str(path), exc.detail) from None
    claimed = _EXTENSIONS.get(p.suffix.lower())
    if claimed and claimed != layout.format and {claimed, layout.format} not in ({"doc", "wps"}, {"xls", "et"}):
        content = layout.format if layout.conversion else kind
        layout.notes.append(reader_note("extension_mismatch", claimed=claimed.upper(), content=content.upper()))
    return layout


@dataclass(frozen=True)
class SourceText:
    """The text printed at one part of an indicator's source.

    ``kind``: ``region`` (a PDF or OFD page region: ``page``, ``bbox``), ``element`` (the DOCX/HTML element at
    ``locator``; ``lines`` where the HTML source lines are known), ``lines`` (text lines ``lines``, each in
    ``numbered`` with its line number), or ``pages`` (only the ``pages`` are known; no text).
    """

    kind: Literal["region", "element", "lines", "pages"]
    text: str
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    locator: str | None = None
    lines: tuple[int, int] | None = None
    numbered: tuple[tuple[int, str], ...] | None = None
    pages: tuple[int, ...] | None = None


_ELEMENTS = ("docx", "html", *LEGACY)  # the kinds whose layouts name elements (a legacy file: its conversion's)


def _ocr_text(layout: Callable[[], Layout | None] | None, data: bytes, page: int,
              bbox: tuple[float, float, float, float]) -> str:
    """The text OCR read in a region of an OCR'd page: the layout's cells and paragraphs there (the layout from
    ``layout``, a cache; else the notice read again)."""
    found = layout() if layout is not None else _ocr_layout(data)
    if found is None:
        return ""
    x0, top, x1, bottom = bbox

    def inside(src: Source) -> bool:
        return any(r.page == page and x0 - 1 <= (r.bbox[0] + r.bbox[2]) / 2 <= x1 + 1
                   and top - 1 <= (r.bbox[1] + r.bbox[3]) / 2 <= bottom + 1 for r in src.regions or ())

    texts: list[str] = []
    for block in found.blocks:
        if isinstance(block, Table):
            texts.extend(c.text for c in block.cells if c.text and inside(c.source))
        elif isinstance(block, Paragraph) and inside(block.source):
            texts.append(block.text)
    return "\n".join(texts)


def _ocr_layout(data: bytes) -> Layout | None:
    kind = sniff(data)
    if kind not in ("pdf", "ofd", "png", "jpeg", "tiff"):
        return None
    with budget(len(data), max_bytes()) as spent:
        if kind == "ofd":
            check_zip(data, spent)
        return _reader(kind)(data, "notice." + kind, hashlib.sha256(data).hexdigest())


def _element_layout(data: bytes) -> Layout | None:
    kind = sniff(data)
    if kind not in _ELEMENTS:
        return None
    with budget(len(data), max_bytes()) as spent:
        if kind in LEGACY:
            from .legacy import read_legacy

            return read_legacy(data, kind, "", "notice", hashlib.sha256(data).hexdigest(), spent)
        if kind == "docx":
            check_zip(data, spent)
        return _reader(kind)(data, "notice." + kind, hashlib.sha256(data).hexdigest())


def source_text(source: Source, data: bytes, *, layout: Callable[[], Layout | None] | None = None) -> list[SourceText]:
    """The text of the notice ``data`` where ``source`` says something was printed.

    PDF and OFD page regions first (one part per region), else the DOCX/HTML element at the locator (of a
    legacy file: of its DOCX/XLSX conversion, converted again unless ``layout`` has it), else the
    text lines, else the pages alone. ``layout``: a way to get the notice's layout (a cache); by
    default the bytes are read again when an element is looked up.
    """
    if source.regions:
        from . import ofd, pdf
        from .ocr import IMAGE_KINDS

        kind = sniff(data)
        if kind in IMAGE_KINDS:  # an image's text is its OCR's, as the layout holds it
            return [SourceText("region", _ocr_text(layout, data, r.page, r.bbox), page=r.page, bbox=r.bbox)
                    for r in source.regions]
        region = ofd.text_in_region if kind == "ofd" else pdf.text_in_region
        out = []
        for r in source.regions:
            text = region(data, r.page, r.bbox)
            if not text.strip() and source.confidence is not None:  # a page OCR read: no text layer there
                text = _ocr_text(layout, data, r.page, r.bbox)
            out.append(SourceText("region", text, page=r.page, bbox=r.bbox))
        return out
    if source.locator:
        read_layout = layout or (lambda: _element_layout(data))
        found = read_layout() if sniff(data) in _ELEMENTS else None
        texts: list[str] = []
        for block in found.blocks if found else []:
            if isinstance(block, Paragraph) and block.source.locator == source.locator:
                texts.append(block.text)
            elif isinstance(block, Table):
                texts.extend(c.text for c in block.cells if c.source.locator == source.locator)
        if texts:
            return [SourceText("element", "\n".join(texts), locator=source.locator, lines=source.lines)]
    if source.lines:
        from .text import decode

        lines = decode(data)[0].splitlines()
        a, b = source.lines
        numbered = tuple((n, lines[n - 1]) for n in range(a, min(b, len(lines)) + 1))
        return [SourceText("lines", "\n".join(t for _, t in numbered), lines=source.lines, numbered=numbered)]
    if source.pages:
        return [SourceText("pages", "", pages=tuple(source.pages))]
    return []
