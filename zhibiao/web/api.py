"""The JSON API under /api/: the same actions as the pages, documented in /openapi.json.

CSRF: every POST must send the session's token in the X-Zhibiao-CSRF header (GET /api/session).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, File, Form, Query, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from zhibiao.model import Crosswalk
from zhibiao.store import DecisionRecord, LabelSuggestion

from . import actions, jobs
from .common import CSRF_HEADER, DbId, OptDbInt, check_csrf, csrf_token, reviewer, set_reviewer, state
from .errors import WebError
from .files import MEDIA_TYPES
from .schemas import (
    AcceptWarningsIn,
    CatalogueOut,
    CatalogueSummary,
    ConflictOut,
    CrosswalkIn,
    DecisionIn,
    DecisionOut,
    EditIn,
    EditOut,
    EditRecord,
    ErrorOut,
    IngestOut,
    LabelAcceptIn,
    NotVerifiableOut,
    RestoreIn,
    RestoreOut,
    ReviewerIn,
    ReviewItemOut,
    ReviewOut,
    SaveIn,
    SaveOut,
    SearchHit,
    SessionOut,
    SourceOut,
    SourcePart,
    UploadOut,
    VerifierOut,
    VerifyCatalogueIn,
    VerifyCatalogueOut,
    VerifyIn,
    VerifyOut,
    VerifySubtreeIn,
    VerifySubtreeOut,
)
from .search import search
from .views import FIELD_LABELS, local_time, pts


async def api_csrf(request: Request) -> None:
    """Every state-changing API request must carry the session's CSRF token in the X-Zhibiao-CSRF header."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        check_csrf(request, request.headers.get(CSRF_HEADER))


_CSRF: dict[int | str, dict[str, Any]] = {403: {"model": ErrorOut, "description": "CSRF header missing or wrong"}}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "no such catalogue or indicator"}}

__all__ = ["router"]

router = APIRouter(prefix="/api", dependencies=[Depends(api_csrf)])


# --- session ---------------------------------------------------------------------------------


@router.get("/session", response_model=SessionOut, tags=["session"])
def get_session(request: Request):
    """The CSRF token of this session (the signed session cookie is set with the response) and the reviewer."""
    return SessionOut(csrf_token=csrf_token(request), reviewer=request.session.get("who"))


@router.post("/session", response_model=SessionOut, tags=["session"], responses={**_CSRF, 422: {"model": ErrorOut}})
def post_session(request: Request, body: ReviewerIn):
    """Keep the reviewer's name (审核人) in the session; it is recorded with every edit and verification."""
    set_reviewer(request, body.reviewer)
    return SessionOut(csrf_token=csrf_token(request), reviewer=request.session.get("who"))


# --- catalogues ------------------------------------------------------------------------------


@router.get("/catalogues", response_model=list[CatalogueSummary], tags=["catalogues"])
def list_catalogues(request: Request):
    """Every stored catalogue, newest first."""
    return state(request).store.list()


@router.post("/catalogues", response_model=UploadOut, status_code=201, tags=["catalogues"], responses={
    200: {"model": UploadOut, "description": "the same file was stored before: its catalogue"}, **_CSRF,
    413: {"model": ErrorOut, "description": "larger than the upload limit"},
    415: {"model": ErrorOut, "description": "not a PDF, OFD, DOCX, XLSX, DOC/WPS, XLS/ET, RTF, HTML, CSV or text"
                                            " notice (by content)"},
    422: {"model": ErrorOut, "description": "no rubric, empty, damaged, encrypted or scanned file; a legacy file"
                                            " LibreOffice cannot convert; no reviewer"},
    503: {"model": ErrorOut, "description": "a legacy file, and LibreOffice is not installed on the server"}})
async def upload_catalogue(request: Request, response: Response, file: UploadFile = File(..., description="the notice"),
                           by: str | None = Form(None, max_length=64, description="reviewer (default: session's)")):
    """Upload a notice (PDF, DOCX, XLSX, HTML, CSV or TXT) and store its catalogue."""
    who = reviewer(request, by)
    web = state(request)
    data = await file.read(web.max_upload_bytes + 1)
    cat_id, created = await run_in_threadpool(actions.upload, web, file.filename, data, by=who)
    if not created:
        response.status_code = 200
    return UploadOut(id=cat_id, created=created, url=f"/catalogues/{cat_id}")


