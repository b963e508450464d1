"""The consumption rules (layouts/consumption.py; docs/model/consumption-and-supply.md): an
output leaves only after the last lattice surgery of the run (post-selection first) and
through an ancilla region free at its patch (access); deferred means after the last step."""

import tomllib
from dataclasses import replace

import pytest

from estimator.errors import ConfigError, ConsumptionError
from estimator.factory import estimate_one_level, level_one, level_two
from estimator.studies.config import estimate_config, load_config, parse_config, read_config_data
from layouts.consumption import ACCESS, POST_SELECTION, leaving_time, surgery_end, violations
from layouts.schedule import parse_schedule

ROWS = [f"{i:02d}" for i in range(1, 16)]


def _levels(config):
    """The levels of a config as the engine builds them (MODEL.md 7 inputs at level 2)."""
    noise = config.noise
    levels = [level_one(noise, config.level1)]
    if config.level2 is not None:
        first = estimate_one_level(noise, config.level1)
        levels.append(
            level_two(
                noise,
                config.level2,
                config.level1,
                first,
                n_level1=config.n_level1,
                arrangement=config.arrangement,
            )
        )
    return levels


@pytest.mark.parametrize("row", ROWS)
def test_published_schedules_pass_at_table1_parameters(table1_dir, row):
    """Every consumption event of the 15 Table 1 factories (paper and consistent schedules)
    happens after the last lattice surgery, through a free region."""
    (path,) = table1_dir.glob(f"{row}_*.toml")
    for variant in ("paper", "consistent"):
        level = "level2" if "x" in path.stem.split("_")[1] else "level1"
        config = load_config(path, [f"{level}.schedule={variant}"])
        for built in _levels(config):
            assert violations(built) == []
            for c in built.schedule.consumption:
                assert leaving_time(built, c.qubit) >= surgery_end(built)


def test_row13_cpsat_schedule_is_refused(data_dir):
    """The planner's row-13 design before the rules: its level-2 schedule hands q1 out in step
    10 of 15 while the only region along q1 carries Z1Z2Z5 (access), 79 cycles before the last
    check is measured (post-selection first). Refused with one line naming output, step, rule."""
    path = data_dir / "row13_sf15x15_cpsat_q1_step10.toml"
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    message = str(refused.value)
    assert "\n" not in message
    assert "output q1 consumed in step 10" in message and f"'{ACCESS}'" in message
    # the same rotations with q1 deferred are a factory; put the stored consumption back
    data = read_config_data(path)
    stored = parse_schedule({**data["level2"]["schedule"], "level": 2}, name="cpsat")
    data["level2"]["schedule"]["consume"] = [{"qubit": 1, "step": 15, "deferred": True}]
    config = parse_config(data)
    (_, level) = _levels(replace(config, level2=replace(config.level2, schedule=stored)))
    rules = {v.rule: v for v in violations(level)}
    assert set(rules) == {POST_SELECTION, ACCESS}
    early = float(surgery_end(level) - leaving_time(level, 1))
    assert early == pytest.approx(79, abs=0.5)  # 5 steps of t_L1 = 24.2 minus d_x2 = 21 twice
    # held to the end, the design misses the row's p_out (6.076e-10 under this model)
    assert float(estimate_config(config).p_out) == pytest.approx(7.007e-10, rel=1e-3)


def test_deferred_means_after_the_last_step(table1_dir):
    inline = (
        'level1.schedule={steps = [["Z2", "Z3", "Z4", "Z2 Z3 Z4 @top"], '
        '["Z1 Z2 Z3 @top", "Z1 Z2 Z4 @bottom"], ["Z1 Z3 Z4 @top", "Z1 Z4 Z5 @bottom", "Z5"], '
        '["Z1 Z2 Z5 @top", "Z1 Z3 Z5 @bottom"], ["Z1 Z2 Z3 Z4 Z5 @top", "Z3 Z4 Z5 @bottom"], '
        '["Z2 Z4 Z5 @top", "Z2 Z3 Z5 @bottom"]], '
        "consume = [{qubit = 1, step = 5, deferred = true}]}"
    )
    with pytest.raises(ConfigError, match=r"^level1\.schedule: .*q1 deferred in step 5 of 6 "):
        load_config(table1_dir / "01_15to1_7-3-3_p1e-4.toml", [inline])


