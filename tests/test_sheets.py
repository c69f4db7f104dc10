"""Filled-in score sheets (zhibiao/sheets.py, `zhibiao score CATALOGUE SHEET|DIR/`).

The sheets are made by tests/sheets_make.py from the family rubric pf02 (普法责任制落实情况考核表: 5 areas of 15, 25,
20, 25 and 15 points, 14 second-level labels without clause numbers, 42 items numbered 1.–42. across the areas,
100 points) as a unit returns it: one column per level (labels merged down over their items), 分值, 自评得分,
扣分原因, a 小计 row under each area and a 合计 row, as XLSX (merged ranges), DOCX (merged cells), PDF (ruled,
over two pages) and HTML (rowspan); one scan of such a PDF (tests/data/sheets/pf02_scan.pdf) is read by OCR.

The fill (FILL), worked out by hand: full points except
  1.1.1  1.5 of 2   (未明确第一责任人)          1.2.5  1.5 of 2   (逾期报送)
  2.2.13 1 of 2                                  3.2.22 3 of 4     (合格率未达100%)
  4.3.34 1 of 2                                  4.2.30 不适用 (4)   5.2.39 — (4)
applicable 100 - 8 = 92; awarded 92 - 0.5 - 0.5 - 1 - 1 - 1 = 88; 88 / 92 = 0.95652… → 0.9565.
Areas: 1 组织领导 14 / 15 = 0.9333; 2 普法责任落实 24 / 25 = 0.9600; 3 系统内学法用法 19 / 20 = 0.9500;
4 社会普法 20 / 21 = 0.95238… → 0.9524; 5 普法成效 11 / 11 = 1.0000.

The edits of the main test: item 8 (2.1.8) retyped and shortened without its number; items 33 and 34 (4.3) swapped;
items 3 and 4 (1.2) swapped and both printed without their numbers; area 3's 小计 written as 20 (its items give 19).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import sheets_make as sm

from zhibiao.errors import InvalidAssessment
from zhibiao.findings import render_zh
from zhibiao.model import Catalogue, dec_str
from zhibiao.pipeline import ingest
from zhibiao.scoring import scorable_leaves, score
from zhibiao.sheets import read_sheet, similarity
from zhibiao.signature import signed

from conftest import ROOT, run_cli as run

FAMILY = ROOT / "corpus" / "families" / "pf02_pufa_zerenzhi" / "pf02_pufa_zerenzhi.docx"
FORMATS = ["xlsx", "docx", "pdf", "html"]

DEDUCTED = {"1.1.1": "1.5", "1.2.5": "1.5", "2.2.13": "1", "3.2.22": "3", "4.3.34": "1", "4.2.30": "不适用",
            "5.2.39": "—"}
REMARKS = {"1.1.1": "未明确第一责任人", "1.2.5": "逾期报送", "3.2.22": "合格率未达100%"}
AREAS = {"1": ("14", "15", "0.9333"), "2": ("24", "25", "0.9600"), "3": ("19", "20", "0.9500"),
         "4": ("20", "21", "0.9524"), "5": ("11", "11", "1.0000")}


@pytest.fixture(scope="module")
def rubric():
    return ingest(FAMILY).main_rubric()


@pytest.fixture(scope="module")
def leaves(rubric):
    return scorable_leaves(rubric, "pf02")


@pytest.fixture(scope="module")
def data_directory(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZHIBIAO_DATA", str(tmp_path_factory.mktemp("data")))
        yield


@pytest.fixture(scope="module")
def verified(tmp_path_factory, data_directory):
    """pf02's catalogue, verified and signed as the store exports it."""
    cat = ingest(FAMILY)
    data = json.loads(cat.model_dump_json())
    data["verification"] = {"verified": True, "by": "审核员", "at": "2025-01-05T09:00:00",
                            "indicators": [i.id for i in cat.main_rubric().walk()]}
    path = tmp_path_factory.mktemp("cat") / "pf02.json"
    path.write_text(signed(Catalogue.model_validate(data)).model_dump_json(), encoding="utf-8")
    return path


