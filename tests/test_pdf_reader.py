"""The PDF reader (extract/pdf.py), one small PDF per behaviour.

The PDFs live in tests/data/pdf_reader/ (how each was made: its README.md and make_pdfs.py there). Each
test's docstring names the symptom it guards against.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from zhibiao import extract
from zhibiao.model import Paragraph, Table

DATA = Path(__file__).parent / "data" / "pdf_reader"


def _read(name: str):
    return extract.read(DATA / name)


def _tables(layout) -> list[Table]:
    return [b for b in layout.blocks if isinstance(b, Table)]


def _grid(table: Table) -> dict[tuple[int, int], tuple[int, int, str]]:
    """(row, col) -> (row_span, col_span, text) of every cell."""
    return {(c.row, c.col): (c.row_span, c.col_span, c.text) for c in table.cells}


def _row(table: Table, row: int) -> list[str]:
    return [c.text for c in sorted(table.cells, key=lambda c: c.col) if c.row == row]


HEAD = ["序号", "一级指标", "评价内容", "分值"]


def test_ruled_merged_cells_keep_their_spans():
    """Symptom: a label merged down over two rows comes back as a cell in each row (the lower one
    empty, so the second item loses its group), or a cell merged across two columns as two cells."""
    (table,) = _tables(_read("ruled_spans.pdf"))
    assert table.spans_known and table.rows_known
    cells = _grid(table)
    assert _row(table, 0) == HEAD
    assert cells[(1, 1)] == (2, 1, "组织领导")
    assert (2, 1) not in cells  # covered by the merged label above
    assert cells[(2, 2)][2] == "制定年度工作计划并按期落实。"
    assert cells[(3, 2)] == (1, 2, "建立健全管理制度。")
    assert (3, 3) not in cells  # covered by the merged cell beside it
    assert max(c.row for c in table.cells) == 3


def test_table_continued_across_a_page_break_is_one_table():
    """Symptom: a table the page break cuts comes back as two tables, its header row printed again on
    the next page read as a data row, or the rest of a row cut by the break lost or glued to the wrong
    row (the rest stands in a row of its own on the new page, its other cells empty, for the
    normalizer to join)."""
    layout = _read("continued.pdf")
    assert layout.pages == 2
    (table,) = _tables(layout)
    assert table.source.pages == [1, 2]
    rows = max(c.row for c in table.cells) + 1
    assert rows == 7
    assert _row(table, 0) == HEAD
    assert sum(1 for c in table.cells if c.text == "序号") == 1  # the repeated header row is dropped
    cut = _grid(table)[(4, 2)][2]
    assert cut.startswith("按照年度目标任务逐项分解落实") and cut.endswith("确")
    assert {c.page for c in table.cells if c.row == 4} == {1}
    assert _row(table, 5) == ["", "", "保各项任务按时保质完成。", ""]
    assert {c.page for c in table.cells if c.row == 5} == {2}
    assert _row(table, 6) == ["5", "指标5", "第5项评价内容。", "5"]


def test_fake_bold_glyphs_are_read_once():
    """Symptom: text some PDF producers embolden by printing every glyph twice a hair apart reads
    doubled (考考核核评评价价)."""
    with pdfplumber.open(DATA / "fake_bold.pdf") as pdf:
        raw = "".join(c["text"] for c in pdf.pages[0].chars)
    assert raw.count("考") == 2  # the fixture really prints the bold glyphs twice
    texts = [b.text for b in _read("fake_bold.pdf").blocks if isinstance(b, Paragraph)]
    assert texts == ["考核评价指标", "一、组织领导（20分）", "成立工作领导小组，明确责任分工。"]


def test_borderless_columns_and_rows():
    """Symptom: a table printed without ruling lines is read as paragraphs, its columns run together,
    the wrapped lines of a long cell become rows of their own, or the 序号 and 分值 printed in the
    middle of a tall row land in the wrong row."""
    layout = _read("borderless_columns.pdf")
    (table,) = _tables(layout)
    assert not table.spans_known and table.rows_known
    assert _row(table, 0) == HEAD
    assert max(c.row for c in table.cells) == 3
    assert all(c.row_span == 1 and c.col_span == 1 for c in table.cells)
    assert _row(table, 1)[:2] == ["1", "领导"] and _row(table, 1)[3] == "10"
    assert _row(table, 1)[2].replace("\n", "") == ("成立由主要负责同志牵头的工作领导小组，明确责任分工，"
                                                   "定期研究部署工作，形成一级抓一级、层层抓落实的工作格局。")
    assert _row(table, 2) == ["2", "制度建设", "建立健全管理制度。", "8"]
    assert _row(table, 3)[:2] == ["3", "工作成效评价"] and _row(table, 3)[3] == "12"
    paragraphs = [b.text for b in layout.blocks if isinstance(b, Paragraph)]
    assert paragraphs[-1] == "以上指标由评估组现场核查。"  # the note under the table is no row


def test_borderless_band_row_is_one_cell_between_rows():
    """Symptom: a group heading printed across a borderless table (二、成效指标（20分）) is cut into
    pieces per column, ends the table (the rows under it read as paragraphs), or is glued to the row
    above or below."""
    (table,) = _tables(_read("borderless_band.pdf"))
    assert table.rows_known
    assert _row(table, 2) == ["2", "制度建设", "建立健全管理制度，规范工作流程。", "10"]
    band = [c for c in table.cells if c.row == 3]
    assert len(band) == 1 and band[0].col == 0 and band[0].col_span >= 2
    assert band[0].text == "二、成效指标（20分）"
    assert _row(table, 4) == ["3", "工作成效", "年度目标任务全面完成。", "20"]
    assert max(c.row for c in table.cells) == 4


@pytest.mark.parametrize("name", ["ruled_spans.pdf", "continued.pdf", "fake_bold.pdf",
                                  "borderless_columns.pdf", "borderless_band.pdf"])
def test_fixtures_stay_small(name):
    """Symptom: a fixture regenerated with embedded full fonts bloats the repository."""
    assert (DATA / name).stat().st_size < 64_000


def _chars(text: str, x0: float, top: float = 0.0, width: float = 10.0) -> list[dict]:
    return [{"text": t, "x0": x0 + i * width, "x1": x0 + (i + 1) * width, "top": top, "bottom": top + width,
             "size": width} for i, t in enumerate(text)]


def test_band_row_splits_where_a_run_keeps_to_one_column():
    """A band row 一 | 安全生产责任落实 (序号 beside a label merged over two columns) was one cell, and
    its first-level group lost its marker; 一、安全生产责任落实 across the columns stays one cell."""
    from extract.pdf import _band_split

    xs = [30.0, 80.0, 200.0, 300.0]
    split = _band_split(_chars("一", 40) + _chars("安全生产", 90), xs, 10.0)
    assert ["".join(c["text"] for c in piece) for piece in split] == ["一", "安全生产"]
    whole = _band_split(_chars("一、安全生产责任落实", 40), xs, 10.0)
    assert len(whole) == 1


def test_paragraph_blank_follows_the_page_line_spacing():
    """At 1.8 lines' spacing each blank between lines is 0.8 of a line's height, the fixed bar for a new
    paragraph: every line became a paragraph of its own (a title lost its first line)."""
    from extract.pdf import SETTINGS, _paragraph_gap

    def line(top: float) -> dict:
        return {"text": "正文", "x0": 30.0, "x1": 300.0, "top": top, "bottom": top + 12.0}

    wide = [line(i * 21.6) for i in range(10)]  # 12 pt type, 9.6 pt blank between lines
    assert _paragraph_gap(wide) * 12.0 > 9.7
    tight = [line(i * 15.0) for i in range(10)]  # single spacing: the fixed bar stands
    assert _paragraph_gap(tight) == SETTINGS.para_gap


def test_two_values_one_under_the_other_begin_a_row():
    """Two items' 分值 (1.5分 | 0.5分) printed one under the other were read as one cell, and a row was
    lost; 100 cut by a narrow column's wrap (10 | 0) is one value."""
    from extract.pdf import _Line, _value_pairs

    def line(text: str, top: float, x0: float = 100.0) -> _Line:
        chars = _chars(text, x0, top)
        return _Line(top, chars[0]["x0"], chars[-1]["x1"], chars)

    two = [line("1.5分", 0.0), line("0.5分", 18.0)]
    assert _value_pairs([two], 18.0) == (18.0,)
    cut = [line("10", 0.0), line("0", 18.0)]  # the full line of a two-digit-wide column
    assert _value_pairs([cut], 18.0) == ()
    words = [line("查阅资料", 0.0), line("3", 18.0)]
    assert _value_pairs([words], 18.0) == ()


