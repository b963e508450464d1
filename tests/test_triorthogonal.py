"""Triorthogonal matrices, their codes, the (3k+8)-to-k family and the Lemma 2 correction."""

import itertools

import numpy as np
import pytest
from reference_data import NO_SIGN_FLIP_MATRIX

from estimator.circuits.compile import triorthogonal_protocol
from estimator.circuits.protocol import Protocol, Rotation
from estimator.circuits.protocols import builtin_protocols
from estimator.codes import gf2
from estimator.codes.triorthogonal import (
    MATRIX_15_TO_1,
    TriorthogonalCode,
    bh_family_matrix,
    output_rows,
    parse_matrix,
    parse_matrix_text,
    sign_flips,
    split_rows,
    triorthogonality_violation,
)
from estimator.errors import ConfigError, ProtocolError

MAGIC = np.array([1, np.exp(1j * np.pi / 4)]) / np.sqrt(2)  # |m> = (|0> + e^{i pi/4}|1>)/sqrt 2


def _magic_overlap(protocol: Protocol) -> float:
    target = MAGIC
    for _ in range(len(protocol.outputs) - 1):
        target = np.kron(target, MAGIC)
    return float(abs(np.vdot(target, protocol.output_state())))


def _plain_protocol(matrix: np.ndarray) -> Protocol:
    """The uncorrected circuit (all signs +1), bypassing Protocol.require_valid."""
    rotations = tuple(
        Rotation(tuple(int(q) + 1 for q in np.flatnonzero(matrix[:, j])))
        for j in range(matrix.shape[1])
    )
    k = len(output_rows(matrix))
    return Protocol("plain", matrix.shape[0], rotations, tuple(output_rows(matrix)), k, k)


def test_parse_matrix_text_skips_comments_and_blank_lines():
    text = "# 15-to-1\n\n" + "\n".join(f"{row}  # row" for row in MATRIX_15_TO_1) + "\n\n"
    assert parse_matrix_text(text).tolist() == parse_matrix(list(MATRIX_15_TO_1)).tolist()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["101", "01"], "row 2 has length 2"),
        (["10x"], "characters other than 0 and 1"),
        ([], "non-empty list"),
    ],
)
def test_parse_matrix_errors(rows, message):
    with pytest.raises(ProtocolError, match=message):
        parse_matrix(rows)


@pytest.mark.parametrize("seed", range(4))
def test_violation_matches_brute_force(seed):
    g = np.random.default_rng(seed).integers(0, 2, (5, 8))
    expected = None
    for size in (2, 3):
        for rows in itertools.combinations(range(5), size):
            if expected is None and int(np.prod(g[list(rows)], axis=0).sum()) % 2:
                expected = tuple(r + 1 for r in rows)
    assert triorthogonality_violation(g) == expected


def test_split_rows_of_15_to_1():
    g1, g0 = split_rows(parse_matrix(list(MATRIX_15_TO_1)))
    assert g1.shape == (1, 15) and g0.shape == (4, 15)


@pytest.mark.parametrize("k", [2, 4, 6, 8, 10, 20, 54])
def test_family_shape_and_triorthogonality(k):
    g = bh_family_matrix(k)
    assert g.shape == (k + 3, 3 * k + 8)
    assert triorthogonality_violation(g) is None
    assert output_rows(g) == list(range(1, k + 1))


@pytest.mark.parametrize("k", [0, 3, -2, True, 2.0])
def test_family_rejects_bad_k(k):
    with pytest.raises(ConfigError, match="k: "):
        bh_family_matrix(k)


# (name, matrix, n, k, distance, leading coefficient of the worst output).
# 15-to-1: 35 eps^3 (docs/model/inner-outer.md check values); the family: (3k+1) eps^2 (Bravyi and Haah 2012, Sec. VII).
CODES = [
    ("15-to-1", parse_matrix(list(MATRIX_15_TO_1)), 15, 1, 3, 35),
    *((f"k={k}", bh_family_matrix(k), 3 * k + 8, k, 2, 3 * k + 1) for k in (2, 4, 6, 8)),
]


@pytest.mark.parametrize(("name", "matrix", "n", "k", "distance", "leading"), CODES)
def test_code_parameters(name, matrix, n, k, distance, leading):
    code = TriorthogonalCode.from_matrix(matrix)
    assert (code.n, code.k, code.distance, code.leading_coefficient) == (n, k, distance, leading)
    assert len(code.checks) == matrix.shape[0] - k


def test_code_rejects_non_triorthogonal_and_outputless_matrices():
    with pytest.raises(ProtocolError, match=r"rows \(1, 2\) \(pair\)"):
        TriorthogonalCode.from_matrix(parse_matrix(["110", "011"]))
    with pytest.raises(ProtocolError, match="no odd-weight row"):
        TriorthogonalCode.from_matrix(parse_matrix(["1100", "0011"]))


