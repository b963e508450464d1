"""The magic states an H-measurement protocol distills, as data for its density-matrix count.

Haah, Hastings, Poulin, Wecker 2017 (arXiv:1703.07847) distill |H> = cos(pi/8)|0> +
sin(pi/8)|1> by measuring the Clifford H, of which |H> is the +1 eigenstate (their Sec. 1),
and, in Sec. 2, any state U|phi> with U in the third level of the Clifford hierarchy and
|phi> a stabiliser state, by measuring its Clifford stabilisers W(a) = U S(a) U^dagger. For
|CCZ> = CCZ |+>^3 they are W(1) = X_1 CZ_23, W(2) = X_2 CZ_13, W(3) = X_3 CZ_12 (Eq. (2.2)).

A ``MagicState`` holds what the count needs: qubits per state, the ideal vector, the error
state an input becomes with probability eps, and the measured Clifford(s). Error models:

* |H>: the Y error of the stochastic model, |H> -> |H_perp> (Sec. 1).
* |CCZ>: after twirling by the W's a noisy state is a mixture of their eigenstates
  Z^b |CCZ> (Z_a flips W(a) only); Sec. 2 lets an error "flip at least one of W(1), W(2),
  W(3) with probability eps" without saying which: we take the 7 flip patterns b != 0
  equally likely (a choice, stated in every result).

Also here: the controlled V_123 of Sec. 2, whose four-T-gate circuit (their Ref. [32]) is
checked against the unitary it claims (``controlled_v123_t_count``).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from estimator.errors import ConfigError

_I = np.eye(2)
_X = np.array([[0.0, 1.0], [1.0, 0.0]])
_Z = np.diag([1.0, -1.0])
_P0, _P1 = np.diag([1.0, 0.0]), np.diag([0.0, 1.0])


def kron(factors) -> np.ndarray:
    """Kronecker product of a sequence of matrices or vectors (qubit 0 the most significant)."""
    out = np.ones((1, 1))
    for f in factors:
        out = np.kron(out, f)
    return out


def _on(qubit: int, op: np.ndarray, n: int) -> np.ndarray:
    return kron([op if q == qubit else _I for q in range(n)])


def _controlled(control: int, target: int, op: np.ndarray, n: int) -> np.ndarray:
    return kron([_P0 if q == control else _I for q in range(n)]) + kron(
        [_P1 if q == control else (op if q == target else _I) for q in range(n)]
    )


@dataclass(frozen=True)
class MagicState:
    """A kind of magic state (see the module docstring).

    Attributes:
        name: "H" or "CCZ".
        qubits: qubits per state.
        t_inputs: whether an input state counts as a noisy T state (|H>: yes; |CCZ>: the
            inputs are CCZ states, counted apart from the checks' T gates).
        stabilizers: how many Clifford stabilisers W(a) a check can measure.
        error_model: how eps splits over the error states (text for results).
    """

    name: str
    qubits: int
    t_inputs: bool
    stabilizers: int
    error_model: str

    @property
    def ideal(self) -> np.ndarray:
        return _ideal(self.name)

    @property
    def error_state(self) -> np.ndarray:
        """The density matrix an input becomes with probability eps."""
        return _error_state(self.name)

    def operator(self, a: int) -> np.ndarray:
        """The measured Clifford W(a) on one state (a from 0)."""
        return _operator(self.name, a)


H = MagicState("H", 1, True, 1, "Y error: |H> -> |H_perp> with probability eps")
CCZ = MagicState(
    "CCZ",
    3,
    False,
    3,
    "an input CCZ state is Z^b |CCZ> with probability eps/7 for each b != 0 (each nonempty "
    "set of flipped W(a) equally likely)",
)
MAGIC_STATES = {"H": H, "CCZ": CCZ}


def magic_state(name: str, *, field: str = "state") -> MagicState:
    """The magic state by name ("H" or "CCZ"); ConfigError naming ``field`` otherwise."""
    if name not in MAGIC_STATES:
        raise ConfigError(field, f"unknown magic state {name!r}; one of {', '.join(MAGIC_STATES)}")
    return MAGIC_STATES[name]


@cache
def _ideal(name: str) -> np.ndarray:
    if name == "H":
        return np.array([math.cos(math.pi / 8), math.sin(math.pi / 8)])
    signs = [(-1.0) ** (a * b * c) for a, b, c in itertools.product((0, 1), repeat=3)]
    return np.array(signs) / math.sqrt(8)


@cache
def _error_state(name: str) -> np.ndarray:
    if name == "H":
        perp = np.array([-math.sin(math.pi / 8), math.cos(math.pi / 8)])
        return np.outer(perp, perp)
    ideal = _ideal(name)
    out = np.zeros((8, 8))
    for b in itertools.product((0, 1), repeat=3):
        if any(b):
            v = kron([_Z if bit else _I for bit in b]) @ ideal
            out += np.outer(v, v) / 7
    return out


@cache
def _operator(name: str, a: int) -> np.ndarray:
    if name == "H":
        return np.array([[1.0, 1.0], [1.0, -1.0]]) / math.sqrt(2)
    b, c = (q for q in range(3) if q != a)
    cz = _controlled(b, c, _Z, 3)
    return _on(a, _X, 3) @ cz


def uniform_angle_eps(theta: float) -> float:
    """eps of the uniform-angle noise of Haah et al. 2017, Sec. 5.2, Eq. (5.3): a T gate
    rotating by an angle uniform in [pi/4 - theta, pi/4 + theta] (Bloch-sphere angle) leaves
    on average the state (1 - eps) mu_0 + eps mu_1 with eps = 1/2 - sin(theta)/(2 theta).

    Written as (theta - sin theta) / (2 theta), by its series below theta = 1e-2 (no
    cancellation down to eps ~ 1e-30); ~ theta^2 / 12.

    >>> round(uniform_angle_eps(1e-3) * 12 / 1e-3**2, 6)
    1.0
    """
    if isinstance(theta, bool) or not isinstance(theta, int | float) or not 0 < theta <= math.pi:
        raise ConfigError("theta", f"the angle must be a number in (0, pi], got {theta!r}")
    t = float(theta)
    if t < 1e-2:
        # (t - sin t) / (2 t) = sum_{k >= 1} (-1)^(k+1) t^(2k) / (2 (2k+1)!)
        terms = ((-1) ** (k + 1) * t ** (2 * k) / (2 * math.factorial(2 * k + 1)) for k in range(1, 5))
        return sum(terms)
    return (t - math.sin(t)) / (2 * t)


def v123() -> np.ndarray:
    """V_123 = (C_1 Z_2)(C_1 X_2) X_2 X_3 on three qubits, a Clifford stabiliser of |CCZ>
    (Haah et al. 2017, Sec. 2)."""
    return (
        _controlled(0, 1, _Z, 3) @ _controlled(0, 1, _X, 3) @ _on(1, _X, 3) @ _on(2, _X, 3)
    )


# The four-T circuit of Sec. 2 for controlled V_123, control qubit 0, V on qubits 1, 2, 3;
# applied right to left as printed: T_2 (C_1 Z_2) T_2 (C_0 Z_2) T_2^dag (C_1 Z_2) T_2^dag (C_0 X_3).
# T = exp(-i pi Y / 8) (their Eq. (0.2)).
CONTROLLED_V123_CIRCUIT = (
    ("T", 2),
    ("CZ", 1, 2),
    ("T", 2),
    ("CZ", 0, 2),
    ("Tdg", 2),
    ("CZ", 1, 2),
    ("Tdg", 2),
    ("CX", 0, 3),
)


def _gate(gate: tuple, n: int) -> np.ndarray:
    c8, s8 = math.cos(math.pi / 8), math.sin(math.pi / 8)
    t = np.array([[c8, -s8], [s8, c8]])  # exp(-i pi Y / 8), real
    match gate:
        case ("T", q):
            return _on(q, t, n)
        case ("Tdg", q):
            return _on(q, t.T, n)
        case ("CZ", c, q):
            return _controlled(c, q, _Z, n)
        case ("CX", c, q):
            return _controlled(c, q, _X, n)
    raise ValueError(f"unknown gate {gate!r}")  # pragma: no cover - the circuit is fixed


def controlled_v123_t_count() -> int:
    """T gates of the printed circuit for controlled V_123, after checking that the circuit
    is controlled V_123 (up to a global phase) and that V_123 stabilises |CCZ>.

    Raises:
        ValueError: either check fails (the circuit or V_123 as transcribed is wrong).
    """
    n = 4
    unitary = np.eye(2**n)
    for gate in reversed(CONTROLLED_V123_CIRCUIT):  # the rightmost gate acts first
        unitary = _gate(gate, n) @ unitary
    target = kron([_P0, np.eye(8)]) + kron([_P1, v123()])
    overlap = np.trace(target.T @ unitary) / 2**n
    if not (abs(abs(overlap) - 1) < 1e-12 and np.allclose(unitary, overlap * target)):
        raise ValueError("the printed circuit is not controlled V_123")
    if not np.allclose(v123() @ _ideal("CCZ"), _ideal("CCZ")):
        raise ValueError("V_123 does not stabilise |CCZ>")
    return sum(g[0] in ("T", "Tdg") for g in CONTROLLED_V123_CIRCUIT)
