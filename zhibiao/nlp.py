"""Spans with normalized values in rubric text: quantities, percentages, time limits, deadlines, counts, 文号.

One set of patterns, two ways in:

- `find(text)` scans the characters and returns `Mention` records (label, offsets, printed text, a
  normalized value as `Decimal`, unit, sense). It needs nothing but `re`; the normalizer's 文号/ref
  extraction (`normalize/docnum.py`) and the crosswalk evidence (`diff/text.py`) both read it.
- `load()` builds, once and lazily, a `spacy.blank("zh")` pipeline with the jieba segmenter (no
  model download) and the `zhibiao_spans` component. The component runs the same scan over
  `doc.text` and turns each mention into a `Span` with `doc.char_span(..., alignment_mode="expand")`:
  jieba's words do not follow the quantities (`日前`, `工作日内` and `陕司` are words of their own), so
  token patterns would miss them; character offsets snapped out to whole tokens do not. The spans are
  in `doc.spans["zhibiao"]` and, being disjoint, in `doc.ents`; their values are in the extensions
  `span._.value` (Decimal or None), `span._.unit`, `span._.sense` ("min": more is stricter, "max":
  less is stricter, "" unknown), `span._.norm` (the canonical form: 文号 as 机关代字〔YYYY〕N号) and
  `span._.mention` (the `Mention`). `docs(texts)` annotates many texts through `nlp.pipe`.

Labels: DOCNUM (陕司发〔2023〕31号), DEADLINE (每年3月31日前, value month*100+day), TIME_LIMIT (10个工作日内,
3日内), PERCENT (不低于90%), COUNT (每季度至少1次, 不少于2次; the period printed before it in `period`),
QUANTITY (other amounts with a unit: 5万元, 3件). Earlier labels take precedence where two overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

__all__ = ["LABELS", "Mention", "DOCNUM", "canonical_docnum", "cn_number", "docnums", "find", "load", "doc", "docs",
           "SPANS_KEY"]

LABELS = ("DOCNUM", "DEADLINE", "TIME_LIMIT", "PERCENT", "COUNT", "QUANTITY")
SPANS_KEY = "zhibiao"


@dataclass(frozen=True)
class Mention:
    """One span: label, character offsets into the text, the printed text and its normalized value."""

    label: str
    start: int
    end: int
    text: str  # the text as the evidence shows it (文号: canonical; percent: `不低于 90%`; others: as printed)
    value: Decimal | None
    unit: str
    sense: str  # "min" (more is stricter), "max" (less is stricter), or ""
    norm: str = ""  # canonical form (文号), else the printed text stripped
    period: str = ""  # COUNT: 每年/每季度/每月/每半年/每周 printed just before it


# ---------------------------------------------------------------------------------------------- 文号

# agency prefix: CJK characters (no punctuation); year in any bracket; number; 号
DOCNUM = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,12}?)\s*[〔\[（(【［]\s*(?P<year>(?:19|20)\d{2})\s*[〕\]）)】］]\s*"
    r"第?\s*(?P<num>\d{1,5})\s*号"
)
_LEADING_NOISE = re.compile(r"^(?:详见|参见|按照|根据|依据|印发|转发|以及|见|和|及|与|并|或)+")
_WRAPPED_HEAD = re.compile(r"[（(]([\u4e00-\u9fff]{1,10})\n$")


def _clean_prefix(prefix: str) -> str:
    return _LEADING_NOISE.sub("", prefix) or prefix


def _format_docnum(m: re.Match) -> str:
    num = re.sub(r"\s+", "", m.group("num"))
    return f"{_clean_prefix(m.group('prefix'))}〔{m.group('year')}〕{num}号"


def canonical_docnum(text: str) -> str | None:
    """The canonical form of the one 文号 in text, or None if text is not a 文号."""
    m = DOCNUM.fullmatch(text.strip())
    return _format_docnum(m) if m else None


@lru_cache(maxsize=8192)
def docnums(text: str) -> tuple[Mention, ...]:
    """The DOCNUM mentions of text alone (what the normalizer needs), in order."""
    found = []
    for m in DOCNUM.finditer(text):
        value = _format_docnum(m)
        start = m.end("prefix") - len(_clean_prefix(m.group("prefix")))  # 根据/按照… are not the agency's
        head = _WRAPPED_HEAD.search(text, max(0, m.start() - 12), m.start())
        if head is not None:  # `（临财` / `绩〔2022〕9号）`: a line wrap cut the agency's name
            prefix = _clean_prefix(m.group("prefix"))
            value = _clean_prefix(head.group(1) + m.group("prefix")) + value[len(prefix):]
            start = head.start(1)
        found.append(Mention("DOCNUM", start, m.end(), value, None, "", "", norm=value))
    return tuple(found)


# ------------------------------------------------------------------------------------------ numbers

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_NUM = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)"


def cn_number(raw: str) -> Decimal | None:
    """`12`, `0.5`, `三`, `十`, `十五`, `二十`, `二十三` as a Decimal; None for what is no number (`三三`)."""
    raw = raw.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        return Decimal(raw)
    if not raw or any(ch not in _CN_DIGITS and ch != "十" for ch in raw):
        return None
    if "十" in raw:
        head, _, tail = raw.partition("十")
        if "十" in tail or len(head) > 1 or len(tail) > 1:
            return None
        return Decimal((_CN_DIGITS[head] if head else 1) * 10 + (_CN_DIGITS[tail] if tail else 0))
    return Decimal(_CN_DIGITS[raw]) if len(raw) == 1 else None


_NOT_INSIDE = r"(?<![第\d.一二两三四五六七八九十])"
_PERIOD = re.compile(r"(每(?:半年|年度|年|季度|季|月|周|星期|学期))[^，。；,;\d]{0,6}$")
_PATTERNS = [
    ("DEADLINE", re.compile(r"每年\s*" + _NUM + r"\s*月\s*(?:" + _NUM + r"\s*日|底)\s*(?:前|以前)")),
    ("TIME_LIMIT", re.compile(_NUM + r"\s*个?\s*(工作日|日|天|个月|月|年|小时)\s*(?:内|以内)")),
    # the qualifier, when printed, within 12 characters of the same clause; else the match starts at the digits
    ("PERCENT", re.compile(r"(?:(不少于|不低于|不超过|不高于|低于|高于|超过|达到|达|占)[^%\d，。；,;]{0,12}?)?"
                           r"(\d+(?:\.\d+)?)\s*%\s*(以上|以下)?")),
    # not an ordinal (第3次) nor the tail of a longer number; 一次性 is no count
    ("COUNT", re.compile(r"(?:(至少|不少于|不低于|不超过|最多)[^，。；,;\d]{0,6}?)?" + _NOT_INSIDE + _NUM
                         + r"\s*(次|名|人|项|学时|个|天)(?!性)")),
    ("QUANTITY", re.compile(r"(?:(不少于|不低于|不超过|不高于|至少|最多|超过)\s*)?" + _NOT_INSIDE
                            + r"(\d+(?:\.\d+)?)\s*"
                            r"(万元|亿元|元|件|份|家|户|平方米|公里|篇|期|场|批)(以上|以下)?")),
]


def _mention(label: str, m: re.Match, text: str) -> Mention | None:
    printed = m.group(0).strip()
    lead = len(m.group(0)) - len(m.group(0).lstrip())
    start, end = m.start() + lead, m.start() + lead + len(printed)
    if label == "PERCENT":
        before, number, after = m.group(1) or "", m.group(2), m.group(3) or ""
        sense = "max" if before in ("不超过", "不高于", "低于") or after == "以下" else \
            "min" if before or after == "以上" else ""
        shown = (before + " " if before else "") + f"{number}%" + after
        return Mention(label, start, end, shown, cn_number(number), "%", sense, norm=shown)
    if label == "TIME_LIMIT":
        return Mention(label, start, end, printed, cn_number(m.group(1)), m.group(2), "max", norm=printed)
    if label == "DEADLINE":
        month = cn_number(m.group(1)) or Decimal(0)
        day = cn_number(m.group(2)) if m.group(2) else Decimal(31)
        return Mention(label, start, end, printed, month * 100 + (day or 0), "date", "max", norm=printed)
    if label == "COUNT":
        qual = m.group(1) or ""
        sense = "max" if qual in ("不超过", "最多") else "min" if qual else ""
        period = _PERIOD.search(text, max(0, m.start() - 12), m.start())
        return Mention(label, start, end, printed, cn_number(m.group(2)), m.group(3), sense, norm=printed,
                       period=period.group(1) if period else "")
    if label == "QUANTITY":
        qual, after = m.group(1) or "", m.group(4) or ""
        sense = "max" if qual in ("不超过", "不高于", "最多") or after == "以下" else \
            "min" if qual or after == "以上" else ""
        return Mention(label, start, end, printed, cn_number(m.group(2)), m.group(3), sense, norm=printed)
    return None


@lru_cache(maxsize=8192)
def find(text: str) -> tuple[Mention, ...]:
    """Every mention in text: 文号 first (in order), then each label's matches that overlap nothing taken."""
    found = list(docnums(text))
    taken = [(m.start, m.end) for m in found]
    for label, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if not all(m.end() <= a or m.start() >= b for a, b in taken):
                continue
            taken.append(m.span())
            mention = _mention(label, m, text)
            if mention is not None:
                found.append(mention)
    return tuple(found)


