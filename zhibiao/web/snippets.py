"""Source snippets: the text of the stored notice where an indicator was read (extract.source_text), cached."""

from __future__ import annotations

import re
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from zhibiao import extract
from zhibiao.model import Layout, Source

from .files import safe_filename

__all__ = ["SnippetPart", "SnippetCache"]


@dataclass
class SnippetPart:
    """One piece of the source shown for an indicator: a heading (page, lines, element) and the text."""

    heading: str
    text: str
    numbered: list[tuple[int, str]] | None = None  # text lines with their line numbers


_DOCX_LOCATOR = re.compile(r"table (\d+) row (\d+) cell (\d+)")


def _locator_label(locator: str) -> str:
    m = _DOCX_LOCATOR.fullmatch(locator)
    if m:
        return f"表 {m[1]} 第 {m[2]} 行 第 {m[3]} 格"
    return f"元素 {locator}"


class SnippetCache:
    """Source text of indicators, read from the stored notice; layouts and snippets are cached."""

    def __init__(self, size: int = 8):
        self._lock = threading.Lock()
        self._layouts: OrderedDict[str, Layout] = OrderedDict()
        self._texts: OrderedDict[tuple, list[extract.SourceText]] = OrderedDict()
        self._size = size

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

    def parts(self, filename: str, data: bytes, sha: str, fmt: str, source: Source | None) -> list[SnippetPart]:
        """The text at the source: PDF page regions, the DOCX/HTML element (HTML lines as fallback), or TXT lines."""
        if source is None:
            return []
        out = []
        for part in self._source_text(filename, data, sha, source):
            if part.kind == "region":
                assert part.bbox is not None  # a region part has its page and bbox
                x0, top, x1, bottom = part.bbox
                heading = f"第 {part.page} 页（区域 {x0:.0f}, {top:.0f} – {x1:.0f}, {bottom:.0f}）"
                out.append(SnippetPart(heading=heading, text=part.text))
            elif part.kind == "element":
                assert part.locator is not None  # an element part has its locator
                heading = _locator_label(part.locator)
                if part.lines:
                    a, b = part.lines
                    heading += f"（第 {a} 行）" if a == b else f"（第 {a}–{b} 行）"
                out.append(SnippetPart(heading=heading, text=part.text))
            elif part.kind == "lines":
                assert part.lines is not None and part.numbered is not None  # a lines part has both
                a, b = part.lines
                heading = f"第 {a} 行" if a == b else f"第 {a}–{b} 行"
                out.append(SnippetPart(heading=heading, text=part.text, numbered=list(part.numbered)))
            else:
                assert part.pages is not None  # a pages part has its pages
                out.append(SnippetPart(heading="第 " + "、".join(str(p) for p in part.pages) + " 页", text=""))
        return out
