"""Schedules as data: which rotations run in which step, in which ancilla region.

../shared/MODEL.md sections 5 and 10. A schedule is a list of steps; each step lists its
rotations, each placed in an ancilla region (or, at level 1, done by a fast faulty T measurement
on a single check patch: region None). It also says when each output is consumed, and it may
carry *departures*: deviations of the published scripts from the general rules (MODEL.md
section 11), kept as explicit data so that a ``consistent`` variant is the same schedule
without them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources

from estimator.circuits.protocol import Protocol, Rotation
from estimator.errors import ConsumptionError, LayoutError, ProtocolError, ScheduleError
from layouts.layout import Layout, Length

DEPARTURE_KINDS = ("ancilla_z", "storage_factor", "alive", "consumption_time", "cycles_factor")
_PLACED = re.compile(r"^(.*?)\s*(?:@\s*(\w+))?\s*$")


@dataclass(frozen=True)
class Placement:
    """A rotation in a step, with its ancilla region (None: fast faulty T measurement)."""

    rotation: Rotation
    region: str | None

    def __str__(self) -> str:
        return f"{self.rotation} @{self.region}" if self.region else f"{self.rotation} (fast T)"


@dataclass(frozen=True)
class Consumption:
    """Output ``qubit`` is consumed in ``step``, or after it (deferred: one more full step;
    only after the protocol's last step). When it may leave: layouts/consumption.py."""

    qubit: int
    step: int
    deferred: bool = False


@dataclass(frozen=True)
class Departure:
    """A deviation of the published scripts from the general rules (MODEL.md section 11).

    Kinds: ``ancilla_z``: an extra ancilla-Z channel on ``qubit`` in ``step`` as if it were
    in a rotation through ``region``; ``storage_factor``: the storage of ``qubit`` in ``step``
    is multiplied by ``factor``; ``alive``: check ``qubit`` is still stored in ``step``;
    ``consumption_time``: consuming output ``qubit`` takes ``time`` instead of d_m + 2 d_x;
    ``cycles_factor``: ``step`` counts ``factor`` times its duration in the cycles of a run
    (``qubit`` unused, 0).
    """

    kind: str
    qubit: int
    step: int = 0
    region: str | None = None
    factor: float = 1.0
    time: Length | None = None
    note: str = ""


@dataclass(frozen=True)
class Schedule:
    """Steps of placed rotations, consumption of outputs, and departures."""

    name: str
    steps: tuple[tuple[Placement, ...], ...]
    consumption: tuple[Consumption, ...]
    departures: tuple[Departure, ...] = ()
    reference: str = field(default="", compare=False)

    @property
    def n_steps(self) -> int:
        return len(self.steps)

    @property
    def n_rotations(self) -> int:
        return sum(len(step) for step in self.steps)

    def consistent(self) -> Schedule:
        """The same schedule under the general rules only (departures dropped)."""
        return replace(self, name="consistent", departures=())

    def deferred(self) -> Schedule:
        """The same rotations with every output consumed after the protocol's last step
        (deferred consumption; docs/model-extensions.md E7)."""
        consumption = tuple(Consumption(c.qubit, self.n_steps, True) for c in self.consumption)
        return replace(self, consumption=consumption)

    def to_data(self) -> dict:
        """TOML-ready data in the format of layouts/schedules/*.toml (``parse_schedule``
        reads it back to an equal schedule)."""
        data: dict = {
            "steps": [[_placement_text(p) for p in step] for step in self.steps],
            "consume": [
                {"qubit": c.qubit, "step": c.step, **({"deferred": True} if c.deferred else {})}
                for c in self.consumption
            ],
        }
        if self.departures:
            data["departures"] = [_departure_data(d) for d in self.departures]
        return data

    def first_step(self, qubit: int) -> int:
        return min(
            s for s, step in enumerate(self.steps, 1) for p in step if qubit in p.rotation.support
        )

    def last_step(self, qubit: int) -> int:
        return max(
            s for s, step in enumerate(self.steps, 1) for p in step if qubit in p.rotation.support
        )

    def validate(self, protocol: Protocol, layout: Layout, *, level: int) -> None:
        """Raise ScheduleError/LayoutError unless this schedule runs ``protocol`` on ``layout``,
        and ConsumptionError when an output is deferred before the last step or has no free
        region in its consumption step (the time-free part of layouts/consumption.py)."""
        scheduled = [p.rotation for step in self.steps for p in step]
        if sorted(scheduled, key=str) != sorted(protocol.rotations, key=str):
            missing = set(protocol.rotations) - set(scheduled)
            extra = [r for r in scheduled if r not in protocol.rotations or scheduled.count(r) > 1]
            raise ScheduleError(
                f"schedule {self.name!r} does not run each rotation of {protocol.name!r} once"
                f" (missing: {', '.join(map(str, missing)) or 'none'}; extra or repeated: {', '.join(map(str, extra)) or 'none'})"
            )
        for s, step in enumerate(self.steps, 1):
            used = [p.region for p in step if p.region is not None]
            for name in used:
                layout.region(name)
            if len(set(used)) != len(used):
                raise ScheduleError(
                    f"schedule {self.name!r} step {s}: an ancilla region serves two rotations"
                )
            fast = [p.rotation.support[0] for p in step if p.region is None]
            for p in step:
                if p.region is None and (
                    level != 1
                    or len(p.rotation.support) != 1
                    or p.rotation.support[0] in protocol.outputs
                ):
                    raise LayoutError(
                        f"schedule {self.name!r} step {s}: {p.rotation} needs an ancilla region "
                        "(fast faulty T measurements act on a single check patch at level 1 only)"
                    )
            if len(set(fast)) != len(fast):
                raise ScheduleError(
                    f"schedule {self.name!r} step {s}: two fast faulty T measurements on one patch"
                )
            for q in fast:
                if not fast_t_regions(layout, step, q):
                    raise ScheduleError(
                        f"schedule {self.name!r} step {s}: the fast faulty T measurement on q{q} "
                        "has no ancilla region free at its patch (every region's stretch there is "
                        "used by a rotation of the step; MODEL.md 4.2 space rule)"
                    )
        consumed = {c.qubit for c in self.consumption}
        if consumed != set(protocol.outputs):
            raise ScheduleError(
                f"schedule {self.name!r}: consumption must name each output once, names {sorted(consumed)}"
            )
        for c in self.consumption:
            if not self.last_step(c.qubit) <= c.step <= self.n_steps:
                raise ScheduleError(
                    f"schedule {self.name!r}: output {c.qubit} is consumed in step {c.step}, before its last rotation"
                )
            if c.deferred and c.step != self.n_steps:
                raise ConsumptionError(
                    f"schedule {self.name!r}: output q{c.qubit} deferred in step {c.step} of "
                    f"{self.n_steps} breaks the consumption rule 'post-selection first': "
                    "deferred means after the protocol's last step"
                )
            if not c.deferred and not layout.free_regions(
                self.steps[c.step - 1], c.qubit, level=level
            ):
                raise ConsumptionError(
                    f"schedule {self.name!r}: output q{c.qubit} consumed in step {c.step} breaks "
                    "the consumption rule 'access': no ancilla region is free at its patch"
                )
        for d in self.departures:
            if d.kind not in DEPARTURE_KINDS:
                raise ScheduleError(f"schedule {self.name!r}: unknown departure kind {d.kind!r}")
            if d.kind != "cycles_factor" and not 1 <= d.qubit <= protocol.n_qubits:
                raise ScheduleError(
                    f"schedule {self.name!r}: departure {d.kind!r} names no qubit of the protocol"
                )


def fast_t_regions(layout: Layout, step: tuple[Placement, ...], qubit: int) -> tuple[str, ...]:
    """Ancilla regions where a fast faulty T measurement on ``qubit`` fits in ``step``: those
    whose stretch at the patch no rotation of the step uses (MODEL.md 4.2 space rule; a level-1
    rotation uses its region from its leftmost to its rightmost patch, MODEL.md 6). In a
    one-row layout every region runs along every patch."""
    return layout.free_regions(step, qubit, level=1)


def _placement_text(placement: Placement) -> str:
    rotation = ("-" if placement.rotation.sign < 0 else "") + " ".join(
        f"Z{q}" for q in placement.rotation.support
    )
    return f"{rotation} @{placement.region}" if placement.region else rotation


def _departure_data(d: Departure) -> dict:
    data: dict = {"kind": d.kind, **({"qubit": d.qubit} if d.qubit else {})}
    if d.step:
        data["step"] = d.step
    if d.region is not None:
        data["region"] = d.region
    if d.factor != 1.0:
        data["factor"] = d.factor
    if d.time is not None:
        data["time"] = {
            k: v for k, v in (("dx", d.time.dx), ("dz", d.time.dz), ("dm", d.time.dm)) if v
        }
    if d.note:
        data["note"] = d.note
    return data


def parse_schedule(data: Mapping, *, name: str, field: str = "schedule") -> Schedule:
    """Build a Schedule from TOML data (see layouts/schedules/*.toml for the format)."""
    try:
        steps = tuple(
            tuple(
                _placement(text, level=int(data.get("level", 1)), index=i)
                for i, text in enumerate(step)
            )
            for step in data["steps"]
        )
        consumption = tuple(
            Consumption(int(c["qubit"]), int(c["step"]), bool(c.get("deferred", False)))
            for c in data["consume"]
        )
        departures = tuple(_departure(d) for d in data.get("departures", ()))
    except (KeyError, TypeError, ValueError, ProtocolError) as error:
        raise ScheduleError(f"{field}: malformed schedule {name!r}: {error}") from None
    return Schedule(name, steps, consumption, departures, str(data.get("reference", "")))


def _placement(text: str, *, level: int, index: int) -> Placement:
    """``"Z1 Z2 @top"``; a rotation without ``@`` is a fast faulty T measurement (level 1,
    single check patch)."""
    match = _PLACED.match(text)
    rotation = Rotation.parse(match.group(1))
    region = match.group(2)
    if region is None and not (level == 1 and len(rotation.support) == 1):
        raise ValueError(f"rotation {text!r} needs an explicit region ('@top' or '@bottom')")
    return Placement(rotation, region)


def _departure(data: Mapping) -> Departure:
    time = data.get("time")
    return Departure(
        kind=str(data["kind"]),
        qubit=int(data.get("qubit", 0)),
        step=int(data.get("step", 0)),
        region=data.get("region"),
        factor=float(data.get("factor", 1.0)),
        time=None if time is None else Length(**{k: float(v) for k, v in time.items()}),
        note=str(data.get("note", "")),
    )


PUBLISHED = {
    (1, "15-to-1", "litinski"): "l1_15to1_litinski",
    (1, "15-to-1", "small-footprint"): "l1_15to1_small_footprint",
    (2, "15-to-1", "litinski"): "l2_15to1_litinski",
    (2, "20-to-4", "litinski"): "l2_20to4_litinski",
    (2, "8-to-CCZ", "litinski"): "l2_8toCCZ_litinski",
    (2, "15-to-1", "small-footprint"): "l2_15to1_small_footprint",
}
"""Published schedules (002; MODEL.md section 10) by (level, protocol, layout)."""


def published_schedule(
    level: int, protocol: str, layout: str, *, variant: str = "paper"
) -> Schedule:
    """The paper's schedule, with its departures ("paper") or without them ("consistent")."""
    key = PUBLISHED.get((level, protocol, layout))
    if key is None:
        raise ScheduleError(
            f"no published level-{level} schedule for protocol {protocol!r} on layout {layout!r}; "
            'use schedule = "cpsat"'
        )
    text = resources.files("layouts").joinpath("schedules", f"{key}.toml").read_text()
    schedule = parse_schedule(tomllib.loads(text), name="paper")
    return schedule if variant == "paper" else schedule.consistent()
