"""stim circuit of a lattice-surgery Z-type merge through an ancilla region of any width.

The operation the extensions of docs/model-extensions.md rest on (regions wider than the
patches they serve, short merges): two d x d patches side by side, one column apart, above
an ancilla region ``width`` rows high and 2 d + 2 columns long (Lambda: the two patches, the
column between them and one beyond). One round of the two patches; the region prepared in |+>
and ``rounds`` (d_m) rounds of the merged code, which measures Z1 Z2 (the patches' Z logicals
run along their rows, so their bottom edges face the region; the region's own edges are
Z-type, so that the merged Z checks multiply to Z1 Z2); the split (region measured in X); one
more round of the two patches; the patches measured in ``basis``:

* ``basis = "Z"``: observables 0 = the merge outcome (the product of the first merged round's
  checks that straddle a patch and the region, the value a factory uses), 1 and 2 = each
  patch's Z logical (logical X errors);
* ``basis = "X"``: observable 0 = X1 X2 times the merge's byproduct records (found by stim's
  flow solver): it flips with a logical Z error on one patch, the ancilla-Z error of
  the rules (Litinski 2019, "Magic State Distillation: Not as Costly as You Think", Sec. 3;
  docs/model/).

The columns beside the patches have no qubits: the merged code is the rectangle's with them
measured out in Z (their X checks go, their Z checks lose them), so the patches' sides keep
their Z-type boundaries and each concave corner gets a weight-3 Z check. The region's height
must be even: with an odd one its Z-type edges meet on the wrong checkerboard colour and the
merge outcome is not fixed.
Detectors: every check whose value the previous round (with the resets and measurements in
between) determines, as in a factory where the patches are known code states; the merge's new
checks are random in their first round and unknown after the split (the timelike boundary of
Gidney 2022, "Stability experiments"). Geometry, gate order and noise are those of
``circuits.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from estimator.calibration.circuit_noise import CircuitNoise
from estimator.calibration.circuits import CX_ORDER, Stabilizer, _Builder
from estimator.errors import ConfigError

Qubit = tuple[int, int]


@dataclass(frozen=True)
class MergeGeometry:
    """Data qubits (columns x, rows y) of the merge: the region in the rows 1 <= y <= width
    and the columns 0 <= x <= 2 d + 1, the patches in the d rows above it, patch 1 at
    0 <= x < d, patch 2 at d < x <= 2 d; the columns x = d and 2 d + 1 above the region are
    empty."""

    d: int
    width: int
    shift = 1
    """Row of the region's bottom edge: the checkerboard colour on which its corners close."""

    @property
    def span(self) -> int:
        """Lambda: the region's length in tiles (two patches, the column between them and
        one beyond patch 2, so that the region's Z-type edges meet at its corners)."""
        return 2 * self.d + 2

    def rows(self, start: int, count: int) -> range:
        return range(self.shift + start, self.shift + start + count)

    def patch(self, k: int) -> list[Qubit]:
        left = 0 if k == 1 else self.d + 1
        return [(x, y) for y in self.rows(self.width, self.d) for x in range(left, left + self.d)]

    def region(self) -> list[Qubit]:
        """The ancilla region (reset and measured in X)."""
        return [(x, y) for y in self.rows(0, self.width) for x in range(self.span)]

    def column(self) -> list[Qubit]:
        """The columns beside the patches above the region (no qubits: boundaries)."""
        return [(x, y) for y in self.rows(self.width, self.d) for x in (self.d, 2 * self.d + 1)]


