"""Noisy simulation: the noise model (p_L, faulty T measurements), the channels of a factory
circuit, and the exact Pauli-basis simulator. Imports only ``estimator.circuits``."""
