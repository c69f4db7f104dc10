"""The `zhibiao` command line: ingest, check, show, info, export."""

from __future__ import annotations

import gc
import json
import os
import re
import sys
import traceback
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from zhibiao import __version__
from zhibiao.errors import (
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    InputNotFound,
    InvalidCatalogue,
    NoRubric,
    OutputError,
    ZhibiaoError,
    exit_code,
)
from zhibiao.inputs import DB_INT_MAX, file_name, find_surrogate

if TYPE_CHECKING:
    from zhibiao.model import Catalogue

# Start-up (issue 14): `zhibiao --help` imports click and this module only. The record model (pydantic),
# the pipeline and every reader, the crosswalk, scoring and the store are imported inside the commands
# that use them; tests/test_startup.py checks that --help loads none of the heavy libraries.

__all__ = ["cli", "main", "console", "load_catalogue", "summary", "catalogue_schema", "crosswalk_schema"]


def _umask() -> int:
    """The process's umask (read by setting it and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_atomic(path: Path, data: bytes) -> None:
    """Write a file whole or not at all (temporary file, then rename)."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                # mkstemp creates the file 0600; an output is an ordinary file: 0666 less the umask
                os.fchmod(fh.fileno(), 0o666 & ~_umask())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except OSError as exc:
        raise OutputError(str(path), exc.strerror or type(exc).__name__) from None


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_LARGE_CATALOGUE = 8 << 20  # bytes of JSON: a catalogue of some 25,000 indicators
_BOM = "\ufeff".encode()


def load_catalogue(path: str) -> Catalogue:
    """Read and validate a catalogue JSON file; InvalidCatalogue names what is wrong."""
    from pydantic import ValidationError

    from zhibiao.model import (
        MAX_INDICATOR_DEPTH,
        MAX_JSON_NESTING,
        READABLE_SCHEMA_VERSIONS,
        SCHEMA_VERSION,
        Catalogue,
        json_nesting,
        no_cycle_collection,
    )

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputNotFound(path, exc.strerror or type(exc).__name__) from None
    if raw.startswith(_BOM):
        raw = raw[len(_BOM):]
    if json_nesting(raw) > MAX_JSON_NESTING:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:  # what is wrong first, as before the nesting was counted
            raise InvalidCatalogue(path, f"not JSON ({exc})") from None
        raise InvalidCatalogue(path, f"arrays and objects nested more than {MAX_JSON_NESTING} deep (a catalogue has "
                                     f"at most {MAX_INDICATOR_DEPTH} levels of indicators)")
    # a lone surrogate can only come from a \\uD800-\\uDFFF escape (UTF-8 cannot encode one): without such an
    # escape in the text there is none to look for in the parsed values
    escaped = _SURROGATE_ESCAPE.search(raw) is not None
    large = len(raw) > _LARGE_CATALOGUE
    with no_cycle_collection():  # a large catalogue is records by the hundred thousand, none in a cycle
        if not escaped:
            # the fast way: pydantic parses the UTF-8 bytes itself (no str of the whole file, which for Chinese
            # text is twice its bytes, and no dicts and lists of it first); a file it refuses is read again the
            # slow way below, which says what is wrong as it always has
            try:
                cat = Catalogue.model_validate_json(raw, context={"loaded": True})
            except ValidationError:
                pass
            else:
                if large:
                    gc.freeze()  # see below
                return cat
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidCatalogue(path, f"not JSON ({exc})") from None
        del raw
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, ValueError, RecursionError) as exc:  # ValueError: an integer of 4,300+ digits
            raise InvalidCatalogue(path, f"not JSON ({exc})") from None
    del text
    if not isinstance(data, dict):
        raise InvalidCatalogue(path, "the top level must be an object")
    version = data.get("schema_version")
    if version is not None and version not in READABLE_SCHEMA_VERSIONS:
        raise InvalidCatalogue(path, f"schema_version {version!r} is not supported (this zhibiao reads "
                                     f"{', '.join(READABLE_SCHEMA_VERSIONS)} and writes {SCHEMA_VERSION})")
    where = find_surrogate(data) if escaped else None
    if where is not None:
        raise InvalidCatalogue(path, f"{where}: text holds a lone surrogate (invalid Unicode, e.g. \\ud800)")
    try:
        with no_cycle_collection():
            cat = Catalogue.model_validate(data, context={"loaded": True})
            if large:
                # the records made while the collector was paused are all in its youngest generation: turned
                # back on, it would walk every one of them at once (3 s for 300,000 indicators). Moved out of
                # its sight instead: none is in a cycle, reference counting still frees them, and a command's
                # process ends soon after
                gc.freeze()
            return cat
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidCatalogue(path, f"{where}: {first['msg']} ({exc.error_count()} problem(s))") from None


def _is_json(path: str) -> bool:
    if path.lower().endswith(".json"):
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(64).lstrip().startswith(b"{")
    except OSError:
        return False


# --lang zh: the summaries' words in the review app's terms (English is the default: see the README)
TERMS_ZH = {
    "(no 文号)": "（未印出文号）", "(issuer unknown)": "（发文机关不详）", "rubric": "指标体系",
    "(untitled)": "（无标题）", "total": "合计", "stated": "原文合计", "sum check": "分值核对",
    "every level reconciles": "各级分值均相符", "mismatch(es)": "处不符", "rows placed": "表格行归入",
    " (the findings name what was not placed)": "（未归入的行见检查提示）", "findings": "检查提示",
    "error": "错误", "warning": "警告",
    "info": "提示", "regulation": "规章", "articles": "条", "wrote": "已写入",
    "file": "文件", "rubrics": "指标体系", "indicators": "指标", "status": "状态",
    "ok": "通过", "errors": "有错误", "no rubric": "无指标体系", "failed": "失败",
}


def _t(term: str, lang: str) -> str:
    """A summary word in the language asked for."""
    return TERMS_ZH.get(term, term) if lang == "zh" else term


def _severity_counts(findings, lang: str = "en") -> str:
    c = Counter(f.severity for f in findings)
    if lang == "zh":
        return f"错误 {c['error']} 个，警告 {c['warning']} 个，提示 {c['info']} 个"
    return f"{c['error']} error(s), {c['warning']} warning(s), {c['info']} note(s)"


