"""Outputs people hand on: the catalogue's XLSX (指标目录: Chinese header, print setup, 已核实/未核实), the DOCX 附件.

The strong test: the DOCX 附件 of every seed rubric and of the family rubrics, read again by
``zhibiao.pipeline.ingest``, gives the same catalogue — ids, tree, markers, labels, points, kinds, 评分标准,
备注, 责任单位, refs and flags — as the catalogue it was written from. What the 附件 prints differently, said
explicitly: points are always printed in full-width brackets with 分 (``points_unit_missing``,
``points_unbracketed`` and ``points_range`` describe how the notice printed them, so they are not compared),
a number from a 序号 cell is printed as a marker (一 → 一、, 1 → 1.; compared without that mark), and the level
columns' names are compared where the 附件 can print one column per name. Two family rubrics cannot be printed
one row per item: aj01 and fz02 hold a 备注/评分标准 on an indicator whose items are printed in the same cell (the
reader gives a row's side cells to its deepest entry), so they are left out.
"""

from __future__ import annotations

import io
import json

import pytest

from zhibiao.attachment import level_headers
from zhibiao.export import to_docx, to_xlsx
from zhibiao.model import Catalogue
from zhibiao.pipeline import ingest
from zhibiao.signature import signed

from conftest import CORPUS, FAMILIES, SEED_2019, SEED_2023, run_cli
from golden_compare import catalogue_view, compare

SEEDS = ["000_1c204f1614fc8d36", "001_5886f06ed561739e", "003_fbbff5f31bb9ffc0", "004_46f67c8260b90ac6"]
FAMILY_IDS = ["aj02_xuke_anjuan", "aq01_anquan_shengchan", "aq02_xiangzhen_anquan", "fz01_fazhi_shifan",
              "jt01_jiaotong_pingyi", "jt02_jiaotong_zhifa", "jx01_bumen_zhengti", "jx02_xiangmu_zhichu",
              "pa01_pingan_jianshe", "pa02_zongzhi_gongzuo", "pf01_bawu_pufa", "pf02_pufa_zerenzhi",
              "yf01_yifa_xingzheng", "yf02_xiangzhen_fazhi"]
AS_PRINTED = {"points_unit_missing", "points_unbracketed", "points_range"}  # how the notice printed its points


@pytest.fixture(autouse=True)
def data_directory(tmp_path, monkeypatch):
    """A data directory of the test's own, holding the store's signing key (zhibiao/signature.py)."""
    monkeypatch.setenv("ZHIBIAO_DATA", str(tmp_path / "data"))


@pytest.fixture(scope="module")
def seed_2023() -> Catalogue:
    return ingest(SEED_2023)


def _verified(cat: Catalogue) -> Catalogue:
    data = json.loads(cat.model_dump_json())
    data["verification"] = {"verified": True, "by": "审核员", "at": "2023-10-08T09:30:00", "indicators": []}
    return signed(Catalogue.model_validate(data))


# --- CSV -------------------------------------------------------------------------------------


def test_csv_is_in_chinese(seed_2023):
    """The CSV export's header was English (rubric,id,path,level …; issue 12): it is the 指标目录 sheet's
    header and values as an office writes them — kinds and flags in words, no English column name."""
    import csv

    from zhibiao.export import CN_COLUMNS, to_csv

    rows = list(csv.reader(io.StringIO(to_csv(seed_2023))))
    assert rows[0] == CN_COLUMNS and len(rows) == 1 + seed_2023.size()
    assert not [name for name in rows[0] if name.isascii()]
    by_id = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert by_id["1"]["层级"] == "1" and by_id["1.5.16"]["上级指标"] == "(五)定案证据"
    words = {r["类型"] for r in by_id.values()} | {w for r in by_id.values() for w in r["核对提示"].split("；") if w}
    assert words and all(not w.isascii() for w in words)  # label_missing, scored … are not shown


