"""Hostile renderings of the family rubrics (corpus/hostile_render.py) give the family's hand-verified golden.

Each file in tests/data/hostile_renderings/ is `<family id>.<variant>.<ext>`, made by
`corpus/hostile_render.py` from `corpus/families/<id>/source.json` and kept because it exposed a
bug; its expected output is the existing golden `golden/families/<id>.json` (the variants change
how points are printed, never their value, a marker or a text). `bench/bench_renderings.py`
measures every variant of every family.

- `words` (points in Chinese numerals, `（十五分）` `（两分）` `（贰分）`): the brackets were not read as
  points; a label kept `（十五分）` in its text and got its points from the sum of its items
  (`inferred_from_sum`, no error: the run exited 0 with wrong texts).
- `tab-p30-w34-repeat` (yf01): a first-level label cut by the page break (坚持严格规范 | 公正文明执法)
  and then printed whole at the top of later pages was read as new groups: 6 items of 4 lost.
- `tab-p30-w34-repeat` (jt01): a row cut by the page break whose merged label is printed again
  beside its second part was taken for a new row: the rest of its 评分标准 (`扣 | 完为止。`) was lost
  (exit 0).
- `tab-p24-w60` (jt01): the row at the top of a page that begins the next 减分项 (3. … | 4. …), entries
  without points, was joined to the row above and took its 评分标准 (exit 0).
- `tab-p38-w40-repeat-units` (jt01): a label's points bracket cut between its digits
  (`（2` | `0分）`) was no bracket: the label kept `（2 0分）` in its text.
- `tab-p24-w60` (fz02): a 评分标准 list cut by the page break (1. 2. 3. | 4.) was taken for the
  next row's, which lost its rules (exit 0).
- `tab-p24-w60` (jx01): a number and its percent sign cut by a wrap (`×100` | `%`) were joined with
  a space.
- `tab-p24-w60` (aq01): a 分值 column in words (`（二十分）`) was no points: six unplaced-text errors.
- `tab-p38-w40-repeat-units` (jt02, jx02): a merged label drawn again at a page top with its 序号 and
  its merged 分值 (`（二） 装备配备 … 7分`) gave the next item the group's points; a 评分标准 list cut
  after its first entry (1. | 2.) was read as a row of its own.
- `tab-p38-w40-repeat-units` (pa01): after a row joined across the page break, the next row was still
  taken for a page top and joined too (减分项 + 一票否决).
- `tab-p30-w34-repeat` (pa01): an amount cut before its unit (`扣0.5` | `分。`) did not join the rows.
- `pdf-rl-mixed` (pa02, a ReportLab PDF whose CJK font is not embedded): on a machine without a CJK
  font pdfium's text page drops every text object of one glyph (序, 号, the `（` of `（二）`): the
  group markers were lost, the groups read as items and the total came to 200 (the page is now read
  by the reference engine).
- `pdf-rl-mixed` (jx02): a merged label cell cut by the page break whose closing rule is not drawn
  is no cell to pdfplumber's finder: its text (过程, 20分) was lost and its items went to the group
  above (exit 1, sums).
- `pdf-rl-mixed` (aj01): a 。 sticking out past a table's right edge was both its cell's and a
  paragraph of its own, which ended the run of tables: 四、案卷程序标准 became a second rubric and
  the first had 70 points (exit 0).

From the adversary's renderings (corpus/adversary_render.py: its DOCX converted by LibreOffice, the
pages before the 附件 left out):

- `pdf-a5` (aq01): at 1.8 lines' spacing every body line's blank is 0.8 of its height, the bar for a
  new paragraph: lines fell apart at random, and the title wrapped onto a second centred line lost its
  first (the rubric's title was 核评分标准; exit 0).
- `pdf-seq-fw` (fz01): a 序号 cell too narrow for `10.` wraps it as `10` | `.`; the wrap gave the
  marker a space (`10 .`, 89 differences, exit 0).
- `pdf-a4-borderless` (jx02): a borderless table whose header is set in the title's bold font, the
  title in larger type: title and header were one run of lines, not a header band, and the table was
  read from a header line guessed by layout (7 of 39 leaves).
- `pdf-a4-borderless` (pa02): rows centred in their height, a 评查要点 cell ending on a full line
  above the next row's: the next row could not begin there (row breaks were only sought where a
  paragraph begins), and the column's cells of six rows were read as one merged cell (30 of 37).
- `pdf-a5-borderless` (jt02): on A5 pages with 12 mm margins the header repeated at a page's top and
  a row at its foot stand in the band kept for running headers and page numbers, where the borderless
  reader never looked: the header's first line was lost and the row became a paragraph (7 of 43).
- `pdf-a4-borderless` (aq01): a band row (一 | 安全生产责任落实) reaching into the blank left of the
  empty 考核项目 column's name, laid first, left the 考核内容 lines below it no gutter: every one of
  them became a band row, and the table ended mid-page (0 of 41); a 评分标准 line carried over with
  its mark (的，扣2分) ended the paragraph above it.
- `pdf-a4-borderless` (yf01): two rows' 考核内容 cells one under the other, the first ending in a
  sentence (…审议。) on a full line: one cell over both rows; the second row lost its text and the
  label of the next group became an item (6 of 40).
- `pdf-a5-borderless` (jx01): the header repeated at each page's top prints 一 of 一/级/指/标 alone in
  the top margin, read as a running header and dropped: the rest of the header was no header, and
  the rows cut by the page breaks (决策 | 过程) were not joined (0 of 35).
- `pdf-a4-borderless-top` (yf01): cells printed at the tops of their rows, a label at the top of its
  merged cell and the rows below blank in its column: the points of the next item were read as centred
  in the row above, and two items' rows became one (39 of 40, exit 0).
- `pdf-a5` (yf01): the 合计 row's 100 cut by the page break between its digits (10 | 0): the rubric stated
  10 points and the 0 was text placed nowhere.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from normalize.cleanup import clean
from normalize.points import column_points, find_points
from zhibiao.pipeline import ingest

from conftest import DATA, GOLDEN_FAMILIES
from golden_compare import catalogue_view, compare, load_golden

HOSTILE = DATA / "hostile_renderings"
FILES = sorted(p.name for p in HOSTILE.iterdir())


@pytest.mark.parametrize("text, points", [
    ("文书使用（六分）", "6"), ("组织领导（十五分）", "15"), ("x(两分)", "2"), ("x（贰分）", "2"),
    ("x(十二分)", "12"), ("x（拾分）", "10"),
])
def test_points_in_chinese_numerals(text, points):
    """（六分） （两分） （贰分）: a points bracket in words has the value of its numeral."""
    pb = find_points(text)
    assert pb is not None and pb.points == Decimal(points) and pb.unit_printed
    assert text[pb.start:pb.end].endswith(("分）", "分)"))


@pytest.mark.parametrize("text", ["（二）组织领导", "x（扣二分）", "x（二）", "（一）健全制度（第三条）"])
def test_numerals_without_points_are_not_points(text):
    """A numbered marker （二）, a deduction （扣二分）: not points."""
    assert find_points(text) is None


@pytest.mark.parametrize("text, joined", [
    ("（2\n0分）", "（20分）"), ("×100\n%", "×100%"), ("共12\n3项", "共123项"), ("Word\n2023", "Word 2023"),
    ("10\n.", "10."), ("实际成本]\n×100%", "实际成本]×100%"), ("version 1.\nNext", "version 1. Next"),
])
def test_wrapped_numbers_join_without_space(text, joined):
    """Digits, or a number and its percent sign, cut by a line wrap are one number again; a sign at a wrap
    takes no space (a Latin sentence going on after its full stop does)."""
    assert clean(text) == joined


@pytest.mark.parametrize("text, points", [("（二十分）", "20"), ("贰分", "2"), ("(十五分)", "15"), ("3", "3")])
def test_points_column_in_words(text, points):
    """A 分值 cell in Chinese numerals with 分 is its value; a bare numeral is not (a 序号 out of place)."""
    assert column_points(text) == (Decimal(points), None)


def test_points_column_bare_numeral_is_not_points():
    assert column_points("二十") is None


def test_points_bracket_cut_between_digits():
    """（2\n0分）: the bracket's number cut by a wrap is still the bracket's points."""
    pb = find_points("执法保障（2\n0分）")
    assert pb is not None and pb.points == Decimal("20")


@pytest.mark.parametrize("name", FILES)
def test_hostile_rendering_equals_golden(name):
    family = name.split(".")[0]
    golden = load_golden(GOLDEN_FAMILIES / f"{family}.json")
    cat = ingest(HOSTILE / name)
    view = catalogue_view(cat)
    view["document"] = golden["document"]  # the tree is compared; the notice block by the family tests
    problems = compare(golden, view, findings=False)
    assert not problems, f"{name}: {len(problems)} differences:\n" + "\n".join(problems[:30])
    errors = [f for f in cat.all_findings() if f.severity == "error"]
    assert not errors, errors[:3]


def test_pdfium_lost_glyphs_read_by_reference_engine():
    """Both engines read the ReportLab PDF with a font not embedded to the same characters."""
    import pdfplumber

    from extract.pdf import _Reader

    path = HOSTILE / "pa02_zongzhi_gongzuo.pdf-rl-mixed.pdf"
    data = path.read_bytes()
    texts = {}
    for engine in ("pdfium", "pdfplumber"):
        with pdfplumber.open(path) as pdf, _Reader(pdf, data, engine) as reader:
            texts[engine] = ["".join(c["text"] for c in reader.page(n).chars) for n in range(1, len(pdf.pages) + 1)]
    assert "序" in texts["pdfium"][1]
    assert [sorted(t) for t in texts["pdfium"]] == [sorted(t) for t in texts["pdfplumber"]]


def test_wrapped_unit_beside_rule_is_no_glued_header():
    """An item's last line `分` beside a rule ending in 分 (经核实后减分) is no header row with a heading
    glued above it (the ReportLab borderless jt01 lost 减分项 3–5 so, exit 0)."""
    from normalize.grid import split_at_headers
    from zhibiao.model import Cell, Source, Table

    src = Source(file="t.txt")
    cells = [Cell(row=0, col=0, text="考核内容", source=src), Cell(row=0, col=1, text="评分标准", source=src),
             Cell(row=1, col=0, text="1.发生执法过错被追究的，每人次减2.5分", source=src),
             Cell(row=1, col=1, text="以追究决定为准", source=src),
             Cell(row=2, col=0, text="2.因执法不当引发群体性事件的，每起减\n分", source=src),
             Cell(row=2, col=1, text="经核实后减分", source=src)]
    out = split_at_headers([Table(cells=cells, source=src)])
    assert len(out) == 1 and len(out[0].cells) == 6
