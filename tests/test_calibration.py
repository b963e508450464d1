"""Calibration: circuits against stim's own, the likelihood fit, the data file, the shipped
calibrations, and the calibrated noise model inside factories, sweeps and the CLI."""

import json
import warnings
from dataclasses import replace

import numpy as np
import pytest

from estimator.calibration import datafile
from estimator.calibration.circuit_noise import circuit_noise
from estimator.calibration.circuits import memory_circuit, stability_circuit
from estimator.calibration.fit import channel_points, fit_all
from estimator.calibration.models import calibrated, named_model, noise_from_table
from estimator.calibration.sampling import Plan, Stat, parse_distances
from estimator.cli import main
from estimator.config.factory import estimate_config, load_config, parse_config
from estimator.errors import ConfigError
from estimator.sim.noise import (
    CalibratedNoise,
    Calibration,
    ExtrapolationWarning,
    NoiseModel,
    RateFit,
)
from estimator.studies import sweep

stim = pytest.importorskip("stim")

UNIFORM = {
    "after_clifford_depolarization": 1e-3,
    "before_round_data_depolarization": 1e-3,
    "before_measure_flip_probability": 1e-3,
    "after_reset_flip_probability": 1e-3,
}


def _distance(circuit) -> int:
    return len(circuit.detector_error_model(decompose_errors=True).shortest_graphlike_error())


@pytest.mark.parametrize("d", [3, 5])
@pytest.mark.parametrize("basis", ["X", "Z"])
def test_square_memory_matches_stim_generated(d, basis):
    """Same detectors, same graphlike distance, and (same gates and noise) the same error
    mechanisms as stim's rotated_memory circuit."""
    ours = memory_circuit(circuit_noise("depolarizing", 1e-3), d, d, d, basis)
    theirs = stim.Circuit.generated(
        f"surface_code:rotated_memory_{basis.lower()}", distance=d, rounds=d, **UNIFORM
    )
    assert ours.num_detectors == theirs.num_detectors
    assert _distance(ours) == _distance(theirs) == d
    ours_dem = ours.detector_error_model(decompose_errors=True)
    theirs_dem = theirs.detector_error_model(decompose_errors=True)
    assert ours_dem.num_errors == theirs_dem.num_errors


@pytest.mark.parametrize(("d_x", "d_z"), [(5, 3), (3, 5), (7, 3)])
def test_rectangular_memory_distances(d_x, d_z):
    """Z-basis memory counts logical X errors (distance d_x), X-basis logical Z (d_z)."""
    noise = circuit_noise("si1000", 1e-3)
    assert _distance(memory_circuit(noise, d_x, d_z, 2, "Z")) == d_x
    assert _distance(memory_circuit(noise, d_x, d_z, 2, "X")) == d_z


@pytest.mark.parametrize(("width", "height", "rounds"), [(4, 4, 3), (4, 4, 5), (8, 4, 5)])
def test_stability_timelike_distance_is_rounds(width, height, rounds):
    circuit = stability_circuit(circuit_noise("depolarizing", 1e-3), width, height, rounds)
    assert _distance(circuit) == rounds
    circuit.detector_error_model()  # observable and detectors are deterministic (else raises)


def test_circuit_noise_models_and_bad_names():
    si = circuit_noise("si1000", 1e-3)
    assert (si.clifford_2q, si.clifford_1q, si.reset, si.measure) == pytest.approx(
        (1e-3, 1e-4, 2e-3, 5e-3)
    )
    assert (si.idle, si.idle_measure) == pytest.approx((1e-4, 2e-3))
    with pytest.raises(ConfigError, match="unknown circuit noise model"):
        circuit_noise("bitflip", 1e-3)
    with pytest.raises(ConfigError, match="stability patch"):
        stability_circuit(si, 3, 4, 3)
    with pytest.raises(ConfigError, match="--d"):
        parse_distances("4:4")


