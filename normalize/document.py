"""The notice's own facts: 文号, issuer, title, date, what it forwards, implements and cites."""

from __future__ import annotations

import datetime as dt
import re
from array import array
from collections.abc import Iterable, Iterator

from zhibiao.model import DocumentInfo, Layout, Paragraph, Table

from .cleanup import clean
from .docnum import DOCNUM, canonical, find_all

__all__ = ["document_info", "layout_text"]

# a date line: the date alone (the signature), or the 版记 line `某某办公室  2023年9月15日印发`
_DATE = re.compile(r"^\s*(?:[^\s，。；：,;:]{2,30}\s+(?=(?:19|20)\d{2}\s*年.*(?:印发|发布|制发)\s*$))?"
                   r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:印发|发布|制发)?\s*$")
_HEADING = re.compile(r"^#+\s*")
_TITLE_END = re.compile(r"(通知|意见|决定|办法|方案|报告|规定|函|通报|批复|公告)\s*$")
_IMPLEMENTS = re.compile(r"(?:按照|根据|依据|贯彻|落实)[^。；]*?要求")  # what _implements finds, in linear time
_IMPLEMENTS_HEAD = re.compile(r"按照|根据|依据|贯彻|落实")
_FORWARD = re.compile(r"转发")
_ORGANISATION = re.compile(r"^[^：:，,。；;（(【\[]{2,60}$")  # a name, not a line of metadata or a sentence
_SALUTATION = re.compile(r"^[^。；]{2,80}[：:]$")
_REDHEAD_TAIL = 6  # characters: the wrapped end of a redhead line (办公室文件) is short


def layout_text(layout: Layout) -> str:
    """All text of the layout, paragraphs and cells, one per line (for citation search)."""
    return "\n".join(_texts(layout))


def _texts(layout: Layout) -> list[str]:
    """The cleaned texts of the layout's paragraphs and cells, in order."""
    parts = []
    for block in layout.blocks:
        if isinstance(block, Paragraph):
            parts.append(clean(block.text))
        elif isinstance(block, Table):
            parts.extend(clean(c.text) for c in block.cells)
    return parts


_PIECE = 1 << 20  # characters: about what _sentences joins before it looks for a 。 to cut at


def _sentences(parts: Iterable[str], sep: str) -> Iterator[str]:
    """``sep.join(parts)`` in consecutive pieces, each but the last ending with a 。. What is searched in
    the joined text (a 文号, 按照…要求) never spans a 。, nor looks past one, so searching the pieces one
    after another finds what searching the whole text finds, in the same order, without holding a text
    as long as the notice (a 49 MiB notice joins to 35 MiB)."""
    held: list[str] = []
    size = 0
    first = True
    for part in parts:
        if not first:
            held.append(sep)
        first = False
        held.append(part)
        size += len(part) + len(sep)
        if size >= _PIECE and "。" in part:
            text = "".join(held)
            cut = text.rfind("。") + 1
            yield text[:cut]
            held = [text[cut:]]
            size = len(held[0])
    if held:
        yield "".join(held)


def _implements(text: str) -> list[str]:
    """The matches of _IMPLEMENTS in order, without its rescan: the regex tries every 按照/落实 again up
    to the next 。/；, which is quadratic in a long sentence (a rubric of 落实… items without a 。)."""
    out: list[str] = []
    pos = 0
    stop = -1  # the end of the sentence (next 。 or ；) around pos, once known
    n = len(text)
    # the next 。 and the next ； at or after the last p (-1: none is left); p only grows, so each is searched
    # for again only once passed (a text without any ； was searched to its end for every sentence)
    ahead = {"。": -2, "；": -2}

    def next_of(mark: str, p: int) -> int:
        at = ahead[mark]
        if at != -1 and at < p:
            at = ahead[mark] = text.find(mark, p)
        return at

    while (m := _IMPLEMENTS_HEAD.search(text, pos)) is not None:
        p = m.start()
        if p >= stop:
            ends = [i for i in (next_of("。", p), next_of("；", p)) if i >= 0]
            stop = min(ends) if ends else n
        q = text.find("要求", m.end(), stop)
        if q < 0:
            pos = stop + 1  # no 要求 before the sentence ends: no match starts in this sentence
            continue
        out.append(text[p:q + 2])
        pos = q + 2
    return out


