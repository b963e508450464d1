"""Exact costing of magic-state distillation factories on surface codes.

Public names are re-exported lazily (PEP 562), so that ``msd`` starts without importing
numpy; ``from estimator import load_config, estimate_config`` works as usual.
"""

from importlib import import_module

_EXPORTS = {
    "NoiseModel": "estimator.noise",
    "Protocol": "estimator.protocol",
    "Rotation": "estimator.protocol",
    "builtin_protocols": "estimator.protocols",
    "protocol_from_matrix": "estimator.protocols",
    "simulate": "estimator.simulator",
    "Simulation": "estimator.simulator",
    "FactoryEstimate": "estimator.factory",
    "LevelSpec": "estimator.factory",
    "estimate_one_level": "estimator.factory",
    "estimate_two_level": "estimator.factory",
    "FactoryConfig": "estimator.config",
    "load_config": "estimator.config",
    "parse_config": "estimator.config",
    "estimate_config": "estimator.config",
    "MsdError": "estimator.errors",
    "ConfigError": "estimator.errors",
    "ProtocolError": "estimator.errors",
    "LayoutError": "estimator.errors",
    "ScheduleError": "estimator.errors",
    "PrecisionError": "estimator.errors",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'estimator' has no attribute {name!r}")
