"""Sweeps and searches: grids, batching, skipped points, atomic output, interrupt and resume."""

import json
import os
import stat
import time
import tomllib
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from estimator.cli import main
from estimator.config.factory import estimate_config, load_config, parse_config
from estimator.errors import ConfigError, ResourceError
from estimator.studies import executor, plan, sweep
from estimator.studies.output import write_rows

STUDIES = Path(__file__).resolve().parents[1] / "configs" / "studies"

TWO_LEVEL = """
title = "two-level test"
p_phys = 1e-3
[level1]
protocol = "15-to-1"
d_x = 11
d_z = 5
d_m = 5
count = 4
[level2]
protocol = "15-to-1"
d_x = 25
d_z = 11
d_m = 11
"""


@pytest.fixture
def template(one_level_config):
    return one_level_config


@pytest.fixture
def two_level(tmp_path) -> Path:
    path = tmp_path / "two_level.toml"
    path.write_text(TWO_LEVEL)
    return path


def test_axis_syntax():
    assert tuple(sweep.Axis.parse("level1.d_x=7:11:2").values) == (7, 9, 11)
    assert sweep.Axis.parse("level1.layout=litinski,small-footprint").values == (
        "litinski",
        "small-footprint",
    )
    for bad in ("level1.d_x", "level1.d_x=9:7:2", "level1.d_x=1:a:2", "=3", "level1.dx=3"):
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
        config = load_config(template, sets)
        single = estimate_config(config)
        assert record["title"] == config.title  # the point's own distances
        assert record["p_out"] == pytest.approx(float(single.p_out), rel=1e-12)
        assert record["qubitcycles"] == pytest.approx(float(single.qubitcycles), rel=1e-12)
        assert record["level1.layout"] == record["vary.level1.layout"]


def test_grid_validity_is_that_of_parse_config(two_level):
    """The compiled study checks numeric keys once per distinct combination: the points it
    evaluates, and the field it names for the others, are those of parsing each point
    (including the rule that couples p_phys and the distances: no rate underflows)."""
    data = sweep.load_template(two_level)
    axes = [
        sweep.Axis("p_phys", (1e-3, 0.02, 1e-60)),  # beyond the threshold; rates underflow
        sweep.Axis("level1.d_x", (4, 9, 11)),  # 4: even
        sweep.Axis("level1.d_z", (5, 11)),  # 11 > d_x = 9
        sweep.Axis("level1.count", (3, 4)),  # odd counts are valid (docs/model-extensions.md E4)
        sweep.Axis("level2.d_m", (11, 13)),
    ]
    result = sweep.run_sweep(data, axes)
    evaluated = {tuple(r[f"vary.{a.key}"] for a in axes) for r in result.records}
    expected, fields, titles = set(), {}, {}
    for combo in np.ndindex(*(len(a.values) for a in axes)):
        values = [a.values[i] for a, i in zip(axes, combo)]
        point = plan.assign(data, {a.key: v for a, v in zip(axes, values)})
        try:
            titles[tuple(values)] = parse_config(point).title
            expected.add(tuple(values))
        except ConfigError as error:
            fields[tuple(values)] = error.field
    assert evaluated == expected and len(expected) == 12
    assert {tuple(r[f"vary.{a.key}"] for a in axes): r["title"] for r in result.records} == titles
    assert result.skipped == len(fields) == 60
    for point, message in result.examples:
        assert message.startswith(fields[tuple(point[a.key] for a in axes)])


def test_invalid_points_are_skipped_and_unknown_keys_fail_early(template):
    result = sweep.run_sweep(sweep.load_template(template), [sweep.Axis("level1.d_z", (3, 9))])
    assert len(result.records) == 1 and "must not exceed d_x" in result.examples[0][1]
    with pytest.raises(ConfigError, match="level1.dx"):
        sweep.Axis.parse("level1.dx=3")


