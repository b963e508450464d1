"""estimator.export and ``msd export``: Qualtran and Azure round trips where installed."""

import dataclasses
import importlib.util
import json
import math

import pytest

from estimator.cli import main
from estimator.config.factory import estimate_config, load_config
from estimator.errors import ModelError
from estimator.export.azure import distillation_unit, estimator_params
from estimator.export.summary import FactorySummary, load_summary, summarize

HAS_QUALTRAN = importlib.util.find_spec("qualtran") is not None
HAS_QDK = importlib.util.find_spec("qdk") is not None


@pytest.fixture(scope="module")
def summary(request) -> FactorySummary:
    path = request.config.rootpath / "configs" / "litinski2019" / "02_15to1_9-3-3_p1e-4.toml"
    config = load_config(path)
    return summarize(config, estimate_config(config))


def test_summary_is_the_estimate(summary, table1_dir):
    config = load_config(table1_dir / "02_15to1_9-3-3_p1e-4.toml")
    estimate = estimate_config(config)
    assert summary.p_out == float(estimate.p_out) and summary.p_fail == float(estimate.p_fail)
    assert summary.qubits == math.ceil(float(estimate.qubits)) and summary.cycles == float(
        estimate.cycles
    )
    assert (summary.outputs, summary.state, summary.inputs, summary.p_phys) == (1, "T", 15, 1e-4)
    assert math.isclose(summary.cycles_per_attempt, 6 * 3, rel_tol=1e-12)  # 6 steps of d_m


def test_two_level_and_ccz_summaries(table1_dir):
    config = load_config(table1_dir / "04_15to1x20to4_9-3-3_15-7-9_p1e-4.toml")
    s = summarize(config, estimate_config(config))
    assert (s.outputs, s.state, s.inputs) == (4, "T", 20 * 15)
    config = load_config(table1_dir / "14_15to1x8toCCZ_7-3-3_15-7-9_p1e-4.toml")
    s = summarize(config, estimate_config(config))
    assert (s.outputs, s.state) == (1, "CCZ")
    with pytest.raises(ModelError, match="output T states"):
        distillation_unit(s, qubit_cycles_per_code_cycle=8)


