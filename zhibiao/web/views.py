"""What the pages and the API show in Chinese: labels of flags, findings, fields and formats, points, times."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from zhibiao.model import Finding, dec_str

__all__ = [
    "FLAG_LABELS", "FINDING_LABELS", "SEVERITY_LABELS", "SEVERITY_RANK", "FIELD_LABELS", "FORMAT_LABELS",
    "finding_text", "pts", "local_time",
]

FLAG_LABELS = {
    "label_missing": "标签缺失",
    "inferred_from_sum": "分值由下级推算",
    "points_unit_missing": "分值缺少“分”字",
    "points_unbracketed": "分值未加括号",
    "points_from_deduction": "分值取自评分标准",
    "label_by_reviewer": "标签由审核人补填",
}

FINDING_LABELS = {
    "sum_mismatch": "下级分值合计不符",
    "total_mismatch": "总分不符",
    "numbering_gap": "编号缺号",
    "numbering_duplicate": "编号重复",
    "points_missing": "缺少分值",
    "leaf_without_points": "末级指标无分值",
    "orphan": "缺少上级指标",
    "label_missing": "标签缺失",
    "points_unit_missing": "分值缺少“分”字",
    "repeated_label_differs": "重复标签不一致",
    "duplicate_dropped": "重复内容已去除",
    "tree_from_sums": "层级由分值推算",
    "stray_text": "多余文字",
    "input_warning": "文件提示",
}

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


_PATTERNS: dict[str, tuple[re.Pattern, str]] = {
    "sum_mismatch": (re.compile(r"has (\S+) points but its children add up to (\S+?)(?: \(|$)"),
                     "本级 {0} 分，下级合计 {1} 分，两者不符。"),
    "total_mismatch": (re.compile(r"add up to (\S+), (?:the rubric states|expected) (\S+)"),
                       "一级指标合计 {0} 分，应为 {1} 分。"),
    "numbering_gap": (re.compile(r"(?:is numbered (\d+), expected (.+?)|follows (\d+): expected (\d+))(?: \(|$)"),
                      ""),
    "numbering_duplicate": (re.compile(r"number (\d+) appears twice"), "编号 {0} 出现了两次。"),
}
_FIXED = {
    "label_missing": "原文未印出该指标的标签（名称），分值由下级指标推算；请对照原文补填标签。",
    "points_unit_missing": "原文分值没有写“分”字（如“(0.3)”），已按分值读取，请核对。",
    "points_missing": "该指标没有分值。",
    "leaf_without_points": "该末级指标没有分值。",
    "tree_from_sums": "按原文排列顺序分值对不上（标签顺序错乱或缺失），层级是根据编号和分值合计推算出来的，请重点核对。",
    "orphan": "该指标找不到上一级指标。",
}


def finding_text(finding: Finding) -> str:
    """The finding in Chinese where its code is known; otherwise its own (English) message."""
    if finding.code in _FIXED:
        return _FIXED[finding.code]
    pattern = _PATTERNS.get(finding.code)
    m = pattern[0].search(finding.message) if pattern else None
    if m is None:
        return finding.message
    if finding.code == "numbering_gap":
        if m[1]:
            return f"编号为 {m[1]}，应为 {m[2].replace(' or ', ' 或 ')}。"
        return f"前一项编号为 {m[3]}，本项应为 {m[4]}。"
    return pattern[1].format(*m.groups())


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
