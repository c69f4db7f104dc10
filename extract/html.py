"""Web-page (HTML) notices: decode, drop page boilerplate, and read the main content's blocks and tables in order."""

from __future__ import annotations

import codecs
import re

from zhibiao.errors import CorruptFile, UndecodableText
from zhibiao.findings import reader_note
from zhibiao.model import Cell, Layout, Paragraph, ReaderNote, Source, Table

__all__ = ["decode_html", "read_html"]

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "windows-936", "gb_2312-80", "csgb2312", "euc-cn"}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))

_DROP_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
              "head", "template", "svg", "select", "button", "textarea", "object", "embed"}
_DROP_WORDS = re.compile(r"nav|menu|crumb|footer|header|share|sidebar|toolbar|copyright|"
                         r"(?<![a-z])(?:head|foot|top|bottom)(?![a-z])", re.I)
_NEVER_DROP = {"html", "body"}
_FORM_WRAPPER_CHARS = 200  # a <form> holding this much text wraps the page (ASP.NET style): keep it
# elements whose content is one paragraph (<br> inside becomes a newline)
_PARA_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre", "address", "caption",
              "figcaption", "summary", "legend"}
# other block-level elements: their loose text is split into one paragraph per <br>-separated line
_BLOCK_TAGS = _PARA_TAGS | {"html", "body", "div", "section", "article", "main", "ul", "ol", "dl", "menu",
                            "blockquote", "center", "figure", "fieldset", "details", "hr", "table", "thead",
                            "tbody", "tfoot", "tr", "td", "th", "hgroup", "dir"}
_SOURCE_BREAK = re.compile(r"[ \t\f]*[\r\n][ \t\r\n\f]*")
_EDGE = " \t\r\n\f"
_MAX_ROWSPAN = 65534
_MAX_COLSPAN = 1000


def _canonical(label: str) -> str | None:
    """The Python codec for a declared charset (GB family read as GB18030), or None when unknown."""
    label = label.strip().lower()
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes) -> tuple[str, str, list[ReaderNote]]:
    """Decode by BOM, else declared charset, else UTF-8, else GB18030; return (text, encoding, warnings)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding.replace("-le", "").replace("-be", ""), []
            except UnicodeDecodeError:
                break
    warnings: list[ReaderNote] = []
    head = data[:8192]
    found = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    declared = found.group(1).decode("ascii") if found else None
    codec = _canonical(declared) if declared else None
    if declared and codec is None:
        warnings.append(reader_note("charset_unknown", charset=declared))
    candidates = []
    if codec == "gb18030" and _is_multibyte_utf8(data):
        warnings.append(reader_note("charset_is_utf8", charset=str(declared)))
        candidates.append("utf-8")
    candidates += [c for c in (codec, "utf-8", "gb18030") if c and c not in candidates]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            if encoding == codec:
                warnings.append(reader_note("charset_invalid", charset=str(declared)))
            continue
        return text, encoding, warnings
    first = candidates[0]
    text = data.decode(first, errors="replace")
    bad = text.count("\ufffd")
    if bad > max(3, len(text) // 1000):
        raise UndecodableText(None, f"neither {declared or 'UTF-8'} nor UTF-8 nor GB18030")
    warnings.append(reader_note("undecodable_bytes", count=bad, encoding=first))
    return text, first, warnings


def _is_multibyte_utf8(data: bytes) -> bool:
    """True when data is valid UTF-8 and not plain ASCII (a strong sign of UTF-8 whatever is declared)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not data.isascii()


def _tag(el) -> str | None:
    """The lower-case tag name of an element, or None for comments and processing instructions."""
    return el.tag.lower() if isinstance(el.tag, str) else None


def _text_length(el) -> int:
    """How many non-space characters el holds outside scripts and styles."""
    total = 0
    for node in el.iter():
        if _tag(node) not in ("script", "style"):
            total += len("".join((node.text or "").split()))
        if node is not el:
            total += len("".join((node.tail or "").split()))
    return total


