"""Outer codes: a binary check matrix M (checks x n_out bits, rows in the order the checks are
measured) and the quantities the protocols of Haah et al. 2017, Sec. 4 and
Haah et al. 2018, Secs. III, VI-VII need from it:

- distance: least |v| > 0 with M v = 0 (None when M has full column rank);
- sensitivity: min over v != 0 of 2|Mv| + |v|, the order the outer code allows (Haah et al. 2017, Lemma 4.4);
- (d~, s)-sensitivity (Haah et al. 2017, Def. 4.3);
- lonely checks for the check order (Haah et al. 2018, Sec. III.2);
- c_out(u, v): bit patterns of weight u violating exactly v checks (Haah et al. 2018, Eq. (7)), counted by
  the fault-weight search of ``estimator.codes.patterns``.

Outer codes from specs (files and named builders): ``estimator.codes.outer_specs``; the
builders live in ``grids``, ``graphs`` and ``tanner``. See docs/model/inner-outer.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from estimator.codes import gf2
from estimator.codes.patterns import PatternCounts, SearchAborted, count_patterns
from estimator.errors import ConfigError, ResourceError
from estimator.limits import current, require

NODES_PER_SECOND = 5e4
"""Search nodes per second of ``count_patterns`` (measured 5e4-7e4 on a shared 2-core machine);
used to turn the projected node count into the time ``require`` checks."""

_KERNEL_ENUMERATION = 20  # the distance comes from the kernel's enumerator up to this dimension
_LEAST_GROWTH = 2.0  # projected growth of the search per unit of fault weight, at least


@dataclass(frozen=True, eq=False)
class OuterCode:
    """A check matrix; build it with ``OuterCode.from_matrix`` (which validates it).

    ``symmetries``: permutations of the bits that map the set of checks onto itself (the
    builders supply translations of grids and graph automorphisms); counting grows patterns
    only from one bit per orbit. They do not need to respect the check order.
    """

    name: str
    checks: np.ndarray
    symmetries: tuple[tuple[int, ...], ...] = ()
    _runs: dict[tuple[int, int, int], PatternCounts] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def from_matrix(
        cls,
        name: str,
        matrix: np.ndarray | Sequence[Sequence[int]],
        *,
        symmetries: Sequence[Sequence[int]] = (),
        field: str = "M",
    ) -> OuterCode:
        """Validate M (2-D, 0/1, every check on at least one bit) and the symmetries.

        Raises ConfigError naming ``field``.
        """
        array = np.asarray(matrix)
        if array.ndim != 2 or 0 in array.shape:
            raise ConfigError(
                field, f"expected a 2-D check matrix (checks x bits), got shape {array.shape}"
            )
        if not np.isin(array, (0, 1)).all():
            raise ConfigError(field, "entries must be 0 or 1")
        checks = array.astype(np.uint8)
        empty = np.flatnonzero(checks.sum(axis=1) == 0)
        if empty.size:
            raise ConfigError(field, f"check {empty[0] + 1} (row {empty[0] + 1}) has no bit")
        supports = sorted(tuple(np.flatnonzero(row)) for row in checks)
        perms = tuple(tuple(int(b) for b in p) for p in symmetries)
        for p in perms:
            if sorted(p) != list(range(checks.shape[1])) or supports != sorted(
                tuple(sorted(p[b] for b in support)) for support in supports
            ):
                raise ConfigError(field, "a symmetry does not map the checks onto themselves")
        return cls(name, checks, perms)

    @property
    def n_out(self) -> int:
        return int(self.checks.shape[1])

    @property
    def n_check(self) -> int:
        return int(self.checks.shape[0])

    @cached_property
    def check_bits(self) -> tuple[tuple[int, ...], ...]:
        """The bits of each check, in check order."""
        return tuple(tuple(int(b) for b in np.flatnonzero(row)) for row in self.checks)

    @cached_property
    def orbits(self) -> tuple[tuple[int, int], ...] | None:
        """(least bit, size) of each orbit of the bits under ``symmetries``; None without."""
        if not self.symmetries:
            return None
        parent = list(range(self.n_out))

        def root(b: int) -> int:
            while parent[b] != b:
                parent[b] = parent[parent[b]]
                b = parent[b]
            return b

        for p in self.symmetries:
            for b, image in enumerate(p):
                x, y = root(b), root(image)
                parent[max(x, y)] = min(x, y)
        sizes: dict[int, int] = {}
        for b in range(self.n_out):
            sizes[root(b)] = sizes.get(root(b), 0) + 1
        return tuple(sorted(sizes.items()))

    @cached_property
    def lonely_checks(self) -> tuple[int, ...]:
        """Indices (0-based, in check order) of the lonely checks (Haah et al. 2018, Sec. III.2): C is not
        lonely when every bit q of C is checked later by some C' with C n C' = {q}."""
        sets = [set(bits) for bits in self.check_bits]
        lonely = []
        for i, check in enumerate(sets):
            later = sets[i + 1 :]
            if not all(any(check & other == {q} for other in later) for q in check):
                lonely.append(i)
        return tuple(lonely)

    @property
    def n_lonely(self) -> int:
        return len(self.lonely_checks)

    @cached_property
    def girth(self) -> int | None:
        """Length of the shortest cycle of the Tanner graph (bits + checks); None if none."""
        return _bipartite_girth(self.check_bits, self.n_out)

    @cached_property
    def distance(self) -> int | None:
        """Least |v| > 0 with M v = 0; None when M has full column rank (no such v)."""
        kernel = gf2.null_space(self.checks)
        if kernel.shape[0] == 0:
            return None
        if kernel.shape[0] <= _KERNEL_ENUMERATION:
            enumerator = gf2.weight_enumerator(kernel)
            return next(w for w in range(1, self.n_out + 1) if enumerator[w])
        for u in range(1, self.n_out + 1):
            if self._run(u, 0, u).counts.get((u, 0)):
                return u
        raise AssertionError("a nonzero kernel has a nonzero word")

    @cached_property
    def sensitivity(self) -> int:
        """min over v != 0 of 2|Mv| + |v|: the order of error reduction the outer code allows
        (Haah et al. 2017, Lemma 4.4; Haah et al. 2018's distance and sensitivity bounds)."""
        weight = 1
        while not self._run(weight, (weight - 1) // 2, weight, min_fault=weight).counts:
            weight += 1
        return weight

    def is_sensitive(self, d_tilde: int, s: int) -> bool:
        """Whether every v != 0 with |v| <= d_tilde violates at least s checks (Haah et al. 2017, Def. 4.3)."""
        _require_count("d_tilde", d_tilde, 1)
        _require_count("s", s, 0)
        if s == 0:
            return True
        return not self._run(d_tilde, s - 1, d_tilde + 2 * (s - 1)).counts

    def c_out(self, u: int, v: int) -> int:
        """Number of weight-u bit patterns that violate exactly v checks (Haah et al. 2018, Eq. (7))."""
        _require_count("u", u, 1)
        _require_count("v", v, 0)
        if u > self.n_out or v > self.n_check:
            return 0
        return self._run(u, v, u + 2 * v).counts.get((u, v), 0)

    def c_out_table(
        self, max_weight: int, max_violated: int | None = None
    ) -> dict[int, dict[int, int]]:
        """c_out as {u: {v: count}}. Without ``max_violated``: every (u, v) with u >= 1 and
        fault weight u + 2v <= max_weight (u input errors plus two T errors per wrongly
        measured check, Haah et al. 2018, Eq. (8)). With it: every u <= max_weight and v <= max_violated."""
        _require_count("max_weight", max_weight, 1)
        if max_violated is None:
            run = self._run(max_weight, (max_weight - 1) // 2, max_weight)
            pairs = [
                (u, v)
                for u in range(1, min(max_weight, self.n_out) + 1)
                for v in range(min((max_weight - u) // 2, self.n_check) + 1)
            ]
        else:
            _require_count("max_violated", max_violated, 0)
            run = self._run(max_weight, max_violated, max_weight + 2 * max_violated)
            pairs = [
                (u, v)
                for u in range(1, min(max_weight, self.n_out) + 1)
                for v in range(min(max_violated, self.n_check) + 1)
            ]
        table: dict[int, dict[int, int]] = {}
        for u, v in pairs:
            table.setdefault(u, {})[v] = run.counts.get((u, v), 0)
        return table

    def _key(self, max_bits: int, max_violated: int, max_fault: int) -> tuple[int, int, int]:
        """The bounds reduced to what they allow (u <= W, 2v <= W - 1), as a cache key."""
        return (
            min(max_bits, max_fault, self.n_out),
            max(0, min(max_violated, (max_fault - 1) // 2, self.n_check)),
            max_fault,
        )

    def _run(
        self, max_bits: int, max_violated: int, max_fault: int, *, min_fault: int | None = None
    ) -> PatternCounts:
        """The patterns with u <= max_bits, v <= max_violated, u + 2v <= max_fault (cached).

        The searches run for fault weights 1, 2, ..., max_fault in turn; before each, its
        time and that of the final one are projected from the searches already done and
        checked with ``require``, so a request far beyond the limit fails early. A search
        that outgrows its projection stops with a ResourceError.
        """
        if min_fault is None:
            min_fault = self.sensitivity
        what = f"counting the error patterns of {self.name} with fault weight u + 2v <= {max_fault}"
        change = "ask for a smaller weight (--max-weight)"
        for weight in range(1, max_fault + 1):
            key = self._key(max_bits, max_violated, weight)
            if key in self._runs:
                continue
            bound = self._node_bound(key[0])
            estimate = min(self._projected_nodes(key, min_fault), bound)
            final = estimate * _LEAST_GROWTH ** (max_fault - weight)
            final += self._projected_parts(self._key(max_bits, max_violated, max_fault), min_fault)
            final = min(final, self._node_bound(min(max_bits, max_fault, self.n_out)))
            require(what=what, seconds=max(estimate, final) / NODES_PER_SECOND, change=change)
            cap = min(max(50 * estimate, 1e5), current().max_seconds * NODES_PER_SECOND)
            try:
                self._runs[key] = count_patterns(
                    self.check_bits,
                    self.n_out,
                    max_bits=key[0],
                    max_violated=key[1],
                    max_fault=weight,
                    min_fault=min_fault,
                    orbits=self.orbits,
                    node_cap=cap,
                )
            except SearchAborted as aborted:
                raise ResourceError(
                    f"{what} visited {aborted.nodes:.3g} search nodes without finishing, more "
                    f"than the time limit allows (--max-seconds); {change}"
                ) from None
        return self._runs[self._key(max_bits, max_violated, max_fault)]

    def _node_bound(self, max_bits: int) -> float:
        """A rough ceiling on the nodes of any search: (n_check + 1) per pattern of at most
        ``max_bits`` bits (small codes are cheap whatever the weight)."""
        patterns = 0
        for u in range(1, max_bits + 1):
            patterns += math.comb(self.n_out, u)
            if patterns > 10**30:  # beyond any time limit; keeps the float finite
                break
        return float(patterns) * (self.n_check + 1)

    def _roots(self) -> int:
        return len(self.orbits) if self.orbits else self.n_out

    def _projected_nodes(self, key: tuple[int, int, int], min_fault: int) -> float:
        """Search nodes at fault weight W = key[2], from the searches at W - 1 and W - 2."""
        bits, violated, weight = key
        previous = self._runs.get(self._key(bits, violated, weight - 1))
        if previous is None:
            return float(self._roots())
        earlier = self._runs.get(self._key(bits, violated, weight - 2))
        growth = max(_LEAST_GROWTH, previous.nodes / earlier.nodes if earlier else 8.0)
        return previous.nodes * growth + self._projected_parts(key, min_fault)

    def _projected_parts(self, key: tuple[int, int, int], min_fault: int) -> float:
        """Nodes for patterns in several parts (W >= 2 s): every pattern grown from a root
        with fault weight <= W - s opens a new part at each of n_out bits, each costing up to
        a root's search at fault weight W - s. While that search is not done, its counts and
        nodes are extrapolated from the highest one done (growth _LEAST_GROWTH per weight)."""
        bits, violated, weight = key
        if weight < 2 * min_fault:
            return 0.0
        for level in range(weight - min_fault, 0, -1):
            low = self._runs.get(self._key(bits, violated, level))
            if low is not None:
                break
        else:
            return 0.0
        growth = _LEAST_GROWTH ** (weight - min_fault - level)
        patterns = sum(low.counts.values()) * growth
        rooted = patterns * (weight - min_fault) / self.n_out * self._roots()
        return rooted * self.n_out * low.nodes * growth / self._roots()


def _require_count(name: str, value: int, least: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
        raise ConfigError(name, f"{value!r} is not an integer >= {least}")


def _bipartite_girth(check_bits: Sequence[Sequence[int]], n: int) -> int | None:
    """Shortest cycle of the bipartite graph bits - checks."""
    from estimator.codes.graph_cycles import graph_girth

    neighbours: list[list[int]] = [[] for _ in range(n + len(check_bits))]
    for c, bits in enumerate(check_bits):
        for b in bits:
            neighbours[b].append(n + c)
            neighbours[n + c].append(b)
    return graph_girth(neighbours)
