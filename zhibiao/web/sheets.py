"""评分表 in the review app: units' filled-in score sheets uploaded for a verified catalogue (several files, or a zip
of a folder, read as one background job), a page per unit (the sheet's rows beside the catalogue's, awarded,
remarks, how each was aligned, the problems, totals and per-area 完成度), fixes of an alignment or a value with a
reason (history kept), confirmation (已确认), and the cohort of the confirmed assessments.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from zhibiao import errors as zerr
from zhibiao.inputs import parse_count
from zhibiao.model import Catalogue, Rubric, dec_str
from zhibiao.sheet_review import HOW_LABELS, IGNORED, SheetReview, check, leaf_choices, read_review
from zhibiao.sheet_store import SheetStore
from zhibiao.sheets import FOLDER_SUFFIXES

from . import actions
from .common import DbId, check_csrf, flash, render, reviewer, state
from .errors import WebError, input_error, refusal
from .files import MEDIA_TYPES, content_disposition, mib, safe_filename
from .jobs import Job

__all__ = ["router", "start_sheets", "ZIP_MEMBERS"]

router = APIRouter(include_in_schema=False)

ZIP_MEMBERS = 500  # sheets taken from one zip at most
ZIP_TOTAL = 2  # … holding at most this many times the upload limit unpacked, all zips of an upload together
SHEET_LABELS = {".xlsx": "Excel", ".docx": "Word", ".pdf": "PDF", ".html": "网页", ".htm": "网页", ".csv": "CSV"}
FIX_MESSAGES = {
    "fix_reason_required": "请填写修改理由：评分表的每一处修改都要记录理由。",
    "fix_reason_too_long": "修改理由最长 {max} 个字。",
    "sheet_row_unknown": "评分表中没有第 {row} 行。",
    "sheet_row_subtotal": "第 {row} 行是小计行，不能对应到末级指标。",
    "sheet_leaf_unknown": "目录中没有末级指标“{id}”。",
    "sheet_unchanged": "与原来相同，没有需要保存的修改。",
    "sheet_value_invalid": "得分必须是不小于 0 的数字（如 2、1.5），不适用的填“不适用”，而不是“{value}”。",
    "sheet_value_over": "得分 {value} 分超过了指标 {id} 的分值 {points} 分。",
    "sheet_problems": "评分表还有 {count} 个问题未解决，暂不能确认。请先逐项修正。",
    "sheet_confirmed": "该评分表已经确认过了。",
    "unit_taken": "单位“{unit}”已有评分表（{filename}），未重复保存。",
}


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _sheets(request_or_web) -> SheetStore:
    web = request_or_web if hasattr(request_or_web, "store") else state(request_or_web)
    return SheetStore(web.store)


def _refused(exc: zerr.StoreError) -> WebError:
    """A store refusal of a fix or a confirmation in Chinese (422, 404 or 409)."""
    template = FIX_MESSAGES.get(exc.reason or "")
    if template is not None:
        try:
            return refusal(exc, template.format(**exc.params))
        except (KeyError, IndexError):
            pass
    if isinstance(exc, zerr.EditConflict):
        return refusal(exc, "在您打开页面之后，其他人修改或确认了这份评分表。请重新加载页面，查看最新内容后再修改。")
    if isinstance(exc, zerr.NotFound):
        return refusal(exc, "没有找到该评分表。")
    return refusal(exc)


def _scorable(web, cat_id: int) -> tuple[Catalogue, int, Rubric]:
    """The catalogue's current version and its main rubric, if it can take score sheets (verified, every leaf
    with points); else 422 saying why."""
    cat, version = actions.find(web, cat_id)
    if not (cat.verification and cat.verification.verified):
        raise WebError(422, "该目录尚未核实：只有已核实的目录才能上传评分表计分。请先核实目录。", code="unverified",
                       title="目录尚未核实")
    rubric = cat.main_rubric()
    if rubric is None or not rubric.leaves():
        raise WebError(422, "该目录中没有可计分的指标体系。", code="no_rubric", title="无法计分")
    pointless = [leaf.id for leaf in rubric.leaves() if leaf.points is None]
    if pointless:
        raise WebError(422, f"目录中有 {len(pointless)} 项末级指标没有分值（如 {pointless[0]}），无法计分。",
                       code="no_points", title="无法计分")
    return cat, version, rubric


def _rubric_of(web, cat_id: int, version: int) -> Rubric:
    cat, _ = actions.find(web, cat_id, version)
    rubric = cat.main_rubric()
    assert rubric is not None  # stored only for a catalogue with one (_scorable)
    return rubric


# --- upload ------------------------------------------------------------------------------------


def _zip_name(info: zipfile.ZipInfo) -> str:
    """A member's name as the zip's author saw it: UTF-8 when flagged, else GBK (Chinese Windows) where cp437
    was assumed."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def expand(files: list[tuple[str, bytes]], limit: int) -> tuple[list[tuple[str, bytes]], list[tuple[str, str]]]:
    """The sheets among the uploaded files, a zip's members taken out (at most ZIP_MEMBERS, each within the upload
    limit and all within ZIP_TOTAL times it, folders flattened, hidden and lock files skipped); and (name, why) of
    each file refused."""
    out: list[tuple[str, bytes]] = []
    refused: list[tuple[str, str]] = []
    unpacked = 0
    for name, data in files:
        if not name.lower().endswith(".zip"):
            out.append((name, data))
            continue
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                members = [m for m in zf.infolist() if not m.is_dir()]
                taken = 0
                for m in members:
                    inner = _zip_name(m)
                    base = inner.replace("\\", "/").split("/")[-1]
                    if (not base or base.startswith((".", "~$")) or "__MACOSX/" in inner
                            or Path(base).suffix.lower() not in FOLDER_SUFFIXES):
                        continue
                    taken += 1
                    if taken > ZIP_MEMBERS:
                        refused.append((name, f"压缩包中的评分表超过 {ZIP_MEMBERS} 份，其余未读取。"))
                        break
                    if m.file_size > limit:
                        refused.append((f"{name}/{inner}", f"解压后超过上传上限 {mib(limit)}，未读取。"))
                        continue
                    with zf.open(m) as fh:
                        body = fh.read(limit + 1)
                    if len(body) > limit:
                        refused.append((f"{name}/{inner}", f"解压后超过上传上限 {mib(limit)}，未读取。"))
                        continue
                    unpacked += len(body)
                    if unpacked > ZIP_TOTAL * limit:
                        refused.append((name, f"压缩包解压后合计超过 {mib(ZIP_TOTAL * limit)}，其余未读取。"))
                        break
                    out.append((base, body))
                if not taken:
                    refused.append((name, "压缩包中没有评分表（XLSX、DOCX、PDF、HTML、CSV 文件）。"))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
            refused.append((name, "压缩包已损坏、加密或使用了不支持的压缩方式，无法解开。"))
    return out, refused


