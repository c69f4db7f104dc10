"""What the pages and the API share: Chinese labels, the tree as shown, source snippets, file names."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from zhibiao.findings import render_zh, titles_zh
from zhibiao.model import Catalogue, Finding, Indicator, Layout, Paragraph, Rubric, Source, Table, dec_str

__all__ = [
    "FLAG_LABELS", "FINDING_LABELS", "SEVERITY_LABELS", "FIELD_LABELS", "FORMAT_LABELS",
    "Node", "RubricView", "finding_text", "build_rubrics", "unverified_reasons", "pts", "local_time",
    "SnippetPart", "SnippetCache", "content_disposition", "safe_filename", "export_filename",
]

FLAG_LABELS = {
    "label_missing": "标签缺失",
    "inferred_from_sum": "分值由下级推算",
    "points_unit_missing": "分值缺少“分”字",
    "points_unbracketed": "分值未加括号",
    "points_from_deduction": "分值取自评分标准",
    "label_by_reviewer": "标签由审核人补填",
}

FINDING_LABELS = titles_zh()  # code -> its short Chinese name, from the registry (zhibiao/findings.py)

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}

FIELD_LABELS = {
    "text": "文字",
    "label": "标签",
    "points": "分值",
    "parent": "上级指标",
    "verified": "核实指标",
    "catalogue_verified": "核实目录",
}

FORMAT_LABELS = {"txt": "TXT 文本", "pdf": "PDF", "docx": "Word (DOCX)", "html": "网页 (HTML)"}

_BEIJING = dt.timezone(dt.timedelta(hours=8))


def finding_text(finding: Finding) -> str:
    """The finding in Chinese, rendered from its params; a finding written before 1.2 (no params) shows its message."""
    return render_zh(finding)


def pts(value: Decimal | None) -> str:
    """Points as printed: '2', '0.5'; '' for none."""
    return dec_str(value) if value is not None else ""


def local_time(value: dt.datetime | None) -> str:
    """A stored timestamp (UTC; naive ones from SQLite are UTC too) in Beijing time."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(_BEIJING).strftime("%Y-%m-%d %H:%M:%S")


# --- the tree as shown ---------------------------------------------------------------------


@dataclass
class Node:
    """One indicator on the catalogue page, with what the page shows next to it."""

    ind: Indicator
    parent_id: str | None
    revision: int
    verified: bool
    findings: list[Finding]
    children: list["Node"] = field(default_factory=list)
    child_sum: Decimal | None = None
    child_points_missing: bool = False
    sum_ok: bool = True
    unverified: list[tuple[str, int]] = field(default_factory=list)  # (id, revision) in this subtree

    @property
    def severity(self) -> str | None:
        """The worst finding on this indicator: error, warning, info or None."""
        if not self.findings:
            return None
        return max(self.findings, key=lambda f: SEVERITY_RANK[f.severity]).severity

    @property
    def label(self) -> str:
        return f"{self.ind.marker or ''}{self.ind.text}" or f"[{self.ind.id}]"

    @property
    def leaves(self) -> int:
        return 1 if not self.children else sum(c.leaves for c in self.children)


@dataclass
class RubricView:
    """A rubric on the catalogue page."""

    rubric: Rubric
    nodes: list[Node]
    first_level_sum: Decimal
    total_ok: bool

    @property
    def unverified(self) -> list[tuple[str, int]]:
        return [pair for n in self.nodes for pair in n.unverified]

    @property
    def count(self) -> int:
        return sum(1 for _ in self.rubric.walk())

    @property
    def leaves(self) -> int:
        return sum(n.leaves for n in self.nodes)


def build_rubrics(cat: Catalogue, revisions: dict[str, int]) -> list[RubricView]:
    """The tree of every rubric with sums, findings, verification state and revisions."""
    verified = set(cat.verification.indicators) if cat.verification else set()
    by_indicator: dict[str, list[Finding]] = {}
    for finding in cat.all_findings():
        if finding.indicator:
            by_indicator.setdefault(finding.indicator, []).append(finding)

    def node(ind: Indicator, parent: str | None) -> Node:
        n = Node(ind=ind, parent_id=parent, revision=revisions.get(ind.id, 1), verified=ind.id in verified,
                 findings=by_indicator.get(ind.id, []))
        n.children = [node(c, ind.id) for c in ind.children]
        if ind.children:
            n.child_points_missing = any(c.points is None for c in ind.children)
            n.child_sum = sum((c.points for c in ind.children if c.points is not None), Decimal(0))
            n.sum_ok = not n.child_points_missing and ind.points is not None and n.child_sum == ind.points
        n.unverified = ([] if n.verified else [(ind.id, n.revision)]) + [p for c in n.children for p in c.unverified]
        return n

    views = []
    for rubric in cat.rubrics:
        nodes = [node(i, None) for i in rubric.indicators]
        first = sum((i.points for i in rubric.indicators if i.points is not None), Decimal(0))
        total_ok = rubric.stated_total is None or rubric.stated_total == first
        views.append(RubricView(rubric=rubric, nodes=nodes, first_level_sum=first, total_ok=total_ok))
    return views


