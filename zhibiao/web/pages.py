"""The HTML pages: 首页 and upload, 目录 (tree, sources, edits, verification), 修改历史, 对比, downloads."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Path as PathParam, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from zhibiao.inputs import parse_count
from zhibiao.store import NotFound, warnings_of

from . import actions
from .actions import EditRequest
from .common import DbId, OptDbInt, check_csrf, flash, render, reviewer, safe_next, set_reviewer, state
from .errors import WebError
from .files import content_disposition
from .jobs import STAGE_LABELS
from .listing import SORTS, listed, predecessor, row_label
from .search import FILTERS, search, sequence, shown_nodes
from .tree import build_rubrics, find_node
from .views import FIELD_LABELS

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _catalogue_url(cat_id: DbId, ident: str | None = None) -> str:
    return f"/catalogues/{cat_id}" + (f"#ind-{ident}" if ident else "")


# --- 首页, reviewer, upload ------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def index(request: Request, q: str | None = None, sort: str | None = None, archived: bool = False):
    """首页: upload, and the catalogues by 文号, year, issuer and title: found, sorted, archived ones apart."""
    rows = state(request).store.list()
    q = " ".join((q or "").split())[:200] or None
    sort = sort if sort in SORTS else "year"
    return render(request, "index.html", {
        "rows": rows, "shown": listed(rows, q=q, sort=sort, archived=archived), "q": q, "sort": sort,
        "archived": archived, "archived_count": sum(1 for r in rows if r.archived), "SORTS": SORTS,
        "ingesting": state(request).ingesting()})


@router.post("/catalogues/{cat_id}/archive")
def archive(request: Request, cat_id: DbId, csrf_token: str = Form(""), archived: str = Form("1"),
            next_url: str = Form("/", alias="next")):
    """归档 a catalogue (off the home page's list; kept, found by search, still compared) or bring it back."""
    check_csrf(request, csrf_token)
    who = reviewer(request)
    web = state(request)
    cat, _ = actions.find(web, cat_id)
    on = archived != "0"
    try:
        with web.lock:
            web.store.archive(cat_id, on, by=who)
    except NotFound:
        raise WebError(404, "没有找到该目录。", code="not_found", title="未找到") from None
    name = cat.document.doc_number or (cat.rubrics[0].title if cat.rubrics else None) or cat.document.source_file
    flash(request, f"已将“{name}”归档。" if on else f"已将“{name}”移回当前目录。")
    return _see_other(safe_next(next_url))


@router.get("/reviewer", response_class=HTMLResponse)
def reviewer_page(request: Request, next: str = "/"):
    return render(request, "reviewer.html", {"title": "审核人", "message": None, "next": safe_next(next)})


@router.post("/reviewer")
def reviewer_save(request: Request, name: str = Form(""), next_url: str = Form("/", alias="next"),
                  csrf_token: str = Form("")):
    check_csrf(request, csrf_token)
    saved = set_reviewer(request, name)
    flash(request, f"审核人已设为“{saved}”。")
    return _see_other(safe_next(next_url))


@router.post("/upload")
async def upload(request: Request, file: UploadFile | None = File(None), csrf_token: str = Form("")):
    check_csrf(request, csrf_token)
    who = reviewer(request)
    if file is None or not file.filename:
        raise WebError(422, "请选择要上传的通知文件。", code="no_file", title="没有文件")
    web = state(request)
    data = await file.read(web.max_upload_bytes + 1)
    cat_id, created = await run_in_threadpool(actions.upload, web, file.filename, data, by=who)
    if created:
        flash(request, f"已上传“{file.filename}”并生成指标目录。")
    else:
        flash(request, f"“{file.filename}”此前已上传过（内容相同），已打开已有的目录。", "warn")
    return _see_other(_catalogue_url(cat_id))


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str):
    """A background job (upload, compare): while it runs, its stage and time (the page polls, or refreshes
    itself without scripts); once done, its result (the message shown once); failed, why."""
    job = state(request).jobs.get(job_id)
    if job is None:
        raise WebError(404, "没有找到该任务（可能已过期）。请重新上传或对比。", code="not_found", title="未找到")
    if job.state == "done" and job.result_url:
        if not job.flashed and job.message:
            job.flashed = True
            flash(request, job.message, job.message_kind)
        return _see_other(job.result_url)
    if job.error is not None:
        err = job.error  # a job that broke is said so (422), never a 500 page
        raise WebError(err.status if err.status < 500 else 422, err.message, code=err.code,
                       title=err.title or "未能完成", detail=err.detail)
    return render(request, "job.html", {"job": job, "STAGE_LABELS": STAGE_LABELS})


