"""``msd draw CONFIG -o FILE [--schedule] [--level 1|2] [--set KEY=VALUE ...]``.

Draws a config's layout to scale (the top level, with its level-1 factories for two levels)
or, with ``--schedule``, its schedule step by step with a timeline. The file type follows the
extension: .png, .svg or .pdf.
"""

from __future__ import annotations

import argparse

from estimator.commands import add_config_arguments, add_limit_arguments

FORMATS = (".png", ".svg", ".pdf")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("draw", help="draw the layout or the schedule of a config")
    add_config_arguments(parser, example="level1.layout=auto")
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="output file (.png, .svg or .pdf)"
    )
    parser.add_argument("--schedule", action="store_true", help="draw the schedule step by step")
    parser.add_argument(
        "--level", type=int, choices=(1, 2), help="level to draw (default: the top level)"
    )
    add_limit_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import math
    from pathlib import Path

    from matplotlib.figure import Figure

    from estimator.errors import ConfigError
    from estimator.studies.config import load_config
    from layouts.draw import draw_layout, draw_schedule, draw_timeline
    from layouts.graph import TwoLevel, bounding_box, layout_graph

    output = Path(args.output)
    suffix = output.suffix.lower()
    if suffix not in FORMATS:
        raise ConfigError(
            "-o",
            f"unknown file type {suffix or '(none)'!r} of {args.output!r}; use {', '.join(FORMATS)}",
        )
    if output.is_dir():
        raise ConfigError("-o", f"{args.output!r} is a directory")
    if not output.parent.is_dir():
        raise ConfigError("-o", f"no directory {str(output.parent)!r} to write {args.output!r} in")
    config = load_config(args.config, args.sets)
    level = args.level or (2 if config.level2 is not None else 1)
    if level == 2 and config.level2 is None:
        raise ConfigError("--level", "this config has no [level2]")
    spec = config.level2 if level == 2 else config.level1
    feed = (
        TwoLevel(config.level1.layout, config.level1.d, config.n_level1, config.arrangement)
        if level == 2 and not args.schedule
        else None
    )
    graph = layout_graph(spec.layout, spec.d, level=level, two_level=feed)
    x0, y0, x1, y1 = bounding_box(graph)
    margin = 0.8 * float(spec.d.d_x)  # draw_layout's margin around the block
    aspect = (y1 - y0 + 2 * margin) / (x1 - x0 + 2 * margin)
    title = f"{config.title}: level {level}, {spec.protocol.name} on layout {spec.layout.name}"
    if not args.schedule:
        fig = Figure(figsize=(9, 9 * aspect + 0.5), layout="constrained")
        ax = fig.add_subplot()
        draw_layout(graph, ax)
        ax.set_title(title, fontsize=10)
    else:
        n = spec.schedule.n_steps
        width = 12.0
        cols = min(n, 3 if aspect < 0.6 else 4)  # panels at least 3 inches wide
        rows = math.ceil(n / cols)
        panel_h = width / cols * aspect + 0.3
        timeline_h = 0.3 * (len(spec.layout.regions) + spec.protocol.n_qubits + 1) + 0.7
        fig = Figure(figsize=(width, rows * panel_h + timeline_h + 0.4), layout="constrained")
        top, bottom = fig.subfigures(2, 1, height_ratios=[rows * panel_h, timeline_h])
        draw_schedule(graph, spec.schedule, top.subplots(rows, cols, squeeze=False).ravel())
        draw_timeline(graph, spec.schedule, bottom.subplots())
        top.suptitle(f"{title}, schedule {spec.schedule.name}", fontsize=11)
    try:
        fig.savefig(args.output, dpi=200, bbox_inches="tight", pad_inches=0.1)
    except OSError as error:
        raise ConfigError(
            "-o", f"cannot write {args.output!r}: {error.strerror or error}"
        ) from None
    print(f"wrote {args.output}")
    return 0