@dataclass
class _Outcome:
    name: str
    ok: bool
    text: str


def _read_one(web, cat_id: int, version: int, rubric: Rubric, name: str, data: bytes, by: str) -> _Outcome:
    """One sheet read, aligned and stored; what became of it, in Chinese (never raises)."""
    sheets = _sheets(web)
    safe = safe_filename(name, "sheet")
    if not data.strip():
        return _Outcome(safe, False, "文件是空的。")
    if len(data) > web.max_upload_bytes:
        return _Outcome(safe, False, f"文件太大，上传上限为 {mib(web.max_upload_bytes)}。")
    existing = sheets.find(cat_id, data)
    if existing is not None:
        return _Outcome(safe, True, "此前已上传过（内容相同），沿用已有的评分表。")
    suffix = Path(safe).suffix.lower()
    try:
        with tempfile.TemporaryDirectory(prefix="zhibiao-sheet-") as folder:
            path = Path(folder) / ("sheet" + (suffix if suffix in FOLDER_SUFFIXES else ""))
            path.write_bytes(data)
            review = read_review(path, rubric, filename=safe, limit=web.max_upload_bytes)
        with web.lock:
            ident, _ = sheets.add(cat_id, version, data, review, by=by)
    except zerr.InvalidSheet:
        return _Outcome(safe, False, "表中没有找到填有得分的表格（应有“自评得分”“考核得分”“得分”等列和各项指标行）。")
    except zerr.StoreError as exc:
        return _Outcome(safe, False, _refused(exc).message)
    except zerr.ZhibiaoError as exc:
        return _Outcome(safe, False, input_error(exc).message)
    except Exception as exc:  # noqa: BLE001 - one bad sheet is reported, the others are read
        return _Outcome(safe, False, f"读取时出错（{type(exc).__name__}），未能读取。")
    checked = check(review, rubric)
    tail = f"，有 {len(checked.problems)} 个问题待处理" if checked.problems else ""
    return _Outcome(safe, True, f"已读取：{review.unit}（{len(review.rows)} 行{tail}，第 {ident} 号）。")


