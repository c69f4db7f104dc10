"""Points brackets （0.5分） and 评分标准 deduction rules, as exact decimals."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from zhibiao.model import Deduction

from .docnum import DOCNUM, find_all
from .numbering import cn_to_int

__all__ = ["PointsBracket", "find_points", "bare_points_at_end", "words_points", "column_points",
           "parse_deduction", "is_rule", "single_rule"]

_NUM = r"\d+(?:\.\d+)?"
# the number may be cut by a line or page break between its digits or after its decimal point:
# （2\n0分） （1.\n5分）; or written in Chinese numerals, then with 分: （二分） （两分） （贰分）
_CAPITAL = str.maketrans("壹贰叁肆伍陆柒捌玖拾佰", "一二三四五六七八九十百")
_CLOSE = re.compile(r"(\d+(?:\n[ \t\u3000]*\d+)*(?:\.\s*\d+)?|[〇零一二两三四五六七八九十百壹贰叁肆伍陆柒捌玖拾佰]+)"
                    r"\s*(分)?\s*[)）】］]")
_OPEN = "(（【［"
_SPACES = re.compile(r"\s+")
_CLOSE_CH = ")）】］"
_SEP = ",，、;；"


@dataclass
class PointsBracket:
    """A points bracket found in text: its span, value, citations and whether 分 was printed."""

    start: int
    end: int
    points: Decimal
    unit_printed: bool
    refs: list[str] = field(default_factory=list)
    bracketed: bool = True
    low: Decimal | None = None  # lower end of a range such as （1-3分）; points is the upper end


# points printed without a bracket at the end of an entry: "（一）基本认识 3分", "满分10分"
_BARE = re.compile(r"(?<![扣减得加少多计为至到\d.])\s*(" + _NUM + r")\s*分\s*$")


_BARE_NOT_AFTER = set("扣减得加少多计为至到.")


def bare_points_at_end(text: str) -> PointsBracket | None:
    """Points written without a bracket as the last thing of an entry (not a deduction such as 扣0.5分)."""
    m = _BARE.search(text)
    if not m or not text[: m.start()].strip():
        return None
    if text[: m.start(1)].rstrip()[-1:] in _BARE_NOT_AFTER:
        return None  # 最多扣 0.1分: a deduction, however it is spaced
    return PointsBracket(m.start(), m.end(), Decimal(m.group(1)), True, [], bracketed=False)


def _open_of(text: str, close: int) -> int | None:
    """Index of the bracket opening the one that closes at text[close], honouring nesting."""
    depth = 0
    for i in range(close, -1, -1):
        ch = text[i]
        if ch in _CLOSE_CH:
            depth += 1
        elif ch in _OPEN:
            depth -= 1
            if depth == 0:
                return i
    return None


def find_points(text: str, start: int = 0, *, bare_ok_at_end: bool = True) -> PointsBracket | None:
    """Find the first points bracket at or after start.

    Accepted: (0.5分), （ 0.3 分）, (24分), 【1分】, (0.3) with a decimal point, and a citation before the
    points: (国办发〔2023〕27号,1分), (陕司通(2022)26号, 1分). A bare integer (3) counts only at
    the very end of the text. Anything else in the bracket (最多扣0.06分) is not a points bracket.
    """
    for m in _CLOSE.finditer(text, start):
        close = m.end() - 1
        opening = _open_of(text, close)
        if opening is None or opening < start:
            continue
        inner = text[opening + 1 : m.start()]
        refs: list[str] = []
        number = _SPACES.sub("", m.group(1))
        if not number[0].isdigit():  # a numeral （二分） （贰分）: points only with 分, only alone
            if not m.group(2) or inner.strip():
                continue
            try:
                number = str(cn_to_int(number.translate(_CAPITAL)))
            except ValueError:
                continue
        low = _RANGE_LOW.fullmatch(inner)
        if low and m.group(2):  # （1-3分）: a range; the item is worth the upper end
            return PointsBracket(opening, m.end(), Decimal(number), True, [],
                                 low=Decimal(low.group(1)))
        if inner.strip():
            head = inner.rstrip()
            if not head or head[-1] not in _SEP:
                continue
            cited = _SPACES.sub("", head[:-1])
            if not DOCNUM.fullmatch(cited) and not _all_docnums(cited):
                continue
            refs = find_all(cited)
        unit = m.group(2)
        if not unit and "." not in number:
            if not (bare_ok_at_end and not text[m.end():].strip()):
                continue
        return PointsBracket(opening, m.end(), Decimal(number), bool(unit), refs)
    return None


_RANGE_LOW = re.compile(r"\s*(" + _NUM + r")\s*[-–—~～至到]\s*")

# points written as words at the end of an entry: "，1分。" "的得1分。" "计2分" "满分3分" "（1-3分）" glued "工作12分"
# the number in Arabic digits or in Chinese numerals (得六分, 满分八分, 共六分; not 百分之, 百分点, 十分重要:
# see the tail test)
_WORDS_NUM = (_NUM + r"|(?<![〇零一二两三四五六七八九十百])[〇零一二两三四五六七八九十百]+"
              r"(?:点[〇零一二三四五六七八九]+)?")
_WORDS = re.compile(
    r"(?P<sep>[，,；;、：:\s]*)(?P<verb>得|计|记|满\s*分|共\s*计|共|分\s*值|赋\s*分|为)?\s*"
    r"(?P<lo>" + _WORDS_NUM + r")(?:\s*[-–—~～至到]\s*(?P<hi>" + _WORDS_NUM + r"))?\s*分(?![值数钟之比点])"
)
# what may stand right before the number (or its verb) of points written as words: not a deduction
# or comparison (扣0.5分 减2分 加1分 少1分 最高5分 不超过5分 每2分), not part of a bigger number
_WORDS_NOT_AFTER = set("扣减加少多每最至到超过于占约近第") | set("0123456789.．-")
_RULE_AFTER = re.compile(r"[。；;，,]\s*\S")  # used with match() at the end of the points
_END_PUNCT = " \t\n\u3000。.；;，,"


def _decimal(number: str) -> Decimal:
    """A number as printed, in digits (2.5) or in Chinese numerals (六, 十五, 零点五)."""
    if number[0].isdigit():
        return Decimal(number)
    whole, _, frac = number.partition("点")
    return Decimal(str(cn_to_int(whole)) + ("." + "".join(_CN_DIGIT[ch] for ch in frac) if frac else ""))


def words_points(text: str) -> PointsBracket | None:
    """Points written without a bracket as the last thing of an entry, or right before its rule sentence.

    "成立领导小组，1分。" "纳入工作要点的得2分。" "计2分" "满分3分" "组织领导工作12分" and
    "…工作的得2分，少一次扣0.5分。" (the rule after it is the item's criteria). Not a deduction
    (扣0.5分), a cap (最高加5分) or a comparison (不少于2分). ``start`` is where the separator before
    the points begins; ``end`` where the points expression (with a final 。) ends.
    """
    # the last match that qualifies is the one: try them from the end, without copying the text per match
    # (a long paragraph of many "得1分" reads in linear time)
    best = None
    # the first and the last character that is not end punctuation
    first = next((i for i, ch in enumerate(text) if ch not in _END_PUNCT), len(text))
    last = next((i for i in range(len(text) - 1, -1, -1) if text[i] not in _END_PUNCT), -1)
    for m in reversed(list(_WORDS.finditer(text))):
        lo_start = m.start("verb") if m.group("verb") else m.start("lo")
        k = lo_start  # text[:k] is text[:lo_start].rstrip()
        while k > 0 and text[k - 1].isspace():
            k -= 1
        prev = text[k - 1] if k else ""
        if first >= k or m.group("verb") is None and not m.group("sep") and prev in "不":
            continue
        if prev in _WORDS_NOT_AFTER or text.endswith(("不少于", "不低于", "不超过", "以上", "以内"), 0, k):
            continue
        if m.group("verb") == "得" and prev == "不":
            continue
        if not m.group("lo")[0].isdigit() and not m.group("verb") and not m.group("sep"):
            continue  # a numeral glued to the words before it: 十分 (very), not points (工作12分 is)
        tail = last >= m.end()  # something other than end punctuation follows the points
        if tail and not _RULE_AFTER.match(text, m.end()):
            continue
        if not tail or is_rule(text[m.end():].strip(_END_PUNCT)):
            best = m
            break
    if best is None:
        return None
    end = best.end()
    while end < len(text) and text[end] in "。.":
        end += 1
        break
    hi = best.group("hi")
    points = _decimal(hi or best.group("lo"))
    low = _decimal(best.group("lo")) if hi else None
    return PointsBracket(best.start(), end, points, True, [], bracketed=False, low=low)


_COLUMN = re.compile(r"^[（(【\[]?\s*(" + _NUM + r")(?:\s*[-–—~～至到]\s*(" + _NUM + r"))?\s*(分)?\s*[)）】\]]?$")


@functools.lru_cache(maxsize=4096)  # a grid asks again for each cell it places; its values repeat (1, 2, 0.5)
def column_points(text: str) -> tuple[Decimal, Decimal | None] | None:
    """The value of a cell in a points column (分值 / 分数 / 标准分 / 权重): "3", "2.5", "2分", "1-3" -> (3, 1),
    "（二十分）" -> (20, None)."""
    squashed = _SPACES.sub("", text)
    m = _COLUMN.match(squashed.translate(_FULL))  # a narrow cell wraps 100 as 10 / 0
    if not m:
        w = _COLUMN_WORDS.match(squashed)  # （二十分） 贰分: in words, only with 分
        if not w:
            return None
        try:
            return Decimal(cn_to_int(w.group(1).translate(_CAPITAL))), None
        except ValueError:
            return None
    if m.group(2):
        return Decimal(m.group(2)), Decimal(m.group(1))
    return Decimal(m.group(1)), None


_FULL = str.maketrans("０１２３４５６７８９．", "0123456789.")
_COLUMN_WORDS = re.compile(r"^[（(【\[]?([〇零一二两三四五六七八九十百壹贰叁肆伍陆柒捌玖拾佰]+)分[)）】\]]?$")
# an amount a rule deducts, adds or (得N分，否则不得分) awards; a bare 得N分 states full marks and is none
_AMOUNT = re.compile(r"(?:[扣减加]\s*(?:除)?\s*(" + _NUM + r")(?:\s*[-–—~～至到]\s*" + _NUM + r")?\s*(?:的扣)?\s*分"
                     r"|得\s*(" + _NUM + r")\s*分\s*[,，;；]?\s*否则\s*(?:得?\s*0\s*分|不得分))")
_RULE_WORDS = re.compile(r"[扣减加]\s*(?:除)?\s*" + _NUM + r"|得\s*" + _NUM + r"\s*分|不得分|得0分|"
                         r"扣完|否决|扣分|减分|加分|"
                         r"得分\s*[=＝]|按比例得分|计分")
_LIST_MARK = re.compile(r"(?:^|[\n；;。])\s*(?:[0-9０-９]{1,2}\s*[、.．)）]"
                        r"|[（(]\s*[0-9０-９一二三四五六七八九十]{1,2}\s*[)）]|[①-⑳])")


# an amount written in Chinese numerals in a rule: 扣一分, 每人次扣二分, 扣零点五分, 扣一至三分, 得二分，否则不得分
# (after 得 only where 分 ends the words, so that 做得十分扎实 stays words)
_CN_NUM = r"[〇零一二两三四五六七八九十百]+(?:点[〇零一二三四五六七八九]+)?"
_CN_AMOUNT = re.compile(r"(?<=[扣减加至到\-–—~～])(\s*(?:除)?\s*)(" + _CN_NUM + r")"
                        r"(?=\s*(?:[至到\-–—~～]\s*[〇零一二两三四五六七八九十百点]+\s*)?分)"
                        r"|(?<=得)(\s*)(" + _CN_NUM + r")(?=\s*分(?![\u4e00-\u9fff]))")
_CN_DIGIT = {ch: str(i) for i, ch in enumerate("零一二三四五六七八九")} | {"〇": "0", "两": "2"}


@functools.lru_cache(maxsize=4096)
def _digitize(text: str) -> tuple[str, tuple[int, ...]]:
    """The text with rule amounts in Chinese numerals written in digits (扣一分 -> 扣1分), and for every
    position of it the position in the text (so a condition is cut from the text as printed)."""
    if not _CN_AMOUNT.search(text):
        return text, ()
    out: list[str] = []
    back: list[int] = []
    pos = 0
    for m in _CN_AMOUNT.finditer(text):
        g = 2 if m.group(2) else 4
        whole, _, frac = m.group(g).partition("点")
        try:
            value = str(cn_to_int(whole)) + ("." + "".join(_CN_DIGIT[ch] for ch in frac) if frac else "")
        except (ValueError, KeyError):
            continue
        a, b = m.span(g)
        out.append(text[pos:a])
        back.extend(range(pos, a))
        out.append(value)
        back.extend([a] * len(value))
        pos = b
    out.append(text[pos:])
    back.extend(range(pos, len(text) + 1))
    return "".join(out), tuple(back)


def is_rule(text: str) -> bool:
    """True for a 评分标准 sentence: it deducts, adds or awards points (扣0.5分, 减2分, 加1分, 得2分, 不得分)."""
    return bool(_RULE_WORDS.search(_SPACES.sub("", _digitize(text)[0])))


def single_rule(text: str) -> bool:
    """A rule that can be structured: no numbered list in it and one amount besides its cap."""
    text = _digitize(text)[0]
    if _LIST_MARK.search(text):
        return False
    caps = [m.span() for m in _CAP.finditer(text)]
    amounts = [m for m in _AMOUNT.finditer(text) if not any(a <= m.start() < b for a, b in caps)]
    return len(amounts) == 1


def _all_docnums(text: str) -> bool:
    parts = [p for p in re.split(r"[、,，;；\s]+", text) if p]
    return bool(parts) and all(DOCNUM.fullmatch(p) for p in parts)


_RANGE = re.compile(r"(" + _NUM + r")\s*[-–—~～至到]\s*(" + _NUM + r")\s*分")


_DEDUCT = re.compile(r"[扣减加](?:除)?\s*(" + _NUM + r")\s*(?:的扣)?\s*分")
_CAP = re.compile(r"(?:最多|最高|至多|累计不超过|上限)\s*[扣减加](?:除)?\s*(" + _NUM + r")\s*分")
_AWARD = re.compile(r"得\s*(" + _NUM + r")\s*分\s*[,，;；]?\s*否则\s*(?:得?\s*0\s*分|不得分)")
# the unit a per-unit rule counts: the measure word after the count that follows 每 (每少一项 → 项,
# 每人次 → 人次, 每少4学时 → 学时, 每超出5% → %), and after 个 the unit it measures (个百分点 → 百分点)
_MEASURE = ("[人件户批台车架班例起家]次|百分点|工作日|学时|小时|个月|月|天|日|年|周|项|件|次|个|条|人|份|处|起|例|"
            "户|家|名|篇|部|座|"
            "所|台|辆|批|期|宗|卷|%|％")
_UNIT = re.compile(r"(?:[0-9０-９]+(?:\.\d+)?|[一二两三四五六七八九十]+)?\s*(" + _MEASURE + r")")
_UNIT_AFTER_GE = {"百分点", "工作日", "月", "小时", "学时"}


def _unit(counted: str) -> str | None:
    """The measure word of what 每 counts, read from the words between 每 and the amount."""
    number = re.search(r"[0-9０-９]+(?:\.\d+)?|[一二两三四五六七八九十]+", counted)
    where = number.end() if number else 0
    m = re.compile(r"\s*(" + _MEASURE + r")").match(counted, where)
    if m is None and number is not None:
        m = re.compile(r"\s*([\u4e00-\u9fff])").match(counted, where)  # any measure word after a count: 一类, 1种
    if m is None and number is None:
        m = re.search(r"(" + _MEASURE + r")", counted)
        if m is None:
            m = re.match(r"\s*([\u4e00-\u9fff])(?=\s*$|\s*[扣减加，,])", counted)  # 每笔扣1分: the word right after 每
    if m is None:
        return None
    unit = m.group(1)
    if unit == "个月":
        return "月"
    if unit == "个":
        after = re.match(r"(" + "|".join(sorted(_UNIT_AFTER_GE, key=len, reverse=True)) + r")", counted[m.end():])
        if after:
            return after.group(1)
    return unit


def _strip_tail(text: str) -> str:
    return text.rstrip(" ，,、;；")


def parse_deduction(text: str) -> Deduction | None:
    """Parse a 评分标准 rule; None when the text holds no deduction or award.

    每少一项扣0.1分，最多扣0.5分 -> per_unit 0.1 per 项, cap 0.5; 无清理目录的扣0.05分 -> fixed;
    扣除1-3分 -> range 1..3; 得2分,否则得0分 -> all_or_nothing 2.
    """
    printed = text
    text, back = _digitize(printed)

    def head(k: int) -> str:
        return printed[: back[k]] if back else printed[:k]

    award = _AWARD.search(text)
    if award:
        cond = _strip_tail(head(award.start())) or None
        return Deduction(text=printed, kind="all_or_nothing", amount=Decimal(award.group(1)), condition=cond)
    rng = _RANGE.search(text)
    verb = next((v for v in "扣减加" if v in text[: rng.start()]), None) if rng else None
    if rng and verb:
        idx = text.rfind(verb, 0, rng.start())
        cond = _strip_tail(head(idx)) or None
        return Deduction(text=printed, kind="range", amount=Decimal(rng.group(1)),
                         amount_max=Decimal(rng.group(2)), condition=cond)
    cap_m = _CAP.search(text)
    deducts = [m for m in _DEDUCT.finditer(text) if not (cap_m and cap_m.start() <= m.start() < cap_m.end())]
    if not deducts:
        return None
    first = deducts[0]
    cap = Decimal(cap_m.group(1)) if cap_m else None
    each = text.find("每")
    if 0 <= each < first.start():
        unit = _unit(text[each + 1 : first.start()])
        cond = _strip_tail(head(each)) or None
        return Deduction(text=printed, kind="per_unit", amount=Decimal(first.group(1)), unit=unit, cap=cap,
                         condition=cond)
    cond = _strip_tail(head(first.start())) or None
    return Deduction(text=printed, kind="fixed", amount=Decimal(first.group(1)), cap=cap, condition=cond)
