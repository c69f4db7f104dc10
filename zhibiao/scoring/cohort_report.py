"""The cohort report as 陕司通〔2023〕31号 writes it, ready to hand on: sentences to paste, tables by tier, and charts —
native Excel charts in the XLSX (``cohort_report_xlsx``), the same charts as inline SVG in a self-contained HTML
page (``cohort_report_html``: no script, no external file, CSP-safe) whose print view is one A4 page for leaders.

The sentences (``sentences``) follow the notice's wording: 抽评的49个省级单位中，仅有14个单位达标，占28.57%。
完成度90%以下的单位占比71.43%…; 二级指标中，“…”总体完成度最低，仅为26.43%; 最高为67.28%（…），最低为11.75%（…）.
Completions are the 4-place ratios of ``tally`` (Σ awarded / Σ applicable over a tier's units), shown as percentages
without trailing zeros (67.2%).
"""

from __future__ import annotations

import io
from decimal import Decimal
from html import escape

from zhibiao.cells import append_row
from zhibiao.model import Rubric, dec_str
from zhibiao.office import fit_widths, header_row, print_setup, sheet_title, state_word, wrap_rows

from .tally import TARGET, TARGET_SOURCE, Cohort
from .tiers import ALL_UNITS, UNTIERED, Tier, tier_stats

__all__ = ["pct", "sentences", "tier_rows", "tiers_csv", "TIER_HEADERS", "cohort_report_xlsx", "cohort_report_html",
           "svg_bars", "REMARK_HEADERS", "CHECK_HEADERS", "remark_rows", "check_rows", "sheets_csv"]

TIER_HEADERS = ["层级", "单位数", "达标单位数", "达标率", "完成度90%以下占比", "完成度80%以下占比",
                "完成度60%以下占比", "总体完成度", "完成度最低的一级指标", "其完成度", "完成度最低的二级指标",
                "其完成度", "完成度最高的单位", "最高完成度", "完成度最低的单位", "最低完成度"]
UNVERIFIED_LINE = "状态：未核实（指标目录尚未经人工核实，按 --allow-unverified 计分，结果仅供参考）"
COLOURS = ["#2f6db5", "#e08a1e", "#3a9b5c", "#8a5cb8", "#c0504d", "#4bacc6"]


