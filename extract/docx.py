"""Word (DOCX) notices: body paragraphs and tables in document order, merged cells resolved from the XML."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

from zhibiao.errors import CorruptFile
from zhibiao.findings import reader_note
from zhibiao.model import Cell, Layout, Paragraph, ReaderNote, Source, Table

__all__ = ["read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC = _W + "p", _W + "tbl", _W + "tr", _W + "tc"
_T, _TAB, _PTAB, _BR, _CR, _NBH = _W + "t", _W + "tab", _W + "ptab", _W + "br", _W + "cr", _W + "noBreakHyphen"
_TXBX, _R = _W + "txbxContent", _W + "r"
# containers that only wrap body content (content controls, custom XML, tracked insertions)
_WRAPPERS = {_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "moveTo", _W + "smartTag"}
# subtrees whose text is not part of the visible run text
_SKIP = {_W + "del", _W + "moveFrom", _W + "pPr", _W + "rPr", _W + "sdtPr", _W + "sdtEndPr", _MC + "Fallback",
         _W + "trPr", _W + "tcPr", _W + "tblPr", _W + "tblGrid"}


@dataclass
class _Cell:
    """A logical cell while the grid is being resolved (spans still growing)."""

    text: str
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1


class _Walk:
    """What one document walk noticed but did not read, for the layout's warnings."""

    def __init__(self) -> None:
        self.text_boxes = 0
        self.chunks = 0
        self.hidden = 0  # runs of hidden text (w:vanish) that hold text, left out


def _int(el, attr: str, default: int) -> int:
    """An integer attribute of an OOXML property element, or default when absent or malformed."""
    if el is None:
        return default
    try:
        return int(el.get(_W + attr))
    except (TypeError, ValueError):
        return default


def _children(el, wanted: str):
    """Children of el with tag wanted, looking through content-control and custom-XML wrappers."""
    for child in el:
        if child.tag == wanted:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, wanted)


def _run_text(el, out: list[str], walk: _Walk) -> None:
    """Append the visible text under el (runs, hyperlinks, fields, insertions) to out."""
    for child in el:
        tag = child.tag
        if tag == _T:
            out.append(child.text or "")
        elif tag in (_TAB, _PTAB):
            out.append("\t")
        elif tag == _BR:
            if child.get(_W + "type") in (None, "textWrapping"):
                out.append("\n")
        elif tag == _CR:
            out.append("\n")
        elif tag == _NBH:
            out.append("-")
        elif tag == _TXBX:
            if "".join(t.text or "" for t in child.iter(_T)).strip():
                walk.text_boxes += 1
        elif tag == _R and _vanished(child):
            if "".join(t.text or "" for t in child.iter(_T)).strip():
                walk.hidden += 1
        elif tag in _SKIP or not isinstance(tag, str):
            continue
        else:
            _run_text(child, out, walk)


def _vanished(run) -> bool:
    """A run formatted as hidden text (w:vanish in its own properties): Word does not print it."""
    rpr = run.find(_W + "rPr")
    vanish = rpr.find(_W + "vanish") if rpr is not None else None
    return vanish is not None and vanish.get(_W + "val", "true").lower() not in ("false", "0", "off")


def _paragraph_text(p, walk: _Walk) -> str:
    """The text of one w:p, verbatim (tabs and line breaks kept)."""
    out: list[str] = []
    _run_text(p, out, walk)
    return "".join(out)


def _cell_text(tc, walk: _Walk) -> str:
    """A cell's own paragraphs joined with newlines, then its nested tables' non-empty cells one per line."""
    own: list[str] = []
    nested: list[str] = []

    def visit(el) -> None:
        """Collect paragraphs and nested tables directly in el, looking through wrappers."""
        for child in el:
            if child.tag == _P:
                own.append(_paragraph_text(child, walk))
            elif child.tag == _TBL:
                nested.extend(c.text for c in _grid(child, walk) if c.text.strip())
            elif child.tag in _WRAPPERS:
                visit(child)

    visit(tc)
    if nested:
        while own and not own[-1].strip():
            own.pop()  # the empty paragraph Word requires after a nested table
        own.extend(nested)
    return "\n".join(own)


_SPAN_WEIGHT = 64


def _grid_width(tbl) -> int:
    """The columns of a table's grid: its w:tblGrid (every w:gridCol is in the file), else its fullest row
    with each gridSpan counted up to 64 (a table without a grid is not valid OOXML)."""
    grid = tbl.find(_W + "tblGrid")
    declared = len(grid.findall(_W + "gridCol")) if grid is not None else 0
    if declared:
        return declared
    widest = 1
    for tr in _children(tbl, _TR):
        width = 0
        for tc in _children(tr, _TC):
            tcpr = tc.find(_W + "tcPr")
            width += min(max(1, _int(tcpr.find(_W + "gridSpan") if tcpr is not None else None, "val", 1)),
                         _SPAN_WEIGHT)
        widest = max(widest, width)
    return widest


