"""Magic-state cultivation as a T source (estimator.sources, docs/model/cultivation.md): the
shipped data, the cheapest threshold for a target with its interval and rows, interpolation in
p and its leave-one-out error, refusals, factories fed by cultivation units (the level-2 rules
with the unit as the feeder), configs and the CLI."""

import csv
import json
import math
from dataclasses import replace
from importlib import resources

import numpy as np
import pytest

from estimator.circuits.protocols import builtin_protocols
from estimator.cli import main
from estimator.config.factory import estimate_config, load_config
from estimator.errors import ModelError
from estimator.factory import (
    Design,
    FactoryEstimate,
    Feed,
    LevelSpec,
    estimate_design,
    estimate_one_level,
    estimate_two_level,
    supply,
)
from estimator.sim.noise import NoiseModel
from estimator.sources import cultivation
from estimator.sources.feed import CultivationUnit
from estimator.sources.records import row
from layouts.arrangement import Arrangement, square_column
from layouts.layout import Distances, Layout
from layouts.schedule import published_schedule

P = builtin_protocols()


def _raw_rows():
    path = resources.files("estimator.sources") / "data" / cultivation.DATA
    with path.open(encoding="utf-8") as handle:
        return {int(r[""]): r for r in csv.DictReader(handle)}


def test_data_is_the_shipped_table_with_its_attribution():
    """5,595 rows, 29 values of p from 1.25e-4 to 4e-3, d1 in {3, 5}; the T error is twice
    the S-state estimate, as the table's own t_gate column; licence and provenance beside it."""
    t = cultivation.table()
    assert t.row.size == 5595 and t.p_grid.size == 29
    assert (t.p_grid[0], t.p_grid[-1]) == (1.25e-4, 4e-3)
    assert set(t.d1.tolist()) == {3, 5}
    raw = _raw_rows()
    for i in (0, 1000, 3291, 5594):
        j = int(np.flatnonzero(t.row == i)[0])
        assert t.p_out[j] == pytest.approx(
            float(raw[i]["t_gate_cultivation_error_rate"]), rel=1e-12
        )
    data = resources.files("estimator.sources") / "data"
    assert "Apache License" in (data / "LICENSE-Qualtran-Apache-2.0").read_text()
    readme = (data / "README.md").read_text()
    assert "arXiv:2409.17595" in readme and "Qualtran" in readme


def test_cheapest_row_for_a_target_with_its_interval_and_rows():
    """At p = 1e-3, 1e-7: d1 = 5, the least volume among rows with >= 6 errors reaching it,
    checked against a scan of the raw CSV (the data README reads about 23,200 off it)."""
    point = cultivation.cheapest(1e-3, 1e-7)
    raw = _raw_rows()
    usable = [
        r
        for r in raw.values()
        if float(r["error_rate"]) == 1e-3
        and int(r["errors"]) >= 6
        and float(r["t_gate_cultivation_error_rate"]) <= 1e-7
    ]
    best = min(usable, key=lambda r: float(r["expected_volume"]))
    assert point.rows == (int(best[""]),) and point.d1 == int(best["cultivation_distance"])
    assert point.volume == float(best["expected_volume"])
    assert 23_000 < point.volume < 23_400
    assert point.p_out_low < point.p_out <= 1e-7 < point.p_out_high
    assert point.p_out_high == 2 * float(best["high_1000"])
    assert point.errors[0] >= cultivation.MIN_ERRORS
    assert point.cycles == point.volume / 463 and point.qubits == 463
    # the upper end of the interval must reach the target: a dearer row
    strict = cultivation.cheapest(1e-3, 1e-7, bound="high")
    assert strict.p_out_high <= 1e-7 and strict.volume > point.volume


def test_a_stricter_target_never_costs_less():
    volumes = [cultivation.cheapest(1e-3, t).volume for t in (1e-4, 1e-5, 1e-6, 1e-7, 1e-8)]
    assert volumes == sorted(volumes)


