"""The range evaluator: bounds ``(low, high)`` that contain every value a schedule takes.

The bounds are the extremes of the formulas (``base_lr`` and ``min_lr`` of a ``Cosine``,
the peak of a ``OneCycle``...) and the infimum 0 for the decays that only approach it.
A formula that moves between two rates, such as ``a + (b - a) * w``, rounds to within a
few ulps of the larger one, and may land that far outside ``[min(a, b), max(a, b)]``
(``Cosine(base_lr=1.8676663310777006, min_lr=6.0, ...)(0)`` is one ulp below
``base_lr``), so such bounds are widened by ``2 ** -49`` of the larger rate, and by 16
subnormal units (``2 ** -1070``), since below ``2 ** -1022`` a rounding is a whole unit
of ``2 ** -1074`` rather than a fraction of an ulp. Composites
combine their children's bounds, so a composite's bounds may be wider than its curve
(``s[:n]`` keeps the bounds of ``s``). ``Scaled`` uses them to refuse factors that would
overflow to infinity.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import singledispatch
from sys import float_info
from typing import Any

from ._base import Schedule
from ._composites import Bounded, Phases, Scaled, WithWarmup
from ._cyclic import Cyclic
from ._errors import UnsupportedNodeError
from ._interpolate import Interpolate
from ._leaves import (
    Constant,
    Cosine,
    CosineRestarts,
    Exponential,
    InverseSqrt,
    Linear,
    MultiStep,
    OneCycle,
    Polynomial,
    StepDecay,
)
from ._noam import Noam
from ._wsd import Decay, WarmupStableDecay

Range = tuple[float, float]

_ROUNDING = 2.0**-49  # 8 to 16 ulps of the larger rate
_SUBNORMAL_ROUNDING = 2.0**-1070  # 16 units of the smallest subnormal


def _between(*values: float) -> Range:
    """The bounds of a curve that moves between ``values``, widened for its rounding."""
    low, high = min(values), max(values)
    slack = high * _ROUNDING + _SUBNORMAL_ROUNDING
    return max(0.0, low - slack), min(high + slack, float_info.max)


@singledispatch
def range_rule(node: Schedule) -> Range:
    """The rule bounding ``node``; register one per node type with ``@range_rule.register``."""
    raise UnsupportedNodeError(f"the range evaluator has no rule for {type(node).__name__}")


@range_rule.register
def _constant(node: Constant) -> Range:
    return node.lr, node.lr


@range_rule.register(StepDecay)
@range_rule.register(Exponential)
@range_rule.register(InverseSqrt)
def _decay_to_zero(node: StepDecay | Exponential | InverseSqrt) -> Range:
    return 0.0, node.base_lr


@range_rule.register
def _multi_step(node: MultiStep) -> Range:
    # Widened: an array library's pow may round gamma ** n an ulp below Python's.
    return _between(node.base_lr * node.gamma ** len(node.milestones), node.base_lr)


@range_rule.register(Linear)
@range_rule.register(Polynomial)
def _to_end(node: Linear | Polynomial) -> Range:
    return _between(node.base_lr, node.end_lr)


@range_rule.register(Cosine)
@range_rule.register(CosineRestarts)
def _to_min(node: Cosine | CosineRestarts) -> Range:
    return _between(node.base_lr, node.min_lr)


@range_rule.register
def _one_cycle(node: OneCycle) -> Range:
    return _between(node.max_lr, node.max_lr / node.initial_div, node.max_lr / node.final_div)


@range_rule.register
def _with_warmup(node: WithWarmup) -> Range:
    low, high = value_range(node.schedule)
    return _between(low, high, node.warmup.start_lr)


@range_rule.register
def _phases(node: Phases) -> Range:
    lows, highs = zip(*(value_range(phase) for phase in node.phases), strict=True)
    return min(lows), max(highs)


@range_rule.register
def _bounded(node: Bounded) -> Range:
    return value_range(node.schedule)


@range_rule.register
def _scaled(node: Scaled) -> Range:
    low, high = value_range(node.schedule)
    return low * node.factor, high * node.factor


@range_rule.register
def _cyclic(node: Cyclic) -> Range:
    return _between(node.base_lr, node.max_lr)


@range_rule.register
def _noam(node: Noam) -> Range:
    # Past a warmup near 2**53, the step after the peak can round an ulp above it.
    return _between(0.0, node.peak_lr)


@range_rule.register
def _decay(node: Decay) -> Range:
    return _between(node.base_lr, node.end_lr)


@range_rule.register
def _warmup_stable_decay(node: WarmupStableDecay) -> Range:
    return value_range(node.expand())


@range_rule.register
def _interpolate(node: Interpolate) -> Range:
    return _between(*(value for _, value in node.points))


# The array evaluator asks for bounds while it compiles, inside torch.compile traces,
# which cannot trace singledispatch's own dispatch (see _array._RULES): so value_range
# looks rules up in a plain dict copy, taken once every rule above is registered.
_RULES: dict[type, Callable[[Any], Range]] = {**range_rule.registry, object: range_rule}


def value_range(node: Schedule) -> Range:
    """Bounds ``(low, high)`` with ``low <= s(k) <= high`` for every step ``k``."""
    rule = next(_RULES[cls] for cls in type(node).__mro__ if cls in _RULES)
    return rule(node)
