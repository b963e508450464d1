"""stim circuits of the operations a factory performs, under a named circuit-level noise model.

* ``memory_circuit``: a rotated surface-code patch with X distance d_x (its height) and Z
  distance d_z (its width), as the check patches of ../shared/MODEL.md section 2, prepared and
  measured in one basis after ``rounds`` rounds of stabilizer measurement. The Z-basis
  experiment counts logical X errors (distance d_x), the X-basis one logical Z errors (d_z).
* ``stability_circuit``: the timelike error of a lattice-surgery measurement (MODEL.md 4.1):
  a patch whose boundaries are all X-type, so that the product of its X stabilizers is the
  identity and its measured value, like a merge outcome, is known; it is measured for
  ``rounds`` = d_m rounds and fails when a chain of faults in time flips it (Gidney 2022,
  "Stability experiments: the overlooked dual of memory experiments").

Geometry: data qubits at (2x + 1, 2y + 1) for 0 <= x < width, 0 <= y < height; the
stabilizer of cell (i, j) sits at (2i + 2, 2j + 2) and acts on the data qubits at its four
corners; bulk cells alternate Z (i + j even) and X. A memory patch keeps the X-type boundary
cells on the top and bottom edges and the Z-type ones on the left and right (logical X runs
down a column, logical Z along a row); a stability patch (even width and height) keeps only
X-type boundary cells. The two-qubit gate order is the hook-safe order of stim's generated
rotated surface code, so a square memory circuit has the same detectors and distance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from estimator.calibration.circuit_noise import CircuitNoise
from estimator.errors import ConfigError

# Corner offsets of a stabilizer in the order of its four CX layers (stim's generated code).
CX_ORDER = {
    "X": ((1, 1), (-1, 1), (1, -1), (-1, -1)),
    "Z": ((1, 1), (1, -1), (-1, 1), (-1, -1)),
}


@dataclass(frozen=True)
class Stabilizer:
    """A check: its basis, its measurement qubit's position and its data qubits' positions
    in CX-layer order (None where a boundary check has no qubit)."""

    basis: str
    position: tuple[int, int]
    support: tuple[tuple[int, int] | None, ...]


@dataclass(frozen=True)
class Patch:
    """A rotated surface-code patch: ``width`` x ``height`` data qubits; ``stability`` keeps
    only X-type boundary checks (no logical qubit), else a memory patch."""

    width: int
    height: int
    stability: bool = False

    def data(self) -> list[tuple[int, int]]:
        return [(2 * x + 1, 2 * y + 1) for y in range(self.height) for x in range(self.width)]

    def stabilizers(self) -> list[Stabilizer]:
        data = set(self.data())
        checks = []
        for j in range(-1, self.height):
            for i in range(-1, self.width):
                basis = "Z" if (i + j) % 2 == 0 else "X"
                bulk = 0 <= i < self.width - 1 and 0 <= j < self.height - 1
                top_bottom = j in (-1, self.height - 1) and 0 <= i < self.width - 1
                sides = i in (-1, self.width - 1) and 0 <= j < self.height - 1
                if self.stability:
                    keep = bulk or ((top_bottom or sides) and basis == "X")
                else:
                    keep = bulk or (top_bottom and basis == "X") or (sides and basis == "Z")
                if not keep:
                    continue
                x, y = 2 * i + 2, 2 * j + 2
                support = tuple(
                    (x + dx, y + dy) if (x + dx, y + dy) in data else None
                    for dx, dy in CX_ORDER[basis]
                )
                checks.append(Stabilizer(basis, (x, y), support))
        return checks


def memory_circuit(noise: CircuitNoise, d_x: int, d_z: int, rounds: int, basis: str) -> Any:
    """Memory of a d_z-wide, d_x-high patch in ``basis`` ("X" or "Z") for ``rounds`` rounds;
    its observable is the logical operator of that basis (a stim.Circuit)."""
    _check(d_x, "d_x", 2), _check(d_z, "d_z", 2), _check(rounds, "rounds", 1)
    if basis not in ("X", "Z"):
        raise ConfigError("basis", f"must be 'X' or 'Z', got {basis!r}")
    patch = Patch(d_z, d_x)
    # logical X: a column (x = 0) of X; logical Z: a row (y = 0) of Z
    logical = [q for q in patch.data() if (q[0] == 1 if basis == "X" else q[1] == 1)]
    return _experiment(patch, noise, rounds, basis, logical)


def stability_circuit(noise: CircuitNoise, width: int, height: int, rounds: int) -> Any:
    """Stability experiment on an even ``width`` x ``height`` patch for ``rounds`` rounds; its
    observable is the product of all X checks of the first round (a stim.Circuit)."""
    for value, name in ((width, "width"), (height, "height")):
        if value < 2 or value % 2:
            raise ConfigError(name, f"a stability patch needs an even side >= 2, got {value!r}")
    _check(rounds, "rounds", 1)
    return _experiment(Patch(width, height, stability=True), noise, rounds, "Z", None)


def _check(value: int, name: str, least: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ConfigError(name, f"must be an integer >= {least}, got {value!r}")


class _Builder:
    """Writes gate layers with the noise model's channels and the measurement record."""

    def __init__(self, noise: CircuitNoise, qubits: dict[tuple[int, int], int]):
        import stim

        self.circuit = stim.Circuit()
        self.noise = noise
        self.qubits = qubits
        self.measured = 0
        for (x, y), index in qubits.items():
            self.circuit.append("QUBIT_COORDS", [index], [x, y])

    def _channel(self, name: str, targets: list[int], p: float) -> None:
        if p > 0 and targets:
            self.circuit.append(name, targets, p)

    def _idle(self, busy: set[int], p: float) -> None:
        self._channel("DEPOLARIZE1", sorted(set(self.qubits.values()) - busy), p)

    def gates(self, name: str, targets: list[int]) -> None:
        """One layer of H or CX gates (CX targets: control, target pairs)."""
        self.circuit.append(name, targets)
        if name == "CX":
            self._channel("DEPOLARIZE2", targets, self.noise.clifford_2q)
        else:
            self._channel("DEPOLARIZE1", targets, self.noise.clifford_1q)
        self._idle(set(targets), self.noise.idle)
        self.circuit.append("TICK")

    def depolarize(self, targets: list[int], p: float) -> None:
        self._channel("DEPOLARIZE1", targets, p)

    def reset_measure(self, *, reset: dict[str, list[int]], measure: dict[str, list[int]]):
        """One layer of measurements (then resets) by basis; returns the record indices."""
        flips = {"Z": "X_ERROR", "X": "Z_ERROR"}
        records = {}
        busy = set()
        for basis, targets in measure.items():
            if not targets:
                continue
            self._channel(flips[basis], targets, self.noise.measure)
            both = targets == reset.get(basis)
            self.circuit.append(("MR" if both else "M") + ("X" if basis == "X" else ""), targets)
            records.update({q: self.measured + k for k, q in enumerate(targets)})
            self.measured += len(targets)
            busy |= set(targets)
        for basis, targets in reset.items():
            if not targets:
                continue
            if targets != measure.get(basis):
                self.circuit.append("R" + ("X" if basis == "X" else ""), targets)
            self._channel(flips[basis], targets, self.noise.reset)
            busy |= set(targets)
        self._idle(busy, self.noise.idle_measure)
        self.circuit.append("TICK")
        return records

    def detector(self, records: list[int], coords: list[float]) -> None:
        import stim

        targets = [stim.target_rec(r - self.measured) for r in records]
        self.circuit.append("DETECTOR", targets, coords)

    def observable(self, records: list[int], index: int = 0) -> None:
        import stim

        targets = [stim.target_rec(r - self.measured) for r in records]
        self.circuit.append("OBSERVABLE_INCLUDE", targets, index)