@router.get("/ingests", response_model=list[IngestOut], tags=["catalogues"], include_in_schema=False)
def list_ingests(request: Request):
    """Uploads being read now, oldest first (a large notice can take a while; the upload request answers
    when its catalogue is stored)."""
    return [IngestOut(filename=j.filename, by=j.by, size=j.size, seconds=j.seconds, stage=j.stage)
            for j in state(request).ingesting()]


# --- background jobs (zhibiao/web/jobs.py): what the upload and compare pages start and poll ------------


@router.post("/jobs/upload", status_code=202, include_in_schema=False)
async def start_upload(request: Request, file: UploadFile | None = File(None)):
    """Upload a notice and read it in the background: the job's status at once (poll ``status_url``)."""
    who = reviewer(request)
    if file is None or not file.filename:
        raise WebError(422, "请选择要上传的通知文件。", code="no_file", title="没有文件")
    web = state(request)
    data = await file.read(web.max_upload_bytes + 1)
    return jobs.start_upload(web, file.filename, data, who).as_json()


@router.post("/jobs/compare", status_code=202, include_in_schema=False)
def start_compare(request: Request, body: CrosswalkIn):
    """Compare two stored catalogues in the background: the job's status at once."""
    who = reviewer(request, required=False) or ""
    return jobs.start_compare(state(request), body.old, body.new, who).as_json()


@router.get("/jobs/{job_id}", include_in_schema=False)
def job_status(request: Request, job_id: str):
    """A background job: its state (running, done, failed), stage, seconds, and result or error."""
    job = state(request).jobs.get(job_id)
    if job is None:
        raise WebError(404, "没有找到该任务（可能已过期）。", code="not_found", title="未找到")
    return job.as_json()


@router.get("/catalogues/{cat_id}", response_model=CatalogueOut, tags=["catalogues"], responses=_NOT_FOUND)
def get_catalogue(request: Request, cat_id: DbId, version: OptDbInt = None):
    """A catalogue (the current version, or `version`) with each indicator's revision."""
    web = state(request)
    cat, shown = actions.find(web, cat_id, version)
    current = web.store.get(cat_id)[1] if version is not None else shown
    v = cat.verification
    return CatalogueOut(id=cat_id, version=shown, current_version=current, verified=bool(v and v.verified),
                        verified_indicators=list(v.indicators) if v else [], revisions=web.store.revisions(cat_id),
                        catalogue=cat)


@router.post("/catalogues/{cat_id}/edits", response_model=EditOut, tags=["catalogues"], responses={
    **_CSRF, **_NOT_FOUND, 409: {"model": ConflictOut, "description": "the indicator changed since that revision"},
    422: {"model": ErrorOut, "description": "invalid edit (empty text, bad points, impossible parent)"}})
def edit_indicator(request: Request, cat_id: DbId, body: EditIn):
    """Change one field of an indicator (text, label, points, parent) with a reason; the revision must be current."""
    who = reviewer(request, body.by)
    version, ident, revision = actions.edit_field(state(request), cat_id, body.indicator, body.field, body.value,
                                                  revision=body.revision, reason=body.reason, by=who)
    return EditOut(version=version, indicator=ident, revision=revision)


@router.post("/catalogues/{cat_id}/verify", response_model=VerifyOut, tags=["catalogues"], responses={
    **_CSRF, **_NOT_FOUND, 409: {"model": ConflictOut, "description": "an indicator changed since that revision"}})
def verify_indicators(request: Request, cat_id: DbId, body: VerifyIn):
    """Mark indicators verified: each with the revision the reviewer checked."""
    who = reviewer(request, body.by)
    web = state(request)
    version = actions.verify(web, cat_id, body.revisions, by=who, accept=body.accept)
    cat, _ = web.store.get(cat_id)
    total = cat.size()
    return VerifyOut(version=version, verified_indicators=len(cat.verification.indicators) if cat.verification else 0,
                     total_indicators=total)


