"""Model extensions (docs/model-extensions.md): each reduces to MODEL.md when it is not used,
and each follows its rule, checked by hand on small cases."""

import dataclasses

import numpy as np
import pytest

from estimator.errors import ConsumptionError, ModelError
from estimator.factory import Design, Feed, estimate_design, level_two
from estimator.sim.noise import NoiseModel
from estimator.studies.config import (
    config_design,
    estimate_config,
    load_config,
    stack_configs,
)
from layouts.graph import TwoLevel, layout_graph, qubits

ROW9 = "09_15to1x15to1_11-5-5_25-11-11_p1e-3.toml"
ROW1 = "01_15to1_7-3-3_p1e-4.toml"
FIELDS = ("p_out", "p_fail", "qubits", "cycles", "qubitcycles")


def _same(a, b, rel=1e-13):
    for name in FIELDS:
        assert float(getattr(a, name)) == pytest.approx(float(getattr(b, name)), rel=rel), name


@pytest.mark.parametrize("row", [ROW1, ROW9])
def test_extensions_at_their_defaults_reduce_to_model(table1_dir, row):
    """Per-patch d_z = d_z, region widths = d_x, per-step d_m = d_m and an inline copy of the
    published schedule give the published numbers (E1, E2, inline schedules)."""
    plain = load_config(table1_dir / row)
    level = "level2" if plain.level2 is not None else "level1"
    spec = getattr(plain, level)
    d = spec.d
    sets = [
        f"{level}.d_z_patch={{{', '.join(f'q{q} = {int(d.d_z)}' for q in spec.protocol.checks)}}}",
        f"{level}.region_width={{top = {int(d.d_x)}, bottom = {int(d.d_x)}}}",
        "level1.d_m_step=[3, 3, 3, 3, 3, 3]" if level == "level1" else "level1.count=6",
    ]
    extended = load_config(table1_dir / row, sets)
    _same(estimate_config(plain), estimate_config(extended))


def test_per_patch_d_z_and_region_width_geometry(table1_dir):
    """Qubits from the geometry (MODEL.md 8.2 with E1): row d_x + 3 d_z + d_z5, height
    d_x + w_top + w_bottom; the graph agrees."""
    config = load_config(
        table1_dir / ROW1, ["level1.d_z_patch={q5 = 5}", "level1.region_width={bottom = 5}"]
    )
    est = estimate_config(config)
    assert float(est.qubits) == 2 * ((7 + 3 * 3 + 5) * (7 + 7 + 5) + 2 * 3)
    assert qubits(layout_graph(config.level1.layout, config.level1.d, level=1)) == float(est.qubits)


def test_region_width_enters_timelike_and_ancilla_z():
    """A rotation through a region of width w: timelike area Lambda w; ancilla-Z error of
    Lambda / w square patches of side w (E1)."""
    from estimator.circuits.protocols import builtin_protocols
    from estimator.factory import LevelSpec, level_one
    from layouts.layout import Distances, Layout
    from layouts.schedule import published_schedule

    noise = NoiseModel(1e-3)
    spec = LevelSpec(
        builtin_protocols()["15-to-1"],
        Layout.litinski(5, (1,)),
        published_schedule(1, "15-to-1", "litinski"),
        Distances(9, 3, 5, region_width={"top": 5}),
    )
    level = level_one(noise, spec)
    placement = spec.schedule.steps[1][0]  # Z1Z2Z3 @top, span dx + 2dz = 15
    b = level.rotation_errors(placement)[1]
    pm = float(noise.p_logical(5))
    assert float(b) == pytest.approx(1e-3 / 3 + 0.5 * pm * 5 + 0.5 * 15 * 5 / 5 * pm)
    assert float(level.ancilla_z(15.0, "top")) == pytest.approx(0.5 * pm * 15 / 5 * 5)
    assert float(level.ancilla_z(15.0, "bottom")) == pytest.approx(
        0.5 * float(noise.p_logical(9)) * 15 / 9 * 5
    )