# --- 目录 -----------------------------------------------------------------------------------


def _catalogue_context(request: Request, cat_id: DbId, version: int | None, *, show: str | None = None,
                       q: str | None = None, summary: bool = True) -> dict:
    web = state(request)
    cat, shown = actions.find(web, cat_id, version)
    current = web.store.get(cat_id)[1] if version is not None else shown
    revisions = web.store.revisions(cat_id)
    rubrics = build_rubrics(cat, revisions)
    findings = sorted(cat.all_findings(), key=lambda f: {"error": 0, "warning": 1, "info": 2}[f.severity])
    total = sum(rv.count for rv in rubrics)
    unverified = [pair for rv in rubrics for pair in rv.unverified]
    # the current version is read once: the suggestions and the verifiers are given it
    suggestions = web.store.label_suggestions(cat_id, cat) if shown == current and summary else []
    show = show if show in FILTERS else None
    q = " ".join((q or "").split())[:200] or None
    found = search(cat, q) if q else None
    view = shown_nodes(rubrics, show=show, ids=[i.id for i in found] if found is not None else None) \
        if show or q else None
    accepted = web.store.acceptances(cat_id)
    warned = {ident: sorted({f.code for f in fs}) for ident, fs in warnings_of(cat).items()}
    pending = {ident for ident, codes in warned.items() if not (ident in accepted and
                                                                set(codes) <= set(accepted[ident].codes))}
    return {"cat": cat, "cat_id": cat_id, "version": shown, "current_version": current, "suggestions": suggestions,
            "revisions": revisions,
            "readonly": shown != current, "rubrics": rubrics, "findings": findings, "total": total,
            "unverified": unverified, "verified_count": total - len(unverified),
            "errors": sum(1 for f in findings if f.severity == "error"),
            "warnings": sum(1 for f in findings if f.severity == "warning"),
            "show": show, "q": q, "FILTERS": FILTERS, "view": view, "accepted": accepted, "pending": pending,
            "verifiers": web.store.verifiers(cat_id, cat) if shown == current and summary else []}


@router.get("/catalogues/{cat_id}", response_class=HTMLResponse)
def catalogue(request: Request, cat_id: DbId, version: OptDbInt = None, show: str | None = None,
              q: str | None = None):
    return render(request, "catalogue.html", _catalogue_context(request, cat_id, version, show=show, q=q))


def _source_parts(request: Request, cat_id: int, cat, ind) -> tuple[list, WebError | None]:
    """An indicator's source parts, or none and the refusal where the stored notice is missing or gone (the
    indicator is still shown, its source replaced by the message)."""
    try:
        return actions.source(state(request), cat_id, cat, ind)[1], None
    except WebError as exc:
        if exc.code not in ("document_missing", "document_gone"):
            raise
        return [], exc


def _indicator_page(request: Request, cat_id: DbId, ident: str, version: int | None, template: str,
                    status: int = 200, **extra):
    ctx = _catalogue_context(request, cat_id, version)
    node = find_node(ctx["rubrics"], ident)
    if node is None:
        hits = search(ctx["cat"], ident)
        if not hits:
            actions.indicator(ctx["cat"], ident)  # the 404
        suffix = f"?version={version}" if version is not None else ""
        if len(hits) == 1:  # a printed number (44) or clause number names one indicator: its own address
            return _see_other(f"/catalogues/{cat_id}/indicators/{hits[0].id}"
                              + {"_source.html": "/source", "_panel.html": "/panel"}.get(template, "") + suffix)
        sep = "&" if suffix else "?"
        return _see_other(f"/catalogues/{cat_id}{suffix}{sep}q={quote(ident)}")
    parts, gone = _source_parts(request, cat_id, ctx["cat"], node.ind)
    if gone is not None and template == "_source.html":  # the snippet alone: its status says the file is gone
        status = gone.status
    ctx.update(node=node, parts=parts, source_error=gone.message if gone else None, form_errors={},
               form_values={})
    ctx.update(extra)
    return render(request, template, ctx, status=status)


