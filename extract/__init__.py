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
from pathlib import Path

from zhibiao.errors import CorruptFile, EmptyInput, FileTooLarge, InputNotFound, UnsupportedFormat, ZhibiaoError
from zhibiao.model import Layout

__all__ = ["read", "sniff", "max_bytes", "MAX_BYTES_DEFAULT", "FORMATS"]

MAX_BYTES_DEFAULT = 50 * 1024 * 1024
FORMATS = ("txt", "pdf", "docx", "html", "xlsx", "csv")
_EXTENSIONS = {".txt": "txt", ".text": "txt", ".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html",
               ".xlsx": "xlsx", ".csv": "csv"}
_OLE_WORKBOOK = "Workbook".encode("utf-16-le")


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

    Returns one of FORMATS (CSV is text: the reader decides it by the extension), or 'ole' (legacy
    .doc/.wps), 'ole-xls' (legacy .xls/.et), 'zip' (a zip that is neither DOCX nor XLSX).
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
        return "xlsx" if "xl/workbook.xml" in names else "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole-xls" if _OLE_WORKBOOK in data[:1 << 20] else "ole"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or (head.startswith(b"<") and b"<html" in head):
        return "html"
    return "txt"


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
    if kind == "ole":
        raise UnsupportedFormat(str(path), "legacy Word/WPS file (.doc/.wps): convert it to DOCX or PDF first")
    if kind == "ole-xls":
        raise UnsupportedFormat(str(path), "legacy Excel/WPS spreadsheet (.xls/.et): save it as XLSX first")
    if kind == "zip":
        if p.suffix.lower() in (".docx", ".xlsx"):
            raise CorruptFile(str(path), f"not a valid {p.suffix[1:].upper()} package")
        raise UnsupportedFormat(str(path), "a zip archive that is neither a Word document (DOCX) nor a workbook (XLSX)")
    if kind == "txt" and p.suffix.lower() == ".csv":
        kind = "csv"
    sha = hashlib.sha256(data).hexdigest()
    try:
        layout = _reader(kind)(data, name, sha)
    except ZhibiaoError as exc:
        exc.path = str(path)
        raise type(exc)(str(path), exc.detail) from None
    claimed = _EXTENSIONS.get(p.suffix.lower())
    if claimed and claimed != kind:
        layout.warnings.append(f"the extension says {claimed.upper()} but the content is {kind.upper()}; "
                               f"read as {kind.upper()}")
    return layout
