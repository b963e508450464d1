"""Protocol configs (estimator.config.inner_outer), their records and the CLI, on stand-in
codes (the shipped Haah et al. 2018 configs are checked with the real codes in test_haah2018.py)."""

import csv
import io
import json

import pytest
from inner_outer_standins import BCH_31_11_5, BCH_31_21_3, STEANE, grid_vh

from estimator.cli import main
from estimator.config import inner_outer
from estimator.config.inner_outer import evaluate_config, load_protocol_config
from estimator.errors import ConfigError
from estimator.studies.inner_outer_report import printed_comparison, protocol_record, quantity

GRID = """
title = "grid"
eps_in = 1e-3

[protocol]
outer = "grid:11:v,h"
inputs = "raw"
correction = 1
magic_basis = "separated"

[[protocol.rounds]]
name = "vertical"
inner = "[[31,11,5]]"

[[protocol.rounds]]
name = "horizontal"
inner = "[[31,11,5]]"
"""


@pytest.fixture(autouse=True)
def stand_in_codes(monkeypatch):
    """Code specs resolve to stand-ins: "[[31,11,5]]", "[[31,21,3]]", "[[7,1,3]]", "grid:K:v,h"."""
    inner = {c.name: c for c in (BCH_31_11_5, BCH_31_21_3, STEANE)}

    def resolve_inner(spec, field):
        if spec not in inner:
            raise ConfigError(field, f"unknown inner code {spec!r}")
        return inner[spec]

    def resolve_outer(spec, field):
        kind, _, rest = spec.partition(":")
        if kind != "grid" or not rest.endswith(":v,h"):
            raise ConfigError(field, f"unknown outer code {spec!r}")
        return grid_vh(int(rest.split(":")[0]))

    monkeypatch.setattr(inner_outer, "_inner", resolve_inner)
    monkeypatch.setattr(inner_outer, "_outer", resolve_outer)


@pytest.fixture
def grid_config(tmp_path):
    path = tmp_path / "grid.toml"
    path.write_text(GRID)
    return path


def _write(tmp_path, text, name="c.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_config_to_record(grid_config):
    config = load_protocol_config(grid_config)
    assert [r.name for r in config.protocol.rounds] == ["vertical", "horizontal"]
    assert [r.n_checks for r in config.protocol.rounds] == [11, 11]  # equal shares
    record = protocol_record(config, evaluate_config(config))
    assert record["output_error_convention"].startswith("Haah et al. 2018, Eq. (1)")
    assert record["n_out"] == 121 and record["n_lonely"] == 11 and record["order"] == 4
    assert quantity(record, "count.undetected:4") == 3025
    assert quantity(record, "value.logical") == pytest.approx(11 * 16 * 186 * 1e-15)
    assert quantity(record, "value.corrected") == 0  # a class absent at these orders
    assert quantity(record, "vertical.p_fail") == pytest.approx(31e-6 + 1922e-6)
    assert quantity(record, "states_max.raw") == 121 + 22 * 62
    with pytest.raises(ConfigError, match="no quantity"):
        quantity(record, "vertical.nonsense")
    with pytest.raises(ConfigError, match="no error-term class"):
        quantity(record, "value.nonsense")


def test_set_overrides(grid_config):
    config = load_protocol_config(
        grid_config,
        ["eps_in=1e-4", "protocol.inputs=mek", "protocol.rounds.1.t_gates=mek"],
    )
    assert config.eps_in == 1e-4 and config.protocol.inputs.eps == pytest.approx(9e-8)
    assert config.protocol.rounds[1].t_gates.name == "mek"
    assert config.protocol.rounds[0].t_gates.eps == 1e-4


@pytest.mark.parametrize(
    ("sets", "field", "message"),
    [
        (["eps_in=0.5"], "eps_in", r"\(0, 0.5\)"),
        (["eps_in=0"], "eps_in", r"\(0, 0.5\)"),
        (["eps_in=-1e-3"], "eps_in", r"\(0, 0.5\)"),
        (["eps_in=high"], "eps_in", "number"),
        (["eps_check=0.7"], "eps_check", r"\(0, 0.5\)"),
        (["eps_in=0.3", "protocol.inputs=mek"], "protocol.inputs", "not below 0.5"),
        (["protocol.inputs=nope"], "protocol.inputs", "unknown source"),
        (["protocol.rounds.0.t_gates=concat:7"], "protocol.rounds[0].t_gates", "unknown stage"),
        (["protocol.order=5"], "protocol.order", "too weak for order 5"),
        (["protocol.correction=3"], "protocol.rounds[0].correction", "0, 1 or 2"),
        (['protocol.rounds.0.inner="[[7,1,3]]"'], "protocol.rounds[0].inner", "k >= weight"),
        (
            ["protocol.rounds.0.execution=restart", "protocol.rounds.1.execution=restart"],
            "protocol.rounds[1].execution",
            "pairwise disjoint",
        ),
        (["protocol.rounds.0.checks=5", "protocol.rounds.1.checks=5"], "protocol.rounds", "cover"),
        (["protocol.rounds.7.inner=x"], "protocol.rounds.7.inner", "2 rounds"),
        (["protocol.bogus=1"], "protocol.bogus", "unknown key"),
        (["nonsense"], "--set", "KEY=VALUE"),
    ],
)
def test_bad_input_names_the_field(grid_config, sets, field, message):
    with pytest.raises(ConfigError, match=message) as error:
        load_protocol_config(grid_config, sets)
    assert error.value.field == field


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("eps_in = 1e-3\n", "protocol"),
        (GRID.replace("eps_in = 1e-3", ""), "eps_in"),
        (GRID.replace('inputs = "raw"', 'inputs = "raw"\nextra = 1'), "protocol.extra"),
        (
            GRID.replace('name = "vertical"', 'name = "vertical"\nchecks = "all"'),
            "protocol.rounds[0].checks",
        ),
        (GRID.replace('outer = "grid:11:v,h"', 'outer = "grid:11:v"'), "protocol.outer"),
        (GRID.replace('name = "vertical"', 'name = "vertical"\nchecks = 30'), "protocol.rounds"),
    ],
)
def test_malformed_configs(tmp_path, text, field):
    with pytest.raises(ConfigError) as error:
        load_protocol_config(_write(tmp_path, text))
    assert error.value.field == field