def test_post_selection_first_at_level_one(table1_dir):
    """10.1 hands q1 out in step 5 of 6: it leaves at 4 d_m + d_m + 2 d_x, the last surgery ends
    at 6 d_m, so the published schedule needs 2 d_x >= d_m; at (3, 3, 7) it is refused."""
    row1 = table1_dir / "01_15to1_7-3-3_p1e-4.toml"
    with pytest.raises(ConsumptionError, match="leaves at cycle 41, before .* ends at cycle 42$"):
        estimate_config(load_config(row1, ["level1.d_x=3", "level1.d_m=7"]))
    held = ["level1.d_x=3", "level1.d_m=7", "level1.consumption=deferred"]
    estimate_config(load_config(row1, held))


def test_access_at_level_one():
    """A level-1 schedule with q1 in both rotations of its consumption step (the planner's
    row-10 level 1 before the rules) has no region free at q1."""
    text = """
    level = 1
    steps = [["Z1 Z3 Z5 @top", "Z3", "Z5"], ["Z1 Z2 Z5 @top", "Z2 Z3 Z5 @bottom"],
      ["Z3 Z4 Z5 @top", "Z2 Z4 Z5 @bottom", "Z2"], ["Z1 Z4 Z5 @top", "Z1 Z2 Z3 Z4 Z5 @bottom"],
      ["Z2 Z3 Z4 @top", "Z1 Z2 Z3 @bottom", "Z4"], ["Z1 Z2 Z4 @top", "Z1 Z3 Z4 @bottom"]]
    consume = [{ qubit = 1, step = 6 }]
    """
    from estimator.circuits.protocols import builtin_protocols
    from layouts.layout import Layout

    schedule = parse_schedule(tomllib.loads(text), name="cpsat")
    with pytest.raises(ConsumptionError, match=r"q1 consumed in step 6 breaks .* 'access'"):
        schedule.validate(builtin_protocols()["15-to-1"], Layout.litinski(5, (1,)), level=1)
    schedule.deferred().validate(builtin_protocols()["15-to-1"], Layout.litinski(5, (1,)), level=1)


@pytest.mark.parametrize(
    ("row", "level"),
    [("13_sf15to1x15to1_9-5-5_21-9-11_p1e-3", "level2"), ("06_15to1_17-7-7_p1e-3", "level1")],
)
def test_cpsat_obeys_the_rules(table1_dir, row, level):
    """CP-SAT schedules pass both rules (at level 2 the step time is the supply's)."""
    config = load_config(table1_dir / f"{row}.toml", [f"{level}.schedule=cpsat"], time_limit=2.0)
    for built in _levels(config):
        assert violations(built) == []
    estimate_config(config)


def test_consumption_ok_per_point():
    """On a batch the rules hold point by point: the published 15-to-1 at d_x = 3 hands q1 out
    in step 5 of 6, legal for d_m = 5 (2 d_x >= d_m), not for d_m = 7."""
    import numpy as np

    from estimator.circuits.protocols import builtin_protocols
    from estimator.factory import LevelSpec
    from estimator.sim.noise import NoiseModel
    from layouts.consumption import check_consumption, consumption_ok
    from layouts.layout import Distances, Layout
    from layouts.schedule import published_schedule

    spec = LevelSpec(
        builtin_protocols()["15-to-1"],
        Layout.litinski(5, (1,)),
        published_schedule(1, "15-to-1", "litinski"),
        Distances(np.array([3.0, 3.0]), 3.0, np.array([5.0, 7.0])),
    )
    level = level_one(NoiseModel(1e-4), spec)
    assert consumption_ok(level).tolist() == [True, False]
    with pytest.raises(ConsumptionError, match="leaves at cycle 41, before .* at cycle 42$"):
        check_consumption(level)


def test_cpsat_consumption_holds_for_every_per_step_d_m(table1_dir):
    """A level-1 CP-SAT schedule solved for per-step d_m from 3 to 9 at d_x = 5: its in-step
    consumption leaves after the last surgery and through a free region whatever the steps
    last (here with the given per-step d_m)."""
    config = load_config(
        table1_dir / "01_15to1_7-3-3_p1e-4.toml",
        ["level1.schedule=cpsat", "level1.d_x=5", "level1.d_m_step=[3,3,3,3,9,9]"],
        time_limit=1.0,
    )
    (level,) = _levels(config)
    assert violations(level) == []
