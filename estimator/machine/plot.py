"""The Pareto figure: physical qubits against runtime, every machine and the Pareto set."""

from __future__ import annotations

from pathlib import Path

from estimator.machine.estimate import Machine, pareto


def plot(found: list[Machine], path: str | Path, title: str, style_name: str = "paper") -> None:
    """Every machine (small grey points) and the Pareto set (markers by data block), log-log."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from estimator.figures.style import (
        PALETTE,
        get_style,
        legend_below,
        log_tick_labels,
        rc_params,
        save_figure,
    )

    style = get_style(style_name)
    front = sorted(pareto(found), key=lambda m: m.runtime_s)  # fastest first: a staircase
    blocks = list(dict.fromkeys(m.block.name for m in found))
    with matplotlib.rc_context(rc_params(style)):
        fig, ax = plt.subplots(figsize=(style.width_in, 0.8 * style.width_in))
        ax.scatter(
            [m.runtime_s / 3600 for m in found],
            [m.physical_qubits for m in found],
            s=(0.5 * style.marker_pt) ** 2,
            color="0.75",
            linewidths=0,
            label="all machines",
        )
        ax.step(
            [m.runtime_s / 3600 for m in front],
            [m.physical_qubits for m in front],
            where="post",
            color="0.3",
            linewidth=style.line_pt,
        )
        markers = "osD^v"
        for i, name in enumerate(blocks):
            points = [m for m in front if m.block.name == name]
            if points:
                ax.plot(
                    [m.runtime_s / 3600 for m in points],
                    [m.physical_qubits for m in points],
                    markers[i % len(markers)],
                    color=PALETTE[i],
                    markersize=style.marker_pt,
                    label=f"Pareto, {name} block",
                )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("runtime (hours)")
        ax.set_ylabel("physical qubits")
        if title:
            ax.set_title(title)
        log_tick_labels(ax)
        handles, _ = ax.get_legend_handles_labels()
        legend_below(ax, handles, style.width_in)
        save_figure(fig, path, style)
        plt.close(fig)