def test_header_band_under_a_larger_page_type():
    """The last page of a rubric prints a few rows under the header repeated at its top and the notes in
    larger type: the page's body type (the notes') made the three header lines no header band, the
    columns were guessed from the first line alone, and the rows there (the rest of an item, 一票否决
    and its two items) were lost without a finding."""
    from extract.pdf import _header

    def line(text: str, top: float, x0: float, font: str, size: float = 10.5) -> list[dict]:
        return [dict(c, fontname=font, size=size) for c in _chars(text, x0, top, width=size)]

    head = [line("序", 36, 38, "Bold") + line("考核", 36, 58, "Bold") + line("分", 36, 198, "Bold"),
            line("考核内容", 45, 117, "Bold") + line("考核标准", 45, 250, "Bold"),
            line("号", 55, 38, "Bold") + line("项目", 55, 58, "Bold") + line("值", 55, 198, "Bold")]
    rows = [line("然灾害抢险救援中表", 73, 87, "Body"), line("现突出，受到县委、", 92, 87, "Body")]
    notes = [line("注：1.本评分标准满分100分，加分项最高加5分。", 200 + 22 * i, 57, "Note", 12.0) for i in range(6)]
    assert _header(head + rows + notes, 0, 12.0, 20.2, "Note") == (0, 3)