@router.get("/catalogues/{cat_id}/indicators/{ident}", response_class=HTMLResponse)
def indicator(request: Request, cat_id: DbId, ident: str, version: OptDbInt = None):
    return _indicator_page(request, cat_id, ident, version, "indicator.html")


@router.get("/catalogues/{cat_id}/indicators/{ident}/source", response_class=HTMLResponse)
def indicator_source(request: Request, cat_id: DbId, ident: str, version: OptDbInt = None):
    """The source snippet alone, loaded into the catalogue page when an indicator is expanded."""
    return _indicator_page(request, cat_id, ident, version, "_source.html")


@router.get("/catalogues/{cat_id}/indicators/{ident}/panel", response_class=HTMLResponse)
def indicator_panel(request: Request, cat_id: DbId, ident: str, version: OptDbInt = None):
    """An indicator opened on the catalogue page: its source, the edit form and its verify or accept form,
    loaded when it is opened (the catalogue page carries none of them: 249 forms were most of its weight)."""
    return _indicator_page(request, cat_id, ident, version, "_panel.html")


@router.post("/catalogues/{cat_id}/indicators/{ident}/edit")
async def edit(request: Request, cat_id: DbId, ident: str):
    # the form is read as sent: an emptied text box is "" (FastAPI's Form() would turn it into "absent")
    form = await request.form()

    def field(name: str) -> str | None:
        value = form.get(name)
        return value if isinstance(value, str) else None

    check_csrf(request, field("csrf_token"))
    who = reviewer(request)
    revision = parse_count(field("revision"))
    if revision is None:
        raise WebError(422, "表单缺少指标的修订号，请重新加载页面后再修改。", code="invalid_request", title="无法保存")
    req = EditRequest(text=field("text"), points=field("points"), parent=field("parent"), revision=revision,
                      reason=field("reason") or "", marker=field("marker"))
    try:
        version, now_id, fields = await run_in_threadpool(actions.edit, state(request), cat_id, ident, req, by=who)
    except WebError as exc:
        if exc.status != 422 or exc.template is not None:
            raise
        # the form again, as typed, with the message next to the field it is about
        values = {k: field(k) for k in ("text", "marker", "points", "parent", "reason")}
        return _indicator_page(request, cat_id, ident, None, "indicator.html", status=422,
                               form_errors={exc.extra.get("field") or "form": exc.message}, form_values=values)
    if not fields:
        flash(request, f"指标 {ident} 没有需要保存的修改。", "warn")
    else:
        flash(request, f"已保存指标 {now_id} 的修改（{'、'.join(FIELD_LABELS[f] for f in fields)}），"
                       f"目录第 {version} 版。")
    back = safe_next(field("next"), None)
    return _see_other(back if back and now_id == ident else _catalogue_url(cat_id, now_id))


def _seen(values: list[str]) -> dict[str, int]:
    seen: dict[str, int] = {}
    for value in (part for v in values for part in v.split()):  # one value may carry many: "1.1@0 1.2@3"
        ident, _, rev = value.rpartition("@")
        revision = parse_count(rev)
        if not ident or revision is None:
            raise WebError(422, "核实表单无效，请重新加载页面。", code="invalid_request", title="无法核实")
        seen[ident] = revision
    return seen


@router.post("/catalogues/{cat_id}/verify")
def verify(request: Request, cat_id: DbId, csrf_token: str = Form(""), verify: list[str] = Form([]),
           next_url: str = Form("", alias="next")):
    check_csrf(request, csrf_token)
    who = reviewer(request)
    seen = _seen(verify)
    actions.verify(state(request), cat_id, seen, by=who)
    flash(request, f"已核实 {len(seen)} 项指标。" if len(seen) > 1 else f"已核实指标 {next(iter(seen))}。")
    return _see_other(safe_next(next_url, _catalogue_url(cat_id)))


