"""``msd code inner`` and ``msd code outer``: JSON contracts and one-line errors with exit 2."""

import json

import pytest

from estimator.cli import main


def _error_line(capsys) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("msd: error: ")
    return captured.err


def test_inner_json_for_a_bch_code(capsys):
    assert (
        main(["code", "inner", "bch:63:x^18+x^15+x^13+x^11+x^9+x^5+x^4+x+1", "--format", "json"])
        == 0
    )
    record = json.loads(capsys.readouterr().out)
    # 000 Table 2: [[63,27,7]], 3411 weight-7 logical operators.
    assert (record["n"], record["k"], record["d"], record["kind"]) == (63, 27, 7, "normal")
    assert record["c_log"]["7"] == 3411 and set(record["c_log"]) == {"7", "8"}


def test_inner_table_with_weights(capsys):
    assert main(["code", "inner", "[[16,6,4]]", "--weights", "4", "5", "6"]) == 0
    out = capsys.readouterr().out
    assert "n = 16, k = 6" in out and "hyperbolic" in out
    assert "       4   140" in out  # HHPW.md section 2


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["code", "inner", "bch:31:x^5+x+1"], "SPEC: x^5+x+1 does not divide"),
        (["code", "inner", "bch:31:x^5+x^^2+1"], "SPEC: term 'x^^2'"),
        (["code", "inner", "7-1-3", "--weights", "9"], "--weights: 9 is not a weight"),
        (["code", "inner", "[[5,1,3]]"], "SPEC: '[[5,1,3]]' is not a built-in code"),
    ],
)
def test_inner_bad_input_is_one_line(capsys, args, field):
    assert main(args) == 2
    assert field in _error_line(capsys)


def test_inner_file_not_self_orthogonal(capsys, tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("# two rows with odd overlap\n1100\n0110\n")
    assert main(["code", "inner", str(path)]) == 2
    assert f"{path}: rows 1 and 2 have odd overlap" in _error_line(capsys)


def test_inner_file_not_binary(capsys, tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("1120\n")
    assert main(["code", "inner", str(path)]) == 2
    assert f"{path}: row 1 '1120' has characters other than 0 and 1" in _error_line(capsys)


def test_outer_json_for_the_grid_of_vi41(capsys):
    assert main(["code", "outer", "grid:11:v,h", "--max-weight", "5", "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    # 000 VI.4.1: n_out 121, n_check 22, n_lonely 11; C(11,2)^2 = 3025 weight-4 patterns and
    # n_out single errors caught only by two wrong measurements.
    assert (record["n_out"], record["n_check"], record["n_lonely"]) == (121, 22, 11)
    assert (record["distance"], record["sensitivity"]) == (4, 4)
    assert record["c_out"]["4"] == {"0": 3025} and record["c_out"]["1"]["2"] == 121


def test_outer_table_for_petersen(capsys):
    assert main(["code", "outer", "petersen"]) == 0
    out = capsys.readouterr().out
    assert "n_out = 15 bits, n_check = 10 checks" in out and "u =  5: v=0: 12" in out


def test_outer_tanner_search_writes_a_matrix_that_reads_back(capsys, tmp_path):
    path = tmp_path / "tanner.txt"
    args = ["code", "outer", "tanner:5:alpha=5-6,tries=2", "--write-matrix", str(path)]
    assert main([*args, "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["search"]["alpha"] == 6 and record["sensitivity"] == 7  # Table 3 prints 7
    assert record["search"]["attempts"] == [{"alpha": 5, "attempts": 2}, {"alpha": 6, "attempts": 1}]
    assert record["search"]["added"] == 0
    assert record["girth"] >= 6 and record["distance"] >= 7
    assert main(["code", "outer", str(path), "--format", "json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["c_out"] == record["c_out"] and again["n_out"] == 30


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("110\n012\n", "row 2 '012' has characters other than 0 and 1"),
        ("110\n01\n", "row 2 has length 2, row 1 has 3"),
        ("110\n000\n", "check 2 (row 2) has no bit"),
    ],
)
def test_outer_bad_matrix_files(capsys, tmp_path, content, message):
    path = tmp_path / "m.txt"
    path.write_text(content)
    assert main(["code", "outer", str(path)]) == 2
    assert f"{path}: {message}" in _error_line(capsys)


def test_outer_graph_file_with_a_loop(capsys, tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("1 2\n2 2\n")
    assert main(["code", "outer", f"graph:{path}"]) == 2
    assert "SPEC: graph:" in _error_line(capsys)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["grid:5x4:v,h,d"], "SPEC: grid:5x4:v,h,d: diagonal checks need a square grid"),
        (["hexagon"], "SPEC: 'hexagon' is not a readable matrix file nor a builder"),
        (["grid:27:v,h,d", "--max-weight", "14"], "fault weight u + 2v <= 14 would take about"),
        (["petersen", "--max-weight", "0"], "--max-weight: 0 is not an integer >= 1"),
    ],
)
def test_outer_bad_input_is_one_line(capsys, args, message):
    assert main(["code", "outer", *args]) == 2
    assert message in _error_line(capsys)
