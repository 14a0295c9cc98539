"""Checks shared by every node: each returns the normalised value or raises naming it."""

import math
import numbers
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .errors import (
    ParameterTypeError,
    ParameterValueError,
    ScheduleError,
    StepError,
    StepTypeError,
)

# Error messages show at most this many characters of a value, and an int of more
# digits by its digit count: str() of an int past 4300 digits raises ValueError, and a
# message holding a megabyte of input helps no one.
SHOWN_CHARS = 80
SHOWN_DIGITS = 30


def digits(value: int) -> int:
    """The number of decimal digits of an int, without converting it to a string."""
    magnitude = abs(value)
    if magnitude < 10:
        return 1
    count = math.floor(math.log10(magnitude)) + 1
    # log10 rounds: just below a power of ten it may claim one digit too many.
    return count - 1 if magnitude < 10 ** (count - 1) else count


def shown(value: Any) -> str:
    """A value for an error message: its repr, an int of many digits by its digit count,
    and anything longer than ``SHOWN_CHARS`` cut short."""
    if isinstance(value, int) and not isinstance(value, bool):
        count = digits(value)
        if count > SHOWN_DIGITS:
            sign = "a negative int" if value < 0 else "an int"
            return f"{sign} of {count} digits"
    try:
        text = repr(value)
    except Exception:  # a container of ints past the str limit, or a broken __repr__
        return f"a {type(value).__name__} that cannot be shown"
    if len(text) > SHOWN_CHARS:
        text = f"{text[: SHOWN_CHARS - 20]}...{text[-15:]} ({len(text)} characters)"
    return text


def message(exc: BaseException, limit: int = 500) -> str:
    """``str(exc)`` cut to ``limit`` characters, never failing (``str`` raises for an
    exception holding an int past Python's 4300-digit limit)."""
    try:
        text = str(exc)
    except Exception:
        return f"a {type(exc).__name__} that cannot be shown"
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def describe(value: Any) -> str:
    """A value for an error message: ``shown(value)`` and its type name."""
    return f"{shown(value)} ({type(value).__name__})"


def real(name: str, value: Any) -> float:
    """A finite real number, returned as a Python float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterTypeError(f"{name} must be a real number, got {describe(value)}")
    try:
        result = float(value)
    except OverflowError:  # an int beyond the float range
        count = digits(int(math.trunc(value)))  # noqa: RUF046 (a Real's trunc may not be an int)
        raise ParameterValueError(
            f"{name} must be a finite number, got an int of {count} digits"
        ) from None
    if not math.isfinite(result):
        raise ParameterValueError(f"{name} must be a finite number, got {shown(value)}")
    return result + 0.0  # -0.0 becomes 0.0: they are ==, so they must print alike


def rate(name: str, value: Any) -> float:
    """A learning rate: finite and not negative."""
    result = real(name, value)
    if result < 0.0:
        raise ParameterValueError(f"{name} must be >= 0 (a learning rate), got {shown(value)}")
    return result


def positive(name: str, value: Any) -> float:
    """A finite real number above zero."""
    result = real(name, value)
    if result <= 0.0:
        raise ParameterValueError(f"{name} must be > 0, got {shown(value)}")
    return result


def unit_fraction(name: str, value: Any) -> float:
    """A number in (0, 1]: a decay factor (a larger one would overflow on an unbounded
    schedule) or a fraction of a run."""
    result = real(name, value)
    if not 0.0 < result <= 1.0:
        raise ParameterValueError(f"{name} must be in (0, 1], got {shown(value)}")
    return result


def open_fraction(name: str, value: Any) -> float:
    """A fraction strictly between 0 and 1."""
    result = real(name, value)
    if not 0.0 < result < 1.0:
        raise ParameterValueError(f"{name} must be strictly between 0 and 1, got {shown(value)}")
    return result


def _index(value: Any) -> int | None:
    """``value`` as an int (NumPy integer scalars included), or None for a bool or a
    value that is not an integer."""
    if isinstance(value, bool):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def integer(name: str, value: Any) -> int:
    """An int (NumPy integer scalars included), never a bool or a float."""
    result = _index(value)
    if result is None:
        raise ParameterTypeError(f"{name} must be an int, got {describe(value)}")
    return result


# Counts up to 2**53 are exact float64 values, so every formula that divides by one (and
# every array backend, in float64 or int64) sees the count itself.
MAX_COUNT = 2**53


def count(name: str, value: Any, minimum: int = 1) -> int:
    """An int from ``minimum`` to ``2**53`` (a step count, a period)."""
    result = integer(name, value)
    if result < minimum:
        raise ParameterValueError(f"{name} must be an int >= {minimum}, got {shown(result)}")
    if result > MAX_COUNT:
        raise ParameterValueError(
            f"{name} must be an int <= 2**53 (the largest count that is an exact float), "
            f"got {shown(result)}"
        )
    return result


def step(value: Any) -> int:
    """A step to evaluate at: a non-negative int (NumPy integer scalars included)."""
    result = _index(value)
    if result is None:
        raise StepTypeError(f"step must be a non-negative int, got {describe(value)}")
    if result < 0:
        raise StepError(f"step must be a non-negative int, got {shown(result)}")
    return result


def choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    """One of the strings in ``allowed`` (a mode or a shape), named in the error."""
    options = ", ".join(repr(option) for option in allowed)
    if not isinstance(value, str):
        raise ParameterTypeError(f"{name} must be one of {options}, got {describe(value)}")
    if value not in allowed:
        raise ParameterValueError(f"{name} must be one of {options}, got {shown(value)}")
    return allowed[allowed.index(value)]  # a plain str, whatever str subclass came in


# A str is a sequence of one-character strings and bytes one of ints; neither is ever
# meant as a list of milestones, points or phases.
_TEXT = (str, bytes, bytearray, memoryview)


def _read(name: str, value: Sequence[Any]) -> tuple[Any, ...]:
    try:
        return tuple(value)
    except ScheduleError:
        raise
    except Exception as exc:  # a config container whose item cannot be read (a bad interpolation)
        raise ParameterValueError(
            f"{name} could not be read: {type(exc).__name__}: {message(exc, 200)}"
        ) from None


def _is_sequence(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, _TEXT)


def sequence(name: str, value: Any, limit: Callable[[int], None]) -> Any:
    """A tuple field's value with every sequence in it made a tuple, one level down too.

    Configs build nodes from lists, OmegaConf's ``ListConfig`` and lists of pairs, and
    equal schedules must be equal objects, so every sequence becomes a tuple, as do the
    sequences directly inside it (an ``Interpolate``'s ``(step, lr)`` pairs). A value
    that is not a sequence is returned as it is, for the field's own check to judge.
    ``limit`` is called with the number of entries (and entries of entries) before
    anything is copied, to refuse a huge one.
    """
    if isinstance(value, _TEXT):
        raise ParameterTypeError(
            f"{name} must be a sequence (a tuple or list), got text: {describe(value)}"
        )
    if not isinstance(value, Sequence):
        return value
    limit(len(value))
    items = _read(name, value)
    for item in items:
        if isinstance(item, Mapping):
            raise ParameterTypeError(
                f"each of {name} must be a schedule or a value, got a mapping: {describe(item)}. "
                "Hydra's instantiate turns objects in a list into OmegaConf configs unless "
                "_convert_ is 'all', 'partial' or 'object': add _convert_: all to the config "
                "node, or pass _convert_='all' to instantiate"
            )
    limit(len(items) + sum(len(item) for item in items if _is_sequence(item)))
    return tuple(_read(f"each of {name}", item) if _is_sequence(item) else item for item in items)
