"""Exact counts of undetected error patterns on a GF(2) location model.

Every location (a T gate, an input magic state, a pi/8 rotation) fails independently with
probability eps, and a failure flips a fixed set of bits: *detectors* (inner-code syndromes,
check outcomes: the run is kept only if every detector reads 0) and *key* bits (outputs, or
whatever the caller needs to tell patterns apart). A pattern is a set of failed locations; its
flips add up over GF(2). The counter returns, for every weight w up to a bound, how many
weight-w patterns leave all detectors at 0, grouped by the key bits they leave. The leading
coefficient of an output error is then a sum over keys: Haah et al. 2017, App. C counts
35 and 1411 this way; Bravyi and Haah 2012, Eq. (17) is the same count for triorthogonal
codes (``rotation_model``).

The count is a dynamic programme over the locations in order (the open-column programme of
``gf2.weight_enumerator``): a bit occupies a slot from its first location to its last; when a
detector's last location has passed, states with that detector set are dropped and its slot is
freed. Weight is truncated at the bound, and states that cannot be completed are pruned, so the
state count stays near the number of distinct partial syndromes rather than 2^locations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from estimator.errors import ConfigError, ProtocolError
from estimator.limits import require

CONVENTIONS = {
    "any": "P(any output wrong | accepted): Haah et al. 2017 and 2018 (Haah et al. 2017, Fig. 5.1 prefactors)",
    "marginal": "worst marginal error of one output: Bravyi and Haah 2012, Eq. (18)",
    "per_output": "P(any output wrong | accepted) / n_out: Litinski 2019",
}

# Live slots of a state are packed in one uint64.
_MAX_LIVE_BITS = 63
# Throughput used for the time estimate of ``require`` (state-weight-location steps per
# second, measured about 1e8 on a shared 2-core machine; taken low).
_STEPS_PER_SECOND = 5e7


MAX_TRUNCATED_EPS_OUT = 0.1
"""Largest eps_out taken from an error series counted only through some weight below the
number of locations: it leaves out the patterns of higher weight, a fair approximation only
while the output errors eps_out and epsbar_out are small (the bound of the expansion of
000 Eq. (2), estimator.codes.inner_outer.calculus.MAX_EPS_OUT)."""

@dataclass(frozen=True)
class LocationModel:
    """Locations in order, each a set of flipped bits (an int mask); ``detectors`` marks the
    bits that must read 0 for the run to be kept, every other bit is a key bit.

    Attributes:
        effects: one bit mask per location, in the order they are processed.
        detectors: mask of the detector bits.
        labels: optional names of the locations (for reports and tests).
    """

    effects: tuple[int, ...]
    detectors: int
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if any(not isinstance(e, int) or e < 0 for e in self.effects):
            raise ProtocolError("location model: effects must be non-negative int bit masks")
        if self.labels and len(self.labels) != len(self.effects):
            raise ProtocolError("location model: one label per location")

    @property
    def n_locations(self) -> int:
        return len(self.effects)

    @cached_property
    def key_bits(self) -> int:
        """Mask of the key bits any location touches."""
        touched = 0
        for e in self.effects:
            touched |= e
        return touched & ~self.detectors


@dataclass(frozen=True)
class PatternCounts:
    """Undetected patterns by weight and key: ``table[i, w]`` patterns of weight w leave the
    key ``keys[i]`` (a mask of key bits) and every detector 0.

    Attributes:
        n_locations: locations of the model (for the (1 - eps)^(n - w) factors).
        max_weight: the largest weight counted.
        keys: the distinct keys (Python ints in the model's bit positions).
        table: exact counts, shape (len(keys), max_weight + 1); int64 or Python ints.
    """

    n_locations: int
    max_weight: int
    keys: tuple[int, ...]
    table: np.ndarray

    def count(self, weight: int, *, where: int | None = None, nonzero: int | None = None) -> int:
        """Patterns of ``weight`` whose key, restricted to the mask ``nonzero``, is not 0 (all
        keys if None); ``where`` instead selects keys with every bit of that mask set.

        >>> PatternCounts(3, 1, (0, 1, 3), np.array([[1, 0], [0, 2], [0, 1]])).count(1, where=2)
        1
        """
        if not 0 <= weight <= self.max_weight:
            raise ProtocolError(f"weight {weight} was not counted (max_weight {self.max_weight})")
        total = 0
        for key, row in zip(self.keys, self.table):
            if where is not None and key & where != where:
                continue
            if nonzero is not None and not key & nonzero:
                continue
            total += int(row[weight])
        return total

    def order(self, mask: int) -> int | None:
        """Least weight of an undetected pattern whose key meets ``mask``; None if none up to
        ``max_weight``."""
        for w in range(self.max_weight + 1):
            if self.count(w, nonzero=mask):
                return w
        return None


def count_undetected(model: LocationModel, max_weight: int) -> PatternCounts:
    """Count the undetected patterns of ``model`` of every weight 0..max_weight by key.

    >>> m = LocationModel((0b011, 0b011, 0b101), detectors=0b001)  # bit 0 detects, 1-2 keys
    >>> c = count_undetected(m, 2)
    >>> dict(zip(c.keys, c.table.tolist()))
    {0: [1, 0, 1], 6: [0, 0, 2]}

    Raises:
        ResourceError: the count would exceed the memory or time limits (``limits.require``).
        ProtocolError: more than 63 bits are live at once.
    """
    if isinstance(max_weight, bool) or not isinstance(max_weight, int) or max_weight < 0:
        raise ProtocolError(f"weight: must be a non-negative integer, got {max_weight!r}")
    effects = model.effects
    n = len(effects)
    w_max = min(max_weight, n)
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for i, e in enumerate(effects):
        bit = 0
        while e:
            if e & 1:
                first.setdefault(bit, i)
                last[bit] = i
            e >>= 1
            bit += 1
    keys_bits = [b for b in first if not model.detectors >> b & 1]
    dtype = np.int64 if _fits_int64(n, w_max) else object

    slot_of: dict[int, int] = {}
    free = list(range(_MAX_LIVE_BITS))[::-1]
    open_detectors = 0
    states = np.zeros(1, dtype=np.uint64)
    counts = np.zeros((1, w_max + 1), dtype=dtype)
    counts[0, 0] = 1
    opening = _by_index(first, n)
    closing = _by_index(last, n)
    for i, effect in enumerate(effects):
        _require_feasible(states.size, n - i, w_max, n)
        for bit in opening[i]:
            if not free:
                raise ProtocolError(
                    f"location model: more than {_MAX_LIVE_BITS} bits are live at location {i}"
                )
            slot_of[bit] = free.pop()
            if model.detectors >> bit & 1:
                open_detectors |= 1 << slot_of[bit]
        mask = np.uint64(_slot_mask(effect, slot_of))
        if w_max:
            shifted = np.zeros_like(counts)
            shifted[:, 1:] = counts[:, :-1]
            states, counts = _merge(states, counts, states ^ mask, shifted)
        closed = 0
        for bit in closing[i]:
            if model.detectors >> bit & 1:
                closed |= 1 << slot_of[bit]
                open_detectors &= ~(1 << slot_of[bit])
                free.append(slot_of.pop(bit))
        if closed:
            keep = (states & np.uint64(closed)) == 0
            states, counts = states[keep], counts[keep]
        if open_detectors and w_max:  # at full weight nothing can clear an open detector
            dead = (states & np.uint64(open_detectors)) != 0
            counts[dead, w_max] = 0
        live = np.any(counts != 0, axis=1)
        states, counts = states[live], counts[live]
    return PatternCounts(
        n,
        w_max,
        tuple(_unslot(int(s), slot_of, keys_bits) for s in states.tolist()),
        counts,
    )


def _merge(
    states: np.ndarray, counts: np.ndarray, more_states: np.ndarray, more_counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sum the count rows of equal states."""
    every = np.concatenate([states, more_states])
    rows = np.concatenate([counts, more_counts])
    unique, inverse = np.unique(every, return_inverse=True)
    summed = np.zeros((unique.size, rows.shape[1]), dtype=rows.dtype)
    np.add.at(summed, inverse, rows)
    return unique, summed


def _by_index(where: dict[int, int], n: int) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in range(n)]
    for bit, i in where.items():
        out[i].append(bit)
    return out


