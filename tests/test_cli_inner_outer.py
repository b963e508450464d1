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
        (["code", "inner", "7-1-3", "--weights", "9"], "weight: 9 is not a weight"),
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
