"""``msd noise MODEL --p P --d-x DX --d-z DZ [--d-m DM]``: the rates a noise model gives."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "noise", help="per-cycle X, Z and timelike error rates of a noise model"
    )
    parser.add_argument(
        "model",
        metavar="MODEL",
        help="phenomenological, a convention (litinski2019, gidney-fowler2018, beverland2022), "
        "a shipped calibration (depolarizing, si1000) or a calibration .json file",
    )
    parser.add_argument("--p", type=float, required=True, help="physical error rate")
    parser.add_argument("--d-x", type=int, required=True, help="X distance (patch height)")
    parser.add_argument("--d-z", type=int, required=True, help="Z distance (patch width)")
    parser.add_argument("--d-m", type=int, default=None, help="merge rounds (default: d_x)")
    parser.add_argument(
        "--extrapolate", action="store_true", help="allow p and d outside a calibration's range"
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json
    from dataclasses import replace

    from estimator.calibration.models import named_model
    from estimator.errors import ConfigError
    from estimator.sim.noise import CalibratedNoise

    d_m = args.d_x if args.d_m is None else args.d_m
    for name, value in (("--d-x", args.d_x), ("--d-z", args.d_z), ("--d-m", d_m)):
        if value < 1 or value % 2 == 0:
            raise ConfigError(name, f"must be a positive odd integer, got {value}")
    noise = named_model(args.model, args.p, extrapolate=args.extrapolate)
    area = args.d_x * args.d_z

    def rates(model) -> dict[str, float]:
        p_x, p_z = model.spacelike(args.d_x, args.d_z)
        return {
            "p_x_per_cycle": float(p_x),
            "p_z_per_cycle": float(p_z),
            "p_timelike_per_cycle": float(model.timelike(area, d_m)) / d_m,
        }

    record = {"model": args.model, "p": args.p, "d_x": args.d_x, "d_z": args.d_z, "d_m": d_m}
    record |= rates(noise)
    if isinstance(noise, CalibratedNoise):
        low, high = rates(replace(noise, bound="low")), rates(replace(noise, bound="high"))
        record |= {f"{k}_interval": [low[k], high[k]] for k in low}
        record["likelihood_factor"] = noise.calibration.square.likelihood_factor
        record |= injection_rates(args.model, args.p, args.extrapolate)
    else:
        record |= {"prefactor": noise.prefactor, "threshold": noise.threshold}
    if args.format == "json":
        print(json.dumps(record, indent=2))
        return 0
    print(
        f"{args.model} at p = {args.p:g}: {args.d_z}-wide, {args.d_x}-high patch "
        f"(d_x = {args.d_x}, d_z = {args.d_z}); merge over it for d_m = {d_m} cycles"
    )
    labels = {
        "p_x_per_cycle": "logical X per cycle",
        "p_z_per_cycle": "logical Z per cycle",
        "p_timelike_per_cycle": "timelike per cycle",
    }
    for key, label in labels.items():
        interval = record.get(f"{key}_interval")
        extra = f"  [{interval[0]:.3g}, {interval[1]:.3g}]" if interval else ""
        print(f"  {label:<22}{record[key]:>11.4g}{extra}")
    for variant in ("postselected", "decoded"):
        key = f"p_t_{variant}"
        if key in record:
            low, high = record[f"{key}_interval"]
            label = f"p_t {variant}"
            print(f"  {label:<22}{record[key]:>11.4g}  [{low:.3g}, {high:.3g}]")
    if "p_t_postselected" in record or "p_t_decoded" in record:
        print(
            f"  p_t: faulty T measurement = {record['t_from_s']:g} x the injected S-state "
            "proxy's error ([noise] injection = VARIANT)"
        )
    if "likelihood_factor" in record:
        print(
            f"  intervals: likelihood within a factor {record['likelihood_factor']:g} of the best fit"
        )
    return 0


def injection_rates(model: str, p: float, extrapolate: bool) -> dict:
    """p_t of each injection variant a calibration file holds, with its interval (else {})."""
    from estimator.calibration.datafile import read_record
    from estimator.calibration.injection_fit import VARIANTS
    from estimator.calibration.models import injected_p_t

    entry = read_record(model).get("injection")
    if not isinstance(entry, dict):
        return {}
    result: dict = {"t_from_s": entry.get("t_from_s")}
    for variant in VARIANTS:
        if variant in entry.get("variants", {}):
            best, low, high = (
                float(injected_p_t(model, variant, p, bound, extrapolate))
                for bound in ("best", "low", "high")
            )
            result |= {f"p_t_{variant}": best, f"p_t_{variant}_interval": [low, high]}
    return result
