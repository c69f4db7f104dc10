"""The review web app: FastAPI, server-rendered Jinja2 pages and a JSON API over the catalogue store.

Security model (a tool for a trusted office network; there are no accounts):

- It binds 127.0.0.1 unless told otherwise.
- Sessions live in a signed, HttpOnly, SameSite=Lax cookie (Starlette's SessionMiddleware, itsdangerous);
  the session holds a random CSRF token and the reviewer's name (审核人, asked once, recorded with every edit).
- Every HTML form carries the token in a hidden ``csrf_token`` field; every POST to /api/ must send it in
  the ``X-Zhibiao-CSRF`` header (``GET /api/session`` returns it and sets the cookie). A custom header cannot
  be sent cross-site without a CORS preflight, which this app never grants; the token must also match the
  session's. Anything else is refused with 403. Besides the token, a state-changing request whose Origin
  (else Referer) header names another host is refused with 403 (OriginCheck).
- Ids, versions and revisions are bounded (zhibiao.inputs.DB_INT_MAX); a JSON body holding a lone surrogate
  is refused with 400 (JsonTextCheck).
- Request bodies are capped at the upload limit plus 1 MiB before they are parsed; uploaded files above the
  limit get 413, files that are not PDF, DOCX, XLSX, HTML or text (CSV) by their content 415.
- All text from notices is escaped by Jinja2's autoescape; the original notice is served as a download, and
  a PDF (checked by its content) also inline as application/pdf with CSP default-src 'none' (never an HTML
  notice: that one is shown as text on the 原文 page); the crosswalk report is part of the compare page (its
  escaped body, styled by app.css), and alone at /compare/OLD/NEW/report with a sandbox CSP that forbids scripts.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from zhibiao.errors import StoreError
from zhibiao.inputs import DB_INT_MAX, find_surrogate, json_safe
from zhibiao.store import Store

from . import api, pages, sheets
from .actions import WebState
from .common import environment, is_api, render, safe_next
from .errors import WebError, refusal
from .files import mib

__all__ = ["create_app", "run", "DEFAULT_MAX_UPLOAD"]

DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024
BODY_SLACK = 1024 * 1024  # multipart framing and the other form fields

_STATUS_TITLES = {400: "请求有误", 403: "请求被拒绝", 404: "未找到", 405: "不支持的操作", 409: "冲突",
                  413: "文件太大", 415: "文件类型不支持", 422: "无法处理", 500: "服务器错误",
                  503: "暂时无法使用"}

_PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
             "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")


# pydantic's errors for a number outside its bounds (ge/le)
_RANGE_ERRORS = {"less_than_equal", "greater_than_equal", "less_than", "greater_than"}

_OWN_SCRIPTS = {"/docs", "/docs/oauth2-redirect", "/redoc"}


class UploadTooLarge(StarletteHTTPException):
    """Raised while a request body is read once it passes the cap (FastAPI lets HTTPExceptions through)."""


class BodyLimit:
    """Refuse request bodies above a cap: at once from Content-Length, else while they stream in."""

    def __init__(self, app, limit: int, max_upload: int):
        self.app = app
        self.limit = limit
        self.max_upload = max_upload

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            # refused before a byte of the body is read; ExceptionMiddleware is inside us, so answer here
            err = WebError(413, f"上传的内容太大，上传上限为 {mib(self.max_upload)}。", code="too_large",
                           title="文件太大")
            await _error_response(Request(scope), err)(scope, receive, send)
            return
        received = 0

        async def limited():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise UploadTooLarge(413, f"上传的内容太大，上传上限为 {mib(self.max_upload)}。")
            return message

        await self.app(scope, limited, send)


def same_origin(source: str, host: str | None) -> bool:
    """Whether an Origin or Referer value names this app: http(s) and the very host (and port) asked for."""
    parts = urlsplit(source.strip())
    return bool(host) and parts.scheme in ("http", "https") and parts.netloc.lower() == str(host).lower()


class OriginCheck:
    """Refuse state-changing requests sent from another site (besides the CSRF token): their Origin header,
    or without one their Referer, must name this app's own host. A request with neither (a script, curl) is
    left to the CSRF check."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        source = headers.get("origin")
        if source is None:
            source = headers.get("referer")
        if source is not None and not same_origin(source, headers.get("host")):
            err = WebError(403, "请求来自其他网站，已被拒绝：修改、上传和核实只能在本系统自己的页面上提交。",
                           code="cross_origin", title="请求被拒绝", detail=f"Origin/Referer: {source[:200]}")
            await _error_response(Request(scope), err)(scope, receive, send)
            return
        await self.app(scope, receive, send)


