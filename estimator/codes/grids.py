"""Grid outer codes (Haah et al. 2018, Sec. VI): bits on a K1 x ... x KD lattice,
checks on lines, measured direction by direction.

Bit (i1, ..., iD) has index ravel((i1, ..., iD)) (last coordinate fastest). Along axis a the
lines fix every other coordinate (K_a bits each). In two dimensions the directions are named
as in Haah et al. 2018, Sec. VI.2 with (x, y) = (i2, i1): v (vertical, along axis 1), h (horizontal, along
axis 2), d (diagonal x + y = z mod K) and a (anti-diagonal x - y = z mod K); diagonals need a
square grid. Lines of one direction are disjoint, so their order within a round does not
change which checks are lonely.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from estimator.codes.outer import OuterCode
from estimator.errors import ConfigError
from estimator.limits import require

DIRECTIONS = ("v", "h", "d", "a")
_MAX_DIMENSION = 64  # 2^64 bits already exceed every memory limit


def grid_code(shape: Sequence[int], directions: Sequence[str] | None = None) -> OuterCode:
    """The grid code of ``shape`` with checks along ``directions`` in that order.

    ``directions`` (two dimensions only) default to "v", "h"; in D dimensions the checks run
    along every axis in turn (Haah et al. 2018, Table 1). Raises ConfigError for a bad shape or direction.
    """
    shape = tuple(int(k) for k in shape)
    if not shape or min(shape) < 2:
        raise ConfigError("grid", f"every side of the grid must be >= 2, got {shape}")
    n = math.prod(shape)
    if directions is not None and len(shape) != 2:
        raise ConfigError("grid", "directions v, h, d, a apply to two-dimensional grids only")
    names = list(directions or (["v", "h"] if len(shape) == 2 else []))
    for name in names:
        if name not in DIRECTIONS or names.count(name) > 1:
            raise ConfigError("grid", f"directions must be distinct among v, h, d, a: {names}")
    if ({"d", "a"} & set(names)) and shape[0] != shape[1]:
        raise ConfigError("grid", f"diagonal checks need a square grid, got {shape}")
    size = f"{shape[0]}^{len(shape)}" if len(set(shape)) == 1 else "x".join(map(str, shape))
    lines = len(names) * max(shape) if names else sum(n // k for k in shape)
    require(
        what=f"a {size} grid code",
        memory_bytes=float(n) * lines,
        change="use a smaller grid",
    )
    coordinates = np.indices(shape).reshape(len(shape), n)
    rows: list[np.ndarray] = []
    if names:
        i, j = coordinates
        label = {"v": j, "h": i, "d": (i + j) % shape[0], "a": (j - i) % shape[0]}
        for name in names:
            values = label[name]
            rows += [values == z for z in range(int(values.max()) + 1)]
    else:
        for axis in range(len(shape)):
            others = np.delete(coordinates, axis, axis=0)
            keys = (
                np.ravel_multi_index(others, np.delete(shape, axis)) if len(others) else np.zeros(n)
            )
            rows += [keys == z for z in range(n // shape[axis])]
    matrix = np.array(rows, dtype=np.uint8).reshape(len(rows), n)
    translations = []
    for axis in range(len(shape)):
        shifted = coordinates.copy()
        shifted[axis] = (shifted[axis] + 1) % shape[axis]
        translations.append(tuple(int(b) for b in np.ravel_multi_index(shifted, shape)))
    label = "x".join(map(str, shape)) if len(set(shape)) > 1 else str(shape[0])
    suffix = ",".join(names) if names else f"{len(shape)}"
    return OuterCode.from_matrix(f"grid:{label}:{suffix}", matrix, symmetries=translations)


def grid_from_spec(text: str, *, field: str = "SPEC") -> OuterCode:
    """Parse the part after "grid:": "K", "K:v,h,d", "K1xK2:v,h", "K:D" or "K1xK2x...xKD"."""
    shape_text, _, directions = text.partition(":")
    try:
        shape = [int(k) for k in shape_text.split("x")]
    except ValueError:
        raise ConfigError(field, f"grid:{text}: expected grid:K[:DIRS], grid:K1xK2, grid:K:D")
    if directions.isdigit():
        if len(shape) != 1:
            raise ConfigError(field, f"grid:{text}: give the dimension D only with one side K")
        if not 1 <= int(directions) <= _MAX_DIMENSION:
            raise ConfigError(field, f"grid:{text}: the dimension D must be 1 .. {_MAX_DIMENSION}")
        shape = shape * int(directions)
        names = None
    else:
        if len(shape) == 1:
            shape *= 2
        names = [d.strip() for d in directions.split(",")] if directions else None
    try:
        return grid_code(shape, names)
    except ConfigError as error:
        raise ConfigError(field, f"grid:{text}: {str(error).removeprefix('grid: ')}") from None
