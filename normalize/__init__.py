"""Normalizers: layout -> catalogue (numbering, points, 文号, clean-up, tree recovery, validation)."""

__all__ = ["cleanup", "docnum", "document", "numbering", "points", "regulations", "rubric", "stream", "tree",
           "validate"]
