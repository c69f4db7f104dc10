"""Catalogues as people choose them: listed by 文号, year, issuer and title (zhibiao.store.CatalogueRow), found by
words, sorted, archived ones apart; the likely predecessor of a catalogue (same title family, earlier year)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

from zhibiao.store import CatalogueRow

__all__ = ["SORTS", "listed", "row_label", "title_family", "Proposal", "predecessor", "FAMILY_MIN"]

SORTS = {"year": "年份（新→旧）", "doc_number": "文号", "issuer": "发文机关", "title": "标题",
         "uploaded": "上传时间（新→旧）"}
FAMILY_MIN = 0.72  # title similarity (0–1) from which two catalogues are one family (one rubric, other years)

# what changes from one year's rubric to the next in a title: years, 年版/年度, the brackets around them, the
# wrapping 关于印发《…》的通知, spaces and punctuation
_YEARS = re.compile(r"(?:19|20)\d\d\s*(?:年度|年版|年)?|[（(]\s*(?:修订|试行|征求意见稿)\s*[）)]")
_WRAP = re.compile(r"^.*?关于(?:印发|转发|开展|组织开展)?|的通知$")
_NOISE = re.compile(r"[\s《》〈〉“”\"'（）()【】\[\]〔〕、，,。.:：;；·—\-_]+")


def title_family(text: str | None) -> str:
    """A title without what changes between years: '滨江省市县法治政府建设示范指标体系（2019年版）' and
    '…（2021年版）' give one string."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _YEARS.sub("", text)
    inner = re.search(r"《([^》]+)》", text)
    if inner:  # the notice names the rubric it issues: that is the title
        text = inner[1]
    text = _WRAP.sub("", text)
    return _NOISE.sub("", text)


def _titles(row: CatalogueRow) -> list[str]:
    return [t for t in (title_family(row.title), title_family(row.notice_title)) if t]


def _similarity(a: CatalogueRow, b: CatalogueRow) -> float:
    best = 0.0
    for x in _titles(a):
        for y in _titles(b):
            best = max(best, fuzz.ratio(x, y) / 100)
    return best


def row_label(row: CatalogueRow) -> str:
    """How a catalogue is named in a list: 文号 · year · title (the file's name when there is no title)."""
    parts = [row.doc_number, f"{row.year} 年" if row.year else None, row.title or row.notice_title or row.filename]
    return " · ".join(p for p in parts if p)


def _key(sort: str):
    def text(value: str | None) -> tuple[bool, str]:
        return (not value, value or "")  # the ones without come last

    if sort == "doc_number":
        return lambda r: (text(r.doc_number), -r.id)
    if sort == "issuer":
        return lambda r: (text(r.issuer), -(r.year or 0), -r.id)
    if sort == "title":
        return lambda r: (text(r.title or r.notice_title), -(r.year or 0), -r.id)
    if sort == "uploaded":
        return lambda r: (-r.created_at.timestamp(), -r.id)
    return lambda r: (r.year is None, -(r.year or 0), -r.id)


def listed(rows: list[CatalogueRow], *, q: str | None = None, sort: str | None = None,
           archived: bool = False) -> list[CatalogueRow]:
    """The rows to show: current ones (archived ones instead when ``archived``; both when searching), those
    whose 文号, year, issuer, title or file name hold every word of ``q``, sorted by ``sort`` (SORTS)."""
    words = [w.lower() for w in (q or "").split()]
    out = []
    for row in rows:
        if not words and row.archived != archived:
            continue
        if words:
            hay = " ".join(str(v) for v in (row.doc_number, row.year, row.issuer, row.title, row.notice_title,
                                            row.filename) if v).lower()
            hay_nfkc = unicodedata.normalize("NFKC", hay)
            if not all(w in hay or unicodedata.normalize("NFKC", w) in hay_nfkc for w in words):
                continue
        out.append(row)
    return sorted(out, key=_key(sort if sort in SORTS else "year"))


@dataclass
class Proposal:
    """The catalogue proposed as the predecessor, and why (in Chinese, for the page)."""

    row: CatalogueRow
    reason: str
    similarity: float


def predecessor(rows: list[CatalogueRow], new: CatalogueRow) -> Proposal | None:
    """The likely earlier version of ``new``: a catalogue of its title family (similarity ≥ FAMILY_MIN) from an
    earlier year — the latest such year, then the most similar; of the same issuer if it ties. Without years,
    an earlier upload of the family. None when no catalogue is of its family."""
    found: list[tuple[tuple, CatalogueRow, float]] = []
    for row in rows:
        if row.id == new.id:
            continue
        score = _similarity(row, new)
        if score < FAMILY_MIN:
            continue
        if row.year is not None and new.year is not None:
            if row.year >= new.year:
                continue
        elif row.created_at >= new.created_at:
            continue
        same_issuer = bool(row.issuer and row.issuer == new.issuer)
        found.append(((row.year or 0, round(score, 2), same_issuer, row.id), row, score))
    if not found:
        return None
    _, row, score = max(found, key=lambda f: f[0])
    when = f"{row.year} 年" if row.year else "更早上传"
    return Proposal(row=row, similarity=score,
                    reason=f"标题与新版相近（相似度 {score:.0%}），年份较早（{when}）" if row.year else
                    f"标题与新版相近（相似度 {score:.0%}），{when}")
