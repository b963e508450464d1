"""Codes: GF(2) linear algebra (gf2) and polynomials (gf2poly), triorthogonal codes, the
stochastic Z-error model of Bravyi and Haah 2012 and the concatenation of protocols (Haah et al. 2018, Table 5); the inner
codes (css: weakly self-dual CSS codes) and outer codes (outer, with builders in grids, graphs
and tanner, and the pattern counting of patterns) of the Haah et al. 2017 and 2018 protocols. Imports nothing
above this layer."""
