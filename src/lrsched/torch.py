"""Drive a torch optimizer from lrsched schedules: ``ScheduleLR``, an ``LRScheduler``.

Install with ``pip install lrsched[torch]``. ``ScheduleLR`` sets each param group's lr,
and any other param-group entry named by a keyword (``weight_decay``, ``momentum``, a
custom key), to its schedule's value at each step. Its ``state_dict()`` is plain data
(each schedule in its dict form), so a checkpoint opens with
``torch.load(weights_only=True)``, even where lrsched is not installed.

>>> import torch
>>> from lrsched import Cosine, Linear, Warmup
>>> from lrsched.torch import ScheduleLR
>>> model = torch.nn.Linear(2, 1)
>>> optimizer = torch.optim.SGD(model.parameters(), lr=1.0, momentum=0.9, weight_decay=0.0)
>>> schedule = Warmup(steps=2, start_lr=0.0) >> Cosine(base_lr=0.1, min_lr=0.0, total_steps=4)
>>> decay = Linear(base_lr=0.0, end_lr=0.1, total_steps=4)
>>> scheduler = ScheduleLR(optimizer, schedule, weight_decay=decay)
>>> scheduler.get_last_lr(), optimizer.param_groups[0]["weight_decay"]
([0.0], 0.0)
>>> optimizer.step()
>>> scheduler.step()
>>> scheduler.get_last_lr(), optimizer.param_groups[0]["weight_decay"]
([0.05], 0.025)

Importing this module also marks the lrsched classes safe for
``torch.load(..., weights_only=True)`` (see ``safe_globals``), so the checkpoints of
lrsched 0.2.0, whose states held schedule objects, load with torch's safe loader too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from . import torch_fields as fields_
from .core import validate
from .core.errors import ParameterTypeError, ParameterValueError
from .core.node import restore
from .core.registry import node_classes
from .core.schedule import Schedule
from .evaluators.inline import compile_call
from .evaluators.scalar import ScalarFn
from .torch_state import RESUME, changes, encode, saved_plan, warn_changed

__all__ = ["ScheduleLR", "safe_globals"]

# One write per driven field: the group key, the index into a tuple entry (betas) or
# None, and the compiled schedule.
_Write = tuple[str, "int | None", ScalarFn]
_Plan = tuple[ScalarFn, tuple[_Write, ...]]
_Fields = dict[str, tuple[Schedule, ...]]


class ScheduleLR(LRScheduler):  # type: ignore[misc]  # torch may be untyped here
    """An ``LRScheduler`` that sets each param group's lr, and each field named by a
    keyword, to its schedule's value at the current step.

    ``schedule`` drives ``lr``: one schedule for every param group, or a sequence of
    schedules, one per group. Rates are absolute: the optimizer's own ``lr`` (and
    ``initial_lr``) is ignored, except that a group's ``lr_scale`` (timm's layer-wise
    decay, as ``timm.optim.param_groups_layer_decay`` writes it) multiplies its rate.
    As with torch's schedulers, construction sets the values of step 0 and each
    ``step()`` advances one step, so after ``n`` calls the rates are ``schedule(n)``;
    ``last_epoch=k`` means steps ``0..k`` are done, so construction sets ``schedule(k + 1)``.

    Each other keyword names a param-group key to drive beside ``lr``, with one schedule
    or one per group: ``weight_decay``, ``momentum``, ``eps``, ``dampening``, or a custom
    key the training loop reads (``ema_decay=``). On a group with ``betas`` and no
    ``momentum`` (Adam, AdamW), ``momentum`` drives ``betas[0]``, as torch's
    ``OneCycleLR`` does, and ``beta2`` drives ``betas[1]``. A tensor entry is filled in
    place. Domains are checked at construction from ``lrsched.value_range``: ``lr`` (times
    ``lr_scale``), ``weight_decay`` and ``eps`` ``>= 0``, ``momentum`` and ``dampening``
    in ``[0, 1]``, the betas in ``[0, 1)``; custom keys are not checked. ``momentum``,
    ``beta2``, ``weight_decay``, ``eps`` and ``dampening`` must be keys the optimizer's
    groups have (else it would never read them); another name the groups lack is created
    in them, unless it is a near miss of a key they have (``weight_decy``), which is
    refused: put such a key in the groups first to drive it.

    A group added later with ``optimizer.add_param_group`` takes the schedules every
    group shares at the next step; when the groups' schedules differ, add it with
    ``scheduler.add_param_group(group, schedule=..., **fields)``.

    ``state_dict()`` holds every schedule in its dict form and the step.
    ``load_state_dict`` restores the step, and with ``resume="saved"`` (the default) the
    saved schedules too, warning (``lrsched.ScheduleChangedWarning``, at the next
    ``step()``) when they differ from the ones given here; with ``resume="given"`` it
    keeps the schedules given here, so a resumed run can follow a new plan from the
    saved step. Either way it sets the optimizer's values at that step at once. States
    written by lrsched 0.2.0, which held schedule objects, load too.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedule: Schedule | Sequence[Schedule],
        last_epoch: int = -1,
        *,
        resume: str = "saved",
        **fields: Schedule | Sequence[Schedule],
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise ParameterTypeError(
                f"optimizer must be a torch Optimizer, got {validate.describe(optimizer)}"
            )
        self.resume = validate.choice("resume", resume, RESUME)
        last_epoch = validate.integer("last_epoch", last_epoch)
        if last_epoch < -1:
            raise ParameterValueError(f"last_epoch must be an int >= -1, got {last_epoch}")
        groups = optimizer.param_groups
        lr = fields_.per_group("schedule", schedule, len(groups))
        driven = {name: fields_.per_group(name, s, len(groups)) for name, s in fields.items()}
        self._plans = _plans(lr, driven, groups)
        self.schedules: tuple[Schedule, ...] = lr
        self.fields: _Fields = driven
        self._changed: list[str] = []  # how a loaded plan differs from the given one
        # torch requires 'initial_lr' to resume (last_epoch >= 0) for its relative
        # schedulers; absolute rates never read it.
        for group in groups:
            group.setdefault("initial_lr", _copy(group["lr"]))
        super().__init__(optimizer, last_epoch)

    def step(self, epoch: int | None = None) -> None:
        """Advance one step and set every driven value (``step(epoch)``: go to that step)."""
        # torch's own step checks the order of optimizer.step() and scheduler.step() on
        # the first call, and handles the deprecated epoch argument; every later call
        # does what torch's would, without its per-step overhead.
        if epoch is not None or self._step_count < 2 or self._changed:
            self._careful_step(epoch)
            return
        self._step_count += 1
        self.last_epoch += 1
        self._last_lr = self._set(self.last_epoch)

    def _careful_step(self, epoch: int | None) -> None:
        # The warning of a changed plan waits for the first step after loading: some
        # trainers (transformers') load states inside warnings.catch_warnings and drop
        # what it records.
        if self._changed:
            found, self._changed = self._changed, []
            warn_changed(found, stacklevel=4)
            self.step(epoch)
        else:
            super().step(epoch)

    def get_lr(self) -> list[float]:
        """The rates at the current step, one per param group; sets the other fields."""
        step = max(self.last_epoch, 0)
        groups = self.optimizer.param_groups
        if len(groups) != len(self._plans):
            self._adopt(groups)
        rates = []
        for group, (lr, writes) in zip(groups, self._plans, strict=True):
            for key, at, value in writes:
                _write(group, key, at, value(step))
            rates.append(lr(step) * group.get("lr_scale", 1.0))
        return rates

    # torch's step(epoch) path asks for the closed form; every schedule is one.
    _get_closed_form_lr = get_lr

    def _set(self, step: int) -> list[Any]:
        """Set every driven value of every group at ``step``; the rates, as torch keeps them."""
        groups = self.optimizer.param_groups
        if len(groups) != len(self._plans):
            self._adopt(groups)
        last: list[Any] = []
        for group, (lr, writes) in zip(groups, self._plans, strict=True):
            for key, at, value in writes:
                _write(group, key, at, value(step))
            rate = lr(step) * group.get("lr_scale", 1.0)
            current = group["lr"]
            if isinstance(current, torch.Tensor):
                current.fill_(rate)
                last.append(current.clone())
            else:
                group["lr"] = rate
                last.append(rate)
        return last

    def add_param_group(
        self,
        param_group: dict[str, Any],
        schedule: Schedule | None = None,
        **fields: Schedule,
    ) -> None:
        """Add ``param_group`` to the optimizer, driven by ``schedule`` and ``fields``.

        A schedule left out is the one every existing group shares (an error if they
        differ). The new group's values are set at once, at the current step.
        """
        groups = self.optimizer.param_groups
        if len(groups) != len(self._plans):
            self._adopt(groups)
        unknown = sorted(set(fields) - set(self.fields))
        if unknown:
            drives = ", ".join(["lr", *self.fields])
            raise ParameterTypeError(
                f"this ScheduleLR drives {drives}, not {', '.join(map(repr, unknown))}"
            )
        lr = fields_.shared("lr", self.schedules) if schedule is None else schedule
        chosen = {
            name: fields[name] if name in fields else fields_.shared(name, schedules)
            for name, schedules in self.fields.items()
        }
        for name, value in [("schedule", lr), *chosen.items()]:
            if not isinstance(value, Schedule):
                raise ParameterTypeError(
                    f"{name} must be a Schedule, got {validate.describe(value)}"
                )
        self.optimizer.add_param_group(param_group)
        try:
            self._append(groups[-1], lr, chosen)
        except Exception:
            groups.pop()
            raise
        self._last_lr = self._set(max(self.last_epoch, 0))

    def _adopt(self, groups: list[dict[str, Any]]) -> None:
        """Drive the groups added to the optimizer since the last step."""
        if len(groups) < len(self._plans):
            raise ParameterValueError(
                f"the optimizer has {len(groups)} param groups, fewer than the "
                f"{len(self._plans)} this ScheduleLR drives"
            )
        lr = fields_.shared("lr", self.schedules)
        chosen = {name: fields_.shared(name, s) for name, s in self.fields.items()}
        for group in groups[len(self._plans) :]:
            self._append(group, lr, chosen)

    def _append(self, group: dict[str, Any], lr: Schedule, fields: dict[str, Schedule]) -> None:
        plan = _plan(len(self._plans), group, lr, fields, {})
        group.setdefault("initial_lr", _copy(group["lr"]))
        self.base_lrs.append(_copy(group["initial_lr"]))
        self._plans.append(plan)
        self.schedules = (*self.schedules, lr)
        self.fields = {name: (*s, fields[name]) for name, s in self.fields.items()}

    def state_dict(self) -> dict[str, Any]:
        """The step and every schedule, as plain data: each schedule in its dict form."""
        forms: dict[Schedule, dict[str, Any]] = {}
        return {
            "last_epoch": self.last_epoch,
            "_step_count": self._step_count,
            "_last_lr": list(self._last_lr),
            "base_lrs": list(self.base_lrs),
            "schedules": encode(self.schedules, forms),
            "fields": {name: encode(s, forms) for name, s in self.fields.items()},
        }

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore a ``state_dict()``: its step, its schedules unless ``resume="given"``,
        and the optimizer's values at that step. States of lrsched 0.2.0 load too."""
        if not isinstance(state_dict, Mapping):
            raise ParameterTypeError(
                f"state_dict must be a dict, got {validate.describe(state_dict)}"
            )
        last_epoch = validate.integer("state_dict['last_epoch']", state_dict.get("last_epoch"))
        if last_epoch < -1:
            raise ParameterValueError(
                f"state_dict['last_epoch'] must be an int >= -1, got {last_epoch}"
            )
        step_count = validate.count(
            "state_dict['_step_count']", state_dict.get("_step_count", last_epoch + 1), 0
        )
        groups = self.optimizer.param_groups
        if len(groups) != len(self._plans):
            self._adopt(groups)
        saved = saved_plan(state_dict, len(groups)) if self.resume == "saved" else None
        if saved is not None:
            plans = _plans(*saved, groups)
            self._changed = changes((self.schedules, self.fields), saved)
            self.schedules, self.fields = saved
            self._plans = plans
        self.last_epoch, self._step_count = last_epoch, step_count
        self._last_lr = self._set(max(last_epoch, 0))


