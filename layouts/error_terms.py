"""From layout and schedule to noise channels: the error rules of ../shared/MODEL.md 4-5.

One level of a factory is a protocol on a layout, run by a schedule, with distances d_x, d_z,
d_m and a step duration tau. Its rotations draw their pi/8 rotation either from a faulty T
measurement (level 1, MODEL.md 4.1-4.2) or from a lower-level output state that travels to an
entry port (level 2, MODEL.md 4.3). Every rotation through an ancilla region puts Z errors on
the output patches it touches (4.4); every live patch idles between rotations (5).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estimator.circuits.protocol import Protocol, Rotation
from estimator.sim.channels import Channel, rotation_channel, x_flip, z_flip
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
class Level:
    """One level of a factory: what it runs, where, at which distances and error rates.

    Attributes:
        protocol, layout, schedule: the circuit, its patches and its timing.
        d: the level's distances d_x, d_z, d_m.
        p_x, p_z, p_m: p_L at d_x, d_z, d_m.
        tau: duration of one step in code cycles.
        source: where the rotations' pi/8 rotation comes from.
    """

    protocol: Protocol
    layout: Layout
    schedule: Schedule
    d: Distances
    p_x: np.ndarray
    p_z: np.ndarray
    p_m: np.ndarray
    tau: np.ndarray
    source: FaultyT | InjectedState

    def ancilla_length(self, placement: Placement) -> np.ndarray:
        """Lambda of a rotation through a region: the span at level 1; the port distance
        plus the entry region d_m at level 2 (MODEL.md section 6)."""
        support = placement.rotation.support
        if isinstance(self.source, FaultyT):
            return self.layout.span(support).evaluate(self.d)
        return (self.layout.port_length(support, placement.region) + Length(dm=1)).evaluate(self.d)

    def rotation_errors(self, placement: Placement) -> tuple[np.ndarray, ...]:
        """(a, b, c, theta) of one rotation (MODEL.md 4.1-4.3)."""
        d_x, d_z, d_m = (np.asarray(v, float) for v in (self.d.d_x, self.d.d_z, self.d.d_m))
        half_pm = 0.5 * self.p_m
        src = self.source
        if isinstance(src, InjectedState):
            move = half_pm * src.l_move
            timelike = half_pm * self.ancilla_length(placement) * d_x / d_m
            return src.p_in + move, move + timelike, np.zeros_like(move), np.zeros_like(move)
        if placement.region is None:  # fast faulty T measurement on one check patch
            return (
                src.a + 0.5 * (d_m / d_z) * self.p_z * d_m,
                src.b + 0.5 * d_z * self.p_m,
                src.c,
                src.theta,
            )
        storage = half_pm * d_m
        timelike = half_pm * self.ancilla_length(placement) * d_x / d_m
        return src.a + storage, src.b + storage + timelike, src.c, src.theta

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
                time = self.tau
            else:
                length = next(
                    (d.time for d in departures if d.kind == "consumption_time"), CONSUMPTION_TIME
                )
                time = length.evaluate(self.d) + (self.tau if consumed.deferred else 0)
        else:
            last = max(
                [schedule.last_step(qubit)] + [d.step for d in departures if d.kind == "alive"]
            )
            if step > last:
                return None
            time = self.tau
        for d in departures:
            if d.kind == "storage_factor" and d.step == step:
                time = time * d.factor
        return time

    def ancilla_lengths(self, step: int) -> dict[int, np.ndarray]:
        """Sum of Lambda over the rotations of ``step`` that touch each output patch through
        an ancilla region (MODEL.md 4.4), with the schedule's extra ``ancilla_z`` departures."""
        lengths: dict[int, np.ndarray] = {}
        placements = list(self.schedule.steps[step - 1])
        placements += [
            Placement(Rotation((d.qubit,)), d.region)
            for d in self.schedule.departures
            if d.kind == "ancilla_z" and d.step == step
        ]
        for placement in placements:
            if placement.region is not None:
                for q in set(placement.rotation.support) & set(self.protocol.outputs):
                    lengths[q] = lengths.get(q, 0.0) + self.ancilla_length(placement)
        return lengths

    def channels(self) -> list[Channel]:
        """The noisy circuit of this level in time order (MODEL.md section 3 ordering)."""
        d_x, d_z = np.asarray(self.d.d_x, float), np.asarray(self.d.d_z, float)
        d_m = np.asarray(self.d.d_m, float)
        circuit: list[Channel] = []
        for step, placements in enumerate(self.schedule.steps, 1):
            circuit += [rotation_channel(p.rotation, *self.rotation_errors(p)) for p in placements]
            ancilla = self.ancilla_lengths(step)
            circuit += [z_flip(q, 0.5 * ancilla[q] / d_x * d_m * self.p_x) for q in sorted(ancilla)]
            alive = [
                (q, t)
                for q in range(1, self.protocol.n_qubits + 1)
                if (t := self.storage_time(q, step)) is not None
            ]
            rates = {q: self.storage_rates(q, d_x, d_z) for q, _ in alive}
            circuit += [x_flip(q, 0.5 * rates[q][0] * t) for q, t in alive]
            circuit += [z_flip(q, 0.5 * rates[q][1] * t) for q, t in alive]
        return circuit

    def storage_rates(
        self, qubit: int, d_x: np.ndarray, d_z: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(X, Z) logical error per cycle, before the 1/2 (MODEL.md section 2)."""
        if qubit in self.protocol.outputs:
            return self.p_x, self.p_x
        return d_z / d_x * self.p_x, d_x / d_z * self.p_z
