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

from ._array import as_steps, compile_array
from ._base import Schedule
from ._errors import ParameterTypeError, StepError
from ._validate import describe, shown

__all__ = ["to_optax"]


def to_optax(schedule: Schedule) -> Any:
    """An optax schedule: ``count -> learning rate`` as a JAX array, safe under ``jax.jit``.

    The tree is compiled once, here. The rate is float32 unless ``jax_enable_x64`` is on
    (then float64); see ``docs/backends.md``. Counts are not checked for negative values
    under ``jax.jit`` (optax's counts never are). A Python int count must fit in JAX's
    int: int32, or int64 with x64 on.
    """
    if not isinstance(schedule, Schedule):
        raise ParameterTypeError(f"schedule must be a Schedule, got {describe(schedule)}")
    fn = compile_array(schedule)

    def learning_rate(count: Any) -> Any:
        if isinstance(count, int) and not isinstance(count, bool):
            _check_count(count)
        try:
            steps = jnp.asarray(count)
        except OverflowError:  # an int array of a wider type than JAX holds
            raise _too_large(count, fits_int64=False) from None
        xp, k = as_steps(steps)
        return fn(xp, k)

    return learning_rate


_INT64_MAX = 2**63 - 1


def _too_large(count: object, fits_int64: bool) -> StepError:
    """The error for a count beyond JAX's int, with advice only where x64 would help."""
    if jnp.iinfo(jax.dtypes.canonicalize_dtype(jnp.int64)).bits == 64:
        return StepError(f"count {shown(count)} does not fit in JAX's int64")
    advice = "; enable x64 (jax_enable_x64) for counts up to 2**63 - 1" if fits_int64 else ""
    return StepError(f"count {shown(count)} does not fit in JAX's int32{advice}")


def _check_count(count: int) -> None:
    """Refuse a Python int that JAX cannot convert, before JAX's own error (which is an
    ``OverflowError``, or a ``ValueError`` past Python's 4300-digit limit)."""
    if count < 0:
        raise StepError(f"steps must be non-negative, got {shown(count)}")
    if count > jnp.iinfo(jax.dtypes.canonicalize_dtype(jnp.int64)).max:
        raise _too_large(count, count <= _INT64_MAX)
