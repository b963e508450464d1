"""configs/haah2017: every printed value of 001 reproduced, config errors naming the field,
the protocols as stages of the cross-paper search."""

import json
from pathlib import Path

import numpy as np
import pytest

from estimator.cli import main
from estimator.codes.concat import CONVENTIONS, DEFAULT_STAGES, concatenate, stage
from estimator.codes.stochastic import ErrorPolynomial
from estimator.codes.triorthogonal import MATRIX_15_TO_1, TriorthogonalCode
from estimator.errors import ConfigError
from estimator.studies.haah2017 import (
    evaluate_hmeasure,
    hmeasure_record,
    load_hmeasure_config,
    shipped_stages,
)

DIR = Path(__file__).resolve().parents[1] / "configs" / "haah2017"
CONFIGS = sorted(DIR.glob("*.toml"))


def _record(name, *sets):
    return hmeasure_record(evaluate_hmeasure(load_hmeasure_config(DIR / name, sets)))


def test_every_printed_value_of_001_is_reproduced():
    """T counts, qubits, outputs, orders, the exact 35 and 1411 of App. C and Fig. 5.1's
    fitted prefactors (2 significant digits) and n_T / n_outer, and the CCZ protocol of
    Sec. 2 (144 T, 2 outputs, order 2): ours rounds to each."""
    rows = [row for path in CONFIGS for row in _record(path.name)["paper"]]
    assert len(rows) == 66
    assert [r for r in rows if not r["reproduced"]] == []
    fits = {r["paper"] for r in rows if r["quantity"] == "prefactor"}
    assert fits == {"35", "1.4e3", "45", "7.3e3", "3.9e3", "2.5e3", "4.9e4"}


def test_seven_one_three_is_15_to_1_to_every_order():
    """001 App. C: the [[7,1,3]] protocol and 15-to-1 have the same error polynomials, all of
    them (not only 35 eps^3): the counter on each circuit gives identical counts."""
    config = load_hmeasure_config(DIR / "01_7-1-3_trivial.toml", ["hmeasure.terms=4"])
    series = evaluate_hmeasure(config).series
    code = TriorthogonalCode(MATRIX_15_TO_1)
    assert series.acceptance == code.accepted_counts[: series.max_weight + 1]
    assert series.any_wrong == code.any_wrong_counts[: series.max_weight + 1]
    fifteen = _record("12_15-to-1.toml")
    assert fifteen["coefficients"]["marginal"][0] == 35 and fifteen["t_count"] == 15


def test_record_conventions_and_rates():
    record = _record("04_4-2-2_repetition.toml")
    assert record["coefficients"]["any"][0] == 45
    assert record["coefficients"]["marginal"][0] == 33
    assert record["coefficients"]["per_output"][0] == 22.5
    assert record["eps_out"] == pytest.approx(45e-6, rel=0.05)  # eps_in = 1e-3
    assert record["epsbar_out"] == pytest.approx(record["eps_out"] / (2 * record["acceptance"]))
    assert record["gamma"] == pytest.approx(np.log(9) / np.log(2))


@pytest.mark.parametrize(
    ("name", "sets", "field", "message"),
    [
        ("08_21-3-5_eq5.4.toml", ["hmeasure.order=6"], "order", "outer code is too weak"),
        ("03_7-1-3_to_17-1-5.toml", ["hmeasure.rounds.1.inner=7-1-3"], "order", "distance 3 < 5"),
        (
            "08_21-3-5_eq5.4.toml",
            ["hmeasure.rounds.0.inner=7-1-3"],
            "hmeasure.rounds[0].inner",
            "cannot implement a check of weight 3",
        ),
        (
            "04_4-2-2_repetition.toml",
            ["hmeasure.rounds.0.inner=15-7-3"],
            "hmeasure.rounds[0].inner",
            "k - weight even",
        ),
        ("01_7-1-3_trivial.toml", ["eps_in=0.7"], "eps_in", r"\(0, 0.5\)"),
        ("01_7-1-3_trivial.toml", ["eps_in=0"], "eps_in", r"\(0, 0.5\)"),
        ("01_7-1-3_trivial.toml", ["hmeasure.terms=9"], "terms", "1 to 4"),
        (
            "01_7-1-3_trivial.toml",
            ["hmeasure.rounds.0.readout=never"],
            "hmeasure.rounds[0].readout",
            "one of each, end",
        ),
        (
            "01_7-1-3_trivial.toml",
            ["hmeasure.rounds.0.resident=some"],
            "hmeasure.rounds[0].resident",
            "none or all",
        ),
        ("01_7-1-3_trivial.toml", ["label=a-b"], "label", "without '-'"),
        ("01_7-1-3_trivial.toml", ["hmeasure.depth=3"], "hmeasure.depth", "unknown key"),
        (
            "01_7-1-3_trivial.toml",
            ["hmeasure.rounds.0.checks=['10']"],
            "hmeasure.rounds[0]",
            "exactly one of outer",
        ),
    ],
)
def test_bad_configs_name_the_field(name, sets, field, message):
    with pytest.raises(ConfigError, match=message) as info:
        evaluate_hmeasure(load_hmeasure_config(DIR / name, sets))
    assert info.value.field.startswith(field)


