"""Text clean-up: strip markup and conversion artefacts, keep the source's own wording."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
from collections.abc import Iterator

__all__ = ["strip_markup", "clean", "clean_memo", "squash", "SHARE_LINE", "ATTACHMENT_HEADING", "NOTE_LINE"]

_TAGS = re.compile(r"</?(?:p|br|span|div|strong|b|i|em|u|font)\b[^>]*>", re.I)
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\u2018-\u201d"
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef"
_CJK_CLASS = re.compile(rf"[{_CJK}]")
_PUNCT_CLASS = re.compile(rf"[{_CJK_PUNCT}]")
_WS = re.compile(r"\s+")
_WRAP = re.compile(r"\n[ \t\u3000\n]*")
_LATIN = re.compile(r"[A-Za-z]")
_NUMBER_JOIN = re.compile(r"[-－–~～.．]")  # a range's dash or a decimal point: the number goes on after a wrap
# signs a wrap leaves no space before (a marker's full stop, a percent sign) or around (times, divided by);
# none of markup's own signs (< > [ ] / :), so that a join never makes a tag clean would strip
_CLOSES_NUMBER = frozenset(".．%‰×÷")
_JOINS_NUMBERS = frozenset("×÷")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
# the web page's share-on-WeChat line, which can be glued to the text before it and broken by a
# line wrap anywhere, even inside a word
_SHARE_CLASSES = {",": "[,，]", "“": "[“\"]", "”": "[”\"]"}
SHARE_LINE = re.compile(
    r"\s*".join(_SHARE_CLASSES.get(ch, re.escape(ch))
                for ch in "打开微信,点击底部的“发现”,使用“扫一扫”即可将网页分享至朋友圈")
    + r"\s*。?"
)


# a line that only announces an attachment: 附件, 附件2, 附件4：
ATTACHMENT_HEADING = re.compile(r"^附件\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?\s*$")
# a note under a rubric: 注：… / 说明：… / 备注1：…
NOTE_LINE = re.compile(r"^\s*(注|说明|备注|附注)\s*[0-9０-９]*\s*[：:]")


def strip_markup(text: str) -> str:
    """Remove HTML tags such as <p>, Word bookmarks and the web share line; keep everything else."""
    # each pattern needs a character of its own to match: skip the ones that cannot (the hot path)
    if "<" in text:
        text = _TAGS.sub(" ", text)
    if "[bookmark:" in text:
        text = _BOOKMARK.sub("", text)
    if "打" in text:
        text = SHARE_LINE.sub("", text)
    return text


def _unwrap(m: re.Match) -> str:
    """A line break is a wrap artefact: no space at a wrap next to a CJK character (unless the other
    side is a Latin letter, as in 文件 and 基准) or inside a number (after a range's dash or a decimal
    point, between digits, before a percent sign), none before a full stop, percent or times sign or after
    a times sign (10 / . of a narrow 序号 cell, ] / ×100%), else one space (between Latin words)."""
    text = m.string
    before = text[m.start() - 1] if m.start() > 0 else ""
    after = text[m.end()] if m.end() < len(text) else ""
    cjk = bool(_CJK_CHAR.match(before) or _CJK_CHAR.match(after))
    latin = bool(_LATIN.match(before) or _LATIN.match(after))
    if _NUMBER_JOIN.match(before) and after.isdigit():
        return ""  # a number cut by the wrap: 扣1- / 2分, 0. / 5分
    if before.isdigit() and (after.isdigit() or after in "%‰"):
        return ""  # digits, or a number and its percent sign, cut by the wrap: （2 / 0分）, ×100 / %
    if cjk:
        return " " if latin else ""
    if after in _CLOSES_NUMBER or before in _JOINS_NUMBERS:
        return ""  # 10 / . of a narrow 序号 cell, ] / ×100%: the sign belongs to what it stands beside
    return " "


_MEMO: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("clean_memo", default=None)
_MEMO_MAX = 1000  # characters: longer texts are few, and are not kept


@contextlib.contextmanager
def clean_memo() -> Iterator[None]:
    """While open, clean keeps every text (up to _MEMO_MAX characters) it cleaned, for as long as the
    block lasts: one ingest reads each paragraph in several passes (tables, regions, rubric, document,
    regulations), each longer than the small cache below. Nested blocks share the outer memo."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def clean(text: str) -> str:
    """Strip markup, drop line-wrap whitespace next to CJK characters, collapse other whitespace."""
    memo = _MEMO.get()
    if memo is None or len(text) > _MEMO_MAX:
        return _clean_cached(text)
    out = memo.get(text)
    if out is None:
        out = memo[text] = _clean(text)
    return out


@functools.lru_cache(maxsize=4096)  # an entry's text is cleaned again each time it is read
def _clean_cached(text: str) -> str:
    return _clean(text)


def _clean(text: str) -> str:
    text = strip_markup(text)
    if "\n" in text:
        text = _WRAP.sub(_unwrap, text)
    return _WS.sub(_gap, text).strip()


def _gap(m: re.Match) -> str:
    """A run of whitespace goes when both its neighbours are CJK or either is CJK punctuation (the
    ideographic space itself counts as whitespace here); otherwise it is one space."""
    text = m.string
    before = text[m.start() - 1] if m.start() > 0 else ""
    after = text[m.end()] if m.end() < len(text) else ""
    if _punct(before) or _punct(after):
        return ""
    if _cjk(before) and _cjk(after):
        return ""
    return " "


def _punct(ch: str) -> bool:
    """_PUNCT_CLASS.match(ch) for one character (or none), without the regex (hot: every space)."""
    return "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def _cjk(ch: str) -> bool:
    """_CJK_CLASS.match(ch) for one character (or none)."""
    return _punct(ch) or "\u4e00" <= ch <= "\u9fff" or "\u2018" <= ch <= "\u201d"


def squash(text: str) -> str:
    """All whitespace removed: the key used to recognise the same label printed twice."""
    return _WS.sub("", strip_markup(text))