def test_web_page_printed_to_pdf():
    """A web notice printed by Chromium: the floating 分享到 box over the table's last column on every page
    split rows and put 分享到/微信/微博 in cells (29 of 31 rows placed, points read as text); glyphs whose
    font maps them to Kangxi radicals (⽇ for 日) got their ink's width from pdfium and a space opened after
    them (日 常), and the reference engine read the radical itself."""
    from zhibiao.pipeline import ingest

    for engine in ("pdfium", "pdfplumber"):
        from extract.pdf import set_engine

        set_engine(engine)
        try:
            cat = ingest(DATA / "web_overlay.pdf")
        finally:
            set_engine(None)
        rubric = cat.rubrics[0]
        assert rubric.rows_placed == rubric.rows_total
        leaves = rubric.indicators
        assert len(leaves) == 30 and rubric.total == 40
        assert leaves[0].text == "日常检查工作第1项，自查自评目标明确。", engine
        assert not [f for f in cat.all_findings() if f.severity != "info"]
        assert "分享" not in cat.model_dump_json()


def test_web_table_whose_merged_cells_the_page_breaks_cut():
    """A web table printed by Chromium with no header row repeated: on a page that a first-level and a
    second-level label (rowspan) run through from top to bottom the browser draws no rule across them,
    only their lines' ends, so the 序号 column parted from the table and each page became a rubric of its
    own (3 rubrics, 19 of 36 leaves); and a （ after a [ was read before it (=（[计划成本), as the browser
    draws a full-width bracket it has moved into the right half of its box from the left of the [."""
    from zhibiao.pipeline import ingest

    for engine in ("pdfium", "pdfplumber"):
        from extract.pdf import set_engine

        set_engine(engine)
        try:
            cat = ingest(DATA / "web_cut_cells.pdf")
        finally:
            set_engine(None)
        assert len(cat.rubrics) == 1, engine
        rubric = cat.rubrics[0]
        assert rubric.rows_placed == rubric.rows_total
        assert rubric.total == 100
        leaves = [leaf for area in rubric.indicators for group in area.children for leaf in group.children]
        assert [leaf.id.split(".")[-1] for leaf in leaves] == [str(n) for n in range(1, 37)], engine
        assert [leaf.id for leaf in leaves[-16:]] == [f"3.1.{n}" for n in range(21, 37)], engine
        notes = [note for leaf in leaves for note in leaf.notes]
        assert notes == ["成本节约率=[（计划成本-实际成本）/计划成本]×100%。"] * 5, engine
        assert not [f for f in cat.all_findings() if f.severity != "info"], engine


