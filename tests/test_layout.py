"""Layout geometry: ancilla lengths (docs/model/geometry.md) and tiles (docs/model/costs.md)."""

import pytest
from reference_data import MODEL_6_SPANS

from estimator.errors import LayoutError
from layouts.layout import Distances, Layout, Length

LIT5 = Layout.litinski(5, outputs=(1,))
LIT7 = Layout.litinski(7, outputs=(1, 2, 3, 4))

SPANS = MODEL_6_SPANS  # docs/model/geometry.md examples


@pytest.mark.parametrize(("support", "expected"), SPANS)
def test_level1_spans(support, expected):
    assert LIT5.span(support) == expected


@pytest.mark.parametrize(
    ("layout", "support", "region", "expected"),
    [
        (LIT5, (2,), "top", Length(dx=1, dz=1)),
        (LIT5, (3,), "bottom", Length(dz=3)),
        (LIT7, (3, 6, 7), "top", Length(dx=4, dz=3)),
        (LIT7, (4, 5, 6), "bottom", Length(dx=1, dz=3)),
        (Layout.small_footprint(5, (1,)), (2,), "top", Length(dz=4)),
    ],
)
def test_level2_port_lengths(layout, support, region, expected):
    assert layout.port_length(support, region) == expected


def test_tiles_equal_model_formulas():
    d = Distances(9, 3, 5)
    assert LIT5.tiles(d, level=1) == (9 + 4 * 3) * 3 * 9 + 2 * 5
    assert Layout.small_footprint(5, (1,)).tiles(d, level=1) == 2 * 9 * (9 + 4 * 3) + 5
    assert LIT7.tiles(d, level=2) == (4 * 9 + 3 * 3) * 3 * 9 + 2 * 9 * 5
    assert Layout.small_footprint(5, (1,)).tiles(d, level=2) == (9 + 4 * 3 + 5) * 2 * 9


def test_length_arithmetic_and_text():
    assert str(Length(dm=1, dx=4, dz=3)) == "dm + 4dx + 3dz" and str(Length()) == "0"
    assert (Length(dx=1) + Length(dz=2)).evaluate(Distances(7, 3, 3)) == 13


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: LIT5.span((6,)), "no patch for qubit"),
        (lambda: LIT5.region("left"), "no ancilla region 'left'"),
        (lambda: Layout("x", (1, 1), frozenset({1}), LIT5.regions), "appears twice"),
        (lambda: Layout("x", (1, 2), frozenset({1}), ()), "no ancilla region"),
    ],
)
def test_impossible_layouts(call, message):
    with pytest.raises(LayoutError, match=message):
        call()
