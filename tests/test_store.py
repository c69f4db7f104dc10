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
    with pytest.raises(InvalidEdit) as refused:
        store.verify(cid, list(revs), by="alice", revisions_seen=revs)
    assert refused.value.reason == "warnings_not_accepted"
    warned = refused.value.params["ids"]
    assert warned == ["7.3", "8.5.185", "8.5.186", "8.5.187"], "7.2's label is filled: its warning is gone"
    assert store.get(cid)[1] == 2, "nothing was verified"
    done = store.verify_subtree(cid, None, by="alice", revisions_seen=revs)
    assert done.skipped == warned and len(done.verified) == len(revs) - len(warned)
    with pytest.raises(NotVerifiable, match="not verified yet"):
        store.verify_catalogue(cid, by="alice")
    for ident in warned:  # one by one
        store.accept_warnings(cid, ident, by="bob", revision=store.revisions(cid)[ident], reason="原文如此")
    accepted = store.acceptances(cid)
    assert set(accepted) == set(warned) and accepted["7.3"].codes == ["label_missing"] and accepted["7.3"].by == "bob"
    assert [r.field for r in store.history(cid)[-2:]] == ["warning_accepted", "verified"]
    store.verify_catalogue(cid, by="alice")
    cat, _ = store.get(cid)
    assert cat.verification.verified and cat.verification.by == "alice"
    summary = {r.by: r for r in store.verifiers(cid)}
    assert len(summary["alice"].indicators) == len(revs) - len(warned)
    assert summary["bob"].indicators == warned == summary["bob"].warnings_accepted
    assert store.list()[0].verified
    revs = store.revisions(cid)
    store.edit(cid, "7.3", "label", "强化智能应用", by="bob", revision=revs["7.3"])
    cat, _ = store.get(cid)
    assert not cat.verification.verified and "7.3" not in cat.verification.indicators, "an edit withdraws it"
    assert "7.3" not in store.acceptances(cid), "and the warnings accepted on it"


def test_errors_block_verification(store):
    cid, _ = store.ingest(TXT_2019)
    revs = store.revisions(cid)
    store.edit(cid, "1.1.1.1", "points", "3", by="a", revision=revs["1.1.1.1"])
    revs = store.revisions(cid)
    store.verify(cid, list(revs), by="a", revisions_seen=revs, accept=list(revs))
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
    store.verify(cid, ["7.2", "7.2.149", "7.3"], by="a", revisions_seen=revs, accept=["7.2", "7.3"])
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
    assert store.export(cid, "csv").startswith("\ufeff编号,层级,上级指标".encode())
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


def test_points_as_reviewers_type_them(store):
    cid, _ = store.ingest(TXT_2019)
    for typed in ("0.4分", "０.４", "0.4 分", "（0.4分）", " 0.40 "):
        store.edit(cid, "1.1.1.1", "points", typed, by="a", revision=store.revisions(cid)["1.1.1.1"])
        cat, _ = store.get(cid)
        assert _ind(cat, "1.1.1.1").points == Decimal("0.4"), typed
    for bad in ("1-3", "abc", "-1", "0.00001", "1234567", "", "NaN", "1E5"):
        with pytest.raises(InvalidEdit) as refused:
            store.edit(cid, "1.1.1.1", "points", bad, by="a", revision=store.revisions(cid)["1.1.1.1"])
        assert refused.value.reason == "points_invalid", bad


def test_several_fields_in_one_save_and_the_marker_in_its_own_field(store):
    cid, _ = store.ingest(PDF_2023)
    before = store.get(cid)[1]
    rev = store.revisions(cid)["7.2"]
    done = store.edit_many(cid, "7.2", {"text": "（二）推进数据共享", "points": "10分"}, by="a", revision=rev,
                           reason="补填")
    assert done.version == before + 1 and done.fields == ["text", "marker", "points"]
    cat, _ = store.get(cid)
    ind = _ind(cat, "7.2")
    assert (ind.marker, ind.text, ind.points) == ("（二）", "推进数据共享", Decimal("10"))
    assert [(r.field, r.version) for r in store.history(cid)] == [("text", done.version), ("marker", done.version),
                                                                 ("points", done.version)]
    assert store.revisions(cid)["7.2"] == rev + 1, "one save, one revision"
    again = store.edit_many(cid, "7.2", {"text": "推进数据共享", "marker": "（二）"}, by="a", revision=rev + 1)
    assert again.fields == [] and again.version == done.version, "nothing changed, nothing written"
    with pytest.raises(InvalidEdit) as refused:
        store.edit_many(cid, "7.2", {"text": "新文字", "points": "x"}, by="a", revision=rev + 1)
    assert refused.value.reason == "points_invalid" and store.get(cid)[1] == done.version, "none of it is saved"
    with pytest.raises(InvalidEdit) as refused:
        store.edit_many(cid, "7.2", {"marker": "推进"}, by="a", revision=rev + 1)
    assert refused.value.reason == "marker_invalid"
    moved = store.edit_many(cid, "7.2.150", {"text": "新的要求", "parent": "7.3"}, by="a",
                            revision=store.revisions(cid)["7.2.150"], reason="归入 7.3")
    assert moved.indicator == "7.3.150" and moved.fields == ["text", "parent"]
    assert _ind(store.get(cid)[0], "7.3.150").text == "新的要求"


def test_restore_an_earlier_version_as_a_new_version(store):
    cid, _ = store.ingest(TXT_2019)
    revs = store.revisions(cid)
    store.verify(cid, ["1.1", "1.2"], by="a", revisions_seen=revs, accept=["1.1", "1.2"])
    v3 = store.edit(cid, "1.1", "text", "改错的文字", by="a", revision=store.revisions(cid)["1.1"])
    v4 = store.edit(cid, "1.1.1.1", "points", "3", by="a", revision=store.revisions(cid)["1.1.1.1"])
    original, _ = store.get(cid, 1)
    rev_11 = store.revisions(cid)["1.1"]
    v5 = store.restore(cid, 2, by="b", reason="误改", current_seen=v4)
    assert v5 == v4 + 1
    cat, version = store.get(cid)
    assert version == v5 and _ind(cat, "1.1").text == _ind(original, "1.1").text
    assert _ind(cat, "1.1.1.1").points == _ind(original, "1.1.1.1").points
    assert cat.verification.indicators == ["1.2"], "unchanged and verified: kept; 1.1 differs: withdrawn"
    assert store.revisions(cid)["1.1"] == rev_11 + 1, "an editor who saw the restored-over text conflicts"
    assert store.get(cid, v3)[0].find("1.1").text == "改错的文字", "the versions in between stay"
    rows = store.history(cid)
    assert [r.field for r in rows if r.version == v5] == ["restored", "text", "points"]
    assert rows[-3].new_value == "2" and rows[-3].by == "b" and rows[-3].reason == "误改"
    with pytest.raises(EditConflict):
        store.restore(cid, 1, by="b", current_seen=v4)
    with pytest.raises(InvalidEdit) as refused:
        store.restore(cid, v5, by="b")
    assert refused.value.reason == "restore_current"
