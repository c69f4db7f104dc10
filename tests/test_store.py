"""The catalogue store: idempotent ingest, versions, edits with history, conflicts, verification, crash safety."""

from __future__ import annotations

import os
import threading
from decimal import Decimal

import pytest

from zhibiao.store import EditConflict, InvalidEdit, NotVerifiable, Store, default_url

from conftest import PDF_2023, SEED_2019 as TXT_2019, indicator as _ind

# The store runs on SQLite and, where scripts/test.sh started one (as in CI), on PostgreSQL too.
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("ZHIBIAO_TEST_PG") else [])


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    if request.param == "sqlite":
        yield Store(f"sqlite:///{tmp_path / 'z.db'}")
        return
    from zhibiao.store import metadata, schema_versions

    st = Store(os.environ["ZHIBIAO_TEST_PG"])
    yield st
    with st.engine.begin() as conn:  # leave the shared test database empty for the next test
        metadata.drop_all(conn)
        schema_versions.drop(conn, checkfirst=True)
    st.engine.dispose()


def test_default_location_is_created_on_first_use(tmp_path, monkeypatch):
    monkeypatch.delenv("ZHIBIAO_DB", raising=False)
    monkeypatch.setenv("ZHIBIAO_DATA", str(tmp_path / "data"))
    assert default_url() == f"sqlite:///{tmp_path / 'data' / 'zhibiao.db'}"
    Store()
    assert (tmp_path / "data" / "zhibiao.db").exists()
    monkeypatch.setenv("ZHIBIAO_DB", "sqlite:///" + str(tmp_path / "other.db"))
    assert Store().url.endswith("other.db")


def test_ingest_same_bytes_is_idempotent(store):
    first, created = store.ingest(TXT_2019)
    again, created_again = store.ingest(TXT_2019)
    assert (created, created_again) == (True, False) and first == again
    assert len(store.list()) == 1
    name, data = store.document(first)
    assert name == TXT_2019.name and data == TXT_2019.read_bytes()


def test_edit_records_history_and_rechecks_sums(store):
    cid, _ = store.ingest(TXT_2019)
    revs = store.revisions(cid)
    version = store.edit(cid, "1.1.1.1", "points", "0.7", by="alice", revision=revs["1.1.1.1"], reason="typo in PDF")
    assert version == 2
    cat, _ = store.get(cid)
    assert _ind(cat, "1.1.1.1").points == Decimal("0.7")
    assert [f.indicator for f in cat.rubrics[0].findings if f.code == "sum_mismatch"] == ["1.1.1"]
    [edit] = store.history(cid)
    assert (edit.indicator_id, edit.field, edit.old_value, edit.new_value, edit.by, edit.reason) == \
        ("1.1.1.1", "points", "0.5", "0.7", "alice", "typo in PDF")
    old, _ = store.get(cid, version=1)
    assert _ind(old, "1.1.1.1").points == Decimal("0.5"), "earlier versions are kept"


def test_second_save_of_the_same_indicator_conflicts(store):
    cid, _ = store.ingest(TXT_2019)
    seen = store.revisions(cid)["1.1"]
    store.edit(cid, "1.1", "text", "强化事前公开（修订）", by="alice", revision=seen)
    with pytest.raises(EditConflict):
        store.edit(cid, "1.1", "text", "另一个版本", by="bob", revision=seen)
    cat, _ = store.get(cid)
    assert _ind(cat, "1.1").text == "强化事前公开（修订）", "nothing is lost"


def test_concurrent_edits_of_different_indicators_both_land(store):
    cid, _ = store.ingest(TXT_2019)
    revs = store.revisions(cid)
    errors = []

    def work(ident, text):
        try:
            store.edit(cid, ident, "text", text, by=ident, revision=revs[ident])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i, f"新文字 {i}")) for i in ("1.1", "1.2", "1.3", "2.1")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    cat, version = store.get(cid)
    assert version == 5
    ids = ("1.1", "1.2", "1.3", "2.1")
    assert {_ind(cat, i).text for i in ids} == {f"新文字 {i}" for i in ids}


