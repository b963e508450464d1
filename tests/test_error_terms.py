"""The error rules of docs/model/rotations.md applied to the published layouts and schedules:
storage times and ancilla lengths against the tables of docs/model/published-schedules.md."""

from dataclasses import dataclass, field

import numpy as np
import pytest

from estimator.circuits.protocols import builtin_protocols
from estimator.factory import LevelSpec, level_one
from estimator.sim.noise import NoiseModel
from layouts.error_terms import FaultyT, InjectedState, Level
from layouts.layout import Distances, Layout
from layouts.schedule import published_schedule

# Distinct values so that every expression is recognisable: d_x, d_z, d_m, tau.
DX, DZ, DM, TAU = 7.0, 3.0, 5.0, 11.0
C = DM + 2 * DX  # consumption time
CODE = {"t": TAU, "c": C, "c+t": C + TAU, "2t": 2 * TAU, "dx+t": DX + TAU, ".": None}


@dataclass(frozen=True)
class TableNoise(NoiseModel):
    """p_L(d) from a table (0 for distances not in it), to set p_X, p_Z, p_M independently."""

    table: dict = field(default_factory=dict)

    def p_logical(self, d):
        return np.vectorize(lambda v: self.table.get(float(v), 0.0))(np.asarray(d, float))


def _level(protocol_name: str, layout_name: str, level: int, variant: str = "paper") -> Level:
    protocol = builtin_protocols()[protocol_name]
    layout = (Layout.litinski if layout_name == "litinski" else Layout.small_footprint)(
        protocol.n_qubits, protocol.outputs
    )
    schedule = published_schedule(level, protocol_name, layout_name, variant=variant)
    zero = np.zeros(())
    source = FaultyT(zero, zero, zero, zero) if level == 1 else InjectedState(zero, zero)
    return Level(
        protocol, layout, schedule, Distances(DX, DZ, DM), TableNoise(1e-4), np.asarray(TAU), source
    )


def _expand(rows: list[str]) -> list[list[str]]:
    table = []
    for row in rows:
        count, _, cells = row.partition("x ") if "x " in row else ("1", "", row)
        table += [cells.split()] * int(count)
    return table


# docs/model/published-schedules.md, "Storage duration T_q(s) per step" (t = tau, c = d_m + 2 d_x).
STORAGE = [
    (
        "15-to-1",
        "litinski",
        1,
        "paper",
        [". t t t .", "t t t t .", "2x t t t t t", "c t t t t", ". t t t t"],
    ),
    (
        "15-to-1",
        "small-footprint",
        1,
        "paper",
        [". t t t .", ". t 2t t .", "2x t t t t .", "7x t t t t t", "c t t t t"],
    ),
    (
        "15-to-1",
        "small-footprint",
        1,
        "consistent",
        [". t t t .", ". t t t .", "2x t t t t .", "7x t t t t t", "c t t . t"],
    ),
    (
        "15-to-1",
        "litinski",
        2,
        "paper",
        [". t t . .", ". t t t t", "4x t t t t t", "c t t t t", ". t t . t"],
    ),
    (
        "20-to-4",
        "litinski",
        2,
        "paper",
        [
            ". . . . t t .",
            "2x t . . . t t t",
            "t t . . t t t",
            "3x t t t t t t t",
            "c c t t t t t",
            ". . c t t t t",
            ". . . c+t t t t",
        ],
    ),
    ("8-to-CCZ", "litinski", 2, "paper", ["t . . t", "t t t t", "c t t t", ". c c+t t"]),
    (
        "15-to-1",
        "small-footprint",
        2,
        "paper",
        [". t . . .", ". t t . .", ". t t t .", ". t t t t", "10x t t t t t", "dx+t t t . t"],
    ),
    (
        "15-to-1",
        "small-footprint",
        2,
        "consistent",
        [". t . . .", ". t t . .", ". t t t .", ". t t t t", "10x t t t t t", "c+t t t . t"],
    ),
]


@pytest.mark.parametrize(
    ("protocol", "layout", "level", "variant", "rows"),
    STORAGE,
    ids=[f"{s[0]}-{s[1]}-L{s[2]}-{s[3]}" for s in STORAGE],
)
def test_storage_times_match_model_tables(protocol, layout, level, variant, rows):
    lvl = _level(protocol, layout, level, variant)
    expected = _expand(rows)
    assert len(expected) == lvl.schedule.n_steps
    for step, cells in enumerate(expected, 1):
        for qubit, cell in enumerate(cells, 1):
            got = lvl.storage_time(qubit, step)
            want = CODE[cell]
            assert (got is None) == (want is None), (step, qubit)
            if want is not None:
                assert float(got) == pytest.approx(want), (step, qubit)


