"""Catalogue store: documents, catalogue versions, every edit, verification state and crosswalks.

SQLite by default (a file in the data directory, created on first use); any SQLAlchemy URL
(PostgreSQL: ``postgresql+psycopg://…``) through ``--db`` or ``ZHIBIAO_DB``, with the same code.
Every ingest and every edit is one transaction; a second save of an indicator that someone else
changed in the meantime is refused with EditConflict (optimistic revision check).

The store owns the edit rules: ``check_edit`` says what an edit may do (which fields, what values,
which parent), ``edit`` applies it (revision bumped, verification withdrawn), and every refusal is a
``zhibiao.errors.StoreError`` with a ``reason`` code; the web pages, the JSON API and the CLI all go
through it.
"""

from __future__ import annotations

import builtins  # Store.list shadows list in the class body
import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import CursorResult, Engine

from zhibiao.datadir import data_dir
from zhibiao.errors import EditConflict, InvalidEdit, NotFound, NotVerifiable, StoreError, ZhibiaoError
from zhibiao.inputs import file_name
from zhibiao.model import Catalogue, Crosswalk, Finding, Indicator, Place, ReviewedCrosswalk, Verification
from zhibiao.normalize.validate import check_rubric

__all__ = [
    "Store", "StoreError", "EditConflict", "NotFound", "NotVerifiable", "InvalidEdit", "default_url", "data_dir",
    "SCHEMA_VERSION", "EDITABLE", "CatalogueRow", "EditRow", "check_edit", "unverify", "unverified_reasons",
    "DECISIONS", "Decision", "DecisionRecord", "ReviewItem", "CrosswalkReview", "LabelSuggestion", "check_decision",
    "review_items", "reviewed", "parse_points", "split_marker", "VerifyResult", "Acceptance", "VerifierRow",
    "warnings_of", "RESTORE_FIELD", "EditResult",
]

SCHEMA_VERSION = 5
EDITABLE = ("text", "points", "label", "marker", "parent")
EDIT_ORDER = ("text", "label", "marker", "points", "parent")  # a save of several fields applies them in this order
RESTORE_FIELD = "restored"
CHECK_CODES = {"sum_mismatch", "total_mismatch", "numbering_gap", "numbering_duplicate", "points_missing",
               "leaf_without_points", "label_missing", "points_unit_missing"}


def _signed(cat: Catalogue) -> Catalogue:
    """A verified catalogue with the store's signature, which `zhibiao score` checks (zhibiao/signature.py)."""
    from zhibiao.signature import signed

    return signed(cat)


def default_url() -> str:
    """ZHIBIAO_DB if set, else a SQLite file in the data directory."""
    return os.environ.get("ZHIBIAO_DB") or f"sqlite:///{data_dir() / 'zhibiao.db'}"


metadata = MetaData()
schema_versions = Table("schema_versions", metadata,
                        Column("version", Integer, primary_key=True),
                        Column("applied_at", DateTime(timezone=True), nullable=False))
documents = Table("documents", metadata,
                  Column("id", Integer, primary_key=True),
                  Column("sha256", String(64), nullable=False, unique=True),
                  Column("filename", String(512), nullable=False),
                  Column("format", String(16), nullable=False),
                  Column("size", Integer, nullable=False),
                  Column("data", LargeBinary, nullable=False),
                  Column("created_at", DateTime(timezone=True), nullable=False),
                  Column("created_by", String(128), nullable=False))
catalogues = Table("catalogues", metadata,
                   Column("id", Integer, primary_key=True),
                   Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, unique=True),
                   Column("title", Text),
                   Column("version", Integer, nullable=False),
                   Column("verified", Boolean, nullable=False, default=False),
                   Column("created_at", DateTime(timezone=True), nullable=False))
versions = Table("catalogue_versions", metadata,
                 Column("id", Integer, primary_key=True),
                 Column("catalogue_id", Integer, ForeignKey("catalogues.id"), nullable=False),
                 Column("version", Integer, nullable=False),
                 Column("body", Text, nullable=False),
                 Column("created_at", DateTime(timezone=True), nullable=False),
                 Column("created_by", String(128), nullable=False),
                 UniqueConstraint("catalogue_id", "version"))
edits = Table("edits", metadata,
              Column("id", Integer, primary_key=True),
              Column("catalogue_id", Integer, ForeignKey("catalogues.id"), nullable=False),
              Column("version", Integer, nullable=False),
              Column("indicator_id", String(128), nullable=False),
              Column("field", String(32), nullable=False),
              Column("old_value", Text),
              Column("new_value", Text),
              Column("reason", Text),
              Column("by", String(128), nullable=False),
              Column("at", DateTime(timezone=True), nullable=False))
revisions = Table("indicator_revisions", metadata,
                  Column("catalogue_id", Integer, ForeignKey("catalogues.id"), primary_key=True),
                  Column("indicator_id", String(128), primary_key=True),
                  Column("revision", Integer, nullable=False))
crosswalks = Table("crosswalks", metadata,
                   Column("id", Integer, primary_key=True),
                   Column("old_id", Integer, ForeignKey("catalogues.id"), nullable=False),
                   Column("new_id", Integer, ForeignKey("catalogues.id"), nullable=False),
                   Column("body", Text, nullable=False),
                   Column("created_at", DateTime(timezone=True), nullable=False),
                   UniqueConstraint("old_id", "new_id"))
V1_TABLES = [schema_versions, documents, catalogues, versions, edits, revisions, crosswalks]
decisions = Table("crosswalk_decisions", metadata,
                  Column("id", Integer, primary_key=True),
                  Column("old_id", Integer, ForeignKey("catalogues.id"), nullable=False),
                  Column("new_id", Integer, ForeignKey("catalogues.id"), nullable=False),
                  Column("item", String(160), nullable=False),  # link-3, removed-1.2.3, added-7.2.1
                  Column("item_ids", Text, nullable=False),  # JSON [old ids, new ids] of the item when decided
                  Column("action", String(16), nullable=False),
                  Column("old_ids", Text, nullable=False),  # JSON: the old ids the decision links
                  Column("new_ids", Text, nullable=False),
                  Column("reason", Text),
                  Column("revision", Integer, nullable=False),
                  Column("by", String(128), nullable=False),
                  Column("at", DateTime(timezone=True), nullable=False),
                  UniqueConstraint("old_id", "new_id", "item"))
decision_history = Table("crosswalk_history", metadata,
                         Column("id", Integer, primary_key=True),
                         Column("old_id", Integer, ForeignKey("catalogues.id"), nullable=False),
                         Column("new_id", Integer, ForeignKey("catalogues.id"), nullable=False),
                         Column("item", String(160), nullable=False),
                         Column("action", String(16), nullable=False),
                         Column("before", Text),  # JSON of the decision it replaced, or null
                         Column("after", Text),  # JSON of the decision now, or null (withdrawn)
                         Column("reason", Text),
                         Column("by", String(128), nullable=False),
                         Column("at", DateTime(timezone=True), nullable=False))
V2_TABLES = [decisions, decision_history]
# a warning a reviewer accepted on one indicator ("warning accepted" is a recorded state, withdrawn by an edit of
# the indicator): the codes accepted, who, when, and the catalogue version that recorded it
acceptances = Table("warning_acceptances", metadata,
                    Column("catalogue_id", Integer, ForeignKey("catalogues.id"), primary_key=True),
                    Column("indicator_id", String(128), primary_key=True),
                    Column("codes", Text, nullable=False),  # JSON list of the warning codes accepted
                    Column("version", Integer, nullable=False),
                    Column("by", String(128), nullable=False),
                    Column("at", DateTime(timezone=True), nullable=False))
V3_TABLES = [acceptances]

