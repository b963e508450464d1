"""``msd export CONFIG --to qualtran|azure -o FILE [--qubit-cycles-per-code-cycle K]``.

qualtran: the factory's summary as JSON; ``estimator.export.qualtran.qualtran_factory(
estimator.export.summary.load_summary(FILE))`` is a Qualtran MagicStateFactory.
azure: the params fragment of a custom distillation unit for Microsoft's resource estimator
(``distillationUnitSpecifications``); K is the length of one code cycle in the estimator's
physical qubit cycles on the target hardware.
"""

from __future__ import annotations

import argparse

from estimator.commands import add_config_arguments, add_limit_arguments, example


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write a factory for Qualtran or Azure",
        **example("msd export configs/litinski2019/02_15to1_9-3-3_p1e-4.toml --to qualtran -o factory.json"),
    )
    add_config_arguments(parser)
    parser.add_argument("--to", required=True, choices=("qualtran", "azure"), help="target tool")
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="JSON file to write")
    parser.add_argument(
        "--qubit-cycles-per-code-cycle",
        type=float,
        default=None,
        metavar="K",
        help="azure: physical qubit cycles of the estimator per code cycle (required)",
    )
    add_limit_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from estimator.config.factory import estimate_config, load_config
    from estimator.errors import ConfigError
    from estimator.export.azure import estimator_params
    from estimator.export.summary import summarize
    from estimator.studies.output import check_output, write_text

    if args.to == "azure" and args.qubit_cycles_per_code_cycle is None:
        raise ConfigError("--qubit-cycles-per-code-cycle", "needed with --to azure")
    output = check_output(args.output, [args.config])
    config = load_config(args.config, args.sets)
    summary = summarize(config, estimate_config(config))
    if args.to == "qualtran":
        text = summary.to_json()
    else:
        params = estimator_params(
            summary, qubit_cycles_per_code_cycle=args.qubit_cycles_per_code_cycle
        )
        text = json.dumps(params, indent=2) + "\n"
    write_text(output, text)
    print(f"wrote {args.output}")
    return 0
