"""``msd machine``: a whole fault-tolerant machine from an algorithm's logical counts.

counts (qdk's LogicalCounts, validated) -> budget (the error budget split, rotation synthesis,
T states and logical steps) -> blocks (data blocks as data: tiles and steps per operation) ->
factories (candidate factories from sources: Table 1 configs, the planner, ...) -> estimate
(distance, factory count, runtime, qubits; the Pareto set) -> compare (qdk side by side).
docs/model/machine.md states every rule.
"""
