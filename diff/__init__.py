"""Crosswalk between two catalogues (old -> new): links, splits and merges, changed numbers, area flows, reports."""

from .crosswalk import crosswalk

__all__ = ["crosswalk"]
