"""新旧对照表 (DOCX, XLSX sheets in Chinese) and version chains A → B → C."""

from __future__ import annotations

import json

import pytest

from zhibiao.cli import main
from zhibiao.diff import crosswalk
from zhibiao.diff.chain import chain, chain_xlsx
from zhibiao.diff.handout import comparison_rows, to_docx
from zhibiao.diff.report import to_xlsx
from zhibiao.pipeline import ingest

from conftest import CORPUS

OLD, MIDDLE, NEW = "001_5886f06ed561739e", "003_fbbff5f31bb9ffc0", "000_1c204f1614fc8d36"
P2 = CORPUS / "pairs" / "p2_zhifa_kaohe"
KIND_WORDS = {"修改", "未修改", "调整位置", "拆分", "合并", "拆分合并", "删除", "新增"}


@pytest.fixture(scope="module")
def seeds():
    return {cid: ingest(CORPUS / f"{cid}.txt") for cid in (OLD, MIDDLE, NEW)}


@pytest.fixture(scope="module")
def written(seeds, tmp_path_factory):
    """`zhibiao diff 2019 2023 --docx` opened again with python-docx."""
    import docx

    path = tmp_path_factory.mktemp("docx") / "对照表.docx"
    assert main(["diff", str(CORPUS / f"{OLD}.txt"), str(CORPUS / f"{NEW}.txt"), "--docx", str(path)]) == 0
    return docx.Document(str(path)), crosswalk(seeds[OLD], seeds[NEW])


def test_docx_is_landscape_a4_with_a_repeated_header_row(written):
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm

    doc, _ = written
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert abs(section.page_width - Mm(297)) < Mm(1) and abs(section.page_height - Mm(210)) < Mm(1)
    [table] = doc.tables
    header = table.rows[0]
    flag = header._tr.trPr.find(qn("w:tblHeader"))
    assert flag is not None and flag.get(qn("w:val")) in ("true", "1", None)
    assert [c.text for c in header.cells] == ["序号", "原条目", "现条目", "变化"]
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋"


def test_docx_title_names_both_versions_and_says_unverified(written):
    doc, cw = written
    title = doc.paragraphs[0].text
    assert title.startswith("《") and title.endswith("新旧对照表（未核实）")
    assert cw.new.title in title
    assert "未核实" in doc.sections[0].header.paragraphs[0].text  # every page


def test_docx_has_a_row_per_link_removed_and_added_item(written, seeds):
    doc, cw = written
    [table] = doc.tables
    body = table.rows[1:]
    assert len(body) == len(cw.links) + len(cw.removed) + len(cw.added)
    assert [r.cells[0].text for r in body] == [str(k) for k in range(1, len(body) + 1)]
    words = [r.cells[3].paragraphs[0].text for r in body]
    assert set(words) <= KIND_WORDS
    assert words.count("删除") == len(cw.removed) and words.count("新增") == len(cw.added)
    assert words.count("拆分") == sum(1 for x in cw.links if x.kind == "split")
    assert words.count("合并") == sum(1 for x in cw.links if x.kind == "merge")
    # removed items in the old document's order, added ones in the new one's
    removed = [r.cells[1].text.split("\u3000")[0] for r in body if r.cells[3].paragraphs[0].text == "删除"]
    added = [r.cells[2].text.split("\u3000")[0] for r in body if r.cells[3].paragraphs[0].text == "新增"]
    assert removed == cw.removed and sorted(added) == sorted(cw.added)
    # each added item comes after the row of the nearest linked item before it in the new document
    new_order = [i.id for i in seeds[NEW].main_rubric().leaves()]
    linked = {x for link in cw.links for x in link.new}
    seen: set[str] = set()
    for r in body:
        ids = {p.text.split("\u3000")[0] for p in r.cells[2].paragraphs if p.text}
        if r.cells[3].paragraphs[0].text == "新增":
            [ident] = ids
            before = [x for x in new_order[:new_order.index(ident)] if x in linked]
            assert not before or before[-1] in seen, ident
        seen |= ids


def test_docx_stricter_threshold_and_points(written):
    """2019 (88) 50% → 2023 item 98 60%: 修改, stricter, old → new; and a link whose points moved."""
    doc, cw = written
    [table] = doc.tables
    rows = {r.cells[1].text.split("\u3000")[0]: r for r in table.rows[1:]}
    row = rows["3.1.1.88"]
    assert row.cells[2].text.startswith("5.1.98\u3000")
    change = row.cells[3].text
    assert change.startswith("修改") and "比例要求更严格：占 50%以上→占 60%以上" in change
    moved = next(x for x in cw.links if x.kind == "one_to_one" and "points" in x.changes
                 and x.evidence.old_points is not None and x.evidence.new_points is not None)
    text = rows[moved.old[0]].cells[3].text
    assert f"分值 {moved.evidence.old_points}→{moved.evidence.new_points}" in text


def test_comparison_rows_on_a_small_pair():
    old, new = ingest(P2 / "old.txt"), ingest(P2 / "new.txt")
    cw = crosswalk(old, new)
    rows = comparison_rows(cw, old, new)
    by_old = {tuple(r.old): r for r in rows if r.old}
    assert by_old[("3.17",)].change() == "修改；比例要求更严格：达到 50%以上→达到 60%以上"
    assert by_old[("2.12",)].change() == "修改；分值 2→1；时限要求更严格：20个工作日内→10个工作日内"
    assert by_old[("1.6", "1.7")].change() == "合并；两项合并为一项；分值 2→1"
    assert by_old[("2.14",)].word == "删除"
    assert to_docx(cw, old, new)[:2] == b"PK"


