"""Studies run to the end: chunks on every core or a cluster, resumable, bound to their study.

A study is one or more parts (a config and axes, estimator.studies.axes), compiled once
(estimator.studies.plan) and evaluated chunk by chunk (estimator.studies.executor). After
every chunk its rows go to a partial file (JSON lines, after a header with the study's
fingerprint), so an interrupted run resumes where it stopped; a partial file of another study
(other config, axes, precision, selection or code) is refused. Grids are never materialised.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from estimator.config.factory import apply_set, read_config_data
from estimator.errors import ConfigError
from estimator.inputs import read_text
from estimator.limits import current, require
from estimator.sim.simulator import RELATIVE_TOLERANCE
from estimator.studies.axes import Study
from estimator.studies.columns import Columns
from estimator.studies.executor import Executor
from estimator.studies.fingerprint import differences, fingerprint
from estimator.studies.output import write_rows as write_atomically
from estimator.studies.plan import (
    Axis,
    Chunk,
    ChunkResult,
    Part,
    Plan,
    compile_parts,
    evaluate_chunk,
)

__all__ = ["Axis", "Study", "load_template", "run_study", "run_sweep", "write_atomically"]
"""The names studies have always been written with (write_atomically: output.write_rows)."""

ROW_BYTES = 2000
"""Memory a kept row takes until it is written (columns, then Python rows for CSV/JSON)."""
POINT_SECONDS = 1e-5
"""A lower bound on the time of one grid point on one core (one-level 15-to-1, float64)."""
EXAMPLES = 20
PARTIAL_VERSION = 3
CHECKED_ROWS = 8
"""Rows of a resumed partial file evaluated again and compared (one per chunk, spread over
the chunks), on top of every chunk's hash."""
RECHECK_RTOL = 10 * RELATIVE_TOLERANCE
"""Relative tolerance of that comparison: ten times the error the engine accepts from float64
(another batch may take a point through another arithmetic); an edit that changes a value by
less is within the stated accuracy of the value anyway."""


@dataclass(frozen=True)
class StudyResult:
    """The kept rows of a study (in study order: part, then grid order), the number of grid
    points, of points skipped as invalid, the first skipped points with the reason, and the
    number of distinct reasons."""

    columns: Columns
    points: int
    skipped: int
    examples: tuple[tuple[dict[str, Any], str], ...]
    reasons: int = 0

    @property
    def records(self) -> list[dict[str, Any]]:
        return self.columns.rows()


def run_study(
    parts: Sequence[Part],
    *,
    precision: str = "auto",
    keep: Callable | None = None,
    partial: Path | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Callable[..., Any] | None = None,
) -> StudyResult:
    """Evaluate every grid point of ``parts``.

    Args:
        parts: the sub-studies.
        precision: as for ``simulate``.
        keep: selects the rows each chunk keeps (pareto.KeepFront, KeepFeasible; None: all).
        partial: JSON-lines file of finished chunks: read first if it exists (resume; it
            must belong to this study), appended to after every chunk.
        workers, scheduler: where chunks run (estimator.studies.executor).
        progress: called as ``progress(total=, initial=)``; returns an object with
            ``update(n)`` and ``close()`` (e.g. tqdm).
    """
    points = sum(p.size for p in parts)
    require(
        what=f"a study of {points:,} grid points",
        memory_bytes=points * ROW_BYTES if keep is None else 0,
        seconds=points * POINT_SECONDS / max(1, workers),
        change="vary fewer values (msd pareto keeps only the fronts, not every point)",
    )
    stamp = fingerprint(parts, precision=precision, keep=keep)
    done = _read_partial(partial, stamp) if partial is not None and partial.exists() else {}
    plan = compile_parts(parts, precision=precision)
    if done:
        _recheck(plan, done, partial)
    if partial is not None and not partial.exists():
        partial.write_text(
            json.dumps({"msd_partial": PARTIAL_VERSION, "fingerprint": stamp}) + "\n"
        )
    todo = (chunk for chunk in plan.chunks() if chunk.key not in done)
    workers = max(1, min(workers, plan.n_chunks() - len(done)))  # no idle processes
    with Executor(plan, keep, workers=workers, scheduler=scheduler) as executor:
        bar = progress(total=plan.n_chunks(), initial=len(done)) if progress else None
        try:
            for result in executor.run(todo):
                done[result.chunk.key] = result
                if partial is not None:
                    with partial.open("a") as handle:
                        handle.write(_chunk_line(result, stamp) + "\n")
                if bar is not None:
                    bar.update(1)
        finally:
            if bar is not None:
                bar.close()
    return _assemble(parts, done.values(), points)


