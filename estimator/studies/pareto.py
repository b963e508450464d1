"""Pareto fronts: the factories no other factory beats in both output error and cost.

Factories compare per T state (report.PER_T): the error is ``p_out_per_t`` (infidelity per T
state a run delivers; a CCZ state counts as 4) and the cost one of COSTS. A factory is on the
front when no other has an error and a cost both at most its own and one of them smaller.
The selections below are picklable, so that workers apply them to their chunks (a chunk's
front contains every point of the study's front that lies in the chunk).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estimator.errors import ConfigError
from estimator.studies.columns import Columns

ERROR = "p_out_per_t"
COSTS = {
    "qubitcycles": "qubitcycles_per_t",
    "qubits": "qubits",
    "cycles": "cycles_per_t",
    "time": "time_per_t_us",
}
"""``--by`` names and their columns: qubitcycles, code cycles and microseconds per T state, or
the physical qubits of one factory."""


def cost_column(by: str, columns: Columns | None = None) -> str:
    """The column of cost ``by``; ConfigError when the rows lack it (time needs [hardware])."""
    name = COSTS[by]
    if columns is not None and columns.size and name not in columns.data:
        raise ConfigError(
            "--by", f"{by!r} needs a [hardware] table (e.g. --set hardware.profile=superconducting)"
        )
    return name


def front(error: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Mask of the non-dominated points (both minimised; NaN never on the front).

    >>> front(np.array([1.0, 2.0, 3.0, 2.0]), np.array([3.0, 1.0, 0.5, 2.0])).tolist()
    [True, True, True, False]
    """
    error, cost = np.asarray(error, float), np.asarray(cost, float)
    mask = np.zeros(len(error), dtype=bool)
    finite = np.flatnonzero(np.isfinite(error) & np.isfinite(cost))
    order = finite[np.lexsort((cost[finite], error[finite]))]
    best = np.inf
    last = None
    for i in order:
        if cost[i] < best:
            best, last = cost[i], (error[i], cost[i])
            mask[i] = True
        elif last == (error[i], cost[i]):  # an identical point is not beaten either
            mask[i] = True
    return mask


def series_fronts(columns: Columns, cost: str) -> np.ndarray:
    """Mask of the points on the front of their own series (the ``series`` column)."""
    mask = np.zeros(columns.size, dtype=bool)
    if not columns.size:
        return mask
    error, costs = columns.number(ERROR), columns.number(cost)
    series = columns.data["series"]
    for label in dict.fromkeys(series.tolist()):
        members = np.flatnonzero(series == label)
        mask[members] = front(error[members], costs[members])
    return mask


def with_flags(columns: Columns, by: str) -> Columns:
    """The columns with ``pareto`` (on the front of all rows) and ``pareto_series`` (on the
    front of its series), by p_out_per_t and the ``by`` cost."""
    if not columns.size:
        return columns
    cost = cost_column(by, columns)
    overall = front(columns.number(ERROR), columns.number(cost))
    return columns.with_columns({"pareto": overall, "pareto_series": series_fronts(columns, cost)})


@dataclass(frozen=True)
class KeepFront:
    """Keep the points on the front of their series (``msd pareto``)."""

    by: str

    def __call__(self, columns: Columns) -> np.ndarray:
        return series_fronts(columns, cost_column(self.by, columns))


@dataclass(frozen=True)
class KeepFeasible:
    """Keep the points with p_out at most ``target`` (``msd search``)."""

    target: float

    def __call__(self, columns: Columns) -> np.ndarray:
        if not columns.size:
            return np.zeros(0, dtype=bool)
        return columns.number("p_out") <= self.target
