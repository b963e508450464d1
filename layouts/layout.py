"""Lattice-surgery layouts as data: one row of patches with ancilla regions.

002_c83c776f5650c552.txt Secs. 3-6 and ../shared/MODEL.md sections 6 and 8.2. Output patches
are d_x x d_x, check patches d_z wide (height d_x); ancilla regions of height d_x run along the
row. At level 1 each region has a faulty-T-measurement qubit (d_m tiles); at level 2 each region
has an entry port at one end of the row, where level-1 states enter through an entry region
d_m wide. Lengths are linear forms in the distances, so one layout serves every distance.

Model extension (docs/model-extensions.md E1-E2): a level's distances may give each check patch
its own d_z, each ancilla region its own width, and (level 1) each step its own d_m. With none
of them given, every rule reduces to MODEL.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from estimator.errors import LayoutError

QUBITS_PER_TILE = 2
"""Physical qubits per tile: a data and a measurement qubit (MODEL.md 8.2)."""


@dataclass(frozen=True)
class Distances:
    """Code distances of one level, scalars or arrays over a parameter grid.

    Attributes:
        d_x: X distance: width of output patches and height of the row (MODEL.md 1).
        d_z: Z distance of the check patches.
        d_m: temporal distance (cycles of a lattice-surgery step).
        d_z_patch: extension E1: Z distance of individual check patches (qubit -> d_z); the
            others have ``d_z``.
        region_width: extension E1: width (height) of individual ancilla regions (name ->
            width); the others are ``d_x`` wide.
        d_m_step: extension E2 (level 1): d_m of every step, in step order; empty: ``d_m``
            in every step.
    """

    d_x: np.ndarray | float
    d_z: np.ndarray | float
    d_m: np.ndarray | float
    d_z_patch: Mapping[int, np.ndarray | float] = field(default_factory=dict)
    region_width: Mapping[str, np.ndarray | float] = field(default_factory=dict)
    d_m_step: tuple[np.ndarray | float, ...] = ()

    @property
    def uniform(self) -> bool:
        """True when no per-patch, per-region or per-step distance is given (MODEL.md)."""
        return not (self.d_z_patch or self.region_width or self.d_m_step)

    def check_d_z(self, qubit: int) -> np.ndarray | float:
        """Z distance of check patch ``qubit``."""
        return self.d_z_patch.get(qubit, self.d_z)

    def width(self, region: str) -> np.ndarray | float:
        """Width of ancilla region ``region`` (d_x unless given)."""
        return self.region_width.get(region, self.d_x)

    def notation(self, checks: Iterable[int] = (), regions: Iterable[str] = ()) -> str:
        """``d_x,d_z,d_m`` of Litinski's subscripts with the extensions (one point): region
        widths other than d_x as ``d_x/wW``, the range of the ``checks``' d_z and of the steps'
        d_m, e.g. ``13/w15,5-7,5-7`` (docs/model-extensions.md)."""

        def spread(values: list[int]) -> str:
            low, high = min(values), max(values)
            return f"{low}" if low == high else f"{low}-{high}"

        widths = {int(self.width(r)) for r in regions} - {int(self.d_x)}
        d_x = f"{int(self.d_x)}" + (f"/w{spread(sorted(widths))}" if widths else "")
        d_z = spread([int(self.check_d_z(q)) for q in checks] or [int(self.d_z)])
        d_m = spread([int(v) for v in self.d_m_step] or [int(self.d_m)])
        return f"{d_x},{d_z},{d_m}"

    def at_step(self, step: int) -> Distances:
        """The distances in force during ``step`` (1-based): d_m is that step's d_m."""
        if not self.d_m_step:
            return self
        return replace(self, d_m=self.d_m_step[step - 1], d_m_step=())

    @property
    def d_m_max(self) -> np.ndarray | float:
        """Largest d_m over the steps: the size of a faulty-T qubit (MODEL.md 8.2)."""
        if not self.d_m_step:
            return self.d_m
        return np.maximum.reduce([np.asarray(v, float) for v in self.d_m_step])

    def map(self, f: Callable[[np.ndarray | float], np.ndarray | float]) -> Distances:
        """``f`` applied to every distance (d_x, d_z, d_m and each per-patch, per-region and
        per-step value)."""
        return Distances(
            f(self.d_x),
            f(self.d_z),
            f(self.d_m),
            {q: f(v) for q, v in self.d_z_patch.items()},
            {r: f(v) for r, v in self.region_width.items()},
            tuple(f(v) for v in self.d_m_step),
        )

    def scalar(self, j: int | None = None) -> Distances:
        """One parameter point as Python floats (point ``j`` of a batch)."""

        def pick(v):
            a = np.asarray(v, float)
            return float(a if j is None or a.ndim == 0 else a[j])

        return self.map(pick)

    @classmethod
    def stack(cls, points: Sequence[Distances]) -> Distances:
        """One batch of points (arrays along a leading axis), extras included: a point
        without an entry for a patch or region gets its own default there. Per-step d_m must
        be given by all points or none (their schedules have the same steps)."""
        if len({len(p.d_m_step) for p in points}) > 1:
            raise ValueError("Distances.stack: points differ in their number of per-step d_m")

        def column(values) -> np.ndarray:
            return np.array([float(np.asarray(v, float)) for v in values])

        patches = sorted({q for p in points for q in p.d_z_patch})
        regions = sorted({r for p in points for r in p.region_width})
        return cls(
            column(p.d_x for p in points),
            column(p.d_z for p in points),
            column(p.d_m for p in points),
            {q: column(p.check_d_z(q) for p in points) for q in patches},
            {r: column(p.width(r) for p in points) for r in regions},
            tuple(column(p.d_m_step[s] for p in points) for s in range(len(points[0].d_m_step))),
        )