@router.post("/catalogues/{cat_id}/indicators/{ident}/accept-warnings")
def accept_warnings(request: Request, cat_id: DbId, ident: str, csrf_token: str = Form(""),
                    revision: str = Form(""), reason: str = Form(""), next_url: str = Form("", alias="next")):
    check_csrf(request, csrf_token)
    who = reviewer(request)
    seen = parse_count(revision)
    if seen is None:
        raise WebError(422, "表单缺少指标的修订号，请重新加载页面后再核实。", code="invalid_request", title="无法核实")
    version = actions.accept_warnings(state(request), cat_id, ident, revision=seen, reason=reason, by=who)
    flash(request, f"已确认指标 {ident} 的警告并核实（目录第 {version} 版）。")
    return _see_other(safe_next(next_url, _catalogue_url(cat_id, ident)))


@router.post("/catalogues/{cat_id}/verify-section", response_class=HTMLResponse)
def verify_section(request: Request, cat_id: DbId, csrf_token: str = Form(""), root: str = Form(""),
                   verify: list[str] = Form([]), confirm: str = Form(""), next_url: str = Form("", alias="next")):
    """Verify a section (root) or every indicator (no root): first a page that says what it will do and asks to
    confirm; then, confirmed, one version. Indicators with warnings not accepted are left, to be accepted one by
    one."""
    check_csrf(request, csrf_token)
    who = reviewer(request)
    seen = _seen(verify)
    web = state(request)
    target = root.strip() or None
    if confirm != "1":
        todo, skipped = actions.subtree_plan(web, cat_id, target)
        cat, version = actions.find(web, cat_id)
        node = cat.find(target) if target else None
        return render(request, "verify_confirm.html", {
            "cat": cat, "cat_id": cat_id, "version": version, "current_version": version, "readonly": False,
            "root": target, "root_label": node.label() if node else None, "todo": todo, "skipped": skipped,
            "verify": verify, "next": safe_next(next_url, _catalogue_url(cat_id, target)),
            "labels": {i.id: i.label() for i in cat.walk()}})
    done = actions.verify_subtree(web, cat_id, target, seen, by=who)
    where = f"“{target}”部分" if target else "目录"
    message = f"已核实{where} {len(done.verified)} 项指标。" if done.verified else f"{where}没有可批量核实的指标。"
    if done.skipped:
        message += (f"有 {len(done.skipped)} 项带警告的指标须逐项确认后核实："
                    + "、".join(done.skipped[:10]) + ("等。" if len(done.skipped) > 10 else "。"))
    flash(request, message, "warn" if done.skipped or not done.verified else "ok")
    return _see_other(safe_next(next_url, _catalogue_url(cat_id, target)))


@router.post("/catalogues/{cat_id}/restore")
def restore(request: Request, cat_id: DbId, csrf_token: str = Form(""), version: str = Form(""),
            current: str = Form(""), reason: str = Form("")):
    check_csrf(request, csrf_token)
    who = reviewer(request)
    target, seen = parse_count(version), parse_count(current)
    if target is None:
        raise WebError(422, "请选择要恢复的版本。", code="invalid_request", title="无法恢复")
    new = actions.restore(state(request), cat_id, target, current=seen, reason=reason, by=who)
    flash(request, f"已将第 {target} 版恢复为当前版本（目录第 {new} 版）。")
    return _see_other(f"/catalogues/{cat_id}/history")


# --- 逐项审核 (review mode) ------------------------------------------------------------------------


def _review_context(request: Request, cat_id: DbId, at: str | None, show: str | None) -> dict:
    ctx = _catalogue_context(request, cat_id, None, summary=False)  # one item: no suggestions, no summary
    show = show if show in FILTERS else None
    order = sequence(ctx["rubrics"], None)
    keep = {n.ind.id for n in sequence(ctx["rubrics"], show)}
    index = next((k for k, n in enumerate(order) if n.ind.id == at), None)
    if index is None:
        if at:
            hits = search(ctx["cat"], at)
            index = next((k for k, n in enumerate(order) if hits and n.ind.id == hits[0].id), None)
        if index is None:
            index = next((k for k, n in enumerate(order) if n.ind.id in keep), None)
    node = prev_id = next_id = None
    parts: list = []
    path: list = []
    position = 0
    if index is not None:
        node = order[index]
        prev_id = next((n.ind.id for n in reversed(order[:index]) if n.ind.id in keep), None)
        next_id = next((n.ind.id for n in order[index + 1:] if n.ind.id in keep), None)
        parts, gone = _source_parts(request, cat_id, ctx["cat"], node.ind)
        ctx["source_error"] = gone.message if gone else None
        ident = node.ind.id
        path = [p for p in (find_node(ctx["rubrics"], ident[:k]) for k in
                            [i for i, ch in enumerate(ident) if ch == "."]) if p is not None]
        position = sum(1 for n in order[:index] if n.ind.id in keep) + 1
        following = find_node(ctx["rubrics"], next_id) if next_id else None
        if following is not None:  # read the next item's source while the reviewer reads this one
            web, cat = state(request), ctx["cat"]
            web.prefetch(lambda: actions.source(web, cat_id, cat, following.ind))
    ctx.update(node=node, parts=parts, prev_id=prev_id, next_id=next_id, show=show, path=path,
               remaining=len(keep), position=position, form_errors={}, form_values={})
    return ctx


