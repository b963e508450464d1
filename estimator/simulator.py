"""Exact density-matrix simulation of a noisy distillation circuit (MODEL.md section 12).

All rotations and Z flips are diagonal in the computational basis and X flips permute it, so
every channel is an element-wise update of the flattened 2^n x 2^n density matrix, batched over
parameter points. The result is the post-selection failure probability and the infidelity of
the accepted state with the noiseless output Psi (MODEL.md section 3):

    p_fail = 1 - tr(Pi rho),    I = (tr(Pi rho) - <Psi|rho|Psi>) / (1 - p_fail).

Two arithmetics share this code:

* float64 with the error split rho = w |Psi><Psi| + rho_E: the error-free weight w and the
  ideal state are tracked exactly by construction, rho_E collects every branch with at least
  one error. Both quantities above depend on rho_E alone, so the rounding error is about
  1e-16 * tr(rho_E) instead of 1e-16 (MODEL.md: plain float64 breaks down below 1e-13).
* fixed point with 192-bit mantissas (estimator.fixedpoint), for points where float64 cannot
  guarantee the digits; ``precision="auto"`` switches per point.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from estimator import fixedpoint as fx
from estimator.channels import OMEGA, BitFlip, Channel, DiagonalChannel
from estimator.protocol import Rotation

PRECISIONS = ("auto", "float", "exact")
RELATIVE_TOLERANCE = 1e-6
"""Largest estimated relative error of p_fail or I accepted from the float64 path."""
FLOAT_ERROR_FACTOR = 1000.0
"""Bound on |float64 result - exact| in units of eps64 * tr(rho_E). Over random one- and
two-level points the largest ratio seen is about 13 (tests/test_simulator.py checks 50)."""
_CHUNK_ENTRIES = 1 << 22


@dataclass(frozen=True)
class Simulation:
    """Result of a simulation, arrays over the batch.

    Attributes:
        p_fail: probability that post-selection rejects the run.
        infidelity: 1 - <Psi|rho_out|Psi> of the accepted state.
        exact: True where the fixed-point path produced the value.
        resolved: True where the digits are guaranteed; precision "float" returns NaN
            (a refusal, never a wrong digit) where float64 is not enough.
    """

    p_fail: np.ndarray
    infidelity: np.ndarray
    exact: np.ndarray
    resolved: np.ndarray


@dataclass(frozen=True)
class _Geometry:
    """Index sets of the flattened density matrix of an n-qubit register."""

    n_qubits: int
    checks: tuple[int, ...]

    @property
    def dim(self) -> int:
        return 2**self.n_qubits

    def bit(self, qubit: int) -> np.ndarray:
        return (np.arange(self.dim) >> (self.n_qubits - qubit)) & 1

    @functools.cache
    def sign_split(self, rotation: Rotation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Flat indices where s(x) - s(y) is +2, -2 and 0."""
        s = rotation.eigenvalues(self.n_qubits)
        diff = (s[:, None] - s[None, :]).ravel()
        return np.flatnonzero(diff > 0), np.flatnonzero(diff < 0), np.flatnonzero(diff == 0)

    @functools.cache
    def flip(self, qubit: int) -> np.ndarray:
        """Flat index of X_q rho X_q: entry (x, y) comes from (x ^ e_q, y ^ e_q)."""
        x = np.arange(self.dim) ^ (1 << (self.n_qubits - qubit))
        return (x[:, None] * self.dim + x[None, :]).ravel()

    @cached_property
    def diagonal(self) -> np.ndarray:
        return np.arange(self.dim) * (self.dim + 1)

    @cached_property
    def accepted(self) -> np.ndarray:
        """Flat indices (x, y) that agree on every output qubit: tr(Pi rho) sums them / 2^|C|."""
        same = np.ones((self.dim, self.dim), dtype=bool)
        for q in range(1, self.n_qubits + 1):
            if q not in self.checks:
                b = self.bit(q)
                same &= b[:, None] == b[None, :]
        return np.flatnonzero(same.ravel())


