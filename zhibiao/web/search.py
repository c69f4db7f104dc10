"""Finding indicators on the catalogue page: what a reviewer types (a dotted id, a printed number such as ``44`` or
``（三）``, or words), and the filters (errors, warnings, missing labels, text OCR read with low confidence,
unverified) that keep the parent rows of what they show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from zhibiao.model import Catalogue, Indicator
from zhibiao.normalize.numbering import parse_marker

from .tree import Node, RubricView

__all__ = ["FILTERS", "search", "Shown", "shown_nodes", "sequence"]

# filter key -> its Chinese name (the catalogue page and the review mode)
FILTERS = {"errors": "有错误", "warnings": "有警告", "labels": "标签缺失", "ocr": "识别置信度低",
           "unverified": "未核实"}

_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def _marker_key(text: str | None) -> tuple[str, int] | None:
    """A printed clause number as (style, number): （三） and (三) alike; None when it is not one alone."""
    if not text:
        return None
    text = text.strip()
    found = parse_marker(text)
    if found is None or text[found.end:].strip():
        return None
    return found.style, found.number


def search(cat: Catalogue, query: str) -> list[Indicator]:
    """The indicators a query names, in document order.

    A dotted id (``3.1.44``) names that indicator; a bare number (``44``, ``４４``) the indicators printed with
    that number; a clause number (``（三）``, ``三、``, ``3.``) those printed with it; anything else is words,
    each of which must be in the indicator's marker, text, 评分标准 or notes.
    """
    q = " ".join(query.split())
    if not q:
        return []
    exact = cat.find(q) or cat.find(q.translate(_FULLWIDTH))
    if exact is not None:
        return [exact]
    plain = q.translate(_FULLWIDTH)
    if plain.isascii() and plain.isdigit():
        return [i for i in cat.walk() if i.number == int(plain)]
    key = _marker_key(q)
    if key is not None:
        return [i for i in cat.walk() if _marker_key(i.marker) == key]
    words = [w.casefold() for w in q.split()]
    out = []
    for ind in cat.walk():
        hay = " ".join([ind.marker or "", ind.text, ind.criteria or "", *ind.notes,
                        ind.deduction.text if ind.deduction else ""]).casefold()
        if all(w in hay for w in words):
            out.append(ind)
    return out


def _matches(node: Node, key: str) -> bool:
    if key == "errors":
        return any(f.severity == "error" for f in node.findings)
    if key == "warnings":
        return any(f.severity == "warning" for f in node.findings)
    if key == "labels":
        return "label_missing" in node.ind.flags
    if key == "ocr":
        return "ocr_low_confidence" in node.ind.flags
    return not node.verified


def _walk(nodes: Iterable[Node], parents: tuple[str, ...] = ()):
    for n in nodes:
        yield n, parents
        yield from _walk(n.children, parents + (n.ind.id,))


@dataclass
class Shown:
    """What the tree shows under a filter or a search: the matches, and them with their parents."""

    matched: list[str]  # in document order
    visible: set[str]


def shown_nodes(rubrics: list[RubricView], *, show: str | None = None, ids: Iterable[str] | None = None) -> Shown:
    """The nodes a filter (FILTERS key) and/or a search (the ids it found) keep, with every parent of each."""
    wanted = set(ids) if ids is not None else None
    matched: list[str] = []
    visible: set[str] = set()
    for rv in rubrics:
        for n, parents in _walk(rv.nodes):
            if wanted is not None and n.ind.id not in wanted:
                continue
            if show in FILTERS and not _matches(n, show):
                continue
            matched.append(n.ind.id)
            visible.add(n.ind.id)
            visible.update(parents)
    return Shown(matched=matched, visible=visible)


def sequence(rubrics: list[RubricView], show: str | None) -> list[Node]:
    """The nodes the review mode steps through, in document order: those a filter keeps (all without one)."""
    return [n for rv in rubrics for n, _ in _walk(rv.nodes) if show not in FILTERS or _matches(n, show)]
