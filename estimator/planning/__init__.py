"""``msd plan``: the cheapest factories for a physical error rate and a target output error.

space (what may be built, as data) -> blocks (level specs, batched evaluation) -> screen (the
batched search) -> refine (CP-SAT re-solve, local search over the model extensions) -> result
(configs that reproduce, cost breakdown) -> run (the pipeline). See docs/usage/planning.md and
docs/model-extensions.md.
"""
