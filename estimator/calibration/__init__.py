"""Calibration of the noise model by circuit-level simulation (stim, sinter, pymatching).

``noise``: named circuit-level noise models; ``circuits``: stim circuits of the operations a
factory performs (memory of a d_x x d_z patch, a merge lasting d_m rounds); ``sampling``: sinter
runs over a plan; ``fit``: maximum-likelihood fits of the p_L ansatz; ``datafile``: the JSON file
that holds the statistics and the fit (docs/noise-models.md); ``injection`` and
``injection_fit``: the state-injection experiment and its fit, the file's ``injection`` entry
(docs/model/injection.md). stim, sinter and pymatching are
imported inside the functions that need them (extra ``calibration``).
"""
