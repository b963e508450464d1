"""``msd schedule CONFIG [--set KEY=VALUE ...] [--format table|json] [--time-limit S]``.

Prints each level's schedule (per step: rotations, region or port, ancilla lengths as linear
forms and in tiles; consumption of outputs) and the factory's cost. Levels configured with
``schedule = "cpsat"`` are scheduled with the given time limit and the solver's status shown.
"""

from __future__ import annotations

import argparse

from estimator.commands import add_config_arguments, add_limit_arguments, example


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "schedule",
        help="print the schedule of a config and its cost",
        **example("msd schedule configs/litinski2019/02_15to1_9-3-3_p1e-4.toml"),
    )
    add_config_arguments(parser, example="level1.schedule=cpsat")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=5.0,
        metavar="S",
        help='CP-SAT budget per level for schedule = "cpsat", in deterministic seconds '
        "(about one second of one core each; the result does not depend on the load; default 5)",
    )
    add_limit_arguments(parser)
    parser.set_defaults(run=run)


def _level_record(spec, level: int, solver) -> dict:
    """Steps, lengths and consumption of one level, JSON-ready."""
    from layouts.graph import layout_graph, port_length, span
    from layouts.layout import Length

    graph = layout_graph(spec.layout, spec.d, level=level)
    steps = []
    for placements in spec.schedule.steps:
        rows = []
        for p in placements:
            row = {
                "rotation": str(p.rotation),
                "region": p.region,
                "port": None,
                "length": None,
                "length_tiles": None,
            }
            if p.region is not None:
                if level == 1:
                    length = span(graph, p.rotation.support)
                else:
                    row["port"] = graph.nodes["region", p.region]["port"]
                    length = port_length(graph, p.rotation.support, p.region) + Length(dm=1)
                row["length"], row["length_tiles"] = str(length), float(length.evaluate(spec.d))
            rows.append(row)
        steps.append(rows)
    record = {
        "level": level,
        "protocol": spec.protocol.name,
        "layout": spec.layout.name,
        "row": list(spec.layout.row),
        "schedule": spec.schedule.name,
        "d_x": int(spec.d.d_x),
        "d_z": int(spec.d.d_z),
        "d_m": int(spec.d.d_m),
        "n_steps": spec.schedule.n_steps,
        "steps": steps,
        "consumption": [
            {"qubit": c.qubit, "step": c.step, "deferred": c.deferred}
            for c in spec.schedule.consumption
        ],
        "departures": [d.note or d.kind for d in spec.schedule.departures],
        "solver": None,
    }
    if solver is not None:
        record["solver"] = {
            **solver.record(),
            "wall_time_s": solver.wall_time_s,
            "error_proxy": solver.objective,
        }
    return record


def _format_level(record: dict) -> str:
    level = record["level"]
    head = (
        f"level {level}: {record['protocol']} on layout {record['layout']} (row {' '.join(f'q{q}' for q in record['row'])}), "
        f"schedule {record['schedule']}, d_x = {record['d_x']}, d_z = {record['d_z']}, d_m = {record['d_m']}"
    )
    lines = [head]
    if record["solver"]:
        s = record["solver"]
        proven = "proven minimal" if s["steps_proven_optimal"] else "not proven minimal"
        lines.append(
            f"  CP-SAT: {record['n_steps']} steps ({proven}), error proxy {s['error_proxy']:.4g} "
            f"({s['status']}), {s['deterministic_time']:.2f} deterministic s"
            + (" (class solved before, reused)" if s["cached"] else f", {s['wall_time_s']:.2f} s")
        )
    what = "span" if level == 1 else "Λ = port distance + dm"
    table = [
        (
            "step",
            "rotation",
            "region" if level == 1 else "region (port)",
            f"ancilla length ({what})",
            "tiles",
        )
    ]
    for s, rows in enumerate(record["steps"], 1):
        for i, row in enumerate(rows):
            if row["region"] is None:
                where, length, tiles = "fast T", "-", "-"
            else:
                where = row["region"] if row["port"] is None else f"{row['region']} ({row['port']})"
                length, tiles = row["length"], f"{row['length_tiles']:g}"
            table.append((str(s) if i == 0 else "", row["rotation"], where, length, tiles))
    widths = [max(len(r[i]) for r in table) for i in range(5)]
    lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in table]
    consumed = ", ".join(
        f"q{c['qubit']} in step {c['step']} ({'deferred' if c['deferred'] else 'in-step'})"
        for c in record["consumption"]
    )
    lines.append(f"  consumption: {consumed}")
    lines += [f"  departure: {note}" for note in record["departures"]]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from estimator.config.factory import estimate_config, load_config
    from estimator.errors import ConfigError
    from estimator.jsonout import to_json
    from estimator.limits import require
    from estimator.studies.report import estimate_record

    if not args.time_limit > 0:
        raise ConfigError(
            "--time-limit", f"must be a positive number of seconds, got {args.time_limit:g}"
        )
    require(
        what=f"a CP-SAT solve with --time-limit {args.time_limit:g}",
        seconds=args.time_limit,
        change="lower --time-limit",
    )
    config = load_config(args.config, args.sets, time_limit=args.time_limit)
    solvers = config.solvers
    estimate = estimate_config(config)
    levels = [
        _level_record(spec, level, solvers.get(name))
        for name, level in (("level1", 1), ("level2", 2))
        if (spec := getattr(config, name)) is not None
    ]
    record = {"title": config.title, "levels": levels, "cost": estimate_record(config, estimate)}
    if args.format == "json":
        print(to_json(record))
        return 0
    cost = record["cost"]
    print(config.title)
    for level in levels:
        print(_format_level(level))
    print(
        f"cost: p_out {cost['p_out']:.4g}, p_fail {cost['p_fail']:.3g}, qubits {cost['qubits']:.0f}, "
        f"cycles {cost['cycles']:.2f}, qubitcycles {cost['qubitcycles']:.0f} per output state"
    )
    return 0
