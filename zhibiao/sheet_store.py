"""Assessments in the catalogue store: units' score sheets read against a verified catalogue (the tables
``assessments`` and ``assessment_edits`` of store schema 5), their fixes and confirmation.

Each sheet is one assessment of one catalogue version: the file, its rows as aligned (zhibiao/sheet_review.py), a
revision (a fix sent against an older revision is an EditConflict), and its confirmation (已确认: who, when). A fix
(a row aligned to another leaf, a value changed) needs a reason, is recorded with who, when, the old and the new
value, and withdraws the confirmation. Only an assessment whose rows give no problems can be confirmed; the cohort
counts confirmed assessments only.
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
from collections.abc import Callable

from pydantic import BaseModel
from sqlalchemy import insert, select, update

from zhibiao.errors import EditConflict, InvalidEdit, NotFound
from zhibiao.model import Rubric
from zhibiao.sheet_review import SheetReview, check, set_leaf, set_value
from zhibiao.store import Store, _inserted_id, _now, assessment_edits, assessments

__all__ = ["AssessmentRow", "AssessmentEdit", "SheetStore", "REASON_MAX"]

REASON_MAX = 500


class AssessmentRow(BaseModel):
    """One stored assessment as listed (without its file)."""

    id: int
    catalogue_id: int
    catalogue_version: int
    unit: str
    tier: str | None
    filename: str
    revision: int
    confirmed_at: dt.datetime | None
    confirmed_by: str | None
    created_at: dt.datetime
    created_by: str

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class AssessmentEdit(BaseModel):
    """One fix or confirmation of an assessment."""

    sheet_row: int | None
    field: str
    old_value: str | None
    new_value: str | None
    reason: str | None
    by: str
    at: dt.datetime


_LISTED = (assessments.c.id, assessments.c.catalogue_id, assessments.c.catalogue_version, assessments.c.unit,
           assessments.c.tier, assessments.c.filename, assessments.c.revision, assessments.c.confirmed_at,
           assessments.c.confirmed_by, assessments.c.created_at, assessments.c.created_by)


def _reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise InvalidEdit(None, "a fix needs a reason", reason="fix_reason_required")
    if len(text) > REASON_MAX:
        raise InvalidEdit(None, f"a reason is at most {REASON_MAX} characters", reason="fix_reason_too_long",
                          max=REASON_MAX)
    return text


class SheetStore:
    """The assessments of a Store's catalogues."""

    def __init__(self, store: Store):
        self.store = store
        self.engine = store.engine

    def find(self, cat_id: int, data: bytes) -> int | None:
        """The assessment of this catalogue made from these very bytes, if any."""
        sha = hashlib.sha256(data).hexdigest()
        with self.engine.connect() as conn:
            return conn.execute(select(assessments.c.id).where(assessments.c.catalogue_id == cat_id,
                                                               assessments.c.sha256 == sha)).scalar()

    def add(self, cat_id: int, version: int, data: bytes, review: SheetReview, *, by: str) -> tuple[int, bool]:
        """Store a sheet read against the catalogue's version; the same bytes again give the same id (created
        False). InvalidEdit (unit_taken) when another sheet of the catalogue names the same unit."""
        sha = hashlib.sha256(data).hexdigest()
        now = _now()
        with self.engine.begin() as conn:
            existing = conn.execute(select(assessments.c.id).where(assessments.c.catalogue_id == cat_id,
                                                                   assessments.c.sha256 == sha)).scalar()
            if existing is not None:
                return existing, False
            other = conn.execute(select(assessments.c.id, assessments.c.filename).where(
                assessments.c.catalogue_id == cat_id, assessments.c.unit == review.unit)).first()
            if other is not None:
                raise InvalidEdit(None, f"unit {review.unit!r} has a sheet already ({other[1]})", reason="unit_taken",
                                  unit=review.unit, filename=other[1], id=other[0])
            ident = _inserted_id(conn.execute(insert(assessments).values(
                catalogue_id=cat_id, catalogue_version=version, unit=review.unit, tier=review.tier,
                filename=review.filename, sha256=sha, size=len(data), data=data, body=review.model_dump_json(),
                revision=1, created_at=now, created_by=by)))
        return ident, True

    def list(self, cat_id: int) -> builtins.list[tuple[AssessmentRow, SheetReview]]:
        """The catalogue's assessments with their rows, by unit."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(*_LISTED, assessments.c.body).where(assessments.c.catalogue_id == cat_id)
                                .order_by(assessments.c.unit, assessments.c.id)).all()
        return [(AssessmentRow(**{k: v for k, v in r._mapping.items() if k != "body"}),
                 SheetReview.model_validate_json(r.body)) for r in rows]

    def get(self, ident: int) -> tuple[AssessmentRow, SheetReview]:
        with self.engine.connect() as conn:
            r = conn.execute(select(*_LISTED, assessments.c.body).where(assessments.c.id == ident)).first()
        if r is None:
            raise NotFound(None, f"assessment {ident}", assessment=ident)
        return (AssessmentRow(**{k: v for k, v in r._mapping.items() if k != "body"}),
                SheetReview.model_validate_json(r.body))

    def document(self, ident: int) -> tuple[str, bytes]:
        """The sheet as uploaded: name and bytes."""
        with self.engine.connect() as conn:
            r = conn.execute(select(assessments.c.filename, assessments.c.data)
                             .where(assessments.c.id == ident)).first()
        if r is None:
            raise NotFound(None, f"assessment {ident}", assessment=ident)
        return r[0], r[1]

    def history(self, ident: int) -> builtins.list[AssessmentEdit]:
        """Every fix and confirmation, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(assessment_edits.c.sheet_row, assessment_edits.c.field,
                                       assessment_edits.c.old_value, assessment_edits.c.new_value,
                                       assessment_edits.c.reason, assessment_edits.c.by, assessment_edits.c.at)
                                .where(assessment_edits.c.assessment_id == ident)
                                .order_by(assessment_edits.c.id)).all()
        return [AssessmentEdit(**r._mapping) for r in rows]

    # --- changes ----------------------------------------------------------------------------------

    def _change(self, ident: int, revision: int, by: str,
                change: Callable[[SheetReview], builtins.list[dict]], *, confirm: bool | None = None) -> int:
        """Apply change(review) (which returns the history records) and save it as the next revision, in one
        transaction; EditConflict when the assessment is no longer at ``revision``. confirm True sets the
        confirmation, anything else withdraws it (a change always does). Returns the new revision."""
        _, review = self.get(ident)
        records = change(review)
        now = _now()
        with self.engine.begin() as conn:
            row = conn.execute(select(assessments.c.confirmed_at).where(assessments.c.id == ident)).first()
            if row is None:
                raise NotFound(None, f"assessment {ident}", assessment=ident)
            values: dict = {"revision": revision + 1, "body": review.model_dump_json()}
            if confirm:
                values.update(confirmed_at=now, confirmed_by=by)
            elif row[0] is not None:
                values.update(confirmed_at=None, confirmed_by=None)
                records.append({"field": "unconfirmed", "reason": "修改后须重新确认"})
            done = conn.execute(update(assessments).where(assessments.c.id == ident,
                                                          assessments.c.revision == revision).values(**values))
            if done.rowcount != 1:
                raise EditConflict(None, f"assessment {ident}", assessment=ident)
            for rec in records:
                conn.execute(insert(assessment_edits).values(assessment_id=ident, by=by, at=now, **rec))
        return revision + 1

    def fix_leaf(self, ident: int, row: int, leaf: str, rubric: Rubric, *, reason: str | None, by: str,
                 revision: int) -> int:
        """Align a sheet row to another leaf (or none, or not an item), with a reason."""
        why = _reason(reason)

        def change(review: SheetReview) -> builtins.list[dict]:
            old, new, lost = set_leaf(review, row, leaf, rubric)
            out = [{"sheet_row": row, "field": "leaf", "old_value": old, "new_value": new, "reason": why}]
            out += [{"sheet_row": r, "field": "leaf", "old_value": new, "new_value": "",
                     "reason": f"该指标已改由第 {row} 行对应"} for r in lost]
            return out

        return self._change(ident, revision, by, change)

    def fix_value(self, ident: int, row: int, value: str, rubric: Rubric, *, reason: str | None, by: str,
                  revision: int) -> int:
        """Change a row's 得分, with a reason."""
        why = _reason(reason)

        def change(review: SheetReview) -> builtins.list[dict]:
            old, new = set_value(review, row, value, rubric)
            return [{"sheet_row": row, "field": "value", "old_value": old, "new_value": new, "reason": why}]

        return self._change(ident, revision, by, change)

    def confirm(self, ident: int, rubric: Rubric, *, by: str, revision: int) -> int:
        """Mark the assessment 已确认; InvalidEdit (sheet_problems) while its rows give problems."""
        meta, review = self.get(ident)
        if meta.confirmed:
            raise InvalidEdit(None, f"assessment {ident} is confirmed already", reason="sheet_confirmed")
        problems = check(review, rubric).problems
        if problems:
            raise InvalidEdit(None, f"{len(problems)} problem(s) left", reason="sheet_problems",
                              count=len(problems))

        def change(_review: SheetReview) -> builtins.list[dict]:
            return [{"field": "confirmed", "reason": None}]

        return self._change(ident, revision, by, change, confirm=True)