@dataclass(frozen=True)
class Length:
    """A length dx * d_x + dz * d_z + dm * d_m (in tiles, i.e. code-distance units).

    ``patches`` names the check patches whose widths make up (part of) the d_z term, so that
    a level with per-patch d_z (docs/model-extensions.md E1) evaluates each at its own width;
    it does not take part in comparisons or in the text, which read every d_z alike.

    >>> str(Length(dx=1, dz=3))
    'dx + 3dz'
    >>> float(Length(dx=1, dz=3).evaluate(Distances(7, 3, 3)))
    16.0
    """

    dx: float = 0
    dz: float = 0
    dm: float = 0
    patches: tuple[int, ...] = field(default=(), compare=False)

    def __add__(self, other: Length) -> Length:
        return Length(
            self.dx + other.dx,
            self.dz + other.dz,
            self.dm + other.dm,
            self.patches + other.patches,
        )

    def evaluate(self, d: Distances) -> np.ndarray:
        named = [np.asarray(d.check_d_z(q), float) for q in self.patches]
        return (
            self.dx * np.asarray(d.d_x, float)
            + (self.dz - len(named)) * np.asarray(d.d_z, float)
            + sum(named, np.zeros(()))
            + self.dm * np.asarray(d.d_m, float)
        )

    def __str__(self) -> str:
        terms = [
            f"{'' if c == 1 else f'{c:g}'}{name}"
            for c, name in ((self.dm, "dm"), (self.dx, "dx"), (self.dz, "dz"))
            if c
        ]
        return " + ".join(terms) or "0"


@dataclass(frozen=True)
class AncillaRegion:
    """An ancilla region of height d_x along the whole row.

    Attributes:
        name: "top" or "bottom" (above or below the row).
        port: end of the row where a level-2 rotation's input state enters ("L" or "R").
        entry_rows: height of the level-2 entry region (width d_m) in rows of d_x.
    """

    name: str
    port: str
    entry_rows: int = 1


