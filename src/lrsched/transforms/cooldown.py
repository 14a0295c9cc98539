"""``s.cooldown(at=k, steps=d, shape=..., end_lr=...)``: ``s`` up to step ``k``, then a
``Decay`` from ``s(k)`` to ``end_lr`` over ``d`` steps."""

from __future__ import annotations

from ..core import validate
from ..core.errors import ParameterValueError
from ..core.schedule import Schedule
from ..core.seam import install
from ..schedules.wsd import Decay


def cooldown(schedule: Schedule, *, at: int, steps: int, shape: str, end_lr: float) -> Schedule:
    """``schedule[:at] | Decay(base_lr=schedule(at), end_lr=end_lr, steps=steps,
    shape=shape)``, or the decay alone for ``at=0``: the rate at step ``at`` is taken
    when the node is built, so the result is a plain tree that prints, parses and
    pickles like any other."""
    start = validate.count("at", at, minimum=0)
    value = schedule(start)
    if value < 0.0:  # a Sum may go below 0; a Decay runs between rates
        raise ParameterValueError(
            f"a cooldown decays from the schedule's rate at step {start}, here {value!r}, "
            "below 0; a Decay runs between rates >= 0"
        )
    decay = Decay(base_lr=value, end_lr=end_lr, steps=steps, shape=shape)
    return decay if start == 0 else schedule[:start] | decay


install(cooldown=cooldown)