def summary(cat: Catalogue, name: str, lang: str = "en") -> str:
    """A short report: document, each rubric's counts per level and its sum check (lang zh: in the app's terms,
    the findings in Chinese)."""
    from zhibiao.findings import render_zh
    from zhibiao.model import dec_str

    doc = cat.document
    name = file_name(name)  # a path that is not UTF-8 prints with U+FFFD
    lines = [f"{name}: {doc.doc_number or _t('(no 文号)', lang)} · {doc.issuer or _t('(issuer unknown)', lang)}"
             + (f" · {doc.date.isoformat()}" if doc.date else "")]
    for n, rubric in enumerate(cat.rubrics, 1):
        levels = Counter(i.level for i in rubric.walk())
        names = rubric.level_names
        unnamed = (lambda lv: f"第{lv}级") if lang == "zh" else (lambda lv: f"level {lv}")
        counts = " · ".join(
            f"{names[lv - 1] if lv - 1 < len(names) else unnamed(lv)} {levels[lv]}" for lv in sorted(levels))
        firsts = " + ".join(dec_str(i.points) if i.points is not None else "?" for i in rubric.indicators)
        errors = [f for f in rubric.findings if f.severity == "error"]
        total = dec_str(rubric.total) if rubric.total is not None else "?"
        lines.append(f"  {_t('rubric', lang)} {n}: {rubric.title or _t('(untitled)', lang)}")
        lines.append(f"    {counts}")
        lines.append(f"    {_t('total', lang)} {total} = {firsts}"
                     + (f" ({_t('stated', lang)} {dec_str(rubric.stated_total)})"
                        if rubric.stated_total is not None else ""))
        sums = [f for f in errors if f.code in ("sum_mismatch", "total_mismatch")]
        lines.append(f"    {_t('sum check', lang)}: " + (_t("every level reconciles", lang) if not sums
                                                          else f"{len(sums)} {_t('mismatch(es)', lang)}"))
        if rubric.rows_total is not None:
            lines.append(f"    {_t('rows placed', lang)} {rubric.rows_placed}/{rubric.rows_total}"
                         + ("" if rubric.rows_placed == rubric.rows_total
                            else _t(" (the findings name what was not placed)", lang)))
        lines.append(f"    {_t('findings', lang)}: {_severity_counts(rubric.findings, lang)}")
        for f in rubric.findings:
            if f.severity != "info":
                lines.append(f"      {_t(f.severity, lang)}: {render_zh(f) if lang == 'zh' else f.message}")
    for reg in cat.regulations:
        lines.append(f"  {_t('regulation', lang)}: {reg.title or _t('(untitled)', lang)} · {len(reg.articles)} "
                     f"{_t('articles', lang)}"
                     + (f" · {_severity_counts(reg.findings, lang)}" if reg.findings else ""))
    return "\n".join(lines)


def _has_errors(cat: Catalogue) -> bool:
    return any(f.severity == "error" for f in cat.all_findings())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zhibiao")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None, metavar="N",
              help="Refuse input files larger than N bytes before parsing them (default 50 MiB, or ZHIBIAO_MAX_BYTES).")
@click.option("--pdf-engine", type=click.Choice(["pdfium", "pdfplumber"]), default=None,
              help="What reads a PDF's characters and ruling lines: pdfium (the default, fast) or pdfplumber "
                   "(the reference engine).")
@click.option("--ocr-engine", type=click.Choice(["rapidocr", "tesseract"], case_sensitive=False), default=None,
              envvar="ZHIBIAO_OCR_ENGINE",
              help="What reads scanned pages and images: rapidocr (the default, its models in its wheel) or "
                   "tesseract (Debian's tesseract-ocr and tesseract-ocr-chi-sim) (or ZHIBIAO_OCR_ENGINE).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None, envvar="ZHIBIAO_LANG",
              help="The language of the ingest summaries and tables: en (the default) or zh, in the review app's "
                   "terms with the findings in Chinese (or ZHIBIAO_LANG). Exports are Chinese either way.")
def cli(max_bytes: int | None, pdf_engine: str | None, ocr_engine: str | None, lang: str | None) -> None:
    """zhibiao (指标): turn the rubric (指标体系) in a notice into a checked indicator catalogue.

    \b
    Exit codes:
      0 ok
      1 checks found errors (sums, numbering, missing points)
      2 no rubric in the notice
      3 unreadable input (missing, empty, binary, undecodable, unsupported format)
      4 invalid catalogue JSON
      5 output not writable
      6 invalid assessment CSV (zhibiao score)
      7 unverified catalogue (zhibiao score without --allow-unverified)
      8 the catalogue store refused (no such catalogue, edit conflict, not verifiable, database error)
      9 the catalogue says it is verified but its store signature does not show it (zhibiao score)
      64 usage error
      70 internal error
    """
    # every invocation sets the engine (None: the default), so none leaks into the next; the PDF reader is not
    # imported for it until a command has read a PDF or an engine is asked for (start-up)
    if pdf_engine is not None or "zhibiao.extract.pdf" in sys.modules:
        from zhibiao.extract.pdf import set_engine

        set_engine(pdf_engine)
    _set_ocr_engine(ocr_engine)
    click.get_current_context().obj = {"max_bytes": max_bytes, "lang": lang or "en"}


_OCR_ENV = "ZHIBIAO_OCR_ENGINE"


def _set_ocr_engine(name: str | None) -> None:
    """Read scans with the engine ``name`` (None: the default) in this invocation, here and in the batch workers it
    starts (they read ZHIBIAO_OCR_ENGINE); the engine is made when a page is first read, not at start-up."""
    def reset() -> None:
        ocr = sys.modules.get("zhibiao.extract.ocr")
        if ocr is not None:
            ocr.set_engine(None)  # made again from ZHIBIAO_OCR_ENGINE (or the default) when a page is first read

    reset()
    if not name:
        return
    before = os.environ.get(_OCR_ENV)
    os.environ[_OCR_ENV] = name.lower()

    def undo() -> None:  # the choice ends with the invocation, so that none leaks into the next
        if before is None:
            os.environ.pop(_OCR_ENV, None)
        else:
            os.environ[_OCR_ENV] = before
        reset()

    click.get_current_context().call_on_close(undo)