def test_d_m_per_step_sets_each_step_duration(table1_dir):
    """E2: a level-1 run lasts the sum of its steps' d_m (over 1 - p_fail); storage and the
    faulty-T qubit (largest d_m) follow."""
    config = load_config(table1_dir / ROW1, ["level1.d_m_step=[3, 3, 3, 3, 5, 3]"])
    est = estimate_config(config)
    assert float(est.cycles) * (1 - float(est.p_fail)) == pytest.approx(20)
    assert float(est.qubits) == 2 * ((7 + 4 * 3) * 3 * 7 + 2 * 5)
    base = estimate_config(load_config(table1_dir / ROW1))
    assert float(est.p_out) > float(base.p_out)  # q1 is stored longer in its last step


def test_multi_output_feeders_count_states(table1_dir):
    """E3: a 20-to-4 level 1 makes 4 states per run: with one factory per side each port gets
    a state per cycles_1 / 4, t_L1 = max(cycles_1 / 4, d_m2), p_in = its p_out per state;
    qubits from the geometry. One factory feeds one port only: refused for a schedule that
    uses both."""
    changes = [
        'level1.protocol="20-to-4"',
        "level1.layout=auto",
        "level1.schedule=cpsat",
        "level1.d_x=9",
    ]
    alone = load_config(table1_dir / ROW9, [*changes, "level1.count=1"], time_limit=0.5)
    with pytest.raises(ModelError, match="^port R has no feeding factory on its side"):
        estimate_config(alone)
    config = load_config(table1_dir / ROW9, [*changes, "level1.count=2"], time_limit=0.5)
    est = estimate_config(config)
    one = est.level1
    assert one.outputs == 4
    t_l1 = max(float(one.cycles) / 4, 11)
    assert float(est.cycles) * (1 - float(est.p_fail)) == pytest.approx(7.5 * t_l1)
    graph = layout_graph(
        config.level2.layout,
        config.level2.d,
        level=2,
        two_level=TwoLevel(config.level1.layout, config.level1.d, 2, config.arrangement),
    )
    assert qubits(graph) == pytest.approx(float(est.qubits))


def test_odd_counts_and_mixed_feeders(table1_dir):
    """E4: supply per port. n_L1 = 5 puts 3 factories on the side of port L and 2 on that of
    port R; every step of the published schedule takes a state from R, so it lasts
    max(cycles_1 / 2, d_m2), not the pooled 2 cycles_1 / 5, and l_move differs per port
    (10 d_m2 + (3/2) w at L, + w at R). A mix dealt evenly keeps equal ports."""
    five = load_config(table1_dir / ROW9, ["level1.count=5"])
    design = config_design(five)
    est = estimate_design(five.noise, design)
    cycles1 = float(est.level1.cycles)
    assert cycles1 / 2 > 2 * cycles1 / 5 > 11  # the pooled reading would be shorter
    assert float(est.cycles) * (1 - float(est.p_fail)) == pytest.approx(
        7.5 * max(cycles1 / 2, 11)
    )
    level = level_two(
        five.noise, five.level2, five.level1, est.level1, n_level1=5, arrangement=five.arrangement
    )
    width = 11 + 4 * 5
    left, right = level.source.ports
    assert (left.name, right.name) == ("L", "R")
    assert float(left.per_state) == pytest.approx(cycles1 / 3)
    assert float(right.per_state) == pytest.approx(cycles1 / 2)
    assert float(left.state.l_move) == pytest.approx(10 * 11 + 3 / 2 * width)
    assert float(right.state.l_move) == pytest.approx(10 * 11 + 2 / 2 * width)
    mixed = load_config(table1_dir / ROW9, ["level1.count=4", "level1.mix=[{d_x = 9, count = 2}]"])
    m_est = estimate_config(mixed)
    big, small = m_est.feeds
    per_port = 2 / float(big.cycles) + 1 / float(small.cycles)  # 2 + 1 on each side
    tau = max(1 / per_port, 11)
    assert float(m_est.cycles) * (1 - float(m_est.p_fail)) == pytest.approx(7.5 * tau)
    same = load_config(table1_dir / ROW9, ["level1.count=4", "level1.mix=[{count = 2}]"])
    _same(estimate_config(same), estimate_config(load_config(table1_dir / ROW9)), rel=1e-12)


