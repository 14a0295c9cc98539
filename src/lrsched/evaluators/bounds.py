"""The range evaluator, ``value_range``: bounds ``(low, high)`` that contain every value
a schedule takes.

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

from sys import float_info
from typing import Any

from ..core.composites import Bounded, Phases, Scaled, Shifted, WithWarmup
from ..core.registry import RANGE, require, rule
from ..core.schedule import Schedule, lowered
from ..core.seam import install

Range = tuple[float, float]


_ROUNDING = 2.0**-49  # 8 to 16 ulps of the larger rate


_SUBNORMAL_ROUNDING = 2.0**-1070  # 16 units of the smallest subnormal


def between(*values: float) -> Range:
    """The bounds of a curve that moves between ``values``, widened for its rounding
    (never below 0 when every value is >= 0)."""
    low, high = min(values), max(values)
    slack = max(high, -low) * _ROUNDING + _SUBNORMAL_ROUNDING
    floor = 0.0 if low >= 0.0 else -float_info.max
    return max(floor, low - slack), min(high + slack, float_info.max)


@rule(RANGE, WithWarmup)
def _with_warmup(node: WithWarmup) -> Range:
    low, high = value_range(node.schedule)
    return between(low, high, node.warmup.start_lr)


@rule(RANGE, Phases)
def _phases(node: Phases) -> Range:
    lows, highs = zip(*(value_range(phase) for phase in node.phases), strict=True)
    return min(lows), max(highs)


@rule(RANGE, Bounded)
def _bounded(node: Bounded) -> Range:
    return value_range(node.schedule)


@rule(RANGE, Shifted)
def _shifted(node: Shifted) -> Range:
    # The whole schedule's bounds: they hold from any start, if not tightly.
    return value_range(node.schedule)


@rule(RANGE, Scaled)
def _scaled(node: Scaled) -> Range:
    low, high = value_range(node.schedule)
    return low * node.factor, high * node.factor


def value_range(node: Schedule) -> Range:
    """Bounds ``(low, high)`` with ``low <= s(k) <= high`` for every step ``k``."""
    tree = lowered(node)
    bounds: Range = require(RANGE, tree)(tree)
    return bounds


def decays_to_zero(node: Any) -> Range:
    """The bounds of a decay from ``base_lr`` toward 0, which it approaches but may reach
    only by underflow."""
    return 0.0, node.base_lr


install(value_range=value_range)