def _boilerplate(el) -> bool:
    """True for navigation, headers, footers, share bars, scripts and the like."""
    tag = _tag(el)
    if tag is None or tag in _NEVER_DROP:
        return False
    if tag in _DROP_TAGS:
        if tag == "form" and _text_length(el) >= _FORM_WRAPPER_CHARS:
            return False
        if tag in ("header", "footer") and any(_tag(a) in ("article", "main") for a in el.iterancestors()):
            return False
        return True
    marks = f"{el.get('id') or ''} {el.get('class') or ''}"
    return bool(_DROP_WORDS.search(marks))


_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important\s*)?(?:;|$)",
                           re.I)


def _hidden(el) -> bool:
    """An element the browser does not show: the hidden attribute, or an inline display:none / visibility:hidden."""
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style) and bool(_HIDDEN_STYLE.search(style))


class _Text:
    """Segments of one block's text: raw strings, hard breaks (<br>) and soft breaks (block edges)."""

    def __init__(self) -> None:
        self.parts: list[tuple] = []

    def add(self, text: str | None, hint, pre: bool = False) -> None:
        """Add raw text; hint is (element, is_tail) for locating its line."""
        if not text:
            return
        if pre:
            for n, piece in enumerate(text.split("\n")):
                if n:
                    self.parts.append(("br", hint))
                if piece:
                    self.parts.append(("pre", piece, hint))
            return
        if self.parts and self.parts[-1][0] == "text":
            _, prev, prev_hint = self.parts[-1]
            self.parts[-1] = ("text", prev + text, prev_hint)
        else:
            self.parts.append(("text", text, hint))

    def br(self, hint) -> None:
        """A hard line break."""
        self.parts.append(("br", hint))

    def soft(self) -> None:
        """A block edge: a line break unless the current line is still empty."""
        self.parts.append(("soft",))

    def lines(self) -> list[tuple[str, object]]:
        """The lines as (text, first text hint), source-formatting whitespace made single spaces."""
        lines: list[list] = [["", None]]
        for part in self.parts:
            kind = part[0]
            if kind == "br":
                lines.append(["", None])
            elif kind == "soft":
                if lines[-1][0].strip(_EDGE):
                    lines.append(["", None])
                else:
                    lines[-1][0] = ""
            else:
                text = part[1] if kind == "pre" else _SOURCE_BREAK.sub(" ", part[1])
                if lines[-1][1] is None and text.strip(_EDGE):
                    lines[-1][1] = (part[2], part[1])
                lines[-1][0] += text
        return [(text.strip(_EDGE), hint) for text, hint in lines]

    def joined(self) -> str:
        """All lines joined with newlines, blank edges removed."""
        return "\n".join(text for text, _ in self.lines()).strip(_EDGE)


def _line_of(hint) -> int | None:
    """The source line where a piece of text starts, from its element and the newlines before it."""
    if hint is None:
        return None
    (el, is_tail), raw = hint
    line = _end_line(el) if is_tail else el.sourceline
    if not line:
        return None
    lead = len(raw) - len(raw.lstrip(_EDGE))
    return line + raw[:lead].count("\n")


def _end_line(el) -> int | None:
    """The source line where el's content ends (its start line plus the newlines in its text)."""
    line = el.sourceline
    if line is None:
        return None
    line += (el.text or "").count("\n")
    for child in el:
        line = (_end_line(child) or line) + (child.tail or "").count("\n")
    return line


def _span(value: str | None, default: int, limit: int) -> int:
    """A rowspan/colspan attribute as a positive integer (0 and junk mean the default)."""
    try:
        number = int((value or "").strip())
    except ValueError:
        return default
    return min(number, limit) if number > 0 else default


_SPAN_WEIGHT = 64
_MAX_AREA = 1_000_000  # grid slots (rows × columns) a table's cells may cover in all; real tables cover ~10,000


