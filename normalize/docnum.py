"""文号 (document numbers): find them and write them in one canonical form, 机关代字〔YYYY〕N号.

The pattern and the canonical form live in `zhibiao.nlp` (label DOCNUM), shared with the crosswalk
evidence; this module is the normalizer's view of them.
"""

from __future__ import annotations

from zhibiao.nlp import DOCNUM, canonical_docnum, docnums

__all__ = ["DOCNUM", "canonical", "find_all"]


def canonical(text: str) -> str | None:
    """Return the canonical form of the one 文号 in text, or None if text is not a 文号."""
    return canonical_docnum(text)


def find_all(text: str) -> list[str]:
    """Every 文号 in text, canonical, unique, in order of first appearance."""
    if "号" not in text:
        return []  # every 文号 ends in 号: skip the pattern (hot: every indicator's text)
    seen: list[str] = []
    for m in docnums(text):
        if m.norm not in seen:
            seen.append(m.norm)
    return seen
