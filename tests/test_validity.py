"""Validity limits of the model's extensions: the merge circuits, the verdict and limit logic on
the shipped measurements, the check of designs and the config loader's use of it
(docs/model/validity.md)."""

import tomllib
import warnings
from pathlib import Path

import numpy as np
import pytest

from estimator.calibration import validity
from estimator.calibration.validity import Limits, ValidityWarning, check, load_limits
from estimator.calibration.validity_fit import (
    binomial_interval,
    cross_verdicts,
    derive_limits,
    model_rate,
    validity_toml,
    verdicts,
)
from estimator.errors import ConfigError
from estimator.sim.noise import NoiseModel
from estimator.studies.config import config_design, load_config

TABLE1 = Path(__file__).resolve().parents[1] / "configs" / "litinski2019"
SHIPPED = tomllib.loads(validity.DATA.read_text())


def _graphlike(circuit, observable: int) -> int:
    """Graphlike distance of one observable (the others ignored)."""
    import stim

    dem = stim.DetectorErrorModel()
    for inst in circuit.detector_error_model(decompose_errors=True).flattened():
        if inst.type == "error":
            targets = [
                t
                for t in inst.targets_copy()
                if not (t.is_logical_observable_id() and t.val != observable)
            ]
            dem.append(stim.DemInstruction("error", inst.args_copy(), targets))
        else:
            dem.append(inst)
    return len(dem.shortest_graphlike_error())


