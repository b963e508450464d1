"""H-measurement distillation protocols of 001_c7cbc9f2f2f9e3db.txt as data, compiled to their
exact error model.

A protocol holds n_out magic states |H> (each enters as a noisy input) and measures, in order,
checks H^(x)C on subsets C of them (the outer code's rows, with pipelining as repeated rows),
each with one inner code (001 Secs. 1-4). Every T gate and every input state fails with a Y
error with probability eps (001 Sec. 1, stochastic model).

How a check is measured, and what a Y error does (001 Eqs. (1.3)-(1.6)):

* normal inner code [[n, k, d]]: the states of C sit in logical qubits 1..|C| (a (k, 0) magic
  basis, 001 Def. 3.3), other magic states listed as *resident* in the next ones, and the rest
  are filled with Bell pairs (+1 eigenstates of H (x) H, checked after decoding). Controlled
  transversal H is T^dagger . CZ . T on each physical qubit: 2n T gates. A Y error on qubit j
  before the CZ leaves Y_j on the code and flips the control; after it, Y_j alone. The
  syndrome is measured on decoding; the logical part of an undetected Y(u) is Y on logical
  qubit a iff u . v_a = 1, applied after the measurement.
* hyperbolic inner code: transversal H swaps the qubits of each logical pair (a (0, k) magic
  basis, Eq. (3.6)); the check is controlled-swap, H on the first state of each measured pair,
  controlled-swap (Eq. (1.6)): 4n T gates. The logical part of an undetected Y(u) is P (x) P
  on each pair with P = X^(u.w2) Z^(u.w1) (not only Y); errors of the first swap act before
  the measurement, those of the second after it. The circuits of 001 App. B were lost, so
  the readout is a choice per check: "each" reads the syndrome after each swap (decode, read,
  H, encode); "end" encodes the block once, the middle H a Clifford on the code (decode, H,
  encode, no reading), and reads the sum of both swaps' syndromes at the end, when the
  destabiliser of the first swap's syndrome flips the control if it has odd weight. [[4,2,2]]
  gives exactly Fig. 5.1's 45 with "end" (21 with "each"); a distance-4 code read at the end
  has order 2 (a Y error on one qubit in both swaps), read after each swap it gives the fits.

The magic states are data (``estimator.codes.magic``): |H> with the checks above, or |CCZ>
(Haah et al. 2017, Sec. 2), whose checks measure a Clifford stabiliser W(a) (x) W'(a) on a
pair of CCZ states with a hyperbolic code (controlled swaps of the states' qubits around
W(a) on the first, their Eq. (2.3)); only the density-matrix count applies to it.

``series`` counts the undetected patterns up to a weight: for all-normal protocols exactly,
over GF(2) (``estimator.codes.leading`` per check, then the magic states' Y vector check by
check); with a hyperbolic check by propagating the accepted, unnormalised density matrix of
the magic states as a polynomial in eps truncated at that order (X and Z logical errors leave
superpositions, so acceptance and output fidelity are not parities).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from estimator.codes import gf2
from estimator.codes.css import InnerCode
from estimator.codes.leading import (
    ErrorSeries,
    LocationModel,
    PatternCounts,
    count_undetected,
)
from estimator.codes.magic import H, MagicState, kron
from estimator.errors import ConfigError, ProtocolError
from estimator.limits import require

READOUTS = ("each", "end")

# Largest magic-state register for the density-matrix evaluation (2^n x 2^n matrices).
_MAX_DENSITY_QUBITS = 8
# Largest magic-state register for the dense GF(2) vector of the magic states' Y errors.
_MAX_GF2_QUBITS = 24


@dataclass(frozen=True)
class Check:
    """One H-measurement H^(x) support on magic states (numbered from 0), by one inner code.

    Attributes:
        support: the measured magic states; for a hyperbolic code consecutive ones form the
            swapped pairs and the first of each pair gets the middle H.
        inner: the inner code.
        resident: other magic states held, idle, in the code's remaining logical qubits (they
            see its logical errors but are not measured); the rest wait outside the code.
        readout: hyperbolic codes only: "each" reads the syndrome after each controlled
            swap (fault-tolerant to the code's distance), "end" encodes the block once and
            reads it after the second swap only (see the module docstring).
        field: how errors name this check (e.g. "rounds[1]").
        stabilizer: which Clifford stabiliser W(a) of the magic state is measured (from 0;
            |H> has one, |CCZ> three: Haah et al. 2017, Sec. 2).
    """

    support: tuple[int, ...]
    inner: InnerCode
    resident: tuple[int, ...] = ()
    readout: str = "each"
    field: str = "checks"
    stabilizer: int = 0

    @property
    def hyperbolic(self) -> bool:
        return self.inner.kind == "hyperbolic"

    @property
    def t_count(self) -> int:
        """T gates: 2 per qubit of a normal code, 4 of a hyperbolic one (001 Eq. (1.3))."""
        return (4 if self.hyperbolic else 2) * self.inner.n


@dataclass(frozen=True)
class HMeasureProtocol:
    """A distillation protocol of 001: n_out magic states (of kind ``state``), checks in order.

    A |CCZ> protocol (Haah et al. 2017, Sec. 2) measures W(a) (x) W'(a) on a pair of CCZ
    states with a hyperbolic code whose logical pairs hold the two states' qubits j: the
    controlled swaps of Eq. (2.3) around W(a) on the first state.

    Raises:
        ConfigError: a check names a state twice or out of range, or its inner code cannot
            implement it (too few logical qubits, wrong parity: 001 Sec. 4.1), naming the
            check's field.
    """

    title: str
    n_out: int
    checks: tuple[Check, ...]
    state: MagicState = H

    def __post_init__(self) -> None:
        if isinstance(self.n_out, bool) or not isinstance(self.n_out, int) or self.n_out < 1:
            raise ConfigError("n_out", f"must be a positive integer, got {self.n_out!r}")
        if not self.checks:
            raise ConfigError("checks", "a protocol needs at least one check")
        for check in self.checks:
            _validate_check(check, self.n_out, self.state)

    @property
    def t_count(self) -> int:
        """Noisy T gates and T input states: the checks' T gates, plus n_out for |H>
        (the inputs of a |CCZ> protocol are CCZ states, not T states)."""
        return self.n_out * self.state.t_inputs + sum(c.t_count for c in self.checks)

    @property
    def locations(self) -> int:
        """Noisy locations of the error model: every T gate and every input state."""
        return self.n_out + sum(c.t_count for c in self.checks)

    @property
    def t_per_output(self) -> float:
        return self.t_count / self.n_out

    @property
    def qubits(self) -> int:
        """One control qubit plus the largest check's code and the magic states outside it
        (001 Sec. 1: 8 for [[7,1,3]], 18 pipelined with [[17,1,5]], 34 with Petersen)."""
        q = self.state.qubits
        return 1 + max(
            c.inner.n + q * (self.n_out - len(c.support) - len(c.resident)) for c in self.checks
        )

    @property
    def check_matrix(self) -> np.ndarray:
        """The checks as rows of a 0/1 matrix over the magic states (pipelining repeats rows)."""
        m = np.zeros((len(self.checks), self.n_out), dtype=np.uint8)
        for i, c in enumerate(self.checks):
            m[i, list(c.support)] = 1
        return m

    @property
    def normal(self) -> bool:
        return not any(c.hyperbolic for c in self.checks)

    @cached_property
    def sensitivity(self) -> int:
        """min over v != 0 of 2|Mv| + |v| for the check matrix M (001 Lemma 4.4)."""
        m = self.check_matrix.astype(np.int64)
        require(
            what=f"the outer-code sensitivity over 2^{self.n_out} error vectors",
            seconds=2.0**self.n_out * m.size / 1e8,
            change="use fewer magic states",
        )
        v = (np.arange(1, 2**self.n_out)[:, None] >> np.arange(self.n_out)) & 1
        return int((2 * ((v @ m.T) % 2).sum(axis=1) + v.sum(axis=1)).min())


def _validate_check(check: Check, n_out: int, state: MagicState = H) -> None:
    field = check.field
    a = check.stabilizer
    if isinstance(a, bool) or not isinstance(a, int) or not 0 <= a < state.stabilizers:
        raise ConfigError(
            f"{field}.stabilizer",
            f"the {state.name} state has stabilizers 1..{state.stabilizers}, got {a!r}",
        )
    if state.qubits > 1 and (not check.hyperbolic or check.resident):
        raise ConfigError(
            f"{field}.inner",
            f"a {state.name} check needs a hyperbolic code (the controlled swaps of Haah et al. "
            "2017, Eq. (2.3)) and no resident states",
        )
    states = [*check.support, *check.resident]
    if not check.support:
        raise ConfigError(f"{field}.support", "a check measures at least one magic state")
    for q in states:
        if isinstance(q, bool) or not isinstance(q, int) or not 0 <= q < n_out:
            shown = q + 1 if isinstance(q, int) and not isinstance(q, bool) else q
            raise ConfigError(f"{field}.support", f"magic state {shown!r} is not in 1..{n_out}")
    if len(set(states)) != len(states):
        raise ConfigError(f"{field}.support", f"a magic state is listed twice in {states}")
    code, w = check.inner, len(check.support) * state.qubits
    if check.readout not in READOUTS:
        raise ConfigError(f"{field}.readout", f"unknown {check.readout!r}; one of each, end")
    if code.kind not in ("normal", "hyperbolic"):
        raise ConfigError(f"{field}.inner", f"{code.name} has no logical qubit (k = {code.k})")
    if check.hyperbolic and (w % 2 or len(check.resident) % 2):
        raise ConfigError(
            f"{field}.inner",
            f"{code.name} is hyperbolic: it measures pairs, so the check weight ({w}) and the "
            f"resident states ({len(check.resident)}) must be even (001 Sec. 3.2)",
        )
    if w + len(check.resident) > code.k or (code.k - w - len(check.resident)) % 2:
        raise ConfigError(
            f"{field}.inner",
            f"{code.name} (k = {code.k}) cannot implement a check of weight {w}"
            + (f" with {len(check.resident)} resident states" if check.resident else "")
            + ": it needs k >= weight and k - weight even (001 Sec. 4.1; the spare logical "
            "qubits hold Bell pairs)",
        )


@dataclass(frozen=True)
class CheckEffect:
    """What one undetected pattern inside a check does (the key of ``check_model``).

    Attributes:
        flip: the check's outcome is flipped.
        before: Pauli on the magic states before the measurement, per state (x, z) bits.
        after: Pauli on the magic states after the measurement.
    """

    flip: int
    before: tuple[tuple[int, int], ...]
    after: tuple[tuple[int, int], ...]

    def y_mask(self) -> int:
        """The after-error as a bit mask of Y flips (normal codes: only Y, only after)."""
        return sum(1 << q for q, (x, z) in enumerate(self.after) if x and z)


@dataclass(frozen=True)
class CheckModel:
    """A check's locations (its T gates) as a ``LocationModel`` and the meaning of its keys
    (``n_qubits``: the magic-state register, one qubit per |H> state, three per |CCZ>)."""

    check: Check
    n_qubits: int
    model: LocationModel
    flip_bit: int
    before_bits: tuple[tuple[int, int, int], ...]  # (register qubit, x bit, z bit) positions
    after_bits: tuple[tuple[int, int, int], ...]

    def effect(self, key: int) -> CheckEffect:
        def paulis(bits: tuple[tuple[int, int, int], ...]) -> tuple[tuple[int, int], ...]:
            out = [(0, 0)] * self.n_qubits
            for q, xb, zb in bits:
                out[q] = (key >> xb & 1, key >> zb & 1)
            return tuple(out)

        return CheckEffect(
            key >> self.flip_bit & 1, paulis(self.before_bits), paulis(self.after_bits)
        )


def _register_qubits(states: list[int], q: int) -> list[int]:
    """The register qubits a check's states occupy, in the code's logical order: for states
    of q > 1 qubits (measured in pairs), (q s + j, q t + j) for each pair (s, t) and each j."""
    if q == 1:
        return states
    pairs = zip(states[::2], states[1::2])
    return [q * pair[side] + j for pair in pairs for j in range(q) for side in (0, 1)]


def check_model(check: Check, n_out: int, state: MagicState = H) -> CheckModel:
    """Compile one check into its location model (see the module docstring for the circuit).

    Bits: the syndrome (dim S detectors; X and Z syndromes of a Y error coincide), the filler
    Bell pairs (normal codes, detectors), the logical error on the magic states' qubits
    (keys) and the control flip (key). For a state of q qubits, the pair of states (s, t)
    occupies the code's logical pairs (q s + j, q t + j), j = 0..q-1.
    """
    code = check.inner
    s = code.stabilizers.astype(np.int64)
    basis = code.magic_basis().vectors.astype(np.int64)
    dim = s.shape[0]
    magic = _register_qubits([*check.support, *check.resident], state.qubits)
    n_qubits = n_out * state.qubits
    effects: list[int] = []
    labels: list[str] = []
    syndrome = [sum(1 << i for i in range(dim) if s[i, j]) for j in range(code.n)]
    if not check.hyperbolic:
        fillers = [(a, a + 1) for a in range(len(magic), code.k, 2)]
        filler_bits = list(range(dim, dim + len(fillers)))
        start = dim + len(fillers)
        y_bits = list(range(start, start + len(magic)))
        flip_bit = start + len(magic)
        detectors = (1 << start) - 1
        for j in range(code.n):
            logical = sum(1 << y_bits[a] for a in range(len(magic)) if basis[a, j])
            logical |= sum(
                1 << b for b, (a1, a2) in zip(filler_bits, fillers) if basis[a1, j] ^ basis[a2, j]
            )
            for layer, flip in (("a", 1), ("b", 0)):
                effects.append(syndrome[j] | logical | flip << flip_bit)
                labels.append(f"T{layer}{j + 1}")
        after = tuple((q, b, b) for q, b in zip(magic, y_bits))
        model = LocationModel(tuple(effects), detectors, tuple(labels))
        return CheckModel(check, n_qubits, model, flip_bit, (), after)
    pairs = len(magic) // 2
    each = check.readout == "each"
    base = 2 * dim if each else dim
    half = [
        list(range(base + 4 * p + 2 * h, base + 4 * p + 2 * h + 2))
        for p in range(pairs)
        for h in (0, 1)
    ]
    flip_bit = base + 4 * pairs
    detectors = (1 << base) - 1
    tau = np.zeros(dim, dtype=np.int64) if each else _destabiliser_parity(s, basis)
    for h, layers in ((0, ("a", "b")), (1, ("c", "d"))):
        for j in range(code.n):
            logical = syndrome[j] << (dim if each and h else 0)
            for p in range(pairs):
                z_bit, x_bit = half[2 * p + h]
                w1, w2 = int(basis[2 * p, j]), int(basis[2 * p + 1, j])
                logical |= (w1 << z_bit) | (w2 << x_bit)
            extra = int(s[:, j] @ tau % 2) if h == 0 else 0
            for layer, flip in zip(layers, (1, 0)):
                effects.append(logical | ((flip ^ extra) << flip_bit))
                labels.append(f"T{layer}{j + 1}")

    def bits(h: int) -> tuple[tuple[int, int, int], ...]:
        out = []
        for p in range(pairs):
            z_bit, x_bit = half[2 * p + h]
            out += [(magic[2 * p], x_bit, z_bit), (magic[2 * p + 1], x_bit, z_bit)]
        return tuple(out)

    model = LocationModel(tuple(effects), detectors, tuple(labels))
    return CheckModel(check, n_qubits, model, flip_bit, bits(0), bits(1))


def _destabiliser_parity(s: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """|t_i| mod 2 for the destabilisers t_i: t_i . s_j = delta_ij, t_i orthogonal to every
    logical representative (the encoder these define is the one whose decoding maps the
    syndrome to ancilla flips and leaves the logical part on the data)."""
    system = np.vstack([s, basis])
    tau = np.zeros(s.shape[0], dtype=np.int64)
    for i in range(s.shape[0]):
        rhs = np.zeros(system.shape[0], dtype=np.int64)
        rhs[i] = 1
        t = gf2.solve(system, rhs)
        if t is None:  # pragma: no cover - rows of S and a logical basis are independent
            raise ProtocolError("inner code: no destabiliser for a stabiliser generator")
        tau[i] = int(t.sum()) % 2
    return tau


def series(protocol: HMeasureProtocol, max_weight: int, *, method: str = "auto") -> ErrorSeries:
    """Count the protocol's undetected patterns up to ``max_weight``.

    ``method``: "gf2" (all-normal protocols), "density" (any protocol with at most 8 magic
    states) or "auto" (gf2 when it applies).
    """
    if isinstance(max_weight, bool) or not isinstance(max_weight, int) or max_weight < 1:
        raise ConfigError("weight", f"must be a positive integer, got {max_weight!r}")
    if method == "auto":
        method = "gf2" if protocol.normal else "density"
    if method == "gf2":
        if not protocol.normal:
            raise ConfigError("method", "the GF(2) count needs normal inner codes only")
        return _gf2_series(protocol, max_weight)
    if method == "density":
        return _density_series(protocol, max_weight)
    raise ConfigError("method", f"unknown {method!r}; one of auto, gf2, density")


def _check_counts(
    protocol: HMeasureProtocol, max_weight: int
) -> list[tuple[CheckModel, PatternCounts]]:
    out = []
    for check in protocol.checks:
        cm = check_model(check, protocol.n_out, protocol.state)
        out.append((cm, count_undetected(cm.model, max_weight)))
    return out


def _gf2_series(protocol: HMeasureProtocol, w_max: int) -> ErrorSeries:
    """The magic states' Y vector, check by check: a check is passed iff the parity of the
    errors on its states equals its control flip; its own errors land after it."""
    n = protocol.n_out
    if n > _MAX_GF2_QUBITS:
        raise ConfigError("n_out", f"{n} magic states exceed the GF(2) count's {_MAX_GF2_QUBITS}")
    size = 2**n
    require(
        what=f"weight = {w_max}: the Y-error vector of {n} magic states",
        memory_bytes=size * (w_max + 1) * 8 * 4,
        seconds=size * (w_max + 1) ** 2 * len(protocol.checks) * 4 / 2e8,
        change="use fewer magic states or a smaller weight",
    )
    dtype = np.int64 if protocol.t_count < 200 or w_max < 8 else object
    index = np.arange(size)
    weight = np.array([int(i).bit_count() for i in range(size)])
    state = np.zeros((size, w_max + 1), dtype=dtype)
    for w in range(w_max + 1):
        state[weight == w, w] = 1
    for cm, counts in _check_counts(protocol, w_max):
        mask = sum(1 << q for q in cm.check.support)
        parity = np.array([(int(i) & mask).bit_count() % 2 for i in range(size)])
        new = np.zeros_like(state)
        for key, row in zip(counts.keys, counts.table):
            effect = cm.effect(key)
            passed = state * (parity == effect.flip)[:, None]
            moved = _convolve(passed, row, w_max)
            new[index ^ effect.y_mask()] += moved
        state = new
    totals = state.sum(axis=0)
    wrong = state[1:].sum(axis=0)
    marginals = tuple(
        tuple(int(x) for x in state[(index >> q) & 1 == 1].sum(axis=0)) for q in range(n)
    )
    return ErrorSeries(
        protocol.locations,
        w_max,
        tuple(int(x) for x in totals),
        tuple(int(x) for x in wrong),
        marginals,
        True,
    )


def _convolve(rows: np.ndarray, poly: np.ndarray, w_max: int) -> np.ndarray:
    """Truncated product of weight polynomials: rows[:, i] * poly[j] into column i + j."""
    out = np.zeros_like(rows)
    for j, c in enumerate(poly):
        if c:
            out[:, j:] += rows[:, : w_max + 1 - j] * c
    return out


# --- density-matrix evaluation ----------------------------------------------------------------

def _density_series(protocol: HMeasureProtocol, w_max: int) -> ErrorSeries:
    """Propagate the accepted, unnormalised density matrix of the magic states as a
    polynomial in r = eps / (1 - eps), the factor (1 - eps)^n taken out: every location is
    (1 - eps)(no error + r error), so the coefficient of r^w is the pattern form directly
    and no term cancels. A check measures W(a) on each state of its support (the projector
    onto the accepted outcome after the middle W(a) on the first state of each pair)."""
    state, n_out = protocol.state, protocol.n_out
    n = n_out * state.qubits
    if n > _MAX_DENSITY_QUBITS:
        raise ConfigError(
            "n_out",
            f"{n_out} magic states ({n} qubits) exceed the density-matrix evaluation's "
            f"{_MAX_DENSITY_QUBITS} qubits",
        )
    dim = 2**n
    good, bad = np.outer(state.ideal, state.ideal), state.error_state
    rho = np.zeros((w_max + 1, dim, dim))
    for terms in itertools.product((0, 1), repeat=n_out):  # each input: good + r bad
        if sum(terms) <= w_max:
            rho[sum(terms)] += kron([bad if t else good for t in terms])
    identity = np.eye(2**state.qubits)
    for cm, counts in _check_counts(protocol, w_max):
        check = cm.check
        w = state.operator(check.stabilizer)
        measured = kron([w if q in check.support else identity for q in range(n_out)])
        middle = kron(
            [
                w if q in check.support[::2] and check.hyperbolic else identity
                for q in range(n_out)
            ]
        )
        clifford = [(np.eye(dim) + sign * measured) / 2 @ middle for sign in (1, -1)]
        groups: dict[tuple, list[tuple[CheckEffect, np.ndarray]]] = {}
        for key, row in zip(counts.keys, counts.table):
            effect = cm.effect(key)
            groups.setdefault((effect.before, effect.flip), []).append((effect, row))
        new = np.zeros_like(rho)
        for (before, flip), members in groups.items():
            measured_rho = clifford[flip] @ _pauli_conjugate(rho, before) @ clifford[flip].T
            for effect, row in members:
                conjugated = _pauli_conjugate(measured_rho, effect.after)
                for j, c in enumerate(row):
                    if c:
                        new[j:] += float(c) * conjugated[: w_max + 1 - j]
        rho = new
    ideal = kron([state.ideal[:, None]] * n_out).ravel()
    trace = np.einsum("wii->w", rho)
    right = np.einsum("i,wij,j->w", ideal, rho, ideal)
    marginals = []
    for q in range(n_out):
        wrong_q = kron([identity - good if p == q else identity for p in range(n_out)])
        marginals.append(np.einsum("wij,ji->w", rho, wrong_q))
    return ErrorSeries(
        protocol.locations,
        w_max,
        _rounded(trace),
        _rounded(trace - right),
        tuple(_rounded(m) for m in marginals),
        False,
    )


def _pauli_conjugate(rho: np.ndarray, pauli: tuple[tuple[int, int], ...]) -> np.ndarray:
    """P rho P^T for P = X(x) Z(z) on the magic states (qubit 0 the most significant), by
    permuting rows and columns and flipping signs: P|b> = (-1)^|b & z| |b ^ x>."""
    n = len(pauli)
    x = sum(bit << (n - 1 - q) for q, (bit, _) in enumerate(pauli))
    z = sum(bit << (n - 1 - q) for q, (_, bit) in enumerate(pauli))
    if not x and not z:
        return rho
    index = np.arange(rho.shape[-1])
    source = index ^ x
    sign = 1.0 - 2.0 * (_popcount_parity(source & z))
    return rho[:, source][:, :, source] * sign[:, None] * sign[None, :]


def _popcount_parity(values: np.ndarray) -> np.ndarray:
    parity = np.zeros_like(values)
    v = values.copy()
    while v.any():
        parity ^= v & 1
        v >>= 1
    return parity


def _rounded(coefficients: np.ndarray) -> tuple[float, ...]:
    """Float sums of non-negative terms, kept to 12 significant digits (the rest is rounding
    noise of the matrix products); below 1e-12 of the largest, 0."""
    c = [float(x) for x in coefficients]
    scale = max(1.0, max(abs(x) for x in c))
    return tuple(0.0 if abs(x) < 1e-12 * scale else float(f"{x:.12g}") for x in c)


def protocol_model(protocol: HMeasureProtocol) -> LocationModel:
    """The whole (all-normal) protocol as one flat location model, for the generic counter:
    detectors are every check's syndrome and filler bits and its outcome, keys the outputs.
    Inputs come first; a logical error of check c flips the outcomes of the later checks on
    its states. ``series`` gives the same counts faster (tests compare the two).

    Raises:
        ConfigError: a check uses a hyperbolic code (its errors are not parities).
    """
    if not protocol.normal:
        raise ConfigError("method", "a flat GF(2) model needs normal inner codes only")
    n, checks = protocol.n_out, protocol.checks
    outcome = {c: n + c for c in range(len(checks))}
    offset = n + len(checks)
    detectors = sum(1 << b for b in outcome.values())
    effects: list[int] = []
    labels: list[str] = []

    def later(c: int, q: int) -> int:
        flips = sum(1 << outcome[i] for i in range(c + 1, len(checks)) if q in checks[i].support)
        return flips | 1 << q

    for q in range(n):
        effects.append(later(-1, q))
        labels.append(f"input {q + 1}")
    for c, check in enumerate(checks):
        cm = check_model(check, n)
        local = cm.model.detectors
        detectors |= local << offset
        magic = {xb: q for q, xb, _ in cm.after_bits}
        for effect, label in zip(cm.model.effects, cm.model.labels):
            flat = (effect & local) << offset
            if effect >> cm.flip_bit & 1:
                flat |= 1 << outcome[c]
            for bit, q in magic.items():
                if effect >> bit & 1:
                    flat ^= later(c, q)
            effects.append(flat)
            labels.append(f"check {c + 1} {label}")
        offset += local.bit_length()
    return LocationModel(tuple(effects), detectors, tuple(labels))


def analyse(protocol: HMeasureProtocol, order: int | None = None, *, extra: int = 0) -> ErrorSeries:
    """The error series up to the protocol's order (+ ``extra`` weights).

    With ``order`` given, the series is counted to that weight and a lower order is an error
    that names the weak part; without, weights are tried from 1 up.

    Raises:
        ConfigError("order"): the protocol has an accepted wrong output below ``order`` (the
            outer code is too weak, 001 Lemma 4.4, or an inner code's distance is too small).
    """
    if order is not None:
        if isinstance(order, bool) or not isinstance(order, int) or order < 1:
            raise ConfigError("order", f"must be a positive integer, got {order!r}")
        result = series(protocol, order + extra)
        found = result.order
        if found is not None and found < order:
            raise ConfigError("order", _too_weak(protocol, result, order))
        if found is None:
            raise ConfigError(
                "order",
                f"no accepted wrong output up to weight {order + extra}: the order is higher",
            )
        return result
    limit = max(c.inner.distance or 1 for c in protocol.checks) + len(protocol.checks) + 1
    for weight in range(1, limit + 1):
        result = series(protocol, weight)
        if result.order is not None:
            return series(protocol, weight + extra) if extra else result
    raise ConfigError("order", f"no accepted wrong output up to weight {limit}; give order")


def _too_weak(protocol: HMeasureProtocol, result: ErrorSeries, order: int) -> str:
    found = result.order
    head = (
        f"the protocol has order {found} < {order}: {result.any_wrong[found]:g} accepted "
        f"weight-{found} patterns leave an output wrong"
    )
    if protocol.n_out <= 20 and protocol.sensitivity < order:
        return (
            f"{head}; the outer code is too weak: min over v != 0 of 2|Mv| + |v| is "
            f"{protocol.sensitivity} < {order} (001 Lemma 4.4)"
        )
    weak = [c for c in protocol.checks if (c.inner.distance or 0) < order]
    if weak:
        return f"{head}; {weak[-1].inner.name} in {weak[-1].field} has distance {weak[-1].inner.distance} < {order}"
    return head
