"""``msd plan --sources ... --noise ...``: candidates from the grids of estimator.planning.source_grid
(cultivation alone, blocks fed by cultivation units, and distillation-only factories under a
noise model the distillation planner does not take), verified by the engine from their configs
(what ``msd estimate`` gives) and written as the planner's records."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from estimator.planning import source_grid

SOURCES = ("distillation", "cultivation")
NOISE_DEFAULT = "phenomenological"


def noise_table(name: str, p_phys: float) -> dict[str, Any]:
    """The [noise] table of ``--noise``: {} for the phenomenological model, else the
    calibration (a shipped name such as "depolarizing", or a file), extrapolated beyond its
    fitted distances (factories need larger ones; a warning says so).

    Raises:
        ConfigError: naming --noise, a calibration that cannot be read.
    """
    if name == NOISE_DEFAULT:
        return {}
    from estimator.calibration.models import noise_from_table
    from estimator.errors import ConfigError

    table = {"model": "calibrated", "file": name, "extrapolate": True}
    try:
        noise_from_table(table, p_phys, None)
    except ConfigError as error:
        raise ConfigError("--noise", error.message) from None
    return table


def candidates(
    p_phys: float,
    target: float,
    noise: Mapping[str, Any],
    *,
    sources: tuple[str, ...],
    output: str = "T",
    by: str = "qubitcycles",
    max_qubits: float = math.inf,
    grid: source_grid.Grid | None = None,
    grid_d: source_grid.DistillationGrid | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """The cheapest verified candidate of each kind (cultivation alone, each fed protocol,
    one-level and each two-level distillation factory) reaching ``target``, by ``by`` per
    output, on ``grid`` and ``grid_d`` (default: the grids of estimator.planning.source_grid);
    CCZ outputs: 8-to-CCZ blocks fed by cultivation and by 15-to-1 factories."""
    say = progress or (lambda _: None)
    ccz = output == "CCZ"
    grid = grid or source_grid.Grid()
    grid_d = grid_d or source_grid.DistillationGrid()
    if ccz:
        grid, grid_d = (
            replace(grid, protocols=("8-to-CCZ",)),
            replace(grid_d, protocols=("8-to-CCZ",)),
        )
    kinds: list[list[dict[str, Any]]] = []
    if "cultivation" in sources:
        if not ccz:
            say("cultivation alone")
            kinds.append(source_grid.alone(p_phys, grid))
        say("blocks fed by cultivation units")
        rows = source_grid.fed(p_phys, noise, grid, progress=lambda text: say(f"  {text}"))
        kinds += [[r for r in rows if _top(r) == p] for p in grid.protocols]
    if "distillation" in sources:
        if not ccz:
            say("one-level distillation")
            kinds.append(source_grid.one_level(p_phys, noise, grid_d))
        say("two-level distillation")
        rows = source_grid.two_level(p_phys, noise, grid_d)
        kinds += [[r for r in rows if _top(r) == p] for p in grid_d.protocols]
    records = []
    for rows in kinds:
        rows = [r for r in rows if r.get("qubits") is not None and r["qubits"] <= max_qubits]
        best = source_grid.cheapest(rows, [target], by=by).get(f"{target:g}")
        if best is not None:
            records.append(_record(best, p_phys, target))
    return sorted(records, key=lambda r: r[by])


def _top(row: Mapping[str, Any]) -> str:
    """The protocol of a grid row's top block."""
    config = row["_config"]
    return config.get("level2", config["level1"])["protocol"]


def _record(best: dict[str, Any], p_phys: float, target: float) -> dict[str, Any]:
    """The planner's record of a grid winner: numbers from the engine on its config (or the
    data, for cultivation alone) and the config."""
    if "config" not in best:  # cultivation alone: its data row
        return {
            **{k: best[k] for k in ("title", "p_out", "qubits", "cycles", "qubitcycles")},
            "p_fail": None,
            "cultivation": {
                "rows": best["cultivation.rows"],
                "command": (f"msd source cultivation --p {p_phys:g} --target {target:g}"),
            },
            "breakdown": {"levels": []},
            "solver": {},
            "config": None,
        }
    from estimator.config.factory import estimate_config, parse_config

    config = best["config"]
    estimate = estimate_config(parse_config(config, source="plan"))
    record = {
        "title": best["title"],
        "p_out": float(estimate.p_out),
        "p_fail": float(estimate.p_fail),
        "qubits": float(estimate.qubits),
        "cycles": float(estimate.cycles),
        "qubitcycles": float(estimate.qubitcycles),
        "breakdown": {"levels": []},
        "solver": {},
        "config": config,
    }
    if "cultivation.rows" in best:
        record["cultivation"] = {"rows": best["cultivation.rows"]}
    return record
