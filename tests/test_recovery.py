"""Tree recovery on small real-looking files, one per symptom, plus the facts the issue names for 000."""

from __future__ import annotations

from decimal import Decimal

from zhibiao.pipeline import ingest
from conftest import DATA, CORPUS


def _index(rubric):
    return {i.id: i for i in rubric.walk()}


def test_labels_printed_after_their_items():
    """Second-level labels printed below their items, and two labels missing, still give the right tree."""
    rubric = ingest(DATA / "scrambled_labels.txt").rubrics[0]
    ids = _index(rubric)
    assert [c.number for c in ids["1.1"].children] == [1, 2]
    assert [c.number for c in ids["1.2"].children] == [3, 4]
    assert [c.number for c in ids["1.3"].children] == [5, 6]
    for ident, items, points in (("2.2", [9, 10], "2"), ("2.3", [11, 12], "1")):
        node = ids[ident]
        assert node.flags == ["label_missing", "inferred_from_sum"]
        assert node.text == "" and node.marker is None
        assert [c.number for c in node.children] == items and node.points == Decimal(points)
    assert not [f for f in rubric.findings if f.severity == "error"]
    assert {f.code for f in rubric.findings} >= {"label_missing", "tree_from_sums"}


def test_sum_mismatch_is_reported_not_hidden():
    rubric = ingest(DATA / "sum_mismatch.txt").rubrics[0]
    errors = [f for f in rubric.findings if f.severity == "error"]
    assert [(f.code, f.indicator) for f in errors] == [("sum_mismatch", "1.1")]
    assert errors[0].source.lines == (4, 4)


def test_2023_seed_duplicate_annual_block_is_reported():
    rubric = ingest(CORPUS / "000_1c204f1614fc8d36.txt").rubrics[0]
    dups = [f for f in rubric.findings if f.code == "duplicate_dropped"]
    assert len(dups) == 7, "annual items 1-7 are printed twice"
    assert all(f.source and f.source.lines == (129, 129) for f in dups)
    ids = _index(rubric)
    assert len([i for i in ids if i.startswith("9.1.")]) == 13 and len([i for i in ids if i.startswith("9.2.")]) == 5
    assert ids["9.1.1"].refs == ["国办发〔2023〕27号"]


def test_2023_seed_missing_labels():
    rubric = ingest(CORPUS / "000_1c204f1614fc8d36.txt").rubrics[0]
    ids = _index(rubric)
    assert [i.id for i in rubric.walk() if "label_missing" in i.flags] == ["7.2", "7.3"]
    assert [c.number for c in ids["7.2"].children] == [148, 149, 150]
    assert [c.number for c in ids["7.3"].children] == list(range(151, 161))
    assert {f.indicator for f in rubric.findings if f.code == "label_missing"} == {"7.2", "7.3"}


def test_repeated_page_header_in_other_words_is_reported():
    rubric = ingest(CORPUS / "003_fbbff5f31bb9ffc0.txt").rubrics[0]
    differs = [f for f in rubric.findings if f.code == "repeated_label_differs"]
    assert len(differs) == 1 and differs[0].source.lines[0] == 393
    assert _index(rubric)["4"].text == "全面推进行政执法信息化建设"


def test_regulation_articles_switch_numbering_style():
    regs = ingest(CORPUS / "004_46f67c8260b90ac6.txt").regulations
    assert [len(r.articles) for r in regs] == [9, 37, 11]
    markers = [a.marker for a in regs[1].articles]
    assert markers[21:23] == ["第22条", "第二十三条"]
    assert [a.number for a in regs[1].articles] == list(range(1, 38))
    assert not any(r.findings for r in regs)


def _tree(rubric):
    return [(i.id, i.marker, i.text, str(i.points)) for i in rubric.walk()]


def test_points_in_their_own_column():
    """A 分值 column beside each level (一级指标 | 分值 | 二级指标 | 分值 | 考核内容 | 分值) gives each entry its points."""
    rubric = ingest(DATA / "points_column.txt").rubrics[0]
    assert rubric.level_names == ["一级指标", "二级指标", "考核内容"]
    assert _tree(rubric)[:4] == [("1", "一、", "依法全面履行政府职能", "4"), ("1.1", "（一）", "权责清单", "2"),
                                 ("1.1.1", "1.", "公布权责清单", "1"), ("1.1.2", "2.", "动态调整权责清单", "1")]
    assert len(list(rubric.walk())) == 10
    assert not rubric.findings


def test_markdown_table_with_bracketed_points():
    """A Markdown table (with its |---| row) whose points are written 【2分】."""
    rubric = ingest(DATA / "markdown_table.txt").rubrics[0]
    assert rubric.title == "某市考核标准" and rubric.level_names == ["考核项目", "考核内容"]
    assert _tree(rubric) == [("1", "一、", "制度建设", "2"), ("1.1", "1.", "建立执法公示制度", "1"),
                             ("1.2", "2.", "建立法制审核制度", "1"), ("2", "二、", "队伍建设", "1"),
                             ("2.1", "1.", "执法人员持证上岗", "1")]


def test_rubric_in_running_text_after_numbered_sections():
    """A rubric printed as paragraphs after the notice's own numbered sections (一、评议对象 …) starts at its
    first numbered paragraph with points; the sections before it are not indicators."""
    cat = ingest(DATA / "paragraph_rubric.txt")
    [rubric] = cat.rubrics
    assert rubric.title == "评议指标"
    assert [i.text for i in rubric.indicators] == ["执法主体", "执法程序"]
    assert len(list(rubric.walk())) == 10 and not rubric.findings


def test_points_without_brackets_and_half_paren_numbers():
    """Points printed without a bracket at the end of a label (（一）规范性文件管理 2分), items numbered 1）, two
    items on one line, and a deduction phrase inside an item (扣0.5分) that is not its points."""
    rubric = ingest(DATA / "unbracketed_points.txt").rubrics[0]
    assert _tree(rubric) == [
        ("1", "一、", "制度建设", "4"), ("1.1", "（一）", "规范性文件管理", "2"),
        ("1.1.1", "1）", "规范性文件合法性审核", "1"), ("1.1.2", "2）", "规范性文件备案", "1"),
        ("1.2", "（二）", "重大决策", "2"), ("1.2.1", "1）", "重大行政决策合法性审查", "2"),
        ("2", "二、", "行政执法", "6"), ("2.1", "（一）", "执法规范", "6"),
        ("2.1.1", "1）", "严格执行行政执法三项制度", "3"), ("2.1.2", "2）", "案卷评查不合格的扣0.5分", "3")]
    assert all("points_unbracketed" in i.flags for i in rubric.walk())
    assert not rubric.findings
