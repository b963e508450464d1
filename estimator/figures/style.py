"""House style of every figure: sizes for a journal column or a slide, a colour-blind-safe
palette, embedded TrueType fonts, mathtext factory names.

Apart from ``legend_below`` and ``log_tick_labels`` nothing here draws. ``rc_params(style)``
is meant for ``matplotlib.rc_context`` around both the drawing and the saving of a figure (font
embedding is read when the file is written); ``use(style)`` sets it for a whole notebook, and
``show(fig)`` displays a figure there as it is saved, as a small PNG.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from typing import Any

from layouts.text import renderer, rotation_label  # noqa: F401 - the house style re-exports them

# Okabe & Ito, "Color Universal Design" (2008): eight colours distinguishable with every
# common colour-vision deficiency. Black is last so that series get colours first.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")


@dataclass(frozen=True)
class Style:
    """Sizes of a figure family.

    Attributes:
        name: "paper" or "slides".
        width_in: width of a normal figure (one journal column: 3.4 in).
        wide_in: width of a wide figure (two journal columns: 7.0 in).
        font_pt: the size of all text; nothing smaller is drawn.
        line_pt: default line width.
        marker_pt: default marker size.
        dpi: resolution of raster (PNG) output.
    """

    name: str
    width_in: float
    wide_in: float
    font_pt: float
    line_pt: float
    marker_pt: float
    dpi: int


# Layouts and schedules in words, for titles and legends (configs name them "litinski", ...).
LAYOUT_NAMES = {"litinski": "published", "small-footprint": "small-footprint", "auto": "planned"}
SCHEDULE_NAMES = {"paper": "published", "consistent": "consistent", "cpsat": "CP-SAT"}

SCRIPT_SCALE = 7 / 8
"""Size of a mathtext sub- or superscript relative to its base text (matplotlib's own is 0.7,
which puts the scripts of 8-pt text at 5.6 pt): at 7/8 they are 7 pt in the paper style, the
least a journal prints. Set for every figure of the process by ``script_scale``."""


def script_scale(scale: float = SCRIPT_SCALE) -> None:
    """Draw mathtext sub- and superscripts at ``scale`` times their base size from now on.

    matplotlib keeps this factor as a module constant (``matplotlib._mathtext.SHRINK_FACTOR``,
    read at every parse) and caches parsed text; both are updated here, so text drawn before and
    after keeps its own layout. It applies to every mathtext of the process."""
    from matplotlib import _mathtext, mathtext, text

    if _mathtext.SHRINK_FACTOR == scale:
        return
    _mathtext.SHRINK_FACTOR = scale
    mathtext.MathTextParser._parse_cached.cache_clear()
    for cache in getattr(text._get_text_metrics_function, "__defaults__", None) or ():
        cache.clear()  # text extents measured per renderer


STYLES = {
    "paper": Style("paper", 3.4, 7.0, 8.0, 0.8, 3.5, 300),
    "slides": Style("slides", 6.4, 12.0, 14.0, 1.6, 6.0, 150),
}


def get_style(name: str) -> Style:
    """The style called ``name`` (ValueError naming the choices otherwise)."""
    try:
        return STYLES[name]
    except KeyError:
        raise ValueError(f"unknown style {name!r}; use {', '.join(STYLES)}") from None


def rc_params(style: Style) -> dict[str, Any]:
    """matplotlib rcParams of ``style``: one font size, DejaVu Sans (TrueType, shipped with
    matplotlib) embedded as Type 42 in PDF and kept as text in SVG, the palette as colour cycle.
    """
    from cycler import cycler

    script_scale()
    size = style.font_pt
    return {
        "font.family": "DejaVu Sans",
        "mathtext.fontset": "dejavusans",
        "font.size": size,
        "axes.titlesize": size,
        "axes.labelsize": size,
        "xtick.labelsize": size,
        "ytick.labelsize": size,
        "legend.fontsize": size,
        "legend.title_fontsize": size,
        "figure.titlesize": size,
        "axes.linewidth": style.line_pt,
        "lines.linewidth": style.line_pt * 1.5,
        "lines.markersize": style.marker_pt,
        "xtick.major.width": style.line_pt,
        "ytick.major.width": style.line_pt,
        "xtick.minor.width": style.line_pt * 0.6,
        "ytick.minor.width": style.line_pt * 0.6,
        "axes.prop_cycle": cycler(color=PALETTE),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "legend.handlelength": 1.6,
        "legend.columnspacing": 1.0,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "none",
        "savefig.dpi": style.dpi,
        "savefig.bbox": "tight",
        "savefig.pad_inches": 0.02,
        "figure.dpi": 100,
    }


def use(name: str = "paper") -> Style:
    """Make ``name`` the style of every later figure (pyplot in a notebook); returns it."""
    import matplotlib

    style = get_style(name)
    matplotlib.rcParams.update(rc_params(style))
    return style


def show(fig, dpi: int = 110):
    """``fig`` as saved (cropped, at its own size and fonts) as a PNG of ``dpi`` for a notebook:
    small enough to store with the notebook, sharp enough to read on a code-hosting page."""
    import io

    from IPython.display import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", pad_inches=0.02)
    return Image(buffer.getvalue())


def save_figure(fig, path, style: Style) -> None:
    """Write ``fig`` (png, pdf or svg by suffix) cropped to its content, fonts embedded."""
    import matplotlib

    with matplotlib.rc_context(rc_params(style)):
        fig.savefig(
            path, dpi=style.dpi, bbox_inches="tight", pad_inches=0.02, metadata=_metadata(path)
        )


def _metadata(path) -> dict[str, Any] | None:
    suffix = str(path).lower().rsplit(".", 1)[-1]
    if suffix == "png":
        return {"Software": "msd-estimator"}
    if suffix in ("pdf", "svg"):
        return {"Creator": "msd-estimator"}
    return None


_SCRIPT = re.compile(r"(?:[\^_](?:\{[^{}]*\}|[A-Za-z0-9]+))+")
_PART = re.compile(r"([\^_])(\{[^{}]*\}|[A-Za-z0-9]+)")


def factory_label(title: str) -> str:
    """A factory name with TeX-style scripts as mathtext, ``x`` between factories as a times
    sign; other dollar signs are escaped.

    >>> factory_label("(15-to-1)^4_{9,3,3} x (20-to-4)_{15,7,9}")
    '(15-to-1)$^{4}_{9,3,3}$ × (20-to-4)$_{15,7,9}$'
    >>> factory_label("(15-to-1)^4_{13/w15,5,5-7}")
    '(15-to-1)$^{4}_{13/w15,5,5–7}$'
    >>> factory_label("cost in $")
    'cost in \\\\$'
    """

    def script(match: re.Match) -> str:
        parts = "".join(
            f"{mark}{{{body.strip('{}')}}}" for mark, body in _PART.findall(match.group(0))
        )
        return "$" + re.sub(r"(?<=\d)-(?=\d)", "–", parts) + "$"  # ranges: 5–7, not minus

    text = title.replace("$", r"\$")
    text = re.sub(r"(?<=[)}]) x (?=\()", " × ", text)
    return _SCRIPT.sub(script, text)


def legend_below(
    ax,
    handles,
    max_width_in: float,
    *,
    max_cols: int = 3,
    x_center: float | None = None,
    labels=None,
):
    """A legend under everything ``ax`` draws (tick labels, annotations), centred under
    ``ax`` or at figure fraction ``x_center``, in as many columns (at most ``max_cols``) as
    fit within ``max_width_in`` inches; ``labels`` for handles without their own (tuples of
    artists drawn over each other); returns it."""
    fig = ax.figure
    r = renderer(fig)
    gap = 0.4 * fig.dpi * float(_font_in(ax))
    y = (ax.get_tightbbox(r).y0 - gap) / fig.bbox.height
    x = (ax.get_position().x0 + ax.get_position().x1) / 2 if x_center is None else x_center
    for ncols in range(max_cols, 0, -1):
        legend = ax.legend(
            handles=handles,
            labels=labels,
            loc="upper center",
            bbox_to_anchor=(x, y),
            bbox_transform=fig.transFigure,
            ncols=ncols,
            borderaxespad=0.0,
            borderpad=0.0,
        )
        if legend.get_window_extent(r).width <= max_width_in * fig.dpi or ncols == 1:
            return legend
        legend.remove()
    raise AssertionError("unreachable")


def _font_in(ax) -> float:
    import matplotlib

    return matplotlib.rcParams["font.size"] / 72.0


# Mantissas of the major ticks of a log axis, densest first (the first whose labels fit wins).
_LOG_SUBS = ((1.0, 2.0, 5.0), (1.0, 3.0), (1.0,))


def log_number(value: float, plain: bool = True) -> str:
    """A tick label of a log axis: a plain number (when ``plain`` and short), else mathtext
    powers of ten.

    >>> log_number(20.0), log_number(1e5), log_number(2e-6), log_number(0.05, plain=False)
    ('20', '$10^{5}$', '$2\\\\times10^{-6}$', '$5\\\\times10^{-2}$')
    """
    if value <= 0:
        return ""
    if plain and _PLAIN[0] <= value < _PLAIN[1]:
        return f"{value:g}"
    exponent = math.floor(math.log10(value) + 1e-9)
    mantissa = round(value / 10.0**exponent, 6)
    lead = "" if mantissa == 1 else f"{mantissa:g}\\times"
    return f"${lead}10^{{{exponent}}}$"


_PLAIN = (0.01, 1e4)  # tick values written as plain numbers when all of an axis' are within


def _log_numbers():
    """A matplotlib Formatter of log_number, plain only when every label in view is short."""
    from matplotlib.ticker import Formatter

    class LogNumbers(Formatter):
        plain = True

        def set_locs(self, locs):
            super().set_locs(locs)
            low, high = sorted(self.axis.get_view_interval())
            shown = [v for v in locs if low <= v <= high]
            self.plain = all(_PLAIN[0] <= v < _PLAIN[1] for v in shown)

        def __call__(self, value, pos=None):
            return log_number(value, self.plain)

    return LogNumbers()


def log_tick_labels(ax) -> None:
    """Readable tick labels on the log axes of ``ax`` (at its final size; shared axes too):
    never labels on minor ticks (they overprint on a narrow panel); over two decades or more
    matplotlib's powers of ten; over less, majors at mantissas 1, 2, 5 (or 1, 3, or 1, the
    densest that fits without overlapping labels), as plain numbers when all are short."""
    from matplotlib.ticker import LogLocator, NullFormatter

    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_scale() != "log":
            continue
        axis.set_minor_formatter(NullFormatter())
        low, high = sorted(axis.get_view_interval())
        if not 0 < low < high or high / low >= 100:
            continue
        axis.set_major_formatter(_log_numbers())
        for subs in _LOG_SUBS:
            axis.set_major_locator(LogLocator(subs=subs))
            if not _labels_overlap(axis):
                break
        if len([v for v in axis.get_major_locator()() if low <= v <= high]) < 2:
            _two_log_ticks(axis, low, high)  # e.g. a time axis within a factor of two


def _two_log_ticks(axis, low: float, high: float) -> None:
    """Major ticks at the two round numbers (two significant digits) nearest to a quarter and
    three quarters of a log axis' view, so that it shows a scale."""
    from matplotlib.ticker import FixedLocator

    ticks = []
    for share in (0.25, 0.75):
        value = low * (high / low) ** share
        exponent = math.floor(math.log10(value)) - 1
        ticks.append(round(value / 10.0**exponent) * 10.0**exponent)
    axis.set_major_locator(FixedLocator(sorted(set(ticks))))


def _labels_overlap(axis) -> bool:
    """Whether two drawn major tick labels of ``axis`` overlap (1 pt apart at least)."""
    fig = axis.axes.figure
    r = renderer(fig)
    axis.get_tightbbox(r)  # places this axis' ticks and labels (cheaper than drawing all)
    low, high = sorted(axis.get_view_interval())
    boxes = sorted(
        (
            tick.label1.get_window_extent(r)
            for tick in axis.get_major_ticks()
            if tick.label1.get_visible()
            and tick.label1.get_text()
            and low <= tick.get_loc() <= high
        ),
        key=lambda b: b.x0 if axis.axis_name == "x" else b.y0,
    )
    gap = fig.dpi / 72.0
    return any(
        min(a.x1, b.x1) - max(a.x0, b.x0) > -gap and min(a.y1, b.y1) - max(a.y0, b.y0) > -gap
        for a, b in itertools.pairwise(boxes)
    )