def test_interpolation_is_log_log_linear_between_neighbouring_rows():
    """Between tabulated p_a < p < p_b a point is exp of the linear interpolation of the logs in
    log p, from the rows of the same (d1, gap); at a tabulated p it is the row itself."""
    grid = cultivation.table().p_grid
    p_a, p_b = float(grid[14]), float(grid[15])
    p = math.sqrt(p_a * p_b)  # halfway in log p: geometric means
    by_key = {(q.d1, q.gap): q for q in cultivation.points(p)}
    at_a = {(q.d1, q.gap): q for q in cultivation.points(p_a)}
    at_b = {(q.d1, q.gap): q for q in cultivation.points(p_b)}
    assert set(by_key) == set(at_a) & set(at_b)
    for key, q in list(by_key.items())[::17]:
        a, b = at_a[key], at_b[key]
        assert q.p_out == pytest.approx(math.sqrt(a.p_out * b.p_out), rel=1e-12)
        assert q.volume == pytest.approx(math.sqrt(a.volume * b.volume), rel=1e-12)
        assert q.rows == a.rows + b.rows and q.interpolated and not a.interpolated


def test_leave_one_out_error_of_the_interpolation():
    """Each row at an interior p predicted from its neighbours (twice the spacing used in
    practice): measured median 0.006 and 95th percentile 0.10 decades for p_out, 0.0016 and
    0.067 for the volume. Bounds: a factor 2 above those, so that a change of method or data
    that makes interpolation markedly worse fails here."""
    loo = cultivation.leave_one_out()
    assert loo.count > 4000
    assert loo.p_out_median < 0.012 and loo.p_out_p95 < 0.2
    assert loo.volume_median < 0.004 and loo.volume_p95 < 0.14
    assert loo.p_out_max >= loo.p_out_p95 >= loo.p_out_median
    assert loo.worst_row in _raw_rows()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--p", "1e-2", "--target", "1e-7"], "--p: p = 0.01 is outside the cultivation data"),
        (["--p", "1e-4", "--target", "1e-7"], "--p: p = 0.0001 is outside the cultivation data"),
        (["--p", "1e-3", "--target", "1e-9"], "--target: 1e-09 is below what the cultivation"),
        (["--p", "1e-3", "--target", "2"], "--target: must be a probability in (0, 1)"),
        (
            ["--p", "1e-3", "--target", "1e-7", "--min-errors", "0"],
            "min_errors: must be at least 1",
        ),
    ],
)
def test_refusals_are_one_line_and_exit_2(argv, message, capsys):
    assert main(["source", "cultivation", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_cli_json_is_the_row_with_its_provenance(capsys):
    assert (
        main(["source", "cultivation", "--p", "1e-3", "--target", "1e-7", "--format", "json"]) == 0
    )
    answer = json.loads(capsys.readouterr().out)
    raw = _raw_rows()[int(answer["cultivation.rows"])]
    assert answer["qubitcycles"] == answer["qubitcycles_per_t"] == float(raw["expected_volume"])
    assert answer["cycles"] == pytest.approx(answer["qubitcycles"] / answer["qubits"], rel=1e-15)
    assert answer["qubits"] == 463 and answer["patches_d15"] == pytest.approx(463 / 2 / 225)
    assert answer["p_fail"] == pytest.approx(1 - float(raw["keep_rate"]), rel=1e-12)
    assert "interpolation" not in answer and answer["min_errors"] == 6
    assert (
        main(["source", "cultivation", "--p", "1.1e-3", "--target", "1e-7", "--format", "json"])
        == 0
    )
    between = json.loads(capsys.readouterr().out)
    assert len(between["cultivation.rows"].split()) == 2
    assert between["interpolation"]["leave_one_out"]["rows_predicted"] > 4000


def test_cli_without_target_lists_rows_plot_reads(tmp_path, capsys):
    assert main(["source", "cultivation", "--p", "1e-3", "--format", "csv"]) == 0
    path = tmp_path / "cultivation.csv"
    path.write_text(capsys.readouterr().out)
    rows = list(csv.DictReader(path.open()))
    assert len(rows) == len(cultivation.points(1e-3)) and {r["series"] for r in rows} == {
        "cultivation, d1 = 3 (circuit noise)",
        "cultivation, d1 = 5 (circuit noise)",
    }
    out = tmp_path / "cultivation.png"
    assert main(["plot", str(path), "-o", str(out), "--no-default-references"]) == 0


def _spec(level, name, d):
    p = P[name]
    layout = Layout.litinski(p.n_qubits, p.outputs)
    return LevelSpec(p, layout, published_schedule(level, name, "litinski"), Distances(*d))


class _Stub:
    """A Source that supplies the states of a given estimate (to compare feeds)."""

    n_levels = 1

    def __init__(self, estimate: FactoryEstimate):
        self._estimate = estimate

    def estimate(self, noise):
        return self._estimate


@pytest.mark.parametrize("count", [2, 4, 6, 10])
def test_a_source_feed_reduces_to_the_level_two_rule(count):
    """A Source delivering the states of the level-1 15-to-1 factory of (15-to-1)x(15-to-1)
    gives the two-level factory's step time, input error and output error term by term, except
    that it lies along its column as a square of its area instead of its row (d_X + 4 d_Z):
    l_move and the routing strips differ by exactly that length."""
    noise = NoiseModel(1e-3)
    one, two = _spec(1, "15-to-1", (11, 5, 5)), _spec(2, "15-to-1", (25, 11, 11))
    arrangement = Arrangement.litinski()
    fed = estimate_one_level(noise, one)
    reference = estimate_two_level(noise, one, two, n_level1=count, arrangement=arrangement)
    source = Design(two, (Feed(_Stub(fed), count),), arrangement)
    by_design = supply(noise, two.d, two.layout, (Feed(Design(one), count),), (fed,), arrangement)
    by_source = supply(noise, two.d, two.layout, source.feeds, (fed,), arrangement)
    square, row = float(square_column(fed.qubits)), 11 + 4 * 5
    assert by_source.longest_step == by_design.longest_step
    for d_port, s_port in zip(by_design.ports, by_source.ports, strict=True):
        assert s_port.per_state == d_port.per_state
        assert s_port.state.p_in == d_port.state.p_in
        assert s_port.state.l_move - d_port.state.l_move == pytest.approx(
            arrangement.move_per_factory * count * (square - row), rel=1e-12
        )  # count / 2 units per port, each passing on average half of its column
    estimate = estimate_design(noise, source)
    strips = 2 * count * arrangement.strip_per_factory * 11 * (square - row)
    assert float(estimate.qubits - reference.qubits) == pytest.approx(strips, rel=1e-9)
    # with no travel along the column the two factories are the same
    still = replace(arrangement, move_per_factory=0.0)
    a = estimate_design(noise, Design(two, (Feed(Design(one), count),), still))
    b = estimate_design(noise, Design(two, (Feed(_Stub(fed), count),), still))
    assert float(a.p_out) == float(b.p_out) and float(a.cycles) == float(b.cycles)


def test_cultivation_feed_by_hand():
    """A block fed by n units, n / 2 per port: a port delivers a state per 2 cycles_unit / n
    (the step: at least d_m), p_in = the state's error, l_move = 10 d_m + (n / 4) sqrt(463 / 2)
    (litinski routing), qubits of the units counted."""
    point = cultivation.cheapest(1e-3, 1e-7)
    unit = CultivationUnit(point)
    noise = NoiseModel(1e-3)
    two = _spec(2, "15-to-1", (17, 7, 7))
    arrangement = Arrangement.litinski()
    for n in (2, 8, 40):
        ports = supply(
            noise, two.d, two.layout, (Feed(unit, n),), (unit.estimate(noise),), arrangement
        )
        per_state = 2 * point.volume / 463 / n
        assert float(ports.longest_step) == pytest.approx(max(per_state, 7), rel=1e-12)
        for port in ports.ports:
            assert float(port.per_state) == pytest.approx(per_state, rel=1e-12)
            assert float(port.state.p_in) == point.p_out
            assert float(port.state.l_move) == pytest.approx(
                10 * 7 + n / 4 * math.sqrt(463 / 2), rel=1e-12
            )
    estimate = estimate_design(noise, Design(two, (Feed(unit, 16),), arrangement))
    bare = estimate_design(noise, Design(two, (Feed(unit, 8),), arrangement))
    per_unit = 2 * (463 / 2 + arrangement.strip_per_factory * 7 * math.sqrt(463 / 2))
    assert float(estimate.qubits - bare.qubits) == pytest.approx(8 * per_unit, rel=1e-9)
    assert estimate.feeds[0].p_out == point.p_out


def test_units_priced_at_another_p_are_refused():
    unit = CultivationUnit(cultivation.cheapest(1e-3, 1e-7))
    with pytest.raises(ModelError, match="priced at p = 0.001"):
        unit.estimate(NoiseModel(2e-3))


CONFIG = """
title = "cultivation-fed 15-to-1"
p_phys = 1e-3
[noise]
model = "calibrated"
file = "depolarizing"
extrapolate = true
[cultivation]
d1 = 5
target = 1e-7
count = 8
[level1]
protocol = "15-to-1"
d_x = 17
d_z = 7
d_m = 7
"""


@pytest.fixture
def fed_config(tmp_path):
    path = tmp_path / "fed.toml"
    path.write_text(CONFIG)
    return path


@pytest.mark.filterwarnings("ignore:distances outside")
def test_config_feeds_level1_with_units_and_msd_estimate_reports_them(fed_config, capsys):
    config = load_config(fed_config)
    assert config.cultivation.count == 8 and config.cultivation.unit.point.rows == (3291,)
    direct = estimate_design(
        config.noise,
        Design(config.level1, (Feed(config.cultivation.unit, 8),), Arrangement.litinski()),
    )
    assert float(estimate_config(config).p_out) == float(direct.p_out)
    assert main(["estimate", str(fed_config), "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["series"] == "cultivation × 15-to-1, litinski"
    assert record["inputs"]["cultivation"]["rows"] == "3291"
    assert record["inputs"]["cultivation"]["d1"] == 5 and record["units"]["qubits"] == 463
    gap = config.cultivation.unit.point.gap
    assert (
        main(
            [
                "estimate",
                str(fed_config),
                "--set",
                "cultivation.target=1e-6",
                "--set",
                f"cultivation.gap={gap}",
                "--format",
                "json",
            ]
        )
        == 2
    )
    assert "cultivation.gap: give exactly one of gap (with d1) or target" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        (["cultivation.d1=4"], "cultivation.d1: must be 3 or 5"),
        (["cultivation.count=0"], "cultivation.count: must be a positive integer"),
        (["cultivation.target=1e-12"], "cultivation.target: 1e-12 is below what the cultivation"),
        (["p_phys=5e-3"], "p_phys: p = 0.005 is outside the cultivation data"),
        (["cultivation.bound=worst"], "cultivation.bound: unknown value"),
        (["cultivation.min_errors=0"], "cultivation.min_errors: must be a positive integer"),
    ],
)
def test_config_refusals_name_the_field(fed_config, sets, message, capsys):
    argv = ["estimate", str(fed_config)]
    for s in sets:
        argv += ["--set", s]
    assert main(argv) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert len(errors) == 1 and message in errors[0]


def test_a_gap_without_data_names_the_usable_gaps(fed_config, capsys):
    fed_config.write_text(CONFIG.replace("target = 1e-7", "gap = 500"))
    assert main(["estimate", str(fed_config)]) == 2
    assert (
        "cultivation.gap: no data for d1 = 5, gap 500 at p = 0.001 with >= 6"
        in capsys.readouterr().err
    )


def test_rows_have_the_factory_columns():
    """A cultivation row carries every cost column a factory record has, in the same units."""
    from estimator.studies.report import PER_T, RESULTS

    r = row(cultivation.cheapest(2e-3, 1e-5))
    assert set(RESULTS) | set(PER_T) <= set(r)
    assert r["qubitcycles"] == pytest.approx(r["qubits"] * r["cycles"], rel=1e-12)


@pytest.mark.parametrize(
    ("name", "coefficient", "power"), [("8-to-CCZ", 28, 2), ("15-to-1", 35, 3), ("20-to-4", 22, 2)]
)
def test_fed_blocks_reach_the_leading_order_of_their_protocol(name, coefficient, power):
    """With lattice surgery errors negligible (p = 1e-5, d = 61) a block fed states of error
    p_in = 1e-4 has the leading-order infidelity of its protocol: 28 p_in^2 for 8-to-CCZ (the
    formula of the GSJ24-based 8T -> CCZ factory of Microsoft's resource estimator), 35 p_in^3
    for 15-to-1, 22 p_in^2 for 20-to-4 (all four outputs). Tolerance 1e-3: the next order is
    O(p_in) = 1e-4 relative."""
    p_in = 1e-4
    stub = FactoryEstimate(
        p_out=np.asarray(p_in),
        p_fail=np.asarray(0.5),
        infidelity=np.asarray(p_in),
        qubits=np.asarray(463.0),
        cycles=np.asarray(50.0),
        qubitcycles=np.asarray(463 * 50.0),
        outputs=1,
        full_distance=(),
        exact=np.asarray(False),
    )
    spec = _spec(2, name, (61, 61, 61))
    design = Design(spec, (Feed(_Stub(stub), 8),), Arrangement.litinski())
    infidelity = float(estimate_design(NoiseModel(1e-5), design).infidelity)
    assert infidelity == pytest.approx(coefficient * p_in**power, rel=1e-3)


@pytest.mark.filterwarnings("ignore:distances outside")
def test_plan_candidates_reproduce_from_their_configs():
    """msd plan --sources distillation,cultivation --noise depolarizing on small grids: one
    candidate per kind, sorted by qubitcycles, each config giving the record's numbers (as
    msd estimate would), cultivation alone naming its data row."""
    from estimator.config.factory import parse_config
    from estimator.planning import source_grid
    from estimator.planning.source_candidates import candidates, noise_table

    grid = source_grid.Grid(
        unit_targets=(1e-6, 1e-7),
        counts=(8,),
        vary={"level1.d_x": "13:17:2", "level1.d_z": "5:7:2", "level1.d_m": "5:7:2"},
    )
    grid_d = source_grid.DistillationGrid(
        one_vary={"level1.d_x": "13:17:2", "level1.d_z": "5:7:2", "level1.d_m": "5:7:2"},
        level1=((11, 5, 5),),
        counts=(6,),
        two_vary={"level2.d_x": "15:17:2", "level2.d_z": "7:9:2", "level2.d_m": "9:11:2"},
    )
    records = candidates(
        1e-3,
        1e-7,
        noise_table("depolarizing", 1e-3),
        sources=("distillation", "cultivation"),
        grid=grid,
        grid_d=grid_d,
    )
    costs = [r["qubitcycles"] for r in records]
    assert costs == sorted(costs) and len(records) >= 4
    alone = next(r for r in records if r["config"] is None)
    assert alone["cultivation"]["rows"] == "3291" and alone["qubitcycles"] == costs[0]
    for r in records:
        assert r["p_out"] <= 1e-7
        if r["config"] is not None:
            assert r["config"]["noise"]["file"] == "depolarizing"
            estimate = estimate_config(parse_config(r["config"]))
            assert float(estimate.qubitcycles) == r["qubitcycles"]
    fed = [r for r in records if "cultivation" in r and r["config"] is not None]
    assert fed and all(r["title"].startswith("(cultivation)^8_{5,g") for r in fed)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            ["--sources", "distillation,magic"],
            "--sources: must be distillation, cultivation or both",
        ),
        (["--sources", "cultivation", "--noise", "no-such-model"], "--noise: "),
    ],
)
def test_plan_refuses_unknown_sources_and_noise(option, message, capsys):
    assert main(["plan", "--p", "1e-3", "--target", "1e-7", *option]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


@pytest.mark.filterwarnings("ignore:distances outside")
def test_units_are_placed_in_the_layout_and_drawn(fed_config, tmp_path, capsys):
    """The drawing's area is the factory's qubit count (2 qubits per tile, docs/model/costs.md):
    the block with its entry regions, 8 units of 463 / 2 tiles each, their strips and hub."""
    from estimator.commands.draw import draw_figure
    from estimator.figures.style import STYLES
    from layouts.graph import Units, layout_graph, tiles

    config = load_config(fed_config)
    feed = config.cultivation
    units = Units(feed.count, feed.unit.point.qubits, feed.arrangement)
    graph = layout_graph(config.level1.layout, config.level1.d, level=2, two_level=units)
    assert 2 * tiles(graph) == pytest.approx(float(estimate_config(config).qubits), rel=1e-12)
    assert sum(1 for n in graph if n[0] == "unit") == 8
    out = tmp_path / "fed.png"
    assert main(["draw", str(fed_config), "-o", str(out)]) == 0 and out.stat().st_size > 0
    fig, _ = draw_figure(config, STYLES["paper"])
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert any("cultivation unit (8 × 463 qubits)" in t for t in texts)


@pytest.mark.filterwarnings("ignore:distances outside")
def test_msd_plan_with_cultivation_sources(monkeypatch, tmp_path, capsys):
    """The CLI path (grids made small): JSON candidates sorted by cost, cultivation alone
    first at 1e-7, a fed block's config written by --write and reproduced by msd estimate."""
    import functools

    from estimator.planning import source_grid

    small = {"level1.d_x": "13:17:2", "level1.d_z": "5:7:2", "level1.d_m": "5:7:2"}
    monkeypatch.setattr(
        source_grid,
        "Grid",
        functools.partial(source_grid.Grid, unit_targets=(1e-7,), counts=(8,), vary=small),
    )
    argv = ["plan", "--p", "1e-3", "--target", "1e-7", "--sources", "cultivation"]
    argv += ["--noise", "depolarizing", "--format", "json", "--write", str(tmp_path)]
    assert main(argv) == 0
    records = json.loads(capsys.readouterr().out)
    assert records[0]["config"] is None and records[0]["cultivation"]["rows"] == "3291"
    written = sorted(tmp_path.glob("plan_*.toml"))
    assert written and main(["estimate", str(written[0]), "--format", "json"]) == 0
    estimate = json.loads(capsys.readouterr().out)
    assert estimate["qubitcycles"] == pytest.approx(records[1]["qubitcycles"], rel=1e-12)


@pytest.mark.filterwarnings("ignore:distances outside")
def test_study_results_trace_to_configs_and_data_rows():
    """configs/studies/cultivation_sources_results.json: winners re-costed from their stored
    configs give the stored numbers (what msd estimate prints); cultivation alone is the data
    row msd source cultivation names."""
    from pathlib import Path

    from estimator.config.factory import parse_config

    path = Path(__file__).resolve().parents[1] / "configs/studies/cultivation_sources_results.json"
    block = json.loads(path.read_text())["depolarizing p=0.001"]
    for family, target in (("one_level", "1e-07"), ("two_level", "1e-12"), ("fed", "1e-12")):
        entry = block[family][target]
        config = parse_config(entry["config"])
        estimate = estimate_config(config)
        t_per_run = (config.level2 or config.level1).protocol.t_count_per_run
        per_t = float(estimate.qubitcycles) * estimate.outputs / t_per_run
        assert per_t == pytest.approx(entry["qubitcycles_per_t"], rel=1e-12)
        assert entry["p_out_per_t"] <= float(target) and entry["title"] == config.title
    alone = block["cultivation"]["1e-08"]
    point = cultivation.cheapest(1e-3, 1e-8)
    assert alone["cultivation.rows"] == "3298" == str(point.rows[0])
    assert alone["qubitcycles_per_t"] == point.volume


@pytest.mark.filterwarnings("ignore:distances outside")
def test_cultivation_fed_ccz_config_of_the_docs():
    """configs/studies/cultivation_8toccz_p1e-3.toml: 9.5e-13 per CCZ on 29,230 qubits, of which
    28 p_T^2 (row 3291) is 2.7e-13 (docs/model/cultivation.md, section 4)."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "configs/studies/cultivation_8toccz_p1e-3.toml"
    config = load_config(path)
    estimate = estimate_config(config)
    p_t = config.cultivation.unit.point.p_out
    assert config.cultivation.unit.point.rows == (3291,)
    assert 28 * p_t**2 == pytest.approx(2.7e-13, rel=0.01)
    assert float(estimate.p_out) == pytest.approx(9.527e-13, rel=1e-3)
    assert round(float(estimate.qubits)) == 29230 and float(estimate.p_out) > 28 * p_t**2


@pytest.mark.filterwarnings("ignore:distances outside")
def test_three_stage_config_of_the_docs(capsys):
    """configs/studies/cultivation_three_stage_p1e-3.toml: cultivation -> 15-to-1 -> 20-to-4,
    titled in the bracket notation, 6.10e6 qubitcycles per T state (docs, section 7); its
    level 2 cannot be drawn with cultivation-fed level-1 blocks (refused, one line)."""
    from pathlib import Path

    path = (
        Path(__file__).resolve().parents[1] / "configs/studies/cultivation_three_stage_p1e-3.toml"
    )
    config = load_config(path)
    assert config.title == "[(cultivation)^4_{3,g48} x (15-to-1)_{13,7,7}]^6 x (20-to-4)_{29,13,15}"
    estimate = estimate_config(config)
    assert float(estimate.p_out) == pytest.approx(8.383e-13, rel=1e-3)
    assert float(estimate.qubitcycles) == pytest.approx(6.102e6, rel=1e-3)  # = per T: 4 of 4
    assert main(["draw", str(path), "-o", "x.png"]) == 2
    assert "--level: the level-1 blocks of this factory are fed by cultivation units" in (
        capsys.readouterr().err
    )


@pytest.mark.filterwarnings("ignore:distances outside")
def test_a_sweep_over_p_prices_the_units_at_each_p(fed_config):
    """With [cultivation], p_phys is a structural axis of a sweep: the units are chosen from
    the data at each p (none refused for being priced at another p)."""
    from estimator.studies.sweep import Axis, load_template, run_sweep

    result = run_sweep(
        load_template(fed_config), [Axis.parse("p_phys=5e-4,1e-3"), Axis.parse("level1.d_x=17,19")]
    )
    assert result.points == 4 and result.skipped == 0
    rows = {r["p_phys"]: r["cultivation.rows"] for r in result.records}
    assert rows == {
        5e-4: str(cultivation.cheapest(5e-4, 1e-7).rows[0]),
        1e-3: str(cultivation.cheapest(1e-3, 1e-7).rows[0]),
    }