def _text_option(value: str | None, name: str) -> str | None:
    """A text option: valid Unicode (an argument in another encoding than the locale's is not)."""
    if value is not None and find_surrogate(value) is not None:
        raise click.BadParameter(f"{file_name(value)!r} is not valid text in this locale's encoding (UTF-8)",
                                 param_hint=name)
    return value


def _decimal_option(value: str | None, name: str):
    if value is None:
        return None
    from decimal import Decimal, InvalidOperation

    try:
        result = Decimal(value)
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not a decimal number", param_hint=name) from None
    if not result.is_finite() or result <= 0:
        raise click.BadParameter(f"{value!r} must be a positive number", param_hint=name)
    return result


def _limit() -> int | None:
    """The --max-bytes given to the command group, if any."""
    ctx = click.get_current_context(silent=True)
    return ((ctx.find_root().obj or {}).get("max_bytes")) if ctx else None


def _lang() -> str:
    """The --lang given to the command group (en unless zh was asked for)."""
    ctx = click.get_current_context(silent=True)
    return ((ctx.find_root().obj or {}).get("lang") or "en") if ctx else "en"


def _ingest_one(src: Path, out: Path | None, echo, expected=None, limit: int | None = None,
                name: str | None = None, lang: str | None = None) -> Catalogue:
    from zhibiao.pipeline import ingest as run_ingest

    cat = run_ingest(src, expect_total=expected, limit=limit)
    cat.document.source_file = file_name(cat.document.source_file)  # a non-UTF-8 file name
    if out is not None:
        _write_atomic(out, (cat.model_dump_json(indent=1) + "\n").encode("utf-8"))
    lang = lang or _lang()
    echo(summary(cat, name or src.name, lang))
    if out is not None:
        echo(f"  {_t('wrote', lang)} {out}")
    return cat


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Catalogue JSON to write (for a folder SOURCE: the output folder). '-' writes JSON to stdout.")
@click.option("--expect-total", type=str, default=None, metavar="POINTS",
              help="Total every rubric must reach when the notice prints none (e.g. 100).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Folder SOURCE: Dask workers to start (default: one per core; a batch of fewer than "
                   "16 files runs here). 1 reads the files one by one in this process, without Dask.")
@click.option("--scheduler", envvar="ZHIBIAO_SCHEDULER", default=None, metavar="tcp://HOST:PORT",
              help="Folder SOURCE: run on the Dask cluster of this scheduler instead of a local one "
                   "(or ZHIBIAO_SCHEDULER); its workers must see the folders at the same paths.")
@click.option("--store", "to_store", is_flag=True,
              help="Folder SOURCE: also add every notice and its catalogue to the catalogue store (as `zhibiao "
                   "store ingest` does; ZHIBIAO_DB, else SQLite in the data directory).")
@click.option("--db", default=None, metavar="URL",
              help="Folder SOURCE: the store's database URL (implies --store; PostgreSQL when several machines write).")
def ingest(source: Path, output: Path | None, expect_total: str | None, jobs: int | None,
           scheduler: str | None, to_store: bool, db: str | None) -> None:
    """Read a notice (or every notice in a folder) and write its catalogue JSON.

    Prints a tree summary with counts per level and the sum check. The catalogue is written even
    when its sums do not reconcile; the findings say where, and the exit code is 1. For a folder,
    every notice under it (subfolders too; .txt .pdf .docx .html .xlsx .csv) is read, catalogues go
    to the same relative paths under the output folder, failures are reported without stopping the
    batch, a summary table ends the run, and the exit code is the worst of the files'. The output
    folder keeps a manifest of the finished files (_manifest.jsonl): a re-run skips them.
    """
    expected = _decimal_option(expect_total, "--expect-total")
    if source.is_dir():
        _ingest_dir(source, output, expected, jobs, scheduler, _batch_store(to_store, db))
        return
    if to_store or db:
        raise click.BadParameter("is for a folder SOURCE; store one notice with `zhibiao store ingest`",
                                 param_hint="--store/--db")
    if output is not None and str(output) == "-":
        from zhibiao.pipeline import ingest as run_ingest

        cat = run_ingest(source, expect_total=expected, limit=_limit())
        click.echo(cat.model_dump_json(indent=1))
        click.echo(summary(cat, source.name, _lang()), err=True)
    else:
        cat = _ingest_one(source, output, click.echo, expected, _limit())
    if _has_errors(cat):
        sys.exit(EXIT_FINDINGS)


def _batch_store(to_store: bool, db: str | None) -> str | None:
    """The store URL of a batch (None: none), its database created or migrated here, before any worker writes."""
    if not to_store and db is None:
        return None
    from zhibiao.store import Store

    return Store(db).url


