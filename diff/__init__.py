"""Crosswalk between two catalogues (old -> new): links, splits and merges, changed numbers, area flows, reports."""

from .crosswalk import crosswalk, rebuild

__all__ = ["crosswalk", "rebuild"]