def test_three_levels(table1_dir, tmp_path):
    """E5: a level-3 block fed by two-level factories, with the level-2 rules (MODEL.md 4.3, 7):
    qubits = level-3 block + n_L2 (two-level factory + strip) + routing. One two-level factory
    per side delivers a state per ~85 cycles > 2 d_x3: the published schedule would hand q1 out
    before the last check is measured (refused), so q1 waits until after the last step."""
    text = (table1_dir / ROW9).read_text().split("# The values")[0]
    text += 'count = 2\n[level3]\nprotocol = "15-to-1"\nd_x = 31\nd_z = 13\nd_m = 13\n'
    path = tmp_path / "three.toml"
    path.write_text(text)
    with pytest.raises(ConsumptionError, match="q1 consumed in step 7 of 8 .* 'post-selection"):
        estimate_config(load_config(path))
    config = load_config(path, ["level3.consumption=deferred"])
    est = estimate_config(config)
    two = est.level1
    assert two.level1 is not None  # the feeder is itself a two-level factory
    column = np.sqrt(float(two.qubits) / 2)
    block = (31 + 4 * 13) * 3 * 31 + 2 * 31 * 13
    expected = 2 * (block + 2 * (float(two.qubits) / 2 + 0.5 * 13 * column) + 20 * 13**2)
    assert float(est.qubits) == pytest.approx(expected)
    assert float(est.p_out) < float(two.p_out)


def test_deferred_consumption_config(table1_dir):
    """consumption = "deferred": every output consumed after the protocol's last step (step 8
    of the 15x15 schedule, not after q1's last rotation in step 6): q1 is stored two more steps
    than in the published in-step consumption in step 7."""
    row5 = table1_dir / "05_15to1x15to1_9-3-3_25-9-9_p1e-4.toml"
    config = load_config(row5, ["level2.consumption=deferred", "level2.schedule=consistent"])
    assert [(c.step, c.deferred) for c in config.level2.schedule.consumption] == [(8, True)]
    consistent = load_config(row5, ["level2.schedule=consistent"])
    deferred, in_step = estimate_config(config), estimate_config(consistent)
    assert float(deferred.p_out) > float(in_step.p_out)
    assert float(deferred.cycles) == pytest.approx(float(in_step.cycles), rel=1e-6)


def test_batches_of_extended_configs_must_be_stacked(table1_dir):
    data = [load_config(table1_dir / ROW1, [f"level1.d_z_patch={{q5 = {v}}}"]) for v in (3, 5)]
    batch = stack_configs(data)
    est = estimate_config(batch)
    for j, single in enumerate(data):
        assert float(est.p_out[j]) == pytest.approx(float(estimate_config(single).p_out))
    unstacked = dataclasses.replace(batch, stacked=False)
    with pytest.raises(ModelError, match="stack_configs"):
        estimate_config(unstacked)


def test_ccz_never_feeds(table1_dir):
    config = load_config(table1_dir / ROW9)
    ccz = load_config(
        table1_dir / ROW1,
        ['level1.protocol="8-to-CCZ"', "level1.layout=auto", "level1.schedule=cpsat"],
        time_limit=0.5,
    ).level1
    design = Design(config.level2, (Feed(Design(ccz), 6),), config.arrangement)
    with pytest.raises(ModelError, match="CCZ"):
        estimate_design(config.noise, design)


def test_sweeps_of_extended_configs_are_right_or_refused(table1_dir):
    """A sweep over a config with per-patch distances either gives each point's own numbers
    or refuses the batch (never a number computed without the extension)."""
    from estimator.errors import ConfigError
    from estimator.studies.sweep import Axis, load_template, run_sweep

    template = load_template(table1_dir / ROW1, ["level1.d_z_patch={q5 = 5}"])
    try:
        result = run_sweep(template, [Axis.parse("level1.d_x=7,9")])
    except ConfigError as error:
        assert "stack_configs" in str(error)
        return
    for record, d_x in zip(result.records, (7, 9)):
        single = load_config(table1_dir / ROW1, ["level1.d_z_patch={q5 = 5}", f"level1.d_x={d_x}"])
        assert record["p_out"] == pytest.approx(float(estimate_config(single).p_out))


