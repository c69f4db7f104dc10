"""Folder batches on Dask distributed (zhibiao/batch.py): a LocalCluster of 2 workers gives what one process
gives, a re-run skips the finished files, and a file that kills its worker is reported without stopping
the batch."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from zhibiao import batch

from conftest import CORPUS, DATA, SEED_2019, SEED_2023, run_cli as run

RENDERINGS = CORPUS / "renderings"
MIXED = (SEED_2019, SEED_2023, RENDERINGS / "004_46f67c8260b90ac6.pdf", RENDERINGS / "000_1c204f1614fc8d36.docx",
         RENDERINGS / "003_fbbff5f31bb9ffc0.html", CORPUS / "002_c943348d01e8f118.txt",
         DATA / "bad_input" / "truncated.pdf")


def _folder(tmp_path: Path, sources=MIXED) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for i, src in enumerate(sources):
        shutil.copy(src, (folder / "sub" if i % 2 else folder) / src.name)
    return folder


def _outputs(outdir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(outdir)): p.read_bytes() for p in sorted(outdir.rglob("*.json"))}


def _manifest(outdir: Path) -> list[dict]:
    return [json.loads(line) for line in (outdir / batch.MANIFEST).read_text(encoding="utf-8").splitlines()]


def test_a_cluster_of_two_workers_gives_what_one_process_gives(tmp_path, capsys):
    folder = _folder(tmp_path)
    one, two = tmp_path / "one", tmp_path / "two"
    code1, out1, err1 = run(["ingest", folder, "-o", one, "--jobs", "1"], capsys)
    code2, out2, err2 = run(["ingest", folder, "-o", two, "--jobs", "2"], capsys)
    assert code1 == code2 == 3  # the truncated PDF
    assert out2.replace(str(two), str(one)) == out1  # the reports in file order, the same table
    assert sorted(err2.splitlines()) == sorted(err1.splitlines())
    assert "truncated.pdf" in err2 and "7 file(s): 6 read, 1 failed" in out2
    assert _outputs(two) == _outputs(one) and len(_outputs(one)) == 5  # the narrative notice writes nothing
    assert sorted(m["file"] for m in _manifest(two)) == sorted(m["file"] for m in _manifest(one))


def test_a_rerun_skips_the_finished_files(tmp_path, capsys):
    folder = _folder(tmp_path)
    out = tmp_path / "out"
    code, first, _ = run(["ingest", folder, "-o", out, "--jobs", "2"], capsys)
    assert code == 3 and "skipped" not in first
    entries = _manifest(out)
    assert len(entries) == 7 and {e["status"] for e in entries} == {"ok", "no rubric", "failed"}
    assert all(len(e["sha256"]) == 64 for e in entries)
    before = _outputs(out)
    code, again, err = run(["ingest", folder, "-o", out, "--jobs", "2"], capsys)
    assert code == 3, "the exit code is still the worst of the files'"
    assert "7 of them skipped: finished in an earlier run" in again
    assert again[again.index("file "):].splitlines()[:-1] == first[first.index("file "):].splitlines()
    assert "wrote" not in again and err == ""  # nothing read again, nothing reported again
    assert _outputs(out) == before

    # a file changed since, and a catalogue deleted: those two are read again, the rest is skipped
    (folder / SEED_2019.name).write_bytes(SEED_2023.read_bytes())
    (out / "sub" / "000_1c204f1614fc8d36_docx.json").unlink()
    code, third, _ = run(["ingest", folder, "-o", out, "--jobs", "1"], capsys)
    assert "5 of them skipped" in third
    assert third.count("  wrote ") == 2
    assert (out / "sub" / "000_1c204f1614fc8d36_docx.json").exists()
    assert json.loads((out / "001_5886f06ed561739e.json").read_text(encoding="utf-8"))["document"]["sha256"] == \
        json.loads((out / "sub" / "000_1c204f1614fc8d36.json").read_text(encoding="utf-8"))["document"]["sha256"]

    # other options shape other catalogues: nothing is skipped
    code, fourth, _ = run(["ingest", folder, "-o", out, "--jobs", "1", "--expect-total", "100"], capsys)
    assert "skipped" not in fourth


def test_a_torn_manifest_line_is_ignored(tmp_path, capsys):
    folder = _folder(tmp_path, (SEED_2019, SEED_2023))
    out = tmp_path / "out"
    run(["ingest", folder, "-o", out, "--jobs", "1"], capsys)
    text = (out / batch.MANIFEST).read_text(encoding="utf-8")
    (out / batch.MANIFEST).write_text(text[: len(text) - 40], encoding="utf-8")  # a kill in the middle of a write
    code, again, _ = run(["ingest", folder, "-o", out, "--jobs", "1"], capsys)
    assert code == 0 and "1 of them skipped" in again and again.count("  wrote ") == 1


def crash_on_marker(job: batch.Job) -> batch.Outcome:
    """The test hook: a task that kills its worker process on the files whose name says so (each attempt noted)."""
    if "crash" in job.name:
        with open(Path(job.path).with_suffix(".attempts"), "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
        os._exit(13)
    return batch.ingest_file(job)


def test_a_file_that_kills_its_worker_is_reported_and_the_batch_goes_on(tmp_path):
    folder = _folder(tmp_path, (SEED_2019, SEED_2023))
    shutil.copy(SEED_2019, folder / "crash.txt")
    out = tmp_path / "out"
    jobs = batch.make_jobs(folder, batch.notice_files(folder), out)
    manifest = batch.Manifest(out)
    finished = []

    def done(job, outcome):
        manifest.record(job, outcome)
        finished.append(job.name)

    results = batch.run(jobs, workers=2, task=crash_on_marker, done=done)
    manifest.close()
    assert sorted(finished) == sorted(j.name for j in jobs)
    by_name = {j.name: results[j.index] for j in jobs}
    crashed = by_name["crash.txt"]
    assert crashed.status == "failed" and crashed.crashed and crashed.code == 70
    assert "the worker reading it died" in crashed.error and "crash.txt" in crashed.error
    assert [o.status for name, o in sorted(by_name.items()) if name != "crash.txt"] == ["ok", "ok"]
    assert len(_outputs(out)) == 2
    # the manifest keeps the crash apart: a re-run reads that file again, and skips the others
    again = batch.Manifest(out)
    todo, earlier = batch.skip_finished(jobs, again)
    assert [j.name for j in todo] == ["crash.txt"] and len(earlier) == 2


def test_a_file_that_kills_a_chunk_is_tried_once_more_alone_and_the_others_are_read(tmp_path, monkeypatch):
    """A chunk's worker died: which of its files did it was unknown, so every file of the chunk is read again alone;
    the culprit dies once more and is reported, having been tried twice (not once per file of its chunk)."""
    monkeypatch.setattr(batch, "GUIDED", 1)  # large chunks: 7 files on 2 workers, 4, 2 and 1 a task
    folder = _folder(tmp_path, (SEED_2019, SEED_2023))
    for i in range(4):
        shutil.copy(SEED_2019, folder / f"copy{i}.txt")
    shutil.copy(SEED_2023, folder / "crash.txt")
    jobs = batch.make_jobs(folder, batch.notice_files(folder), tmp_path / "out")
    parts = batch.chunks(jobs, 2)
    assert [len(p) for p in parts] == [4, 2, 1]
    assert any(len(p) > 1 and "crash.txt" in [j.name for j in p] for p in parts)
    results = batch.run(jobs, workers=2, task=crash_on_marker)
    by_name = {j.name: results[j.index] for j in jobs}
    assert by_name["crash.txt"].crashed and by_name["crash.txt"].status == "failed"
    assert "the worker reading it died" in by_name["crash.txt"].error
    assert len((folder / "crash.attempts").read_text(encoding="utf-8").splitlines()) == 2
    assert sorted(o.status for n, o in by_name.items() if n != "crash.txt") == ["ok"] * 6
    assert len(_outputs(tmp_path / "out")) == 6


def test_chunks_are_guided_and_bounded(tmp_path, monkeypatch):
    """Dask's cost a task (~10 ms of CPU) was paid by every small file: several a task now, fewer towards the end."""
    sizes = [5000, 4000] + [100] * 60
    for i, size in enumerate(sizes):
        (tmp_path / f"{i:02d}.txt").write_bytes(b"x" * size)
    jobs = batch.make_jobs(tmp_path, batch.notice_files(tmp_path), None)
    parts = batch.chunks(jobs, 2, files=8, size=4500, guided=2)
    assert [j.name for part in parts for j in part] == [j.name for j in batch.largest_first(jobs)]
    lengths = [len(p) for p in parts]
    assert lengths[0] == 1  # 5000 bytes: over the size of a chunk, a task of its own
    assert all(sum(os.path.getsize(j.path) for j in p) <= 4500 for p in parts if len(p) > 1)
    assert max(lengths) == 8 and lengths[2:] == sorted(lengths[2:], reverse=True)  # [1] the 4000 bytes and 5 small
    assert lengths[-1] == 1  # the batch ends on small tasks: no worker is left with a long last one
    assert [len(p) for p in batch.chunks(jobs, 2, files=1)] == [1] * len(jobs)