def start_sheets(web, cat_id: int, files: list[tuple[str, bytes]], by: str) -> Job:
    """Sheets for a catalogue read and stored as one background job; refused at once when the catalogue cannot take
    them or nothing was sent. The job fails (422, each sheet and why) when no sheet could be read."""
    _, version, rubric = _scorable(web, cat_id)
    files = [(n, d) for n, d in files if n]
    if not files:
        raise WebError(422, "请选择要上传的评分表（可多选，或上传一个包含评分表的 ZIP 压缩包）。", code="no_file",
                       title="没有文件")
    label = files[0][0] if len(files) == 1 else f"{files[0][0]} 等 {len(files)} 个文件"

    def work(job: Job) -> tuple[str, str, str]:
        sheets, refused = expand(files, web.max_upload_bytes)
        done: list[_Outcome] = [_Outcome(n, False, why) for n, why in refused]
        for k, (name, data) in enumerate(sheets, 1):
            job.stage = f"正在读取第 {k}/{len(sheets)} 份评分表（{name}）"
            done.append(_read_one(web, cat_id, version, rubric, name, data, by))
        good = [o for o in done if o.ok]
        bad = [o for o in done if not o.ok]
        why = "；".join(f"{o.name}：{o.text}" for o in bad[:20])
        why += f"；另有 {len(bad) - 20} 份" if len(bad) > 20 else ""
        if not good:
            raise WebError(422, f"没有读取到任何评分表。{why}", code="no_sheet", title="未能读取评分表",
                           detail="; ".join(o.name for o in bad))
        message = f"已读取 {len(good)} 份评分表。"
        again = sum(1 for o in good if o.text.startswith("此前已上传过"))
        if again:
            message += f"其中 {again} 份此前已上传过（内容相同），沿用已有的评分表。"
        problems = sum(1 for o in good if "问题待处理" in o.text)
        if problems:
            message += f"其中 {problems} 份有问题待处理。"
        if bad:
            message += f"未能读取 {len(bad)} 份：{why}"
        return f"/catalogues/{cat_id}/assessments", message, "warn" if bad or problems else "ok"

    return web.jobs.submit("sheets", label, by, work)


@router.post("/catalogues/{cat_id}/assessments/upload")
async def upload_sheets(request: Request, cat_id: DbId, files: list[UploadFile] = File([]),
                        csrf_token: str = Form("")):
    """Several sheets (or a zip of a folder of them) for a verified catalogue: read in the background; the job's
    page opens the assessments when done."""
    check_csrf(request, csrf_token)
    who = reviewer(request)
    web = state(request)
    got = []
    for f in files:
        if f.filename:
            got.append((f.filename, await f.read(web.max_upload_bytes + 1)))
    job = start_sheets(web, cat_id, got, who)
    return _see_other(f"/jobs/{job.id}")


