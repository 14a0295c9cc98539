"""lrsched schedules for optax: ``to_optax(s)``, a jit-safe function of the step count.

Install with ``pip install lrsched[jax]``.

>>> import optax
>>> from lrsched import Cosine, Warmup
>>> from lrsched.optax import to_optax
>>> lr = to_optax(Warmup(steps=100, start_lr=0.0) >> Cosine(
...     base_lr=1e-3, min_lr=1e-5, total_steps=900))
>>> optimizer = optax.adamw(learning_rate=lr)
>>> round(float(lr(50)), 6), round(float(lr(100)), 6)
(0.0005, 0.001)
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .core.errors import ParameterTypeError, StepError
from .core.schedule import Schedule
from .core.validate import describe, shown
from .evaluators.array import as_steps, compile_array

__all__ = ["OptaxSchedule", "to_optax"]


class OptaxSchedule:
    """An optax schedule (``count -> learning rate`` as a JAX array, safe under
    ``jax.jit``) that holds its lrsched schedule as ``.schedule``.

    It pickles as its schedule (which pickles as every node does) and compiles the tree
    again when loaded, so a training state that holds it can be checkpointed; two are
    equal when their schedules are. Made by ``to_optax``.
    """

    __slots__ = ("__weakref__", "_fn", "schedule")

    def __init__(self, schedule: Schedule) -> None:
        if not isinstance(schedule, Schedule):
            raise ParameterTypeError(f"schedule must be a Schedule, got {describe(schedule)}")
        self.schedule = schedule
        self._fn = compile_array(schedule)

    def __call__(self, count: Any) -> Any:
        if isinstance(count, int) and not isinstance(count, bool):
            _check_range(count, count, np.dtype(np.int64))
        elif (
            isinstance(count, (np.ndarray, np.integer)) and count.dtype.kind in "iu" and count.size
        ):
            # With x64 off, JAX turns a NumPy int64 into an int32 by wrapping it, with no
            # error: a count of 2**40 would read as step 0.
            _check_range(int(count.min()), int(count.max()), count.dtype)
        try:
            steps = jnp.asarray(count)
        except OverflowError:  # a list holding an int beyond JAX's int
            raise StepError(f"count {shown(count)} does not fit in {_int_name()}") from None
        xp, k = as_steps(steps)
        return self._fn(xp, k)

    def __reduce__(self) -> tuple[Any, ...]:
        return OptaxSchedule, (self.schedule,)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OptaxSchedule):
            return NotImplemented
        return self.schedule == other.schedule

    def __hash__(self) -> int:
        return hash((OptaxSchedule, self.schedule))

    def __repr__(self) -> str:
        return f"to_optax({self.schedule!r})"


def to_optax(schedule: Schedule) -> OptaxSchedule:
    """An optax schedule: ``count -> learning rate`` as a JAX array, safe under ``jax.jit``.

    The tree is compiled once, here. The rate is float32 unless ``jax_enable_x64`` is on
    (then float64); see ``docs/backends.md``. Counts are not checked for negative values
    under ``jax.jit`` (optax's counts never are). A Python int count must fit in JAX's
    int: int32, or int64 with x64 on. The result exposes ``.schedule`` and pickles (an
    ``OptaxSchedule``).
    """
    return OptaxSchedule(schedule)


def _int_name() -> str:
    """The int type JAX gives a Python int: int32, or int64 with x64 on."""
    return f"JAX's {np.dtype(jax.dtypes.canonicalize_dtype(np.int64)).name}"


def _check_range(low: int, high: int, dtype: np.dtype[Any]) -> None:
    """Refuse counts from ``low`` to ``high`` (of NumPy type ``dtype``, or Python ints
    for int64) that JAX cannot hold: JAX's own errors are an ``OverflowError``, a bare
    ``ValueError`` past Python's 4300-digit limit, or, for NumPy, no error at all."""
    if low < 0:
        raise StepError(f"steps must be non-negative, got {shown(low)}")
    held = np.dtype(jax.dtypes.canonicalize_dtype(dtype))
    if high > np.iinfo(held).max:
        # x64 widens what JAX holds to the full type, which helps only up to its end.
        full = np.iinfo(dtype)
        helps = held != dtype and high <= full.max
        end = f"2**{full.bits - 1} - 1" if full.min < 0 else f"2**{full.bits} - 1"
        advice = f"; enable x64 (jax_enable_x64) for counts up to {end}"
        raise StepError(
            f"count {shown(high)} does not fit in JAX's {held.name}{advice if helps else ''}"
        )
