"""The HTML reader: charset detection, boilerplate dropped, blocks and spanned tables in document order."""

from __future__ import annotations

import pytest

from zhibiao.errors import CorruptFile
from zhibiao.extract.html import read_html
from zhibiao.model import Cell, Layout, Paragraph, Source, Table
from zhibiao.pipeline import ingest

NAME = "notice.html"

PAGE = "\n".join([
    '<!DOCTYPE html>',                                                         # 1
    '<html><head><meta charset="utf-8"><title>通知</title>',                   # 2
    '<style>p { color: red }</style><script>var nav = "首页";</script>',       # 3
    '</head><body>',                                                           # 4
    '<header><div class="logo">某某市人民政府</div></header>',                 # 5
    '<div id="mainNav"><a href="/">首页</a><a href="/zw">政务公开</a></div>',  # 6
    '<div class="Breadcrumb">当前位置：首页 &gt; 通知公告</div>',              # 7
    '<div class="article">',                                                   # 8
    '  <h1>关于开展年度',                                                       # 9
    '      考核工作的通知</h1>',                                                # 10
    '  <p>各单位：<br>',                                                        # 11
    '     现将指标印发如下。</p>',                                              # 12
    '  <div>第一行<br>第二行<br><br>',                                          # 13
    '    第三行</div>',                                                         # 14
    '  <table border="1">',                                                    # 15
    '    <tr><th rowspan="2">一级指标</th><th colspan="2">二级指标</th></tr>',  # 16
    '    <tr><td>甲<br>乙</td><td><p>丙</p>',                                   # 17
    '      <p>丁</p></td></tr>',                                                # 18
    '    <tr><td>合计</td><td colspan="2">10分</td></tr>',                      # 19
    '  </table>',                                                              # 20
    '  <div class="bdsharebuttonbox">分享到：<a>微信</a></div>',                # 21
    '  <p>某某市人民政府办公室</p>',                                            # 22
    '</div>',                                                                  # 23
    '<aside>相关阅读</aside>',                                                  # 24
    '<div class="footer-wrap">版权所有：某某市人民政府</div>',                   # 25
    '<footer>网站标识码</footer>',                                              # 26
    '</body></html>',                                                          # 27
])
ARTICLE = "/html/body/div[3]"
BOILERPLATE = ["首页", "政务公开", "当前位置", "分享", "微信", "相关阅读", "版权所有", "网站标识码", "color", "var"]


def _src(path: str, line: int) -> Source:
    return Source(file=NAME, locator=path, lines=(line, line))


def _para(text: str, path: str, line: int) -> Paragraph:
    return Paragraph(text=text, source=_src(path, line))


def _cell(text: str, row: int, col: int, path: str, line: int, row_span: int = 1, col_span: int = 1) -> Cell:
    return Cell(text=text, row=row, col=col, row_span=row_span, col_span=col_span, source=_src(path, line))


def _all_text(layout: Layout) -> str:
    parts = []
    for block in layout.blocks:
        parts.extend([block.text] if isinstance(block, Paragraph) else [c.text for c in block.cells])
    return "\n".join(parts)


def test_html_layout_is_exact():
    layout = read_html(PAGE.encode("utf-8"), NAME, "abc")
    table = f"{ARTICLE}/table"
    assert layout == Layout(file=NAME, sha256="abc", format="html", encoding="utf-8", blocks=[
        _para("关于开展年度 考核工作的通知", f"{ARTICLE}/h1", 9),
        _para("各单位：\n现将指标印发如下。", f"{ARTICLE}/p[1]", 11),
        _para("第一行", f"{ARTICLE}/div[1]", 13),
        _para("第二行", f"{ARTICLE}/div[1]", 13),
        _para("第三行", f"{ARTICLE}/div[1]", 14),
        Table(source=_src(table, 15), cells=[
            _cell("一级指标", 0, 0, f"{table}/tr[1]/th[1]", 16, row_span=2),
            _cell("二级指标", 0, 1, f"{table}/tr[1]/th[2]", 16, col_span=2),
            _cell("甲\n乙", 1, 1, f"{table}/tr[2]/td[1]", 17),
            _cell("丙\n丁", 1, 2, f"{table}/tr[2]/td[2]", 17),
            _cell("合计", 2, 0, f"{table}/tr[3]/td[1]", 19),
            _cell("10分", 2, 1, f"{table}/tr[3]/td[2]", 19, col_span=2),
        ]),
        _para("某某市人民政府办公室", f"{ARTICLE}/p[2]", 22),
    ])
    text = _all_text(layout)
    assert not [word for word in BOILERPLATE if word in text]
    assert Layout.model_validate_json(layout.model_dump_json()) == layout


