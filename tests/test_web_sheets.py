"""评分表 in the review app (zhibiao/web/sheets.py, zhibiao/sheet_store.py, zhibiao/sheet_review.py): sheets uploaded
for a verified catalogue as one background job, a page per unit, fixes of an alignment or a value with a reason,
history, confirmation, and the cohort of confirmed assessments only.

The sheets are tests/sheets_make.py's, of the family rubric pf02 (42 items, 100 points), as in tests/test_sheets.py;
the expected figures are that module's, worked out by hand there: FILL gives 88 of 92 (0.9565), areas 14/15, 24/25,
19/20, 20/21, 11/11; its edited sheet also writes area 3's 小计 as 20 (its items give 19).
"""

from __future__ import annotations

import io
import os
import re
import time
import zipfile

import pytest
import sheets_make as sm
from test_sheets import AREAS, DEDUCTED, FAMILY, REMARKS, edited, fill

from zhibiao.model import dec_str
from zhibiao.scoring import scorable_leaves

from conftest import SEED_2023, csrf_token

SHOWN = {"0.9333": "93.33%", "0.9600": "96%", "0.9500": "95%", "0.9524": "95.24%", "1.0000": "100%"}  # as printed
OTHER = "完成上级交办的其他普法工作任务"  # a row retyped beyond recognition: it matches no leaf


@pytest.fixture
def cat(store):
    """pf02 ingested into the store and verified (every indicator, then the catalogue)."""
    cat_id, _ = store.ingest(FAMILY, by="录入员")
    done = store.verify_subtree(cat_id, None, by="审核员", revisions_seen=store.revisions(cat_id))
    assert not done.skipped
    store.verify_catalogue(cat_id, by="审核员")
    return cat_id


@pytest.fixture
def rubric(store, cat):
    return store.get(cat)[0].main_rubric()


@pytest.fixture
def leaves(rubric):
    return scorable_leaves(rubric, "pf02")


@pytest.fixture
def signed_in(client):
    token = csrf_token(client)
    client.post("/reviewer", data={"csrf_token": token, "name": "张三", "next": "/"})
    return token


def _bytes(sheet, fmt: str, tmp_path, name: str = "s") -> bytes:
    return sm.WRITERS[fmt](sheet, tmp_path / f"{name}.{fmt}").read_bytes()


def _upload(client, token, cat_id, files: list[tuple[str, bytes]]):
    return client.post(f"/catalogues/{cat_id}/assessments/upload", data={"csrf_token": token},
                       files=[("files", f) for f in files], follow_redirects=False)


def _wait(client, response, limit: float = 120) -> dict:
    assert response.status_code == 303, response.text[:500]
    job = response.headers["location"].rsplit("/", 1)[-1]
    deadline = time.monotonic() + limit
    while True:
        status = client.get(f"/api/jobs/{job}").json()
        if status["state"] != "running" or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


def _ids(client, cat_id) -> dict[str, int]:
    page = client.get(f"/catalogues/{cat_id}/assessments").text
    return {unit: int(ident) for ident, unit in re.findall(r'<a href="/assessments/(\d+)">([^<]+)</a>', page)}


def _revision(client, ident: int) -> str:
    m = re.search(r'name="revision" value="(\d+)"', client.get(f"/assessments/{ident}").text)
    assert m is not None
    return m[1]


def _text(html: str) -> str:
    """The page's text without tags and option lists (what a reader sees, roughly)."""
    html = re.sub(r"<select.*?</select>", "", html, flags=re.S)
    html = re.sub(r"</?(?:strong|span|a|em)\b[^>]*>", "", html)  # inline: no space
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- upload ------------------------------------------------------------------------------------


