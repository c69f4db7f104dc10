"""Uploads and compares off the request path: a background job started at once, its status polled, its result
(or its refusal, in Chinese) shown by its page."""

from __future__ import annotations

import time

from conftest import SEED_2019, SEED_2023, csrf_token


def _headers(client, name: str | None = "张三") -> dict:
    token = csrf_token(client)
    if name:
        client.post("/reviewer", data={"csrf_token": token, "name": name, "next": "/"})
    return {"X-Zhibiao-CSRF": token}


def _wait(client, job: dict, limit: float = 120) -> dict:
    deadline = time.monotonic() + limit
    while True:
        status = client.get(f"/api/jobs/{job['id']}").json()
        if status["state"] != "running" or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


def test_an_upload_runs_in_the_background_and_opens_its_catalogue(client, store):
    h = _headers(client)
    r = client.post("/api/jobs/upload", files={"file": ("2023.txt", SEED_2023.read_bytes())}, headers=h)
    assert r.status_code == 202
    job = r.json()
    assert job["kind"] == "upload" and job["label"] == "2023.txt" and job["page"] == f"/jobs/{job['id']}"
    assert job["state"] in ("running", "done") and job["stage_label"]
    done = _wait(client, job)
    # seconds are rounded to a tenth: an ingest the earlier tests warmed up can take under 0.05 s
    assert done["state"] == "done" and done["stage_label"] == "已完成" and done["seconds"] >= 0
    cat = store.list()[0].id
    assert done["result_url"] == f"/catalogues/{cat}" and done["message"] == "已上传“2023.txt”并生成指标目录。"
    page = client.get(job["page"])
    assert str(page.url).endswith(f"/catalogues/{cat}") and "已上传“2023.txt”并生成指标目录。" in page.text
    assert "已上传" not in client.get(job["page"]).text.split("<main>")[0], "the message is shown once"
    again = _wait(client, client.post("/api/jobs/upload", files={"file": ("x.txt", SEED_2023.read_bytes())},
                                      headers=h).json())
    assert again["result_url"] == f"/catalogues/{cat}" and "此前已上传过" in again["message"]


def test_while_running_the_job_page_shows_its_stage(client, store):
    import threading

    from zhibiao.web.jobs import Job

    web = client.app.state.web
    gate = threading.Event()

    def work(job: Job):
        job.stage = "parsing"
        gate.wait(30)
        return "/", "好了", "ok"

    job = web.jobs.submit("upload", "大文件.pdf", "张三", work)
    try:
        deadline = time.monotonic() + 10
        while job.stage != "parsing" and time.monotonic() < deadline:
            time.sleep(0.02)
        page = client.get(f"/jobs/{job.id}")
        assert page.status_code == 200 and "大文件.pdf" in page.text and "正在识别指标体系" in page.text
        assert '<meta http-equiv="refresh"' in page.text, "without scripts the page refreshes itself"
        status = client.get(f"/api/jobs/{job.id}").json()
        assert status["state"] == "running" and status["stage"] == "parsing"
        assert "content-security-policy" in page.headers and page.headers["x-content-type-options"] == "nosniff"
    finally:
        gate.set()


def test_refusals_come_at_once_or_from_the_job_in_chinese(client, store):
    assert client.post("/api/jobs/upload", files={"file": ("a.txt", b"x")},
                       headers=_headers(client, None)).json()["code"] == "reviewer_required"
    h = _headers(client)
    r = client.post("/api/jobs/upload", files={"file": ("a.bin", b"\x00\x01\x02binary")}, headers=h)
    assert r.status_code == 415 and "二进制" in r.json()["detail"]
    assert client.post("/api/jobs/upload", files={"file": ("a.txt", b"x")}).status_code == 403, "CSRF"
    job = client.post("/api/jobs/upload", files={"file": ("n.txt", "只是一段通知正文。\n".encode())},
                      headers=h).json()
    failed = _wait(client, job)
    assert failed["state"] == "failed" and failed["error"]["status"] == 422
    assert failed["error"]["detail"] == "通知中没有找到带分值的指标体系，未保存任何目录。"
    page = client.get(job["page"])
    assert page.status_code == 422 and "没有找到带分值的指标体系" in page.text
    assert store.list() == [], "nothing half-written"
    missing = client.get("/jobs/nope")
    assert missing.status_code == 404 and "没有找到该任务" in missing.text
    assert client.get("/api/jobs/nope").status_code == 404


def test_a_compare_runs_in_the_background(client, store):
    old, _ = store.ingest(SEED_2019)
    new, _ = store.ingest(SEED_2023)
    h = _headers(client)
    assert client.post("/api/jobs/compare", json={"old": old, "new": old}, headers=h).status_code == 422
    assert client.post("/api/jobs/compare", json={"old": old, "new": 999}, headers=h).status_code == 404
    job = client.post("/api/jobs/compare", json={"old": old, "new": new}, headers=h)
    assert job.status_code == 202 and job.json()["label"] == "陕司通〔2019〕164号 → 靖政司函〔2023〕59号"
    done = _wait(client, job.json())
    assert done["state"] == "done" and done["result_url"] == f"/compare/{old}/{new}"
    assert store.crosswalk(old, new) is not None
    page = client.get(done["page"])
    assert str(page.url).endswith(f"/compare/{old}/{new}") and "对比已完成并保存。" in page.text


def test_a_job_that_breaks_is_a_failure_not_a_500(client):
    web = client.app.state.web

    def work(job):
        raise RuntimeError("disk gone")

    job = web.jobs.submit("compare", "甲 → 乙", "张三", work)
    status = _wait(client, {"id": job.id})
    assert status["state"] == "failed" and status["error"]["status"] == 500
    assert status["error"]["technical"] == "RuntimeError: disk gone" and "未能完成" in status["error"]["detail"]
    page = client.get(f"/jobs/{job.id}")
    assert page.status_code == 422 and "未能完成" in page.text