def fill(leaves, changes=DEDUCTED) -> dict[str, str]:
    return {i: changes.get(i, dec_str(leaf.points)) for i, leaf in leaves.items()}


def edited(rubric, leaves, **kw) -> sm.Sheet:
    """The main test's sheet: FILL, with the edits the module docstring lists."""
    sheet = sm.sheet_of(rubric, fill(leaves), remarks=REMARKS, subtotals=True, **kw)
    text = leaves["2.1.8"].text
    sm.retype(sheet, "2.1.8", text.replace("本单位", "我局")[: int(len(text) * 0.7)])
    sm.swap(sheet, "4.3.33", "4.3.34")
    sm.retype(sheet, "1.2.3", leaves["1.2.3"].text)
    sm.retype(sheet, "1.2.4", leaves["1.2.4"].text)
    sm.swap(sheet, "1.2.3", "1.2.4")
    sm.set_value(sheet, "3", "20", kind="subtotal")
    return sheet


def test_the_edits_are_what_the_docstring_says(rubric, leaves):
    """The generator's own check: the sheet holds the rows the expected figures are worked out from."""
    sheet = edited(rubric, leaves)
    items = [r for r in sheet.rows if r.kind == "item"]
    assert len(items) == 42 and len(leaves) == 42
    assert [r.id for r in items if r.id.startswith("1.2.")] == ["1.2.4", "1.2.3", "1.2.5"]
    assert [r.id for r in items if r.id.startswith("4.3.")] == ["4.3.34", "4.3.33", "4.3.35", "4.3.36"]
    assert sum(Decimal(leaf.points) for leaf in leaves.values()) == 100
    assert sum(leaves[i].points for i in ("4.2.30", "5.2.39")) == 8


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_edited_sheet_scores_exactly(fmt, rubric, leaves, tmp_path):
    path = sm.WRITERS[fmt](edited(rubric, leaves), tmp_path / f"sheet.{fmt}")
    a = read_sheet(path, rubric, leaves)
    assert a.unit == "某县司法局"
    assert a.awards["4.3.34"] == Decimal("1") and a.awards["4.3.33"] == Decimal("2")  # swapped rows, by number
    assert a.awards["4.2.30"] is None and a.awards["5.2.39"] is None
    assert a.awards["1.1.1"] == Decimal("1.5")
    how = {r.id: r.how for r in a.rows}
    assert how["2.1.8"] == "text" and how["1.2.3"] == "text" and how["1.2.4"] == "text"
    assert how["4.3.33"] == how["4.3.34"] == how["1.1.1"] == "number"
    rows = {r.id: r.row for r in a.rows}
    assert rows["1.2.4"] < rows["1.2.3"]  # the swapped, unnumbered rows went to their own items
    s = score(rubric, a)
    assert (s.total.awarded, s.total.applicable, s.total.completion) == (Decimal(88), Decimal(92), Decimal("0.9565"))
    got = {t.id: (dec_str(t.awarded), dec_str(t.applicable), str(t.completion)) for t in s.levels if t.level == 1}
    assert got == AREAS
    assert a.remarks == REMARKS
    assert s.remarks["1.1.1"] == (Decimal("1.5"), "未明确第一责任人")
    problems = [f for f in a.findings if f.severity != "info"]
    assert [(f.code, f.indicator, f.params["stated"], f.params["items"]) for f in problems] == [
        ("sheet_subtotal_mismatch", "3", "20", "19")]
    assert "小计为 20 分" in render_zh(problems[0]) and "合计为 19 分" in render_zh(problems[0])
    retyped = {f.indicator for f in a.findings if f.code == "sheet_row_retyped"}
    assert "2.1.8" in retyped


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_value_over_the_points_a_negative_one_and_a_stray_row_are_errors(fmt, rubric, leaves, tmp_path):
    sheet = sm.sheet_of(rubric, fill(leaves))
    sm.set_value(sheet, "1.3.6", "3")  # of 2 points
    sm.set_value(sheet, "3.3.25", "-1")
    area5 = sheet.rows[sm.find(sheet, "5.3.42")]
    sheet.rows.insert(sm.find(sheet, "5.3.42") + 1,
                      sm.Row(list(area5.parents), "开展机关食堂节约粮食专项检查活动", "2", "2"))
    path = sm.WRITERS[fmt](sheet, tmp_path / f"bad.{fmt}")
    with pytest.raises(InvalidAssessment) as err:
        read_sheet(path, rubric, leaves)
    text = str(err.value)
    assert text.startswith(str(path))
    assert "3 problem(s)" in text
    assert "普法工作经费列入本单位年度预算" in text and "得分 3 is more than the item's 2 points (1.3.6)" in text
    assert "得分 -1 is negative" in text and "重大行政决策经合法性审查" in text
    assert "开展机关食堂节约粮食专项检查活动" in text and "matches no leaf indicator" in text


