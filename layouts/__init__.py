"""Lattice-surgery layouts, schedules and the geometry that turns them into error terms.

Public names are re-exported lazily (PEP 562).
"""

from estimator.lazy import lazy_exports

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

__all__, __getattr__ = lazy_exports("layouts", _EXPORTS)
