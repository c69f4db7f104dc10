"""zhibiao.errors is the one table from exception to exit code, and it is the README's table."""

from __future__ import annotations

import re
from pathlib import Path

from zhibiao import errors
from zhibiao.errors import EXIT_CODES, BadInput, InputNotFound, StoreError, ZhibiaoError, exit_code

README = Path(__file__).resolve().parent.parent / "README.md"


def _readme_codes() -> dict[int, str]:
    """The rows of the README's '### Exit codes' table: code -> meaning."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Exit codes", 1)[1].split("\n#", 1)[0]
    return {int(m[1]): m[2] for m in re.finditer(r"^\| (\d+) \| (.+?) \|$", section, re.M)}


def test_exit_code_table_is_the_readmes():
    readme = _readme_codes()
    not_exceptions = {errors.EXIT_OK, errors.EXIT_FINDINGS, errors.EXIT_USAGE}
    assert set(readme) == set(EXIT_CODES.values()) | not_exceptions
    assert readme[errors.EXIT_INTERNAL].startswith("internal error")
    for cls, code in EXIT_CODES.items():
        assert cls.exit_code == code
        # the README's meaning of the code says what the exception's docstring says, in its own words
        words = {errors.NoRubric: "no rubric", BadInput: "unreadable input",
                 errors.InvalidCatalogue: "not a valid catalogue",
                 errors.OutputError: "cannot be written", errors.InvalidAssessment: "invalid assessment",
                 errors.UnverifiedCatalogue: "not verified", StoreError: "store refused",
                 errors.UnprovenVerification: "says it is verified",
                 ZhibiaoError: "internal error"}
        assert words[cls] in readme[code], (cls, readme[code])


def test_every_error_class_has_an_exit_code_from_the_table():
    classes = [getattr(errors, name) for name in errors.__all__ if isinstance(getattr(errors, name), type)]
    assert all(issubclass(cls, ZhibiaoError) for cls in classes)
    for cls in classes:
        assert (cls.__doc__ or "").strip(), cls
        assert exit_code(cls.__new__(cls)) == cls.exit_code in set(EXIT_CODES.values())
    assert exit_code(InputNotFound("x")) == 3 and exit_code(errors.EditConflict()) == 8
    assert exit_code(ValueError()) == errors.EXIT_INTERNAL


def test_store_refusals_carry_a_reason():
    assert errors.InvalidEdit(None, "x", reason="points_invalid", value="-1").reason == "points_invalid"
    assert errors.InvalidEdit().reason == "invalid_edit" and errors.NotFound().reason == "not_found"
    assert errors.EditConflict(None, "indicator 1", indicator="1").params == {"indicator": "1"}
