"""The review actions, shared by the pages and the JSON API: each goes through the store, which owns the
rules, and raises WebError with a Chinese message (zhibiao.web.errors) when it refuses."""

from __future__ import annotations

import hashlib
import re
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from zhibiao import errors as zerr
from zhibiao.model import Catalogue, Crosswalk, Indicator
from zhibiao.store import (
    CrosswalkReview,
    EditConflict,
    InvalidEdit,
    LabelSuggestion,
    NotFound,
    NotVerifiable,
    Store,
    VerifyResult,
    unverified_reasons,
)

from .errors import INPUT_MESSAGES, WebError, input_error, refusal
from .files import (
    CROSSWALK_MEDIA_TYPES,
    MEDIA_TYPES,
    content_disposition,
    crosswalk_filename,
    export_filename,
    mib,
    safe_filename,
)
from .jobs import Jobs
from .snippets import SnippetCache, SnippetPart

__all__ = ["WebError", "WebState", "IngestJob", "EditRequest", "upload", "edit", "edit_field", "verify",
           "verify_catalogue", "compare", "check_upload", "find", "indicator", "source", "export_response", "mib",
           "MEDIA_TYPES",
           "ACTION_LABELS", "parse_ids", "review", "decide", "decide_rest", "crosswalk_file", "label_suggestions",
           "accept_label", "accept_warnings", "subtree_plan", "page_image", "verify_subtree", "restore",
           "REFUSAL_FIELDS"]


@dataclass
class WebState:
    """What every request needs: the store, the upload limit, the write lock and the snippet cache."""

    store: Store
    max_upload_bytes: int
    # one writer at a time: Store.edit keeps state on self
    lock: threading.RLock = field(default_factory=threading.RLock)
    snippets: SnippetCache = field(default_factory=SnippetCache)
    # uploads being read now (shown on the upload page and at GET /api/ingests): key -> IngestJob
    ingests: dict[str, IngestJob] = field(default_factory=dict)
    # the stored notices last read (catalogue id -> name, bytes): a catalogue's notice never changes
    documents: OrderedDict[int, tuple[str, bytes]] = field(default_factory=OrderedDict)
    # PDF pages rendered for the source view: (sha256, page) -> PNG
    pages: OrderedDict[tuple[str, int], bytes] = field(default_factory=OrderedDict)
    # uploads and compares running off the request path (zhibiao/web/jobs.py)
    jobs: Jobs = field(default_factory=Jobs)
    # one background worker that reads the next item's source while the reviewer reads this one
    _prefetch: ThreadPoolExecutor | None = None

    def document(self, cat_id: int) -> tuple[str, bytes]:
        """The stored notice of a catalogue (Store.document), kept for the next request."""
        with self.lock:
            if cat_id in self.documents:
                self.documents.move_to_end(cat_id)
                return self.documents[cat_id]
        found = self.store.document(cat_id)
        with self.lock:
            self.documents[cat_id] = found
            while len(self.documents) > 4:
                self.documents.popitem(last=False)
        return found

    def prefetch(self, job) -> None:
        """Run job() in the background (at most one at a time queued behind the others); its failure is ignored:
        a prefetch only warms the snippet cache."""
        with self.lock:
            if self._prefetch is None:
                self._prefetch = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zhibiao-prefetch")

        def run():
            try:
                job()
            except Exception:  # noqa: BLE001 - the request that needs it reads it again and says why
                pass

        self._prefetch.submit(run)

    def ingesting(self) -> list[IngestJob]:
        """The uploads being read now, oldest first."""
        return sorted(list(self.ingests.values()), key=lambda j: j.started)


@dataclass
class IngestJob:
    """One upload being read: its name, who sent it, when it started and what is being done."""

    filename: str
    by: str
    size: int
    started: float = field(default_factory=time.monotonic)
    # parsing (reading the notice, no lock held), then saving (the database transaction)
    stage: Literal["parsing", "saving"] = "parsing"

    @property
    def seconds(self) -> float:
        return round(time.monotonic() - self.started, 1)