def pct(value: Decimal | None) -> str:
    """A 4-place ratio as the notice prints a percentage: 0.2857 → 28.57%, 0.6720 → 67.2%, 1 → 100%; — for none."""
    if value is None:
        return "—"
    text = format(value.scaleb(2).quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") + "%"


def _who(tier: Tier) -> str:
    return "" if tier.name in (ALL_UNITS, UNTIERED) else tier.name


def sentences(tier: Tier) -> list[str]:
    """What the report says of one tier, each sentence ready to paste."""
    rated = tier.rated
    n, met, who = len(rated), tier.met, _who(tier)
    if not rated:
        return [f"{who or tier.name}单位中没有可计算完成度的单位。"]
    if met == 0:
        lines = [f"抽评的{n}个{who}单位中，没有单位达标（完成度达到{pct(TARGET)}）。"]
    elif met == n:
        lines = [f"抽评的{n}个{who}单位全部达标（完成度达到{pct(TARGET)}）。"]
    else:
        only = "仅有" if tier.share is not None and tier.share < Decimal("0.5") else "有"
        lines = [f"抽评的{n}个{who}单位中，{only}{met}个单位达标，占{pct(tier.share)}。"]
    below = [(threshold, share) for op, threshold, _, share in tier.bands if op == "<"]
    lines.append("，".join(f"完成度{pct(threshold)}以下的单位占比{pct(share)}" for threshold, share in below) + "。")
    total = tier.completion
    only = "仅为" if total is not None and total < TARGET else "为"
    lines.append(f"{who or tier.name}单位指标体系总体完成度{only}{pct(total)}。")
    for level, word in ((1, "一级"), (2, "二级")):
        low = tier.lowest(level)
        if low is not None and sum(1 for lv in tier.levels if lv.level == level) > 1:
            lines.append(f"{word}指标中，“{low.label}”总体完成度最低，"
                         f"{'仅为' if (low.completion or 0) < TARGET else '为'}{pct(low.completion)}。")
    if n > 1:
        best, worst = rated[0], rated[-1]
        lines.append(f"单位总体完成度最高为{pct(best.total.completion)}（{best.unit}），"
                     f"最低{'仅' if (worst.total.completion or 0) < TARGET else ''}为{pct(worst.total.completion)}"
                     f"（{worst.unit}）。")
    return lines


def tier_rows(tiers: list[Tier]) -> list[list]:
    """One row per tier (TIER_HEADERS): ratios as Decimal, labels and units as text."""
    out = []
    for t in tiers:
        rated = t.rated
        low1, low2 = t.lowest(1), t.lowest(2)
        bands = [share for op, _, _, share in t.bands if op == "<"]
        out.append([t.name, len(rated), t.met, t.share, *bands, t.completion,
                    low1.label if low1 else None, low1.completion if low1 else None,
                    low2.label if low2 else None, low2.completion if low2 else None,
                    rated[0].unit if rated else None, rated[0].total.completion if rated else None,
                    rated[-1].unit if rated else None, rated[-1].total.completion if rated else None])
    return out


def _heading(rubric: Rubric, verified: bool) -> str:
    return f"{rubric.title or '指标体系'}完成度评估结果（{state_word(verified)}）"


def _state_line(c: Cohort) -> str:
    if c.verified:
        return f"状态：已核实（指标目录经人工核实）；达标线：完成度{pct(TARGET)}（{TARGET_SOURCE}）"
    return UNVERIFIED_LINE


def _level_table(tiers: list[Tier], level: int) -> tuple[list[str], list[list]]:
    names = [t.name for t in tiers]
    header = ["编号", "一级指标" if level == 1 else "二级指标"] + [f"{n}完成度" for n in names]
    first = [lv for lv in tiers[0].levels if lv.level == level]
    rows = []
    for k, lv in enumerate(first):
        rows.append([lv.id, lv.label] + [[x for x in t.levels if x.level == level][k].completion for t in tiers])
    return header, rows


def _ranking_rows(c: Cohort, tiers: dict[str, str] | None) -> list[list]:
    rows = []
    for r in c.ranking:
        t = r.score.total
        rows.append([r.rank, r.score.unit, (tiers or {}).get(r.score.unit, ALL_UNITS), t.awarded, t.applicable,
                     t.completion, None if t.meets_target is None else ("达标" if t.meets_target else "未达标")])
    return rows


REMARK_HEADERS = ["单位", "编号", "指标", "分值", "得分", "扣分原因及说明"]
CHECK_HEADERS = ["单位", "问题", "说明"]


def remark_rows(c: Cohort, rubric: Rubric) -> list[list]:
    """The remarks the units' score sheets give (扣分原因, 说明), unit by unit in ranking order, items in document
    order: unit, id, indicator, points, awarded (不适用 for n/a), remark."""
    from zhibiao.model import LABEL_NOT_PRINTED

    order = {ind.id: (k, ind) for k, ind in enumerate(rubric.leaves())}
    rows = []
    for r in c.ranking:
        for ident in sorted(r.score.remarks, key=lambda i: order[i][0] if i in order else len(order)):
            awarded, remark = r.score.remarks[ident]
            ind = order[ident][1] if ident in order else None
            rows.append([r.score.unit, ident, ind.label(LABEL_NOT_PRINTED) if ind is not None else "",
                         ind.points if ind is not None else None, "不适用" if awarded is None else awarded, remark])
    return rows


def check_rows(c: Cohort) -> list[list]:
    """What the units' sheets get wrong by themselves (subtotals that do not add up, points that differ from the
    catalogue), in Chinese: unit, title, text. Rows matched by their text are not listed (the app shows them)."""
    from zhibiao.findings import REGISTRY, render_zh

    return [[r.score.unit, REGISTRY[f.code].title_zh, render_zh(f)] for r in c.ranking for f in r.score.findings
            if f.severity != "info"]


def sheets_csv(c: Cohort, rubric: Rubric) -> str:
    """The CSV sections [扣分说明] and [表内核对] (after the others); empty when no unit's sheet gives any."""
    import csv

    from zhibiao.cells import safe_row

    remarks, checks = remark_rows(c, rubric), check_rows(c)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for name, header, rows in (("扣分说明", REMARK_HEADERS, remarks), ("表内核对", CHECK_HEADERS, checks)):
        if rows:
            writer.writerows([[], [f"[{name}]"], header])
            writer.writerows(safe_row("" if v is None else dec_str(v) if isinstance(v, Decimal) else str(v)
                                      for v in row) for row in rows)
    return buf.getvalue()


def tiers_csv(c: Cohort, rubric: Rubric, tiers: dict[str, str] | None) -> str:
    """The CSV section [层级统计] (TIER_HEADERS; ratios as 4-place decimals), after the others; empty without
    tiers."""
    import csv

    from zhibiao.cells import safe_row

    if not tiers:
        return ""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows([[], ["[层级统计]"], TIER_HEADERS])
    for row in tier_rows(tier_stats(c, rubric, tiers)):
        writer.writerow(safe_row("" if v is None else format(v, "f") if isinstance(v, Decimal) else v for v in row))
    return buf.getvalue()


# --- XLSX ------------------------------------------------------------------------------------

_RATIO_FORMAT = "0.00%"


def _table_sheet(wb, name: str, heading: str, lines: list[str], header: list[str], rows: list[list],
                 ratio_columns: set[int], state: str):
    ws = wb.create_sheet(name)
    top = sheet_title(ws, heading, lines, len(header))
    head = header_row(ws, header)
    for row in rows:
        append_row(ws, row)
        for cell in ws[ws.max_row]:
            if cell.column in ratio_columns:
                cell.number_format = _RATIO_FORMAT
    ws.freeze_panes = ws.cell(row=head + 1, column=1).coordinate
    wrap_rows(ws, head + 1)
    fit_widths(ws, head, maximum=40)
    print_setup(ws, title_rows=top + 1, state=state)
    return ws, head


def _bar_chart(ws, title: str, head: int, last: int, value_cols: range, category_col: int, anchor: str,
               horizontal: bool = False, height: float = 7.5, width: float = 16):
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.grouping = "clustered"
    chart.title = title
    chart.y_axis.title = "完成度"
    chart.y_axis.numFmt = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False  # openpyxl ≥ 3.1 hides axes unless told
    chart.y_axis.delete = False
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # the first row at the top, as in the table
    for col in value_cols:
        chart.add_data(Reference(ws, min_col=col, min_row=head, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=category_col, min_row=head + 1, max_row=last))
    chart.height, chart.width = height, width  # type: ignore[assignment]  # centimetres; the stubs say int
    if len(value_cols) == 1:
        chart.legend = None
    ws.add_chart(chart, anchor)
    return chart


def cohort_report_xlsx(c: Cohort, rubric: Rubric, tiers: dict[str, str] | None = None) -> bytes:
    """评估报告 (the sentences by tier, the tier table and a chart of the share 达标 per tier), 一级指标 and 二级指标
    (completion per tier, with a chart), 单位排名 (with a chart of every unit's completion), then the data sheets
    ranking, areas, summary (``report.cohort_xlsx``) for scripts. Every sheet prints on A4, fitted to the width."""
    from openpyxl import Workbook

    from .report import data_sheets

    groups = tier_stats(c, rubric, tiers)
    state = state_word(c.verified)
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    heading = _heading(rubric, c.verified)

    ws = wb.create_sheet("评估报告")
    lines = [_state_line(c)]
    for t in groups:
        lines.append(f"【{t.name}单位】" if t.name != ALL_UNITS else "【全部单位】")
        lines += sentences(t)
    from openpyxl.styles import Alignment

    top = sheet_title(ws, heading, lines, 8)
    for r in range(2, top + 1):
        ws.row_dimensions[r].height = 30
        ws.cell(row=r, column=1).alignment = Alignment(wrap_text=True, vertical="center")
    append_row(ws, [])
    head = header_row(ws, TIER_HEADERS)
    for row in tier_rows(groups):
        append_row(ws, row)
        for cell in ws[ws.max_row]:
            if cell.column in {4, 5, 6, 7, 8, 10, 12, 14, 16}:
                cell.number_format = _RATIO_FORMAT
    last = ws.max_row
    wrap_rows(ws, head + 1)
    fit_widths(ws, head, maximum=30)
    ws.column_dimensions["A"].width = 16
    _bar_chart(ws, "各层级达标率与总体完成度", head, last, range(4, 5), 1, f"A{last + 2}")
    _bar_chart(ws, "各层级总体完成度", head, last, range(8, 9), 1, f"I{last + 2}")
    print_setup(ws, title_rows=0, state=state)
    ws.page_setup.fitToHeight = 1  # the leaders' page: one A4 sheet

    for level, name in ((1, "一级指标"), (2, "二级指标")):
        header, rows = _level_table(groups, level)
        sheet, h = _table_sheet(wb, name, f"{name}完成度（{state}）", [_state_line(c)], header, rows,
                                set(range(3, 3 + len(groups))), state)
        _bar_chart(sheet, f"{name}总体完成度", h, sheet.max_row, range(3, 3 + len(groups)), 2,
                   f"{chr(ord('A') + len(header) + 1)}{h}", horizontal=True,
                   height=max(7.5, 0.5 * len(rows) * max(1, len(groups)) + 2), width=18)

    ranking = _ranking_rows(c, tiers)
    sheet, h = _table_sheet(wb, "单位排名", f"单位完成度排名（{state}）", [_state_line(c)],
                            ["名次", "单位", "层级", "得分", "应得分", "完成度", "是否达标"], ranking, {6}, state)
    _bar_chart(sheet, "各单位完成度", h, sheet.max_row, range(6, 7), 2, f"I{h}", horizontal=True,
               height=max(7.5, 0.5 * len(ranking) + 2))
    remarks, checks = remark_rows(c, rubric), check_rows(c)
    if remarks:
        _table_sheet(wb, "扣分说明", f"各单位扣分原因及说明（{state}）", [_state_line(c)], REMARK_HEADERS, remarks,
                     set(), state)
    if checks:
        _table_sheet(wb, "表内核对", f"自评表内合计核对（{state}）", [_state_line(c)], CHECK_HEADERS, checks, set(),
                     state)

    data_sheets(wb, c)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- HTML ------------------------------------------------------------------------------------


def svg_bars(title: str, categories: list[str], series: list[tuple[str, list[Decimal | None]]], *,
             width: int = 660, bar: int = 11) -> str:
    """A horizontal bar chart as inline SVG (no script): one group per category, one bar per series, the 90%
    target as a dashed line, each bar labelled with its percentage. Every text escaped."""
    label_w, value_w, pad = 190, 48, 6
    plot_w = width - label_w - value_w
    group_h = bar * len(series) + pad
    legend_h = 18 if len(series) > 1 else 0
    height = 26 + legend_h + group_h * len(categories) + 18
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" aria-label="{escape(title)}">',
           f'<text x="0" y="14" class="chart-title">{escape(title)}</text>']
    y0 = 26
    if legend_h:
        x = label_w
        for k, (name, _) in enumerate(series):
            out.append(f'<rect x="{x}" y="{y0}" width="10" height="10" fill="{COLOURS[k % len(COLOURS)]}"/>'
                       f'<text x="{x + 14}" y="{y0 + 9}" class="legend">{escape(name)}</text>')
            x += 14 + 12 * len(name) + 18
        y0 += legend_h
    for i, cat in enumerate(categories):
        y = y0 + i * group_h
        short = cat if len(cat) <= 15 else cat[:14] + "…"
        out.append(f'<text x="{label_w - 6}" y="{y + group_h / 2 + 3:.1f}" text-anchor="end" class="cat">'
                   f'<title>{escape(cat)}</title>{escape(short)}</text>')
        for k, (_, values) in enumerate(series):
            v = values[i]
            by = y + k * bar
            w = 0.0 if v is None else float(min(v, Decimal(1))) * plot_w
            colour = COLOURS[k % len(COLOURS)]
            out.append(f'<rect x="{label_w}" y="{by}" width="{w:.1f}" height="{bar - 2}" fill="{colour}"/>'
                       f'<text x="{label_w + w + 3:.1f}" y="{by + bar - 3}" class="val">{escape(pct(v))}</text>')
    tx = label_w + float(TARGET) * plot_w
    bottom = y0 + group_h * len(categories)
    out.append(f'<line x1="{tx:.1f}" y1="{y0 - 2}" x2="{tx:.1f}" y2="{bottom}" class="target"/>'
               f'<text x="{tx:.1f}" y="{bottom + 12}" text-anchor="middle" class="val">达标线 {pct(TARGET)}</text>'
               f'<line x1="{label_w}" y1="{y0 - 2}" x2="{label_w}" y2="{bottom}" class="axis"/>')
    out.append("</svg>")
    return "".join(out)


