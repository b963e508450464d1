"""Checks that a figure is fit for a journal: text boxes that overlap, text below a size,
legends, fonts embedded in PDF and SVG files. Used by the tests; handy in notebooks.
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
    pairs = []
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            width = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            height = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            if width > tolerance_px and height > tolerance_px:
                pairs.append((a, b))
    return pairs


def small_texts(fig, min_pt: float) -> list[tuple[str, float]]:
    """Drawn texts smaller than ``min_pt`` points (at the figure's own size)."""
    return [(t.get_text(), t.get_fontsize()) for t in drawn_texts(fig) if t.get_fontsize() < min_pt]


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