@router.post("/catalogues/{cat_id}/indicators/{ident}/save", response_model=SaveOut, tags=["catalogues"], responses={
    **_CSRF, **_NOT_FOUND, 409: {"model": ConflictOut, "description": "the indicator changed since that revision"},
    422: {"model": ErrorOut, "description": "invalid value; `field` names the form field it is about"}})
def save_indicator(request: Request, cat_id: DbId, ident: str, body: SaveIn):
    """Save several fields of one indicator in one catalogue version (text, marker, points as typed, parent), with a
    reason; the fields left out or unchanged stay. A text typed with its clause number gives the marker its own
    field."""
    who = reviewer(request, body.by)
    web = state(request)
    req = actions.EditRequest(text=body.text, marker=body.marker, points=body.points, parent=body.parent,
                              revision=body.revision, reason=body.reason)
    version, now_id, fields = actions.edit(web, cat_id, ident, req, by=who)
    if not fields:
        current = web.store.get(cat_id)[1]
        return SaveOut(version=current, indicator=ident, revision=web.store.revisions(cat_id).get(ident, 0),
                       fields=[], message=f"指标 {ident} 没有需要保存的修改。")
    names = "、".join(FIELD_LABELS[f] for f in fields)
    return SaveOut(version=version, indicator=now_id, revision=web.store.revisions(cat_id).get(now_id, 0),
                   fields=fields, message=f"已保存指标 {now_id} 的修改（{names}），目录第 {version} 版。")


@router.post("/catalogues/{cat_id}/indicators/{ident}/accept-warnings", response_model=VerifyOut,
             tags=["catalogues"], responses={**_CSRF, **_NOT_FOUND, 409: {"model": ConflictOut}})
def accept_indicator_warnings(request: Request, cat_id: DbId, ident: str, body: AcceptWarningsIn):
    """Accept the warnings of one indicator and verify it (recorded: who, when, which warnings)."""
    who = reviewer(request, body.by)
    web = state(request)
    version = actions.accept_warnings(web, cat_id, ident, revision=body.revision, reason=body.reason, by=who)
    cat, _ = web.store.get(cat_id)
    return VerifyOut(version=version, verified_indicators=len(cat.verification.indicators) if cat.verification else 0,
                     total_indicators=cat.size())


@router.post("/catalogues/{cat_id}/verify-subtree", response_model=VerifySubtreeOut, tags=["catalogues"],
             responses={**_CSRF, **_NOT_FOUND, 409: {"model": ConflictOut}})
def verify_subtree(request: Request, cat_id: DbId, body: VerifySubtreeIn):
    """Verify every unverified indicator of a section (or of the catalogue) in one version; those whose warnings
    are not accepted are left (`skipped`), to be accepted one by one."""
    who = reviewer(request, body.by)
    done = actions.verify_subtree(state(request), cat_id, body.root, body.revisions, by=who)
    return VerifySubtreeOut(version=done.version, verified=done.verified, skipped=done.skipped)


@router.post("/catalogues/{cat_id}/restore", response_model=RestoreOut, tags=["catalogues"],
             responses={**_CSRF, **_NOT_FOUND, 409: {"model": ConflictOut}, 422: {"model": ErrorOut}})
def restore_version(request: Request, cat_id: DbId, body: RestoreIn):
    """Restore an earlier version as a new version (the versions in between stay)."""
    who = reviewer(request, body.by)
    version = actions.restore(state(request), cat_id, body.version, current=body.current, reason=body.reason,
                              by=who)
    return RestoreOut(version=version)


@router.get("/catalogues/{cat_id}/search", response_model=list[SearchHit], tags=["catalogues"],
            responses=_NOT_FOUND)