@router.get("/catalogues/{cat_id}/review", response_class=HTMLResponse)
def review(request: Request, cat_id: DbId, at: str | None = None, show: str | None = "unverified"):
    """One indicator beside its source, with next/previous, verify and edit (the keys in static/app.js)."""
    return render(request, "review.html", _review_context(request, cat_id, at, show))


@router.get("/catalogues/{cat_id}/review/item", response_class=HTMLResponse)
def review_item(request: Request, cat_id: DbId, at: str | None = None, show: str | None = "unverified"):
    """The review mode's item alone: what its script swaps in after a save, without reloading the page."""
    return render(request, "_review_item.html", _review_context(request, cat_id, at, show))


@router.post("/catalogues/{cat_id}/verify-catalogue")
def verify_catalogue(request: Request, cat_id: DbId, csrf_token: str = Form("")):
    check_csrf(request, csrf_token)
    who = reviewer(request)
    version = actions.verify_catalogue(state(request), cat_id, by=who)
    flash(request, f"整个目录已标记为已核实（第 {version} 版）。")
    return _see_other(_catalogue_url(cat_id))


# --- 修改历史 and downloads --------------------------------------------------------------------


@router.get("/catalogues/{cat_id}/history", response_class=HTMLResponse)
def history(request: Request, cat_id: DbId, show: Literal["all", "edits"] = "all"):
    web = state(request)
    cat, version = actions.find(web, cat_id)
    rows: list = []
    for row in web.store.history(cat_id):
        if row.field == "verified":
            if show == "edits":
                continue
            last = rows[-1] if rows else None
            # one verification of many indicators (a section, "all the rest") is one line
            if isinstance(last, dict) and last["version"] == row.version and last["by"] == row.by:
                last["ids"].append(row.indicator_id)
                continue
            rows.append({"version": row.version, "by": row.by, "at": row.at, "ids": [row.indicator_id]})
        else:
            rows.append(row)
    return render(request, "history.html", {"cat": cat, "cat_id": cat_id, "version": version, "rows": rows,
                                            "show": show, "readonly": False, "current_version": version})


@router.get("/catalogues/{cat_id}/download/{fmt}")
def download(request: Request, cat_id: DbId, fmt: Literal["json", "csv", "xlsx", "docx"]):
    return actions.export_response(state(request), cat_id, fmt)


@router.get("/catalogues/{cat_id}/document")
def document(request: Request, cat_id: DbId):
    """The original notice, always as a download under its own (Chinese) name (never rendered: it may be HTML)."""
    filename, data = actions.original(state(request), cat_id)
    return Response(data, media_type="application/octet-stream",
                    headers={"Content-Disposition": content_disposition(filename)})


@router.get("/catalogues/{cat_id}/pages/{page}")
def page_png(request: Request, cat_id: DbId, page: Annotated[int, PathParam(ge=1, le=100_000)]):
    """Page ``page`` of the catalogue's PDF, OFD or scanned image notice as an image (the source view highlights
    a region on it)."""
    png = actions.page_image(state(request), cat_id, page)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


@router.get("/catalogues/{cat_id}/document/pdf")
def document_pdf(request: Request, cat_id: DbId):
    """The original PDF shown in the browser (a link adds #page=N); any other format: 404 (never rendered)."""
    from zhibiao.extract import sniff

    filename, data = actions.original(state(request), cat_id)
    if sniff(data) != "pdf":
        raise WebError(404, "原始文件不是 PDF。", code="not_found", title="未找到")
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": content_disposition(filename, "inline"),
        "Content-Security-Policy": "default-src 'none'; object-src 'self'; frame-ancestors 'self'"})


