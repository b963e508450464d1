"""Exact costing of magic-state distillation factories on surface codes.

Public names are re-exported lazily (PEP 562), so that ``msd`` starts without importing
numpy; ``from estimator import load_config, estimate_config`` works as usual.
"""

from estimator.lazy import lazy_exports

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

__all__, __getattr__ = lazy_exports("estimator", _EXPORTS)