def test_several_sheets_are_one_job_and_each_becomes_an_assessment(client, store, cat, signed_in, rubric, leaves,
                                                                   tmp_path):
    good = _bytes(edited(rubric, leaves), "xlsx", tmp_path, "a")
    full = _bytes(sm.sheet_of(rubric, fill(leaves, {}), unit="乙县司法局"), "docx", tmp_path, "b")
    status = _wait(client, _upload(client, signed_in, cat, [("某县.xlsx", good), ("乙县.docx", full),
                                                           ("坏.pdf", b"%PDF-1.4 truncated")]))
    assert status["state"] == "done" and status["kind"] == "sheets"
    assert status["result_url"] == f"/catalogues/{cat}/assessments"
    assert status["message"].startswith("已读取 2 份评分表。")
    assert "未能读取 1 份：坏.pdf：文件已损坏或不完整" in status["message"]
    ids = _ids(client, cat)
    assert set(ids) == {"某县司法局", "乙县司法局"}
    page = client.get(f"/assessments/{ids['某县司法局']}")
    assert page.status_code == 200
    text = _text(page.text)
    assert "合计得分 88 分，应得分 92 分，完成度 95.65%（达标）" in text
    assert "不适用 2 项（4.2.30、5.2.39），共 8 分未计入应得分" in text
    areas = {k: rest for k, *rest in re.findall(
        r'<tr data-id="(\d)"><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>', page.text)}
    assert areas == {k: [a, p, SHOWN[c]] for k, (a, p, c) in AREAS.items()}
    assert "表中“系统内学法用法”的小计为 20 分，其下各项得分合计为 19 分，两者不符" in text
    assert all(r in text for r in REMARKS.values())
    # aligned rows: sheet text beside catalogue text, and how each was matched
    row = re.search(r'<tr id="row-(\d+)" class="kind-item[^"]*" data-row="\d+" data-leaf="2.1.8">(.*?)</tr>',
                    page.text, re.S)
    assert row is not None and "按文字相似度" in row[2] and "我局" in row[2] and leaves["2.1.8"].text in row[2]
    assert page.text.count("按序号") >= 30
    # the same bytes again: the same assessment, said so
    again = _wait(client, _upload(client, signed_in, cat, [("again.xlsx", good)]))
    assert again["message"] == "已读取 1 份评分表。其中 1 份此前已上传过（内容相同），沿用已有的评分表。"
    assert _ids(client, cat) == ids


