"""Figures for papers and slides: house style, cost plots, layout and schedule drawings, checks.

``style`` and ``checks`` import nothing from the rest of the project (layouts.draw uses them);
``cost``, ``references`` and ``drawings`` compose figures from study results and layouts.
"""