# what a catalogue is listed and chosen by (the notice's 文号, issuer, title and year, read from its current
# version), and whether it is archived (归档: off the home page's list, kept and still found by search)
facts = Table("catalogue_facts", metadata,
              Column("catalogue_id", Integer, ForeignKey("catalogues.id"), primary_key=True),
              Column("doc_number", Text),
              Column("issuer", Text),
              Column("notice_title", Text),
              Column("year", Integer),
              Column("archived_at", DateTime(timezone=True)),
              Column("archived_by", String(128)))
V4_TABLES = [facts]

# a unit's filled-in score sheet read against a verified catalogue (zhibiao/sheet_store.py): the sheet itself, its
# rows as aligned and fixed (body: zhibiao.sheet_review.SheetReview as JSON), whether a reviewer confirmed it
# (已确认), and every fix and confirmation with who, when, the old and new value and the reason
assessments = Table("assessments", metadata,
                    Column("id", Integer, primary_key=True),
                    Column("catalogue_id", Integer, ForeignKey("catalogues.id"), nullable=False),
                    Column("catalogue_version", Integer, nullable=False),
                    Column("unit", String(256), nullable=False),
                    Column("tier", String(64)),
                    Column("filename", String(512), nullable=False),
                    Column("sha256", String(64), nullable=False),
                    Column("size", Integer, nullable=False),
                    Column("data", LargeBinary, nullable=False),
                    Column("body", Text, nullable=False),
                    Column("revision", Integer, nullable=False),
                    Column("confirmed_at", DateTime(timezone=True)),
                    Column("confirmed_by", String(128)),
                    Column("created_at", DateTime(timezone=True), nullable=False),
                    Column("created_by", String(128), nullable=False),
                    UniqueConstraint("catalogue_id", "sha256"))
assessment_edits = Table("assessment_edits", metadata,
                         Column("id", Integer, primary_key=True),
                         Column("assessment_id", Integer, ForeignKey("assessments.id"), nullable=False),
                         Column("sheet_row", Integer),
                         Column("field", String(16), nullable=False),  # leaf, value, confirmed, unconfirmed
                         Column("old_value", Text),
                         Column("new_value", Text),
                         Column("reason", Text),
                         Column("by", String(128), nullable=False),
                         Column("at", DateTime(timezone=True), nullable=False))
V5_TABLES = [assessments, assessment_edits]

# version -> what it does; each version creates its own tables. Later versions append here.
MIGRATIONS: dict[int, str] = {1: "create documents, catalogues, versions, edits, indicator revisions, crosswalks",
                              2: "create crosswalk decisions (accept, reject, re-link, link by hand) and their history",
                              3: "create warning acceptances (a reviewer accepted an indicator's warnings: who, when)",
                              4: "create catalogue facts (文号, issuer, title, year as listed; archived), filled from "
                                 "each catalogue's current version",
                              5: "create assessments (units' score sheets against a catalogue: rows as aligned and "
                                 "fixed, confirmation) and their fixes' history"}


class CatalogueRow(BaseModel):
    """One stored catalogue as listed."""

    id: int
    title: str | None
    filename: str
    sha256: str
    version: int
    verified: bool
    created_at: dt.datetime
    doc_number: str | None = None
    issuer: str | None = None
    notice_title: str | None = None
    year: int | None = None
    archived_at: dt.datetime | None = None
    archived_by: str | None = None

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


def _facts(cat: Catalogue) -> dict:
    """What a catalogue is listed by: the notice's 文号, issuer, title and year (a year printed in the rubric's
    title, as in （2023年版）, else the notice's date's, else the 文号's 〔year〕, else one in the notice's title)."""
    doc = cat.document
    rubric_title = cat.rubrics[0].title if cat.rubrics else None
    years = [_year(rubric_title), doc.date.year if doc.date else None, _year(doc.doc_number), _year(doc.title)]
    return {"doc_number": doc.doc_number, "issuer": doc.issuer, "notice_title": doc.title or rubric_title,
            "year": next((y for y in years if y is not None), None)}


def _year(text: str | None) -> int | None:
    m = _YEAR.search(text or "")
    return int(m[1]) if m else None


_YEAR = re.compile(r"((?:19|20)\d\d)(?=\s*[〕\]）)年]|\s*$)")


class EditRow(BaseModel):
    """One edit of an indicator."""

    version: int
    indicator_id: str
    field: str
    old_value: str | None
    new_value: str | None
    reason: str | None
    by: str
    at: dt.datetime


class EditResult(BaseModel):
    """What a save of one indicator did: the catalogue version, the indicator's id now, the fields changed."""

    version: int
    indicator: str
    fields: list[str]


class VerifyResult(BaseModel):
    """A bulk verification: the version it made, the indicators verified, those left for their warnings."""

    version: int
    verified: list[str]
    skipped: list[str]


class Acceptance(BaseModel):
    """The warnings a reviewer accepted on one indicator."""

    indicator: str
    codes: list[str]
    version: int
    by: str
    at: dt.datetime


class VerifierRow(BaseModel):
    """One reviewer in the catalogue's verification summary."""

    by: str
    indicators: list[str] = []
    warnings_accepted: list[str] = []
    first: dt.datetime
    last: dt.datetime


def _covers(acc: Acceptance | None, codes: list[str]) -> bool:
    """Whether an acceptance covers the indicator's current warnings."""
    return acc is not None and set(codes) <= set(acc.codes)


def _content(ind: Indicator) -> str:
    """An indicator without its children, as JSON: what a restore compares."""
    return ind.model_copy(update={"children": []}).model_dump_json()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _find(cat: Catalogue, ident: str) -> Place:
    """Where the indicator stands (Catalogue.place), or NotFound."""
    found = cat.place(ident)
    if found is None:
        raise NotFound(None, f"indicator {ident}", indicator=ident)
    return found


def _check_field(field: str) -> None:
    if field not in EDITABLE:
        raise InvalidEdit(None, f"field {field!r}: choose one of {', '.join(EDITABLE)}", reason="field_not_editable",
                          field=field)


def parse_points(value: str) -> Decimal:
    """Points as a reviewer types them: ``0.4``, ``0.4分``, ``0.4 分``, ``０.４``, ``（0.4分）`` — read by the
    normalizer's own points-cell reading (normalize/points.column_points: fullwidth digits, the 分 suffix,
    spaces), bounded as the catalogue model bounds points. InvalidEdit (points_invalid) for anything else,
    a range (1-3) included."""
    from pydantic import TypeAdapter, ValidationError

    from zhibiao.model import Points
    from zhibiao.normalize.points import column_points

    read = column_points(value) if value else None
    if read is None or read[1] is not None:
        raise InvalidEdit(None, f"points must be a non-negative decimal number, not {value!r}",
                          reason="points_invalid", value=value)
    try:
        return TypeAdapter(Points).validate_python(read[0])
    except ValidationError:
        raise InvalidEdit(None, f"points out of bounds: {value!r}", reason="points_invalid", value=value) from None


def split_marker(text: str) -> tuple[str | None, str]:
    """A clause number typed at the start of a text (``（二）推进数据共享``): (the marker, the text after it);
    (None, text) when the text does not start with one or is nothing but one."""
    from zhibiao.normalize.numbering import parse_marker

    text = text.strip()
    found = parse_marker(text)
    if found is None or not text[found.end:].strip():
        return None, text
    return found.text, text[found.end:].strip()