def test_a_zip_of_a_folder_gives_its_sheets(client, cat, signed_in, rubric, leaves, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        one = sm.sheet_of(rubric, fill(leaves), unit="甲县司法局")
        zf.writestr("评分表/甲县.xlsx", _bytes(one, "xlsx", tmp_path, "a"))
        two = sm.sheet_of(rubric, fill(leaves, {}), unit="乙县司法局")
        zf.writestr("评分表/乙县.html", _bytes(two, "html", tmp_path))
        zf.writestr("评分表/说明.txt", "各单位评分表")
        zf.writestr("__MACOSX/评分表/._甲县.xlsx", b"\x00")
    status = _wait(client, _upload(client, signed_in, cat, [("评分表.zip", buf.getvalue())]))
    assert status["state"] == "done" and status["message"] == "已读取 2 份评分表。"
    assert set(_ids(client, cat)) == {"甲县司法局", "乙县司法局"}
    bomb = io.BytesIO()  # 2 MiB upload limit: members of 1.5 MiB pass one by one, not 3 of them together
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for k in range(3):
            zf.writestr(f"{k}.xlsx", bytes(1536 * 1024))
    status = _wait(client, _upload(client, signed_in, cat, [("大.zip", bomb.getvalue())]))
    assert status["state"] == "failed"
    assert "大.zip：压缩包解压后合计超过 4 MB，其余未读取。" in status["error"]["detail"]
    broken = _wait(client, _upload(client, signed_in, cat, [("坏.zip", b"PK\x03\x04 not a zip")]))
    assert broken["state"] == "failed" and broken["error"]["status"] == 422
    assert "坏.zip：压缩包已损坏" in broken["error"]["detail"]


# --- fixes, history, confirmation --------------------------------------------------------------


def _faulty(client, token, cat, rubric, leaves, tmp_path) -> tuple[int, dict[str, int]]:
    """A sheet with two problems: 1.1.1 given 3 of 2 points, 2.1.9's row retyped beyond recognition (it matches
    no leaf, and 2.1.9 none of the rows)."""
    sheet = sm.sheet_of(rubric, fill(leaves, {**DEDUCTED, "1.1.1": "3"}), remarks=REMARKS, unit="丙县司法局")
    sm.retype(sheet, "2.1.9", OTHER)
    status = _wait(client, _upload(client, token, cat, [("丙县.xlsx", _bytes(sheet, "xlsx", tmp_path))]))
    assert status["state"] == "done" and "其中 1 份有问题待处理" in status["message"]
    ident = _ids(client, cat)["丙县司法局"]
    page = client.get(f"/assessments/{ident}").text
    found = re.findall(r'class="kind-item[^"]*" data-row="(\d+)" data-leaf="([^"]*)"', page)
    rows = {leaf: int(r) for r, leaf in found}
    return ident, rows


def test_fix_an_alignment_and_a_value_with_reasons_then_confirm(client, cat, signed_in, rubric, leaves, tmp_path):
    ident, rows = _faulty(client, signed_in, cat, rubric, leaves, tmp_path)
    page = _text(client.get(f"/assessments/{ident}").text)
    assert "评分表还有 3 个问题，解决后才能计分" in page
    assert f"“{OTHER}”没有对应到目录中的任何末级指标" in page
    assert "指标 2.1.9“9.普法责任清单在单位门户网站或者政务新媒体向社会公开”在表中没有对应的行" in page
    assert f"第 {rows['1.1.1']} 行（指标 1.1.1）得分 3 分超过该项分值 2 分" in page
    stray = rows[""]
    r = client.post(f"/assessments/{ident}/confirm", data={"csrf_token": signed_in,
                                                           "revision": _revision(client, ident)})
    assert r.status_code == 422 and "还有 3 个问题未解决，暂不能确认" in r.text
    # a fix without a reason: 422, said in Chinese, nothing changed
    r = client.post(f"/assessments/{ident}/rows/{stray}/leaf", data={
        "csrf_token": signed_in, "leaf": "2.1.9", "reason": "  ", "revision": _revision(client, ident)})
    assert r.status_code == 422 and "请填写修改理由" in r.text
    r = client.post(f"/assessments/{ident}/rows/{stray}/leaf", data={
        "csrf_token": signed_in, "leaf": "2.1.9", "reason": "单位改写了条目文字，对照原件确认", "revision":
        _revision(client, ident)})
    assert r.status_code == 200 and f"已将第 {stray} 行改为指标 2.1.9。" in r.text, _text(r.text)[:600]
    assert "审核人指定" in r.text
    # a value over the points, a word, a stale revision: refused
    seen = _revision(client, ident)
    for value, said in (("2.5", "得分 2.5 分超过了指标 1.1.1 的分值 2 分"), ("两分", "得分必须是不小于 0 的数字")):
        r = client.post(f"/assessments/{ident}/rows/{rows['1.1.1']}/value", data={
            "csrf_token": signed_in, "value": value, "reason": "核对佐证材料", "revision": seen})
        assert r.status_code == 422 and said in r.text
    r = client.post(f"/assessments/{ident}/rows/{rows['1.1.1']}/value", data={
        "csrf_token": signed_in, "value": "1.5", "reason": "核对佐证材料，应扣 0.5 分", "revision": "1"})
    assert r.status_code == 409 and "其他人修改或确认了这份评分表" in r.text
    r = client.post(f"/assessments/{ident}/rows/{rows['1.1.1']}/value", data={
        "csrf_token": signed_in, "value": "1.5", "reason": "核对佐证材料，应扣 0.5 分", "revision": seen})
    assert r.status_code == 200
    text = _text(r.text)
    assert "合计得分 88 分，应得分 92 分，完成度 95.65%（达标）" in text and "解决后才能计分" not in text
    # history: who, old, new, reason
    history = r.text[r.text.index('id="sheet-history"'):]
    assert "张三" in history and "（未对应）" in history and "2.1.9" in history and "单位改写了条目文字" in history
    assert '<span class="old">3</span> → <span class="new">1.5</span>' in history and "应扣 0.5 分" in history
    r = client.post(f"/assessments/{ident}/confirm", data={"csrf_token": signed_in,
                                                           "revision": _revision(client, ident)})
    assert r.status_code == 200 and "已确认“丙县司法局”的评分表，计入汇总。" in r.text
    assert re.search(r'id="assessment-state"><span class="badge ok">已确认</span> 张三', r.text)
    # a fix after confirmation withdraws it, and says so in the history
    r = client.post(f"/assessments/{ident}/rows/{rows['1.1.1']}/value", data={
        "csrf_token": signed_in, "value": "2", "reason": "复核后不扣分", "revision": _revision(client, ident)})
    assert r.status_code == 200 and '<span class="badge todo">待确认</span>' in r.text
    assert "撤销确认" in r.text and "合计得分 88.5 分" in _text(r.text)


def test_cohort_counts_confirmed_assessments_only(client, cat, signed_in, rubric, leaves, tmp_path):
    missing = client.get(f"/catalogues/{cat}/assessments/report.xlsx")
    assert missing.status_code == 422 and "还没有已确认的评分表" in missing.text
    sheets = [("甲县.xlsx", _bytes(sm.sheet_of(rubric, fill(leaves), unit="甲县司法局"), "xlsx", tmp_path, "a")),
              ("乙县.xlsx", _bytes(sm.sheet_of(rubric, fill(leaves, {}), unit="乙县司法局"), "xlsx", tmp_path, "b"))]
    assert _wait(client, _upload(client, signed_in, cat, sheets))["state"] == "done"
    ids = _ids(client, cat)
    page = _text(client.get(f"/catalogues/{cat}/assessments").text)
    assert "已确认 0 个单位，另有 2 个单位的评分表尚未确认，未计入" in page
    r = client.post(f"/assessments/{ids['甲县司法局']}/confirm", data={
        "csrf_token": signed_in, "revision": _revision(client, ids["甲县司法局"])})
    assert r.status_code == 200
    page = client.get(f"/catalogues/{cat}/assessments").text
    text = _text(page)
    assert "已确认 1 个单位，另有 1 个单位的评分表尚未确认，未计入" in text
    ranking = page[page.index('id="cohort-ranking"'):]
    assert "甲县司法局" in ranking and "乙县司法局" not in ranking  # 乙县 scores 100%: it would rank first
    assert "<td>合计</td><td>88</td><td>92</td><td>95.65%</td>" in page
    report = client.get(f"/catalogues/{cat}/assessments/report.xlsx")
    assert report.status_code == 200 and report.content[:2] == b"PK"
    from openpyxl import load_workbook

    cells = [c for ws in load_workbook(io.BytesIO(report.content)) for row in ws.iter_rows(values_only=True)
             for c in row if isinstance(c, str)]
    assert any("甲县司法局" in c for c in cells) and not any("乙县司法局" in c for c in cells)


# --- bad input ---------------------------------------------------------------------------------


def test_bad_inputs_are_said_in_chinese_never_a_500(client, store, cat, signed_in, rubric, leaves, tmp_path):
    r = _upload(client, signed_in, cat, [])
    assert r.status_code == 422 and "请选择要上传的评分表" in r.text
    # every file bad: the job fails with 422, naming each and why
    notice = FAMILY.read_bytes()  # the notice itself: 分值, but no 得分 column
    status = _wait(client, _upload(client, signed_in, cat, [("通知.docx", notice), ("空.xlsx", b"")]))
    assert status["state"] == "failed" and status["error"]["status"] == 422
    detail = status["error"]["detail"]
    assert "通知.docx：表中没有找到填有得分的表格" in detail and "空.xlsx：文件是空的" in detail
    page = client.get(f"/jobs/{status['id']}")
    assert page.status_code == 422 and "没有读取到任何评分表" in page.text
    # the same unit twice (different bytes): the second is refused, the first kept
    one = _bytes(sm.sheet_of(rubric, fill(leaves), unit="甲县司法局"), "xlsx", tmp_path, "a")
    two = _bytes(sm.sheet_of(rubric, fill(leaves, {}), unit="甲县司法局"), "docx", tmp_path, "b")
    status = _wait(client, _upload(client, signed_in, cat, [("甲县.xlsx", one), ("甲县2.docx", two)]))
    assert "甲县2.docx：单位“甲县司法局”已有评分表（甲县.xlsx），未重复保存。" in status["message"]
    ident = _ids(client, cat)["甲县司法局"]
    # an unverified catalogue takes no sheets
    other, created = store.ingest(SEED_2023, by="录入员")
    assert created and other != cat
    r = _upload(client, signed_in, other, [("甲县.xlsx", one)])
    assert r.status_code == 422 and "该目录尚未核实" in r.text
    assert "只有已核实的目录才能上传评分表" in client.get(f"/catalogues/{other}/assessments").text
    # no such assessment, no such row or leaf, no CSRF token
    assert client.get("/assessments/9999").status_code == 404
    seen = _revision(client, ident)
    r = client.post(f"/assessments/{ident}/rows/999/value", data={"csrf_token": signed_in, "value": "1",
                                                                  "reason": "x", "revision": seen})
    assert r.status_code == 422 and "评分表中没有第 999 行" in r.text
    row = re.search(r'data-row="(\d+)" data-leaf="1.1.1"', client.get(f"/assessments/{ident}").text)[1]
    r = client.post(f"/assessments/{ident}/rows/{row}/leaf", data={"csrf_token": signed_in, "leaf": "9.9.9",
                                                                   "reason": "x", "revision": seen})
    assert r.status_code == 422 and "目录中没有末级指标“9.9.9”" in r.text
    r = client.post(f"/assessments/{ident}/confirm", data={"revision": seen})
    assert r.status_code == 403


def test_schema_4_database_gets_the_assessment_tables(tmp_path):
    from sqlalchemy import delete, inspect

    from zhibiao import store as zstore
    from zhibiao.store import SCHEMA_VERSION, Store

    url = f"sqlite:///{tmp_path / 'v4.db'}"
    first = Store(url)
    cat_id, _ = first.ingest(FAMILY)
    with first.engine.begin() as conn:  # as the zhibiao of schema 4 left it
        zstore.assessment_edits.drop(conn)
        zstore.assessments.drop(conn)
        conn.execute(delete(zstore.schema_versions).where(zstore.schema_versions.c.version == 5))
    assert "assessments" not in inspect(first.engine).get_table_names()
    again = Store(url)
    assert again.migrate() == SCHEMA_VERSION == 5
    assert {"assessments", "assessment_edits"} <= set(inspect(again.engine).get_table_names())
    assert again.list()[0].id == cat_id and 5 in zstore.MIGRATIONS


def test_values_are_exact_decimals(rubric, leaves, tmp_path):
    """A value the reviewer types is kept as the exact decimal it is (0.1 + 0.2 is 0.3, not 0.30000000000000004)."""
    from zhibiao.sheet_review import check, read_review, set_value

    values = fill(leaves, {"1.1.1": "0.1", "1.1.2": "0.2"})
    review = read_review(sm.xlsx(sm.sheet_of(rubric, values), tmp_path / "x.xlsx"), rubric)
    row = next(r.row for r in review.rows if r.leaf == "1.1.1")
    assert set_value(review, row, "１.２分", rubric) == ("0.1", "1.2")
    s = check(review, rubric).score
    assert s is not None and dec_str(next(t for t in s.levels if t.id == "1.1").awarded) == "1.4"


# --- the store, on each backend -------------------------------------------------------------------

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("ZHIBIAO_TEST_PG") else [])


