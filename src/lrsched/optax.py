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

import jax.numpy as jnp

from ._array import as_steps, compile_array
from ._base import Schedule
from ._errors import ParameterTypeError, StepError

__all__ = ["to_optax"]


def to_optax(schedule: Schedule) -> Any:
    """An optax schedule: ``count -> learning rate`` as a JAX array, safe under ``jax.jit``.

    The tree is compiled once, here. The rate is float32 unless ``jax_enable_x64`` is on
    (then float64); see ``docs/backends.md``. Counts are not checked for negative values
    under ``jax.jit`` (optax's counts never are).
    """
    if not isinstance(schedule, Schedule):
        raise ParameterTypeError(f"schedule must be a Schedule, got {schedule!r}")
    fn = compile_array(schedule)

    def learning_rate(count: Any) -> Any:
        try:
            steps = jnp.asarray(count)
        except OverflowError:  # a Python int beyond int32 while x64 is off
            raise StepError(
                f"count {count} does not fit in JAX's int32; enable x64 for larger counts"
            ) from None
        xp, k = as_steps(steps)
        return fn(xp, k)

    return learning_rate
