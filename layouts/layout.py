"""Lattice-surgery layouts as data: one row of patches with ancilla regions.

002_c83c776f5650c552.txt Secs. 3-6 and ../shared/MODEL.md sections 6 and 8.2. Output patches
are d_x x d_x, check patches d_z wide (height d_x); ancilla regions of height d_x run along the
row. At level 1 each region has a faulty-T-measurement qubit (d_m tiles); at level 2 each region
has an entry port at one end of the row, where level-1 states enter through an entry region
d_m wide. Lengths are linear forms in the distances, so one layout serves every distance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from estimator.errors import LayoutError


@dataclass(frozen=True)
class Distances:
    """Code distances of one level, scalars or arrays over a parameter grid."""

    d_x: np.ndarray | float
    d_z: np.ndarray | float
    d_m: np.ndarray | float


@dataclass(frozen=True)
class Length:
    """A length dx * d_x + dz * d_z + dm * d_m (in tiles, i.e. code-distance units).

    >>> str(Length(dx=1, dz=3))
    'dx + 3dz'
    >>> float(Length(dx=1, dz=3).evaluate(Distances(7, 3, 3)))
    16.0
    """

    dx: float = 0
    dz: float = 0
    dm: float = 0

    def __add__(self, other: Length) -> Length:
        return Length(self.dx + other.dx, self.dz + other.dz, self.dm + other.dm)

    def evaluate(self, d: Distances) -> np.ndarray:
        return (
            self.dx * np.asarray(d.d_x, float)
            + self.dz * np.asarray(d.d_z, float)
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
        """Width of a patch: d_x for an output, d_z for a check."""
        return Length(dx=1) if qubit in self.outputs else Length(dz=1)

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

    @property
    def height_rows(self) -> int:
        """Block height in rows of d_x: the patch row plus the ancilla regions."""
        return 1 + len(self.regions)

    def tiles(self, d: Distances, *, level: int) -> np.ndarray:
        """Area of the block in tiles (MODEL.md 8.2): row and regions, plus the faulty-T qubits
        (d_m tiles per region) at level 1 or the entry regions (d_m x entry_rows d_x) at level 2."""
        area = self.row_width().evaluate(d) * self.height_rows * np.asarray(d.d_x, float)
        if level == 1:
            return area + len(self.regions) * np.asarray(d.d_m, float)
        entry_rows = sum(r.entry_rows for r in self.regions)
        return area + entry_rows * np.asarray(d.d_m, float) * np.asarray(d.d_x, float)


def _total(lengths: Iterable[Length]) -> Length:
    total = Length()
    for length in lengths:
        total = total + length
    return total


LAYOUTS = {"litinski": Layout.litinski, "small-footprint": Layout.small_footprint}