def check_edit(cat: Catalogue, indicator_id: str, field: str,
               value: str) -> tuple[Place, str, str | Decimal | Indicator | None]:
    """What an edit of one field may do, before anything changes: (where the indicator is, the field it
    writes, the new value). Raises NotFound or InvalidEdit (``reason``: field_not_editable, text_empty,
    points_invalid, marker_invalid, parent_invalid, parent_inside, parent_level; ``params``: the values it names).

    text/label write the text (``label`` where the label was not printed); marker is the clause number as
    printed (``（二）``; empty: none printed); points must be a non-negative decimal (parse_points); the new
    parent must be in the same rubric, one level up, and not the indicator itself or below it.
    """
    _check_field(field)
    value = value.strip()
    place = _find(cat, indicator_id)
    ind, rubric = place.indicator, place.rubric
    if field in ("text", "label"):
        if not value:
            raise InvalidEdit(None, "the text cannot be empty", reason="text_empty")
        return place, field, value
    if field == "marker":
        from zhibiao.normalize.numbering import parse_marker

        if not value:
            return place, field, None
        found = parse_marker(value)
        if found is None or value[found.end:].strip() or len(value) > 16:
            raise InvalidEdit(None, f"not a clause number: {value!r}", reason="marker_invalid", value=value)
        return place, field, found.text
    if field == "points":
        return place, field, parse_points(value)
    target = cat.place(value)
    if target is None or target.rubric is not rubric:
        raise InvalidEdit(None, f"{value} cannot be the parent of {indicator_id}: no such indicator in its rubric",
                          reason="parent_invalid", parent=value, indicator=indicator_id)
    if target.indicator.id.startswith(ind.id + ".") or target.indicator.id == ind.id:
        raise InvalidEdit(None, f"{value} cannot be the parent of {indicator_id}", reason="parent_inside",
                          parent=value, indicator=indicator_id)
    if target.indicator.level != ind.level - 1:
        raise InvalidEdit(None, f"{value} is at level {target.indicator.level}; {indicator_id} needs a parent at "
                                f"level {ind.level - 1}", reason="parent_level", parent=value, indicator=indicator_id,
                          level=ind.level - 1, parent_level=target.indicator.level)
    return place, field, target.indicator


def warnings_of(cat: Catalogue) -> dict[str, builtins.list[Finding]]:
    """Indicator id -> its warning findings (what a reviewer must accept, one indicator at a time)."""
    out: dict[str, list[Finding]] = {}
    for f in cat.all_findings():
        if f.severity == "warning" and f.indicator:
            out.setdefault(f.indicator, []).append(f)
    return out


def _inserted_id(result: CursorResult) -> int:
    """The primary key of the one row an INSERT wrote."""
    key = result.inserted_primary_key
    assert key is not None  # an INSERT (not executemany) has it
    return key[0]


def _recheck(cat: Catalogue) -> None:
    """Re-run the checks after an edit: sums, numbering, points (reading notes are kept)."""
    for rubric in cat.rubrics:
        rubric.total = rubric.first_level_total()
        kept = [f for f in rubric.findings if f.code not in CHECK_CODES]
        rubric.findings = kept + check_rubric(rubric)


def _reid(ind: Indicator, prefix: str, level: int) -> dict[str, str]:
    """Give a moved subtree its new dotted ids; return old id -> new id."""
    moved = {}
    new_id = f"{prefix}{ind.number}"
    moved[ind.id] = new_id
    ind.id, ind.level = new_id, level
    for child in ind.children:
        moved.update(_reid(child, new_id + ".", level + 1))
    return moved