def search_indicators(request: Request, cat_id: DbId, q: str = Query("", max_length=200)):
    """The indicators a query names: a dotted id, a printed number (44, （三）) or words."""
    cat, _ = actions.find(state(request), cat_id)
    return [SearchHit(id=i.id, level=i.level, marker=i.marker, text=i.text, points=pts(i.points) or None,
                      url=f"/catalogues/{cat_id}/indicators/{i.id}") for i in search(cat, q)]


@router.get("/catalogues/{cat_id}/verifiers", response_model=list[VerifierOut], tags=["catalogues"],
            responses=_NOT_FOUND)
def catalogue_verifiers(request: Request, cat_id: DbId):
    """Who verified what, when: per reviewer the indicators verified now and the warnings accepted."""
    web = state(request)
    actions.find(web, cat_id)
    return [VerifierOut(by=r.by, indicators=r.indicators, warnings_accepted=r.warnings_accepted,
                        first=local_time(r.first), last=local_time(r.last)) for r in web.store.verifiers(cat_id)]


@router.post("/catalogues/{cat_id}/verify-catalogue", response_model=VerifyCatalogueOut, tags=["catalogues"],
             responses={**_CSRF, **_NOT_FOUND, 422: {"model": NotVerifiableOut,
                                                     "description": "indicators not verified yet, or errors"}})
def verify_whole_catalogue(request: Request, cat_id: DbId, body: VerifyCatalogueIn | None = Body(None)):
    """Mark the whole catalogue verified: every indicator verified and no error finding."""
    who = reviewer(request, body.by if body else None)
    version = actions.verify_catalogue(state(request), cat_id, by=who)
    return VerifyCatalogueOut(version=version, verified=True)


@router.get("/catalogues/{cat_id}/history", response_model=list[EditRecord], tags=["catalogues"],
            responses=_NOT_FOUND)
def catalogue_history(request: Request, cat_id: DbId):
    """Every edit and verification, oldest first: who, when, field, old and new value, reason."""
    web = state(request)
    actions.find(web, cat_id)
    return web.store.history(cat_id)


@router.get("/catalogues/{cat_id}/export/{fmt}", tags=["catalogues"], response_class=Response, responses={
    200: {"description": "the current catalogue as a file",
          "content": {media: {} for media in MEDIA_TYPES.values()}}, **_NOT_FOUND})
def export_catalogue(request: Request, cat_id: DbId, fmt: Literal["json", "csv", "xlsx", "docx"]):
    """The current catalogue as JSON, CSV (UTF-8 with BOM), XLSX or the DOCX 附件 table, as an attachment."""
    return actions.export_response(state(request), cat_id, fmt)


@router.get("/catalogues/{cat_id}/indicators/{ident}/source", response_model=SourceOut, tags=["catalogues"],
            responses={**_NOT_FOUND, 410: {"model": ErrorOut, "description": "the stored notice is gone or replaced"}})
def indicator_source(request: Request, cat_id: DbId, ident: str):
    """The text of the notice where the indicator was read (PDF region, TXT lines, DOCX/HTML element)."""
    web = state(request)
    cat, _ = actions.find(web, cat_id)
    ind = actions.indicator(cat, ident)
    filename, parts = actions.source(web, cat_id, cat, ind)
    return SourceOut(indicator=ident, file=filename, format=cat.document.format,
                     location=ind.source.label() if ind.source else None,
                     parts=[SourcePart(heading=p.heading, text=p.text) for p in parts])


# --- crosswalks ------------------------------------------------------------------------------


@router.post("/crosswalks", response_model=Crosswalk, status_code=201, tags=["crosswalks"], responses={
    **_CSRF, **_NOT_FOUND, 422: {"model": ErrorOut, "description": "the same catalogue twice"}})
def create_crosswalk(request: Request, body: CrosswalkIn):
    """Compute the crosswalk old -> new of two stored catalogues and keep it."""
    return actions.compare(state(request), body.old, body.new)


@router.get("/crosswalks/{old}/{new}", response_model=Crosswalk, tags=["crosswalks"], responses=_NOT_FOUND)
def get_crosswalk(request: Request, old: DbId, new: DbId):
    """The stored crosswalk old -> new."""
    web = state(request)
    actions.find(web, old)
    actions.find(web, new)
    cw = web.store.crosswalk(old, new)
    if cw is None:
        raise WebError(404, "这两个目录还没有对比过。", code="not_found")
    return cw


