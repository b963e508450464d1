"""Exact simulation of a noisy distillation circuit in the Pauli basis (docs/model/simulation.md).

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

Three arithmetics, tried in turn per point until one vouches for the digits:

* float64 with the error split rho = w |Psi><Psi| + rho_E: w and Psi carry the error-free
  branch exactly by construction and both readouts depend on rho_E alone, so the rounding
  error is about 1e-16 tr(rho_E) instead of 1e-16;
* the same split in double-double (estimator.sim.doubledouble), about 1e-32 tr(rho_E);
* fixed point (estimator.sim.fixedpoint) with a mantissa sized from the magnitudes and a
  rigorous rounding bound, down to float64's smallest normal number.

The two split tiers run as compiled kernels (estimator.sim.kernels) when the work repays
loading them (COMPILE_ABOVE), and otherwise as numpy passes here (``_split_sums``), which are
also the reference the kernels are tested against.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from estimator import limits
from estimator.circuits.protocol import Rotation
from estimator.errors import ModelError, PrecisionError
from estimator.sim import doubledouble as dd
from estimator.sim import fixedpoint as fx
from estimator.sim.channels import BitFlip, Channel, DiagonalChannel

PRECISIONS = ("auto", "float", "exact")
TIERS = ("float64", "double-double", "fixed point")
RELATIVE_TOLERANCE = 1e-6
"""Largest estimated relative error of p_fail or I accepted from the float64 path."""
FLOAT_ERROR_FACTOR = 100.0
"""Bound on |result - exact| of the split tiers in units of eps * size of rho_E (float64:
eps = 2^-52; double-double: 2^-104); the largest ratio seen over random one- and two-level
points is about 3 for float64 and under 10 for double-double (tests/test_simulator.py)."""
_CHUNK_ENTRIES = 1 << 19
SECONDS_PER_UPDATE = {"float": 4e-9, "auto": 4e-9, "double-double": 3e-8, "exact": 6e-8}
"""Rough time of one coefficient update per rotation and point of the numpy paths (this
machine, one core), for the resource guard's estimate and the choice of the compiled path."""
COMPILED_SECONDS_PER_UPDATE = {"float": 5e-10, "auto": 5e-10, "double-double": 2e-9}
"""The same for the compiled kernels, per coefficient of 4^n (they touch fewer: 15-to-1 about
4 us per point in float64, 20 us in double-double; 38-to-10 0.4 s and 2.8 s)."""
EXACT_LIMIT = 1 << 26
"""Largest register (4^n coefficients, n = 13) the fixed-point path takes on (38-to-10 on its
CP-SAT schedule: 40 s and 0.3 GB per point); beyond it a point takes many minutes to hours, and
is refused with a PrecisionError instead."""


@dataclass(frozen=True)
class Simulation:
    """Result of a simulation, arrays over the batch.

    Attributes:
        p_fail: probability that post-selection rejects the run.
        infidelity: 1 - <Psi|rho_out|Psi> of the accepted state.
        exact: True where float64 could not vouch and an extended arithmetic (double-double
            or fixed point) produced the value.
        resolved: True where the digits are guaranteed; precision "float" returns NaN
            (a refusal, never a wrong digit) where float64 is not enough.
        tier: the arithmetic that produced each value, an index into TIERS.
    """

    p_fail: np.ndarray
    infidelity: np.ndarray
    exact: np.ndarray
    resolved: np.ndarray
    tier: np.ndarray


