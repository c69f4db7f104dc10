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
import os
from decimal import Decimal, InvalidOperation
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

from zhibiao.errors import EditConflict, InvalidEdit, NotFound, NotVerifiable, StoreError, ZhibiaoError
from zhibiao.model import Catalogue, Crosswalk, Finding, Indicator, Place, Verification
from zhibiao.normalize.validate import check_rubric

__all__ = [
    "Store", "StoreError", "EditConflict", "NotFound", "NotVerifiable", "InvalidEdit", "default_url", "data_dir",
    "SCHEMA_VERSION", "EDITABLE", "CatalogueRow", "EditRow", "check_edit", "unverify", "unverified_reasons",
]

SCHEMA_VERSION = 1
EDITABLE = ("text", "points", "label", "parent")
CHECK_CODES = {"sum_mismatch", "total_mismatch", "numbering_gap", "numbering_duplicate", "points_missing",
               "leaf_without_points", "label_missing", "points_unit_missing"}


def data_dir() -> Path:
    """Where the default SQLite file lives: ZHIBIAO_DATA, else $XDG_DATA_HOME/zhibiao, else ~/.local/share/zhibiao."""
    if os.environ.get("ZHIBIAO_DATA"):
        return Path(os.environ["ZHIBIAO_DATA"])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "zhibiao"


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

# version -> what it does; version 1 creates the tables above. Later versions append here.
MIGRATIONS: dict[int, str] = {1: "create documents, catalogues, versions, edits, indicator revisions, crosswalks"}


class CatalogueRow(BaseModel):
    """One stored catalogue as listed."""

    id: int
    title: str | None
    filename: str
    sha256: str
    version: int
    verified: bool
    created_at: dt.datetime


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


