"""Seed notices printed on other pages (LibreOffice from the corpus DOCX renderings, A5 and landscape A4
with 12 mm margins) give the seed's hand-verified golden, notice block included.

- `borderless-a5-m12` (001): with 12 mm margins the first line of every page stands in the band kept for
  running headers and page numbers: the redhead 陕西省司法厅 was dropped as a running header and the
  notice had no issuer (exit 0); a heading at a page's top (三、示范创建标准) was dropped too.
- `a4-landscape-m12` (004): a full line of an article in body type counted as a centred line, so the
  centred chapter heading under it (第三章 …) ran into the article; on a page whose lines all begin
  indented and end short (the last articles of a regulation) no line marked the text's edges, and
  第十一条 ran into the article above it (now parted where a line begins an article after a sentence's
  end); 附件4 at a page's top was dropped as a running header.
"""

from __future__ import annotations

import pytest

from zhibiao.model import Paragraph, Source
from zhibiao.pipeline import ingest

from conftest import DATA, GOLDEN
from golden_compare import catalogue_view, compare, load_golden

SEEDS = DATA / "seed_renderings"
FILES = sorted(p.name for p in SEEDS.glob("*.pdf"))


@pytest.mark.parametrize("name", FILES)
def test_seed_rendering_equals_golden(name):
    golden = load_golden(GOLDEN / f"{name.split('.')[0]}.json")
    cat = ingest(SEEDS / name)
    problems = compare(golden, catalogue_view(cat), findings=False)
    assert not problems, f"{name}: {len(problems)} differences:\n" + "\n".join(problems[:30])


def _line(text: str) -> Paragraph:
    return Paragraph(text=text, source=Source(file="t.pdf"))


def test_running_headers_are_told_by_repetition():
    """A short line in a margin is a running header when it repeats on other pages (its number going with
    the page's) or is a page number; a line printed once (a redhead, 附件1 and 附件4) is the page's text."""
    from extract.pdf import _running_lines

    lines = [(1, _line("陕西省司法厅")), (1, _line("- 1 -")), (2, _line("某某县司法局文件")), (2, _line("第2页")),
             (3, _line("某某县司法局文件")), (3, _line("附件1")), (5, _line("附件4")),
             (6, _line("第6页 共9页")), (7, _line("共9页第7页")), (8, _line("共9页第8页"))]
    running = _running_lines(lines)
    kept = [p.text for _, p in lines if id(p) not in running]
    assert kept == ["陕西省司法厅", "附件1", "附件4"]


def test_full_line_in_body_type_is_not_a_centred_heading():
    """A centred heading under a full line of body text begins a paragraph; the second, shorter line of a
    centred title in larger type does not."""
    from extract.pdf import _begins_paragraph

    def ln(x0: float, x1: float, top: float, h: float = 10.5) -> dict:
        return {"x0": x0, "x1": x1, "top": top, "bottom": top + h}

    assert _begins_paragraph(ln(55, 807, 313), ln(299, 543, 331), 34, 808, 1.0, 10.5)
    assert not _begins_paragraph(ln(86, 509, 105, 16), ln(282, 314, 128, 16), 71, 537, 1.0, 10.5)


def test_an_article_run_into_the_one_above_is_parted():
    """第十一条 on the line after 第十条's last sentence, in one paragraph, is an article of its own."""
    from zhibiao.model import Layout
    from zhibiao.normalize.regulations import find_regulations

    src = Source(file="t.pdf")
    paras = [Paragraph(text="第一条 为规范考核，制定本制度。", source=src),
             Paragraph(text="第二条 本制度自发布之日起实施，\n第三条 所列情形除外。\n第四条 本制度由县司法局解释。",
                       source=src)]
    regs = find_regulations(Layout(file="t.pdf", sha256="0" * 64, format="pdf", blocks=paras))
    assert [a.number for a in regs[0].articles] == [1, 2, 4]
    assert regs[0].articles[1].text == "本制度自发布之日起实施，第三条所列情形除外。"
