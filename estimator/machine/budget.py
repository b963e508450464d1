"""The error budget's split, rotation synthesis, and what the algorithm asks of the machine.

Split (Beverland et al. 2022, arXiv:2211.07629, Sec. IV.B, the default of Microsoft's
resource estimator): with rotations, a third each to the data block, the T states and the
rotation synthesis; without rotations, half to the data block and half to the T states; with
no T states at all, everything to the data block. Any other split is given as three shares.

Rotation synthesis (Beverland et al. 2022, Sec. IV.A, from Kliuchnikov et al. 2022,
arXiv:2203.10064): each of the R rotations is approximated to eps_rot / R with
ceil(0.53 log2(R / eps_rot) + 5.3) T gates. (qdk 1.33 rounds to the nearest integer instead,
found by running it: 15.86 -> 16, 21.15 -> 21, 22.12 -> 22; the "qdk" rules do the same.)

Demand (Beverland et al. 2022, Sec. IV.A, the PSSPC layout): T states
N_T = T + 4 (CCZ + CCiX) + R n_rot, and logical operations in sequence
C = M + R + T + 3 (CCZ + CCiX) + n_rot D_R (one logical time step each on the fast block).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from estimator.errors import ConfigError
from estimator.machine.counts import LogicalCounts

SYNTHESIS_A = 0.53
SYNTHESIS_B = 5.3
"""T gates per rotation: ceil(A log2(R / eps_rot) + B) (Beverland et al. 2022, Sec. IV.A)."""
T_PER_TOFFOLI = 4
"""T states a CCZ or CCiX gate consumes (Beverland et al. 2022, Sec. IV.A)."""
STEPS_PER_TOFFOLI = 3
"""Logical time steps of a CCZ or CCiX gate on the fast block (Beverland et al. 2022, Sec. IV.A)."""


@dataclass(frozen=True)
class Split:
    """Shares of the total error budget: data block, T states, rotation synthesis (sum 1);
    ``auto``: data and T states share their sum as each machine needs (module docstring)."""

    data: float
    tstates: float
    rotations: float
    auto: bool = False

    def echo(self, budget: float) -> dict[str, Any]:
        return {
            "budget": budget,
            "split": "auto" if self.auto else "fixed",
            "data_share": self.data,
            "tstates_share": self.tstates,
            "rotations_share": self.rotations,
            "eps_data": budget * self.data,
            "eps_tstates": budget * self.tstates,
            "eps_rotations": budget * self.rotations,
        }


def default_split(counts: LogicalCounts) -> Split:
    """qdk's default rule (module docstring)."""
    if counts.rotations:
        return Split(1 / 3, 1 / 3, 1 / 3)
    if counts.t_count or counts.ccz or counts.ccix:
        return Split(0.5, 0.5, 0.0)
    return Split(1.0, 0.0, 0.0)


def parse_split(text: str | list, counts: LogicalCounts, *, field: str = "--split") -> Split:
    """ "auto", or three shares DATA,TSTATES,ROTATIONS (positive where needed, summing to 1)."""
    if text == "auto":
        return replace(default_split(counts), auto=True)
    parts = text.split(",") if isinstance(text, str) else list(text)
    if len(parts) != 3:
        raise ConfigError(field, f"give auto or three shares DATA,TSTATES,ROTATIONS, got {text!r}")
    try:
        shares = [float(p) for p in parts]
    except (TypeError, ValueError):
        raise ConfigError(field, f"shares must be numbers, got {text!r}") from None
    if not all(math.isfinite(s) and 0 <= s <= 1 for s in shares):
        raise ConfigError(field, f"shares must lie in [0, 1], got {text!r}")
    if abs(sum(shares) - 1) > 1e-9:
        raise ConfigError(field, f"shares must sum to 1, got {sum(shares):g}")
    split = Split(*shares)
    needs_t = counts.t_count or counts.ccz or counts.ccix or counts.rotations
    if split.data <= 0:
        raise ConfigError(field, "the data share must be positive")
    if needs_t and split.tstates <= 0:
        raise ConfigError(field, "the T-state share must be positive (the counts need T states)")
    if counts.rotations and split.rotations <= 0:
        raise ConfigError(field, "the rotation share must be positive (rotationCount > 0)")
    if not counts.rotations and split.rotations > 0:
        raise ConfigError(field, "the rotation share must be 0 without rotations")
    return split


@dataclass(frozen=True)
class Demand:
    """What the counts ask of the machine under a budget split.

    Attributes:
        t_per_rotation: T gates per synthesised rotation (0 without rotations).
        t_states: T states consumed, N_T.
        operations: logical operations in sequence, C (time steps on the fast block).
        eps_data, eps_tstates, eps_rotations: the budget's three parts.
        auto: the data block may use what the factories leave of eps_data + eps_tstates.
    """

    t_per_rotation: int
    t_states: int
    operations: int
    eps_data: float
    eps_tstates: float
    eps_rotations: float
    auto: bool = False

    @property
    def target(self) -> float:
        """Output error per T state of the T-state share, eps_T / N_T (1 without T states):
        what a factory source is asked for."""
        return self.eps_tstates / self.t_states if self.t_states else 1.0

    @property
    def cap(self) -> float:
        """The largest output error per T state a factory may have (the target, or with
        ``auto`` everything but the rotation share spread over N_T)."""
        if not self.auto or not self.t_states:
            return self.target
        return (self.eps_tstates + self.eps_data) / self.t_states

    def data_share(self, tstate_error: float) -> float:
        """What the data block may spend when the factories spend ``tstate_error``."""
        return self.eps_data + self.eps_tstates - tstate_error if self.auto else self.eps_data


def t_per_rotation(rotations: int, eps_rotations: float, rounding: str = "ceil") -> int:
    """ceil (or, with ``rounding = "round"``, the nearest integer to)
    0.53 log2(R / eps_rot) + 5.3 (Beverland et al. 2022, Sec. IV.A); 0 if R = 0."""
    if not rotations:
        return 0
    value = SYNTHESIS_A * math.log2(rotations / eps_rotations) + SYNTHESIS_B
    return math.ceil(value) if rounding == "ceil" else round(value)


def demand(counts: LogicalCounts, budget: float, split: Split, rounding: str = "ceil") -> Demand:
    """T states and operations of ``counts`` when the budget is split by ``split``."""
    if not (0 < budget < 1 and math.isfinite(budget)):
        raise ConfigError("--budget", f"must lie in (0, 1), got {budget!r}")
    eps_rot = budget * split.rotations
    n_rot = t_per_rotation(counts.rotations, eps_rot, rounding)
    toffolis = counts.ccz + counts.ccix
    t_states = counts.t_count + T_PER_TOFFOLI * toffolis + n_rot * counts.rotations
    operations = counts.measurements + counts.rotations + counts.t_count
    operations += STEPS_PER_TOFFOLI * toffolis + n_rot * counts.rotation_depth
    return Demand(
        n_rot,
        t_states,
        operations,
        budget * split.data,
        budget * split.tstates,
        eps_rot,
        split.auto,
    )
