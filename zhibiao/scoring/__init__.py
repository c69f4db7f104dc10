"""Score assessments (points awarded per leaf indicator) against a catalogue's main rubric, exactly.

``assessment``: the rubric and its leaves, reading assessment CSVs; ``tally``: exact sums, 完成度,
cohort statistics; ``report``: JSON, tables, CSV and XLSX. Everything is importable from here.
"""

from __future__ import annotations

from zhibiao.errors import EXIT_BAD_ASSESSMENT, EXIT_UNVERIFIED, InvalidAssessment, UnverifiedCatalogue

from .assessment import (
    NOT_APPLICABLE,
    Assessment,
    main_rubric,
    read_assessment,
    read_folder,
    require_verified,
    scorable_leaves,
)
from .report import UNVERIFIED_WARNING, cohort_csv, cohort_tables, cohort_xlsx, score_json, score_table
from .tally import COHORT_BANDS, TARGET, TARGET_SOURCE, Area, Band, Cohort, Ranked, Score, Tally, cohort, ratio, score

__all__ = [
    "EXIT_BAD_ASSESSMENT",
    "EXIT_UNVERIFIED",
    "TARGET",
    "TARGET_SOURCE",
    "COHORT_BANDS",
    "NOT_APPLICABLE",
    "UNVERIFIED_WARNING",
    "InvalidAssessment",
    "UnverifiedCatalogue",
    "Assessment",
    "Tally",
    "Score",
    "Area",
    "Band",
    "Ranked",
    "Cohort",
    "ratio",
    "main_rubric",
    "scorable_leaves",
    "require_verified",
    "read_assessment",
    "read_folder",
    "score",
    "cohort",
    "score_json",
    "score_table",
    "cohort_tables",
    "cohort_csv",
    "cohort_xlsx",
]
