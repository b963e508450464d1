"""msd machine: counts, budget split, data blocks, distance, factory count, Pareto set, the
verb's contract, and agreement with qdk where the models coincide."""

import json
import math
import tomllib
from dataclasses import replace

import numpy as np
import pytest

from estimator.cli import main
from estimator.errors import ConfigError
from estimator.machine import compare, factories
from estimator.machine.blocks import BLOCKS
from estimator.machine.budget import Split, default_split, demand, parse_split, t_per_rotation
from estimator.machine.counts import KEYS, parse_counts
from estimator.machine.estimate import (
    RULES,
    Hardware,
    Problem,
    fastest_within,
    fewest_qubits_within,
    machines,
    pareto,
    search,
)

GOSC = {"numQubits": 100, "tCount": 10**8}
"""Litinski 2019 (arXiv:1808.02892): 100 qubits, 1e8 T gates."""
FACTORING = {
    "numQubits": 12581,
    "tCount": 12,
    "rotationCount": 12,
    "rotationDepth": 12,
    "cczCount": 3731607428,
    "measurementCount": 1078154040,
}
"""RSA-2048 as published with qdk (Beverland et al. 2022)."""
CHEMISTRY = {
    "numQubits": 1318,
    "tCount": 96,
    "rotationCount": 11987084,
    "rotationDepth": 11986482,
    "cczCount": 67474931068,
    "measurementCount": 63472407520,
}


def problem(counts, p=1e-3, rules="ours", reaction=10.0, budget=0.01):
    c = parse_counts(counts)
    split = default_split(c)
    need = demand(c, budget, split, RULES[rules].rounding)
    return Problem(
        c, budget, split, need, p, Hardware(1.0, reaction, "superconducting"), RULES[rules]
    )


@pytest.fixture(scope="module")
def table1_1e3():
    return factories.table1(1e-3, 1.0)


# counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, field",
    [
        ({"tCount": 5}, "COUNTS.numQubits"),
        ({"numQubits": 0}, "COUNTS.numQubits"),
        ({"numQubits": 10, "tCount": -1}, "COUNTS.tCount"),
        ({"numQubits": 10, "tCount": 1.5}, "COUNTS.tCount"),
        ({"numQubits": 10, "tCount": True}, "COUNTS.tCount"),
        ({"numQubits": 10, "cczCount": "7"}, "COUNTS.cczCount"),
        ({"numQubits": 10, "ccixCount": 10**19}, "COUNTS.ccixCount"),
        ({"numQubits": 10, "measurementCount": None}, "COUNTS.measurementCount"),
        ({"numQubits": 10, "rotationCount": 5}, "COUNTS.rotationDepth"),
        ({"numQubits": 10, "rotationCount": 5, "rotationDepth": 6}, "COUNTS.rotationDepth"),
        ({"numQubits": 10, "tcount": 5}, "COUNTS.tcount"),
        ([1, 2], "COUNTS"),
    ],
)
def test_bad_counts_name_the_field(data, field):
    with pytest.raises(ConfigError) as error:
        parse_counts(data)
    assert error.value.field == field


def test_counts_round_trip_qdk_keys():
    counts = parse_counts(CHEMISTRY)
    assert counts.qdk() == {**dict.fromkeys(KEYS, 0), **CHEMISTRY}


