"""Per-output marginal errors of a multi-output distillation run.

The simulator's infidelity I = 1 - <Psi|rho|Psi> / tr(Pi rho) is the probability that an
accepted run is wrong anywhere: a k-output block's error per output state is I / k in Litinski
2019's convention. A consumer that uses each output on its own sees instead the marginal error
of that output, eps_o = 1 - <psi_o| tr_others(Pi rho) |psi_o> / tr(Pi rho); the sum over
outputs bounds I from above (a wrong run has at least one wrong output) and exceeds it where
errors hit several outputs at once (Haah, Hastings, Poulin, Wecker 2017 use the largest
eps_o).

When the noiseless output is a product of single-qubit states (magic states |m> and the
checks' |+>), tracing out the other outputs R keeps the Pauli coefficients c[a, b] with a and
b zero on R, and <psi_o x +_C x I_R> has coefficients 2^|R| g[a, b] there (g those of Psi), so
eps_o comes from the same error-split pass as I (estimator.sim.simulator, ``_split_sums``),
with the same precision check, in float64 and then double-double.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from estimator.sim.channels import Channel, DiagonalChannel
from estimator.sim.simulator import (
    DOUBLE_DOUBLE,
    FLOAT64,
    FLOAT_ERROR_FACTOR,
    RELATIVE_TOLERANCE,
    _equator_factors,
    _error_weight,
    _params,
    _program,
    _Register,
    _split_sums,
)


def output_marginals(
    n_qubits: int, checks: Sequence[int], channels: Sequence[Channel]
) -> np.ndarray:
    """eps_o for every output o (rows, in qubit order) at every point of the batch (columns);
    NaN where neither float64 nor double-double can vouch for the digits (relative error
    RELATIVE_TOLERANCE). ValueError if the noiseless output is not a product state (e.g. CCZ)."""
    register = _Register(n_qubits, tuple(checks))
    outputs = [q for q in range(1, n_qubits + 1) if q not in register.checks]
    rotations = tuple(
        c.rotation for c in channels if isinstance(c, DiagonalChannel) and c.is_rotation
    )
    factors, _ = _equator_factors(register, rotations)
    if any(not factors & register.mask([q]) for q in outputs):
        raise ValueError("marginal errors need outputs in a product state (not CCZ)")
    shape = np.broadcast_shapes(*(np.shape(p) for ch in channels for p in _params(ch)))
    flat = [[np.broadcast_to(p, shape).ravel() for p in _params(ch)] for ch in channels]
    steps, z_layer = _program(register, channels, flat)
    result = np.full((len(outputs), int(np.prod(shape))), np.nan)
    for ar in (FLOAT64, DOUBLE_DOUBLE):
        values, ok = _marginals(register, outputs, steps, z_layer, ar)
        pending = np.isnan(result)
        result[pending & ok] = values[pending & ok]
        if not np.isnan(result).any():
            break
    return result.reshape((len(outputs), *shape))


def _marginals(register: _Register, outputs: list[int], steps, z_layer, ar):
    """eps_o in arithmetic ``ar`` and where its digits are guaranteed."""
    n = register.n_qubits
    others = [register.mask([q for q in outputs if q != o]) for o in outputs]
    sums = [0.0] * len(outputs)

    def visit(a, layout, ideal, rho):
        pattern = a[layout.block] | layout.b
        for j, mask in enumerate(others):
            rows = np.flatnonzero((pattern & mask) == 0)
            sums[j] = ar.contract(ideal[rows], rho[rows]) + sums[j]

    trace, accepted, _ = _split_sums(register, steps, z_layer, ar, visit=visit)
    accepted = accepted * 0.5 ** len(register.checks)

    def real(v):
        return np.asarray(v.to_float() if hasattr(v, "to_float") else v, float)

    p_fail = real(trace - accepted)
    scale = np.maximum(np.abs(real(trace)), _error_weight(steps, z_layer))
    bound = FLOAT_ERROR_FACTOR * ar.eps * scale
    values, ok = [], []
    for total in sums:
        numerator = real(accepted - total * 0.5 ** (n - len(outputs) + 1))
        values.append(numerator / (1 - p_fail))
        ok.append(bound <= RELATIVE_TOLERANCE * np.abs(numerator))
    return np.array(values), np.array(ok)
