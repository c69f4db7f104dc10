"""One owner for edit rules: the store decides (with a reason code), the pages and the JSON API say it in
Chinese with the status of zhibiao.errors.HTTP_STATUS; a store that fails is never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from zhibiao import errors
from zhibiao.store import InvalidEdit, NotFound, Store, check_edit
from zhibiao.web import create_app
from zhibiao.web.errors import REFUSAL_MESSAGES

CLEAN_TXT = ("示例指标体系\n\n一级指标\t二级指标\t三级指标\n"
             "一、执法办案（5分）\t（一）基本认识（3分）\t"
             "1. 执法人员清楚基本要求。（1分） 2. 执法人员熟悉执法事项。（2分）\n"
             "\t（二）组织权限（2分）\t3. 案源均有记录。（1分） 4. 所办案件属本单位管辖。（1分）\n"
             "二、执法责任（5分）\t（一）梳理执法依据（5分）\t"
             "5. 执法事项分解到人员。（2分） 6. 执法事项相互衔接。（3分）\n")


@pytest.fixture
def stored(tmp_path) -> tuple[Store, int]:
    store = Store(f"sqlite:///{tmp_path / 'rules.db'}")
    notice = tmp_path / "clean.txt"
    notice.write_text(CLEAN_TXT, encoding="utf-8")
    cat_id, _ = store.ingest(notice, by="test")
    return store, cat_id


@pytest.mark.parametrize("field, value, reason", [
    ("owner", "x", "field_not_editable"),
    ("text", "  ", "text_empty"),
    ("points", "-1", "points_invalid"),
    ("points", "abc", "points_invalid"),
    ("parent", "9.9", "parent_invalid"),
    ("parent", "1.1.1", "parent_inside"),
    ("parent", "2", "parent_level"),
])
def test_the_store_refuses_with_a_reason(stored, field, value, reason):
    store, cat_id = stored
    cat, _ = store.get(cat_id)
    with pytest.raises(InvalidEdit) as refused:
        check_edit(cat, "1.1.1" if field != "parent" or value != "1.1.1" else "1.1", field, value)
    assert refused.value.reason == reason and reason in REFUSAL_MESSAGES
    with pytest.raises(InvalidEdit) as again:
        store.edit(cat_id, "1.1.1" if value != "1.1.1" else "1.1", field, value, by="t", revision=1)
    assert again.value.reason == reason
    assert store.get(cat_id)[1] == 1, "nothing was saved"
    with pytest.raises(NotFound):
        check_edit(cat, "9.9.9", "text", "x")


def test_every_refusal_has_one_status_and_one_exit_code():
    for cls, status in errors.HTTP_STATUS.items():
        assert errors.exit_code(cls()) == errors.EXIT_STORE
        assert errors.http_status(cls()) == status
    assert errors.http_status(InvalidEdit(reason="points_invalid")) == 422


def test_the_api_says_why_the_store_refused(stored):
    store, cat_id = stored
    with TestClient(create_app(store, secret_key="test-secret")) as client:
        h = {"X-Zhibiao-CSRF": client.get("/api/session").json()["csrf_token"]}
        edit = {"indicator": "1.1.1", "field": "points", "value": "-1", "revision": 1, "reason": "核对", "by": "张三"}
        r = client.post(f"/api/catalogues/{cat_id}/edits", json=edit, headers=h)
        assert r.status_code == 422 and r.json()["code"] == "invalid_edit" and r.json()["reason"] == "points_invalid"
        assert "分值必须是不小于 0 的数字" in r.json()["detail"]
        r = client.post(f"/api/catalogues/{cat_id}/edits", json={**edit, "field": "parent", "value": "2"}, headers=h)
        assert r.status_code == 422 and r.json()["reason"] == "parent_level" and "第 1 级" in r.json()["detail"]


def test_a_failing_store_is_not_a_500(stored, monkeypatch):
    store, cat_id = stored

    def broken(*args, **kwargs):
        raise errors.StoreError("db", "OperationalError: the database is locked")

    with TestClient(create_app(store, secret_key="test-secret")) as client:
        monkeypatch.setattr(store, "list", broken)
        r = client.get("/api/catalogues")
        assert r.status_code == 503 and r.json()["code"] == "store_unavailable"
        r = client.get("/")
        assert r.status_code == 503 and "目录数据库暂时无法使用" in r.text
