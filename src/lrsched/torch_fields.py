"""What each keyword of ``lrsched.torch.ScheduleLR`` drives in a param group, and the
values it may take there.

No torch here (a param group is a plain dict), so the default suite covers it.

- A field names a param-group key. A key the group has is driven as it is. On a group
  with ``betas`` and no ``momentum`` (the Adam family), ``momentum`` drives ``betas[0]``,
  as torch's ``OneCycleLR`` and ``CyclicLR`` do, and ``beta2`` drives ``betas[1]``.
- The hyperparameters lrsched knows (``KNOWN``) must be keys of the group: an optimizer
  that lacks one would never read it. Any other name is a custom key that a training
  loop reads, created in the groups that lack it, unless it is a near miss of a key the
  group has (``weight_decy``), which is refused with the key it resembles.
- Domains (``domain``) are checked against ``value_range``: ``lr``, ``weight_decay`` and
  ``eps`` ``>= 0``, ``momentum`` and ``dampening`` in ``[0, 1]``, the betas in ``[0, 1)``
  (Adam divides by ``1 - beta ** t``, so a beta of 1 would be a division by zero). Custom
  keys are not checked.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .core import validate
from .core.errors import ParameterTypeError, ParameterValueError
from .core.schedule import Schedule
from .evaluators.bounds import between, value_range


@dataclass(frozen=True)
class Domain:
    """The values a field may take: ``low <= v <= high``, or ``< high`` unless ``closed``."""

    low: float
    high: float = math.inf
    closed: bool = True

    @property
    def text(self) -> str:
        if self.high == math.inf:
            return f">= {self.low:g}"
        return f"in [{self.low:g}, {self.high:g}{']' if self.closed else ')'}"

    def refusal(self, low: float, high: float) -> str | None:
        """Why bounds ``(low, high)`` leave the domain, or None if they stay inside it."""
        if not low >= self.low:
            return f"goes down to {validate.shown(low)}"
        if not math.isfinite(high):
            return f"goes up to {validate.shown(high)}"
        if self.high == math.inf:
            return None
        # value_range widens a curve between two rates by its rounding, so a schedule
        # that reaches a closed bound of 1 exactly has bounds a few ulps past it.
        limit = between(self.high)[1]
        if high > limit or (not self.closed and high >= self.high):
            return f"goes up to {validate.shown(high)}"
        return None


NON_NEGATIVE = Domain(0.0)
UNIT = Domain(0.0, 1.0)
BETA = Domain(0.0, 1.0, closed=False)

_DOMAINS = {
    "lr": NON_NEGATIVE,
    "weight_decay": NON_NEGATIVE,
    "eps": NON_NEGATIVE,
    "momentum": UNIT,
    "dampening": UNIT,
    "beta2": BETA,
}

KNOWN = frozenset(_DOMAINS) - {"lr"}

# Keys a field may not name, with the reason.
_RESERVED = {
    "lr": "the schedule argument drives lr",
    "params": "params holds the group's parameters",
    "initial_lr": "torch's schedulers keep initial_lr for themselves",
    "lr_scale": "lr_scale is read, not driven: it multiplies the group's lr",
    "betas": "betas holds two values: drive betas[0] with momentum= and betas[1] with beta2=",
}

Target = tuple[str, "int | None"]
"""A field's place in a group: the key, and the index into the tuple it holds or None."""


def target(name: str, group: Mapping[str, object], index: int) -> Target:
    """Where field ``name`` goes in ``group``, param group number ``index``, or an error."""
    if name in _RESERVED:
        raise ParameterTypeError(f"ScheduleLR cannot drive {name!r}: {_RESERVED[name]}")
    if name in group:
        return name, None
    if name in ("momentum", "beta2") and "betas" in group:
        return "betas", 0 if name == "momentum" else 1
    keys = [key for key in group if key != "params"]
    if name in KNOWN:
        extra = " or 'betas'" if name in ("momentum", "beta2") else ""
        raise ParameterValueError(
            f"param group {index} has no {name!r}{extra}, so its optimizer would never read "
            f"it; the group's keys are {', '.join(keys)}"
        )
    close = difflib.get_close_matches(name, [*keys, *sorted(KNOWN)], n=1, cutoff=0.8)
    if close:
        hint = _RESERVED["betas"] if close[0] == "betas" else f"did you mean {close[0]!r}?"
        raise ParameterValueError(
            f"param group {index} has no {name!r}: {hint} To drive a new key of that name, "
            "put it in the param groups before building the ScheduleLR"
        )
    return name, None


def label(name: str, place: Target, index: int) -> str:
    """A field in an error message: ``momentum (betas[0]) of param group 1``."""
    key, at = place
    where = f" ({key}[{at}])" if at is not None else ""
    return f"{name}{where} of param group {index}"


def domain(name: str, place: Target) -> Domain | None:
    """The values field ``name`` may take where it goes, or None for a custom key."""
    return BETA if place[0] == "betas" else _DOMAINS.get(name)


def check(what: str, schedule: Schedule, allowed: Domain | None, scale: float = 1.0) -> None:
    """Refuse ``schedule * scale`` for a field whose values must stay in ``allowed``."""
    if allowed is None:
        return
    low, high = value_range(schedule)
    if scale != 1.0:
        low, high = low * scale, high * scale
    why = allowed.refusal(low, high)
    if why is not None:
        scaled = f" times its lr_scale {scale!r}" if scale != 1.0 else ""
        raise ParameterValueError(
            f"{what} must be {allowed.text} at every step, but its schedule{scaled} {why}: "
            f"{validate.shown(schedule)}"
        )


def lr_scale(group: Mapping[str, object], index: int) -> float:
    """The group's ``lr_scale`` (timm's layer-wise decay), 1.0 if it has none."""
    if "lr_scale" not in group:
        return 1.0
    return validate.rate(f"lr_scale of param group {index}", group["lr_scale"])


def per_group(name: str, value: object, groups: int) -> tuple[Schedule, ...]:
    """``value``, one schedule or a sequence of them, as one schedule per param group."""
    if isinstance(value, Schedule):
        return (value,) * groups
    if not isinstance(value, Sequence) or not all(isinstance(s, Schedule) for s in value):
        raise ParameterTypeError(
            f"{name} must be a Schedule or a sequence of them, got {validate.describe(value)}"
        )
    if len(value) != groups:
        raise ParameterValueError(
            f"{name} must be one schedule or one per param group: got {len(value)} "
            f"schedules for {groups} param group{'s' if groups != 1 else ''}"
        )
    return tuple(value)


def shared(name: str, schedules: Sequence[Schedule]) -> Schedule:
    """The one schedule every group has for ``name``, for a group added later."""
    first = schedules[0]
    if all(s is first or s == first for s in schedules):
        return first
    raise ParameterValueError(
        f"a param group was added, and the groups have different {name} schedules, so "
        "which one the new group takes is not known: add the group with "
        f"scheduler.add_param_group(group, {'schedule' if name == 'lr' else name}=...)"
    )
