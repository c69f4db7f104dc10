"""The DOCX reader: body order, merged cells resolved to one cell with spans, nested tables, damage refused."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml import parse_xml

from zhibiao import extract
from zhibiao.errors import CorruptFile
from zhibiao.extract.docx import read_docx
from zhibiao.model import Cell, Layout, Paragraph, Source, Table
from zhibiao.pipeline import ingest

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
NAME = "notice.docx"


def _bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _para(text: str, n: int) -> Paragraph:
    return Paragraph(text=text, source=Source(file=NAME, locator=f"paragraph {n}"))


def _cell(text: str, row: int, col: int, row_span: int = 1, col_span: int = 1, table: int = 1) -> Cell:
    return Cell(text=text, row=row, col=col, row_span=row_span, col_span=col_span,
                source=Source(file=NAME, locator=f"table {table} row {row + 1} cell {col + 1}"))


def _notice() -> bytes:
    """Paragraphs, then a table with a merged first column, a gridSpan cell, three paragraphs and a nested table."""
    d = docx.Document()
    d.add_paragraph("关于开展年度考核工作的通知")
    d.add_paragraph("")
    p = d.add_paragraph("各单位：\t现将指标印发如下")
    p.add_run().add_break()
    p.add_run("请遵照执行。")
    t = d.add_table(rows=4, cols=3)
    for col, head in enumerate(["一级指标", "二级指标", "分值"]):
        t.cell(0, col).text = head
    t.cell(1, 0).merge(t.cell(3, 0)).text = "组织领导"
    t.cell(1, 1).merge(t.cell(1, 2)).text = "成立专班，明确分工"
    three = t.cell(2, 1)
    three.text = "第一段"
    three.add_paragraph("第二段")
    three.add_paragraph("第三段")
    t.cell(2, 2).text = "2分"
    outer = t.cell(3, 1)
    outer.text = "考核内容"
    inner = outer.add_table(rows=2, cols=2)
    for (r, c), value in {(0, 0): "甲", (0, 1): "乙", (1, 0): "丙", (1, 1): ""}.items():
        inner.cell(r, c).text = value
    t.cell(3, 2).text = "1分"
    d.add_paragraph("附件：评分细则")
    return _bytes(d)


def test_docx_layout_is_exact():
    layout = read_docx(_notice(), NAME, "abc")
    table = Table(source=Source(file=NAME, locator="table 1"), cells=[
        _cell("一级指标", 0, 0), _cell("二级指标", 0, 1), _cell("分值", 0, 2),
        _cell("组织领导", 1, 0, row_span=3), _cell("成立专班，明确分工", 1, 1, col_span=2),
        _cell("第一段\n第二段\n第三段", 2, 1), _cell("2分", 2, 2),
        _cell("考核内容\n甲\n乙\n丙", 3, 1), _cell("1分", 3, 2),
    ])
    assert layout == Layout(file=NAME, sha256="abc", format="docx", blocks=[
        _para("关于开展年度考核工作的通知", 1),
        _para("各单位：\t现将指标印发如下\n请遵照执行。", 3),
        table,
        _para("附件：评分细则", 4),
    ])
    assert all(c.page is None for c in table.cells)
    # nothing but plain data leaves the reader: the layout survives a JSON round trip unchanged
    assert Layout.model_validate_json(layout.model_dump_json()) == layout


def _from_body(body_xml: str) -> bytes:
    """A DOCX whose body is exactly body_xml (plus the section properties python-docx adds)."""
    d = docx.Document()
    body = d.element.body
    sect = body[-1]
    for child in list(body):
        body.remove(child)
    for child in parse_xml(f"<w:body {W_NS}>{body_xml}</w:body>"):
        body.append(child)
    body.append(sect)
    return _bytes(d)


def _tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def test_docx_xml_details():
    """gridBefore, legacy hMerge, text in a vMerge continuation, content controls and tracked changes."""
    body = (
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>控件内段落</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        "<w:p><w:r><w:t xml:space=\"preserve\">保留 </w:t></w:r><w:del><w:r><w:delText>删除</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>插入</w:t></w:r></w:ins><w:hyperlink><w:r><w:t>链接</w:t></w:r></w:hyperlink>"
        "<w:r><w:br w:type=\"page\"/><w:t>分页后</w:t></w:r></w:p>"
        "<w:tbl><w:tr>"
        + _tc("A", "<w:vMerge w:val='restart'/>") + _tc("B", "<w:hMerge w:val='restart'/>") + _tc("", "<w:hMerge/>")
        + "</w:tr><w:tr>" + _tc("续", "<w:vMerge/>") + _tc("C") + _tc("D")
        + "</w:tr><w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr>" + _tc("E", "<w:gridSpan w:val='2'/>")
        + "</w:tr></w:tbl>"
    )
    layout = read_docx(_from_body(body), NAME, "abc")
    assert layout.blocks == [
        _para("控件内段落", 1),
        _para("保留 插入链接分页后", 2),
        Table(source=Source(file=NAME, locator="table 1"), cells=[
            _cell("A\n续", 0, 0, row_span=2), _cell("B", 0, 1, col_span=2),
            _cell("C", 1, 1), _cell("D", 1, 2),
            _cell("E", 2, 1, col_span=2),
        ]),
    ]
    assert layout.warnings == []


def test_text_box_is_reported_not_read():
    body = ("<w:p><w:r><w:t>正文</w:t></w:r><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p>"
            "</w:txbxContent></w:pict></w:r></w:p>")
    layout = read_docx(_from_body(body), NAME, "abc")
    assert layout.blocks == [_para("正文", 1)]
    assert layout.warnings == ["1 text box(es) with text were not read"]


def _rewrite(data: bytes, member: str, content: bytes | None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename == member:
                if content is not None:
                    dst.writestr(info, content)
            else:
                dst.writestr(info, src.read(info.filename))
    return out.getvalue()


@pytest.mark.parametrize("damage, reason", [
    (lambda d: d[: len(d) // 2], "zip container is damaged"),
    (lambda d: b"PK\x03\x04" + b"\x00" * 64, "zip container is damaged"),
    (lambda d: _rewrite(d, "word/document.xml", b"<w:document><w:body><w:p>"), "cannot be parsed"),
    (lambda d: _rewrite(d, "[Content_Types].xml", None), "part of the package is missing"),
])
def test_damaged_docx_raises_corrupt_file(damage, reason):
    with pytest.raises(CorruptFile) as info:
        read_docx(damage(_notice()), NAME, "abc")
    assert reason in str(info.value)


def test_damaged_document_xml_through_read(tmp_path):
    path = tmp_path / NAME
    path.write_bytes(_rewrite(_notice(), "word/document.xml", b"not xml at all"))
    with pytest.raises(CorruptFile) as info:
        extract.read(path)
    assert str(path) in str(info.value) and "cannot be parsed" in str(info.value)


RUBRIC = ["一、组织领导（2分）", "（一）成立工作专班（2分）", "1. 制定实施方案（1分）", "2. 明确责任分工（1分）"]


def _rubric_paragraphs() -> bytes:
    d = docx.Document()
    d.add_paragraph("某某县年度考核指标")
    for line in RUBRIC:
        d.add_paragraph(line)
    return _bytes(d)


def _rubric_table() -> bytes:
    d = docx.Document()
    d.add_paragraph("某某县年度考核指标")
    t = d.add_table(rows=3, cols=3)
    for col, head in enumerate(["一级指标", "二级指标", "三级指标"]):
        t.cell(0, col).text = head
    t.cell(1, 0).merge(t.cell(2, 0)).text = RUBRIC[0]
    t.cell(1, 1).merge(t.cell(2, 1)).text = RUBRIC[1]
    t.cell(1, 2).text = RUBRIC[2]
    t.cell(2, 2).text = RUBRIC[3]
    return _bytes(d)


@pytest.mark.parametrize("build", [_rubric_paragraphs, _rubric_table], ids=["paragraphs", "merged-table"])
def test_docx_rubric_end_to_end(tmp_path, build):
    path = tmp_path / "rubric.docx"
    path.write_bytes(build())
    catalogue = ingest(path)
    assert catalogue.document.format == "docx"
    [rubric] = catalogue.rubrics
    got = [(i.id, i.marker, i.text, str(i.points)) for i in rubric.walk()]
    assert got == [("1", "一、", "组织领导", "2"), ("1.1", "（一）", "成立工作专班", "2"),
                   ("1.1.1", "1.", "制定实施方案", "1"), ("1.1.2", "2.", "明确责任分工", "1")]
    assert not [f for f in rubric.findings if f.severity == "error"]