class Store:
    """The catalogue store over one SQLAlchemy engine."""

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        if self.url.startswith("sqlite:///") and self.url != "sqlite:///:memory:":
            Path(self.url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine: Engine = create_engine(self.url, future=True)
            self.migrate()
        except ZhibiaoError:
            raise
        except Exception as exc:  # a bad URL, an unreachable server, a read-only file
            raise StoreError(self.url.split("@")[-1], f"{type(exc).__name__}: {exc}".splitlines()[0]) from None

    def migrate(self) -> int:
        """Bring the database schema to SCHEMA_VERSION; return the version it is at."""
        with self.engine.begin() as conn:
            schema_versions.create(conn, checkfirst=True)
            current = conn.execute(select(func.max(schema_versions.c.version))).scalar() or 0
            if current > SCHEMA_VERSION:
                raise StoreError(None, f"the database is at schema {current}, "
                                       f"newer than this zhibiao ({SCHEMA_VERSION})")
            for version in range(current + 1, SCHEMA_VERSION + 1):
                if version == 1:
                    metadata.create_all(conn, tables=V1_TABLES)
                elif version == 2:
                    metadata.create_all(conn, tables=V2_TABLES)
                elif version == 3:
                    metadata.create_all(conn, tables=V3_TABLES)
                elif version == 4:
                    metadata.create_all(conn, tables=V4_TABLES)
                    for cat_id, body in conn.execute(
                            select(catalogues.c.id, versions.c.body).join(
                                versions, (versions.c.catalogue_id == catalogues.c.id)
                                & (versions.c.version == catalogues.c.version))).all():
                        conn.execute(insert(facts).values(catalogue_id=cat_id,
                                                          **_facts(Catalogue.model_validate_json(body))))
                elif version == 5:
                    metadata.create_all(conn, tables=V5_TABLES)
                conn.execute(insert(schema_versions).values(version=version, applied_at=_now()))
            return SCHEMA_VERSION

    # --- documents and catalogues -----------------------------------------------------------

    def ingest(self, path: str | os.PathLike, *, by: str = "cli", filename: str | None = None,
               limit: int | None = None) -> tuple[int, bool]:
        """Store a notice and its catalogue in one transaction; the same bytes again return the same id."""
        from zhibiao.pipeline import ingest

        p = Path(path)
        data = p.read_bytes()
        existing = self.find_document(hashlib.sha256(data).hexdigest())
        if existing is not None:
            return existing, False
        cat = ingest(p, limit=limit)
        if filename or cat.document.source_file != file_name(cat.document.source_file):
            cat.document.source_file = filename or file_name(cat.document.source_file)
        return self.add(data, cat, by=by, filename=filename or file_name(p.name))

    def find_document(self, sha: str) -> int | None:
        """The catalogue id of the stored notice with this sha256, if any."""
        with self.engine.connect() as conn:
            return conn.execute(select(catalogues.c.id).join(documents).where(documents.c.sha256 == sha)).scalar()

    def add(self, data: bytes, cat: Catalogue, *, by: str = "cli", filename: str) -> tuple[int, bool]:
        """Store a notice already parsed into its catalogue, in one short transaction (the parse is the
        slow part and needs no database: the review app runs it outside its write lock)."""
        sha = hashlib.sha256(data).hexdigest()
        now = _now()
        with self.engine.begin() as conn:
            existing = conn.execute(select(catalogues.c.id).join(documents)
                                    .where(documents.c.sha256 == sha)).scalar()
            if existing is not None:  # stored meanwhile by another upload of the same bytes
                return existing, False
            doc_id = _inserted_id(conn.execute(insert(documents).values(
                sha256=sha, filename=filename, format=cat.document.format, size=len(data), data=data,
                created_at=now, created_by=by)))
            title = cat.rubrics[0].title if cat.rubrics else None
            cat_id = _inserted_id(conn.execute(insert(catalogues).values(
                document_id=doc_id, title=title, version=1, verified=False, created_at=now)))
            conn.execute(insert(versions).values(catalogue_id=cat_id, version=1, body=cat.model_dump_json(),
                                                 created_at=now, created_by=by))
            conn.execute(insert(facts).values(catalogue_id=cat_id, **_facts(cat)))
            ids = [ind.id for ind in cat.walk()]
            if ids:
                conn.execute(insert(revisions),
                             [{"catalogue_id": cat_id, "indicator_id": i, "revision": 1} for i in ids])
        return cat_id, True

    def list(self) -> list[CatalogueRow]:
        """Every stored catalogue, newest first, with what it is listed by (文号, issuer, title, year, archived)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(catalogues.c.id, catalogues.c.title, documents.c.filename, documents.c.sha256,
                                       catalogues.c.version, catalogues.c.verified, catalogues.c.created_at,
                                       facts.c.doc_number, facts.c.issuer, facts.c.notice_title, facts.c.year,
                                       facts.c.archived_at, facts.c.archived_by)
                                .join(documents).outerjoin(facts, facts.c.catalogue_id == catalogues.c.id)
                                .order_by(catalogues.c.id.desc())).all()
        return [CatalogueRow(**r._mapping) for r in rows]

    def archive(self, cat_id: int, archived: bool, *, by: str) -> None:
        """Archive a catalogue (off the list of current catalogues, kept, still found by search), or bring it
        back; NotFound for no such catalogue."""
        with self.engine.begin() as conn:
            if conn.execute(select(catalogues.c.id).where(catalogues.c.id == cat_id)).scalar() is None:
                raise NotFound(None, f"catalogue {cat_id}", catalogue=cat_id)
            values = {"archived_at": _now() if archived else None, "archived_by": by if archived else None}
            done = conn.execute(update(facts).where(facts.c.catalogue_id == cat_id).values(**values))
            if not done.rowcount:
                body = conn.execute(select(versions.c.body).join(
                    catalogues, (versions.c.catalogue_id == catalogues.c.id)
                    & (versions.c.version == catalogues.c.version)).where(catalogues.c.id == cat_id)).scalar()
                if body is None:
                    raise NotFound(None, f"catalogue {cat_id}", catalogue=cat_id)
                conn.execute(insert(facts).values(catalogue_id=cat_id, **values,
                                                  **_facts(Catalogue.model_validate_json(body))))

    def get(self, cat_id: int, version: int | None = None) -> tuple[Catalogue, int]:
        """The catalogue (its current version, or the one asked for) and that version number."""
        with self.engine.connect() as conn:
            current = conn.execute(select(catalogues.c.version).where(catalogues.c.id == cat_id)).scalar()
            if current is None:
                raise NotFound(None, f"catalogue {cat_id}", catalogue=cat_id)
            body = conn.execute(select(versions.c.body).where(versions.c.catalogue_id == cat_id,
                                                              versions.c.version == (version or current))).scalar()
        if body is None:
            raise NotFound(None, f"catalogue {cat_id} version {version}", catalogue=cat_id, version=version)
        return Catalogue.model_validate_json(body), version or current

    def revisions(self, cat_id: int) -> dict[str, int]:
        """Each indicator's revision: what an editor must send back with a change."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(revisions.c.indicator_id, revisions.c.revision)
                                .where(revisions.c.catalogue_id == cat_id)).all()
        return dict(rows)

    def document(self, cat_id: int) -> tuple[str, bytes]:
        """The original file of a catalogue: name and bytes."""
        with self.engine.connect() as conn:
            row = conn.execute(select(documents.c.filename, documents.c.data).join(catalogues)
                               .where(catalogues.c.id == cat_id)).first()
        if row is None:
            raise NotFound(None, f"catalogue {cat_id}", catalogue=cat_id)
        return row[0], row[1]

    def history(self, cat_id: int) -> builtins.list[EditRow]:
        """Every edit of the catalogue, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(edits.c.version, edits.c.indicator_id, edits.c.field, edits.c.old_value,
                                       edits.c.new_value, edits.c.reason, edits.c.by, edits.c.at)
                                .where(edits.c.catalogue_id == cat_id).order_by(edits.c.id)).all()
        return [EditRow(**r._mapping) for r in rows]

    # --- edits and verification -------------------------------------------------------------

    def _commit(self, cat_id: int, change, *, by: str, touched: dict[str, int], after=None) -> int:
        """Apply change(cat) to the current version and save it as the next one, all in one transaction.

        change returns the history records and the indicator ids it renamed (old -> new, when a
        subtree moves). touched: indicator id -> the revision the editor saw; any other revision is
        an EditConflict. after(conn, version, cat), if given, writes what else the change records, in the
        same transaction.
        """
        for _attempt in range(5):
            cat, version = self.get(cat_id)
            records, renamed = change(cat)
            with self.engine.begin() as conn:
                for ident, seen in touched.items():
                    done = conn.execute(update(revisions).where(
                        revisions.c.catalogue_id == cat_id, revisions.c.indicator_id == ident,
                        revisions.c.revision == seen).values(revision=seen + 1)).rowcount
                    if done != 1:
                        raise EditConflict(None, f"indicator {ident}", indicator=ident)
                verified = bool(cat.verification and cat.verification.verified)
                bumped = conn.execute(update(catalogues).where(catalogues.c.id == cat_id,
                                                               catalogues.c.version == version)
                                      .values(version=version + 1, verified=verified)).rowcount
                if bumped != 1:
                    conn.rollback()  # another edit of another indicator landed first: apply ours on top of it
                    continue
                conn.execute(insert(versions).values(catalogue_id=cat_id, version=version + 1,
                                                     body=cat.model_dump_json(), created_at=_now(), created_by=by))
                for rec in records:
                    conn.execute(insert(edits).values(catalogue_id=cat_id, version=version + 1, by=by, at=_now(),
                                                      **rec))
                for old_id, new_id in renamed.items():
                    conn.execute(update(revisions).where(revisions.c.catalogue_id == cat_id,
                                                         revisions.c.indicator_id == old_id)
                                 .values(indicator_id=new_id))
                if after is not None:
                    after(conn, version + 1, cat)
                return version + 1
        raise EditConflict(None, "the catalogue kept changing; try again")

    def edit(self, cat_id: int, indicator_id: str, field: str, value: str, *, by: str, revision: int,
             reason: str | None = None) -> int:
        """Change one field of an indicator (text, points, label, marker, parent); return the new catalogue version.

        The rules are check_edit's; the indicator's revision must be the one the editor saw
        (EditConflict otherwise); the edit withdraws the verification of what it touches.
        """
        _check_field(field)
        return self.edit_many(cat_id, indicator_id, {field: value}, by=by, revision=revision, reason=reason,
                              skip_unchanged=False).version

    def edit_many(self, cat_id: int, indicator_id: str, changes: dict[str, str], *, by: str, revision: int,
                  reason: str | None = None, skip_unchanged: bool = True) -> EditResult:
        """Change several fields of one indicator in one save: one new catalogue version, one revision, one
        history record per field (check_edit's rules for each, applied in EDIT_ORDER; nothing is saved when one
        is refused). A text typed with its clause number in front (``（二）推进数据共享``) gives the marker its own
        field unless the marker is sent too. Unchanged fields are left out (skip_unchanged); when nothing is
        left, nothing is written and the current version is returned with no fields.

        The edit withdraws the verification of what it touches, and the warnings accepted on it.
        """
        for fld in changes:
            _check_field(fld)
        wanted = {f: v.strip() for f, v in changes.items()}
        for fld in ("text", "label"):
            if fld in wanted and "marker" not in wanted:
                marker, rest = split_marker(wanted[fld])
                if marker is not None:
                    wanted[fld], wanted["marker"] = rest, marker
        order = [f for f in EDIT_ORDER if f in wanted]

        def plan(cat: Catalogue) -> builtins.list[tuple[str, str]]:
            """The fields that change, each checked against the catalogue as the earlier ones leave it."""
            place = _find(cat, indicator_id)
            ind, parent = place.indicator, place.parent
            out = []
            for fld in order:
                value = wanted[fld]
                _, _, new = check_edit(cat, indicator_id, fld, value)
                if skip_unchanged:
                    now: object = {"text": ind.text, "label": ind.text, "marker": ind.marker, "points": ind.points,
                                   "parent": parent}.get(fld)
                    if (new.id if isinstance(new, Indicator) else new) == (now.id if isinstance(now, Indicator)
                                                                           else now):
                        continue
                out.append((fld, value))
            return out

        cat, version = self.get(cat_id)
        if not plan(cat):
            return EditResult(version=version, indicator=indicator_id, fields=[])
        moved: dict[str, str] = {}
        saved: builtins.list[str] = []

        def change(cat: Catalogue):
            todo = plan(cat)
            saved[:] = [f for f, _ in todo]
            renamed: dict[str, str] = {}
            records = []
            current = indicator_id
            for fld, value in todo:
                (ind, parent, rubric), _, new = check_edit(cat, current, fld, value)
                old: str | None
                if fld in ("text", "label"):
                    assert isinstance(new, str)
                    old = ind.text
                    ind.text = new
                    if "label_missing" in ind.flags:
                        ind.flags = [f for f in ind.flags if f != "label_missing"] + ["label_by_reviewer"]
                elif fld == "marker":
                    assert new is None or isinstance(new, str)
                    old, ind.marker = ind.marker, new
                    value = new or ""
                elif fld == "points":
                    assert isinstance(new, Decimal)
                    old = str(ind.points) if ind.points is not None else None
                    ind.points = new
                    value = str(new)
                    ind.flags = [f for f in ind.flags if f not in ("inferred_from_sum", "points_from_deduction")]
                else:  # parent
                    assert isinstance(new, Indicator)
                    old = parent.id if parent else None
                    (parent.children if parent else rubric.indicators).remove(ind)
                    new.children.append(ind)
                    new.children.sort(key=lambda c: c.number)
                    renamed = _reid(ind, new.id + ".", new.level + 1)
                    current = ind.id
                records.append({"indicator_id": indicator_id, "field": fld, "old_value": old, "new_value": value,
                                "reason": reason})
            # the edit (and a moved subtree under its new parent) needs checking again
            unverify(cat, [indicator_id, *renamed])
            _recheck(cat)
            moved.clear()
            moved.update(renamed)
            return records, renamed

        def after(conn, _version: int, _cat: Catalogue) -> None:
            gone = {indicator_id, *moved, *moved.values()}
            conn.execute(acceptances.delete().where(acceptances.c.catalogue_id == cat_id,
                                                    acceptances.c.indicator_id.in_(gone)))

        new_version = self._commit(cat_id, change, by=by, touched={indicator_id: revision}, after=after)
        return EditResult(version=new_version, indicator=moved.get(indicator_id, indicator_id), fields=saved)

    def acceptances(self, cat_id: int) -> dict[str, Acceptance]:
        """The warnings reviewers accepted: indicator id -> the codes, who, when."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(acceptances).where(acceptances.c.catalogue_id == cat_id)).all()
        return {r.indicator_id: Acceptance(indicator=r.indicator_id, codes=json.loads(r.codes), version=r.version,
                                           by=r.by, at=r.at) for r in rows}

    def verify(self, cat_id: int, indicator_ids: builtins.list[str], *, by: str, revisions_seen: dict[str, int],
               accept: builtins.list[str] | tuple[str, ...] = (), reason: str | None = None) -> int:
        """Mark indicators verified by a person (their revisions must be the ones the person saw).

        An indicator with warnings is verified only when its warnings are accepted: already (Store.acceptances,
        every current warning code among the accepted ones), or now, by naming it in ``accept`` — one indicator
        at a time is what a reviewer does; the acceptance is recorded (who, when) with the verification. Else
        InvalidEdit (reason warnings_not_accepted, ``ids``).
        """
        accepted = self.acceptances(cat_id)
        accept_now = set(accept)
        for ident in accept_now - set(indicator_ids):
            raise InvalidEdit(None, f"{ident} is accepted but not verified", reason="invalid_edit", id=ident)
        now_codes: dict[str, builtins.list[str]] = {}

        def change(cat: Catalogue):
            warned = warnings_of(cat)
            blocked = []
            for ident in indicator_ids:
                _find(cat, ident)
                codes = sorted({f.code for f in warned.get(ident, [])})
                if codes and ident not in accept_now and not _covers(accepted.get(ident), codes):
                    blocked.append(ident)
                if ident in accept_now and codes:
                    now_codes[ident] = codes
            if blocked:
                raise InvalidEdit(None, f"warnings not accepted yet: {', '.join(blocked[:5])}",
                                  reason="warnings_not_accepted", ids=blocked, count=len(blocked), first=blocked[0])
            v = cat.verification or Verification()
            for ident in indicator_ids:
                if ident not in v.indicators:
                    v.indicators.append(ident)
            cat.verification = v
            records = [{"indicator_id": i, "field": "warning_accepted", "old_value": None,
                        "new_value": ", ".join(now_codes[i]), "reason": reason}
                       for i in indicator_ids if i in now_codes]
            return records + [{"indicator_id": i, "field": "verified", "old_value": None, "new_value": "true",
                               "reason": None} for i in indicator_ids], {}

        def after(conn, version: int, _cat: Catalogue) -> None:
            for ident, codes in now_codes.items():
                conn.execute(acceptances.delete().where(acceptances.c.catalogue_id == cat_id,
                                                        acceptances.c.indicator_id == ident))
                conn.execute(insert(acceptances).values(catalogue_id=cat_id, indicator_id=ident,
                                                        codes=json.dumps(codes), version=version, by=by, at=_now()))

        return self._commit(cat_id, change, by=by, touched={i: revisions_seen[i] for i in indicator_ids}, after=after)

    def accept_warnings(self, cat_id: int, indicator_id: str, *, by: str, revision: int,
                        reason: str | None = None) -> int:
        """Accept the warnings of one indicator and verify it, in one version (recorded: who, when, which)."""
        return self.verify(cat_id, [indicator_id], by=by, revisions_seen={indicator_id: revision},
                           accept=[indicator_id], reason=reason)

    def subtree_plan(self, cat_id: int, root: str | None) -> tuple[builtins.list[str], builtins.list[str]]:
        """What a bulk verification of the subtree under root (None: the whole catalogue) does: (the unverified
        indicators it verifies, those it leaves because their warnings are not accepted — they are verified one
        by one)."""
        cat, _ = self.get(cat_id)
        if root is None:
            under = builtins.list(cat.walk())
        else:
            under = builtins.list(_find(cat, root).indicator.walk())
        done = set(cat.verification.indicators) if cat.verification else set()
        warned = warnings_of(cat)
        accepted = self.acceptances(cat_id)
        todo: builtins.list[str] = []
        skipped: builtins.list[str] = []
        for ind in under:
            if ind.id in done:
                continue
            codes = sorted({f.code for f in warned.get(ind.id, [])})
            (skipped if codes and not _covers(accepted.get(ind.id), codes) else todo).append(ind.id)
        return todo, skipped

    def verify_subtree(self, cat_id: int, root: str | None, *, by: str,
                       revisions_seen: dict[str, int]) -> VerifyResult:
        """Verify every unverified indicator under root (None: all) whose warnings are accepted or that has none,
        in one version; those with warnings not accepted are left (``skipped``). Every indicator it verifies must
        be in revisions_seen with the revision the reviewer saw (EditConflict otherwise: it changed, or it is
        new under root)."""
        todo, skipped = self.subtree_plan(cat_id, root)
        missing = [i for i in todo if i not in revisions_seen]
        if missing:
            raise EditConflict(None, f"indicator {missing[0]}", indicator=missing[0])
        if not todo:
            return VerifyResult(version=self.get(cat_id)[1], verified=[], skipped=skipped)
        version = self.verify(cat_id, todo, by=by, revisions_seen={i: revisions_seen[i] for i in todo})
        return VerifyResult(version=version, verified=todo, skipped=skipped)

    def restore(self, cat_id: int, version: int, *, by: str, reason: str | None = None,
                current_seen: int | None = None) -> int:
        """Restore an earlier version as a new version (nothing is lost: the versions in between stay). The
        indicators that differ from the current version get a new revision and lose their verification and
        accepted warnings; the others keep theirs. current_seen: the version the reviewer saw as current (an
        EditConflict when the catalogue changed since). Returns the new version."""
        old_cat, _ = self.get(cat_id, version)
        changed: builtins.list[str] = []

        def change(cat: Catalogue):
            nonlocal changed
            now = self.get(cat_id)[1]
            if current_seen is not None and current_seen != now:
                raise EditConflict(None, f"catalogue {cat_id}", indicator=None)
            if version == now:
                raise InvalidEdit(None, f"version {version} is the current version", reason="restore_current",
                                  version=version)
            restored = old_cat.model_copy(deep=True)
            before = {i.id: i for i in cat.walk()}
            changed = [i.id for i in restored.walk() if i.id not in before or _content(i) != _content(before[i.id])]
            kept = [i for i in (cat.verification.indicators if cat.verification else [])
                    if i not in changed and restored.find(i) is not None]
            v = (cat.verification or Verification()).model_copy(deep=True)
            v.indicators = kept
            if changed or len(before) != restored.size():
                v.verified, v.by, v.at = False, None, None
            restored.verification = v if (kept or v.verified) else None
            cat.__dict__.update(restored.__dict__)
            records = [{"indicator_id": "", "field": RESTORE_FIELD, "old_value": str(now), "new_value": str(version),
                        "reason": reason}]
            for ident in changed:
                ind, was = restored.find(ident), before.get(ident)
                assert ind is not None
                for fld, new_v, old_v in (("text", ind.text, was.text if was else None),
                                          ("marker", ind.marker, was.marker if was else None),
                                          ("points", ind.points, was.points if was else None)):
                    if new_v != old_v:
                        records.append({"indicator_id": ident, "field": fld,
                                        "old_value": None if old_v is None else str(old_v),
                                        "new_value": None if new_v is None else str(new_v), "reason": reason})
            return records, {}

        def after(conn, _version: int, _cat: Catalogue) -> None:
            if not changed:
                return
            conn.execute(acceptances.delete().where(acceptances.c.catalogue_id == cat_id,
                                                    acceptances.c.indicator_id.in_(changed)))
            have = dict(conn.execute(select(revisions.c.indicator_id, revisions.c.revision)
                                     .where(revisions.c.catalogue_id == cat_id)).all())
            for ident in changed:
                if ident in have:
                    conn.execute(update(revisions).where(revisions.c.catalogue_id == cat_id,
                                                         revisions.c.indicator_id == ident)
                                 .values(revision=have[ident] + 1))
                else:
                    conn.execute(insert(revisions).values(catalogue_id=cat_id, indicator_id=ident, revision=1))

        return self._commit(cat_id, change, by=by, touched={}, after=after)

    def verifiers(self, cat_id: int, current: Catalogue | None = None) -> builtins.list[VerifierRow]:
        """Who verified what, when: for each reviewer, the indicators verified now whose last verification is
        theirs, the warnings they accepted (still in force), and their first and last time. ``current``: the
        catalogue's current version when the caller has it read already (not read again)."""
        cat = current if current is not None else self.get(cat_id)[0]
        done = set(cat.verification.indicators) if cat.verification else set()
        last: dict[str, EditRow] = {}
        for row in self.history(cat_id):
            if row.field == "verified":
                last[row.indicator_id] = row
        rows: dict[str, VerifierRow] = {}
        for ident, row in last.items():
            if ident not in done:
                continue
            r = rows.setdefault(row.by, VerifierRow(by=row.by, first=row.at, last=row.at))
            r.indicators.append(ident)
            r.first, r.last = min(r.first, row.at), max(r.last, row.at)
        for acc in self.acceptances(cat_id).values():
            r = rows.setdefault(acc.by, VerifierRow(by=acc.by, first=acc.at, last=acc.at))
            r.warnings_accepted.append(acc.indicator)
        order = {i.id: n for n, i in enumerate(cat.walk())}
        for r in rows.values():
            r.indicators.sort(key=lambda i: order.get(i, len(order)))
            r.warnings_accepted.sort(key=lambda i: order.get(i, len(order)))
        return sorted(rows.values(), key=lambda r: r.first)

    def verify_catalogue(self, cat_id: int, *, by: str) -> int:
        """Mark the whole catalogue verified: every indicator verified and no error in the checks."""
        def change(cat: Catalogue):
            v = cat.verification or Verification()
            missing_indicators, errors = unverified_reasons(cat)
            missing = [i.id for i in missing_indicators]
            reasons = []
            if missing:
                reasons.append(f"{len(missing)} indicator(s) not verified yet (first: {', '.join(missing[:5])})")
            if errors:
                reasons.append(f"{len(errors)} error(s) in the checks (first: {errors[0].message})")
            if reasons:
                raise NotVerifiable(None, "; ".join(reasons), missing=missing,
                                    errors=[f.model_dump(mode="json") for f in errors])
            v.verified, v.by, v.at = True, by, _now()
            cat.verification = v
            return [{"indicator_id": "", "field": "catalogue_verified", "old_value": None, "new_value": "true",
                     "reason": None}], {}

        return self._commit(cat_id, change, by=by, touched={})

    # --- crosswalks and exports -------------------------------------------------------------

    def save_crosswalk(self, old_id: int, new_id: int, cw: Crosswalk, *, by: str = "system") -> None:
        """Keep the crosswalk between two stored catalogues (replacing an older one).

        The same crosswalk again changes nothing. A different one keeps each decision whose item is still
        there with the same ids (under the item's new key); the others are withdrawn, in the history.
        """
        body = cw.model_dump_json()
        with self.engine.begin() as conn:
            before = conn.execute(select(crosswalks.c.body).where(crosswalks.c.old_id == old_id,
                                                                  crosswalks.c.new_id == new_id)).scalar()
            if before == body:
                return
            keys = {_ids_key(i.old, i.new): i.key for i in review_items(cw)}
            rows = conn.execute(select(decisions).where(decisions.c.old_id == old_id,
                                                        decisions.c.new_id == new_id)).all()
            conn.execute(decisions.delete().where(decisions.c.old_id == old_id, decisions.c.new_id == new_id))
            for row in rows:
                values = dict(row._mapping)
                values.pop("id")
                ids = json.loads(values["item_ids"])
                key = keys.get(_ids_key(ids[0], ids[1]))
                if key is not None:
                    conn.execute(insert(decisions).values(**dict(values, item=key)))
                else:
                    conn.execute(insert(decision_history).values(
                        old_id=old_id, new_id=new_id, item=values["item"], action="withdrawn",
                        before=json.dumps(_decision_json(values), ensure_ascii=False), after=None,
                        reason="重新对比后该条目已不存在", by=by, at=_now()))
            conn.execute(crosswalks.delete().where(crosswalks.c.old_id == old_id, crosswalks.c.new_id == new_id))
            conn.execute(insert(crosswalks).values(old_id=old_id, new_id=new_id, body=body, created_at=_now()))

    def _crosswalk_and_sides(self, old_id: int, new_id: int) -> tuple[Crosswalk, Catalogue, Catalogue]:
        old_cat, _ = self.get(old_id)
        new_cat, _ = self.get(new_id)
        cw = self.crosswalk(old_id, new_id)
        if cw is None:
            raise NotFound(None, f"crosswalk {old_id} -> {new_id}", reason="crosswalk_not_found", old=old_id,
                           new=new_id)
        return cw, old_cat, new_cat

    def decisions(self, old_id: int, new_id: int) -> dict[str, Decision]:
        """The decisions on a stored crosswalk: item key -> the decision in force."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(decisions).where(decisions.c.old_id == old_id,
                                                        decisions.c.new_id == new_id)).all()
        return {r.item: Decision(action=r.action, old=json.loads(r.old_ids), new=json.loads(r.new_ids),
                                 reason=r.reason, revision=r.revision, by=r.by, at=r.at) for r in rows}

    def review(self, old_id: int, new_id: int) -> CrosswalkReview:
        """The stored crosswalk with every item to decide, the decisions so far and the crosswalk they make."""
        cw, old_cat, new_cat = self._crosswalk_and_sides(old_id, new_id)
        decided = self.decisions(old_id, new_id)
        items = review_items(cw, decided)
        return CrosswalkReview(computed=cw, items=items, reviewed=reviewed(cw, old_cat, new_cat, items))

    def decide(self, old_id: int, new_id: int, item: str, action: str, *, by: str,
               old_ids: builtins.list[str] | None = None, new_ids: builtins.list[str] | None = None,
               reason: str | None = None, revision: int | None = None) -> int:
        """Decide one item of a crosswalk (check_decision's rules) in one transaction, with its history record;
        return the item's new revision. ``revision``: the one the reviewer saw (0: undecided), else EditConflict."""
        cw, old_cat, new_cat = self._crosswalk_and_sides(old_id, new_id)
        target, olds, news = check_decision(cw, old_cat, new_cat, item, action, old_ids or [], new_ids or [],
                                            reason)
        with self.engine.begin() as conn:
            return self._write_decision(conn, old_id, new_id, target, action, olds, news,
                                        (reason or "").strip() or None, by, revision)

    def decide_rest(self, old_id: int, new_id: int, *, by: str, reason: str | None = None) -> int:
        """Accept every link and confirm every removed/added item nobody has decided yet; return how many."""
        review = self.review(old_id, new_id)
        rest = [i for i in review.items if not i.decided]
        with self.engine.begin() as conn:
            for it in rest:
                self._write_decision(conn, old_id, new_id, it, "accept" if it.kind == "link" else "confirm",
                                     it.old, it.new, (reason or "").strip() or None, by, 0)
        return len(rest)

    def _write_decision(self, conn, old_id: int, new_id: int, it: ReviewItem, action: str,
                        olds: builtins.list[str], news: builtins.list[str], reason: str | None, by: str,
                        revision: int | None) -> int:
        row = conn.execute(select(decisions).where(decisions.c.old_id == old_id, decisions.c.new_id == new_id,
                                                   decisions.c.item == it.key)).first()
        current = row.revision if row is not None else 0
        if revision is not None and revision != current:
            raise EditConflict(None, f"crosswalk item {it.key}", item=it.key)
        now = _now()
        after = {"action": action, "old_ids": json.dumps(olds, ensure_ascii=False),
                 "new_ids": json.dumps(news, ensure_ascii=False), "reason": reason}
        values = dict(after, item_ids=json.dumps([it.old, it.new], ensure_ascii=False), revision=current + 1,
                      by=by, at=now)
        if row is None:
            conn.execute(insert(decisions).values(old_id=old_id, new_id=new_id, item=it.key, **values))
        else:
            done = conn.execute(update(decisions).where(decisions.c.id == row.id, decisions.c.revision == current)
                                .values(**values)).rowcount
            if done != 1:
                raise EditConflict(None, f"crosswalk item {it.key}", item=it.key)
        before = json.dumps(_decision_json(dict(row._mapping)), ensure_ascii=False) if row is not None else None
        conn.execute(insert(decision_history).values(
            old_id=old_id, new_id=new_id, item=it.key, action=action, before=before,
            after=json.dumps(_decision_json(after), ensure_ascii=False), reason=reason, by=by, at=now))
        return current + 1

    def crosswalk_history(self, old_id: int, new_id: int) -> builtins.list[DecisionRecord]:
        """Every decision on the crosswalk, oldest first: who, when, the item, before and after."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(decision_history).where(decision_history.c.old_id == old_id,
                                                               decision_history.c.new_id == new_id)
                                .order_by(decision_history.c.id)).all()
        return [DecisionRecord(item=r.item, action=r.action, before=json.loads(r.before) if r.before else None,
                               after=json.loads(r.after) if r.after else None, reason=r.reason, by=r.by, at=r.at)
                for r in rows]

    def label_suggestions(self, cat_id: int, current: Catalogue | None = None) -> builtins.list[LabelSuggestion]:
        """For each indicator whose label was not printed (flag label_missing), its counterpart's label in a
        stored crosswalk with another catalogue (the area flows), as a suggestion a reviewer may accept;
        ``current``: the catalogue's current version when the caller has it read already."""
        cat = current if current is not None else self.get(cat_id)[0]
        missing = {i.id: i for i in cat.walk() if "label_missing" in i.flags}
        if not missing:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(select(crosswalks.c.old_id, crosswalks.c.new_id, crosswalks.c.body)
                                .where((crosswalks.c.old_id == cat_id) | (crosswalks.c.new_id == cat_id))
                                .order_by(crosswalks.c.id.desc())).all()
        found: dict[str, LabelSuggestion] = {}
        for old_id, new_id, body in rows:
            cw = Crosswalk.model_validate_json(body)
            side = "new" if new_id == cat_id else "old"
            other_id = old_id if side == "new" else new_id
            other = cw.old if side == "new" else cw.new
            for area in cw.areas:
                if area.side != side or area.id not in missing or area.id in found:
                    continue
                text = (area.counterpart_title or "").strip()
                if area.counterpart is None or not text:
                    continue
                found[area.id] = LabelSuggestion(indicator=area.id, text=text, counterpart=area.counterpart,
                                                 catalogue=other_id, title=other.title or other.source_file,
                                                 doc_number=other.doc_number, share=area.share)
        return [found[i] for i in missing if i in found]

    def crosswalk(self, old_id: int, new_id: int) -> Crosswalk | None:
        """The stored crosswalk between two catalogues, if any."""
        with self.engine.connect() as conn:
            body = conn.execute(select(crosswalks.c.body).where(crosswalks.c.old_id == old_id,
                                                                crosswalks.c.new_id == new_id)).scalar()
        return Crosswalk.model_validate_json(body) if body else None

    def export(self, cat_id: int, fmt: str) -> bytes:
        """The current catalogue as JSON, CSV (UTF-8 with BOM), XLSX or DOCX (the 附件) bytes."""
        from zhibiao.export import to_csv, to_docx, to_xlsx

        cat, _ = self.get(cat_id)
        if fmt == "json":
            return (_signed(cat).model_dump_json(indent=1) + "\n").encode("utf-8")
        if fmt == "csv":
            return to_csv(cat).encode("utf-8-sig")
        verified = cat.verification is not None and cat.verification.verified  # the store's own word
        if fmt == "xlsx":
            return to_xlsx(cat, verified)
        if fmt == "docx":
            return to_docx(cat, verified)
        raise InvalidEdit(None, f"format {fmt!r}: choose json, csv, xlsx or docx", reason="format_unknown",
                          format=fmt)


# --- crosswalk review ---------------------------------------------------------------------------

# what may be decided on each kind of item: a computed link, an old item with no successor, a new one with none
DECISIONS = {"link": ("accept", "reject", "relink"), "removed": ("confirm", "link"), "added": ("confirm", "link")}
NEEDS_REASON = {"reject", "relink", "link"}


class Decision(BaseModel):
    """The decision in force on one item of a crosswalk."""

    action: str
    old: list[str]
    new: list[str]
    reason: str | None
    revision: int
    by: str
    at: dt.datetime


class DecisionRecord(BaseModel):
    """One decision in the history of a crosswalk: before and after are {action, old_ids, new_ids, reason}."""

    item: str
    action: str  # accept, reject, relink, confirm, link; withdrawn when a new comparison dropped the item
    before: dict | None
    after: dict | None
    reason: str | None
    by: str
    at: dt.datetime


class LabelSuggestion(BaseModel):
    """A missing label, suggested from the counterpart of the indicator in another catalogue."""

    indicator: str
    text: str
    counterpart: str  # its id in the other catalogue
    catalogue: int  # the other catalogue
    title: str | None
    doc_number: str | None
    share: float


@dataclass
class ReviewItem:
    """One thing a reviewer decides: a computed link (link-N), or a removed/added item (removed-ID, added-ID)."""

    key: str
    kind: str  # link, removed, added
    old: list[str]
    new: list[str]
    index: int | None = None  # the link's place in the computed crosswalk
    decision: Decision | None = None
    covered_by: str | None = None  # a hand link of another item that takes in this removed/added item

    @property
    def decided(self) -> bool:
        return self.decision is not None or self.covered_by is not None

    def pairs(self) -> list[tuple[str, str]]:
        """The (old, new) pairs this item puts in the reviewed crosswalk."""
        d = self.decision
        if self.kind == "link" and (d is None or d.action == "accept"):
            return [(a, b) for a in self.old for b in self.new]
        if d is not None and d.action in ("relink", "link"):
            return [(a, b) for a in d.old for b in d.new]
        return []


@dataclass
class CrosswalkReview:
    """A stored crosswalk under review: as computed, its items with their decisions, and as decided."""

    computed: Crosswalk
    items: list[ReviewItem]
    reviewed: ReviewedCrosswalk

    @property
    def verified(self) -> bool:
        return self.reviewed.verified

    def item(self, key: str) -> ReviewItem | None:
        return next((i for i in self.items if i.key == key), None)


def _ids_key(old: list[str], new: list[str]) -> str:
    return json.dumps([old, new])


def _decision_json(values: dict) -> dict:
    """A decision as the history keeps it."""
    def ids(v):
        return json.loads(v) if isinstance(v, str) else list(v)
    return {"action": values["action"], "old_ids": ids(values["old_ids"]), "new_ids": ids(values["new_ids"]),
            "reason": values.get("reason")}


def review_items(cw: Crosswalk, decided: dict[str, Decision] | None = None) -> list[ReviewItem]:
    """Every item of a crosswalk a reviewer decides, with the decisions in force (item key -> decision)."""
    decided = decided or {}
    items = [ReviewItem(f"link-{n}", "link", list(link.old), list(link.new), n) for n, link in enumerate(cw.links)]
    items += [ReviewItem(f"removed-{i}", "removed", [i], []) for i in cw.removed]
    items += [ReviewItem(f"added-{i}", "added", [], [i]) for i in cw.added]
    for it in items:
        it.decision = decided.get(it.key)
    taken_old: dict[str, str] = {}
    taken_new: dict[str, str] = {}
    for it in items:
        if it.decision is not None and it.decision.action in ("relink", "link"):
            for a in it.decision.old:
                taken_old.setdefault(a, it.key)
            for b in it.decision.new:
                taken_new.setdefault(b, it.key)
    for it in items:
        if it.decision is None and it.kind != "link":
            it.covered_by = taken_old.get(it.old[0]) if it.kind == "removed" else taken_new.get(it.new[0])
    return items


def reviewed(cw: Crosswalk, old_cat: Catalogue, new_cat: Catalogue, items: list[ReviewItem]) -> ReviewedCrosswalk:
    """The crosswalk the decisions make (links the components of the pairs in force), verified when every item
    is decided."""
    from zhibiao.diff import rebuild

    done = sum(1 for i in items if i.decided)
    pairs = [p for i in items for p in i.pairs()]
    old_main, new_main = old_cat.main_rubric(), new_cat.main_rubric()
    old_leaves = {i.id for i in old_main.leaves()} if old_main else set()
    new_leaves = {i.id for i in new_main.leaves()} if new_main else set()
    stale = [f"{a} → {b}" for a, b in pairs if a not in old_leaves or b not in new_leaves]
    if not any(i.decision for i in items):
        base: Crosswalk = cw
    else:
        base = rebuild(cw, old_cat, new_cat, pairs)
    # a decision naming an id the catalogue no longer has is not lost silently: it is listed, and the
    # crosswalk cannot be verified until the comparison is run again
    return ReviewedCrosswalk(**dict(base), verified=bool(items) and done == len(items) and not stale,
                             decided=done, to_decide=len(items), stale=stale)


def _dedupe(ids: list[str]) -> list[str]:
    out: list[str] = []
    for i in ids:
        i = i.strip()
        if i and i not in out:
            out.append(i)
    return out


def check_decision(cw: Crosswalk, old_cat: Catalogue, new_cat: Catalogue, item: str, action: str,
                   old_ids: list[str], new_ids: list[str],
                   reason: str | None) -> tuple[ReviewItem, list[str], list[str]]:
    """What a decision on one crosswalk item may do, before anything is written: (the item, the old ids and the
    new ids it links). Raises NotFound (``reason`` crosswalk_item_not_found) or InvalidEdit (``reason``:
    decision_invalid, reason_required, ids_missing, id_unknown, relink_unchanged; ``params``: what they name).

    A link may be accepted, rejected (its items are then removed/added) or re-linked to other old and new
    leaves; a removed item may be confirmed or linked by hand to new leaves, an added item to old ones.
    Rejecting, re-linking and linking need a reason; every id must be a leaf of its catalogue's main rubric.
    """
    from zhibiao.diff.match import leaves, main_rubric

    it = next((i for i in review_items(cw) if i.key == item), None)
    if it is None:
        raise NotFound(None, f"crosswalk item {item}", reason="crosswalk_item_not_found", item=item)
    if action not in DECISIONS[it.kind]:
        raise InvalidEdit(None, f"{action!r} on {item}: choose one of {', '.join(DECISIONS[it.kind])}",
                          reason="decision_invalid", item=item, action=action)
    if action in NEEDS_REASON and not (reason or "").strip():
        raise InvalidEdit(None, f"{action} needs a reason", reason="reason_required", item=item)
    if action in ("accept", "reject", "confirm"):
        return it, list(it.old), list(it.new)
    olds, news = _dedupe(old_ids), _dedupe(new_ids)
    if it.kind == "removed":
        olds = list(it.old)
    elif it.kind == "added":
        news = list(it.new)
    for side, ids in (("old", olds), ("new", news)):
        if not ids:
            raise InvalidEdit(None, f"give at least one {side} id", reason="ids_missing", item=item, side=side,
                              version="原" if side == "old" else "现")
    for side, ids, cat in (("old", olds, old_cat), ("new", news, new_cat)):
        known = {i.id for i in leaves(main_rubric(cat))} if cat.rubrics else set()
        for ident in ids:
            if ident not in known:
                raise InvalidEdit(None, f"{ident} is not a leaf of the {side} catalogue", reason="id_unknown",
                                  item=item, id=ident, side=side, version="原" if side == "old" else "现")
    if it.kind == "link" and (olds, news) == (it.old, it.new):
        raise InvalidEdit(None, f"{item} already links these items: accept it instead", reason="relink_unchanged",
                          item=item)
    return it, olds, news


def unverified_reasons(cat: Catalogue) -> tuple[list[Indicator], list[Finding]]:
    """Why a catalogue cannot be marked verified: indicators not verified yet, and error findings."""
    done = set(cat.verification.indicators) if cat.verification else set()
    missing = [i for i in cat.walk() if i.id not in done]
    errors = [f for f in cat.all_findings() if f.severity == "error"]
    return missing, errors


def unverify(cat: Catalogue, ids: list[str]) -> None:
    """An edit withdraws the verification of the indicators it touches, and of the catalogue."""
    if cat.verification is None:
        return
    cat.verification.indicators = [i for i in cat.verification.indicators if i not in ids]
    cat.verification.verified = False
    cat.verification.by = cat.verification.at = None
