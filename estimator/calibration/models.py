"""Noise models by name: the ``[noise]`` table of a config and ``msd noise MODEL``.

``model = "phenomenological"`` (default): p_L = prefactor (p / threshold)^((d + 1) / 2) with
002's constants, or another tool's by ``convention`` (estimator.sim.noise.CONVENTIONS), or
explicit ``prefactor`` and ``threshold``. ``model = "calibrated"``: the fits of a calibration
``file`` (a shipped name such as ``depolarizing`` or ``si1000``, or a path, relative to the
working directory), with ``extrapolate`` and ``bound`` (best, low, high), and optionally
``injection`` ("postselected" or "decoded"): p_t from the file's injection calibration
(estimator.calibration.injection_fit; docs/model/injection.md) instead of p_t = p_phys. Reading a file is
the only I/O; stim and sinter are not needed to use a calibration.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from estimator.errors import ConfigError
from estimator.sim.noise import CONVENTIONS, CalibratedNoise, NoiseModel

MODELS = ("phenomenological", "calibrated")
PHENOMENOLOGICAL_KEYS = {"prefactor", "threshold", "convention"}
CALIBRATED_KEYS = {"file", "extrapolate", "bound", "injection"}


def noise_from_table(table: Mapping[str, Any], p_phys: Any, p_t: Any) -> NoiseModel:
    """The noise model of a config's ``[noise]`` table (validated; ConfigError names the key)."""
    model = _text(table, "model", "phenomenological")
    if model not in MODELS:
        raise ConfigError(
            "noise.model", f"unknown model {model!r}; choose one of: {', '.join(MODELS)}"
        )
    t_error = _text(table, "t_error", "pauli")
    if model == "phenomenological":
        _refuse(table, CALIBRATED_KEYS, model)
        prefactor, threshold = _constants(table)
        return NoiseModel(p_phys, p_t, prefactor, threshold, t_error)
    _refuse(table, PHENOMENOLOGICAL_KEYS, model)
    if "file" not in table:
        raise ConfigError("noise.file", "missing: a shipped calibration name or a .json path")
    from estimator.calibration.datafile import load_calibration

    calibration = load_calibration(_text(table, "file", ""))
    extrapolate = table.get("extrapolate", False)
    if not isinstance(extrapolate, bool):
        raise ConfigError("noise.extrapolate", f"must be true or false, got {extrapolate!r}")
    bound = _text(table, "bound", "best")
    if "injection" in table:
        if p_t is not None:
            raise ConfigError("p_t", "give either p_t or noise.injection, not both")
        variant = _text(table, "injection", "")
        p_t = injected_p_t(_text(table, "file", ""), variant, p_phys, bound, extrapolate)
    return calibrated(calibration, p_phys, p_t, t_error, bound, extrapolate)


def injected_p_t(name: str, variant: str, p_phys: Any, bound: str, extrapolate: bool) -> Any:
    """p_t = T_FROM_S c p_phys from the ``injection`` entry of calibration ``name`` (the S-state
    proxy's fitted slope c, at ``bound``); p outside its sampled range as for the channels."""
    import warnings

    import numpy as np

    from estimator.calibration.datafile import read_record
    from estimator.calibration.injection_fit import injection_slope
    from estimator.sim.noise import BOUNDS, ExtrapolationWarning

    if bound not in BOUNDS:
        raise ConfigError(
            "noise.bound", f"unknown value {bound!r}; choose one of: {', '.join(BOUNDS)}"
        )
    slope, (low, high) = injection_slope(read_record(name), variant, bound, name)
    p = np.asarray(p_phys, dtype=float)
    outside = (p < low * (1 - 1e-9)) | (p > high * (1 + 1e-9))
    if np.any(outside):
        where = f"p_phys outside the injection calibration's sampled range [{low:g}, {high:g}]"
        if not extrapolate:
            raise ConfigError(
                "noise.injection", f"{where} (noise.extrapolate = true to use the fit there)"
            )
        warnings.warn(f"{where}: p_t is extrapolated", ExtrapolationWarning)
    return slope * p


def calibrated(calibration, p_phys, p_t, t_error, bound, extrapolate) -> CalibratedNoise:
    """A CalibratedNoise whose prefactor and threshold are the square-patch fit's."""
    square = calibration.square
    return CalibratedNoise(
        p_phys,
        p_t,
        square.prefactor,
        square.threshold,
        t_error,
        calibration=calibration,
        bound=bound,
        extrapolate=extrapolate,
    )


def named_model(name: str, p_phys: float, *, extrapolate: bool = False) -> NoiseModel:
    """``msd noise MODEL``: ``phenomenological``, a convention, a shipped calibration or a file."""
    if name == "phenomenological":
        return NoiseModel(p_phys)
    if name in CONVENTIONS:
        return NoiseModel(p_phys, None, *CONVENTIONS[name])
    from estimator.calibration.datafile import load_calibration, shipped_names

    if name not in shipped_names() and not name.endswith(".json") and not Path(name).exists():
        known = ["phenomenological", *CONVENTIONS, *shipped_names()]
        raise ConfigError(
            "MODEL", f"unknown noise model {name!r}; known: {', '.join(known)} or a .json file"
        )
    return calibrated(load_calibration(name), p_phys, None, "pauli", "best", extrapolate)


def _constants(table: Mapping[str, Any]) -> tuple[float, float]:
    if "convention" in table:
        name = _text(table, "convention", "")
        if name not in CONVENTIONS:
            raise ConfigError(
                "noise.convention",
                f"unknown convention {name!r}; choose one of: {', '.join(CONVENTIONS)}",
            )
        both = {"prefactor", "threshold"} & set(table)
        if both:
            raise ConfigError(
                f"noise.{min(both)}", "give either noise.convention or the constants, not both"
            )
        return CONVENTIONS[name]
    return _number(table, "prefactor", 0.1), _number(table, "threshold", 0.01)


def _refuse(table: Mapping[str, Any], keys: set[str], model: str) -> None:
    wrong = sorted(keys & set(table))
    if wrong:
        raise ConfigError(f"noise.{wrong[0]}", f"does not apply to model = {model!r}")


def _text(table: Mapping[str, Any], key: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise ConfigError(f"noise.{key}", f"must be a string, got {value!r}")
    return value


def _number(table: Mapping[str, Any], key: str, default: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"noise.{key}", f"must be a number, got {value!r}")
    return float(value)
