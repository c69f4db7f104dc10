"""Column roles of a rubric table, from header words and from what the column holds."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cleanup import clean, squash
from .numbering import parse_marker
from .points import column_points, find_points, is_rule

__all__ = ["ROLES", "Column", "header_role", "is_header_text", "column_name", "content_role", "bare_number"]

# number: 序号 · label: prints indicators · points: 分值 · score: 得分 (empty in a rubric) ·
# criteria: 评分标准 · note: 备注/说明 · owner: 责任单位
ROLES = ("number", "label", "points", "score", "criteria", "note", "owner")

_NUMBER = re.compile(r"^(序号|编号|项次|序|排序|序列|条目)$")
_SCORE = re.compile(r"得分|^扣分$|^实扣分|自评|考评分|核定分|评定分|^评分$|^打分|复核分|审核分|实得分")
_POINTS = re.compile(r"分值|分数|标准分|总分|权重|满分|基本分|赋分|^分$|^（分）$|^\(分\)$|分值权重|计分值")
_OWNER = re.compile(r"责任|分工|牵头|承办单位|落实单位|配合单位|主办单位|主责|承担单位|负责单位|负责部门")
_CRITERIA = re.compile(r"评分|计分|扣分|赋分|考核标准|考评标准|评价标准|评查标准|评议标准|细则|"
                       r"评定标准|认定标准|打分标准")
_NOTE = re.compile(r"备注|说明|解释|方式|方法|依据|佐证|材料|途径|来源|备考|附注")
# words that make a header name an indicator column even when it also names a rule (考核内容及评分标准)
_LABEL_WORDS = re.compile(r"内容|项目|要点|指标|任务|事项|要求|类别|名称|环节|工作")
# words that keep a header an indicator column against a rule or note word (考核内容及评分标准, 考核内容及说明)
_CONTENT_WORDS = re.compile(r"内容|项目|任务|事项|工作要求")
# a column name ends with one of these words (一级指标, 考核内容, 评分标准, 分值, 责任单位, 序号 …)
_HEADER_END = re.compile(
    r"(?:指标|项目|内容|要点|要求|任务|事项|类别|名称|标准|细则|方法|办法|方式|分值|分数|得分|序号|编号|备注|说明|"
    r"解释|依据|责任|分工|单位|部门|科室|权重|评分|计分|扣分|环节|材料|佐证|领域|层级|情形|序|号|分|值|级|"
    r"构成|（分）|\(分\))$"
)


@dataclass
class Column:
    """What one grid column holds: its role, its header text, and (for label columns) its ordinal."""

    index: int
    role: str
    header: str = ""
    ordinal: int = -1  # 0, 1, 2 … among the label columns, left to right


def header_role(text: str) -> str | None:
    """The role a header cell names, or None when it names none (then the column's content decides)."""
    t = squash(text)
    if not t:
        return None
    if _NUMBER.match(t):
        return "number"
    if _OWNER.search(t):
        return "owner"
    if _SCORE.search(t) and not _LABEL_WORDS.search(t):
        return "score"
    if _CRITERIA.search(t) and not _CONTENT_WORDS.search(t):
        return "criteria"
    if _POINTS.search(t) and not _LABEL_WORDS.search(t):
        return "points"
    if _NOTE.search(t) and not _CONTENT_WORDS.search(t):
        return "note"
    if _LABEL_WORDS.search(t) or t.endswith(("级", "类")):
        return "label"
    return None


def is_header_text(text: str) -> bool:
    """A short cell that reads as a column name (一级指标, 分值, 评分标准 …) and holds no indicator."""
    t = squash(text)
    if not t or len(t) > 14:
        return False
    if find_points(t) is not None or column_points(t) is not None:
        return False
    marker = parse_marker(t, 0)
    if marker is not None and marker.end < len(t) and marker.style != "article":
        return False
    if any(ch in t for ch in "。；;，,：:") or re.search(r"[0-9０-９]", t.replace("（分）", "")):
        return False  # a sentence, or a number: text of the body, not a column name
    return bool(_HEADER_END.search(t))


def column_name(text: str) -> bool:
    """A column name printed a line (一级指标, 评分标准), not a short rubric title (某某县普法考核细则)."""
    t = clean(text)
    if len(t) > 10:
        return False  # longer than any column name (the last test below), whatever its role: the common case
    role = header_role(t)
    return is_header_text(t) and role is not None and len(t) <= (10 if role == "label" else 6)


def bare_number(text: str):
    """A 序号 cell: a bare number as printed (`1`, `一`, `（一）`, `1.`, `一、`), parsed; None otherwise."""
    t = re.sub(r"\s+", "", text)  # a narrow 序号 column wraps 10 as 1 / 0
    if not t or len(t) > 8:
        return None
    if t.isdigit() or re.fullmatch(r"[0-9０-９]{1,3}", t):
        marker = parse_marker(t + "、", 0)
        return marker and marker.__class__(marker.style if marker.style != "cn_dun" else "cn_dun", marker.number,
                                           t, len(t))
    for probe in (t, t + "、"):
        marker = parse_marker(probe, 0)
        if marker is not None and marker.end >= len(t) and marker.style != "article":
            return marker.__class__(marker.style, marker.number, t, len(t))
    return None


def content_role(texts: list[str]) -> str | None:
    """The role a column's body cells show by themselves: empty (score), bare numbers (points or
    序号), rule sentences (criteria); None when they look like indicators or nothing in particular."""
    filled = [t.strip() for t in texts if t.strip()]
    if not filled:
        return "score"
    numbers = [column_points(t) for t in filled]
    if all(n is not None for n in numbers):
        values = [n[0] for n in numbers if n is not None]  # all are (checked above)
        ascending = all(b == a + 1 or b == 1 for a, b in zip(values, values[1:]))
        if ascending and all(v == int(v) for v in values) and len(values) >= 3 and values[0] == 1:
            return "number"
        return "points"
    if all(bare_number(t) is not None for t in filled) and len(filled) >= 2:
        return "number"
    rules = sum(1 for t in filled if is_rule(t) and find_points(t) is None)
    if rules >= max(2, 0.6 * len(filled)):
        return "criteria"
    return None
