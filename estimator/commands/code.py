"""``msd code check FILE``: the code of a triorthogonal matrix (003 Secs. III-V).
``msd code inner SPEC``: a weakly self-dual CSS inner code (001 Sec. 3, 000 Table 2).
``msd code outer SPEC``: an outer code's check matrix and its error patterns (001 Sec. 4, 000
Secs. III, VI-VII)."""

from __future__ import annotations

import argparse

from estimator.commands import add_limit_arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("code", help="inspect triorthogonal, inner and outer codes")
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
    inner = actions.add_parser(
        "inner",
        help="n, k, d, kind and c_log(w) of a weakly self-dual CSS inner code",
        description=(
            "SPEC: a built-in name ([[7,1,3]] or 7-1-3; see the README), bch:N:G with g(x) "
            "dividing x^N+1 (e.g. bch:31:x^5+x^2+1), or a file of S rows (0/1, # comments)."
        ),
    )
    inner.add_argument("spec", metavar="SPEC")
    inner.add_argument(
        "--weights", type=int, nargs="+", metavar="W", help="weights w of c_log(w) (default d, d+1)"
    )
    inner.add_argument("--format", choices=("table", "json"), default="table")
    add_limit_arguments(inner)
    inner.set_defaults(run=run_inner)
    outer = actions.add_parser(
        "outer",
        help="distance, sensitivity, lonely checks and c_out(u, v) of an outer code",
        description=(
            "SPEC: a check-matrix file (0/1 rows in check order) or a builder: trivial, "
            "repetition:N, ring:N, eq5.4, grid:K[:v,h,d,a], grid:K1xK2[:DIRS], grid:K:D, "
            "petersen, hoffman-singleton, graph:FILE (edges 'u v'), "
            "tanner:K[:seed=S,alpha=A-B,tries=T,swaps=N,distance=7,added=0|1|2] (Haah et al. "
            "2018 Table 3; k = 11 and 13 take minutes)."
        ),
    )
    outer.add_argument("spec", metavar="SPEC")
    outer.add_argument(
        "--max-weight",
        type=int,
        metavar="W",
        help="list c_out(u, v) for u + 2v <= W (default: sensitivity + 1)",
    )
    outer.add_argument(
        "--max-violated", type=int, metavar="V", help="list u <= W and v <= V instead"
    )
    outer.add_argument("--write-matrix", metavar="FILE", help="also write the check matrix")
    outer.add_argument("--format", choices=("table", "json"), default="table")
    add_limit_arguments(outer)
    outer.set_defaults(run=run_outer)


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


def run_inner(args: argparse.Namespace) -> int:
    from estimator.codes.css import inner_code
    from estimator.errors import ConfigError
    from estimator.jsonout import to_json

    code = inner_code(args.spec)
    d = code.distance
    for w in args.weights or ():
        if not 0 <= w <= code.n:
            raise ConfigError("--weights", f"{w} is not a weight between 0 and n = {code.n}")
    weights = args.weights or [w for w in (d, (d or 0) + 1) if d is not None and w <= code.n]
    table = code.c_log_table(weights)
    record = {
        "name": code.name,
        "n": code.n,
        "k": code.k,
        "d": d,
        "dim_s": code.dim_s,
        "kind": code.kind,
        "c_log": {str(w): c for w, c in table.items()},
    }
    if args.format == "json":
        print(to_json(record))
        return 0
    distance = "none (k = 0)" if d is None else str(d)
    lines = [
        f"{code.name}: n = {code.n}, k = {code.k} (dim S = {code.dim_s}), d = {distance}, {code.kind}",
        "weight w   c_log(w) (nontrivial Y-logical operators)",
    ]
    lines += [f"{w:>8}   {c}" for w, c in table.items()]
    print("\n".join(lines))
    return 0


def run_outer(args: argparse.Namespace) -> int:
    import sys

    from estimator.codes.outer import outer_code
    from estimator.codes.tanner import tanner_from_spec
    from estimator.errors import ConfigError
    from estimator.jsonout import to_json

    for flag, value, least in (
        ("--max-weight", args.max_weight, 1),
        ("--max-violated", args.max_violated, 0),
    ):
        if value is not None and value < least:
            raise ConfigError(flag, f"{value} is not an integer >= {least}")
    if args.write_matrix:
        _check_output(args.write_matrix)
    search = None
    if args.spec.startswith("tanner:"):

        def progress(alpha: int, attempt: int, outcome: str) -> None:
            print(f"alpha {alpha}, attempt {attempt + 1}: {outcome}", file=sys.stderr)

        search = tanner_from_spec(
            args.spec.removeprefix("tanner:"), progress=progress if sys.stderr.isatty() else None
        )
        code = search.code
    else:
        code = outer_code(args.spec)
    max_weight = args.max_weight if args.max_weight is not None else code.sensitivity + 1
    table = code.c_out_table(max_weight, args.max_violated)
    record = {
        "name": code.name,
        "n_out": code.n_out,
        "n_check": code.n_check,
        "distance": code.distance,
        "sensitivity": code.sensitivity,
        "n_lonely": code.n_lonely,
        "girth": code.girth,
        "max_weight": max_weight,
        "c_out": {str(u): {str(v): c for v, c in row.items()} for u, row in table.items()},
    }
    if search is not None:
        record["search"] = {
            "k": search.k,
            "alpha": search.alpha,
            "seed": search.seed,
            "added": search.added,
            "attempts": [{"alpha": a, "attempts": t} for a, t in search.attempts],
        }
    if args.write_matrix:
        header = f"# {code.name}: {code.n_check} checks x {code.n_out} bits, in check order\n"
        rows = "".join("".join(map(str, row)) + "\n" for row in code.checks.tolist())
        _write_atomically(args.write_matrix, header + rows)
    if args.format == "json":
        print(to_json(record))
        return 0
    distance = "none (M has full column rank)" if code.distance is None else code.distance
    lines = [
        f"{code.name}: n_out = {code.n_out} bits, n_check = {code.n_check} checks",
        (
            f"distance {distance}; min 2|Mv| + |v| = {code.sensitivity} (the order it allows); "
            f"{code.n_lonely} lonely checks; Tanner-graph girth {code.girth}"
        ),
    ]
    if search is not None:
        tried = ", ".join(f"alpha {a}: {t}" for a, t in search.attempts)
        lines.append(
            f"search k = {search.k}, seed {search.seed}: found alpha = {search.alpha} "
            f"(attempts {tried})"
            + (f"; {search.added} added check(s) allowed" if search.added else "")
        )
    bound = (
        "u + 2v <= " + str(max_weight)
        if args.max_violated is None
        else (f"u <= {max_weight}, v <= {args.max_violated}")
    )
    lines.append(f"c_out(u, v): weight-u bit patterns violating v checks, {bound}")
    for u, row in table.items():
        lines.append(f"  u = {u:>2}: " + ", ".join(f"v={v}: {c}" for v, c in row.items()))
    print("\n".join(lines))
    return 0


def _check_output(path: str) -> None:
    """ConfigError naming --write-matrix unless ``path`` can be written (checked before work)."""
    from pathlib import Path

    from estimator.errors import ConfigError

    output = Path(path)
    if output.is_dir():
        raise ConfigError("--write-matrix", f"{path!r} is a directory")
    if not output.parent.is_dir():
        raise ConfigError("--write-matrix", f"no directory {str(output.parent)!r} for {path!r}")


def _write_atomically(path: str, text: str) -> None:
    """Write beside ``path`` and rename into place."""
    import os
    import tempfile
    from pathlib import Path

    target = Path(path)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
