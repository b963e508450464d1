"""estimator.figures: style, checks, reference data, cost plots and ``msd plot`` (Agg)."""

import math
import tomllib

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from estimator.cli import main
from estimator.errors import ConfigError
from estimator.figures.checks import (
    legend_overlaps,
    legends,
    pdf_embeds_truetype,
    pdf_font_types,
    problems,
    small_texts,
    smallest_glyph_pt,
    svg_text_elements,
    text_overlaps,
)
from estimator.figures.cost import cost_figure, pareto_front, reference_value, series_from_rows
from estimator.figures.sources import (
    HISTORICAL,
    TABLE1,
    read_results,
    table1_references,
)
from estimator.figures.style import STYLES, factory_label, rc_params, script_scale
from estimator.sources.records import rows_at

PAPER = STYLES["paper"]


def test_checks_find_overlaps_and_small_text():
    """The checks can fail: two texts at one place, a 6-pt text."""
    fig = Figure(figsize=(3.4, 2))
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, "q1q12", fontsize=8)
    ax.text(0.52, 0.5, "q13", fontsize=6)
    assert ("q1q12", "q13") in text_overlaps(fig)
    assert small_texts(fig, 8) == [("q13", 6.0)]
    assert legends(fig) == []


def test_sub_and_superscripts_are_measured():
    """matplotlib draws scripts at 0.7 of their text (5.6 pt at 8 pt); the house style at 7/8."""
    fig = Figure(figsize=(3.4, 2))
    ax = fig.add_subplot()
    with matplotlib.rc_context(rc_params(PAPER)):
        label = ax.text(0.1, 0.5, "$p_\\mathrm{out}$ of (15-to-1)$^4_{9,3,3}$", fontsize=8)
        assert smallest_glyph_pt(label) == pytest.approx(7.0)
        assert small_texts(fig, 7.0) == []
        try:
            script_scale(0.7)
            assert small_texts(fig, 7.0) == [(label.get_text(), pytest.approx(5.6))]
        finally:
            script_scale()
    fig.canvas.draw()
    assert smallest_glyph_pt(label) == pytest.approx(7.0)


def test_one_tick_label_and_a_large_legend_are_problems():
    fig = Figure(figsize=(3.4, 2.4))
    ax = fig.add_subplot()
    for name in "abcd":
        ax.plot([1, 2], [1, 2], label=name * 6)
    ax.set_xticks([1.5])
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=40)
    found = problems(fig)
    assert "one tick label on the x axis of ''" in found
    assert any(p.startswith("legend 'aaaaaa' takes") for p in found)


def test_factory_label_is_mathtext():
    assert factory_label("(15-to-1)^6_{11,5,5} x (15-to-1)_{27,11,11}") == (
        "(15-to-1)$^{6}_{11,5,5}$ × (15-to-1)$_{27,11,11}$"
    )


def test_table1_references_are_every_printed_row(table1_dir):
    """All 15 modelled rows and 5 historical rows of Litinski 2019, Table 1, read from the configs."""
    points = table1_references(table1_dir)
    modelled = [p for p in points if p.series == TABLE1 and p.axis == "qubitcycles"]
    historical = [p for p in points if p.series == HISTORICAL and p.axis == "qubitcycles"]
    assert len(modelled) == 15 and len(historical) == 5
    printed = tomllib.loads((table1_dir / "02_15to1_9-3-3_p1e-4.toml").read_text())["paper"]
    row = next(p for p in modelled if p.label == "(15-to-1)_{9,3,3}")
    assert (row.p_out, row.value, row.p_phys) == (printed["p_out"], printed["qubitcycles"], 1e-4)


def test_pareto_front_is_a_running_minimum():
    cost = np.array([5.0, 1.0, 3.0, 2.0, 4.0])
    p_out = np.array([1e-12, 1e-6, 1e-9, 1e-6, 1e-9])
    assert pareto_front(cost, p_out).tolist() == [1, 2, 0]


def _table_csv(tmp_path, capsys):
    assert main(["table", "--format", "csv"]) == 0
    path = tmp_path / "table.csv"
    path.write_text(capsys.readouterr().out)
    return path