def _shown_indicator(cat, at: str | None):
    """The indicator ``at`` names: its id, else the first found by printed number or words (None: none)."""
    ind = cat.find(at) if at else None
    if at and ind is None:
        hits = search(cat, at)
        ind = hits[0] if hits else None
    return ind


def _at_query(ind, version: int | None) -> str:
    """The query naming the indicator and the version a page of the original is shown for ('' for neither)."""
    return "&".join(q for q in (f"at={quote(ind.id)}" if ind is not None else "",
                                f"version={version}" if version is not None else "") if q)


def _pages_of(ind) -> list[int]:
    """The pages an indicator was read from (none without a source)."""
    src = ind.source if ind is not None else None
    return (src.pages or [r.page for r in src.regions or []]) if src else []


@router.get("/catalogues/{cat_id}/document/view", response_class=HTMLResponse)
def document_view(request: Request, cat_id: DbId, at: str | None = None, version: OptDbInt = None):
    """The original notice where the indicator ``at`` was read: a PDF opens as itself at its page, an OFD or a
    scanned image as the page drawn with its region marked; any other format (TXT, DOCX, XLSX, HTML, a converted
    legacy file) as its text, markup stripped, the indicator's paragraph, line or cell marked and the page
    scrolled to it (#src-current)."""
    from zhibiao.extract import decode_text, sniff

    from .context import element_rows, layout_rows, needles, text_rows
    from .snippets import PAGE_KINDS

    web = state(request)
    cat, shown = actions.find(web, cat_id, version)
    ind = _shown_indicator(cat, at)
    filename, data = actions.original(web, cat_id, cat.document.sha256)
    kind = sniff(data)
    src = ind.source if ind is not None else None
    if kind in PAGE_KINDS:
        pages = _pages_of(ind)
        if kind == "pdf":
            return _see_other(f"/catalogues/{cat_id}/document/pdf" + (f"#page={pages[0]}" if pages else ""))
        query = _at_query(ind, version)
        return _see_other(f"/catalogues/{cat_id}/document/pages/{pages[0] if pages else 1}"
                          + (f"?{query}" if query else ""))
    patterns = needles(ind.text, ind.marker) if ind is not None else []
    rows: list = []
    try:
        if src is not None and src.locator:  # a DOCX/HTML element, an XLSX cell (also of a converted file)
            rows = element_rows(web.snippets.layout(filename, data, cat.document.sha256), src, patterns, around=None)
        if not rows and kind == "txt":
            rows = text_rows(decode_text(data)[0], src.lines if src else None, patterns, around=None)
        if not rows:
            rows = layout_rows(web.snippets.layout(filename, data, cat.document.sha256))
    except Exception as exc:  # a damaged stored file must not break the page
        raise WebError(422, "无法读取原始文件（文件可能已损坏）。", code="source_unreadable", title="无法读取原文",
                       detail=f"{type(exc).__name__}: {exc}") from None
    return render(request, "document_view.html", {"cat": cat, "cat_id": cat_id, "version": shown, "ind": ind,
                                                  "rows": rows, "filename": filename, "kind": kind})


@router.get("/catalogues/{cat_id}/document/pages/{page}", response_class=HTMLResponse)
def document_page(request: Request, cat_id: DbId, page: Annotated[int, PathParam(ge=1, le=100_000)],
                  at: str | None = None, version: OptDbInt = None):
    """Page ``page`` of the original notice drawn (an OFD, text or scanned, a scanned image, a PDF too), the
    regions the indicator ``at`` was read from on it marked, with the pages before and after and the download."""
    from zhibiao.extract import sniff

    from .snippets import PAGE_KINDS

    web = state(request)
    cat, shown = actions.find(web, cat_id, version)
    ind = _shown_indicator(cat, at)
    filename, data = actions.original(web, cat_id, cat.document.sha256)
    kind = sniff(data)
    if kind not in PAGE_KINDS:
        raise WebError(404, "原始文件不是 PDF、OFD 或扫描图像，没有页面图像。", code="not_found", title="未找到")
    sha = cat.document.sha256
    size = web.snippets.page_size(data, sha, page)
    if size is None:
        raise WebError(404, f"原始文件没有第 {page} 页。", code="not_found", title="未找到")
    regions = [r.bbox for r in (ind.source.regions or []) if r.page == page] if ind and ind.source else []
    return render(request, "document_page.html", {
        "cat": cat, "cat_id": cat_id, "version": shown, "ind": ind, "filename": filename, "kind": kind,
        "page": page, "page_size": size, "regions": regions, "pages": _pages_of(ind),
        "has_prev": page > 1, "has_next": web.snippets.page_size(data, sha, page + 1) is not None,
        "query": _at_query(ind, version)})


