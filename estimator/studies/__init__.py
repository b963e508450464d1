"""Studies: factory configs, grids of them run on every core or a cluster, searches and Pareto
fronts over them, hardware time, and the records they report."""
