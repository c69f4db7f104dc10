"""What the pages and the API show in Chinese: labels of flags, findings, fields and formats, points, times."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zhibiao.findings import render_zh, titles_zh
from zhibiao.model import Finding, dec_str

__all__ = [
    "FLAG_LABELS", "FLAG_HINTS", "FINDING_LABELS", "SEVERITY_LABELS", "SEVERITY_RANK", "FIELD_LABELS", "FORMAT_LABELS",
    "finding_text", "pts", "local_time",
]

FLAG_LABELS = {
    "label_missing": "标签缺失",
    "inferred_from_sum": "分值由下级推算",
    "points_unit_missing": "分值缺少“分”字",
    "points_unbracketed": "分值未加括号",
    "points_from_deduction": "分值取自评分标准",
    "label_by_reviewer": "标签由审核人补填",
    "ocr_low_confidence": "识别置信度低",
}

# what each flag means, for its tooltip
FLAG_HINTS = {
    "label_missing": "原文此处未印出标签，需审核人对照原文补填",
    "inferred_from_sum": "原文未印出本项分值，系由下级指标分值相加推算",
    "points_unit_missing": "原文分值后没有“分”字，请核对是否确为分值",
    "points_unbracketed": "原文分值未加括号，请核对是否确为分值",
    "points_from_deduction": "分值取自评分标准（扣分办法）中的数字，请核对",
    "label_by_reviewer": "原文未印出标签，现标签由审核人补填",
    "ocr_low_confidence": "本项文字由扫描件识别（OCR）读出，识别把握不大，请对照原件核对文字和分值",
}

FINDING_LABELS = titles_zh()  # code -> its short Chinese name, from the registry (zhibiao/findings.py)

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}

FIELD_LABELS = {
    "text": "文字",
    "label": "标签",
    "marker": "序号",
    "points": "分值",
    "parent": "上级指标",
    "verified": "核实指标",
    "catalogue_verified": "核实目录",
    "warning_accepted": "确认警告",
    "restored": "恢复版本",
}

FORMAT_LABELS = {"txt": "TXT 文本", "pdf": "PDF", "docx": "Word (DOCX)", "html": "网页 (HTML)",
                 "xlsx": "Excel (XLSX)", "csv": "CSV", "ofd": "OFD 版式文件",
                 "doc": "旧版 Word (DOC)，经 LibreOffice 转换后读取",
                 "wps": "WPS 文字 (WPS)，经 LibreOffice 转换后读取",
                 "xls": "旧版 Excel (XLS)，经 LibreOffice 转换后读取",
                 "et": "WPS 表格 (ET)，经 LibreOffice 转换后读取",
                 "rtf": "RTF，经 LibreOffice 转换后读取",
                 "png": "PNG 图片，经文字识别（OCR）读取", "jpeg": "JPEG 图片，经文字识别（OCR）读取",
                 "tiff": "TIFF 图片，经文字识别（OCR）读取"}

_BEIJING = dt.timezone(dt.timedelta(hours=8))


def finding_text(finding: Finding) -> str:
    """The finding in Chinese, rendered from its params; a finding written before 1.2 (no params) shows its message."""
    return render_zh(finding)


def pts(value: Decimal | None) -> str:
    """Points as printed: '2', '0.5'; '' for none."""
    return dec_str(value) if value is not None else ""


def local_time(value: dt.datetime | None) -> str:
    """A stored timestamp (UTC; naive ones from SQLite are UTC too) in Beijing time."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(_BEIJING).strftime("%Y-%m-%d %H:%M:%S")
