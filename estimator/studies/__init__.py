"""Studies: factory configs, sweeps and searches over them, and the records they report."""
