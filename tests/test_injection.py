"""State-injection calibration: circuit, fit, the shipped entries and p_t from a calibration."""

from __future__ import annotations

import json

import numpy as np
import pytest

from estimator.calibration import datafile
from estimator.calibration.circuit_noise import circuit_noise
from estimator.calibration.injection import injection_circuit, logical_y, prepared_basis
from estimator.calibration.injection_fit import (
    T_FROM_S,
    InjectionStat,
    fit_slope,
    injection_record,
    injection_stats,
)
from estimator.cli import main
from estimator.errors import ConfigError
from estimator.studies.config import estimate_config, parse_config

stim = pytest.importorskip("stim")


def _stat(variant: str, p: float, shots: int, errors: int) -> InjectionStat:
    """Statistics with ``errors`` S-state errors split evenly into X and Z frames."""
    return InjectionStat(
        variant, p, 3, 3, shots, 0, errors, errors // 2, 0, errors - errors // 2, 1.0
    )


FACTORY = {"p_phys": 1e-3, "level1": {"protocol": "15-to-1", "d_x": 7, "d_z": 3, "d_m": 3}}


@pytest.mark.parametrize("d", [3, 5])
@pytest.mark.parametrize("postselect", [0, 2])
def test_noiseless_injection_has_no_detection_events_and_no_error(d, postselect):
    """Without noise every detector is 0 and logical Y reads +1 on every shot: the Li (2015)
    preparation makes the first-round detectors deterministic and Y_L = Y_c X_col Z_row."""
    circuit = injection_circuit(circuit_noise("depolarizing", 1e-3), d, d, postselect)
    clean = circuit.without_noise()
    det, obs = clean.compile_detector_sampler(seed=7).sample(500, separate_observables=True)
    assert not det.any() and not obs.any()
    clean.detector_error_model()  # every detector and the observable deterministic, else raises


@pytest.mark.parametrize("pauli, observables", [("X", [1, 1]), ("Y", [0, 1]), ("Z", [1, 0])])
def test_a_pauli_on_the_injected_state_is_read_as_its_frame(pauli, observables):
    """One Pauli on the corner right after its S gate: observable 0 (Y_L X_r, the S state)
    flips for X and Z, observable 1 (Z_L Z_r) for X and Y, and no detector fires."""
    clean = injection_circuit(circuit_noise("depolarizing", 1e-3), 3, 3, 2).without_noise()
    faulty = stim.Circuit()
    for instruction in clean:
        faulty.append(instruction)
        if instruction.name == "S":
            faulty.append(f"{pauli}_ERROR", instruction.targets_copy(), 1.0)
    det, obs = faulty.compile_detector_sampler(seed=5).sample(10, separate_observables=True)
    assert not det.any() and (obs == observables).all()


