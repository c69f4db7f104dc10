"""Where an indicator came from: find the notice and print the source text at the recorded location."""

from __future__ import annotations

import hashlib
from pathlib import Path

from zhibiao import extract
from zhibiao.errors import InputNotFound
from zhibiao.model import Catalogue, Indicator, Paragraph, Source, Table

__all__ = ["find_indicator", "find_notice", "snippet"]


def find_indicator(cat: Catalogue, ident: str) -> Indicator | None:
    """The indicator with this id in any rubric (or article of a regulation), or None."""
    for rubric in cat.rubrics:
        for ind in rubric.walk():
            if ind.id == ident:
                return ind
    return None


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
    """The source text at the location: text lines, PDF page regions, or the DOCX/HTML element."""
    try:
        data = notice.read_bytes()
    except OSError as exc:
        raise InputNotFound(str(notice), exc.strerror or type(exc).__name__) from None
    out: list[str] = []
    if expected_sha256 and hashlib.sha256(data).hexdigest() != expected_sha256:
        out.append(f"(warning: {notice.name} is not the file this catalogue was made from)")
    if source.regions:
        from zhibiao.extract.pdf import text_in_region

        for region in source.regions:
            x0, top, x1, bottom = region.bbox
            out.append(f"page {region.page}, bbox ({x0:.1f}, {top:.1f}, {x1:.1f}, {bottom:.1f}):")
            out.append(text_in_region(data, region.page, region.bbox))
    elif source.lines:
        from zhibiao.extract.text import decode

        text, _ = decode(data)
        lines = text.splitlines()
        a, b = source.lines
        out.extend(f"{n:>5}  {lines[n - 1]}" for n in range(a, min(b, len(lines)) + 1))
    elif source.locator:
        layout = extract.read(notice)
        for block in layout.blocks:
            if isinstance(block, Paragraph) and block.source.locator == source.locator:
                out.append(block.text)
            elif isinstance(block, Table):
                out.extend(c.text for c in block.cells if c.source.locator == source.locator)
    return "\n".join(out)
