"""The evidence a rubric table gives, one normalizer at a time: column roles from header words and
from content, bare 序号, points written in a column or as words, entries in one cell, deduction rules
by measure word, and a sheet of several tables parted at its repeated header rows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhibiao.model import Cell, Paragraph, Source, Table
from zhibiao.normalize.columns import bare_number, content_role, header_role
from zhibiao.normalize.entries import parse_cell
from zhibiao.normalize.grid import split_at_headers
from zhibiao.normalize.points import column_points, find_points, parse_deduction, words_points

# --- column roles -----------------------------------------------------------------------------

@pytest.mark.parametrize(("header", "role"), [
    ("序号", "number"),
    ("分值", "points"), ("分数", "points"), ("标准分", "points"), ("总分值", "points"), ("权重", "points"),
    ("得分", "score"), ("自评得分", "score"), ("考核得分", "score"),
    ("评分标准", "criteria"), ("评分细则", "criteria"), ("扣分标准", "criteria"), ("计分方法", "criteria"),
    ("备注", "note"), ("指标解释", "note"),
    ("责任单位", "owner"),
    ("一级指标", "label"), ("考核内容", "label"),
])
def test_header_words_name_a_column_role(header, role):
    assert header_role(header) == role


@pytest.mark.parametrize(("texts", "role"), [
    (["1", "2", "3", "4"], "number"),  # ascending small integers from 1: a 序号 column
    (["2", "3", "1.5", "0.5"], "points"),  # small decimals: points
    (["未建立的扣1分", "每少一项扣0.5分", "未开展的扣2分"], "criteria"),
])
def test_content_names_a_column_role_where_the_header_says_nothing(texts, role):
    assert content_role(texts) == role


@pytest.mark.parametrize(("text", "style", "number"), [
    ("1", "arabic_dot", 1), ("12", "arabic_dot", 12), ("一", "cn_dun", 1),
    ("（一）", "cn_paren", 1), ("(一)", "cn_paren", 1), ("1.", "arabic_dot", 1),
])
def test_bare_number_in_a_number_column(text, style, number):
    m = bare_number(text)
    assert m is not None and (m.style, m.number, m.text) == (style, number, text)


def test_text_is_not_a_bare_number():
    assert bare_number("A") is None
    assert bare_number("1.建立制度") is None


@pytest.mark.parametrize(("text", "points", "low"), [
    ("2", "2", None), ("2分", "2", None), ("1.5", "1.5", None), ("2.5 分", "2.5", None), ("１０", "10", None),
    ("2-3分", "3", "2"),
])
def test_points_column_cells(text, points, low):
    got = column_points(text)
    assert got is not None
    assert got[0] == Decimal(points) and type(got[0]) is Decimal
    assert got[1] == (Decimal(low) if low else None)


@pytest.mark.parametrize("text", ["", "十", "分值", "未建立的扣1分"])
def test_not_a_points_cell(text):
    assert column_points(text) is None


# --- points as words --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "points", "before"), [
    ("建立工作台账，1分。", "1", "建立工作台账"),
    ("按时报送的得1分。", "1", "按时报送的"),
    ("开展培训计2分", "2", "开展培训"),
    ("组织领导满分3分", "3", "组织领导"),
    ("一、组织领导工作12分", "12", "一、组织领导工作"),
    ("工作的得2分，少一次扣0.5分。", "2", "工作的"),
])
def test_points_written_as_words(text, points, before):
    pb = words_points(text)
    assert pb is not None and pb.points == Decimal(points)
    assert text[:pb.start] == before


@pytest.mark.parametrize("text", ["每少一项扣1分", "未开展的扣2分", "最高加5分", "组织领导"])
def test_amounts_of_a_rule_are_not_points(text):
    assert words_points(text) is None


def test_points_range_takes_its_upper_end():
    pb = find_points("组织领导（1-3分）")
    assert pb is not None and (pb.points, pb.low) == (Decimal("3"), Decimal("1"))


# --- entries in one cell ----------------------------------------------------------------------

def test_digits_right_after_a_marker_are_text():
    """`11．12345政务服务…`: item 11 whose text starts with 12345, not a lost item."""
    (piece,) = parse_cell("11．12345政务服务便民热线运行规范（1分）")
    assert (piece.marker.number, piece.body, piece.points.points) == (11, "12345政务服务便民热线运行规范", Decimal("1"))


def test_a_label_and_its_first_items_in_one_cell():
    pieces = parse_cell("（二）执法监督（6分）1.建立制度（2分）2.开展评查（4分）")
    assert [(p.marker.text, p.body, p.points.points) for p in pieces] == [
        ("（二）", "执法监督", Decimal("6")), ("1.", "建立制度", Decimal("2")), ("2.", "开展评查", Decimal("4"))]


def test_several_items_in_one_cell():
    pieces = parse_cell("1.建立台账（1分）；2.按时报送（0.5分）")
    assert [(p.marker.number, p.body, p.points.points) for p in pieces] == [
        (1, "建立台账", Decimal("1")), (2, "按时报送", Decimal("0.5"))]


# --- deduction rules --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "kind", "amount", "unit", "cap", "condition"), [
    ("每低1个百分点扣0.5分", "per_unit", "0.5", "百分点", None, None),
    ("每延迟1个月扣1分", "per_unit", "1", "月", None, None),
    ("每少1个行政村扣0.5分", "per_unit", "0.5", "个", None, None),
    ("每少签订1家扣0.2分", "per_unit", "0.2", "家", None, None),
    ("每少4学时扣0.5分", "per_unit", "0.5", "学时", None, None),
    ("每超出5%扣1分", "per_unit", "1", "%", None, None),
    ("每件扣0.01分，最多扣0.1分", "per_unit", "0.01", "件", "0.1", None),
    ("每起减2.5分，最高减5分", "per_unit", "2.5", "起", "5", None),
    # any measure word after a count
    ("档案资料缺失的，每缺一类扣0.5分。", "per_unit", "0.5", "类", None, "档案资料缺失的"),
    ("每缺1种扣1分", "per_unit", "1", "种", None, None),
    ("未建立的，扣2分；", "fixed", "2", None, None, "未建立的"),
    ("发现一项扣1分，扣完为止", "fixed", "1", None, None, "发现一项"),
    ("按时完成的得2分，否则不得分", "all_or_nothing", "2", None, None, "按时完成的"),
    ("…的，得2分；每超过1个百分点扣0.2分", "per_unit", "0.2", "百分点", None, "…的，得2分"),
])
def test_deduction_rules(text, kind, amount, unit, cap, condition):
    d = parse_deduction(text)
    assert d is not None
    assert (d.kind, d.amount, d.unit, d.cap, d.condition) == (
        kind, Decimal(amount), unit, Decimal(cap) if cap else None, condition)


def test_deduction_range():
    d = parse_deduction("扣1-3分")
    assert (d.kind, d.amount, d.amount_max) == ("range", Decimal("1"), Decimal("3"))


# --- one sheet, several tables ------------------------------------------------------------------

def _table(rows: list[list[str]]) -> Table:
    src = Source(file="t.xlsx")
    cells = [Cell(text=t, row=r, col=c, source=src) for r, row in enumerate(rows) for c, t in enumerate(row) if t]
    return Table(cells=cells, source=src)


def test_a_sheet_parts_at_a_new_header_and_its_heading_becomes_a_paragraph():
    """基本标准 and 评分标准 printed one under the other in one sheet: two tables, the heading between them a
    paragraph."""
    table = _table([
        ["序号", "评查内容", ""],
        ["1", "案卷无立案审批", ""],
        ["2", "案卷无处罚决定书", ""],
        ["二、案卷卷面标准（20分）", "", ""],
        ["序号", "评查项目", "分值"],
        ["1", "卷内文书齐全", "10"],
        ["2", "装订规范", "10"],
    ])
    blocks = split_at_headers([table])
    kinds = [type(b).__name__ for b in blocks]
    assert kinds == ["Table", "Paragraph", "Table"]
    assert blocks[1].text == "二、案卷卷面标准（20分）"
    assert max(c.row for c in blocks[0].cells) == 2 and min(c.row for c in blocks[2].cells) == 0
    assert {c.text for c in blocks[2].cells if c.row == 0} == {"序号", "评查项目", "分值"}


def test_a_header_repeated_unchanged_does_not_part_the_table():
    table = _table([["序号", "考核内容", "分值"], ["1", "甲", "5"], ["序号", "考核内容", "分值"], ["2", "乙", "5"]])
    assert split_at_headers([table]) == [table]


def test_an_empty_table_passes_through():
    table = Table(cells=[], source=Source(file="t.txt"))
    paragraph = Paragraph(text="注：", source=Source(file="t.txt"))
    assert split_at_headers([table, paragraph]) == [table, paragraph]


def test_a_header_of_two_rows_does_not_part_the_table():
    """一级指标 | 二级指标 over 指标 | 分值 | 指标 | 分值: the second header row parted the table, and the
    level names came out as 指标, 指标 (the sub-header repeated under each level)."""
    from zhibiao.normalize.grid import build_grid, level_names

    src = Source(file="t.docx")
    cells = [Cell(text="一级指标", row=0, col=0, col_span=2, source=src),
             Cell(text="二级指标", row=0, col=2, col_span=2, source=src),
             Cell(text="评分标准", row=0, col=4, row_span=2, source=src)]
    cells += [Cell(text=t, row=1, col=c, source=src) for c, t in enumerate(["指标", "分值", "指标", "分值"])]
    body = [["决策", "10", "目标设定", "6", "未设定的扣6分"], ["", "", "决策过程", "4", "未经集体决策的扣4分"],
            ["过程", "10", "预算执行", "10", "每低1个百分点扣0.5分"], ["指标", "分值", "指标", "分值", ""],
            ["产出", "5", "产出数量", "5", "每少一项扣1分"]]
    cells += [Cell(text=t, row=r + 2, col=c, source=src) for r, row in enumerate(body) for c, t in enumerate(row) if t]
    table = Table(cells=cells, source=src)
    (block,) = split_at_headers([table])
    grid = build_grid(block, 0)
    assert [c.role for c in grid.columns] == ["label", "points", "label", "points", "criteria"]
    assert level_names(grid) == ["一级指标", "二级指标"]
    # the sub-header printed again in the body is set aside (dropped: no page break is known there)
    assert grid.n_rows == 6 and not grid.repeated_headers
    assert not [c.text for c in grid.cells if c.row >= grid.header_rows and c.text in ("指标", "分值")]


def test_notes_closing_a_table_become_paragraphs():
    """A borderless reading kept 注：1.… / 2.… / 比例折算。 in the table (they keep to its columns): they
    became an indicator 9 with a child 9.2 after the 合计 row."""
    table = _table([
        ["一级指标", "三级指标", "分值"],
        ["一、组织领导", "1.成立领导小组", "5"],
        ["", "合计", "5"],
        ["注：1.三级指标分值为满分值，评分时", "", ""],
        ["2.不适用的三级指标按", "", ""],
        ["比例折算。", "", ""],
    ])
    blocks = split_at_headers([table])
    assert [type(b).__name__ for b in blocks] == ["Table", "Paragraph", "Paragraph", "Paragraph"]
    assert max(c.row for c in blocks[0].cells) == 2
    assert [b.text for b in blocks[1:]] == ["注：1.三级指标分值为满分值，评分时", "2.不适用的三级指标按", "比例折算。"]


def test_a_note_row_followed_by_items_stays_in_the_table():
    table = _table([["序号", "考核内容", "分值"], ["1", "甲", "5"], ["注：以下为加分项", "", ""], ["2", "乙", "5"]])
    assert split_at_headers([table]) == [table]


def test_a_label_column_printing_nothing_of_its_own_is_no_level():
    """序号 | 考核项目 | 考核内容 | 分值 where every band (一 安全生产责任落实) is merged across 考核项目 and
    考核内容 and every item stands in 考核内容: the empty 考核项目 cells made a placeholder over each band."""
    from zhibiao.normalize.grid import build_grid, level_names

    src = Source(file="t.pdf")
    cells = [Cell(text=t, row=0, col=c, source=src) for c, t in enumerate(["序号", "考核项目", "考核内容", "分值"])]
    rows = [("一", "安全生产责任落实", "（20分）", True), ("1", "落实第一责任人职责", "10", False),
            ("2", "签订目标责任书", "10", False)]
    for r, (number, text, points, band) in enumerate(rows, start=1):
        cells.append(Cell(text=number, row=r, col=0, source=src))
        if band:
            cells.append(Cell(text=text, row=r, col=1, col_span=2, source=src))
        else:
            cells += [Cell(text="", row=r, col=1, source=src), Cell(text=text, row=r, col=2, source=src)]
        cells.append(Cell(text=points, row=r, col=3, source=src))
    grid = build_grid(Table(cells=cells, source=src), 0)
    assert grid.label_columns() == [2]
    assert grid.at(1, 2).text == "安全生产责任落实"
    assert level_names(grid) == ["考核项目", "考核内容"]


def test_a_label_column_with_text_of_its_own_stays_a_level():
    from zhibiao.normalize.grid import build_grid

    table = _table([["一级指标", "二级指标", "分值"], ["决策", "目标设定", "6"], ["", "决策过程", "4"]])
    assert build_grid(table, 0).label_columns() == [0, 1]


def test_a_bare_unit_at_the_top_of_a_page_is_no_points_of_its_own():
    """`5\\n分` cut by a page break, `分` on the next page beside the rest of its row (产出时|效, 项目开工及时|性):
    the row was read as a new item, and every item below it shifted by one."""
    from zhibiao.normalize.grid import build_grid

    src = Source(file="t.pdf")
    rows = [(["二级指标", "三级指标", "分值", "评分要点"], 1),
            (["产出时", "项目开工及时", "2", "按时开工的，得2分；每延迟"], 1),
            (["效", "性", "分", "1个月扣0.5分。"], 2), (["", "项目完工及时性", "2", "按时完工的，得2分。"], 2)]
    cells = [Cell(text=t, row=r, col=c, page=page, source=src)
             for r, (texts, page) in enumerate(rows) for c, t in enumerate(texts)]
    grid = build_grid(Table(cells=cells, source=src), 0)
    assert grid.at(1, 1).text.replace("\n", "") == "项目开工及时性"
    assert "1个月扣0.5分" in grid.at(1, 3).text
    assert grid.at(2, 1).text == "项目完工及时性"


def test_a_table_read_as_a_stream_after_the_first_is_not_a_header():
    """The last page of a borderless rubric whose columns did not line up (a table read as a stream after
    the rubric's grid): every text before its first numbered entry was taken for the rubric's header, and
    一票否决 with its two items vanished with no finding (exit 0). They are text placed nowhere now."""
    from zhibiao.model import Layout
    from zhibiao.normalize.rubric import find_rubrics

    first = _table([["序号", "考核内容", "分值"], ["1", "健全安全生产责任制（10分）", "10"],
                    ["2", "开展隐患排查（10分）", "10"], ["3", "组织应急演练（10分）", "10"]])
    rest = _table([["一票否决"], ["40"], ["对生产安全事故瞒报、谎报的，实行一票否决。"]])
    layout = Layout(file="t.pdf", sha256="0" * 64, format="pdf", blocks=[first, rest])
    rubric = find_rubrics(layout)[0]
    lost = [f for f in rubric.findings if f.code in ("unplaced_item", "unplaced_text")]
    assert any("一票否决" in str(f.params) for f in lost) or any("瞒报" in str(f.params) for f in lost)
    assert rubric.rows_placed < rubric.rows_total
