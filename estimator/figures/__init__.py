"""Figures for papers and slides: house style, cost plots, layout and schedule drawings,
noise-model figures, checks.

``style`` and ``checks`` import nothing from the rest of the project (layouts.draw uses them);
``sources`` reads result files and published reference points; ``cost``, ``drawings`` and
``noise`` compose figures from study results, layouts and calibrations.
"""