def test_fill_missing_label_and_verify(store):
    cid, _ = store.ingest(PDF_2023)
    revs = store.revisions(cid)
    store.edit(cid, "7.2", "label", "推进信息共享", by="alice", revision=revs["7.2"], reason="wording of 2019")
    cat, _ = store.get(cid)
    assert _ind(cat, "7.2").text == "推进信息共享"
    assert "label_missing" not in _ind(cat, "7.2").flags
    with pytest.raises(NotVerifiable, match="not verified yet"):
        store.verify_catalogue(cid, by="alice")
    revs = store.revisions(cid)
    store.verify(cid, list(revs), by="alice", revisions_seen=revs)
    store.verify_catalogue(cid, by="alice")
    cat, _ = store.get(cid)
    assert cat.verification.verified and cat.verification.by == "alice"
    assert store.list()[0].verified
    revs = store.revisions(cid)
    store.edit(cid, "7.3", "label", "强化智能应用", by="bob", revision=revs["7.3"])
    cat, _ = store.get(cid)
    assert not cat.verification.verified and "7.3" not in cat.verification.indicators, "an edit withdraws it"


def test_errors_block_verification(store):
    cid, _ = store.ingest(TXT_2019)
    revs = store.revisions(cid)
    store.edit(cid, "1.1.1.1", "points", "3", by="a", revision=revs["1.1.1.1"])
    revs = store.revisions(cid)
    store.verify(cid, list(revs), by="a", revisions_seen=revs)
    with pytest.raises(NotVerifiable, match="error"):
        store.verify_catalogue(cid, by="a")


def test_move_under_another_parent(store):
    cid, _ = store.ingest(PDF_2023)
    revs = store.revisions(cid)
    store.edit(cid, "7.2.150", "parent", "7.3", by="a", revision=revs["7.2.150"], reason="belongs to 7.3")
    cat, _ = store.get(cid)
    assert [c.number for c in _ind(cat, "7.3").children][:2] == [150, 151]
    assert "7.3.150" in store.revisions(cid)
    mismatched = {f.indicator for f in cat.rubrics[0].findings if f.code == "sum_mismatch"}
    assert mismatched == {"7.2", "7.3"}, "moving an item unbalances both parents, and the check says so"
    with pytest.raises(InvalidEdit):
        store.edit(cid, "7.3", "parent", "7.3.151", by="a", revision=store.revisions(cid)["7.3"])


def test_a_move_withdraws_the_verification_of_the_moved_ids(store):
    cid, _ = store.ingest(PDF_2023)
    revs = store.revisions(cid)
    store.verify(cid, ["7.2", "7.2.149", "7.3"], by="a", revisions_seen=revs)
    store.edit(cid, "7.2.149", "parent", "7.3", by="a", revision=store.revisions(cid)["7.2.149"])
    cat, _ = store.get(cid)
    assert cat.verification.indicators == ["7.2", "7.3"]


def test_invalid_edits(store):
    cid, _ = store.ingest(TXT_2019)
    rev = store.revisions(cid)["1.1"]
    for field, value in (("points", "abc"), ("points", "-1"), ("text", "  "), ("colour", "red")):
        with pytest.raises(InvalidEdit):
            store.edit(cid, "1.1", field, value, by="a", revision=rev)
    assert store.history(cid) == []


def test_a_failed_ingest_leaves_the_store_as_it_was(store, tmp_path):
    cid, _ = store.ingest(TXT_2019)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    with pytest.raises(Exception):  # noqa: B017 -- any failure: the test is about the store's state after it
        store.ingest(bad)
    assert [r.id for r in store.list()] == [cid]


def test_exports(store):
    cid, _ = store.ingest(TXT_2019)
    assert store.export(cid, "json").startswith(b"{")
    assert store.export(cid, "csv").startswith(b"\xef\xbb\xbfrubric,id,path")
    assert store.export(cid, "xlsx").startswith(b"PK")


def test_a_failure_mid_edit_rolls_everything_back(store, monkeypatch):
    """The edit's revision bump, new version and history row are one transaction."""
    from zhibiao.model import Catalogue

    cid, _ = store.ingest(TXT_2019)
    before = store.revisions(cid)

    def boom(self, *a, **k):
        raise RuntimeError("power cut")

    monkeypatch.setattr(Catalogue, "model_dump_json", boom)
    with pytest.raises(RuntimeError):
        store.edit(cid, "1.1", "text", "新", by="a", revision=before["1.1"])
    monkeypatch.undo()
    assert store.revisions(cid) == before
    assert store.get(cid)[1] == 1 and store.history(cid) == []
