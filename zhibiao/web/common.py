"""Request helpers: the app state, the session (CSRF token, reviewer), template rendering."""

from __future__ import annotations

import secrets
from importlib import resources
from typing import Annotated, Literal, overload
from urllib.parse import urlsplit

from fastapi import Path as PathParam, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from zhibiao.inputs import DB_INT_MAX

from .actions import WebState
from .errors import WebError
from .files import mib
from .views import (
    FIELD_LABELS,
    FINDING_LABELS,
    FLAG_HINTS,
    FLAG_LABELS,
    FORMAT_LABELS,
    SEVERITY_LABELS,
    finding_text,
    local_time,
    pts,
)

__all__ = ["DbId", "OptDbInt", "CSRF_HEADER", "CSRF_FIELD", "state", "csrf_token", "check_csrf", "reviewer",
           "set_reviewer", "flash", "render", "environment", "safe_next", "is_api"]

# a catalogue id in the address, an optional version or id in the query: what the database can hold
# (beyond it nothing is stored, so the app answers 404, see app.invalid_request)
DbId = Annotated[int, PathParam(ge=0, le=DB_INT_MAX)]
OptDbInt = Annotated[int | None, Query(ge=0, le=DB_INT_MAX)]

CSRF_HEADER = "X-Zhibiao-CSRF"
CSRF_FIELD = "csrf_token"
REVIEWER_MAX = 64


def state(request: Request) -> WebState:
    return request.app.state.web


def is_api(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


def csrf_token(request: Request) -> str:
    """This session's CSRF token (created on first use; the session cookie is signed and HttpOnly)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, supplied: str | None) -> None:
    """Refuse (403) a state-changing request whose token does not match the session's."""
    expected = request.session.get("csrf")
    if not expected or not supplied or not secrets.compare_digest(str(expected), str(supplied)):
        raise WebError(403, "请求未通过安全校验（CSRF 令牌缺失或无效）。请重新加载页面后再提交。",
                       code="csrf", title="请求被拒绝")


@overload
def reviewer(request: Request, given: str | None = None, *, required: Literal[True] = True) -> str: ...
@overload
def reviewer(request: Request, given: str | None = None, *, required: bool) -> str | None: ...


def reviewer(request: Request, given: str | None = None, *, required: bool = True) -> str | None:
    """The reviewer's name: given explicitly (API), else the one kept in the session."""
    name = (given or "").strip() or request.session.get("who")
    if required and not name:
        raise WebError(422 if is_api(request) else 400,
                       "请先填写审核人姓名：每一次修改和核实都会记录审核人。", code="reviewer_required",
                       title="请填写审核人", template="reviewer.html")
    return name


def set_reviewer(request: Request, name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise WebError(422, "审核人姓名不能为空。", code="reviewer_required", title="请填写审核人",
                       template="reviewer.html")
    if len(name) > REVIEWER_MAX:
        raise WebError(422, f"审核人姓名最长 {REVIEWER_MAX} 个字。", code="reviewer_too_long",
                       title="请填写审核人", template="reviewer.html")
    request.session["who"] = name
    return name


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """A message shown once on the next page."""
    messages = list(request.session.get("flash", []))
    messages.append([kind, message])
    request.session["flash"] = messages[-5:]


@overload
def safe_next(target: str | None, default: str = "/") -> str: ...
@overload
def safe_next(target: str | None, default: None) -> str | None: ...


def safe_next(target: str | None, default: str | None = "/") -> str | None:
    """Only local paths may be redirect targets."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def environment() -> Environment:
    folder = resources.files("zhibiao.web").joinpath("templates")
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True, undefined=StrictUndefined)
    env.globals.update(pts=pts, local_time=local_time, finding_text=finding_text, mib=mib, FLAG_LABELS=FLAG_LABELS,
                       FLAG_HINTS=FLAG_HINTS, FINDING_LABELS=FINDING_LABELS, SEVERITY_LABELS=SEVERITY_LABELS,
                       FIELD_LABELS=FIELD_LABELS, FORMAT_LABELS=FORMAT_LABELS, CSRF_FIELD=CSRF_FIELD)
    return env


def render(request: Request, template: str, context: dict | None = None, status: int = 200) -> HTMLResponse:
    """Render a page; every page gets the CSRF token, the reviewer and pending messages."""
    env: Environment = request.app.state.templates
    ctx = {"request": request, "csrf": csrf_token(request), "who": request.session.get("who"),
           "flashes": request.session.pop("flash", []), "here": request.url.path +
           (f"?{request.url.query}" if request.url.query else ""), "max_upload": request.app.state.web.max_upload_bytes}
    ctx.update(context or {})
    return HTMLResponse(env.get_template(template).render(ctx), status_code=status)
