"""Error patterns that leave an output wrong without any syndrome (Haah et al. 2018, Secs. III.2-IV.2).

A pattern is a set of faulty input states and faulty T gates. Four classes (Haah et al. 2018, Lemma 1,
Eqs. (6)-(11), (16)-(20)):

* undetected: a faulty inputs forming a codeword of the outer code, c_out(a, 0);
* hidden: a faulty inputs violating checks, each violated check measured incorrectly by a
  pair of faults on the two T gates of one of its n_inner qubits (Eqs. (8), (10), (11));
* logical: a weight-w Y-logical made by the T gates of one check, 2^(w-1) c_log(w) ways
  that the check itself does not see (Sec. III.2), hidden from every later check that
  contains an affected qubit by an incorrect measurement there (none for lonely checks,
  Eq. (6));
* corrected: w = d - e faults (e <= m) that a correction completes to a weight-d logical,
  2^(d-e) C(d, e) c_log(d) ways (Eqs. (19), (20)), on qubits that are kept.

Each fault counts its source's order (a power of the raw error rate), so a pattern's
order is its real size even when eps_input << eps_check; the leading order D is the least
order of any pattern, and next-to-leading is D + u with u the least order of a source in
use (one more fault of the cheapest kind). Like Haah et al. 2018, Eq. (2) the probability of a class is
its count times the product of the faults' rates, without the (1 - eps) factors of the
fault-free locations (their first-order effect cancels the single corrected faults of
Sec. IV.2.2, Eq. (18), which are therefore not listed either).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from estimator.codes.inner_outer.protocol import HHPWProtocol

# Checks with more qubits than this are not searched for the cheapest set of affected
# qubits when two of their qubits share a later check; they count as lonely (upper bound).
_MAX_SUBSET_SEARCH = 16


@dataclass(frozen=True)
class ErrorTerm:
    """One class of undetected error patterns at one order.

    Attributes:
        key: stable name, e.g. "undetected:4", "hidden:1|vertical+horizontal",
            "logical:horizontal:w5", "logical:vertical:w3|horizontal".
        kind: "undetected", "hidden", "logical" or "corrected".
        a: faulty input states per pattern.
        b: faulty T gates per pattern.
        order: the pattern's order in the raw error rate.
        count: number of patterns (Haah et al. 2018's c_{a,b} share of this class).
        value: their total probability at leading order (Haah et al. 2018, Eq. (2) term).
        bound: the count is an upper bound (Haah et al. 2018's counting) rather than exact.
        description: what the patterns are, in words.
        reference: the equation of Haah et al. 2018 it comes from.
    """

    key: str
    kind: str
    a: int
    b: int
    order: int
    count: int
    value: float
    bound: bool
    description: str
    reference: str


@dataclass(frozen=True)
class Patterns:
    """The enumerated classes and the orders that select them.

    Attributes:
        terms: every class with order in [order, order + step], sorted by order then value.
        order: leading order D (raw-error-rate units).
        step: u, the least source order in use; next-to-leading order is D + u.
        notes: assumptions the counting made for this protocol.
    """

    terms: tuple[ErrorTerm, ...]
    order: int
    step: int
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Flip:
    """An incorrect measurement of one check: a fault pair on one of its qubits' T gates."""

    order: int
    count: int
    value: float


def enumerate_patterns(protocol: HHPWProtocol) -> Patterns:
    """All pattern classes of leading and next-to-leading order (Haah et al. 2018, Lemma 1, Sec. IV.2)."""
    structure = protocol.structure
    rounds = protocol.rounds
    inputs = protocol.inputs
    flips = [
        _Flip(2 * rnd.t_gates.order, rnd.inner.n, rnd.inner.n * rnd.t_gates.eps**2)
        for rnd in (rounds[r] for r in structure.round_of_check)
    ]
    step = min([inputs.order, *(r.t_gates.order for r in rounds)])
    notes: list[str] = []
    hiding = _Hiding(protocol, flips, notes)
    # pass 1: the cheap classes bound the leading order from above
    hidden = {**_hidden_inputs(protocol, flips, 1), **_hidden_inputs(protocol, flips, 2)}
    logical = _logical_terms(protocol, hiding, ceiling=None)
    bounds = [t.order for t in hidden.values()] + [t.order for t in logical]
    if protocol.outer.distance is not None:  # None: no input pattern passes every check
        bounds.append(protocol.outer.distance * inputs.order)
    ceiling = min(bounds) + step
    # pass 2: every class up to that order plus one step
    terms = [t for t in hidden.values() if t.order <= ceiling]
    terms += _outer_terms(protocol, flips, ceiling)
    terms += _logical_terms(protocol, hiding, ceiling=ceiling)
    order = min(t.order for t in terms)
    kept = sorted(
        (t for t in terms if t.order <= order + step), key=lambda t: (t.order, -t.value, t.key)
    )
    separated = [r.name for r in rounds if r.magic_basis == "separated"]
    if separated:
        notes.append(
            f"round(s) {', '.join(separated)}: a logical basis with |l + s| > d is assumed "
            "(Haah et al. 2018, Sec. VI.2, found by random search for Haah et al. 2018, Table 2's codes), not checked"
        )
    if not structure.four_cycle_free:
        notes.append(
            "two checks share more than one qubit: Haah et al. 2018, Sec. IV.2 assumes a 4-cycle-free outer "
            "code for the corrected-pattern analysis"
        )
    first_lonely = sum(structure.lonely[c] for c in structure.first_check_of_bit)
    if first_lonely:
        notes.append(
            f"the first check of {first_lonely} qubit(s) is lonely: Haah et al. 2018, Lemma 1 assumes it is "
            "not (patterns of a logical error and one input error are not counted)"
        )
    return Patterns(tuple(kept), order, step, tuple(dict.fromkeys(notes)))


def _hidden_inputs(protocol: HHPWProtocol, flips: Sequence[_Flip], a: int) -> dict:
    """Exact classes of a = 1 or 2 faulty inputs whose violated checks (the symmetric
    difference of their checks) are all measured incorrectly, keyed by the rounds of the
    violated checks. Pairs violating nothing are left to ``_outer_terms``."""
    checks = np.asarray(protocol.outer.checks).astype(bool)
    rounds = protocol.structure.round_of_check
    columns = [tuple(int(c) for c in np.flatnonzero(checks[:, q])) for q in range(checks.shape[1])]
    first = {}
    for c, r in enumerate(rounds):
        first.setdefault(r, c)
    groups: Counter = Counter()  # composition (rounds of violated checks, sorted) -> patterns
    if a == 1:
        groups.update(tuple(sorted(rounds[c] for c in col)) for col in columns)
    else:
        # every pair as if the two bits shared no check, then the sharing pairs corrected
        single = Counter(tuple(sorted(rounds[c] for c in col)) for col in columns)
        items = list(single.items())
        for i, (comp1, n1) in enumerate(items):
            for comp2, n2 in items[i:]:
                n = n1 * (n1 - 1) // 2 if comp1 == comp2 else n1 * n2
                groups[tuple(sorted(comp1 + comp2))] += n
        sharing = {
            pair
            for members in protocol.structure.members
            for pair in itertools.combinations(members, 2)
        }
        for q1, q2 in sharing:
            groups[tuple(sorted(rounds[c] for c in columns[q1] + columns[q2]))] -= 1
            violated = set(columns[q1]) ^ set(columns[q2])
            groups[tuple(sorted(rounds[c] for c in violated))] += 1
    names = [r.name for r in protocol.rounds]
    eps, o = protocol.inputs.eps, protocol.inputs.order
    out = {}
    for comp, n in groups.items():
        if n == 0 or not comp:
            continue
        chosen = [flips[first[r]] for r in comp]
        violated = "+".join(names[r] for r in comp)
        key = f"hidden:{a}|{violated}"
        out[key] = ErrorTerm(
            key=key,
            kind="hidden",
            a=a,
            b=2 * len(comp),
            order=a * o + sum(f.order for f in chosen),
            count=n * math.prod(f.count for f in chosen),
            value=n * eps**a * math.prod(f.value for f in chosen),
            bound=False,
            description=f"{a} faulty input state(s) violating {len(comp)} check(s) "
            f"({violated}), each measured incorrectly",
            reference="Haah et al. 2018, Eqs. (10), (11), (17)",
        )
    return out


def _outer_terms(protocol: HHPWProtocol, flips: Sequence[_Flip], ceiling: int) -> list:
    """Undetected codewords (any weight) and hidden patterns of 3 or more inputs, from the
    outer code's c_out(u, v) (Haah et al. 2018, Eq. (7): zero when u + 2v is below the sensitivity).
    With rounds of different n_inner or T-gate sources the violated checks' rounds are not
    known: the order is bounded below and the count above by the worst round."""
    outer, inputs = protocol.outer, protocol.inputs
    o, eps = inputs.order, inputs.eps
    uniform = len({(r.inner.n, r.t_gates.order, r.t_gates.eps) for r in protocol.rounds}) == 1
    low = min(f.order for f in flips)
    flip = _Flip(low, max(f.count for f in flips), max(f.value for f in flips))
    needed = []
    a = 2
    while a * o <= ceiling:
        j = 0
        while a * o + j * flip.order <= ceiling:
            if j == 0:
                wanted = outer.distance is not None and a >= outer.distance
            else:
                wanted = a >= 3 and a + 2 * j >= outer.sensitivity
            if wanted:
                needed.append((a, j))
            j += 1
        a += 1
    if not needed:
        return []
    table = outer.c_out_table(max(a + 2 * j for a, j in needed))  # one search for all
    out = []
    for a, j in needed:
        n = table.get(a, {}).get(j, 0)
        if n and j == 0:
            out.append(
                ErrorTerm(
                    key=f"undetected:{a}",
                    kind="undetected",
                    a=a,
                    b=0,
                    order=a * o,
                    count=n,
                    value=n * eps**a,
                    bound=False,
                    description=f"{a} faulty input states forming an outer codeword",
                    reference="Haah et al. 2018, Eqs. (7), (10)",
                )
            )
        elif n:
            out.append(
                ErrorTerm(
                    key=f"hidden:{a}|{j} checks",
                    kind="hidden",
                    a=a,
                    b=2 * j,
                    order=a * o + j * flip.order,
                    count=n * flip.count**j,
                    value=n * eps**a * flip.value**j,
                    bound=not uniform,
                    description=f"{a} faulty input states violating {j} checks, each "
                    "measured incorrectly"
                    + ("" if uniform else " (rounds differ: bounded by the worst round)"),
                    reference="Haah et al. 2018, Eqs. (10), (11)",
                )
            )
    return out


class _Hiding:
    """Per check, the cheapest set of later checks to measure incorrectly so that a logical
    error acting on at least 1 or 2 of its qubits stays unseen (cached)."""

    def __init__(self, protocol: HHPWProtocol, flips: Sequence[_Flip], notes: list) -> None:
        self.structure = protocol.structure
        self.flips = flips
        self.notes = notes
        self.cache: dict = {}

    def cost(self, checks: Iterable[int]) -> tuple[int, float]:
        checks = tuple(checks)
        return (
            sum(self.flips[f].order for f in checks),
            -math.prod(self.flips[f].value for f in checks),
        )

    def best(self, c: int, smallest: int, kept_only: int) -> tuple[int, ...] | None:
        """Flips hiding a logical on >= ``smallest`` qubits of check c, using only qubits
        with at least ``kept_only`` later private checks; None if there are too few."""
        key = (c, smallest, kept_only)
        if key not in self.cache:
            self.cache[key] = self._search(c, smallest, kept_only)
        return self.cache[key]

    def _search(self, c: int, smallest: int, kept_only: int) -> tuple[int, ...] | None:
        later = self.structure.later[c]
        qubits = [i for i in range(len(later)) if self.structure.private[c][i] >= kept_only]
        if len(qubits) < smallest:
            return None
        shared = Counter(f for i in qubits for f in later[i])
        if all(n <= 1 for n in shared.values()):  # no later check meets the qubits twice
            ranked = sorted(qubits, key=lambda i: self.cost(later[i]))
            return tuple(sorted(f for i in ranked[:smallest] for f in later[i]))
        if len(qubits) > _MAX_SUBSET_SEARCH:
            self.notes.append(
                f"check {c}: two of its qubits share a later check and it has more than "
                f"{_MAX_SUBSET_SEARCH} qubits; its logical errors are counted as unseen"
            )
            return ()
        best = None
        for size in range(smallest, len(qubits) + 1):
            for subset in itertools.combinations(qubits, size):
                odd = Counter(f for i in subset for f in later[i])
                checks = tuple(sorted(f for f, n in odd.items() if n % 2))
                if best is None or self.cost(checks) < self.cost(best):
                    best = checks
        return best


def _logical_terms(protocol: HHPWProtocol, hiding: _Hiding, *, ceiling: int | None) -> list:
    """Logical and corrected classes of every check, summed per round, weight and hiding
    rounds; with ``ceiling`` None only the lightest (w = d, and d - e corrected) ones."""
    structure = protocol.structure
    rounds = protocol.rounds
    out: dict[str, ErrorTerm] = {}

    def add(kind, rnd, weight, ways, hide_checks, description, reference):
        if not ways or hide_checks is None:
            return
        hide = "+".join(rounds[structure.round_of_check[f]].name for f in hide_checks)
        key = f"{kind}:{rnd.name}:w{weight}" + (f"|{hide}" if hide else "")
        flips = [hiding.flips[f] for f in hide_checks]
        order = weight * rnd.t_gates.order + sum(f.order for f in flips)
        if ceiling is not None and order > ceiling:
            return
        count = ways * math.prod(f.count for f in flips)
        value = ways * rnd.t_gates.eps**weight * math.prod(f.value for f in flips)
        if key in out:
            old = out[key]
            out[key] = replace(old, count=old.count + count, value=old.value + value)
        else:
            out[key] = ErrorTerm(
                key,
                kind,
                0,
                weight + 2 * len(flips),
                order,
                count,
                value,
                True,
                description
                + (
                    f", hidden by incorrect {hide} measurements"
                    if hide
                    else " (no later check sees it)"
                ),
                reference,
            )

    for c in range(len(structure.members)):
        rnd = rounds[structure.round_of_check[c]]
        d = rnd.inner.distance
        separated = rnd.magic_basis == "separated"
        w = d
        while ceiling is None or w * rnd.t_gates.order <= ceiling:
            add(
                "logical",
                rnd,
                w,
                2 ** (w - 1) * rnd.inner.c_log(w),
                hiding.best(c, 2 if separated and w <= d else 1, 0),
                f"weight-{w} Y-logical made by the T gates of a {rnd.name} check "
                f"({rnd.inner.name})",
                "Haah et al. 2018, Eqs. (6), (9), (16)",
            )
            if ceiling is None:
                break
            w += 1
        needed = 2 if rnd.conservative else 1
        for e in range(1, rnd.correction + 1):
            add(
                "corrected",
                rnd,
                d - e,
                2 ** (d - e) * math.comb(d, e) * rnd.inner.c_log(d),
                hiding.best(c, 2 if separated else 1, needed),
                f"{d - e} faults in a {rnd.name} check completed by the correction to a "
                f"weight-{d} logical ({rnd.inner.name})",
                "Haah et al. 2018, Eqs. (19), (20)",
            )
    return list(out.values())