def _grid(tbl, walk: _Walk) -> list[_Cell]:
    """The logical cells of a w:tbl, one per merged region at its top-left, row by row."""
    cells: list[_Cell] = []
    owner: dict[tuple[int, int], _Cell] = {}
    width = _grid_width(tbl)
    for r, tr in enumerate(_children(tbl, _TR)):
        trpr = tr.find(_W + "trPr")
        c = min(max(0, _int(trpr.find(_W + "gridBefore") if trpr is not None else None, "val", 0)), width)
        for tc in _children(tr, _TC):
            tcpr = tc.find(_W + "tcPr")
            span = max(1, _int(tcpr.find(_W + "gridSpan") if tcpr is not None else None, "val", 1))
            span = max(1, min(span, width - c))  # a gridSpan reaches at most the table's grid
            vmerge = tcpr.find(_W + "vMerge") if tcpr is not None else None
            hmerge = tcpr.find(_W + "hMerge") if tcpr is not None else None
            text = _cell_text(tc, walk)
            target = None
            if vmerge is not None and vmerge.get(_W + "val", "continue") == "continue":
                above = owner.get((r - 1, c))
                if above is not None and above.col == c and above.row + above.row_span == r:
                    above.row_span += 1
                    target = above
            elif hmerge is not None and hmerge.get(_W + "val", "continue") == "continue":
                left = owner.get((r, c - 1))
                if left is not None and left.row == r:
                    left.col_span += span
                    target = left
            if target is not None:
                if text.strip():
                    target.text = f"{target.text}\n{text}" if target.text.strip() else text
            else:
                target = _Cell(text=text, row=r, col=c, col_span=span)
                cells.append(target)
            for k in range(span):
                owner[(r, c + k)] = target
            c += span
    cells.sort(key=lambda cell: (cell.row, cell.col))
    return cells


def _body_elements(el):
    """Paragraphs and tables of the body in document order, looking through wrappers."""
    for child in el:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag in _WRAPPERS:
            yield from _body_elements(child)
        elif child.tag == _W + "altChunk":
            yield child


def _load_body(data: bytes):
    """Open the package and return the main document's w:body element."""
    from docx.opc.package import OpcPackage
    from docx.oxml import parse_xml

    try:
        package = OpcPackage.open(io.BytesIO(data))
        part = package.main_document_part
        element = part.element if hasattr(part, "element") else parse_xml(part.blob)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise CorruptFile(None, "the zip container is damaged") from None
    except KeyError:
        raise CorruptFile(None, "a required part of the package is missing") from None
    except Exception as exc:  # lxml syntax errors, python-docx package errors
        raise CorruptFile(None, f"the document XML cannot be parsed ({type(exc).__name__})") from None
    body = element.find(_W + "body")
    if body is None:
        raise CorruptFile(None, "the document has no body (is it Strict Open XML?)")
    return body


def read_docx(data: bytes, name: str, sha256: str) -> Layout:
    """Turn a DOCX into paragraphs and tables, each merged table cell one Cell with its spans."""
    body = _load_body(data)
    walk = _Walk()
    blocks: list = []
    n_par = n_tbl = 0
    for el in _body_elements(body):
        if el.tag == _P:
            n_par += 1
            text = _paragraph_text(el, walk)
            if text.strip():
                blocks.append(Paragraph(text=text, source=Source(file=name, locator=f"paragraph {n_par}")))
        elif el.tag == _TBL:
            n_tbl += 1
            cells = [
                Cell(text=c.text, row=c.row, col=c.col, row_span=c.row_span, col_span=c.col_span,
                     source=Source(file=name, locator=f"table {n_tbl} row {c.row + 1} cell {c.col + 1}"))
                for c in _grid(el, walk)
            ]
            if cells:
                blocks.append(Table(cells=cells, source=Source(file=name, locator=f"table {n_tbl}")))
        else:
            walk.chunks += 1
    notes: list[ReaderNote] = []
    if walk.text_boxes:
        notes.append(reader_note("docx_text_boxes", count=walk.text_boxes))
    if walk.chunks:
        notes.append(reader_note("docx_alt_chunks", count=walk.chunks))
    if walk.hidden:
        notes.append(reader_note("docx_hidden_text", count=walk.hidden))
    return Layout(file=name, sha256=sha256, format="docx", notes=notes, blocks=blocks)
