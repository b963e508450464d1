"""The config layer: one parser per config kind, each turning TOML data into frozen values.

- ``factory``: surface-code factories (``[level1]``, ``[level2]``, ``[level3]``, mixes, the
  model extensions, ``[noise]``, ``[sweep]``); ``load_config`` / ``parse_config``.
- ``hmeasure``: the H-measurement protocols of Haah, Hastings, Poulin, Wecker 2017
  (``configs/haah2017``); ``load_hmeasure_config``.
- ``inner_outer``: the inner/outer-code protocols of the same authors, 2018
  (``configs/haah2018``); ``load_protocol_config``.
- ``hardware``: the ``[hardware]`` table (code-cycle time, T demand).

The contract is the same for every kind: read through ``estimator.inputs`` (bounded, decoded,
nesting capped), check every key against the kind's schema, raise ``ConfigError`` naming the
field (one line, exit 2 in the CLI). The layer sits below studies, planning and commands, and
above the engine it builds (codes, circuits, sim, layouts, factory).
"""
