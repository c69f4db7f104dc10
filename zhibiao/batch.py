"""Folder batches (`zhibiao ingest DIR`): the files, a resumable manifest, and the engine that runs them.

Each file is read by `ingest_file`: it reads the notice, writes its catalogue and returns what the
command prints about it (an `Outcome`: the report, an error line, the row of the summary table, the
exit code). The files are read

- in this process, one after the other, with one worker (`--jobs 1`): no Dask, nothing to start;
- on Dask distributed otherwise: an embedded `LocalCluster` (one single-threaded worker process per
  core, or `--jobs N`), or the cluster at `--scheduler tcp://host:port` / `ZHIBIAO_SCHEDULER` that
  staff already run (its workers must have zhibiao installed and see the input and output folders
  at the same paths). A task there reads a chunk of files (`chunks`: largest first, guided sizes that
  shrink towards the batch's end), so that Dask's cost per task is shared by several files; the
  progress bar moves as a chunk comes back.

The embedded cluster's workers are forked from a forkserver that has imported Dask and the readers once
(WORKER_PRELOAD), rather than each importing them after it is spawned.

A worker that dies while reading a file (a crash in a PDF library, memory exhausted) is replaced by
its nanny; the files of its task are tried again, one a task; a file that kills its worker a second
time is reported failed and the batch goes on (the embedded cluster reports a death at once:
`distributed.scheduler.allowed-failures` = 0; a cluster of one's own retries by its own setting first).
The files of a dead task that its worker had already read are read again and their catalogues written
again: each is written whole or not at all (a temporary file renamed over it), with the same bytes
(reading is deterministic), and the store keeps one copy of the same notice ("already stored").

The manifest (`_manifest.jsonl` in the output folder) has one JSON line per finished file, appended
as the file finishes (one write of a whole line: a kill of the command loses none; a torn last line
is ignored on reading) and fsynced once a chunk (a crash of the machine loses at most the lines of the
last chunk, whose files a re-run reads again): its sha256 and relative name, the options that shape a
catalogue (`expect_total`), its status and exit code, the catalogue written, its row of the summary
table, and the CPU seconds its reading took (`cpu`, the task's own thread). A re-run skips every file
whose bytes, name and options match a line and whose catalogue is still there; a file whose worker
died is not skipped, it is tried again.

Nothing here imports Dask until a batch needs it (start-up, issue 14).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from zhibiao.errors import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, NoRubric, ZhibiaoError, exit_code

if TYPE_CHECKING:
    from distributed import Client

T = TypeVar("T")
R = TypeVar("R")

__all__ = ["NOTICE_SUFFIXES", "MANIFEST", "SCHEDULER_ENV", "Job", "Outcome", "Manifest", "SchedulerUnreachable",
           "notice_files", "output_name", "make_jobs", "skip_finished", "ingest_file", "run", "cores", "client_for",
           "map_chunks", "ScoreUnits", "largest_first", "chunks", "Chunk", "WORKER_PRELOAD"]

NOTICE_SUFFIXES = {".txt", ".text", ".pdf", ".docx", ".html", ".htm", ".xlsx", ".csv", ".ofd", ".doc", ".wps", ".xls",
                   ".et", ".rtf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
MANIFEST = "_manifest.jsonl"
SCHEDULER_ENV = "ZHIBIAO_SCHEDULER"
CRASHED = "crashed"  # the manifest status of a file whose worker died twice: reported failed, tried again on a re-run
CONNECT_TIMEOUT = "10s"  # how long to try reaching a --scheduler
SMALL_BATCH = 16  # without --jobs, a batch of fewer files runs in this process: starting a cluster costs more
LARGE_COHORT = 5000  # without --jobs, a cohort of fewer units is scored in this process (a unit takes ~1 ms)

Row = tuple[str, int, int, str, int, str]  # file, rubrics, indicators, rows placed, findings, status


class SchedulerUnreachable(Exception):
    """The Dask scheduler given by --scheduler / ZHIBIAO_SCHEDULER cannot be reached."""


@dataclass(frozen=True)
class Job:
    """One file of a batch, as a task gets it (plain values: it is pickled to the workers)."""

    index: int
    path: str
    name: str  # the path relative to the folder, as the report and the table print it
    out: str | None  # the catalogue to write (None: no output folder)
    sha256: str
    expected: Decimal | None = None
    limit: int | None = None
    db: str | None = None  # the catalogue store to add the notice and its catalogue to (--store / --db)
    by: str = "cli"  # who stores it
    engine: str | None = None  # the PDF engine (--pdf-engine): it shapes a PDF's catalogue
    lang: str = "en"  # the language of its report (--lang)


@dataclass(frozen=True)
class Outcome:
    """What the batch prints about one file, and its exit code."""

    report: str
    error: str
    row: Row
    code: int
    skipped: bool = False  # finished in an earlier run (the manifest says so): its report is not printed again
    crashed: bool = False  # its worker died (twice): failed in this run, read again in the next
    cpu: float = 0.0  # CPU seconds the task's own thread spent on the file (the work, without Dask's threads)

    @property
    def status(self) -> str:
        return self.row[5]


def notice_files(folder: Path) -> list[Path]:
    """Every notice file under folder, its subfolders included (hidden ones skipped), in path order."""
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and p.suffix.lower() in NOTICE_SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def output_name(relative: Path) -> Path:
    """The catalogue path for a notice at relative: the same folders, the format in the name
    (a.txt -> a.json, a.pdf -> a_pdf.json), so two renderings of one notice never collide."""
    suffix = relative.suffix.lower()
    tail = "" if suffix == ".txt" else suffix.replace(".", "_")
    return relative.parent / f"{relative.stem}{tail}.json"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""  # unreadable: the task reports it as the reader would
    return digest.hexdigest()


def make_jobs(folder: Path, files: list[Path], outdir: Path | None, expected: Decimal | None = None,
              limit: int | None = None, db: str | None = None, by: str = "cli",
              engine: str | None = None, lang: str = "en") -> list[Job]:
    """The jobs of a batch, in file order."""
    jobs = []
    for i, path in enumerate(files):
        relative = path.relative_to(folder)
        out = str(outdir / output_name(relative)) if outdir is not None else None
        jobs.append(Job(i, str(path), str(relative), out, _sha256(path), expected, limit, db, by, engine, lang))
    return jobs


def _where(db: str | None) -> str | None:
    """A store URL as the manifest records it: without the user and password."""
    if db is None:
        return None
    scheme, _, rest = db.partition("://")
    return f"{scheme}://{rest.rsplit('@', 1)[-1]}"


_STORES: dict[str, object] = {}  # a worker's open stores, by URL (one engine each, reused across its tasks)


def _close_stores() -> None:
    """Close the stores this process opened for a batch (a worker's stay open until it ends)."""
    while _STORES:
        _STORES.popitem()[1].engine.dispose()  # type: ignore[attr-defined]


def _store(url: str):
    from zhibiao.store import Store

    if url not in _STORES:
        _STORES[url] = Store(url)
    return _STORES[url]


def ingest_file(job: Job) -> Outcome:
    """Ingest one file of a batch and write its catalogue. Runs in a worker (or in this process)."""
    from zhibiao.cli import _has_errors, _ingest_one
    from zhibiao.extract.pdf import set_engine

    set_engine(job.engine)  # a worker process reads PDFs with the engine the command was given
    name = job.name
    lines: list[str] = []
    try:
        cat = _ingest_one(Path(job.path), Path(job.out) if job.out else None, lines.append, job.expected,
                          job.limit, name, job.lang)
    except NoRubric:
        return Outcome(f"{name}: no rubric (narrative notice); nothing written", "",
                       (name, 0, 0, "-", 0, "no rubric"), EXIT_OK)
    except ZhibiaoError as exc:
        return Outcome("", f"zhibiao: error: {exc.message()}", (name, 0, 0, "-", 0, "failed"), exit_code(exc))
    n = cat.size()
    tables = [r for r in cat.rubrics if r.rows_total is not None]
    rows = (f"{sum(r.rows_placed or 0 for r in tables)}/{sum(r.rows_total or 0 for r in tables)}" if tables else "-")
    status = "errors" if _has_errors(cat) else "ok"
    row = (name, len(cat.rubrics), n, rows, len(cat.all_findings()), status)
    if job.db is not None:  # as `zhibiao store ingest` stores it: the bytes, under the file's own name
        from zhibiao.inputs import file_name

        try:
            cat_id, created = _store(job.db).add(Path(job.path).read_bytes(), cat, by=job.by,
                                                 filename=file_name(Path(job.path).name))
        except (ZhibiaoError, OSError) as exc:
            message = exc.message() if isinstance(exc, ZhibiaoError) else str(exc)
            return Outcome("\n".join(lines), f"zhibiao: error: {name}: not stored: {message}",
                           (name, len(cat.rubrics), n, rows, len(cat.all_findings()), "failed"),
                           exit_code(exc) if isinstance(exc, ZhibiaoError) else EXIT_INTERNAL)
        lines.append(f"  {'stored' if created else 'already stored'}: catalogue {cat_id}")
    return Outcome("\n".join(lines), "", row, EXIT_FINDINGS if status == "errors" else EXIT_OK)


def _failed(job: Job, why: str, crashed: bool = False) -> Outcome:
    return Outcome("", f"zhibiao: error: {job.name}: {why}", (job.name, 0, 0, "-", 0, "failed"), EXIT_INTERNAL,
                   crashed=crashed)


def _guarded(task: Callable[[Job], Outcome], job: Job) -> Outcome:
    """Run a task, noting its thread's CPU time; a bug on one file is reported for that file and the batch goes on."""
    start = time.thread_time()
    try:
        outcome = task(job)
    except Exception as exc:  # not the user's mistake: a bug in zhibiao, reported like the CLI reports one
        outcome = _failed(job, f"internal error ({type(exc).__name__}: {exc}); please report it with this file")
    return replace(outcome, cpu=time.thread_time() - start)


# --- the manifest ------------------------------------------------------------------------------------------------


class Manifest:
    """The finished files of a batch (OUTDIR/_manifest.jsonl): read once, appended to as files finish."""

    def __init__(self, outdir: Path):
        self.path = outdir / MANIFEST
        self.entries: dict[tuple[str, str], dict] = {}
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = ""
        for line in text.splitlines():
            try:
                entry = json.loads(line)
                self.entries[(entry["sha256"], entry["file"])] = entry
            except (ValueError, KeyError, TypeError):
                continue  # a line torn by a kill, or not ours
        self._fd: int | None = None
        self._unsynced = 0
        self.syncs = 0  # fsyncs so far (one a chunk)

    def finished(self, job: Job) -> Outcome | None:
        """The outcome recorded for this file in an earlier run, if its bytes, name and options are the same
        and its catalogue is still there; None when it has to be read (again)."""
        entry = self.entries.get((job.sha256, job.name))
        if not job.sha256 or entry is None or entry.get("status") == CRASHED:
            return None
        if entry.get("expect_total") != (str(job.expected) if job.expected is not None else None):
            return None
        if entry.get("store") != _where(job.db):
            return None
        if entry.get("pdf_engine") != job.engine:
            return None
        if entry.get("output") is not None and (job.out is None or not Path(job.out).exists()):
            return None
        try:
            row = tuple(entry["row"])
            return Outcome("", "", (str(row[0]), int(row[1]), int(row[2]), str(row[3]), int(row[4]), str(row[5])),
                           int(entry["code"]), skipped=True)
        except (KeyError, ValueError, TypeError, IndexError):
            return None

    def record(self, job: Job, outcome: Outcome) -> None:
        """Append the file's line: one write of the whole line (a kill of this process loses nothing written;
        `sync` makes the lines durable, once a chunk)."""
        # the catalogue relative to the output folder (the folder may be moved), None when none was written
        written = str(output_name(Path(job.name))) if job.out and outcome.status in ("ok", "errors") else None
        line = json.dumps({"sha256": job.sha256, "file": job.name,
                           "expect_total": str(job.expected) if job.expected is not None else None,
                           "status": CRASHED if outcome.crashed else outcome.status, "code": outcome.code,
                           "output": written, "store": _where(job.db), "pdf_engine": job.engine,
                           "row": list(outcome.row), "cpu": round(outcome.cpu, 4)}, ensure_ascii=False) + "\n"
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        os.write(self._fd, line.encode("utf-8"))
        self._unsynced += 1

    def sync(self) -> None:
        """fsync the lines written since the last sync (a crash of the machine loses at most those)."""
        if self._fd is not None and self._unsynced:
            os.fsync(self._fd)
            self.syncs += 1
            self._unsynced = 0

    def close(self) -> None:
        if self._fd is not None:
            self.sync()
            os.close(self._fd)
            self._fd = None


# --- the engines -------------------------------------------------------------------------------------------------


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def run(jobs: list[Job], *, workers: int = 1, scheduler: str | None = None,
        task: Callable[[Job], Outcome] = ingest_file, done: Callable[[Job, Outcome], None] | None = None,
        synced: Callable[[], None] | None = None) -> dict[int, Outcome]:
    """Run the jobs: in this process when workers == 1 and no scheduler is given, else on Dask.
    `done(job, outcome)` is called in this process as each file finishes (in the order they finish), `synced()`
    after each chunk's files are done (on a cluster a task's; here every CHUNK_FILES files or SYNC_SECONDS)."""
    results: dict[int, Outcome] = {}

    def finish(job: Job, outcome: Outcome) -> None:
        results[job.index] = outcome
        if done is not None:
            done(job, outcome)

    def chunk_done() -> None:
        if synced is not None:
            synced()

    if not jobs:
        return results
    if scheduler is None and workers <= 1:
        try:
            since, last = 0, time.monotonic()
            for job in jobs:
                finish(job, _guarded(task, job))
                since += 1
                if since >= CHUNK_FILES or time.monotonic() - last >= SYNC_SECONDS:
                    chunk_done()
                    since, last = 0, time.monotonic()
            chunk_done()
        finally:
            _close_stores()
        return results
    _run_dask(jobs, workers, scheduler, task, finish, chunk_done)
    return results


# The embedded cluster's settings (the nannies hand them to their workers). A worker's death is reported at once
# (allowed-failures 0): the batch retries the files itself (`_run_dask`), once each. Each single-threaded worker
# holds one task at a time (worker-saturation 1.0), so that a death is charged to the task it was running, not also to
# the next one queued behind it. The rest cut what Dask costs besides the tasks on a CPU-bound batch (39 and 70 PDFs
# on a shared 2-core machine: 2 workers spent 1.4-1.8× the CPU time of one process with the defaults, 1.0-1.3× with
# these): the statistical profiler samples the task's stack every 10 ms, the event-loop tick and system monitors wake
# every 20 and 500 ms and take the GIL from the task; stealing is not needed while the scheduler queues the tasks
# and hands them out as workers free up.
CLUSTER_CONFIG = {
    "distributed.scheduler.allowed-failures": 0,
    "distributed.scheduler.worker-saturation": 1.0,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing": False,
}

# Chunks: a task reads several files (Dask costs ~10 ms of CPU a task on this 2-core machine, scheduler, client and
# worker together: 7% of a 140 ms PDF, 60% of a 16 ms TXT). Sizes are guided: the files still to hand out divided by
# GUIDED × workers, at most CHUNK_FILES files and CHUNK_BYTES of input (a single larger file is a task of its own),
# so that chunks shrink towards the end of the batch and no worker is left with a long last task.
CHUNK_FILES = 32
CHUNK_BYTES = 2 << 20
GUIDED = 4
SYNC_SECONDS = 1.0  # in this process (no tasks), the manifest is synced every CHUNK_FILES files or this often


def _size(job: Job) -> int:
    try:
        return os.path.getsize(job.path)
    except OSError:
        return 0


def largest_first(jobs: list[Job]) -> list[Job]:
    """The jobs by file size, largest first (then in file order): the scheduler hands tasks out in the order they
    were submitted, so that a long file does not start last and keep one worker busy while the others idle."""
    return sorted(jobs, key=lambda job: (-_size(job), job.index))


def chunks(jobs: list[Job], workers: int, *, files: int | None = None, size: int | None = None,
           guided: int | None = None) -> list[list[Job]]:
    """The jobs, largest first, as the tasks of a cluster: guided chunks (see CHUNK_FILES)."""
    files = files or CHUNK_FILES
    size = size or CHUNK_BYTES
    guided = guided or GUIDED
    ordered = largest_first(jobs)
    out: list[list[Job]] = []
    i = 0
    while i < len(ordered):
        most = max(1, min(files, -(-(len(ordered) - i) // (guided * max(workers, 1)))))
        chunk, total = [ordered[i]], _size(ordered[i])
        i += 1
        while i < len(ordered) and len(chunk) < most and total + _size(ordered[i]) <= size:
            total += _size(ordered[i])
            chunk.append(ordered[i])
            i += 1
        out.append(chunk)
    return out


@dataclass(frozen=True)
class Chunk:
    """The task of a cluster: the files of a chunk read one after the other (each guarded as in this process)."""

    task: Callable[[Job], Outcome]

    def __call__(self, jobs: list[Job]) -> list[Outcome]:
        return [_guarded(self.task, job) for job in jobs]


DIED = ("the worker reading it died, and again when it was tried once more (a crash in a reader library, or memory "
        "exhausted); the batch went on")


def _run_dask(jobs: list[Job], workers: int, scheduler: str | None, task: Callable[[Job], Outcome],
              finish: Callable[[Job, Outcome], None], chunk_done: Callable[[], None]) -> None:
    """The jobs on Dask in guided chunks. A task whose worker died (KilledWorker: at once on the embedded cluster,
    after its own retries on a cluster of one's own) has its files tried again one a task; a file whose worker dies
    a second time is reported failed (crashed) and the batch goes on."""
    from distributed import as_completed
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker

    run_chunk = Chunk(task)
    charged: set[int] = set()  # the files that have been in a task whose worker died
    attempt = 0

    with client_for(workers, scheduler) as client:
        def submit(part: list[Job]):
            nonlocal attempt
            attempt += 1
            first = part[0]
            return client.submit(run_chunk, part, key=f"zhibiao-ingest-{first.index}-{len(part)}-{attempt}-"
                                 f"{first.sha256[:16]}", pure=False)

        futures = {submit(part): part for part in chunks(jobs, workers)}
        pending = as_completed(futures)
        for future in pending:
            part = futures.pop(future)
            try:
                outcomes = future.result()
            except KilledWorker:
                for job in part:
                    if len(part) == 1 and job.index in charged:
                        finish(job, _failed(job, DIED, crashed=True))
                        chunk_done()
                    else:  # tried again alone: which of a chunk's files killed its worker is not known; those it
                        # had read are read again, their catalogues written again whole (atomic) with the same bytes
                        charged.add(job.index)
                        again = submit([job])
                        futures[again] = [job]
                        pending.add(again)
                future.release()
                continue
            except FutureCancelledError:
                outcomes = [_failed(job, "cancelled by the scheduler", crashed=True) for job in part]
            except Exception as exc:  # the task raised past _guarded: its result could not be sent back
                outcomes = [_failed(job, f"internal error ({type(exc).__name__}: {exc})") for job in part]
            future.release()
            for job, outcome in zip(part, outcomes, strict=True):
                finish(job, outcome)
            chunk_done()


@contextmanager
def client_for(workers: int, scheduler: str | None) -> Iterator[Client]:
    """A Dask client: of the scheduler at this address, or of an embedded LocalCluster of `workers` single-threaded
    worker processes, closed (workers, scheduler, client) on leaving."""
    import logging

    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerUnreachable(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            yield client
        return
    _preload_workers()
    with dask.config.set({**CLUSTER_CONFIG, "distributed.worker.multiprocessing-method": "forkserver"}):
        # no dashboard; the scheduler's own HTTP routes (health, metrics) on a free local port, not on 8787,
        # which another cluster or dashboard on the machine may hold
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                          silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            yield client


# what an embedded cluster's workers import before their first task, once in the forkserver they are forked
# from rather than in every worker: Dask, and zhibiao's pipeline with the readers of the common formats and the
# PDF libraries (what a worker's first PDF imported: 0.37 s of CPU of its 0.6)
WORKER_PRELOAD = ["distributed", "zhibiao.batch", "zhibiao.cli", "zhibiao.pipeline", "zhibiao.extract.pdf",
                  "zhibiao.extract.pdfium", "zhibiao.extract.ruled", "zhibiao.extract.ocr", "zhibiao.extract.docx",
                  "zhibiao.extract.xlsx", "zhibiao.extract.html", "pdfplumber", "pypdfium2"]


def _preload_workers() -> None:
    """Start the forkserver the embedded cluster's workers are forked from, having imported WORKER_PRELOAD, with the
    environment Dask sets for a worker it spawns (OMP_NUM_THREADS=1 …). Python's own forkserver API: Dask asks for its
    preload list later, which has no effect on a forkserver already running (nor has ours on one that was)."""
    import multiprocessing
    from multiprocessing import forkserver

    import dask

    os.environ.update({k: str(v) for k, v in dask.config.get("distributed.nanny.pre-spawn-environ").items()
                       if k not in os.environ})
    multiprocessing.get_context("forkserver").set_forkserver_preload(WORKER_PRELOAD)
    forkserver.ensure_running()


def map_chunks(func: Callable[[list[T]], list[R]], items: list[T], *, workers: int = 1,
               scheduler: str | None = None, chunk: int = 500) -> list[R]:
    """func over items in chunks (of at most `chunk`, at least 4 per worker), in order: in this process with
    one worker and no scheduler, else on Dask (an error in func is raised here, as it would be in this process; a chunk
    whose worker died is tried once more)."""
    if scheduler is None and workers <= 1:
        return func(items)
    chunk = max(1, min(chunk, -(-len(items) // (4 * max(workers, 1)))))
    parts = [items[i:i + chunk] for i in range(0, len(items), chunk)]
    from distributed.scheduler import KilledWorker

    results = []
    with client_for(workers, scheduler) as client:
        futures = client.map(func, parts, pure=False)
        for part, future in zip(parts, futures, strict=True):
            try:
                results.append(future.result())
            except KilledWorker:  # its worker died (the embedded cluster says so at once): tried once more
                results.append(client.submit(func, part, pure=False).result())
    return [r for part in results for r in part]


@dataclass(frozen=True)
class ScoreUnits:
    """The task of a cohort (`zhibiao score CATALOGUE DIR/`): score a chunk of units' assessments."""

    rubric: object  # zhibiao.model.Rubric (not imported here: start-up)
    verified: bool

    def __call__(self, units: list) -> list:
        from zhibiao.scoring import score

        return [score(self.rubric, unit, verified=self.verified) for unit in units]  # type: ignore[arg-type]


def skip_finished(jobs: Iterable[Job], manifest: Manifest | None) -> tuple[list[Job], dict[int, Outcome]]:
    """The jobs still to do, and the outcomes of those an earlier run finished."""
    todo, earlier = [], {}
    for job in jobs:
        outcome = manifest.finished(job) if manifest is not None else None
        if outcome is None:
            todo.append(job)
        else:
            earlier[job.index] = outcome
    return todo, earlier
