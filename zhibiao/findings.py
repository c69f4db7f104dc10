"""Every finding code in one place: its severity, a short Chinese title and its message templates.

A finding is built here and nowhere else::

    finding("sum_mismatch", source=ind.source, id=ind.id, points=ind.points, children_sum=total)

``params`` are the numbers and ids the message names (Decimals written as strings, sources as their
JSON form); the English ``message`` is the English template filled from them, and the review app
renders the Chinese template from the same params (`render_zh`).

Templates are ``str.format`` strings over the params, plus two names filled when rendering from
the finding's own ``source`` (never stored in params):

- ``{at}``: where the finding was found (``notice.txt:12-14``; in Chinese ``notice.txt 第12–14行``);
- ``{where}``: the same as an optional suffix: `` (notice.txt:12-14)`` / ``（notice.txt 第12–14行）``,
  empty when the finding has no source.

A code may have several forms (``numbering_gap``: restarts at 1, or follows its previous sibling);
a finding uses the form with the most placeholders that its params provide.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, NamedTuple

from zhibiao.basics import dec_str

if TYPE_CHECKING:
    from pydantic import JsonValue

    from zhibiao.model import Finding, ReaderNote, Source

# the record model (pydantic) is imported where a finding or a note is made, not with the registry: the light
# check of a catalogue file (`zhibiao check`, zhibiao/shape.py) renders messages without pydantic (start-up)

__all__ = ["Code", "Form", "REGISTRY", "READER_WARNINGS", "reader_note", "input_warning", "RENDER_NAMES", "finding",
           "render_en", "render_zh", "light_finding", "FindingRecord", "source_label_zh",
           "placeholders", "titles_zh"]

Severity = Literal["error", "warning", "info"]

RENDER_NAMES = frozenset({"at", "where"})  # filled from the finding's source when rendering


@dataclass(frozen=True)
class Form:
    """One wording of a code: the English message (exactly as the library writes it) and its Chinese."""

    en: str
    zh: str


@dataclass(frozen=True)
class Code:
    """A finding code: its severity, the short Chinese name the review app shows, and its wordings."""

    code: str
    severity: Severity | None  # None: the severity depends on the case (given when the finding is built)
    title_zh: str
    forms: tuple[Form, ...]
    retired: bool = False  # no longer produced, kept so that old catalogues still read in Chinese


def _code(code: str, severity: Severity | None, title_zh: str, *forms: tuple[str, str],
          retired: bool = False) -> Code:
    return Code(code, severity, title_zh, tuple(Form(en, zh) for en, zh in forms), retired)


_CODES = [
    # --- checks (normalize/validate.py) ---
    _code("sum_mismatch", "error", "下级分值合计不符",
          ("{id} has {points} points but its children add up to {children_sum}{where}",
           "本级 {points} 分，下级合计 {children_sum} 分，两者不符。")),
    _code("total_mismatch", "error", "总分不符",
          ("first-level indicators add up to {total}, the rubric states {stated}",
           "一级指标合计 {total} 分，与文件标注的总分 {stated} 分不符。"),
          ("first-level indicators add up to {total}, expected {expected}",
           "一级指标合计 {total} 分，应为 {expected} 分。")),
    _code("numbering_gap", "error", "编号缺号",
          ("{id} is numbered {number}, expected 1{where}",
           "本项编号为 {number}，应为 1。"),
          ("{id} is numbered {number}, expected 1 or {continues}{where}",
           "本项编号为 {number}，应为 1 或 {continues}。"),
          ("{id} follows {previous}: expected {expected}{where}",
           "前一项编号为 {previous}，本项应为 {expected}。")),
    _code("numbering_duplicate", "error", "编号重复",
          ("number {number} appears twice under {parent}{where}",
           "编号 {number} 在 {parent} 下出现了两次。"),
          ("number {number} appears twice under the rubric{where}",
           "编号 {number} 在一级指标中出现了两次。")),
    _code("points_missing", "error", "缺少分值",
          ("{id} has no points{where}", "该指标没有分值。")),
    _code("leaf_without_points", "error", "末级指标无分值",
          ("{id} has no points{where}", "该末级指标没有分值。")),
    _code("label_missing", "warning", "标签缺失",
          ("{id}: label not printed in the source; points {points} taken from its items",
           "原文未印出该指标的标签（名称），分值由下级指标推算；请对照原文补填标签。")),
    _code("points_unit_missing", "warning", "分值缺少“分”字",
          ("{id}: points written without 分{where}",
           "原文分值没有写“分”字（如“(0.3)”），已按分值读取，请核对。")),
    # --- reading the rubric (normalize/stream.py, normalize/tree.py) ---
    _code("points_conflict", "warning", "分值前后不一致",
          ("{label}: the points column says {column}, its text {text_points}; kept the points column",
           "“{label}”：分值栏为 {column}，正文写的是 {text_points} 分，已采用分值栏的分值，请核对。")),
    _code("unplaced_item", "error", "有内容未归入指标",
          ("text not placed in any indicator: {text!r}{where}",
           "“{text}”带有编号或分值，但未归入任何指标，可能漏读了一项，请对照原文核对{where}。")),
    _code("unplaced_text", "warning", "文字未归入指标",
          ("text not placed in any indicator: {text!r}{where}",
           "“{text}”未归入任何指标（如考核评语、签字栏），请确认无需录入{where}。")),
    _code("repeated_label_differs", "warning", "重复标签不一致",
          ("{marker} repeated at {at} as {text!r}; kept the first printing {first_text!r} ({first_source})",
           "{marker}在{at}再次出现，写作“{text}”，与首次出现时的“{first_text}”（{first_source}）不同；"
           "已保留首次出现的写法。")),
    _code("duplicate_dropped", "info", "重复内容已去除",
          ("{label} printed again at {at}; kept {first_source}",
           "“{label}”在{at}重复出现，已去除，保留{first_source}处的内容。")),
    _code("tree_from_sums", "info", "层级由分值推算",
          ("in layout order the sums do not reconcile (labels printed out of order, or missing); the tree was "
           "recovered from numbering and point sums",
           "按原文排列顺序分值对不上（标签顺序错乱或缺失），层级是根据编号和分值合计推算出来的，请重点核对。")),
    # --- reading the file (zhibiao/pipeline.py) ---
    _code("input_warning", "warning", "文件提示",
          ("{file}: {detail}", "读取文件“{file}”时的提示：{detail}")),
    # --- text read by OCR (zhibiao/pipeline.py) ---
    _code("ocr_points_low_confidence", "warning", "识别的分值把握不大",
          ("{id}: its points {points} were read by OCR with confidence {confidence} (below {threshold}), page "
           "{page} region {region}",
           "本项分值 {points} 分由文字识别（OCR）读出，识别置信度 {confidence}，低于 {threshold}"
           "（第 {page} 页，区域 {region}），请对照原件核对分值。")),
    _code("ocr_points_break_sums", "error", "识别的分值与合计不符",
          ("{id}: points {points} read by OCR do not reconcile with the sums (page {page} region {region}); OCR may "
           "have misread them",
           "本项分值 {points} 分由文字识别（OCR）读出，与上下级分值合计对不上（第 {page} 页，区域 {region}），"
           "可能识别有误，请对照原件核对。")),
    # --- filled-in score sheets (zhibiao/sheets.py) ---
    _code("sheet_subtotal_mismatch", "warning", "表内小计与明细不符",
          ("{sheet} row {row}: the sheet's subtotal of {id} {label} is {stated}, its items add up to {items}",
           "表中“{label}”的小计为 {stated} 分，其下各项得分合计为 {items} 分，两者不符（表中第 {row} 行）。")),
    _code("sheet_total_mismatch", "warning", "表内合计与明细不符",
          ("{sheet} row {row}: the sheet's total is {stated}, its items add up to {items}",
           "表中合计得分为 {stated} 分，各项得分合计为 {items} 分，两者不符（表中第 {row} 行）。")),
    _code("sheet_points_differ", "warning", "表中分值与目录不符",
          ("{sheet} row {row}: the sheet gives {id} {points_sheet} points, the catalogue {points}",
           "表中该项分值为 {points_sheet} 分，目录为 {points} 分（表中第 {row} 行）。")),
    _code("sheet_row_retyped", "info", "表中条目文字有改动",
          ("{sheet} row {row}: {id} matched by its text (similarity {similarity}%): {text!r}",
           "表中该行文字与目录不完全一致，按文字相似度（{similarity}%）对应到本项：“{text}”（表中第 {row} 行）。")),
    # --- retired codes that 1.0 catalogues may still hold ---
    _code("orphan", "error", "缺少上级指标",
          ("{label} has no parent at level {level}", "该指标找不到上一级指标。"), retired=True),
    _code("stray_text", "info", "多余文字",
          ("text outside any indicator ignored: {text!r}", "有文字不属于任何指标，已忽略。"), retired=True),
]

REGISTRY: dict[str, Code] = {c.code: c for c in _CODES}

# What the readers (extract/) say about a file, as their layout's warnings print it: the detail of an
# ``input_warning``. The readers build them with `reader_note(kind, **params)` (Layout.notes); the
# pipeline hands kind and params on to the finding, so the app renders the Chinese from the values.
READER_WARNINGS: dict[str, Form] = {
    "extension_mismatch": Form("the extension says {claimed} but the content is {content}; read as {content}",
                               "文件扩展名为 {claimed}，实际内容是 {content}，已按 {content} 读取。"),
    "docx_text_boxes": Form("{count} text box(es) with text were not read", "有 {count} 个文本框中的文字未读取。"),
    "docx_alt_chunks": Form("{count} embedded document chunk(s) (altChunk) were not read",
                            "有 {count} 处嵌入的文档片段（altChunk）未读取。"),
    "docx_hidden_text": Form("{count} run(s) of hidden text (w:vanish) left out",
                             "有 {count} 处隐藏文字未读取。"),
    "html_hidden": Form("{count} hidden element(s) with text (display:none, hidden) left out",
                        "网页中有 {count} 处隐藏内容含有文字，未读取。"),
    "hidden_sheet": Form("hidden sheet {sheet!r} not read", "隐藏工作表“{sheet}”未读取。"),
    "hidden_columns": Form("{count} hidden column(s) of sheet {sheet!r} with text left out",
                           "工作表“{sheet}”中有 {count} 个隐藏列含有文字，未读取。"),
    "hidden_rows": Form("{count} hidden row(s) of sheet {sheet!r} with text left out",
                        "工作表“{sheet}”中有 {count} 个隐藏行含有文字，未读取。"),
    "charset_unknown": Form("unknown declared charset {charset!r} ignored",
                            "网页声明的字符编码“{charset}”无法识别，已忽略。"),
    "charset_is_utf8": Form("declared charset {charset!r} but the bytes are UTF-8; read as UTF-8",
                            "网页声明的字符编码为“{charset}”，实际内容是 UTF-8，已按 UTF-8 读取。"),
    "charset_invalid": Form("the bytes are not valid {charset}; tried other encodings",
                            "网页内容不符合声明的字符编码 {charset}，已改用其他编码读取。"),
    "undecodable_bytes": Form("{count} undecodable byte sequence(s) replaced with U+FFFD ({encoding})",
                              "有 {count} 处字节无法按 {encoding} 解码，已替换为“\ufffd”。"),
    "html_stopped_early": Form("parsing stopped early, later content was not read: {error}",
                               "网页解析提前中止，后面的内容未读取（{error}）。"),
    "pdf_no_text_layer": Form("page(s) {pages} have no text layer (images?); OCR needed for them",
                              "第 {pages} 页没有文字层（可能是扫描图片），需要 OCR 识别后才能读取。"),
    "ocr_read": Form("page(s) {pages} were read by OCR ({engine}, {dpi} dpi): check the text and points against the"
                     " original",
                     "第 {pages} 页系扫描图片，已用文字识别（{engine}，{dpi} dpi）读取，请对照原件核对文字和分值。"),
    "pdf_garbled_text": Form("page(s) {pages} have a garbled text layer (glyphs without Unicode, or implausible"
                             " Chinese characters); read by OCR instead",
                             "第 {pages} 页的文字层是乱码（字形没有对应的文字，或汉字组成不合常理），"
                             "已改用文字识别（OCR）读取。"),
}

_FORMATTER = string.Formatter()


def placeholders(template: str) -> set[str]:
    """The names a template fills: '{id} has {points!r}' -> {'id', 'points'}."""
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name}


def _param(value: object) -> JsonValue:
    """A param as stored: JSON-serialisable, exact (Decimals as strings, sources as their JSON form)."""
    if isinstance(value, Decimal):
        return dec_str(value)
    if value is None or isinstance(value, (str, int, bool)):
        return value
    from zhibiao.model import Source

    if isinstance(value, Source):
        return value.model_dump(mode="json", exclude_none=True)
    raise TypeError(f"a finding param must be a decimal, int, str, source or None, not {type(value).__name__}")


def _form(code: Code, params: dict) -> Form | None:
    """The form with the most placeholders that the params fill (None when none fits)."""
    have = {k for k, v in params.items() if v is not None} | RENDER_NAMES
    fits = [f for f in code.forms if placeholders(f.en) <= have]
    return max(fits, key=lambda f: len(placeholders(f.en)), default=None)


def source_label_zh(source: Source) -> str:
    """Where a source is, in Chinese: 'notice.txt 第12–14行', 'notice.pdf 第3、4页'."""
    where = source.file
    if source.lines:
        a, b = source.lines
        where += f" 第{a}行" if a == b else f" 第{a}–{b}行"
    if source.pages:
        where += " 第" + "、".join(str(p) for p in source.pages) + "页"
    return where


def reader_note(kind: str, **params: str | int) -> ReaderNote:
    """What a reader says about a file, as its layout keeps it: kind, params and the English message."""
    from zhibiao.model import ReaderNote

    return ReaderNote(kind=kind, params=params, message=READER_WARNINGS[kind].en.format(**params))


def _values(params: dict, source: Source | None, lang: Literal["en", "zh"]) -> dict:
    label = (lambda s: s.label()) if lang == "en" else source_label_zh
    if any(isinstance(v, dict) for v in params.values()):
        from zhibiao.model import Source

        values = {k: label(Source.model_validate(v)) if isinstance(v, dict) else v for k, v in params.items()}
    else:
        values = dict(params)
    kind = READER_WARNINGS.get(params.get("warning") or "")
    if lang == "zh" and kind is not None:
        try:
            values["detail"] = kind.zh.format(**params)
        except (KeyError, IndexError):
            pass  # params of another release: keep the detail as printed
    values["at"] = label(source) if source else ""
    if lang == "en":
        values["where"] = f" ({source.label()})" if source else ""
    else:
        values["where"] = f"（{source_label_zh(source)}）" if source else ""
    return values


def render_en(code: str, params: dict, source: Source | None = None) -> str:
    """The English message of a code from its params (what `Finding.message` holds)."""
    form = _form(REGISTRY[code], params)
    if form is None:
        raise ValueError(f"finding {code}: no wording takes the params {sorted(params)}")
    return form.en.format(**_values(params, source, "en"))


def render_zh(f: Finding) -> str:
    """The finding in Chinese, from its params; an old finding without params falls back to its message,
    unless its code has one wording whose Chinese names no params."""
    code = REGISTRY.get(f.code)
    if code is None:
        return f.message
    if f.params is None:
        only = code.forms[0] if len(code.forms) == 1 else None
        if only is not None and not placeholders(only.zh) - RENDER_NAMES:
            return only.zh.format(**_values({}, f.source, "zh"))
        return f.message
    form = _form(code, f.params)
    if form is None:
        return f.message
    return form.zh.format(**_values(f.params, f.source, "zh"))


def titles_zh() -> dict[str, str]:
    """Code -> its short Chinese name (the review app's 类型 column)."""
    return {c.code: c.title_zh for c in _CODES}


def finding(code: str, *, severity: Severity | None = None, indicator: str | None = None,
            source: Source | None = None, **params: object) -> Finding:
    """Build a finding of a registered code; its message is the English template filled from params."""
    return _build(code, severity, indicator, source, params)


def input_warning(file: str, note: ReaderNote) -> Finding:
    """The finding of what a reader said about a file: its note's kind and values, its English message."""
    return _build("input_warning", None, None, None,
                  {"file": file, "detail": note.message, "warning": note.kind, **note.params})


class FindingRecord(NamedTuple):
    """A finding as the light check of a catalogue file makes it (`light_finding`): the fields of a `Finding`
    with the same values, without the record model."""

    severity: Severity
    code: str
    message: str
    params: dict
    indicator: str | None
    source: object  # the light check's source record (its label() is the Source's)


def light_finding(code: str, *, severity: Severity | None = None, indicator: str | None = None,
                  source=None, **params: object) -> FindingRecord:
    """`finding` without pydantic: the same severity, message and params, as a FindingRecord."""
    severity, stored = _checked(code, severity, params)
    return FindingRecord(severity, code, render_en(code, stored, source), stored, indicator, source)


def _checked(code: str, severity: Severity | None, params: dict[str, object]) -> tuple[Severity, dict]:
    """The severity of a registered code and its params as stored; KeyError/ValueError for a code misused."""
    entry = REGISTRY.get(code)
    if entry is None or entry.retired:
        raise KeyError(f"finding code {code!r} is not in the registry (zhibiao/findings.py)")
    severity = severity or entry.severity
    if severity is None:
        raise ValueError(f"finding {code}: its severity depends on the case; pass severity=")
    return severity, {k: _param(v) for k, v in params.items() if v is not None}


def _build(code: str, severity: Severity | None, indicator: str | None, source: Source | None,
           params: dict[str, object]) -> Finding:
    from zhibiao.model import Finding

    severity, stored = _checked(code, severity, params)
    return Finding(severity=severity, code=code, message=render_en(code, stored, source), params=stored,
                   indicator=indicator, source=source)