def test_k4_member_needs_the_lemma_2_correction():
    g = bh_family_matrix(4)
    plain = _plain_protocol(g)
    # docs/model/inner-outer.md: the plain circuit passes post-selection with probability 1/4.
    assert plain.acceptance() == pytest.approx(0.25, abs=1e-12)  # float64 state of 2^7 amplitudes
    flips = sign_flips(g)
    assert flips == (1, 2, 3, 4)
    corrected = triorthogonal_protocol("bh-20-to-4", g)
    corrected.require_valid()
    assert _magic_overlap(corrected) == pytest.approx(1, abs=1e-12)
    assert {r for r in corrected.rotations if r.sign < 0} == {
        Rotation(tuple(int(q) + 1 for q in np.flatnonzero(g[:, j - 1])), -1) for j in flips
    }


def test_published_20_to_4_signs_are_recovered_and_its_code_matches_the_family():
    """Litinski 2019, Fig. 8's 20-to-4: from its rotation supports alone, sign_flips finds exactly its
    negated rotations; its code has the same error counts as the k = 4 family member."""
    published = builtin_protocols()["20-to-4"]
    columns = np.zeros((7, len(published.rotations)), dtype=np.uint8)
    for j, rotation in enumerate(published.rotations):
        columns[[q - 1 for q in rotation.support], j] = 1
    negated = {j + 1 for j, r in enumerate(published.rotations) if r.sign < 0}
    assert set(sign_flips(columns)) == negated
    ours, family = (
        TriorthogonalCode.from_matrix(columns),
        TriorthogonalCode.from_matrix(bh_family_matrix(4)),
    )
    assert ours.accepted_counts == family.accepted_counts
    assert ours.marginal_counts == family.marginal_counts
    assert ours.any_wrong_counts == family.any_wrong_counts


@pytest.mark.parametrize(
    ("name", "k"),
    [("14-to-2", 2), ("bh-20-to-4", 4), ("26-to-6", 6), ("32-to-8", 8), ("38-to-10", 10)],
)
def test_registered_family_members_output_magic_states(name, k):
    protocol = builtin_protocols()[name]
    assert len(protocol.outputs) == k and len(protocol.rotations) == 3 * k + 8
    assert protocol.acceptance() == pytest.approx(1, abs=1e-12)
    assert _magic_overlap(protocol) == pytest.approx(1, abs=1e-12)


def _small_triorthogonal_matrices(m: int, max_columns: int) -> list[np.ndarray]:
    """Every set of distinct nonzero columns on m rows that is triorthogonal, has an output
    row, no zero row and at most ``max_columns`` columns."""
    columns = np.array([v for v in itertools.product((0, 1), repeat=m) if any(v)]).T
    products = [columns[a] * columns[b] for a, b in itertools.combinations(range(m), 2)]
    products += [np.prod(columns[list(t)], axis=0) for t in itertools.combinations(range(m), 3)]
    kernel = gf2.null_space(np.array(products)).astype(np.int64)
    found = []
    for choice in itertools.product((0, 1), repeat=kernel.shape[0]):
        subset = (np.array(choice) @ kernel % 2).astype(bool)
        g = columns[:, subset]
        if 0 < g.shape[1] <= max_columns and g.sum(axis=1).all() and output_rows(g):
            found.append(g)
    return found


def _valid_sign_patterns(g: np.ndarray) -> np.ndarray:
    """Sign patterns (1 = negated) whose circuit is |m>^k |+>^checks: the phase of basis state
    x, in units of pi/8, must be 2 |x on outputs| mod 16 up to a constant."""
    m, n = g.shape
    x = (np.arange(2**m)[:, None] >> np.arange(m)) & 1
    signs_of_x = 1 - 2 * (x @ g % 2)
    patterns = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    phase = (1 - 2 * patterns) @ signs_of_x.T
    outputs = x @ (g.sum(axis=1) % 2)
    return patterns[((phase - phase[:, :1] - 2 * outputs) % 16 == 0).all(axis=1)]


@pytest.mark.parametrize("m", [3, 4])
def test_sign_flips_is_exact_on_every_small_matrix(m):
    """sign_flips finds a correction iff one exists, and one with the fewest flips."""
    matrices = _small_triorthogonal_matrices(m, max_columns=11)
    assert matrices
    for g in matrices:
        valid = _valid_sign_patterns(g)
        flips = sign_flips(g)
        if not len(valid):
            assert flips is None
            continue
        assert flips is not None and len(flips) == valid.sum(axis=1).min()
        protocol = triorthogonal_protocol("small", g)
        assert _magic_overlap(protocol) == pytest.approx(1, abs=1e-12)


def test_no_sign_flip_correction():
    g = parse_matrix(list(NO_SIGN_FLIP_MATRIX))
    assert triorthogonality_violation(g) is None
    assert sign_flips(g) is None
    with pytest.raises(ProtocolError, match="no set of rotation sign flips"):
        triorthogonal_protocol("x", g)