def _slot_mask(effect: int, slot_of: dict[int, int]) -> int:
    mask, bit = 0, 0
    while effect:
        if effect & 1:
            mask |= 1 << slot_of[bit]
        effect >>= 1
        bit += 1
    return mask


def _unslot(state: int, slot_of: dict[int, int], key_bits: Sequence[int]) -> int:
    return sum(1 << b for b in key_bits if state >> slot_of[b] & 1)


def _fits_int64(n: int, weight: int) -> bool:
    return sum(math.comb(n, w) for w in range(weight + 1)) < 2**62


def _require_feasible(states: int, remaining: int, weight: int, n: int) -> None:
    """Checked before every location: the memory of the next merge and the time of the rest
    of the programme at the current state count (which grows, so this is a lower bound)."""
    require(
        what=f"weight = {weight}: counting the undetected patterns of {n} locations "
        f"({states:,} partial patterns, {remaining} locations to go)",
        memory_bytes=states * (weight + 1) * 8 * 6,
        seconds=states * remaining * (weight + 1) / _STEPS_PER_SECOND,
        change="count a smaller weight (the leading order is the least one with a pattern)",
    )


@dataclass(frozen=True)
class ErrorSeries:
    """Error polynomials of a protocol up to ``max_weight``, in pattern form: each quantity is
    sum_w c_w eps^w (1 - eps)^(n - w) + O(eps^(max_weight + 1)), c_w the summed probability,
    over the weight-w error patterns (Y errors in Haah et al. 2017's protocols, Z errors in Bravyi and Haah 2012's), that
    the run is accepted (and an output is wrong); an integer count of patterns wherever
    acceptance and outputs are parities (``exact_counts``).

    Attributes:
        n: T gates and input states (locations).
        max_weight: the largest weight counted.
        acceptance: c_w of P(accepted).
        any_wrong: c_w of P(accepted and some output wrong).
        marginals: per output a, c_w of P(accepted and output a wrong).
        exact_counts: True when every c_w is an integer pattern count (the GF(2) count).
    """

    n: int
    max_weight: int
    acceptance: tuple[float, ...]
    any_wrong: tuple[float, ...]
    marginals: tuple[tuple[float, ...], ...]
    exact_counts: bool

    @property
    def order(self) -> int | None:
        """Least weight with an accepted wrong output, or None up to ``max_weight``."""
        return next((w for w, c in enumerate(self.any_wrong) if c), None)

    def leading(self, convention: str = "any") -> float:
        """The coefficient of eps^order in the named convention (``CONVENTIONS``)."""
        d = self.order
        if d is None:
            raise ProtocolError(f"no accepted wrong output up to weight {self.max_weight}")
        if convention == "any":
            return self.any_wrong[d]
        if convention == "marginal":
            return max(m[d] for m in self.marginals)
        if convention == "per_output":
            return self.any_wrong[d] / len(self.marginals)
        raise ConfigError("convention", f"unknown {convention!r}; one of {', '.join(CONVENTIONS)}")


def rotation_model(support: Sequence[Sequence[int]], checks: Sequence[int]) -> LocationModel:
    """The location model of a rotation circuit (Litinski 2019, Sec. 1): one location per pi/8 rotation,
    whose Z error flips the X measurement of every check qubit and the state of every output
    qubit in its support (qubits numbered from 1; bit q - 1 is qubit q).

    >>> m = rotation_model([(1, 2), (2,)], checks=[2])
    >>> m.effects, m.detectors
    ((3, 2), 2)
    """
    effects = tuple(sum(1 << (q - 1) for q in s) for s in support)
    return LocationModel(effects, sum(1 << (q - 1) for q in checks))


def error_series(counts: PatternCounts, outputs: Sequence[int]) -> ErrorSeries:
    """The series of a counted model whose output bits are ``outputs`` (bit positions)."""
    mask = sum(1 << b for b in outputs)
    w_range = range(counts.max_weight + 1)
    return ErrorSeries(
        counts.n_locations,
        counts.max_weight,
        tuple(counts.count(w) for w in w_range),
        tuple(counts.count(w, nonzero=mask) for w in w_range),
        tuple(tuple(counts.count(w, where=1 << b) for w in w_range) for b in outputs),
        True,
    )
