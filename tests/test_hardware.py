"""Hardware time: profiles with sources, wall-clock figures, factories for a T-state demand."""

import json
import math

import pytest

from estimator.cli import main
from estimator.config.hardware import PROFILES, factory_time, parse_hardware
from estimator.errors import ConfigError


def test_profiles_cite_their_source():
    assert PROFILES["superconducting"].cycle_time_us == 1.0
    for profile in PROFILES.values():
        assert profile.cycle_time_us > 0 and "arXiv" in profile.source


def test_times_and_factories():
    """A factory of 100 qubits taking 50 cycles per run and giving 4 outputs (4 T states):
    at 2 us per cycle a run takes 100 us, so 40,000 T states per second; 1e6 T states per
    second need 25 factories, 2,500 qubits, 0.25 % of a 1e6-qubit machine."""
    hardware = parse_hardware({"cycle_time_us": 2, "needed_t_per_s": 1e6, "machine_qubits": 1e6})
    timing = factory_time(hardware, cycles=50.0, qubits=100.0, outputs=4, t_count_per_run=4)
    assert timing.run_time_us == 100 and timing.outputs_per_s == pytest.approx(4e4)
    assert timing.t_per_s == pytest.approx(4e4) and timing.time_per_t_us == 25
    assert timing.time_per_output_us == 25
    assert timing.factories == 25 and timing.factory_qubits == 2500
    assert timing.machine_fraction == pytest.approx(2.5e-3)


def test_demand_from_t_count_and_budget():
    hardware = parse_hardware(
        {"profile": "superconducting", "t_count": 3.6e9, "time_budget_s": 3600}
    )
    assert hardware.needed_t_per_s == 1e6
    ccz = factory_time(hardware, cycles=30.0, qubits=1e4, outputs=1, t_count_per_run=4)
    assert ccz.t_per_s == pytest.approx(4 / 30e-6) and ccz.factories == math.ceil(1e6 / (4 / 30e-6))


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ({"profile": "warp-drive"}, "hardware.profile"),
        ({"profile": 3}, "hardware.profile"),
        ({"cycle_time_us": 0}, "hardware.cycle_time_us"),
        ({"cycle_time_us": "fast"}, "hardware.cycle_time_us"),
        ({"cycle_time_us": float("inf")}, "hardware.cycle_time_us"),
        ({"machine_qubits": 10}, "hardware"),
        ({"profile": "superconducting", "t_count": 5}, "hardware.time_budget_s"),
        ({"profile": "superconducting", "needed_t_per_s": 1, "t_count": 5}, "hardware.t_count"),
        ({"profile": "superconducting", "machine_qubits": -1}, "hardware.machine_qubits"),
        ({"profile": "superconducting", "qubits": 1}, "hardware.qubits"),
    ],
)
def test_bad_hardware_tables(table, field):
    with pytest.raises(ConfigError) as info:
        parse_hardware(table)
    assert str(info.value).startswith(f"{field}:")


def test_estimate_reports_hardware_time(one_level_config, capsys):
    sets = ["--set", "hardware.profile=google-willow", "--set", "hardware.needed_t_per_s=1e5"]
    assert main(["estimate", str(one_level_config), *sets, "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["inputs"]["hardware"] == {
        "profile": "google-willow",
        "cycle_time_us": 1.1,
        "needed_t_per_s": 1e5,
    }
    assert record["run_time_us"] == pytest.approx(record["cycles"] * 1.1, rel=1e-15)
    assert record["factories"] == math.ceil(1e5 / record["t_per_s"])
    assert "Nature 638" in record["cycle_time_source"]
    assert main(["estimate", str(one_level_config), *sets]) == 0
    assert "T states per second" in capsys.readouterr().out
    assert main(["estimate", str(one_level_config), "--set", "hardware.profile=x"]) == 2
    assert capsys.readouterr().err.startswith("msd: error: hardware.profile:")
