"""Sweeps and searches: grids, batching, skipped points, atomic output, interrupt and resume."""

import json
import tomllib
from pathlib import Path

import pytest

from estimator.cli import main
from estimator.errors import ConfigError
from estimator.studies import sweep
from estimator.studies.config import estimate_config, load_config


@pytest.fixture
def template(one_level_config):
    return one_level_config


def test_axis_syntax():
    assert sweep.Axis.parse("level1.d_x=7:11:2").values == (7, 9, 11)
    assert sweep.Axis.parse("level1.layout=litinski,small-footprint").values == (
        "litinski",
        "small-footprint",
    )
    for bad in ("level1.d_x", "level1.d_x=9:7:2", "level1.d_x=1:a:2", "=3"):
        with pytest.raises(ConfigError):
            sweep.Axis.parse(bad)


def test_batched_sweep_equals_single_estimates(template):
    axes = [
        sweep.Axis("p_phys", (1e-4, 1e-3)),
        sweep.Axis("level1.d_x", (7, 9)),
        sweep.Axis("level1.layout", ("litinski", "small-footprint")),
    ]
    result = sweep.run_sweep(sweep.load_template(template), axes)
    assert len(result.records) == 8 and not result.skipped
    for record in result.records:
        sets = [
            f"p_phys={record['vary.p_phys']}",
            f"level1.d_x={record['vary.level1.d_x']}",
            f"level1.layout={record['vary.level1.layout']}",
        ]
        single = estimate_config(load_config(template, sets))
        assert record["p_out"] == pytest.approx(float(single.p_out), rel=1e-12)
        assert record["qubitcycles"] == pytest.approx(float(single.qubitcycles), rel=1e-12)


def test_invalid_points_are_skipped_and_unknown_keys_fail_early(template):
    result = sweep.run_sweep(sweep.load_template(template), [sweep.Axis("level1.d_z", (3, 9))])
    assert len(result.records) == 1 and "must not exceed d_x" in result.skipped[0][1]
    with pytest.raises(ConfigError, match="level1.dx"):
        sweep.run_sweep(sweep.load_template(template), [sweep.Axis("level1.dx", (3,))])


def test_output_is_written_atomically(tmp_path):
    out = tmp_path / "r.csv"
    sweep.write_atomically(out, [{"a": 1, "b": 2}])
    assert out.read_text() == "a,b\n1,2\n" and [p.name for p in tmp_path.iterdir()] == ["r.csv"]


def test_interrupted_sweep_resumes(template, tmp_path, monkeypatch, capsys):
    out = tmp_path / "r.json"
    argv = [
        "sweep",
        str(template),
        "--vary",
        "level1.d_x=7:13:2",
        "--vary",
        "level1.d_m=3,5",
        "-o",
        str(out),
    ]
    monkeypatch.setattr(sweep, "CHUNK", 3)
    calls = {"n": 0}
    evaluate = sweep._evaluate

    def interrupt_second_chunk(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(sweep, "_evaluate", interrupt_second_chunk)
    assert main(argv) == 130
    partial = tmp_path / "r.json.partial"
    assert "--resume" in capsys.readouterr().err and not out.exists()
    assert len(partial.read_text().splitlines()) == 3
    assert main(argv) == 2  # a leftover partial file needs --resume
    monkeypatch.setattr(sweep, "_evaluate", evaluate)
    assert main([*argv, "--resume"]) == 0
    records = json.loads(out.read_text())
    assert len(records) == 8 and not partial.exists()
    assert [r["vary.level1.d_x"] for r in records] == [7, 7, 9, 9, 11, 11, 13, 13]


def test_search_finds_cheapest_meeting_target(template, capsys):
    argv = [
        "search",
        str(template),
        "--target",
        "1e-9",
        "--vary",
        "level1.d_x=7:13:2",
        "--vary",
        "level1.d_z=3,5",
        "--format",
        "json",
    ]
    assert main(argv) == 0
    found = json.loads(capsys.readouterr().out)
    costs = [r["qubitcycles"] for r in found["best"]]
    assert found["points"] == 8 and costs == sorted(costs)
    assert all(r["p_out"] <= 1e-9 for r in found["best"]) and found["feasible"] == len(
        found["best"]
    )


def test_search_needs_a_target(template, capsys):
    assert main(["search", str(template), "--vary", "level1.d_x=7,9"]) == 2
    assert "--target" in capsys.readouterr().err


def test_shipped_study_runs(tmp_path, capsys):
    """configs/studies/one_level_15to1_grid.toml: 4 x 8 x 4 x 4 = 512 points, 16 with d_z > d_x."""
    out = tmp_path / "grid.csv"
    study = (
        Path(__file__).resolve().parents[1] / "configs" / "studies" / "one_level_15to1_grid.toml"
    )
    assert main(["sweep", str(study), "-o", str(out)]) == 0
    assert len(out.read_text().splitlines()) == 1 + 496
    assert "496 of 512 points" in capsys.readouterr().out


def test_points_outside_the_model_are_skipped(template, tmp_path):
    """A batch holding one point where the model breaks down is rerun point by point."""
    result = sweep.run_sweep(
        sweep.load_template(template), [sweep.Axis("level1.d_x", (7, 10001, 9))]
    )
    assert [r["vary.level1.d_x"] for r in result.records] == [7, 9]
    assert "error model does not apply" in result.skipped[0][1]


def test_all_invalid_sweep_leaves_no_partial_file(template, tmp_path, capsys):
    out = tmp_path / "o.csv"
    assert main(["sweep", str(template), "--vary", "p_phys=abc", "-o", str(out)]) == 2
    assert not (tmp_path / "o.csv.partial").exists()


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ("vary = 3", "sweep.vary"),
        ('vary = { "level1.d_x" = [] }', "sweep.vary.level1.d_x"),
        ('vary = { "level1.d_x" = [{ a = 1 }] }', "sweep.vary.level1.d_x"),
        ('vary = { "nonsense" = [1] }', "nonsense"),
        ('target = "x"', "sweep.target"),
        ("target = 2.0", "sweep.target"),
        ("top = 0", "sweep.top"),
    ],
)
def test_bad_study_tables(template, table, field):
    data = sweep.load_template(template)
    data["sweep"] = tomllib.loads(table)
    with pytest.raises(ConfigError) as info:
        sweep.Study.from_config(data)
    assert str(info.value).startswith(field)


def test_study_table_gives_axes_target_and_top():
    study = (
        Path(__file__).resolve().parents[1] / "configs" / "studies" / "cheapest_1e-12_at_1e-3.toml"
    )
    parsed = sweep.Study.from_config(sweep.load_template(study))
    assert (parsed.target, parsed.top, len(parsed.axes)) == (1e-12, 8, 8)
