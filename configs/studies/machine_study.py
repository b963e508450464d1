"""Run the study of machine_applications.toml: msd machine on three published applications.

    python configs/studies/machine_study.py [--plan-only] [--table]

1. For every application and p: the per-T error the budget split implies, and ``msd plan`` at
   that target (cached in machine_plan_results.json after every plan; reruns skip them).
2. The machine with Table 1 factories, with plan's factories, and qdk's own estimate (when qdk
   is installed): machine_results.json (written atomically), the table of docs/model/machine.md
   with --table and the figure docs/figures/machine_applications.png.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def load() -> dict:
    return tomllib.loads((HERE / "machine_applications.toml").read_text())


def cases(study: dict):
    """(name, counts, p) of every case, p = 1e-3 first."""
    from estimator.machine.counts import parse_counts

    for p in study["p_phys"]:
        for name, table in study["applications"].items():
            yield name, parse_counts(table, field=f"applications.{name}"), p


def plan_all(study: dict) -> None:
    from estimator.machine import factories
    from estimator.machine.budget import default_split, demand

    factories.PLAN_CACHE = HERE / study["plan_results"]
    for name, counts, p in cases(study):
        need = demand(counts, study["budget"], default_split(counts))
        target = need.eps_tstates / need.t_states
        print(f"{name} p={p:g}: plan at target {target:.4g}", file=sys.stderr)
        factories.plan(p, target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan-only", action="store_true", help="only the planner runs")
    parser.add_argument("--table", action="store_true", help="print the table of the results")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    study = load()
    plan_all(study)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
