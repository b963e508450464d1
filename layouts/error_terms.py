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
class Level:
    """One level of a factory: what it runs, where, at which distances and error rates.

    Attributes:
        protocol, layout, schedule: the circuit, its patches and its timing.
        d: the level's distances d_x, d_z, d_m.
        noise: the logical error rates of patches and merges (``spacelike``, ``timelike``).
        tau: duration of one step in code cycles.
        source: where the rotations' pi/8 rotation comes from.
    """

    protocol: Protocol
    layout: Layout
    schedule: Schedule
    d: Distances
    noise: NoiseModel
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
        """(a, b, c, theta) of one rotation (MODEL.md 4.1-4.3).

        a (a P_{pi/2} error) collects Z errors of the state that makes the rotation, b (a
        P_{-pi/4} error) its X errors and the wrong outcome of the lattice-surgery measurement.
        """
        d_x, d_z, d_m = (np.asarray(v, float) for v in (self.d.d_x, self.d.d_z, self.d.d_m))
        noise, src = self.noise, self.source
        if placement.region is None:  # fast faulty T measurement on one check patch (4.2)
            _, z_aux = noise.spacelike(d_m, d_z)  # auxiliary region d_m high, Z distance d_z
            return src.a + z_aux * d_m, src.b + noise.timelike(d_z * d_m, d_m), src.c, src.theta
        x_state, z_state = noise.spacelike(d_m, d_m)  # the d_m-distance state that is consumed
        timelike = noise.timelike(self.ancilla_length(placement) * d_x, d_m)
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
        circuit: list[Channel] = []
        for step, placements in enumerate(self.schedule.steps, 1):
            circuit += [rotation_channel(p.rotation, *self.rotation_errors(p)) for p in placements]
            ancilla = self.ancilla_lengths(step)
            circuit += [z_flip(q, self.ancilla_z(ancilla[q])) for q in sorted(ancilla)]
            alive = [
                (q, t)
                for q in range(1, self.protocol.n_qubits + 1)
                if (t := self.storage_time(q, step)) is not None
            ]
            rates = {q: self.storage_rates(q) for q, _ in alive}
            circuit += [x_flip(q, rates[q][0] * t) for q, t in alive]
            circuit += [z_flip(q, rates[q][1] * t) for q, t in alive]
        return circuit

    def ancilla_z(self, length: np.ndarray) -> np.ndarray:
        """Z error on an output patch from ancilla regions of total length ``length`` measured
        for d_m cycles, counted as length / d_x square patches (MODEL.md 4.4)."""
        d_x, d_m = np.asarray(self.d.d_x, float), np.asarray(self.d.d_m, float)
        return self.noise.spacelike(d_x, d_x)[1] * length / d_x * d_m

    def storage_rates(self, qubit: int) -> tuple[np.ndarray, np.ndarray]:
        """(X, Z) logical error per cycle of a qubit's patch (MODEL.md section 2)."""
        d_x = np.asarray(self.d.d_x, float)
        width = d_x if qubit in self.protocol.outputs else np.asarray(self.d.d_z, float)
        return self.noise.spacelike(d_x, width)
