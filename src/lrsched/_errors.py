"""The exceptions lrsched raises. Each one names the parameter (or step) and the value."""


class ScheduleError(Exception):
    """Base class of every error lrsched raises on purpose."""


class ParameterValueError(ScheduleError, ValueError):
    """A parameter has the right type but a value outside its domain."""


class ParameterTypeError(ScheduleError, TypeError):
    """A parameter has the wrong type, such as a ``bool`` or ``float`` where an int is meant."""


class CompositionError(ScheduleError, TypeError):
    """An operator (``>>``, ``|``, ``*``, ``/``, ``[:n]``) got operands it cannot combine."""


class StepError(ScheduleError, ValueError):
    """A schedule was evaluated at a negative step."""


class StepTypeError(StepError, TypeError):
    """A schedule was evaluated at a step that is not an integer.

    It is a ``StepError`` (so a ``ValueError``, as in 0.1.0) and also a ``TypeError``.
    """


class UnsupportedNodeError(ScheduleError, TypeError):
    """An evaluator met a node type it has no rule for (a backend lacking a node)."""


class ParseError(ScheduleError, ValueError):
    """``lrsched.parse`` met text outside the expression language; the message points at it."""


class ConfigError(ScheduleError, ValueError):
    """``lrsched.from_dict`` met data that is not a schedule's dict form; the message names
    the path inside the data, such as ``phases[1].total_steps``."""
