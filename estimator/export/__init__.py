"""Hand-off of a costed factory to other tools: a summary (JSON) that Qualtran's
MagicStateFactory interface wraps (``qualtran``), and a custom distillation unit for
Microsoft's resource estimator (``azure``). The optional packages are imported lazily."""
