"""layouts.draw and the ``msd draw`` / ``msd schedule`` verbs (Agg backend, temp dirs)."""

import json
import subprocess
import sys

import matplotlib
import matplotlib.image
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from estimator.circuits.protocols import builtin_protocols
from estimator.cli import main
from estimator.config.factory import load_config
from estimator.figures.checks import (
    drawn_texts,
    legends,
    pdf_embeds_truetype,
    pdf_font_types,
    small_texts,
    svg_text_elements,
    text_overlaps,
)
from estimator.figures.drawings import layout_figure, schedule_figure
from estimator.figures.style import STYLES, factory_label, rc_params, renderer
from layouts.arrangement import Arrangement
from layouts.draw import (
    alive_steps,
    draw_layout,
    draw_schedule,
    draw_step,
    draw_timeline,
    layout_legend,
    schedule_legend,
)
from layouts.graph import TwoLevel, layout_graph
from layouts.layout import Distances, Layout
from layouts.planner import auto_layout
from layouts.schedule import published_schedule

LAYOUT = Layout.litinski(5, (1,))
PAPER = STYLES["paper"]


def _texts(ax):
    return {t.get_text() for t in ax.texts}


def _axes(width=6.0, height=6.0):
    return Figure(figsize=(width, height)).add_subplot()


def test_draw_layout_one_level():
    graph = layout_graph(LAYOUT, Distances(7, 3, 3), level=1)
    ax = _axes()
    assert draw_layout(graph, ax, legend=True) == 0
    rectangles = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(rectangles) == graph.number_of_nodes()
    assert {"q1", "q5", "top", "bottom", "$d_x$ = 7 tiles"} <= _texts(ax)
    assert ax.get_aspect() == 1.0  # to scale
    entries = [t.get_text() for t in ax.get_legend().get_texts()]
    assert entries[:2] == [
        "output patch, $d_x$×$d_x$ = 7×7 tiles",
        "check patch, $d_z$×$d_x$ = 3×7 tiles",
    ]
    assert {"ancilla region ($d_m$ = 3)", "faulty-T qubit"} <= set(entries)


def test_mixed_feeders_are_all_drawn_each_at_its_own_size():
    """Extension E4: 3 level-1 factories at d = 9,3,3 and 2 at 11,5,5 give five blocks, dealt
    to the ports in turn as the supply deals them (small, small, large to L; small, large to
    R), and a legend naming both kinds."""
    feed = TwoLevel(
        LAYOUT, Distances(9, 3, 3), 3, Arrangement.litinski(), ((Distances(11, 5, 5), 2),)
    )
    graph = layout_graph(
        Layout.litinski(7, (1, 2, 3, 4)), Distances(15, 7, 9), level=2, two_level=feed
    )
    blocks = [graph.nodes[("level1", i)] for i in range(5)]
    assert ("level1", 5) not in graph
    small, large = blocks[0]["area"], blocks[2]["area"]
    assert [b["area"] for b in blocks] == [small, small, large, small, large] and large > small
    assert [b["side"] for b in blocks] == ["L"] * 3 + ["R"] * 2
    entries = {h.get_label() for h in layout_legend(graph)}
    assert (
        "level-1 factory (3 at $d$ = 9,3,3; 2 at $d$ = 11,5,5); each column feeds only the port "
        "on its side" in entries
    )
    assert draw_layout(graph, _axes(12, 6)) == 0


def test_draw_layout_two_level_shows_feeders_and_ports():
    feed = TwoLevel(LAYOUT, Distances(9, 3, 3), 4, Arrangement.litinski())
    graph = layout_graph(
        Layout.litinski(7, (1, 2, 3, 4)), Distances(15, 7, 9), level=2, two_level=feed
    )
    ax = _axes(12, 5)
    assert draw_layout(graph, ax) == 0
    texts = _texts(ax)
    assert {"#1 → L", "#4 → R", "top, port L", "bottom, port R"} <= texts
    assert {"2 feed port L", "2 feed port R"} <= texts
    assert {f"q{q}" for q in range(1, 8)} <= texts
    entries = {h.get_label() for h in layout_legend(graph)}
    assert {"entry region of a port", "routing to level-1 factories"} <= entries
    legend = "level-1 factory (4 at $d$ = 9,3,3); each column feeds only the port on its side"
    assert legend in entries


def test_alive_steps_follow_the_storage_rules():
    schedule = published_schedule(1, "15-to-1", "litinski")  # docs/model/published-schedules.md storage table
    assert [alive_steps(schedule, q) for q in range(1, 6)] == [
        (2, 5),
        (1, 6),
        (1, 6),
        (1, 6),
        (3, 6),
    ]