def _ingest_dir(folder: Path, outdir: Path | None, expected=None, jobs: int | None = None,
                scheduler: str | None = None, db: str | None = None) -> None:
    """`zhibiao ingest DIR`: the batch (zhibiao/batch.py), its progress, the reports and the summary table."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from zhibiao import batch

    files = batch.notice_files(folder)
    if not files:
        raise InputNotFound(str(folder), f"no notice files ({', '.join(sorted(batch.NOTICE_SUFFIXES))}) "
                                         "in this folder")
    import getpass

    from zhibiao.extract.pdf import SETTINGS as PDF_SETTINGS

    every = batch.make_jobs(folder, files, outdir, expected, _limit(), db, getpass.getuser() if db else "cli",
                            PDF_SETTINGS.engine, _lang())
    manifest = batch.Manifest(outdir) if outdir is not None else None
    todo, results = batch.skip_finished(every, manifest)
    if jobs is None:  # one worker per core, unless the batch is too small to be worth starting a cluster
        jobs = batch.cores() if len(todo) >= batch.SMALL_BATCH or scheduler else 1
    console = Console(stderr=True)

    def done(job, outcome) -> None:
        if manifest is not None:
            manifest.record(job, outcome)
        progress.update(task, description=Path(job.name).name)
        progress.advance(task)

    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console,
                      transient=True, disable=not console.is_terminal) as progress:
            task = progress.add_task("ingest", total=len(todo))
            results.update(batch.run(todo, workers=min(jobs, len(todo)), scheduler=scheduler, done=done,
                                     synced=manifest.sync if manifest is not None else None))
    except batch.SchedulerUnreachable as exc:
        raise click.BadParameter(str(exc), param_hint="--scheduler / ZHIBIAO_SCHEDULER") from None
    finally:
        if manifest is not None:
            manifest.close()
    worst = EXIT_OK
    for i in range(len(files)):
        outcome = results[i]
        if outcome.report:
            click.echo(outcome.report + "\n")
        if outcome.error:
            click.echo(outcome.error, err=True)
        worst = max(worst, outcome.code)
    width = max(36, *(len(results[i].row[0]) for i in range(len(files))))
    lang = _lang()
    head = [_t(w, lang) for w in ("file", "rubrics", "indicators", "rows placed", "findings", "status")]
    click.echo(f"{head[0]:<{width}} {head[1]:>7} {head[2]:>10} {head[3]:>11} {head[4]:>8}  {head[5]}")
    for i in range(len(files)):
        name, rubrics, n, rows, findings, status = results[i].row
        click.echo(f"{name:<{width}} {rubrics:>7} {n:>10} {rows:>11} {findings:>8}  {_t(status, lang)}")
    failed = sum(1 for r in results.values() if r.status == "failed")
    click.echo(f"共 {len(files)} 个文件：读取 {len(files) - failed} 个，失败 {failed} 个" if lang == "zh"
               else f"{len(files)} file(s): {len(files) - failed} read, {failed} failed")
    skipped = sum(1 for r in results.values() if r.skipped)
    if skipped:
        click.echo(f"{skipped} of them skipped: finished in an earlier run ({manifest.path if manifest else ''})")
    if worst:
        sys.exit(worst)


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--expect-total", type=str, default=None, metavar="POINTS",
              help="Total every rubric must reach when the notice prints none (e.g. 100).")
def check(source: Path, expect_total: str | None) -> None:
    """Validate a notice or a catalogue JSON: sums at every level, numbering, points on every leaf.

    Each problem names the indicator id and source line. Exit code 1 when any error is found.
    """
    expected = _decimal_option(expect_total, "--expect-total")
    if _is_json(str(source)):
        from zhibiao.findings import finding, light_finding
        from zhibiao.normalize.validate import check_articles, check_rubric
        from zhibiao.shape import light_catalogue

        # a small catalogue the light check vouches for is checked without the record model (start-up); any
        # other goes to the model, which says what is wrong
        light = light_catalogue(str(source))
        cat: Any = light if light is not None else load_catalogue(str(source))
        make = light_finding if light is not None else finding
        findings = []
        for rubric in cat.rubrics:
            findings += check_rubric(rubric, expected, make)
        for reg in cat.regulations:
            findings += check_articles(reg.articles, make)
    else:
        from zhibiao.pipeline import ingest as run_ingest

        cat = run_ingest(source, expect_total=expected, limit=_limit())
        findings = cat.all_findings()
    for f in findings:
        if f.severity != "info":
            where = f" [{f.indicator}]" if f.indicator else ""
            click.echo(f"{f.severity}{where}: {f.message}")
    click.echo(f"{source.name}: {_severity_counts(findings)}")
    if any(f.severity == "error" for f in findings):
        sys.exit(EXIT_FINDINGS)


@cli.command()
@click.argument("catalogue", type=click.Path(path_type=Path))
@click.option("--depth", type=click.IntRange(min=1), default=None, help="Show levels down to N only.")
@click.option("--source", "source_id", metavar="ID", default=None,
              help="Print where indicator ID comes from and the source text there "
                   "(PDF: page and the text in its bbox).")
@click.option("--notice", type=click.Path(path_type=Path), default=None,
              help="With --source: the notice file (default: the catalogue's source_file next to it or here).")
def show(catalogue: Path, depth: int | None, source_id: str | None, notice: Path | None) -> None:
    """Print a catalogue JSON as an indented tree with points and flags, or one indicator's source."""
    from zhibiao.model import LABEL_NOT_PRINTED, dec_str

    cat = load_catalogue(str(catalogue))
    if source_id is not None:
        from zhibiao.provenance import find_indicator, find_notice, snippet

        ind = find_indicator(cat, source_id)
        if ind is None:
            raise click.BadParameter(f"no indicator {source_id!r} in {catalogue.name}", param_hint="--source")
        click.echo(f"{ind.id} {ind.label(LABEL_NOT_PRINTED)}")
        if ind.source is None:
            click.echo("(no source location: this label is not printed in the notice)")
            return
        click.echo(f"source: {ind.source.label()}")
        path = find_notice(cat, catalogue, notice)
        click.echo(snippet(path, ind.source, cat.document.sha256))
        return
    for rubric in cat.rubrics:
        click.echo(f"{rubric.title or '(untitled)'}  [{dec_str(rubric.total) if rubric.total is not None else '?'}分]")
        for ind in rubric.walk():
            if depth is not None and ind.level > depth:
                continue
            pts = f"（{dec_str(ind.points)}分）" if ind.points is not None else ""
            flags = f"  [{', '.join(ind.flags)}]" if ind.flags else ""
            owner = f"  — {ind.owner}" if ind.owner else ""
            click.echo(f"{'  ' * ind.level}{ind.id:<10} {ind.label(LABEL_NOT_PRINTED)}{pts}{owner}{flags}")


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the document block as JSON.")
def info(source: Path, as_json: bool) -> None:
    """Print a notice's document block: 文号, issuer, title, date, forwarded and cited 文号."""
    from zhibiao.extract import reading_path
    from zhibiao.pipeline import info as read_info

    doc = read_info(source, limit=_limit())
    if as_json:
        click.echo(doc.model_dump_json(indent=1))
        return
    click.echo(f"read:       {reading_path(doc.format, doc.conversion, doc.ocr_pages)}")
    click.echo(f"文号:       {doc.doc_number or '-'}")
    click.echo(f"issuer:     {doc.issuer or '-'}")
    click.echo(f"title:      {doc.title or '-'}")
    click.echo(f"date:       {doc.date.isoformat() if doc.date else '-'}")
    click.echo(f"forwards:   {', '.join(doc.forwards) or '-'}")
    click.echo(f"implements: {', '.join(doc.implements) or '-'}")
    click.echo(f"cites:      {', '.join(doc.cites) or '-'}")
    click.echo(f"sha256:     {doc.sha256}")


