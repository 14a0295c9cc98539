"""Drive a torch optimizer from lrsched schedules: ``ScheduleLR``, an ``LRScheduler``.

Install with ``pip install lrsched[torch]``. Importing this module imports torch and
marks the lrsched classes safe for ``torch.load(..., weights_only=True)`` (see
``safe_globals``), so a checkpoint holding a schedule loads with torch's safe loader,
as transformers' ``Trainer`` loads its ``scheduler.pt``.

>>> import torch
>>> from lrsched import Cosine, Warmup
>>> from lrsched.torch import ScheduleLR
>>> model = torch.nn.Linear(2, 1)
>>> optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
>>> schedule = Warmup(steps=2, start_lr=0.0) >> Cosine(base_lr=0.1, min_lr=0.0, total_steps=4)
>>> scheduler = ScheduleLR(optimizer, schedule)
>>> scheduler.get_last_lr()
[0.0]
>>> optimizer.step()
>>> scheduler.step()
>>> scheduler.get_last_lr()
[0.05]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from .core import validate
from .core.errors import ParameterTypeError, ParameterValueError
from .core.node import restore
from .core.registry import node_classes
from .core.schedule import Schedule

__all__ = ["ScheduleLR", "safe_globals"]


class ScheduleLR(LRScheduler):  # type: ignore[misc]  # torch may be untyped here
    """An ``LRScheduler`` that sets each param group's lr to ``schedule(step)``.

    ``schedule`` is one schedule for every param group, or a sequence of schedules, one
    per group. Rates are absolute: the optimizer's own ``lr`` (and ``initial_lr``) is
    ignored. As with torch's schedulers, construction sets the rates of step 0 and each
    ``step()`` advances one step, so after ``n`` calls the rates are ``schedule(n)``;
    ``last_epoch=k`` means steps ``0..k`` are done, so construction sets ``schedule(k + 1)``.

    ``state_dict()`` holds the schedules themselves, so a checkpoint restores the exact
    curve, and ``load_state_dict`` replaces the schedules given to the constructor with
    the saved ones and sets the optimizer's rates from them: a run resumed at step ``k``
    continues the saved curve from ``k``.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedule: Schedule | Sequence[Schedule],
        last_epoch: int = -1,
    ) -> None:
        groups = len(optimizer.param_groups)
        if isinstance(schedule, Schedule):
            schedule = (schedule,) * groups
        self.schedules = _checked(schedule, groups)
        last_epoch = validate.integer("last_epoch", last_epoch)
        if last_epoch < -1:
            raise ParameterValueError(f"last_epoch must be an int >= -1, got {last_epoch}")
        # torch requires 'initial_lr' to resume (last_epoch >= 0) for its relative
        # schedulers; absolute rates never read it.
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float | torch.Tensor]:
        """The rates at the current step, one per param group."""
        # A group added with optimizer.add_param_group after construction has none.
        _checked(self.schedules, len(self.optimizer.param_groups), "schedules")
        step = max(self.last_epoch, 0)
        return [schedule(step) for schedule in self.schedules]

    # torch's step(epoch) path asks for the closed form; every schedule is one.
    _get_closed_form_lr = get_lr

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()``: its schedules, its step, and the optimizer's rates."""
        if "schedules" in state_dict:
            groups = len(self.optimizer.param_groups)
            _checked(state_dict["schedules"], groups, "state_dict['schedules']")
        super().load_state_dict(state_dict)
        self._last_lr = self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, self._last_lr, strict=True):
            if isinstance(group["lr"], torch.Tensor):
                group["lr"].fill_(lr)
            else:
                group["lr"] = lr


def _checked(schedules: object, groups: int, name: str = "schedule") -> tuple[Schedule, ...]:
    """``schedules`` as a tuple of one schedule per param group, or a clear error."""
    if not isinstance(schedules, Sequence) or not all(isinstance(s, Schedule) for s in schedules):
        raise ParameterTypeError(
            f"{name} must be a Schedule or a sequence of them, got {validate.describe(schedules)}"
        )
    if len(schedules) != groups:
        raise ParameterValueError(
            f"{name} must be one schedule or one per param group: got {len(schedules)} "
            f"schedules for {groups} param group{'s' if groups != 1 else ''}"
        )
    return tuple(schedules)


def safe_globals() -> list[object]:
    """The globals an lrsched pickle names: every exported node class and ``_restore``.

    ``torch.serialization.add_safe_globals(safe_globals())`` lets ``torch.load`` with
    ``weights_only=True`` rebuild schedules; this module does it on import. Under that
    loader a pickle can call these and nothing else of lrsched's: ``_restore`` builds only
    node classes through their constructors, and a class called or made directly refuses
    (``lrsched.CheckpointError``), so every schedule that loads has passed its checks.
    """
    return [restore, *node_classes().values()]


torch.serialization.add_safe_globals(safe_globals())
