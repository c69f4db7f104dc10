"""Reports of a crosswalk for people: a self-contained HTML page and an XLSX workbook."""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal
from importlib import resources

from zhibiao.cells import append_row
from zhibiao.model import Catalogue, Crosswalk, Indicator, dec_str
from zhibiao.office import header_row, print_setup, state_word

from .handout import UNVERIFIED, change_word, comparison_rows, is_verified, title, to_docx
from .match import main_rubric

__all__ = ["to_html", "to_xlsx", "to_docx", "weight_rows"]

KIND_LABELS = {"one_to_one": "一对一", "split": "拆分", "merge": "合并", "many_to_many": "多对多"}
CHANGE_LABELS = {"text": "文字", "points": "分值", "parent": "上级", "numbers": "量化要求"}
NUMBER_LABELS = {"percent": "比例", "time_limit": "时限", "deadline": "期限", "count": "数量", "docnum": "文号",
                 "number": "数字"}
DIRECTION_LABELS = {"stricter": "更严格", "looser": "更宽松", "changed": "变化", "added": "新增", "removed": "删除"}
STATUS_LABELS = {"continued": "保留", "renamed": "更名", "new": "新增", "dropped": "取消"}


def _pts(p) -> str:
    return dec_str(p) if p is not None else ""


def _index(cat: Catalogue) -> dict[str, Indicator]:
    return {i.id: i for i in main_rubric(cat).walk()}


def _area(ident: str, index: dict[str, Indicator]) -> Indicator | None:
    return index.get(ident.split(".")[0])


def weight_rows(cw: Crosswalk) -> list[dict]:
    """First-level areas old -> new with their points: continued/renamed pairs, then new and dropped ones."""
    rows = []
    firsts = [a for a in cw.areas if a.level == 1]
    for a in (a for a in firsts if a.side == "old"):
        if a.status in ("continued", "renamed"):
            delta = ((a.counterpart_points - a.points)
                     if a.points is not None and a.counterpart_points is not None else None)
            rows.append({"old_id": a.id, "old_title": a.title, "old_points": _pts(a.points), "new_id": a.counterpart,
                         "new_title": a.counterpart_title, "new_points": _pts(a.counterpart_points),
                         "delta": ("+" if delta and delta > 0 else "") + _pts(delta) if delta is not None else "",
                         "css": "up" if delta and delta > 0 else "down" if delta and delta < 0 else "",
                         "status": STATUS_LABELS[a.status]})
        else:
            rows.append({"old_id": a.id, "old_title": a.title, "old_points": _pts(a.points), "new_id": "",
                         "new_title": "", "new_points": "", "delta": "-" + _pts(a.points) if a.points else "",
                         "css": "down", "status": STATUS_LABELS[a.status]})
    for a in (a for a in firsts if a.side == "new" and a.status == "new"):
        rows.append({"old_id": "", "old_title": "", "old_points": "", "new_id": a.id, "new_title": a.title,
                     "new_points": _pts(a.points), "delta": "+" + _pts(a.points) if a.points else "", "css": "up",
                     "status": STATUS_LABELS[a.status]})
    return rows


def to_html(cw: Crosswalk, old_cat: Catalogue, new_cat: Catalogue) -> str:
    """The crosswalk as one self-contained HTML page, grouped by the new first-level areas; text escaped."""
    from jinja2 import Environment

    old_index, new_index = _index(old_cat), _index(new_cat)
    groups: dict[str, dict] = {}
    for top in main_rubric(new_cat).indicators:
        groups[top.id] = {"title": top.label(""), "points": top.points, "rows": []}
    for link in cw.links:
        area = link.new[0].split(".")[0]
        group = groups.setdefault(area, {"title": area, "points": None, "rows": []})
        group["rows"].append({
            "old_ids": "、".join(link.old), "new_ids": "、".join(link.new), "ops": link.evidence.text_diff,
            "old_points": _pts(link.evidence.old_points), "new_points": _pts(link.evidence.new_points),
            "kind": link.kind, "kind_label": change_word(link),
            "changes": [CHANGE_LABELS[c] for c in link.changes],
            "numbers": [{"label": f"{NUMBER_LABELS[n.kind]}{DIRECTION_LABELS[n.direction]}", "old": n.old,
                         "new": n.new, "direction": n.direction} for n in link.evidence.numbers],
        })

    def rows(ids, index):
        out = []
        for ident in ids:
            ind = index.get(ident)
            area = _area(ident, index)
            out.append({"id": ident, "text": ind.text if ind else "", "points": _pts(ind.points) if ind else "",
                        "area": area.label("") if area else ""})
        return out

    kinds: dict[str, int] = defaultdict(int)
    for link in cw.links:
        kinds[link.kind] += 1
    numbers = [n for link in cw.links for n in link.evidence.numbers]
    template = resources.files("zhibiao.diff").joinpath("templates/crosswalk.html").read_text(encoding="utf-8")
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals["pts"] = _pts
    return env.from_string(template).render(
        old=cw.old, new=cw.new, links=cw.links, removed=cw.removed, added=cw.added, kinds=kinds,
        stricter=sum(1 for n in numbers if n.direction == "stricter"),
        looser=sum(1 for n in numbers if n.direction == "looser"),
        new_areas=[a for a in cw.areas if a.level == 1 and a.side == "new" and a.status == "new"],
        dropped_areas=[a for a in cw.areas if a.level == 1 and a.side == "old" and a.status == "dropped"],
        weights=weight_rows(cw), groups=[g for g in groups.values() if g["rows"]],
        added_rows=rows(cw.added, new_index), removed_rows=rows(cw.removed, old_index))


