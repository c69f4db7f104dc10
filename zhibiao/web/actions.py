"""The review actions, shared by the pages and the JSON API: each raises WebError with a Chinese message."""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from zhibiao import errors as zerr
from zhibiao.model import Catalogue, Crosswalk, Indicator
from zhibiao.store import EditConflict, InvalidEdit, NotFound, NotVerifiable, Store

from .views import SnippetCache, content_disposition, export_filename, safe_filename, unverified_reasons

__all__ = ["WebError", "WebState", "EditRequest", "upload", "edit", "verify", "verify_catalogue", "compare",
           "find", "mib"]


class WebError(Exception):
    """A failure shown to the user: HTTP status, a Chinese message, a code for API clients, extras."""

    def __init__(self, status: int, message: str, *, code: str = "error", title: str | None = None,
                 detail: str | None = None, template: str | None = None, **extra):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.title = title
        self.detail = detail
        self.template = template
        self.extra = extra


@dataclass
class WebState:
    """What every request needs: the store, the upload limit, the write lock and the snippet cache."""

    store: Store
    max_upload_bytes: int
    lock: threading.RLock = field(default_factory=threading.RLock)  # one writer at a time: Store.edit keeps state on self
    snippets: SnippetCache = field(default_factory=SnippetCache)


def mib(n: int) -> str:
    """Bytes for people: '50 MB', '1.5 MB', '800 KB', '12 字节'."""
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f}".rstrip("0").rstrip(".") + " MB"
    if n >= 1024:
        return f"{n / 1024:.1f}".rstrip("0").rstrip(".") + " KB"
    return f"{n} 字节"


def _not_found(exc: NotFound | None = None, what: str = "目录或指标") -> WebError:
    return WebError(404, f"没有找到该{what}。", code="not_found", title="未找到",
                    detail=exc.message() if exc else None)


def find(state: WebState, cat_id: int, version: int | None = None) -> tuple[Catalogue, int]:
    """The catalogue (current or asked-for version), or a 404."""
    try:
        return state.store.get(cat_id, version)
    except NotFound as exc:
        raise _not_found(exc, "目录" if version is None else "目录版本") from None


# --- upload --------------------------------------------------------------------------------

_INPUT_MESSAGES: list[tuple[type, int, str]] = [
    (zerr.FileTooLarge, 413, "文件太大，超过了上传上限。"),
    (zerr.UnsupportedFormat, 415, "不支持此文件类型：请上传 PDF、Word (DOCX)、Excel (XLSX)、网页 (HTML)、"
                                  "CSV 或 TXT 文本。旧版 .doc/.wps/.xls/.et 文件请先另存为 DOCX、XLSX 或 PDF。"),
    (zerr.NotText, 415, "文件不是文本通知（内容是二进制数据）。请上传 PDF、DOCX、XLSX、HTML、CSV 或 TXT 文件。"),
    (zerr.UndecodableText, 415, "文本既不是 UTF-8 也不是 GBK/GB18030 编码，请另存为 UTF-8 后再上传。"),
    (zerr.EmptyInput, 422, "文件是空的。"),
    (zerr.EncryptedPDF, 422, "PDF 已加密或设置了密码，请另存一份未加密的副本后再上传。"),
    (zerr.NoTextLayer, 422, "PDF 没有文字层（扫描件），需要先进行文字识别（OCR）。"),
    (zerr.CorruptFile, 422, "文件已损坏或不完整，无法读取。"),
    (zerr.NoRubric, 422, "通知中没有找到带分值的指标体系，未保存任何目录。"),
]


def _sniff_upload(data: bytes) -> str:
    """The format by content (zhibiao.extract.sniff); 415 for anything but PDF, DOCX, XLSX, HTML and text."""
    from zhibiao.extract import sniff
    from zhibiao.extract.text import decode

    kind = sniff(data)
    if kind == "ole":
        raise WebError(415, "这是旧版 Word/WPS 文件（.doc/.wps），请先另存为 DOCX 或 PDF 再上传。",
                       code="unsupported_type", title="文件类型不支持")
    if kind == "ole-xls":
        raise WebError(415, "这是旧版 Excel/WPS 表格（.xls/.et），请先另存为 XLSX 再上传。",
                       code="unsupported_type", title="文件类型不支持")
    if kind == "zip":
        raise WebError(415, "这是一个压缩包，不是 Word (DOCX) 文档或 Excel (XLSX) 工作簿。"
                            "请上传 PDF、DOCX、XLSX、HTML、CSV 或 TXT 文件。",
                       code="unsupported_type", title="文件类型不支持")
    if kind == "txt":
        try:
            decode(data)
        except (zerr.NotText, zerr.UndecodableText) as exc:
            msg = next(m for cls, _, m in _INPUT_MESSAGES if isinstance(exc, cls))
            raise WebError(415, msg, code="unsupported_type", title="文件类型不支持",
                           detail=exc.detail) from None
    return kind


