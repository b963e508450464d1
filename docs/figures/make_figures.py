"""Every figure of docs/figures, from one place.

    python docs/figures/make_figures.py             # all of them (about a minute on one core)
    python docs/figures/make_figures.py NAME.png    # some of them
    python docs/figures/make_figures.py --list      # names and the msd command of each

Each figure is the one its msd command writes (``FIGURES``, shown next to the figure in the
README; here at 200 dpi instead of 300), or, for the calibrated-noise study, the one notebooks/calibrated_noise.ipynb shows
(same engine calls). Before a figure is written it must pass the journal checks of
estimator.figures.checks (text >= 8 pt, no overlapping text, a legend that covers nothing, at
most its column width); otherwise the script names the problems and exits with status 1.
tests/test_make_figures.py builds every figure on smaller data and checks it, PDF and SVG too.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import matplotlib
import numpy as np

from estimator.cli import main as msd
from estimator.commands.draw import draw_figure
from estimator.commands.plot import cost_plot
from estimator.figures.checks import problems
from estimator.figures.noise import Search, fits_figure, noise_models_figure
from estimator.figures.sources import read_results
from estimator.figures.style import STYLES, factory_label, rc_params, save_figure
from estimator.sim.noise import ExtrapolationWarning
from estimator.studies.config import load_config
from estimator.studies.sweep import Axis, load_template

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "docs" / "figures"
TABLE1 = ROOT / "configs" / "litinski2019"
STUDIES = ROOT / "configs" / "studies"
PAPER = STYLES["paper"]
DOCS_DPI = 200  # the commands write 300 dpi; 200 keeps the repository small and reads as well


@dataclass(frozen=True)
class Made:
    """How a figure is made: its msd command (or notebook), a builder (``quick``: smaller
    data, for the tests) and the width it may take (one or two journal columns)."""

    command: str
    build: Callable[[bool], object]
    width_in: float


def _rows_of_pareto(argv: list[str]) -> list[dict]:
    """The rows ``msd pareto ARGV -o FRONT.csv`` writes (its printed table discarded)."""
    with tempfile.TemporaryDirectory() as tmp:
        front = Path(tmp) / "front.csv"
        with contextlib.redirect_stdout(io.StringIO()):
            if msd(["pareto", *argv, "-o", str(front)]) != 0:
                raise SystemExit(f"msd pareto {' '.join(argv)} failed")
        return read_results(front)


def pareto(quick: bool):
    """The cross-protocol study's fronts per T state with 002 Table 1 and cultivation; quick:
    a small grid of the 15-to-1 / 20-to-4 study."""
    if quick:
        argv = [str(STUDIES / "cheapest_1e-12_at_1e-3.toml"), "--workers", "1"]
        argv += ["--vary", "level1.count=6", "--vary", "level2.d_x=25", "--vary", "level2.d_m=11"]
    else:
        workers = str(os.cpu_count() or 1)
        argv = [str(STUDIES / "cheapest_t_1e-12_p1e-3.toml"), "--workers", workers]
    return cost_plot(_rows_of_pareto(argv), PAPER, by="qubitcycles", per_t=True)


def _draw(config: str, *, schedule: bool = False):
    def build(quick: bool):
        return draw_figure(load_config(TABLE1 / config), PAPER, schedule=schedule)[0]

    return build


def calibration_fits(quick: bool):
    """Sampled logical errors of both shipped calibrations against their fits."""
    from estimator.calibration.datafile import read_record

    names = {"uniform depolarizing": "depolarizing", "SI1000": "si1000"}
    return fits_figure({shown: read_record(name) for shown, name in names.items()}, PAPER)


def injection_fits(quick: bool):
    """Sampled S-state injection errors of both shipped calibrations against their slopes."""
    from estimator.calibration.datafile import read_record
    from estimator.figures.injection import injection_figure

    names = {"uniform depolarizing": "depolarizing", "SI1000": "si1000"}
    return injection_figure({shown: read_record(name) for shown, name in names.items()}, PAPER)


def calibrated_p_out_vs_p(quick: bool):
    """Two Table 1 factories and the cheapest one-level 15-to-1 with p_out <= 5e-7 against
    p_phys under 002's constants, the 0.03 convention and both calibrations."""
    chosen = ("06_15to1_17-7-7_p1e-3.toml", "09_15to1x15to1_11-5-5_25-11-11_p1e-3.toml")
    factories = [load_template(TABLE1 / name) for name in chosen]
    grid = [
        Axis("level1.d_x", tuple(range(7, 24, 4 if quick else 2))),
        Axis("level1.d_z", (3, 5, 7, 9)),
        Axis("level1.d_m", (3, 5, 7, 9)),
    ]
    search = Search(
        factories[0],
        grid,
        5e-7,
        f"cheapest {factory_label('(15-to-1)')} with $p_\\mathrm{{out}}$ ≤ $5×10^{{-7}}$\n"
        "($d_x$ ≤ 23; $d_z$, $d_m$ ≤ 9)",
    )
    p_phys = np.geomspace(3e-4, 2e-3, 3 if quick else 12)
    with warnings.catch_warnings():  # every Table 1 factory needs the fits extrapolated in d
        warnings.simplefilter("ignore", ExtrapolationWarning)
        return noise_models_figure(factories, PAPER, p_phys=p_phys, search=search)


