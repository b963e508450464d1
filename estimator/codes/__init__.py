"""Codes: GF(2) linear algebra (gf2) and polynomials (gf2poly), triorthogonal codes, the
stochastic Z-error model of 003 and the concatenation of protocols (000 Table 5); the inner
codes (css: weakly self-dual CSS codes) and outer codes (outer, with builders in grids, graphs
and tanner, and the pattern counting of patterns) of the 001/000 protocols. Imports nothing
above this layer."""