def test_preparation_and_logical_y():
    """Corner Y, row and upper triangle |0>, column and lower triangle |+>; logical Y meets the
    preparation on every qubit of its support (so it reads +1 without noise)."""
    assert prepared_basis(0, 0) == "Y"
    assert [prepared_basis(x, 0) for x in range(1, 4)] == ["Z"] * 3
    assert [prepared_basis(0, y) for y in range(1, 4)] == ["X"] * 3
    assert prepared_basis(2, 1) == "Z" and prepared_basis(1, 2) == "X"
    for pauli, (x, y) in logical_y(5):
        assert prepared_basis((x - 1) // 2, (y - 1) // 2) == pauli
    assert len(logical_y(5)) == 9


def test_postselection_flags_the_first_rounds_only():
    """Detectors of the first ``postselect_rounds`` rounds carry a nonzero 4th coordinate."""
    circuit = injection_circuit(circuit_noise("depolarizing", 1e-3), 3, 3, 2)
    coords = circuit.get_detector_coordinates()
    flagged = {k for k, c in coords.items() if len(c) == 4 and c[3] != 0}
    rounds = {coords[k][2] for k in flagged}
    assert rounds == {0, 1} and len(flagged) == len([c for c in coords.values() if c[2] < 2])
    with pytest.raises(ValueError):
        injection_circuit(circuit_noise("depolarizing", 1e-3), 3, 3, 4)


def test_one_fault_before_protection_is_undetectable():
    """Injection is not fault tolerant: a single fault flips logical Y unseen (distance 1),
    which is why its error is linear in p (docs/model/injection.md)."""
    circuit = injection_circuit(circuit_noise("depolarizing", 1e-3), 5, 5, 2)
    assert len(circuit.shortest_graphlike_error()) == 1


def test_sampled_error_agrees_with_the_shipped_fit():
    """20,000 shots of the post-selected d = 3 circuit at p = 2e-3 (stim seed 11, pymatching):
    the error rate among kept shots lies within 4 binomial standard deviations (about 0.99999
    two-sided) of the shipped slope's p_S = c p."""
    pymatching = pytest.importorskip("pymatching")
    circuit = injection_circuit(circuit_noise("depolarizing", 2e-3), 3, 3, 2)
    det, obs = circuit.compile_detector_sampler(seed=11).sample(20_000, separate_observables=True)
    mask = np.zeros(circuit.num_detectors, dtype=bool)
    for k, c in circuit.get_detector_coordinates().items():
        mask[k] = len(c) == 4 and c[3] != 0
    kept = ~det[:, mask].any(axis=1)
    matching = pymatching.Matching.from_detector_error_model(
        circuit.detector_error_model(decompose_errors=True)
    )
    wrong = matching.decode_batch(det[kept])[:, 0] != obs[kept, 0]
    entry = datafile.read_record("depolarizing")["injection"]["variants"]["postselected"]
    expected = entry["slope"] * 2e-3
    n = int(kept.sum())
    assert abs(wrong.mean() - expected) < 4 * np.sqrt(expected * (1 - expected) / n)


def test_fit_recovers_an_exact_slope():
    """Errors exactly c p n: the fit returns c (to 1e-6), deviance 0, an interval around c."""
    stats = [_stat("postselected", p, 10**6, round(7.0 * p * 10**6)) for p in (5e-4, 1e-3, 2e-3)]
    fit = fit_slope(stats)
    assert fit.slope == pytest.approx(7.0, rel=1e-6)
    assert fit.deviance == pytest.approx(0.0, abs=1e-6) and fit.overdispersion == 1.0
    low, high = fit.interval
    assert low < 7.0 < high
    # the interval is where the likelihood drops by 1000: ln 1000 = z^2 / 2, z = 3.72 sigma
    sigma = 7.0 / np.sqrt(sum(s.errors for s in stats))
    assert high - low == pytest.approx(2 * np.sqrt(2 * np.log(1000)) * sigma, rel=0.05)


def test_fit_widens_its_interval_when_points_disagree():
    """Points at 5 p and 10 p: phi = deviance / (points - 1) > 1 widens the interval."""
    agree = [_stat("decoded", p, 10**6, round(7 * p * 10**6)) for p in (1e-3, 2e-3)]
    split = [_stat("decoded", 1e-3, 10**6, 5000), _stat("decoded", 2e-3, 10**6, 20000)]
    a, b = fit_slope(agree), fit_slope(split)
    assert b.overdispersion > 10
    assert np.log(b.interval[1] / b.interval[0]) > 3 * np.log(a.interval[1] / a.interval[0])
    with pytest.raises(ValueError):
        fit_slope([_stat("decoded", 1e-3, 100, 0)])


@pytest.mark.parametrize("name", ["depolarizing", "si1000"])
def test_shipped_injection_entries_reproduce_their_fit(name):
    """Refitting the stored statistics gives the stored slopes and intervals; each count of S
    errors is the X plus Z frames."""
    entry = datafile.read_record(name)["injection"]
    assert all(s.errors == s.x + s.z for s in injection_stats(entry))
    again = injection_record(injection_stats(entry), made=entry["made"])
    assert entry["t_from_s"] == T_FROM_S
    for variant, stored in entry["variants"].items():
        fit = again["variants"][variant]
        assert fit["slope"] == pytest.approx(stored["slope"], rel=1e-9)
        assert fit["slope_interval"] == pytest.approx(stored["slope_interval"], rel=1e-9)
        assert fit["pauli_over_s"] == stored["pauli_over_s"] and 1 < stored["pauli_over_s"] < 1.2


def test_p_t_from_the_calibration_and_unchanged_without_it():
    """[noise] injection = VARIANT sets p_t = 2 c p_phys (c at the bound); without it the
    calibrated model keeps p_t = p_phys, and the output error rises with p_t."""
    entry = datafile.read_record("depolarizing")["injection"]["variants"]
    base = {**FACTORY, "noise": {"model": "calibrated", "file": "depolarizing"}}
    plain = parse_config(base)
    assert float(plain.noise.p_t) == 1e-3
    for bound, index in (("best", None), ("low", 0), ("high", 1)):
        slope = (
            entry["postselected"]["slope"]
            if index is None
            else (entry["postselected"]["slope_interval"][index])
        )
        noise = {**base["noise"], "injection": "postselected", "bound": bound}
        config = parse_config({**base, "noise": noise})
        assert float(config.noise.p_t) == pytest.approx(T_FROM_S * slope * 1e-3, rel=1e-12)
    injected = parse_config({**base, "noise": {**base["noise"], "injection": "decoded"}})
    assert float(injected.noise.p_t) == pytest.approx(T_FROM_S * entry["decoded"]["slope"] * 1e-3)
    assert float(estimate_config(injected).p_out) > float(estimate_config(plain).p_out)


@pytest.mark.parametrize(
    "noise, extra, field",
    [
        ({"injection": "magic"}, {}, "noise.injection"),
        ({"injection": "decoded"}, {"p_t": 1e-3}, "p_t"),
        ({"injection": 3}, {}, "noise.injection"),
        ({"model": "phenomenological", "injection": "decoded"}, {}, "noise.injection"),
    ],
)
def test_bad_injection_settings(noise, extra, field):
    table = {"model": "calibrated", "file": "depolarizing", **noise}
    if table["model"] == "phenomenological":
        del table["file"]
    with pytest.raises(ConfigError) as error:
        parse_config({**FACTORY, **extra, "noise": table})
    assert error.value.field == field


def test_a_file_without_injection_is_refused(tmp_path):
    record = datafile.read_record("depolarizing")
    del record["injection"]
    path = tmp_path / "plain.json"
    path.write_text(json.dumps(record))
    table = {"model": "calibrated", "file": str(path), "injection": "postselected"}
    with pytest.raises(ConfigError, match="no injection calibration") as error:
        parse_config({**FACTORY, "noise": table})
    assert error.value.field == "noise.injection"


def test_msd_noise_shows_p_t(capsys):
    argv = ["noise", "depolarizing", "--p", "1e-3", "--d-x", "5", "--d-z", "3"]
    assert main([*argv, "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    slope = datafile.read_record("depolarizing")["injection"]["variants"]["postselected"]["slope"]
    assert record["p_t_postselected"] == pytest.approx(T_FROM_S * slope * 1e-3)
    low, high = record["p_t_postselected_interval"]
    assert low < record["p_t_postselected"] < high
    assert main(argv) == 0
    assert "p_t postselected" in capsys.readouterr().out


@pytest.mark.slow
def test_msd_calibrate_injection_adds_an_entry(tmp_path, capsys):
    """A tiny run adds an ``injection`` entry and leaves the channel fits as they were."""
    path = tmp_path / "dep.json"
    path.write_text(json.dumps(datafile.read_record("depolarizing") | {"injection": None}))
    argv = ["calibrate-injection", "depolarizing", "--p", "2e-3", "--d", "3", "--max-shots", "4000"]
    assert (
        main([*argv, "--max-errors", "50", "--workers", "1", "--quiet", "--into", str(path)]) == 0
    )
    record = datafile.read_record(str(path))
    assert record["fit"] == datafile.read_record("depolarizing")["fit"]
    assert set(record["injection"]["variants"]) == {"postselected", "decoded"}
    assert main([*argv, "--quiet", "--into", str(tmp_path / "missing.json")]) == 2
    assert (
        main(["calibrate-injection", "si1000", "--p", "2e-3", "--d", "3", "--into", str(path)]) == 2
    )


def test_a_sweep_over_p_phys_recomputes_p_t():
    """p_t = 2 c p follows p_phys point by point in a sweep (not the base config's p_t)."""
    from estimator.studies import sweep

    noise = {"model": "calibrated", "file": "depolarizing", "injection": "postselected"}
    data = {**FACTORY, "noise": noise}
    result = sweep.run_sweep(data, [sweep.Axis("p_phys", (5e-4, 2e-3))])
    for record, p in zip(result.records, (5e-4, 2e-3)):
        single = estimate_config(parse_config({**data, "p_phys": p}))
        assert record["p_out"] == pytest.approx(float(single.p_out), rel=1e-12)