def upload(state: WebState, filename: str | None, data: bytes, *, by: str) -> tuple[int, bool]:
    """Check an uploaded notice (size, type by content) and store it with its catalogue: (id, created)."""
    limit = state.max_upload_bytes
    if len(data) > limit:
        raise WebError(413, f"文件太大（{mib(len(data))}），上传上限为 {mib(limit)}。", code="too_large",
                       title="文件太大")
    if not data.strip():
        raise WebError(422, "文件是空的。", code="empty", title="无法读取文件")
    kind = _sniff_upload(data)
    name = safe_filename(filename, f"notice.{kind}")
    with tempfile.TemporaryDirectory(prefix="zhibiao-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            with state.lock:
                return state.store.ingest(path, by=by, filename=name, limit=limit)
        except zerr.ZhibiaoError as exc:
            detail = exc.message().replace(str(path), name)
            for cls, status, msg in _INPUT_MESSAGES:
                if isinstance(exc, cls):
                    raise WebError(status, msg, code=cls.__name__, title="无法读取文件", detail=detail) from None
            raise WebError(422, "无法读取该文件。", code=type(exc).__name__, title="无法读取文件",
                           detail=detail) from None


# --- edits ---------------------------------------------------------------------------------


@dataclass
class EditRequest:
    """What the edit form sends: new values (None: unchanged), the revision the editor saw, the reason."""

    text: str | None = None
    points: str | None = None
    parent: str | None = None
    revision: int = 0
    reason: str = ""


def _locate(cat: Catalogue, ident: str) -> tuple[Indicator, Indicator | None, int] | None:
    for r_index, rubric in enumerate(cat.rubrics):
        stack: list[tuple[Indicator, Indicator | None]] = [(i, None) for i in rubric.indicators]
        while stack:
            ind, parent = stack.pop()
            if ind.id == ident:
                return ind, parent, r_index
            stack.extend((c, ind) for c in ind.children)
    return None


def edit(state: WebState, cat_id: int, ident: str, req: EditRequest, *, by: str) -> tuple[int, str, list[str]]:
    """Apply the changed fields of one indicator; return (version, the indicator's id now, fields changed).

    Fields are saved one by one (text/label, points, parent), each with the revision the editor saw
    plus the edits already made here; under the write lock no other save of this app can come between.
    """
    reason = (req.reason or "").strip()
    if not reason:
        raise WebError(422, "请填写修改原因。", code="reason_required", title="无法保存")
    cat, _ = find(state, cat_id)
    found = _locate(cat, ident)
    if found is None:
        raise _not_found(None, "指标")
    ind, parent, r_index = found
    changes: list[tuple[str, str]] = []
    if req.text is not None and req.text.strip() != ind.text:
        if not req.text.strip():
            raise WebError(422, "指标文字不能为空。", code="invalid_edit", title="无法保存")
        changes.append(("label" if "label_missing" in ind.flags else "text", req.text.strip()))
    if req.points is not None and req.points.strip() != "":
        try:
            value = Decimal(req.points.strip())
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0:
            raise WebError(422, f"分值必须是不小于 0 的数字（例如 2 或 0.5），而不是“{req.points.strip()}”。",
                           code="invalid_edit", title="无法保存")
        if value != ind.points:
            changes.append(("points", req.points.strip()))
    elif req.points is not None and ind.points is not None:
        raise WebError(422, "分值不能清空。", code="invalid_edit", title="无法保存")
    if req.parent is not None and req.parent.strip() and req.parent.strip() != (parent.id if parent else ""):
        target_id = req.parent.strip()
        target = _locate(cat, target_id)
        if target is None or target[2] != r_index:
            raise WebError(422, f"上级指标“{target_id}”不存在。", code="invalid_edit", title="无法保存")
        if target_id == ident or target_id.startswith(ident + "."):
            raise WebError(422, "不能把指标移到它自己或它的下级之下。", code="invalid_edit", title="无法保存")
        if target[0].level != ind.level - 1:
            raise WebError(422, f"上级指标必须是第 {ind.level - 1} 级指标，“{target_id}”是第 {target[0].level} 级。",
                           code="invalid_edit", title="无法保存")
        changes.append(("parent", target_id))
    if not changes:
        return 0, ident, []
    version, revision, current = 0, req.revision, ident
    with state.lock:
        for n, (fld, value) in enumerate(changes):
            try:
                version = state.store.edit(cat_id, current, fld, value, by=by, revision=revision, reason=reason)
            except EditConflict as exc:
                done = [f for f, _ in changes[:n]]
                raise WebError(409, f"保存失败：在您打开页面之后，其他人修改或核实了指标 {ident}。"
                                    + ("您的修改没有保存。" if not done else
                                       "已保存的部分：" + "、".join(done) + "；其余没有保存。")
                                    + "请重新加载页面，查看最新内容后再修改。",
                               code="edit_conflict", title="指标已被他人修改", detail=exc.message(),
                               template="conflict.html", cat_id=cat_id, indicator=ident,
                               attempted=[(f, v) for f, v in changes]) from None
            except InvalidEdit as exc:
                raise WebError(422, "修改无效：" + (exc.detail or exc.message()), code="invalid_edit",
                               title="无法保存", detail=exc.message()) from None
            except NotFound as exc:
                raise _not_found(exc, "指标") from None
            revision += 1
            if fld == "parent":
                current = f"{value}.{ind.number}"
    return version, current, [f for f, _ in changes]


# --- verification --------------------------------------------------------------------------


def verify(state: WebState, cat_id: int, seen: dict[str, int], *, by: str) -> int:
    """Mark indicators verified: id -> the revision the reviewer saw. Returns the new catalogue version."""
    if not seen:
        raise WebError(422, "没有选择要核实的指标。", code="nothing_to_verify", title="无法核实")
    try:
        with state.lock:
            return state.store.verify(cat_id, list(seen), by=by, revisions_seen=seen)
    except EditConflict as exc:
        raise WebError(409, "核实失败：在您打开页面之后，其他人修改了其中的指标。请重新加载页面，确认最新内容后再核实。",
                       code="edit_conflict", title="指标已被他人修改", detail=exc.message(),
                       template="conflict.html", cat_id=cat_id, indicator=None, attempted=[]) from None
    except NotFound as exc:
        raise _not_found(exc, "指标") from None


def verify_catalogue(state: WebState, cat_id: int, *, by: str) -> int:
    """Mark the whole catalogue verified, or 422 listing the indicators not verified and the errors."""
    try:
        with state.lock:
            return state.store.verify_catalogue(cat_id, by=by)
    except NotFound as exc:
        raise _not_found(exc, "目录") from None
    except NotVerifiable as exc:
        cat, _ = find(state, cat_id)
        missing, errors = unverified_reasons(cat)
        parts = []
        if missing:
            parts.append(f"还有 {len(missing)} 项指标未核实")
        if errors:
            parts.append(f"检查发现 {len(errors)} 个错误")
        raise WebError(422, "目录暂不能标记为已核实：" + "，".join(parts or ["条件不满足"]) + "。",
                       code="not_verifiable", title="目录暂不能核实", detail=exc.message(),
                       template="not_verifiable.html", cat_id=cat_id, missing=missing, errors=errors) from None


# --- crosswalks ----------------------------------------------------------------------------


MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def export_response(state: WebState, cat_id: int, fmt: str):
    """The current catalogue as a download: JSON, CSV or XLSX, named after the notice and version."""
    from fastapi import Response

    cat, version = find(state, cat_id)
    data = state.store.export(cat_id, fmt)
    name = export_filename(cat.document.source_file, version, fmt)
    return Response(data, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": content_disposition(name)})


def compare(state: WebState, old_id: int, new_id: int) -> Crosswalk:
    """Compute the crosswalk old -> new of two stored catalogues and keep it in the store."""
    from zhibiao.diff import crosswalk

    if old_id == new_id:
        raise WebError(422, "请选择两个不同的目录进行对比。", code="same_catalogue", title="无法对比")
    old_cat, _ = find(state, old_id)
    new_cat, _ = find(state, new_id)
    if not old_cat.rubrics or not new_cat.rubrics:
        raise WebError(422, "所选目录没有指标体系，无法对比。", code="no_rubric", title="无法对比")
    cw = crosswalk(old_cat, new_cat)
    with state.lock:
        state.store.save_crosswalk(old_id, new_id, cw)
    return cw