@cli.command()
@click.argument("catalogue", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "docx"]), required=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File to write (default: next to the catalogue, same name, new suffix). '-' for CSV on stdout.")
def export(catalogue: Path, fmt: str, output: Path | None) -> None:
    """Export a catalogue JSON: CSV (flat table: id, path, level, marker, text, points, owner, refs, flags), XLSX
    (指标目录 to print and hand on, then the same flat table) or DOCX (the 附件 table offices issue, to re-issue).
    Says 未核实 unless the catalogue is verified and its store signature shows it."""
    from zhibiao.export import to_csv, to_docx, to_xlsx

    cat = load_catalogue(str(catalogue))
    if fmt == "csv" and output is not None and str(output) == "-":
        click.echo(to_csv(cat), nl=False)
        return
    out = output or catalogue.with_suffix(f".{fmt}")
    writers = {"csv": lambda c: to_csv(c).encode("utf-8-sig"), "xlsx": to_xlsx, "docx": to_docx}
    _write_atomic(out, writers[fmt](cat))
    click.echo(f"wrote {out}")


@cli.command()
@click.argument("which", type=click.Choice(["catalogue", "crosswalk"]), default="catalogue")
def schema(which: str) -> None:
    """Print the JSON Schema of the catalogue (docs/catalogue.schema.json) or crosswalk (docs/crosswalk.schema.json)."""
    click.echo(json.dumps(catalogue_schema() if which == "catalogue" else crosswalk_schema(), ensure_ascii=False,
                          indent=1))


def catalogue_schema() -> dict:
    """The JSON Schema of what `zhibiao ingest` writes."""
    from zhibiao.model import Catalogue

    return Catalogue.model_json_schema(mode="serialization")


def crosswalk_schema() -> dict:
    """The JSON Schema of what `zhibiao diff` writes."""
    from zhibiao.model import Crosswalk

    return Crosswalk.model_json_schema(mode="serialization")


def _catalogue_of(path: Path) -> Catalogue:
    """A catalogue from a catalogue JSON, or by ingesting a notice."""
    if _is_json(str(path)):
        return load_catalogue(str(path))
    from zhibiao.pipeline import ingest as run_ingest

    return run_ingest(path, limit=_limit())


