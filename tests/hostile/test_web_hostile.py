"""The review app under hostile input (issue 11, items 2, 3, 4, 10, 13): a slow upload does not block edits,
out-of-range numbers and lone surrogates are refused with the app's own error, long and bidi names, output
file modes, cross-origin requests; and a property-based run of the JSON API (schemathesis) finds no 500."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from conftest import csrf_token

HEAD = "示例指标体系\n\n一级指标\t二级指标\t三级指标\n"
CLEAN_TXT = (HEAD + "一、执法办案（5分）\t（一）基本认识（3分）\t"
             "1. 执法人员清楚基本要求。（1分） 2. 执法人员熟悉执法事项。（2分）\n"
             "\t（二）组织权限（2分）\t3. 案源均有记录。（1分） 4. 所办案件属本单位管辖。（1分）\n"
             "二、执法责任（5分）\t（一）梳理执法依据（5分）\t"
             "5. 执法事项分解到人员。（2分） 6. 执法事项相互衔接。（3分）\n")
BIG = 2**63  # beyond SQLite's INTEGER
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options")


def token(client: TestClient) -> str:
    return csrf_token(client)


def sign_in(client: TestClient, name: str = "张三") -> str:
    tok = token(client)
    assert client.post("/reviewer", data={"name": name, "next": "/", "csrf_token": tok}).status_code == 200
    return tok


def api_headers(client: TestClient, name: str = "张三") -> dict[str, str]:
    tok = client.get("/api/session").json()["csrf_token"]
    h = {"X-Zhibiao-CSRF": tok}
    assert client.post("/api/session", json={"reviewer": name}, headers=h).status_code == 200
    return h


def stored(client: TestClient, h: dict[str, str], text: str = CLEAN_TXT, name: str = "clean.txt") -> int:
    r = client.post("/api/catalogues", files={"file": (name, text.encode())}, headers=h)
    assert r.status_code in (200, 201), r.text
    return r.json()["id"]


def has_security_headers(r) -> bool:
    return all(k in r.headers for k in SECURITY_HEADERS) and r.headers["x-content-type-options"] == "nosniff"


# --- item 2: an upload is parsed outside the write lock -------------------------------------------


def test_a_slow_upload_does_not_block_edits(client, monkeypatch):
    h = api_headers(client)
    cat = stored(client, h)
    import zhibiao.pipeline as pipeline

    real = pipeline.ingest
    parsing = threading.Event()
    release = threading.Event()

    def slow_ingest(path, **kw):  # a notice that takes long to read
        parsing.set()
        assert release.wait(30)
        return real(path, **kw)

    monkeypatch.setattr(pipeline, "ingest", slow_ingest)
    result: dict = {}
    other = CLEAN_TXT.replace("执法人员清楚基本要求", "执法人员清楚全部要求")

    def send():
        result["r"] = client.post("/api/catalogues", files={"file": ("慢.txt", other.encode())}, headers=h)

    t = threading.Thread(target=send)
    t.start()
    try:
        assert parsing.wait(30)
        jobs = client.get("/api/ingests").json()  # the upload is shown as being read
        assert [j["filename"] for j in jobs] == ["慢.txt"] and jobs[0]["stage"] == "parsing"
        assert "正在处理的上传" in client.get("/").text and "慢.txt" in client.get("/").text
        rev = client.get(f"/api/catalogues/{cat}").json()["revisions"]["1.1.1"]
        start = time.monotonic()
        r = client.post(f"/api/catalogues/{cat}/edits", headers=h, json={
            "indicator": "1.1.1", "field": "text", "value": "执法人员清楚各项要求。", "revision": rev,
            "reason": "校对"})
        assert r.status_code == 200 and time.monotonic() - start < 10  # did not wait for the upload
    finally:
        release.set()
        t.join(60)
    assert result["r"].status_code == 201
    assert client.get("/api/ingests").json() == []


def test_the_same_bytes_uploaded_twice_at_once_store_one_catalogue(client):
    h = api_headers(client)
    answers: list = []
    threads = [threading.Thread(target=lambda: answers.append(
        client.post("/api/catalogues", files={"file": ("a.txt", CLEAN_TXT.encode())}, headers=h)))
        for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(r.status_code for r in answers)[0] in (200, 201) and all(r.status_code in (200, 201) for r in answers)
    assert len({r.json()["id"] for r in answers}) == 1
    assert len(client.get("/api/catalogues").json()) == 1


# --- item 3: numbers beyond the database's range ----------------------------------------------------


@pytest.mark.parametrize("path", [f"/catalogues/{BIG}", f"/catalogues/{BIG}/history", f"/compare/1/{BIG}",
                                  f"/catalogues/1?version={BIG}", f"/api/catalogues/{BIG}",
                                  f"/api/catalogues/1?version={BIG}", f"/api/crosswalks/{BIG}/1/review",
                                  f"/catalogues/{10**400}", "/catalogues/-1"])
def test_ids_beyond_range_are_not_found(client, path):
    h = api_headers(client)
    stored(client, h)
    r = client.get(path)
    assert r.status_code == 404 and has_security_headers(r)
    if path.startswith("/api/"):
        assert r.json()["code"] == "not_found"
    else:
        assert "未找到" in r.text and "<html" in r.text


def test_revisions_beyond_range_are_refused_with_400(client):
    h = api_headers(client)
    cat = stored(client, h)
    for body in ({"indicator": "1.1.1", "field": "text", "value": "x", "revision": BIG, "reason": "r"},
                 {"indicator": "1.1.1", "field": "text", "value": "x", "revision": -1, "reason": "r"}):
        r = client.post(f"/api/catalogues/{cat}/edits", headers=h, json=body)
        assert r.status_code == 400 and r.json()["code"] == "out_of_range" and has_security_headers(r), r.text
    r = client.post(f"/api/catalogues/{cat}/verify", headers=h, json={"revisions": {"1.1.1": BIG}})
    assert r.status_code == 400 and "超出范围" in r.json()["detail"]
    r = client.post("/api/crosswalks", headers=h, json={"old": BIG, "new": 1})
    assert r.status_code == 400
    # 1e400 is a float (infinite), not a revision: refused, never a 500
    r = client.post(f"/api/catalogues/{cat}/edits", headers={**h, "content-type": "application/json"},
                    content=b'{"indicator": "1.1.1", "field": "text", "value": "x", "revision": 1e400, "reason": "r"}')
    assert 400 <= r.status_code < 500


def test_form_numbers_that_are_not_ascii_digits_or_too_big(client):
    tok = sign_in(client)
    h = api_headers(client)
    cat = stored(client, h)
    for rev in ("²", str(BIG), "١"):  # '²' and Arabic-Indic '١' pass str.isdigit
        r = client.post(f"/catalogues/{cat}/indicators/1.1.1/edit",
                        data={"csrf_token": tok, "text": "新文字", "revision": rev, "reason": "r"})
        assert r.status_code == 422 and "修订号" in r.text and has_security_headers(r)
        r = client.post(f"/catalogues/{cat}/verify", data={"csrf_token": tok, "verify": [f"1.1.1@{rev}"]})
        assert r.status_code == 422 and has_security_headers(r)
        r = client.post("/compare", data={"csrf_token": tok, "old": rev, "new": str(cat)})
        assert r.status_code == 422 and "请选择两个目录" in r.text


def test_framework_errors_keep_the_security_headers(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404 and has_security_headers(r) and "没有这个页面" in r.text
    r = client.get("/api/no/such")
    assert r.status_code == 404 and has_security_headers(r) and r.json()["code"] == "not_found"
    r = client.delete("/api/catalogues")
    assert r.status_code == 405 and has_security_headers(r)
    r = client.get("/catalogues/abc")
    assert r.status_code == 422 and has_security_headers(r)
    r = client.get("/api/catalogues/abc")
    assert r.status_code == 422 and has_security_headers(r)


# --- item 4: lone surrogates ----------------------------------------------------------------------


@pytest.mark.parametrize("field,value", [("value", "坏\ud800字"), ("reason", "\udfff"), ("indicator", "1.\ud800"),
                                         ("by", "张\ud800")])
def test_a_lone_surrogate_in_json_is_refused_with_400(client, field, value):
    h = api_headers(client)
    cat = stored(client, h)
    body = {"indicator": "1.1.1", "field": "text", "value": "新文字", "revision": 1, "reason": "校对"}
    body[field] = value
    import json

    raw = json.dumps(body, ensure_ascii=True).encode()  # \ud800 travels as an escape, as JSON allows
    r = client.post(f"/api/catalogues/{cat}/edits", headers={**h, "content-type": "application/json"}, content=raw)
    assert r.status_code == 400 and r.json()["code"] == "invalid_text" and has_security_headers(r), r.text
    assert "Unicode" in r.json()["detail"]
    assert client.get(f"/api/catalogues/{cat}/history").json() == []  # nothing was stored


def test_lone_surrogates_elsewhere_in_the_api(client):
    h = api_headers(client)
    cat = stored(client, h)
    for url, raw in ((f"/api/catalogues/{cat}/verify", b'{"revisions": {"1.1.\\ud800": 1}}'),
                     ("/api/session", b'{"reviewer": "\\ud800"}'),
                     (f"/api/catalogues/{cat}/verify-catalogue", b'{"by": "\\udc00"}')):
        r = client.post(url, headers={**h, "content-type": "application/json"}, content=raw)
        assert r.status_code == 400 and r.json()["code"] == "invalid_text", (url, r.text)


# --- item 13: cross-origin requests ---------------------------------------------------------------


def test_cross_origin_posts_are_refused(client):
    tok = sign_in(client)
    h = api_headers(client)
    cat = stored(client, h)
    rev = client.get(f"/api/catalogues/{cat}").json()["revisions"]["1.1.1"]
    form = {"csrf_token": tok, "text": "改了", "revision": str(rev), "reason": "r"}
    for bad in ({"Origin": "https://evil.example"}, {"Origin": "null"}, {"Origin": "http://testserver.evil"},
                {"Referer": "https://evil.example/page"}):
        r = client.post(f"/catalogues/{cat}/indicators/1.1.1/edit", data=form, headers=bad)
        assert r.status_code == 403 and "其他网站" in r.text and "<html" in r.text and has_security_headers(r)
        r = client.post(f"/api/catalogues/{cat}/edits", headers={**h, **bad}, json={
            "indicator": "1.1.1", "field": "text", "value": "改了", "revision": rev, "reason": "r"})
        assert r.status_code == 403 and r.json()["code"] == "cross_origin"
    assert client.get(f"/api/catalogues/{cat}/history").json() == []
    # the app's own origin, or no Origin at all (a script): the CSRF token decides
    r = client.post(f"/catalogues/{cat}/indicators/1.1.1/edit", data=form, headers={"Origin": "http://testserver"},
                    follow_redirects=False)
    assert r.status_code == 303
    r = client.post(f"/api/catalogues/{cat}/edits", headers={**h, "Referer": "http://testserver/catalogues/1"},
                    json={"indicator": "1.1.1", "field": "text", "value": "又改了", "revision": rev + 1, "reason": "r"})
    assert r.status_code == 200
    # reads from anywhere are not state changes
    assert client.get("/", headers={"Origin": "https://evil.example"}).status_code == 200


# --- item 10: long and bidi names, output file modes ----------------------------------------------


def test_a_long_chinese_upload_name_is_cut_in_bytes(client):
    h = api_headers(client)
    name = "关于印发法治政府建设指标体系的通知" * 7 + "附件.txt"  # 121 CJK characters, 363 bytes before .txt
    r = client.post("/api/catalogues", files={"file": (name, CLEAN_TXT.encode())}, headers=h)
    assert r.status_code == 201, r.text
    cat = r.json()["id"]
    stored_name = client.get("/api/catalogues").json()[0]["filename"]
    assert stored_name.endswith(".txt") and len(stored_name.encode("utf-8")) <= 200
    assert stored_name.startswith("关于印发法治政府建设指标体系的通知")
    for fmt in ("json", "csv", "xlsx"):
        r = client.get(f"/api/catalogues/{cat}/export/{fmt}")
        assert r.status_code == 200 and "filename*=UTF-8''" in r.headers["content-disposition"]
    r = client.get(f"/catalogues/{cat}/document")
    assert r.status_code == 200 and r.content == CLEAN_TXT.encode()


def test_bidi_controls_are_dropped_from_names(client):
    from urllib.parse import unquote

    from zhibiao.web.files import safe_filename

    assert safe_filename("通知\u202etxt.exe", "x") == "通知txt.exe"
    assert safe_filename("\u2067\u200f", "notice.txt") == "notice.txt"
    h = api_headers(client)
    # a catalogue without a title is named by its file (else by its 文号 or title, made safe the same way)
    untitled = CLEAN_TXT.replace("示例指标体系", "", 1)
    r = client.post("/api/catalogues", files={"file": ("考核\u202egpj.txt", untitled.encode())}, headers=h)
    assert r.status_code == 201
    cd = client.get(f"/api/catalogues/{r.json()['id']}/export/csv").headers["content-disposition"]
    assert "\u202e" not in unquote(cd) and "%E2%80%AE" not in cd and "考核gpj_指标目录_v1.csv" in unquote(cd)
    from zhibiao.web.files import export_filename

    assert export_filename("x.txt", 1, "csv", title="示例\u202e体系") == "示例体系_指标目录_v1.csv"
    named = export_filename("x.txt", 1, "csv", doc_number="\u2067陕司通〔2019〕164号")
    assert named == "陕司通〔2019〕164号_指标目录_v1.csv"


def test_outputs_honour_the_umask(tmp_path):
    import os

    from zhibiao.cli import main

    from conftest import SEED_2019

    old = os.umask(0o027)
    try:
        assert main(["ingest", str(SEED_2019), "-o", str(tmp_path / "c.json")]) in (0, 1)
        assert main(["export", str(tmp_path / "c.json"), "--format", "csv", "-o", str(tmp_path / "c.csv")]) == 0
    finally:
        os.umask(old)
    for name in ("c.json", "c.csv"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o640, name


# --- the command line: numbers, surrogates, names that are not UTF-8 ----------------------------------


def test_cli_refuses_out_of_range_ids_and_invalid_text(tmp_path, monkeypatch, capsys):
    import json
    import os

    from zhibiao.cli import main

    from conftest import SEED_2019

    monkeypatch.setenv("ZHIBIAO_DATA", str(tmp_path / "data"))
    assert main(["store", "export", str(BIG), "--format", "json", "-o", str(tmp_path / "x.json")]) == 64
    assert "range" in capsys.readouterr().err
    assert main(["store", "ingest", str(SEED_2019), "--by", "\udcff"]) == 64  # a non-UTF-8 argument
    # a catalogue whose text holds a lone surrogate: exit 4 with the place, not an internal error
    assert main(["ingest", str(SEED_2019), "-o", str(tmp_path / "c.json")]) in (0, 1)
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    data["rubrics"][0]["indicators"][0]["text"] = "坏\ud800字"
    (tmp_path / "s.json").write_text(json.dumps(data), encoding="ascii")
    capsys.readouterr()
    for args in (["check", str(tmp_path / "s.json")], ["export", str(tmp_path / "s.json"), "--format", "csv",
                                                        "-o", str(tmp_path / "s.csv")]):
        assert main(args) == 4
        assert "lone surrogate" in capsys.readouterr().err
    # a notice whose file name is not UTF-8 is stored and written with U+FFFD for the odd bytes
    odd = os.fsdecode(bytes(tmp_path) + b"/\xff\xfe.txt")
    with open(odd, "wb") as fh:
        fh.write(SEED_2019.read_bytes())
    assert main(["ingest", odd, "-o", str(tmp_path / "odd.json")]) in (0, 1)
    written = json.loads((tmp_path / "odd.json").read_text(encoding="utf-8"))
    assert written["document"]["source_file"] == "\ufffd\ufffd.txt"
    assert main(["store", "ingest", odd]) == 0