def _not_found(exc: NotFound | None = None, what: str = "目录或指标") -> WebError:
    return WebError(404, f"没有找到该{what}。", code="not_found", title="未找到",
                    detail=exc.message() if exc else None, reason="not_found")


def find(state: WebState, cat_id: int, version: int | None = None) -> tuple[Catalogue, int]:
    """The catalogue (current or asked-for version), or a 404."""
    try:
        return state.store.get(cat_id, version)
    except NotFound as exc:
        raise _not_found(exc, "目录" if version is None else "目录版本") from None


def indicator(cat: Catalogue, ident: str) -> Indicator:
    """The indicator with this id, or a 404."""
    ind = cat.find(ident)
    if ind is None:
        raise WebError(404, f"目录中没有编号为“{ident}”的指标。", code="not_found", title="未找到", reason="not_found")
    return ind


MISSING_MESSAGE = "没有找到该目录的原始文件。"
GONE_MESSAGE = ("该目录的原始文件已被移除或更换，与读取目录时的文件不一致，无法打开原文。"
                "如需核对，请重新上传原始通知。")


def original(state: WebState, cat_id: int, sha: str | None = None) -> tuple[str, bytes]:
    """The stored notice of a catalogue (name, bytes): a 404 where none is stored, a 410 where its bytes are gone
    or (``sha``: the catalogue's sha256) are no longer the file the catalogue was read from."""
    try:
        filename, data = state.document(cat_id)
    except NotFound:
        raise WebError(404, MISSING_MESSAGE, code="document_missing", title="未找到原始文件") from None
    if not data or (sha is not None and hashlib.sha256(data).hexdigest() != sha):
        raise WebError(410, GONE_MESSAGE, code="document_gone", title="原始文件不可用")
    return filename, data


def source(state: WebState, cat_id: int, cat: Catalogue, ind: Indicator) -> tuple[str, list[SnippetPart]]:
    """The stored notice's name, and its text where the indicator was read (extract.source_text)."""
    doc = cat.document
    filename, data = original(state, cat_id, doc.sha256)
    try:
        return filename, state.snippets.parts(filename, data, doc.sha256, doc.format, ind.source, text=ind.text,
                                              marker=ind.marker)
    except Exception as exc:  # a damaged stored file must not break the page
        raise WebError(422, "无法从原始文件中读取该指标的原文（文件可能已损坏）。", code="source_unreadable",
                       title="无法读取原文", detail=f"{type(exc).__name__}: {exc}") from None


def page_image(state: WebState, cat_id: int, page: int) -> bytes:
    """Page ``page`` of a catalogue's PDF, OFD (text or scanned) or scanned image notice as a PNG (cached), or a
    404."""
    from zhibiao.extract import sniff

    from .snippets import PAGE_KINDS, render_page

    _, data = original(state, cat_id)
    kind = sniff(data)
    if kind not in PAGE_KINDS:
        raise WebError(404, "原始文件不是 PDF、OFD 或扫描图像，没有页面图像。", code="not_found", title="未找到")
    key = (hashlib.sha256(data).hexdigest(), page)
    with state.lock:
        if key in state.pages:
            state.pages.move_to_end(key)
            return state.pages[key]
    try:
        png = render_page(data, page, kind).png
    except IndexError:
        raise WebError(404, f"原始文件没有第 {page} 页。", code="not_found", title="未找到") from None
    except zerr.ZhibiaoError as exc:
        raise WebError(422, "无法显示原始文件的这一页。", code="page_unreadable", title="无法显示",
                       detail=exc.message()) from None
    with state.lock:
        state.pages[key] = png
        while len(state.pages) > 24:
            state.pages.popitem(last=False)
    return png


# --- upload --------------------------------------------------------------------------------


# the extension an upload without a usable name is stored under, by the kind its content sniffs as
_LEGACY_NAMES = {"ole": "doc", "ole-xls": "xls", "rtf": "rtf", "jpeg": "jpg", "tiff": "tif"}


