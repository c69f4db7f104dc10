"""Reports of scores: the --json object, the human tables, and the cohort as CSV sections or XLSX sheets."""

from __future__ import annotations

import csv
import io
import unicodedata
from decimal import Decimal

from zhibiao.cells import append_row, safe_row
from zhibiao.model import dec_str

from .assessment import listing_cn
from .tally import TARGET, TARGET_SOURCE, Cohort, Score, _percent, _sum

__all__ = ["UNVERIFIED_WARNING", "CSV_SECTIONS", "CSV_COLUMNS", "score_json", "score_table", "cohort_tables",
           "cohort_csv", "cohort_xlsx", "data_sheets"]

UNVERIFIED_WARNING = "警告：指标目录未核实（以 --allow-unverified 评分），结果仅供参考"


def _fixed(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def score_json(result: Score) -> dict:
    """The `zhibiao score --json` object: decimals as strings, completion as a 4-place ratio or null."""
    t = result.total
    return {
        "total": {"awarded": dec_str(t.awarded), "applicable": dec_str(t.applicable),
                  "completion": _fixed(t.completion), "target": dec_str(TARGET), "meets_target": bool(t.meets_target)},
        "levels": [{"id": lv.id, "awarded": dec_str(lv.awarded), "applicable": dec_str(lv.applicable),
                    "completion": _fixed(lv.completion)} for lv in result.levels],
        "verified": result.verified,
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _ljust(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _status(meets: bool | None) -> str:
    return _ljust("—" if meets is None else "达标" if meets else "未达标", 7)


def score_table(result: Score, title: str | None, source: str) -> str:
    """The human report of one assessment: a table of levels 1 and 2, the total and the 90% target."""
    lines = [f"{title or '（无标题）'} · {source}"]
    if not result.verified:
        lines.append(UNVERIFIED_WARNING)
    lines.append(f"{_ljust('编号', 8)} {'得分':>6} {'应得分':>7} {'完成度':>6}  {_ljust('90%', 7)} 指标")
    for t in [*result.levels, result.total]:
        ident = "合计" if t.id is None else ("  " * (t.level - 1) + t.id)
        label = "" if t.id is None else "  " * (t.level - 1) + t.label
        lines.append(f"{_ljust(ident, 8)} {dec_str(t.awarded):>8} {dec_str(t.applicable):>10} "
                     f"{_percent(t.completion):>9}  {_status(t.meets_target)} {label}".rstrip())
    t = result.total
    if t.completion is None:
        lines.append(f"目标 90%（{TARGET_SOURCE}）：没有适用的指标，无完成度")
    else:
        verdict = "≥ 90% → 达标" if t.meets_target else "< 90% → 未达标"
        lines.append(f"目标 90%（{TARGET_SOURCE}）：完成度 {_percent(t.completion)} {verdict}")
    if result.not_applicable:
        ids = [i for i, _ in result.not_applicable]
        lines.append(f"不适用：{len(ids)} 项，共 {dec_str(_sum(p for _, p in result.not_applicable))} 分未计入："
                     f"{listing_cn(ids)}")
    return "\n".join(lines)


def cohort_tables(c: Cohort) -> str:
    """The human report of a cohort: summary bands, first-level areas, and the ranking (the app's terms)."""
    lines = [f"{c.rubric_title or '（无标题）'} · {c.folder} 中 {c.units} 个单位"]
    if not c.verified:
        lines.append(UNVERIFIED_WARNING)
    lines += ["", "概况", f"  {_ljust('单位数', 40)} {c.units:>5}"]
    if c.rated != c.units:
        lines.append(f"  {_ljust('有完成度的单位', 40)} {c.rated:>5}   （其余单位没有适用的指标）")
    for b in c.bands:
        lines.append(f"  {_ljust(b.label, 40)} {b.count:>5} {_percent(b.share):>9}")
    lines.append(f"  {_ljust('总完成度（Σ得分 / Σ应得分）', 40)} {'':>5} {_percent(c.total.completion):>9}")
    lines.append(f"  {_ljust('各单位完成度的平均', 40)} {'':>5} {_percent(c.mean):>9}")
    lines += ["", "一级指标（全部单位）",
              f"  {_ljust('编号', 4)} {'得分':>6} {'应得分':>7} {'完成度':>6} {'平均':>7}  指标"]
    for a in c.areas:
        lines.append(f"  {a.id:<4} {dec_str(a.awarded):>8} {dec_str(a.applicable):>10} {_percent(a.completion):>9} "
                     f"{_percent(a.mean):>9}  {a.label}")
    lines += ["", "排名", f"  {'名次':>2} {'完成度':>6}  {_ljust('90%', 7)} {'得分':>6} {'应得分':>7}  单位"]
    for r in c.ranking:
        t = r.score.total
        rank = "—" if r.rank is None else str(r.rank)
        lines.append(f"  {rank:>4} {_percent(t.completion):>9}  {_status(t.meets_target)} "
                     f"{dec_str(t.awarded):>8} {dec_str(t.applicable):>10}  {r.score.unit}")
    return "\n".join(lines)


# the CSV's sections for people (the XLSX data sheets keep the English names, for scripts): section and
# column names and the summary's rows in the report's Chinese
CSV_SECTIONS = {"ranking": "单位排名", "areas": "一级指标", "summary": "概况"}
CSV_COLUMNS = {"rank": "名次", "unit": "单位", "awarded": "得分", "applicable": "应得分", "completion": "完成度",
               "meets_target": "是否达标", "id": "编号", "area": "指标", "mean_unit_completion": "各单位平均完成度",
               "units": "单位数", "metric": "项目", "count": "数量", "share": "占比"}


def _sections(c: Cohort, chinese: bool = False) -> list[tuple[str, list[str], list[list]]]:
    """The cohort as (sheet name, header, rows) with Decimal values: ranking, areas, summary (``chinese``: the
    summary's rows named in Chinese; the names and header stay the English keys of CSV_SECTIONS/CSV_COLUMNS)."""
    ranking = [[r.rank, r.score.unit, r.score.total.awarded, r.score.total.applicable, r.score.total.completion,
                None if r.score.total.meets_target is None else ("达标" if r.score.total.meets_target else "未达标")]
               for r in c.ranking]
    areas = [[a.id, a.label, a.awarded, a.applicable, a.completion, a.mean, a.units] for a in c.areas]
    if chinese:
        summary = [["单位数", c.units, None], ["有完成度的单位数", c.rated, None]]
        summary += [[b.label, b.count, b.share] for b in c.bands]
        summary += [["总完成度（Σ得分 / Σ应得分）", None, c.total.completion], ["各单位完成度的平均", None, c.mean],
                    ["目标", None, TARGET], ["目标依据", TARGET_SOURCE, None],
                    ["指标目录已核实", "是" if c.verified else "否（以 --allow-unverified 评分）", None]]
    else:
        summary = [["units", c.units, None], ["units with a completion", c.rated, None]]
        summary += [[b.label, b.count, b.share] for b in c.bands]
        summary += [["overall completion (sum awarded / sum applicable)", None, c.total.completion],
                    ["mean of unit completions", None, c.mean], ["target", None, TARGET],
                    ["target source", TARGET_SOURCE, None],
                    ["verified catalogue", "yes" if c.verified else "no (--allow-unverified)", None]]
    return [
        ("ranking", ["rank", "unit", "awarded", "applicable", "completion", "meets_target"], ranking),
        ("areas", ["id", "area", "awarded", "applicable", "completion", "mean_unit_completion", "units"], areas),
        ("summary", ["metric", "count", "share"], summary),
    ]


_RATIOS = {"completion", "mean_unit_completion", "share"}  # columns holding 4-place ratios


def _cell(value, ratio_column: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f") if ratio_column else dec_str(value)
    return str(value)


def cohort_csv(c: Cohort) -> str:
    """CSV text: the sections [单位排名], [一级指标], [概况], each a title row, a Chinese header and its rows,
    blank-line separated (ratios as 4-place decimals)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for n, (name, header, rows) in enumerate(_sections(c, chinese=True)):
        if n:
            writer.writerow([])
        writer.writerow([f"[{CSV_SECTIONS[name]}]"])
        writer.writerow([CSV_COLUMNS[h] for h in header])
        writer.writerows(safe_row(_cell(v, h in _RATIOS) for h, v in zip(header, row)) for row in rows)
    return buf.getvalue()


def cohort_xlsx(c: Cohort) -> bytes:
    """An XLSX workbook with sheets ranking, areas, summary; ratios as numbers shown as percentages."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the default sheet
    data_sheets(wb, c)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def data_sheets(wb, c: Cohort) -> None:
    """Add the sheets ranking, areas, summary (one header row each; the CSV's sections) to a workbook."""
    for name, header, rows in _sections(c):
        ws = wb.create_sheet(name)
        ws.append(header)
        for row in rows:
            append_row(ws, row)
            for cell, h in zip(ws[ws.max_row], header):
                if h in _RATIOS:
                    cell.number_format = "0.00%"
        ws.freeze_panes = "A2"
        for col, width in zip("ABCDEFG", (8 if name != "summary" else 48, 30, 10, 10, 12, 20, 8)):
            ws.column_dimensions[col].width = width
