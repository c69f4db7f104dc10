"""Rubrics printed as paragraphs or copied out cell by cell: lines a wrap or a page break cut, and
the notice's head where a web page puts its navigation first. Each test names the symptom it guards."""

from __future__ import annotations

from decimal import Decimal

from zhibiao.pipeline import ingest

HEAD = ("某某县司法局文件\n某司发〔2024〕3号\n关于印发考核细则的通知\n各镇人民政府：\n现将考核细则印发给你们。\n"
        "某某县司法局\n2024年4月22日\n附件\n某某县普法考核细则\n")


def _ingest(tmp_path, body: str, head: str = HEAD):
    path = tmp_path / "notice.txt"
    path.write_text(head + body, encoding="utf-8")
    return ingest(path)


def test_a_points_bracket_cut_by_a_line_wrap(tmp_path):
    """`…标准保障（2` / `分）` in a hard-wrapped text: the item kept `（2分）` in its text and had no points."""
    cat = _ingest(tmp_path, "一、组织保障（6分）\n　　1.经费列入财政预算，按人均不低于1元的标准保障（2\n分）\n"
                            "　　2.建立工作台账，计3\n分；每少1项扣0.5分。\n　　3.按时报送（1分）\n"
                            "二、宣传教育（4分）\n　　1.开展宪法宣传（2分）\n　　2.设置宣传栏（2分）\n")
    items = {i.id: i for i in cat.rubrics[0].walk()}
    assert (items["1.1"].text, items["1.1"].points) == ("经费列入财政预算，按人均不低于1元的标准保障", Decimal("2"))
    assert (items["1.2"].text, items["1.2"].points, items["1.2"].criteria) == (
        "建立工作台账", Decimal("3"), "每少1项扣0.5分。")
    assert not [f for f in cat.rubrics[0].findings if f.severity == "error"]


def test_a_rule_going_on_after_a_comma(tmp_path):
    """`每低1个百分点扣0.5分，` / `扣完为止。`: the second line went to the next item's text."""
    cat = _ingest(tmp_path, "一、依法治理（5分）\n　　1.调解成功率达到95%以上，计3分；"
                            "每低1个百分点扣0.5分，\n扣完为止。\n"
                            "　　2.建立工作站（2分）\n")
    items = {i.id: i for i in cat.rubrics[0].walk()}
    assert items["1.1"].criteria == "每低1个百分点扣0.5分，扣完为止。"
    assert items["1.2"].text == "建立工作站"


def test_running_page_numbers_are_not_text(tmp_path):
    """`— 2 —` between two pages of a text conversion ended up in an item's text."""
    cat = _ingest(tmp_path, "一、组织保障（3分）\n　　1.明确分管领导（1分）\n　　2.建立制度。其中：\n\n— 2 —\n\n"
                            "　　（1）年度计划（1分）\n　　（2）年终总结（1分）\n")
    items = {i.id: i for i in cat.rubrics[0].walk()}
    assert items["1.2"].text == "建立制度。其中："
    assert items["1.2"].points == Decimal("2")


def test_items_indented_with_no_break_spaces(tmp_path):
    """A web page indents items with &nbsp;: `\\xa0\\xa01.…` was not read as item 1."""
    cat = _ingest(tmp_path, "一、组织保障（3分）\n\xa0\xa0\xa0\xa01.明确分管领导（1分）\n"
                            "\xa0\xa0\xa0\xa02.建立制度（2分）\n"
                            "二、宣传教育（2分）\n\xa0\xa0\xa0\xa01.开展宣传（2分）\n")
    assert [i.id for i in cat.rubrics[0].walk()] == ["1", "1.1", "1.2", "2", "2.1"]


def test_web_page_navigation_above_the_head(tmp_path):
    """A page copied out with its menu first: the 文号 stood past the 8th line and was not the notice's own,
    the 发布时间 line became the issuer, and the 版记 line `…办公室  2024年4月22日印发` gave no date."""
    head = ("首页\n政务公开\n政务服务\n互动交流\n专题专栏\n走进本局\n请输入关键词\n搜索\n当前位置：首页 > 通知公告\n"
            "发布时间：2024-04-25 16:30 来源：某某县司法局\n某司发〔2024〕3号\n关于印发考核细则的通知\n"
            "各镇人民政府，县直各部门：\n现将考核细则印发给你们。\n某某县司法局办公室      2024年4月22日印发\n附件\n")
    cat = _ingest(tmp_path, "一、组织保障（3分）\n1.明确分管领导（1分）\n2.建立制度（2分）\n"
                            "二、宣传（2分）\n1.开展宣传（2分）\n", head)
    doc = cat.document
    assert doc.doc_number == "某司发〔2024〕3号"
    assert doc.issuer == "某某县司法局办公室" or doc.issuer is None
    assert doc.issuer != "发布时间：2024-04-25 16:30 来源：某某县司法局"
    assert doc.date.isoformat() == "2024-04-22"