def test_an_edge_running_through_text_is_no_rule():
    """The edge of a web page's background fill that lines of text run across (a container printed
    narrower than its text) was read as a column line: the body text became a two-column table, every
    line's last characters in a cell of their own. A rule that only touches glyphs, or runs through
    fewer than SETTINGS.cut_glyphs of them, stays."""
    from extract.pdf import SETTINGS, PageForm, _clear_of_text

    chars = [c for k in range(4) for c in _chars("全面推行行政执法公示制度", 40, 20.0 + 14 * k)]

    def vertical(x: float, top: float = 10.0, bottom: float = 80.0) -> dict:
        return {"x0": x, "x1": x, "top": top, "bottom": bottom, "orientation": "v", "object_type": "rect_edge"}

    through, beside, touching = vertical(95.0), vertical(30.0), vertical(100.0)
    short = vertical(95.0, 10.0, 30.0)  # runs through one glyph only
    page = PageForm(1, 100.0, (0.0, 0.0, 200.0, 100.0), chars, [through, beside, touching, short])
    assert SETTINGS.cut_glyphs > 1
    assert _clear_of_text(page, chars).edges == [beside, touching, short]


def test_heading_under_a_title_in_larger_type_begins_a_paragraph():
    """The first 一级指标 heading (一、信访基础业务, 12 pt) printed on the line under the annex title (15 pt
    bold), no wider blank between them and as far in as every other line outside the tables on the page,
    was read into the title's paragraph: its table's rows went to the group above, and the rubric lost
    its first 40 points' group (10 of 16 leaves, 信访事项受理 read as the first first-level indicator)."""
    from zhibiao.pipeline import ingest

    layout = extract.read(DATA / "title_over_heading.pdf")
    texts = [b.text for b in layout.blocks if isinstance(b, Paragraph)]
    assert "2024年度全市信访工作考核指标" in texts and "一、信访基础业务" in texts
    cat = ingest(DATA / "title_over_heading.pdf")
    first = cat.rubrics[0].indicators[0]
    assert (first.text, first.points) == ("信访基础业务", 40)
    assert [c.text for c in first.children] == ["信访事项受理", "信访事项办理", "复查复核"]
    assert not [f for f in cat.all_findings() if f.severity == "error"]


def test_header_name_over_two_columns_above_their_own_names():
    """A borderless table's header with 考评指标 printed over 二级指标 and 三级指标 (their names on the
    lines under it): the name overlapped both, so the two columns were read as one (二级 labels and 三级
    items in one cell, every leaf wrong and the sums reconciling: exit 0), the level named 考评指标二级指三级指标标."""
    from extract.pdf import _Chars, _cores, _header_cells

    def line(*runs: tuple[str, float], top: float) -> list[dict]:
        return [c for text, x0 in runs for c in _chars(text, x0, top, width=10.5)]

    head = [line(("考评指标", 97.5), ("分", 209.9), top=84.6),
            line(("一级", 41.2), ("二级指", 74.6), ("评分标准", 253.9), top=102.9),
            line(("三级指标", 136.1), ("值", 209.9), top=112.4),
            line(("指标", 41.2), ("标", 85.1), top=121.9)]
    cores = _cores(head, 10.5)
    assert [(round(a), round(b)) for a, b in cores] == [(41, 62), (75, 106), (136, 178), (210, 220), (254, 296)]
    xs = [38.0, 68.0, 110.0, 190.0, 225.0, 300.0]
    cells, rows = _header_cells(_Chars([c for ln in head for c in ln]), head, xs, 10.5)
    assert rows == 2
    assert [(c.row, c.col, c.row_span, c.col_span, c.text.replace("\n", "")) for c in cells] == [
        (0, 0, 2, 1, "一级指标"), (0, 1, 1, 2, "考评指标"), (0, 3, 2, 1, "分值"), (0, 4, 2, 1, "评分标准"),
        (1, 1, 1, 1, "二级指标"), (1, 2, 1, 1, "三级指标")]


def _ch(text: str, x0: float, top: float, size: float = 10.0) -> dict:
    return {"text": text, "x0": x0, "x1": x0 + size, "top": top, "bottom": top + size, "size": size,
            "fontname": "F"}