def test_a_deleted_row_is_reported_missing(rubric, leaves, tmp_path):
    sheet = sm.sheet_of(rubric, fill(leaves))
    sm.delete(sheet, "3.3.26")
    path = sm.xlsx(sheet, tmp_path / "deleted.xlsx")
    with pytest.raises(InvalidAssessment) as err:
        read_sheet(path, rubric, leaves)
    text = str(err.value)
    assert "1 problem(s)" in text
    assert "1 leaf indicator(s) no row of the sheet matches" in text and "3.3.26 26.行政规范性文件" in text


def test_a_wrong_total_row_is_a_finding_showing_both(rubric, leaves, tmp_path):
    sheet = sm.sheet_of(rubric, fill(leaves))
    sheet.rows[-1].value = "90"  # the 合计 row; the items give 88
    a = read_sheet(sm.docx(sheet, tmp_path / "total.docx"), rubric, leaves)
    [f] = [f for f in a.findings if f.severity != "info"]
    assert (f.code, f.params["stated"], f.params["items"]) == ("sheet_total_mismatch", "90", "88")
    assert score(rubric, a).total.awarded == Decimal(88)  # the items count, not what the sheet added up


def test_unit_from_the_title_else_the_file_name_and_tier_from_a_line(rubric, leaves, tmp_path):
    sheet = sm.sheet_of(rubric, fill(leaves, {}), unit="县交通运输局")
    sheet.lines = ["单位层级：市县区"]
    a = read_sheet(sm.xlsx(sheet, tmp_path / "a.xlsx"), rubric, leaves)
    assert (a.unit, a.tier) == ("县交通运输局", "市县区")
    sheet.title, sheet.lines = "2024年度普法责任制考核自评表", []
    a = read_sheet(sm.xlsx(sheet, tmp_path / "县医疗保障局.xlsx"), rubric, leaves)
    assert (a.unit, a.tier) == ("县医疗保障局", None)
    assert score(rubric, a).total.completion == Decimal(1)


def test_the_assessors_column_and_header_words(rubric, leaves, tmp_path):
    """考核得分 beside 自评得分: the assessor's column counts (the unit gave itself full points)."""
    path = tmp_path / "two.xlsx"
    from openpyxl import load_workbook

    sm.xlsx(sm.sheet_of(rubric, fill(leaves, {"1.1.1": "0"}), score_header="考核得分", total=False), path)
    wb = load_workbook(path)
    ws = wb.active
    head = next(r for r in range(1, 6) if ws.cell(row=r, column=5).value == "考核得分")
    ws.insert_cols(5)
    ws.cell(row=head, column=5, value="自评得分")
    for r in range(head + 1, ws.max_row + 1):
        ws.cell(row=r, column=5, value=ws.cell(row=r, column=4).value)  # the unit gave itself full points
    wb.save(path)
    a = read_sheet(path, rubric, leaves)
    assert a.awards["1.1.1"] == Decimal(0)
    assert score(rubric, a).total.awarded == Decimal(98)


def test_similarity_is_symmetric_enough_and_bounded():
    assert similarity("组织领导", "组织领导") == 100
    assert similarity("", "组织领导") == 0
    assert 0 <= similarity("成立领导小组", "制定年度计划") < 60


# --- the command -----------------------------------------------------------------------------------