@pytest.fixture(params=BACKENDS)
def any_store(request, tmp_path):
    """The store on SQLite and, where scripts/test.sh started one, on PostgreSQL (left empty afterwards)."""
    from zhibiao.store import Store, metadata, schema_versions

    if request.param == "sqlite":
        yield Store(f"sqlite:///{tmp_path / 'z.db'}")
        return
    st = Store(os.environ["ZHIBIAO_TEST_PG"])
    yield st
    with st.engine.begin() as conn:
        metadata.drop_all(conn)
        schema_versions.drop(conn, checkfirst=True)
    st.engine.dispose()


def test_sheet_store_rules_and_history(any_store, tmp_path):
    from zhibiao.errors import EditConflict, InvalidEdit
    from zhibiao.sheet_review import check, read_review
    from zhibiao.sheet_store import SheetStore

    cat_id, _ = any_store.ingest(FAMILY, by="录入员")
    cat, version = any_store.get(cat_id)
    rubric = cat.main_rubric()
    leaves = scorable_leaves(rubric, "pf02")
    sheet = sm.sheet_of(rubric, fill(leaves, {**DEDUCTED, "1.1.1": "3"}), unit="戊县司法局")
    path = sm.xlsx(sheet, tmp_path / "w.xlsx")
    review = read_review(path, rubric)
    sheets = SheetStore(any_store)
    ident, created = sheets.add(cat_id, version, path.read_bytes(), review, by="张三")
    assert created and sheets.add(cat_id, version, path.read_bytes(), review, by="李四") == (ident, False)
    other = review.model_copy(update={"filename": "other.xlsx"})
    with pytest.raises(InvalidEdit) as e:
        sheets.add(cat_id, version, b"other bytes", other, by="张三")
    assert e.value.reason == "unit_taken"
    row = next(r.row for r in review.rows if r.leaf == "1.1.1")
    with pytest.raises(InvalidEdit) as e:
        sheets.fix_value(ident, row, "1.5", rubric, reason="", by="张三", revision=1)
    assert e.value.reason == "fix_reason_required"
    with pytest.raises(InvalidEdit) as e:
        sheets.confirm(ident, rubric, by="张三", revision=1)
    assert e.value.reason == "sheet_problems" and e.value.params["count"] == 1
    assert sheets.fix_value(ident, row, "1.5", rubric, reason="核对", by="张三", revision=1) == 2
    with pytest.raises(EditConflict):
        sheets.fix_value(ident, row, "1", rubric, reason="再核对", by="李四", revision=1)
    assert sheets.confirm(ident, rubric, by="李四", revision=2) == 3
    meta, stored = sheets.get(ident)
    assert meta.confirmed and meta.confirmed_by == "李四" and check(stored, rubric).score is not None
    assert check(stored, rubric).score.total.awarded == 88
    history = [(h.sheet_row, h.field, h.old_value, h.new_value, h.reason, h.by) for h in sheets.history(ident)]
    assert history == [(row, "value", "3", "1.5", "核对", "张三"), (None, "confirmed", None, None, None, "李四")]
    assert sheets.document(ident) == ("w.xlsx", path.read_bytes())


