"""Checks that a figure is fit for a journal: text boxes that overlap, text (sub- and
superscripts too) below a size, legends and the room they take, tick labels, fonts embedded in
PDF and SVG files. Used by the tests; handy in notebooks.
"""

from __future__ import annotations

import re
from pathlib import Path

from estimator.figures.style import renderer


def _hidden_axis_texts(fig) -> set[int]:
    """ids of axis texts matplotlib does not draw: ticks outside the view, axes switched off."""
    hidden: set[int] = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            shown = ax.axison and axis.get_visible()
            low, high = sorted(axis.get_view_interval())
            if not shown:
                hidden.update({id(axis.label), id(axis.get_offset_text())})
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                loc = tick.get_loc()
                if not shown or loc is None or not low <= loc <= high:
                    hidden.update({id(tick.label1), id(tick.label2)})
    return hidden


def drawn_texts(fig) -> list:
    """Every Text artist of ``fig`` that is drawn: visible, not empty, inside its axis' view."""
    from matplotlib.text import Text

    fig.draw_without_rendering()
    hidden = _hidden_axis_texts(fig)
    return [
        text
        for text in fig.findobj(Text)
        if text.get_visible()
        and text.get_text().strip()
        and id(text) not in hidden
        and (text.axes is None or text.axes.get_visible())
    ]