def die_once(items: list[str]) -> list[str]:
    """The test hook: a chunk function that kills its worker the first time it sees the item "die" (a marker file)."""
    for item in items:
        marker = Path(item)
        if marker.name == "die" and not marker.exists():
            marker.write_text("died", encoding="utf-8")
            os._exit(13)
    return [Path(item).name.upper() for item in items]


def test_a_chunk_of_a_cohort_whose_worker_died_is_tried_once_more(tmp_path):
    """The embedded cluster reports a worker's death at once: a cohort's chunk lost with it was an error."""
    items = [str(tmp_path / name) for name in ("a", "b", "die", "c", "d", "e", "f", "g")]
    assert batch.map_chunks(die_once, items, workers=2, chunk=2) == ["A", "B", "DIE", "C", "D", "E", "F", "G"]
    assert (tmp_path / "die").read_text(encoding="utf-8") == "died"


def engine_of_worker(job: batch.Job) -> batch.Outcome:
    """The test hook: the PDF engine the worker reads with, after the task has set it from the job."""
    from zhibiao.extract import pdf

    outcome = batch.ingest_file(job)
    return batch.Outcome(pdf.SETTINGS.engine, outcome.error, outcome.row, outcome.code)


def test_workers_read_pdfs_with_the_engine_given_and_a_rerun_with_another_is_read_again(tmp_path, capsys):
    folder = _folder(tmp_path, (RENDERINGS / "004_46f67c8260b90ac6.pdf", SEED_2019))
    jobs = batch.make_jobs(folder, batch.notice_files(folder), tmp_path / "w", engine="pdfplumber")
    results = batch.run(jobs, workers=2, task=engine_of_worker)
    assert [results[j.index].report for j in jobs] == ["pdfplumber", "pdfplumber"]

    out = tmp_path / "out"
    run(["--pdf-engine", "pdfplumber", "ingest", folder, "-o", out, "--jobs", "1"], capsys)
    assert {e["pdf_engine"] for e in _manifest(out)} == {"pdfplumber"}
    code, again, _ = run(["--pdf-engine", "pdfium", "ingest", folder, "-o", out, "--jobs", "1"], capsys)
    assert code == 0 and "skipped" not in again and again.count("  wrote ") == 2


