"""layouts.draw and the ``msd draw`` / ``msd schedule`` verbs (Agg backend, temp dirs)."""

import json
import subprocess
import sys

import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from estimator.cli import main
from layouts.arrangement import Arrangement
from layouts.draw import alive_steps, draw_layout, draw_schedule, draw_step, draw_timeline
from layouts.graph import TwoLevel, layout_graph
from layouts.layout import Distances, Layout
from layouts.schedule import published_schedule

LAYOUT = Layout.litinski(5, (1,))


def _texts(ax):
    return {t.get_text() for t in ax.texts}


def test_draw_layout_one_level():
    graph = layout_graph(LAYOUT, Distances(7, 3, 3), level=1)
    ax = Figure(figsize=(6, 6)).add_subplot()
    draw_layout(graph, ax)
    rectangles = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(rectangles) == graph.number_of_nodes()
    assert {"q1", "q5", "7×7", "3×7", "T", "ancilla region (top)"} <= _texts(ax)
    assert ax.get_aspect() == 1.0  # to scale


def test_draw_layout_two_level_shows_feeders_and_ports():
    feed = TwoLevel(LAYOUT, Distances(9, 3, 3), 4, Arrangement.litinski())
    graph = layout_graph(
        Layout.litinski(7, (1, 2, 3, 4)), Distances(15, 7, 9), level=2, two_level=feed
    )
    ax = Figure(figsize=(9, 4)).add_subplot()
    draw_layout(graph, ax)
    texts = _texts(ax)
    assert {
        "level 1, #1",
        "level 1, #4",
        "entry\nL",
        "entry\nR",
        "routing",
        "ancilla region (bottom, port R)",
    } <= texts
    assert {"q1", "q7", "15×15", "7×15"} <= texts


def test_alive_steps_follow_the_storage_rules():
    schedule = published_schedule(1, "15-to-1", "litinski")  # MODEL.md 10.1 storage table
    assert [alive_steps(schedule, q) for q in range(1, 6)] == [
        (2, 5),
        (1, 6),
        (1, 6),
        (1, 6),
        (3, 6),
    ]


def test_draw_step_schedule_and_timeline():
    graph = layout_graph(LAYOUT, Distances(7, 3, 3), level=1)
    schedule = published_schedule(1, "15-to-1", "litinski")
    fig = Figure(figsize=(12, 8))
    axes = fig.subplots(2, 4).ravel()
    draw_schedule(graph, schedule, axes)
    assert axes[0].get_title() == "step 1" and "Z2Z3Z4" in _texts(axes[0])
    assert "consumed" in _texts(axes[4]) and not axes[6].axison
    ax = Figure().add_subplot()
    draw_step(
        layout_graph(Layout.litinski(7, (1, 2, 3, 4)), Distances(15, 7, 9), level=2),
        published_schedule(2, "20-to-4", "litinski"),
        10,
        ax,
    )
    assert {"Z4Z5Z7", "Z4Z6Z7", "consumed\nafter step"} <= _texts(ax)
    ax = Figure().add_subplot()
    draw_timeline(graph, schedule, ax)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["q5", "q4", "q3", "q2", "q1", "fast T", "region bottom", "region top"]


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "f.toml"
    path.write_text('p_phys = 1e-4\n[level1]\nprotocol = "15-to-1"\nd_x = 7\nd_z = 3\nd_m = 3\n')
    return path


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_cli_draw_writes_each_format(config, tmp_path, suffix, capsys):
    out = tmp_path / f"layout{suffix}"
    assert main(["draw", str(config), "-o", str(out)]) == 0
    assert out.stat().st_size > 1000 and str(out) in capsys.readouterr().out


def test_cli_draw_schedule_and_two_levels(table1_dir, tmp_path):
    out = tmp_path / "schedule.png"
    assert (
        main(
            [
                "draw",
                str(table1_dir / "14_15to1x8toCCZ_7-3-3_15-7-9_p1e-4.toml"),
                "--schedule",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = tmp_path / "factory.png"
    assert (
        main(
            ["draw", str(table1_dir / "13_sf15to1x15to1_9-5-5_21-9-11_p1e-3.toml"), "-o", str(out)]
        )
        == 0
    )
    assert out.stat().st_size > 1000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "x.jpg"], "unknown file type '.jpg'"),
        (["-o", "x"], "unknown file type '(none)'"),
        (["-o", "x.png", "--level", "2"], "--level: this config has no [level2]"),
    ],
)
def test_cli_draw_errors(config, args, message, capsys):
    assert main(["draw", str(config), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_cli_schedule_table_and_json(config, capsys):
    assert main(["schedule", str(config)]) == 0
    text = capsys.readouterr().out
    assert (
        "dx + 4dz" in text
        and "fast T" in text
        and "consumption: q1 in step 5 (in-step)" in text
        and "p_out 4.394e-08" in text
    )
    assert (
        main(
            [
                "schedule",
                str(config),
                "--set",
                "level1.schedule=cpsat",
                "--time-limit",
                "3",
                "--format",
                "json",
            ]
        )
        == 0
    )
    record = json.loads(capsys.readouterr().out)
    level = record["levels"][0]
    assert (
        level["schedule"] == "cpsat"
        and level["solver"]["steps_proven_optimal"]
        and level["n_steps"] == 6
    )
    lengths = {row["length"] for step in level["steps"] for row in step if row["region"]}
    assert lengths <= {"3dz", "4dz", "dx + 2dz", "dx + 3dz", "dx + 4dz"}
    assert (
        record["cost"]["p_out"] <= 4.3941e-08
    )  # the consistent schedule's (MODEL.md 13: 4.394e-8)


def test_cli_schedule_level2_ports(table1_dir, capsys):
    assert main(["schedule", str(table1_dir / "14_15to1x8toCCZ_7-3-3_15-7-9_p1e-4.toml")]) == 0
    text = capsys.readouterr().out
    assert "top (L)" in text and "bottom (R)" in text and "dm + 3dx + dz" in text and "61" in text


def test_cli_schedule_bad_time_limit(config, capsys):
    assert main(["schedule", str(config), "--time-limit", "0"]) == 2
    assert "--time-limit" in capsys.readouterr().err


def test_verbs_import_no_heavy_modules():
    code = "import sys, estimator.commands.draw, estimator.commands.schedule; print(sorted(m for m in ('matplotlib', 'ortools', 'numpy') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