def test_gbk_declared_page_given_as_gbk_bytes():
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=GBK"></head>'
            '<body><p>关于印发《考核办法》的通知</p><table><tr><td>一级指标</td><td>分值</td></tr></table></body></html>')
    data = page.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    layout = read_html(data, NAME, "abc")
    assert layout.encoding == "gb18030" and layout.warnings == []
    assert layout.blocks[0] == _para("关于印发《考核办法》的通知", "/html/body/p", 1)
    assert [c.text for c in layout.blocks[1].cells] == ["一级指标", "分值"]


@pytest.mark.parametrize("data, encoding, warning", [
    ("\ufeff<html><body><p>带BOM的页面</p></body></html>".encode("utf-8"), "utf-8", None),
    ('<html><head><meta charset="gb2312"></head><body><p>声明与内容不符</p></body></html>'.encode(),
     "utf-8", "declared charset 'gb2312' but the bytes are UTF-8; read as UTF-8"),
    ("<html><body><p>未声明编码的国标页面</p></body></html>".encode("gbk"), "gb18030", None),
    ('<html><head><meta charset="x-unknown"></head><body><p>未知编码</p></body></html>'.encode(),
     "utf-8", "unknown declared charset 'x-unknown' ignored"),
])
def test_charset_fallbacks(data, encoding, warning):
    layout = read_html(data, NAME, "abc")
    assert layout.encoding == encoding
    assert layout.warnings == ([warning] if warning else [])
    assert len(layout.blocks) == 1 and "\ufffd" not in layout.blocks[0].text


def test_layout_table_and_page_wrapping_form():
    """An ASP.NET-style form around the page and a layout table around the article are read through."""
    filler = "本通知自印发之日起施行，请各单位结合实际认真贯彻落实。" * 8
    page = ('<html><body><form id="form1"><form class="search"><input name="q">搜索</form>'
            '<table width="960"><tr><td class="sidebar-left">栏目导航</td><td>'
            f'<p>正文第一段</p>说明一<br>说明二<table><tr><td>指标</td><td>分值</td></tr></table><p>{filler}</p>'
            '</td></tr></table></form></body></html>')
    layout = read_html(page.encode("utf-8"), NAME, "abc")
    kinds = [(b.kind, b.text if isinstance(b, Paragraph) else [c.text for c in b.cells]) for b in layout.blocks]
    assert kinds == [("paragraph", "正文第一段"), ("paragraph", "说明一"), ("paragraph", "说明二"),
                     ("table", ["指标", "分值"]), ("paragraph", filler)]


def test_header_inside_article_is_content():
    page = ("<html><body><header>网站页头</header><article><header><h1>关于开展考核的通知</h1></header>"
            "<p>正文</p><footer>2024年3月1日</footer></article><footer>网站页脚</footer></body></html>")
    texts = [b.text for b in read_html(page.encode("utf-8"), NAME, "abc").blocks]
    assert texts == ["关于开展考核的通知", "正文", "2024年3月1日"]


def test_too_deeply_nested_page_is_corrupt():
    page = b"<html><body>" + b"<div>" * 400 + "正文".encode() + b"</div>" * 400 + b"</body></html>"
    with pytest.raises(CorruptFile, match="nested too deeply"):
        read_html(page, NAME, "abc")


RUBRIC = ["一、组织领导（2分）", "（一）成立工作专班（2分）", "1. 制定实施方案（1分）", "2. 明确责任分工（1分）"]
CHROME = ('<div class="nav">首页 | 通知公告（1分）</div>'
          '<div class="share">分享到：微信（2分）</div><footer>版权所有（3分）</footer>')


def _rubric_paragraphs() -> str:
    body = "".join(f"<p>{line}</p>\n" for line in RUBRIC)
    return f"<html><body>{CHROME}<h2>某某县年度考核指标</h2>\n{body}{CHROME}</body></html>"


def _rubric_table() -> str:
    rows = ("<tr><th>一级指标</th><th>二级指标</th><th>三级指标</th></tr>"
            f'<tr><td rowspan="2">{RUBRIC[0]}</td><td rowspan="2">{RUBRIC[1]}</td><td>{RUBRIC[2]}</td></tr>'
            f"<tr><td>{RUBRIC[3]}</td></tr>")
    return f"<html><body>{CHROME}<h2>某某县年度考核指标</h2><table>{rows}</table>{CHROME}</body></html>"


@pytest.mark.parametrize("build", [_rubric_paragraphs, _rubric_table], ids=["paragraphs", "rowspan-table"])
def test_html_rubric_end_to_end(tmp_path, build):
    path = tmp_path / "rubric.html"
    path.write_text(build(), encoding="utf-8")
    catalogue = ingest(path)
    assert catalogue.document.format == "html"
    [rubric] = catalogue.rubrics
    got = [(i.id, i.marker, i.text, str(i.points)) for i in rubric.walk()]
    assert got == [("1", "一、", "组织领导", "2"), ("1.1", "（一）", "成立工作专班", "2"),
                   ("1.1.1", "1.", "制定实施方案", "1"), ("1.1.2", "2.", "明确责任分工", "1")]
    assert not [f for f in rubric.findings if f.severity == "error"]
