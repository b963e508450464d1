"""JSON text that is always valid JSON: NaN and infinities become ``null`` with a reason.

``json.dumps`` writes a float NaN as the bare word ``NaN``, which no JSON parser accepts.
Records built by ``estimator.studies.report`` already carry ``null`` and their reasons; this
is the last guard for everything printed or written as JSON. Standard library only."""

from __future__ import annotations

import json
import math
from typing import Any

NOT_FINITE = "not a finite number"
REASONS = "not_defined"
"""Key of the object that maps each null field (by its path) to the reason it has no value."""


def to_json(value: Any, *, indent: int | None = 2) -> str:
    """``value`` as JSON text; a non-finite float becomes null, and if ``value`` is an object,
    its ``not_defined`` entry gets the path of that field with NOT_FINITE (unless a reason is
    already there).

    >>> to_json({"p_out": float("nan"), "qubits": 810}, indent=None)
    '{"p_out": null, "qubits": 810, "not_defined": {"p_out": "not a finite number"}}'
    """
    paths: list[str] = []
    clean = _clean(value, "", paths)
    if paths and isinstance(clean, dict):
        reasons = dict(clean.get(REASONS) or {})
        for path in paths:
            reasons.setdefault(path, NOT_FINITE)
        clean[REASONS] = reasons
    return json.dumps(clean, indent=indent, allow_nan=False)


def _clean(value: Any, path: str, paths: list[str]) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v, f"{path}.{k}" if path else str(k), paths) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v, f"{path}[{i}]", paths) for i, v in enumerate(value)]
    if isinstance(value, float) and not math.isfinite(value):
        paths.append(path)
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # a numpy scalar
        return _clean(value.item(), path, paths)
    return value