def test_xlsx_opens_with_the_table_in_chinese(seeds, tmp_path):
    from openpyxl import load_workbook

    cw = crosswalk(seeds[OLD], seeds[NEW])
    path = tmp_path / "cw.xlsx"
    path.write_bytes(to_xlsx(cw, seeds[OLD], seeds[NEW]))
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["新旧对照表", "一级指标分值变化"]
    table = wb["新旧对照表"]
    assert table["A1"].value.endswith("新旧对照表（未核实）")
    assert [c.value for c in table[2]] == ["序号", "原编号", "原条目", "原分值", "现编号", "现条目", "现分值", "变化",
                                           "变化说明", "相似度"]
    assert table.max_row == 2 + len(cw.links) + len(cw.removed) + len(cw.added)
    assert {r[7] for r in table.iter_rows(min_row=3, values_only=True)} <= KIND_WORDS
    assert table.freeze_panes == "A3" and all(c.font.bold for c in table[2])
    assert table.page_setup.orientation == "landscape" and int(table.page_setup.paperSize) == 9
    assert int(table.page_setup.fitToWidth) == 1 and table.print_title_rows == "$1:$2"
    weights = wb["一级指标分值变化"]
    assert [c.value for c in weights[2]][:3] == ["原编号", "原一级指标", "原分值"]
    assert all(ws.oddHeader.center.text == "未核实" for ws in wb.worksheets)


def test_html_labels_kinds_in_chinese(seeds):
    from zhibiao.diff.report import to_html

    html = to_html(crosswalk(seeds[OLD], seeds[NEW]), seeds[OLD], seeds[NEW])
    assert "kind-one_to_one\">修改" in html and "kind-merge\">合并" in html


def test_chain_of_three_composes(seeds):
    cats = [seeds[OLD], seeds[MIDDLE], seeds[NEW]]
    ch, steps = chain(cats)
    assert len(ch.versions) == 3 and len(steps) == 2
    for v, cat in enumerate(cats):  # every leaf of every version in exactly one lineage
        ids = [x for lin in ch.lineages for x in lin.ids[v]]
        assert sorted(ids) == sorted(i.id for i in cat.main_rubric().leaves())
    lin = next(lin for lin in ch.lineages if "3.1.1.88" in lin.ids[0])
    assert lin.ids[2] == ["5.1.98"] and len(lin.ids[1]) == 1
    assert "numbers" in lin.changes[1] and lin.steps[1] == ["one_to_one"]
    new_areas = [lin for lin in ch.lineages if not lin.ids[0] and not lin.ids[1]]
    assert new_areas and all(lin.steps[1] == ["added"] for lin in new_areas)


def test_chain_command(tmp_path, capsys):
    from openpyxl import load_workbook

    old, new = P2 / "old.txt", P2 / "new.txt"
    out, xlsx, docx_path = tmp_path / "chain.json", tmp_path / "chain.xlsx", tmp_path / "chain.docx"
    code = main(["diff", str(old), str(new), str(new), "-o", str(out), "--xlsx", str(xlsx), "--docx", str(docx_path)])
    assert code == 0
    stdout = capsys.readouterr().out
    assert "old.txt → new.txt → new.txt" in stdout and "lineages" in stdout and "wrote" in stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["direction"] == "oldest -> newest" and len(data["versions"]) == 3
    lin = next(x for x in data["lineages"] if x["ids"][0] == ["3.17"])
    assert lin["ids"] == [["3.17"], ["3.16"], ["3.16"]] and lin["steps"] == [["one_to_one"], ["one_to_one"]]
    merged = next(x for x in data["lineages"] if x["ids"][0] == ["1.6", "1.7"])
    assert merged["ids"][1:] == [["1.4"], ["1.4"]] and merged["steps"][0] == ["merge"]
    ws = load_workbook(xlsx)["版本沿革"]
    headers = [c.value for c in ws[2]]
    assert headers[0] == "序号" and headers[1].startswith("第1版") and headers[3].startswith("第2版")
    assert headers[5].startswith("第3版") and headers[2].startswith("变化")
    assert ws.max_row == 2 + len(data["lineages"])
    assert docx_path.read_bytes()[:2] == b"PK"
    assert main(["diff", str(old), str(new), str(new), "--html", str(tmp_path / "x.html")]) == 64


def test_chain_xlsx_without_cli():
    cats = [ingest(P2 / "old.txt"), ingest(P2 / "new.txt")]
    ch, steps = chain(cats)  # two versions make a chain too
    assert chain_xlsx(ch, steps, cats)[:2] == b"PK"


def test_cli_help_names_the_new_options(capsys):
    assert main(["diff", "--help"]) == 0
    text = capsys.readouterr().out
    assert "--docx" in text and "新旧对照表" in text and "[MORE]..." in text and "chain" in text


def test_docx_output_error_goes_through_errors(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = main(["diff", str(P2 / "old.txt"), str(P2 / "new.txt"), "--docx", str(blocker / "r.docx")])
    assert code == 5 and "cannot write output" in capsys.readouterr().err