def _review_out(rv, undecided: bool = False) -> ReviewOut:
    return ReviewOut(verified=rv.verified, decided=rv.reviewed.decided, to_decide=rv.reviewed.to_decide,
                     crosswalk=rv.reviewed,
                     items=[ReviewItemOut(key=i.key, kind=i.kind, old=i.old, new=i.new, decided=i.decided,
                                          decision=i.decision, covered_by=i.covered_by) for i in rv.items
                            if not (undecided and i.decided)])


@router.get("/crosswalks/{old}/{new}/review", response_model=ReviewOut, tags=["crosswalks"], responses=_NOT_FOUND)
def get_review(request: Request, old: DbId, new: DbId, undecided: bool = False):
    """The crosswalk under review: every link and removed/added item with its decision (only those nobody has
    decided with `undecided=true`), and the crosswalk as decided (`verified` once every item is decided)."""
    return _review_out(actions.review(state(request), old, new), undecided)


@router.post("/crosswalks/{old}/{new}/decisions", response_model=DecisionOut, tags=["crosswalks"], responses={
    **_CSRF, **_NOT_FOUND, 409: {"model": ConflictOut, "description": "the item was decided since that revision"},
    422: {"model": ErrorOut, "description": "invalid decision (no reason, unknown ids, wrong action)"}})
def post_decision(request: Request, old: DbId, new: DbId, body: DecisionIn):
    """Accept, reject or re-link a link; confirm a removed/added item or link it by hand. Kept in the history."""
    who = reviewer(request, body.by)
    web = state(request)
    revision = actions.decide(web, old, new, body.item, body.action, old_ids=body.old_ids, new_ids=body.new_ids,
                              reason=body.reason, revision=body.revision, by=who)
    rv = actions.review(web, old, new)
    return DecisionOut(item=body.item, revision=revision, verified=rv.verified, decided=rv.reviewed.decided,
                       to_decide=rv.reviewed.to_decide)


@router.get("/crosswalks/{old}/{new}/history", response_model=list[DecisionRecord], tags=["crosswalks"],
            responses=_NOT_FOUND)
def get_crosswalk_history(request: Request, old: DbId, new: DbId):
    """Every decision on the crosswalk, oldest first: who, when, the item, before and after, reason."""
    actions.review(state(request), old, new)
    return state(request).store.crosswalk_history(old, new)


@router.get("/crosswalks/{old}/{new}/export/{fmt}", tags=["crosswalks"], response_class=Response, responses={
    200: {"description": "the 新旧对照表 of the crosswalk as decided (未核实 in it until verified)"}, **_NOT_FOUND})
def export_crosswalk(request: Request, old: DbId, new: DbId, fmt: Literal["docx", "xlsx"]):
    """The 新旧对照表 as DOCX or XLSX."""
    return actions.crosswalk_file(state(request), old, new, fmt)


@router.get("/catalogues/{cat_id}/label-suggestions", response_model=list[LabelSuggestion], tags=["catalogues"],
            responses=_NOT_FOUND)
def get_label_suggestions(request: Request, cat_id: DbId):
    """Labels the notice never printed (flag label_missing), suggested from counterparts in stored crosswalks."""
    return actions.label_suggestions(state(request), cat_id)


@router.post("/catalogues/{cat_id}/label-suggestions/{ident}", response_model=EditOut, tags=["catalogues"],
             responses={**_CSRF, **_NOT_FOUND, 409: {"model": ConflictOut}})
def accept_label_suggestion(request: Request, cat_id: DbId, ident: str, body: LabelAcceptIn):
    """Accept the suggested label: the normal edit of field `label`, with its history."""
    who = reviewer(request, body.by)
    version, _ = actions.accept_label(state(request), cat_id, ident, revision=body.revision, by=who)
    return EditOut(version=version, indicator=ident, revision=state(request).store.revisions(cat_id).get(ident, 0))
