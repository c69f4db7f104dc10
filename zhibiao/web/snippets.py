"""Source snippets: the text of the stored notice where an indicator was read (extract.source_text), cached."""

from __future__ import annotations

import re
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from zhibiao import errors as zerr, extract
from zhibiao.model import Layout, Paragraph, Source, Table

from .context import Row, element_rows, needles, text_rows
from .files import safe_filename

__all__ = ["SnippetPart", "SnippetCache", "PAGE_KINDS", "render_page"]

# the notices whose pages the app shows as images: PDF, OFD (text or scanned) and scanned images
PAGE_KINDS = ("pdf", "ofd", "png", "jpeg", "tiff")


def render_page(data: bytes, page: int, kind: str | None = None):
    """Page ``page`` of a notice of one of PAGE_KINDS as a PageImage (extract/render.py; an OFD's drawn by
    extract/ofd.py); IndexError for a page it does not have."""
    from zhibiao.extract import ofd, sniff
    from zhibiao.extract.render import render_page as render

    return (ofd.render_page if (kind or sniff(data)) == "ofd" else render)(data, page)


def _page_size(data: bytes, page: int) -> tuple[float, float]:
    from zhibiao.extract import ofd, sniff
    from zhibiao.extract.render import page_size

    return (ofd.page_size if sniff(data) == "ofd" else page_size)(data, page)


@dataclass
class SnippetPart:
    """One piece of the source shown for an indicator: a heading (page, lines, element) and the text."""

    heading: str
    text: str
    numbered: list[tuple[int, str]] | None = None  # text lines with their line numbers
    # a PDF region: its page, box (x0, top, x1, bottom) and the page's size in points, for the page image
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    page_size: tuple[float, float] | None = None
    # TXT lines, DOCX/HTML elements: the rows around the source, markup stripped, the indicator's words marked
    rows: list[Row] | None = None
    inline: bool = False  # a PDF page: the original opens in the browser at it (else the app's page view)

    def view_box(self, margin: float = 120) -> tuple[float, float, float, float] | None:
        """The part of the page shown (x, y, width, height in points): the page's width, the region and
        ``margin`` points above and below it."""
        if self.bbox is None or self.page_size is None:
            return None
        width, height = self.page_size
        top = max(0.0, self.bbox[1] - margin)
        bottom = min(height, self.bbox[3] + margin)
        return 0.0, round(top, 1), round(width, 1), round(max(bottom - top, 1.0), 1)


_DOCX_LOCATOR = re.compile(r"table (\d+) row (\d+) cell (\d+)")
_PARAGRAPH = re.compile(r"paragraph (\d+)")
_PDF_CELL = re.compile(r"page (\d+) table row (\d+) col (\d+)")
_SHEET_CELL = re.compile(r"sheet (.+) ([A-Z]+\d+)")


def _locator_label(locator: str) -> str:
    """A reader's locator in words: 表 1 第 2 行 第 1 格, 第 3 段, 网页元素 (an XPath is not for people)."""
    m = _DOCX_LOCATOR.fullmatch(locator)
    if m:
        return f"表 {m[1]} 第 {m[2]} 行 第 {m[3]} 格"
    m = _PARAGRAPH.fullmatch(locator)
    if m:
        return f"第 {m[1]} 段"
    m = _PDF_CELL.fullmatch(locator)
    if m:
        return f"第 {m[1]} 页表格 第 {m[2]} 行 第 {m[3]} 列"
    m = _SHEET_CELL.fullmatch(locator)
    if m:
        return f"工作表“{m[1]}” {m[2]} 单元格"
    if locator.startswith("/"):
        return "网页元素"
    return "原文位置"


