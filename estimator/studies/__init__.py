"""Studies: grids of factory configs run on every core or a cluster, searches and Pareto
fronts over them, the records and reports they print, and the printed-value tables of the
papers (``msd table``)."""
