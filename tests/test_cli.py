"""The ``msd`` contract: JSON keys, formats, and one-line errors with exit code 2."""

import csv
import io
import json

import pytest

from estimator.cli import main


@pytest.fixture
def config(one_level_config):
    return one_level_config


def test_estimate_json(config, capsys):
    assert main(["estimate", str(config), "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    for key in ("p_out", "p_fail", "qubits", "cycles", "qubitcycles", "outputs", "full_distance"):
        assert key in record
    assert record["qubits"] == 810 and record["outputs"] == 1
    assert [f["logical_qubits"] for f in record["full_distance"]] == [231, 20284]
    assert all(
        isinstance(f["d"], int) and isinstance(f["cost_d3"], float) for f in record["full_distance"]
    )


def test_estimate_set_table_and_csv(config, capsys):
    assert main(["estimate", str(config), "--set", "level1.d_x=9"]) == 0
    text = capsys.readouterr().out
    assert "d_x = 9" in text and "p_out" in text and "qubitcycles" in text
    assert main(["estimate", str(config), "--format", "csv"]) == 0
    header, row = csv.reader(io.StringIO(capsys.readouterr().out))
    assert "p_out" in header and len(row) == len(header)
    assert row[header.index("title")] == "(15-to-1)_{7,3,3}"  # from the data (no title key)


def test_twenty_to_four_has_four_outputs(table1_dir, capsys):
    assert (
        main(
            [
                "estimate",
                str(table1_dir / "07_15to1x20to4_13-5-5_23-11-13_p1e-3.toml"),
                "--format",
                "json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["outputs"] == 4


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["--set", "level1.d_x=8"], "level1.d_x"),
        (["--set", "nonsense=1"], "nonsense"),
        (["--set", "p_phys=0.5"], "p_phys"),
        (["--set", "level1.protocol=nope"], "level1.protocol"),
        (["--format", "xml"], "--format"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(config, capsys, argv, field):
    assert_exit_2(["estimate", str(config), *argv], field, capsys)


def test_missing_and_malformed_files(tmp_path, capsys):
    assert_exit_2(["estimate", str(tmp_path / "none.toml")], "CONFIG", capsys)
    bad = tmp_path / "bad.toml"
    bad.write_text("p_phys = [")
    assert_exit_2(["estimate", str(bad)], "malformed TOML", capsys)


def assert_exit_2(argv, fragment, capsys):
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own errors
        code = exit_.code
    err = capsys.readouterr().err
    assert code == 2
    assert fragment in err and err.count("\n") == 1 and "Traceback" not in err


def test_table_reproduces_all_rows(capsys):
    assert main(["table", "--format", "json"]) == 0
    table = json.loads(capsys.readouterr().out)
    assert len(table["rows"]) == 15 and len(table["historical"]) == 5
    for row in table["rows"]:
        assert f"{row['p_out']:.1e}" == f"{row['paper']['p_out']:.1e}"


def test_table_text(capsys):
    assert main(["table"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") >= 22 and "[historical]" in out and "6.332e-25" in out


def test_no_surface_code_errors(one_level_config, tmp_path, capsys):
    """noise.prefactor = 0: the bare protocol of Litinski 2019, Sec. 1 (1.03724e-11 at p = 1e-4); the
    full distance is not defined and is reported as null / n/a."""
    path = tmp_path / "bare.toml"
    path.write_text(one_level_config.read_text() + "[noise]\nprefactor = 0\n")
    assert main(["estimate", str(path), "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["p_out"] == pytest.approx(1.03724e-11, rel=5e-6)
    assert [f["d"] for f in record["full_distance"]] == [None, None]
    assert main(["estimate", str(path)]) == 0
    assert "n/a" in capsys.readouterr().out


def test_parameters_outside_the_model_are_refused(config, capsys):
    """d_x = 10001 with d_m = 3: the timelike error (Lambda d_x / 2 d_m) p_M exceeds 1, so the
    model of docs/model/rotations.md does not apply; a one-line refusal, never a number."""
    assert_exit_2(
        ["estimate", str(config), "--set", "level1.d_x=10001"], "error model does not apply", capsys
    )


def test_unwritable_output_is_one_line(config, tmp_path, capsys):
    missing = tmp_path / "missing" / "out.png"
    assert_exit_2(["draw", str(config), "-o", str(missing)], "-o: no directory", capsys)
    assert_exit_2(
        ["sweep", str(config), "--vary", "p_phys=1e-3", "-o", str(missing.with_suffix(".csv"))],
        "-o: no directory",  # checked before the sweep runs
        capsys,
    )


def test_version_is_the_package_metadata(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"msd {version('msd-estimator')}\n"


def _verb_parsers():
    """Every verb's parser and sub-action parser, by its command words."""
    import argparse

    from estimator.cli import build_parser

    def walk(parser, words):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield words + (name,), sub
                    yield from walk(sub, words + (name,))

    return list(walk(build_parser(), ()))


def test_every_verb_help_ends_with_an_example_that_parses(capsys):
    import shlex

    from estimator.cli import COMMANDS, build_parser

    parsers = _verb_parsers()
    assert {words[0] for words, _ in parsers} == {c.replace("_", "-") for c in COMMANDS}
    for words, parser in parsers:
        text = parser.format_help()
        assert "example:\n  msd " in text, words
        for line in text.split("example:\n", 1)[1].splitlines():
            argv = shlex.split(line)[1:]
            assert tuple(argv[: len(words)]) == words, line
            build_parser().parse_args(argv)  # exits 2 on an example that does not parse