_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 24px; color: #222;
       max-width: 1000px; }
h1 { font-size: 20px; text-align: center; margin: 0 0 6px; } h2 { font-size: 15px; margin: 14px 0 6px; }
p.state { text-align: center; margin: 0 0 10px; } p.state.todo { color: #b3261e; font-weight: bold; }
.sentences p { margin: 2px 0; line-height: 1.6; } .sentences .tier { font-weight: bold; margin-top: 6px; }
table { border-collapse: collapse; margin: 6px 0; font-size: 13px; }
th, td { border: 1px solid #999; padding: 2px 6px; } th { background: #d9e1f2; }
td.num { text-align: right; white-space: nowrap; } td.low { color: #b3261e; font-weight: bold; }
.charts { display: flex; flex-wrap: wrap; gap: 8px 24px; }
svg.chart { font-size: 11px; } .chart-title { font-weight: bold; font-size: 12px; }
.target { stroke: #b3261e; stroke-dasharray: 4 3; } .axis { stroke: #666; }
.note { color: #555; font-size: 12px; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@page { size: A4 portrait; margin: 10mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  .details, .note.screen { display: none; }
  .leaders { break-after: avoid; page-break-after: avoid; }
  h1 { font-size: 15pt; } table { font-size: 8.5pt; } .sentences p { line-height: 1.35; }
  svg.chart { width: 88mm; height: auto; }
}
"""


def _cell(value) -> str:
    if isinstance(value, Decimal) or value is None:
        return pct(value) if not isinstance(value, int) else str(value)
    return escape(str(value))


def _text(value) -> str:
    return dec_str(value) if isinstance(value, Decimal) else "" if value is None else str(value)


def cohort_report_html(c: Cohort, rubric: Rubric, tiers: dict[str, str] | None = None) -> str:
    """The cohort report as one self-contained HTML page: the leaders' page (sentences, the tier table, the share
    达标 per tier and the first-level completion per tier as SVG charts) printed on one A4 sheet, then the
    second-level table and the ranking (on screen only)."""
    groups = tier_stats(c, rubric, tiers)
    names = [t.name for t in groups]
    out = ['<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>{escape(_heading(rubric, c.verified))}</title><style>{_CSS}</style></head><body>",
           '<section class="leaders">', f"<h1>{escape(_heading(rubric, c.verified))}</h1>",
           f'<p class="state{"" if c.verified else " todo"}">{escape(_state_line(c))}</p>', '<div class="sentences">']
    for t in groups:
        out.append(f'<p class="tier">{escape(t.name)}单位</p>')
        out += [f"<p>{escape(s)}</p>" for s in sentences(t)]
    out.append("</div><table><thead><tr>")
    shown = [0, 1, 2, 3, 7, 8, 9, 10, 11, 12, 13, 14, 15]
    out += [f"<th>{escape(TIER_HEADERS[k])}</th>" for k in shown]
    out.append("</tr></thead><tbody>")
    for row in tier_rows(groups):
        cells = []
        for k in shown:
            v = row[k]
            num = isinstance(v, (Decimal, int)) or (v is None and k in (3, 7, 9, 11, 13, 15))
            low = isinstance(v, Decimal) and k != 3 and v < TARGET
            cells.append(f'<td class="{"num" if num else ""}{" low" if low else ""}">{_cell(v)}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append('</tbody></table><div class="charts">')
    out.append(svg_bars("各层级达标率", names, [("达标率", [t.share for t in groups])], width=420, bar=14))
    first = [lv for lv in groups[0].levels if lv.level == 1]
    out.append(svg_bars("一级指标总体完成度", [lv.label for lv in first],
                        [(t.name, [lv.completion for lv in t.levels if lv.level == 1]) for t in groups],
                        width=560, bar=max(4, 12 - 2 * len(groups))))
    out.append('</div></section><p class="note screen">打印时只输出上面一页（A4）摘要；以下明细仅在屏幕上显示，'
               "完整数据见 XLSX。</p>")
    out.append('<section class="details"><h2>二级指标完成度</h2>')
    header, rows = _level_table(groups, 2)
    out.append(svg_bars("二级指标总体完成度", [r[1] for r in rows],
                        [(t.name, [r[2 + k] for r in rows]) for k, t in enumerate(groups)], width=760,
                        bar=max(4, 12 - 2 * len(groups))))
    out.append("<h2>单位完成度排名</h2><table><thead><tr>"
               + "".join(f"<th>{h}</th>" for h in ["名次", "单位", "层级", "得分", "应得分", "完成度", "是否达标"])
               + "</tr></thead><tbody>")
    for rank, unit, tier, awarded, applicable, completion, meets in _ranking_rows(c, tiers):
        out.append(f'<tr><td class="num">{"—" if rank is None else rank}</td><td>{escape(unit)}</td>'
                   f"<td>{escape(tier)}</td><td class=\"num\">{dec_str(awarded)}</td>"
                   f'<td class="num">{dec_str(applicable)}</td><td class="num">{pct(completion)}</td>'
                   f"<td>{escape(meets or '—')}</td></tr>")
    out.append("</tbody></table>")
    for title, header, rows in (("扣分原因及说明", REMARK_HEADERS, remark_rows(c, rubric)),
                                ("自评表内合计核对", CHECK_HEADERS, check_rows(c))):
        if rows:
            out.append(f"<h2>{title}</h2><table><thead><tr>" + "".join(f"<th>{h}</th>" for h in header)
                       + "</tr></thead><tbody>")
            out += ["<tr>" + "".join(f"<td>{escape(_text(v))}</td>" for v in row) + "</tr>" for row in rows]
            out.append("</tbody></table>")
    out.append("</section></body></html>")
    return "\n".join(out)
