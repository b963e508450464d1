"""Exact costing of magic-state distillation factories on surface codes.

Public names are re-exported lazily (PEP 562), so that ``msd`` starts without importing
numpy; ``from estimator import load_config, estimate_config`` works as usual.
"""

from estimator.lazy import lazy_exports

_EXPORTS = {
    "NoiseModel": "estimator.sim.noise",
    "Protocol": "estimator.circuits.protocol",
    "Rotation": "estimator.circuits.protocol",
    "builtin_protocols": "estimator.circuits.protocols",
    "protocol_from_matrix": "estimator.circuits.protocols",
    "simulate": "estimator.sim.simulator",
    "Simulation": "estimator.sim.simulator",
    "FactoryEstimate": "estimator.factory",
    "LevelSpec": "estimator.factory",
    "estimate_one_level": "estimator.factory",
    "estimate_two_level": "estimator.factory",
    "FactoryConfig": "estimator.config.factory",
    "load_config": "estimator.config.factory",
    "parse_config": "estimator.config.factory",
    "estimate_config": "estimator.config.factory",
    "MsdError": "estimator.errors",
    "ConfigError": "estimator.errors",
    "ProtocolError": "estimator.errors",
    "LayoutError": "estimator.errors",
    "ScheduleError": "estimator.errors",
    "PrecisionError": "estimator.errors",
    "ResourceError": "estimator.errors",
}

__all__, __getattr__ = lazy_exports("estimator", _EXPORTS)
