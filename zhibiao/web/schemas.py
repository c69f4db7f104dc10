"""Request and response models of the JSON API (/api/)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from zhibiao.inputs import DB_INT_MAX
from zhibiao.model import Catalogue, Finding, ReviewedCrosswalk
from zhibiao.store import CatalogueRow, Decision, EditRow

__all__ = [
    "ErrorOut", "SessionOut", "ReviewerIn", "CatalogueSummary", "UploadOut", "IngestOut", "CatalogueOut", "EditIn",
    "EditOut", "VerifyIn", "VerifyOut", "VerifyCatalogueIn", "VerifyCatalogueOut", "NotVerifiableOut", "EditRecord",
    "CrosswalkIn", "SourcePart", "SourceOut", "ReviewItemOut", "ReviewOut", "DecisionIn", "DecisionOut",
    "LabelAcceptIn", "DbInt", "SaveIn", "SaveOut", "AcceptWarningsIn", "VerifySubtreeIn", "VerifySubtreeOut",
    "RestoreIn", "RestoreOut", "SearchHit", "VerifierOut",
]


# an id, version or revision: what the database can hold (zhibiao.inputs)
DbInt = Annotated[int, Field(ge=0, le=DB_INT_MAX)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(BaseModel):
    """Every API error: a Chinese message for people and a code for programs."""

    detail: str = Field(description="中文说明")
    code: str = Field(description="machine-readable error code, e.g. not_found, edit_conflict, csrf")
    technical: str | None = Field(None, description="the underlying message, if any")
    reason: str | None = Field(None, description="for a refusal of the catalogue store, its reason code, e.g. "
                                                 "points_invalid, parent_level, edit_conflict (zhibiao.errors)")


class NotVerifiableOut(ErrorOut):
    """Why a catalogue cannot be marked verified."""

    unverified: list[str] = Field(description="ids of indicators nobody has verified yet")
    errors: list[Finding] = Field(description="error findings of the checks")


class ConflictOut(ErrorOut):
    """The indicator changed since the client read its revision."""

    indicator: str | None = None


class SessionOut(BaseModel):
    """The CSRF token to send as X-Zhibiao-CSRF with every API POST, and the reviewer of this session."""

    csrf_token: str
    header: str = "X-Zhibiao-CSRF"
    reviewer: str | None


class ReviewerIn(_In):
    reviewer: str = Field(min_length=1, max_length=64, description="审核人姓名, kept in the session cookie")


CatalogueSummary = CatalogueRow  # the store's listing row is the API's


class UploadOut(BaseModel):
    id: int
    created: bool = Field(description="false when the same file was stored before (its catalogue is returned)")
    url: str = Field(description="the catalogue's review page")


class IngestOut(BaseModel):
    """An upload being read now (the notice is parsed outside the write lock; edits go on meanwhile)."""

    filename: str
    by: str
    size: int = Field(description="bytes")
    seconds: float = Field(description="seconds since the upload started to be read")
    stage: Literal["parsing", "saving"]


class CatalogueOut(BaseModel):
    """A catalogue version with what an editor needs: each indicator's revision."""

    id: int
    version: int
    current_version: int
    verified: bool
    verified_indicators: list[str]
    revisions: dict[str, int] = Field(description="indicator id -> revision; send it back with an edit or verify")
    catalogue: Catalogue


class EditIn(_In):
    indicator: str = Field(description="indicator id, e.g. 7.2")
    field: Literal["text", "label", "points", "marker", "parent"]
    value: str = Field(description="new text/label, points as a decimal string, or the new parent's id")
    revision: DbInt = Field(description="the indicator's revision the edit is based on")
    reason: str = Field(min_length=1, description="修改原因 (required)")
    by: str | None = Field(None, max_length=64, description="reviewer; defaults to the session's reviewer")


class EditOut(BaseModel):
    version: int = Field(description="the catalogue version the edit created")
    indicator: str = Field(description="the indicator's id after the edit (changes when its parent changed)")
    revision: int = Field(description="the indicator's new revision")


class VerifyIn(_In):
    revisions: dict[str, DbInt] = Field(min_length=1,
                                        description="indicator id -> the revision the reviewer checked")
    accept: list[str] = Field([], description="ids among them whose warnings the reviewer accepts now (an "
                                              "indicator with warnings is verified only so, or once accepted)")
    by: str | None = Field(None, max_length=64)


class VerifyOut(BaseModel):
    version: int
    verified_indicators: int = Field(description="how many indicators of the catalogue are verified now")
    total_indicators: int


