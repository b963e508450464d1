"""Pareto fronts: the non-dominated filter, ``msd pareto`` against a brute-force front of the
full sweep, normalisation per T state, and the shipped cross-protocol study."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from estimator.cli import main
from estimator.studies import sweep
from estimator.studies.pareto import front

STUDIES = Path(__file__).resolve().parents[1] / "configs" / "studies"

CCZ = """
title = "CCZ test"
p_phys = 1e-4
[level1]
protocol = "15-to-1"
d_x = 7
d_z = 3
d_m = 3
count = 4
[level2]
protocol = "8-to-CCZ"
d_x = 15
d_z = 7
d_m = 9
"""


def _dominated(error, cost, i) -> bool:
    better_or_equal = (error <= error[i]) & (cost <= cost[i])
    strictly = (error < error[i]) | (cost < cost[i])
    return bool(np.any(better_or_equal & strictly))


def test_front_is_the_set_of_non_dominated_points():
    rng = np.random.default_rng(7)
    for _ in range(50):
        n = rng.integers(1, 40)
        error = rng.choice([1e-9, 2e-9, 5e-9, 1e-8], n) * rng.integers(1, 3, n)
        cost = rng.integers(1, 6, n).astype(float)
        error[rng.random(n) < 0.1] = np.nan  # unresolved points are never on the front
        mask = front(error, cost)
        for i in range(n):
            expected = np.isfinite(error[i]) and not _dominated(
                np.nan_to_num(error, nan=np.inf), cost, i
            )
            assert mask[i] == expected


@pytest.fixture
def studies(tmp_path, one_level_config) -> list[Path]:
    ccz = tmp_path / "ccz.toml"
    ccz.write_text(CCZ)
    return [one_level_config, ccz]


def test_pareto_of_two_configs_is_the_front_of_their_sweep(studies, tmp_path, capsys):
    """Two configs (one-level 15-to-1, two-level 8-to-CCZ) over the same axes: the rows of
    ``msd pareto`` are exactly the per-series fronts of every point, inputs echoed."""
    axes = ["--vary", "p_phys=1e-4,5e-4", "--vary", "level1.d_x=7:11:2", "--vary", "level1.d_m=3,5"]
    out, everything = tmp_path / "front.csv", tmp_path / "all.json"
    assert main(["pareto", *map(str, studies), *axes, "-o", str(out)]) == 0
    assert main(["sweep", *map(str, studies), *axes, "-o", str(everything)]) == 0
    capsys.readouterr()
    rows = list(csv.DictReader(out.open()))
    points = json.loads(everything.read_text())
    assert len(points) == 24
    expected = set()
    for label in {p["series"] for p in points}:
        members = [p for p in points if p["series"] == label]
        error = np.array([p["p_out_per_t"] for p in members])
        cost = np.array([p["qubitcycles_per_t"] for p in members])
        expected |= {
            (label, p["p_phys"], p["level1.d_x"], p["level1.d_m"])
            for i, p in enumerate(members)
            if not _dominated(error, cost, i)
        }
    got = {
        (r["series"], float(r["p_phys"]), int(r["level1.d_x"]), int(r["level1.d_m"])) for r in rows
    }
    assert got == expected
    assert {"series", "pareto", "pareto_series", "vary.p_phys", "level2.protocol", "p_t"} <= set(
        rows[0]
    )
    assert all(r["pareto_series"] == "True" for r in rows)
    overall = [r for r in rows if r["pareto"] == "True"]
    error = np.array([float(r["p_out_per_t"]) for r in rows])
    cost = np.array([float(r["qubitcycles_per_t"]) for r in rows])
    assert [r for r, flag in zip(rows, front(error, cost)) if flag] == overall


def test_ccz_states_count_as_four_t_states(studies, capsys):
    assert main(["estimate", str(studies[1]), "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["t_per_run"] == 4 and record["outputs"] == 1
    assert record["p_out_per_t"] == pytest.approx(record["infidelity"] / 4, rel=1e-15)
    assert record["qubitcycles_per_t"] == pytest.approx(record["qubitcycles"] / 4, rel=1e-15)


def test_time_cost_needs_hardware(studies, capsys):
    argv = ["pareto", str(studies[0]), "--vary", "level1.d_x=7,9", "--by", "time"]
    assert main(argv) == 2 and "[hardware]" in capsys.readouterr().err
    assert main([*argv, "--set", "hardware.profile=superconducting", "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert all(r["time_per_t_us"] == pytest.approx(r["cycles_per_t"]) for r in found["front"])


def test_shipped_cross_protocol_study():
    """configs/studies/cheapest_t_1e-12_p1e-3.toml: one series per protocol family."""
    path = STUDIES / "cheapest_t_1e-12_p1e-3.toml"
    data = sweep.load_template(path)
    study = sweep.Study.from_config(data)
    protocols = {dict(s.sets).get("level2.protocol") for s in study.series}
    assert {"15-to-1", "20-to-4", "8-to-CCZ", "14-to-2"} <= protocols
    assert study.target == 1e-12 and data["p_phys"] == 1e-3


@pytest.mark.slow
def test_shipped_cross_protocol_study_runs(tmp_path, capsys):
    """The shipped study, one point per series (--vary replaces each axis of the config):
    every series parses, schedules and runs (the whole study takes about a minute)."""
    out = tmp_path / "front.csv"
    path = STUDIES / "cheapest_t_1e-12_p1e-3.toml"
    one = dict(
        zip(
            (
                "level1.d_x",
                "level1.d_z",
                "level1.d_m",
                "level1.count",
                "level2.d_x",
                "level2.d_z",
                "level2.d_m",
            ),
            (13, 5, 5, 6, 27, 13, 13),
        )
    )
    axes = [arg for key, value in one.items() for arg in ("--vary", f"{key}={value}")]
    assert main(["pareto", str(path), *axes, "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert (
        "cheapest with p_out per T <= 1e-12: (15-to-1)^6_{13,5,5} x (15-to-1)_{27,13,13}" in printed
    )
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 6 and len({r["series"] for r in rows}) == 6
    ccz = next(r for r in rows if r["level2.protocol"] == "8-to-CCZ")
    assert float(ccz["p_out_per_t"]) == pytest.approx(float(ccz["p_out"]) / 4, rel=1e-12)


def test_pareto_plot_is_the_per_t_cost_plot_of_its_fronts(studies, tmp_path, capsys):
    """``msd pareto --plot`` draws the rows it writes, per T state (msd plot --per-t): the
    8-to-CCZ front at p_out_per_t and qubitcycles_per_t, with the cultivation points."""
    import matplotlib

    from estimator.commands.plot import cost_plot
    from estimator.figures.checks import legends, problems
    from estimator.figures.sources import read_results
    from estimator.figures.style import STYLES, rc_params

    axes = ["--vary", "p_phys=5e-4", "--vary", "level1.d_x=7:11:2", "--vary", "level1.d_m=3,5"]
    out, fig_path = tmp_path / "front.csv", tmp_path / "front.svg"
    argv = ["pareto", *map(str, studies), *axes, "-o", str(out), "--plot", str(fig_path)]
    assert main(argv) == 0
    assert f"figure {fig_path}" in capsys.readouterr().out
    assert fig_path.read_text().count("<text") > 10  # text kept as text
    rows = read_results(out)
    paper = STYLES["paper"]
    with matplotlib.rc_context(rc_params(paper)):
        fig = cost_plot(rows, paper, by="qubitcycles", per_t=True)
        assert problems(fig, max_width_in=paper.wide_in) == []  # one panel, legend beside
        labels = [t.get_text() for legend in legends(fig) for t in legend.get_texts()]
    assert any("cultivation" in t for t in labels)  # Table 1 has no row at p = 5e-4
    ccz = [r for r in rows if r["level2.protocol"] == "8-to-CCZ" and float(r["p_phys"]) == 5e-4]
    drawn = {
        (x, y)
        for line in fig.axes[0].get_lines()
        for x, y in zip(line.get_xdata(), line.get_ydata())
    }
    assert {(float(r["qubitcycles_per_t"]), float(r["p_out_per_t"])) for r in ccz} <= drawn


def test_pareto_plot_refuses_a_bad_figure_name_first(studies, capsys):
    assert main(["pareto", str(studies[0]), "--plot", "front.jpg"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert "--plot: unknown file type '.jpg'" in captured.err
