"""A stim circuit of state injection into a rotated surface-code patch, with a perfect readout.

The experiment (docs/model/injection.md): a d x d patch (circuits.Patch geometry: logical X
down the column x = 0, logical Z along the row y = 0) whose corner data qubit (0, 0) is
prepared in the injected state and every other data qubit in |0> or |+>, as Li (2015,
arXiv:1410.7808) does: the row y = 0 and the triangle x >= y in |0>, the column x = 0 and the
triangle y > x in |+>. Then ``rounds`` noisy rounds of stabilizer measurement, and a noiseless
round that measures every check and two logical operators (a perfect final measurement: it
only reads out, so the observables count the errors of the injection and of the noisy
rounds). The first round's checks whose support is all prepared in their own basis are
deterministic (detectors); every other check gets its first detector in round 1.

stim simulates Clifford circuits only, so the injected state is the S state |+i> (reset,
H, S), a proxy for the T state (Gidney, Shutty, Jones 2024, arXiv:2409.17595). The corner is
entangled, right after its H, with a noiseless reference qubit r (a noiseless CX), so that
both Y_L X_r (observable 0: the S state's error, logical X or Z) and Z_L Z_r (observable 1:
logical X or Y) are deterministic and together give the logical Pauli frame X, Y or Z. How
it maps to the T state's error is ``injection_fit.T_FROM_S`` (a stated assumption).

``postselect_rounds`` = k marks the detectors of the first k rounds with a nonzero fourth
coordinate, so that sinter discards every shot where one of them fires (Li 2015 post-selects
on the first two rounds); k = 0 decodes every shot.
"""

from __future__ import annotations

from typing import Any

from estimator.calibration.circuit_noise import CircuitNoise
from estimator.calibration.circuits import Patch, _Builder, _check


def prepared_basis(x: int, y: int) -> str:
    """Basis of data qubit (x, y) before injection: "Y" (the corner), "Z" or "X" (Li 2015)."""
    if x == 0 and y == 0:
        return "Y"
    return "Z" if x >= y else "X"


def logical_y(d: int) -> list[tuple[str, tuple[int, int]]]:
    """Logical Y = Y on the corner, X down the column x = 0, Z along the row y = 0 (positions)."""
    column = [("X", (1, 2 * y + 1)) for y in range(1, d)]
    row = [("Z", (2 * x + 1, 1)) for x in range(1, d)]
    return [("Y", (1, 1)), *column, *row]


def injection_circuit(noise: CircuitNoise, d: int, rounds: int, postselect_rounds: int = 0) -> Any:
    """Inject |+i> into the corner of a d x d patch, measure ``rounds`` noisy rounds, read out
    every check and, against the reference qubit, logical Y and Z without noise (observables
    0: Y_L X_r, 1: Z_L Z_r; a stim.Circuit)."""
    import stim

    _check(d, "d", 2), _check(rounds, "rounds", 1)
    if isinstance(postselect_rounds, bool) or not 0 <= postselect_rounds <= rounds:
        raise ValueError(f"postselect_rounds must lie in [0, {rounds}], got {postselect_rounds!r}")
    patch = Patch(d, d)
    checks = patch.stabilizers()
    data = patch.data()
    positions = data + [c.position for c in checks]
    qubits = {q: k for k, q in enumerate(sorted(positions, key=lambda q: (q[1], q[0])))}
    build = _Builder(noise, qubits)
    basis = {q: prepared_basis((q[0] - 1) // 2, (q[1] - 1) // 2) for q in data}
    ancillas = [qubits[c.position] for c in checks]
    x_ancillas = [qubits[c.position] for c in checks if c.basis == "X"]
    corner = [qubits[q] for q in data if basis[q] == "Y"]
    z_data = [qubits[q] for q in data if basis[q] in "ZY"]
    x_data = [qubits[q] for q in data if basis[q] == "X"]
    reference = len(qubits)
    build.circuit.append("QUBIT_COORDS", [reference], [-1, -1])
    build.circuit.append("R", [reference])  # noiseless, outside the builder's qubits
    build.reset_measure(reset={"Z": z_data + ancillas, "X": x_data}, measure={})
    build.gates("H", corner)
    build.circuit.append("CX", [corner[0], reference])
    build.gates("S", corner)

    def deterministic(check: Any) -> bool:
        return all(basis[q] == check.basis for q in check.support if q is not None)

    history: list[dict[int, int]] = []
    for r in range(rounds):
        build.depolarize([qubits[q] for q in data], noise.data_round)
        build.gates("H", x_ancillas)
        for layer in range(4):
            pairs: list[int] = []
            for c in checks:
                q = c.support[layer]
                if q is not None:
                    a, b = qubits[c.position], qubits[q]
                    pairs += [a, b] if c.basis == "X" else [b, a]
            build.gates("CX", pairs)
        build.gates("H", x_ancillas)
        history.append(build.reset_measure(reset={"Z": ancillas}, measure={"Z": ancillas}))
        flag = [1.0] if r < postselect_rounds else []
        for c in checks:
            a = qubits[c.position]
            if r > 0:
                build.detector([history[r][a], history[r - 1][a]], [*c.position, r, *flag])
            elif deterministic(c):
                build.detector([history[0][a]], [*c.position, 0, *flag])

    def measure_pauli(terms: list[tuple[str, tuple[int, int] | None]]) -> int:
        targets: list[Any] = []
        for pauli, q in terms:
            target = {"X": stim.target_x, "Y": stim.target_y, "Z": stim.target_z}[pauli]
            targets += [target(reference if q is None else qubits[q]), stim.target_combiner()]
        build.circuit.append("MPP", targets[:-1])
        build.measured += 1
        return build.measured - 1

    for c in checks:  # the perfect final round
        record = measure_pauli([(c.basis, q) for q in c.support if q is not None])
        build.detector([record, history[-1][qubits[c.position]]], [*c.position, rounds])
    build.observable([measure_pauli([*logical_y(d), ("X", None)])])
    logical_z = [("Z", q) for pauli, q in logical_y(d) if pauli != "X"]  # Z_c Z_row
    build.observable([measure_pauli([*logical_z, ("Z", None)])], index=1)
    return build.circuit