def _sniff_upload(data: bytes) -> str:
    """The format by content (zhibiao.extract.sniff; a legacy file's as its extension); 415 for anything but
    PDF, OFD, DOCX, XLSX, HTML, text, the legacy .doc/.wps/.xls/.et/.rtf and scanned images (JPG, PNG, TIFF)."""
    from zhibiao.extract import decode_text, sniff

    kind = sniff(data)
    if kind == "zip":
        raise WebError(415, "这是一个压缩包，不是 Word (DOCX) 文档、Excel (XLSX) 工作簿或 OFD 版式文件。"
                            "请上传 PDF、OFD、DOCX、XLSX、DOC、WPS、XLS、ET、RTF、HTML、CSV、TXT 文件或扫描图片"
                            "（JPG、PNG、TIFF）。",
                       code="unsupported_type", title="文件类型不支持")
    if kind in ("png", "jpeg", "tiff"):  # an image's header says at once whether it can be read (pixels, damage)
        from zhibiao.extract.ocr import check_header

        try:
            check_header(data)
        except zerr.ZhibiaoError as exc:
            raise input_error(exc, exc.detail) from None
    kind = _LEGACY_NAMES.get(kind, kind)
    if kind == "txt":
        try:
            decode_text(data)
        except (zerr.NotText, zerr.UndecodableText) as exc:
            msg = next(m for cls, _, m in INPUT_MESSAGES if isinstance(exc, cls))
            raise WebError(415, msg, code="unsupported_type", title="文件类型不支持",
                           detail=exc.detail) from None
    return kind


def check_upload(state: WebState, filename: str | None, data: bytes) -> str:
    """Refuse at once what cannot be a notice (too large, empty, not a notice format by content); the safe name
    it is stored under."""
    limit = state.max_upload_bytes
    if len(data) > limit:
        raise WebError(413, f"文件太大（{mib(len(data))}），上传上限为 {mib(limit)}。", code="too_large",
                       title="文件太大")
    if not data.strip():
        raise WebError(422, "文件是空的。", code="empty", title="无法读取文件")
    kind = _sniff_upload(data)
    return safe_filename(filename, f"notice.{kind}")