@pytest.mark.parametrize(("d", "width", "d_m"), [(3, 4, 3), (3, 6, 3), (5, 6, 3), (5, 4, 5)])
def test_merge_circuit_distances(d, width, d_m):
    """Z basis: the merge outcome has distance min(d_m, d) (a patch's X string during the
    merge also flips it), each patch's Z logical distance d. X basis: Z errors on one patch
    through the region have distance min(width / 2, d): with the patches' CX order the
    Z-check hooks lie across the region's height (docs/model/validity.md)."""
    pytest.importorskip("stim")
    from estimator.calibration.circuit_noise import circuit_noise
    from estimator.calibration.merge import merge_circuit

    noise = circuit_noise("depolarizing", 1e-3)
    z = merge_circuit(noise, d, width, d_m, "Z")
    assert z.num_observables == 3
    assert _graphlike(z, 0) == min(d_m, d)
    assert _graphlike(z, 1) == _graphlike(z, 2) == d
    x = merge_circuit(noise, d, width, d_m, "X")
    assert _graphlike(x, 0) == min(width // 2, d)


def test_idle_baseline_has_the_patch_distance():
    pytest.importorskip("stim")
    from estimator.calibration.circuit_noise import circuit_noise
    from estimator.calibration.merge import merge_circuit

    noise = circuit_noise("depolarizing", 1e-3)
    assert _graphlike(merge_circuit(noise, 3, 2, 3, "X", merged=False), 0) == 3
    assert _graphlike(merge_circuit(noise, 3, 2, 3, "Z", merged=False), 1) == 3


@pytest.mark.parametrize(("d", "width"), [(3, 3), (4, 4), (3, 0)])
def test_merge_circuit_refuses_bad_shapes(d, width):
    from estimator.calibration.circuit_noise import circuit_noise
    from estimator.calibration.merge import merge_circuit

    with pytest.raises(ConfigError):
        merge_circuit(circuit_noise("depolarizing", 1e-3), d, width, 3, "Z")


def test_collect_merges_counts_each_kind():
    """A short sinter run: one record per kind and size, errors within the shots."""
    pytest.importorskip("sinter")
    from estimator.calibration.merge import collect_merges

    rows = collect_merges(2e-3, ((3, 2, 3, True), (3, 2, 3, False)), max_shots=2000)
    kinds = {(r["merged"], r["kind"]) for r in rows}
    assert kinds == {
        (True, "timelike"),
        (True, "x_patches"),
        (True, "z_patches"),
        (False, "x_patches"),
        (False, "z_patches"),
    }
    assert all(2000 <= r["shots"] and 0 <= r["errors"] <= r["shots"] for r in rows)
    merged_z = next(r for r in rows if r["merged"] and r["kind"] == "z_patches")
    assert merged_z["errors"] > 0  # w = 2 at p = 2e-3: about 7 % per shot


@pytest.mark.parametrize(("errors", "shots"), [(0, 1000), (3, 1000), (300, 50_000), (1000, 1000)])
def test_binomial_interval(errors, shots):
    """The ends are where the binomial likelihood has fallen by the factor 1000 (to 1e-6 in
    its logarithm, the bisection's precision); sinter.fit_binomial, which searches a grid of
    two to five significant digits, agrees to 5 %."""
    sinter = pytest.importorskip("sinter")
    low, high = binomial_interval(errors, shots)
    best = errors / shots

    def log_likelihood(q):
        hits = errors * np.log(q) if errors else 0.0
        return hits + ((shots - errors) * np.log1p(-q) if shots > errors else 0.0)

    for end in (low, high):
        if 0 < end < 1:
            drop = log_likelihood(best) - log_likelihood(end)
            assert drop == pytest.approx(np.log(1000), abs=1e-6)
    fit = sinter.fit_binomial(num_shots=shots, num_hits=errors, max_likelihood_factor=1000)
    assert low == pytest.approx(fit.low, rel=0.05, abs=1e-9)
    assert high == pytest.approx(fit.high, rel=0.05, abs=1e-9)


def test_si1000_cross_check_against_its_calibration():
    """Under SI1000 noise the merges fail more often than the si1000 calibration says: the
    timelike term by 1.2-1.7x, the ancilla-Z term by 3x at w = d + 1 and 20x or more at
    w >= 2 d (the shipped cross-check; docs/model/validity.md)."""
    judged = cross_verdicts(SHIPPED["cross_check"], "si1000")
    ratios = {(v["d"], v["width"], v["kind"]): v["measured"] / v["model"] for v in judged}
    assert not any(v["holds"] for v in judged)
    assert all(1.2 < r < 1.7 for (_, _, kind), r in ratios.items() if kind == "timelike")
    assert all(r > 3 for (d, w, kind), r in ratios.items() if kind == "z_patches")
    assert all(r > 20 for (d, w, kind), r in ratios.items() if kind == "z_patches" and w >= 2 * d)


def test_model_rates_are_the_extension_rules():
    """timelike 1/2 (Lambda w / d_m) p_L(d_m), ancilla-Z 1/2 (Lambda / w) d_m p_L(w) per patch,
    two patches, Lambda = 2 d + 2; p_L(3) = 1e-3 at p = 1e-3."""
    row = {"p": 1e-3, "d": 3, "width": 4, "d_m": 3}
    assert model_rate(row | {"kind": "timelike"}) == pytest.approx(0.5 * 8 * 4 / 3 * 1e-3)
    p_l4 = 0.1 * 0.1**2.5
    assert model_rate(row | {"kind": "z_patches"}) == pytest.approx(8 / 4 * 3 * p_l4)
    with pytest.raises(ValueError):
        model_rate(row | {"kind": "x_patches"})


def _rows(z_errors: dict[int, int], timelike: dict[int, int], shots: int = 100_000) -> list:
    """Synthetic measurements: d = 3, idle z errors 250 per 100,000 shots."""
    rows = [
        {"p": 1e-3, "d": 3, "width": 2, "d_m": 3, "merged": False, "kind": "z_patches"}
        | {"shots": shots, "errors": 250}
    ]
    for width, errors in z_errors.items():
        rows.append(
            {"p": 1e-3, "d": 3, "width": width, "d_m": 3, "merged": True, "kind": "z_patches"}
            | {"shots": shots, "errors": errors}
        )
    for d_m, errors in timelike.items():
        rows.append(
            {"p": 1e-3, "d": 5, "width": 6, "d_m": d_m, "merged": True, "kind": "timelike"}
            | {"shots": shots, "errors": errors}
        )
    return rows


def test_limits_follow_the_verdicts():
    """Ancilla-Z: the model (w = 4: 1.9e-3, w = 6: 1.3e-4) holds while it is not below the
    excess's interval; a floor of 2e-3 at w = 6 fails it, so w - d <= 1. Timelike: a d_m whose
    rate is 10x the model fails and the least d_m is the next one that holds."""
    limits = derive_limits(_rows({4: 250 + 190, 6: 250 + 200}, {3: 1200, 5: 70}))
    assert limits["region_width"] == {"max_excess": 1, "first_failing_excess": 3}
    assert limits["d_m"] == [{"p_max": 1e-3, "least": 3}]
    failing = derive_limits(_rows({4: 440, 6: 260}, {3: 12_000, 5: 70}))
    assert failing["region_width"] == {"max_excess": 3}
    assert failing["d_m"] == [{"p_max": 1e-3, "least": 5}]
    narrow = derive_limits(_rows({2: 3500, 4: 700, 6: 450}, {}))  # w = d + 1 fails already
    assert narrow["region_width"] == {"max_excess": 0, "first_failing_excess": 1}
    judged = verdicts(_rows({4: 440}, {}))
    assert judged[0]["interval"][0] < judged[0]["measured"] < judged[0]["interval"][1]


def test_shipped_limits_are_derived_from_shipped_measurements():
    """The limits in the file are those its measurements give (no hand edits)."""
    derived = derive_limits(SHIPPED["measurement"])
    assert SHIPPED["limits"]["region_width"]["max_excess"] == derived["region_width"]["max_excess"]
    assert SHIPPED["limits"]["d_m"] == derived["d_m"]
    assert SHIPPED["made"]["shots"] > 0 and SHIPPED["made"]["tools"]["stim"]
    again = tomllib.loads(
        validity_toml(SHIPPED["measurement"], SHIPPED["made"], SHIPPED["cross_check"])
    )
    assert again["limits"] == SHIPPED["limits"]
    assert again["cross_verdict"] == SHIPPED["cross_verdict"]
    limits = load_limits()
    assert limits.max_width_excess == derived["region_width"]["max_excess"]


@pytest.mark.parametrize("row", sorted(p.name for p in TABLE1.glob("[0-9]*.toml")))
def test_published_factories_pass(row):
    """Every factory of Litinski (2019) Table 1 lies inside the checked ranges."""
    config = load_config(TABLE1 / row)
    assert check(config_design(config), config.noise) == []


def test_wide_region_refused_unless_allowed():
    row = TABLE1 / "06_15to1_17-7-7_p1e-3.toml"
    with pytest.raises(ConfigError) as refused:
        load_config(row, ["level1.region_width={top = 19}"])
    assert refused.value.field == "level1.region_width.top"
    assert "allow_outside_validity" in str(refused.value)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        config = load_config(
            row, ["level1.region_width={top = 19}", "noise.allow_outside_validity=true"]
        )
    assert [w.category for w in caught] == [ValidityWarning]
    assert config.level1.d.region_width == {"top": 19}
    load_config(row, ["level1.region_width={top = 17}"])  # = d_x: inside


def test_check_names_each_violation():
    """A short d_m step and a wide region of one level, at a rate where merges were checked;
    above every checked rate there is no d_m statement."""
    with pytest.warns(ValidityWarning, match=r"level1.d_m_step\[0\] = 1 < 3"):
        config = load_config(
            TABLE1 / "06_15to1_17-7-7_p1e-3.toml",
            [
                "level1.d_m_step=[1, 7, 7, 7, 7, 7]",
                "level1.region_width={bottom = 21}",
                "noise.allow_outside_validity=true",
            ],
        )
    spec = config.level1
    limits = Limits(max_width_excess=2, d_m=((2e-3, 3),))
    found = check(spec, NoiseModel(1e-3), limits, name="level1")
    assert [v.field for v in found] == ["level1.region_width.bottom", "level1.d_m_step[0]"]
    assert str(found[1]).startswith("level1.d_m_step[0] = 1 < 3")
    above = check(spec, NoiseModel(5e-3), limits, "level1")
    assert [v.field for v in above] == ["level1.region_width.bottom"]
    assert check(spec, NoiseModel(1e-3), Limits(4, ()), "level1") == []


def test_bad_limit_file(tmp_path):
    path = tmp_path / "v.toml"
    path.write_text('format = "msd-validity"\nversion = 1\n[limits]\n')
    with pytest.raises(ConfigError, match="missing or bad limit"):
        load_limits(path)
    path.write_text("format = [")
    with pytest.raises(ConfigError, match="cannot read"):
        load_limits(path)


def test_sweep_points_follow_the_limits_as_parse_config():
    """A swept d_m = 1 at p = 1e-4 (merges checked from d_m = 3) is skipped with the field
    parse_config names; with the flag every point is evaluated."""
    from estimator.studies import sweep

    row = TABLE1 / "01_15to1_7-3-3_p1e-4.toml"
    data = sweep.load_template(row)
    axes = [sweep.Axis("level1.d_m", (1, 3, 5))]
    result = sweep.run_sweep(data, axes)
    assert [r["vary.level1.d_m"] for r in result.records] == [3, 5]
    assert result.skipped == 1
    assert [m.split(":")[0] for _, m in result.examples] == ["level1.d_m"]
    with pytest.raises(ConfigError) as refused:
        load_config(row, ["level1.d_m=1"])
    assert refused.value.field == "level1.d_m"
    data["noise"] = {"allow_outside_validity": True}
    assert len(sweep.run_sweep(data, axes).records) == 3


def test_validity_fit_main_writes_a_loadable_file(tmp_path, monkeypatch):
    """The command that writes the shipped file (sampling replaced by the shipped rows)."""
    from estimator.calibration import validity_fit

    monkeypatch.setattr(validity_fit, "measure", lambda workers: SHIPPED["measurement"])
    monkeypatch.setattr(validity_fit, "measure_cross", lambda workers: SHIPPED["cross_check"])
    out = tmp_path / "v.toml"
    validity_fit.main([str(out), "1"])
    written = tomllib.loads(out.read_text())
    assert written["limits"] == SHIPPED["limits"]
    assert written["made"]["command"].endswith(f"{out} 1")
    assert load_limits(out).max_width_excess == load_limits().max_width_excess
    assert not (tmp_path / "v.toml.partial").exists()