@cli.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.argument("more", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Crosswalk JSON to write ('-' for stdout); with three or more versions, the chain JSON.")
@click.option("--html", "html_out", type=click.Path(path_type=Path), help="Self-contained HTML report to write.")
@click.option("--xlsx", "xlsx_out", type=click.Path(path_type=Path),
              help="XLSX workbook to write (新旧对照表, 一级指标分值变化, links, weights; a chain: 版本沿革).")
@click.option("--docx", "docx_out", type=click.Path(path_type=Path),
              help="新旧对照表 DOCX to write (序号 | 原条目 | 现条目 | 变化, landscape A4; a chain: 版本沿革对照表).")
def diff(old: Path, new: Path, more: tuple[Path, ...], output: Path | None, html_out: Path | None,
         xlsx_out: Path | None, docx_out: Path | None) -> None:
    """Map every indicator of OLD to its successor(s) in NEW (notices or catalogue JSON).

    Prints a summary: links by kind (one_to_one, split, merge, many_to_many), removed and added
    items, stricter or looser thresholds, new and dropped first-level areas and how the points moved.

    With more versions (OLD NEW NEWER …, oldest first) the crosswalks of neighbouring versions are
    composed into a chain: each indicator's lineage, its ids in every version.
    """
    from zhibiao.diff import crosswalk
    from zhibiao.diff.report import to_docx, to_html, to_xlsx

    if more:
        _diff_chain([old, new, *more], output, html_out, xlsx_out, docx_out)
        return
    old_cat, new_cat = _catalogue_of(old), _catalogue_of(new)
    if not old_cat.rubrics or not new_cat.rubrics:
        raise NoRubric(str(old if not old_cat.rubrics else new), "nothing to compare")
    cw = crosswalk(old_cat, new_cat)
    if output is not None and str(output) == "-":
        click.echo(cw.model_dump_json(indent=1))
    elif output is not None:
        _write_atomic(output, (cw.model_dump_json(indent=1) + "\n").encode("utf-8"))
    if html_out is not None:
        _write_atomic(html_out, to_html(cw, old_cat, new_cat).encode("utf-8"))
    if xlsx_out is not None:
        _write_atomic(xlsx_out, to_xlsx(cw, old_cat, new_cat))
    if docx_out is not None:
        _write_atomic(docx_out, to_docx(cw, old_cat, new_cat))
    echo = click.echo if output is None or str(output) != "-" else (lambda m: click.echo(m, err=True))
    echo(f"{old.name} → {new.name}")
    for line in cw.summary:
        echo("  " + line)
    for path in (output, html_out, xlsx_out, docx_out):
        if path is not None and str(path) != "-":
            echo(f"  wrote {path}")


def _diff_chain(paths: list[Path], output: Path | None, html_out: Path | None, xlsx_out: Path | None,
                docx_out: Path | None) -> None:
    """`zhibiao diff A B C …`: the chain JSON, its summary, and its XLSX/DOCX."""
    from zhibiao.diff.chain import chain, chain_docx, chain_xlsx

    if html_out is not None:
        raise click.BadParameter("compares two versions; for three or more, write --xlsx, --docx or -o",
                                 param_hint="--html")
    cats = [_catalogue_of(path) for path in paths]
    for path, cat in zip(paths, cats):
        if not cat.rubrics:
            raise NoRubric(str(path), "nothing to compare")
    result, steps = chain(cats)
    if output is not None and str(output) == "-":
        click.echo(result.model_dump_json(indent=1))
    elif output is not None:
        _write_atomic(output, (result.model_dump_json(indent=1) + "\n").encode("utf-8"))
    if xlsx_out is not None:
        _write_atomic(xlsx_out, chain_xlsx(result, steps, cats))
    if docx_out is not None:
        _write_atomic(docx_out, chain_docx(result, steps, cats))
    echo = click.echo if output is None or str(output) != "-" else (lambda m: click.echo(m, err=True))
    echo(" → ".join(path.name for path in paths))
    for line in result.summary[1:]:
        echo("  " + line)
    for written in (output, xlsx_out, docx_out):
        if written is not None and str(written) != "-":
            echo(f"  wrote {written}")


@cli.command()
@click.argument("catalogue", type=click.Path(path_type=Path))
@click.argument("assessment", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help="Print the result as JSON (decimals as strings, completion a 4-place ratio). One assessment only.")
@click.option("--allow-unverified", is_flag=True,
              help="Score a catalogue that people have not verified; the output says it is provisional.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Folder ASSESSMENT: also write the cohort report to OUT.csv (sections), OUT.xlsx (report sheets "
                   "with charts, then the data) or OUT.html (one page with charts; prints on one A4 sheet).")
@click.option("--tiers", "tiers_file", type=click.Path(path_type=Path), default=None, metavar="MAP.csv",
              help="Folder ASSESSMENT: each unit's tier (省级, 市县区, 乡镇 …) from a CSV with the header 单位,层级; "
                   "without it, from a 层级 column of the unit's own CSV.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Folder ASSESSMENT: Dask workers to score the units on (default: one per core for a cohort of "
                   "5,000 units or more, else this process).")
@click.option("--scheduler", envvar="ZHIBIAO_SCHEDULER", default=None, metavar="tcp://HOST:PORT",
              help="Folder ASSESSMENT: score on the Dask cluster of this scheduler (or ZHIBIAO_SCHEDULER).")
def score(catalogue: Path, assessment: Path, as_json: bool, allow_unverified: bool, output: Path | None,
          tiers_file: Path | None, jobs: int | None, scheduler: str | None) -> None:
    """Score an assessment (CSV: id,awarded per leaf indicator, awarded a decimal or n/a) against a catalogue.

    Prints points awarded, points applicable and 完成度 (awarded / applicable) in total and per first- and
    second-level indicator, against the 90% target of 陕司通〔2023〕31号. For a folder of assessments (one
    CSV per unit, unit name = file stem): the share of units at ≥ 90%, < 80%, < 60%, completion per
    first-level area, and the ranking. CATALOGUE is a catalogue JSON or a notice (ingested). Only a
    verified catalogue is scored unless --allow-unverified is given. Exit code 6 for an invalid
    assessment (every row at fault is listed), 7 for an unverified catalogue.
    """
    from zhibiao import scoring

    if output is not None and not assessment.is_dir():
        raise click.BadParameter("is for a folder of assessments (cohort statistics)", param_hint="-o/--output")
    if tiers_file is not None and not assessment.is_dir():
        raise click.BadParameter("is for a folder of assessments (cohort statistics)", param_hint="--tiers")
    if output is not None and output.suffix.lower() not in (".csv", ".xlsx", ".html", ".htm"):
        raise click.BadParameter(f"{output.name!r}: write OUT.csv, OUT.xlsx or OUT.html", param_hint="-o/--output")
    if as_json and assessment.is_dir():
        raise click.BadParameter("is for a single assessment, not a folder", param_hint="--json")
    cat = _catalogue_of(catalogue)
    rubric = scoring.main_rubric(cat, str(catalogue))
    verified = scoring.require_verified(cat, str(catalogue), allow_unverified)
    if not verified and cat.verification is not None and cat.verification.verified:
        from zhibiao.signature import signature_problem

        click.echo(f"zhibiao: warning: {catalogue}: says it is verified, but that cannot be shown: "
                   f"{signature_problem(cat)}; scored as unverified", err=True)
    leaves = scoring.scorable_leaves(rubric, str(catalogue))
    from zhibiao import sheets

    if not assessment.is_dir():
        if assessment.is_file() and not sheets.is_id_csv(assessment):
            unit = sheets.read_sheet(assessment, rubric, leaves, limit=_limit())
        else:
            unit = scoring.read_assessment(assessment, leaves)
        result = scoring.score(rubric, unit, verified=verified)
        if as_json:
            if not verified:
                click.echo(scoring.UNVERIFIED_WARNING, err=True)
            obj = scoring.score_json(result)
            if unit.rows:
                obj["sheet"] = sheets.sheet_json(unit)
            click.echo(json.dumps(obj, ensure_ascii=False, indent=1))
        else:
            click.echo(scoring.score_table(result, rubric.title, assessment.name))
            if unit.rows:
                click.echo(sheets.sheet_report(unit))
        return
    from zhibiao import batch
    from zhibiao.scoring import cohort_report, tiers

    files = sheets.folder_files(assessment) if assessment.is_dir() else []
    if files and all(sheets.is_id_csv(p) for p in files):
        units = scoring.read_folder(assessment, leaves)
    else:
        n_sheets = sum(1 for p in files if not sheets.is_id_csv(p))
        readers = jobs if jobs is not None else (batch.cores() if n_sheets >= batch.SMALL_BATCH else 1)
        try:
            units = sheets.read_mixed_folder(assessment, rubric, leaves, workers=readers, scheduler=scheduler,
                                             limit=_limit())
        except batch.SchedulerUnreachable as exc:
            raise click.BadParameter(str(exc), param_hint="--scheduler / ZHIBIAO_SCHEDULER") from None
    mapping = tiers.read_tiers(tiers_file) if tiers_file is not None else None
    unit_tiers = tiers.tiers_of([(a.unit, a.path) for a in units], mapping,
                                {a.unit: a.tier for a in units if a.rows})

    if jobs is None:
        jobs = batch.cores() if len(units) >= batch.LARGE_COHORT else 1
    try:
        scores = batch.map_chunks(batch.ScoreUnits(rubric, verified), units, workers=jobs, scheduler=scheduler)
    except batch.SchedulerUnreachable as exc:
        raise click.BadParameter(str(exc), param_hint="--scheduler / ZHIBIAO_SCHEDULER") from None
    stats = scoring.cohort(rubric, scores, str(assessment), verified=verified)
    if output is not None:
        suffix = output.suffix.lower()
        if suffix == ".csv":
            data = (scoring.cohort_csv(stats) + cohort_report.tiers_csv(stats, rubric, unit_tiers)
                    + cohort_report.sheets_csv(stats, rubric)).encode("utf-8-sig")
        elif suffix == ".xlsx":
            data = cohort_report.cohort_report_xlsx(stats, rubric, unit_tiers)
        else:
            data = cohort_report.cohort_report_html(stats, rubric, unit_tiers).encode("utf-8")
        _write_atomic(output, data)
    click.echo(scoring.cohort_tables(stats))
    checks = cohort_report.check_rows(stats)
    if checks:
        click.echo("\nsheet checks (the units' own subtotals, points)")
        for r in stats.ranking:
            for f in r.score.findings:
                if f.severity != "info":
                    click.echo(f"  {r.score.unit}: {f.code}: {f.message}")
    click.echo("\n评估结论")
    for group in tiers.tier_stats(stats, rubric, unit_tiers):
        click.echo(f"  【{group.name}单位】" + "".join(cohort_report.sentences(group)))
    if output is not None:
        click.echo(f"wrote {output}")


@cli.group()
@click.option("--db", default=None, metavar="URL",
              help="Database URL (default: ZHIBIAO_DB, else a SQLite file in the data directory).")
@click.pass_context
def store(ctx: click.Context, db: str | None) -> None:
    """The catalogue store: stored notices, catalogue versions, edits and verification."""
    ctx.obj = dict(ctx.find_root().obj or {}, db=db)


def _store():
    from zhibiao.store import Store

    return Store(click.get_current_context().obj.get("db"))


@store.command("ingest")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--by", default=None, callback=lambda ctx, param, value: _text_option(value, "--by"),
              help="Who stores it (default: the login name).")
