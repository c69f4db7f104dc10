"""The review web app through FastAPI's TestClient: pages, CSRF, uploads, escaping, edits, verification, API."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from zhibiao.model import Catalogue, Crosswalk
from zhibiao.web import create_app

from conftest import CORPUS, NARRATIVE, PDF_2023, ROOT, SEED_2019 as TXT_2019, SEED_2023 as TXT_2023, csrf_token

DOCX_2019 = CORPUS / "renderings" / "001_5886f06ed561739e.docx"
HTML_2020 = CORPUS / "renderings" / "003_fbbff5f31bb9ffc0.html"

HEAD = "示例指标体系\n\n一级指标\t二级指标\t三级指标\n"
# 1.1 says 3 points but its items add up to 2.5 (an error); the text carries markup that must stay text
SCRIPT_TXT = (HEAD + "一、执法办案（5分）\t（一）基本认识<script>alert(1)</script>（3分）\t"
              "1. 执法人员清楚<script>alert(\"x\")</script>基本要求。（1分） 2. 执法人员熟悉执法事项。（1.5分）\n"
              "\t（二）组织权限（2分）\t3. 案源均有记录。（1分） 4. 所办案件属本单位管辖。（1分）\n"
              "二、执法责任（5分）\t（一）梳理执法依据（5分）\t"
              "5. 执法事项分解到人员。（2分） 6. 执法事项相互衔接。（3分）\n")
# everything reconciles: 11 indicators, no errors
CLEAN_TXT = (HEAD + "一、执法办案（5分）\t（一）基本认识（3分）\t"
             "1. 执法人员清楚基本要求。（1分） 2. 执法人员熟悉执法事项。（2分）\n"
             "\t（二）组织权限（2分）\t3. 案源均有记录。（1分） 4. 所办案件属本单位管辖。（1分）\n"
             "二、执法责任（5分）\t（一）梳理执法依据（5分）\t"
             "5. 执法事项分解到人员。（2分） 6. 执法事项相互衔接。（3分）\n")


# --- helpers -----------------------------------------------------------------------------------


def token(client: TestClient) -> str:
    return csrf_token(client)


def sign_in(client: TestClient, name: str = "张三") -> str:
    tok = token(client)
    r = client.post("/reviewer", data={"name": name, "next": "/", "csrf_token": tok})
    assert r.status_code == 200 and name in r.text
    return tok


def upload(client: TestClient, name: str, data: bytes | Path, **kw):
    if isinstance(data, Path):
        data = data.read_bytes()
    return client.post("/upload", data={"csrf_token": token(client)}, files={"file": (name, data)}, **kw)


def cat_id_of(response) -> int:
    return int(re.search(r"/catalogues/(\d+)", str(response.url))[1])


def form_of(html: str, action: str) -> str:
    """The HTML of the first form posting to action."""
    m = re.search(r'<form method="post" action="' + re.escape(action) + r'".*?</form>', html, re.S)
    assert m, f"no form for {action}"
    return m[0]


def hidden(form: str, name: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="' + re.escape(name) + r'" value="([^"]*)"', form)


def api_headers(client: TestClient) -> dict:
    return {"X-Zhibiao-CSRF": client.get("/api/session").json()["csrf_token"]}


@pytest.fixture
def clean(client, tmp_path) -> int:
    """A signed-in client with the clean rubric uploaded: its catalogue id."""
    sign_in(client)
    r = upload(client, "clean.txt", CLEAN_TXT.encode())
    assert r.status_code == 200
    return cat_id_of(r)


# --- pages -------------------------------------------------------------------------------------


def test_every_page_renders(client):
    r = client.get("/")
    assert r.status_code == 200 and "指标目录" in r.text and "上传" in r.text and "审核人姓名" in r.text
    assert 'lang="zh-CN"' in r.text
    sign_in(client)
    new = cat_id_of(upload(client, TXT_2023.name, TXT_2023))
    old = cat_id_of(upload(client, TXT_2019.name, TXT_2019))
    home = client.get("/")
    assert "陕西省行政执法质量考评指标体系（2023年版）" in home.text and TXT_2019.name in home.text
    assert "未核实" in home.text and "第 1 版" in home.text

    page = client.get(f"/catalogues/{new}")
    assert page.status_code == 200
    assert "靖政司函〔2023〕59号" in page.text and "末级 205 项" in page.text
    assert "标签缺失" in page.text and "分值由下级推算" in page.text and "分值缺少“分”字" in page.text
    assert 'class="ind lvl-2 sev-warning" data-id="7.2"' in page.text  # findings highlighted
    assert "下级合计 10 分" in page.text

    for path in (f"/catalogues/{new}/indicators/1.1", f"/catalogues/{new}/indicators/7.2",
                 f"/catalogues/{new}/indicators/1.1/source", f"/catalogues/{new}/history", "/compare",
                 "/reviewer?next=/", f"/catalogues/{new}?version=1"):
        r = client.get(path)
        assert r.status_code == 200, path
    assert "该指标在原文中没有对应位置" in client.get(f"/catalogues/{new}/indicators/7.2").text

    r = client.post("/compare", data={"csrf_token": token(client), "old": str(old), "new": str(new)})
    assert r.status_code == 200 and str(r.url).endswith(f"/compare/{old}/{new}")
    assert "对应关系" in r.text and "<iframe" not in r.text, "the report is part of the page, not a frame"
    assert 'id="cw-report"' in r.text and "一级指标分值变化" in r.text and "<style>" not in r.text
    report = client.get(f"/compare/{old}/{new}/report")
    assert report.status_code == 200 and "指标对照（旧 → 新）" in report.text
    assert "sandbox" in report.headers["content-security-policy"]
    assert client.get(f"/compare/{new}/{old}").status_code == 404

    missing = client.get("/catalogues/999")
    assert missing.status_code == 404 and "没有找到该目录" in missing.text
    assert client.get("/no-such-page").status_code == 404


def test_source_snippets_by_format(client):
    sign_in(client)
    txt = cat_id_of(upload(client, TXT_2023.name, TXT_2023))
    frag = client.get(f"/catalogues/{txt}/indicators/1.5.16/source").text
    assert "第 85 行" in frag and "<mark>16. 所办案件定案证据合法。(0.5分)</mark>" in frag
    assert "&lt;p&gt;" not in frag and "<p>16." not in frag, "the line's markup is stripped"
    pdf = cat_id_of(upload(client, PDF_2023.name, PDF_2023))
    frag = client.get(f"/catalogues/{pdf}/indicators/1.1/source").text
    assert "第 4 页" in frag and "基本认识" in frag
    docx = cat_id_of(upload(client, DOCX_2019.name, DOCX_2019))
    frag = client.get(f"/catalogues/{docx}/indicators/1/source").text
    assert "表 1 第 2 行 第 1 格" in frag
    html = cat_id_of(upload(client, HTML_2020.name, HTML_2020))
    frag = client.get(f"/catalogues/{html}/indicators/1.1/source").text
    assert "网页元素（第 190 行）" in frag and "/html/body" not in frag and "<td" not in frag


# --- CSRF, reviewer, uploads -----------------------------------------------------------------


def test_csrf_rejected_without_token(client, clean):
    form = form_of(client.get(f"/catalogues/{clean}/indicators/1.1.1/panel").text, f"/catalogues/{clean}/verify")
    data = {"verify": hidden(form, "verify"), "next": "/"}
    r = client.post(f"/catalogues/{clean}/verify", data=data)
    assert r.status_code == 403 and "CSRF" in r.text and "请求被拒绝" in r.text
    r = client.post(f"/catalogues/{clean}/verify", data={**data, "csrf_token": "forged"})
    assert r.status_code == 403
    r = client.post("/upload", files={"file": ("clean.txt", CLEAN_TXT.encode())})
    assert r.status_code == 403
    r = client.post("/reviewer", data={"name": "李四"})
    assert r.status_code == 403
    r = client.post("/compare", data={"old": "1", "new": "1"})
    assert r.status_code == 403
    # another browser's token does not count
    with TestClient(client.app) as other:
        foreign = token(other)
    assert client.post(f"/catalogues/{clean}/verify-catalogue", data={"csrf_token": foreign}).status_code == 403
    # the API wants the header
    r = client.post("/api/session", json={"reviewer": "李四"})
    assert r.status_code == 403 and r.json()["code"] == "csrf"
    r = client.post("/api/session", json={"reviewer": "李四"}, headers={"X-Zhibiao-CSRF": foreign})
    assert r.status_code == 403
    # nothing happened
    assert client.get(f"/api/catalogues/{clean}/history").json() == []
    assert "李四" not in client.get("/").text


def test_reviewer_is_asked_once_and_required(client):
    tok = token(client)
    r = client.post("/upload", data={"csrf_token": tok}, files={"file": ("clean.txt", CLEAN_TXT.encode())},
                    headers={"referer": "http://testserver/"})
    assert r.status_code == 400 and "请先填写审核人姓名" in r.text and 'name="name"' in r.text
    assert client.get("/api/catalogues").json() == []
    r = client.post("/reviewer", data={"name": "  王 五 ", "next": "https://evil.example/", "csrf_token": tok})
    assert str(r.url) == "http://testserver/" and "王 五" in r.text  # external next ignored
    assert client.get("/api/session").json()["reviewer"] == "王 五"
    r = client.post("/reviewer", data={"name": "   ", "csrf_token": tok})
    assert r.status_code == 422


def test_upload_size_limit(store):
    app = create_app(store, max_upload_bytes=4000, secret_key="s")
    with TestClient(app) as client:
        sign_in(client)
        r = upload(client, "big.txt", CLEAN_TXT.encode() + "。".encode() * 2000)
        assert r.status_code == 413 and "文件太大" in r.text and "3.9 KB" in r.text
        # a body far over the limit is refused from its Content-Length, before it is read
        r = upload(client, "huge.txt", b"x" * (1024 * 1024 + 10_000))
        assert r.status_code == 413 and "上传上限为 3.9 KB" in r.text
        r = client.post("/api/catalogues", files={"file": ("big.txt", b"a" * 5000)}, headers=api_headers(client))
        assert r.status_code == 413 and r.json()["code"] == "too_large"

        # a streamed body without Content-Length is cut off once it passes the cap
        def chunks():
            yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.txt\"\r\n\r\n"
            for _ in range(40):
                yield b"y" * 65536

        r = client.post("/api/catalogues", content=chunks(),
                        headers={"content-type": "multipart/form-data; boundary=b", **api_headers(client)})
        assert r.status_code == 413 and "上传上限为 3.9 KB" in r.json()["detail"]
        assert client.get("/api/catalogues").json() == []


@pytest.mark.parametrize("name, data", [
    ("notice.txt", b"\x00\x01\x02binary\x00" * 20),
    ("notice.docx", b"PK\x03\x04" + b"\x00" * 40),
    ("archive.zip", None),
])
def test_upload_type_by_content(client, name, data):
    if data is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("readme.txt", "not a word document")
        data = buf.getvalue()
    sign_in(client)
    r = upload(client, name, data)
    assert r.status_code == 415 and "文件类型不支持" in r.text
    r = client.post("/api/catalogues", files={"file": (name, data)}, headers=api_headers(client))
    assert r.status_code == 415 and r.json()["code"] == "unsupported_type"


@pytest.mark.parametrize("data, status, words", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"IHDR", 422, "文件已损坏"),  # no IHDR where it belongs
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (20_000).to_bytes(4, "big") * 2 + b"\x08\x00\x00\x00\x00", 413,
     "像素过多"),
])
def test_an_image_upload_is_judged_by_its_header_at_once(client, data, status, words):
    """Images are accepted (read by OCR); one whose header is damaged, or names 400 million pixels, is refused
    before it is stored or decoded."""
    sign_in(client)
    r = client.post("/api/catalogues", files={"file": ("scan.png", data)}, headers=api_headers(client))
    assert r.status_code == status and words in r.json()["detail"], r.json()
    assert client.get("/api/catalogues").json() == []


def test_every_input_error_has_its_own_chinese_message():
    """An upload refused for any reason a reader gives says that reason, not the generic 无法读取该文件."""
    from zhibiao import errors as zerr
    from zhibiao.web.errors import INPUT_MESSAGES

    reasons = {cls for cls in vars(zerr).values()
               if isinstance(cls, type) and issubclass(cls, zerr.BadInput) and cls not in (zerr.BadInput,
                                                                                          zerr.InputNotFound)}
    assert reasons - {cls for cls, _, _ in INPUT_MESSAGES} == set()


def test_upload_of_a_table_row_too_wide(client):
    sign_in(client)
    row = "\t".join(f"格{k}" for k in range(1_200))
    r = upload(client, "wide.txt", f"考核评分表\n{row}\n".encode())
    assert r.status_code == 422 and "超过 1,000 个单元格" in r.text
    assert client.get("/api/catalogues").json() == []


def test_upload_that_is_not_a_rubric(client):
    sign_in(client)
    r = upload(client, NARRATIVE.name, NARRATIVE)
    assert r.status_code == 422 and "没有找到带分值的指标体系" in r.text
    r = upload(client, "empty.txt", b"   \n")
    assert r.status_code == 422 and "文件是空的" in r.text
    r = upload(client, "truncated.pdf", (ROOT / "tests" / "data" / "bad_input" / "truncated.pdf").read_bytes())
    assert r.status_code == 422 and "/tmp" not in r.text
    r = client.post("/upload", data={"csrf_token": token(client)})
    assert r.status_code == 422 and "请选择要上传的通知文件" in r.text


def test_upload_same_file_twice_opens_the_stored_catalogue(client):
    sign_in(client)
    first = upload(client, "a.txt", CLEAN_TXT.encode())
    again = upload(client, "b.txt", CLEAN_TXT.encode())
    assert cat_id_of(first) == cat_id_of(again) and "此前已上传过" in again.text
    assert len(client.get("/api/catalogues").json()) == 1


def test_uploaded_file_name_is_cleaned(client):
    sign_in(client)
    r = upload(client, "..\\..\\etc/示例<b>.txt", CLEAN_TXT.encode())
    row = client.get("/api/catalogues").json()[0]
    assert row["filename"] == "示例_b_.txt"
    assert "示例_b_.txt" in r.text


# --- escaping ----------------------------------------------------------------------------------


def test_document_text_is_escaped(client):
    sign_in(client)
    r = upload(client, "script.txt", SCRIPT_TXT.encode())
    cat = cat_id_of(r)
    page = r.text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "执法人员清楚&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;基本要求。" in page
    assert re.search(r"<script(?! src=\"/static/app\.js\")", page) is None  # our own script tag only
    for path in (f"/catalogues/{cat}/indicators/1.1", f"/catalogues/{cat}/indicators/1.1/source"):
        text = client.get(path).text
        assert "<script>alert" not in text and "&lt;script&gt;" in text
    # reviewer names and reasons are escaped too
    client.post("/reviewer", data={"name": "<i>审核</i>", "csrf_token": token(client)})
    edit_form = form_of(client.get(f"/catalogues/{cat}/indicators/1.2.3/panel").text,
                        f"/catalogues/{cat}/indicators/1.2.3/edit")
    client.post(f"/catalogues/{cat}/indicators/1.2.3/edit", data={
        "csrf_token": token(client), "revision": hidden(edit_form, "revision")[0], "text": "案源<b>均有</b>记录。",
        "points": "1", "parent": "1.2", "reason": "<img src=x onerror=alert(1)>"})
    history = client.get(f"/catalogues/{cat}/history").text
    assert "<img src=x" not in history and "&lt;img src=x onerror=alert(1)&gt;" in history
    assert "&lt;i&gt;审核&lt;/i&gt;" in history and "<b>均有" not in history
    assert "default-src 'self'" in client.get(f"/catalogues/{cat}").headers["content-security-policy"]


def test_sum_mismatch_is_highlighted(client):
    sign_in(client)
    page = upload(client, "script.txt", SCRIPT_TXT.encode()).text
    assert 'class="ind lvl-2 sev-error" data-id="1.1"' in page
    assert re.search(r'<span class="sum bad"[^>]*>下级合计 2.5 分 ≠ 3</span>', page)
    assert "下级分值合计不符" in page and "错误 1 个" in page
    assert "本级 3 分，下级合计 2.5 分，两者不符。" in page  # findings in Chinese, rendered from their params


# --- edits -------------------------------------------------------------------------------------


def _edit(client, cat, ident, **fields):
    # an indicator's forms come with its panel, loaded when it is opened on the catalogue page
    form = form_of(client.get(f"/catalogues/{cat}/indicators/{ident}/panel").text,
                   f"/catalogues/{cat}/indicators/{ident}/edit")
    data = {"csrf_token": token(client), "revision": hidden(form, "revision")[0]}
    data.update(fields)
    return client.post(f"/catalogues/{cat}/indicators/{ident}/edit", data=data)


def test_edit_then_history_shows_who_and_reason(client, clean):
    r = _edit(client, clean, "1.1.1", text="执法人员清楚基本工作要求。", points="1", parent="1.1", reason="与原文核对")
    assert r.status_code == 200 and str(r.url).endswith(f"/catalogues/{clean}#ind-1.1.1")
    assert "已保存指标 1.1.1 的修改（文字）" in r.text and "执法人员清楚基本工作要求。" in r.text
    history = client.get(f"/catalogues/{clean}/history")
    row = re.search(r'<tr class="field-text">.*?</tr>', history.text, re.S)[0]
    assert "张三" in row and "与原文核对" in row and "1.1.1" in row and "文字" in row
    assert "执法人员清楚基本要求。" in row and "执法人员清楚基本工作要求。" in row and "第 2 版" in row
    # points and parent together: two records, one reason
    r = _edit(client, clean, "1.1.2", text="执法人员熟悉执法事项。", points="1.5", parent="1.2", reason="调整")
    assert r.status_code == 200 and "已保存指标 1.2.2 的修改（分值、上级指标）" in r.text
    rows = client.get(f"/api/catalogues/{clean}/history").json()
    assert [(h["indicator_id"], h["field"], h["old_value"], h["new_value"], h["by"], h["reason"])
            for h in rows[1:]] == [
        ("1.1.2", "points", "2", "1.5", "张三", "调整"), ("1.1.2", "parent", "1.1", "1.2", "张三", "调整")]
    page = client.get(f"/catalogues/{clean}").text
    assert 'data-id="1.2.2"' in page and "下级合计 3.5 分 ≠ 2" in page


def test_edit_validation_messages(client, clean):
    r = _edit(client, clean, "1.1.1", text="新文字", points="1", reason="")
    assert r.status_code == 422 and "请填写修改原因" in r.text
    r = _edit(client, clean, "1.1.1", text="执法人员清楚基本要求。", points="若干分", reason="x")
    assert r.status_code == 422 and "分值必须是不小于 0 的数字" in r.text
    r = _edit(client, clean, "1.1.1", text="", points="1", reason="x")
    assert r.status_code == 422 and "不能为空" in r.text
    r = _edit(client, clean, "1.1.1", parent="2", reason="x")
    assert r.status_code == 422 and "上级指标必须是第 2 级指标" in r.text
    r = _edit(client, clean, "1.1.1", parent="9.9", reason="x")
    assert r.status_code == 422 and "不存在" in r.text
    r = _edit(client, clean, "1.1.1", text="执法人员清楚基本要求。", points="1", reason="没改")
    assert r.status_code == 200 and "没有需要保存的修改" in r.text
    assert client.get(f"/api/catalogues/{clean}/history").json() == []


def test_stale_revision_gets_409(client, clean):
    form = form_of(client.get(f"/catalogues/{clean}/indicators/1.1.1/panel").text,
                   f"/catalogues/{clean}/indicators/1.1.1/edit")
    stale = {"csrf_token": token(client), "revision": hidden(form, "revision")[0], "text": "第一次修改",
             "points": "1", "reason": "甲"}
    assert client.post(f"/catalogues/{clean}/indicators/1.1.1/edit", data=stale).status_code == 200
    r = client.post(f"/catalogues/{clean}/indicators/1.1.1/edit", data={**stale, "text": "第二次修改", "reason": "乙"})
    assert r.status_code == 409
    assert "其他人修改或核实了指标 1.1.1" in r.text and "您的修改没有保存" in r.text
    assert f'href="/catalogues/{clean}#ind-1.1.1"' in r.text and "重新加载" in r.text
    assert "第二次修改" in r.text  # what they tried, to type again
    assert [h["new_value"] for h in client.get(f"/api/catalogues/{clean}/history").json()] == ["第一次修改"]


# --- verification --------------------------------------------------------------------------------


def test_verify_flow(client, clean):
    r = client.post(f"/catalogues/{clean}/verify-catalogue", data={"csrf_token": token(client)})
    assert r.status_code == 422 and "还有 11 项指标未核实" in r.text
    assert f'href="/catalogues/{clean}#ind-1.1.1"' in r.text

    page = client.get(f"/catalogues/{clean}").text
    assert 'class="verify one"' not in page, "an indicator's own forms come with its panel, not in the page"
    one = form_of(client.get(f"/catalogues/{clean}/indicators/1.1.1/panel").text, f"/catalogues/{clean}/verify")
    assert hidden(one, "verify")[0].startswith("1.1.1@")
    r = client.post(f"/catalogues/{clean}/verify", data={"csrf_token": token(client), "verify": hidden(one, "verify"),
                                                         "next": hidden(one, "next")[0]})
    assert r.status_code == 200 and "已核实指标 1.1.1" in r.text
    assert 'class="ind lvl-3 is-verified" data-id="1.1.1"' in r.text
    assert "已核实 <strong id=\"verified-count\">1</strong>" in r.text

    section = re.search(r'<form method="post" action="/catalogues/\d+/verify-section" class="verify-section section">'
                        r'.*?</form>', r.text, re.S)[0]
    assert "核实本部分（6 项）" in section and "1.1.1@" not in section
    r = _verify_section(client, clean, section)
    assert "已核实 <strong id=\"verified-count\">7</strong>" in r.text

    rest = form_of(r.text, f"/catalogues/{clean}/verify-section")
    assert "核实其余全部指标（4 项）" in rest
    r = _verify_section(client, clean, rest)
    assert "核实其余全部指标" not in r.text
    r = client.post(f"/catalogues/{clean}/verify-catalogue", data={"csrf_token": token(client)})
    assert r.status_code == 200 and "整个目录已标记为已核实" in r.text
    assert re.search(r'id="catalogue-state"><span class="badge ok">已核实</span> 张三', r.text)
    assert "已核实" in client.get("/").text.split("catalogue-list")[1]
    history = client.get(f"/catalogues/{clean}/history").text
    assert "核实目录" in history and "整个目录" in history
    verified_rows = re.findall(r'<tr class="field-verified">.*?</tr>', history, re.S)
    assert len(verified_rows) == 3 and "6 项" in verified_rows[1] and "4 项" in verified_rows[2]  # one line each
    assert "field-verified" not in client.get(f"/catalogues/{clean}/history?show=edits").text

    # an edit withdraws the verification of the indicator and of the catalogue
    r = _edit(client, clean, "2.1.6", text="执法事项相互衔接、配合。", points="3", parent="2.1", reason="补充")
    assert 'id="catalogue-state"><span class="badge todo">未核实</span>' in r.text
    assert "核实其余全部指标（1 项）" in r.text


def _verify_section(client, cat: int, form: str):
    """Post a section's (or "all the rest") form: the confirmation page first, then its confirmed form."""
    data = {"csrf_token": token(client), "verify": hidden(form, "verify"), "root": hidden(form, "root")[0],
            "next": hidden(form, "next")[0]}
    asked = client.post(f"/catalogues/{cat}/verify-section", data=data)
    assert asked.status_code == 200 and "确认批量核实" in asked.text
    confirmed = form_of(asked.text, f"/catalogues/{cat}/verify-section")
    assert hidden(confirmed, "confirm") == ["1"] and hidden(confirmed, "verify") == data["verify"]
    return client.post(f"/catalogues/{cat}/verify-section", data={**data, "confirm": "1"})