def test_csv_of_several_rubrics_names_each(seed_2023):
    """Several rubrics repeat the same 编号: the CSV then says which rubric each row is of, first."""
    import csv

    from zhibiao.export import CN_COLUMNS, RUBRIC_COLUMN, to_csv

    first = seed_2023.rubrics[0]
    two = seed_2023.model_copy(update={"rubrics": [first, first.model_copy(update={"title": None})]})
    rows = list(csv.reader(io.StringIO(to_csv(two))))
    assert rows[0] == [RUBRIC_COLUMN, *CN_COLUMNS]
    names = [r[0] for r in rows[1:]]
    assert names.count(first.title) == first.size() and names.count("第2个指标体系") == first.size()


# --- XLSX ------------------------------------------------------------------------------------


def _workbook(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def test_xlsx_catalogue_sheet_for_people(seed_2023):
    wb = _workbook(to_xlsx(seed_2023))
    assert wb.sheetnames == ["指标目录", "indicators"]
    ws = wb["指标目录"]
    assert ws["A1"].value == "陕西省行政执法质量考评指标体系（2023年版）（未核实）"
    assert ws["A1"].font.bold and ws["A2"].value.startswith("状态：未核实")
    assert "靖政司函〔2023〕59号" in ws["A3"].value
    header = [c.value for c in ws[4]]
    assert header[:6] == ["编号", "层级", "上级指标", "序号", "指标内容", "分值"] and "评分标准" in header
    assert all(c.font.bold for c in ws[4]) and ws.freeze_panes == "A5"
    rows = {r[0]: r for r in ws.iter_rows(min_row=5, values_only=True)}
    assert len(rows) == 9 + 35 + 187 + 18
    assert rows["1.5.16"][2] == "(五)定案证据" and str(rows["8.5.185"][5]) == "0.3"
    assert rows["7.2"][4] == "（原文未印出）" and "分值由下级指标合计得出" in rows["7.2"][11]
    assert ws.cell(row=20, column=5).alignment.wrap_text
    # widths fit: the text column is wide (and capped), the level column narrow
    assert 40 <= ws.column_dimensions["E"].width <= 62 and ws.column_dimensions["B"].width <= 8
    # print setup: A4 landscape, one page wide, title and header rows on every page, the state in the page header
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$4"
    assert ws.oddHeader.right.text == "未核实"
    # the sheet for scripts keeps its columns
    assert [c.value for c in wb["indicators"][1]][:4] == ["rubric", "id", "path", "level"]


def test_xlsx_says_verified_only_with_the_signature(seed_2023):
    verified = _verified(seed_2023)
    ws = _workbook(to_xlsx(verified))["指标目录"]
    assert ws["A1"].value.endswith("（已核实）")
    assert ws["A2"].value == "状态：已核实（核实人：审核员，核实时间：2023-10-08）"
    assert ws.oddHeader.right.text == "已核实"
    tampered = verified.model_copy(update={"rubrics": []})  # edited after signing: the signature no longer holds
    assert _workbook(to_xlsx(tampered))["指标目录"]["A2"].value.startswith("状态：未核实")


def test_xlsx_text_cells_stay_text(seed_2023):
    data = json.loads(seed_2023.model_dump_json())
    data["rubrics"][0]["indicators"][0]["text"] = "=HYPERLINK(\"http://x\")"
    ws = _workbook(to_xlsx(Catalogue.model_validate(data)))["指标目录"]
    cell = ws.cell(row=5, column=5)
    assert cell.value.startswith("'=") and cell.data_type == "s"


# --- DOCX 附件 -------------------------------------------------------------------------------


def _view(cat: Catalogue) -> dict:
    view = catalogue_view(cat)
    for rubric in view["rubrics"]:
        for ind in rubric["indicators"]:
            ind["flags"] = [f for f in ind["flags"] if f not in AS_PRINTED]
            if ind["marker"]:
                ind["marker"] = ind["marker"].rstrip("、.．")
    return view


def _round_trip(source: Catalogue, tmp_path, name: str) -> list[str]:
    path = tmp_path / f"{name}.docx"
    path.write_bytes(to_docx(source))
    again = ingest(path)
    want, got = _view(source), _view(again)
    got["document"] = want["document"]  # the 附件 is the rubric alone, without the notice around it
    got["regulations"] = want["regulations"]
    for w, g, rubric in zip(want["rubrics"], got["rubrics"], source.rubrics):
        if level_headers(rubric) != rubric.level_names:
            g["level_names"] = w["level_names"]  # printed as 一级指标 … (one column per level)
    return compare(want, got, findings=False)


@pytest.mark.parametrize("cid", SEEDS)
def test_docx_attachment_reads_back_as_the_same_catalogue_seed(cid, tmp_path):
    assert _round_trip(ingest(CORPUS / f"{cid}.txt"), tmp_path, cid) == []


@pytest.mark.parametrize("fid", FAMILY_IDS)
def test_docx_attachment_reads_back_as_the_same_catalogue_family(fid, tmp_path):
    source = ingest(FAMILIES / fid / f"{fid}.docx")
    assert _round_trip(source, tmp_path, fid) == []


def test_docx_attachment_layout(seed_2023):
    from docx import Document

    doc = Document(io.BytesIO(to_docx(seed_2023)))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == ["附件", "陕西省行政执法质量考评指标体系（2023年版）"]
    assert "未核实" in doc.sections[0].header.paragraphs[0].text
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["一级指标", "二级指标", "三级指标"]
    assert table.rows[0]._tr.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
    rubric = seed_2023.rubrics[0]
    row = 1
    for top in rubric.indicators:
        n = len(list(top.leaves()))
        first = table.cell(row, 0)
        # the first-level label cell spans the rows of all its items (one merged cell, vMerge)
        assert all(table.cell(r, 0)._tc is first._tc for r in range(row, row + n))
        assert row + n >= len(table.rows) or table.cell(row + n, 0)._tc is not first._tc
        assert first.text.startswith(top.marker) and first.text.endswith(f"（{top.points}分）")
        row += n
    assert row == len(table.rows)
    # the unprinted labels 7.2 and 7.3 are empty merged cells; points computed from the items are not printed
    second = [table.cell(r, 1) for r in range(1, len(table.rows))]
    assert sum(1 for c in {id(c._tc): c for c in second}.values() if c.text == "") == 2
    leaf_row = {leaf.id: r for r, leaf in enumerate(rubric.leaves(), start=1)}
    for ident in ("7.2", "7.3"):
        cell = table.cell(leaf_row[f"{ident}.{rubric_first_child(rubric, ident)}"], 1)
        assert cell.text == ""
    assert any("（国办发〔2023〕27号，1分）" in table.cell(r, 2).text for r in range(1, len(table.rows)))


def rubric_first_child(rubric, ident: str) -> str:
    return next(i for i in rubric.walk() if i.id == ident).children[0].id.rsplit(".", 1)[1]


def test_docx_attachment_verified_has_no_warning(seed_2023):
    from docx import Document

    doc = Document(io.BytesIO(to_docx(_verified(seed_2023))))
    assert "未核实" not in doc.sections[0].header.paragraphs[0].text


def test_cli_export_docx(tmp_path, capsys):
    out = tmp_path / "c.json"
    run_cli(["ingest", SEED_2019, "-o", out], capsys)
    code, stdout, _ = run_cli(["export", out, "--format", "docx"], capsys)
    assert code == 0 and (tmp_path / "c.docx").read_bytes().startswith(b"PK")
    again = ingest(tmp_path / "c.docx")
    assert [i.id for i in again.rubrics[0].walk()] == [i.id for i in ingest(SEED_2019).rubrics[0].walk()]


# --- print views -----------------------------------------------------------------------------


def test_print_views_keep_colours():
    """The app's pages print through print.css (controls left out, highlights in colour); the crosswalk report
    carries its own print rules and repeats its table headers on every page."""
    from conftest import ROOT

    base = (ROOT / "zhibiao/web/templates/base.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="/static/print.css" media="print">' in base
    css = (ROOT / "zhibiao/web/static/print.css").read_text(encoding="utf-8")
    assert "print-color-adjust: exact" in css and "size: A4" in css and "header.top" in css
    from zhibiao.diff import crosswalk
    from zhibiao.diff.report import to_html

    cat = ingest(SEED_2019)
    page = to_html(crosswalk(cat, cat), cat, cat)
    assert "print-color-adjust: exact" in page and "@media print" in page
    assert page.count("<thead>") >= 3 and "thead { display: table-header-group; }" in page
