"""T-state sources other than distillation: magic-state cultivation from published simulation
data (``cultivation``)."""
