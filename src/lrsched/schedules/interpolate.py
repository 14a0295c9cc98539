"""Piecewise interpolation between given points: ``Interpolate``, beside its rules for
every evaluator."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from math import cos, pi
from typing import Any

from ..core import validate
from ..core.errors import ParameterTypeError, ParameterValueError
from ..core.node import store
from ..core.registry import ARRAY, RANGE, SCALAR, register, rule
from ..core.schedule import Schedule
from ..core.shapes import INTERPOLATE_SHAPES
from ..evaluators import array, bounds, scalar
from ..evaluators.array import ArrayFn
from ..evaluators.bounds import Range
from ..evaluators.scalar import ScalarFn


def _points(value: object) -> tuple[tuple[int, float], ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ParameterTypeError(
            f"points must be a sequence of (step, lr) pairs, got {validate.describe(value)}"
        )
    points: list[tuple[int, float]] = []
    for point in value:
        if isinstance(point, (str, bytes)) or not isinstance(point, Iterable):
            raise ParameterTypeError(
                f"each of points must be a (step, lr) pair, got {validate.describe(point)}"
            )
        pair = tuple(point)
        if len(pair) != 2:
            raise ParameterValueError(
                f"each of points must be a (step, lr) pair, got {len(pair)} values: "
                f"{validate.shown(point)}"
            )
        step = validate.count("points step", pair[0], minimum=0)
        if points and step <= points[-1][0]:
            raise ParameterValueError(
                f"points steps must be strictly increasing, got {step!r} after {points[-1][0]!r}"
            )
        points.append((step, validate.rate("points lr", pair[1])))
    if len(points) < 2:
        raise ParameterValueError(
            f"points needs at least two (step, lr) pairs, got {validate.shown(value)}"
        )
    if points[0][0] != 0:
        raise ParameterValueError(
            f"points must start at step 0 (the rate there is the schedule's first), "
            f"got a first step of {points[0][0]!r}"
        )
    return tuple(points)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Interpolate(Schedule):
    """Rates given at milestone steps, interpolated in between, held after the last.

    ``points = ((s_0, v_0), ..., (s_n, v_n))`` with ``0 = s_0 < s_1 < ... < s_n`` (at
    least two points). For ``s_i <= k < s_(i+1)``, with ``p = (k - s_i) / (s_(i+1) - s_i)``:

    - ``shape="linear"``: ``lr(k) = v_i + (v_(i+1) - v_i) * p``;
    - ``shape="cosine"``: ``lr(k) = v_i + (v_(i+1) - v_i) * (1 - cos(pi * p)) / 2``;

    and ``lr(k) = v_n`` for ``k >= s_n``. So ``lr(s_i) = v_i`` exactly at every
    milestone, every value lies between its two neighbours, and the duration is
    ``s_n``. Useful for copying a schedule from a paper's table.

    Like optax ``piecewise_interpolate_schedule`` and fastai ``combine_scheds``, which
    parametrise differently: optax takes ``init_value`` and multiplicative
    ``boundaries_and_scales``, so its ``{b_1: c_1, b_2: c_2}`` is ``points=((0, v),
    (b_1, v * c_1), (b_2, v * c_1 * c_2))``; fastai takes fractions of the run and a
    schedule per piece (``SchedLin``, ``SchedCos``), which become milestones at those
    fractions of the total.
    """

    points: tuple[tuple[int, float], ...]
    shape: str

    def __post_init__(self) -> None:
        store(
            self,
            points=_points(self.points),
            shape=validate.choice("shape", self.shape, INTERPOLATE_SHAPES),
        )

    @property
    def duration(self) -> int | None:
        return self.points[-1][0]


@rule(SCALAR, Interpolate)
@scalar.halving
def _interpolate_scalar(node: Interpolate) -> ScalarFn:
    steps = [step for step, _ in node.points]
    values = [value for _, value in node.points]
    last, cosine = len(steps) - 1, node.shape == "cosine"

    def interpolate(k: int) -> float:
        i = bisect_right(steps, k) - 1
        if i >= last:
            return values[last]
        p = (k - steps[i]) / (steps[i + 1] - steps[i])
        if cosine:
            p = 0.5 * (1.0 - cos(pi * p))
        return values[i] + (values[i + 1] - values[i]) * p

    return interpolate


@rule(ARRAY, Interpolate)
@array.halving
def _interpolate_array(node: Interpolate) -> ArrayFn:
    points, cosine = [(float(s), v) for s, v in node.points], node.shape == "cosine"

    def interpolate(xp: Any, k: Any) -> Any:
        out = xp.full_like(k, points[-1][1])
        # A where-chain from the last segment back: segment i wherever k < s_(i+1).
        for (a, va), (b, vb) in zip(points[-2::-1], points[:0:-1], strict=True):
            p = (xp.clip(k, a, b) - a) / (b - a)
            if cosine:
                p = 0.5 * (1.0 - xp.cos(pi * p))
            out = xp.where(k < b, va + (vb - va) * p, out)
        return out

    return interpolate


@rule(RANGE, Interpolate)
def _interpolate_range(node: Interpolate) -> Range:
    return bounds.between(*(value for _, value in node.points))