def run_sweep(
    template: Mapping[str, Any], axes: Sequence[Axis], *, precision: str = "auto", **options: Any
) -> StudyResult:
    """Every point of ``axes`` over the config data ``template`` (one part)."""
    return run_study([Part(template, tuple(axes))], precision=precision, **options)


def load_template(path: str | Path, sets: Sequence[str] = ()) -> dict[str, Any]:
    """Config data with ``--set`` overrides applied (validated later, once per structure)."""
    data = read_config_data(path)
    for assignment in sets:
        apply_set(data, assignment)
    return data


def study_parts(
    paths: Sequence[str], sets: Sequence[str], vary: Sequence[str]
) -> tuple[list[Part], Study | None]:
    """The parts of the configs ``paths`` (each with its [sweep] table, ``--set`` and
    ``--vary``) and, for a single config, its [sweep] table (target, top)."""
    extra = [Axis.parse(text) for text in vary]
    parts: list[Part] = []
    study = None
    for path in paths:
        template = load_template(path, sets)
        study = Study.from_config(template)
        parts += study.parts(template, extra, label=str(path))
    if not any(p.axes for p in parts) and len(parts) == 1:
        raise ConfigError(
            "--vary",
            "nothing to vary: give --vary KEY=VALUES or a [sweep.vary] table in the config",
        )
    return parts, study if len(paths) == 1 else None


def _chunk_line(result: ChunkResult, stamp: Mapping[str, str]) -> str:
    """``HASH JSON``: the chunk's rows, signed with a hash of them and of the study."""
    content = json.dumps(
        {
            "chunk": result.chunk.key,
            "part": result.chunk.part,
            "index": result.index.tolist(),
            "columns": result.columns.to_json(),
            "skipped": result.skipped,
        },
        allow_nan=False,
    )
    return f"{_sign(content, stamp)} {content}"


