"""Error patterns of an outer code by their fault weight, counted by a canonical search.

A pattern x of u bits that violates v = |Mx| checks can pass the outer code only if each
violated check is measured wrongly, which takes at least two T-gate errors; its *fault
weight* is u + 2v (Haah et al. 2018, Eqs. (7)-(8); the order condition
2|Mv| + |v| >= d of Haah et al. 2017, Lemma 4.4). The search lists every pattern of
fault weight <= W exactly once, so c_out(u, v) (Haah et al. 2018, Eq. (7)) for u + 2v <= W costs the number
of such patterns, not C(n_out, u).

Canonical growth: from the pattern's first bit, repeatedly take the first odd (currently
violated) check that will receive another bit, in an order fixed by the current state (fewest
undecided bits, then index), and add its least such bit; odd checks passed over receive
nothing more (they stay violated). When no odd check will grow, either stop or start a new
part at the least remaining bit. Every decision is forced by the final pattern, so each
pattern has one derivation. A new part adds its own fault weight (it touches no violated
check of the part before), so it is only tried when the bound allows another ``min_fault``
(the code's sensitivity).

Pruning: o open odd checks need a bit or a violation each; a new bit fixes at most r of them
(r = largest column weight) and at most one of a set of pairwise disjoint ones. A bit of the
chosen check that lies in f later odd checks leaves L + r_b - 1 - 2f of them odd, so only
bits in enough of them (found with bitwise counters) are tried.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass


class SearchAborted(Exception):
    """The search visited more nodes than its cap."""

    def __init__(self, nodes: int):
        self.nodes = nodes
        super().__init__(f"search stopped after {nodes} nodes")


@dataclass(frozen=True)
class PatternCounts:
    """counts[(u, v)]: patterns of u bits violating v checks, for every (u, v) in the bounds
    (pairs without patterns are absent); nodes: search nodes visited."""

    counts: dict[tuple[int, int], int]
    nodes: int


def count_patterns(
    checks: Sequence[Sequence[int]],
    n: int,
    *,
    max_bits: int,
    max_violated: int,
    max_fault: int,
    min_fault: int,
    orbits: Sequence[tuple[int, int]] | None = None,
    node_cap: float | None = None,
) -> PatternCounts:
    """Count the patterns with 1 <= u <= max_bits, v <= max_violated, u + 2v <= max_fault.

    Args:
        checks: the bits of each check, in check order.
        n: number of bits.
        min_fault: a lower bound on u + 2v of every nonempty pattern (1 always works; the
            code's sensitivity prunes patterns made of several parts).
        orbits: (representative bit, orbit size) for a group of automorphisms of the code
            whose orbits cover the bits; patterns are then grown from the representatives only
            and each count is scaled by orbit size / u. None: grow from every bit as the least.
        node_cap: raise SearchAborted after this many nodes.
    """
    checks = [[int(b) for b in bits] for bits in checks]
    m = len(checks)
    check_masks = [sum(1 << b for b in bits) for bits in checks]
    bit_checks = [0] * n
    for c, bits in enumerate(checks):
        for b in bits:
            bit_checks[b] |= 1 << c
    r = max(1, max(mask.bit_count() for mask in bit_checks))
    r_min = min((mask.bit_count() for mask in bit_checks if mask), default=1)
    everything = (1 << n) - 1
    counts: defaultdict[tuple[int, int], int] = defaultdict(int)
    nodes = 0
    cap = float("inf") if node_cap is None else node_cap

    def completable(u: int, fixed: int, o: int, t: int) -> bool:
        """Some completion may fit the bounds: each of o open odd checks needs a bit or a
        violation; a new bit fixes at most r of them and at most one of t pairwise disjoint
        ones."""
        for added in range(min(max_bits - u, max(t, -(-o // r))) + 1):
            violated = fixed + max(0, o - added * r, t - added)
            if violated <= max_violated and u + added + 2 * violated <= max_fault:
                return True
        return False

    # most_open[u][fixed]: the most open odd checks a pattern of u bits with `fixed`
    # violations fixed for good may have and still be completed (-1: none).
    most_open = [
        [
            max((o for o in range(m + 1) if completable(u, fixed, o, 0)), default=-1)
            for fixed in range(max_violated + 1)
        ]
        for u in range(max_bits + 1)
    ]

    def visit(u: int, decided: int, parity: int, weight: int) -> None:
        nonlocal nodes
        nodes += 1
        if nodes > cap:
            raise SearchAborted(nodes)
        opened: list[tuple[int, int, int]] = []  # (candidates, check bit, undecided bits)
        fixed = 0
        rest = parity
        while rest:
            low = rest & -rest
            rest ^= low
            undecided = check_masks[low.bit_length() - 1] & ~decided
            if undecided:
                opened.append((undecided.bit_count(), low, undecided))
            else:
                fixed += 1
        opened.sort()  # fewest candidates first: a state-determined order keeps it canonical
        disjoint, union = 0, 0
        for _, _, undecided in opened:
            if not undecided & union:
                disjoint += 1
                union |= undecided
        o = len(opened)
        if fixed > max_violated or o > most_open[u][fixed]:
            return
        if disjoint > -(-o // r) and not completable(u, fixed, o, disjoint):
            return
        v = fixed + o
        if v <= max_violated and u + 2 * v <= max_fault:
            counts[(u, v)] += weight
        if u == max_bits:
            return
        # at_least[i][f]: undecided bits in >= f of the open checks after the i-th one. A bit
        # of the i-th check lying in f of them leaves L + r_b - 1 - 2f checks odd (L later).
        at_least = [[everything] + [0] * (r - 1)]
        for _, _, undecided in reversed(opened[1:]):
            counters = list(at_least[-1])
            for f in range(r - 1, 0, -1):
                counters[f] |= counters[f - 1] & undecided
            at_least.append(counters)
        at_least.reverse()
        later = sum(c for _, c, _ in opened)
        excluded = 0
        for i, (_, check, undecided) in enumerate(opened):
            closed = fixed + i
            if closed > max_violated or u + 1 + 2 * closed > max_fault:
                break
            later ^= check
            candidates = undecided & ~excluded
            before = decided | excluded
            excluded |= undecided
            most = most_open[u + 1][closed]  # the most checks a child may leave odd
            if most < 0:
                break
            need = -(-(o - i - 1 + r_min - 1 - most) // 2)
            if need >= r:
                continue
            if need > 0:
                candidates &= at_least[i][need]
            lower = 0
            while candidates:
                low = candidates & -candidates
                candidates ^= low
                touched = bit_checks[low.bit_length() - 1]
                if (later & ~touched).bit_count() + (touched & ~parity).bit_count() <= most:
                    visit(u + 1, before | lower | low, parity ^ touched, weight)
                lower |= low
        if v > max_violated or u + 2 * v + min_fault > max_fault:
            return
        closed_bits = decided | excluded
        candidates = everything & ~closed_bits
        lower = 0
        while candidates:
            low = candidates & -candidates
            candidates ^= low
            visit(
                u + 1, closed_bits | lower | low, parity ^ bit_checks[low.bit_length() - 1], weight
            )
            lower |= low

    if max_bits >= 1 and max_fault >= 1:
        if orbits is None:
            for b in range(n):
                visit(1, (2 << b) - 1, bit_checks[b], 1)
        else:
            for b, size in orbits:
                visit(1, 1 << b, bit_checks[b], size)
    if orbits is not None:
        for (u, v), total in counts.items():
            assert total % u == 0, "orbit-weighted count not divisible by u"
            counts[(u, v)] = total // u
    return PatternCounts(dict(counts), nodes)
