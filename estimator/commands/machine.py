"""``msd machine COUNTS --p P --budget E [--profile NAME | --cycle-us T] [--max-qubits N |
--max-runtime S] [--format table|json] [--plot FIG.png] [--compare qdk]``: a whole machine
(data block, factories, distance) for an algorithm's logical counts (estimator.machine,
docs/model/machine.md). COUNTS is a JSON file with qdk's LogicalCounts keys, or a TOML config
with a ``[machine]`` table."""

from __future__ import annotations

import argparse

from estimator.commands import duration, example


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "machine",
        help="physical qubits and runtime of a whole machine for an algorithm's logical counts",
        **example("msd machine counts.json --p 1e-3 --budget 0.01 --max-runtime 2d"),
    )
    parser.add_argument(
        "counts", metavar="COUNTS", help="JSON logical counts, or a TOML config with [machine]"
    )
    parser.add_argument("--p", dest="p_phys", type=float, help="physical error rate")
    parser.add_argument("--budget", type=float, help="total error budget of the computation")
    time = parser.add_mutually_exclusive_group()
    time.add_argument(
        "--profile", help="named code-cycle time (superconducting, google-willow, gate-ns, gate-us)"
    )
    time.add_argument("--cycle-us", dest="cycle_time_us", type=float, help="code-cycle time in us")
    parser.add_argument(
        "--reaction-us",
        dest="reaction_time_us",
        type=float,
        help="reaction time in us (default 10)",
    )
    parser.add_argument(
        "--split",
        help="auto (default: factories take what they need, the data block the rest) "
        "or shares DATA,TSTATES,ROTATIONS",
    )
    parser.add_argument("--blocks", help="data blocks, e.g. compact,fast (default: all)")
    parser.add_argument(
        "--sources",
        help="factory sources: table1, plan-table1, plan, cultivation, cultivation-high "
        "(default table1,plan-table1)",
    )
    parser.add_argument(
        "--plan-cache", metavar="FILE", help="JSON file that keeps the plan source's results"
    )
    parser.add_argument(
        "--rules", choices=("ours", "qdk"), help="distance and synthesis rules (default ours)"
    )
    limit = parser.add_mutually_exclusive_group()
    limit.add_argument(
        "--max-qubits", type=float, help="the fastest machine within N physical qubits"
    )
    limit.add_argument(
        "--max-runtime",
        dest="max_runtime_s",
        type=duration,
        help="the fewest qubits within a time, e.g. 3600, 10h, 2d",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--plot", metavar="FIG", help="plot physical qubits against runtime (.png, .svg, .pdf)"
    )
    parser.add_argument("--compare", choices=("qdk",), help="qdk's estimate side by side")
    parser.set_defaults(run=run)




def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from estimator.errors import ConfigError
    from estimator.jsonout import to_json
    from estimator.machine import factories
    from estimator.machine.request import FILE_KEYS, KEYS, build
    from estimator.machine.run import format_record, record, solve

    if args.plot:
        from estimator.commands import check_figure_output

        check_figure_output(args.plot, "--plot")
    values, base = _values(args.counts)
    options = (k for k in KEYS if k not in FILE_KEYS)  # every key of [machine] but the counts
    values.update({k: getattr(args, k) for k in options if getattr(args, k) is not None})
    if args.profile is not None or args.cycle_time_us is not None:  # the CLI's choice wins
        values.pop("cycle_time_us" if args.profile is not None else "profile", None)
    if args.max_qubits is not None or args.max_runtime_s is not None:
        values.pop("max_runtime_s" if args.max_qubits is not None else "max_qubits", None)
    request = build(values, base=base)
    if args.plan_cache:
        factories.PLAN_CACHE = Path(args.plan_cache)
    if args.compare:
        from estimator.machine.side import compare_record, format_compare

        data = compare_record(request)
        print(to_json(data) if args.format == "json" else format_compare(data))
        return 0
    solution = solve(request)
    data = record(request, solution)
    print(to_json(data) if args.format == "json" else format_record(data))
    if args.plot:
        from estimator.machine.plot import plot

        if not solution.found:
            raise ConfigError("--plot", "no machine to plot")
        plot(solution.found, args.plot, f"{request.counts.qubits:,} qubits, p = {request.p_phys:g}")
    return 0


def _values(path: str):
    """The [machine] table of a TOML config (and its folder), or counts from JSON."""
    from pathlib import Path

    from estimator.config.factory import read_config_data
    from estimator.errors import ConfigError
    from estimator.machine.counts import read_counts

    if path.endswith(".toml"):
        data = read_config_data(path, field="COUNTS")
        table = data.get("machine")
        if not isinstance(table, dict):
            raise ConfigError("machine", f"{path!r} has no [machine] table")
        unknown = sorted(set(data) - {"machine", "title"})
        if unknown:
            raise ConfigError(unknown[0], "unknown table (a machine config has [machine])")
        return dict(table), Path(path).resolve().parent
    return {"counts": read_counts(path).qdk()}, None