def _lambda(dx=0, dz=0, dm=0):
    return dx * DX + dz * DZ + dm * DM


# docs/model/published-schedules.md, "ancilla-Z on outputs: Sigma Lambda" (selected steps, incl. departure Q1).
ANCILLA = [
    ("15-to-1", "litinski", 1, "paper", 2, {1: _lambda(dx=2, dz=5)}),
    ("15-to-1", "litinski", 1, "paper", 5, {1: _lambda(dx=1, dz=4)}),
    ("15-to-1", "litinski", 1, "paper", 6, {}),
    ("15-to-1", "litinski", 2, "paper", 7, {1: _lambda(dm=1, dx=1, dz=4)}),
    ("15-to-1", "litinski", 2, "consistent", 7, {}),
    (
        "20-to-4",
        "litinski",
        2,
        "paper",
        5,
        {
            1: _lambda(dm=1, dx=4, dz=2),
            2: _lambda(dm=2, dx=7, dz=5),
            3: _lambda(dm=1, dx=4, dz=2),
            4: _lambda(dm=1, dx=4, dz=2),
        },
    ),
    (
        "20-to-4",
        "litinski",
        2,
        "paper",
        9,
        {3: _lambda(dm=1, dx=4, dz=3), 4: _lambda(dm=1, dx=1, dz=3)},
    ),
    (
        "8-to-CCZ",
        "litinski",
        2,
        "paper",
        4,
        {2: _lambda(dm=1, dx=3, dz=1), 3: _lambda(dm=1, dx=1, dz=1)},
    ),
    ("15-to-1", "small-footprint", 2, "paper", 5, {1: _lambda(dm=1, dx=1, dz=4)}),
]


@pytest.mark.parametrize(("protocol", "layout", "level", "variant", "step", "expected"), ANCILLA)
def test_ancilla_z_lengths(protocol, layout, level, variant, step, expected):
    got = _level(protocol, layout, level, variant).ancilla_lengths(step)
    assert {q: float(v) for q, v in got.items()} == pytest.approx(expected)


def test_level1_rotation_terms():
    """docs/model/rotations.md at (p = 1e-4; 9, 3, 3), by hand."""
    noise = NoiseModel(1e-4)
    protocol = builtin_protocols()["15-to-1"]
    spec = LevelSpec(
        protocol,
        Layout.litinski(5, (1,)),
        published_schedule(1, "15-to-1", "litinski"),
        Distances(9, 3, 3),
    )
    level = level_one(noise, spec)
    p, pm, pz = 1e-4, noise.p_logical(3), noise.p_logical(3)
    fast, multi = (
        level.schedule.steps[0][0],
        level.schedule.steps[1][1],
    )  # Z2 (fast T), Z1Z2Z4 (dx + 3dz)
    a, b, c, theta = level.rotation_errors(fast)
    assert (a, b, c) == pytest.approx((p / 3 + 0.5 * (3 / 3) * pz * 3, p / 3 + 0.5 * 3 * pm, p / 3))
    a, b, c, _ = level.rotation_errors(multi)
    span = 9 + 3 * 3
    assert (a, b, c) == pytest.approx(
        (p / 3 + 0.5 * pm * 3, p / 3 + 0.5 * pm * 3 + 0.5 * span * 9 / 3 * pm, p / 3)
    )
    assert float(theta) == 0


def test_level2_rotation_terms():
    """docs/model/rotations.md: a = p_in + l_move p_M/2, b = l_move p_M/2 + Lambda d_x p_M / (2 d_m), c = 0."""
    lvl = _level("20-to-4", "litinski", 2)
    lvl = Level(
        lvl.protocol,
        lvl.layout,
        lvl.schedule,
        lvl.d,
        TableNoise(1e-4, table={DM: 1e-9}),
        lvl.tau,
        InjectedState(np.asarray(1e-10), np.asarray(100.0)),
    )
    placement = lvl.schedule.steps[8][0]  # Z3Z6Z7 via port L: 4dx + 3dz (+ dm)
    a, b, c, _ = lvl.rotation_errors(placement)
    big_lambda = _lambda(dm=1, dx=4, dz=3)
    assert (a, b, c) == pytest.approx(
        (1e-10 + 50 * 1e-9, 50 * 1e-9 + 0.5 * big_lambda * DX / DM * 1e-9, 0)
    )