def test_another_protocol_as_source(tmp_path, grid_config):
    """Inputs from another protocol: its epsbar_out per state, its order, its raw T per
    output (Haah et al. 2018, Sec. II); a config that feeds itself is refused."""
    sub = load_protocol_config(grid_config)
    sub_result = evaluate_config(sub)
    path = _write(
        tmp_path, GRID.replace('inputs = "raw"', 'inputs = "protocol:grid.toml"'), "top.toml"
    )
    config = load_protocol_config(path)
    source = config.protocol.inputs
    assert source.eps == pytest.approx(sub_result.epsbar_out)
    assert source.order == 4 and source.t_cost == pytest.approx(sub_result.nbar_t_per_output)
    loop = _write(
        tmp_path, GRID.replace('inputs = "raw"', 'inputs = "protocol:loop.toml"'), "loop.toml"
    )
    with pytest.raises(ConfigError, match="feeds itself") as error:
        load_protocol_config(loop)
    assert error.value.field == "protocol.inputs"


def test_concatenated_source(grid_config):
    config = load_protocol_config(grid_config, ["protocol.inputs=concat:15"])
    assert config.protocol.inputs.order == 3
    assert evaluate_config(config).book.nbar_t > 15 * 121


PAPER = """
[paper.table4]
n_out = "121"
epsbar_out = "1.0e-11"
[paper.text]
"count.undetected:4" = "3025"
acceptance = "0.5"
[paper.notes]
"table4.epsbar_out" = "a reason"
"""


def test_printed_comparison(tmp_path):
    config = load_protocol_config(_write(tmp_path, GRID + PAPER))
    record = protocol_record(config, evaluate_config(config))
    rows = {row["quantity"]: row for row in printed_comparison(record, config.paper)}
    assert rows["n_out"]["reproduced"] and rows["n_out"]["discrepancy"] is None
    assert rows["epsbar_out"]["discrepancy"].startswith("printed 1.0e-11, ours 3.3e-11")
    assert rows["epsbar_out"]["discrepancy"].endswith("a reason")
    assert rows["acceptance"]["discrepancy"].endswith("not explained")
    stale = PAPER.replace('"a reason"', '"a reason"\n"text.count.undetected:4" = "stale"')
    config = load_protocol_config(_write(tmp_path, GRID + stale))
    with pytest.raises(ConfigError, match="explains a value we reproduce"):
        printed_comparison(record, config.paper)


# ----------------------------------------------------------------- the command line


def test_cli_estimate_protocol(grid_config, capsys):
    assert main(["estimate", str(grid_config), "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    for key in ("eps_out", "epsbar_out", "nbar_out", "nbar_t", "terms", "rounds", "acceptance"):
        assert key in record
    assert record["output_error_convention"].startswith("Haah et al. 2018, Eq. (1)")
    assert main(["estimate", str(grid_config), "--set", "eps_in=1e-4"]) == 0
    text = capsys.readouterr().out
    assert "eps_in = 0.0001" in text and "undetected:4" in text and "Haah et al. 2018, Eq. (1)" in text
    assert main(["estimate", str(grid_config), "--format", "csv"]) == 0
    header, row = csv.reader(io.StringIO(capsys.readouterr().out))
    assert "epsbar_out" in header and len(row) == len(header) and "vertical.p_fail" in header


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["--set", "eps_in=0.6"], "eps_in"),
        (["--set", "protocol.rounds.0.inner=[[7,1,3]]"], "protocol.rounds[0].inner"),
        (["--set", "protocol.order=6"], "protocol.order"),
    ],
)
def test_cli_bad_input(grid_config, capsys, argv, field):
    assert main(["estimate", str(grid_config), *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith(f"msd: error: {field}:")


def test_cli_table_of_protocols(tmp_path, capsys):
    _write(tmp_path, GRID + PAPER.replace("acceptance", "n_check").replace('"0.5"', '"22"'))
    assert main(["table", str(tmp_path), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    rows = {row["quantity"]: row for row in document["rows"]}
    assert (
        rows["epsbar_out"]["where"] == "Table 4" and "a reason" in rows["epsbar_out"]["discrepancy"]
    )
    assert rows["n_check"]["discrepancy"] is None
    assert document["summary"]["Haah et al. 2018, Table 4"] == {"reproduced": 1, "printed": 2}
    assert main(["table", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "1.0e-11 *" in text and "Haah et al. 2018, Sec. VI: 2 of 2" in text


def test_cli_table_refuses_mixed_directories(tmp_path, capsys, one_level_config):
    _write(tmp_path, GRID)
    (tmp_path / "factory.toml").write_text(one_level_config.read_text())
    assert main(["table", str(tmp_path)]) == 2
    assert "mixes factory and protocol configs" in capsys.readouterr().err


def test_factory_verbs_refuse_protocol_configs(grid_config, capsys):
    assert main(["schedule", str(grid_config)]) == 2
    assert "inner/outer-code protocol config" in capsys.readouterr().err