def test_an_empty_cell_copied_as_an_extra_blank_line(tmp_path):
    """A web table copied one cell a line: an empty cell is an empty line (here the 备注 after each item,
    and twice the label cell of a group whose label is not printed). Each unprinted label became one
    placeholder per item instead of one per empty cell."""
    body = ("一级指标\n二级指标\n三级指标\n备注\n"
            "一、信息化建设（6分）\n（一）平台建设（2分）\n1. 使用办案系统。（1分）\n\n2. 使用公示平台。（1分）\n\n\n"
            "3. 配合数据采集。（1分）\n\n4. 配合互联互通。（1分）\n\n\n"
            "5. 使用辅助系统。（1分）\n\n6. 推送办案规范。（1分）\n")
    cat = _ingest(tmp_path, body)
    rubric = cat.rubrics[0]
    ids = [(i.id, i.flags) for i in rubric.walk() if i.level == 2]
    assert ids == [("1.1", []), ("1.2", ["label_missing", "inferred_from_sum"]),
                   ("1.3", ["label_missing", "inferred_from_sum"])]
    assert [i.id for i in rubric.walk() if i.level == 3] == ["1.1.1", "1.1.2", "1.2.3", "1.2.4", "1.3.5", "1.3.6"]
    assert rubric.level_names == ["一级指标", "二级指标", "三级指标"]
    assert (rubric.rows_placed, rubric.rows_total) == (rubric.rows_total, 7)


def test_a_table_copied_cell_by_cell_with_its_own_序号_and_points(tmp_path):
    """序号 | 评查项目 | 分数 | 扣分标准 | 备注 copied one cell a line: bare 序号 and bare points each on a
    line of their own. The rubric was not found at all (no line held an item with its points)."""
    body = ("序号\n评查项目\n分数\n扣分标准\n备注\n"
            "一\n受理\n8\n\n"
            "1\n申请书由申请人签名或者盖章\n2\n申请书无申请人签名的扣2分\n\n"
            "2\n申请材料目录与办事指南一致\n3\n1.要求提交目录以外材料的扣1分；2.未一次性告知的扣2分\n\n"
            "3\n申请材料为复印件的注明与原件核对一致\n3\n每缺一份扣0.5分，最多扣3分\n无复印件的按满分计\n"
            "二\n决定\n4\n\n"
            "1\n在法定期限内作出决定\n4\n超期的扣4分\n\n"
            "合计\n12\n")
    cat = _ingest(tmp_path, body)
    rubric = cat.rubrics[0]
    got = [(i.id, i.marker, i.text, str(i.points)) for i in rubric.walk()]
    assert got == [("1", "一", "受理", "8"), ("1.1", "1", "申请书由申请人签名或者盖章", "2"),
                   ("1.2", "2", "申请材料目录与办事指南一致", "3"),
                   ("1.3", "3", "申请材料为复印件的注明与原件核对一致", "3"),
                   ("2", "二", "决定", "4"), ("2.1", "1", "在法定期限内作出决定", "4")]
    items = {i.id: i for i in rubric.walk()}
    assert items["1.2"].criteria == "1.要求提交目录以外材料的扣1分；2.未一次性告知的扣2分"
    assert items["1.3"].notes == ["无复印件的按满分计"]
    assert rubric.stated_total == Decimal("12")
    assert rubric.level_names == ["评查项目"]
    assert not [f for f in rubric.findings if f.severity == "error"]


def test_a_label_and_its_items_copied_into_one_line(tmp_path):
    """A cell holding a label and its items (spanning two columns) copied as one line, its items joined
    with spaces: the criteria of the row above ran on over it, and `…的； 2.…` stayed one item."""
    body = ("一级指标\n二级指标\n三级指标\n评分标准\n"
            "一、组织领导（4分）\n（一）听取汇报（2分）\n1.每年听取汇报不少于2次（1分） 2.研究解决重大问题（1分）\n"
            "少听取1次扣0.5分。\n（二）督察考核（2分） 1.纳入年度督查计划（1分） "
            "2.开展约谈（1分）\n未纳入计划的扣1分。\n"
            "一票否决\n1.发生重大行政违法案件的； 2.年度报告未按规定公开的。\n存在以上情形之一的，实行一票否决。\n")
    cat = _ingest(tmp_path, body)
    items = {i.id: i for i in cat.rubrics[0].walk()}
    assert items["1.1.2"].criteria == "少听取1次扣0.5分。"
    assert items["1.2.1"].criteria == items["1.2.2"].criteria == "未纳入计划的扣1分。"
    assert items["1.2"].criteria is None, "the label printed with its items: the items carry the rule"
    assert (items["2"].text, items["2"].kind) == ("一票否决", "veto")
    assert [items["2.1"].text, items["2.2"].text] == ["发生重大行政违法案件的；", "年度报告未按规定公开的。"]