# --- 对比 -----------------------------------------------------------------------------------


@router.get("/compare", response_class=HTMLResponse)
def compare_form(request: Request, old: OptDbInt = None, new: OptDbInt = None):
    """Choose two catalogues by 文号, year and title; the old one proposed is the new one's likely predecessor
    (same title family, earlier year), not merely the upload before it."""
    every = state(request).store.list()
    rows = listed(every, sort="year") + listed(every, sort="year", archived=True)  # archived ones last
    by_id = {r.id: r for r in rows}
    if new not in by_id and rows:
        new = rows[0].id
    proposal = predecessor(rows, by_id[new]) if new in by_id else None
    if old not in by_id:
        old = proposal.row.id if proposal else next((r.id for r in rows if r.id != new), None)
    return render(request, "compare.html", {"rows": rows, "old": old, "new": new, "proposal": proposal,
                                            "row_label": row_label})


@router.post("/compare")
def compare(request: Request, csrf_token: str = Form(""), old: str = Form(""), new: str = Form("")):
    check_csrf(request, csrf_token)
    old_id, new_id = parse_count(old), parse_count(new)
    if old_id is None or new_id is None:
        raise WebError(422, "请选择两个目录进行对比。", code="invalid_request", title="无法对比")
    actions.compare(state(request), old_id, new_id)
    flash(request, "对比已完成并保存。")
    return _see_other(f"/compare/{old_id}/{new_id}")


def _stored_crosswalk(request: Request, old: DbId, new: DbId):
    web = state(request)
    old_cat, _ = actions.find(web, old)
    new_cat, _ = actions.find(web, new)
    cw = web.store.crosswalk(old, new)
    if cw is None:
        raise WebError(404, "这两个目录还没有对比过。请在对比页面选择它们并开始对比。", code="not_found",
                       title="尚无对比结果")
    return cw, old_cat, new_cat


REVIEW_SHOW = ("all", "todo")  # the review table: every item, or only those nobody has decided (待核定)


def _review_show(show: str | None) -> str:
    """The review table's filter: 'todo' (仅看待核定) or 'all' (anything else)."""
    return "todo" if show == "todo" else "all"


def _compare_url(old: int, new: int, show: str, anchor: str) -> str:
    return f"/compare/{old}/{new}" + ("?show=todo" if show == "todo" else "") + f"#{anchor}"


@router.get("/compare/{old}/{new}", response_class=HTMLResponse)
def compare_result(request: Request, old: DbId, new: DbId, show: str | None = None):
    cw, old_cat, new_cat = _stored_crosswalk(request, old, new)
    rv = actions.review(state(request), old, new)
    shown = _review_show(show)
    todo = [item for item in rv.items if not item.decided]
    items = todo if shown == "todo" else rv.items
    kinds = {k: sum(1 for link in cw.links if link.kind == k) for k in ("one_to_one", "split", "merge", "many_to_many")}
    old_text = {i.id: i.text for i in old_cat.walk()}
    new_text = {i.id: i.text for i in new_cat.walk()}
    return render(request, "compare_result.html", {"cw": cw, "old": old, "new": new, "old_cat": old_cat,
                                                   "new_cat": new_cat, "kinds": kinds, "rv": rv,
                                                   "items": items, "show": shown, "todo": len(todo),
                                                   "old_text": old_text, "new_text": new_text,
                                                   "report": _report_body(rv.reviewed, old_cat, new_cat),
                                                   "ACTION_LABELS": actions.ACTION_LABELS})