def simulate(
    n_qubits: int,
    checks: Sequence[int],
    channels: Sequence[Channel],
    *,
    precision: str = "auto",
) -> Simulation:
    """Simulate |+>^n through ``channels`` and post-select the checks on |+>.

    Args:
        n_qubits: number of qubits.
        checks: qubits measured in X and post-selected; the others are outputs.
        channels: the noisy circuit in time order; parameters broadcast to one batch shape.
        precision: "float" (float64; NaN where it cannot guarantee RELATIVE_TOLERANCE),
            "exact" (fixed point everywhere) or "auto" (float64, fixed point where needed).

    Returns:
        A Simulation with arrays of the batch shape.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    geometry = _Geometry(n_qubits, tuple(checks))
    shape = np.broadcast_shapes(*(np.shape(_params(ch)[0]) for ch in channels))
    flat = [tuple(np.broadcast_to(v, shape).ravel() for v in _params(ch)) for ch in channels]
    size = int(np.prod(shape))
    p_fail, infidelity = np.empty(size), np.empty(size)
    exact = np.zeros(size, dtype=bool)
    resolved = np.ones(size, dtype=bool)
    if precision != "exact":
        step = max(1, _CHUNK_ENTRIES // geometry.dim**2)
        for start in range(0, size, step):
            part = slice(start, min(size, start + step))
            p_fail[part], infidelity[part], ok = _run_float(geometry, channels, [tuple(v[part] for v in f) for f in flat])
            resolved[part] = ok
        if precision == "float":
            p_fail[~resolved] = infidelity[~resolved] = np.nan
        else:
            exact[:] = ~resolved
    else:
        exact[:] = True
    if exact.any():
        pick = np.flatnonzero(exact)
        p_fail[pick], infidelity[pick] = _run_exact(geometry, channels, [tuple(v[pick] for v in f) for f in flat])
        resolved[pick] = True
    return Simulation(*(v.reshape(shape) for v in (p_fail, infidelity, exact, resolved)))


def _params(channel: Channel) -> tuple[np.ndarray, ...]:
    if isinstance(channel, DiagonalChannel):
        return np.asarray(channel.q), np.asarray(channel.e)
    return (np.asarray(channel.p),)


def _run_float(geometry: _Geometry, channels: Sequence[Channel], params: list[tuple[np.ndarray, ...]]):
    """float64 with the error split; returns p_fail, I and where the digits are guaranteed.

    The state is stored as (entries, batch) so that index sets select contiguous rows.
    """
    n, dim = geometry.n_qubits, geometry.dim
    batch = params[0][0].shape[0]
    psi = np.full(dim, 2 ** (-n / 2), dtype=complex)
    ideal = np.outer(psi, psi.conj()).ravel()[:, None]  # |Psi><Psi| of the error-free branch
    rho = np.zeros((dim * dim, batch), dtype=complex)  # rho_E
    w = np.ones(batch)
    for channel, values in zip(channels, params):
        if isinstance(channel, DiagonalChannel):
            q, e = values
            plus, minus, same = geometry.sign_split(channel.rotation)
            f_plus = (1 - q) * (OMEGA if channel.is_rotation else 1) + e
            rho[plus] = rho[plus] * f_plus + ideal[plus] * (w * e)
            rho[minus] = rho[minus] * f_plus.conj() + ideal[minus] * (w * e.conj())
            rho[same] += ideal[same] * (w * q)
            if channel.is_rotation:
                ideal[plus] *= OMEGA
                ideal[minus] *= OMEGA.conjugate()
            w = w * (1 - q)
        else:
            (p,) = values
            flipped = geometry.flip(channel.qubit)
            rho = (1 - p) * rho + p * rho[flipped] + ideal[flipped] * (w * p)
            w = w * (1 - p)
    trace_e = rho[geometry.diagonal].real.sum(axis=0)
    accepted = rho[geometry.accepted].real.sum(axis=0) / 2 ** len(geometry.checks)
    fidelity = (ideal[:, 0].conj() @ rho).real
    p_fail = trace_e - accepted
    numerator = accepted - fidelity
    bound = FLOAT_ERROR_FACTOR * np.finfo(float).eps * np.abs(trace_e)
    ok = (bound <= RELATIVE_TOLERANCE * np.abs(numerator)) & (
        (bound <= RELATIVE_TOLERANCE * np.abs(p_fail)) | (p_fail == 0)
    )
    return p_fail, numerator / (1 - p_fail), ok


def _run_exact(geometry: _Geometry, channels: Sequence[Channel], params: list[tuple[np.ndarray, ...]]):
    """Fixed-point arithmetic on the whole density matrix (no split needed)."""
    n, dim = geometry.n_qubits, geometry.dim
    batch = params[0][0].shape[0]
    amplitude = fx.ONE >> (n // 2) if n % 2 == 0 else fx.INV_SQRT2 >> (n // 2)
    psi = fx.Fixed(np.full(dim, amplitude, dtype=object), np.zeros(dim, dtype=object))
    omega = fx.Fixed.from_ints(fx.INV_SQRT2, fx.INV_SQRT2)
    one = fx.Fixed.from_ints(fx.ONE)
    start = fx.ONE >> n
    rho = fx.Fixed(np.full((batch, dim * dim), start, dtype=object), np.zeros((batch, dim * dim), dtype=object))
    for channel, values in zip(channels, params):
        if isinstance(channel, DiagonalChannel):
            q, e = (fx.Fixed.from_complex(v[:, None]) for v in values)
            plus, minus, _ = geometry.sign_split(channel.rotation)
            f_plus = (one - q) * (omega if channel.is_rotation else one) + e
            rho[:, plus] = rho[:, plus] * f_plus
            rho[:, minus] = rho[:, minus] * f_plus.conj()
            if channel.is_rotation:
                s = channel.rotation.eigenvalues(n)
                psi = psi * fx.Fixed(np.full(dim, fx.COS_PI_8, dtype=object), s.astype(object) * fx.SIN_PI_8)
        else:
            p = fx.Fixed.from_complex(values[0][:, None])
            rho = rho + (rho[:, geometry.flip(channel.qubit)] - rho) * p
    trace = rho[:, geometry.diagonal].sum(axis=1)
    accepted = rho[:, geometry.accepted].sum(axis=1)
    accepted = fx.Fixed(accepted.re >> len(geometry.checks))
    bra = psi.conj()
    fidelity = fx.Fixed(np.zeros(batch, dtype=object))
    for x in range(dim):  # <Psi|rho|Psi> = sum_x conj(psi_x) sum_y rho_xy psi_y
        row = (rho[:, x * dim : (x + 1) * dim] * fx.Fixed(psi.re[None, :], psi.im[None, :])).sum(axis=1)
        fidelity = fidelity + fx.Fixed((row * bra[x]).re)
    p_fail = (fx.Fixed(trace.re) - accepted).real_float()
    numerator = (accepted - fidelity).real_float()
    return p_fail, numerator / (1 - p_fail)
