"""Data blocks: where the algorithm's qubits live and how fast they consume T states.

Litinski, "A Game of Surface Codes" (2019, arXiv:1808.02892), Sec. 3: n qubits stored in
patches on tiles of d x d (2 d^2 physical qubits per tile with the measurement qubits, as the
factories here count them), and every pi/8 rotation (one T state consumed) done by lattice
surgery in a number of time steps of d code cycles each, at most:

- compact block (Sec. 3.1, Fig. 9): 1.5 n + 3 tiles, up to 9 time steps per rotation;
- intermediate block (Sec. 3.2, Fig. 13a): 2 n + 4 tiles, up to 5 time steps per rotation;
- fast block (Sec. 3.3): 2 n + sqrt(8 n) + 1 tiles, 1 time step per rotation. This is also
  the layout of Beverland et al. 2022 (arXiv:2211.07629, Sec. IV.A, the PSSPC layout) that
  Microsoft's resource estimator uses: 2 Q + ceil(sqrt(8 Q)) + 1 logical qubits, one logical
  cycle per operation.

A block's steps per operation multiply every logical time step of the fast-block schedule
(measurements, rotations, T gates, the 3 steps of a Toffoli): the block consumes at most one
T state every steps x d code cycles (its T-consumption rate limit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from estimator.errors import ConfigError
from layouts.layout import QUBITS_PER_TILE


@dataclass(frozen=True)
class DataBlock:
    """A data block as data: tiles = per_qubit n + ceil(per_sqrt sqrt(n)) + constant.

    Attributes:
        name, source: its name and the paper section it comes from.
        per_qubit, per_sqrt, constant: the tile formula's coefficients.
        steps: time steps (d code cycles each) per operation, at most.
    """

    name: str
    source: str
    per_qubit: float
    per_sqrt: float
    constant: int
    steps: int

    def tiles(self, n: int) -> int:
        """Tiles (logical patches, routing included) for n algorithm qubits."""
        sqrt_part = math.ceil(self.per_sqrt * math.sqrt(n)) if self.per_sqrt else 0
        return math.ceil(self.per_qubit * n) + sqrt_part + self.constant

    def qubits(self, n: int, d: int) -> int:
        """Physical qubits at distance d: tiles x 2 d^2."""
        return self.tiles(n) * QUBITS_PER_TILE * d * d


BLOCKS: dict[str, DataBlock] = {
    b.name: b
    for b in (
        DataBlock("compact", "Litinski 2019 (arXiv:1808.02892) Sec. 3.1, Fig. 9", 1.5, 0.0, 3, 9),
        DataBlock(
            "intermediate", "Litinski 2019 (arXiv:1808.02892) Sec. 3.2, Fig. 13a", 2.0, 0.0, 4, 5
        ),
        DataBlock(
            "fast",
            "Litinski 2019 (arXiv:1808.02892) Sec. 3.3; the layout of Beverland et al. 2022 "
            "(arXiv:2211.07629) Sec. IV.A used by qdk",
            2.0,
            math.sqrt(8.0),
            1,
            1,
        ),
    )
}
"""The data blocks by name."""


def parse_blocks(text: str | list, *, field: str = "--blocks") -> tuple[DataBlock, ...]:
    """Blocks by comma-separated names (or a list of names)."""
    names = [n.strip() for n in text.split(",")] if isinstance(text, str) else list(text)
    if not names or any(not isinstance(n, str) or n not in BLOCKS for n in names):
        raise ConfigError(field, f"choose among {', '.join(BLOCKS)}, got {text!r}")
    return tuple(BLOCKS[n] for n in dict.fromkeys(names))