def test_output_is_written_atomically_with_the_umask(tmp_path):
    """Issue 9: results files were created with mode 0600 (mkstemp); now 0666 minus umask."""
    out = tmp_path / "r.csv"
    old = os.umask(0o022)
    try:
        write_rows(out, [{"a": 1, "b": 2}])
    finally:
        os.umask(old)
    assert out.read_text() == "a,b\n1,2\n" and [p.name for p in tmp_path.iterdir()] == ["r.csv"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_json_output_has_no_bare_nan(tmp_path):
    out = tmp_path / "r.json"
    write_rows(out, [{"a": None}])
    assert json.loads(out.read_text()) == [{"a": None}]


def test_output_onto_an_input_is_refused(template, capsys):
    """Issue 9: ``-o`` onto the input config overwrote it."""
    before = template.read_text()
    assert main(["sweep", str(template), "--vary", "level1.d_x=7,9", "-o", str(template)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "-o" in err and "input" in err
    assert template.read_text() == before


def _interrupting(monkeypatch, at: int) -> None:
    """Make the ``at``-th chunk evaluated in this process raise KeyboardInterrupt."""
    evaluate = executor.evaluate_chunk
    calls = {"n": 0}

    def interrupt(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == at:
            raise KeyboardInterrupt
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(executor, "evaluate_chunk", interrupt)


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
        "--workers",
        "1",
    ]
    monkeypatch.setattr(plan, "CHUNK", 3)
    _interrupting(monkeypatch, 2)
    assert main(argv) == 130
    partial = tmp_path / "r.json.partial"
    assert "--resume" in capsys.readouterr().err and not out.exists()
    assert len(partial.read_text().splitlines()) == 2  # header and the first chunk
    assert main(argv) == 2  # a leftover partial file needs --resume
    monkeypatch.undo()
    monkeypatch.setattr(plan, "CHUNK", 3)
    assert main([*argv, "--resume"]) == 0
    records = json.loads(out.read_text())
    assert len(records) == 8 and not partial.exists()
    assert [r["vary.level1.d_x"] for r in records] == [7, 7, 9, 9, 11, 11, 13, 13]


@pytest.mark.parametrize(
    "change",
    [
        ["--set", "p_phys=2e-4"],  # the config after overrides
        ["--vary", "level1.d_z=3,5"],  # the axes
        ["--precision", "exact"],  # the arithmetic
    ],
)
def test_resume_of_another_study_is_refused(template, tmp_path, monkeypatch, capsys, change):
    """Issue 9: a sweep resumed with a different --set finished with rows of both studies."""
    out = tmp_path / "r.csv"
    argv = ["sweep", str(template), "--vary", "level1.d_x=7:13:2", "-o", str(out)]
    monkeypatch.setattr(plan, "CHUNK", 2)
    _interrupting(monkeypatch, 2)
    assert main([*argv, "--workers", "1"]) == 130
    capsys.readouterr()
    assert main([*argv, *change, "--resume", "--workers", "1"]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "another study" in captured.err
    assert not captured.out and not out.exists()


def test_partial_file_of_an_old_version_is_refused(template, tmp_path, capsys):
    out = tmp_path / "r.csv"
    Path(f"{out}.partial").write_text('{"point": {"level1.d_x": 7}, "record": {}}\n')
    argv = ["sweep", str(template), "--vary", "level1.d_x=7,9", "-o", str(out), "--resume"]
    assert main(argv) == 2 and "not a partial file" in capsys.readouterr().err


def test_grids_stream(template):
    """Issue 9: a 5e7-point --vary grid was built in memory whole. Now axes stay ranges, the
    study compiles and yields chunks lazily, and a sweep (which keeps every row) is refused
    by the resource limit before any work."""
    axes = [
        sweep.Axis.parse("p_phys=1e-4,2e-4,5e-4,1e-3,2e-3"),
        sweep.Axis.parse("level1.d_x=7:20000005:2"),
    ]
    assert isinstance(axes[1].values, range)
    parts = [sweep.Part(sweep.load_template(template), tuple(axes))]
    assert parts[0].size == 50_000_000
    tracemalloc.start()
    start = time.perf_counter()
    compiled = plan.compile_parts(parts)
    first = [c for _, c in zip(range(3), compiled.chunks())]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert time.perf_counter() - start < 5 and peak < 50 * 2**20
    assert compiled.n_chunks() == -(-50_000_000 // plan.CHUNK) and first[0].stop == plan.CHUNK
    with pytest.raises(ResourceError, match="50,000,000 grid points"):
        sweep.run_study(parts)


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
    assert main(["sweep", str(STUDIES / "one_level_15to1_grid.toml"), "-o", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert len(lines) == 1 + 496 and lines[0].endswith(",pareto,pareto_series")
    assert "496 of 512 points" in capsys.readouterr().out


def test_points_outside_the_model_are_skipped(template, tmp_path):
    """A batch holding one point where the model breaks down is split until it is found."""
    result = sweep.run_sweep(
        sweep.load_template(template), [sweep.Axis("level1.d_x", (7, 10001, 9))]
    )
    assert [r["vary.level1.d_x"] for r in result.records] == [7, 9]
    assert "error model does not apply" in result.examples[0][1]


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
        ("series = 3", "sweep.series"),
        ("[[series]]\nfoo = 1", "sweep.series[0].foo"),
        ('[[series]]\nset = { "level2.protocol" = [1] }', "sweep.series[0].set.level2.protocol"),
    ],
)
def test_bad_study_tables(template, table, field):
    data = sweep.load_template(template)
    data["sweep"] = tomllib.loads(table)
    with pytest.raises(ConfigError) as info:
        sweep.Study.from_config(data)
    assert str(info.value).startswith(field)


def test_study_table_gives_axes_target_and_top():
    parsed = sweep.Study.from_config(sweep.load_template(STUDIES / "cheapest_1e-12_at_1e-3.toml"))
    assert (parsed.target, parsed.top, len(parsed.axes)) == (1e-12, 8, 8)


def test_series_are_sub_studies(template):
    """[[sweep.series]]: each entry overrides keys and adds axes; rows carry a series label."""
    data = sweep.load_template(template)
    data["sweep"] = tomllib.loads(
        """
        vary = { "level1.d_x" = [7, 9] }
        [[series]]
        set = { "level1.layout" = "litinski" }
        [[series]]
        set = { "level1.layout" = "small-footprint" }
        vary = { "level1.d_m" = [3, 5] }
        """
    )
    parts = sweep.Study.from_config(data).parts(data)
    result = sweep.run_study(parts)
    labels = [r["series"] for r in result.records]
    assert labels == ["15-to-1, litinski"] * 2 + ["15-to-1, small-footprint"] * 4


def test_workers_give_the_serial_results(monkeypatch, tmp_path):
    """Two local processes evaluate the same chunks as one: identical rows, bit for bit."""
    monkeypatch.setattr(plan, "CHUNK", 40)
    data = sweep.load_template(STUDIES / "one_level_15to1_grid.toml")
    parts = sweep.Study.from_config(data).parts(data)
    serial = sweep.run_study(parts, workers=1)
    parallel = sweep.run_study(parts, workers=2)
    assert parallel.records == serial.records and len(serial.records) == 496


def test_structural_axes_alone(template):
    """Axes that change only the structure (here the layout): one point per structure."""
    axes = [sweep.Axis("level1.layout", ("litinski", "small-footprint", "bogus"))]
    result = sweep.run_sweep(sweep.load_template(template), axes)
    assert [r["level1.layout"] for r in result.records] == ["litinski", "small-footprint"]
    assert result.skipped == 1 and result.examples[0][1].startswith("level1.layout:")


def test_refused_points_are_skipped_not_fatal(template, monkeypatch):
    """A point the engine refuses (here: the digits out of reach) costs that point only."""
    from estimator.errors import PrecisionError

    estimate = plan.estimate_config

    def refuse_2e_4(config, **options):
        if np.any(np.asarray(config.noise.p_phys) == 2e-4):
            raise PrecisionError("float64 cannot guarantee the digits here")
        return estimate(config, **options)

    monkeypatch.setattr(plan, "estimate_config", refuse_2e_4)
    axes = [sweep.Axis("p_phys", (1e-4, 2e-4, 5e-4)), sweep.Axis("level1.d_x", (7, 9))]
    result = sweep.run_sweep(sweep.load_template(template), axes)
    assert [r["p_phys"] for r in result.records] == [1e-4, 1e-4, 5e-4, 5e-4]
    assert result.skipped == 2 and "digits" in result.examples[0][1]


def test_points_that_break_the_consumption_rule_are_skipped_by_name(tmp_path, capsys):
    """A published 20-to-4 schedule consumes q1 in step 8: where t_L1 > d_x2 the state would
    leave before post-selection. A sweep skips those points, naming the rule, and keeps the
    rest (it used to abort the whole study)."""
    from estimator.cli import main

    out = tmp_path / "out.csv"
    code = main(
        [
            "sweep",
            "configs/litinski2019/07_15to1x20to4_13-5-5_23-11-13_p1e-3.toml",
            "--vary",
            "level1.count=2,4",
            "--vary",
            "level2.d_x=15,23",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    rows = out.read_text().splitlines()
    # only Table 1 row 7's own point (4 factories, d_x2 = 23: t_L1 <= d_x2) keeps the rule
    assert len(rows) == 2 and rows[1].startswith("4,23,")
    printed = capsys.readouterr().out
    assert "3 points skipped" in printed and "consumption rule 'post-selection first'" in printed
