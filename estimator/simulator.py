"""Exact simulation of a noisy distillation circuit in the Pauli basis (MODEL.md section 12).

The state is rho = 2^-n sum_{a,b} c[a,b] P(a,b) with P(a,b) = i^{|a & b|} X^a Z^b, a real
vector of 4^n coefficients (|+>^n: c[a,0] = 1). In this basis

* a Z-type rotation channel about P = +-Z_S (any mixture of angles, characterised by
  chi = sum_k w_k exp(2i phi_k)) leaves blocks with |a & S| even alone and turns each pair
  (b, b ^ S) of a block with |a & S| odd by the 2x2 rotation (Re chi, -Im chi);
* an X flip on q scales every c[a,b] with b_q = 1 by (1 - 2p): consecutive X flips are one
  scaling by lambda(b);
* a Z-type Pauli channel scales blocks with |a & S| odd by (1 - 2p); Pauli channels commute
  with each other and Z channels with Z rotations, so all of them are applied, exactly, as one
  final layer mu(a).

The readout is p_fail = 1 - tr(Pi rho) and I = (tr(Pi rho) - <Psi|rho|Psi>) / tr(Pi rho), with
tr(Pi rho) = 2^-|C| sum_{a within checks} c[a,0] and <Psi|rho|Psi> = 2^-n sum c g, where g are
the coefficients of the noiseless output Psi.

Two arithmetics share this code:

* float64 with the error split rho = w |Psi><Psi| + rho_E: w and Psi carry the error-free
  branch exactly by construction and both readouts depend on rho_E alone, so the rounding
  error is about 1e-16 tr(rho_E) instead of 1e-16;
* fixed point with 192-bit mantissas (estimator.fixedpoint), for points where float64 cannot
  guarantee the digits; ``precision="auto"`` switches per point.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from estimator import fixedpoint as fx
from estimator.channels import OMEGA, BitFlip, Channel, DiagonalChannel
from estimator.protocol import Rotation

PRECISIONS = ("auto", "float", "exact")
RELATIVE_TOLERANCE = 1e-6
"""Largest estimated relative error of p_fail or I accepted from the float64 path."""
FLOAT_ERROR_FACTOR = 100.0
"""Bound on |float64 result - exact| in units of eps64 * tr(rho_E); the largest ratio seen
over random one- and two-level points is about 3 (tests/test_simulator.py)."""
_CHUNK_ENTRIES = 1 << 18


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
class _Rotation:
    """A rotation channel with its batch parameters: chi = (1 - q) chi0 + e."""

    rotation: Rotation
    chi0: complex
    q: np.ndarray
    e: np.ndarray


@dataclass(frozen=True)
class _Layer:
    """Commuting Pauli channels merged into one scaling: X flips (on qubits) or Z-type
    channels (on supports); p[j] is the probability of channel j."""

    masks: tuple[int, ...]
    p: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class _Register:
    """Index sets of the Pauli coefficients c[a, b] of an n-qubit register, flat a * 2^n + b."""

    n_qubits: int
    checks: tuple[int, ...]

    @property
    def dim(self) -> int:
        return 2**self.n_qubits

    def mask(self, support: Sequence[int]) -> int:
        return sum(1 << (self.n_qubits - q) for q in support)

    @functools.cache
    def turn(self, rotation: Rotation) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(odd, partner, sign, even) of a rotation about sign * Z_S: entries of blocks with
        |a & S| odd, their partners (a, b ^ S), the sign sigma with i P Q = sigma Q', and the rest."""
        s = self.mask(rotation.support)
        flat = np.arange(self.dim**2)
        a, b = flat // self.dim, flat % self.dim
        overlap = _popcount(a & s)
        odd = flat[overlap % 2 == 1]
        a_odd, b_odd = a[odd], b[odd]
        sign = -rotation.sign * (-1.0) ** ((overlap[odd] - 1) // 2) * (-1.0) ** _popcount(a_odd & b_odd & s)
        return odd, a_odd * self.dim + (b_odd ^ s), sign, flat[overlap % 2 == 0]

    @functools.cache
    def odd(self, masks: tuple[int, ...]) -> np.ndarray:
        """0/1 matrix (2^n x len(masks)): parity of |x & mask| for every x."""
        x = np.arange(self.dim)
        return np.stack([_popcount(x & m) % 2 for m in masks], axis=1).astype(float)

    @functools.cache
    def accepted(self) -> np.ndarray:
        """Flat indices (a, 0) with a within the checks: tr(Pi rho) = 2^-|C| sum of them."""
        check_mask = self.mask(self.checks)
        a = np.arange(self.dim)
        return a[(a & ~check_mask) == 0] * self.dim


def _popcount(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.int64)
    count = np.zeros_like(x)
    while np.any(x):
        count += x & 1
        x = x >> 1
    return count


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
    register = _Register(n_qubits, tuple(checks))
    shape = np.broadcast_shapes(*(np.shape(p) for ch in channels for p in _params(ch)))
    size = int(np.prod(shape))
    flat = [[np.broadcast_to(p, shape).ravel() for p in _params(ch)] for ch in channels]
    p_fail, infidelity = np.empty(size), np.empty(size)
    exact = np.zeros(size, dtype=bool)
    resolved = np.ones(size, dtype=bool)
    if precision != "exact":
        step = max(1, _CHUNK_ENTRIES // register.dim**2)
        for start in range(0, size, step):
            part = slice(start, min(size, start + step))
            program = _program(register, channels, [[v[part] for v in f] for f in flat])
            p_fail[part], infidelity[part], resolved[part] = _run_float(register, *program)
        if precision == "float":
            p_fail[~resolved] = infidelity[~resolved] = np.nan
        else:
            exact[:] = ~resolved
    else:
        exact[:] = True
    if exact.any():
        pick = np.flatnonzero(exact)
        program = _program(register, channels, [[v[pick] for v in f] for f in flat])
        p_fail[pick], infidelity[pick] = _run_exact(register, *program)
        resolved[pick] = True
    return Simulation(*(v.reshape(shape) for v in (p_fail, infidelity, exact, resolved)))


def _params(channel: Channel) -> tuple[np.ndarray, ...]:
    if isinstance(channel, DiagonalChannel):
        return np.asarray(channel.q), np.asarray(channel.e)
    return (np.asarray(channel.p),)


def _program(register: _Register, channels: Sequence[Channel], params: list[list[np.ndarray]]):
    """Rotations and merged X layers in time order, and the final layer of Z channels."""
    steps: list[_Rotation | _Layer] = []
    x_masks, x_probs, z_masks, z_probs = [], [], [], []
    for channel, values in zip(channels, params):
        if isinstance(channel, BitFlip):
            x_masks.append(register.mask([channel.qubit]))
            x_probs.append(values[0])
            continue
        if not channel.is_rotation:  # a Z-type Pauli channel: moved to the end, exactly
            z_masks.append(register.mask(channel.rotation.support))
            z_probs.append(values[0])
            continue
        if x_masks:
            steps.append(_Layer(tuple(x_masks), tuple(x_probs)))
            x_masks, x_probs = [], []
        steps.append(_Rotation(channel.rotation, OMEGA, *values))
    if x_masks:
        steps.append(_Layer(tuple(x_masks), tuple(x_probs)))
    return steps, _Layer(tuple(z_masks), tuple(z_probs))


def _layer_logs(register: _Register, layer: _Layer) -> tuple[np.ndarray, np.ndarray]:
    """log lambda(x) = sum_j [|x & mask_j| odd] log(1 - 2 p_j) over x, and log W = sum log(1 - p_j)."""
    if not layer.masks:
        return np.zeros((register.dim, 1)), np.zeros(1)
    p = np.stack(layer.p)
    return register.odd(layer.masks) @ np.log1p(-2 * p), np.log1p(-p).sum(axis=0)


def _run_float(register: _Register, steps, z_layer: _Layer):
    """float64 with the error split; returns p_fail, I and where the digits are guaranteed."""
    n, dim = register.n_qubits, register.dim
    batch = len(z_layer.p[0]) if z_layer.p else len(next(s.q for s in steps if isinstance(s, _Rotation)))
    ideal = np.zeros(dim * dim)
    ideal[np.arange(dim) * dim] = 1.0  # |+>^n
    rho = np.zeros((dim * dim, batch))  # rho_E
    w = np.ones(batch)
    for step in steps:
        if isinstance(step, _Rotation):
            odd, partner, sign, even = register.turn(step.rotation)
            chi = (1 - step.q) * step.chi0 + step.e
            g_odd, g_partner = ideal[odd][:, None], (sign * ideal[partner])[:, None]
            rho[odd] = (
                rho[odd] * chi.real
                - (sign[:, None] * rho[partner]) * chi.imag
                + g_odd * (w * step.e.real)
                - g_partner * (w * step.e.imag)
            )
            rho[even] += ideal[even][:, None] * (w * step.q)
            ideal[odd] = g_odd[:, 0] * step.chi0.real - g_partner[:, 0] * step.chi0.imag
            w = w * (1 - step.q)
        else:
            w = _scale_float(rho, ideal, w, *_layer_logs(register, step), axis=1, dim=dim)
    w = _scale_float(rho, ideal, w, *_layer_logs(register, z_layer), axis=0, dim=dim)
    trace_e = rho[0]
    accepted = rho[register.accepted()].sum(axis=0) / 2 ** len(register.checks)
    fidelity = ideal @ rho / 2**n
    p_fail = trace_e - accepted
    numerator = accepted - fidelity
    bound = FLOAT_ERROR_FACTOR * np.finfo(float).eps * np.abs(trace_e)
    ok = (bound <= RELATIVE_TOLERANCE * np.abs(numerator)) & (
        (bound <= RELATIVE_TOLERANCE * np.abs(p_fail)) | (p_fail == 0)
    )
    return p_fail, numerator / (1 - p_fail), ok


def _scale_float(rho, ideal, w, log_scale, log_w, *, axis: int, dim: int):
    """A merged layer: rho_E <- scale rho_E + w (scale - W) |Psi><Psi|; scale depends on b
    (axis 1, X flips) or on a (axis 0, Z channels). Returns the new w."""
    scale = np.exp(log_scale)
    error = np.exp(log_w) * np.expm1(log_scale - log_w)  # scale - W without cancellation
    view = rho.reshape(dim, dim, -1)
    shaped = (lambda v: v[None, :, :]) if axis == 1 else (lambda v: v[:, None, :])
    view *= shaped(scale)
    view += ideal.reshape(dim, dim, 1) * shaped(error * w)
    return w * np.exp(log_w)


def _run_exact(register: _Register, steps, z_layer: _Layer):
    """Fixed-point arithmetic on the whole state (no split needed)."""
    n, dim = register.n_qubits, register.dim
    batch = len(z_layer.p[0]) if z_layer.p else len(next(s.q for s in steps if isinstance(s, _Rotation)))
    rho = fx.Fixed(np.zeros((dim * dim, batch), dtype=object))
    rho.re[np.arange(dim) * dim] = fx.ONE
    ideal = fx.Fixed(np.zeros((dim * dim, 1), dtype=object))
    ideal.re[np.arange(dim) * dim] = fx.ONE
    one = fx.Fixed.from_ints(fx.ONE)
    half = fx.Fixed.from_ints(fx.INV_SQRT2)  # cos(pi/4) = sin(pi/4)
    for step in steps:
        if isinstance(step, _Rotation):
            odd, partner, sign, _ = register.turn(step.rotation)
            chi_re = fx.Fixed.from_complex(step.e.real) + (one - fx.Fixed.from_complex(step.q)) * half
            chi_im = fx.Fixed.from_complex(step.e.imag) + (one - fx.Fixed.from_complex(step.q)) * half
            signed = fx.Fixed(sign.astype(np.int64).astype(object)[:, None] * rho.re[partner])
            rho[odd] = rho[odd] * chi_re - signed * chi_im
            signed = fx.Fixed(sign.astype(np.int64).astype(object)[:, None] * ideal.re[partner])
            ideal[odd] = (ideal[odd] - signed) * half
        else:
            rho = _scale_exact(register, rho, step, axis=1)
    rho = _scale_exact(register, rho, z_layer, axis=0)
    trace = rho.re[0]
    accepted = rho.re[register.accepted()].sum(axis=0) >> len(register.checks)
    fidelity = ((ideal.re * rho.re).sum(axis=0) >> fx.FRACTION_BITS) >> n
    p_fail = fx.Fixed(np.asarray(trace - accepted)).real_float()
    numerator = fx.Fixed(np.asarray(accepted - fidelity)).real_float()
    return p_fail, numerator / (1 - p_fail)


def _scale_exact(register: _Register, rho: fx.Fixed, layer: _Layer, *, axis: int) -> fx.Fixed:
    """rho <- scale rho with scale = prod_j (1 - 2 p_j)^[|x & mask_j| odd], x = b (axis 1) or a."""
    dim = register.dim
    if not layer.masks:
        return rho
    odd = register.odd(layer.masks)
    scale = fx.Fixed(np.full((dim, len(layer.p[0])), fx.ONE, dtype=object))
    for j, p in enumerate(layer.p):
        factor = fx.Fixed(np.where(odd[:, j : j + 1] > 0, (fx.Fixed.from_ints(fx.ONE) - fx.Fixed.from_complex(2 * p)).re[None, :], fx.ONE))
        scale = scale * factor
    view = rho.re.reshape(dim, dim, -1)
    shaped = scale.re[None, :, :] if axis == 1 else scale.re[:, None, :]
    return fx.Fixed(((view * shaped) >> fx.FRACTION_BITS).reshape(dim * dim, -1))
