"""Long work off the request path: an upload (reading the notice, 6–7 s for a PDF) and a compare (the crosswalk,
about 8 s) run as background jobs in a small thread pool; the page that started one polls its status
(``GET /api/jobs/{id}``) and shows its stage and time, then opens the result (``GET /jobs/{id}``).

A job holds no request: it gets the store through the app state, and a failure is kept as the WebError
it raised (status, Chinese message, technical detail) for the page to show. Finished jobs are kept for a while
(``KEEP``) so a page reloaded later still finds its result.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from .errors import WebError

__all__ = ["Job", "Jobs", "STAGE_LABELS", "KEEP", "start_upload", "start_compare"]

KEEP = 200  # finished jobs remembered (oldest forgotten first)

STAGE_LABELS = {"queued": "排队等候", "parsing": "正在识别指标体系", "saving": "正在保存目录",
                "comparing": "正在对比两个目录", "done": "已完成", "failed": "未能完成"}


@dataclass
class Job:
    """One piece of long work: what it is, who started it, its stage, and its result or failure."""

    id: str
    kind: Literal["upload", "compare", "sheets"]
    label: str  # what the page says is being done: the file's name, the two catalogues
    by: str
    stage: str = "queued"
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    result_url: str | None = None
    message: str | None = None  # the Chinese sentence shown once the job is done
    message_kind: str = "ok"
    error: WebError | None = None
    flashed: bool = False

    @property
    def state(self) -> Literal["running", "done", "failed"]:
        if self.error is not None:
            return "failed"
        return "done" if self.finished is not None else "running"

    @property
    def seconds(self) -> float:
        return round((self.finished or time.monotonic()) - self.started, 1)

    def as_json(self) -> dict:
        out = {"id": self.id, "kind": self.kind, "label": self.label, "state": self.state, "stage": self.stage,
               "stage_label": STAGE_LABELS.get(self.stage, self.stage), "seconds": self.seconds,
               "result_url": self.result_url, "message": self.message, "page": f"/jobs/{self.id}"}
        if self.error is not None:
            out["error"] = {"status": self.error.status, "code": self.error.code, "detail": self.error.message,
                            "technical": self.error.detail}
        return out


class Jobs:
    """The app's background jobs: at most ``workers`` at a time, the rest queued."""

    def __init__(self, workers: int = 2):
        self._pool: ThreadPoolExecutor | None = None
        self._workers = workers
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def submit(self, kind: Literal["upload", "compare", "sheets"], label: str, by: str,
               work: Callable[[Job], tuple[str, str, str]]) -> Job:
        """Start ``work(job)`` in the background; it returns (result URL, message, message kind) or raises
        WebError (any other exception is kept as a failure with its type as the technical detail)."""
        job = Job(id=uuid.uuid4().hex, kind=kind, label=label, by=by)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP:
                oldest = next(iter(self._jobs))
                if self._jobs[oldest].state == "running":
                    break
                self._jobs.popitem(last=False)
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="zhibiao-job")
            pool = self._pool

        def run() -> None:
            try:
                job.result_url, job.message, job.message_kind = work(job)
            except WebError as exc:
                job.error = exc
            except Exception as exc:  # noqa: BLE001 - shown to the user as a failure, never a 500
                job.error = WebError(500, "处理时出错，未能完成。请稍后重试；如仍出错，请把技术信息告知管理员。",
                                     code="job_failed", detail=f"{type(exc).__name__}: {exc}")
            finally:
                job.stage = "failed" if job.error is not None else "done"
                job.finished = time.monotonic()

        pool.submit(run)
        return job

    def running(self) -> list[Job]:
        with self._lock:
            return [j for j in self._jobs.values() if j.state == "running"]


def start_upload(web, filename: str | None, data: bytes, by: str) -> Job:
    """An upload: refused at once when it cannot be a notice (actions.check_upload), else read and stored in the
    background; the job's result is the catalogue's page."""
    from . import actions

    name = actions.check_upload(web, filename, data)

    def work(job: Job) -> tuple[str, str, str]:
        def stage(value: str) -> None:
            job.stage = value

        cat_id, created = actions.upload(web, filename, data, by=by, progress=stage)
        if created:
            return f"/catalogues/{cat_id}", f"已上传“{name}”并生成指标目录。", "ok"
        return f"/catalogues/{cat_id}", f"“{name}”此前已上传过（内容相同），已打开已有的目录。", "warn"

    return web.jobs.submit("upload", name, by, work)


def start_compare(web, old_id: int, new_id: int, by: str) -> Job:
    """A compare of two stored catalogues (both must exist, and differ: refused at once) in the background; the
    job's result is the crosswalk's page."""
    from . import actions

    if old_id == new_id:
        raise WebError(422, "请选择两个不同的目录进行对比。", code="same_catalogue", title="无法对比")
    old_cat, _ = actions.find(web, old_id)
    new_cat, _ = actions.find(web, new_id)

    def name(cat) -> str:
        return cat.document.doc_number or (cat.rubrics[0].title if cat.rubrics else None) or cat.document.source_file

    def work(job: Job) -> tuple[str, str, str]:
        job.stage = "comparing"
        actions.compare(web, old_id, new_id)
        return f"/compare/{old_id}/{new_id}", "对比已完成并保存。", "ok"

    return web.jobs.submit("compare", f"{name(old_cat)} → {name(new_cat)}", by, work)