def check_edit(cat: Catalogue, indicator_id: str, field: str,
               value: str) -> tuple[Place, str, str | Decimal | Indicator]:
    """What an edit of one field may do, before anything changes: (where the indicator is, the field it
    writes, the new value). Raises NotFound or InvalidEdit (``reason``: field_not_editable, text_empty,
    points_invalid, parent_invalid, parent_inside, parent_level; ``params``: the values it names).

    text/label write the text (``label`` where the label was not printed); points must be a finite,
    non-negative decimal; the new parent must be in the same rubric, one level up, and not the
    indicator itself or below it.
    """
    _check_field(field)
    value = value.strip()
    place = _find(cat, indicator_id)
    ind, rubric = place.indicator, place.rubric
    if field in ("text", "label"):
        if not value:
            raise InvalidEdit(None, "the text cannot be empty", reason="text_empty")
        return place, field, value
    if field == "points":
        try:
            points = Decimal(value)
        except InvalidOperation:
            raise InvalidEdit(None, f"points must be a decimal number, not {value!r}", reason="points_invalid",
                              value=value) from None
        if not points.is_finite() or points < 0:
            raise InvalidEdit(None, f"points must be a non-negative number, not {value!r}", reason="points_invalid",
                              value=value)
        return place, field, points
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
                    metadata.create_all(conn)
                conn.execute(insert(schema_versions).values(version=version, applied_at=_now()))
            return SCHEMA_VERSION

    # --- documents and catalogues -----------------------------------------------------------

    def ingest(self, path: str | os.PathLike, *, by: str = "cli", filename: str | None = None,
               limit: int | None = None) -> tuple[int, bool]:
        """Store a notice and its catalogue in one transaction; the same bytes again return the same id."""
        from zhibiao.pipeline import ingest

        p = Path(path)
        data = p.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        with self.engine.connect() as conn:
            existing = conn.execute(select(catalogues.c.id).join(documents).where(documents.c.sha256 == sha)).scalar()
        if existing is not None:
            return existing, False
        cat = ingest(p, limit=limit)
        if filename:
            cat.document.source_file = filename
        now = _now()
        with self.engine.begin() as conn:
            doc_id = _inserted_id(conn.execute(insert(documents).values(
                sha256=sha, filename=filename or p.name, format=cat.document.format, size=len(data), data=data,
                created_at=now, created_by=by)))
            title = cat.rubrics[0].title if cat.rubrics else None
            cat_id = _inserted_id(conn.execute(insert(catalogues).values(
                document_id=doc_id, title=title, version=1, verified=False, created_at=now)))
            conn.execute(insert(versions).values(catalogue_id=cat_id, version=1, body=cat.model_dump_json(),
                                                 created_at=now, created_by=by))
            ids = [ind.id for ind in cat.walk()]
            if ids:
                conn.execute(insert(revisions),
                             [{"catalogue_id": cat_id, "indicator_id": i, "revision": 1} for i in ids])
        return cat_id, True

    def list(self) -> list[CatalogueRow]:
        """Every stored catalogue, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(catalogues.c.id, catalogues.c.title, documents.c.filename, documents.c.sha256,
                                       catalogues.c.version, catalogues.c.verified, catalogues.c.created_at)
                                .join(documents).order_by(catalogues.c.id.desc())).all()
        return [CatalogueRow(**r._mapping) for r in rows]

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

    def _commit(self, cat_id: int, change, *, by: str, touched: dict[str, int]) -> int:
        """Apply change(cat) to the current version and save it as the next one, all in one transaction.

        change returns the history records and the indicator ids it renamed (old -> new, when a
        subtree moves). touched: indicator id -> the revision the editor saw; any other revision is
        an EditConflict.
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
                return version + 1
        raise EditConflict(None, "the catalogue kept changing; try again")

    def edit(self, cat_id: int, indicator_id: str, field: str, value: str, *, by: str, revision: int,
             reason: str | None = None) -> int:
        """Change one field of an indicator (text, points, label, parent); return the new catalogue version.

        The rules are check_edit's; the indicator's revision must be the one the editor saw
        (EditConflict otherwise); the edit withdraws the verification of what it touches.
        """
        _check_field(field)
        value = value.strip()

        def change(cat: Catalogue):
            (ind, parent, rubric), _, new = check_edit(cat, indicator_id, field, value)
            unverify(cat, [indicator_id])
            renamed: dict[str, str] = {}
            old: str | None
            if field in ("text", "label"):
                assert isinstance(new, str)
                old = ind.text
                ind.text = new
                if "label_missing" in ind.flags:
                    ind.flags = [f for f in ind.flags if f != "label_missing"] + ["label_by_reviewer"]
            elif field == "points":
                assert isinstance(new, Decimal)
                old = str(ind.points) if ind.points is not None else None
                ind.points = new
                ind.flags = [f for f in ind.flags if f not in ("inferred_from_sum", "points_from_deduction")]
            else:  # parent
                assert isinstance(new, Indicator)
                target = new
                old = parent.id if parent else None
                (parent.children if parent else rubric.indicators).remove(ind)
                target.children.append(ind)
                target.children.sort(key=lambda c: c.number)
                renamed = _reid(ind, target.id + ".", target.level + 1)
                unverify(cat, list(renamed))  # the moved subtree needs checking again under its new parent
            _recheck(cat)
            return [{"indicator_id": indicator_id, "field": field, "old_value": old, "new_value": value,
                     "reason": reason}], renamed

        return self._commit(cat_id, change, by=by, touched={indicator_id: revision})

    def verify(self, cat_id: int, indicator_ids: builtins.list[str], *, by: str, revisions_seen: dict[str, int]) -> int:
        """Mark indicators verified by a person (their revisions must be the ones the person saw)."""
        def change(cat: Catalogue):
            v = cat.verification or Verification()
            for ident in indicator_ids:
                _find(cat, ident)
                if ident not in v.indicators:
                    v.indicators.append(ident)
            cat.verification = v
            return [{"indicator_id": i, "field": "verified", "old_value": None, "new_value": "true", "reason": None}
                    for i in indicator_ids], {}

        return self._commit(cat_id, change, by=by, touched={i: revisions_seen[i] for i in indicator_ids})

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

    def save_crosswalk(self, old_id: int, new_id: int, cw: Crosswalk) -> None:
        """Keep the crosswalk between two stored catalogues (replacing an older one)."""
        with self.engine.begin() as conn:
            conn.execute(crosswalks.delete().where(crosswalks.c.old_id == old_id, crosswalks.c.new_id == new_id))
            conn.execute(insert(crosswalks).values(old_id=old_id, new_id=new_id, body=cw.model_dump_json(),
                                                   created_at=_now()))

    def crosswalk(self, old_id: int, new_id: int) -> Crosswalk | None:
        """The stored crosswalk between two catalogues, if any."""
        with self.engine.connect() as conn:
            body = conn.execute(select(crosswalks.c.body).where(crosswalks.c.old_id == old_id,
                                                                crosswalks.c.new_id == new_id)).scalar()
        return Crosswalk.model_validate_json(body) if body else None

    def export(self, cat_id: int, fmt: str) -> bytes:
        """The current catalogue as JSON, CSV (UTF-8 with BOM) or XLSX bytes."""
        from zhibiao.export import to_csv, to_xlsx

        cat, _ = self.get(cat_id)
        if fmt == "json":
            return (cat.model_dump_json(indent=1) + "\n").encode("utf-8")
        if fmt == "csv":
            return to_csv(cat).encode("utf-8-sig")
        if fmt == "xlsx":
            return to_xlsx(cat)
        raise InvalidEdit(None, f"format {fmt!r}: choose json, csv or xlsx", reason="format_unknown", format=fmt)


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