# --- the catalogue's assessments and the cohort ---------------------------------------------------


def _cohort(web, cat_id: int, cat: Catalogue, version: int):
    """(every assessment with its check, the cohort of the confirmed ones of this version or None, the number left
    out: unconfirmed, or of another catalogue version)."""
    from zhibiao.scoring import cohort

    listed = _sheets(web).list(cat_id)
    rubrics: dict[int, Rubric] = {}
    rows = []
    for meta, review in listed:
        if meta.catalogue_version not in rubrics:
            rubrics[meta.catalogue_version] = _rubric_of(web, cat_id, meta.catalogue_version)
        rows.append((meta, review, check(review, rubrics[meta.catalogue_version])))
    counted = [c.score for meta, _, c in rows if meta.confirmed and meta.catalogue_version == version
               and c.score is not None]
    unconfirmed = sum(1 for meta, _, _ in rows if not meta.confirmed)
    other = sum(1 for meta, _, _ in rows if meta.confirmed and meta.catalogue_version != version)
    rubric = cat.main_rubric()
    stats = cohort(rubric, counted, cat.document.source_file) if counted and rubric is not None else None
    return rows, stats, unconfirmed, other


@router.get("/catalogues/{cat_id}/assessments", response_class=HTMLResponse)
def assessments_page(request: Request, cat_id: DbId):
    """评分表: upload, the units' assessments (confirmed or not, problems, totals), the cohort of confirmed ones."""
    from zhibiao.scoring.cohort_report import pct, sentences
    from zhibiao.scoring.tiers import tier_stats

    web = state(request)
    cat, version = actions.find(web, cat_id)
    rows, stats, unconfirmed, other = _cohort(web, cat_id, cat, version)
    rubric = cat.main_rubric()
    said: list[str] = []
    if stats is not None and rubric is not None:
        tiers = {m.unit: (m.tier or "未分层") for m, _, _ in rows} if any(m.tier for m, _, _ in rows) else None
        for group in tier_stats(stats, rubric, tiers):
            said += sentences(group)
    verified = bool(cat.verification and cat.verification.verified)
    return render(request, "assessments.html", {
        "cat": cat, "cat_id": cat_id, "version": version, "current_version": version, "readonly": False,
        "rows": rows, "stats": stats, "unconfirmed": unconfirmed, "other_version": other, "sentences": said,
        "pct": pct, "verified": verified})