def _synthetic(prefactor: float, threshold: float, seed: int = 7) -> list[Stat]:
    """Binomial counts drawn from the ansatz itself on the plan's circuits."""
    rng = np.random.default_rng(seed)
    stats = []
    for m in Plan("depolarizing", (5e-4, 1e-3, 2e-3), (3, 5, 7)).metadata():
        p, rounds = m["p"], m["rounds"]
        if m["kind"] == "memory":
            x = m["basis"] == "Z"
            d, aspect = (m["d_x"], m["d_z"] / m["d_x"]) if x else (m["d_z"], m["d_x"] / m["d_z"])
            piece = 0.5 * aspect * prefactor * (p / threshold) ** ((d + 1) / 2)
            shot = (1 - (1 - 2 * piece) ** rounds) / 2
        else:
            area = m["width"] * m["height"]
            shot = 0.5 * area / rounds * prefactor * (p / threshold) ** ((rounds + 1) / 2)
        shots = int(min(1e7, 300 / shot))
        errors = int(rng.binomial(shots, shot))
        stats.append(
            Stat(
                **{k: m[k] for k in Stat.__dataclass_fields__ if k in m},
                shots=shots,
                errors=errors,
                seconds=0.0,
            )
        )
    return stats


def test_fit_recovers_the_ansatz_within_its_interval():
    stats = _synthetic(0.08, 0.009)
    for name, fit in fit_all(stats).items():
        rate = fit.rate
        assert rate.prefactor == pytest.approx(0.08, rel=0.3), name
        assert rate.threshold == pytest.approx(0.009, rel=0.1), name
        for p, d in ((1e-3, 5), (1e-4, 25)):  # inside and far outside the sampled range
            truth = 0.08 * (p / 0.009) ** ((d + 1) / 2)
            assert rate.rate(p, d, "low") <= truth <= rate.rate(p, d, "high"), (name, d)
        assert fit.deviance < 3 * fit.points  # the ansatz describes its own samples


def test_fit_points_select_the_right_statistics():
    stats = _synthetic(0.1, 0.01)
    assert len(channel_points(stats, "square").p) == 3 * 3 * 2
    x = channel_points(stats, "x")
    assert set(x.distance) == {3.0, 5.0, 7.0} and np.all(x.rounds >= 9)
    assert set(channel_points(stats, "timelike").rounds) == {1.0}


def _record(tmp_path, stats=None, **changes):
    plan = Plan("depolarizing", (5e-4, 1e-3, 2e-3), (3, 5, 7))
    record = datafile.calibration_record(
        plan, stats or _synthetic(0.08, 0.009), max_shots=10**7, max_errors=300, wall_seconds=1.0
    )
    record.update(changes)
    path = tmp_path / "cal.json"
    datafile.write_calibration(path, record)
    return path, record


def test_data_file_round_trip_and_refit(tmp_path):
    path, record = _record(tmp_path)
    calibration = datafile.load_calibration(str(path))
    assert calibration.p_range == (5e-4, 2e-3) and calibration.d_range == (3, 7)
    assert calibration.x.prefactor == record["fit"]["channels"]["x"]["prefactor"]
    refit = datafile.refit(json.loads(path.read_text()))
    for name, channel in refit.items():
        stored = record["fit"]["channels"][name]
        assert channel["prefactor"] == pytest.approx(stored["prefactor"], rel=1e-9)
        assert channel["threshold"] == pytest.approx(stored["threshold"], rel=1e-9)


@pytest.mark.parametrize("name", ["depolarizing", "si1000"])
def test_shipped_calibration_reproduces_its_fit(name):
    """The shipped file's statistics, fitted again, give the stored constants; it states how
    it was made; every point and fit is consistent with the ansatz (deviance per point)."""
    record = datafile.read_record(name)
    assert record["noise"] == name
    made = record["made"]
    assert made["shots"] == sum(s["shots"] for s in record["stats"]) > 10**7
    assert made["errors"] == sum(s["errors"] for s in record["stats"]) > 10**4
    assert made["seconds"] > 0 and made["tools"]["stim"]
    for channel, fit in datafile.refit(record).items():
        stored = record["fit"]["channels"][channel]
        for key in ("prefactor", "threshold"):
            assert fit[key] == pytest.approx(stored[key], rel=1e-6), (channel, key)
            low, high = stored[f"{key}_interval"]
            assert low < stored[key] < high