def test_cost_figure_is_fit_for_a_journal(tmp_path, capsys, table1_dir):
    """Table 1 and cultivation on the cost plot: legend, >= 8-pt text, no overlapping text,
    two columns wide at most, embedded TrueType fonts in PDF, text as text in SVG."""
    rows = read_results(_table_csv(tmp_path, capsys))
    rows += rows_at({float(r["p_phys"]) for r in rows})
    references = table1_references(table1_dir)
    with matplotlib.rc_context(rc_params(PAPER)):
        fig = cost_figure(series_from_rows(rows, "qubitcycles"), references, PAPER)
        assert text_overlaps(fig) == []
        assert small_texts(fig, 7.0) == []  # sub- and superscripts too
        assert problems(fig, max_width_in=PAPER.wide_in) == []
        labels = [t.get_text() for legend in legends(fig) for t in legend.get_texts()]
        assert "cultivation, d1 = 5 (circuit noise)" in labels
        assert TABLE1 in labels and HISTORICAL in labels
        assert "published layout:" in labels and "15-to-1 × 20-to-4" in labels
        for suffix in ("pdf", "svg"):
            fig.savefig(tmp_path / f"cost.{suffix}")
    assert pdf_embeds_truetype(tmp_path / "cost.pdf")
    assert "Type3" not in pdf_font_types(tmp_path / "cost.pdf")
    assert svg_text_elements(tmp_path / "cost.svg") > 20