def store_ingest(source: Path, by: str | None) -> None:
    """Store a notice and its catalogue (the same bytes again give the same catalogue id)."""
    import getpass

    st = _store()
    if not source.is_file():
        raise InputNotFound(str(source), "not a file")
    cat_id, created = st.ingest(source, by=by or getpass.getuser(), limit=_limit())
    click.echo(f"{'stored' if created else 'already stored'}: catalogue {cat_id} ({file_name(source.name)})")


@store.command("list")
def store_list() -> None:
    """List stored catalogues: id, version, verified, file, title."""
    rows = _store().list()
    click.echo(f"{'id':>4} {'ver':>4} {'verified':<8} {'file':<36} title")
    for r in rows:
        click.echo(f"{r.id:>4} {r.version:>4} {'yes' if r.verified else 'no':<8} {r.filename:<36} {r.title or ''}")
    if not rows:
        click.echo("(the store is empty: `zhibiao store ingest FILE`)")


@store.command("export")
@click.argument("catalogue_id", type=click.IntRange(0, DB_INT_MAX))
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx", "docx"]), required=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File to write (default: catalogue-ID.FORMAT here; '-' for JSON/CSV on stdout).")
def store_export(catalogue_id: int, fmt: str, output: Path | None) -> None:
    """Export a stored catalogue's current version as JSON, CSV, XLSX or the DOCX 附件."""
    data = _store().export(catalogue_id, fmt)
    if output is not None and str(output) == "-" and fmt not in ("xlsx", "docx"):
        click.echo(data.decode("utf-8-sig"), nl=False)
        return
    out = output or Path(f"catalogue-{catalogue_id}.{fmt}")
    _write_atomic(out, data)
    click.echo(f"wrote {out}")


_CATALOGUE_ID = click.IntRange(0, DB_INT_MAX)
_BY = click.option("--by", default=None, callback=lambda ctx, param, value: _text_option(value, "--by"),
                   help="Who decides (default: the login name).")


@store.command("compare")
@click.argument("old_id", type=_CATALOGUE_ID)
@click.argument("new_id", type=_CATALOGUE_ID)
def store_compare(old_id: int, new_id: int) -> None:
    """Compute the crosswalk OLD_ID -> NEW_ID of two stored catalogues and keep it for review (decisions on
    items with the same ids are kept)."""
    from zhibiao.diff import crosswalk

    st = _store()
    if old_id == new_id:
        raise click.UsageError("give two different catalogues")
    old_cat, new_cat = st.get(old_id)[0], st.get(new_id)[0]
    for cat_id, cat in ((old_id, old_cat), (new_id, new_cat)):
        if not cat.rubrics:
            raise NoRubric(f"catalogue {cat_id}", "nothing to compare")
    cw = crosswalk(old_cat, new_cat)
    st.save_crosswalk(old_id, new_id, cw)
    click.echo(f"crosswalk {old_id} -> {new_id}: {cw.summary[0] if cw.summary else ''}")
    click.echo(f"review it: zhibiao store review {old_id} {new_id} --todo")


def _review_line(item, old_text: dict[str, str], new_text: dict[str, str], width: int) -> str:
    """One item of a crosswalk review: key, old ids -> new ids, its decision, and (width > 0) its texts cut to
    width."""
    d = item.decision
    if d is not None:
        status = d.action + (f" {' '.join(d.old)} -> {' '.join(d.new)}" if d.action in ("relink", "link") else "")
        status += f" by {d.by}" + (f" ({d.reason})" if d.reason else "")
    elif item.covered_by:
        status = f"taken in by {item.covered_by}"
    else:
        status = "undecided"
    ids = f"{' '.join(item.old) or '-'} -> {' '.join(item.new) or '-'}"
    line = f"{item.key:<16} {ids:<40} {status}"
    if not width:
        return line
    texts = [f"{'':<17}{side} {i} {table[i][:width]}" for side, ids, table in (("old", item.old, old_text),
                                                                                ("new", item.new, new_text))
             for i in ids if i in table]
    return "\n".join([line, *texts])


@store.command("review")
@click.argument("old_id", type=_CATALOGUE_ID)
@click.argument("new_id", type=_CATALOGUE_ID)
@click.option("--todo", is_flag=True, help="Only the items nobody has decided yet (待核定).")
@click.option("--texts", type=click.IntRange(0, 10_000), default=0, show_default=True,
              help="Also print each item's texts (old, then new), cut to this many characters.")