def test_calibrated_noise_in_a_factory(tmp_path):
    """Rates come from the fits, the default model is untouched, sweeps keep the model."""
    path, _ = _record(tmp_path)
    data = {
        "p_phys": 1e-3,
        "noise": {"model": "calibrated", "file": str(path)},
        "level1": {"protocol": "15-to-1", "d_x": 7, "d_z": 3, "d_m": 3},
    }
    config = parse_config(data)
    assert isinstance(config.noise, CalibratedNoise)
    cal = config.noise.calibration
    p_x, p_z = config.noise.spacelike(7, 3)
    assert float(p_x) == pytest.approx(
        0.5 * 3 / 7 * cal.x.prefactor * (1e-3 / cal.x.threshold) ** 4
    )
    assert float(p_z) == pytest.approx(
        0.5 * 7 / 3 * cal.z.prefactor * (1e-3 / cal.z.threshold) ** 2
    )
    calibrated = estimate_config(config)
    default = estimate_config(parse_config({**data, "noise": {}}))
    assert float(calibrated.p_out) != float(default.p_out)
    high = estimate_config(replace(config, noise=replace(config.noise, bound="high")))
    low = estimate_config(replace(config, noise=replace(config.noise, bound="low")))
    assert float(low.p_out) < float(calibrated.p_out) < float(high.p_out)
    result = sweep.run_sweep(data, [sweep.Axis("p_phys", (1e-3, 2e-3))])
    assert result.records[0]["p_out"] == pytest.approx(float(calibrated.p_out), rel=1e-12)


def test_calibration_with_002_constants_is_the_phenomenological_model(table1_dir):
    """All four channels at A = 0.1, p_th = 0.01: every Table 1 row as under Litinski 2019's model
    (the geometric factors are docs/model/; only the order of float operations differs)."""
    litinski = RateFit(0.1, 0.01)
    calibration = Calibration("002", litinski, litinski, litinski, litinski, (1e-4, 1e-3), (3, 41))
    for path in sorted(table1_dir.glob("[0-9]*.toml")):
        config = load_config(path)
        noise = calibrated(calibration, config.noise.p_phys, None, "pauli", "best", False)
        ours = estimate_config(replace(config, noise=noise))
        assert float(ours.p_out) == pytest.approx(float(estimate_config(config).p_out), rel=1e-12)


def test_conventions_and_default_constants():
    assert noise_from_table({}, 1e-3, None) == NoiseModel(1e-3)
    beverland = noise_from_table({"convention": "beverland2022"}, 1e-3, None)
    assert (beverland.prefactor, beverland.threshold) == (0.03, 0.01)
    assert named_model("gidney-fowler2018", 1e-3).prefactor == 0.1
    data = {"p_phys": 1e-4, "level1": {"protocol": "15-to-1", "d_x": 9, "d_z": 3, "d_m": 3}}
    ours = estimate_config(parse_config(data))
    theirs = estimate_config(parse_config({**data, "noise": {"convention": "beverland2022"}}))
    # the "five-fold": 4.91 for (15-to-1)_{9,3,3} at p = 1e-4 (logical terms / 3.33)
    assert float(ours.p_out) / float(theirs.p_out) == pytest.approx(4.91, abs=0.01)


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ({"model": "exact"}, "noise.model"),
        ({"convention": "azure"}, "noise.convention"),
        ({"convention": "beverland2022", "prefactor": 0.1}, "noise.prefactor"),
        ({"model": "calibrated"}, "noise.file"),
        ({"model": "calibrated", "file": "nonesuch"}, "noise.file"),
        ({"model": "calibrated", "file": "si1000", "prefactor": 0.1}, "noise.prefactor"),
        ({"file": "si1000"}, "noise.file"),
        ({"model": "calibrated", "file": "si1000", "bound": "mid"}, "noise.bound"),
        ({"model": "calibrated", "file": "si1000", "extrapolate": 1}, "noise.extrapolate"),
    ],
)
def test_bad_noise_tables(table, field):
    with pytest.raises(ConfigError) as error:
        noise_from_table(table, 1e-3, None)
    assert error.value.field == field


def test_extrapolation_is_refused_unless_asked():
    with pytest.raises(ConfigError, match="outside the sampled range"):
        named_model("depolarizing", 1e-5)
    noise = named_model("depolarizing", 1e-3)
    with pytest.raises(ConfigError, match="fitted distance range"):
        noise.spacelike(41, 17)
    with pytest.warns(ExtrapolationWarning):
        named_model("depolarizing", 1e-5, extrapolate=True)
    wide = named_model("depolarizing", 1e-3, extrapolate=True)
    with pytest.warns(ExtrapolationWarning):
        wide.timelike(41 * 17, 17)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        noise.timelike(15, 5)  # inside the ranges: silent


