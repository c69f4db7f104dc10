"""Rules found with the held-out families rm01, sj02, xf03, gf04, fy05 (corpus/families), on small cases of their own.

Each test's docstring states the symptom the family showed before the rule; the families themselves are compared with
their goldens in test_families.py.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from zhibiao.normalize.points import is_rule, parse_deduction, single_rule
from zhibiao.pipeline import ingest

from conftest import FAMILIES

NOTICE = ["某某市司法局文件", "某司发〔2024〕99号", "某某市司法局关于开展考核工作的通知", "各区县司法局：",
          "现将考核指标印发给你们，请认真执行。", "附件", "某某市考核指标"]
SIGNATURE = ["某某市司法局", "2024年3月1日"]


def _leaves(cat) -> list[tuple[str, str | None, Decimal | None]]:
    out = []
    for ind in cat.rubrics[0].walk():
        if not ind.children:
            out.append((ind.id, ind.text, ind.points))
    return out


@pytest.mark.parametrize("text, kind, amount, unit, cap, condition", [
    ("未按时办理的，每人次扣一分", "per_unit", "1", "人次", None, "未按时办理的"),
    ("走访记录不全的，扣一分", "fixed", "1", None, None, "走访记录不全的"),
    ("每人扣零点五分，最多扣二分", "per_unit", "0.5", "人", "2", None),
    ("未落实的，扣十五分", "fixed", "15", None, None, "未落实的"),
    ("得二分，否则不得分", "all_or_nothing", "2", None, None, None),
])
def test_rule_amounts_in_chinese_numerals(text, kind, amount, unit, cap, condition):
    """sj02 prints every amount in words (每人次扣一分): all twelve rules came out with deduction null, exit 0."""
    assert is_rule(text) and single_rule(text)
    rule = parse_deduction(text)
    assert rule is not None and rule.text == text
    assert (rule.kind, rule.amount, rule.unit, rule.condition) == (kind, Decimal(amount), unit, condition)
    assert rule.cap == (Decimal(cap) if cap else None)


def test_range_in_chinese_numerals_and_words_that_are_no_amount():
    """A range in words (扣一至三分) is a range; 做得十分扎实 (十分 = very) is no rule at all."""
    rule = parse_deduction("视情况扣一至三分")
    assert rule is not None and (rule.kind, rule.amount, rule.amount_max) == ("range", Decimal(1), Decimal(3))
    assert rule.condition == "视情况"
    assert not is_rule("工作做得十分扎实")
    assert parse_deduction("工作做得十分扎实") is None


def test_measure_word_with_ci():
    """xf03's 每发生1批次扣2分 counted 批 instead of 批次 (人次 and 件次 were known, the other X次 were not)."""
    assert parse_deduction("每发生1批次扣2分").unit == "批次"
    assert parse_deduction("每发生1台次扣1分").unit == "台次"
    assert parse_deduction("每发生1批扣2分").unit == "批"


def test_group_header_of_two_rows_in_a_pipe_copy(tmp_path):
    """gf04's header 考评指标 (over 一级/二级/三级指标) | 分值 | 评分标准 | 责任单位, copied from a web page
    without spans, gave four columns against body rows of six: "no rubric found" (exit 2)."""
    rows = ["考评指标 | 分值 | 评分标准 | 责任单位 |", "一级指标 | 二级指标 | 三级指标 |",
            "平台建设 | 实体平台 | 县级公共法律服务中心建成率 | 30 | 未建成的，每个扣2分 | 各区县司法局 |",
            "乡镇公共法律服务工作站规范化建设情况 | 20 | 每有1个不达标扣0.5分 | 各区县司法局 |",
            "服务供给 | 法律援助 | 法律援助案件质量评查合格率 | 30 | 每有1件不合格扣1分 | 市法律援助中心 |",
            "法律援助值班律师工作站覆盖情况 | 20 |  | 各区县司法局 |",
            "合计 | 100 |  |  |"]
    path = tmp_path / "group_header.pipe.txt"
    path.write_text("\n".join(NOTICE + rows + SIGNATURE) + "\n", encoding="utf-8")
    cat = ingest(path)
    rubric = cat.rubrics[0]
    assert rubric.level_names == ["一级指标", "二级指标", "三级指标"]
    assert _leaves(cat) == [("1.1.1", "县级公共法律服务中心建成率", Decimal(30)),
                            ("1.1.2", "乡镇公共法律服务工作站规范化建设情况", Decimal(20)),
                            ("2.1.1", "法律援助案件质量评查合格率", Decimal(30)),
                            ("2.1.2", "法律援助值班律师工作站覆盖情况", Decimal(20))]
    assert [i.owner for i in rubric.walk() if not i.children] == ["各区县司法局", "各区县司法局", "市法律援助中心",
                                                                  "各区县司法局"]
    assert rubric.stated_total == Decimal(100)


