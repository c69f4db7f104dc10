"""Normalizers: layout -> catalogue (numbering, points, 文号, clean-up, tree recovery, validation)."""
