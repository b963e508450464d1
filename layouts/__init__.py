"""Lattice-surgery layouts, schedules and the geometry that turns them into error terms.

Public names are re-exported lazily (PEP 562).
"""

from importlib import import_module

_EXPORTS = {
    "Distances": "layouts.layout",
    "Layout": "layouts.layout",
    "Length": "layouts.layout",
    "AncillaRegion": "layouts.layout",
    "Arrangement": "layouts.arrangement",
    "Schedule": "layouts.schedule",
    "Placement": "layouts.schedule",
    "Consumption": "layouts.schedule",
    "Departure": "layouts.schedule",
    "published_schedule": "layouts.schedule",
    "Level": "layouts.error_terms",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'layouts' has no attribute {name!r}")
