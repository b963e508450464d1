"""How level-1 factories feed a level-2 block: routing, travel and timing as data.

002_c83c776f5650c552.txt Secs. 4-6 and ../shared/MODEL.md sections 7 and 8.2. Level-1
factories (each a level-1 layout) line up on both sides of a routing region; their output
states travel to the level-2 block's entry ports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from layouts.layout import QUBITS_PER_TILE


@dataclass(frozen=True)
class Arrangement:
    """Geometry and timing of a two-level factory, in units of the level-2 d_m (d_m2).

    Attributes:
        name: the level-2 layout it belongs to.
        routing_area: area of the routing hub, in d_m2^2.
        strip_per_factory: routing strip along each level-1 factory, in d_m2 (times its width).
        move: fixed travel length of a level-1 state, in d_m2.
        move_per_factory: travel along the lined-up factories, in level-1 widths per factory
            of the whole arrangement (MODEL.md 7: 1/4, half of the n_L1 / 2 on a side); a
            port's states travel twice that per factory on its own side.
        min_step: shortest level-2 step, in d_m2 (the lattice surgery must fit).
        input_error: extra error of a delivered state, in p_L(d_m2) d_m2.
        max_factories: most feeding factories it places (None: any number, in two columns).
    """

    name: str
    routing_area: float
    strip_per_factory: float
    move: float
    move_per_factory: float
    min_step: float
    input_error: float
    max_factories: int | None = None

    def deal(self, counts, n_ports: int) -> list[list[np.ndarray]]:
        """How many factories of each kind sit on the side of each port: the factories, kind
        after kind, are dealt to the ports in turn (first to the first port: 5 factories give
        3 to port L and 2 to port R). ``counts[j]`` may be an array over a batch; the result
        is indexed [kind][port]. Each port is fed only by its own side (MODEL.md 7)."""
        dealt, before = [], np.zeros(())
        for count in counts:
            after = before + np.asarray(count, float)
            dealt.append(
                [
                    _dealt_before(after, p, n_ports) - _dealt_before(before, p, n_ports)
                    for p in range(n_ports)
                ]
            )
            before = after
        return dealt

    def feeder_tiles(self, count, qubits, d_m, column):
        """Tiles of ``count`` feeding factories of ``qubits`` each and row width ``column``,
        with their routing strip (MODEL.md 8.2)."""
        return count * (qubits / QUBITS_PER_TILE + self.strip_per_factory * d_m * column)

    def qubits(self, block_tiles, feeder_tiles, d_m) -> np.ndarray:
        """Physical qubits of a fed factory: its block, its feeders with their strips and the
        routing hub (MODEL.md 8.2)."""
        return QUBITS_PER_TILE * (block_tiles + feeder_tiles + self.routing_area * d_m**2)

    @classmethod
    def litinski(cls) -> Arrangement:
        """Factories on both sides of the level-2 block; on average a state crosses half of
        the n_L1 / 2 factories on its side (002 Secs. 4-5; MODEL.md 7). Each column feeds
        only the port on its side; any count fits, an odd one with one factory more on the
        side of port L (docs/model-extensions.md E4)."""
        return cls(
            "litinski",
            routing_area=20,
            strip_per_factory=0.5,
            move=10,
            move_per_factory=0.25,
            min_step=1,
            input_error=0,
        )

    @classmethod
    def small_footprint(cls) -> Arrangement:
        """One level-1 factory next to a one-region level-2 block (002 Sec. 6; MODEL.md 7)."""
        return cls(
            "small-footprint",
            routing_area=2,
            strip_per_factory=0,
            move=5,
            move_per_factory=0,
            min_step=2,
            input_error=5,
            max_factories=1,
        )


def _dealt_before(total: np.ndarray, port: int, n_ports: int) -> np.ndarray:
    """Of the factories numbered 0 .. total - 1, how many go to ``port`` (number t goes to
    port t mod n_ports)."""
    return np.maximum(0.0, np.floor((total - port + n_ports - 1) / n_ports))


def square_column(qubits):
    """Length a factory of two or more levels occupies along a routing column: the side of a
    square of its area (docs/model-extensions.md E5)."""
    return np.sqrt(qubits / QUBITS_PER_TILE)


ARRANGEMENTS = {"litinski": Arrangement.litinski, "small-footprint": Arrangement.small_footprint}