def test_cli_scores_a_sheet_and_prints_what_it_found(verified, rubric, leaves, tmp_path, capsys):
    path = sm.pdf(edited(rubric, leaves), tmp_path / "某县司法局.pdf")
    code, out, err = run(["score", verified, path], capsys)
    assert code == 0, err
    assert "完成度 95.65% ≥ 90% → 达标" in out
    assert "sheet: unit 某县司法局" in out and "sheet_subtotal_mismatch" in out
    assert "1.1.1: 未明确第一责任人" in out
    code, out, _ = run(["score", verified, path, "--json"], capsys)
    data = json.loads(out)
    assert data["total"] == {"awarded": "88", "applicable": "92", "completion": "0.9565", "target": "0.9",
                             "meets_target": True}
    assert data["sheet"]["unit"] == "某县司法局" and len(data["sheet"]["rows"]) == 42


def test_cli_refuses_a_bad_sheet_with_exit_6(verified, rubric, leaves, tmp_path, capsys):
    sheet = sm.sheet_of(rubric, fill(leaves))
    sm.set_value(sheet, "2.3.15", "4")
    path = sm.docx(sheet, tmp_path / "bad.docx")
    code, out, err = run(["score", verified, path], capsys)
    assert code == 6 and out == ""
    assert str(path) in err and "row " in err and "涉及本部门职责的法律法规规章" in err
    assert "Traceback" not in err


