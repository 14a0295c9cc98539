"""lrsched schedules for Keras 3: ``to_keras(s)``, a ``LearningRateSchedule``.

Install with ``pip install lrsched[keras]`` (and a Keras backend: torch or JAX).

>>> import keras
>>> from lrsched import Cosine, Warmup
>>> from lrsched.keras import to_keras
>>> lr = to_keras(Warmup(steps=100, start_lr=0.0) >> Cosine(
...     base_lr=1e-3, min_lr=1e-5, total_steps=900))
>>> optimizer = keras.optimizers.AdamW(learning_rate=lr)
>>> round(float(lr(50)), 6), round(float(lr(100)), 6)
(0.0005, 0.001)

A bare schedule cannot be a Keras learning rate: Keras calls any callable that is not a
``LearningRateSchedule`` with no arguments (``AdamW(learning_rate=s)`` fails at the first
step with ``missing 1 required positional argument: 'step'``), and could not save it.
"""

from __future__ import annotations

from typing import Any

import keras

from .core.errors import ParameterTypeError
from .core.schedule import Schedule
from .core.validate import describe
from .evaluators.array import evaluate
from .forms.config import from_dict

__all__ = ["KerasSchedule", "to_keras"]


@keras.saving.register_keras_serializable(package="lrsched")
class KerasSchedule(keras.optimizers.schedules.LearningRateSchedule):  # type: ignore[misc]
    """A Keras ``LearningRateSchedule`` whose rate at the optimizer's iteration count is
    ``schedule``'s at that step, in Keras' float type (``keras.config.floatx()``).

    ``get_config()`` holds the schedule's dict form (``{"schedule": s.to_dict()}``) and
    ``from_config`` reads it back through ``lrsched.from_dict``, which validates it, so a
    model saved to ``.keras`` loads with its schedule equal to ``s``. It is registered as
    ``lrsched>KerasSchedule``: loading needs ``lrsched.keras`` imported. The rate is
    computed by lrsched's array evaluator on the backend's own tensors (torch and JAX,
    under ``jax.jit`` too).
    """

    def __init__(self, schedule: Schedule) -> None:
        super().__init__()
        if not isinstance(schedule, Schedule):
            raise ParameterTypeError(f"schedule must be a Schedule, got {describe(schedule)}")
        self.schedule = schedule

    def __call__(self, step: Any) -> Any:
        steps = keras.ops.convert_to_tensor(step)
        return keras.ops.cast(evaluate(self.schedule, steps), keras.config.floatx())

    def get_config(self) -> dict[str, Any]:
        return {"schedule": self.schedule.to_dict()}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> KerasSchedule:
        return cls(from_dict(config["schedule"]))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KerasSchedule):
            return NotImplemented
        return bool(self.schedule == other.schedule)

    def __hash__(self) -> int:
        return hash((KerasSchedule, self.schedule))

    def __repr__(self) -> str:
        return f"to_keras({self.schedule!r})"


def to_keras(schedule: Schedule) -> KerasSchedule:
    """``schedule`` as a Keras 3 ``LearningRateSchedule``: pass it as an optimizer's
    ``learning_rate``. Its ``.schedule`` is ``schedule``."""
    return KerasSchedule(schedule)