def upload(state: WebState, filename: str | None, data: bytes, *, by: str,
           progress: Callable[[str], None] | None = None) -> tuple[int, bool]:
    """Check an uploaded notice (size, type by content) and store it with its catalogue: (id, created);
    ``progress`` hears the stages ('parsing', 'saving')."""
    limit = state.max_upload_bytes
    name = check_upload(state, filename, data)
    existing = state.store.find_document(hashlib.sha256(data).hexdigest())
    if existing is not None:
        return existing, False
    from zhibiao.pipeline import ingest

    key = uuid.uuid4().hex
    job = state.ingests[key] = IngestJob(filename=name, by=by, size=len(data))
    if progress is not None:
        progress("parsing")
    try:
        with tempfile.TemporaryDirectory(prefix="zhibiao-upload-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(data)
            try:
                # the slow part, outside the write lock: edits of other catalogues go on meanwhile
                cat = ingest(path, limit=limit)
            except zerr.StoreError:
                raise
            except zerr.ZhibiaoError as exc:
                raise input_error(exc, exc.message().replace(str(path), name)) from None
        cat.document.source_file = name
        job.stage = "saving"
        if progress is not None:
            progress("saving")
        with state.lock:  # only the one short transaction
            return state.store.add(data, cat, by=by, filename=name)
    finally:
        state.ingests.pop(key, None)


# --- edits ---------------------------------------------------------------------------------


@dataclass
class EditRequest:
    """What the edit form sends: new values (None: unchanged), the revision the editor saw, the reason."""

    text: str | None = None
    points: str | None = None
    parent: str | None = None
    revision: int = 0
    reason: str = ""
    marker: str | None = None


# the field of the edit form a store refusal is about (shown next to it)
REFUSAL_FIELDS = {"text_empty": "text", "points_invalid": "points", "marker_invalid": "marker",
                  "parent_invalid": "parent", "parent_inside": "parent", "parent_level": "parent"}


def _reason(reason: str | None, **extra) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise WebError(422, "请填写修改原因。", code="reason_required", field="reason", **extra)
    return reason


def edit(state: WebState, cat_id: int, ident: str, req: EditRequest, *, by: str) -> tuple[int, str, list[str]]:
    """Save the changed fields of one indicator in one catalogue version (Store.edit_many: every field checked
    first, nothing saved when one is refused); return (version, the indicator's id now, fields changed).

    A refusal names the form field it is about (``field`` in the WebError's extra), so the page shows it there.
    """
    reason = _reason(req.reason, title="无法保存")
    cat, _ = find(state, cat_id)
    place = cat.place(ident)
    if place is None:
        raise _not_found(None, "指标")
    ind, parent = place.indicator, place.parent
    changes: dict[str, str] = {}
    if req.text is not None and req.text.strip() != ind.text:
        changes["label" if "label_missing" in ind.flags else "text"] = req.text
    if req.marker is not None and req.marker.strip() != (ind.marker or ""):
        changes["marker"] = req.marker
    if req.points is not None and req.points.strip() != "":
        changes["points"] = req.points
    elif req.points is not None and ind.points is not None:
        raise WebError(422, "分值不能清空。", code="invalid_edit", title="无法保存", field="points")
    if req.parent is not None and req.parent.strip() and req.parent.strip() != (parent.id if parent else ""):
        changes["parent"] = req.parent
    if not changes:
        return 0, ident, []
    try:
        with state.lock:
            done = state.store.edit_many(cat_id, ident, changes, by=by, revision=req.revision, reason=reason)
    except EditConflict as exc:
        raise refusal(exc, f"保存失败：在您打开页面之后，其他人修改或核实了指标 {ident}。您的修改没有保存。"
                           "请重新加载页面，查看最新内容后再修改。",
                      title="指标已被他人修改", template="conflict.html", cat_id=cat_id, indicator=ident,
                      attempted=list(changes.items())) from None
    except InvalidEdit as exc:
        raise refusal(exc, title="无法保存", field=REFUSAL_FIELDS.get(exc.reason or "")) from None
    except NotFound as exc:
        raise _not_found(exc, "指标") from None
    return (done.version if done.fields else 0), done.indicator, done.fields


def edit_field(state: WebState, cat_id: int, ident: str, fld: str, value: str, *, revision: int, reason: str,
               by: str) -> tuple[int, str, int]:
    """Change one field of an indicator (the JSON API); return (version, the indicator's id now, its revision)."""
    reason = _reason(reason)
    find(state, cat_id)
    try:
        with state.lock:
            version = state.store.edit(cat_id, ident, fld, value, by=by, revision=revision, reason=reason)
    except EditConflict as exc:
        raise refusal(exc, f"指标 {ident} 在修订号 {revision} 之后已被他人修改或核实，请重新读取后再修改。",
                      indicator=ident) from None
    except NotFound as exc:
        raise refusal(exc, f"没有找到指标 {ident}。") from None
    except InvalidEdit as exc:
        raise refusal(exc) from None
    if fld == "parent":
        ident = f"{value.strip()}.{ident.rsplit('.', 1)[-1]}"
    return version, ident, state.store.revisions(cat_id).get(ident, 0)


# --- verification --------------------------------------------------------------------------


def _verify_conflict(exc: EditConflict, cat_id: int) -> WebError:
    return refusal(exc, "核实失败：在您打开页面之后，其他人修改了其中的指标。请重新加载页面，确认最新内容后再核实。",
                   title="指标已被他人修改", template="conflict.html", cat_id=cat_id, indicator=None, attempted=[])


def verify(state: WebState, cat_id: int, seen: dict[str, int], *, by: str, accept: list[str] | None = None) -> int:
    """Mark indicators verified: id -> the revision the reviewer saw (those in ``accept``: their warnings are
    accepted now). Returns the new catalogue version."""
    if not seen:
        raise WebError(422, "没有选择要核实的指标。", code="nothing_to_verify", title="无法核实")
    try:
        with state.lock:
            return state.store.verify(cat_id, list(seen), by=by, revisions_seen=seen, accept=accept or [])
    except EditConflict as exc:
        raise _verify_conflict(exc, cat_id) from None
    except InvalidEdit as exc:
        raise refusal(exc, title="无法核实") from None
    except NotFound as exc:
        raise _not_found(exc, "指标") from None


def accept_warnings(state: WebState, cat_id: int, ident: str, *, revision: int, reason: str | None,
                    by: str) -> int:
    """Accept the warnings of one indicator and verify it (Store.accept_warnings); the new version."""
    try:
        with state.lock:
            return state.store.accept_warnings(cat_id, ident, by=by, revision=revision,
                                               reason=(reason or "").strip() or None)
    except EditConflict as exc:
        raise _verify_conflict(exc, cat_id) from None
    except InvalidEdit as exc:
        raise refusal(exc, title="无法核实") from None
    except NotFound as exc:
        raise _not_found(exc, "指标") from None


def subtree_plan(state: WebState, cat_id: int, root: str | None) -> tuple[list[str], list[str]]:
    """What verifying a section (root None: every indicator) would do: (to verify, left for their warnings)."""
    try:
        return state.store.subtree_plan(cat_id, root)
    except NotFound as exc:
        raise _not_found(exc, "指标") from None


def verify_subtree(state: WebState, cat_id: int, root: str | None, seen: dict[str, int], *, by: str) -> VerifyResult:
    """Verify a section (root None: all) in one version, leaving the indicators whose warnings are not accepted."""
    try:
        with state.lock:
            return state.store.verify_subtree(cat_id, root, by=by, revisions_seen=seen)
    except EditConflict as exc:
        raise _verify_conflict(exc, cat_id) from None
    except NotFound as exc:
        raise _not_found(exc, "指标") from None


def restore(state: WebState, cat_id: int, version: int, *, current: int | None, reason: str | None, by: str) -> int:
    """Restore an earlier version as a new version (Store.restore); the new version."""
    find(state, cat_id, version)
    try:
        with state.lock:
            return state.store.restore(cat_id, version, by=by, reason=(reason or "").strip() or None,
                                       current_seen=current)
    except EditConflict as exc:
        raise refusal(exc, "恢复失败：在您打开页面之后，目录又有了新的修改。请重新打开修改历史，确认后再恢复。",
                      title="目录已被他人修改", template="conflict.html", cat_id=cat_id, indicator=None,
                      attempted=[]) from None
    except InvalidEdit as exc:
        raise refusal(exc, title="无法恢复") from None


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
        raise refusal(exc, "目录暂不能标记为已核实：" + "，".join(parts or ["条件不满足"]) + "。",
                      title="目录暂不能核实", template="not_verifiable.html", cat_id=cat_id, missing=missing,
                      errors=errors) from None


# --- downloads and crosswalks --------------------------------------------------------------


def _names(cat: Catalogue) -> dict[str, str | None]:
    """What names a catalogue's downloads: its 文号 and title (the rubric's, else the notice's)."""
    doc = cat.document
    return {"doc_number": doc.doc_number, "title": (cat.rubrics[0].title if cat.rubrics else None) or doc.title}


def _pair(cat: Catalogue) -> tuple[str | None, str | None]:
    names = _names(cat)
    return names["doc_number"], names["title"]


def export_response(state: WebState, cat_id: int, fmt: str):
    """The current catalogue as a download: JSON, CSV or XLSX, named after the notice and version."""
    from fastapi import Response

    cat, version = find(state, cat_id)
    try:
        data = state.store.export(cat_id, fmt)
    except InvalidEdit as exc:
        raise refusal(exc) from None
    name = export_filename(cat.document.source_file, version, fmt, **_names(cat))
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


# --- crosswalk review and sign-off -----------------------------------------------------------

ACTION_LABELS = {"accept": "确认", "reject": "否定", "relink": "重新对应", "confirm": "确认", "link": "手工对应",
                 "withdrawn": "作废"}
_ID_SPLIT = re.compile(r"[\s,，、;；]+")


def parse_ids(text: str | None) -> list[str]:
    """Indicator ids as a reviewer types them: separated by spaces, commas (，、) or semicolons."""
    return [i for i in _ID_SPLIT.split(text or "") if i]


def review(state: WebState, old_id: int, new_id: int) -> CrosswalkReview:
    """The stored crosswalk under review (Store.review), or a 404."""
    try:
        return state.store.review(old_id, new_id)
    except NotFound as exc:
        raise refusal(exc, title="未找到") from None


def decide(state: WebState, old_id: int, new_id: int, item: str, action: str, *, old_ids: list[str],
           new_ids: list[str], reason: str | None, revision: int | None, by: str) -> int:
    """Decide one item of a crosswalk through the store (its rules: Store.check_decision); the item's revision."""
    try:
        with state.lock:
            return state.store.decide(old_id, new_id, item, action, old_ids=old_ids, new_ids=new_ids,
                                      reason=reason, revision=revision, by=by)
    except EditConflict as exc:
        raise refusal(exc, "保存失败：在您打开页面之后，其他人已核定了该条目。请重新加载页面，查看最新结论后再核定。",
                      title="条目已被他人核定", indicator=item) from None
    except NotFound as exc:
        raise refusal(exc, title="未找到") from None
    except InvalidEdit as exc:
        raise refusal(exc, title="无法核定") from None


def decide_rest(state: WebState, old_id: int, new_id: int, *, reason: str | None, by: str) -> int:
    """Accept every link and confirm every removed/added item not decided yet; how many."""
    try:
        with state.lock:
            return state.store.decide_rest(old_id, new_id, reason=reason, by=by)
    except NotFound as exc:
        raise refusal(exc, title="未找到") from None


def crosswalk_file(state: WebState, old_id: int, new_id: int, fmt: str):
    """The 新旧对照表 of the crosswalk as decided, as DOCX or XLSX (未核实 in it until verified)."""
    from fastapi import Response

    from zhibiao.diff.report import to_docx, to_xlsx

    rv = review(state, old_id, new_id)
    old_cat, _ = find(state, old_id)
    new_cat, _ = find(state, new_id)
    if fmt == "docx":
        data = to_docx(rv.reviewed, old_cat, new_cat)
    elif fmt == "xlsx":
        data = to_xlsx(rv.reviewed, old_cat, new_cat)
    else:
        raise WebError(404, f"不支持下载格式“{fmt}”：请选择 DOCX 或 XLSX。", code="not_found", title="未找到")
    name = crosswalk_filename(old_cat.document.source_file, new_cat.document.source_file, rv.verified, fmt,
                              old_names=_pair(old_cat), new_names=_pair(new_cat))
    return Response(data, media_type=CROSSWALK_MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": content_disposition(name)})


def label_suggestions(state: WebState, cat_id: int) -> list[LabelSuggestion]:
    """Missing labels suggested from the catalogue's counterparts in stored crosswalks."""
    try:
        return state.store.label_suggestions(cat_id)
    except NotFound as exc:
        raise _not_found(exc, "目录") from None


def accept_label(state: WebState, cat_id: int, ident: str, *, revision: int, by: str) -> tuple[int, LabelSuggestion]:
    """Accept the suggested label of one indicator: the store's normal edit (Store.edit, field label) with its
    history; the reason names where the label comes from."""
    found = next((s for s in label_suggestions(state, cat_id) if s.indicator == ident), None)
    if found is None:
        raise WebError(404, f"指标 {ident} 没有可采纳的标签建议。", code="not_found", title="未找到",
                       reason="not_found")
    source = f"《{found.title}》" if found.title else f"目录 {found.catalogue}"
    reason = f"采纳对照建议：{source}中对应指标 {found.counterpart} 的名称"
    version, _, _ = edit_field(state, cat_id, ident, "label", found.text, revision=revision, reason=reason, by=by)
    return version, found