class SnippetCache:
    """Source text of indicators, read from the stored notice; layouts and snippets are cached."""

    def __init__(self, size: int = 8):
        self._lock = threading.Lock()
        self._layouts: OrderedDict[str, Layout] = OrderedDict()
        self._texts: OrderedDict[tuple, list[extract.SourceText]] = OrderedDict()
        self._sizes: OrderedDict[tuple[str, int], tuple[float, float] | None] = OrderedDict()
        self._size = size

    def layout(self, filename: str, data: bytes, sha: str) -> Layout:
        """The notice's layout (read once, then cached)."""
        return self._layout(filename, data, sha)

    def page_size(self, data: bytes, sha: str, page: int) -> tuple[float, float] | None:
        """A PDF, OFD or image notice's page size in points (cached); None where it cannot be read."""
        key = (sha, page)
        with self._lock:
            if key in self._sizes:
                return self._sizes[key]
        try:
            found: tuple[float, float] | None = _page_size(data, page)
        except (IndexError, zerr.ZhibiaoError):
            found = None
        with self._lock:
            self._sizes[key] = found
            while len(self._sizes) > 1024:
                self._sizes.popitem(last=False)
        return found

    def _layout(self, filename: str, data: bytes, sha: str) -> Layout:
        with self._lock:
            if sha in self._layouts:
                self._layouts.move_to_end(sha)
                return self._layouts[sha]
        with tempfile.TemporaryDirectory(prefix="zhibiao-web-") as tmp:
            path = Path(tmp) / safe_filename(filename, "notice")
            path.write_bytes(data)
            layout = extract.read(path, display_name=filename, limit=max(len(data), 1))
        with self._lock:
            self._layouts[sha] = layout
            while len(self._layouts) > self._size:
                self._layouts.popitem(last=False)
        return layout

    def _source_text(self, filename: str, data: bytes, sha: str, source: Source) -> list[extract.SourceText]:
        key = (sha, source.model_dump_json())
        with self._lock:
            if key in self._texts:
                return self._texts[key]
        texts = extract.source_text(source, data, layout=lambda: self._layout(filename, data, sha))
        with self._lock:
            self._texts[key] = texts
            while len(self._texts) > 512:
                self._texts.popitem(last=False)
        return texts

    def parts(self, filename: str, data: bytes, sha: str, fmt: str, source: Source | None, *,
              text: str | None = None, marker: str | None = None) -> list[SnippetPart]:
        """The text at the source: PDF page regions (with the page's size, for its image), the DOCX/HTML element
        in context (HTML lines as fallback), or TXT lines in context; ``text`` and ``marker`` (the indicator's)
        are highlighted where they are found."""
        if source is None:
            return []
        patterns = needles(text, marker)
        out = []
        texts = self._source_text(filename, data, sha, source)
        if not texts and source.locator:  # a cell extract.source_text does not look up (an XLSX sheet's)
            return self._element(filename, data, sha, source, patterns)
        for part in texts:
            if part.kind == "region":
                assert part.bbox is not None and part.page is not None  # a region part has its page and bbox
                out.append(SnippetPart(heading=f"第 {part.page} 页", text=part.text, page=part.page,
                                       bbox=part.bbox, page_size=self.page_size(data, sha, part.page),
                                       inline=fmt == "pdf"))
            elif part.kind == "element":
                assert part.locator is not None  # an element part has its locator
                heading = _locator_label(part.locator)
                if part.lines:
                    a, b = part.lines
                    heading += f"（第 {a} 行）" if a == b else f"（第 {a}–{b} 行）"
                rows = element_rows(self._layout(filename, data, sha), source, patterns)
                out.append(SnippetPart(heading=heading, text=part.text, rows=rows or None))
            elif part.kind == "lines":
                assert part.lines is not None and part.numbered is not None  # a lines part has both
                a, b = part.lines
                heading = f"第 {a} 行" if a == b else f"第 {a}–{b} 行"
                rows = text_rows(extract.decode_text(data)[0], part.lines, patterns)
                out.append(SnippetPart(heading=heading, text=part.text, numbered=list(part.numbered), rows=rows))
            else:
                assert part.pages is not None  # a pages part has its pages
                out.append(SnippetPart(heading="第 " + "、".join(str(p) for p in part.pages) + " 页", text=""))
        return out

    def _element(self, filename: str, data: bytes, sha: str, source: Source, patterns) -> list[SnippetPart]:
        """The layout's element at the source's locator, in context (none where the layout has no such one)."""
        assert source.locator is not None  # only called for a source with a locator
        layout = self._layout(filename, data, sha)
        rows = element_rows(layout, source, patterns)
        if not rows:
            return []
        text = "\n".join(t for b in layout.blocks for t in _texts_at(b, source.locator))
        return [SnippetPart(heading=_locator_label(source.locator), text=text, rows=rows)]


def _texts_at(block, locator: str) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text] if block.source.locator == locator else []
    if isinstance(block, Table):
        return [c.text for c in block.cells if c.source.locator == locator]
    return []