def text_overlaps(fig, *, tolerance_px: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of drawn texts whose rendered boxes overlap by more than ``tolerance_px``."""
    r = renderer(fig)
    boxes = [(t.get_text(), t.get_window_extent(r)) for t in drawn_texts(fig)]
    return [
        (a, b)
        for i, (a, box_a) in enumerate(boxes)
        for b, box_b in boxes[i + 1 :]
        if _overlaps(box_a, box_b, tolerance_px)
    ]


def small_texts(fig, min_pt: float) -> list[tuple[str, float]]:
    """Drawn texts with a glyph smaller than ``min_pt`` points (at the figure's own size),
    with the size of their smallest glyph: mathtext sub- and superscripts count."""
    sizes = [(t.get_text(), smallest_glyph_pt(t)) for t in drawn_texts(fig)]
    return [(text, size) for text, size in sizes if size < min_pt]


def smallest_glyph_pt(text) -> float:
    """Size in points of the smallest glyph of a Text: its font size, or for mathtext (text
    with a pair of unescaped dollar signs) the size of its smallest sub- or superscript, as
    matplotlib's mathtext parser lays it out."""
    from matplotlib.mathtext import MathTextParser

    content = text.get_text()
    size = float(text.get_fontsize())
    if text.get_usetex() or len(re.findall(r"(?<!\\)\$", content)) < 2:
        return size
    parser = MathTextParser("path")
    glyphs = [
        glyph[1]
        for line in content.split("\n")  # matplotlib lays out each line on its own
        if len(re.findall(r"(?<!\\)\$", line)) >= 2
        for glyph in parser.parse(line, 72, text.get_fontproperties()).glyphs
    ]
    return min([size, *glyphs])


def sparse_tick_labels(fig) -> list[str]:
    """Axes with exactly one drawn tick label on an axis, which gives no scale (e.g. a log axis
    over less than a decade), as "x axis of 'TITLE'"."""
    drawn = {id(t) for t in drawn_texts(fig)}
    found = []
    for ax in fig.axes:
        if not (ax.get_visible() and ax.axison):
            continue
        for axis in (ax.xaxis, ax.yaxis):
            shown = [
                tick
                for tick in axis.get_major_ticks()
                if id(tick.label1) in drawn or id(tick.label2) in drawn
            ]
            if len(shown) == 1:
                found.append(f"{axis.axis_name} axis of {ax.get_title()!r}")
    return found


def legend_fractions(fig) -> list[tuple[str, float]]:
    """Each legend (by its first entry) with the fraction of the figure's drawn area it takes."""
    r = renderer(fig)
    figure = fig.get_tightbbox(r)  # inches
    found = []
    for legend in legends(fig):
        box = legend.get_window_extent(r)
        texts = legend.get_texts()
        fraction = box.width * box.height / fig.dpi**2 / (figure.width * figure.height)
        found.append((texts[0].get_text() if texts else "(empty legend)", fraction))
    return found


def legend_overlaps(fig) -> list[str]:
    """Legends (by their first entry) that cover a drawn text or the plotting area of an Axes,
    except a legend inside its own Axes (matplotlib's loc="best" and friends)."""
    r = renderer(fig)
    found = []
    for legend in legends(fig):
        box = legend.get_window_extent(r)
        own = {id(t) for t in [*legend.get_texts(), legend.get_title()]}
        parent = legend.axes
        inside = parent is not None and _inside(box, parent.get_window_extent(r))
        covered = [
            t
            for t in drawn_texts(fig)
            if id(t) not in own and _overlaps(box, t.get_window_extent(r))
        ]
        areas = [
            ax
            for ax in fig.axes
            if ax.get_visible()
            and not (inside and ax is parent)
            and _overlaps(box, ax.get_window_extent(r))
        ]
        if covered or areas:
            texts = legend.get_texts()
            found.append(texts[0].get_text() if texts else "(empty legend)")
    return found


def _inside(a, b) -> bool:
    return b.x0 <= a.x0 and a.x1 <= b.x1 and b.y0 <= a.y0 and a.y1 <= b.y1


def _overlap(a, b) -> tuple[float, float]:
    return min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)


def _overlaps(a, b, tolerance_px: float = 0.5) -> bool:
    width, height = _overlap(a, b)
    return width > tolerance_px and height > tolerance_px


MAX_LEGEND_FRACTION = 1 / 3
"""The most of a figure a legend may take."""


def problems(fig, *, min_pt: float = 7.0, max_width_in: float | None = None) -> list[str]:
    """Everything that keeps ``fig`` from a journal, as sentences (empty when fit): text or a
    sub- or superscript smaller than ``min_pt``, text boxes that overlap, no legend, a legend
    over text or a plot or taking more than a third of the figure, an axis with a single tick
    label, wider than ``max_width_in`` inches when cropped."""
    found = [f"{size:g}-pt text {text!r}" for text, size in small_texts(fig, min_pt)]
    found += [f"one tick label on the {name}" for name in sparse_tick_labels(fig)]
    found += [
        f"legend {name!r} takes {fraction:.0%} of the figure"
        for name, fraction in legend_fractions(fig)
        if fraction > MAX_LEGEND_FRACTION
    ]
    found += [f"overlapping texts {a!r} and {b!r}" for a, b in text_overlaps(fig)]
    if not legends(fig):
        found.append("no legend")
    found += [f"legend {name!r} covers text or a plot" for name in legend_overlaps(fig)]
    if max_width_in is not None:
        width = fig.get_tightbbox(renderer(fig)).width
        if width > max_width_in + 0.02:
            found.append(f"{width:.2f} in wide (at most {max_width_in:g})")
    return found


def legends(fig) -> list:
    """Legends of the figure and of its Axes."""
    found = list(fig.legends)
    found += [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return found


def pdf_font_types(path: str | Path) -> set[str]:
    """Font subtypes of a PDF written by matplotlib (its font dictionaries are not compressed):
    e.g. {"Type0", "CIDFontType2"} for embedded TrueType, "Type3" for Type 3 fonts."""
    data = Path(path).read_bytes()
    return {
        m.decode()
        for m in re.findall(rb"/Subtype\s*/(Type0|Type1|Type3|TrueType|CIDFontType[02])", data)
    }


def pdf_embeds_truetype(path: str | Path) -> bool:
    """True if the PDF embeds TrueType font programs (/FontFile2) and has no Type 3 font."""
    data = Path(path).read_bytes()
    return b"/FontFile2" in data and "Type3" not in pdf_font_types(path)


def svg_text_elements(path: str | Path) -> int:
    """Number of <text> elements of an SVG (text kept as text, not as paths)."""
    return len(re.findall(r"<text\b", Path(path).read_text(encoding="utf-8")))