# -------------------------------------------------------------------------------------------- spaCy

_COMPONENT = "zhibiao_spans"


def _register() -> None:
    from spacy.language import Language
    from spacy.tokens import Span

    for name in ("value", "unit", "sense", "norm", "period", "mention"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)

    if _COMPONENT in Language.factories:
        return

    @Language.component(_COMPONENT)
    def zhibiao_spans(doc):
        from spacy.util import filter_spans

        spans = []
        for m in find(doc.text):
            span = doc.char_span(m.start, m.end, label=m.label, alignment_mode="expand")
            if span is None:
                continue
            span._.value, span._.unit, span._.sense = m.value, m.unit, m.sense
            span._.norm, span._.period, span._.mention = m.norm, m.period, m
            spans.append(span)
        doc.spans[SPANS_KEY] = spans
        doc.ents = filter_spans(spans)  # expanded to tokens, two mentions may share one token
        return doc


@lru_cache(maxsize=1)
def load():
    """The pipeline: spacy.blank("zh") with the jieba segmenter and the zhibiao_spans component. Built once."""
    import logging

    import jieba
    import spacy

    from zhibiao.datadir import use_jieba_cache

    jieba.setLogLevel(logging.WARNING)
    use_jieba_cache(jieba.dt)
    _register()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe(_COMPONENT)
    return nlp


def doc(text: str):
    """The text as an annotated spaCy Doc (mentions in doc.spans["zhibiao"] and doc.ents)."""
    return load()(text)


def docs(texts: Iterable[str], batch_size: int = 256):
    """Many texts through nlp.pipe."""
    return load().pipe(texts, batch_size=batch_size)