def test_cli_export_qualtran_writes_the_summary(summary, table1_dir, tmp_path, capsys):
    out = tmp_path / "factory.json"
    assert (
        main(
            [
                "export",
                str(table1_dir / "02_15to1_9-3-3_p1e-4.toml"),
                "--to",
                "qualtran",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert load_summary(out) == summary


def test_azure_unit_fields(summary):
    with pytest.raises(ModelError, match="at least 10x the Clifford error rate"):
        distillation_unit(summary, qubit_cycles_per_code_cycle=8)  # p_t = p_phys
    summary = dataclasses.replace(summary, p_t=10 * summary.p_phys)
    unit = distillation_unit(summary, qubit_cycles_per_code_cycle=8)
    assert unit["numInputTs"] == 15 and unit["numOutputTs"] == 1
    assert float(unit["outputErrorRateFormula"]) == summary.p_out
    assert float(unit["failureProbabilityFormula"]) == summary.p_fail
    assert unit["physicalQubitSpecification"] == {
        "numUnitQubits": summary.qubits,
        "durationInQubitCycleTime": math.ceil(summary.cycles_per_attempt * 8),
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "azure"], "--qubit-cycles-per-code-cycle: needed with --to azure"),
        (["--to", "azure", "--qubit-cycles-per-code-cycle", "0"], "must be positive"),
    ],
)
def test_cli_export_errors(table1_dir, tmp_path, capsys, args, message):
    config = str(table1_dir / "02_15to1_9-3-3_p1e-4.toml")
    assert main(["export", config, *args, "-o", str(tmp_path / "x.json")]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.err.count("\n") == 1 and captured.out == ""


def test_cli_export_azure_ccz_is_refused(table1_dir, tmp_path, capsys):
    config = str(table1_dir / "14_15to1x8toCCZ_7-3-3_15-7-9_p1e-4.toml")
    args = ["export", config, "--to", "azure", "--qubit-cycles-per-code-cycle", "8"]
    assert main([*args, "-o", str(tmp_path / "x.json")]) == 2
    assert "outputs CCZ states" in capsys.readouterr().err


QDK_QUBITS = {1e-3: "qubit_gate_ns_e3", 1e-4: "qubit_gate_ns_e4"}
"""The estimator's predefined gate-based qubits whose Clifford error rate is p_phys."""
T_ROWS = [
    "01_15to1_7-3-3_p1e-4.toml",
    "02_15to1_9-3-3_p1e-4.toml",
    "03_15to1_11-5-5_p1e-4.toml",
    "04_15to1x20to4_9-3-3_15-7-9_p1e-4.toml",
    "05_15to1x15to1_9-3-3_25-9-9_p1e-4.toml",
    "06_15to1_17-7-7_p1e-3.toml",
    "07_15to1x20to4_13-5-5_23-11-13_p1e-3.toml",
    "09_15to1x15to1_11-5-5_25-11-11_p1e-3.toml",
]


@pytest.mark.parametrize("row", T_ROWS)
def test_azure_export_at_p_t_equal_p_phys_is_refused(row, table1_dir, tmp_path, capsys):
    """Issue 21: the estimator panicked on our file at p = 1e-3 (its physical units need a T
    error >= 10x the Clifford error; with none left it indexes an empty list). Refused."""
    out = tmp_path / "unit.json"
    args = ["export", str(table1_dir / row), "--to", "azure", "--qubit-cycles-per-code-cycle", "8"]
    assert main([*args, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "10x the Clifford error rate" in err and not out.exists()


@pytest.mark.skipif(not HAS_QDK, reason="qdk (Microsoft's resource estimator) is not installed")
@pytest.mark.parametrize("row", T_ROWS)
def test_azure_round_trip(row, table1_dir, tmp_path, capsys):
    """Every exported Table 1 T factory, costed with p_t = 10 p_phys, loads into the estimator
    on its predefined qubits of Clifford error p_phys with tGateErrorRate = p_t, which builds
    its T factory from our unit: our qubits, our output error, our duration in its physical
    qubit cycles."""
    from qdk.estimator import LogicalCounts

    path = table1_dir / row
    config = load_config(path)
    p_phys = float(config.noise.p_phys)
    sets = ["--set", f"p_t={10 * p_phys!r}"]
    out = tmp_path / "unit.json"
    args = ["export", str(path), *sets, "--to", "azure", "--qubit-cycles-per-code-cycle", "8"]
    assert main([*args, "-o", str(out)]) == 0
    capsys.readouterr()
    params = json.loads(out.read_text())
    config = load_config(path, [f"p_t={10 * p_phys!r}"])
    summary = summarize(config, estimate_config(config))
    assert params == estimator_params(summary, qubit_cycles_per_code_cycle=8)
    # few T gates: the factory's p_out must meet the estimator's T error (else it asks for a
    # second round, and a physical unit cannot be one: it panics)
    counts = LogicalCounts({"numQubits": 10, "tCount": 10, "measurementCount": 10})
    params.update(
        qubitParams={"name": QDK_QUBITS[p_phys], "tGateErrorRate": 10 * p_phys},
        qecScheme={"name": "surface_code"},
        errorBudget=0.01,
    )
    result = counts.estimate(params)
    factory = result["tfactory"]
    unit = params["distillationUnitSpecifications"][0]
    duration = unit["physicalQubitSpecification"]["durationInQubitCycleTime"]
    assert factory["unitNamePerRound"] == [summary.name] and factory["numRounds"] == 1
    assert factory["codeDistancePerRound"] == [1]  # a physical unit
    units = factory["numUnitsPerRound"][0]
    assert factory["physicalQubits"] == units * summary.qubits
    assert factory["logicalErrorRate"] == summary.p_out
    assert factory["runtime"] % duration == 0  # duration x the qubit's cycle time (ns)


def test_three_level_export_counts_the_inputs_of_every_level(table1_dir, tmp_path):
    """Issue 21: a three-level factory was exported with the input count of two levels."""
    text = (table1_dir / "09_15to1x15to1_11-5-5_25-11-11_p1e-3.toml").read_text()
    text = text.split("# The values")[0]
    text += 'count = 2\n[level3]\nprotocol = "15-to-1"\nd_x = 31\nd_z = 13\nd_m = 13\n'
    path = tmp_path / "three.toml"
    path.write_text(text)
    config = load_config(path, ["level3.consumption=deferred"])  # in-step q1 leaves too early
    summary = summarize(config, estimate_config(config))
    rotations = len(config.level1.protocol.rotations)  # 15-to-1 at every level, one output
    assert summary.inputs == rotations**3


@pytest.mark.skipif(
    not HAS_QUALTRAN, reason="qualtran is not installed (optional extra, not in CI)"
)
def test_qualtran_round_trip(summary, tmp_path):
    """A Qualtran MagicStateFactory from the exported summary: qubits, cycles and error for a
    GateCounts, also inside Qualtran's MultiFactory; asked at another p it refuses."""
    from qualtran.resource_counting import GateCounts
    from qualtran.surface_code import LogicalErrorModel, MagicStateFactory, MultiFactory, QECScheme

    from estimator.export.qualtran import qualtran_factory

    path = tmp_path / "factory.json"
    path.write_text(summary.to_json())
    factory = qualtran_factory(load_summary(path))
    assert isinstance(factory, MagicStateFactory)
    model = LogicalErrorModel(qec_scheme=QECScheme.make_gidney_fowler(), physical_error=1e-4)
    gates = GateCounts(t=100, toffoli=10)  # 140 T states
    assert factory.n_physical_qubits() == summary.qubits
    assert factory.n_cycles(gates, model) == math.ceil(140 * summary.cycles)
    assert math.isclose(factory.factory_error(gates, model), 140 * summary.p_out, rel_tol=1e-12)
    multi = MultiFactory(base_factory=factory, n_factories=4)
    assert multi.n_physical_qubits() == 4 * summary.qubits
    assert multi.n_cycles(gates, model) == math.ceil(math.ceil(140 * summary.cycles) / 4)
    other = LogicalErrorModel(qec_scheme=QECScheme.make_gidney_fowler(), physical_error=1e-3)
    with pytest.raises(ModelError, match="p_phys=0.001"):
        factory.n_cycles(gates, other)