def test_verify_with_stale_revision_gets_409(client, clean):
    page = client.get(f"/catalogues/{clean}").text
    rest = form_of(page, f"/catalogues/{clean}/verify-section")
    _edit(client, clean, "1.1.1", text="改过了", points="1", reason="甲")
    r = client.post(f"/catalogues/{clean}/verify-section", data={"csrf_token": token(client), "confirm": "1",
                                                                 "verify": hidden(rest, "verify")})
    assert r.status_code == 409 and "其他人修改了其中的指标" in r.text


def test_catalogue_with_errors_cannot_be_verified(client):
    sign_in(client)
    page = upload(client, "script.txt", SCRIPT_TXT.encode()).text
    cat = int(re.search(r"/catalogues/(\d+)/verify", page)[1])
    rest = form_of(page, f"/catalogues/{cat}/verify-section")
    _verify_section(client, cat, rest)
    r = client.post(f"/catalogues/{cat}/verify-catalogue", data={"csrf_token": token(client)})
    assert r.status_code == 422 and "检查发现 1 个错误" in r.text and "未核实的指标" not in r.text
    assert "下级分值合计不符" in r.text and f'href="/catalogues/{cat}#ind-1.1"' in r.text


# --- downloads -----------------------------------------------------------------------------------


def test_downloads(client, clean):
    _edit(client, clean, "1.1.1", text="改过的文字", points="1", reason="核对")
    r = client.get(f"/catalogues/{clean}/download/json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    # named by the catalogue's title (it has no 文号) and version, an ASCII fallback beside the UTF-8 name
    assert re.fullmatch(r'attachment; filename="[\x20-\x7e]+_v2\.json"; ' + re.escape(
        f"filename*=UTF-8''{quote('示例指标体系_指标目录_v2.json')}"), r.headers["content-disposition"])
    cat = Catalogue.model_validate_json(r.content)
    assert next(i for i in cat.rubrics[0].walk() if i.id == "1.1.1").text == "改过的文字"

    r = client.get(f"/catalogues/{clean}/download/csv")
    assert r.headers["content-type"].startswith("text/csv")
    assert quote("示例指标体系_指标目录_v2.csv") in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["编号", "层级", "上级指标"] and len(rows) == 12 and rows[3][4] == "改过的文字"

    r = client.get(f"/catalogues/{clean}/download/xlsx")
    assert "spreadsheetml" in r.headers["content-type"]
    assert quote("示例指标体系_指标目录_v2.xlsx") in r.headers["content-disposition"]
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["指标目录", "indicators"] and "未核实" in wb["指标目录"]["A1"].value
    values = list(wb["indicators"].iter_rows(values_only=True))
    assert values[0][1] == "id" and len(values) == 12 and values[3][5] == "改过的文字"

    r = client.get(f"/catalogues/{clean}/download/docx")
    assert "wordprocessingml" in r.headers["content-type"]
    assert quote("示例指标体系_指标目录_v2.docx") in r.headers["content-disposition"]
    from docx import Document

    table = Document(io.BytesIO(r.content)).tables[0]
    assert any("改过的文字" in cell.text for row in table.rows for cell in row.cells)

    doc = client.get(f"/catalogues/{clean}/document")
    assert doc.content == CLEAN_TXT.encode() and doc.headers["content-type"] == "application/octet-stream"
    assert client.get(f"/catalogues/{clean}/download/pdf").status_code == 422


def test_chinese_file_names_in_downloads(client):
    sign_in(client)
    numbered = CLEAN_TXT.replace("示例指标体系", "陕司通〔2019〕164号\n\n示例指标体系", 1)
    cat = cat_id_of(upload(client, "考评指标.txt", numbered.encode()))
    r = client.get(f"/catalogues/{cat}/download/xlsx")
    assert re.fullmatch(r'attachment; filename="_+2019_164_+v1\.xlsx"; ' + re.escape(
        f"filename*=UTF-8''{quote('陕司通〔2019〕164号_指标目录_v1.xlsx')}"), r.headers["content-disposition"])
    untitled = cat_id_of(upload(client, "考评指标.txt", CLEAN_TXT.replace("示例指标体系", "").encode()))
    name = client.get(f"/catalogues/{untitled}/download/csv").headers["content-disposition"]
    assert name.endswith(quote("考评指标_指标目录_v1.csv")), "no 文号 and no title: the file's name"


# --- JSON API ------------------------------------------------------------------------------------


def test_api(client):
    h = api_headers(client)
    assert client.get("/api/session").json()["reviewer"] is None
    r = client.post("/api/catalogues", files={"file": ("clean.txt", CLEAN_TXT.encode())}, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "reviewer_required"
    r = client.post("/api/session", json={"reviewer": "赵六"}, headers=h)
    assert r.status_code == 200 and r.json()["reviewer"] == "赵六"

    r = client.post("/api/catalogues", files={"file": ("clean.txt", CLEAN_TXT.encode())}, headers=h)
    assert r.status_code == 201 and r.json()["created"] is True
    cat = r.json()["id"]
    r = client.post("/api/catalogues", files={"file": ("again.txt", CLEAN_TXT.encode())}, headers=h)
    assert r.status_code == 200 and r.json() == {"id": cat, "created": False, "url": f"/catalogues/{cat}"}
    listed = client.get("/api/catalogues").json()
    assert [(c["id"], c["filename"], c["version"], c["verified"]) for c in listed] == [(cat, "clean.txt", 1, False)]

    got = client.get(f"/api/catalogues/{cat}").json()
    assert got["version"] == 1 and got["revisions"]["1.1.1"] == 1 and len(got["revisions"]) == 11
    assert got["catalogue"]["rubrics"][0]["indicators"][0]["points"] == "5"

    edit = {"indicator": "1.1.1", "field": "text", "value": "新的文字", "revision": 1, "reason": "核对原文"}
    r = client.post(f"/api/catalogues/{cat}/edits", json=edit, headers=h)
    assert r.status_code == 200 and r.json() == {"version": 2, "indicator": "1.1.1", "revision": 2}
    r = client.post(f"/api/catalogues/{cat}/edits", json=edit, headers=h)
    assert r.status_code == 409 and r.json()["code"] == "edit_conflict" and r.json()["indicator"] == "1.1.1"
    r = client.post(f"/api/catalogues/{cat}/edits", json={**edit, "field": "points", "value": "-1", "revision": 2},
                    headers=h)
    assert r.status_code == 422 and r.json()["code"] == "invalid_edit"
    r = client.post(f"/api/catalogues/{cat}/edits", json={**edit, "reason": ""}, headers=h)
    assert r.status_code == 422
    r = client.post(f"/api/catalogues/{cat}/edits", json={**edit, "revision": 2, "reason": "  "}, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "reason_required"
    r = client.post(f"/api/catalogues/{cat}/edits", json={**edit, "indicator": "9.9", "revision": 1}, headers=h)
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = client.post(f"/api/catalogues/{cat}/edits", json={**edit, "field": "parent", "value": "1.2", "revision": 2,
                                                          "by": "钱七"}, headers=h)
    assert r.json() == {"version": 3, "indicator": "1.2.1", "revision": 3}
    r = client.post(f"/api/catalogues/{cat}/edits", json={**edit, "indicator": "1.2.1", "field": "parent",
                                                          "value": "1.1", "revision": 3, "by": "钱七"}, headers=h)
    assert r.json() == {"version": 4, "indicator": "1.1.1", "revision": 4}
    assert client.post("/api/catalogues/999/edits", json=edit, headers=h).status_code == 404

    r = client.post(f"/api/catalogues/{cat}/verify-catalogue", headers=h)
    body = r.json()
    assert r.status_code == 422 and body["code"] == "not_verifiable" and len(body["unverified"]) == 11
    revisions = client.get(f"/api/catalogues/{cat}").json()["revisions"]
    r = client.post(f"/api/catalogues/{cat}/verify", json={"revisions": {"1": revisions["1"] + 5}}, headers=h)
    assert r.status_code == 409
    r = client.post(f"/api/catalogues/{cat}/verify", json={"revisions": revisions}, headers=h)
    assert r.status_code == 200 and r.json()["verified_indicators"] == 11 and r.json()["total_indicators"] == 11
    r = client.post(f"/api/catalogues/{cat}/verify-catalogue", json={"by": "孙八"}, headers=h)
    assert r.status_code == 200 and r.json()["verified"] is True
    assert client.get(f"/api/catalogues/{cat}").json()["verified"] is True

    history = client.get(f"/api/catalogues/{cat}/history").json()
    assert [(e["field"], e["by"]) for e in history[:3]] == [("text", "赵六"), ("parent", "钱七"), ("parent", "钱七")]
    assert history[-1]["field"] == "catalogue_verified" and history[-1]["by"] == "孙八"
    assert client.get("/api/catalogues/999/history").status_code == 404

    r = client.get(f"/api/catalogues/{cat}/export/csv")
    assert r.status_code == 200 and "新的文字" in r.content.decode("utf-8-sig")
    assert client.get(f"/api/catalogues/{cat}/export/doc").status_code == 422
    src = client.get(f"/api/catalogues/{cat}/indicators/1.1/source").json()
    assert src["format"] == "txt" and src["location"] == "clean.txt:4" and "基本认识" in src["parts"][0]["text"]
    assert client.get(f"/api/catalogues/{cat}/indicators/8.8/source").status_code == 404
    assert client.get(f"/api/catalogues/{cat}?version=1").json()["catalogue"]["verification"] is None


def test_api_crosswalk(client):
    h = api_headers(client)
    client.post("/api/session", json={"reviewer": "赵六"}, headers=h)
    old = client.post("/api/catalogues", files={"file": (TXT_2019.name, TXT_2019.read_bytes())}, headers=h).json()["id"]
    new = client.post("/api/catalogues", files={"file": (TXT_2023.name, TXT_2023.read_bytes())}, headers=h).json()["id"]
    assert client.get(f"/api/crosswalks/{old}/{new}").status_code == 404
    r = client.post("/api/crosswalks", json={"old": old, "new": new}, headers=h)
    assert r.status_code == 201
    cw = Crosswalk.model_validate(r.json())
    assert cw.old.source_file == TXT_2019.name and cw.links
    assert Crosswalk.model_validate(client.get(f"/api/crosswalks/{old}/{new}").json()) == cw
    assert client.post("/api/crosswalks", json={"old": old, "new": old}, headers=h).status_code == 422
    assert client.post("/api/crosswalks", json={"old": old, "new": 99}, headers=h).status_code == 404


def test_openapi_lists_the_api_routes(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert set(paths) == {
        "/api/session", "/api/catalogues", "/api/catalogues/{cat_id}", "/api/catalogues/{cat_id}/edits",
        "/api/catalogues/{cat_id}/verify", "/api/catalogues/{cat_id}/verify-catalogue",
        "/api/catalogues/{cat_id}/history", "/api/catalogues/{cat_id}/export/{fmt}",
        "/api/catalogues/{cat_id}/indicators/{ident}/source", "/api/crosswalks", "/api/crosswalks/{old}/{new}",
        # crosswalk review and sign-off, label suggestions
        "/api/crosswalks/{old}/{new}/review", "/api/crosswalks/{old}/{new}/decisions",
        "/api/crosswalks/{old}/{new}/history", "/api/crosswalks/{old}/{new}/export/{fmt}",
        "/api/catalogues/{cat_id}/label-suggestions", "/api/catalogues/{cat_id}/label-suggestions/{ident}",
        # finding, verifying with intent, editing (issue 12)
        "/api/catalogues/{cat_id}/search", "/api/catalogues/{cat_id}/verifiers",
        "/api/catalogues/{cat_id}/indicators/{ident}/save",
        "/api/catalogues/{cat_id}/indicators/{ident}/accept-warnings",
        "/api/catalogues/{cat_id}/verify-subtree", "/api/catalogues/{cat_id}/restore"}
    assert set(paths["/api/catalogues"]) == {"get", "post"}
    edit = paths["/api/catalogues/{cat_id}/edits"]["post"]
    assert {"200", "403", "404", "409", "422"} <= set(edit["responses"])
    upload_op = paths["/api/catalogues"]["post"]
    assert {"201", "413", "415"} <= set(upload_op["responses"])
    assert "multipart/form-data" in upload_op["requestBody"]["content"]
    assert "X-Zhibiao-CSRF" in spec["info"]["description"]
    schemas = spec["components"]["schemas"]
    assert {"EditIn", "EditOut", "CatalogueOut", "Catalogue", "Crosswalk", "NotVerifiableOut"} <= set(schemas)


def test_security_headers(client):
    r = client.get("/")
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "SAMEORIGIN"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "script-src 'self'" in r.headers["content-security-policy"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "content-security-policy" not in docs.headers


def test_templates_and_static_files_are_package_data():
    from importlib import resources

    files = resources.files("zhibiao.web")
    assert files.joinpath("templates/catalogue.html").is_file() and files.joinpath("static/app.js").is_file()


def test_run_serves_on_localhost_by_default(monkeypatch, tmp_path):
    import uvicorn

    from zhibiao.web import run

    seen = {}
    monkeypatch.setenv("ZHIBIAO_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("ZHIBIAO_SECRET", raising=False)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw, app=app))
    run(db_url=f"sqlite:///{tmp_path / 'run.db'}")
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8000
    assert (tmp_path / "data" / "web-secret").stat().st_mode & 0o077 == 0  # the session key is private
    with TestClient(seen["app"]) as c:
        assert c.get("/").status_code == 200