def test_pooled_reading_is_gone(table1_dir, data_dir):
    """The planner's row-9 design under pooled supply (claimed 0.824 of the row's
    qubitcycles): five level-1 factories, 3 on the side of port L and 2 on that of port R.
    Costed per port, every step waits for port R's two factories: 1.018 of the row's
    qubitcycles, and the longer steps push p_out above the row's."""
    row = estimate_config(load_config(table1_dir / ROW9))
    config = load_config(data_dir / "row9_five_feeders_20to4.toml")
    est = estimate_config(config)
    big, small = est.feeds
    left = 2 / float(big.cycles) + 1 / float(small.cycles)  # dealt: big, big, small to L
    right = 2 / float(big.cycles)
    pooled = 4 / float(big.cycles) + 1 / float(small.cycles)
    tau = max(1 / right, 15)
    assert 1 / right > 2 / pooled > 15  # both would be supply-bound; the pooled step is shorter
    assert left > right
    assert float(est.cycles) * (1 - float(est.p_fail)) == pytest.approx(10 * tau)
    assert float(est.qubitcycles) / float(row.qubitcycles) == pytest.approx(1.0185, abs=5e-4)
    assert float(est.p_out) > float(row.p_out)


def test_single_port_steps_take_their_own_port_time(table1_dir):
    """Per-port timing step by step: with 3 factories at port L and 2 at port R, a step drawing
    from both lasts max(cycles_1 / 2, d_m2); the single-rotation step 8 of the 15x15 schedule
    lasts max(cycles_1 / 2, d_m2) through port R and max(cycles_1 / 3, d_m2) through port L.
    (The consistent schedule: no half-step departure.)"""
    steps = [
        '["Z2 @top", "Z3 @bottom"]',
        '["Z4 @top", "Z5 @bottom"]',
        '["Z1 Z2 Z3 @top", "Z2 Z3 Z4 @bottom"]',
        '["Z1 Z3 Z4 @top", "Z1 Z2 Z4 @bottom"]',
        '["Z1 Z2 Z5 @top", "Z1 Z4 Z5 @bottom"]',
        '["Z1 Z3 Z5 @top", "Z1 Z2 Z3 Z4 Z5 @bottom"]',
        '["Z2 Z4 Z5 @top", "Z3 Z4 Z5 @bottom"]',
    ]

    def cycles(last: str) -> tuple[float, float]:
        rows = ", ".join([*steps, f'["Z2 Z3 Z5 @{last}"]'])
        inline = f"level2.schedule={{steps = [{rows}], consume = [{{qubit = 1, step = 7}}]}}"
        est = estimate_config(load_config(table1_dir / ROW9, ["level1.count=5", inline]))
        return float(est.cycles) * (1 - float(est.p_fail)), float(est.level1.cycles)

    through_r, cycles1 = cycles("bottom")
    through_l, _ = cycles("top")
    assert through_r == pytest.approx(8 * max(cycles1 / 2, 11))
    assert through_l == pytest.approx(7 * max(cycles1 / 2, 11) + max(cycles1 / 3, 11))


def test_cpsat_uses_only_fed_ports(table1_dir):
    """One level-1 factory on the two-region layout feeds port L only: CP-SAT places every
    level-2 rotation in the top region (single-port steps), and each step waits for it."""
    config = load_config(
        table1_dir / ROW9, ["level1.count=1", "level2.schedule=cpsat"], time_limit=1.0
    )
    schedule = config.level2.schedule
    assert {p.region for step in schedule.steps for p in step} == {"top"}
    est = estimate_config(config)
    per_state = float(est.level1.cycles)
    assert float(est.cycles) * (1 - float(est.p_fail)) == pytest.approx(
        schedule.n_steps * max(per_state, 11)
    )


def test_cpsat_gives_the_faster_port_the_leftover_rotation(table1_dir):
    """With 3 factories at port L and 2 at port R, CP-SAT minimises the run time, not just the
    steps: the fifteenth rotation of the 15x15 block gets a step of its own at port L, which
    lasts max(cycles_1 / 3, d_m2) instead of max(cycles_1 / 2, d_m2)."""
    config = load_config(
        table1_dir / ROW9, ["level1.count=5", "level2.schedule=cpsat"], time_limit=2.0
    )
    schedule = config.level2.schedule
    alone = [step for step in schedule.steps if len(step) == 1]
    assert schedule.n_steps == 8 and [p.region for step in alone for p in step] == ["top"]
    est = estimate_config(config)
    cycles1 = float(est.level1.cycles)
    assert float(est.cycles) * (1 - float(est.p_fail)) == pytest.approx(
        7 * max(cycles1 / 2, 11) + max(cycles1 / 3, 11)
    )
