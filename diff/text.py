"""Text features for matching: jieba words, character bigrams, tagged quantities, word-level diffs."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from zhibiao import nlp
from zhibiao.model import DiffOp, DiffOpKind, Direction, NumberChange, NumberKind
from zhibiao.nlp import find as find_mentions

__all__ = ["words", "bigrams", "normal", "features", "Quantity", "quantities", "number_changes", "word_diff"]

_PUNCT = re.compile(r"[\s，。、；：,.;:！!？?“”\"'‘’（）()《》〈〉<>【】\[\]〔〕—\-·…]+")


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    from zhibiao.datadir import use_jieba_cache

    jieba.setLogLevel(logging.WARNING)
    use_jieba_cache(jieba.dt)  # the dictionary once per process: spaCy's segmenter (zhibiao.nlp) cuts with jieba.dt
    tokenizer = jieba.Tokenizer()  # … and the rubric terms go into a copy of it only
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(jieba.dt.FREQ), jieba.dt.total, True
    with resources.files("zhibiao.diff").joinpath("userdict.txt").open("r", encoding="utf-8") as fh:
        tokenizer.load_userdict(fh)
    return tokenizer


@lru_cache(maxsize=1)
def _synonyms() -> list[tuple[str, str]]:
    """The rubric synonym table (diff/synonyms.txt), longest variant first."""
    pairs = []
    with resources.files("zhibiao.diff").joinpath("synonyms.txt").open("r", encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                variant, canonical = line.rstrip("\n").split("\t")[:2]
                pairs.append((variant, canonical))
    return sorted(pairs, key=lambda p: -len(p[0]))


_SYNONYM_CACHE: dict[str, str] = {}
_DIGITS = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?")


def features(text: str) -> str:
    """The text as matching compares it: rubric synonyms in their canonical form and every number
    masked (10个工作日内 and 20个工作日内 read alike; the numbers themselves go to the evidence)."""
    out = _SYNONYM_CACHE.get(text)
    if out is None:
        pairs = _synonyms()
        t = text
        for k, (variant, _canonical) in enumerate(pairs):
            if variant in t:
                t = t.replace(variant, f"\x00{k}\x00")
        t = re.sub(r"\x00(\d+)\x00", lambda m: pairs[int(m.group(1))][1], t)
        out = _DIGITS.sub("#", t)
        if len(_SYNONYM_CACHE) < 200_000:
            _SYNONYM_CACHE[text] = out
    return out


def normal(text: str) -> str:
    """Text without punctuation and whitespace, for comparing wording."""
    return _PUNCT.sub("", text)


def words(text: str) -> list[str]:
    """jieba words (with the rubric-term dictionary), punctuation dropped."""
    return [w for w in _jieba().lcut(text) if not _PUNCT.fullmatch(w)]


def bigrams(text: str) -> Counter:
    """Character bigrams of the text without punctuation (unigrams for one-character texts)."""
    t = normal(text)
    if len(t) < 2:
        return Counter([t]) if t else Counter()
    return Counter(t[i:i + 2] for i in range(len(t) - 1))


@dataclass(frozen=True)
class Quantity:
    """A quantity printed in a requirement: its kind, the printed text, its value and what it demands."""

    kind: NumberKind
    text: str
    value: Decimal | None
    unit: str
    sense: str  # "min" (more is stricter), "max" (less is stricter), or ""


_KINDS: dict[str, NumberKind] = {"DOCNUM": "docnum", "DEADLINE": "deadline", "TIME_LIMIT": "time_limit",
                                 "PERCENT": "percent", "COUNT": "count", "QUANTITY": "number"}


def quantities(text: str) -> list[Quantity]:
    """Percentages, time limits, deadlines, counts, amounts and 文号 printed in a requirement: the spans the
    zhibiao.nlp spaCy pipeline marks in it (10个工作日内, 每年3月31日前, 不低于 90%, 至少1次, 陕司发〔2023〕31号)."""
    return list(_quantities(text))


@lru_cache(maxsize=8192)
def _quantities(text: str) -> tuple[Quantity, ...]:
    if not find_mentions(text):  # fast path: no candidate in the characters, so no span in the Doc either
        return ()
    found: list[Quantity] = []
    docnums: set[str] = set()
    doc = nlp.doc(text)
    for span in doc.spans[nlp.SPANS_KEY]:
        m = span._.mention
        if m.label == "DOCNUM":
            if m.norm in docnums:
                continue
            docnums.add(m.norm)
        found.append(Quantity(_KINDS[m.label], m.text, m.value, m.unit, m.sense))
    return tuple(found)


def number_changes(old_text: str, new_text: str) -> list[NumberChange]:
    """Quantities that differ between an old and a new text, paired by kind and unit, with their direction."""
    old, new = quantities(old_text), quantities(new_text)
    for q in list(old):  # the same quantity, however it is spaced, is no change
        twin = next((n for n in new if (n.kind, n.value, n.unit, n.sense) == (q.kind, q.value, q.unit, q.sense)
                     and (q.kind != "docnum" or n.text == q.text)), None)
        if twin is not None:
            old.remove(q)
            new.remove(twin)
    changes: list[NumberChange] = []
    for q in list(old):
        partner = next((n for n in new if n.kind == q.kind and n.unit == q.unit), None)
        if partner is None:
            continue
        old.remove(q)
        new.remove(partner)
        direction: Direction = "changed"
        sense = q.sense or partner.sense
        if q.value is not None and partner.value is not None and q.value != partner.value and sense:
            more = partner.value > q.value
            direction = "stricter" if (more and sense == "min") or (not more and sense == "max") else "looser"
        changes.append(NumberChange(kind=q.kind, old=q.text, new=partner.text, direction=direction))
    changes += [NumberChange(kind=q.kind, old=q.text, new=None, direction="removed") for q in old]
    changes += [NumberChange(kind=q.kind, old=None, new=q.text, direction="added") for q in new]
    return changes


def word_diff(old_text: str, new_text: str) -> list[DiffOp]:
    """Word-level diff (jieba words, punctuation kept as its own token)."""
    a = _jieba().lcut(old_text)
    b = _jieba().lcut(new_text)
    ops: list[DiffOp] = []

    def add(op: DiffOpKind, parts: list[str]) -> None:
        text = "".join(parts)
        if not text:
            return
        if ops and ops[-1].op == op:
            ops[-1] = DiffOp(op=op, text=ops[-1].text + text)
        else:
            ops.append(DiffOp(op=op, text=text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            add("equal", a[i1:i2])
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return ops
