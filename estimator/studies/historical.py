"""Published factories costed under their own published models, for the "historical" rows of
Litinski 2019 (arXiv:1905.06903), Table 1. Only factories whose model is public and small:

* the 15-to-1 block of Litinski 2019, "A Game of Surface Codes" (arXiv:1808.02892): every
  patch at the full distance d, 11 tiles for 11 d code cycles (its Sec. 3.1), output error
  the 15-to-1's leading term 35 p^3 (counted here from its triorthogonal matrix);
* the catalysed CCZ -> 2T factory of Gidney and Fowler 2019 (arXiv:1812.01238): level-1
  15-to-1 factories at distance d1, a level-2 CCZ factory at d2, with the error budget and
  footprint they publish (their Sec. 2-3, as Qualtran's ``CCZ2TFactory`` also uses it):
  injected T states at error p plus 100 unit cells at distance d1 // 2; level 1: 35 x that
  cubed plus 1100 unit cells at d1; level 2: 28 x level 1 squared plus 1000 unit cells at
  d2; each factory 4 x 8 tiles of 2 d^2 qubits, six level-1 factories and one level-2;
  5.5 d cycles per CCZ state (overlapped depth), one more d per catalysed T pair, with
  d = max(2 d1 + 1, d2). A unit cell fails with p_L(d) = 0.1 (p / 0.01)^((d + 1) / 2).

Costs are per output state, as Table 1 gives them (two T states per CCZ through the
catalysed step); the Gidney-Fowler rows' full distance is ours (``estimator.costs``, 231
logical qubits).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from estimator.errors import ConfigError

GAME_TILES = 11
GAME_STEPS = 11


@dataclass(frozen=True)
class HistoricalCost:
    """A published factory's costs per output state under its own model."""

    p_out: float
    qubits: float
    cycles: float
    qubitcycles: float
    d: int
    cost_d3: float


def _full(p_phys: float, p_out: float, qubitcycles: float) -> tuple[int, float]:
    import numpy as np

    from estimator.costs import full_distances
    from estimator.sim.noise import NoiseModel

    first = full_distances(NoiseModel(p_phys), np.asarray(p_out), np.asarray(qubitcycles))[0]
    return int(first.d), float(first.cost_d3)


def game_15_to_1(p_phys: float, d: int) -> HistoricalCost:
    """The 15-to-1 of "A Game of Surface Codes" with every patch at distance d (that paper
    takes d = 13 for a 100-qubit computation at p = 1e-4; the full-distance rule of Litinski
    2019 gives 15 for its p_out), cost in units of d^3 at the same d."""
    from estimator.codes.triorthogonal import MATRIX_15_TO_1, TriorthogonalCode

    code = TriorthogonalCode(MATRIX_15_TO_1)
    p_out = code.leading_coefficient * p_phys**code.distance
    qubits, cycles = GAME_TILES * 2 * d**2, GAME_STEPS * d
    qubitcycles = qubits * cycles
    return HistoricalCost(p_out, qubits, cycles, qubitcycles, d, qubitcycles / (2 * d**3))


def gidney_fowler(p_phys: float, d1: int, d2: int, output: str) -> HistoricalCost:
    """The catalysed factory of Gidney and Fowler 2019: output "ccz" (one CCZ state) or
    "2t" (two T states from a CCZ and a catalysed step; costs per T state)."""
    if output not in ("ccz", "2t"):
        raise ConfigError("args.output", f"ccz or 2t, got {output!r}")

    def cell(d: int) -> float:
        return 0.1 * (p_phys / 0.01) ** ((d + 1) / 2)

    level0 = p_phys + 100 * cell(d1 // 2)
    level1 = 1100 * cell(d1) + 35 * level0**3
    level2 = 1000 * cell(d2) + 28 * level1**2
    qubits = (6 * d1**2 + d2**2) * 4 * 8 * 2
    depth = 5.5 + (1 if output == "2t" else 0)
    cycles = math.ceil(depth * max(2 * d1 + 1, d2))
    per = 2 if output == "2t" else 1
    p_out = level2 / per
    qubitcycles = qubits * cycles / per
    d, cost = _full(p_phys, p_out, qubitcycles)
    return HistoricalCost(p_out, qubits, cycles, qubitcycles, d, cost)


def historical(model: str, args: dict[str, Any]) -> HistoricalCost:
    """The cost of ``model`` ("game-15-to-1" or "gidney-fowler-2019") with its arguments."""
    if model == "game-15-to-1":
        return game_15_to_1(float(args["p_phys"]), int(args["d"]))
    if model == "gidney-fowler-2019":
        p, d1, d2 = float(args["p_phys"]), int(args["d1"]), int(args["d2"])
        return gidney_fowler(p, d1, d2, args["output"])
    raise ConfigError("args.model", f"game-15-to-1 or gidney-fowler-2019, got {model!r}")