def _plans(lr: tuple[Schedule, ...], fields: _Fields, groups: list[dict[str, Any]]) -> list[_Plan]:
    """What to write in each group, every schedule checked against its field's domain."""
    compiled: dict[int, ScalarFn] = {}
    return [
        _plan(i, group, lr[i], {name: s[i] for name, s in fields.items()}, compiled)
        for i, group in enumerate(groups)
    ]


def _plan(
    index: int,
    group: Mapping[str, Any],
    lr: Schedule,
    fields: Mapping[str, Schedule],
    compiled: dict[int, ScalarFn],
) -> _Plan:
    scale = fields_.lr_scale(group, index)
    fields_.check(f"lr of param group {index}", lr, fields_.NON_NEGATIVE, scale)
    writes = []
    for name, schedule in fields.items():
        place = fields_.target(name, group, index)
        fields_.check(fields_.label(name, place, index), schedule, fields_.domain(name, place))
        writes.append((*place, _compiled(schedule, compiled)))
    return _compiled(lr, compiled), tuple(writes)


def _compiled(schedule: Schedule, compiled: dict[int, ScalarFn]) -> ScalarFn:
    """The schedule's scalar function (the flat form ``s(k)`` runs), compiled once for
    the groups that share it."""
    if id(schedule) not in compiled:
        compiled[id(schedule)] = compile_call(schedule)
    return compiled[id(schedule)]