def test_cli_plot_png_and_a_user_reference(tmp_path, capsys):
    results = _table_csv(tmp_path, capsys)
    mine = tmp_path / "mine.csv"
    mine.write_text(
        "# a user's points\nseries,p_phys,p_out,x,value,unit\n"
        "my factory,1e-3,1e-10,qubitcycles,3e5,qubit-rounds per state\n"
    )
    out = tmp_path / "cost.png"
    assert (
        main(["plot", str(results), "--reference", str(mine), "-o", str(out), "--p-phys", "1e-3"])
        == 0
    )
    assert str(out) in capsys.readouterr().out
    image = matplotlib.image.imread(out)
    assert image.shape[1] / PAPER.dpi <= PAPER.wide_in + 0.05  # one panel, its legend beside


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "time"], "--by: the results have no time_per_output_us"),
        (["--reference", "MISSING"], "MISSING"),
        (["-o", "x.jpg"], "-o: unknown file type '.jpg'"),
    ],
)
def test_cli_plot_errors(tmp_path, capsys, args, message):
    results = _table_csv(tmp_path, capsys)
    base = ["plot", str(results), "-o", str(tmp_path / "x.png")]
    assert main([*base, *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.err.count("\n") == 1 and captured.out == ""


def test_cli_plot_bad_reference_names_the_column(tmp_path, capsys):
    results = _table_csv(tmp_path, capsys)
    bad = tmp_path / "bad.csv"
    bad.write_text("series,p_phys,p_out,value\nx,1e-3,1e-9,5\n")
    assert main(["plot", str(results), "--reference", str(bad), "-o", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert "--reference" in err and "missing column(s) x" in err


def test_series_label_by_protocol_and_layout():
    rows = [
        {
            "p_phys": "1e-3",
            "p_out": "1e-9",
            "qubitcycles": "1e5",
            "level1.protocol": "15-to-1",
            "level1.layout": "litinski",
        },
        {
            "p_phys": "1e-3",
            "p_out": "nan",
            "qubitcycles": "1e5",
            "level1.protocol": "15-to-1",
            "level1.layout": "litinski",
        },
        {"p_phys": "1e-3", "p_out": "1e-7", "qubitcycles": "2e5", "series": "mine"},
    ]
    series = series_from_rows(rows, "qubitcycles")
    assert [(s.label, s.p_out.size) for s in series] == [("15-to-1", 1), ("mine", 1)]
    assert math.isclose(series[0].cost[0], 1e5)


def _time_rows(low_us: float, high_us: float) -> list[dict]:
    """Result rows of one series whose time per output state spans low..high microseconds."""
    times = np.geomspace(low_us, high_us, 12)
    return [
        {
            "p_phys": 1e-3,
            "p_out": 1e-6 / (i + 1) ** 2,
            "time_per_output_us": t,
            "level1.protocol": "15-to-1",
        }
        for i, t in enumerate(times)
    ]


@pytest.mark.parametrize(("low", "high"), [(18.0, 110.0), (3.0, 7.0), (2e4, 9e4), (1.0, 1e5)])
def test_log_axis_tick_labels_never_overlap(low, high):
    """msd plot --by time drew overlapping minor tick labels (2x10^1 3x10^1 4x10^1 ...) on an
    axis spanning less than a decade: now majors at 1-2-5 that fit, no minor labels, at least
    two labels."""
    rows = _time_rows(low, high)
    for p_phys in ([1e-3], [1e-3, 1e-3 * (1 + 1e-12)]):  # one column, and panels sharing x
        with matplotlib.rc_context(rc_params(PAPER)):
            fig = cost_figure(series_from_rows(rows, "time"), [], PAPER, by="time", p_phys=p_phys)
            assert problems(fig, max_width_in=PAPER.wide_in) == []
            ax = fig.axes[0]
            labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
            lo, hi = ax.get_xlim()
            shown = [v for v, t in zip(ax.get_xticks(), ax.get_xticklabels()) if lo <= v <= hi]
            assert len(shown) >= 2 and labels
            assert not any(t.get_text() for t in ax.xaxis.get_minorticklabels())


def test_checks_find_a_legend_over_a_plot():
    fig = Figure(figsize=(3.4, 3))
    top, _below = fig.subplots(2, 1)
    top.plot([1, 2], [1, 2], label="a line")
    top.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1))  # drawn over the lower Axes
    assert legend_overlaps(fig) == ["a line"]
    assert "legend 'a line' covers text or a plot" in problems(fig)
    top.legend(loc="upper left")  # inside its own Axes: fine
    assert legend_overlaps(fig) == []


def test_per_t_series_and_references(table1_dir):
    """Per T state: p_out_per_t and qubitcycles_per_t of the rows; Litinski 2019, Table 1's 8-to-CCZ rows
    divided by 4 (a CCZ state is 4 T states), their cycles per run by 4, qubits unchanged."""
    row = {"p_phys": 1e-3, "p_out": 4e-9, "qubitcycles": 8e5, "qubits": 2e4, "series": "ccz"}
    with pytest.raises(ConfigError, match="qubitcycles_per_t"):
        series_from_rows([row], "qubitcycles", per_t=True)
    row |= {"p_out_per_t": 1e-9, "qubitcycles_per_t": 2e5}
    (series,) = series_from_rows([row], "qubitcycles", per_t=True)
    assert (series.p_out[0], series.cost[0]) == (1e-9, 2e5)
    points = table1_references(table1_dir)
    ccz = [p for p in points if p.series == TABLE1 and "8-to-CCZ" in p.label]
    assert len(ccz) == 6 and all(p.t_per_output == 4 == p.t_per_run for p in ccz)
    by_axis = {p.axis: p for p in ccz if p.p_phys == 1e-3}
    for axis, scale in (("qubitcycles", 4), ("cycles", 4), ("qubits", 1)):
        point = by_axis[axis]
        assert reference_value(point, True) == (point.value / scale, point.p_out / 4)
        assert reference_value(point, False) == (point.value, point.p_out)
    twenty = next(p for p in points if "20-to-4" in p.label and p.axis == "cycles")
    assert (twenty.t_per_output, twenty.t_per_run) == (1, 4)


@pytest.mark.parametrize("low, high", [(12.0, 45.0), (21.0, 45.0), (31.0, 36.0), (1.1e-9, 1.9e-9)])
def test_log_axes_over_less_than_a_decade_get_two_tick_labels_at_least(low, high):
    """`msd plot --by time` drew a time axis within a factor of two with one tick label."""
    from estimator.figures.checks import sparse_tick_labels
    from estimator.figures.style import log_tick_labels

    with matplotlib.rc_context(rc_params(PAPER)):
        fig = Figure(figsize=(3.4, 2.4))
        ax = fig.add_subplot()
        ax.plot([low, high], [low, high], label="a")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(low, high)
        ax.set_ylim(low, high)
        log_tick_labels(ax)
        assert sparse_tick_labels(fig) == []
        for axis in (ax.xaxis, ax.yaxis):
            shown = [v for v in axis.get_major_locator()() if low <= v <= high]
            assert len(shown) >= 2