def test_cli_cohort_of_sheets_and_a_csv_with_tiers_and_remarks(verified, rubric, leaves, tmp_path, capsys):
    folder = tmp_path / "units"
    folder.mkdir()
    sm.xlsx(edited(rubric, leaves, unit="县司法局"), folder / "a.xlsx")
    full = sm.sheet_of(rubric, fill(leaves, {}), unit="县财政局")
    full.lines.append("单位层级：乡镇")
    sm.docx(full, folder / "b.docx")
    low = fill(leaves, {i: "0" for i in leaves if i.startswith(("1.", "2."))})  # areas 1 and 2 zero: 60 / 100
    sm.pdf(sm.sheet_of(rubric, low, unit="县统计局", remarks={"1.1.1": "未成立领导小组"}), folder / "c.pdf")
    (folder / "县审计局.csv").write_text("id,awarded\n" + "".join(f"{i},{dec_str(leaf.points)}\n"
                                                                  for i, leaf in leaves.items()), encoding="utf-8")
    tiers = tmp_path / "tiers.csv"
    tiers.write_text("单位,层级\n县司法局,市县区\n县统计局,市县区\n县审计局,乡镇\n", encoding="utf-8")
    out_csv = tmp_path / "report.csv"
    code, out, err = run(["score", verified, folder, "--tiers", tiers, "-o", out_csv], capsys)
    assert code == 0, err
    assert "sheet_subtotal_mismatch" in out and "县司法局" in out
    raw = out_csv.read_bytes().decode("utf-8-sig")
    ranking = raw.split("[单位排名]\n", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert [r.split(",")[1:5] for r in ranking] == [["县审计局", "100", "100", "1.0000"],
                                                  ["县财政局", "100", "100", "1.0000"],
                                                  ["县司法局", "88", "92", "0.9565"],
                                                  ["县统计局", "60", "100", "0.6000"]]
    remarks = raw.split("[扣分说明]\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert remarks[0] == "单位,编号,指标,分值,得分,扣分原因及说明"
    assert "县司法局,1.2.5,5.制定本单位年度普法工作计划，并于3月底前报市普法办,2,1.5,逾期报送" in remarks
    assert "县统计局,1.1.1," in raw and ",2,0,未成立领导小组" in raw
    checks = raw.split("[表内核对]\n", 1)[1].splitlines()
    assert len(checks) == 2 and checks[1].startswith("县司法局,表内小计与明细不符,")
    tiers_section = raw.split("[层级统计]\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [r.split(",")[:2] for r in tiers_section[1:]] == [["市县区", "2"], ["乡镇", "2"]]
    out_xlsx = tmp_path / "report.xlsx"
    code, _, err = run(["score", verified, folder, "--tiers", tiers, "-o", out_xlsx], capsys)
    assert code == 0, err
    from openpyxl import load_workbook

    wb = load_workbook(out_xlsx)
    assert "扣分说明" in wb.sheetnames and "表内核对" in wb.sheetnames
    texts = [c.value for row in wb["扣分说明"].iter_rows() for c in row]
    assert "逾期报送" in texts and "未成立领导小组" in texts


def test_cli_cohort_names_every_bad_sheet_and_scores_nothing(verified, rubric, leaves, tmp_path, capsys):
    folder = tmp_path / "units"
    folder.mkdir()
    sm.xlsx(sm.sheet_of(rubric, fill(leaves, {}), unit="县司法局"), folder / "a.xlsx")
    bad = sm.sheet_of(rubric, fill(leaves, {}), unit="县财政局")
    sm.delete(bad, "1.1.2")
    sm.xlsx(bad, folder / "b.xlsx")
    sm.xlsx(sm.sheet_of(rubric, fill(leaves, {}), unit="县司法局"), folder / "c.xlsx")  # the same unit again
    code, out, err = run(["score", verified, folder], capsys)
    assert code == 6 and out == ""
    assert "2 of 3 file(s) invalid, nothing scored" in err
    assert "b.xlsx" in err and "1.1.2" in err
    assert "c.xlsx: names the unit '县司法局', as" in err


# --- other forms: band rows, a 序号 column, a rubric without clause numbers -------------------------

JX01 = ROOT / "corpus" / "families" / "jx01_bumen_zhengti" / "jx01_bumen_zhengti.docx"


@pytest.mark.parametrize("fmt", FORMATS)
def test_band_rows_and_unnumbered_items_align_by_text(fmt, tmp_path):
    """jx01 (部门整体支出绩效评价: 4 areas of 15, 35, 25, 25 points, 35 items, no clause numbers anywhere) with each
    area a row across the table (决策（15分）). Fill: full points except 1.1.1 绩效目标合理性 2 of 3, 2.1.1 预算执行率
    4.5 of 5, 2.1.4 资金支付进度 不适用 (2). applicable 98, awarded 98 - 1 - 0.5 = 96.5; 96.5 / 98 = 0.98469… →
    0.9847. Areas: 决策 14 / 15 = 0.9333, 过程 32.5 / 33 = 0.98484… → 0.9848, 产出 25 / 25, 效益 25 / 25.
    Edits: 1.1.1 and 1.1.2 swapped, 1.2.2 retyped 内部控制制度有效性."""
    rubric = ingest(JX01).main_rubric()
    leaves = scorable_leaves(rubric, "jx01")
    values = fill(leaves, {"1.1.1": "2", "2.1.1": "4.5", "2.1.4": "不适用"})
    sheet = sm.sheet_of(rubric, values, bands=True, subtotals=True, unit="某市财政局")
    sm.swap(sheet, "1.1.1", "1.1.2")
    sm.retype(sheet, "1.2.2", "内部控制制度有效性")
    a = read_sheet(sm.WRITERS[fmt](sheet, tmp_path / f"jx01.{fmt}"), rubric, leaves)
    assert a.awards["1.1.1"] == Decimal(2) and a.awards["1.1.2"] == Decimal(3)
    assert {r.how for r in a.rows} == {"text"}
    s = score(rubric, a)
    assert (s.total.awarded, s.total.applicable, s.total.completion) == (Decimal("96.5"), Decimal(98),
                                                                         Decimal("0.9847"))
    assert [(dec_str(t.awarded), dec_str(t.applicable), str(t.completion)) for t in s.levels if t.level == 1] == [
        ("14", "15", "0.9333"), ("32.5", "33", "0.9848"), ("25", "25", "1.0000"), ("25", "25", "1.0000")]
    assert [f for f in a.findings if f.severity != "info"] == []  # every 小计 and the 合计 add up
    assert {f.indicator for f in a.findings if f.code == "sheet_row_retyped"} == {"1.2.2"}


def test_a_numbers_column_and_a_row_moved_to_another_area(rubric, leaves, tmp_path):
    """pf02 with a 序号 column and band rows; item 8 (2.1.8, 3 points, given 2) moved up into area 1 under item 1,
    inside the merged cell of 机构设置 (so the sheet puts it under the wrong label)."""
    values = fill(leaves, {"2.1.8": "2"})
    sheet = sm.sheet_of(rubric, values, bands=True, numbered=True)
    moved = sheet.rows.pop(sm.find(sheet, "2.1.8"))
    moved.parents = list(sheet.rows[sm.find(sheet, "1.1.1")].parents)
    sheet.rows.insert(sm.find(sheet, "1.1.1") + 1, moved)
    a = read_sheet(sm.pdf(sheet, tmp_path / "moved.pdf"), rubric, leaves)
    how = {r.id: r.how for r in a.rows}
    assert how["2.1.8"] == "elsewhere" and how["1.1.1"] == how["2.1.9"] == "number"
    s = score(rubric, a)
    assert (s.total.awarded, s.total.applicable) == (Decimal(99), Decimal(100))
    assert {t.id: dec_str(t.awarded) for t in s.levels if t.level == 1} == {"1": "15", "2": "24", "3": "20", "4": "25",
                                                                          "5": "15"}


def test_a_scanned_sheet_is_refused_as_unreadable_and_named_in_a_folder(verified, rubric, leaves, tmp_path, capsys):
    """A scan too coarse for OCR (40 dpi images) is unreadable input (3) alone, and in a folder one bad file."""
    scan = ROOT / "tests" / "data" / "bad_input" / "image_only.pdf"
    code, out, err = run(["score", verified, scan], capsys)
    assert code == 3 and out == "" and "too coarse for OCR" in err
    folder = tmp_path / "units"
    folder.mkdir()
    sm.xlsx(sm.sheet_of(rubric, fill(leaves, {}), unit="县司法局"), folder / "a.xlsx")
    (folder / "b.pdf").write_bytes(scan.read_bytes())
    code, out, err = run(["score", verified, folder], capsys)
    assert code == 6 and "1 of 2 file(s) invalid" in err and "b.pdf" in err and "too coarse for OCR" in err


def test_tier_from_a_column_of_the_sheet(rubric, leaves, tmp_path):
    from openpyxl import load_workbook

    path = sm.xlsx(sm.sheet_of(rubric, fill(leaves, {}), unit="某镇人民政府"), tmp_path / "t.xlsx")
    wb = load_workbook(path)
    ws = wb.active
    head = next(r for r in range(1, 6) if ws.cell(row=r, column=4).value == "分值")
    ws.cell(row=head, column=7, value="层级")
    ws.cell(row=head + 1, column=7, value="乡镇")
    wb.save(path)
    a = read_sheet(path, rubric, leaves)
    assert (a.unit, a.tier) == ("某镇人民政府", "乡镇")
    assert score(rubric, a).total.awarded == Decimal(100)


def test_a_scanned_sheet_is_read_by_ocr_and_scores_exactly(verified, capsys):
    """tests/data/sheets/pf02_scan.pdf (an image-only PDF of a filled-in sheet; README there says how it was made
    and what it holds): OCR gives every value, the swapped rows go to their own items, the wrong 小计 is a finding."""
    scan = ROOT / "tests" / "data" / "sheets" / "pf02_scan.pdf"
    code, out, err = run(["score", verified, scan, "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["total"] == {"awarded": "88", "applicable": "92", "completion": "0.9565", "target": "0.9",
                             "meets_target": True}
    areas = {t["id"]: (t["awarded"], t["applicable"], t["completion"]) for t in data["levels"] if "." not in t["id"]}
    assert areas == AREAS
    sheet = data["sheet"]
    assert sheet["unit"] == "某区司法局" and len(sheet["rows"]) == 42
    rows = {r["id"]: r for r in sheet["rows"]}
    assert rows["4.3.34"]["row"] < rows["4.3.33"]["row"] and rows["4.3.34"]["value"] == "1"
    assert {i: r["remark"] for i, r in rows.items() if r["remark"]} == REMARKS
    problems = [(f["code"], f["indicator"], f["params"]["stated"], f["params"]["items"]) for f in sheet["findings"]
                if f["severity"] != "info"]
    assert problems == [("sheet_subtotal_mismatch", "3", "20", "19")]