def test_bad_rows(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('[hmeasure]\n[[hmeasure.rounds]]\ninner = "[[7,1,3]]"\nchecks = ["1", "12"]\n')
    with pytest.raises(ConfigError, match="row 2") as info:
        load_hmeasure_config(path)
    assert info.value.field == "hmeasure.rounds[0].checks"


def test_stages_and_conventions():
    """A 001 stage beside 000's: its three conventions (003 marginal, 002 any / k, 000
    any / (k p_s)) from the same counted polynomials."""
    extra = shipped_stages(DIR, labels={"001:4", "001:21"})
    four = extra["001:4"]
    eps = 1e-4
    accepted = four.acceptance(eps)
    any_wrong = four.any_wrong(eps) / accepted
    assert float(four.eps_out(eps, "002")) == pytest.approx(any_wrong / 2)
    assert float(four.eps_out(eps, "000")) == pytest.approx(any_wrong / (2 * accepted))
    assert float(four.eps_out(eps)) == pytest.approx(33 * eps**2, rel=0.01)
    row = concatenate("001:21-8", 1e-3, extra=extra)
    assert row.stages[0].eps_out == pytest.approx(1071e-15, rel=0.02)  # worst marginal 1071
    assert row.qubits == 22 + 11 and row.n_out == 24
    assert set(CONVENTIONS) == {"003", "000", "002"}


def test_search_across_the_papers(capsys):
    """`msd concat --search` over 000's stages and every 001 protocol: at eps_in = 1e-3 and
    target 1e-10 the [[7,1,3]] x 3 -> [[21,3,5]] pipeline is the cheapest sequence of all
    (one run of 87 T gates and states for 3 outputs); MEK then 15-to-1 the smallest."""
    args = ["concat", "--search", "--eps-in", "1e-3", "--target", "1e-10", "--format", "json"]
    assert main(args) == 0
    record = json.loads(capsys.readouterr().out)
    assert len(record["stages_searched"]) == len(DEFAULT_STAGES) + 11
    front = record["results"]
    assert front[0]["sequence"] == "001:21"
    assert front[0]["t_per_output"] == pytest.approx(31.6, abs=0.05)
    costs, qubits = [r["t_per_output"] for r in front], [r["qubits"] for r in front]
    assert costs == sorted(costs) and qubits == sorted(qubits, reverse=True)
    assert len(set(qubits)) == len(qubits) and front[-1]["sequence"] == "5-15"


def test_stage_polynomials_are_the_series():
    mek = stage("5")
    assert mek.qubits == 5 and stage("15").qubits == 5 and stage("6").qubits == 9
    twenty_one = shipped_stages(DIR, labels={"001:21"})["001:21"]
    assert twenty_one.n == 87 and twenty_one.k == 3 and twenty_one.qubits == 22
    assert isinstance(twenty_one.any_wrong, ErrorPolynomial)


def test_cli_concat_with_001_stages(capsys):
    assert main(["concat", "001:21-8", "--eps-in", "1e-3", "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["qubits"] == 33 and [s["name"] for s in record["stages"]] == ["001:21", "8"]
    config = str(DIR / "09_7-1-3x3_to_21-3-5.toml")
    args = ["concat", "--search", "--eps-in", "1e-3", "--target", "1e-10", "--format", "json"]
    assert main([*args, "--stages", f"5,15,20,{config}", "--convention", "000"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["results"][0]["sequence"] == "001:21"
    assert record["convention"].startswith("000/001")
    search = ["concat", "--search", "--eps-in", "1e-3", "--target", "1e-10", "--best", "2"]
    assert main([*search, "--stages", "5,15,20,30,001:21,001:17"]) == 0
    out = capsys.readouterr().out
    ranks = [line.split()[0] for line in out.splitlines() if line[:4].strip().isdigit()]
    assert "Pareto set" in out and "   1  001:21 " in out and ranks == ["1", "2"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["concat", "001:nope", "--eps-in", "1e-3"], "sequence"),
        (["concat", "--search", "--eps-in", "1e-3", "--target", "1e-9", "--stages", "5,001:x"], "--stages"),
        (["concat", "001:21", "--eps-in", "0.7"], "--eps-in"),
    ],
)  # fmt: skip
def test_cli_concat_errors(args, field, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"msd: error: {field}") and err.count("\n") == 1


def test_cli_estimate_and_table(capsys):
    assert main(["estimate", str(DIR / "03_7-1-3_to_17-1-5.toml"), "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["coefficients"]["any"][0] == 1411 and record["qubits"] == 18
    assert main(["estimate", str(DIR / "04_4-2-2_repetition.toml"), "--set", "eps_in=1e-4"]) == 0
    out = capsys.readouterr().out
    assert "45 eps^2" in out and "33 eps^2" in out and "prefactor" in out
    assert main(["table", str(DIR)]) == 0
    assert "001: 66 of 66 printed values reproduced" in capsys.readouterr().out
    assert main(["table", str(DIR), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["summary"]["001"] == {"reproduced": 66, "printed": 66}


@pytest.mark.parametrize(
    ("config", "args", "field"),
    [  # item 7 of issue 8: each bad input one line naming the field, exit 2
        ("08_21-3-5_eq5.4.toml", ["--set", "hmeasure.order=6"], "order"),  # outer too weak
        ("08_21-3-5_eq5.4.toml", ["--set", "hmeasure.rounds.0.inner=7-1-3"], "hmeasure.rounds[0].inner"),
        ("04_4-2-2_repetition.toml", ["--set", "hmeasure.rounds.0.inner=15-7-3"], "hmeasure.rounds[0].inner"),
        ("01_7-1-3_trivial.toml", ["--set", "eps_in=0.5"], "eps_in"),
        ("01_7-1-3_trivial.toml", ["--set", "eps_in=-1e-3"], "eps_in"),
        ("10_21-3-5_petersen.toml", ["--set", "hmeasure.terms=4", "--max-seconds", "0.05"], "hmeasure.terms"),
        ("01_7-1-3_trivial.toml", ["--set", "hmeasure.rounds.0.outer=nowhere"], "hmeasure.rounds[0].outer"),
    ],
)  # fmt: skip
def test_cli_bad_input(config, args, field, capsys):
    assert main(["estimate", str(DIR / config), *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith(f"msd: error: {field}")


@pytest.mark.parametrize("outer", ["eq5.4", "petersen"])
def test_counter_against_the_calculus_of_000(outer, tmp_path):
    """The pattern classes of 000 Eqs. (6)-(11) (estimator.codes.hhpw) on [[21,3,5]] checks:
    on Eq. (5.4) the two agree exactly; on the Petersen code they agree on every class but
    the logical one, where 000's Eq. (6) counts n_lonely 2^(d-1) c_log(d) (an upper bound:
    every weight-5 logical as if hidden) and the counter the 1008 that are."""
    from estimator.studies.hhpw_config import evaluate_config, load_protocol_config

    path = tmp_path / "p.toml"
    path.write_text(
        f'eps_in = 1e-3\n[protocol]\nouter = "{outer}"\ninputs = "raw"\ncorrection = 0\n'
        'execution = "parallel"\n[[protocol.rounds]]\nname = "all"\ninner = "[[21,3,5]]"\n'
    )
    calculus = evaluate_config(load_protocol_config(path))
    classes = {t.key.split(":")[0]: t.count for t in calculus.patterns.terms if t.order == 5}
    name = "08_21-3-5_eq5.4.toml" if outer == "eq5.4" else "10_21-3-5_petersen.toml"
    counted = _record(name)["coefficients"]["any"][0]
    if outer == "eq5.4":
        assert sum(classes.values()) == counted == 1428
    else:
        assert classes == {"hidden": 6615, "logical": 2016, "undetected": 12}
        assert counted == 6615 + 1008 + 12


def test_ccz_config_and_uniform_angle_noise(capsys):
    """The CCZ protocol of Sec. 2 through msd estimate; theta replaces eps_in by eps(theta)
    (Sec. 5.2) and is reported; it is no stage of msd concat (it consumes CCZ states)."""
    from estimator.codes.magic import uniform_angle_eps

    record = _record("13_ccz_3x4-2-2.toml", "theta=0.1")
    assert (record["t_count"], record["n_out"], record["order"], record["qubits"]) == (144, 2, 2, 13)
    assert record["state"] == "CCZ" and record["theta"] == 0.1 and record["gamma"] is None
    assert record["eps_in"] == uniform_angle_eps(0.1)
    assert "eps/7" in record["conventions"]["error_model"]
    assert "001:ccz" not in shipped_stages(DIR)
    assert main(["estimate", str(DIR / "13_ccz_3x4-2-2.toml"), "--set", "theta=0.05"]) == 0
    out = capsys.readouterr().out
    assert "+ 2 input CCZ states" in out and "uniform-angle noise, theta = 0.05" in out
    assert main(["estimate", str(DIR / "13_ccz_3x4-2-2.toml"), "--set", "theta=-1"]) == 2
    assert capsys.readouterr().err.startswith("msd: error: theta")
