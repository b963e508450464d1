"""``msd code check FILE``: the code of a triorthogonal matrix (003 Secs. III-V)."""

from __future__ import annotations

import argparse

from estimator.commands import add_limit_arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("code", help="inspect triorthogonal matrices")
    actions = parser.add_subparsers(dest="action", required=True)
    check = actions.add_parser(
        "check",
        help="triorthogonality, n, k, Z distance and leading error of a matrix file",
        description="FILE: one row of 0/1 per line; blank lines and # comments are ignored.",
    )
    check.add_argument("file", help="matrix file")
    check.add_argument("--eps", type=float, help="also evaluate the Z-error model at this eps")
    check.add_argument("--format", choices=("table", "json"), default="table")
    add_limit_arguments(check)
    check.set_defaults(run=run_check)


def run_check(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from estimator.codes.stochastic import ZErrorModel, check_eps
    from estimator.codes.triorthogonal import TriorthogonalCode, parse_matrix_text, sign_flips
    from estimator.errors import ProtocolError
    from estimator.inputs import read_text
    from estimator.jsonout import to_json

    if args.eps is not None:
        check_eps(args.eps, field="--eps")
    text = read_text(args.file, field="FILE")
    code = TriorthogonalCode.from_matrix(parse_matrix_text(text, field=args.file), field=args.file)
    try:
        flips, flip_note = sign_flips(code.matrix), ""
    except ProtocolError as error:
        flips, flip_note = None, str(error)
    record = {
        "file": args.file,
        "triorthogonal": True,
        "n": code.n,
        "k": code.k,
        "n_checks": len(code.checks),
        "outputs": list(code.outputs),
        "distance": code.distance,
        "leading_coefficient": code.leading_coefficient,
        "sign_flips": None if flips is None else list(flips),
    }
    if args.eps is not None:
        record["stochastic"] = asdict(ZErrorModel.from_code(code).evaluate(args.eps))
    if args.format == "json":
        print(to_json(record))
        return 0
    lines = [
        (
            f"{args.file}: triorthogonal, n = {code.n} inputs, k = {code.k} outputs "
            f"(rows {', '.join(map(str, code.outputs))}), {len(code.checks)} checks"
        ),
        (
            f"distance against Z errors d = {code.distance}; worst output eps_out = "
            f"{code.leading_coefficient} eps^{code.distance} + O(eps^{code.distance + 1})"
        ),
    ]
    if flips:
        lines.append(
            f"Clifford correction (003 Lemma 2): negate columns {', '.join(map(str, flips))}"
        )
    elif flip_note:
        lines.append(f"Clifford correction: not searched ({flip_note})")
    elif flips is None:
        lines.append("Clifford correction: no set of rotation sign flips realises it")
    else:
        lines.append("Clifford correction: none needed")
    if args.eps is not None:
        r = record["stochastic"]
        lines += [
            f"Z-error model at eps = {r['eps_in']:g} (003 Sec. V): p_s = {r['success_probability']:.10g}",
            f"  worst marginal error (003)          {r['eps_out']:.10g}",
            (
                f"  P(any output wrong) (000/001)       {r['p_any_output_wrong']:.10g}"
                f"  (mean outputs per run {r['mean_outputs']:.6g})"
            ),
            f"  infidelity per output (002)         {r['infidelity_per_output']:.10g}",
            f"  yield k p_s / n                     {r['output_yield']:.6g}",
        ]
    print("\n".join(lines))
    return 0
