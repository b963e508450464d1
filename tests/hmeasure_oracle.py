"""Independent state-vector oracle for the H-measurement protocols of Haah et al. 2017 (small codes only).

It simulates the physical circuit, not the GF(2) rules of ``estimator.codes.hmeasure``: the
magic states are encoded into the inner code by an encoder built from S and the magic basis
(Haah et al. 2017, Eq. (3.6)), controlled transversal H is T^dagger . CZ . T on every physical qubit with
T = exp(-i pi Y / 8) (Haah et al. 2017, Eq. (1.3)), Y errors are inserted after the chosen T gates, and the
run is accepted when every syndrome ancilla reads 0 and the control reads +. For a hyperbolic
code the check is controlled-swap, H on the first logical qubit of the pair, controlled-swap,
with the syndrome read after each swap ("each") or only at the end ("end").
"""

from __future__ import annotations

import itertools
import math

import numpy as np

C8, S8 = math.cos(math.pi / 8), math.sin(math.pi / 8)
H_STATE, H_PERP = np.array([C8, S8]), np.array([-S8, C8])
I2 = np.eye(2)
X = np.array([[0.0, 1.0], [1.0, 0.0]])
Z = np.diag([1.0, -1.0])
Y = np.array([[0.0, -1j], [1j, 0.0]])
T = np.array([[C8, -S8], [S8, C8]])
HAD = np.array([[1.0, 1.0], [1.0, -1.0]]) / math.sqrt(2)


def _op(n: int, factors: dict[int, np.ndarray]) -> np.ndarray:
    out = np.ones((1, 1))
    for q in range(n):
        out = np.kron(out, factors.get(q, I2))
    return out