def _experiment(
    patch: Patch,
    noise: CircuitNoise,
    rounds: int,
    basis: str,
    logical: list[tuple[int, int]] | None,
) -> Any:
    """Prepare the data in ``basis``, measure every check ``rounds`` times, measure the data in
    ``basis``. Detectors compare each check with its previous value (checks of ``basis`` also
    with the preparation and the final data); the observable is ``logical`` measured at the
    end, or (``logical`` None, stability) the product of the first round's X checks."""
    checks = patch.stabilizers()
    data = patch.data()
    positions = data + [c.position for c in checks]
    qubits = {q: k for k, q in enumerate(sorted(positions, key=lambda q: (q[1], q[0])))}
    build = _Builder(noise, qubits)
    data_ids = [qubits[q] for q in data]
    ancillas = [qubits[c.position] for c in checks]
    x_ancillas = [qubits[c.position] for c in checks if c.basis == "X"]
    if basis == "Z":
        build.reset_measure(reset={"Z": data_ids + ancillas}, measure={})
    else:
        build.reset_measure(reset={"X": data_ids, "Z": ancillas}, measure={})
    history: list[dict[int, int]] = []
    for r in range(rounds):
        build.depolarize(data_ids, noise.data_round)
        build.gates("H", x_ancillas)
        for layer in range(4):
            pairs = []
            for c in checks:
                corner = c.support[layer]
                if corner is None:
                    continue
                a, q = qubits[c.position], qubits[corner]
                pairs += [a, q] if c.basis == "X" else [q, a]
            build.gates("CX", pairs)
        build.gates("H", x_ancillas)
        history.append(build.reset_measure(reset={"Z": ancillas}, measure={"Z": ancillas}))
        for c in checks:
            a = qubits[c.position]
            if r > 0:
                build.detector([history[r][a], history[r - 1][a]], [*c.position, r])
            elif c.basis == basis:
                build.detector([history[0][a]], [*c.position, 0])
    final = build.reset_measure(reset={}, measure={basis: data_ids})
    for c in checks:
        if c.basis == basis:
            a = qubits[c.position]
            support = [final[qubits[q]] for q in c.support if q is not None]
            build.detector(support + [history[-1][a]], [*c.position, rounds])
    if logical is None:
        build.observable([history[0][a] for a in x_ancillas])
    else:
        build.observable([final[qubits[q]] for q in logical])
    return build.circuit
