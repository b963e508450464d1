"""``msd concat`` and ``msd code check``: JSON contracts and one-line errors with exit 2."""

import json

import pytest
from reference_data import NO_SIGN_FLIP_MATRIX

from estimator.cli import main
from estimator.codes.triorthogonal import MATRIX_15_TO_1, bh_family_matrix


def _error_line(capsys) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("msd: error: ")
    return captured.err


@pytest.fixture
def fifteen(tmp_path):
    path = tmp_path / "fifteen.txt"
    path.write_text("# 15-to-1 (5 x 15)\n\n" + "\n".join(f"{r}  # row" for r in MATRIX_15_TO_1))
    return path


def test_concat_json(capsys):
    assert main(["concat", "6-22-54", "--eps-in", "1e-3", "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    for key in ("eps_out", "t_per_output", "n_out", "space", "stages", "convention"):
        assert key in record
    # Haah et al. 2018, Table 5 row 6-22-54: n_out 7128, 47 T per output (rounded), space 3.3e5.
    assert record["n_out"] == 7128 and round(record["t_per_output"]) == 47
    assert record["space"] == 26 * 74 * 170
    assert [s["name"] for s in record["stages"]] == ["6", "22", "54"]
    assert record["convention"].startswith("003 (Bravyi and Haah 2012): worst marginal")


def test_concat_table(capsys):
    assert main(["concat", "15-5", "--eps-in", "1e-3"]) == 0
    out = capsys.readouterr().out
    assert "sequence 15-5" in out and "T per output 76.13" in out


def test_concat_search_json(capsys):
    args = ["concat", "--search", "--eps-in", "1e-3", "--target", "1e-13", "--max-stages", "3"]
    assert main([*args, "--best", "3", "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert len(record["results"]) == 3 and record["target"] == 1e-13
    costs = [r["t_per_output"] for r in record["results"]]
    assert costs == sorted(costs) and costs[0] <= 47.2  # Haah et al. 2018, Table 5: 6-22-54 costs 47.16
    assert all(r["eps_out"] <= 1e-13 for r in record["results"])


def test_concat_search_table_with_a_stage_set(capsys):
    args = ["concat", "--search", "--eps-in", "1e-3", "--target", "1.2e-14", "--stages", "5,15"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "   1  15-5 " in captured.out
    assert captured.err == ""  # no progress bar when stderr is not a terminal


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["concat", "7-22", "--eps-in", "1e-3"], "sequence"),
        (["concat", "6", "--eps-in", "0.7"], "--eps-in"),
        (["concat", "6", "--eps-in", "0"], "--eps-in"),
        (["concat", "--eps-in", "1e-3"], "SEQUENCE"),
        (["concat", "6", "--search", "--eps-in", "1e-3", "--target", "1e-9"], "SEQUENCE"),
        (["concat", "--search", "--eps-in", "1e-3"], "--target"),
        (["concat", "6", "--eps-in", "1e-3", "--target", "1e-9"], "--target"),
        (["concat", "--search", "--eps-in", "1e-3", "--target", "2"], "--target"),
        (
            ["concat", "--search", "--eps-in", "1e-3", "--target", "1e-9", "--max-stages", "0"],
            "--max-stages",
        ),
    ],
)
def test_concat_errors(args, field, capsys):
    assert main(args) == 2
    assert f"msd: error: {field}" in _error_line(capsys)


def test_concat_unparsable_option_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:  # argparse exits by itself
        main(["concat", "6", "--eps-in", "abc"])
    assert exit_info.value.code == 2
    assert "argument --eps-in" in _error_line(capsys)


def test_code_check_json(fifteen, capsys):
    assert main(["code", "check", str(fifteen), "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    # docs/model/inner-outer.md check values: the 15-qubit matrix has eps_out = 35 eps^3 + ...
    assert record["triorthogonal"] is True
    assert (record["n"], record["k"], record["n_checks"]) == (15, 1, 4)
    assert (record["distance"], record["leading_coefficient"]) == (3, 35)
    assert record["sign_flips"] == [] and record["outputs"] == [1]


def test_code_check_with_eps(fifteen, capsys):
    assert main(["code", "check", str(fifteen), "--eps", "1e-4", "--format", "json"]) == 0
    stochastic = json.loads(capsys.readouterr().out)["stochastic"]
    # docs/model/inner-outer.md: 3.501050378e-11 at eps = 1e-4, to its 10 printed digits.
    assert abs(stochastic["eps_out"] - 3.501050378e-11) <= 0.5e-20
    for key in ("p_any_output_wrong", "infidelity_per_output", "mean_outputs", "output_yield"):
        assert key in stochastic


def test_code_check_table_reports_the_k4_correction(tmp_path, capsys):
    path = tmp_path / "bh4.txt"
    path.write_text("\n".join("".join(map(str, row)) for row in bh_family_matrix(4).tolist()))
    assert main(["code", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "k = 4 outputs" in out and "d = 2" in out and "eps_out = 13 eps^2" in out
    assert "negate columns 1, 2, 3, 4" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("101\n01\n", "row 2 has length 2"),
        ("10x\n", "characters other than 0 and 1"),
        ("110\n011\n", "not triorthogonal, rows (1, 2) (pair)"),
        ("1100\n0011\n", "no odd-weight row"),
        ("# only a comment\n\n", "non-empty list"),
    ],
)
def test_code_check_bad_files(tmp_path, capsys, text, message):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    assert main(["code", "check", str(path)]) == 2
    line = _error_line(capsys)
    assert str(path) in line and message in line


def test_code_check_missing_file(tmp_path, capsys):
    assert main(["code", "check", str(tmp_path / "missing.txt")]) == 2
    assert "FILE: cannot read" in _error_line(capsys)


def test_code_check_reports_a_missing_sign_flip_correction(tmp_path, capsys):
    rows = NO_SIGN_FLIP_MATRIX  # tests/reference_data.py: no sign-flip correction exists
    path = tmp_path / "m.txt"
    path.write_text("\n".join(rows))
    assert main(["code", "check", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["sign_flips"] is None