def _hatches(ax):
    return [p.get_hatch() for p in ax.patches if p.get_hatch()]


def test_draw_step_schedule_and_timeline():
    graph = layout_graph(LAYOUT, Distances(7, 3, 3), level=1)
    schedule = published_schedule(1, "15-to-1", "litinski")
    fig = Figure(figsize=(12, 8))
    axes = fig.subplots(2, 4).ravel()
    assert draw_schedule(graph, schedule, axes) == 0
    assert axes[0].get_title() == "step 1" and "$Z_{2}Z_{3}Z_{4}$" in _texts(axes[0])
    assert _hatches(axes[4]) == ["xxx"] and not axes[6].axison  # q1 consumed in step 5
    ax = _axes()
    draw_step(
        layout_graph(Layout.litinski(7, (1, 2, 3, 4)), Distances(15, 7, 9), level=2),
        published_schedule(2, "20-to-4", "litinski"),
        10,
        ax,
    )
    assert {"$Z_{4}Z_{5}Z_{7}$", "$Z_{4}Z_{6}Z_{7}$"} <= _texts(ax) and "///" in _hatches(ax)
    ax = _axes()
    draw_timeline(graph, schedule, ax)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["q5", "q4", "q3", "q2", "q1", "fast T", "region bottom", "region top"]
    assert {"$Z_{2}, Z_{3}, Z_{4}$", "2; 3; 4"} & _texts(ax)  # full, or qubits only if narrow
    entries = {h.get_label() for h in schedule_legend(graph, schedule)}
    assert {
        "fast faulty-T measurement",
        "output consumed in the step",
        "consumption (timeline)",
    } <= entries


def _journal_checks(fig, width_in):
    """Text >= 8 pt and its sub- and superscripts >= 7 pt, no two text boxes overlapping, a
    legend, and at most ``width_in`` wide."""
    assert min(t.get_fontsize() for t in drawn_texts(fig)) >= PAPER.font_pt
    assert small_texts(fig, 7.0) == []
    assert text_overlaps(fig) == []
    assert legends(fig)
    r = renderer(fig)
    assert fig.get_tightbbox(r).width <= width_in + 0.02


def test_38_to_10_layout_labels_do_not_overprint():
    """Issue 10: q1q12 overprinted in the 38-to-10 layout; every label now fits or is upright."""
    protocol = builtin_protocols()["38-to-10"]
    layout = auto_layout(protocol, tuple(range(1, protocol.n_qubits + 1)))
    graph = layout_graph(layout, Distances(17, 7, 7), level=1)
    with matplotlib.rc_context(rc_params(PAPER)):
        fig, missing = layout_figure(graph, PAPER, title="38-to-10")
        assert missing == 0
        _journal_checks(fig, PAPER.wide_in)
        texts = {t.get_text() for t in fig.axes[0].texts}
        assert {f"q{q}" for q in range(1, 14)} <= texts


@pytest.mark.parametrize(
    "name",
    [
        "04_15to1x20to4_9-3-3_15-7-9_p1e-4.toml",
        "13_sf15to1x15to1_9-5-5_21-9-11_p1e-3.toml",
        "14_15to1x8toCCZ_7-3-3_15-7-9_p1e-4.toml",
    ],
)
def test_two_level_drawings_are_fit_for_a_journal(table1_dir, name):
    config = load_config(table1_dir / name)
    feed = TwoLevel(config.level1.layout, config.level1.d, config.n_level1, config.arrangement)
    graph = layout_graph(config.level2.layout, config.level2.d, level=2, two_level=feed)
    with matplotlib.rc_context(rc_params(PAPER)):
        fig, missing = layout_figure(graph, PAPER, title=factory_label(config.title))
        assert missing == 0
        _journal_checks(fig, PAPER.wide_in)
        assert "$" in fig.axes[0].get_title()  # mathtext, not literal ^4_{9,3,3}


def test_one_level_drawing_is_one_column_with_tight_margins(one_level_config, tmp_path):
    out = tmp_path / "layout.png"
    assert main(["draw", str(one_level_config), "-o", str(out)]) == 0
    image = matplotlib.image.imread(out)
    assert image.shape[1] / PAPER.dpi <= PAPER.width_in + 0.02
    ink = np.where(image[..., :3].min(axis=2) < 0.99)
    height, width = image.shape[:2]
    # content reaches within 5 % of every edge: no empty third (issue 10)
    assert ink[0].min() < 0.05 * height and ink[0].max() > 0.95 * height
    assert ink[1].min() < 0.05 * width and ink[1].max() > 0.95 * width


