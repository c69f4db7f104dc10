"""Finding, verifying with intent and editing in the review app (issue 12, items 1, 3, 4), through TestClient:
search and filters that keep the parent rows, printed numbers in the address, the review mode and its JSON API,
bulk verification with confirmation, accepting warnings one by one, the marker's own field, points as typed,
inline errors, several fields in one version, restoring a version."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from zhibiao.store import Store
from zhibiao.web import create_app

from conftest import SEED_2023, csrf_token

WARNED = ["7.2", "7.3", "8.5.185", "8.5.186", "8.5.187"]  # the seed's label_missing / points_unit_missing


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'review.db'}")


@pytest.fixture
def client(store) -> TestClient:
    with TestClient(create_app(store, secret_key="test-secret")) as c:
        yield c


@pytest.fixture
def cat(client, store) -> int:
    """The 2023 seed stored, and a signed-in reviewer."""
    cat_id, _ = store.ingest(SEED_2023)
    r = client.post("/reviewer", data={"name": "张三", "next": "/", "csrf_token": csrf_token(client)})
    assert r.status_code == 200
    return cat_id


def api(client) -> dict:
    return {"X-Zhibiao-CSRF": client.get("/api/session").json()["csrf_token"]}


def rows(html: str) -> list[str]:
    """The indicator ids the tree shows, in order."""
    return re.findall(r'<li id="ind-([^"]+)" class="ind', html)


def form(html: str, action: str, cls: str | None = None) -> str:
    pattern = r'<form method="post" action="' + re.escape(action) + '"' + (
        r' class="' + re.escape(cls) + '"' if cls else "") + r".*?</form>"
    m = re.search(pattern, html, re.S)
    assert m, f"no form for {action} {cls}"
    return m[0]


def hidden(html: str, name: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="' + re.escape(name) + r'" value="([^"]*)"', html)


def english_findings(store: Store, cat_id: int, html: str) -> list[str]:
    cat, _ = store.get(cat_id)
    return [f.message for f in cat.all_findings() if f.message and f.message in html]


# --- finding -----------------------------------------------------------------------------------


def test_a_printed_number_in_the_address_opens_its_indicator(client, cat):
    r = client.get(f"/catalogues/{cat}/indicators/44", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/catalogues/{cat}/indicators/3.1.44"
    assert "指标 3.1.44" in client.get(f"/catalogues/{cat}/indicators/４４").text
    r = client.get(f"/catalogues/{cat}/indicators/（三）", follow_redirects=False)  # seven of them: the list
    assert r.status_code == 303 and r.headers["location"].startswith(f"/catalogues/{cat}?q=")
    listed = client.get(r.headers["location"]).text
    assert "找到 7 项" in listed and {"1", "1.3", "6.3"} <= set(rows(listed))
    r = client.get(f"/catalogues/{cat}/indicators/9999")
    assert r.status_code == 404 and "没有编号为“9999”的指标" in r.text


def test_search_keeps_the_parents(client, cat):
    page = client.get(f"/catalogues/{cat}", params={"q": "44"}).text
    assert rows(page) == ["3", "3.1", "3.1.44"] and "找到 1 项" in page
    assert 'class="ind lvl-3 is-match" data-id="3.1.44"' in page
    page = client.get(f"/catalogues/{cat}", params={"q": "执法 公示"}).text
    assert {"3", "3.2", "3.2.52", "7", "7.1", "7.1.139"} <= set(rows(page)) and "找到 4 项" in page
    assert client.get(f"/catalogues/{cat}", params={"q": "三、"}).text.count('is-match"') == 1
    hits = client.get(f"/api/catalogues/{cat}/search", params={"q": "３.1.44"}).json()
    assert [h["id"] for h in hits] == ["3.1.44"] and hits[0]["url"].endswith("/indicators/3.1.44")


def test_filters_keep_the_parent_rows(client, cat, store):
    everything = rows(client.get(f"/catalogues/{cat}").text)
    assert len(everything) == 249
    fresh = rows(client.get(f"/catalogues/{cat}", params={"show": "unverified"}).text)
    assert fresh == everything, "on a fresh catalogue everything is unverified"
    warned = client.get(f"/catalogues/{cat}", params={"show": "warnings"}).text
    assert rows(warned) == ["7", "7.2", "7.3", "8", "8.5", "8.5.185", "8.5.186", "8.5.187"]
    assert re.findall(r'data-id="([^"]+)">', warned.split("find-form")[1]) and "找到 5 项" in warned
    labels = client.get(f"/catalogues/{cat}", params={"show": "labels"}).text
    assert rows(labels) == ["7", "7.2", "7.3"]
    assert rows(client.get(f"/catalogues/{cat}", params={"show": "errors"}).text) == []
    # once part is verified: the unverified rows, each under its (verified) parents
    revs = store.revisions(cat)
    store.verify(cat, ["1", "1.1"], by="李四", revisions_seen=revs)
    shown = rows(client.get(f"/catalogues/{cat}", params={"show": "unverified"}).text)
    assert shown[:3] == ["1", "1.1", "1.1.1"] and len(shown) == 249, "1 and 1.1 stay, for their children"
    store.verify(cat, [i for i in store.subtree_plan(cat, "1.1")[0]], by="李四", revisions_seen=revs)
    shown = rows(client.get(f"/catalogues/{cat}", params={"show": "unverified"}).text)
    assert "1.1.1" not in shown and "1.1" not in shown and shown[:2] == ["1", "1.2"]
    assert rows(client.get(f"/catalogues/{cat}", params={"show": "nonsense"}).text) == everything


# --- verifying with intent -----------------------------------------------------------------------


def test_bulk_verification_asks_first_and_leaves_the_warnings(client, cat, store):
    page = client.get(f"/catalogues/{cat}").text
    section = form(page, f"/catalogues/{cat}/verify-section", "verify-section section")
    assert hidden(section, "root") == ["1"]
    data = {"csrf_token": csrf_token(client), "root": "", "verify": hidden(form(
        page, f"/catalogues/{cat}/verify-section", "verify-section all"), "verify"), "next": f"/catalogues/{cat}"}
    asked = client.post(f"/catalogues/{cat}/verify-section", data=data)
    assert asked.status_code == 200 and "确认批量核实：整个目录" in asked.text
    assert '<strong id="confirm-count">244</strong>' in asked.text and "另有 5 项指标有警告" in asked.text
    assert store.get(cat)[1] == 1, "nothing verified before the confirmation"
    confirmed = form(asked.text, f"/catalogues/{cat}/verify-section", "verify-section confirmed")
    r = client.post(f"/catalogues/{cat}/verify-section", data={**data, "confirm": hidden(confirmed, "confirm")[0]})
    assert "已核实目录 244 项指标。有 5 项带警告的指标须逐项确认后核实：7.2、7.3、8.5.185" in r.text
    assert store.get(cat)[1] == 2, "one version for the whole bulk verification"
    # one by one: the plain verification of a warned item is refused, in Chinese
    revs = store.revisions(cat)
    r = client.post(f"/catalogues/{cat}/verify", data={"csrf_token": csrf_token(client),
                                                       "verify": [f"7.2@{revs['7.2']}"]})
    assert r.status_code == 422 and "有警告的指标须逐项确认警告后才能核实" in r.text
    item = client.get(f"/catalogues/{cat}/indicators/7.2").text
    assert "警告待确认" in item
    accept = form(item, f"/catalogues/{cat}/indicators/7.2/accept-warnings")
    r = client.post(f"/catalogues/{cat}/indicators/7.2/accept-warnings", data={
        "csrf_token": csrf_token(client), "revision": hidden(accept, "revision")[0], "reason": "原文未印标签",
        "next": hidden(accept, "next")[0]})
    assert r.status_code == 200 and "已确认指标 7.2 的警告并核实" in r.text and "警告已确认（张三）" in r.text
    history = client.get(f"/catalogues/{cat}/history").text
    assert "确认警告" in history and "已确认警告：标签缺失" in history and "原文未印标签" in history
    summary = client.get(f"/catalogues/{cat}").text.split('id="verifiers"')[1].split("</table>")[0]
    assert "张三" in summary and "245 项" in summary and "7.2" in summary
    who = client.get(f"/api/catalogues/{cat}/verifiers").json()
    assert who[0]["by"] == "张三" and len(who[0]["indicators"]) == 245 and who[0]["warnings_accepted"] == ["7.2"]


def test_review_mode_pages_and_api(client, cat, store):
    page = client.get(f"/catalogues/{cat}/review")
    assert page.status_code == 200 and "逐项审核" in page.text and 'id="review-mode"' in page.text
    item = re.search(r'<article class="review-item[^>]*>', page.text)[0]
    assert 'data-id="1"' in item and 'data-next="1.1"' in item and 'data-prev=""' in item
    assert "快捷键" in page.text and "<script" not in page.text.split("</head>")[1], "no inline script (CSP)"
    frag = client.get(f"/catalogues/{cat}/review/item", params={"at": "44"}).text
    assert "<html" not in frag and 'data-id="3.1.44"' in frag and 'data-prev="3.1.43"' in frag
    assert "原文" in frag and "3.1.44" in frag
    h = api(client)
    revs = store.revisions(cat)
    assert client.post(f"/api/catalogues/{cat}/verify", json={"revisions": {"1.1.1": revs["1.1.1"]}},
                       headers=h).status_code == 200
    after = client.get(f"/catalogues/{cat}/review/item", params={"at": "1.1", "show": "unverified"}).text
    assert 'data-next="1.1.2"' in after, "the verified item is stepped over"
    warned = client.get(f"/catalogues/{cat}/review/item", params={"at": "7.2"}).text
    assert 'data-pending="1"' in warned and "确认警告并核实此项" in warned
    r = client.post(f"/api/catalogues/{cat}/verify", json={"revisions": {"7.2": revs["7.2"]}}, headers=h)
    assert r.status_code == 422 and r.json()["reason"] == "warnings_not_accepted"
    r = client.post(f"/api/catalogues/{cat}/indicators/7.2/accept-warnings", json={"revision": revs["7.2"]},
                    headers=h)
    assert r.status_code == 200 and "7.2" in store.acceptances(cat)
    r = client.post(f"/api/catalogues/{cat}/verify-subtree", json={"root": "8", "revisions": revs}, headers=h)
    body = r.json()
    assert r.status_code == 200 and body["skipped"] == ["8.5.185", "8.5.186", "8.5.187"]
    assert "8" in body["verified"] and "8.5.184" in body["verified"]
    r = client.post(f"/api/catalogues/{cat}/verify-subtree", json={"root": "9", "revisions": {}}, headers=h)
    assert r.status_code == 409
    assert client.post(f"/api/catalogues/{cat}/verify-subtree", json={"root": "8", "revisions": revs}).status_code \
        == 403, "the CSRF header"


def test_no_english_finding_text_on_any_page(client, cat, store):
    for path in (f"/catalogues/{cat}", f"/catalogues/{cat}/indicators/7.2", f"/catalogues/{cat}/review?at=8.5.185",
                 f"/catalogues/{cat}/review/item?at=7.3", f"/catalogues/{cat}/history",
                 f"/catalogues/{cat}?show=warnings"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert english_findings(store, cat, r.text) == [], path


# --- editing -----------------------------------------------------------------------------------


def _edit(client, cat: int, ident: str, **fields):
    return client.post(f"/catalogues/{cat}/indicators/{ident}/edit",
                       data={"csrf_token": csrf_token(client), **fields})


def test_marker_points_and_several_fields_in_one_version(client, cat, store):
    rev = store.revisions(cat)["7.2"]
    r = _edit(client, cat, "7.2", text="（二）推进数据共享", marker="", points="10 分", revision=str(rev),
              reason="补填标签")
    assert r.status_code == 200 and "已保存指标 7.2 的修改（标签、序号、分值），目录第 2 版" in r.text
    got, version = store.get(cat)
    ind = got.find("7.2")
    assert (ind.marker, ind.text, str(ind.points)) == ("（二）", "推进数据共享", "10") and version == 2
    assert {e.version for e in store.history(cat)} == {2}
    for typed in ("0.4分", "０.４", "0.4 分"):
        rev = store.revisions(cat)["1.1.1"]
        _edit(client, cat, "1.1.1", points=typed, revision=str(rev), reason="分值")
        assert str(store.get(cat)[0].find("1.1.1").points) == "0.4", typed


def test_validation_errors_stay_on_the_form(client, cat, store):
    rev = store.revisions(cat)["1.1.1"]
    r = _edit(client, cat, "1.1.1", text="改过的文字", points="零点四", revision=str(rev), reason="试试")
    assert r.status_code == 422 and "指标 1.1.1" in r.text, "the indicator's own page, not an error page"
    err = re.search(r'<span class="field-error" role="alert" data-field="points">([^<]*)</span>', r.text)
    assert err and "零点四" in err[1]
    assert "改过的文字</textarea>" in r.text and 'value="零点四"' in r.text and 'value="试试"' in r.text
    assert store.get(cat)[1] == 1, "nothing saved"
    r = _edit(client, cat, "1.1.1", text="改过的文字", revision=str(rev), reason="")
    assert r.status_code == 422 and 'data-field="reason"' in r.text
    r = _edit(client, cat, "1.1.1", marker="推进", revision=str(rev), reason="x")
    assert r.status_code == 422 and 'data-field="marker"' in r.text
    h = api(client)
    r = client.post(f"/api/catalogues/{cat}/indicators/1.1.1/save",
                    json={"points": "abc", "text": "新", "revision": rev, "reason": "x"}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "points" and "abc" in r.json()["detail"]
    r = client.post(f"/api/catalogues/{cat}/indicators/1.1.1/save",
                    json={"points": "0.5分", "text": "新的文字", "marker": "1.", "revision": rev, "reason": "x"},
                    headers=h)
    body = r.json()
    assert r.status_code == 200 and body["fields"] == ["text", "points"] and body["version"] == 2
    assert body["revision"] == rev + 1 and "目录第 2 版" in body["message"]


def test_restore_an_earlier_version_from_the_history(client, cat, store):
    rev = store.revisions(cat)["1.1"]
    original = store.get(cat)[0].find("1.1").text
    _edit(client, cat, "1.1", text="改错了", revision=str(rev), reason="误改")
    page = client.get(f"/catalogues/{cat}/history").text
    assert f'href="/catalogues/{cat}?version=1"' in page
    old = client.get(f"/catalogues/{cat}", params={"version": 1}).text
    restore = form(old, f"/catalogues/{cat}/restore")
    assert hidden(restore, "version") == ["1"] and hidden(restore, "current") == ["2"]
    r = client.post(f"/catalogues/{cat}/restore", data={"csrf_token": csrf_token(client), "version": "1",
                                                        "current": "2", "reason": "撤销误改"})
    assert r.status_code == 200 and "已将第 1 版恢复为当前版本（目录第 3 版）" in r.text
    assert "由第 2 版恢复为第 1 版的内容" in r.text and "撤销误改" in r.text
    assert store.get(cat)[0].find("1.1").text == original and store.get(cat)[1] == 3
    again = client.post(f"/catalogues/{cat}/restore", data={"csrf_token": csrf_token(client), "version": "1",
                                                            "current": "2"})
    assert again.status_code == 409
    r = client.post(f"/api/catalogues/{cat}/restore", json={"version": 3}, headers=api(client))
    assert r.status_code == 422 and r.json()["reason"] == "restore_current" and "无需恢复" in r.json()["detail"]
