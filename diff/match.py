"""Match the leaf requirements of two catalogues: similarity, optimal one-to-one assignment, splits and merges."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from zhibiao.model import Catalogue, Indicator, Rubric

from .text import bigrams, words

__all__ = ["Item", "leaves", "main_rubric", "similarity", "match", "ASSIGN_MIN", "PART_MIN", "EXACT_LIMIT"]

ASSIGN_MIN = 0.30  # a one-to-one pair needs at least this blended similarity
PART_MIN = 0.55  # share of a requirement's wording found in its partner for a split or merge link
EXACT_LIMIT = 4_000_000  # old x new pairs up to which the assignment is solved exactly (else greedily)
W_TEXT, W_WORDS, W_CONTEXT = 0.55, 0.35, 0.10


@dataclass
class Item:
    """A leaf requirement with what matching needs: its text, points, parents and position."""

    id: str
    text: str
    points: Decimal | None
    parent: str
    area: str
    context: str  # the labels above it
    order: int
    grams: Counter = field(default_factory=Counter)
    words: list[str] = field(default_factory=list)


def main_rubric(cat: Catalogue) -> Rubric:
    """The catalogue's largest rubric (the one a crosswalk compares)."""
    if not cat.rubrics:
        raise ValueError("catalogue has no rubric")
    return max(cat.rubrics, key=lambda r: sum(1 for _ in r.walk()))


def leaves(rubric: Rubric) -> list[Item]:
    """Every leaf of the rubric in document order, with its context."""
    out: list[Item] = []

    def visit(ind: Indicator, trail: list[Indicator]) -> None:
        if not ind.children:
            parent = trail[-1].id if trail else ""
            context = " ".join(t.text for t in trail)
            out.append(Item(ind.id, ind.text, ind.points, parent, trail[0].id if trail else ind.id, context,
                            len(out), bigrams(ind.text), words(ind.text)))
            return
        for child in ind.children:
            visit(child, trail + [ind])

    for top in rubric.indicators:
        visit(top, [])
    return out


def _tfidf(docs: list[Counter], vocab: dict[str, int], idf: np.ndarray):
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for r, doc in enumerate(docs):
        for gram, n in doc.items():
            c = vocab.get(gram)
            if c is not None:
                rows.append(r)
                cols.append(c)
                vals.append(n * idf[c])
    m = csr_matrix((vals, (rows, cols)), shape=(len(docs), len(vocab)), dtype=np.float64)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    from scipy.sparse import diags

    return diags(1.0 / norms) @ m


def _cosine(a: list[Counter], b: list[Counter]) -> np.ndarray:
    vocab: dict[str, int] = {}
    df: Counter = Counter()
    for doc in a + b:
        df.update(doc.keys())
    for gram in df:
        vocab[gram] = len(vocab)
    n = len(a) + len(b)
    idf = np.array([np.log((1 + n) / (1 + df[g])) + 1 for g in vocab])
    return (_tfidf(a, vocab, idf) @ _tfidf(b, vocab, idf).T).toarray()


def similarity(old: list[Item], new: list[Item]) -> np.ndarray:
    """Blended similarity: TF-IDF cosine of character bigrams, word overlap (rapidfuzz), and context."""
    from rapidfuzz import fuzz, process

    text = _cosine([i.grams for i in old], [i.grams for i in new])
    token = process.cdist([" ".join(i.words) for i in old], [" ".join(i.words) for i in new],
                          scorer=fuzz.token_sort_ratio, dtype=np.float32) / 100.0
    context = _cosine([bigrams(i.context) for i in old], [bigrams(i.context) for i in new])
    return W_TEXT * text + W_WORDS * token + W_CONTEXT * context


def _containment(part: Counter, whole: Counter) -> float:
    total = sum(part.values())
    if not total:
        return 0.0
    return sum(min(n, whole.get(g, 0)) for g, n in part.items()) / total


def _assign(score: np.ndarray) -> list[tuple[int, int]]:
    if score.size == 0:
        return []
    if score.size <= EXACT_LIMIT:
        from scipy.optimize import linear_sum_assignment

        rows, cols = linear_sum_assignment(-score)
        return [(int(r), int(c)) for r, c in zip(rows, cols) if score[r, c] >= ASSIGN_MIN]
    order = np.argsort(score, axis=None)[::-1]
    used_r, used_c, pairs = set(), set(), []
    for flat in order:
        r, c = divmod(int(flat), score.shape[1])
        if score[r, c] < ASSIGN_MIN:
            break
        if r not in used_r and c not in used_c:
            used_r.add(r)
            used_c.add(c)
            pairs.append((r, c))
    return pairs


def match(old: list[Item], new: list[Item]) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Pairs (old index, new index) of the link graph, and the similarity matrix.

    First the globally best one-to-one assignment; then each requirement left over joins the
    partner that contains most of its wording (a split when a new item's words come from an old
    one already matched, a merge when an old item's words went into a matched new one).
    """
    score = similarity(old, new)
    pairs = _assign(score)
    matched_old = {r for r, _ in pairs}
    matched_new = {c for _, c in pairs}
    extra: list[tuple[int, int]] = []
    for c in range(len(new)):
        if c in matched_new or not len(old):
            continue
        r = int(np.argmax([_containment(new[c].grams, o.grams) if score[k, c] > 0 else 0
                           for k, o in enumerate(old)]))
        if _containment(new[c].grams, old[r].grams) >= PART_MIN and r in matched_old:
            extra.append((r, c))
    for r in range(len(old)):
        if r in matched_old or not len(new):
            continue
        c = int(np.argmax([_containment(old[r].grams, n.grams) if score[r, k] > 0 else 0
                           for k, n in enumerate(new)]))
        if _containment(old[r].grams, new[c].grams) >= PART_MIN and c in matched_new:
            extra.append((r, c))
    return pairs + extra, score