def test_bad_counts_file_one_line_exit_2(tmp_path, capsys):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"numQubits": 10, "tCount": -3}))
    assert main(["machine", str(path), "--p", "1e-3", "--budget", "0.01"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "COUNTS.tCount" in err
    path.write_text("{not json")
    assert main(["machine", str(path), "--p", "1e-3", "--budget", "0.01"]) == 2
    assert "malformed JSON" in capsys.readouterr().err


@pytest.mark.parametrize(
    "options, field",
    [
        (["--budget", "0.01"], "p_phys"),
        (["--p", "0.02", "--budget", "0.01"], "p_phys"),
        (["--p", "nan", "--budget", "0.01"], "p_phys"),
        (["--p", "1e-3", "--budget", "0.01", "--reaction-us", "-1"], "reaction_time_us"),
        (["--p", "1e-3", "--budget", "0.01", "--max-qubits", "-5"], "max_qubits"),
        (["--p", "1e-3"], "budget"),
        (["--p", "1e-3", "--budget", "2"], "budget"),
        (["--p", "1e-3", "--budget", "0.01", "--profile", "nope"], "profile"),
        (["--p", "1e-3", "--budget", "0.01", "--split", "0.5,0.6,0"], "split"),
        (["--p", "1e-3", "--budget", "0.01", "--split", "0.5,0.4,0.1"], "split"),
        (["--p", "1e-3", "--budget", "0.01", "--blocks", "huge"], "blocks"),
        (["--p", "1e-3", "--budget", "0.01", "--sources", "magic"], "--sources"),
    ],
)
def test_bad_options_name_the_field(tmp_path, capsys, options, field):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(GOSC))
    assert main(["machine", str(path), *options]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"error: {field}" in err


# budget ---------------------------------------------------------------------------------


def test_default_split_is_qdks_rule():
    assert default_split(parse_counts(CHEMISTRY)) == Split(1 / 3, 1 / 3, 1 / 3)
    assert default_split(parse_counts(GOSC)) == Split(0.5, 0.5, 0.0)
    assert default_split(parse_counts({"numQubits": 3, "measurementCount": 9})) == Split(1, 0, 0)


def test_split_shares_checked():
    counts = parse_counts(CHEMISTRY)
    assert parse_split("0.5,0.3,0.2", counts) == Split(0.5, 0.3, 0.2)
    for bad in ("0.5,0.5", "0.5,0.5,0", "a,b,c", "0.6,0.6,-0.2", "0,0.5,0.5"):
        with pytest.raises(ConfigError):
            parse_split(bad, counts)


def test_t_per_rotation():
    """ceil(0.53 log2(R / eps) + 5.3) (Beverland et al. 2022); qdk 1.33 rounds instead
    (its printed numTsPerRotation: 16, 21, 26, 22 for these four)."""
    cases = [(1000, 1e-3, 16, 16), (10**6, 1e-3, 22, 21), (10**6, 1e-6, 27, 26)]
    cases.append((11987084, 0.01 / 3, 23, 22))
    for r, eps, up, nearest in cases:
        value = 0.53 * math.log2(r / eps) + 5.3
        assert t_per_rotation(r, eps) == up == math.ceil(value)
        assert t_per_rotation(r, eps, "round") == nearest
    assert t_per_rotation(0, 0.1) == 0


def test_demand_counts_t_states_and_operations():
    need = demand(parse_counts(CHEMISTRY), 0.01, default_split(parse_counts(CHEMISTRY)))
    n = need.t_per_rotation
    c = CHEMISTRY
    assert need.t_states == c["tCount"] + 4 * c["cczCount"] + n * c["rotationCount"]
    ops = c["measurementCount"] + c["rotationCount"] + c["tCount"] + 3 * c["cczCount"]
    assert need.operations == ops + n * c["rotationDepth"]


# blocks ---------------------------------------------------------------------------------


def test_block_tiles():
    """Litinski 2019 Sec. 3: 1.5n + 3, 2n + 4, 2n + sqrt(8n) + 1 tiles; the fast block is the
    layout qdk prints as algorithmicLogicalQubits (2740 for 1318 qubits)."""
    assert BLOCKS["compact"].tiles(100) == 153
    assert BLOCKS["intermediate"].tiles(100) == 204
    assert BLOCKS["fast"].tiles(100) == 200 + 29 + 1
    assert BLOCKS["fast"].tiles(1318) == 2740
    assert BLOCKS["fast"].qubits(1318, 31) == 2740 * 2 * 31 * 31
    assert [b.steps for b in BLOCKS.values()] == [9, 5, 1]


# distance, factory count, Pareto -----------------------------------------------------


def test_distance_is_the_smallest_within_the_data_share(table1_1e3):
    prob = problem(GOSC)
    f = next(x for x in table1_1e3 if x.p_out <= 5e-11)
    for block in BLOCKS.values():
        for m in machines(prob, block, f):
            assert m.data_error <= prob.demand.eps_data
            d = m.data_distance - 2
            tiles = block.tiles(100)
            below = tiles * 0.1 * (1e-3 / 1e-2) ** ((d + 1) / 2) * m.runtime_s * 1e6
            assert below > prob.demand.eps_data  # runtime can only shrink with d: stricter
            assert m.logical_error <= 0.01


def test_factory_count_stops_when_the_block_is_the_limit(table1_1e3):
    prob = problem(GOSC)
    f = next(x for x in table1_1e3 if x.p_out <= 5e-11)
    found = machines(prob, BLOCKS["fast"], f)
    assert [m.factories for m in found] == list(range(1, len(found) + 1))
    last, before = found[-1], found[-2]
    data_time = prob.demand.operations * last.data_distance * 1e-6
    assert last.runtime_s == pytest.approx(data_time, rel=1e-12)
    assert before.runtime_s > data_time
    runs = math.ceil(math.ceil(1e8 / f.outputs) / before.factories)
    assert before.runtime_s == pytest.approx(runs * f.cycles * 1e-6, rel=1e-12)
    assert all(m.factory_qubits == m.factories * f.qubits for m in found)


def test_pareto_and_selections(table1_1e3):
    prob = problem(GOSC)
    found = search(prob, tuple(BLOCKS.values()), [f for f in table1_1e3 if f.p_out <= 5e-11])
    front = pareto(found)
    for m in found:
        assert any(
            p.physical_qubits <= m.physical_qubits and p.runtime_s <= m.runtime_s for p in front
        )
    for a in front:
        assert not any(
            b.physical_qubits <= a.physical_qubits
            and b.runtime_s <= a.runtime_s
            and (b.physical_qubits, b.runtime_s) != (a.physical_qubits, a.runtime_s)
            for b in found
        )
    limit = np.median([m.runtime_s for m in found])
    chosen = fewest_qubits_within(found, limit)
    assert chosen.runtime_s <= limit
    assert chosen.physical_qubits == min(m.physical_qubits for m in found if m.runtime_s <= limit)
    cap = np.median([m.physical_qubits for m in found])
    fast = fastest_within(found, cap)
    assert fast.runtime_s == min(m.runtime_s for m in found if m.physical_qubits <= cap)
    with pytest.raises(ConfigError, match="--max-runtime"):
        fewest_qubits_within(found, 1.0)
    with pytest.raises(ConfigError, match="--max-qubits"):
        fastest_within(found, 10.0)


def test_no_factory_reaches_the_target_is_one_line(tmp_path, capsys):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(GOSC))
    args = ["machine", str(path), "--p", "1e-3", "--budget", "1e-12", "--sources", "table1"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--sources" in err


# the verb -------------------------------------------------------------------------------


def test_json_record_and_factory_reproduces(tmp_path, capsys):
    from estimator.planning.result import toml

    path = tmp_path / "c.json"
    path.write_text(json.dumps(GOSC))
    args = ["machine", str(path), "--p", "1e-3", "--budget", "0.01", "--sources", "table1"]
    assert main([*args, "--max-runtime", "10h", "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    for key in (
        "physical_qubits",
        "runtime_s",
        "factories",
        "factory",
        "data_qubits",
        "factory_qubits",
        "data_distance",
        "logical_error",
        "budget",
    ):
        assert key in record
    assert record["runtime_s"] <= 36000
    assert record["physical_qubits"] == record["data_qubits"] + record["factory_qubits"]
    assert record["budget"]["eps_data"] == pytest.approx(0.005)
    assert record["logical_error"] <= 0.01
    config = tmp_path / "factory.toml"
    config.write_text(toml(record["factory"]["config"]))
    assert tomllib.loads(config.read_text())["p_phys"] == 1e-3
    assert main(["estimate", str(config), "--format", "json"]) == 0
    estimate = json.loads(capsys.readouterr().out)
    for key in ("p_out", "qubits", "cycles"):
        assert estimate[key] == record["factory"][key]


def test_pareto_table_plot_and_machine_config(tmp_path, capsys):
    config = tmp_path / "m.toml"
    config.write_text(
        "[machine]\np_phys = 1e-4\nbudget = 0.01\nsources = ['table1']\n"
        "blocks = ['compact', 'fast']\n"
        "[machine.counts]\nnumQubits = 100\ntCount = 100000000\n"
    )
    figure = tmp_path / "pareto.png"
    assert main(["machine", str(config), "--plot", str(figure)]) == 0
    out = capsys.readouterr().out
    assert "pareto" in out and "compact" in out and figure.stat().st_size > 0
    assert main(["machine", str(config), "--max-qubits", "1e9", "--format", "json"]) == 0
    fastest = json.loads(capsys.readouterr().out)
    assert fastest["data_block"] == "fast" and "fastest" in fastest["selection"]
    config.write_text("[machine]\np_phys = 1e-4\nbudget = 0.01\nwhat = 1\n")
    assert main(["machine", str(config)]) == 2
    assert "machine.what" in capsys.readouterr().err


# qdk ------------------------------------------------------------------------------------


def _qdk_or_skip():
    return pytest.importorskip("qdk.estimator")


@pytest.mark.parametrize(
    "counts", [GOSC, FACTORING, CHEMISTRY], ids=["gosc", "factoring", "chemistry"]
)
@pytest.mark.parametrize("p", [1e-3, 1e-4])
def test_same_model_as_qdk_gives_qdks_numbers(counts, p):
    """Our model set up as qdk (its factory's numbers, the fast/PSSPC block, its distance and
    rounding rules, no reaction time) reproduces qdk's physical qubits, factory count and
    distance exactly and its runtime (integer ns) to 1e-12 relative (float64 sums)."""
    _qdk_or_skip()
    prob = problem(counts, p, rules="qdk", reaction=0.0)
    result = compare.own(prob.counts, p, 1.0, 0.01)
    qdk = compare.summary(result)
    ours = machines(prob, BLOCKS["fast"], compare.factory_of(result, 1.0))[-1]
    assert ours.physical_qubits == qdk["physical_qubits"]
    assert ours.factories == qdk["factories"]
    assert ours.data_distance == qdk["data_distance"]
    assert ours.data_qubits == qdk["data_qubits"]
    assert prob.demand.t_states == qdk["t_states"]
    assert ours.runtime_s == pytest.approx(qdk["runtime_s"], rel=1e-12)


def test_qdk_takes_our_factory_through_the_export(table1_1e3):
    """With our factory as a custom unit, qdk counts the factories our model counts (same
    block and rules) and costs them at our qubits."""
    _qdk_or_skip()
    prob = problem(GOSC, 1e-3, rules="qdk", reaction=0.0)
    f = next(x for x in table1_1e3 if x.p_out <= 5e-11)
    qdk = compare.summary(compare.with_factory(prob.counts, 1e-3, 1.0, 0.01, f))
    ours = machines(prob, BLOCKS["fast"], f)[-1]
    assert qdk["factory_qubits"] == ours.factories * math.ceil(f.qubits)
    assert qdk["factories"] == ours.factories
    assert qdk["data_qubits"] == ours.data_qubits


def test_compare_table(tmp_path, capsys):
    _qdk_or_skip()
    path = tmp_path / "c.json"
    path.write_text(json.dumps(GOSC))
    args = ["machine", str(path), "--p", "1e-4", "--budget", "0.01", "--sources", "table1"]
    assert main([*args, "--compare", "qdk", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    first = data["attribution"][0]
    assert first["physical_qubits"] == data["qdk"]["physical_qubits"]
    assert data["attribution"][-1]["physical_qubits"] == data["msd_machine"]["physical_qubits"]
    assert main([*args, "--compare", "qdk"]) == 0
    text = capsys.readouterr().out
    assert "qdk, its own factories" in text and "msd export" in text


def test_auto_split_never_worse_and_within_budget(table1_1e3):
    """The auto split accepts every machine of the fixed split with the same rotation share
    (so its Pareto set is at least as good) and never spends more than the budget."""
    fixed = problem(CHEMISTRY, 1e-3)
    c = fixed.counts
    auto = replace(
        fixed, split=parse_split("auto", c), demand=demand(c, 0.01, parse_split("auto", c))
    )
    assert auto.demand.cap == pytest.approx(2 * fixed.demand.target)
    candidates = [f for f in table1_1e3 if f.p_out <= auto.demand.cap]
    blocks = (BLOCKS["fast"],)
    found_auto = search(auto, blocks, candidates)
    found_fixed = search(fixed, blocks, [f for f in candidates if f.p_out <= fixed.demand.target])
    for m in pareto(found_fixed):
        assert any(
            a.physical_qubits <= m.physical_qubits and a.runtime_s <= m.runtime_s
            for a in found_auto
        )
    assert all(m.logical_error <= 0.01 * (1 + 1e-12) for m in found_auto)
    assert len(pareto(found_auto)) >= 1


def test_plan_source_reads_its_cache(tmp_path, monkeypatch):
    """The plan source answers from its cache file (no planner run) for the cached target and
    for targets up to REUSE times looser; a cached factory is re-costed at p."""
    rows = json.loads(
        (factories.shipped.configs() / "studies" / "plan_table1_results.json").read_text()
    )
    record = rows["1"]["run"]["best"][0]
    cache = tmp_path / "plan.json"
    cache.write_text(json.dumps({f"{1e-4!r}|{5e-8!r}": [record]}))
    monkeypatch.setattr(factories, "PLAN_CACHE", cache)
    for target in (5e-8, 9e-8):
        (found,) = factories.plan(1e-4, target)
        assert found.p_out == pytest.approx(record["p_out"], rel=1e-12)
        assert found.qubits == record["qubits"]
    assert factories._cached_key(json.loads(cache.read_text()), 1e-4, 1.1e-7) is None
    assert factories._cached_key(json.loads(cache.read_text()), 1e-3, 5e-8) is None


def test_study_results_reproduce():
    """The committed study results are what the code gives (gosc100 at p = 1e-4, Table 1
    factories: the whole Pareto set)."""
    import tomllib as toml_reader

    from estimator.machine.estimate import pareto as front
    from estimator.machine.request import build
    from estimator.machine.run import solve

    studies = factories.shipped.configs() / "studies"
    study = toml_reader.loads((studies / "machine_applications.toml").read_text())
    results = json.loads((studies / study["results"]).read_text())
    request = build(
        {
            "counts": study["applications"]["gosc100"],
            "p_phys": 1e-4,
            "budget": study["budget"],
            "profile": study["profile"],
            "sources": ["table1"],
        }
    )
    got = [(m.physical_qubits, m.runtime_s) for m in front(solve(request).found)]
    stored = results[f"gosc100|{1e-4!r}"]["table1"]["pareto"]
    assert got == [(m["physical_qubits"], m["runtime_s"]) for m in stored]


def test_counts_without_t_states_need_no_factory():
    prob = problem({"numQubits": 10, "measurementCount": 1000})
    assert prob.demand.t_states == 0 and prob.demand.eps_data == 0.01
    found = search(prob, tuple(BLOCKS.values()), [])
    assert [(m.factories, m.factory, m.factory_qubits) for m in found] == [(0, None, 0.0)] * 3
    assert all(m.logical_error <= 0.01 for m in found)


# cultivation as a source ------------------------------------------------------------------

SMALL_FED = {"level1.d_x": "21:31:2", "level1.d_z": "9:15:2", "level1.d_m": "9:15:2"}
"""A small fed-block grid (the full grid takes tens of seconds per p; the rule is the same)."""


@pytest.fixture(scope="module")
def small_fed_grid():
    from estimator.planning import source_grid

    def rows(p_phys, bound):
        grid = source_grid.Grid(bound=bound, unit_targets=(1e-6,), counts=(8,), vary=SMALL_FED)
        return source_grid.fed(p_phys, {}, grid)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(factories, "_fed_rows", rows)
        factories._cultivation.cache_clear()
        yield
    factories._cultivation.cache_clear()


def _csv_rows():
    """The shipped cultivation data, read here without the source's code."""
    import csv
    from importlib import resources

    path = resources.files("estimator.sources") / "data" / "gsj24_cultivation_summary.csv"
    with path.open(encoding="utf-8") as handle:
        return {int(r[""]): r for r in csv.DictReader(handle)}


@pytest.mark.parametrize("bound, column", [("best", "best_estimate"), ("high", "high_1000")])
def test_cultivation_alone_traces_to_its_data_row(small_fed_grid, bound, column, capsys):
    """At a tabulated p (1e-3) the unit's numbers are one CSV row's: T error twice the S error
    of the bound's column, qubits 463 (d1 = 5) or 454 (d1 = 3), cycles = expected volume over
    qubits; ``msd source cultivation`` (the config's command) gives the same point."""
    alone = [f for f in factories.cultivation(1e-3, 1e-7, bound) if f.outputs == 1]
    alone = [f for f in alone if f.config.get("source") == "cultivation"]
    assert len(alone) == 1
    (f,) = alone
    (row,) = f.config["rows"]
    data = _csv_rows()[row]
    qubits = {3: 454, 5: 463}[int(data["cultivation_distance"])]
    assert float(data["error_rate"]) == 1e-3
    assert f.p_out == 2 * float(data[column]) <= 1e-7
    assert f.qubits == qubits
    assert f.cycles == pytest.approx(float(data["expected_volume"]) / qubits, rel=1e-12)
    assert f.p_fail == pytest.approx(1 - float(data["keep_rate"]), rel=1e-12)
    args = f.config["command"].split()[1:]
    assert main([*args, "--format", "json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["cultivation.rows"] == str(row)
    assert answer["qubits"] == f.qubits and answer["cycles"] == f.cycles


def test_cultivation_fed_block_reproduces_with_estimate(small_fed_grid, tmp_path, capsys):
    """Below what cultivation alone reaches (1e-12 at p = 1e-3), only fed blocks come, and
    ``msd estimate`` costs their configs to the same numbers."""
    from estimator.planning.result import toml

    found = factories.cultivation(1e-3, 1e-12)
    assert found and all(f.source.startswith("cultivation:fed") for f in found)
    for f in found:
        assert f.p_out <= 1e-12 and f.config["cultivation"]["count"] == 8
        config = tmp_path / "fed.toml"
        config.write_text(toml(f.config))
        assert main(["estimate", str(config), "--format", "json"]) == 0
        estimate = json.loads(capsys.readouterr().out)
        for key in ("p_out", "qubits", "cycles"):
            assert estimate[key] == getattr(f, key)


def test_cultivation_is_picked_when_cheaper(small_fed_grid, table1_1e3):
    """GoSC (1e8 T, 100 qubits) at p = 1e-3: the fewest-qubit machine with cultivation among
    the sources uses a cultivation-fed block and has fewer qubits than with Table 1 alone."""
    pb = problem(GOSC)
    blocks = tuple(BLOCKS.values())
    mine = factories.cultivation(1e-3, pb.demand.target)
    ok = [f for f in [*table1_1e3, *mine] if f.p_out <= pb.demand.cap]
    both = min(search(pb, blocks, ok), key=lambda m: m.physical_qubits)
    table1 = [f for f in table1_1e3 if f.p_out <= pb.demand.cap]
    alone = min(search(pb, blocks, table1), key=lambda m: m.physical_qubits)
    assert both.factory.source.startswith("cultivation")
    assert both.physical_qubits < alone.physical_qubits
    assert both.logical_error <= 0.01


def test_cultivation_alone_is_picked_where_its_data_reach(small_fed_grid, table1_1e3):
    """1e5 T gates on 100 qubits at p = 1e-3 ask for 5e-8 per T, which cultivation alone
    reaches: the fewest-qubit machine uses one unit (463 qubits), fewer than Table 1's."""
    pb = problem({"numQubits": 100, "tCount": 10**5})
    blocks = tuple(BLOCKS.values())
    mine = factories.cultivation(1e-3, pb.demand.target)
    ok = [f for f in [*table1_1e3, *mine] if f.p_out <= pb.demand.cap]
    best = min(search(pb, blocks, ok), key=lambda m: m.physical_qubits)
    table1 = [f for f in table1_1e3 if f.p_out <= pb.demand.cap]
    alone = min(search(pb, blocks, table1), key=lambda m: m.physical_qubits)
    assert best.factory.config["source"] == "cultivation" and best.factory.qubits == 463
    assert best.physical_qubits < alone.physical_qubits and best.logical_error <= 0.01


def test_cultivation_refused_outside_its_p_range(tmp_path, capsys):
    with pytest.raises(ConfigError) as error:
        factories.cultivation(1e-4, 1e-10)
    assert error.value.field == "--sources"
    assert "outside" in error.value.message
    path = tmp_path / "c.json"
    path.write_text(json.dumps(GOSC))
    args = ["machine", str(path), "--p", "1e-4", "--budget", "0.01", "--sources", "cultivation"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--sources" in err and "outside" in err
