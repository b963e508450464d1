"""Small stand-in inner and outer codes for the protocol calculus tests.

They carry only what the calculus reads (estimator.codes.inner_outer.protocol.InnerCode and
OuterCode): the inner codes the c_log values of docs/model/inner-outer.md, the outer codes
a check matrix whose pattern counts c_out(u, v) are found by listing every pattern (small
codes only), so the calculus is tested independently of estimator.codes.outer.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class StandInInner:
    """An inner code given by its parameters and c_log table."""

    name: str
    n: int
    k: int
    distance: int
    c_logs: dict[int, int]
    kind: str = "normal"

    def c_log(self, w: int) -> int:
        return self.c_logs.get(w, 0)


# c_log(d) from docs/model/inner-outer.md (Haah et al. 2018, Table 2, Haah et al. 2017, App. A); heavier weights absent.
STEANE = StandInInner("[[7,1,3]]", 7, 1, 3, {3: 7})
C17 = StandInInner("[[17,1,5]]", 17, 1, 5, {5: 51})
C4 = StandInInner("[[4,2,2]]", 4, 2, 2, {2: 6}, kind="hyperbolic")
BCH_31_11_5 = StandInInner("[[31,11,5]]", 31, 11, 5, {5: 186})
BCH_31_21_3 = StandInInner("[[31,21,3]]", 31, 21, 3, {3: 155})
BCH_63_45_4 = StandInInner("[[63,45,4]]", 63, 45, 4, {4: 1260})


@dataclass
class StandInOuter:
    """A check matrix (rows in measurement order) with pattern counts c_out(u, v): from
    ``counts`` (derived by hand; a pair not listed fails the test) or, without it, by
    listing every pattern (small codes only)."""

    name: str
    checks: np.ndarray
    counts: dict[tuple[int, int], int] | None = None
    given_distance: int | None = None
    given_sensitivity: int | None = None
    queried: list = field(default_factory=list)

    @property
    def n_out(self) -> int:
        return self.checks.shape[1]

    @property
    def n_check(self) -> int:
        return self.checks.shape[0]

    def _histogram(self, u: int) -> dict[int, int]:
        """Number of u-bit patterns by number of violated checks (cached)."""
        cache = self.__dict__.setdefault("_cache", {})
        if u not in cache:
            columns = [
                int("".join(str(int(b)) for b in self.checks[:, q]), 2) for q in range(self.n_out)
            ]
            histogram: dict[int, int] = {}
            for combo in itertools.combinations(columns, u):
                syndrome = 0
                for column in combo:
                    syndrome ^= column
                v = syndrome.bit_count()
                histogram[v] = histogram.get(v, 0) + 1
            cache[u] = histogram
        return cache[u]

    def c_out(self, u: int, v: int) -> int:
        self.queried.append((u, v))
        if self.counts is not None:
            return self.counts[(u, v)]
        return self._histogram(u).get(v, 0) if u else int(v == 0)

    def c_out_table(self, max_weight: int, max_violated=None) -> dict[int, dict[int, int]]:
        """{u: {v: c_out(u, v)}} for u + 2v <= max_weight (the interface of outer.py)."""
        self.queried.append(max_weight)
        if self.counts is not None:
            pairs = [pair for pair in self.counts if pair[0] + 2 * pair[1] <= max_weight]
        else:
            pairs = [
                (u, v) for u in range(1, max_weight + 1) for v in range((max_weight - u) // 2 + 1)
            ]
        table: dict[int, dict[int, int]] = {}
        for u, v in pairs:
            table.setdefault(u, {})[v] = self.c_out(u, v)
        return table

    @property
    def distance(self) -> int | None:
        if self.counts is not None:
            return self.given_distance
        return next((u for u in range(1, self.n_out + 1) if self._histogram(u).get(0)), None)

    @property
    def sensitivity(self) -> int:
        if self.given_sensitivity is not None:
            return self.given_sensitivity
        best = self.distance or self.n_out + 2 * self.n_check
        for u in range(1, best):
            best = min(best, u + 2 * min(self._histogram(u)))
        return best


def grid(k_vertical: int, k_horizontal: int, directions: str) -> np.ndarray:
    """Grid checks of Haah et al. 2018, Sec. VI: qubit (i, j) is bit k_horizontal * i + j; vertical
    checks (column j, k_vertical qubits), horizontal (row i), diagonal (i + j = z mod k)."""
    rows = []
    for d in directions:
        count = k_horizontal if d == "v" else k_vertical
        for z in range(count):
            row = np.zeros((k_vertical, k_horizontal), dtype=np.uint8)
            for i, j in itertools.product(range(k_vertical), range(k_horizontal)):
                hit = {"v": j == z, "h": i == z, "d": (i + j) % k_vertical == z}[d]
                row[i, j] = hit
            rows.append(row.ravel())
    return np.array(rows)


def grid_vh(k: int) -> StandInOuter:
    """The k x k grid checked vertically then horizontally, with hand-derived counts: every
    bit is in two checks, so |Mv| and the weight of a codeword are even (c_out(3, 1) =
    c_out(5, 0) = 0); the weight-4 codewords are the corners of C(k, 2)^2 rectangles
    (Haah et al. 2018, Sec. VI.4); distance 4 and min 2|Mv| + |v| = 4."""
    from math import comb

    counts = {(3, 1): 0, (4, 0): comb(k, 2) ** 2, (5, 0): 0}
    return StandInOuter(f"grid:{k}:v,h", grid(k, k, "vh"), counts, 4, 4)