def test_the_json_api_reads_assessments(client, cat, signed_in, rubric, leaves, tmp_path):
    sheet = _bytes(edited(rubric, leaves), "xlsx", tmp_path)
    assert _wait(client, _upload(client, signed_in, cat, [("某县.xlsx", sheet)]))["state"] == "done"
    listed = client.get(f"/api/catalogues/{cat}/assessments").json()
    assert listed["cohort"] == {"confirmed": 0, "unconfirmed": 1, "other_version": 0, "completion": None}
    (one,) = listed["assessments"]
    assert (one["unit"], one["confirmed"], one["problems"]) == ("某县司法局", False, 0)
    assert one["total"] == {"awarded": "88", "applicable": "92", "completion": "0.9565"}
    got = client.get(f"/api/assessments/{one['id']}").json()
    assert {t["id"]: (t["awarded"], t["applicable"], t["completion"]) for t in got["levels"] if "." not in t["id"]} \
        == AREAS
    assert [(f["code"], f["params"]["stated"]) for f in got["findings"] if f["severity"] == "warning"] == [
        ("sheet_subtotal_mismatch", "20")]
    assert len([r for r in got["rows"] if r["kind"] == "item"]) == 42 and got["history"] == []
    missing = client.get("/api/assessments/9999")
    assert missing.status_code == 404 and missing.json()["detail"] == "没有找到该评分表。"
