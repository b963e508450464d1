"""From layout and schedule to noise channels: the error rules of ../shared/MODEL.md 4-5.

One level of a factory is a protocol on a layout, run by a schedule, with distances d_x, d_z,
d_m and a step duration tau. Its rotations draw their pi/8 rotation either from a faulty T
measurement (level 1, MODEL.md 4.1-4.2) or from a lower-level output state that travels to an
entry port (level 2, MODEL.md 4.3). Every rotation through an ancilla region puts Z errors on
the output patches it touches (4.4); every live patch idles between rotations (5).

Extensions (docs/model-extensions.md E1-E2): a check patch's rates use its own d_z; a rotation
through a region of width w has the timelike error of area Lambda w and the ancilla-Z error of
Lambda / w square patches of side w; at level 1 a step lasts its own d_m and every rule of the
step uses it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estimator.circuits.protocol import Protocol, Rotation
from estimator.errors import ModelError
from estimator.sim.channels import Channel, rotation_channel, x_flip, z_flip
from estimator.sim.noise import NoiseModel
from layouts.layout import Distances, Layout, Length
from layouts.schedule import Placement, Schedule

CONSUMPTION_TIME = Length(dm=1, dx=2)
"""Cycles to consume an output: lattice surgery (d_m) plus 2 d_x (MODEL.md section 5)."""


@dataclass(frozen=True)
class FaultyT:
    """Level-1 rotations: a faulty T measurement with error branches (a, b, c) and a
    coherent over-rotation theta (MODEL.md 4.1: the p/3 terms)."""

    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    theta: np.ndarray


@dataclass(frozen=True)
class InjectedState:
    """Level-2 rotations: each consumes a lower-level state of error ``p_in`` that travels
    an effective length ``l_move`` through width-d_m routing (MODEL.md 4.3 and 7)."""

    p_in: np.ndarray
    l_move: np.ndarray


@dataclass(frozen=True)
class Port:
    """One entry port of a fed block and what its own feeding factories deliver (MODEL.md 7,
    per-port supply): one state per ``per_state`` cycles (inf: no factory on its side), each
    with error and travel ``state``."""

    name: str
    per_state: np.ndarray
    state: InjectedState


@dataclass(frozen=True)
class PortSupply:
    """Level-2 rotations fed per port: a rotation through a region takes its state from that
    region's port, and a step lasts at least the time each port it uses needs to deliver its
    states, and at least ``min_step`` cycles (the lattice surgery; MODEL.md 7)."""

    ports: tuple[Port, ...]
    min_step: np.ndarray

    def port(self, name: str) -> Port:
        return next(p for p in self.ports if p.name == name)

    def step_time(self, layout: Layout, placements: tuple[Placement, ...]) -> np.ndarray:
        """max(min_step, max over the ports P the step uses of (states it takes from P) / r_P).
        A port without feeding factories cannot serve a step (ModelError)."""
        taken: dict[str, int] = {}
        for p in placements:
            if p.region is not None:
                port = layout.region(p.region).port
                taken[port] = taken.get(port, 0) + 1
        time = np.asarray(self.min_step, float)
        for name, count in sorted(taken.items()):
            per_state = np.asarray(self.port(name).per_state, float)
            if np.any(np.isposinf(per_state)):
                raise ModelError(
                    f"port {name} has no feeding factory on its side, but a step takes a state "
                    "from it (supply is per port: give its side factories or use the other port)"
                )
            time = np.maximum(time, count * per_state)
        return time

    @property
    def longest_step(self) -> np.ndarray:
        """The longest a step taking one state per port can last: max(min_step, slowest
        port's time per state), ports without factories left out."""
        times = [np.asarray(p.per_state, float) for p in self.ports]
        finite = [np.where(np.isposinf(t), 0.0, t) for t in times]
        return np.maximum(np.asarray(self.min_step, float), np.maximum.reduce(finite))


@dataclass(frozen=True)
class Level:
    """One level of a factory: what it runs, where, at which distances and error rates.

    Attributes:
        protocol, layout, schedule: the circuit, its patches and its timing.
        d: the level's distances d_x, d_z, d_m.
        noise: the logical error rates of patches and merges (``spacelike``, ``timelike``).
        tau: duration of one step in code cycles (with a PortSupply: its longest step; each
            step's own duration is ``step_time``).
        source: where the rotations' pi/8 rotation comes from (level 2 fed per port: a
            PortSupply).
    """

    protocol: Protocol
    layout: Layout
    schedule: Schedule
    d: Distances
    noise: NoiseModel
    tau: np.ndarray
    source: FaultyT | InjectedState | PortSupply

    def injected(self, region: str | None) -> InjectedState:
        """The state a level-2 rotation through ``region`` consumes (its port's, per-port
        supply) or the one state of every rotation."""
        if isinstance(self.source, PortSupply):
            return self.source.port(self.layout.region(region).port).state
        return self.source

    def ancilla_length(self, placement: Placement) -> np.ndarray:
        """Lambda of a rotation through a region: the span at level 1; the port distance
        plus the entry region d_m at level 2 (MODEL.md section 6)."""
        support = placement.rotation.support
        if isinstance(self.source, FaultyT):
            return self.layout.span(support).evaluate(self.d)
        return (self.layout.port_length(support, placement.region) + Length(dm=1)).evaluate(self.d)

    def rotation_errors(
        self, placement: Placement, step: int | None = None
    ) -> tuple[np.ndarray, ...]:
        """(a, b, c, theta) of one rotation (MODEL.md 4.1-4.3), in ``step`` (its d_m).

        a (a P_{pi/2} error) collects Z errors of the state that makes the rotation, b (a
        P_{-pi/4} error) its X errors and the wrong outcome of the lattice-surgery measurement.
        """
        d = self.d if step is None else self.d.at_step(step)
        d_m = np.asarray(d.d_m, float)
        noise, src = self.noise, self.source
        if isinstance(src, PortSupply):
            src = self.injected(placement.region)
        if placement.region is None:  # fast faulty T measurement on one check patch (4.2)
            d_z = np.asarray(d.check_d_z(placement.rotation.support[0]), float)
            _, z_aux = noise.spacelike(d_m, d_z)  # auxiliary region d_m high, Z distance d_z
            return src.a + z_aux * d_m, src.b + noise.timelike(d_z * d_m, d_m), src.c, src.theta
        x_state, z_state = noise.spacelike(d_m, d_m)  # the d_m-distance state that is consumed
        width = np.asarray(d.width(placement.region), float)
        timelike = noise.timelike(self.ancilla_length(placement) * width, d_m)
        if isinstance(src, InjectedState):  # it travels l_move cycles (4.3)
            x_move, z_move = x_state * src.l_move, z_state * src.l_move
            return (
                src.p_in + z_move,
                x_move + timelike,
                np.zeros_like(x_move),
                np.zeros_like(x_move),
            )
        # the faulty-T ancilla qubit is stored for d_m cycles (4.1)
        return src.a + z_state * d_m, src.b + x_state * d_m + timelike, src.c, src.theta

    def step_time(self, step: int) -> np.ndarray:
        """Duration of ``step`` in cycles: tau (MODEL.md 5: d_m at level 1), at level 1 with
        per-step d_m that step's d_m (extension E2), and with per-port supply the time the
        ports the step uses need to deliver its states (MODEL.md 7)."""
        if self.d.d_m_step and isinstance(self.source, FaultyT):
            return np.asarray(self.d.at_step(step).d_m, float)
        if isinstance(self.source, PortSupply):
            return self.source.step_time(self.layout, self.schedule.steps[step - 1])
        return self.tau

    def step_starts(self) -> list[np.ndarray]:
        """Start of every step (cycles from the start of the run), in step order."""
        starts, now = [], np.zeros(())
        for s in range(1, self.schedule.n_steps + 1):
            starts.append(now)
            now = now + self.step_time(s)
        return starts

    def cycles(self) -> np.ndarray:
        """Cycles of one run: the sum of the step durations (MODEL.md 8.3), each counted with
        the schedule's ``cycles_factor`` departure where it has one."""
        factor = {
            d.step: d.factor for d in self.schedule.departures if d.kind == "cycles_factor"
        }
        return sum(
            self.step_time(s) * factor.get(s, 1.0) for s in range(1, self.schedule.n_steps + 1)
        )

    def storage_time(self, qubit: int, step: int) -> np.ndarray | None:
        """Cycles ``qubit`` idles in ``step`` (None: not alive), MODEL.md section 5."""
        schedule = self.schedule
        departures = [d for d in schedule.departures if d.qubit == qubit]
        if step < schedule.first_step(qubit):
            return None
        if qubit in self.protocol.outputs:
            consumed = next(c for c in schedule.consumption if c.qubit == qubit)
            if step > consumed.step:
                return None
            if step < consumed.step:
                time = self.step_time(step)
            else:
                length = next(
                    (d.time for d in departures if d.kind == "consumption_time"), CONSUMPTION_TIME
                )
                time = length.evaluate(self.d.at_step(step)) + (
                    self.step_time(step) if consumed.deferred else 0
                )
        else:
            last = max(
                [schedule.last_step(qubit)] + [d.step for d in departures if d.kind == "alive"]
            )
            if step > last:
                return None
            time = self.step_time(step)
        for d in departures:
            if d.kind == "storage_factor" and d.step == step:
                time = time * d.factor
        return time

    def _ancilla_placements(self, step: int) -> list[Placement]:
        """Rotations of ``step`` through a region, with the schedule's extra ``ancilla_z``
        departures."""
        placements = list(self.schedule.steps[step - 1])
        placements += [
            Placement(Rotation((d.qubit,)), d.region)
            for d in self.schedule.departures
            if d.kind == "ancilla_z" and d.step == step
        ]
        return [p for p in placements if p.region is not None]

    def ancilla_lengths(self, step: int) -> dict[int, np.ndarray]:
        """Sum of Lambda over the rotations of ``step`` that touch each output patch through
        an ancilla region (MODEL.md 4.4), with the schedule's extra ``ancilla_z`` departures."""
        lengths: dict[int, np.ndarray] = {}
        for placement in self._ancilla_placements(step):
            for q in set(placement.rotation.support) & set(self.protocol.outputs):
                lengths[q] = lengths.get(q, 0.0) + self.ancilla_length(placement)
        return lengths

    def ancilla_z_errors(self, step: int) -> dict[int, np.ndarray]:
        """Per output patch, the summed ancilla-Z probability of ``step`` (MODEL.md 4.4: one
        channel per step and output; each rotation counted with its region's width)."""
        errors: dict[int, np.ndarray] = {}
        for placement in self._ancilla_placements(step):
            error = self.ancilla_z(self.ancilla_length(placement), placement.region, step)
            for q in set(placement.rotation.support) & set(self.protocol.outputs):
                errors[q] = errors.get(q, 0.0) + error
        return errors

    def channels(self) -> list[Channel]:
        """The noisy circuit of this level in time order (MODEL.md section 3 ordering)."""
        circuit: list[Channel] = []
        for step, placements in enumerate(self.schedule.steps, 1):
            circuit += [
                rotation_channel(p.rotation, *self.rotation_errors(p, step)) for p in placements
            ]
            ancilla = self.ancilla_z_errors(step)
            circuit += [z_flip(q, ancilla[q]) for q in sorted(ancilla)]
            alive = [
                (q, t)
                for q in range(1, self.protocol.n_qubits + 1)
                if (t := self.storage_time(q, step)) is not None
            ]
            rates = {q: self.storage_rates(q) for q, _ in alive}
            circuit += [x_flip(q, rates[q][0] * t) for q, t in alive]
            circuit += [z_flip(q, rates[q][1] * t) for q, t in alive]
        return circuit

    def ancilla_z(
        self, length: np.ndarray, region: str | None = None, step: int | None = None
    ) -> np.ndarray:
        """Z error on an output patch from an ancilla region of length ``length`` and width w
        (d_x unless the distances give ``region`` its own) measured for d_m cycles, counted as
        length / w square patches of side w (MODEL.md 4.4; extension E1)."""
        d = self.d if step is None else self.d.at_step(step)
        width = np.asarray(d.d_x if region is None else d.width(region), float)
        d_m = np.asarray(d.d_m, float)
        return self.noise.spacelike(width, width)[1] * length / width * d_m

    def storage_rates(self, qubit: int) -> tuple[np.ndarray, np.ndarray]:
        """(X, Z) logical error per cycle of a qubit's patch (MODEL.md section 2); a check
        patch has its own d_z where the distances give one (extension E1)."""
        d_x = np.asarray(self.d.d_x, float)
        if qubit in self.protocol.outputs:
            return self.noise.spacelike(d_x, d_x)
        return self.noise.spacelike(d_x, np.asarray(self.d.check_d_z(qubit), float))
