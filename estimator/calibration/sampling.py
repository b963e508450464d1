"""Sampling plans and sinter runs: which circuits at which p, how many shots, resumable.

A plan names a circuit noise model, the physical error rates p and the odd distances d. It
samples memory in both bases on square d x d patches and on rectangles with one side at the
smallest distance (d x d_min and d_min x d: the aspect factors of docs/model/noise.md), for
``rounds_factor`` x max(d_x, d_z) rounds, and stability experiments for d_m = d rounds on
(d_m + 1)^2 and 2 (d_m + 1) x (d_m + 1) patches (area d_m-independent factor of docs/model/rotations.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from estimator.calibration.circuit_noise import circuit_noise
from estimator.calibration.circuits import memory_circuit, stability_circuit
from estimator.errors import ConfigError
from estimator.limits import require

MAX_DISTANCES = 64
"""Most distinct distances one calibration samples."""
DETECTOR_BYTES = 200
"""Memory per detector of a circuit while it is decoded (detector error model and matching
graph: a few edges of tens of bytes per detector), a lower estimate."""
DETECTOR_SHOT_SECONDS = 1e-8
"""Time per detector per shot (stim's batch sampling alone is of this order; decoding adds
to it), a lower estimate: what it refuses would certainly take longer."""


@dataclass(frozen=True)
class Stat:
    """Sampled statistics of one circuit.

    Attributes:
        kind: "memory" or "stability".
        basis: the memory basis ("Z" counts logical X errors, "X" logical Z errors); "X" for
            stability (its observable is a product of X checks).
        p: physical error rate.
        d_x, d_z: X and Z distance of a memory patch (height and width); 0 for stability.
        width, height: data qubits of the patch per row and column.
        rounds: rounds of stabilizer measurement (d_m for stability).
        shots, errors: samples taken and logical failures among them (pymatching).
        seconds: worker time sinter spent on them.
    """

    kind: str
    basis: str
    p: float
    d_x: int
    d_z: int
    width: int
    height: int
    rounds: int
    shots: int
    errors: int
    seconds: float

    @property
    def area(self) -> int:
        """Data qubits of the patch (tiles of docs/model/rotations.md)."""
        return self.width * self.height


@dataclass(frozen=True)
class Plan:
    """What to sample: noise model name, physical error rates, odd distances."""

    noise: str
    p: tuple[float, ...]
    distances: tuple[int, ...]
    rounds_factor: int = 3

    def __post_init__(self) -> None:
        for p in self.p:
            circuit_noise(self.noise, p)  # unknown model or bad p: ConfigError
        if not self.p:
            raise ConfigError("--p", "give at least one physical error rate")
        if not self.distances or any(d < 3 or d % 2 == 0 for d in self.distances):
            raise ConfigError("--d", f"distances must be odd integers >= 3, got {self.distances}")

    def memory_shapes(self) -> list[tuple[int, int]]:
        """(d_x, d_z) of the memory patches: squares, and rectangles with one short side."""
        short = min(self.distances)
        shapes = [(d, d) for d in self.distances]
        shapes += [s for d in self.distances if d > short for s in ((d, short), (short, d))]
        return shapes

    def stability_shapes(self) -> list[tuple[int, int, int]]:
        """(width, height, d_m) of the stability patches."""
        return [(w, d + 1, d) for d in self.distances for w in (d + 1, 2 * (d + 1))]

    def metadata(self) -> list[dict[str, Any]]:
        """One JSON-able description per circuit (sinter's task metadata)."""
        tasks = []
        for p in self.p:
            for d_x, d_z in self.memory_shapes():
                rounds = self.rounds_factor * max(d_x, d_z)
                for basis in ("X", "Z"):
                    tasks.append(
                        {"kind": "memory", "basis": basis, "p": p, "d_x": d_x, "d_z": d_z}
                        | {"width": d_z, "height": d_x, "rounds": rounds, "noise": self.noise}
                    )
            for width, height, d_m in self.stability_shapes():
                tasks.append(
                    {"kind": "stability", "basis": "X", "p": p, "d_x": 0, "d_z": 0}
                    | {"width": width, "height": height, "rounds": d_m, "noise": self.noise}
                )
        return tasks


def circuit_for(meta: dict[str, Any]) -> Any:
    """The stim circuit a task's metadata describes."""
    noise = circuit_noise(meta["noise"], meta["p"])
    if meta["kind"] == "memory":
        return memory_circuit(noise, meta["d_x"], meta["d_z"], meta["rounds"], meta["basis"])
    return stability_circuit(noise, meta["width"], meta["height"], meta["rounds"])


def collect(
    plan: Plan,
    *,
    max_shots: int,
    max_errors: int,
    workers: int,
    resume: Path | None = None,
    progress: bool = False,
) -> list[Stat]:
    """Sample every circuit of ``plan`` with sinter and pymatching until ``max_errors`` logical
    errors or ``max_shots`` shots. Statistics already in ``resume`` (sinter's CSV) count, and
    new ones are appended as they arrive, so an interrupted run continues where it stopped."""
    try:
        import sinter
    except ImportError:
        raise ConfigError(
            "calibrate",
            "needs stim, sinter and pymatching: pip install 'msd-estimator[calibration]'",
        ) from None

    tasks = [sinter.Task(circuit=circuit_for(m), json_metadata=m) for m in plan.metadata()]
    stats = sinter.collect(
        num_workers=workers,
        tasks=tasks,
        decoders=["pymatching"],
        max_shots=max_shots,
        max_errors=max_errors,
        save_resume_filepath=resume,
        print_progress=progress,
    )
    wanted = {_key(m) for m in plan.metadata()}
    return sorted((s for s in (_stat(t) for t in stats) if _key(vars(s)) in wanted), key=_order)


def _stat(task: Any) -> Stat:
    m = task.json_metadata
    return Stat(
        m["kind"],
        m["basis"],
        float(m["p"]),
        m["d_x"],
        m["d_z"],
        m["width"],
        m["height"],
        m["rounds"],
        int(task.shots),
        int(task.errors),
        float(task.seconds),
    )


def _key(m: dict[str, Any]) -> tuple:
    return tuple(m[k] for k in ("kind", "basis", "p", "d_x", "d_z", "width", "height", "rounds"))


def _order(s: Stat) -> tuple:
    return (s.kind, s.basis, s.p, s.d_x, s.d_z, s.width, s.height)


def parse_distances(text: str) -> tuple[int, ...]:
    """``3:11`` (odd distances from 3 to 11) or ``3,5,7``.

    >>> parse_distances("3:9"), parse_distances("5,3")
    ((3, 5, 7, 9), (3, 5))
    """
    try:
        if ":" in text:
            start, stop = (int(v) for v in text.split(":"))
            if (stop - start) // 2 + 1 > MAX_DISTANCES:
                raise ConfigError(
                    "--d", f"{text!r} gives more than {MAX_DISTANCES} distances; give fewer"
                )
            values = tuple(range(start + (start % 2 == 0), stop + 1, 2))
        else:
            values = tuple(sorted({int(v) for v in text.split(",")}))
    except ValueError:
        raise ConfigError(
            "--d", f"expected START:STOP or D1,D2,... (odd integers), got {text!r}"
        ) from None
    if not values or any(d < 3 or d % 2 == 0 for d in values):
        raise ConfigError("--d", f"distances must be odd integers >= 3, got {text!r}")
    if len(values) > MAX_DISTANCES:
        raise ConfigError("--d", f"{len(values)} distances; at most {MAX_DISTANCES}")
    return values


def require_resources(plan: Plan, max_shots: int) -> None:
    """ResourceError (estimator.limits) if the largest circuit's decoder would not fit in
    memory or the shots would take too long, estimated from the detectors of each circuit
    (stabilisers x rounds) with DETECTOR_BYTES and DETECTOR_SHOT_SECONDS."""
    detectors = [m["width"] * m["height"] * m["rounds"] for m in plan.metadata()]
    require(
        what=f"sampling {len(detectors)} circuits of up to {max(detectors):,} detectors",
        memory_bytes=max(detectors) * DETECTOR_BYTES,
        seconds=sum(detectors) * max_shots * DETECTOR_SHOT_SECONDS,
        change="use smaller distances (--d) or fewer shots (--max-shots)",
    )


def parse_rates(text: str) -> tuple[float, ...]:
    """``5e-4,1e-3,2e-3`` as floats in (0, 0.5)."""
    try:
        values = tuple(sorted({float(v) for v in text.split(",")}))
    except ValueError:
        raise ConfigError("--p", f"expected comma-separated numbers, got {text!r}") from None
    if not values or any(not 0 < p < 0.5 for p in values):
        raise ConfigError("--p", f"physical error rates must lie in (0, 0.5), got {text!r}")
    return values


def totals(stats: Sequence[Stat]) -> dict[str, float]:
    """Shots, errors and worker seconds summed over all statistics."""
    return {
        "shots": sum(s.shots for s in stats),
        "errors": sum(s.errors for s in stats),
        "seconds": round(sum(s.seconds for s in stats), 1),
    }