def test_fake_bold_copies_dropped_and_near_glyphs_kept():
    """A glyph printed again within PdfSettings.same_glyph of its first copy is dropped, one further
    off (or in another rounded line position) is kept, in the order printed (the faster _dedupe)."""
    from zhibiao.extract.pdf import _dedupe

    chars = [_ch("分", 100.0, 50.0), _ch("分", 100.6, 50.4), _ch("分", 101.5, 50.0), _ch("值", 100.2, 50.0),
             _ch("分", 100.0, 51.2), _ch("分", 100.3, 49.6)]
    kept = _dedupe(chars)
    # the second copy (0.6, 0.4 off) is fake bold; 1.5 off is a glyph of its own; another text is kept;
    # 51.2 rounds to another line position; 49.6 rounds to 50 and lies within 1 of the first
    assert [id(c) for c in kept] == [id(chars[k]) for k in (0, 2, 3, 4)]


def test_chars_grouped_into_lines_left_to_right():
    """Chars are grouped into lines by their tops (within line_floor or line_share of the size) and
    each line read left to right, ties in the order printed (the faster _char_lines)."""
    from zhibiao.extract.pdf import _char_lines

    chars = [_ch("b", 30.0, 100.5), _ch("a", 10.0, 101.0), _ch("c", 50.0, 99.8), _ch("d", 10.0, 130.0),
             _ch("e", 10.0, 130.0)]
    lines = _char_lines(chars)
    assert ["".join(c["text"] for c in ln) for ln in lines] == ["abc", "de"]


def test_borderless_labels_centred_over_rows_whose_middle_falls_on_a_row_top():
    """gf04 printed borderless on A5 (pages 2–4 of `corpus/adversary_render.py`'s pdf-a5-borderless), cells
    centred in their rows: 平台建设, centred over six rows, has its top where the fourth row begins, so it
    was read as that row's label (the first three rows under an unlabelled group of 15 points, 平台建设
    given the other 15), and the sparse 评分标准 column's one-row cells in rows whose neighbours above and
    below are as tall were read as merged over three rows (a criterion given to two more items), all
    sums reconciling: 3 of 16 leaves right with no error finding."""
    from zhibiao.pipeline import ingest

    from golden_compare import catalogue_view, compare, load_golden

    golden = load_golden(Path(__file__).parents[1] / "golden" / "families" / "gf04_gonggong_falv.json")
    cat = ingest(DATA / "centred_labels.pdf")
    view = catalogue_view(cat)
    view["document"] = golden["document"]  # the cut lacks the notice's first page
    assert compare(golden, view, findings=False) == []
    assert not [f for f in cat.all_findings() if f.severity == "error"]


def test_borderless_cells_one_under_the_other_each_filling_its_row():
    """rm01 printed borderless on A4 (page 2 of `corpus/adversary_render.py`'s pdf-a4-borderless), cells
    centred in their rows: 考核方式 of item 6 (two lines, as tall as its row) with 网上核查 of item 7 printed
    on under it, no blank and no sign of a new paragraph between them, was read as one cell merged over
    both rows (both items given 1.查阅培训记录；2.随机询问人民调解员网上核查), every sum reconciling: no
    error finding."""
    from zhibiao.pipeline import ingest

    from golden_compare import catalogue_view, compare, load_golden

    golden = load_golden(Path(__file__).parents[1] / "golden" / "families" / "rm01_renmin_tiaojie.json")
    cat = ingest(DATA / "stacked_notes.pdf")
    view = catalogue_view(cat)
    view["document"] = golden["document"]  # the cut lacks the notice's first page
    assert compare(golden, view, findings=False) == []


def test_borderless_label_over_rows_to_the_page_end_stays_one_cell():
    """yf01 printed borderless with repeated headers (pages 13–14 of the pdf-rephead-borderless rendering):
    the first-level label 全面提高政府工作人员法治思维和依法行政能力, three characters a line, runs from a row's
    top to the page's end as though each of its parts filled a row: cut into two labels, it gave two
    first-level indicators of 3 and 5 points for one of 8 (the column has labels centred over several
    rows: a column of merged cells, whose parts are not cells one under the other)."""
    from zhibiao.pipeline import ingest

    cat = ingest(DATA / "label_over_page_end.pdf")
    groups = [(n.text, str(n.points), len(n.children)) for n in cat.rubrics[0].indicators]
    assert groups[1:] == [("全面提高政府工作人员法治思维和依法行政能力", "8", 3), ("加强法治政府建设组织领导", "10", 3)]
