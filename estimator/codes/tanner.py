"""The Tanner-graph outer codes of Haah et al. 2018 (arXiv:1709.02789), Sec. VII.2 and
Table 3, for order 7: n_out = alpha k bits of degree 3, 3 alpha checks of degree k, girth >= 6
and distance >= 7, so that 2|Mv| + |v| >= 7.

Their search: alpha copies of K_{k,3}; while a 4-cycle exists, rewire one of its edges (q, C)
with a random edge (q', C') to (q, C'), (q', C) (degrees are kept); then random rewirings
that create no 4-cycle, and a distance test at the end. Ours keeps the first part and makes
the second a descent: the codewords of weight < the target distance are listed
(``estimator.codes.lowweight``); a step rewires an edge of a random one of them with a
random edge, keeping girth >= 6, and is kept when the number of such codewords does not
grow (only codewords through the two rewired bits change, so only those are recounted).
An attempt ends when none is left or after ``steps`` steps; the next attempt starts again.
Every attempt draws from ``numpy.random.default_rng((seed, alpha, attempt))``, so a result
is reproduced by its seed. The code found is certified by ``OuterCode``'s own girth and
distance (the pattern search, independent of the descent's list).

"Added checks" (Table 3, third column): a girth-6 graph whose code still has codewords of
weight 5 or 6 gets one or two more checks, each a set of bits meeting every remaining
low-weight codeword an odd number of times (``add_checks``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from estimator.codes.outer import OuterCode
from estimator.cpsat import solve_interruptibly
from estimator.errors import ConfigError
from estimator.limits import require


@dataclass(frozen=True)
class TannerSearch:
    """The code found, its parameters, and (alpha, attempts made) for each alpha tried.

    ``distance``: certified lower bound (no nonzero codeword of smaller weight, counted by
    ``OuterCode.c_out``); ``added``: checks added to the constant-degree graph (Table 3,
    third column), 0 for a plain Tanner graph; ``sensitivity``: with added checks, the
    certified lower bound of min over v != 0 of 2|Mv| + |v| (``OuterCode.c_out`` finds no
    pattern below it; independent of the descent).
    """

    code: OuterCode
    k: int
    alpha: int
    seed: int
    girth: int
    distance: int
    attempts: tuple[tuple[int, int], ...]
    added: int = 0
    sensitivity: int | None = None


def tanner_search(
    k: int,
    *,
    seed: int = 0,
    alphas: range | None = None,
    tries: int = 100,
    swaps: int | None = None,
    distance: int = 7,
    added: int = 0,
    progress: Callable[[int, int, str], None] | None = None,
) -> TannerSearch:
    """Search alpha = alphas (default k+1 .. 4k) for a Tanner graph with bit degree
    (distance - 1) / 2, check degree k, girth >= 6 and code distance >= ``distance``; with
    ``added`` = 1 or 2, for a girth-6 graph of distance >= (distance - 1) / 2 + 2 plus that
    many added checks of weight <= k whose code has 2|Mv| + |v| >= ``distance``.

    ``swaps``: descent steps per attempt (default 40 x bits).

    Raises ConfigError for bad parameters, and if no alpha in the range succeeds.
    """
    if distance < 5 or distance % 2 == 0:
        raise ConfigError("distance", f"the target distance must be odd and >= 5, got {distance}")
    degree = (distance - 1) // 2
    bad_swaps = swaps is not None and swaps < 0
    if k < 2 or tries < 1 or seed < 0 or bad_swaps or added not in (0, 1, 2):
        raise ConfigError(
            "tanner",
            f"need k >= 2, tries >= 1, seed >= 0, swaps >= 0 and added in 0, 1, 2, got k = {k}, "
            f"tries = {tries}, seed = {seed}, swaps = {swaps}, added = {added}",
        )
    alphas = range(k + 1, 4 * k + 1) if alphas is None else alphas
    if not alphas or alphas.start < 1:
        raise ConfigError("tanner", f"alpha must be a range A-B with 1 <= A <= B, got {alphas}")
    # With added checks, codewords of weight >= degree + 2 may stay: one odd overlap with an
    # added check gives them 2|Mv| + |v| >= 2 + degree + 2 = distance (degree 3); lighter
    # ones must go (a vector of even weight has an even |Mv| in the degree-3 graph, so
    # every other vector already has 2|Mv| + |v| >= distance).
    fixable = degree + 2 if added else distance
    report: list[tuple[int, int]] = []
    for alpha in alphas:
        for attempt in range(tries):
            rng = np.random.default_rng((seed, alpha, attempt))
            graph = _random_girth6(k, degree, alpha, rng)
            outcome = "no girth 6"
            if graph is not None:
                steps = swaps if swaps is not None else 40 * alpha * k
                extra: list[np.ndarray] = []
                tried: dict[frozenset, np.ndarray | None] = {}

                def done(words: set, n: int = alpha * k, extra=extra, tried=tried) -> bool:
                    """No codeword left, or (added checks) few enough, all fixable, fixed."""
                    if any(len(w) < fixable for w in words) or len(words) > added * k:
                        return False
                    key = frozenset(words)
                    if words and key not in tried:
                        tried[key] = add_checks(words, n, added, k)
                    rows = tried.get(key)
                    extra[:] = [] if rows is None else [rows]
                    return not words or rows is not None

                left = graph.descend(rng, distance, steps, done, fixable)
                outcome = (
                    "found" if done(left) else f"{len(left)} codewords of weight < {distance} left"
                )
                matrix = graph.incidence.T.astype(np.uint8)
                if extra:
                    matrix = np.vstack([matrix, *extra])
            if progress:
                progress(alpha, attempt, outcome)
            if outcome == "found":
                report.append((alpha, attempt + 1))
                name = f"tanner:{k}:seed={seed},alpha={alpha}"
                name += f",added={added}" if added else ""
                code = OuterCode.from_matrix(name, matrix)
                return _certified(code, k, alpha, seed, tuple(report), added, distance)
        report.append((alpha, tries))
    raise ConfigError(
        "tanner",
        f"no code with girth >= 6 and distance >= {distance}"
        + (f" with {added} added check(s)" if added else "")
        + f" for k = {k}, alpha in {alphas.start}..{alphas.stop - 1} ({tries} tries each, seed "
        f"{seed}); widen alpha=A-B or raise tries",
    )


def _certified(
    code: OuterCode,
    k: int,
    alpha: int,
    seed: int,
    report: tuple[tuple[int, int], ...],
    added: int,
    distance: int,
) -> TannerSearch:
    """The search's result with its girth, distance and (added checks) sensitivity computed
    by ``OuterCode`` itself, independently of the descent's codeword list."""
    if added:
        # 2|Mv| + |v| < distance needs |Mv| <= (distance - 1 - |v|) / 2: count those patterns
        # weight by weight (each count its own pattern search), none may exist.
        for u in range(1, distance):
            row = code.c_out_table(u, (distance - 1 - u) // 2)[u]
            if any(row.values()):  # pragma: no cover - the construction guarantees it
                raise AssertionError(f"{code.name}: weight {u} with 2|Mv| + |v| < {distance}")
        return TannerSearch(code, k, alpha, seed, 0, 0, report, added, distance)
    low = code.c_out_table(distance - 1, 0)
    if any(row[0] for row in low.values()):  # pragma: no cover - the descent guarantees it
        raise AssertionError(f"{code.name}: a codeword of weight < {distance}")
    girth = code.girth
    if girth is None or girth < 6:  # pragma: no cover - every rewiring keeps it
        raise AssertionError(f"{code.name}: girth {girth}")
    return TannerSearch(code, k, alpha, seed, girth, distance, report, 0, None)


class _Graph:
    """A bits x checks incidence with its check overlaps and edge list; ``rewire`` swaps the
    checks of two edges (degrees are kept)."""

    def __init__(self, incidence: np.ndarray) -> None:
        self.incidence = incidence
        self.overlap = incidence.T @ incidence  # checks x checks: shared bits
        np.fill_diagonal(self.overlap, 0)
        self.edges = np.argwhere(incidence)

    def rewire(self, e: int, f: int) -> bool:
        """Swap the checks of edges e = (q, C) and f = (q', C') if the graph stays simple;
        calling it again with (e, f) undoes it."""
        incidence, overlap, edges = self.incidence, self.overlap, self.edges
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

    def excess(self, *checks: int) -> int:
        """Shared bits beyond one between the given checks and every other check (4-cycles)."""
        return int(sum(np.maximum(self.overlap[c] - 1, 0).sum() for c in set(checks)))

    def four_cycle_at(self, *checks: int) -> bool:
        return any(self.overlap[c].max() >= 2 for c in checks)

    def descend(
        self,
        rng: np.random.Generator,
        floor: int,
        steps: int,
        done: Callable[[set], bool],
        heavy: int,
    ) -> set:
        """Rewire edges of codewords of weight < ``floor`` (keeping girth >= 6) while their
        score does not grow (a codeword lighter than ``heavy`` counts as many as all
        codewords can be, so those go first), until ``done`` says the codewords left are
        acceptable; returns them."""
        from estimator.codes.lowweight import adjacency, codewords_through

        bit_checks, check_bits = adjacency(self.incidence)
        words = codewords_through(range(len(bit_checks)), bit_checks, check_bits, floor - 1)
        edge_of = {(int(q), int(c)): i for i, (q, c) in enumerate(self.edges)}
        big = len(self.incidence) ** 3

        def score(found: set) -> int:
            return sum(big if len(w) < heavy else 1 for w in found)

        for _ in range(steps):
            if done(words):
                break
            word = sorted(words)[rng.integers(len(words))]
            q = word[rng.integers(len(word))]
            c = int(bit_checks[q][rng.integers(bit_checks.shape[1])])
            e, f = edge_of[(q, c)], int(rng.integers(len(self.edges)))
            q2, c2 = (int(x) for x in self.edges[f])
            if not self.rewire(e, f):
                continue
            if self.four_cycle_at(c, c2):
                self.rewire(e, f)
                continue
            touched = {w for w in words if q in w or q2 in w}
            new_bc, new_cb = bit_checks.copy(), check_bits.copy()
            new_bc[q][new_bc[q] == c], new_bc[q2][new_bc[q2] == c2] = c2, c
            new_cb[c][new_cb[c] == q], new_cb[c2][new_cb[c2] == q2] = q2, q
            fresh = codewords_through((q, q2), new_bc, new_cb, floor - 1)
            if score(fresh) > score(touched):
                self.rewire(e, f)
                continue
            words = (words - touched) | fresh
            bit_checks, check_bits = new_bc, new_cb
            del edge_of[(q, c)], edge_of[(q2, c2)]
            edge_of[(q, c2)], edge_of[(q2, c)] = e, f
        return words


def add_checks(words: set, n: int, count: int, k: int) -> np.ndarray | None:
    """Up to ``count`` checks of weight <= k (and k - weight even, for an inner code with k
    logical qubits, Haah et al. 2017 Sec. 4.1) over n bits meeting each of ``words`` an odd
    number of times in at least one of them, by CP-SAT with fewest bits from the words;
    None when there is none."""
    from ortools.sat.python import cp_model

    words = sorted(words)
    support = sorted({b for w in words for b in w})
    pad = [b for b in range(n) if b not in set(support)]
    model = cp_model.CpModel()
    x = {(b, j): model.new_bool_var(f"x{b}_{j}") for b in support for j in range(count)}
    spare = [model.new_int_var(0, len(pad), f"pad{j}") for j in range(count)]
    for j in range(count):
        weight = sum(x[b, j] for b in support) + spare[j]
        half = model.new_int_var(0, k // 2, f"half{j}")
        model.add(weight == k - 2 * half)  # k - weight even, weight >= k mod 2
    for i, w in enumerate(words):
        odd = []
        for j in range(count):
            z, y = model.new_bool_var(f"z{i}_{j}"), model.new_int_var(0, len(w), f"y{i}_{j}")
            model.add(sum(x[b, j] for b in w) == 2 * y + z)
            odd.append(z)
        model.add_bool_or(odd)
    model.minimize(sum(x.values()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = 20.0  # work units, not wall time: reproducible
    if solve_interruptibly(solver, model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    rows = np.zeros((count, n), dtype=np.uint8)
    for j in range(count):
        for b in support:
            rows[j, b] = solver.value(x[b, j])
        rows[j, pad[: solver.value(spare[j])]] = 1
    return rows[rows.any(axis=1)]


def _random_girth6(k: int, degree: int, alpha: int, rng: np.random.Generator) -> _Graph | None:
    """alpha copies of K_{k,degree} rewired until no 4-cycle is left (Haah et al. 2018,
    Sec. VII.2: an edge of a 4-cycle with a random edge; ours keeps a rewiring only when
    it does not add 4-cycles at the two checks), or None when it does not get there."""
    n, m = alpha * k, degree * alpha
    require(
        what=f"a Tanner graph of {n} bits and {m} checks",
        memory_bytes=8.0 * (n * m + m * m),
        change="use a smaller k or alpha",
    )
    incidence = np.zeros((n, m), dtype=np.int64)
    for copy in range(alpha):
        incidence[copy * k : (copy + 1) * k, copy * degree : (copy + 1) * degree] = 1
    graph = _Graph(incidence)
    for _ in range(50 * len(graph.edges)):
        pairs = np.argwhere(np.triu(graph.overlap) >= 2)
        if not len(pairs):
            return graph
        c1, c2 = pairs[rng.integers(len(pairs))]
        shared = np.flatnonzero(incidence[:, c1] & incidence[:, c2])
        q = shared[rng.integers(len(shared))]
        c = (c1, c2)[rng.integers(2)]
        e = int(np.flatnonzero((graph.edges[:, 0] == q) & (graph.edges[:, 1] == c))[0])
        f = int(rng.integers(len(graph.edges)))
        other = int(graph.edges[f][1])
        before = graph.excess(c, other)
        if graph.rewire(e, f) and graph.excess(c, other) > before:
            graph.rewire(e, f)  # undo: it made more 4-cycles than it removed
    return None


def tanner_from_spec(
    text: str,
    *,
    field: str = "SPEC",
    progress: Callable[[int, int, str], None] | None = None,
) -> TannerSearch:
    """Parse the part after "tanner:": "K[:key=value,...]" with keys seed (default 0), alpha
    (A or A-B, default K+1-4K), tries (per alpha, default 100), swaps (descent steps per
    attempt, default 40 x bits), distance (target, odd >= 5, default 7) and added (0, 1 or
    2 checks added to the graph, Table 3's third column; default 0)."""
    head, _, options = text.partition(":")
    if not head.isdigit():
        raise ConfigError(field, f"tanner:{text}: expected tanner:K[:key=value,...]")
    values: dict[str, str] = {}
    for item in filter(None, options.split(",")):
        key, sep, value = item.partition("=")
        if not sep or key not in ("seed", "alpha", "tries", "swaps", "distance", "added"):
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