FIGURES = {
    "pareto_cheapest_t_p1e-3.png": Made(
        "msd pareto configs/studies/cheapest_t_1e-12_p1e-3.toml"
        " --plot docs/figures/pareto_cheapest_t_p1e-3.png",
        pareto,
        PAPER.width_in,
    ),
    "layout_15to1.png": Made(
        "msd draw configs/litinski2019/02_15to1_9-3-3_p1e-4.toml -o docs/figures/layout_15to1.png",
        _draw("02_15to1_9-3-3_p1e-4.toml"),
        PAPER.width_in,
    ),
    "layout_15to1x20to4.png": Made(
        "msd draw configs/litinski2019/04_15to1x20to4_9-3-3_15-7-9_p1e-4.toml"
        " -o docs/figures/layout_15to1x20to4.png",
        _draw("04_15to1x20to4_9-3-3_15-7-9_p1e-4.toml"),
        PAPER.wide_in,
    ),
    "schedule_15to1.png": Made(
        "msd draw configs/litinski2019/02_15to1_9-3-3_p1e-4.toml --schedule"
        " -o docs/figures/schedule_15to1.png",
        _draw("02_15to1_9-3-3_p1e-4.toml", schedule=True),
        PAPER.wide_in,
    ),
    "calibration_fits.png": Made(
        "notebooks/calibrated_noise.ipynb (estimator.figures.noise.fits_figure)",
        calibration_fits,
        PAPER.wide_in,
    ),
    "injection_fits.png": Made(
        "estimator.figures.injection.injection_figure (docs/model/injection.md)",
        injection_fits,
        PAPER.wide_in,
    ),
    "calibrated_p_out_vs_p.png": Made(
        "notebooks/calibrated_noise.ipynb (estimator.figures.noise.noise_models_figure)",
        calibrated_p_out_vs_p,
        PAPER.wide_in,
    ),
}


def build(name: str, *, quick: bool = False):
    """Figure ``name`` (inside the house style's rc_context; draw and save it there) and the
    list of its journal problems."""
    made = FIGURES[name]
    fig = made.build(quick)
    return fig, problems(fig, min_pt=PAPER.font_pt, max_width_in=made.width_in)


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="figures to make (default: all)")
    parser.add_argument("--list", action="store_true", help="print names and commands")
    args = parser.parse_args(argv)
    if args.list:
        for name, made in FIGURES.items():
            print(f"{name}: {made.command}")
        return 0
    unknown = [n for n in args.names if n not in FIGURES]
    if unknown:
        print(f"unknown figure(s) {', '.join(unknown)}; see --list", file=sys.stderr)
        return 2
    failed = False
    for name in args.names or FIGURES:
        with matplotlib.rc_context(rc_params(PAPER)):
            fig, found = build(name)
            if found:
                failed = True
                print(f"{name}: {'; '.join(found)}", file=sys.stderr)
                continue
            save_figure(fig, HERE / name, replace(PAPER, dpi=DOCS_DPI))
        print(f"wrote docs/figures/{name}")
    return 1 if failed else 0


if __name__ == "__main__":
    matplotlib.use("Agg")
    sys.exit(run())
