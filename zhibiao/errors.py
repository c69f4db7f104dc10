"""Exceptions for user-facing failures; each docstring is the message, each class has an exit code."""

from __future__ import annotations

__all__ = [
    "EXIT_OK",
    "EXIT_FINDINGS",
    "EXIT_NO_RUBRIC",
    "EXIT_BAD_INPUT",
    "EXIT_BAD_CATALOGUE",
    "EXIT_OUTPUT",
    "EXIT_USAGE",
    "EXIT_INTERNAL",
    "ZhibiaoError",
    "InputNotFound",
    "EmptyInput",
    "NotText",
    "UndecodableText",
    "UnsupportedFormat",
    "FileTooLarge",
    "EncryptedPDF",
    "NoTextLayer",
    "CorruptFile",
    "NoRubric",
    "InvalidCatalogue",
    "OutputError",
]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_NO_RUBRIC = 2
EXIT_BAD_INPUT = 3
EXIT_BAD_CATALOGUE = 4
EXIT_OUTPUT = 5
EXIT_USAGE = 64
EXIT_INTERNAL = 70


class ZhibiaoError(Exception):
    """zhibiao could not complete the request."""

    exit_code = EXIT_INTERNAL

    def __init__(self, path: str | None = None, detail: str | None = None):
        self.path = path
        self.detail = detail
        super().__init__(self.message())

    def message(self) -> str:
        """The message shown to the user: file, reason, detail."""
        text = (self.__doc__ or "").strip().rstrip(".")
        if self.path:
            text = f"{self.path}: {text}"
        if self.detail:
            text = f"{text}: {self.detail}"
        return text


class InputNotFound(ZhibiaoError):
    """file not found or not readable"""

    exit_code = EXIT_BAD_INPUT


class EmptyInput(ZhibiaoError):
    """file is empty"""

    exit_code = EXIT_BAD_INPUT


class NotText(ZhibiaoError):
    """file is binary data, not a text notice"""

    exit_code = EXIT_BAD_INPUT


class UndecodableText(ZhibiaoError):
    """text is neither UTF-8 nor GB18030/GBK"""

    exit_code = EXIT_BAD_INPUT


class UnsupportedFormat(ZhibiaoError):
    """file format is not supported"""

    exit_code = EXIT_BAD_INPUT


class FileTooLarge(ZhibiaoError):
    """file is larger than the size limit (set ZHIBIAO_MAX_BYTES or --max-bytes to raise it); refused before parsing"""

    exit_code = EXIT_BAD_INPUT


class EncryptedPDF(ZhibiaoError):
    """PDF is encrypted or password-protected: save an unprotected copy first"""

    exit_code = EXIT_BAD_INPUT


class NoTextLayer(ZhibiaoError):
    """PDF has no text layer (scanned image), OCR needed"""

    exit_code = EXIT_BAD_INPUT


class CorruptFile(ZhibiaoError):
    """file is damaged or truncated and cannot be read"""

    exit_code = EXIT_BAD_INPUT


class NoRubric(ZhibiaoError):
    """no rubric (指标体系 with points) found in this notice"""

    exit_code = EXIT_NO_RUBRIC


class InvalidCatalogue(ZhibiaoError):
    """not a valid zhibiao catalogue JSON"""

    exit_code = EXIT_BAD_CATALOGUE


class OutputError(ZhibiaoError):
    """cannot write output"""

    exit_code = EXIT_OUTPUT