def unverified_reasons(cat: Catalogue) -> tuple[list[Indicator], list[Finding]]:
    """Why a catalogue cannot be marked verified: indicators not verified yet, and error findings."""
    done = set(cat.verification.indicators) if cat.verification else set()
    missing = [i for r in cat.rubrics for i in r.walk() if i.id not in done]
    errors = [f for f in cat.all_findings() if f.severity == "error"]
    return missing, errors


# --- source snippets -----------------------------------------------------------------------


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
    """Source text of indicators, read from the stored notice; layouts and PDF regions are cached."""

    def __init__(self, size: int = 8):
        self._lock = threading.Lock()
        self._layouts: OrderedDict[str, Layout] = OrderedDict()
        self._regions: OrderedDict[tuple, str] = OrderedDict()
        self._size = size

    def _layout(self, filename: str, data: bytes, sha: str) -> Layout:
        from zhibiao import extract

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

    def _region(self, data: bytes, sha: str, page: int, bbox: tuple) -> str:
        from zhibiao.extract.pdf import text_in_region

        key = (sha, page, tuple(bbox))
        with self._lock:
            if key in self._regions:
                return self._regions[key]
        text = text_in_region(data, page, tuple(bbox))
        with self._lock:
            self._regions[key] = text
            while len(self._regions) > 512:
                self._regions.popitem(last=False)
        return text

    def parts(self, filename: str, data: bytes, sha: str, fmt: str, source: Source | None) -> list[SnippetPart]:
        """The text at the source: PDF page regions, TXT lines, or the DOCX/HTML element (HTML lines as fallback)."""
        if source is None:
            return []
        if source.regions:
            out = []
            for region in source.regions:
                x0, top, x1, bottom = region.bbox
                out.append(SnippetPart(heading=f"第 {region.page} 页（区域 {x0:.0f}, {top:.0f} – {x1:.0f}, {bottom:.0f}）",
                                       text=self._region(data, sha, region.page, region.bbox)))
            return out
        if source.locator and fmt in ("docx", "html"):
            layout = self._layout(filename, data, sha)
            texts = []
            for block in layout.blocks:
                if isinstance(block, Paragraph) and block.source.locator == source.locator:
                    texts.append(block.text)
                elif isinstance(block, Table):
                    texts.extend(c.text for c in block.cells if c.source.locator == source.locator)
            if texts:
                heading = _locator_label(source.locator)
                if source.lines:
                    a, b = source.lines
                    heading += f"（第 {a} 行）" if a == b else f"（第 {a}–{b} 行）"
                return [SnippetPart(heading=heading, text="\n".join(texts))]
        if source.lines:
            from zhibiao.extract.text import decode

            text, _ = decode(data)
            lines = text.splitlines()
            a, b = source.lines
            numbered = [(n, lines[n - 1]) for n in range(a, min(b, len(lines)) + 1)]
            heading = f"第 {a} 行" if a == b else f"第 {a}–{b} 行"
            return [SnippetPart(heading=heading, text="\n".join(t for _, t in numbered), numbered=numbered)]
        if source.pages:
            return [SnippetPart(heading="第 " + "、".join(str(p) for p in source.pages) + " 页", text="")]
        return []


# --- file names ----------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')


def safe_filename(name: str | None, fallback: str) -> str:
    """The base name of an uploaded file without path, control or reserved characters (at most 120 chars)."""
    base = (name or "").replace("\\", "/").split("/")[-1]
    base = unicodedata.normalize("NFC", base)
    base = _UNSAFE.sub("_", base).strip(" .")
    if len(base) > 120:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 120 - len(ext) - 1] + "." + ext) if dot and len(ext) <= 8 else base[:120]
    return base or fallback


def export_filename(document_file: str, version: int, ext: str) -> str:
    """'000_1c204f1614fc8d36.pdf', version 3, 'xlsx' -> '000_1c204f1614fc8d36_v3.xlsx'."""
    stem = safe_filename(document_file, "catalogue")
    if "." in stem:
        stem = stem.rsplit(".", 1)[0] or stem
    return f"{stem}_v{version}.{ext}"


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A Content-Disposition value with an ASCII fallback name and the UTF-8 name (RFC 6266 / 5987)."""
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
