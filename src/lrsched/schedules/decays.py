"""Multiplicative decays: ``StepDecay``, ``MultiStep`` and ``Exponential``, each beside
its rules for every evaluator."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..core import validate
from ..core.errors import ParameterTypeError
from ..core.node import keyword_repr, restore, store
from ..core.registry import ARRAY, RANGE, SCALAR, register, rule
from ..core.schedule import Schedule
from ..evaluators import array, bounds, scalar
from ..evaluators.array import ArrayFn
from ..evaluators.bounds import Range
from ..evaluators.scalar import ScalarFn


def _milestones(value: object) -> tuple[int, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ParameterTypeError(
            f"milestones must be a sequence of positive ints, got {validate.describe(value)}"
        )
    return tuple(sorted(validate.count("milestones item", m) for m in value))


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class StepDecay(Schedule):
    """Multiply by ``gamma`` every ``step_size`` steps (torch ``StepLR``).

    ``lr(k) = base_lr * gamma ** floor(k / step_size)``, so ``lr(0) = base_lr`` and
    ``lr(step_size) = base_lr * gamma``. ``gamma`` is in (0, 1]. Never ends.
    """

    base_lr: float
    gamma: float
    step_size: int

    def __post_init__(self) -> None:
        store(
            self,
            base_lr=validate.rate("base_lr", self.base_lr),
            gamma=validate.unit_fraction("gamma", self.gamma),
            step_size=validate.count("step_size", self.step_size),
        )

    @property
    def duration(self) -> int | None:
        return None


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class MultiStep(Schedule):
    """Multiply by ``gamma`` at each milestone step (torch ``MultiStepLR``).

    ``lr(k) = base_lr * gamma ** n(k)`` where ``n(k)`` counts the milestones ``<= k``
    (a repeated milestone counts twice). ``milestones`` is stored as a sorted tuple, so
    equal inputs give equal objects. Never ends.
    """

    base_lr: float
    milestones: tuple[int, ...]
    gamma: float

    def __post_init__(self) -> None:
        store(
            self,
            base_lr=validate.rate("base_lr", self.base_lr),
            milestones=_milestones(self.milestones),
            gamma=validate.unit_fraction("gamma", self.gamma),
        )

    @property
    def duration(self) -> int | None:
        return None


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Exponential(Schedule):
    """Decay by ``gamma`` every ``decay_steps`` steps, continuously (torch
    ``ExponentialLR``; Keras ``ExponentialDecay`` and optax ``exponential_decay`` without
    staircase).

    ``lr(k) = base_lr * gamma ** (k / decay_steps)``, so ``lr(decay_steps) = base_lr *
    gamma``; with the default ``decay_steps=1``, ``lr(k) = base_lr * gamma ** k`` (an int
    power, as 0.1.0 computed it). ``gamma`` is in (0, 1]. Never ends. ``decay_steps`` is
    left out of ``repr``, the dict form and pickles when it is 1, so 0.2.0's are
    unchanged. For the staircase form (``gamma ** (k // n)``) use ``StepDecay``.

    >>> from lrsched import Exponential
    >>> Exponential(base_lr=0.1, gamma=0.5, decay_steps=100)
    Exponential(base_lr=0.1, gamma=0.5, decay_steps=100)
    >>> s = _
    >>> s(0), s(100), s(200)
    (0.1, 0.05, 0.025)
    """

    base_lr: float
    gamma: float
    decay_steps: int = 1

    def __post_init__(self) -> None:
        store(
            self,
            base_lr=validate.rate("base_lr", self.base_lr),
            gamma=validate.unit_fraction("gamma", self.gamma),
            decay_steps=validate.count("decay_steps", self.decay_steps),
        )

    @property
    def duration(self) -> int | None:
        return None

    __repr__ = keyword_repr

    def __reduce__(self) -> tuple[Any, ...]:
        values: dict[str, Any] = {"base_lr": self.base_lr, "gamma": self.gamma}
        if self.decay_steps != 1:
            values["decay_steps"] = self.decay_steps
        return restore, (type(self), values)


@rule(SCALAR, StepDecay)
def _step_decay_scalar(node: StepDecay) -> ScalarFn:
    base, gamma, size = node.base_lr, node.gamma, node.step_size

    def step_decay(k: int) -> float:
        drops = k // size
        return base * gamma ** (drops if drops < scalar.EXPONENT_CAP else scalar.EXPONENT_CAP)

    return step_decay


@rule(SCALAR, MultiStep)
def _multi_step_scalar(node: MultiStep) -> ScalarFn:
    base, gamma, milestones = node.base_lr, node.gamma, node.milestones

    def multi_step(k: int) -> float:
        return base * gamma ** bisect_right(milestones, k)

    return multi_step


@rule(SCALAR, Exponential)
def _exponential_scalar(node: Exponential) -> ScalarFn:
    base, gamma, period = node.base_lr, node.gamma, node.decay_steps
    if period == 1:

        def exponential(k: int) -> float:
            return base * gamma ** (k if k < scalar.EXPONENT_CAP else scalar.EXPONENT_CAP)

        return exponential
    # k / period as the int division Python rounds once; the cap keeps the quotient a
    # float (at most 2**63, where the power has long underflowed) for any huge step.
    cap = scalar.EXPONENT_CAP * period

    def exponential_over_period(k: int) -> float:
        power: float = gamma ** ((k if k < cap else cap) / period)  # float ** float: Any
        return base * power

    return exponential_over_period


@rule(ARRAY, StepDecay)
def _step_decay_array(node: StepDecay) -> ArrayFn:
    base, gamma, size = node.base_lr, node.gamma, node.step_size

    def step_decay(xp: Any, k: Any) -> Any:
        return base * gamma ** array.floor_div(xp, k, size)

    return step_decay


@rule(ARRAY, MultiStep)
def _multi_step_array(node: MultiStep) -> ArrayFn:
    base, gamma, milestones = node.base_lr, node.gamma, array.counts(*node.milestones)

    def multi_step(xp: Any, k: Any) -> Any:
        passed = xp.zeros_like(k)
        for milestone in milestones:
            passed = passed + xp.astype(k >= milestone, k.dtype)
        return base * gamma**passed

    return multi_step


@rule(ARRAY, Exponential)
def _exponential_array(node: Exponential) -> ArrayFn:
    base, gamma, (period,) = node.base_lr, node.gamma, array.counts(node.decay_steps)
    if node.decay_steps == 1:

        def exponential(xp: Any, k: Any) -> Any:
            return base * array.power(xp, gamma, k)

        return exponential

    def exponential_over_period(xp: Any, k: Any) -> Any:
        return base * array.power(xp, gamma, k / period)

    return exponential_over_period


rule(RANGE, StepDecay)(bounds.decays_to_zero)
rule(RANGE, Exponential)(bounds.decays_to_zero)


@rule(RANGE, MultiStep)
def _multi_step_range(node: MultiStep) -> Range:
    # Widened: an array library's pow may round gamma ** n an ulp below Python's.
    return bounds.between(node.base_lr * node.gamma ** len(node.milestones), node.base_lr)