def _lines(layout: Layout) -> tuple[list[str], array[int]]:
    """Every printed line outside tables (a PDF paragraph may hold a signature line and a date line),
    with the index of the paragraph each comes from."""
    lines: list[str] = []
    where = array("q")  # not an int object a line (a large text notice has some 350,000 lines)
    for n, b in enumerate(layout.blocks):
        if isinstance(b, Paragraph):
            for line in b.text.split("\n"):
                if line.strip():
                    lines.append(clean(_HEADING.sub("", line)))
                    where.append(n)
    return lines, where


def _issuer_line(lines: list[str], where: array[int], at: int) -> str:
    """The redhead line at `at`, with the lines of its paragraph before it, and with the line before
    it when it is only the wrapped end of the redhead (`公室文件`, `文件`: large type wraps)."""
    start = at
    while start > 0 and where[start - 1] == where[at]:
        start -= 1
    if start > 0 and lines[at].endswith("文件") and len(lines[at]) <= _REDHEAD_TAIL:
        start -= 1
    return clean("\n".join(lines[start:at + 1]))


def document_info(layout: Layout) -> DocumentInfo:
    """Read the document block from the paragraphs around the body of the notice."""
    lines, where = _lines(layout)
    own_at = None
    docnum_lines: list[int] = []
    for i, line in enumerate(lines):
        if canonical(line):
            docnum_lines.append(i)
    # the notice's own 文号 stands on its own line in the head, before the salutation (各…：) opens
    # the body; a web page copied out may put its navigation above the head
    body_at = next((i for i, line in enumerate(lines) if _SALUTATION.search(line)), 8)
    if docnum_lines and docnum_lines[0] < max(8, min(body_at, 40)):
        own_at = docnum_lines[0]
    doc_number = canonical(lines[own_at]) if own_at is not None else None
    date = None
    date_at = None
    for i, line in enumerate(lines):
        m = _DATE.match(line)
        if m:
            try:
                date = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
            date_at = i
            break
    issuer = None
    if own_at is not None and own_at > 0:
        issuer = re.sub(r"\s*文件$", "", _issuer_line(lines, where, own_at - 1)) or None
        if issuer is not None and not _ORGANISATION.match(issuer):
            issuer = None  # a web page's 发布时间/来源 line above the 文号, not the redhead
    if issuer is None and date_at is not None and date_at > 0 and _ORGANISATION.match(lines[date_at - 1]):
        issuer = lines[date_at - 1]
    title = _title(lines, own_at)
    forwards: list[str] = []
    for i in docnum_lines[1:]:
        value = canonical(lines[i])
        if value and value != doc_number and value not in forwards:
            forwards.append(value)
    if title and _FORWARD.search(title):
        for value in find_all(title):
            if value not in forwards:
                forwards.append(value)
    del lines, where
    # the texts joined without line breaks (for 按照…要求 across lines), and a line each (for the cited 文号),
    # each read in pieces that end at a 。 (_sentences): neither joined text is held whole
    parts = _texts(layout)
    implements: list[str] = []
    for piece in _sentences((part.replace("\n", "") for part in parts), ""):
        for phrase in _implements(piece):
            for value in find_all(phrase):
                if value not in implements and value not in forwards and value != doc_number:
                    implements.append(value)
    cites: list[str] = []
    for piece in _sentences(parts, "\n"):
        cites.extend(value for value in find_all(piece) if value not in cites)
    return DocumentInfo(
        doc_number=doc_number, issuer=issuer, title=title, date=date, forwards=forwards,
        implements=implements, cites=cites, source_file=layout.file, sha256=layout.sha256,
        format=layout.format, conversion=layout.conversion, ocr_pages=layout.ocr_pages)


def _title(lines: list[str], own_at: int | None) -> str | None:
    start = own_at + 1 if own_at is not None else 0
    for i in range(start, min(len(lines), start + 12)):
        if "关于" in lines[i] and not DOCNUM.fullmatch(lines[i]):
            parts = [lines[i]]
            j = i
            while not _TITLE_END.search(parts[-1]) and j + 1 < len(lines) and len(parts) < 5:
                j += 1
                parts.append(lines[j])
            return "".join(parts) if _TITLE_END.search(parts[-1]) else lines[i]
    return None
