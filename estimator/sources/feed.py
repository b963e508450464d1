"""Cultivation units as the feed of a distillation block (docs/model/cultivation.md).

A block fed by cultivation is costed exactly as a level-2 block fed by level-1 factories
(estimator.factory.supply): each rotation consumes one state by lattice surgery, with
p_L1 = the cultivated state's error, the step lasting max(k cycles_unit / n_units, d_m)
(cycles_unit: expected code cycles per kept state), l_move from the routing (the units lie
along their column as squares of their area, about one d = 15 patch each) and the units'
qubits counted with their routing strips. A unit is one point of the cultivation data
(estimator.sources.cultivation) at the factory's p_phys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from estimator.errors import ModelError
from estimator.factory import FactoryEstimate, Feed
from estimator.sim.noise import NoiseModel
from estimator.sources.cultivation import Point
from layouts.arrangement import Arrangement


@dataclass(frozen=True)
class CultivationUnit:
    """One cultivation unit (estimator.factory.Source) making the states of ``point``."""

    point: Point
    n_levels: ClassVar[int] = 0
    """Not a distillation level: the block it feeds is level 1."""

    def estimate(self, noise: NoiseModel) -> FactoryEstimate:
        """The unit as a feeding factory of one output per kept state.

        Raises:
            ModelError: the factory's p_phys is not the point's (the data price one p).
        """
        p = np.asarray(noise.p_phys, dtype=float)
        if not np.allclose(p, self.point.p_phys, rtol=1e-9, atol=0):
            raise ModelError(
                f"cultivation: the units were priced at p = {self.point.p_phys:g}, the factory "
                f"runs at p_phys = {np.unique(p)[0]:g}; price them at the factory's p_phys"
            )
        point = self.point
        return FactoryEstimate(
            p_out=np.asarray(point.p_out),
            p_fail=np.asarray(1.0 - point.keep_rate),
            infidelity=np.asarray(point.p_out),
            qubits=np.asarray(float(point.qubits)),
            cycles=np.asarray(point.cycles),
            qubitcycles=np.asarray(point.qubitcycles),
            outputs=1,
            full_distance=(),
            exact=np.asarray(False),
        )

    def notation(self, count: int) -> str:
        """The feed in the notation of factory titles, e.g. ``(cultivation)^8_{5,g86}``."""
        power = f"^{count}" if count > 1 else ""
        return f"(cultivation){power}_{{{self.point.d1},g{self.point.gap}}}"


@dataclass(frozen=True)
class CultivationFeed:
    """``count`` units feeding a block through ``arrangement`` (its routing and timing)."""

    unit: CultivationUnit
    count: int
    arrangement: Arrangement

    def feed(self) -> Feed:
        return Feed(self.unit, self.count)