@dataclass(frozen=True)
class Layout:
    """A row of patches, left to right, with one or two ancilla regions.

    >>> lay = Layout.litinski(5, outputs=(1,))
    >>> str(lay.span((2, 3, 4))), str(lay.span((1, 5)))
    ('3dz', 'dx + 4dz')
    >>> str(lay.port_length((2,), "top")), str(lay.port_length((3,), "bottom"))
    ('dx + dz', '3dz')
    """

    name: str
    row: tuple[int, ...]
    outputs: frozenset[int]
    regions: tuple[AncillaRegion, ...]

    def __post_init__(self) -> None:
        if len(set(self.row)) != len(self.row):
            raise LayoutError(f"layout {self.name!r}: a qubit appears twice in the row {self.row}")
        if not self.regions:
            raise LayoutError(f"layout {self.name!r} has no ancilla region")
        if len({r.name for r in self.regions}) != len(self.regions):
            raise LayoutError(f"layout {self.name!r}: region names must differ")
        for region in self.regions:
            if region.port not in ("L", "R"):
                raise LayoutError(
                    f"layout {self.name!r}: port of region {region.name!r} must be 'L' or 'R'"
                )

    @classmethod
    def litinski(
        cls, n_qubits: int, outputs: Iterable[int], row: Iterable[int] | None = None
    ) -> Layout:
        """Two ancilla regions, above (port L) and below (port R); 002 Figs. 6-11."""
        regions = (AncillaRegion("top", "L"), AncillaRegion("bottom", "R"))
        return cls("litinski", tuple(row or range(1, n_qubits + 1)), frozenset(outputs), regions)

    @classmethod
    def small_footprint(
        cls, n_qubits: int, outputs: Iterable[int], row: Iterable[int] | None = None
    ) -> Layout:
        """One ancilla region (port R, entry region as tall as the block); 002 Sec. 6."""
        regions = (AncillaRegion("top", "R", entry_rows=2),)
        return cls(
            "small-footprint", tuple(row or range(1, n_qubits + 1)), frozenset(outputs), regions
        )

    def width(self, qubit: int) -> Length:
        """Width of a patch: d_x for an output, d_z (its own, extension E1) for a check."""
        return Length(dx=1) if qubit in self.outputs else Length(dz=1, patches=(qubit,))

    def row_width(self) -> Length:
        return _total(self.width(q) for q in self.row)

    def region(self, name: str) -> AncillaRegion:
        for region in self.regions:
            if region.name == name:
                return region
        raise LayoutError(
            f"layout {self.name!r} has no ancilla region {name!r} (has {', '.join(r.name for r in self.regions)})"
        )

    def _positions(self, support: Iterable[int]) -> list[int]:
        support = list(support)
        missing = [q for q in support if q not in self.row]
        if missing:
            raise LayoutError(f"layout {self.name!r} has no patch for qubit(s) {missing}")
        return [self.row.index(q) for q in support]

    def span(self, support: Iterable[int]) -> Length:
        """Level-1 ancilla length: widths from the leftmost to the rightmost involved patch."""
        pos = self._positions(support)
        return _total(self.width(q) for q in self.row[min(pos) : max(pos) + 1])

    def port_length(self, support: Iterable[int], region: str) -> Length:
        """Level-2 ancilla length: from the region's port to the far edge of the farthest patch."""
        pos = self._positions(support)
        if self.region(region).port == "L":
            return _total(self.width(q) for q in self.row[: max(pos) + 1])
        return _total(self.width(q) for q in self.row[min(pos) :])

    def position(self, qubit: int) -> int:
        """Index of ``qubit``'s patch in the row (0 = leftmost)."""
        return self._positions((qubit,))[0]

    def covers(self, support: Iterable[int], qubit: int) -> bool:
        """True when a level-1 rotation on ``support`` uses its region's stretch at ``qubit``'s
        patch: the patch lies within the rotation's span (MODEL.md 4.2 space rule, 6)."""
        pos = self._positions(support)
        return min(pos) <= self.position(qubit) <= max(pos)

    def uses(self, support: Iterable[int], region: str | None, qubit: int, *, level: int) -> bool:
        """True when a rotation on ``support`` through ``region`` uses that region's stretch at
        ``qubit``'s patch: at level 1 its span (MODEL.md 6), at level 2 the stretch from the
        region's port to the far edge of its farthest patch. A fast faulty T measurement
        (``region`` None) uses no region along the row."""
        if region is None:
            return False
        if level == 1:
            return self.covers(support, qubit)
        pos, at = self._positions(support), self.position(qubit)
        return at <= max(pos) if self.region(region).port == "L" else at >= min(pos)

    def free_regions(self, placements, qubit: int, *, level: int) -> tuple[str, ...]:
        """Regions whose stretch at ``qubit``'s patch no placement (rotation, region) of a step
        uses."""
        return tuple(
            r.name
            for r in self.regions
            if not any(
                p.region == r.name and self.uses(p.rotation.support, r.name, qubit, level=level)
                for p in placements
            )
        )

    def qubits(self, d: Distances, *, level: int) -> np.ndarray:
        """Physical qubits of one block (MODEL.md 8.2): QUBITS_PER_TILE per tile."""
        return QUBITS_PER_TILE * self.tiles(d, level=level)

    def tiles(self, d: Distances, *, level: int) -> np.ndarray:
        """Area of the block in tiles (MODEL.md 8.2): row and regions, plus the faulty-T qubits
        (d_m tiles per region) at level 1 or the entry regions (d_m wide, as high as their
        region plus ``entry_rows - 1`` rows of d_x) at level 2. Regions have their own widths
        where ``d`` gives them (extension E1)."""
        d_x = np.asarray(d.d_x, float)
        row = self.row_width().evaluate(d)
        widths = [np.asarray(d.width(r.name), float) for r in self.regions]
        area = row * (d_x + sum(widths))
        if level == 1:
            return area + len(self.regions) * np.asarray(d.d_m_max, float)
        entry = sum(w + (r.entry_rows - 1) * d_x for r, w in zip(self.regions, widths))
        return area + np.asarray(d.d_m, float) * entry


def _total(lengths: Iterable[Length]) -> Length:
    total = Length()
    for length in lengths:
        total = total + length
    return total


LAYOUTS = {"litinski": Layout.litinski, "small-footprint": Layout.small_footprint}