@dataclass(frozen=True)
class _Rotation:
    """A rotation channel with its batch parameters: chi = (1 - q) exp(i pi / 4) + e."""

    rotation: Rotation
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
    """Bit masks and parities of an n-qubit register; Pauli coefficients are c[a, b]."""

    n_qubits: int
    checks: tuple[int, ...]

    @property
    def dim(self) -> int:
        return 2**self.n_qubits

    def mask(self, support: Sequence[int]) -> int:
        return sum(1 << (self.n_qubits - q) for q in support)

    @functools.cached_property
    def parity(self) -> np.ndarray:
        """parity[x] = |x| mod 2 for every n-bit x."""
        return self.weight & 1

    @functools.cached_property
    def weight(self) -> np.ndarray:
        """weight[x] = |x| for every n-bit x."""
        return _popcount(np.arange(self.dim))

    def odd(self, masks: tuple[int, ...]) -> np.ndarray:
        """0/1 matrix (2^n x len(masks)): parity of |x & mask| for every x."""
        x = np.arange(self.dim)
        return np.stack([self.parity[x & m] for m in masks], axis=1).astype(float)

    def accepted(self, a: np.ndarray) -> np.ndarray:
        """Rows of the blocks ``a`` within the checks: tr(Pi rho) = 2^-|C| sum of c[a, 0] there."""
        return np.flatnonzero((a & ~self.mask(self.checks)) == 0)

    def chunks(self, batch: int) -> tuple[int, int]:
        """(points, blocks) per chunk so that a chunk holds about _CHUNK_ENTRIES coefficients."""
        points = max(1, _CHUNK_ENTRIES // self.dim**2)
        blocks = max(1, min(self.dim, _CHUNK_ENTRIES // (self.dim * min(points, batch))))
        return points, blocks


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
    progress: Progress | None = None,
) -> Simulation:
    """Simulate |+>^n through ``channels`` and post-select the checks on |+>.

    Args:
        n_qubits: number of qubits.
        checks: qubits measured in X and post-selected; the others are outputs.
        channels: the noisy circuit in time order; parameters broadcast to one batch shape.
            A point with a NaN parameter (e.g. a refused lower level) gives NaN.
        precision: "float" (float64; NaN where it cannot guarantee RELATIVE_TOLERANCE),
            "exact" (fixed point everywhere) or "auto" (float64, then double-double, then
            fixed point, each for the points the one before cannot vouch for).
            The fixed point widens its mantissa until it can vouch for the digits; a value
            it cannot vouch for (below float64's normal range) is NaN, never a wrong digit.
        progress: called as progress(phase, done, total) while the work proceeds (phase
            "float64", "double-double" or "exact"); the engine itself never prints.

    Returns:
        A Simulation with arrays of the batch shape.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    _require_probabilities(channels)
    shape = np.broadcast_shapes(*(np.shape(p) for ch in channels for p in _params(ch)))
    size = int(np.prod(shape))
    register = _Register(n_qubits, tuple(checks))
    _require_resources(register, channels, size, precision)
    flat = [[np.broadcast_to(p, shape).ravel() for p in _params(ch)] for ch in channels]
    p_fail, infidelity = np.full(size, np.nan), np.full(size, np.nan)
    exact = np.zeros(size, dtype=bool)
    resolved = np.zeros(size, dtype=bool)
    tier = np.zeros(size, dtype=np.int8)
    valid = np.flatnonzero(~_has_nan(flat, size))
    live, copies = _distinct(flat, valid)
    todo = live
    rotations = sum(isinstance(c, DiagonalChannel) and c.is_rotation for c in channels)
    if precision != "exact":
        tiers = (FLOAT64,) if precision == "float" else (FLOAT64, DOUBLE_DOUBLE)
        for ar in tiers:  # each tier takes the points the one before cannot vouch for
            pending = live[~resolved[live]]
            if ar is DOUBLE_DOUBLE and pending.size:
                _require_resources(register, channels, pending.size, ar.name)
            exact[pending] = ar is not FLOAT64
            tier[pending] = TIERS.index(ar.name)
            compiled = _worth_compiling(register, rotations, pending.size, ar)
            step = (
                max(1, _COMPILED_CHUNK // register.dim**2)
                if compiled
                else register.chunks(max(1, pending.size))[0]
            )
            for start in range(0, pending.size, step):
                part = pending[start : start + step]
                program = _program(register, channels, [[v[part] for v in f] for f in flat])
                p_fail[part], infidelity[part], resolved[part] = _run_split(
                    register, *program, ar, compiled=compiled
                )
                if progress:
                    progress(ar.name, min(start + step, pending.size), pending.size)
        todo = live[~resolved[live]]
        if precision == "float":
            p_fail[todo] = infidelity[todo] = np.nan
            todo = todo[:0]
    if todo.size:
        if register.dim**2 > EXACT_LIMIT:
            raise PrecisionError(
                f"float64 cannot guarantee the digits at {todo.size} point(s) and exact "
                f"arithmetic on {n_qubits} qubits (4^{n_qubits} coefficients) would take hours "
                "(it takes up to 13); "
                "use precision 'float' to get NaN there instead"
            )
        _require_resources(register, channels, todo.size, "exact")
        exact[todo] = True
        tier[todo] = TIERS.index("fixed point")
        p_fail[todo], infidelity[todo], resolved[todo] = _exact_pass(
            register, channels, [[v[todo] for v in f] for f in flat], progress
        )
    results = (p_fail, infidelity, exact, resolved, tier)
    for values in results:
        values[valid] = values[live][copies]
    return Simulation(*(v.reshape(shape) for v in results))


Progress = Callable[[str, int, int], None]


def _distinct(flat: list[list[np.ndarray]], points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points with distinct parameters (e.g. the level-1 factory of a two-level search repeats
    for every level-2 choice) and, for each of ``points``, the index of its representative."""
    if points.size < 2:
        return points, np.arange(points.size)
    columns = [v[points] for f in flat for v in f]
    table = np.column_stack([c.view(float).reshape(points.size, -1) for c in columns])
    _, first, copies = np.unique(table, axis=0, return_index=True, return_inverse=True)
    return points[first], copies.ravel()


def _has_nan(flat: list[list[np.ndarray]], size: int) -> np.ndarray:
    """Points with a NaN parameter (refused upstream): they give NaN."""
    bad = np.zeros(size, dtype=bool)
    for values in flat:
        for v in values:
            bad |= np.isnan(v)
    return bad


def _require_resources(
    register: _Register, channels: Sequence[Channel], points: int, precision: str
) -> None:
    """Estimate memory and time of the simulation before allocating (estimator.limits).

    Time: 4^n coefficients per rotation and point at SECONDS_PER_UPDATE of the arithmetic (or
    COMPILED_SECONDS_PER_UPDATE where the compiled kernels run).
    Memory: per-qubit tables (O(2^n)), a chunk's working arrays (about _CHUNK_ENTRIES
    coefficients, a dozen temporaries; Python ints for the fixed point) and its layout (13 bytes
    per coefficient a rotation turns), and the per-point inputs and results."""
    n, dim = register.n_qubits, float(register.dim)
    rotations = sum(isinstance(c, DiagonalChannel) and c.is_rotation for c in channels)
    work = points * dim**2 * (rotations + 2)  # coefficient updates
    ar = FLOAT64 if precision in ("float", "auto") else DOUBLE_DOUBLE
    compiled = precision != "exact" and _worth_compiling(register, rotations, points, ar)
    seconds = work * (COMPILED_SECONDS_PER_UPDATE if compiled else SECONDS_PER_UPDATE)[precision]
    chunk = min(dim**2 * points, max(_CHUNK_ENTRIES, dim * min(dim, 64)))
    per_entry = {"float": 8 * 12, "exact": 4 * 80}.get(precision, 16 * 12)  # else dd
    memory = 8 * 40 * dim + per_entry * chunk + 13 * rotations / 2 * chunk + 64 * points
    limits.require(
        what=f"simulating {n} qubits ({rotations} rotations) at {points} point(s), "
        f"precision {precision}",
        memory_bytes=memory,
        seconds=seconds,
        change="use a protocol with fewer qubits or fewer points (or raise the limit)",
    )


def _require_probabilities(channels: Sequence[Channel]) -> None:
    """ModelError unless every channel's error probability lies in [0, 1] (e.g. a timelike
    error (Lambda d_x / 2 d_m) p_M above 1 means the model of docs/model/rotations.md does not apply).
    NaN marks a point refused upstream and passes (it gives NaN)."""
    for channel in channels:
        p = np.asarray(channel.q if isinstance(channel, DiagonalChannel) else channel.p)
        outside = (p < 0) | (p > 1)
        if np.any(outside):
            bad = float(p[outside].ravel()[0])
            what = (
                f"rotation {channel.rotation}"
                if isinstance(channel, DiagonalChannel) and channel.is_rotation
                else (
                    f"Z flip on {channel.rotation}"
                    if isinstance(channel, DiagonalChannel)
                    else f"X flip on q{channel.qubit}"
                )
            )
            raise ModelError(
                f"the error model does not apply here: {what} has error probability {bad:.3g}, "
                "outside [0, 1] (are the distances or p_phys extreme?)"
            )


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
        steps.append(_Rotation(channel.rotation, *values))
    if x_masks:
        steps.append(_Layer(tuple(x_masks), tuple(x_probs)))
    return steps, _Layer(tuple(z_masks), tuple(z_probs))


def _blocks(register: _Register, batch: int):
    """The block ranges a of one chunk, as arrays."""
    _, per_chunk = register.chunks(batch)
    for start in range(0, register.dim, per_chunk):
        yield np.arange(start, min(register.dim, start + per_chunk))


@dataclass(frozen=True)
class _Arithmetic:
    """The number type of a split run: float64 (ndarray) or double-double (DD)."""

    name: str
    eps: float
    inv_sqrt2: object
    lift: Callable

    @staticmethod
    def signed(x, sign: np.ndarray):
        """x * sign for signs +-1 (exact, no rounding to account for)."""
        if isinstance(x, np.ndarray):
            return x * sign
        return dd.DD(x.hi * sign, x.lo * sign)

    def contract(self, ideal, rho):
        """sum_e ideal[e] rho[e, k] for every point k."""
        if isinstance(rho, np.ndarray):
            return ideal @ rho
        return (ideal[:, None] * rho).sum(axis=0)


FLOAT64 = _Arithmetic("float64", float(np.finfo(float).eps), 1 / np.sqrt(2.0), np.asarray)
DOUBLE_DOUBLE = _Arithmetic(
    "double-double", dd.EPS, dd.DD.from_ratio(fx.INV_SQRT2, fx.ONE), dd.DD.of
)


def _layer_tables(register: _Register, layer: _Layer, ar: _Arithmetic):
    """(scale, scale - W, W) of a merged layer: scale(x) = prod_j (1 - 2 p_j)^[|x & m_j| odd]
    over x (rows) and points (columns), W = prod_j (1 - p_j) the weight of no flip at all.

    scale - W = sum_j (-+p_j) prod_{k<j} (1 - 2 p_k)^[odd] prod_{k>j} (1 - p_k) (telescoping:
    (1 - 2p)^o - (1 - p) = -+p), so it carries no cancellation."""
    if not layer.masks:
        return None
    odd = register.odd(layer.masks) > 0
    batch = len(layer.p[0])
    keep = [ar.lift(np.ones(batch))]
    for p in reversed(layer.p[1:]):
        keep.append(keep[-1] * (ar.lift(np.ones(batch)) - p))
    keep.reverse()  # keep[j] = prod_{k>j} (1 - p_k)
    scale = ar.lift(np.ones((register.dim, batch)))
    diff = ar.lift(np.zeros((register.dim, batch)))
    for j, p in enumerate(layer.p):
        sign = np.where(odd[:, j], -1.0, 1.0)[:, None]
        diff = diff + scale * (keep[j] * (sign * p))
        rows = np.flatnonzero(odd[:, j])
        scale[rows] = scale[rows] * (ar.lift(np.ones(batch)) - 2 * p)
    return scale, diff, keep[0] * (ar.lift(np.ones(batch)) - layer.p[0])


@dataclass(frozen=True, eq=False)
class _Layout:
    """The coefficients of blocks start..stop-1 that can be nonzero, as one flat array.

    Block a starts at c[a, 0] and a rotation about Z_S moves weight from b to b ^ S only where
    |a & S| is odd, so c[a, .] lives on the span V_a of those supports: about half of 4^n
    entries (15-to-1: 513 of 1024; 38-to-10: 26M of 67M). Entry e is (block[e], b[e]);
    ``turns[j]`` holds, for the j-th rotation P = sign Z_S, the entries it turns (|a & S| odd),
    the position of each one's partner b ^ S among them, the sign sigma(a, b) with
    i P P(a, b) = sigma P(a, b ^ S), their blocks, and the blocks it touches."""

    block: np.ndarray
    b: np.ndarray
    origin: np.ndarray
    turns: tuple[tuple[np.ndarray, ...], ...]


def _layout(register: _Register, rotations: tuple[Rotation, ...], start: int, stop: int):
    """The _Layout of blocks start..stop-1, kept for reuse when it is small (a register of up
    to 9 qubits in one chunk: at most 4^9 entries, tens of MB); larger ones are rebuilt per
    call, which costs about one pass of the simulation over them and keeps memory O(chunk)."""
    if start == 0 and stop == register.dim and register.dim <= 512:
        return _small_layout(register, rotations)
    return _build_layout(register, rotations, start, stop)


@functools.lru_cache(maxsize=8)
def _small_layout(register: _Register, rotations: tuple[Rotation, ...]) -> _Layout:
    return _build_layout(register, rotations, 0, register.dim)


def _build_layout(register: _Register, rotations: tuple[Rotation, ...], start: int, stop: int):
    n = register.n_qubits
    masks = [register.mask(r.support) for r in rotations]
    pivots = np.zeros((stop - start, n), dtype=np.int64)  # pivot bit of basis vector i
    blocks, spans, coords = [], [], []
    for a in range(start, stop):
        basis: dict[int, int] = {}  # pivot (highest bit) -> vector, fully reduced
        for m in masks:
            if not (a & m).bit_count() % 2:
                continue
            for pivot, u in basis.items():
                if m >> pivot & 1:
                    m ^= u
            if m:
                top = m.bit_length() - 1
                basis = {p: u ^ m if u >> top & 1 else u for p, u in basis.items()}
                basis[top] = m
        combos = np.arange(1 << len(basis), dtype=np.int64)
        span = np.zeros(len(combos), dtype=np.int64)
        for i, (pivot, u) in enumerate(sorted(basis.items())):
            span ^= ((combos >> i) & 1) * u
            pivots[a - start, i] = pivot
        spans.append(span)  # entry c of the block is b = sum_i c_i u_i (c_i = bit pivot_i of b)
        coords.append(combos)
        blocks.append(np.full(len(span), a - start, dtype=np.int64))
    block, b, coord = np.concatenate(blocks), np.concatenate(spans), np.concatenate(coords)
    sizes = np.bincount(block, minlength=stop - start)
    dims = np.log2(sizes).astype(np.int64)
    offset = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    weight = register.weight
    a_all = np.arange(start, stop)
    a = block + start
    turns = []
    for rotation, m in zip(rotations, masks):
        touched = np.flatnonzero(weight[a_all & m] & 1)
        # coordinates of S in each touched block: bit pivot_i of m for i < dim of the block
        bits = (m >> pivots[touched]) & 1
        bits[np.arange(n)[None, :] >= dims[touched][:, None]] = 0
        shift = (bits << np.arange(n)[None, :]).sum(axis=1)
        local = np.concatenate([[0], np.cumsum(sizes[touched])[:-1]])
        idx = np.concatenate([offset[t] + np.arange(sizes[t]) for t in touched])
        where = np.repeat(np.arange(len(touched)), sizes[touched])
        partner = local[where] + (coord[idx] ^ shift[where])
        overlap = weight[a[idx] & m]
        # sigma = -sign (-1)^((|a & S| - 1) / 2) (-1)^|a & b & S|
        flips = ((overlap - 1) >> 1) + weight[a[idx] & b[idx] & m]
        sign = (-rotation.sign) * (1.0 - 2.0 * (flips & 1))
        turns.append(
            (
                idx.astype(np.int32),
                partner.astype(np.int32),
                sign,
                block[idx].astype(np.int32),
                touched,
            )
        )
    return _Layout(block.astype(np.int32), b.astype(np.int32), offset, tuple(turns))


def _run_split(
    register: _Register,
    steps,
    z_layer: _Layer,
    ar: _Arithmetic = FLOAT64,
    *,
    compiled: bool | None = None,
):
    """The error split rho = w |Psi><Psi| + rho_E in arithmetic ``ar``; returns p_fail, I and
    where the digits are guaranteed.

    ``compiled``: run the compiled kernels (estimator.sim.kernels) or the numpy reference
    (``_split_sums``); None chooses by size (``_worth_compiling``)."""
    n = register.n_qubits
    batch = _batch_size(steps, z_layer)
    if compiled is None:
        rotations = sum(isinstance(s, _Rotation) for s in steps)
        compiled = _worth_compiling(register, rotations, batch, ar)
    sums = _compiled_sums if compiled else _split_sums
    trace, accepted, fidelity = sums(register, steps, z_layer, ar)
    accepted = accepted * 0.5 ** len(register.checks)
    fidelity = fidelity * 0.5**n
    p_fail, numerator = (
        np.asarray(v.to_float() if hasattr(v, "to_float") else v)
        for v in (trace - accepted, accepted - fidelity)
    )
    trace = np.abs(np.asarray(trace.to_float() if hasattr(trace, "to_float") else trace))
    scale = np.maximum(trace, _error_weight(steps, z_layer))
    bound = FLOAT_ERROR_FACTOR * ar.eps * scale + _UNDERFLOW * 4.0**n * (len(steps) + 2)
    ok = (bound <= RELATIVE_TOLERANCE * np.abs(numerator)) & (
        (bound <= RELATIVE_TOLERANCE * np.abs(p_fail)) | (p_fail == 0)
    )
    infidelity = numerator / (1 - p_fail)
    ok &= np.abs(infidelity) >= _TINY  # a subnormal result has lost digits
    return p_fail, infidelity, ok


COMPILE_ABOVE = 0.2
"""Estimated seconds of the numpy split above which the compiled kernels run instead: below
it, importing numba and loading the cached kernels (about 0.3 s) would cost more than they
save (a single-config ``msd estimate`` stays numpy)."""


_COMPILED_CHUNK = 1 << 24
"""Coefficients (points x 4^n) per call of the compiled path: progress is reported per call."""


def _worth_compiling(register: _Register, rotations: int, points: int, ar: _Arithmetic) -> bool:
    work = points * register.dim**2 * (rotations + 2)
    cost = SECONDS_PER_UPDATE["float" if ar is FLOAT64 else "double-double"]
    return work * cost > COMPILE_ABOVE


def _compiled_sums(register: _Register, steps, z_layer: _Layer, ar: _Arithmetic):
    """(tr rho_E, sum of c_E[a, 0] over a within the checks, sum c_E g) by the compiled
    kernels (estimator.sim.kernels), in chunks of points sized so that a block's coefficients
    stay in cache."""
    from estimator.sim import kernels

    n = register.n_qubits
    batch = _batch_size(steps, z_layer)
    program, rotations, layers = _kernel_program(register, steps)
    factors = _equator_factors(register, tuple(r.rotation for r in rotations))
    layer_groups, group_masks, group_starts, flips = [0], [], [0], []
    for layer in [*layers, z_layer]:  # the flips of a layer grouped by mask
        for mask in dict.fromkeys(layer.masks):
            flips += [p for m, p in zip(layer.masks, layer.p) if m == mask]
            group_masks.append(mask)
            group_starts.append(len(flips))
        layer_groups.append(len(group_masks))
    groups = [np.asarray(v, dtype=np.int64) for v in (layer_groups, group_masks, group_starts)]
    q, er, ei = (
        np.array([f(r) for r in rotations], dtype=float).reshape(len(rotations), batch)
        for f in (lambda r: r.q, lambda r: np.real(r.e), lambda r: np.imag(r.e))
    )
    p = np.array(flips, dtype=float).reshape(len(flips), batch)
    constant = (float(DOUBLE_DOUBLE.inv_sqrt2.hi), float(DOUBLE_DOUBLE.inv_sqrt2.lo))
    double = ar is DOUBLE_DOUBLE
    kernel = kernels.split_double_double if double else kernels.split_float
    sums = np.zeros((3, 2, batch) if double else (6, batch))
    chunk = max(1, (1 << 14) >> n)
    for start in range(0, batch, chunk):
        part = slice(start, min(batch, start + chunk))
        rot, tables = kernels.prepare(
            n,
            program[0],
            program[3],
            *groups,
            q[:, part],
            er[:, part],
            ei[:, part],
            p[:, part],
            constant,
        )
        out = np.zeros(sums[..., part].shape)
        kernel(
            n,
            register.mask(register.checks),
            *factors,
            *program,
            rot,
            tables,
            constant if double else constant[0],
            out,
        )
        sums[..., part] = out
    if double:
        return tuple(dd.DD(sums[i, 0], sums[i, 1]) for i in range(3))
    return sums[0], sums[1] + sums[4], sums[2] + sums[5]


def _kernel_program(register: _Register, steps):
    """The steps as the kernels read them (kind, support mask, sign and index among the
    rotations or the layers, as int64 arrays), and the rotations and layers themselves."""
    from estimator.sim import kernels

    kinds, masks, signs, index, rotations, layers = [], [], [], [], [], []
    for step in steps:
        if isinstance(step, _Layer):
            kinds.append(kernels.LAYER)
            index.append(len(layers))
            layers.append(step)
            masks.append(0)
            signs.append(0)
        else:
            kinds.append(kernels.ROTATION)
            index.append(len(rotations))
            rotations.append(step)
            masks.append(register.mask(step.rotation.support))
            signs.append(step.rotation.sign)
    program = [np.asarray(v, dtype=np.int64) for v in (kinds, masks, signs, index)]
    return program, rotations, layers


@functools.lru_cache(maxsize=16)
def _equator_factors(register: _Register, rotations: tuple[Rotation, ...]) -> tuple[int, int]:
    """Masks of the qubits q on which the noiseless output Psi is a factor
    (|0> + e^(i phi) |1>) / sqrt 2 (outputs |m>, checks |+>; not the three CCZ outputs), and of
    those among them with phi = 0 or pi.

    Psi(x) = 2^(-n/2) exp(i pi/8 sum_j s_j(x)) with s_j(x) = +-1 the eigenvalue of rotation j, so
    Psi(x ^ q) / Psi(x) = exp(-i pi/4 f_q(x)), f_q = sum of s_j over the rotations on q: q is
    such a factor exactly when f_q is constant mod 8 over the x with x_q = 0 (phi = -pi/4 f_q),
    decided here in integers. Psi then has no Pauli coefficient with b_q = 1 and a_q = 0 (Z_q:
    <phi|Z|phi> = 0), and none with b_q = 1 at all when phi is 0 or pi (Y_q too)."""
    n, factors, real = register.n_qubits, 0, 0
    x = np.arange(register.dim)
    for q in range(1, n + 1):
        bit = register.mask([q])
        f = sum((r.eigenvalues(n) for r in rotations if q in r.support), np.zeros_like(x))
        f = f[(x & bit) == 0]
        if np.all((f - f[0]) % 8 == 0):
            factors |= bit
            real |= bit if f[0] % 4 == 0 else 0
    return factors, real


def _split_sums(register: _Register, steps, z_layer: _Layer, ar: _Arithmetic, visit=None):
    """The numpy reference of ``_compiled_sums``: blocks a evolve independently, so they are
    simulated a chunk at a time (memory O(2^n)), each on its reachable coefficients only
    (``_Layout``). ``visit(a, layout, ideal, rho)``, if given, sees every chunk's final
    coefficients (further readouts, e.g. estimator.sim.marginals)."""
    batch = _batch_size(steps, z_layer)
    one = ar.lift(np.ones(batch))
    rotations = tuple(s.rotation for s in steps if isinstance(s, _Rotation))
    prepared = []
    for step in steps:
        if isinstance(step, _Layer):
            prepared.append((step, _layer_tables(register, step, ar)))
            continue
        keep = (one - step.q) * ar.inv_sqrt2  # (1 - q) chi0, chi0 = (1 + i) / sqrt 2
        prepared.append((step, (keep + step.e.real, keep + step.e.imag, one - step.q)))
    z_tables = _layer_tables(register, z_layer, ar)
    trace = accepted = fidelity = 0.0
    for a in _blocks(register, batch):
        layout = _layout(register, rotations, int(a[0]), int(a[-1]) + 1)
        size = len(layout.b)
        ideal = ar.lift(np.zeros(size))
        ideal[layout.origin] = ar.lift(np.ones(len(a)))  # |+>^n: c[a, 0] = 1
        rho = ar.lift(np.zeros((size, batch)))  # rho_E
        # pending[a] * Psi[a] belongs to rho_E[a]: error branches of rotations that leave block
        # a alone, added when something next acts on the block (saves a pass per rotation)
        pending = ar.lift(np.zeros((len(a), batch)))
        turns = iter(layout.turns)
        w = one
        for step, data in prepared:
            if isinstance(step, _Layer):
                if data is not None:
                    scale = data[0][layout.b]
                    rho *= scale
                    rho += ideal[:, None] * (scale * pending[layout.block] + data[1][layout.b] * w)
                    pending = ar.lift(np.zeros((len(a), batch)))
                    w = w * data[2]
                continue
            chi_re, chi_im, survive = data
            idx, partner, sign, blocks, touched = next(turns)
            g = ideal[idx]
            g_partner = ar.signed(g[partner], sign)
            x = rho[idx]
            x += g[:, None] * pending[blocks]
            turned = ar.signed(x[partner], sign[:, None])
            turned *= chi_im
            x *= chi_re
            x -= turned
            x += g[:, None] * (w * step.e.real)
            x -= g_partner[:, None] * (w * step.e.imag)
            rho[idx] = x
            pending += w * step.q
            pending[touched] = ar.lift(np.zeros((len(touched), batch)))
            ideal[idx] = (g - g_partner) * ar.inv_sqrt2
            w = w * survive
        rho += ideal[:, None] * pending[layout.block]
        if z_tables is not None:
            scale, diff, _ = z_tables
            rows = layout.block + int(a[0])
            rho *= scale[rows]
            rho += ideal[:, None] * (diff[rows] * w)
        if a[0] == 0:
            trace = rho[0]
        accepted = rho[layout.origin[register.accepted(a)]].sum(axis=0) + accepted
        fidelity = ar.contract(ideal, rho) + fidelity
        if visit is not None:
            visit(a, layout, ideal, rho)
    return trace, accepted, fidelity


def _error_weight(steps, z_layer: _Layer) -> np.ndarray:
    """sum over channels of max(q, |e|) and of the flip probabilities: the size of rho_E.

    For Pauli-type errors |e| <= q and this is about tr(rho_E); a coherent over-rotation has
    q = 0 and |e| ~ 2 theta, where tr(rho_E) = 0 would vouch for anything."""
    weight = sum(np.asarray(p, dtype=float) for p in z_layer.p) if z_layer.p else 0.0
    for step in steps:
        if isinstance(step, _Layer):
            weight = weight + sum(np.asarray(p, dtype=float) for p in step.p)
        else:
            weight = weight + np.maximum(step.q, np.abs(step.e))
    return np.asarray(weight)


_UNDERFLOW = 2.0**-1074
"""Absolute rounding error of an operation whose result underflows."""


def _batch_size(steps, z_layer: _Layer) -> int:
    if z_layer.p:
        return len(z_layer.p[0])
    return len(next(s.q for s in steps if isinstance(s, _Rotation)))


def _exact_pass(register: _Register, channels: Sequence[Channel], flat, progress):
    """Fixed point with as many fraction bits as the magnitudes need (no floor).

    A first pass at FRACTION_BITS gives every point's p_fail and numerator with a rigorous
    bound on the rounding error (``_exact_ulps``); points whose digits the bound does not
    vouch for run again with the mantissa sized from the magnitudes seen, up to the bits that
    resolve float64's smallest normal number. What even that cannot vouch for is NaN."""
    size = len(flat[0][0]) if flat and flat[0] else 0
    p_fail, infidelity = np.full(size, np.nan), np.full(size, np.nan)
    resolved = np.zeros(size, dtype=bool)
    ideal = np.array([all(not np.any(v[i]) for f in flat for v in f) for i in range(size)])
    p_fail[ideal] = infidelity[ideal] = 0.0  # no error at all: the ideal state, exactly
    resolved[ideal] = True
    remaining = np.flatnonzero(~ideal)
    steps = _program(register, channels, [[v[:1] for v in f] for f in flat])
    ulps = _exact_ulps(register, *steps)
    top = ulps.bit_length() + 1022 + 2 * _DIGIT_BITS  # resolves 2^-1022 with margin
    bits = fx.FRACTION_BITS
    while remaining.size:
        program = _program(register, channels, [[v[remaining] for v in f] for f in flat])
        fail, numerator = _run_exact(register, *program, bits=bits, progress=progress)
        again, needed = [], []
        for j, i in enumerate(remaining):
            ok_p = fail[j] == 0 or abs(fail[j]) >> _DIGIT_BITS >= ulps
            unsure = [v for v, ok in ((fail[j], ok_p), (numerator[j], False)) if not ok]
            unsure = [v for v in unsure if abs(v) >> _DIGIT_BITS < ulps]
            if unsure:
                if bits < top:
                    again.append(i)
                    big = [abs(v).bit_length() for v in unsure if abs(v) > ulps]
                    # a value ~ 2^(big - bits): these bits put it 2^20 above the bound
                    needed.append(bits - min(big) + ulps.bit_length() if big else top)
                continue
            p_fail[i] = fail[j] / (1 << bits)
            infidelity[i] = (numerator[j] / (1 << bits)) / (1 - p_fail[i])
            resolved[i] = abs(infidelity[i]) >= _TINY  # a subnormal I has lost digits
            if not resolved[i]:
                p_fail[i] = infidelity[i] = np.nan
        remaining = np.asarray(again, dtype=int)
        bits = min(top, max(bits + 64, max(needed, default=top) + 2 * _DIGIT_BITS))
    return p_fail, infidelity, resolved


_DIGIT_BITS = 20
"""2^20 > 1 / RELATIVE_TOLERANCE: a value is vouched when it exceeds its error bound by this."""
_TINY = float(np.finfo(float).tiny)


def _exact_ulps(register: _Register, steps, z_layer: _Layer) -> int:
    """Bound, in units of 2^-bits, on the rounding error of p_fail and of the numerator of
    ``_run_exact``.

    Every truncation is one unit; a rotation's 2x2 update has norm |chi| <= 1 and a layer's
    scaling at most 1, so per block the error of the coefficient vector grows by at most
    10 units per entry and rotation (4 from chi, 2 truncations, inputs) and 2 L + 1 per layer
    of L channels, in l2 norm times 2^(n/2). The readouts sum 2^|C| coefficients (p_fail) or
    contract with the ideal state (sum of squares 2^n), which by Cauchy-Schwarz adds at most
    the same factor again; 3 R units cover the ideal state's own rounding."""
    rotations = sum(isinstance(s, _Rotation) for s in steps)
    layers = [s for s in steps if isinstance(s, _Layer)] + [z_layer]
    per_entry = 10 * rotations + sum(2 * len(layer.masks) + 1 for layer in layers)
    return 4 * (2 * per_entry + 3 * rotations + 4) << (register.n_qubits + 1) // 2


def _run_exact(register: _Register, steps, z_layer: _Layer, *, bits: int, progress=None):
    """Fixed-point arithmetic on the whole state (no split needed), a chunk of blocks at a
    time, each step on the coefficients that matter then (estimator.sim.kernels.layout, the
    compiled kernels' coordinates). Returns the mantissas of p_fail and of the numerator
    tr(Pi rho) - <Psi|rho|Psi>."""
    n = register.n_qubits
    batch = _batch_size(steps, z_layer)
    one = fx.Fixed.from_ints(1 << bits, bits=bits)
    half = fx.Fixed.from_ints(fx.inv_sqrt2(bits), bits=bits)  # cos(pi/4) = sin(pi/4)
    prepared = []  # per step: the layer's scale, or the rotation's (Re chi, Im chi)
    for step in steps:
        if isinstance(step, _Layer):
            prepared.append((step, _scale_exact(register, step, bits)))
        else:
            keep = one - fx.Fixed.from_complex(step.q, bits)
            prepared.append(
                (
                    step,
                    (
                        fx.Fixed.from_complex(step.e.real, bits) + keep * half,
                        fx.Fixed.from_complex(step.e.imag, bits) + keep * half,
                    ),
                )
            )
    z_scale = _scale_exact(register, z_layer, bits)
    from estimator.sim import kernels

    (kinds, masks, signs, _), rotations, _ = _kernel_program(register, steps)
    factors = _equator_factors(register, tuple(r.rotation for r in rotations))
    checks = register.mask(register.checks)
    trace = accepted = fidelity = 0
    blocks = list(_blocks(register, batch))
    for done, a in enumerate(blocks, 1):
        start = int(a[0])
        offset, pairs, first, second, sigma, lives, live, b, final, final_block = kernels.layout(
            n, *factors, kinds, masks, signs, start, int(a[-1]) + 1
        )
        rho = np.zeros((offset[-1], batch), dtype=object)
        rho[offset[:-1]] = 1 << bits
        ideal = np.zeros(offset[-1], dtype=object)
        ideal[offset[:-1]] = 1 << bits
        for s, (step, data) in enumerate(prepared):
            if isinstance(step, _Layer):
                entries = live[lives[s] : lives[s + 1]]
                if data is not None and entries.size:
                    scale = data.re[b[lives[s] : lives[s + 1]]]
                    rho[entries] = (rho[entries] * scale) >> bits
                continue
            c, p = first[pairs[s] : pairs[s + 1]], second[pairs[s] : pairs[s + 1]]
            if not c.size:
                continue
            chi_re, chi_im = data
            signs_c = sigma[pairs[s] : pairs[s + 1]].astype(object)
            x, y = rho[c], rho[p]
            rho[c] = ((x * chi_re.re) >> bits) - (((signs_c[:, None] * y) * chi_im.re) >> bits)
            rho[p] = ((y * chi_re.re) >> bits) - (((-signs_c[:, None] * x) * chi_im.re) >> bits)
            g_c, g_p = ideal[c], ideal[p]
            ideal[c] = ((g_c - signs_c * g_p) * half.re) >> bits
            ideal[p] = ((g_p + signs_c * g_c) * half.re) >> bits
        rho = rho[final]  # what the readout needs: b = 0 and the support of Psi
        if z_scale is not None:
            rho = (rho * z_scale.re[final_block + start]) >> bits
        origin = final == offset[final_block]
        if start == 0:
            trace = rho[np.flatnonzero(origin & (final_block == 0))[0]]
        within = origin & (((final_block + start) & ~checks) == 0)
        accepted = accepted + rho[within].sum(axis=0)
        fidelity = fidelity + (ideal[final][:, None] * rho).sum(axis=0)
        if progress:
            progress("exact", done, len(blocks))
    accepted = accepted >> len(register.checks)
    fidelity = (fidelity >> bits) >> n
    return list(np.broadcast_to(trace - accepted, batch)), list(
        np.broadcast_to(accepted - fidelity, batch)
    )


def _scale_exact(register: _Register, layer: _Layer, bits: int) -> fx.Fixed | None:
    """scale(x) = prod_j (1 - 2 p_j)^[|x & mask_j| odd] for every x (rows) and point (columns)."""
    if not layer.masks:
        return None
    one = 1 << bits
    odd = register.odd(layer.masks)
    scale = fx.Fixed(np.full((register.dim, len(layer.p[0])), one, dtype=object), None, bits)
    for j, p in enumerate(layer.p):
        flip = (fx.Fixed.from_ints(one, bits=bits) - fx.Fixed.from_complex(2 * p, bits)).re
        scale = scale * fx.Fixed(np.where(odd[:, j : j + 1] > 0, flip[None, :], one), None, bits)
    return scale
