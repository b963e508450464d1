"""Outer codes (estimator/codes/outer.py, patterns.py, grids.py, graphs.py, tanner.py) against
001 Sec. 4, App. A.2, 000 Secs. III, VI-VII and brute force."""

import itertools
import time
from collections import Counter, defaultdict

import numpy as np
import pytest

from estimator.codes.graphs import (
    adjacency,
    count_cycles,
    graph_girth,
    hoffman_singleton_graph,
    petersen_graph,
)
from estimator.codes.grids import grid_code
from estimator.codes.outer import OuterCode, outer_code
from estimator.codes.tanner import tanner_search
from estimator.errors import ConfigError, ResourceError
from estimator.limits import Limits, using


def _brute_table(checks: np.ndarray, max_bits: int) -> dict[tuple[int, int], int]:
    """(u, v) -> number of weight-u patterns violating v checks, over every u-subset."""
    counts: Counter[tuple[int, int]] = Counter()
    for u in range(1, max_bits + 1):
        for bits in itertools.combinations(range(checks.shape[1]), u):
            counts[(u, int((checks[:, bits].sum(axis=1) % 2).sum()))] += 1
    return counts


def _assert_tables_match(code: OuterCode, max_bits: int) -> None:
    brute = _brute_table(code.checks.astype(int), max_bits)
    for weight in range(1, max_bits + 1):
        table = code.c_out_table(weight)
        assert table == {
            u: {v: brute[(u, v)] for v in range(min((weight - u) // 2, code.n_check) + 1)}
            for u in range(1, min(weight, code.n_out) + 1)
        }
    for violated in range(3):
        table = code.c_out_table(max_bits, violated)
        assert all(c == brute[(u, v)] for u, row in table.items() for v, c in row.items())
    assert code.sensitivity == min(u + 2 * v for (u, v), c in brute.items() if c)


@pytest.mark.parametrize("seed", range(8))
def test_c_out_against_brute_force_on_random_matrices(seed):
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(1, 6)), int(rng.integers(2, 10))
    matrix = rng.integers(0, 2, (m, n))
    matrix[matrix.sum(axis=1) == 0, 0] = 1
    _assert_tables_match(OuterCode.from_matrix("random", matrix), n)


@pytest.mark.parametrize("spec", ["grid:3:v,h,d", "grid:3x4:v,h", "ring:7", "petersen", "eq5.4"])
def test_c_out_against_brute_force_on_builders(spec):
    # Grids, rings and graphs count from one bit per orbit of their symmetries.
    code = outer_code(spec)
    _assert_tables_match(code, min(code.n_out, 7))


def test_single_values_and_sensitivity_checks_agree_with_the_table():
    code = outer_code("grid:4:v,h,d")
    table = code.c_out_table(8)
    assert all(code.c_out(u, v) == c for u, row in table.items() for v, c in row.items())
    brute = _brute_table(code.checks.astype(int), 4)
    for d_tilde, s in ((1, 3), (2, 3), (3, 2), (4, 1), (4, 2)):
        expected = all(brute[(u, v)] == 0 for u in range(1, d_tilde + 1) for v in range(s))
        assert code.is_sensitive(d_tilde, s) == expected


def test_trivial_and_repetition_codes():
    # 001 Sec. 1.1: one check on one bit (order 3 = one input error + two T errors);
    # Sec. 1.2.1: the 2-bit repetition code, quadratic.
    trivial, repetition = outer_code("trivial"), outer_code("repetition:2")
    assert (trivial.n_out, trivial.n_check, trivial.distance, trivial.sensitivity) == (
        1,
        1,
        None,
        3,
    )
    assert repetition.checks.tolist() == [[1, 1]]
    assert (repetition.distance, repetition.sensitivity) == (2, 2)


def test_ring_needs_its_redundant_check():
    # 001 Sec. 1.2.2: six checks on a ring of 6 give O(eps^5) for input errors; with only 5
    # checks one bit is checked once and the order drops to 3.
    assert outer_code("ring:6").sensitivity == 5
    assert outer_code("repetition:6").sensitivity == 3


def test_eq_5_4_has_order_5_and_is_not_4_2_sensitive():
    # 001 Sec. 5.3.2, Eq. (5.4): not (4, 2)-sensitive, but 2|Mv| + |v| >= 5 for all v != 0.
    code = outer_code("eq5.4")
    assert code.sensitivity == 5 and not code.is_sensitive(4, 2)
    assert code.c_out(3, 1) == 4 and code.distance is None  # M has full rank


def test_petersen_graph_and_code():
    # 001 App. A.2.1: degree 3, girth 5, 10 vertices and 15 edges (the dump swaps the two);
    # the code is (4, 2)-sensitive with 10 weight-3 checks on 15 bits; its weight-5
    # codewords are the 5-cycles.
    vertices, edges, _ = petersen_graph()
    neighbours = adjacency(vertices, edges)
    assert (vertices, len(edges), {len(x) for x in neighbours}) == (10, 15, {3})
    assert graph_girth(neighbours) == 5 and count_cycles(neighbours, 5) == 12
    code = outer_code("petersen")
    assert (code.n_out, code.n_check, code.distance, code.sensitivity) == (15, 10, 5, 5)
    assert code.is_sensitive(4, 2) and not code.is_sensitive(5, 1)
    assert code.c_out(5, 0) == 12 and code.girth == 10  # Tanner graph: twice the graph's


def test_hoffman_singleton_graph_and_code():
    # 000 Sec. VII.1: degree 7, 50 vertices, 175 edges, girth 5, 1260 5-cycles.
    vertices, edges, _ = hoffman_singleton_graph()
    neighbours = adjacency(vertices, edges)
    assert (vertices, len(edges), {len(x) for x in neighbours}) == (50, 175, {7})
    assert graph_girth(neighbours) == 5 and count_cycles(neighbours, 5) == 1260
    code = outer_code("hoffman-singleton")
    assert (code.distance, code.sensitivity, code.c_out(5, 0)) == (5, 5, 1260)
    assert code.c_out(1, 2) == 175  # one input error, both checks measured wrongly


def test_graph_code_from_an_edge_file(tmp_path):
    path = tmp_path / "c5.txt"
    path.write_text("# a 5-cycle\na b\nb c\nc d\nd e\ne a\n")
    code = outer_code(f"graph:{path}")
    assert (code.n_out, code.n_check, code.distance, code.c_out(5, 0)) == (5, 5, 5, 1)


@pytest.mark.parametrize(
    ("shape", "distance", "order"),
    [((6,), 2, 2), ((4, 4), 4, 4), ((3, 3, 3), 8, 7), ((2, 2, 2, 2), 16, 9)],
)
def test_d_dimensional_grids_follow_000_table_1(shape, distance, order):
    # 000 Table 1: orders 2, 4, then 2D + 1 (D checks per bit); classical distance 2^D.
    code = grid_code(shape)
    assert (code.distance, code.sensitivity) == (distance, order)
    assert code.n_check == sum(code.n_out // k for k in shape)


def test_two_dimensional_grid_families_of_000_sec_vi():
    # 000 Sec. VI.2: vertical+horizontal, + diagonal, + anti-diagonal: distances 4, 6, 8;
    # single input errors need 2, 3, 4 wrong measurements: weights 5, 7, 9.
    for directions, distance in ((["v", "h"], 4), (["v", "h", "d"], 6), (["v", "h", "d", "a"], 8)):
        code = grid_code((7, 7), directions)
        assert code.distance == distance
        assert code.c_out(1, len(directions)) == 49 and code.girth >= 6  # 4-cycle free
    # VI.4: the weight-4 patterns of the v,h grid are the C(k,2)^2 rectangles.
    assert outer_code("grid:11").c_out(4, 0) == 3025  # VI.4.1
    assert outer_code("grid:39").c_out(4, 0) == 549081  # VI.4.5: C(39,2)^2 = 5.5e5


def test_lonely_checks_of_the_worked_examples():
    # 000 VI.4.1: n_out 121, n_check 22, n_lonely 11; VI.4.2 (21 x 11 rectangle, [[31,21,3]]
    # on the verticals): n_out 231, n_lonely 21; VI.5.1/VI.5.2: 729, 81, 27.
    for spec, n_out, n_check, lonely in (
        ("grid:11:v,h", 121, 22, 11),
        ("grid:21x11:v,h", 231, 32, 21),
        ("grid:27:v,h,d", 729, 81, 27),
    ):
        code = outer_code(spec)
        assert (code.n_out, code.n_check, code.n_lonely) == (n_out, n_check, lonely)
    assert max(outer_code("grid:21x11").checks.sum(axis=1)) == 21  # vertical checks: k = 21
    # VI.3.1: one check on 45 inputs: C(45,2) = 990 weight-2 patterns, 45 single errors.
    single = outer_code("grid:45:1")
    assert (single.c_out(2, 0), single.c_out(1, 1), single.n_lonely) == (990, 45, 1)


def test_27_grid_with_a_diagonal_counts_in_seconds():
    start = time.perf_counter()
    code = outer_code("grid:27:v,h,d")
    table = code.c_out_table(7)
    elapsed = time.perf_counter() - start
    assert table[6] == {0: 78975} and table[1][3] == 729 and table[4] == {0: 0, 1: 0}
    assert elapsed < 10, f"{elapsed:.1f} s"  # measured 1-2 s on a loaded 2-core machine


def _hexagons_by_meeting_in_the_middle(k: int) -> int:
    """Weight-6 codewords of the k x k grid with checks v, h, d, counted independently of
    the pattern search: split every 6-set into its 3 smallest and 3 largest bits and match
    syndromes (each check is one bit of an int)."""
    masks = [
        (1 << x) | (1 << (k + y)) | (1 << (2 * k + (x + y) % k)) for x in range(k) for y in range(k)
    ]
    n = k * k
    tails = defaultdict(list)  # min bit -> syndromes of 3-sets starting there
    for triple in itertools.combinations(range(n), 3):
        tails[triple[0]].append(masks[triple[0]] ^ masks[triple[1]] ^ masks[triple[2]])
    later: Counter[int] = Counter()  # syndromes of 3-sets whose least bit is > c
    total = 0
    for c in range(n - 1, 1, -1):
        later.update(tails.get(c + 1, ()))
        for a, b in itertools.combinations(range(c), 2):
            total += later[masks[a] ^ masks[b] ^ masks[c]]
    return total


@pytest.mark.parametrize("k", [5, 7, 9])
def test_hexagon_count_by_an_independent_method(k):
    assert outer_code(f"grid:{k}:v,h,d").c_out(6, 0) == _hexagons_by_meeting_in_the_middle(k)


def test_000_vi5_weight_6_patterns_are_undercounted():
    """000 Sec. VI.5 (l.419) prints k^2 (k - 1) / 2 weight-6 undetected patterns for the k x k
    grid checked vertically, horizontally and along one diagonal (9477 at k = 27, used in
    VI.5.1 and VI.5.2). The exhaustive count is k^2 (k - 1)(k - 2) / 6 for every odd k
    tested, which equals the printed formula only at k = 5.

    What the formula misses: every weight-6 codeword is a hexagon (x1, y1), (x1, y2),
    (x2, y2), (x2, y3), (x3, y3), (x3, y1) on three distinct columns and rows whose opposite
    corners share a diagonal. The printed family, (x-l, y-l), (x, y-l), (x-l, y), (x+l, y),
    (x, y+l), (x+l, y+l), takes the three columns in arithmetic progression x-l, x, x+l; the
    columns may be any three distinct values (then the rows are fixed by the diagonals), which
    gives n_out C(k-1, 2) / 3 patterns. (As printed, the family pairs its corners on x - y =
    const; for x + y = z it is its mirror image; the counts agree.)

    At k = 27 there are 78975 such patterns, not 9477 (25/3 times more). VI.5.1 (eps_input =
    9e-6): the weight-6 term becomes 78975 (9e-6)^6 = 4.2e-26 instead of 5.0e-27, still
    negligible beside eps_out = 7.5e-15. VI.5.2 (eps = 9e-6 throughout): the weight-6 term
    dominates: eps_out = 4.20e-26 + 8.7e-28 + 2.8e-29 = 4.29e-26 instead of 5.9e-27, and
    epsbar_out = eps_out / 7.2e2 = 6.0e-29 instead of 8.2e-30 (000 Table 4's row for it)."""
    for k in range(5, 28, 2):
        counted = outer_code(f"grid:{k}:v,h,d").c_out(6, 0)
        assert counted == k * k * (k - 1) * (k - 2) // 6
        assert (counted == k * k * (k - 1) // 2) == (k == 5)
    assert outer_code("grid:27:v,h,d").c_out(6, 0) == 78975
    eps = 9e-6
    weight_6 = 78975 * eps**6
    single = 729 * 63**3 * eps**7  # n_out n_inner^3: one input error, three wrong checks
    lonely = 2**6 * 27 * 3411 * eps**7  # 2^(d-1) n_lonely c_log(d)
    assert f"{9477 * eps**6:.1e}" == "5.0e-27" and f"{weight_6:.1e}" == "4.2e-26"
    assert f"{weight_6 + single + lonely:.2e}" == "4.29e-26"
    assert f"{(weight_6 + single + lonely) / 720:.1e}" == "6.0e-29"


def _certify(code, k, checks_of_degree_k):
    """Independently of the search: degrees, girth >= 6 (no two checks share two bits), no
    nonzero codeword of weight <= 6 (by brute-force syndrome sums over GF(2) for the small
    codes, by OuterCode's own pattern count otherwise) and min 2|Mv| + |v| >= 7."""
    m = code.checks.astype(np.int64)
    base = m[:checks_of_degree_k]
    assert set(base.sum(axis=1)) == {k} and set(base.sum(axis=0)) == {3}
    overlap = base @ base.T
    np.fill_diagonal(overlap, 0)
    assert overlap.max() <= 1
    assert all(code.c_out(u, 0) == 0 for u in range(1, 7))
    assert code.sensitivity >= 7


@pytest.mark.parametrize(("k", "alpha", "printed"), [(5, 6, 7), (7, 9, 13)])
def test_tanner_search_beats_table_3(k, alpha, printed):
    """Haah et al. 2018, Table 3: the least alpha at which their search found a Tanner graph
    (bit degree 3, check degree k, girth >= 6, 2|Mv| + |v| >= 7) is 7, 13 for k = 5, 7; the
    descent finds certified codes at smaller alpha with seed 0 (k = 9: test_printed_values)."""
    found = tanner_search(k, alphas=range(alpha, alpha + 1), tries=4, seed=0)
    assert found.alpha == alpha < printed
    code = found.code
    assert (code.n_out, code.n_check) == (alpha * k, 3 * alpha)
    _certify(code, k, 3 * alpha)
    assert found.girth >= 6 and found.distance >= 7


def test_tanner_search_is_reproducible():
    first = tanner_search(5, alphas=range(6, 7), tries=2, seed=3)
    again = tanner_search(5, alphas=range(6, 7), tries=2, seed=3)
    assert (first.code.checks == again.code.checks).all() and first.attempts == again.attempts


def test_brute_force_codewords_agree_with_the_descent_list():
    """estimator.codes.lowweight lists every codeword of weight <= 6 of a girth-6 graph:
    compared with all 2^n... subsets of size <= 6 of a 35-bit graph (1.9M syndrome sums)."""
    import itertools

    from estimator.codes.lowweight import adjacency, codewords_through
    from estimator.codes.tanner import _random_girth6

    graph = _random_girth6(5, 3, 7, np.random.default_rng(3))
    inc = graph.incidence
    bit_checks, check_bits = adjacency(inc)
    listed = codewords_through(range(len(inc)), bit_checks, check_bits, 6)
    columns = [int("".join(map(str, row)), 2) for row in inc]
    brute = set()
    for w in range(1, 7):
        for subset in itertools.combinations(range(len(inc)), w):
            x = 0
            for b in subset:
                x ^= columns[b]
            if not x:
                brute.add(subset)
    assert listed == brute and listed  # a graph with codewords left, all of them found


def test_added_checks_fix_the_remaining_codewords():
    """Table 3's third column: a girth-6 graph with codewords of weight 5-6 left gets one or
    two checks of weight <= k; OuterCode certifies 2|Mv| + |v| >= 7 of the result, here
    and again below by the full pattern search."""
    found = tanner_search(7, alphas=range(8, 9), tries=4, seed=0, added=2)
    code = found.code
    assert found.added == 2 and found.sensitivity >= 7 and code.n_check in (3 * 8 + 1, 3 * 8 + 2)
    extra = code.checks[3 * 8 :]
    assert all(r.sum() <= 7 and (7 - r.sum()) % 2 == 0 for r in extra)
    assert code.sensitivity >= 7


# Bad input (issue 8 item 7): one error naming the field.


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([1, 0, 1], "M: expected a 2-D check matrix"),
        ([[1, 2], [0, 1]], "M: entries must be 0 or 1"),
        ([[1, 1], [0, 0]], "M: check 2 \\(row 2\\) has no bit"),
        (np.zeros((0, 3)), "M: expected a 2-D check matrix"),
    ],
)
def test_bad_matrices_are_refused(matrix, message):
    with pytest.raises(ConfigError, match=message):
        OuterCode.from_matrix("bad", matrix)


def test_a_wrong_symmetry_is_refused():
    with pytest.raises(ConfigError, match="does not map the checks"):
        OuterCode.from_matrix("bad", [[1, 1, 0]], symmetries=[(1, 2, 0)])


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("grid:5x4:v,h,d", "diagonal checks need a square grid"),
        ("grid:5:v,x", "directions must be distinct among v, h, d, a"),
        ("grid:1", "every side of the grid must be >= 2"),
        ("grid:five", "expected grid:K"),
        ("ring:1", "expected ring:N with an integer N >= 2"),
        ("tanner:5:colour=3", "unknown option 'colour=3'"),
        ("tanner:5:distance=6", "the target distance must be odd and >= 5"),
        ("hexagon", "not a readable matrix file nor a builder"),
    ],
)
def test_bad_specs_are_refused(spec, message):
    with pytest.raises(ConfigError, match="^SPEC: .*" + message):
        outer_code(spec)


def test_bad_counting_arguments_are_refused():
    code = outer_code("petersen")
    with pytest.raises(ConfigError, match="u: 0 is not an integer >= 1"):
        code.c_out(0, 1)
    with pytest.raises(ConfigError, match="s: -1 is not an integer >= 0"):
        code.is_sensitive(3, -1)


def test_a_weight_beyond_the_limits_is_refused_before_counting():
    code = outer_code("grid:27:v,h,d")
    start = time.perf_counter()
    with pytest.raises(ResourceError, match="fault weight u \\+ 2v <= 14 would take about"):
        code.c_out_table(14)
    assert time.perf_counter() - start < 10
    with using(Limits(max_seconds=0.01)), pytest.raises(ResourceError, match="--max-seconds"):
        outer_code("grid:9:v,h,d").c_out_table(9)