def _grid_width(rows) -> int:
    """The widest a table's grid can really be: its fullest row, each colspan counted up to 64 columns.

    A colspan only widens the grid as far as the other rows' cells fill it; this bounds what a row of
    ``colspan="1000"`` cells over thousands of rows may allocate, and leaves every real table as it is.
    """
    widest = 1
    for row in rows:
        width = sum(min(_span(td.get("colspan"), 1, _MAX_COLSPAN), _SPAN_WEIGHT)
                    for td in row if _tag(td) in ("td", "th"))
        widest = max(widest, width)
    return widest


class _Reader:
    """One pass over the parsed page, collecting Paragraph and Table blocks in document order."""

    def __init__(self, name: str, tree) -> None:
        self.name = name
        self.tree = tree
        self.blocks: list = []
        self.hidden = 0  # hidden elements with text, left out

    def shown(self, el) -> bool:
        """False for an element the page hides (counted when it holds text): left out as the browser does."""
        if not _hidden(el):
            return True
        if _text_length(el):
            self.hidden += 1
        return False

    def source(self, el, line: int | None = None) -> Source:
        """Provenance of an element: its XPath and source line."""
        line = line or el.sourceline
        return Source(file=self.name, locator=self.tree.getpath(el), lines=(line, line) if line else None)

    # paragraphs ---------------------------------------------------------------------------------

    def container(self, el, split: bool, pre: bool = False) -> None:
        """Read a block element; loose text becomes paragraphs (one per <br> line when split)."""
        text = _Text()
        pre = pre or _tag(el) == "pre"
        text.add(el.text, (el, False), pre=pre)
        for child in el:
            self.child(child, el, text, split, pre)
            text.add(child.tail, (child, True), pre=pre)
        self.flush(el, text, split)

    def child(self, child, owner, text: _Text, split: bool, pre: bool) -> None:
        """Read one child of a block: inline content goes into text, blocks flush it first."""
        tag = _tag(child)
        if tag is None or _boilerplate(child) or not self.shown(child):
            return
        if tag == "br":
            text.br((child, True))
            return
        if tag in _BLOCK_TAGS:
            self.flush(owner, text, split)
            if tag == "table":
                self.table(child)
            else:
                self.container(child, split=tag not in _PARA_TAGS, pre=pre)
            return
        text.add(child.text, (child, False), pre=pre)
        for grandchild in child:
            self.child(grandchild, owner, text, split, pre)
            text.add(grandchild.tail, (grandchild, True), pre=pre)

    def flush(self, owner, text: _Text, split: bool) -> None:
        """Emit the text gathered so far as paragraph(s) of owner and start afresh."""
        if not text.parts:
            return
        if split:
            for line, hint in text.lines():
                if line.strip():
                    self.blocks.append(Paragraph(text=line, source=self.source(owner, _line_of(hint))))
        else:
            joined = text.joined()
            if joined.strip():
                self.blocks.append(Paragraph(text=joined, source=self.source(owner)))
        text.parts.clear()

    # tables -------------------------------------------------------------------------------------

    def rows(self, table) -> list:
        """The table's own rows: head, bodies and bare rows in order, foot last."""
        head: list = []
        body: list = []
        foot: list = []
        for child in table:
            tag = _tag(child)
            if tag in ("tr", "thead", "tbody", "tfoot") and not self.shown(child):
                continue
            if tag == "tr":
                body.append(child)
            elif tag in ("thead", "tbody", "tfoot"):
                rows = [r for r in child if _tag(r) == "tr" and self.shown(r)]
                {"thead": head, "tbody": body, "tfoot": foot}[tag].extend(rows)
        return head + body + foot

    def is_layout(self, table, rows) -> bool:
        """A table used for page layout (it holds another table, or one cell): read it as blocks."""
        if (table.get("role") or "").lower() == "presentation":
            return True
        cells = [c for r in rows for c in r if _tag(c) in ("td", "th")]
        return len(cells) <= 1 or any(True for _ in table.iterdescendants("table"))

    def table(self, table) -> None:
        """Emit a data table as one Table with rowspan/colspan resolved (layout tables as blocks)."""
        rows = self.rows(table)
        for child in table:
            if _tag(child) == "caption" and not _boilerplate(child):
                self.container(child, split=False)
        if self.is_layout(table, rows):
            for row in rows:
                for cell in row:
                    if _tag(cell) in ("td", "th") and not _boilerplate(cell):
                        self.container(cell, split=True)
            return
        cells: list[Cell] = []
        width = _grid_width(rows)
        busy: dict[int, int] = {}  # column -> the last row a cell placed so far covers in it
        area = _MAX_AREA  # the grid slots the table's spans may still cover
        for r, row in enumerate(rows):
            c = 0
            for td in row:
                if _tag(td) not in ("td", "th") or not self.shown(td):
                    continue
                while busy.get(c, -1) >= r:
                    c += 1
                row_span = _span(td.get("rowspan"), 1, _MAX_ROWSPAN)
                if td.get("rowspan", "").strip() == "0":
                    row_span = len(rows) - r
                row_span = min(row_span, len(rows) - r)
                # a colspan reaches at most the table's real width (a 1 KB page may claim 1000 columns a cell)
                col_span = max(1, min(_span(td.get("colspan"), 1, _MAX_COLSPAN), width - c))
                if row_span * col_span > area:  # spans over thousands of empty rows: the grid is not real
                    row_span = col_span = 1
                area -= row_span * col_span
                for dc in range(col_span):
                    busy[c + dc] = max(busy.get(c + dc, -1), r + row_span - 1)
                cells.append(Cell(text=self.cell_text(td), row=r, col=c, row_span=row_span, col_span=col_span,
                                  source=self.source(td)))
                c += col_span
        if cells:
            self.blocks.append(Table(cells=cells, source=self.source(table)))

    def cell_text(self, td) -> str:
        """A cell's text: <br> and block children (<p>, <div>, nested table cells) as newlines."""
        text = _Text()

        def walk(el, pre: bool) -> None:
            """Add el's text and its children's, block edges as soft breaks."""
            text.add(el.text, (el, False), pre=pre)
            for child in el:
                tag = _tag(child)
                if tag is not None and not _boilerplate(child) and self.shown(child):
                    if tag == "br":
                        text.br((child, True))
                    elif tag in _BLOCK_TAGS:
                        text.soft()
                        walk(child, pre or tag == "pre")
                        text.soft()
                    else:
                        walk(child, pre or tag == "pre")
                text.add(child.tail, (child, True), pre=pre)

        walk(td, False)
        return text.joined()


def read_html(data: bytes, name: str, sha256: str) -> Layout:
    """Turn an HTML page into paragraphs and tables of its main content, boilerplate left out."""
    import lxml.etree
    import lxml.html

    text, encoding, warnings = decode_html(data)
    text = text.replace("\x00", "")
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=False, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError) as exc:
        raise CorruptFile(None, f"the page cannot be parsed ({exc})") from None
    if root is None:
        raise CorruptFile(None, "the page cannot be parsed")
    reader = _Reader(name, root.getroottree())
    reader.container(root, split=True)
    fatal = ["elements are nested too deeply" if "depth" in e.message.lower() else e.message.strip()
             for e in parser.error_log if e.level_name == "FATAL"]
    if fatal and not reader.blocks:
        raise CorruptFile(None, f"the page cannot be parsed ({fatal[0]})")
    if fatal:
        warnings.append(reader_note("html_stopped_early", error=str(fatal[0])))
    if reader.hidden:
        warnings.append(reader_note("html_hidden", count=reader.hidden))
    return Layout(file=name, sha256=sha256, format="html", encoding=encoding, notes=warnings,
                  blocks=reader.blocks)