def store_review(old_id: int, new_id: int, todo: bool, texts: int) -> None:
    """List the items of a stored crosswalk to decide (link-N, removed-ID, added-ID) with their decisions, and
    whether the crosswalk is verified (every item decided)."""
    st = _store()
    rv = st.review(old_id, new_id)
    old_text: dict[str, str] = {}
    new_text: dict[str, str] = {}
    if texts:
        old_text = {i.id: i.text for i in st.get(old_id)[0].walk()}
        new_text = {i.id: i.text for i in st.get(new_id)[0].walk()}
    shown = [i for i in rv.items if not (todo and i.decided)]
    for item in shown:
        click.echo(_review_line(item, old_text, new_text, texts))
    state = "verified" if rv.reviewed.verified else "not verified (未核实)"
    click.echo(f"crosswalk {old_id} -> {new_id}: {rv.reviewed.decided} of {rv.reviewed.to_decide} items decided; "
               f"{state}" + (f"; {len(shown)} undecided shown" if todo else ""))
    for pair in rv.reviewed.stale:
        click.echo(f"stale decision (an id the catalogue no longer has): {pair}")


@store.command("decide")
@click.argument("old_id", type=_CATALOGUE_ID)
@click.argument("new_id", type=_CATALOGUE_ID)
@click.argument("item")
@click.argument("action", type=click.Choice(["accept", "reject", "relink", "confirm", "link"]))
@click.option("--old", "old_ids", default="", help="Old leaf ids for relink/link, separated by spaces or commas.")
@click.option("--new", "new_ids", default="", help="New leaf ids for relink/link, separated by spaces or commas.")
@click.option("--reason", default=None, callback=lambda ctx, param, value: _text_option(value, "--reason"),
              help="Why (needed to reject, relink or link).")
@click.option("--revision", type=click.IntRange(0, DB_INT_MAX), default=None,
              help="The item's revision you saw (0: undecided); refused if someone decided it since.")
@_BY
def store_decide(old_id: int, new_id: int, item: str, action: str, old_ids: str, new_ids: str, reason: str | None,
                 revision: int | None, by: str | None) -> None:
    """Decide one item of a stored crosswalk: accept, reject or relink a link (link-N); confirm or link a removed
    (removed-ID) or added (added-ID) item. Every decision goes into the crosswalk's history."""
    import getpass
    import re

    def parse_ids(text: str) -> list[str]:
        return [i for i in re.split(r"[\s,，、;；]+", text) if i]

    st = _store()
    rev = st.decide(old_id, new_id, item, action, by=by or getpass.getuser(), old_ids=parse_ids(old_ids),
                    new_ids=parse_ids(new_ids), reason=reason, revision=revision)
    rv = st.review(old_id, new_id).reviewed
    click.echo(f"{item}: {action} (revision {rev}); {rv.decided} of {rv.to_decide} items decided"
               + ("; the crosswalk is verified" if rv.verified else ""))


@store.command("decide-rest")
@click.argument("old_id", type=_CATALOGUE_ID)
@click.argument("new_id", type=_CATALOGUE_ID)
@click.option("--reason", default=None, callback=lambda ctx, param, value: _text_option(value, "--reason"),
              help="Why (kept with each decision).")
@_BY
def store_decide_rest(old_id: int, new_id: int, reason: str | None, by: str | None) -> None:
    """Accept every link and confirm every removed/added item of a stored crosswalk nobody has decided yet."""
    import getpass

    st = _store()
    n = st.decide_rest(old_id, new_id, by=by or getpass.getuser(), reason=reason)
    rv = st.review(old_id, new_id).reviewed
    click.echo(f"{n} item(s) decided; {rv.decided} of {rv.to_decide} items decided"
               + ("; the crosswalk is verified" if rv.verified else ""))


def _download_names(cat: Catalogue) -> tuple[str | None, str | None]:
    """What names a catalogue's downloads (as the app names them): its 文号 and title (the rubric's, else the
    notice's)."""
    return cat.document.doc_number, (cat.rubrics[0].title if cat.rubrics else None) or cat.document.title


@store.command("handout")
@click.argument("old_id", type=_CATALOGUE_ID)
@click.argument("new_id", type=_CATALOGUE_ID)
@click.option("--format", "fmt", type=click.Choice(["docx", "xlsx"]), default="docx", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File to write (default: 新旧对照表_… named as the app names it, here).")
def store_handout(old_id: int, new_id: int, fmt: str, output: Path | None) -> None:
    """Write the 新旧对照表 of a stored crosswalk as decided (DOCX or XLSX); 未核实 on every page and sheet
    until every item is decided."""
    from zhibiao.diff.report import to_docx, to_xlsx
    from zhibiao.web.files import crosswalk_filename

    st = _store()
    rv = st.review(old_id, new_id)
    old_cat, new_cat = st.get(old_id)[0], st.get(new_id)[0]
    data = (to_docx if fmt == "docx" else to_xlsx)(rv.reviewed, old_cat, new_cat)
    out = output or Path(crosswalk_filename(old_cat.document.source_file, new_cat.document.source_file,
                                            rv.reviewed.verified, fmt,
                                            old_names=_download_names(old_cat), new_names=_download_names(new_cat)))
    _write_atomic(out, data)
    click.echo(f"wrote {out}" + ("" if rv.reviewed.verified else " (未核实: not every item is decided)"))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (keep 127.0.0.1 unless "
              "a reverse proxy with authentication sits in front).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--db", default=None, metavar="URL",
              help="Database URL (default: ZHIBIAO_DB, else a SQLite file in the data directory).")
def serve(host: str, port: int, db: str | None) -> None:
    """Run the review web app (Chinese UI): upload, check, edit, verify, compare, download."""
    from zhibiao.web.app import run

    run(host=host, port=port, db_url=db)


def main(argv: list[str] | None = None) -> int:
    """Console entry point: run the CLI, turning every user mistake into a message and an exit code."""
    try:
        cli.main(args=argv, prog_name="zhibiao", standalone_mode=False)
    except ZhibiaoError as exc:
        click.echo(f"zhibiao: error: {exc.message()}", err=True)
        return exit_code(exc)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:
        exc.show()
        return EXIT_USAGE
    except click.Abort:
        click.echo("zhibiao: aborted", err=True)
        return 130
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except Exception:  # a bug in zhibiao, not the user's mistake
        click.echo("zhibiao: internal error; please report it with the input file "
                   "(set ZHIBIAO_DEBUG=1 for details)", err=True)
        if os.environ.get("ZHIBIAO_DEBUG"):
            traceback.print_exc()
        return EXIT_INTERNAL
    return EXIT_OK


def console() -> None:
    """setuptools console-script wrapper: exit with main()'s code."""
    sys.exit(main())


if __name__ == "__main__":
    console()
