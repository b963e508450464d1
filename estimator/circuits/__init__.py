"""Circuits: distillation protocols as pi/8 Pauli-product rotations, the compilation of a code
into such a circuit, and the built-in protocols. Imports only ``estimator.codes``."""
