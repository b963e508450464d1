"""Codes: GF(2) linear algebra, triorthogonal codes, the stochastic Z-error model of 003 and
the concatenation of protocols (000 Table 5). Imports nothing above this layer."""
