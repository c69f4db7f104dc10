"""Every user-facing failure of zhibiao, and its exit code, in one module.

Each exception's docstring is its message; ``EXIT_CODES`` is the one table from exception to exit
code (the README's exit-code table; a test keeps them equal). The command line looks an error up
there with ``exit_code(exc)``; a class's ``exit_code`` attribute is the same table's entry.

    ZhibiaoError                   70  a bug, or anything not named below
    ├── NoRubric                    2  no rubric in the notice
    ├── BadInput                    3  the input file cannot be read as a notice
    │   ├── InputNotFound, EmptyInput, NotText, UndecodableText, UnsupportedFormat,
    │   ├── FileTooLarge, EncryptedPDF, NoTextLayer, CorruptFile, InflatesTooLarge, TextTooLong, TableTooWide,
    │   └── TooManyParts, ConverterMissing, ConversionFailed, ImageTooLarge, OcrEngineMissing
    ├── InvalidCatalogue            4  not a valid catalogue JSON
    ├── OutputError                 5  the output cannot be written
    ├── InvalidAssessment           6  zhibiao score: invalid assessment CSV
    │   └── InvalidSheet                  a filled-in score sheet that cannot be scored against the catalogue
    ├── UnverifiedCatalogue         7  zhibiao score: the catalogue is not verified
    ├── StoreError                  8  the catalogue store refused (cannot open the database)
    │   ├── NotFound                   no such catalogue or indicator
    │   ├── EditConflict               the indicator changed since the editor read it
    │   ├── NotVerifiable              the catalogue cannot be marked verified yet
    │   └── InvalidEdit                the edit is not allowed (its ``reason`` says which rule)
    └── UnprovenVerification        9  zhibiao score: the catalogue says it is verified, its signature does not show it

Store refusals carry a ``reason`` code (``InvalidEdit.reason``: ``field_not_editable``,
``text_empty``, ``points_invalid``, ``parent_invalid``, ``parent_inside``, ``parent_level``,
``format_unknown``; for crosswalk decisions ``decision_invalid``, ``reason_required``, ``ids_missing``,
``id_unknown``, ``relink_unchanged``; ``NotFound.reason`` ``crosswalk_not_found``, ``crosswalk_item_not_found``)
and ``params`` (the values the message names), so that the web app can say the same in Chinese.
"""

from __future__ import annotations

__all__ = [
    "EXIT_OK",
    "EXIT_FINDINGS",
    "EXIT_NO_RUBRIC",
    "EXIT_BAD_INPUT",
    "EXIT_BAD_CATALOGUE",
    "EXIT_OUTPUT",
    "EXIT_BAD_ASSESSMENT",
    "EXIT_UNVERIFIED",
    "EXIT_STORE",
    "EXIT_UNPROVEN",
    "EXIT_USAGE",
    "EXIT_INTERNAL",
    "EXIT_CODES",
    "exit_code",
    "HTTP_STATUS",
    "http_status",
    "ZhibiaoError",
    "BadInput",
    "InputNotFound",
    "EmptyInput",
    "NotText",
    "UndecodableText",
    "UnsupportedFormat",
    "FileTooLarge",
    "EncryptedPDF",
    "NoTextLayer",
    "CorruptFile",
    "InflatesTooLarge",
    "TextTooLong",
    "TableTooWide",
    "TooManyParts",
    "ConverterMissing",
    "ConversionFailed",
    "ImageTooLarge",
    "OcrEngineMissing",
    "NoRubric",
    "InvalidCatalogue",
    "OutputError",
    "InvalidAssessment",
    "InvalidSheet",
    "UnverifiedCatalogue",
    "UnprovenVerification",
    "StoreError",
    "NotFound",
    "EditConflict",
    "NotVerifiable",
    "InvalidEdit",
]

EXIT_OK = 0
EXIT_FINDINGS = 1  # the catalogue was written/checked but has errors (not an exception: the findings say)
EXIT_NO_RUBRIC = 2
EXIT_BAD_INPUT = 3
EXIT_BAD_CATALOGUE = 4
EXIT_OUTPUT = 5
EXIT_BAD_ASSESSMENT = 6
EXIT_UNVERIFIED = 7
EXIT_STORE = 8
EXIT_UNPROVEN = 9
EXIT_USAGE = 64  # click's usage errors
EXIT_INTERNAL = 70


class ZhibiaoError(Exception):
    """zhibiao could not complete the request."""

    exit_code = EXIT_INTERNAL  # set from EXIT_CODES below

    def __init__(self, path: str | None = None, detail: str | None = None):
        self.path = path
        self.detail = detail
        super().__init__(self.message())

    def message(self) -> str:
        """The message shown to the user: file, reason, detail."""
        text = " ".join((self.__doc__ or "").split()).rstrip(".")  # a docstring may wrap
        if self.path:
            text = f"{self.path}: {text}"
        if self.detail:
            text = f"{text}: {self.detail}"
        return text


# --- input -----------------------------------------------------------------------------------


class BadInput(ZhibiaoError):
    """the input file cannot be read as a notice"""


class InputNotFound(BadInput):
    """file not found or not readable"""


class EmptyInput(BadInput):
    """file is empty"""


class NotText(BadInput):
    """file is binary data, not a text notice"""


class UndecodableText(BadInput):
    """text is neither UTF-8 nor GB18030/GBK"""


