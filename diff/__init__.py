"""Crosswalk between two catalogues (old -> new). Not built yet: see the crosswalk issue."""

__all__: list[str] = []
