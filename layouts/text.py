"""Text for drawings of layouts and schedules: mathtext labels and a renderer to measure text.

Kept below ``estimator.figures`` (which re-exports both), so that ``layouts.draw`` needs nothing
from the layers above it.
"""

from __future__ import annotations

import re


def renderer(fig):
    """A renderer for measuring text on ``fig`` (attaches an Agg canvas if it has none)."""
    canvas = fig.canvas
    if not hasattr(canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(fig)
    return canvas.get_renderer()


def rotation_label(text: str) -> str:
    """A Pauli product such as ``-Z1Z12`` as mathtext with subscript qubit numbers.

    >>> rotation_label("-Z1Z12")
    '$-Z_{1}Z_{12}$'
    """
    return "$" + re.sub(r"Z(\d+)", r"Z_{\1}", text) + "$"