@router.get("/catalogues/{cat_id}/assessments/report.{fmt}")
def cohort_download(request: Request, cat_id: DbId, fmt: str):
    """The cohort report of the confirmed assessments, as zhibiao score writes it (XLSX, or HTML to print)."""
    from zhibiao.scoring.cohort_report import cohort_report_html, cohort_report_xlsx

    if fmt not in ("xlsx", "html"):
        raise WebError(404, "没有这种格式的汇总报告。", code="not_found", title="未找到")
    web = state(request)
    cat, version = actions.find(web, cat_id)
    rows, stats, _, _ = _cohort(web, cat_id, cat, version)
    rubric = cat.main_rubric()
    if stats is None or rubric is None:
        raise WebError(422, "还没有已确认的评分表，无法生成汇总报告。", code="no_confirmed", title="无法生成汇总")
    tiers = {m.unit: (m.tier or "未分层") for m, _, _ in rows} if any(m.tier for m, _, _ in rows) else None
    name = f"评分汇总_{cat_id}.{fmt}"
    if fmt == "xlsx":
        data = cohort_report_xlsx(stats, rubric, tiers)
        return Response(data, media_type=MEDIA_TYPES["xlsx"],
                        headers={"Content-Disposition": content_disposition(name)})
    return Response(cohort_report_html(stats, rubric, tiers).encode("utf-8"), media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": content_disposition(name),
                             "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                                        "img-src data:; frame-ancestors 'self'; sandbox"})


# --- one unit ---------------------------------------------------------------------------------


def _assessment_context(request: Request, ident: int) -> dict:
    web = state(request)
    sheets = _sheets(web)
    try:
        meta, review = sheets.get(ident)
    except zerr.NotFound as exc:
        raise _refused(exc) from None
    cat, current = actions.find(web, meta.catalogue_id)
    sheet_cat, _ = actions.find(web, meta.catalogue_id, meta.catalogue_version)
    rubric = sheet_cat.main_rubric()
    assert rubric is not None
    checked = check(review, rubric)
    leaves = {leaf.id: leaf for leaf in rubric.leaves()}
    labels = {ind.id: ind.label("") for ind in rubric.walk()}
    problem_rows = {p.row for p in checked.problems if p.row is not None}
    finding_rows = {f.params.get("row") for f in checked.findings if f.params and f.severity != "info"}
    areas = [t for t in checked.score.levels if t.level == 1] if checked.score is not None else []
    return {"meta": meta, "review": review, "checked": checked, "cat": cat, "cat_id": meta.catalogue_id,
            "version": current, "sheet_version": meta.catalogue_version, "leaves": leaves, "labels": labels,
            "choices": leaf_choices(rubric), "HOW_LABELS": HOW_LABELS, "IGNORED": IGNORED,
            "problem_rows": problem_rows, "finding_rows": finding_rows, "areas": areas,
            "history": sheets.history(ident), "ident": ident}


@router.get("/assessments/{ident}", response_class=HTMLResponse)
def assessment_page(request: Request, ident: DbId):
    from zhibiao.scoring.cohort_report import pct

    ctx = _assessment_context(request, ident)
    ctx["pct"] = pct
    return render(request, "assessment.html", ctx)


@router.get("/assessments/{ident}/document")
def assessment_document(request: Request, ident: DbId):
    """The sheet as uploaded, as a download."""
    try:
        name, data = _sheets(request).document(ident)
    except zerr.NotFound as exc:
        raise _refused(exc) from None
    return Response(data, media_type="application/octet-stream",
                    headers={"Content-Disposition": content_disposition(name)})


def _revision(value: str) -> int:
    seen = parse_count(value)
    if seen is None:
        raise WebError(422, "表单缺少评分表的修订号，请重新加载页面后再提交。", code="invalid_request",
                       title="无法保存")
    return seen


def _fix(request: Request, ident: int, do, done: str, row: int | None = None):
    web = state(request)
    meta, _ = _meta(request, ident)
    rubric = _rubric_of(web, meta.catalogue_id, meta.catalogue_version)
    try:
        with web.lock:
            do(_sheets(web), rubric)
    except zerr.StoreError as exc:
        raise _refused(exc) from None
    flash(request, done)
    return _see_other(f"/assessments/{ident}" + (f"#row-{row}" if row is not None else ""))


def _meta(request: Request, ident: int):
    try:
        return _sheets(request).get(ident)
    except zerr.NotFound as exc:
        raise _refused(exc) from None


@router.post("/assessments/{ident}/rows/{row}/leaf")
async def fix_leaf(request: Request, ident: DbId, row: DbId, csrf_token: str = Form(""), leaf: str = Form(""),
                   reason: str = Form(""), revision: str = Form("")):
    """Align a sheet row to another leaf (or to none, or not an item), with a reason."""
    check_csrf(request, csrf_token)
    who = reviewer(request)
    seen = _revision(revision)
    _meta(request, ident)
    what = "不计入" if leaf == IGNORED else (f"指标 {leaf}" if leaf else "不对应任何指标")
    return await run_in_threadpool(_fix, request, ident, lambda s, r: s.fix_leaf(
        ident, row, leaf, r, reason=reason, by=who, revision=seen), f"已将第 {row} 行改为{what}。", row)


@router.post("/assessments/{ident}/rows/{row}/value")
async def fix_value(request: Request, ident: DbId, row: DbId, csrf_token: str = Form(""), value: str = Form(""),
                    reason: str = Form(""), revision: str = Form("")):
    """Change a row's 得分, with a reason."""
    check_csrf(request, csrf_token)
    who = reviewer(request)
    seen = _revision(revision)
    _meta(request, ident)
    return await run_in_threadpool(_fix, request, ident, lambda s, r: s.fix_value(
        ident, row, value, r, reason=reason, by=who, revision=seen), f"已修改第 {row} 行的得分。", row)


@router.post("/assessments/{ident}/confirm")
async def confirm(request: Request, ident: DbId, csrf_token: str = Form(""), revision: str = Form("")):
    """Mark the assessment 已确认 (only once its rows give no problems)."""
    check_csrf(request, csrf_token)
    who = reviewer(request)
    seen = _revision(revision)
    meta, review = _meta(request, ident)
    return await run_in_threadpool(_fix, request, ident, lambda s, r: s.confirm(ident, r, by=who, revision=seen),
                                   f"已确认“{review.unit}”的评分表，计入汇总。")


def review_of(web, ident: int) -> SheetReview:
    """An assessment's rows (for the API and the tests)."""
    return _sheets(web).get(ident)[1]


# --- read-only JSON ----------------------------------------------------------------------------


def _fixed(value) -> str | None:
    """A 4-place ratio as the score JSON gives it ('0.9565'), or None."""
    return None if value is None else format(value, "f")


def _summary(meta, checked) -> dict:
    s = checked.score
    return {"id": meta.id, "unit": meta.unit, "tier": meta.tier, "filename": meta.filename,
            "catalogue_version": meta.catalogue_version, "revision": meta.revision, "confirmed": meta.confirmed,
            "confirmed_by": meta.confirmed_by, "confirmed_at": meta.confirmed_at.isoformat() if meta.confirmed_at
            else None, "problems": len(checked.problems),
            "total": None if s is None else {"awarded": dec_str(s.total.awarded),
                                             "applicable": dec_str(s.total.applicable),
                                             "completion": _fixed(s.total.completion)}}


@router.get("/api/catalogues/{cat_id}/assessments")
def api_assessments(request: Request, cat_id: DbId):
    """The catalogue's assessments: unit, confirmation, problems, totals (exact decimals as strings)."""
    web = state(request)
    cat, version = actions.find(web, cat_id)
    rows, stats, unconfirmed, other = _cohort(web, cat_id, cat, version)
    return {"catalogue": cat_id, "version": version, "assessments": [_summary(m, c) for m, _, c in rows],
            "cohort": {"confirmed": stats.units if stats else 0, "unconfirmed": unconfirmed,
                       "other_version": other, "completion": _fixed(stats.total.completion) if stats else None}}


@router.get("/api/assessments/{ident}")
def api_assessment(request: Request, ident: DbId):
    """One assessment: its rows as aligned, the problems, the sheet's own findings, the score, the history."""
    ctx = _assessment_context(request, ident)
    checked, review = ctx["checked"], ctx["review"]
    out = _summary(ctx["meta"], checked)
    out.update(
        rows=[r.model_dump(mode="json", exclude={"source"}) for r in review.rows],
        problem_list=[{"code": p.code, "row": p.row, "leaf": p.leaf, "text": p.text} for p in checked.problems],
        findings=[f.model_dump(mode="json", exclude_none=True) for f in checked.findings],
        levels=[{"id": t.id, "awarded": dec_str(t.awarded), "applicable": dec_str(t.applicable),
                 "completion": _fixed(t.completion)} for t in checked.score.levels] if checked.score else [],
        history=[h.model_dump(mode="json") for h in ctx["history"]])
    return out