def _write(group: dict[str, Any], key: str, at: int | None, value: float) -> None:
    """Set ``group[key]`` (or its entry ``at``) to ``value``, filling a tensor in place."""
    if at is None:
        current = group.get(key)
        if isinstance(current, torch.Tensor):
            current.fill_(value)
        else:
            group[key] = value
        return
    pair = group[key]
    if isinstance(pair[at], torch.Tensor):
        pair[at].fill_(value)
    else:
        group[key] = (*pair[:at], value, *pair[at + 1 :])


def _copy(value: Any) -> Any:
    return value.clone() if isinstance(value, torch.Tensor) else value


def safe_globals() -> list[object]:
    """The globals an lrsched pickle names: every exported node class and ``_restore``.

    ``torch.serialization.add_safe_globals(safe_globals())`` lets ``torch.load`` with
    ``weights_only=True`` rebuild schedules, as the states of lrsched 0.2.0 held them;
    this module does it on import (the states it writes now are plain data and need
    none). Under that loader a pickle can call these and nothing else of lrsched's:
    ``_restore`` builds only node classes through their constructors, and a class called
    or made directly refuses (``lrsched.CheckpointError``), so every schedule that loads
    has passed its checks.
    """
    return [restore, *node_classes().values()]


torch.serialization.add_safe_globals(safe_globals())