class JsonTextCheck:
    """Refuse a JSON body holding a lone surrogate (\\ud800, valid JSON but not Unicode text) with 400, before
    any route sees it: it could be neither stored nor written back as UTF-8."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        ctype = Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower()
        if not (ctype == "application/json" or ctype.endswith("+json")):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        try:
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    break
        except UploadTooLarge as exc:
            err = WebError(413, str(exc.detail), code="too_large", title="文件太大")
            await _error_response(Request(scope), err)(scope, receive, send)
            return
        body = b"".join(chunks)
        try:
            where = find_surrogate(json.loads(body))
        except (ValueError, RecursionError):  # not JSON: the route says so
            where = None
        if where is not None:
            err = WebError(400, "提交的文字中含有无效的 Unicode 字符（孤立的代理码位，如 \\ud800），无法保存。"
                                "请删除该字符后重新提交。", code="invalid_text", title="请求有误",
                           detail=f"lone surrogate at {where}")
            await _error_response(Request(scope), err)(scope, receive, send)
            return
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class SecurityHeaders:
    """nosniff, frame and referrer policy on every response; a CSP on pages that do not set their own."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                names = {k.lower() for k, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                         (b"x-frame-options", b"SAMEORIGIN")]
                if scope["path"] not in _OWN_SCRIPTS:  # Swagger UI and ReDoc bring inline scripts of their own
                    extra.append((b"content-security-policy", _PAGE_CSP.encode()))
                headers.extend((k, v) for k, v in extra if k not in names)
                message = dict(message, headers=headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _error_response(request: Request, err: WebError) -> JSONResponse | HTMLResponse:
    if is_api(request):
        body: dict[str, Any] = {"detail": err.message, "code": err.code, "technical": err.detail}
        if err.reason is not None:
            body["reason"] = err.reason
        if err.extra.get("field"):  # the form field a refused save is about
            body["field"] = err.extra["field"]
        if err.code == "not_verifiable":
            body["unverified"] = [i.id for i in err.extra.get("missing", [])]
            body["errors"] = [f.model_dump(mode="json") for f in err.extra.get("errors", [])]
        elif err.code == "edit_conflict":
            body["indicator"] = err.extra.get("indicator")
        return JSONResponse(body, status_code=err.status)
    back = None
    referer = request.headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        if parts.netloc == request.url.netloc:
            back = safe_next(parts.path + (f"?{parts.query}" if parts.query else ""), None)
    here = request.url.path if request.method == "GET" else (back or "/")
    context = {"title": err.title or _STATUS_TITLES.get(err.status, "出错了"), "message": err.message,
               "technical": err.detail, "status": err.status, "next": here, "back": back,
               "code": err.code}
    context.update(err.extra)
    return render(request, err.template or "message.html", context, status=err.status)


def create_app(store: Store, *, max_upload_bytes: int = DEFAULT_MAX_UPLOAD, secret_key: str | None = None) -> FastAPI:
    """The review app over a store. secret_key signs the session cookie (default: ZHIBIAO_SECRET, else random)."""
    app = FastAPI(
        title="zhibiao 指标目录审核",
        version="1.0",
        summary="Review, correct and verify indicator catalogues; compare versions; export.",
        description=(
            "JSON API of the zhibiao review app. **CSRF**: every POST under `/api/` must carry the header "
            "`X-Zhibiao-CSRF` with the token from `GET /api/session` (which also sets the signed session "
            "cookie; send the cookie back). Without it, or with a wrong one: 403. The reviewer (审核人) of an "
            "action is the `by` field of the request, else the name kept in the session (`POST /api/session`). "
            "Status codes: 404 no such catalogue/indicator, 409 the indicator changed since you read its "
            "revision (EditConflict), 422 invalid edit or catalogue not verifiable, 413 upload too large, "
            "415 not a PDF/DOCX/HTML/TXT notice, 503 the catalogue database cannot be used. A refusal of the "
            "catalogue store also carries its `reason` code (e.g. `points_invalid`, `parent_level`)."),
        openapi_tags=[{"name": "session", "description": "CSRF token and reviewer"},
                      {"name": "catalogues", "description": "upload, read, edit, verify, history, export"},
                      {"name": "crosswalks", "description": "compare two stored catalogues"}],
    )
    app.state.web = WebState(store=store, max_upload_bytes=max_upload_bytes)
    app.state.templates = environment()
    secret = secret_key or os.environ.get("ZHIBIAO_SECRET") or secrets.token_urlsafe(32)

    # the last added is the outermost: SecurityHeaders > SessionMiddleware > OriginCheck > BodyLimit > JsonTextCheck
    # > routes
    # (every error response, FastAPI's own 404/405/422 included, passes SecurityHeaders on its way out)
    app.add_middleware(JsonTextCheck)
    app.add_middleware(BodyLimit, limit=max_upload_bytes + BODY_SLACK, max_upload=max_upload_bytes)
    app.add_middleware(OriginCheck)
    app.add_middleware(SessionMiddleware, secret_key=secret, session_cookie="zhibiao_session",
                       same_site="lax", max_age=30 * 24 * 3600)
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(WebError)
    async def web_error(request: Request, exc: WebError):
        return _error_response(request, exc)

    @app.exception_handler(StoreError)
    async def store_refused(request: Request, exc: StoreError):
        """A store refusal no action turned into its own message (the database went away, say): never a 500."""
        return _error_response(request, refusal(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else {
            404: "没有这个页面。", 405: "不支持此请求方法。"}.get(exc.status_code, str(exc.detail))
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(exc.status_code, "http_error")
        return _error_response(request, WebError(exc.status_code, message, code=code))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        where = {e.get("loc", ("",))[0] for e in errors}
        kinds = {e.get("type") for e in errors}
        if errors and kinds <= _RANGE_ERRORS:
            if where <= {"path", "query"}:  # an id or version beyond what the database holds names nothing
                return _error_response(request, WebError(404, "没有找到该目录或版本：编号超出范围。", code="not_found",
                                                         title="未找到", reason="not_found"))
            return _error_response(request, WebError(
                400, f"编号或修订号超出范围：必须是 0 到 {DB_INT_MAX} 之间的整数。", code="out_of_range",
                title="请求有误", detail="; ".join(f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg')}"
                                                   for e in errors)))
        if is_api(request):  # FastAPI's own shape, with what JSON cannot carry (1e400 is inf) made printable
            return JSONResponse({"detail": json_safe(jsonable_encoder(errors))}, status_code=422)
        return _error_response(request, WebError(422, "请求参数无效，请返回页面重新提交。", code="invalid_request",
                                                 detail="; ".join(str(e.get("msg")) for e in errors)))

    static = Path(__file__).parent / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(pages.router)
    app.include_router(sheets.router)
    app.include_router(api.router)
    return app


def _secret() -> str:
    """ZHIBIAO_SECRET, else a random key kept in the data directory (sessions survive a restart)."""
    if os.environ.get("ZHIBIAO_SECRET"):
        return os.environ["ZHIBIAO_SECRET"]
    from zhibiao.store import data_dir

    path = data_dir() / "web-secret"
    try:
        return path.read_text(encoding="ascii").strip() or secrets.token_urlsafe(32)
    except OSError:
        pass
    key = secrets.token_urlsafe(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key)
    except OSError:
        pass  # a read-only data directory: sessions end with the process
    return key


def run(host: str = "127.0.0.1", port: int = 8000, db_url: str | None = None, *,
        max_upload_bytes: int | None = None) -> None:
    """Serve the review app with uvicorn (127.0.0.1 by default: there are no accounts)."""
    import uvicorn

    from zhibiao.extract import max_bytes

    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        print(f"warning: serving on {host}: the review app has no accounts; anyone who can reach it can edit",
              file=sys.stderr)
    store = Store(db_url)
    app = create_app(store, max_upload_bytes=max_upload_bytes or max_bytes(), secret_key=_secret())
    uvicorn.run(app, host=host, port=port, log_level="info")