def test_msd_noise_json(capsys):
    assert (
        main(["noise", "si1000", "--p", "1e-3", "--d-x", "5", "--d-z", "3", "--format", "json"])
        == 0
    )
    record = json.loads(capsys.readouterr().out)
    for key in ("p_x_per_cycle", "p_z_per_cycle", "p_timelike_per_cycle"):
        low, high = record[f"{key}_interval"]
        assert 0 < low < record[key] < high
    assert (
        main(
            [
                "noise",
                "phenomenological",
                "--p",
                "1e-3",
                "--d-x",
                "9",
                "--d-z",
                "9",
                "--format",
                "json",
            ]
        )
        == 0
    )
    record = json.loads(capsys.readouterr().out)
    half = 0.5 * 0.1 * 0.1**5
    assert record["p_x_per_cycle"] == record["p_z_per_cycle"] == pytest.approx(half)
    assert record["p_timelike_per_cycle"] == pytest.approx(half)  # d_m = d_x: a 9^3 block


def _exit_2(argv, fragment, capsys):
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert fragment in captured.err and captured.err.count("\n") == 1


def test_msd_noise_bad_input(tmp_path, capsys):
    base = ["--p", "1e-3", "--d-x", "5", "--d-z", "3"]
    _exit_2(["noise", "gaussian", *base], "MODEL", capsys)
    _exit_2(["noise", "si1000", "--p", "1e-2", "--d-x", "5", "--d-z", "3"], "p_phys", capsys)
    _exit_2(["noise", "si1000", "--p", "1e-3", "--d-x", "41", "--d-z", "3"], "d:", capsys)
    _exit_2(["noise", "si1000", *base, "--d-m", "4"], "--d-m", capsys)
    truncated = tmp_path / "cut.json"
    truncated.write_text(datafile.DATA_DIR.joinpath("si1000.json").read_text()[:500])
    _exit_2(["noise", str(truncated), *base], "truncated", capsys)
    wrong = tmp_path / "wrong.json"
    record = datafile.read_record("si1000")
    del record["fit"]["channels"]["timelike"]
    wrong.write_text(json.dumps(record))
    _exit_2(["noise", str(wrong), *base], "fit.channels.timelike", capsys)
    assert (
        main(["noise", "si1000", "--p", "1e-4", "--d-x", "41", "--d-z", "3", "--extrapolate"]) == 0
    )
    captured = capsys.readouterr()
    assert captured.err.startswith("msd: warning:") and "logical X" in captured.out


def test_msd_calibrate_bad_input(tmp_path, capsys):
    out = str(tmp_path / "c.json")
    _exit_2(["calibrate", "bitflip", "--p", "1e-3", "--d", "3:5", "-o", out], "NOISE", capsys)
    _exit_2(["calibrate", "si1000", "--p", "1e-3,x", "--d", "3:5", "-o", out], "--p", capsys)
    _exit_2(["calibrate", "si1000", "--p", "1e-3", "--d", "4", "-o", out], "--d", capsys)
    _exit_2(
        ["calibrate", "si1000", "--p", "1e-3", "--d", "3", "--workers", "0", "-o", out],
        "--workers",
        capsys,
    )


@pytest.mark.slow
def test_tiny_calibration_feeds_msd_estimate(tmp_path, capsys):
    """msd calibrate runs small (sinter, pymatching) and writes a file msd estimate accepts."""
    out = tmp_path / "tiny.json"
    argv = ["calibrate", "depolarizing", "--p", "2e-3,4e-3", "--d", "3:5", "--max-shots", "20000"]
    assert main([*argv, "--max-errors", "100", "--workers", "1", "--quiet", "-o", str(out)]) == 0
    record = datafile.read_record(str(out))
    assert record["made"]["shots"] > 0 and not (tmp_path / "tiny.json.partial.csv").exists()
    config = tmp_path / "factory.toml"
    config.write_text(
        f'p_phys = 2e-3\n[noise]\nmodel = "calibrated"\nfile = "{out}"\n'
        '[level1]\nprotocol = "15-to-1"\nd_x = 5\nd_z = 3\nd_m = 3\n'
    )
    capsys.readouterr()
    assert main(["estimate", str(config), "--format", "json"]) == 0
    assert 0 < json.loads(capsys.readouterr().out)["p_out"] < 1
