"""JSON text that is always valid JSON with valid numbers: the one check on the way out.

``json.dumps`` writes a float NaN as the bare word ``NaN``, which no JSON parser accepts:
NaN and infinities become ``null`` with a reason. Records built by
``estimator.studies.report`` already carry ``null`` and their reasons; this is the last guard
for everything printed or written as JSON. Every number under a probability's name (``p``,
``p_*``, ``eps``, ``eps_*``, ``epsbar_*``, ``infidelity``) must lie in [0, 1] and every cost
(qubits, cycles, qubitcycles and their per-T forms) must be positive, else a ModelError: a
number outside its range is never printed. Standard library only."""

from __future__ import annotations

import json
import math
from typing import Any

from estimator.errors import ModelError

NOT_FINITE = "not a finite number"
REASONS = "not_defined"
"""Key of the object that maps each null field (by its path) to the reason it has no value."""
PROBABILITIES = ("p", "eps", "infidelity")
"""Names of probabilities besides those starting with ``p_``, ``eps_`` or ``epsbar_``."""
COSTS = ("qubits", "cycles", "qubitcycles", "qubitcycles_per_t", "cycles_per_t")


def to_json(value: Any, *, indent: int | None = 2) -> str:
    """``value`` as JSON text; a non-finite float becomes null, and if ``value`` is an object,
    its ``not_defined`` entry gets the path of that field with NOT_FINITE (unless a reason is
    already there).

    >>> to_json({"p_out": float("nan"), "qubits": 810}, indent=None)
    '{"p_out": null, "qubits": 810, "not_defined": {"p_out": "not a finite number"}}'
    """
    paths: list[str] = []
    clean = _clean(value, "", paths)
    check_numbers(clean)
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


def check_numbers(value: Any, path: str = "", name: str = "") -> None:
    """ModelError unless every number under a probability's name lies in [0, 1] and every
    cost is positive (``name``: the key the numbers are under; lists take their key's name).

    >>> check_numbers({"p_out": 0.5, "qubits": 810, "eps_out": [1e-9, 2e-9]})
    >>> check_numbers({"p_out": 4080.0})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    estimator.errors.ModelError: p_out = 4.08e+03 is not a probability (outside [0, 1]): ...
    """
    stack = [(value, path, name)]
    while stack:
        item, where, key = stack.pop()
        if isinstance(item, dict):
            stack += [(v, f"{where}.{k}" if where else str(k), str(k)) for k, v in item.items()]
        elif isinstance(item, list | tuple):
            stack += [(v, f"{where}[{i}]", key) for i, v in enumerate(item)]
        elif isinstance(item, int | float) and not isinstance(item, bool):
            _check_number(float(item), where, key)


def _check_number(number: float, path: str, key: str) -> None:
    if not math.isfinite(number):
        return  # written as null, with its reason
    if is_probability(key) and not 0 <= number <= 1:
        raise ModelError(
            f"{path} = {number:.3g} is not a probability (outside [0, 1]): the model does not "
            "apply at these inputs"
        )
    if key in COSTS and number <= 0:
        raise ModelError(f"{path} = {number:.3g}: a cost must be positive")


def is_probability(key: str) -> bool:
    """Whether the numbers under ``key`` are probabilities."""
    return key in PROBABILITIES or key.startswith(("p_", "eps_", "epsbar_"))
