"""The injection calibration's figure: sampled S-state error per p against the fitted slope.

matplotlib and sinter (binomial intervals) are imported inside the function.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from estimator.figures.noise import _grid
from estimator.figures.style import PALETTE, Style, legend_below

_VARIANTS = {"postselected": PALETTE[0], "decoded": PALETTE[3]}
_DISTANCE_MARKERS = ("o", "s", "^", "D")


def injection_figure(records: Mapping[str, Mapping[str, Any]], style: Style):
    """Per calibration record (by the name to show; one panel each) with an ``injection``
    entry: the S-state proxy's logical error over p (points with sinter's likelihood
    intervals, factor 1000, per variant and distance) against the fitted slope c (line) and
    its interval (band), docs/model/injection.md."""
    import sinter
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from estimator.calibration.injection_fit import injection_stats

    distances = sorted({s["d"] for r in records.values() for s in r["injection"]["stats"]})
    markers = {d: _DISTANCE_MARKERS[i % len(_DISTANCE_MARKERS)] for i, d in enumerate(distances)}
    handles = [
        Patch(color=c, alpha=0.5, label=f"{v}: fit $c$ and interval") for v, c in _VARIANTS.items()
    ]
    handles += [
        Line2D([], [], color="black", marker=markers[d], ls="", ms=3.5, label=f"sampled, $d$ = {d}")
        for d in distances
    ]
    fig, axes = _grid(style, len(records), len(handles) / 2 + 2)
    for ax, (name, record) in zip(axes, records.items()):
        entry = record["injection"]
        stats = injection_stats(entry)
        p_low, p_high = entry["ranges"]["p"]
        span = np.array([p_low / 1.3, p_high * 1.3])
        for variant, colour in _VARIANTS.items():
            fit = entry["variants"][variant]
            low, high = fit["slope_interval"]
            ax.fill_between(span, low, high, color=colour, alpha=0.25, lw=0)
            ax.plot(span, [fit["slope"]] * 2, color=colour)
            for s in (s for s in stats if s.variant == variant):
                b = sinter.fit_binomial(
                    num_shots=s.kept, num_hits=s.errors, max_likelihood_factor=1000
                )
                shift = 1.06 ** (distances.index(s.d) - (len(distances) - 1) / 2)
                best = b.best / s.p
                ax.errorbar(
                    s.p * shift,
                    best,
                    yerr=[[best - b.low / s.p], [b.high / s.p - best]],
                    fmt=markers[s.d],
                    color=colour,
                    ms=3,
                )
        ax.set_xscale("log")
        ax.set_xlim(*span)
        ax.set_ylim(0, None)
        ax.set_title(f"{name}: injection of $|{{+i}}\\rangle$", pad=3)
        ax.set_xlabel("physical error rate $p$")
        ax.set_ylabel("S-state error $p_S$ / $p$")
        ax.grid(True, which="major", color="#E5E5E5", lw=0.5)
        ax.set_axisbelow(True)
    legend_below(axes[-1], handles, style.wide_in, max_cols=2, x_center=0.5)
    return fig