def test_heading_above_the_one_table_of_a_sheet(tmp_path):
    """xf03 as a sheet: 一、信访基础业务 above the header, 二、矛盾纠纷化解 as a band inside the one table: the
    first heading was left out, its groups became first-level indicators (10 of 16 leaves, numbering_gap)."""
    lines = ["一、信访基础业务", "二级指标,三级指标,权重（%）,评分标准",
             "（一）信访事项受理,登记受理,30,未按规定登记的，每件扣1分", ",转送交办,20,",
             "二、矛盾纠纷化解,,,", "二级指标,三级指标,权重（%）,评分标准",
             "（一）源头预防,风险评估,30,", ",排查化解,20,"]
    path = tmp_path / "sheet.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cat = ingest(path)
    top = cat.rubrics[0].indicators
    assert [(i.marker, i.text, i.points) for i in top] == [("一、", "信访基础业务", Decimal(50)),
                                                           ("二、", "矛盾纠纷化解", Decimal(50))]
    assert _leaves(cat) == [("1.1.1", "登记受理", Decimal(30)), ("1.1.2", "转送交办", Decimal(20)),
                            ("2.1.1", "风险评估", Decimal(30)), ("2.1.2", "排查化解", Decimal(20))]


def test_two_column_header_glued_to_a_heading_in_a_cell_a_line_copy(tmp_path):
    """xf03 copied one cell a line: 四、一票否决事项 glued to the 序号 | 否决情形 header of its own two-column
    table became one indicator `一票否决事项序号` with criteria 否决情形, its three items unplaced."""
    cells = []
    for row in (["二级指标", "三级指标", "权重（%）", "评分标准"],
                ["（一）信访事项受理", "登记受理", "30", "未按规定登记的，每件扣1分"], ["转送交办", "20", ""],
                ["（二）信访事项办理", "按期办结率", "30", ""], ["群众满意率", "20", ""]):
        cells += [f"{c} |" for c in row] + ["||"]
    veto = ["二、一票否决事项"] + [f"{c} |" for c in ["序号", "否决情形"]] + ["||"]
    for k, text in enumerate(["因信访问题处置不当引发重大群体性事件的", "对信访人打击报复的"], 1):
        veto += [f"{k} |", f"{text} |", "||"]
    path = tmp_path / "cells.txt"
    path.write_text("\n".join(NOTICE + ["一、信访基础业务"] + cells + veto + SIGNATURE) + "\n", encoding="utf-8")
    cat = ingest(path)
    rubric = cat.rubrics[0]
    veto_top = rubric.indicators[-1]
    assert [(i.marker, i.text, i.points) for i in rubric.indicators][0] == ("一、", "信访基础业务", Decimal(100))
    assert (veto_top.marker, veto_top.text, veto_top.kind, veto_top.criteria) == ("二、", "一票否决事项", "veto", None)
    assert [(c.marker, c.text, c.kind) for c in veto_top.children] == [
        ("1", "因信访问题处置不当引发重大群体性事件的", "veto"), ("2", "对信访人打击报复的", "veto")]
    assert rubric.rows_placed == rubric.rows_total


FY05 = json.loads((FAMILIES / "manifest.json").read_text(encoding="utf-8"))
FY05_FILES = [x["file"] for r in FY05["rubrics"] if r["id"] == "fy05_xingzheng_fuyi" for x in r["renderings"]
              if not x["file"].endswith(".borderless.pdf")]