def test_schedule_figure_is_fit_for_a_journal():
    graph = layout_graph(LAYOUT, Distances(9, 3, 3), level=1)
    schedule = published_schedule(1, "15-to-1", "litinski")
    with matplotlib.rc_context(rc_params(PAPER)):
        fig, missing = schedule_figure(graph, schedule, PAPER, title="(15-to-1)$_{9,3,3}$")
        assert missing == 0
        _journal_checks(fig, PAPER.wide_in)


def test_cli_draw_vector_files_embed_truetype_and_keep_text(one_level_config, tmp_path):
    pdf, svg = tmp_path / "layout.pdf", tmp_path / "layout.svg"
    assert main(["draw", str(one_level_config), "-o", str(pdf)]) == 0
    assert pdf_embeds_truetype(pdf) and "Type3" not in pdf_font_types(pdf)
    assert main(["draw", str(one_level_config), "--style", "slides", "-o", str(svg)]) == 0
    assert svg_text_elements(svg) >= 10  # q1..q5, regions, scale bar, title, legend


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
    )  # the consistent schedule's (docs/model/costs.md: 4.394e-8)


def test_cli_schedule_level2_ports(table1_dir, capsys):
    assert main(["schedule", str(table1_dir / "14_15to1x8toCCZ_7-3-3_15-7-9_p1e-4.toml")]) == 0
    text = capsys.readouterr().out
    assert "top (L)" in text and "bottom (R)" in text and "dm + 3dx + dz" in text and "61" in text


def test_cli_schedule_bad_time_limit(config, capsys):
    assert main(["schedule", str(config), "--time-limit", "0"]) == 2
    assert "--time-limit" in capsys.readouterr().err


def test_verbs_import_no_heavy_modules():
    code = "import sys, estimator.commands.draw, estimator.commands.schedule, estimator.commands.plot, estimator.commands.export; print(sorted(m for m in ('matplotlib', 'ortools', 'numpy') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_two_level_legend_covers_the_level1_blocks():
    """The faulty-T qubits drawn inside the level-1 blocks have a legend entry, and the patch
    entries give the level-1 sizes too."""
    feed = TwoLevel(LAYOUT, Distances(9, 3, 3), 4, Arrangement.litinski())
    graph = layout_graph(
        Layout.litinski(7, (1, 2, 3, 4)), Distances(15, 7, 9), level=2, two_level=feed
    )
    entries = [h.get_label() for h in layout_legend(graph)]
    assert "faulty-T qubit" in entries
    assert "output patch, $d_x$×$d_x$ = 15×15 (level 1: 9×9) tiles" in entries


def test_timeline_figure_of_two_schedules_is_fit_for_a_journal():
    from estimator.figures.drawings import timeline_figure

    graph = layout_graph(LAYOUT, Distances(9, 3, 3), level=1)
    schedules = {
        "paper": published_schedule(1, "15-to-1", "litinski"),
        "again": published_schedule(1, "15-to-1", "litinski"),
    }
    with matplotlib.rc_context(rc_params(PAPER)):
        fig = timeline_figure(graph, schedules, PAPER)
        _journal_checks(fig, PAPER.wide_in)
        entries = {t.get_text() for legend in legends(fig) for t in legend.get_texts()}
    assert {"rotation in region top", "fast faulty-T measurements", "consumption"} <= entries


@pytest.mark.parametrize(
    "name",
    [
        "01_15to1_7-3-3_p1e-4.toml",
        "04_15to1x20to4_9-3-3_15-7-9_p1e-4.toml",
        "13_sf15to1x15to1_9-5-5_21-9-11_p1e-3.toml",
    ],
)
def test_slides_layout_is_landscape_and_fit(table1_dir, name):
    """Issue 19: in --style slides the layout's legend took more than a third of the figure
    (10 of the 15 Table 1 layouts); now the slide is two columns wide and passes every check."""
    import matplotlib

    from estimator.commands.draw import draw_figure
    from estimator.config.factory import load_config
    from estimator.figures import checks
    from estimator.figures.style import get_style, rc_params

    style = get_style("slides")
    with matplotlib.rc_context(rc_params(style)):
        fig, _ = draw_figure(load_config(table1_dir / name), style)
        assert checks.problems(fig) == []
        width, height = fig.get_size_inches()
        assert width > height
