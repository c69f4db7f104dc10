"""The main job: file -> layout -> catalogue."""

from __future__ import annotations

import os
from decimal import Decimal

from zhibiao import extract
from zhibiao.errors import NoRubric
from zhibiao.findings import finding, input_warning
from zhibiao.inputs import SURROGATE, file_name
from zhibiao.model import Catalogue, DocumentInfo, Layout, Rubric, Source, dec_str, no_cycle_collection
from zhibiao.normalize.cleanup import clean_memo
from zhibiao.normalize.document import document_info
from zhibiao.normalize.regulations import find_regulations
from zhibiao.normalize.rubric import find_rubrics

__all__ = ["info", "ingest", "ocr_checks"]


def _read(path: str | os.PathLike, limit: int | None) -> Layout:
    """extract.read, with a file name that is not UTF-8 (b"\\xff.txt": lone surrogates after os.fsdecode)
    written with U+FFFD wherever the layout records it, so that the catalogue can be stored and written."""
    layout = extract.read(path, limit=limit)
    if SURROGATE.search(layout.file):
        def clean(value):
            if isinstance(value, str):
                return file_name(value)
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            if isinstance(value, list):
                return [clean(v) for v in value]
            return value

        layout = type(layout).model_validate(clean(layout.model_dump()))
    return layout


def info(path: str | os.PathLike, *, limit: int | None = None) -> DocumentInfo:
    """The document block of a notice (文号, issuer, title, date, citations)."""
    return document_info(_read(path, limit))


def ingest(path: str | os.PathLike, *, require_rubric: bool = True, expect_total: Decimal | None = None,
           limit: int | None = None) -> Catalogue:
    """Read a notice and recover its rubrics; NoRubric when it has none. limit: refuse larger files."""
    layout = _read(path, limit)  # a reader's objects (pdfminer's) may hold cycles: collected as usual
    with no_cycle_collection(), clean_memo():  # rubrics, document and regulations clean the same paragraphs
        return _catalogue(path, layout, require_rubric, expect_total)


def _catalogue(path: str | os.PathLike, layout: Layout, require_rubric: bool,
               expect_total: Decimal | None) -> Catalogue:
    rubrics = find_rubrics(layout, expect_total)
    if layout.ocr_pages:
        for rubric in rubrics:
            ocr_checks(rubric)
    if require_rubric and not rubrics:
        raise NoRubric(str(path), "it reads as a narrative notice; `zhibiao info` shows its 文号 and citations")
    notes = [input_warning(layout.file, n) for n in layout.notes]
    # every part was validated when it was made (a Rubric checks its levels then): validating the whole
    # again would only walk every indicator once more (a catalogue read from a file is validated in full)
    return Catalogue.model_construct(document=document_info(layout), rubrics=rubrics,
                                     regulations=find_regulations(layout), findings=notes)


def _where(source: Source) -> tuple[int | str, str]:
    """The page and the region (points) of a source, as an OCR finding names them."""
    if not source.regions:
        return (source.pages[0] if source.pages else "?"), "?"
    region = source.regions[0]
    x0, top, x1, bottom = region.bbox
    return region.page, f"{x0:.0f},{top:.0f},{x1:.0f},{bottom:.0f} pt"


def ocr_checks(rubric: Rubric) -> None:
    """Flag the indicators OCR read with low confidence (``ocr_low_confidence``); a finding for each whose points
    were read so (``ocr_points_low_confidence``) or break the sums (``ocr_points_break_sums``)."""
    from zhibiao.extract.ocr import SETTINGS

    threshold = SETTINGS.low_confidence
    added = []
    for ind in rubric.walk():
        conf = ind.source.confidence if ind.source is not None else None
        if conf is None or conf >= threshold:
            continue
        if "ocr_low_confidence" not in ind.flags:
            ind.flags.append("ocr_low_confidence")
        if ind.points is not None and "inferred_from_sum" not in ind.flags and ind.source is not None:
            page, region = _where(ind.source)
            added.append(finding("ocr_points_low_confidence", indicator=ind.id, source=ind.source, id=ind.id,
                                 points=ind.points, confidence=f"{conf:.2f}", threshold=f"{threshold:.2f}",
                                 page=page, region=region))
    for f in list(rubric.findings):
        if f.code != "sum_mismatch" or f.indicator is None:
            continue
        found = rubric.find(f.indicator)
        if found is None or found.source is None or found.source.confidence is None or found.points is None:
            continue
        page, region = _where(found.source)
        added.append(finding("ocr_points_break_sums", indicator=found.id, source=found.source, id=found.id,
                             points=dec_str(found.points), page=page, region=region))
    rubric.findings.extend(added)