@pytest.mark.parametrize("file", FY05_FILES)
def test_a_printed_total_that_does_not_reconcile_is_reported(file):
    """fy05 prints (二)审理决定(15分) over items of 5 + 5 + 4.5: the printed 15 is kept and the mismatch reported."""
    cat = ingest(FAMILIES / file)
    rubric = cat.rubrics[0]
    group = next(i for i in rubric.walk() if i.id == "1.2")
    assert group.points == Decimal(15)
    assert sum(c.points for c in group.children) == Decimal("14.5")
    mismatches = [f for f in rubric.findings if f.code == "sum_mismatch"]
    assert mismatches and all(f.severity == "error" for f in mismatches)


def _docx_with_hidden_run(path):
    from docx import Document

    doc = Document()
    for line in NOTICE:
        doc.add_paragraph(line)
    rows = [("序号", "考核内容", "分值"), ("1", "建立健全人民调解组织，覆盖率达到100%", "40"),
            ("2", "组织人民调解员参加年度业务培训", "30"), ("3", "调解案件及时录入信息系统", "30")]
    table = doc.add_table(rows=0, cols=3)
    for k, row in enumerate(rows):
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
        if k == 2:
            hidden = cells[1].paragraphs[0].add_run("（内部测算：35分）")
            hidden.font.hidden = True
    doc.add_paragraph("注：本表由市局负责解释。")
    secret = doc.add_paragraph().add_run("草稿，勿外传")
    secret.font.hidden = True
    for line in SIGNATURE:
        doc.add_paragraph(line)
    doc.save(path)


def test_docx_hidden_text_is_left_out_with_a_note(tmp_path):
    """A run formatted as hidden text (w:vanish) was read as printed: an item's hidden （内部测算：35分） became its
    points bracket, against the 30 its 分值 cell prints."""
    from zhibiao.extract import read

    path = tmp_path / "hidden.docx"
    _docx_with_hidden_run(path)
    layout = read(path)
    assert [(n.kind, n.params["count"]) for n in layout.notes] == [("docx_hidden_text", 2)]
    assert not any("内部测算" in c.text for b in layout.blocks for c in getattr(b, "cells", []))
    assert not any("草稿" in getattr(b, "text", "") for b in layout.blocks)
    cat = ingest(path)
    assert _leaves(cat) == [("1", "建立健全人民调解组织，覆盖率达到100%", Decimal(40)),
                            ("2", "组织人民调解员参加年度业务培训", Decimal(30)),
                            ("3", "调解案件及时录入信息系统", Decimal(30))]


def test_html_hidden_rows_and_spans_are_left_out_with_a_note(tmp_path):
    """A web page's display:none row (an old item kept in the markup) and a hidden span were read as content: the old
    item became an indicator of its own and the total 110."""
    rows = [("序号", "考核内容", "分值"), ("1", "建立健全人民调解组织", "40"),
            ("2", "组织人民调解员参加业务培训", "30")]
    body = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in rows)
    body += '<tr style="display: none"><td>3</td><td>开展人民调解宣传活动（旧）</td><td>10</td></tr>'
    body += '<tr><td>3</td><td>调解案件及时录入信息系统<span hidden>（内部：20分）</span></td><td>30</td></tr>'
    page = ("<html><head><meta charset='utf-8'><title>通知</title></head><body>"
            + "".join(f"<p>{line}</p>" for line in NOTICE) + f"<table>{body}</table>"
            + '<p style="visibility:hidden">内部草稿</p>' + "".join(f"<p>{line}</p>" for line in SIGNATURE)
            + "</body></html>")
    path = tmp_path / "hidden.html"
    path.write_text(page, encoding="utf-8")
    from zhibiao.extract import read

    layout = read(path)
    assert [(n.kind, n.params["count"]) for n in layout.notes] == [("html_hidden", 3)]
    cat = ingest(path)
    assert _leaves(cat) == [("1", "建立健全人民调解组织", Decimal(40)),
                            ("2", "组织人民调解员参加业务培训", Decimal(30)),
                            ("3", "调解案件及时录入信息系统", Decimal(30))]


