"""Checks shared by every node: each returns the normalised value or raises naming it."""

import math
import numbers
import operator
from typing import Any

from ._errors import ParameterTypeError, ParameterValueError, StepError, StepTypeError


def describe(value: Any) -> str:
    """A value for an error message: its repr and its type name."""
    return f"{value!r} ({type(value).__name__})"


def real(name: str, value: Any) -> float:
    """A finite real number, returned as a Python float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterTypeError(f"{name} must be a real number, got {describe(value)}")
    try:
        result = float(value)
    except OverflowError:  # an int beyond the float range
        digits = len(str(abs(math.trunc(value))))
        raise ParameterValueError(
            f"{name} must be a finite number, got an int of {digits} digits"
        ) from None
    if not math.isfinite(result):
        raise ParameterValueError(f"{name} must be a finite number, got {value!r}")
    return result + 0.0  # -0.0 becomes 0.0: they are ==, so they must print alike


def rate(name: str, value: Any) -> float:
    """A learning rate: finite and not negative."""
    result = real(name, value)
    if result < 0.0:
        raise ParameterValueError(f"{name} must be >= 0 (a learning rate), got {value!r}")
    return result


def positive(name: str, value: Any) -> float:
    """A finite real number above zero."""
    result = real(name, value)
    if result <= 0.0:
        raise ParameterValueError(f"{name} must be > 0, got {value!r}")
    return result


def unit_fraction(name: str, value: Any) -> float:
    """A number in (0, 1]: a decay factor (a larger one would overflow on an unbounded
    schedule) or a fraction of a run."""
    result = real(name, value)
    if not 0.0 < result <= 1.0:
        raise ParameterValueError(f"{name} must be in (0, 1], got {value!r}")
    return result


def open_fraction(name: str, value: Any) -> float:
    """A fraction strictly between 0 and 1."""
    result = real(name, value)
    if not 0.0 < result < 1.0:
        raise ParameterValueError(f"{name} must be strictly between 0 and 1, got {value!r}")
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
        raise ParameterValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    if result > MAX_COUNT:
        raise ParameterValueError(
            f"{name} must be an int <= 2**53 (the largest count that is an exact float), "
            f"got an int of {len(str(result))} digits"
        )
    return result


def step(value: Any) -> int:
    """A step to evaluate at: a non-negative int (NumPy integer scalars included)."""
    result = _index(value)
    if result is None:
        raise StepTypeError(f"step must be a non-negative int, got {describe(value)}")
    if result < 0:
        raise StepError(f"step must be a non-negative int, got {value!r}")
    return result


def choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    """One of the strings in ``allowed`` (a mode or a shape), named in the error."""
    options = ", ".join(repr(option) for option in allowed)
    if not isinstance(value, str):
        raise ParameterTypeError(f"{name} must be one of {options}, got {describe(value)}")
    if value not in allowed:
        raise ParameterValueError(f"{name} must be one of {options}, got {value!r}")
    return allowed[allowed.index(value)]  # a plain str, whatever str subclass came in
