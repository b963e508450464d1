"""Exception hierarchy: every user-facing failure is an ``MsdError``.

The CLI prints ``str(error)`` as one line and exits with code 2; messages name the field
that failed and restate the condition (house style: networkx/exception.py).
"""


class MsdError(Exception):
    """Base class of all errors the tool reports to a user."""


class ConfigError(MsdError):
    """A config file, a ``--set`` override or a CLI option is malformed or out of range."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)

    def __reduce__(self):  # picklable, so that a worker process can report it
        return type(self), (self.field, self.message)


class ProtocolError(MsdError):
    """A protocol (matrix or rotation list) is not a valid distillation circuit."""


class LayoutError(MsdError):
    """A layout cannot host a protocol or a schedule."""


class ScheduleError(MsdError):
    """A schedule is inconsistent with its protocol or layout, or no schedule was found."""


class ConsumptionError(ScheduleError):
    """A schedule hands an output out before post-selection or without a free ancilla region."""


class ModelError(MsdError):
    """The error model does not apply at the given parameters (a probability leaves [0, 1])."""


class PrecisionError(MsdError):
    """float64 cannot resolve a requested quantity and the exact path was not allowed."""


class ResourceError(MsdError):
    """A request would exceed a time or memory limit; the message says what to change."""