def _report_body(cw, old_cat, new_cat) -> Markup:
    """The crosswalk report (zhibiao.diff.report.to_html, every text escaped by its template) as a part of the
    page rather than a frame: its body, the page's stylesheet styling it (.cw-report in app.css)."""
    from zhibiao.diff.report import to_html

    page = to_html(cw, old_cat, new_cat)
    start, end = page.find("<body>"), page.rfind("</body>")
    body = page[start + len("<body>"):end] if start >= 0 and end > start else ""
    return Markup(body.replace("<h1>", '<h2 class="report-title">', 1).replace("</h1>", "</h2>", 1))


@router.post("/compare/{old}/{new}/decide")
def compare_decide(request: Request, old: DbId, new: DbId, csrf_token: str = Form(""), item: str = Form(""),
                   action: str = Form(""), old_ids: str = Form(""), new_ids: str = Form(""), reason: str = Form(""),
                   revision: str = Form(""), show: str = Form("")):
    check_csrf(request, csrf_token)
    who = reviewer(request)
    seen = parse_count(revision)
    if seen is None:
        raise WebError(422, "表单缺少条目的修订号，请重新加载页面后再核定。", code="invalid_request", title="无法核定")
    actions.decide(state(request), old, new, item, action, old_ids=actions.parse_ids(old_ids),
                   new_ids=actions.parse_ids(new_ids), reason=reason, revision=seen, by=who)
    rv = actions.review(state(request), old, new)
    flash(request, f"已{actions.ACTION_LABELS.get(action, '核定')}条目 {item}（已核定 {rv.reviewed.decided} / "
                   f"{rv.reviewed.to_decide} 项）。" + ("对照表已全部核定，已核实。" if rv.verified else ""))
    shown = _review_show(show)  # the decided item leaves the 待核定 view: back to the table there
    return _see_other(_compare_url(old, new, shown, "review-box" if shown == "todo" else f"item-{item}"))


@router.post("/compare/{old}/{new}/decide-rest")
def compare_decide_rest(request: Request, old: DbId, new: DbId, csrf_token: str = Form(""), reason: str = Form("")):
    check_csrf(request, csrf_token)
    who = reviewer(request)
    n = actions.decide_rest(state(request), old, new, reason=reason, by=who)
    if n:
        flash(request, f"已确认其余 {n} 项。对照表已全部核定，已核实。")
    else:
        flash(request, "没有待核定的条目。", "warn")
    return _see_other(f"/compare/{old}/{new}#review-box")


@router.get("/compare/{old}/{new}/history", response_class=HTMLResponse)
def compare_history(request: Request, old: DbId, new: DbId):
    cw, old_cat, new_cat = _stored_crosswalk(request, old, new)
    rv = actions.review(state(request), old, new)
    return render(request, "compare_history.html", {"cw": cw, "old": old, "new": new, "rv": rv,
                                                    "rows": state(request).store.crosswalk_history(old, new),
                                                    "ACTION_LABELS": actions.ACTION_LABELS})


@router.get("/compare/{old}/{new}/download/{fmt}")
def compare_download(request: Request, old: DbId, new: DbId, fmt: Literal["docx", "xlsx"]):
    return actions.crosswalk_file(state(request), old, new, fmt)


@router.get("/compare/{old}/{new}/report", response_class=HTMLResponse)
def compare_report(request: Request, old: DbId, new: DbId):
    """zhibiao.diff.report.to_html as is (of the crosswalk as decided), in a sandbox: no scripts, no requests,
    styles inline only."""
    from zhibiao.diff.report import to_html

    _, old_cat, new_cat = _stored_crosswalk(request, old, new)
    rv = actions.review(state(request), old, new)
    return HTMLResponse(to_html(rv.reviewed, old_cat, new_cat), headers={
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"})


@router.post("/catalogues/{cat_id}/label-suggestions")
def accept_label(request: Request, cat_id: DbId, csrf_token: str = Form(""), indicator: str = Form(""),
                 revision: str = Form("")):
    check_csrf(request, csrf_token)
    who = reviewer(request)
    seen = parse_count(revision)
    if seen is None:
        raise WebError(422, "表单缺少指标的修订号，请重新加载页面后再采纳。", code="invalid_request", title="无法保存")
    version, found = actions.accept_label(state(request), cat_id, indicator, revision=seen, by=who)
    flash(request, f"已采纳指标 {indicator} 的标签建议“{found.text}”，目录第 {version} 版。")
    return _see_other(_catalogue_url(cat_id, indicator))
