"""The exceptions lrsched raises. Each one names the parameter (or step) and the value."""


class ScheduleError(Exception):
    """Base class of every error lrsched raises on purpose."""


class ParameterValueError(ScheduleError, ValueError):
    """A parameter has the right type but a value outside its domain."""


class ParameterTypeError(ScheduleError, TypeError):
    """A parameter has the wrong type, such as a ``bool`` or ``float`` where an int is meant."""


class CompositionError(ScheduleError, TypeError):
    """An operator (``>>``, ``|``, ``*``, ``/``, ``[:n]``) got operands it cannot combine."""


class CheckpointError(ScheduleError, ValueError):
    """A pickle or checkpoint does not describe an lrsched schedule the way lrsched writes
    one: it names a class that is not an lrsched node, or builds a node without its
    constructor."""


class TreeSizeError(CompositionError, ValueError):
    """A schedule would pass a size cap (``MAX_DEPTH`` levels, ``MAX_SIZE`` nodes and
    entries, see SECURITY.md); the message names the cap. It is a ``CompositionError``,
    as the depth error of 0.2.0 was."""


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


class ScheduleChangedWarning(UserWarning):
    """A resumed ``lrsched.torch.ScheduleLR`` follows the checkpoint's schedules, which
    differ from the ones it was built with; ``resume='given'`` keeps the given ones."""