def _sign(content: str, stamp: Mapping[str, str]) -> str:
    digest = hashlib.sha256(json.dumps(stamp, sort_keys=True).encode())
    digest.update(content.encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class _Stored:
    """A chunk read back from a partial file (the fields _assemble uses)."""

    key: str
    part: int
    index: np.ndarray
    columns: Columns
    skipped: Mapping[str, list[int]]


def _read_partial(path: Path, stamp: Mapping[str, str]) -> dict[str, Any]:
    """Finished chunks by key; ConfigError if the file belongs to another study or a chunk
    does not match its hash."""
    text = read_text(path, field="--resume", max_bytes=int(current().max_memory_bytes) // 4)
    lines = text.split("\n")
    if not text.endswith("\n"):
        lines.pop()  # a line cut short by an interruption: that chunk runs again
    lines = iter(line for line in lines if line)
    try:
        header = json.loads(next(lines))
        stored = header["fingerprint"]
        if header.get("msd_partial") != PARTIAL_VERSION or not isinstance(stored, dict):
            raise ValueError
    except (StopIteration, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise ConfigError(
            "--resume", f"{path} is not a partial file of this version of msd; delete it"
        ) from None
    changed = differences(stored, stamp)
    if changed:
        raise ConfigError(
            "--resume",
            f"{path} belongs to another study ({', '.join(changed)} changed); "
            "rerun with the same inputs, or delete it",
        )
    done = {}
    for number, line in enumerate(lines, start=2):
        signature, _, content = line.partition(" ")
        if signature != _sign(content, stamp):
            raise ConfigError(
                "--resume",
                f"{path} line {number}: the chunk does not match its hash (edited, or from "
                "another study); delete the file",
            )
        try:
            entry = json.loads(content)
            done[entry["chunk"]] = _Stored(
                entry["chunk"],
                entry["part"],
                np.asarray(entry["index"], dtype=np.int64),
                Columns.from_json(entry["columns"]),
                entry["skipped"],
            )
        except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
            raise ConfigError(
                "--resume", f"{path} line {number}: not a chunk of this version of msd"
            ) from None
    return done


def _recheck(plan: Plan, done: Mapping[str, _Stored], path: Path | None) -> None:
    """Check that every stored chunk is a chunk of ``plan`` holding only its own grid points,
    then evaluate again one row of up to CHECKED_ROWS stored chunks (spread evenly) and compare
    every column: ConfigError naming the chunk and what differs."""
    for chunk in done.values():
        if not _owns(plan, chunk):
            raise ConfigError(
                "--resume",
                f"{path}: chunk {chunk.key} is not a chunk of this study or holds points of "
                "another; delete the file",
            )
    stored = [chunk for chunk in done.values() if len(chunk.index)]
    if not stored:
        return
    picks = np.unique(np.linspace(0, len(stored) - 1, min(CHECKED_ROWS, len(stored))).astype(int))
    for pick in picks:
        chunk = stored[pick]
        row = int(pick) % len(chunk.index)
        problem = _recheck_row(plan, chunk, row)
        if problem:
            raise ConfigError(
                "--resume",
                f"{path}: chunk {chunk.key} does not match a fresh evaluation ({problem}); "
                "delete the file",
            )


def _recheck_row(plan: Plan, chunk: _Stored, row: int) -> str | None:
    """What differs between row ``row`` of ``chunk`` and its fresh evaluation, or None."""
    try:
        compiled = plan.parts[chunk.part]
        position = np.unravel_index(int(chunk.index[row]), compiled.part.shape)
        structure = int(_flat(position, compiled.structural, compiled.part.shape))
        numeric = int(_flat(position, compiled.numeric, compiled.part.shape))
        part, first, start = (int(k) for k in str(chunk.key).split("/"))
    except (IndexError, ValueError, TypeError):
        return f"grid position {chunk.index[row]} is not in the study"
    if (part, structure) != (chunk.part, first) or numeric < start:
        return f"grid position {chunk.index[row]} is not in the chunk"
    fresh = evaluate_chunk(plan, Chunk(part, structure, numeric, numeric + 1))
    if not len(fresh.index):
        return f"grid position {chunk.index[row]} has no valid factory"
    for name, column in fresh.columns.data.items():
        if name not in chunk.columns.data:
            return f"column {name} is missing"
        if not _same(column[0], chunk.columns.data[name][row]):
            stored = _plain(chunk.columns.data[name][row])
            return f"{name} = {stored}, evaluated {_plain(column[0])}"
    return None


def _owns(plan: Plan, chunk: _Stored) -> bool:
    """Whether ``chunk`` is a chunk of ``plan`` (part, structure and start as the plan cuts
    them) and its rows and skipped points lie in it."""
    try:
        part, structure, start = (int(k) for k in str(chunk.key).split("/"))
        compiled = plan.parts[part] if 0 <= part < len(plan.parts) else None
        if compiled is None or chunk.part != part or not 0 <= structure < len(compiled.structures):
            return False
        size = compiled.structures[structure].chunk
        stop = min(start + size, compiled.numeric_size)
        if start % size or not 0 <= start < compiled.numeric_size:
            return False
        skipped = [int(i) for positions in chunk.skipped.values() for i in positions]
        grid = np.concatenate([chunk.index, np.asarray(skipped, dtype=np.int64)])
        if len(grid) and (grid.min() < 0 or grid.max() >= compiled.part.size):
            return False
        position = np.unravel_index(grid, compiled.part.shape) if compiled.part.axes else ()
        owner = _flat(position, compiled.structural, compiled.part.shape)
        numeric = _flat(position, compiled.numeric, compiled.part.shape)
        return bool(np.all(owner == structure) and np.all((numeric >= start) & (numeric < stop)))
    except (ValueError, TypeError, AttributeError, OverflowError):
        return False


def _flat(position: Sequence[Any], axes: Sequence[int], shape: Sequence[int]) -> Any:
    """The flat index of ``position`` over ``axes`` (arrays of positions give arrays)."""
    if not axes:
        return 0
    return np.ravel_multi_index([position[i] for i in axes], [shape[i] for i in axes])


def _plain(value: Any) -> str:
    return repr(value.item() if isinstance(value, np.generic) else value)


def _same(fresh: Any, stored: Any) -> bool:
    numbers = (int, float, np.integer, np.floating)
    if isinstance(fresh, numbers) and isinstance(stored, numbers):
        a, b = float(fresh), float(stored)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=RECHECK_RTOL, abs_tol=0.0)
    if fresh is None or (isinstance(fresh, float) and math.isnan(fresh)):
        return stored is None or (isinstance(stored, float) and math.isnan(stored))
    return fresh == stored


def _assemble(parts: Sequence[Part], results: Any, points: int) -> StudyResult:
    """The rows of all chunks in study order, and the skipped points."""
    results = list(results)
    columns = Columns.concat([r.columns for r in results])
    index = np.concatenate([r.index for r in results] or [np.zeros(0, np.int64)])
    owner = np.concatenate([np.full(len(r.index), r.part) for r in results] or [np.zeros(0)])
    columns = columns.take(np.lexsort((index, owner)))
    skipped = (
        (r.part, position, message)
        for r in results
        for message, positions in r.skipped.items()
        for position in positions
    )
    first = heapq.nsmallest(EXAMPLES, skipped)
    examples = tuple((_point(parts[p], position), message) for p, position, message in first)
    count = sum(len(positions) for r in results for positions in r.skipped.values())
    reasons = len({message for r in results for message in r.skipped})
    return StudyResult(columns, points, count, examples, reasons)


def _point(part: Part, position: int) -> dict[str, Any]:
    at = np.unravel_index(position, part.shape) if part.axes else ()
    return {axis.key: axis.values[int(i)] for axis, i in zip(part.axes, at)}
