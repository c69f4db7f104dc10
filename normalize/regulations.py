"""Attached regulations numbered by article (第一条 / 第1条 / 第二十三条) -> numbered articles."""

from __future__ import annotations

import re

from zhibiao.model import Indicator, Layout, Paragraph, Regulation

from .cleanup import ATTACHMENT_HEADING, clean, strip_markup
from .numbering import parse_marker
from .validate import check_articles

__all__ = ["find_regulations"]

_CHAPTER = re.compile(r"^第[一二三四五六七八九十百零〇0-9]+章")


def _article(line: str):
    marker = parse_marker(line, 0)
    return marker if marker and marker.style == "article" else None


def _articles_run_together(text: str) -> list[str]:
    """A paragraph's text parted where a line begins an article after a line that ends a sentence: a reader
    that could not see where the first ended (every line of a page indented alike) ran 第十一条 into 第十条."""
    parts: list[list[str]] = [[]]
    for line in text.split("\n"):
        if parts[-1] and parts[-1][-1].rstrip().endswith(("。", "；", "！", "？")) and _article(line.strip()):
            parts.append([])
        parts[-1].append(line)
    return ["\n".join(p) for p in parts]


def find_regulations(layout: Layout) -> list[Regulation]:
    """Find runs of articles; each run whose numbering restarts at 1 is one regulation."""
    paras: list[Paragraph] = []
    lines: list[str] = []
    for block in layout.blocks:
        if isinstance(block, Paragraph):
            for part in _articles_run_together(strip_markup(block.text)):
                paras.append(block)
                lines.append(clean(part))
    regs: list[tuple[str | None, list[Indicator]]] = []
    current: list[Indicator] | None = None
    body: list[str] = []
    last_end = -1

    def close_article():
        if current and body:
            art = current[-1]
            art.text = "\n".join(x for x in body if x)
        body.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        marker = _article(line)
        if marker:
            if marker.number == 1 or current is None:
                close_article()
                title = None
                for j in range(i - 1, last_end, -1):
                    if lines[j] and not _CHAPTER.match(lines[j]) and not ATTACHMENT_HEADING.match(lines[j]):
                        title = lines[j]
                        break
                current = []
                regs.append((title, current))
            else:
                close_article()
            current.append(Indicator(id=str(marker.number), level=1, marker=marker.text, number=marker.number,
                                     text="", source=paras[i].source))
            body.append(line[marker.end:].strip())
            last_end = i
        elif current is not None:
            starts_next = any(_article(lines[k]) and _article(lines[k]).number == 1
                              for k in range(i + 1, min(i + 3, len(lines))))
            if ATTACHMENT_HEADING.match(line) or (starts_next and not _CHAPTER.match(line)):
                close_article()
                current = None
                last_end = i - 1
                continue
            if _CHAPTER.match(line):
                last_end = i
            else:
                body.append(line)
                art = current[-1]
                assert art.source is not None  # an article starts with its paragraph's source
                art.source = art.source.span(paras[i].source)
                last_end = i
        i += 1
    close_article()
    return [Regulation(title=title, articles=articles, findings=check_articles(articles))
            for title, articles in regs if len(articles) >= 2]
