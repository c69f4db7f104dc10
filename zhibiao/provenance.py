"""Where an indicator came from: find the notice and print the source text at the recorded location."""

from __future__ import annotations

import hashlib
from pathlib import Path

from zhibiao import extract
from zhibiao.errors import InputNotFound
from zhibiao.model import Catalogue, Indicator, Source

__all__ = ["find_indicator", "find_notice", "snippet"]


def find_indicator(cat: Catalogue, ident: str) -> Indicator | None:
    """The indicator with this id in any rubric, or None (Catalogue.find)."""
    return cat.find(ident)


def find_notice(cat: Catalogue, catalogue_path: Path, given: Path | None) -> Path:
    """The notice file: the one given, else the catalogue's source_file beside the catalogue or here."""
    if given is not None:
        return given
    name = cat.document.source_file
    for folder in (catalogue_path.parent, Path.cwd(), catalogue_path.parent / "corpus", Path.cwd() / "corpus"):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise InputNotFound(name, "notice not found next to the catalogue or in the current folder; give --notice FILE")


def snippet(notice: Path, source: Source, expected_sha256: str | None = None) -> str:
    """The source text at the location (extract.source_text): PDF page regions, the DOCX/HTML element, or text lines."""
    try:
        data = notice.read_bytes()
    except OSError as exc:
        raise InputNotFound(str(notice), exc.strerror or type(exc).__name__) from None
    out: list[str] = []
    if expected_sha256 and hashlib.sha256(data).hexdigest() != expected_sha256:
        out.append(f"(warning: {notice.name} is not the file this catalogue was made from)")
    for part in extract.source_text(source, data):
        if part.kind == "region":
            assert part.bbox is not None  # a region part has its page and bbox
            x0, top, x1, bottom = part.bbox
            out.append(f"page {part.page}, bbox ({x0:.1f}, {top:.1f}, {x1:.1f}, {bottom:.1f}):")
            out.append(part.text)
        elif part.kind == "lines":
            assert part.numbered is not None  # a lines part has its numbered lines
            out.extend(f"{n:>5}  {line}" for n, line in part.numbered)
        elif part.kind == "element":
            out.append(part.text)
    return "\n".join(out)