class VerifyCatalogueIn(_In):
    by: str | None = Field(None, max_length=64)


class VerifyCatalogueOut(BaseModel):
    version: int
    verified: bool


EditRecord = EditRow  # the store's history row is the API's


class CrosswalkIn(_In):
    old: DbInt = Field(description="id of the older catalogue")
    new: DbInt = Field(description="id of the newer catalogue")


class SourcePart(BaseModel):
    heading: str
    text: str


class SourceOut(BaseModel):
    indicator: str
    file: str
    format: str
    location: str | None = Field(description="the source as recorded (lines, pages, locator)")
    parts: list[SourcePart]


class ReviewItemOut(BaseModel):
    """One item of a crosswalk a reviewer decides."""

    key: str = Field(description="link-N (a computed link), removed-ID or added-ID")
    kind: Literal["link", "removed", "added"]
    old: list[str]
    new: list[str]
    decided: bool
    decision: Decision | None
    covered_by: str | None = Field(None, description="the hand link of another item that takes this item in")


class ReviewOut(BaseModel):
    """A stored crosswalk under review: its items, and the crosswalk as decided (verified once all are)."""

    verified: bool
    decided: int
    to_decide: int
    items: list[ReviewItemOut]
    crosswalk: ReviewedCrosswalk


class DecisionIn(_In):
    item: str = Field(description="link-N, removed-ID or added-ID")
    action: Literal["accept", "reject", "relink", "confirm", "link"]
    old_ids: list[str] = Field([], description="relink / link of an added item: the old ids")
    new_ids: list[str] = Field([], description="relink / link of a removed item: the new ids")
    reason: str | None = Field(None, max_length=500, description="required to reject, re-link or link")
    revision: DbInt | None = Field(None, description="the item's revision the reviewer saw (0: undecided)")
    by: str | None = Field(None, max_length=64)


class DecisionOut(BaseModel):
    item: str
    revision: int
    verified: bool
    decided: int
    to_decide: int


class LabelAcceptIn(_In):
    revision: DbInt = Field(description="the indicator's revision")
    by: str | None = Field(None, max_length=64)


class SaveIn(_In):
    """Several fields of one indicator in one save (one catalogue version); a field left out is unchanged."""

    text: str | None = Field(None, max_length=20000, description="text (or the label the notice did not print)")
    marker: str | None = Field(None, max_length=16, description="the clause number as printed, e.g. （二）; '' none")
    points: str | None = Field(None, max_length=64, description="points as typed: 0.4, 0.4分, ０.４")
    parent: str | None = Field(None, max_length=128, description="the new parent's id")
    revision: DbInt = Field(description="the indicator's revision the save is based on")
    reason: str = Field(min_length=1, max_length=500, description="修改原因 (required)")
    by: str | None = Field(None, max_length=64)


class SaveOut(BaseModel):
    version: int = Field(description="the catalogue version the save created (unchanged when nothing changed)")
    indicator: str = Field(description="the indicator's id after the save")
    revision: int
    fields: list[str] = Field(description="the fields that changed")
    message: str = Field(description="中文说明")


class AcceptWarningsIn(_In):
    revision: DbInt = Field(description="the indicator's revision the reviewer checked")
    reason: str | None = Field(None, max_length=500, description="why the warnings are acceptable (optional)")
    by: str | None = Field(None, max_length=64)


class VerifySubtreeIn(_In):
    root: str | None = Field(None, max_length=128, description="the section's id; null: the whole catalogue")
    revisions: dict[str, DbInt] = Field(description="indicator id -> revision, for every unverified indicator "
                                                    "under root the reviewer saw")
    by: str | None = Field(None, max_length=64)


class VerifySubtreeOut(BaseModel):
    version: int
    verified: list[str]
    skipped: list[str] = Field(description="left unverified: their warnings must be accepted one by one")


class RestoreIn(_In):
    version: DbInt = Field(description="the earlier version to restore")
    current: DbInt | None = Field(None, description="the version the reviewer saw as current (409 if it changed)")
    reason: str | None = Field(None, max_length=500)
    by: str | None = Field(None, max_length=64)


class RestoreOut(BaseModel):
    version: int = Field(description="the new version, with the content of the restored one")


class SearchHit(BaseModel):
    id: str
    level: int
    marker: str | None
    text: str
    points: str | None
    url: str


class VerifierOut(BaseModel):
    """Who verified what, when (the indicators verified now, the warnings accepted still in force)."""

    by: str
    indicators: list[str]
    warnings_accepted: list[str]
    first: str
    last: str
