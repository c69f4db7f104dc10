"""Readers: file -> Layout (paragraphs and table cells with provenance). One module per format."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from zhibiao.errors import EmptyInput, InputNotFound, NotText, UnsupportedFormat
from zhibiao.model import Layout

from . import text

__all__ = ["read", "sniff", "MAX_BYTES_DEFAULT"]

MAX_BYTES_DEFAULT = 50 * 1024 * 1024


def sniff(data: bytes) -> str:
    """Name the format from the content's magic bytes, whatever the extension says."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    head = data[:512].lstrip().lower()
    if head.startswith(b"<!doctype html") or head.startswith(b"<html"):
        return "html"
    return "txt"


def read(path: str | os.PathLike, display_name: str | None = None) -> Layout:
    """Read a notice file into a Layout, refusing input that is not a notice."""
    p = Path(path)
    name = display_name or p.name
    try:
        data = p.read_bytes()
    except (FileNotFoundError, IsADirectoryError, PermissionError, OSError) as exc:
        raise InputNotFound(str(path), exc.strerror or type(exc).__name__) from None
    if not data.strip():
        raise EmptyInput(str(path))
    kind = sniff(data)
    if kind in ("pdf", "zip", "html"):
        raise UnsupportedFormat(str(path), f"{kind.upper()} input is not supported yet; give a text file")
    if kind == "ole":
        raise UnsupportedFormat(str(path), "legacy .doc/.wps (OLE) file: convert it to DOCX or PDF first")
    sha = hashlib.sha256(data).hexdigest()
    try:
        return text.read_text(data, name, sha)
    except NotText as exc:
        raise NotText(str(path), exc.detail) from None
