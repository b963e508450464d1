"""Schedules as data: the published ones validate; inconsistent ones are refused."""

import pytest

from estimator.circuits.protocols import builtin_protocols
from estimator.errors import LayoutError, ScheduleError
from layouts.layout import Layout
from layouts.schedule import PUBLISHED, parse_schedule, published_schedule

FIFTEEN = builtin_protocols()["15-to-1"]
LAYOUT = Layout.litinski(5, (1,))
PAPER = published_schedule(1, "15-to-1", "litinski")


@pytest.mark.parametrize(("level", "protocol", "layout"), list(PUBLISHED))
def test_published_schedules_validate(level, protocol, layout):
    p = builtin_protocols()[protocol]
    make = Layout.litinski if layout == "litinski" else Layout.small_footprint
    for variant in ("paper", "consistent"):
        schedule = published_schedule(level, protocol, layout, variant=variant)
        schedule.validate(p, make(p.n_qubits, p.outputs), level=level)
        assert schedule.n_rotations == len(p.rotations)


def test_step_counts_and_departures():
    """MODEL.md section 10 (N_steps) and section 11 (departures Q1-Q4)."""
    counts = {key: published_schedule(*key).n_steps for key in PUBLISHED}
    assert list(counts.values()) == [6, 12, 8, 10, 4, 15]
    kinds = {key: sorted(d.kind for d in published_schedule(*key).departures) for key in PUBLISHED}
    assert kinds[(1, "15-to-1", "small-footprint")] == ["alive", "storage_factor"]
    assert kinds[(2, "15-to-1", "litinski")] == ["ancilla_z", "cycles_factor"]
    assert kinds[(2, "15-to-1", "small-footprint")] == ["consumption_time"]
    assert published_schedule(2, "15-to-1", "litinski", variant="consistent").departures == ()


def _data(**changes):
    data = {
        "level": 1,
        "steps": [
            ["Z2", "Z3", "Z4", "Z2 Z3 Z4 @top"],
            ["Z1 Z2 Z3 @top", "Z1 Z2 Z4 @bottom"],
            ["Z1 Z3 Z4 @top", "Z1 Z4 Z5 @bottom", "Z5"],
            ["Z1 Z2 Z5 @top", "Z1 Z3 Z5 @bottom"],
            ["Z1 Z2 Z3 Z4 Z5 @top", "Z3 Z4 Z5 @bottom"],
            ["Z2 Z4 Z5 @top", "Z2 Z3 Z5 @bottom"],
        ],
        "consume": [{"qubit": 1, "step": 5}],
    }
    data.update(changes)
    return data


def test_same_data_as_the_published_file():
    assert parse_schedule(_data(), name="paper").steps == PAPER.steps


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"steps": [["Z2", "Z3", "Z4"]]}, ScheduleError, "does not run each rotation"),
        (
            {"steps": _data()["steps"][:-1] + [["Z2 Z4 Z5 @top", "Z2 Z3 Z5 @top"]]},
            ScheduleError,
            "serves two rotations",
        ),
        (
            {"steps": _data()["steps"][:-1] + [["Z2 Z4 Z5 @top", "Z2 Z3 Z5 @left"]]},
            LayoutError,
            "no ancilla region 'left'",
        ),
        ({"consume": [{"qubit": 1, "step": 3}]}, ScheduleError, "before its last rotation"),
        ({"consume": []}, ScheduleError, "each output once"),
    ],
)
def test_inconsistent_schedules(changes, error, message):
    with pytest.raises(error, match=message):
        parse_schedule(_data(**changes), name="x").validate(FIFTEEN, LAYOUT, level=1)


@pytest.mark.parametrize(
    "data", [{"steps": [["Z1 Z2"]], "consume": []}, {"steps": "Z1", "consume": []}, {"consume": []}]
)
def test_malformed_schedules(data):
    with pytest.raises(ScheduleError, match="malformed schedule"):
        parse_schedule(data, name="x")


def test_fast_t_only_on_checks_at_level_1():
    data = _data()
    data["steps"] = [["Z1"]] + data["steps"]
    protocol = builtin_protocols()["15-to-1"]
    with pytest.raises((LayoutError, ScheduleError)):
        parse_schedule(data, name="x").validate(protocol, LAYOUT, level=1)


def test_published_schedules_obey_the_space_rule_and_the_old_cpsat_one_does_not(data_dir):
    """MODEL.md 4.2 space rule: every published schedule passes (test above validates them
    all); the CP-SAT small-footprint schedule made before the rule existed (stored test data)
    measures Z2 fast while Z1Z3Z4 uses the only region across q2."""
    import tomllib

    from layouts.schedule import fast_t_regions

    old = parse_schedule(
        tomllib.loads((data_dir / "sf15to1_cpsat_before_space_rule.toml").read_text()), name="old"
    )
    small = Layout.small_footprint(5, (1,))
    with pytest.raises(ScheduleError, match=r"step 2: the fast faulty T measurement on q2"):
        old.validate(FIFTEEN, small, level=1)
    paper = published_schedule(1, "15-to-1", "litinski")
    assert fast_t_regions(LAYOUT, paper.steps[0], 2) == ("bottom",)  # Z2Z3Z4 uses the top
    assert fast_t_regions(LAYOUT, paper.steps[2], 5) == ("top",)  # Z1Z4Z5 uses the bottom


def test_schedule_data_round_trip_and_deferred_consumption():
    for key in PUBLISHED:
        schedule = published_schedule(*key)
        again = parse_schedule({"level": key[0], **schedule.to_data()}, name="paper")
        assert again == schedule
    deferred = PAPER.deferred()  # after the protocol's last step, not after q1's last rotation
    assert [(c.qubit, c.step, c.deferred) for c in deferred.consumption] == [(1, 6, True)]
    assert deferred.steps == PAPER.steps