def _chinese_sheets(wb, cw: Crosswalk, old_cat: Catalogue, new_cat: Catalogue) -> None:
    """新旧对照表 (the DOCX's rows, one column per field) and 一级指标分值变化, headers and values in Chinese."""
    from openpyxl.styles import Alignment, Font

    old_index, new_index = _index(old_cat), _index(new_cat)
    mark = "" if is_verified(cw) else f"（{UNVERIFIED}）"
    ws = wb.active
    ws.title = "新旧对照表"
    append_row(ws, [title(cw) + mark])
    ws["A1"].font = Font(bold=True, size=14)
    header_row(ws, ["序号", "原编号", "原条目", "原分值", "现编号", "现条目", "现分值", "变化", "变化说明", "相似度"])

    def text(ids, index):
        return "\n".join(index[i].text for i in ids if i in index)

    def points(ids, index):
        values = [index[i].points for i in ids if i in index]
        return sum(values, Decimal(0)) if values and None not in values else None

    for k, row in enumerate(comparison_rows(cw, old_cat, new_cat), 1):
        append_row(ws, [k, "、".join(row.old), text(row.old, old_index), points(row.old, old_index), "、".join(row.new),
                   text(row.new, new_index), points(row.new, new_index), row.word, "；".join(row.notes),
                   row.link.score if row.link else None])
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:J{ws.max_row}"
    for col, width in zip("ABCDEFGHIJ", (6, 10, 50, 7, 10, 50, 7, 9, 36, 7)):
        ws.column_dimensions[col].width = width
    for cells in ws.iter_rows(min_row=3):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    # 未核实 stands in the centre of every printed header (to_xlsx); a verified table says so on the right
    print_setup(ws, title_rows=2, state=state_word(True) if is_verified(cw) else None)
    sheet = wb.create_sheet("一级指标分值变化")
    append_row(sheet, [f"一级指标分值变化{mark}"])
    sheet["A1"].font = Font(bold=True, size=14)
    header_row(sheet, ["原编号", "原一级指标", "原分值", "现编号", "现一级指标", "现分值", "分值增减", "状态"])
    for shift in weight_rows(cw):
        append_row(sheet, [shift["old_id"], shift["old_title"], _num(shift["old_points"]), shift["new_id"],
                      shift["new_title"], _num(shift["new_points"]),
                      _num(shift["delta"].lstrip("+")) if shift["delta"] else None, shift["status"]])
    sheet.freeze_panes = "A3"
    for col, width in zip("ABCDEFGH", (8, 36, 8, 8, 36, 8, 9, 8)):
        sheet.column_dimensions[col].width = width
    print_setup(sheet, title_rows=2, state=state_word(True) if is_verified(cw) else None)


def _num(p):
    return Decimal(p) if p not in (None, "") else None


def to_xlsx(cw: Crosswalk, old_cat: Catalogue, new_cat: Catalogue) -> bytes:
    """新旧对照表 and 一级指标分值变化 in Chinese (title row says 未核实 unless verified), then the same as data:
    one row per link (frozen header, filters; ids and kind codes as in the JSON) and the weight shifts."""
    from openpyxl import Workbook

    old_index, new_index = _index(old_cat), _index(new_cat)
    wb = Workbook()
    _chinese_sheets(wb, cw, old_cat, new_cat)
    ws = wb.create_sheet("links")
    append_row(ws, ["old id", "old text", "old points", "new id", "new text", "new points", "kind", "changes", "score",
               "numbers"])

    def text(ids, index):
        return "\n".join(index[i].text for i in ids if i in index)

    num = _num
    for link in cw.links:
        append_row(ws, ["; ".join(link.old), text(link.old, old_index), num(link.evidence.old_points),
                   "; ".join(link.new), text(link.new, new_index), num(link.evidence.new_points), link.kind,
                   ", ".join(link.changes), link.score,
                   "; ".join(f"{n.kind} {n.old or '-'} → {n.new or '-'} ({n.direction})"
                             for n in link.evidence.numbers)])
    for ident in cw.removed:
        ind = old_index.get(ident)
        append_row(ws, [ident, ind.text if ind else "", num(ind.points) if ind else None,
                   "", "", None, "removed", "", None, ""])
    for ident in cw.added:
        ind = new_index.get(ident)
        append_row(ws, ["", "", None, ident, ind.text if ind else "", num(ind.points) if ind else None,
                   "added", "", None, ""])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for col, width in zip("ABCDEFGHIJ", (12, 50, 9, 12, 50, 9, 12, 18, 7, 30)):
        ws.column_dimensions[col].width = width
    sheet = wb.create_sheet("weights")
    append_row(sheet, ["old id", "old first-level", "old points", "new id", "new first-level", "new points", "change",
                  "status"])
    for row in weight_rows(cw):
        append_row(sheet, [row["old_id"], row["old_title"], num(row["old_points"]), row["new_id"], row["new_title"],
                      num(row["new_points"]), num(row["delta"].lstrip("+")) if row["delta"] else None, row["status"]])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    if not is_verified(cw):
        for each in wb.worksheets:
            # openpyxl's stubs allow None; a sheet's HeaderFooter always makes its oddHeader
            assert each.oddHeader is not None
            each.oddHeader.center.text = UNVERIFIED  # on every printed page of every sheet
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
