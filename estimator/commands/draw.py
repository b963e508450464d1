"""``msd draw CONFIG -o FILE [--schedule] [--level 1|2] [--style paper|slides] [--set ...]``.

Draws a config's layout to scale (the top level, with its level-1 factories for two levels)
or, with ``--schedule``, its schedule step by step with a timeline, in the house style of
estimator.figures (legend, mathtext names, embedded fonts). The file type follows the
extension: .png, .svg or .pdf.
"""

from __future__ import annotations

import argparse

from estimator.commands import (
    add_config_arguments,
    add_figure_arguments,
    add_limit_arguments,
    example,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "draw",
        help="draw the layout or the schedule of a config",
        **example(
            "msd draw configs/litinski2019/02_15to1_9-3-3_p1e-4.toml --schedule -o schedule.png"
        ),
    )
    add_config_arguments(parser, example="level1.layout=auto")
    add_figure_arguments(parser)
    parser.add_argument("--schedule", action="store_true", help="draw the schedule step by step")
    parser.add_argument(
        "--level", type=int, choices=(1, 2), help="level to draw (default: the top level)"
    )
    add_limit_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import matplotlib

    from estimator.commands import check_figure_output
    from estimator.config.factory import load_config
    from estimator.errors import ConfigError
    from estimator.figures.style import get_style, rc_params, save_figure

    check_figure_output(args.output, inputs=[args.config])
    style = get_style(args.style)
    config = load_config(args.config, args.sets)
    with matplotlib.rc_context(rc_params(style)):
        fig, missing = draw_figure(
            config, style, level=args.level, schedule=args.schedule, title=not args.no_title
        )
        try:
            save_figure(fig, args.output, style)
        except OSError as error:
            raise ConfigError(
                "-o", f"cannot write {args.output!r}: {error.strerror or error}"
            ) from None
    note = f" ({missing} labels too narrow to print were left out)" if missing else ""
    print(f"wrote {args.output}{note}")
    return 0


def draw_figure(
    config, style, *, level: int | None = None, schedule: bool = False, title: bool = True
):
    """The figure ``msd draw`` writes for a FactoryConfig: the layout of ``level`` (default:
    the top level; with its level-1 factories at level 2) or its schedule, titled with the
    factory's name. Call it inside ``matplotlib.rc_context(rc_params(style))``.

    Returns (figure, number of labels left out)."""
    from estimator.errors import ConfigError
    from estimator.figures.drawings import layout_figure, schedule_figure
    from estimator.figures.style import LAYOUT_NAMES, SCHEDULE_NAMES, factory_label
    from layouts.graph import TwoLevel, Units, layout_graph

    level = level or (2 if config.level2 is not None else 1)
    if level == 2 and config.level2 is None:
        raise ConfigError("--level", "this config has no [level2]")
    cultivation = config.cultivation
    if level == 2 and cultivation is not None and not schedule:
        raise ConfigError(
            "--level",
            "the level-1 blocks of this factory are fed by cultivation units; draw --level 1",
        )
    spec = config.level2 if level == 2 else config.level1
    feed = (
        TwoLevel(
            config.level1.layout,
            config.level1.d,
            config.n_level1,
            config.arrangement,
            tuple((spec.d, count) for spec, count in config.mix),
        )
        if level == 2 and not schedule
        else None
    )
    if cultivation is not None and level == 1 and not schedule:  # a block consuming states
        feed = Units(cultivation.count, cultivation.unit.point.qubits, cultivation.arrangement)
    fed = level == 2 or cultivation is not None
    graph = layout_graph(spec.layout, spec.d, level=2 if fed else 1, two_level=feed)
    layout = LAYOUT_NAMES.get(spec.layout.name, spec.layout.name)
    what = f"level {level}: {spec.protocol.name} on the {layout} layout"
    if schedule:
        what += f", {SCHEDULE_NAMES.get(spec.schedule.name, spec.schedule.name)} schedule"
    # one title on a slide; a caption line under it in a paper figure
    text = factory_label(config.title) + ("" if style.name == "slides" else f"\n{what}")
    text = text if title else None
    if schedule:
        return schedule_figure(graph, spec.schedule, style, title=text)
    return layout_figure(graph, style, title=text)