class UnsupportedFormat(BadInput):
    """file format is not supported"""


class FileTooLarge(BadInput):
    """file is larger than the size limit (set ZHIBIAO_MAX_BYTES or --max-bytes to raise it); refused before parsing"""


class EncryptedPDF(BadInput):
    """PDF is encrypted or password-protected: save an unprotected copy first"""


class NoTextLayer(BadInput):
    """no text can be read: the file has no text layer, and OCR cannot read its pages"""


class CorruptFile(BadInput):
    """file is damaged or truncated and cannot be read"""


class InflatesTooLarge(BadInput):
    """file decompresses beyond the decompressed-size limit (a zip or flate bomb?); refused"""


class TextTooLong(BadInput):
    """a paragraph or table cell is longer than the text-length limit (200,000 characters); refused"""


class TableTooWide(BadInput):
    """a table row has more cells than the table-width limit (1,000 cells); refused"""


class TooManyParts(BadInput):
    """file has more pages or package parts than the reading limit; refused"""


class ConverterMissing(BadInput):
    """legacy .doc/.wps/.xls/.et/.rtf files are converted with LibreOffice, which is not installed here:
    install it with `apt install libreoffice-writer-nogui libreoffice-calc-nogui` (or set ZHIBIAO_SOFFICE to its
    soffice)"""


class ConversionFailed(BadInput):
    """LibreOffice could not convert this legacy file"""


class ImageTooLarge(BadInput):
    """image (or a page to be rendered for OCR) has more pixels than the reading limit; refused before decoding"""


class OcrEngineMissing(BadInput):
    """the OCR engine chosen (--ocr-engine tesseract) is not installed here: install it with `apt install
    tesseract-ocr tesseract-ocr-chi-sim` (or set ZHIBIAO_TESSERACT to its tesseract), or use the default engine"""


class NoRubric(ZhibiaoError):
    """no rubric (指标体系 with points) found in this notice"""


class InvalidCatalogue(ZhibiaoError):
    """not a valid zhibiao catalogue JSON"""


class OutputError(ZhibiaoError):
    """cannot write output"""


# --- scoring ---------------------------------------------------------------------------------


class InvalidAssessment(ZhibiaoError):
    """not a valid assessment (a CSV with header id,awarded and one row per leaf indicator of the rubric)"""


class InvalidSheet(InvalidAssessment):
    """not a valid score sheet of this catalogue (each leaf indicator's row once, its 得分 a number of points up to the
    item's, or 不适用)"""


class UnverifiedCatalogue(ZhibiaoError):
    """catalogue is not verified: verify it in the review app, or pass --allow-unverified to score it anyway"""


class UnprovenVerification(ZhibiaoError):
    """catalogue says it is verified, but no store signature shows it (--allow-unverified scores it as unverified)"""


# --- the catalogue store ---------------------------------------------------------------------


class StoreError(ZhibiaoError):
    """the catalogue store cannot do this"""

    reason = "store_unavailable"

    def __init__(self, path: str | None = None, detail: str | None = None, *, reason: str | None = None,
                 **params):
        if reason is not None:
            self.reason = reason
        self.params = params
        super().__init__(path, detail)


class NotFound(StoreError):
    """no such catalogue or indicator in the store"""

    reason = "not_found"


class EditConflict(StoreError):
    """someone else changed this indicator since you opened it: reload and apply your change again"""

    reason = "edit_conflict"


class NotVerifiable(StoreError):
    """the catalogue cannot be marked verified yet"""

    reason = "not_verifiable"


class InvalidEdit(StoreError):
    """this edit is not valid"""

    reason = "invalid_edit"


# --- exit codes ------------------------------------------------------------------------------

# The one table from exception to exit code; a subclass takes the entry of its nearest listed base.
EXIT_CODES: dict[type[ZhibiaoError], int] = {
    ZhibiaoError: EXIT_INTERNAL,
    NoRubric: EXIT_NO_RUBRIC,
    BadInput: EXIT_BAD_INPUT,
    InvalidCatalogue: EXIT_BAD_CATALOGUE,
    OutputError: EXIT_OUTPUT,
    InvalidAssessment: EXIT_BAD_ASSESSMENT,
    UnverifiedCatalogue: EXIT_UNVERIFIED,
    UnprovenVerification: EXIT_UNPROVEN,
    StoreError: EXIT_STORE,
}


def exit_code(exc: BaseException) -> int:
    """The exit code of an exception: its nearest class in EXIT_CODES (EXIT_INTERNAL for anything else)."""
    for cls in type(exc).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return EXIT_INTERNAL


# What the review app and its JSON API answer a store refusal with (the CLI exits with EXIT_STORE for all).
HTTP_STATUS: dict[type[StoreError], int] = {
    StoreError: 503,  # the database cannot be opened or answered with an error
    NotFound: 404,
    EditConflict: 409,
    NotVerifiable: 422,
    InvalidEdit: 422,
}


def http_status(exc: StoreError) -> int:
    """The HTTP status of a store refusal: its nearest class in HTTP_STATUS."""
    return next(HTTP_STATUS[cls] for cls in type(exc).__mro__ if cls in HTTP_STATUS)


for _cls, _code in EXIT_CODES.items():
    _cls.exit_code = _code
del _cls, _code