@pytest.mark.parametrize("text, points, before", [
    ("按照省级统一标准编制实施清单，要素完整准确，得六分。", "6", "按照省级统一标准编制实施清单，要素完整准确"),
    ("政务服务中心功能分区合理，满分八分。", "8", "政务服务中心功能分区合理"),
    ("落实首问负责、一次性告知、限时办结制度，每项二分，共六分。", "6",
     "落实首问负责、一次性告知、限时办结制度，每项二分"),
    ("即办件占比达到百分之三十以上，得十分；每低一个百分点扣零点五分。", "10", "即办件占比达到百分之三十以上"),
    ("基本认识 三分", "3", "基本认识"),
])
def test_points_written_in_chinese_numerals_at_the_end(text, points, before):
    """zw06 prints every item's points in words (，得六分。): no rubric was found at all (exit 2)."""
    from zhibiao.normalize.points import words_points

    found = words_points(text)
    assert found is not None and found.points == Decimal(points) and text[:found.start] == before


@pytest.mark.parametrize("text", ["网上可办率达到百分之九十五以上", "群众满意度达到九十个百分点",
                                  "这项工作很重要十分。", "工作做得十分扎实，群众满意"])
def test_numerals_that_are_not_points(text):
    """百分之…, 个百分点 and 十分 (very) hold 分 after a numeral but are no points."""
    from zhibiao.normalize.points import words_points

    assert words_points(text) is None


def _band_table(path, bands):
    """A DOCX rubric: header 考核项目 | 考核内容 | 分值; each band a row merged across the table, then labels
    merged down over their items; no markers anywhere."""
    from docx import Document

    doc = Document()
    for line in NOTICE:
        doc.add_paragraph(line)
    table = doc.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ["考核项目", "考核内容", "分值"]):
        cell.text = text
    for band, labels in bands:
        row = table.add_row()
        row.cells[0].merge(row.cells[2]).text = band
        for label, items in labels:
            first = len(table.rows)
            for text, points in items:
                cells = table.add_row().cells
                cells[1].text, cells[2].text = text, points
            top = table.rows[first].cells[0]
            top.merge(table.rows[len(table.rows) - 1].cells[0]).text = label
    for line in SIGNATURE:
        doc.add_paragraph(line)
    doc.save(path)
    return path


def test_unnumbered_bands_over_labels_that_add_up_to_them(tmp_path):
    """fy05 with its markers removed (行政复议办理(40分) a band across the table over 受理审查(10分) and the
    other labels merged down the first column): bands and labels, both unnumbered in one column, were one
    level, the items' groups siblings of the bands: first-level indicators added up to 200 for 100."""
    path = _band_table(tmp_path / "bands.docx", [
        ("行政复议办理(30分)", [("受理审查(10分)", [("依法受理申请", "6"), ("一次性告知补正", "4")]),
                              ("审理决定(20分)", [("依法审理案件", "20")])]),
        ("行政应诉(20分)", [("出庭应诉(20分)", [("负责人出庭应诉", "12"), ("按时答辩", "8")])]),
    ])
    cat = ingest(path)
    top = cat.rubrics[0].indicators
    assert [(i.text, i.points) for i in top] == [("行政复议办理", Decimal(30)), ("行政应诉", Decimal(20))]
    assert [c.text for c in top[0].children] == ["受理审查", "审理决定"]
    assert [c.text for c in top[0].children[0].children] == ["依法受理申请", "一次性告知补正"]
    assert not [f for f in cat.all_findings() if f.severity == "error"]


def test_unnumbered_bands_whose_points_disagree_stay_level_with_the_labels(tmp_path):
    """The sums decide: a band whose 15 points are not its labels' 10 + 20 gives no evidence that it heads
    them, so it stays at the labels' level, as the layout reads (no nesting a sum does not show)."""
    path = _band_table(tmp_path / "bands.docx", [
        ("专项工作(15分)", [("受理审查(10分)", [("依法受理申请", "10")]),
                          ("审理决定(20分)", [("依法审理案件", "20")])]),
    ])
    cat = ingest(path)
    assert [i.text for i in cat.rubrics[0].indicators] == ["专项工作", "受理审查", "审理决定"]