def test_one_worker_runs_in_this_process_without_dask(tmp_path, monkeypatch):
    folder = _folder(tmp_path, (SEED_2019,))
    jobs = batch.make_jobs(folder, batch.notice_files(folder), tmp_path / "out")
    seen = []

    def task(job):
        seen.append(os.getpid())
        return batch.ingest_file(job)

    results = batch.run(jobs, workers=1, task=task)  # a closure: it could not be sent to a worker by name
    assert seen == [os.getpid()] and results[0].status == "ok"


def test_an_unreachable_scheduler_is_a_usage_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(batch, "CONNECT_TIMEOUT", "1s")
    folder = _folder(tmp_path, (SEED_2019,))
    code, _, err = run(["ingest", folder, "-o", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:9"], capsys)
    assert code == 64 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err


def test_a_batch_adds_every_catalogue_to_the_store(tmp_path, capsys):
    folder = _folder(tmp_path)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    out = tmp_path / "out"
    code, stdout, _ = run(["ingest", folder, "-o", out, "--jobs", "2", "--store", "--db", db], capsys)
    assert code == 3
    assert stdout.count("  stored: catalogue ") == 5  # the narrative notice and the truncated PDF are not stored
    code, listing, _ = run(["store", "--db", db, "list"], capsys)
    assert code == 0 and len(listing.splitlines()) == 1 + 5
    assert {e["store"] for e in _manifest(out)} == {db}
    code, again, _ = run(["ingest", folder, "-o", out, "--jobs", "1", "--db", db], capsys)
    assert "7 of them skipped" in again
    # a run that did not store does not count for one that does
    other = tmp_path / "other.db"
    code, third, _ = run(["ingest", folder, "-o", out, "--jobs", "1", "--db", f"sqlite:///{other}"], capsys)
    assert "skipped" not in third and third.count("  stored: catalogue ") == 5
    code, _, err = run(["ingest", SEED_2019, "--store"], capsys)
    assert code == 64 and "store ingest" in err


def test_a_cohort_scored_on_a_cluster_is_the_cohort_scored_here(tmp_path, capsys):
    catalogue = tmp_path / "2023.json"
    assert run(["ingest", SEED_2023, "-o", catalogue], capsys)[0] == 0
    cohort = DATA / "scoring" / "cohort"
    here = run(["score", catalogue, cohort, "--allow-unverified", "-o", tmp_path / "one.csv"], capsys)
    there = run(["score", catalogue, cohort, "--allow-unverified", "--jobs", "2", "-o", tmp_path / "two.csv"], capsys)
    assert here[0] == there[0] == 0
    assert there[1].replace("two.csv", "one.csv") == here[1] and "中 5 个单位" in here[1]
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()


@pytest.mark.parametrize("name, expected", [("a.txt", "a.json"), ("b/a.PDF", "b/a_pdf.json"),
                                            ("a.htm", "a_htm.json")])
def test_output_names(name, expected):
    assert str(batch.output_name(Path(name))) == expected


def test_a_cluster_gets_the_largest_files_first(tmp_path):
    """The batch's tail: a long file submitted last kept one worker busy while the other idled."""
    sizes = [3, 50, 7, 50, 0]
    for i, size in enumerate(sizes):
        (tmp_path / f"{i}.txt").write_bytes(b"x" * size)
    jobs = batch.make_jobs(tmp_path, batch.notice_files(tmp_path), None)
    assert [j.name for j in batch.largest_first(jobs)] == ["1.txt", "3.txt", "2.txt", "0.txt", "4.txt"]


def crash_after_the_others(job: batch.Job) -> batch.Outcome:
    """The test hook: a task that kills its worker on the crash file, having read the files before it in its chunk;
    each catalogue written is noted (its bytes' sha256 and its inode) beside the input."""
    if "crash" in job.name:
        with open(Path(job.path).with_suffix(".attempts"), "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
        os._exit(13)
    outcome = batch.ingest_file(job)
    written = Path(job.out or "")
    with open(Path(job.path).with_suffix(".writes"), "a", encoding="utf-8") as fh:
        fh.write(f"{hashlib.sha256(written.read_bytes()).hexdigest()} {written.stat().st_ino}\n")
    return outcome


def test_the_files_a_dead_chunk_had_read_are_written_again_whole_with_the_same_bytes(tmp_path, monkeypatch):
    """A chunk's worker died after writing two catalogues: the retry rewrote them; harmless only if each rewrite
    replaces the file whole (a new file renamed over it), with the same bytes, and stores no second copy."""
    from zhibiao.store import Store

    monkeypatch.setattr(batch, "chunks", lambda jobs, workers: [jobs])  # one chunk, in file order: crash.txt last
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_2019, folder / "a.txt")
    shutil.copy(SEED_2023, folder / "b.txt")
    shutil.copy(SEED_2019, folder / "crash.txt")
    out = tmp_path / "out"
    db = Store(f"sqlite:///{tmp_path / 'store.db'}").url
    jobs = batch.make_jobs(folder, batch.notice_files(folder), out, db=db)
    assert [j.name for j in jobs] == ["a.txt", "b.txt", "crash.txt"]
    results = batch.run(jobs, workers=2, task=crash_after_the_others)
    assert [results[j.index].status for j in jobs] == ["ok", "ok", "failed"] and results[2].crashed
    for name in ("a", "b"):
        # read in the dead chunk, then again alone (and once more if the worker holding that result died before
        # it was fetched: Dask then computes it again)
        writes = [w.split() for w in (folder / f"{name}.writes").read_text(encoding="utf-8").splitlines()]
        assert len(writes) >= 2
        assert len({digest for digest, _ in writes}) == 1, "the same bytes every time"
        assert len({inode for _, inode in writes}) == len(writes), \
            "a new file renamed over the old one each time, never the old one rewritten in place"
        assert hashlib.sha256((out / f"{name}.json").read_bytes()).hexdigest() == writes[0][0]
    assert len((folder / "crash.attempts").read_text(encoding="utf-8").splitlines()) == 2
    assert "already stored" in results[0].report and "already stored" in results[1].report
    assert len(Store(db).list()) == 2, "no second copy of a notice in the store"
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.json"], "no temporary file left behind"


def quick(job: batch.Job) -> batch.Outcome:
    """The test hook: a task that reads nothing (the manifest's writes are what is measured)."""
    return batch.Outcome("", "", (job.name, 0, 0, "-", 0, "ok"), 0)


@pytest.mark.parametrize("workers", [1, 2])
def test_the_manifest_is_synced_once_a_chunk_not_once_a_file(tmp_path, monkeypatch, workers):
    """The manifest was fsynced after every line: a crash of the machine may now lose at most the last chunk's lines
    (every line is written as its file finishes, so a kill of the command loses none)."""
    for i in range(70):
        (tmp_path / f"{i:02d}.txt").write_bytes(b"x" * (i + 1))
    out = tmp_path / "out"
    jobs = batch.make_jobs(tmp_path, batch.notice_files(tmp_path), None)  # no catalogues: the manifest alone
    manifest = batch.Manifest(out)
    fsyncs = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (fsyncs.append(fd), real_fsync(fd)))
    written: list[int] = []  # the lines on disk when each chunk is synced

    def synced():
        manifest.sync()
        written.append(len(_manifest(out)))

    batch.run(jobs, workers=workers, task=quick, done=manifest.record, synced=synced)
    manifest.close()
    # the lines each sync made durable: a chunk's (on a cluster, in the order the chunks finish)
    lines = [n - before for n, before in zip(written, [0, *written[:-1]], strict=True)]
    expected = [32, 32, 6] if workers == 1 else [len(p) for p in batch.chunks(jobs, workers)]
    assert sorted(lines) == sorted(expected), "every line of a chunk on disk when the chunk is synced"
    assert len(fsyncs) == manifest.syncs == len(expected) < len(jobs)
    assert all(isinstance(e["cpu"], float) for e in _manifest(out))
    todo, earlier = batch.skip_finished(jobs, batch.Manifest(out))
    assert not todo and len(earlier) == 70
