"""Failures shown to the user: WebError, and the one translation of store refusals and input errors into
an HTTP status (zhibiao.errors.HTTP_STATUS), a code for API clients and a Chinese message."""

from __future__ import annotations

from zhibiao import errors as zerr
from zhibiao.errors import StoreError, http_status

__all__ = ["WebError", "refusal", "REFUSAL_MESSAGES", "INPUT_MESSAGES", "input_error"]


class WebError(Exception):
    """A failure shown to the user: HTTP status, a Chinese message, a code for API clients, extras."""

    def __init__(self, status: int, message: str, *, code: str = "error", title: str | None = None,
                 detail: str | None = None, template: str | None = None, reason: str | None = None, **extra):
        super().__init__(message)
        self.reason = reason  # the store's reason code, for a store refusal
        self.status = status
        self.message = message
        self.code = code
        self.title = title
        self.detail = detail
        self.template = template
        self.extra = extra


# store refusal reason -> the Chinese message (formatted with the refusal's params)
REFUSAL_MESSAGES = {
    "store_unavailable": "目录数据库暂时无法使用，请稍后再试。",
    "not_found": "没有找到该目录或指标。",
    "edit_conflict": "在您打开页面之后，其他人修改或核实了该指标。请重新加载页面，查看最新内容后再修改。",
    "not_verifiable": "目录暂不能标记为已核实。",
    "invalid_edit": "修改无效。",
    "field_not_editable": "不能修改该字段：只能修改文字、标签、分值和上级指标。",
    "text_empty": "指标文字不能为空。",
    "points_invalid": "分值必须是不小于 0 的数字（例如 2、0.5 或 0.5分），而不是“{value}”。",
    "marker_invalid": "“{value}”不是序号：请填写原文印出的序号，如（二）、3. 或 ①；没有序号请留空。",
    "warnings_not_accepted": "指标 {first} 等 {count} 项有警告尚未确认：有警告的指标须逐项确认警告后才能核实。",
    "restore_current": "第 {version} 版就是当前版本，无需恢复。",
    "parent_invalid": "上级指标“{parent}”不存在。",
    "parent_inside": "不能把指标移到它自己或它的下级之下。",
    "parent_level": "上级指标必须是第 {level} 级指标，“{parent}”是第 {parent_level} 级。",
    "format_unknown": "不支持导出格式“{format}”：请选择 JSON、CSV 或 XLSX。",
    "crosswalk_not_found": "这两个目录还没有对比过。请在对比页面选择它们并开始对比。",
    "crosswalk_item_not_found": "对照表中没有条目“{item}”。",
    "decision_invalid": "不能对条目“{item}”执行该操作。",
    "reason_required": "请填写核定理由。",
    "ids_missing": "请至少填写一个{version}条目编号。",
    "id_unknown": "{version}目录中没有末级指标“{id}”。",
    "relink_unchanged": "重新对应的条目与原对应关系相同，请直接选择“确认”。",
}

# the code API clients see for each store refusal class (finer reasons are in the body's "reason")
_CODES = {zerr.NotFound: "not_found", zerr.EditConflict: "edit_conflict", zerr.NotVerifiable: "not_verifiable",
          zerr.InvalidEdit: "invalid_edit", StoreError: "store_unavailable"}


def refusal(exc: StoreError, message: str | None = None, **extra) -> WebError:
    """The WebError for a store refusal: status from zhibiao.errors.HTTP_STATUS, the Chinese message of its
    reason (or the one given, where the page knows better what was attempted), the store's own message as
    the technical detail."""
    code = next(_CODES[cls] for cls in type(exc).__mro__ if cls in _CODES)
    if message is None:
        template = REFUSAL_MESSAGES.get(exc.reason) or REFUSAL_MESSAGES[code]
        try:
            message = template.format(**exc.params)
        except (KeyError, IndexError):
            message = REFUSAL_MESSAGES[code]
    return WebError(http_status(exc), message, code=code, detail=exc.message(), reason=exc.reason, **extra)


# input error -> HTTP status and the Chinese message of an upload that cannot be read
INPUT_MESSAGES: list[tuple[type, int, str]] = [
    (zerr.FileTooLarge, 413, "文件太大，超过了上传上限。"),
    (zerr.UnsupportedFormat, 415, "不支持此文件类型：请上传 PDF、OFD、Word (DOCX/DOC)、WPS、Excel (XLSX/XLS)、ET、"
                                  "RTF、网页 (HTML)、CSV、TXT 文本或扫描图片（JPG、PNG、TIFF）。"),
    (zerr.NotText, 415, "文件不是文本通知（内容是二进制数据）。请上传 PDF、OFD、DOCX、DOC、WPS、XLSX、XLS、ET、RTF、"
                        "HTML、CSV、TXT 文件或扫描图片（JPG、PNG、TIFF）。"),
    (zerr.UndecodableText, 415, "文本既不是 UTF-8 也不是 GBK/GB18030 编码，请另存为 UTF-8 后再上传。"),
    (zerr.EmptyInput, 422, "文件是空的。"),
    (zerr.EncryptedPDF, 422, "PDF 已加密或设置了密码，请另存一份未加密的副本后再上传。"),
    (zerr.NoTextLayer, 422, "文件中没有文字层，文字识别（OCR）也没有识别出文字（可能是空白页），未予读取。"),
    (zerr.ImageTooLarge, 413, "图片（或需识别的页面）像素过多，超过了读取上限，未予解码。"),
    (zerr.CorruptFile, 422, "文件已损坏或不完整，无法读取。"),
    (zerr.InflatesTooLarge, 413, "文件解压后超过了大小上限（可能是压缩炸弹），未予读取。"),
    (zerr.TextTooLong, 422, "文件中有一段文字或一个单元格超过 200,000 字，超出了读取上限，未予读取。"),
    (zerr.TableTooWide, 422, "文件中有一行表格超过 1,000 个单元格，超出了读取上限，未予读取。"),
    (zerr.TooManyParts, 413, "文件的页数或压缩包内的部件数超过了读取上限，未予读取。"),
    (zerr.ConverterMissing, 503, "服务器未安装 LibreOffice，暂时无法读取旧版 .doc/.wps/.xls/.et/.rtf 文件。"
                                 "请管理员安装 libreoffice-writer-nogui 和 libreoffice-calc-nogui，"
                                 "或将文件另存为 DOCX、XLSX 或 PDF 后上传。"),
    (zerr.OcrEngineMissing, 503, "服务器未安装所选的文字识别（OCR）引擎 Tesseract，暂时无法识别扫描件。"
                                 "请管理员安装 tesseract-ocr 和 tesseract-ocr-chi-sim，或改用默认识别引擎。"),
    (zerr.ConversionFailed, 422, "LibreOffice 无法转换此旧版文件（文件可能已损坏或设置了密码），未予读取。"),
    (zerr.NoRubric, 422, "通知中没有找到带分值的指标体系，未保存任何目录。"),
]


def input_error(exc: zerr.ZhibiaoError, detail: str | None = None) -> WebError:
    """The WebError for a notice that cannot be stored (unreadable, no rubric)."""
    for cls, status, msg in INPUT_MESSAGES:
        if isinstance(exc, cls):
            return WebError(status, msg, code=cls.__name__, title="无法读取文件", detail=detail)
    return WebError(422, "无法读取该文件。", code=type(exc).__name__, title="无法读取文件", detail=detail)