def _pauli(n: int, vector: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    return _op(n, {q: matrix for q in np.flatnonzero(vector)})


def _mv(matrix: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Matrix times vector or matrix without BLAS threads (they contend on a loaded machine)."""
    return np.einsum("ij,j...->i...", matrix, other)


def _solve(rows: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """One solution of rows . t = rhs over GF(2) by brute force (n <= 8)."""
    n = rows.shape[1]
    for bits in itertools.product((0, 1), repeat=n):
        t = np.array(bits)
        if np.array_equal(rows @ t % 2, rhs % 2):
            return t
    raise AssertionError("no solution")


def encoder(stabilizers: np.ndarray, basis: np.ndarray, hyperbolic: bool) -> np.ndarray:
    """Columns: |logical x; X-syndrome a; Z-syndrome b> -> X(t_a) Z(t_b) |x>_L."""
    s = np.asarray(stabilizers) % 2
    v = np.asarray(basis) % 2
    dim, n = s.shape
    k = v.shape[0]
    if hyperbolic:
        xs = [v[a] if a % 2 == 0 else v[a - 1] for a in range(k)]
        zs = [v[a + 1] if a % 2 == 0 else v[a] for a in range(k)]
        x_ops = [_pauli(n, xs[a], X if a % 2 == 0 else Z) for a in range(k)]
        z_ops = [_pauli(n, zs[a], Z if a % 2 == 0 else X) for a in range(k)]
    else:
        x_ops = [_pauli(n, v[a], X) for a in range(k)]
        z_ops = [_pauli(n, v[a], Z) for a in range(k)]
    projector = np.eye(2**n)
    for row in s:
        projector = _mv(projector, (np.eye(2**n) + _pauli(n, row, X)) / 2)
        projector = _mv(projector, (np.eye(2**n) + _pauli(n, row, Z)) / 2)
    for z in z_ops:
        projector = _mv(projector, (np.eye(2**n) + z) / 2)
    rng = np.random.default_rng(7)
    zero = _mv(projector, rng.normal(size=2**n) + 1j * rng.normal(size=2**n))
    zero /= np.linalg.norm(zero)
    constraints = np.vstack([s, v])
    destab = []
    for i in range(dim):
        rhs = np.zeros(dim + k, dtype=int)
        rhs[i] = 1
        destab.append(_solve(constraints, rhs))
    enc = np.zeros((2**n, 2**n), dtype=complex)
    for index in range(2**n):
        bits = [(index >> (n - 1 - q)) & 1 for q in range(n)]
        x, a, b = bits[:k], bits[k : k + dim], bits[k + dim :]
        col = zero.copy()
        for q in range(k):
            if x[q]:
                col = _mv(x_ops[q], col)
        for i in range(dim):
            if a[i]:
                col = _mv(_pauli(n, destab[i], X), col)
            if b[i]:
                col = _mv(_pauli(n, destab[i], Z), col)
        enc[:, index] = col
    assert np.allclose(np.einsum("ki,kj->ij", enc.conj(), enc), np.eye(2**n), atol=1e-9)
    return enc


def protocol_counts(
    stabilizers: np.ndarray,
    basis: np.ndarray,
    *,
    hyperbolic: bool,
    readout: str = "each",
    max_weight: int,
) -> tuple[list[float], list[float]]:
    """One check on all k logical qubits, every one holding a noisy magic state: summed
    P(accepted) and P(accepted and output wrong) over the Y-error patterns of each weight."""
    s = np.asarray(stabilizers)
    dim, n = s.shape
    k = n - 2 * dim
    enc = encoder(s, basis, hyperbolic)
    full = n + 1  # qubit 0 is the control
    e_full = np.kron(I2, enc)
    d_full = e_full.conj().T
    cz_signs = np.array(
        [(-1.0) ** (((i >> n) & 1) * (i & (2**n - 1)).bit_count()) for i in range(2**full)]
    )
    t_dag = _op(full, {q + 1: T.conj().T for q in range(n)})
    t_all = _op(full, {q + 1: T for q in range(n)})
    y_ops = [_op(full, {q + 1: Y}) for q in range(n)]
    halves = 2 if hyperbolic else 1
    locations = [("in", q) for q in range(k)] + [
        ("t", h, layer, j) for h in range(halves) for layer in (0, 1) for j in range(n)
    ]
    middle = _op(full, {1 + a: HAD for a in range(0, k, 2)}) if hyperbolic else None
    ancilla_zero = np.array(
        [all(((i >> (n - 1 - q)) & 1) == 0 for q in range(k, n)) for i in range(2**full)]
    )
    ideal = H_STATE
    for _ in range(k - 1):
        ideal = np.kron(ideal, H_STATE)
    accepted = [0.0] * (max_weight + 1)
    wrong = [0.0] * (max_weight + 1)
    for w in range(max_weight + 1):
        for pattern in itertools.combinations(locations, w):
            chosen = set(pattern)
            state = np.array([1.0])
            state = np.kron(state, np.array([1.0, 1.0]) / math.sqrt(2))
            for q in range(k):
                state = np.kron(state, H_PERP if ("in", q) in chosen else H_STATE)
            for _ in range(n - k):
                state = np.kron(state, np.array([1.0, 0.0]))
            state = _mv(e_full, state.astype(complex))
            for h in range(halves):
                state = _mv(t_dag, state)
                for j in range(n):
                    if ("t", h, 0, j) in chosen:
                        state = _mv(y_ops[j], state)
                state = cz_signs * state
                state = _mv(t_all, state)
                for j in range(n):
                    if ("t", h, 1, j) in chosen:
                        state = _mv(y_ops[j], state)
                if h == 0 and hyperbolic:  # decode, (read), H on each pair's first, encode
                    state = _mv(d_full, state)
                    if readout == "each":
                        state = state * ancilla_zero
                    state = _mv(e_full, _mv(middle, state))
            state = (_mv(d_full, state)) * ancilla_zero
            halves_state = state.reshape(2, -1)
            plus = (halves_state[0] + halves_state[1]) / math.sqrt(2)
            data = plus.reshape(2**k, 2 ** (n - k))[:, 0]
            p_acc = float(np.vdot(data, data).real)
            p_right = float(abs(np.vdot(ideal, data)) ** 2)
            accepted[w] += p_acc
            wrong[w] += p_acc - p_right
    return accepted, wrong
