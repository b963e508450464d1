"""The randomized Tanner-graph search of Haah et al. 2018, Sec. VII.2 for outer codes of
order 7: n_out = alpha k bits of degree 3, 3 alpha checks of degree k, girth >= 6 and distance
>= 7, so that 2|Mv| + |v| >= 7 (Haah et al. 2018, Table 3).

Start from alpha copies of the complete bipartite graph K_{k,3}; while a 4-cycle exists, take
one of its edges (q, C) and a random edge (q', C') and rewire them to (q, C'), (q', C) (degrees
are kept); then make ``swaps`` random rewirings that create no 4-cycle; test the distance by
counting codewords of weight < the target with the pattern search. Every attempt draws from
``numpy.random.default_rng((seed, alpha, attempt))``, so a result is reproduced by its seed.
The first alpha (in increasing order) with a successful attempt is reported, with its girth
and distance computed exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from estimator.codes.outer import OuterCode
from estimator.errors import ConfigError
from estimator.limits import require


@dataclass(frozen=True)
class TannerSearch:
    """The code found, its parameters, and (alpha, attempts made) for each alpha tried."""

    code: OuterCode
    k: int
    alpha: int
    seed: int
    girth: int
    distance: int
    attempts: tuple[tuple[int, int], ...]


def tanner_search(
    k: int,
    *,
    seed: int = 0,
    alphas: range | None = None,
    tries: int = 100,
    swaps: int | None = None,
    distance: int = 7,
    progress: Callable[[int, int, str], None] | None = None,
) -> TannerSearch:
    """Search alpha = alphas (default k+1 .. 4k) for a Tanner graph with bit degree
    (distance - 1) / 2, check degree k, girth >= 6 and code distance >= ``distance``.

    Raises ConfigError for bad parameters, and if no alpha in the range succeeds.
    """
    if distance < 5 or distance % 2 == 0:
        raise ConfigError("distance", f"the target distance must be odd and >= 5, got {distance}")
    degree = (distance - 1) // 2
    if k < 2 or tries < 1 or seed < 0 or (swaps is not None and swaps < 0):
        raise ConfigError(
            "tanner",
            f"need k >= 2, tries >= 1, seed >= 0 and swaps >= 0, got k = {k}, tries = {tries}, "
            f"seed = {seed}, swaps = {swaps}",
        )
    alphas = range(k + 1, 4 * k + 1) if alphas is None else alphas
    if not alphas or alphas.start < 1:
        raise ConfigError("tanner", f"alpha must be a range A-B with 1 <= A <= B, got {alphas}")
    report: list[tuple[int, int]] = []
    for alpha in alphas:
        for attempt in range(tries):
            rng = np.random.default_rng((seed, alpha, attempt))
            matrix = _random_girth6(k, degree, alpha, rng, swaps)
            outcome = "no girth 6"
            if matrix is not None:
                code = OuterCode.from_matrix(f"tanner:{k}:seed={seed},alpha={alpha}", matrix)
                low = code.c_out_table(distance - 1, 0)
                outcome = "distance < target" if any(t[0] for t in low.values()) else "found"
            if progress:
                progress(alpha, attempt, outcome)
            if outcome == "found":
                report.append((alpha, attempt + 1))
                girth, found = code.girth, code.distance
                assert girth is not None and girth >= 6 and found is not None and found >= distance
                return TannerSearch(code, k, alpha, seed, girth, found, tuple(report))
        report.append((alpha, tries))
    raise ConfigError(
        "tanner",
        f"no code with girth >= 6 and distance >= {distance} for k = {k}, alpha in "
        f"{alphas.start}..{alphas.stop - 1} ({tries} tries each, seed {seed}); widen alpha=A-B",
    )


def _random_girth6(
    k: int, degree: int, alpha: int, rng: np.random.Generator, swaps: int | None
) -> np.ndarray | None:
    """A bits x checks incidence with the degrees of alpha copies of K_{k,degree} and no
    4-cycle, or None when the rewiring does not get there."""
    n, m = alpha * k, degree * alpha
    require(
        what=f"a Tanner graph of {n} bits and {m} checks",
        memory_bytes=8.0 * (n * m + m * m),
        change="use a smaller k or alpha",
    )
    incidence = np.zeros((n, m), dtype=np.int64)
    for copy in range(alpha):
        incidence[copy * k : (copy + 1) * k, copy * degree : (copy + 1) * degree] = 1
    overlap = incidence.T @ incidence  # checks x checks: shared bits
    np.fill_diagonal(overlap, 0)
    edges = np.argwhere(incidence)

    def rewire(e: int, f: int) -> bool:
        """Swap the checks of edges e = (q, C) and f = (q', C') if the graph stays simple."""
        (q, c), (q2, c2) = edges[e], edges[f]
        if c == c2 or incidence[q, c2] or incidence[q2, c]:
            return False
        for bit, old, new in ((q, c, c2), (q2, c2, c)):
            incidence[bit, old], incidence[bit, new] = 0, 1
            row = incidence[bit]
            overlap[old] -= row
            overlap[:, old] -= row
            overlap[new] += row
            overlap[:, new] += row
            overlap[old, new] += 1  # the bit was in neither both before nor after
            overlap[new, old] += 1
        overlap[c, c] = overlap[c2, c2] = 0
        edges[e], edges[f] = (q, c2), (q2, c)
        return True

    limit = 200 * len(edges)
    for _ in range(limit):
        pairs = np.argwhere(np.triu(overlap) >= 2)
        if not len(pairs):
            break
        c1, c2 = pairs[rng.integers(len(pairs))]
        shared = np.flatnonzero(incidence[:, c1] & incidence[:, c2])
        q = shared[rng.integers(len(shared))]
        c = (c1, c2)[rng.integers(2)]
        e = int(np.flatnonzero((edges[:, 0] == q) & (edges[:, 1] == c))[0])
        rewire(e, int(rng.integers(len(edges))))
    else:
        return None
    for _ in range(swaps if swaps is not None else 20 * len(edges)):
        e, f = (int(x) for x in rng.integers(len(edges), size=2))
        c, c2 = edges[e][1], edges[f][1]
        if rewire(e, f) and (overlap[c2].max() >= 2 or overlap[c].max() >= 2):
            rewire(e, f)  # undo: the two edges have swapped their checks
    assert not (np.triu(overlap) >= 2).any() and (incidence.sum(axis=1) == degree).all()
    return incidence.T.astype(np.uint8)


def tanner_from_spec(
    text: str,
    *,
    field: str = "SPEC",
    progress: Callable[[int, int, str], None] | None = None,
) -> TannerSearch:
    """Parse the part after "tanner:": "K[:key=value,...]" with keys seed (default 0), alpha
    (A or A-B, default K+1-4K), tries (per alpha, default 100), swaps (random rewirings after
    girth 6, default 20 x edges) and distance (target, odd >= 5, default 7)."""
    head, _, options = text.partition(":")
    if not head.isdigit():
        raise ConfigError(field, f"tanner:{text}: expected tanner:K[:key=value,...]")
    values: dict[str, str] = {}
    for item in filter(None, options.split(",")):
        key, sep, value = item.partition("=")
        if not sep or key not in ("seed", "alpha", "tries", "swaps", "distance"):
            raise ConfigError(field, f"tanner:{text}: unknown option {item!r}")
        values[key] = value
    try:
        numbers = {key: int(v) for key, v in values.items() if key != "alpha"}
        alpha = values.get("alpha")
        alphas = None
        if alpha is not None:
            low, _, high = alpha.partition("-")
            alphas = range(int(low), int(high or low) + 1)
    except ValueError:
        raise ConfigError(field, f"tanner:{text}: option values must be integers") from None
    try:
        return tanner_search(int(head), alphas=alphas, progress=progress, **numbers)
    except ConfigError as error:
        raise ConfigError(field, f"tanner:{text}: {str(error).split(': ', 1)[-1]}") from None
