"""Crosswalk review and sign-off: the store's rules and history, the pages and the JSON API (TestClient)."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient

from zhibiao.errors import EditConflict, InvalidEdit, NotFound, http_status
from zhibiao.store import MIGRATIONS, SCHEMA_VERSION, Store
from zhibiao.web import create_app

from conftest import SEED_2019, SEED_2023, csrf_token


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """A store file with the 2019 and 2023 seeds and their crosswalk (copied per test)."""
    from zhibiao.diff import crosswalk

    path = tmp_path_factory.mktemp("cw") / "base.db"
    store = Store(f"sqlite:///{path}")
    old, _ = store.ingest(SEED_2019)
    new, _ = store.ingest(SEED_2023)
    store.save_crosswalk(old, new, crosswalk(store.get(old)[0], store.get(new)[0]))
    store.engine.dispose()
    return path.read_bytes(), old, new


@pytest.fixture
def store(pair, tmp_path):
    data, _, _ = pair
    path = tmp_path / "cw.db"
    path.write_bytes(data)
    return Store(f"sqlite:///{path}")


def test_migration_2_adds_decisions(tmp_path):
    import datetime as dt

    from sqlalchemy import create_engine, insert, inspect

    from zhibiao import store as zstore

    assert SCHEMA_VERSION >= 2 and {1, 2} <= set(MIGRATIONS)
    url = f"sqlite:///{tmp_path / 'v1.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:  # a database written by the zhibiao before decisions existed
        zstore.metadata.create_all(conn, tables=zstore.V1_TABLES)
        conn.execute(insert(zstore.schema_versions).values(version=1, applied_at=dt.datetime.now(dt.UTC)))
    assert "crosswalk_decisions" not in inspect(engine).get_table_names()
    assert Store(url).migrate() == SCHEMA_VERSION
    assert {"crosswalk_decisions", "crosswalk_history"} <= set(inspect(engine).get_table_names())


def test_decisions_rules_history_and_verified(store, pair):
    _, old, new = pair
    rv = store.review(old, new)
    assert not rv.verified and rv.reviewed.decided == 0
    assert rv.reviewed.to_decide == len(rv.computed.links) + len(rv.computed.removed) + len(rv.computed.added)
    l0, l1, l2, l3 = rv.items[:4]
    assert store.decide(old, new, l0.key, "accept", by="张三", revision=0) == 1
    with pytest.raises(EditConflict):
        store.decide(old, new, l0.key, "accept", by="李四", revision=0)
    with pytest.raises(InvalidEdit) as e:
        store.decide(old, new, l1.key, "reject", by="张三")
    assert e.value.reason == "reason_required"
    store.decide(old, new, l1.key, "reject", by="张三", reason="并非同一要求")
    with pytest.raises(InvalidEdit) as e:
        store.decide(old, new, l2.key, "relink", by="张三", reason="x", old_ids=l2.old, new_ids=["99.99"])
    assert e.value.reason == "id_unknown" and e.value.params["id"] == "99.99" and http_status(e.value) == 422
    with pytest.raises(InvalidEdit) as e:
        store.decide(old, new, l2.key, "relink", by="张三", reason="x", old_ids=l2.old, new_ids=l2.new)
    assert e.value.reason == "relink_unchanged"
    with pytest.raises(InvalidEdit) as e:
        store.decide(old, new, l2.key, "confirm", by="张三")
    assert e.value.reason == "decision_invalid"
    with pytest.raises(NotFound) as nf:
        store.decide(old, new, "link-9999", "accept", by="张三")
    assert nf.value.reason == "crosswalk_item_not_found" and http_status(nf.value) == 404
    store.decide(old, new, l2.key, "relink", by="张三", reason="应对应下一项", old_ids=l2.old, new_ids=l3.new)
    removed = next(i for i in rv.items if i.kind == "removed")
    store.decide(old, new, removed.key, "link", by="张三", reason="手工对应", new_ids=l2.new)

    rv = store.review(old, new)
    cw = rv.reviewed
    assert not rv.verified and cw.decided == 4
    assert set(l1.old) <= set(cw.removed) and set(l1.new) <= set(cw.added)
    merged = next(link for link in cw.links if set(l3.new) <= set(link.new))
    assert set(l2.old) | set(l3.old) <= set(merged.old) and merged.kind == "merge"
    assert any(link.old == removed.old and link.new == l2.new for link in cw.links)
    assert removed.old[0] not in cw.removed
    leaves_old = [x for link in cw.links for x in link.old] + cw.removed
    assert len(leaves_old) == len(set(leaves_old)) == len(rv.computed.removed) + sum(
        len(link.old) for link in rv.computed.links)

    hist = store.crosswalk_history(old, new)
    assert [h.action for h in hist] == ["accept", "reject", "relink", "link"]
    assert hist[2].by == "张三" and hist[2].before is None and hist[2].after["new_ids"] == l3.new
    store.decide(old, new, l1.key, "accept", by="李四", revision=1)
    last = store.crosswalk_history(old, new)[-1]
    assert last.before["action"] == "reject" and last.after["action"] == "accept" and last.by == "李四"

    n = store.decide_rest(old, new, by="李四")
    rv = store.review(old, new)
    assert n == rv.reviewed.to_decide - 4 and rv.verified and rv.reviewed.verified


def test_same_crosswalk_again_keeps_decisions(store, pair):
    _, old, new = pair
    store.decide_rest(old, new, by="张三")
    store.save_crosswalk(old, new, store.crosswalk(old, new))
    assert store.review(old, new).verified


def test_label_suggestion_for_unlabelled_7_2(store, pair):
    _, old, new = pair
    sug = {s.indicator: s for s in store.label_suggestions(new)}
    assert sug["7.2"].text == "推进信息共享" and sug["7.2"].counterpart == "4.2" and sug["7.2"].catalogue == old
    assert store.label_suggestions(old) == []


# --- web -----------------------------------------------------------------------------------------


@pytest.fixture
def client(store):
    with TestClient(create_app(store, secret_key="test-secret")) as c:
        yield c


def _token(client) -> str:
    return csrf_token(client)


def _sign_in(client) -> str:
    tok = _token(client)
    client.post("/reviewer", data={"name": "张三", "next": "/", "csrf_token": tok})
    return tok


def _docx_text(data: bytes) -> tuple[str, list[list[str]]]:
    from docx import Document

    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        p.text for s in doc.sections for p in s.header.paragraphs)
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    return text, rows


def test_review_pages(client, pair):
    _, old, new = pair
    tok = _sign_in(client)
    page = client.get(f"/compare/{old}/{new}")
    assert page.status_code == 200 and "未核实：已核定 0 /" in page.text and 'id="item-link-0"' in page.text
    assert client.post(f"/compare/{old}/{new}/decide", data={"item": "link-0", "action": "accept",
                                                             "revision": "0"}).status_code == 403
    r = client.post(f"/compare/{old}/{new}/decide", data={"csrf_token": tok, "item": "link-0", "action": "accept",
                                                          "revision": "0", "reason": ""})
    assert r.status_code == 200 and "已确认条目 link-0" in r.text
    r = client.post(f"/compare/{old}/{new}/decide", data={"csrf_token": tok, "item": "link-1", "action": "reject",
                                                          "revision": "0", "reason": ""})
    assert r.status_code == 422 and "请填写核定理由" in r.text
    r = client.post(f"/compare/{old}/{new}/decide", data={"csrf_token": tok, "item": "link-1", "action": "relink",
                                                          "revision": "0", "reason": "改", "old_ids": "1.1.2.4",
                                                          "new_ids": "3.1.41， 9.9"})
    assert r.status_code == 422 and "现目录中没有末级指标“9.9”" in r.text
    r = client.post(f"/compare/{old}/{new}/decide", data={"csrf_token": tok, "item": "nope", "action": "accept",
                                                          "revision": "0"})
    assert r.status_code == 404 and "对照表中没有条目“nope”" in r.text
    r = client.post(f"/compare/{old}/{new}/decide", data={"csrf_token": tok, "item": "link-0", "action": "accept",
                                                          "revision": "0"})
    assert r.status_code == 409
    for bad in (f"/compare/{old}/999", f"/compare/{old}/{new}/download/pdf", f"/compare/x/{new}",
                f"/compare/{new}/{old}/history", f"/compare/{new}/{old}/download/docx"):
        assert client.get(bad).status_code in (404, 422), bad
    hist = client.get(f"/compare/{old}/{new}/history")
    assert "张三" in hist.text and "link-0" in hist.text

    text, rows = _docx_text(client.get(f"/compare/{old}/{new}/download/docx").content)
    assert "未核实" in text and rows[0] == ["序号", "原条目", "现条目", "变化"]
    r = client.post(f"/compare/{old}/{new}/decide-rest", data={"csrf_token": tok, "reason": "逐条核对无误"})
    assert "已确认其余" in r.text and "已核实：全部" in r.text
    d = client.get(f"/compare/{old}/{new}/download/docx")
    assert "未核实" not in d.headers["content-disposition"]
    text, rows = _docx_text(d.content)
    assert "未核实" not in text and len(rows) > 100
    assert "未核实" not in client.get(f"/compare/{old}/{new}/report").text


def test_review_api(client, pair):
    _, old, new = pair
    h = {"X-Zhibiao-CSRF": client.get("/api/session").json()["csrf_token"]}
    rv = client.get(f"/api/crosswalks/{old}/{new}/review").json()
    assert rv["verified"] is False and rv["items"][0]["key"] == "link-0"
    r = client.post(f"/api/crosswalks/{old}/{new}/decisions", json={"item": "link-0", "action": "reject"}, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "reviewer_required"
    r = client.post(f"/api/crosswalks/{old}/{new}/decisions", json={"item": "link-0", "action": "reject", "by": "王五"},
                    headers=h)
    assert r.status_code == 422 and r.json()["reason"] == "reason_required"
    r = client.post(f"/api/crosswalks/{old}/{new}/decisions",
                    json={"item": "link-0", "action": "reject", "reason": "错", "by": "王五"}, headers=h)
    assert r.status_code == 200 and r.json()["decided"] == 1
    r = client.post(f"/api/crosswalks/{old}/{new}/decisions",
                    json={"item": "link-0", "action": "accept", "revision": 0, "by": "王五"}, headers=h)
    assert r.status_code == 409 and r.json()["code"] == "edit_conflict"
    r = client.post(f"/api/crosswalks/{old}/{new}/decisions",
                    json={"item": "removed-zz", "action": "confirm", "by": "王五"}, headers=h)
    assert r.status_code == 404 and r.json()["reason"] == "crosswalk_item_not_found"
    assert client.post(f"/api/crosswalks/{old}/{new}/decisions", json={"item": "link-0", "action": "accept"}
                       ).status_code == 403
    hist = client.get(f"/api/crosswalks/{old}/{new}/history").json()
    assert hist[0]["by"] == "王五" and hist[0]["after"]["action"] == "reject"
    d = client.get(f"/api/crosswalks/{old}/{new}/export/docx")
    assert d.status_code == 200 and d.headers["content-type"].startswith("application/vnd.openxml")


def test_label_suggestion_accepted_through_the_edit_path(client, store, pair):
    _, old, new = pair
    tok = _sign_in(client)
    page = client.get(f"/catalogues/{new}")
    assert 'id="suggestion-7.2"' in page.text and "推进信息共享" in page.text
    rev = store.revisions(new)["7.2"]
    r = client.post(f"/catalogues/{new}/label-suggestions", data={"csrf_token": tok, "indicator": "7.2",
                                                                  "revision": str(rev)})
    assert r.status_code == 200 and "已采纳指标 7.2 的标签建议" in r.text
    cat, _ = store.get(new)
    ind = cat.find("7.2")
    assert ind.text == "推进信息共享" and "label_by_reviewer" in ind.flags and "label_missing" not in ind.flags
    last = store.history(new)[-1]
    assert last.field == "label" and last.by == "张三" and "4.2" in last.reason
    r = client.post(f"/catalogues/{new}/label-suggestions", data={"csrf_token": tok, "indicator": "7.2",
                                                                  "revision": str(rev)})
    assert r.status_code == 404
    h = {"X-Zhibiao-CSRF": client.get("/api/session").json()["csrf_token"]}
    sugs = client.get(f"/api/catalogues/{new}/label-suggestions").json()
    assert [s["indicator"] for s in sugs] == ["7.3"]
    r = client.post(f"/api/catalogues/{new}/label-suggestions/7.3", json={"revision": 1, "by": "王五"}, headers=h)
    assert r.status_code == 200, r.text
    assert client.get("/api/catalogues/999/label-suggestions").status_code == 404


def test_a_decision_naming_a_leaf_that_is_gone_is_listed_not_lost():
    """A hand link to an id the edited catalogue no longer has was dropped from the crosswalk without a word,
    and the crosswalk could still count as verified."""
    import datetime as dt

    from zhibiao.diff import crosswalk
    from zhibiao.pipeline import ingest
    from zhibiao.store import Decision, ReviewItem, reviewed

    old_cat, new_cat = ingest(SEED_2019), ingest(SEED_2023)
    cw = crosswalk(old_cat, new_cat)
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    items = [ReviewItem(key=f"link-{k}", kind="link", old=link.old, new=link.new, index=k,
                        decision=Decision(action="accept", old=link.old, new=link.new, reason=None, revision=1,
                                          by="甲", at=at))
             for k, link in enumerate(cw.links)]
    items += [ReviewItem(key=f"removed-{i}", kind="removed", old=[i], new=[],
                         decision=Decision(action="confirm", old=[i], new=[], reason=None, revision=1, by="甲", at=at))
              for i in cw.removed]
    items += [ReviewItem(key=f"added-{i}", kind="added", old=[], new=[i],
                         decision=Decision(action="confirm", old=[], new=[i], reason=None, revision=1, by="甲", at=at))
              for i in cw.added]
    assert reviewed(cw, old_cat, new_cat, items).verified
    items[0].decision = Decision(action="relink", old=items[0].old, new=["99.99.99"], reason="改对应", revision=2,
                                 by="甲", at=at)
    rv = reviewed(cw, old_cat, new_cat, items)
    assert not rv.verified
    assert rv.stale == [f"{a} → 99.99.99" for a in items[0].old]


def test_review_table_shows_only_undecided_items_on_request(client, pair):
    """仅看待核定: the review table lists the items nobody has decided; a decision made there returns to it,
    the decided item gone from it, and the full table still lists it as decided."""
    _, old, new = pair
    tok = _sign_in(client)
    full = client.get(f"/compare/{old}/{new}")
    total = full.text.count('<tr id="item-')
    assert total > 200 and 'id="show-todo"' in full.text and f"仅看待核定（{total} 项）" in full.text
    todo = client.get(f"/compare/{old}/{new}?show=todo")
    assert todo.text.count('<tr id="item-') == total and 'name="show" value="todo"' in todo.text
    r = client.post(f"/compare/{old}/{new}/decide", data={"csrf_token": tok, "item": "link-0", "action": "accept",
                                                          "revision": "0", "show": "todo"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/compare/{old}/{new}?show=todo#review-box"
    todo = client.get(r.headers["location"])
    assert 'id="item-link-0"' not in todo.text and todo.text.count('<tr id="item-') == total - 1
    assert f"仅显示待核定条目（{total - 1} 项）" in todo.text and 'id="show-all"' in todo.text
    full = client.get(f"/compare/{old}/{new}?show=everything")
    assert 'id="item-link-0" class="item kind-link is-decided"' in full.text
    assert full.text.count('<tr id="item-') == total
    client.post(f"/compare/{old}/{new}/decide-rest", data={"csrf_token": tok, "reason": "逐条核对无误"})
    done = client.get(f"/compare/{old}/{new}?show=todo")
    assert 'id="review-none-left"' in done.text and '<tr id="item-' not in done.text


def test_review_api_lists_only_undecided_items_on_request(client, pair):
    _, old, new = pair
    h = {"X-Zhibiao-CSRF": client.get("/api/session").json()["csrf_token"]}
    everything = client.get(f"/api/crosswalks/{old}/{new}/review").json()
    r = client.post(f"/api/crosswalks/{old}/{new}/decisions", json={"item": "link-0", "action": "accept",
                                                                    "by": "王五"}, headers=h)
    assert r.status_code == 200
    todo = client.get(f"/api/crosswalks/{old}/{new}/review?undecided=true").json()
    keys = [i["key"] for i in todo["items"]]
    assert "link-0" not in keys and len(keys) == len(everything["items"]) - 1
    assert not any(i["decided"] for i in todo["items"]) and todo["decided"] == 1
    assert len(client.get(f"/api/crosswalks/{old}/{new}/review").json()["items"]) == len(everything["items"])