def _checks(
    data: set[Qubit], removed: set[Qubit] = frozenset(), region: set[Qubit] = frozenset()
) -> list[Stabilizer]:
    """Checks of the rotated code on the qubits ``data`` | ``removed``: every cell with four
    corners, and boundary cells with two (X-type where the two lie in a row of a patch,
    Z-type in a column or in a row of the ``region``: its long edges are Z-type, so that the
    product of the merged Z checks is Z1 Z2); then the ``removed`` qubits are
    measured out in Z: X checks on them go, Z checks lose them (weight 3 at a concave corner,
    the patches' own side checks beside the column between them)."""
    shape = data | removed
    xs = [q[0] for q in shape]
    ys = [q[1] for q in shape]
    checks = []
    for j in range(min(ys) - 1, max(ys) + 1):
        for i in range(min(xs) - 1, max(xs) + 1):
            basis = "Z" if (i + j) % 2 == 0 else "X"
            inside = [c for c in ((i, j), (i + 1, j), (i, j + 1), (i + 1, j + 1)) if c in shape]
            if len(inside) == 2:
                row = inside[0][1] == inside[1][1] and not set(inside) <= region
                if row != (basis == "X"):
                    continue
            elif len(inside) != 4:
                continue
            if basis == "X" and set(inside) & removed:
                continue
            if len(set(inside) - removed) < 2:
                continue
            x, y = 2 * i + 2, 2 * j + 2
            support = tuple(
                (x + dx, y + dy) if ((x + dx - 1) // 2, (y + dy - 1) // 2) in data else None
                for dx, dy in CX_ORDER[basis]
            )
            checks.append(Stabilizer(basis, (x, y), support))
    return checks


def merge_circuit(
    noise: CircuitNoise, d: int, width: int, rounds: int, basis: str, merged: bool = True
) -> Any:
    """The merge experiment (module docstring) as a stim.Circuit: patches of distance ``d``,
    a region ``width`` rows high, ``rounds`` = d_m merged rounds, patches prepared and measured
    in ``basis``. ``merged = False``: the same rounds with the patches idle (the baseline the
    merge's own errors are measured against; observable 0 of the Z basis is then empty)."""
    for value, name, least in ((d, "d", 3), (width, "width", 2), (rounds, "rounds", 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ConfigError(name, f"must be an integer >= {least}, got {value!r}")
    if width % 2 or d % 2 == 0:
        raise ConfigError(
            "width", f"needs an odd d and an even width, got d = {d}, width = {width}"
        )
    if basis not in ("X", "Z"):
        raise ConfigError("basis", f"must be 'X' or 'Z', got {basis!r}")
    g = MergeGeometry(d, width)
    patches, ancilla = g.patch(1) + g.patch(2), g.region()
    separate = _checks(set(g.patch(1))) + _checks(set(g.patch(2)))
    joint = _checks(set(patches) | set(ancilla), set(g.column()), set(ancilla))
    cells = {(2 * x + 1, 2 * y + 1) for x, y in patches + ancilla}
    cells |= {c.position for c in separate + joint}
    qubits = {q: k for k, q in enumerate(sorted(cells, key=lambda q: (q[1], q[0])))}
    patch_ids = [qubits[q] for q in _positions(patches)]
    ancilla_ids = [qubits[q] for q in _positions(ancilla)]
    build = _Builder(noise, qubits)
    measure = sorted({qubits[c.position] for c in separate + joint})
    if basis == "Z":
        build.reset_measure(reset={"Z": patch_ids + measure}, measure={})
    else:
        build.reset_measure(reset={"X": patch_ids, "Z": measure}, measure={})
    reset = dict.fromkeys(_positions(patches), basis)
    split: dict[tuple[int, int], int] = {}
    last: dict[tuple[int, int], tuple[Stabilizer, int]] = {}
    first_merged: list[int] = []
    for phase, checks, data, count in (
        ("before", separate, patch_ids, 1),
        ("merge", joint, patch_ids + ancilla_ids, rounds)
        if merged
        else ("idle", separate, patch_ids, rounds),
        ("after", separate, patch_ids, 1),
    ):
        if phase == "merge":
            build.reset_measure(reset={"X": ancilla_ids}, measure={})
            reset = dict.fromkeys(_positions(ancilla), "X")
        elif phase == "after" and merged:
            records = build.reset_measure(reset={}, measure={"X": ancilla_ids})
            split = {q: records[qubits[q]] for q in _positions(ancilla)}
            reset = {}
            gone = {c.position for c in checks}
            for position, (old, record) in last.items():  # checks the split ends
                support = _support(old)
                if position not in gone and old.basis == "X" and support <= set(split):
                    build.detector([record] + [split[q] for q in support], [*position, -1])
        for r in range(count):
            records = _round(build, checks, data, qubits)
            for check in checks:
                record = records[qubits[check.position]]
                if r > 0:
                    build.detector([record, last[check.position][1]], [*check.position, r])
                else:
                    known = _known(check, last.get(check.position), reset, split)
                    if known is not None:
                        build.detector([record] + known, [*check.position, 0])
                    elif phase == "merge" and check.basis == "Z":
                        first_merged.append(record)
                last[check.position] = (check, record)
    columns = [qubits[q] for q in _positions([(x, y) for x, y in patches if x in (0, d + 1)])]
    byproduct = _byproduct(build.circuit, columns) if basis == "X" else []
    final = build.reset_measure(reset={}, measure={basis: patch_ids})
    for check in separate:
        if check.basis == basis:
            support = [final[qubits[q]] for q in _support(check)]
            build.detector(support + [last[check.position][1]], [*check.position, -2])
    if basis == "Z":
        build.observable(first_merged)  # the merge outcome Z1 Z2
        for k in (1, 2):
            row = [(x, y) for x, y in g.patch(k) if y == width + g.shift]
            _observable(build, [final[qubits[q]] for q in _positions(row)], k)
    else:
        build.observable([final[q] for q in columns] + byproduct)  # X1 X2
    return build.circuit


def _positions(cells: list[Qubit]) -> list[tuple[int, int]]:
    return [(2 * x + 1, 2 * y + 1) for x, y in cells]


def _support(check: Stabilizer) -> set[tuple[int, int]]:
    """Positions of the data qubits a check acts on."""
    return {q for q in check.support if q is not None}


def _known(
    check: Stabilizer,
    previous: tuple[Stabilizer, int] | None,
    reset: dict[tuple[int, int], str],
    split: dict[tuple[int, int], int],
) -> list[int] | None:
    """Records whose parity the check's first value in a phase must equal, or None (random):
    the previous check at its place times the qubits measured in between (the region, in X,
    at the split) or freshly reset in its basis, or nothing when all its qubits were reset in
    its basis."""
    support = _support(check)
    fresh = {q for q, b in reset.items() if b == check.basis}
    measured = set(split) if check.basis == "X" else set()
    if previous is not None and previous[0].basis == check.basis:
        old = _support(previous[0])
        if support - old <= fresh and old - support <= measured | fresh:
            return [previous[1]] + [split[q] for q in sorted(old - support) if q in split]
    if support <= fresh:
        return []
    return None


def _round(
    build: _Builder, checks: list[Stabilizer], data: list[int], qubits: dict
) -> dict[int, int]:
    """One round of ``checks`` (as circuits.py: data noise, H, four CX layers, H, measure
    and reset); returns the record index of each measured qubit."""
    ancillas = [qubits[c.position] for c in checks]
    x_ancillas = [qubits[c.position] for c in checks if c.basis == "X"]
    build.depolarize(data, build.noise.data_round)
    build.gates("H", x_ancillas)
    for layer in range(4):
        pairs = []
        for c in checks:
            corner = c.support[layer]
            if corner is not None:
                a, q = qubits[c.position], qubits[corner]
                pairs += [a, q] if c.basis == "X" else [q, a]
        build.gates("CX", pairs)
    build.gates("H", x_ancillas)
    return build.reset_measure(reset={"Z": ancillas}, measure={"Z": ancillas})


def _observable(build: _Builder, records: list[int], index: int) -> None:
    import stim

    targets = [stim.target_rec(r - build.measured) for r in records]
    build.circuit.append("OBSERVABLE_INCLUDE", targets, index)


def _byproduct(circuit: Any, columns: list[int]) -> list[int]:
    """Records that make X1 X2 (the patches' X columns) a deterministic output of the
    noiseless circuit so far: the merge's byproduct (stim's flow solver)."""
    import stim

    text = "1 -> " + "*".join(f"X{q}" for q in columns)
    (solution,) = circuit.without_noise().solve_flow_measurements([stim.Flow(text)])
    if solution is None:
        raise RuntimeError("merge circuit: X1 X2 is not preserved (a bug in the geometry)")
    return list(solution)


MERGE_SIZES = (
    *((3, w, 3, True) for w in (2, 4, 6, 8)),
    (3, 4, 5, True),
    *((5, w, 5, True) for w in (4, 6, 8, 10)),
    (5, 6, 3, True),
    (7, 8, 3, True),
    (7, 8, 5, True),
    *((d, 2, d_m, False) for d, d_m in ((3, 3), (3, 5), (5, 3), (5, 5), (7, 3), (7, 5))),
)
"""(d, width, d_m, merged) sampled for docs/model/validity.md (p = 1e-3, depolarizing); the
idle ones (merged False) are the baselines of the patches' own errors over the same rounds."""
DEEP_SIZES = (
    (3, 2, 3, False),
    *((3, w, 3, True) for w in (4, 6, 8)),
    (5, 2, 5, False),
    *((5, w, 5, True) for w in (6, 8, 10)),
)
"""The region widths beyond d_x, sampled again with more shots (the ancilla-Z verdicts)."""
SHORT_SIZES = ((3, 4, 3, True), (5, 6, 3, True), (5, 6, 5, True), (7, 8, 3, True), (7, 8, 5, True))
"""Short merges (d_m = 3, 5) also sampled at p = 5e-4 and 2e-3 (the d_m limits)."""


def collect_merges(
    p: float,
    sizes: tuple[tuple[int, int, int, bool], ...] = MERGE_SIZES,
    *,
    noise: str = "depolarizing",
    max_shots: int = 200_000,
    max_errors: int = 300,
    workers: int = 1,
    resume: str | None = None,
) -> list[dict[str, Any]]:
    """Sample both experiments of every size with sinter and pymatching (resumable through
    sinter's CSV ``resume``). One record per size and error kind: ``timelike`` (the merge
    outcome wrong, both patches right), ``x_patches`` (a logical X error on either patch),
    ``z_patches`` (X1 X2 flipped: a logical Z error on one patch); shots and errors."""
    import sinter

    from estimator.calibration.circuit_noise import circuit_noise

    tasks = [
        sinter.Task(
            circuit=merge_circuit(circuit_noise(noise, p), d, w, r, b, merged),
            json_metadata={"d": d, "width": w, "d_m": r, "merged": merged, "basis": b}
            | {"p": p, "noise": noise},
        )
        for d, w, r, merged in sizes
        for b in ("Z", "X")
    ]
    stats = sinter.collect(
        num_workers=workers,
        tasks=tasks,
        decoders=["pymatching"],
        max_shots=max_shots,
        max_errors=max_errors,
        count_observable_error_combos=True,
        save_resume_filepath=resume,
    )
    kinds = {
        "Z": {
            "timelike": lambda m: m[0] == "E" and "E" not in m[1:],
            "x_patches": lambda m: "E" in m[1:],
        },
        "X": {"z_patches": lambda m: m[0] == "E"},
    }
    rows = []
    for s in stats:
        meta = dict(s.json_metadata)
        for kind, flips in kinds[meta.pop("basis")].items():
            if kind == "timelike" and not meta["merged"]:
                continue
            errors = sum(n for key, n in s.custom_counts.items() if flips(key.split("=")[1]))
            rows.append(meta | {"kind": kind, "shots": s.shots, "errors": errors})
    return sorted(rows, key=lambda r: (not r["merged"], r["d"], r["width"], r["d_m"], r["kind"]))
