"""The pattern counter on GF(2) location models: brute force, Bravyi and Haah 2012's MacWilliams counts, limits."""

import itertools

import numpy as np
import pytest

from estimator.circuits.protocols import builtin_protocols, family_protocol
from estimator.codes.leading import LocationModel, count_undetected, rotation_model
from estimator.codes.triorthogonal import MATRIX_15_TO_1, TriorthogonalCode, bh_family_matrix
from estimator.errors import ProtocolError, ResourceError
from estimator.limits import Limits, using


def _brute_force(model: LocationModel, max_weight: int) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for w in range(max_weight + 1):
        for pattern in itertools.combinations(model.effects, w):
            total = 0
            for e in pattern:
                total ^= e
            if total & model.detectors == 0:
                out.setdefault(total, [0] * (max_weight + 1))[w] += 1
    return out


@pytest.mark.parametrize("seed", range(6))
def test_counts_equal_brute_force(seed):
    rng = np.random.default_rng(seed)
    effects = tuple(int(x) for x in rng.integers(1, 2**9, size=12))
    model = LocationModel(effects, detectors=int(rng.integers(0, 2**9)))
    counts = count_undetected(model, 5)
    assert dict(zip(counts.keys, counts.table.tolist())) == _brute_force(model, 5)


def _model(protocol):
    return rotation_model([r.support for r in protocol.rotations], protocol.checks)


def test_15_to_1_counts_equal_003_macwilliams_at_every_weight():
    protocol = builtin_protocols()["15-to-1"]
    code = TriorthogonalCode(MATRIX_15_TO_1)
    counts = count_undetected(_model(protocol), 15)
    (out,) = protocol.outputs
    bit = 1 << (out - 1)
    assert [counts.count(w) for w in range(16)] == list(code.accepted_counts)
    assert [counts.count(w, where=bit) for w in range(16)] == list(code.marginal_counts[0])
    assert counts.order(bit) == 3 and counts.count(3, where=bit) == 35


@pytest.mark.parametrize("k", [2, 4, 6, 8])
def test_bravyi_haah_family_gives_3k_plus_1_per_output(k):
    """Bravyi and Haah 2012's convention (worst marginal error per output): (3k + 1) eps^2 (Bravyi and Haah 2012, Sec. VII)."""
    protocol = family_protocol(f"{3 * k + 8}-to-{k}")
    counts = count_undetected(_model(protocol), 3)
    marginals = [counts.count(2, where=1 << (q - 1)) for q in protocol.outputs]
    assert max(marginals) == 3 * k + 1
    code = TriorthogonalCode.from_matrix(bh_family_matrix(k))
    assert max(marginals) == code.leading_coefficient  # Bravyi and Haah 2012, Eq. (20) by MacWilliams
    outputs = sum(1 << (q - 1) for q in protocol.outputs)
    assert counts.count(2, nonzero=outputs) == code.any_wrong_counts[2]


def test_20_to_4_conventions():
    """docs/model/inner-outer.md: 13 eps^2 (Bravyi and Haah 2012), 22 eps^2 any output (Haah et al. 2017 and 2018), 22/4 = 5.5 per output (Litinski 2019)."""
    protocol = builtin_protocols()["20-to-4"]
    counts = count_undetected(_model(protocol), 2)
    outputs = sum(1 << (q - 1) for q in protocol.outputs)
    assert [counts.count(2, where=1 << (q - 1)) for q in protocol.outputs] == [13] * 4
    assert counts.count(2, nonzero=outputs) == 22


def test_limits_refuse_a_count_too_large():
    protocol = builtin_protocols()["15-to-1"]
    limits = Limits(max_memory_bytes=8 * 2**30, max_seconds=1e-7)
    with using(limits), pytest.raises(ResourceError, match="weight = 9"):
        count_undetected(_model(protocol), 9)


def test_bad_models():
    with pytest.raises(ProtocolError, match="bit masks"):
        LocationModel((1, -2), 0)
    with pytest.raises(ProtocolError, match="weight"):
        count_undetected(LocationModel((1,), 0), -1)
