"""The scalar evaluator: compiles a schedule tree into a plain ``int -> float`` function.

Rules come from the registry (``core.registry``): the composites' rules are here, each
schedule's sits beside its class in ``lrsched.schedules``. Compiling walks
the tree once and precomputes what each node needs (a warmup's target, the phase
boundaries for a binary search), so a call costs one closure per node on the path taken.
``Schedule.__call__`` validates the step, compiles on first use and caches the result in
a hidden slot. Every rule computes with the same formula, in the same order, as 0.1.0,
except where 0.1.0's arithmetic overflows: a rate near the float maximum (``halving``,
``InverseSqrt``'s warmup), where the values could not be 0.1.0's anyway.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from functools import wraps
from math import cos, exp, log, pi, sqrt
from sys import float_info
from typing import Any

from ..core.composites import Bounded, Phases, Scaled, Shifted, WithWarmup
from ..core.registry import SCALAR, require, rule
from ..core.schedule import Schedule, lowered
from ..core.seam import install
from .bounds import value_range

ScalarFn = Callable[[int], float]


# Python's float ** int turns the int into a float, which overflows past 2**1024. A decay
# factor below 1 is at most 1 - 2**-53, and (1 - 2**-53) ** 2**63 is already 0.0, so
# capping the exponent at 2**63 changes no value and makes every huge step safe.
EXPONENT_CAP = 2**63


# A curve between two rates, a + (b - a) * w, is within a rounding of the larger one, and
# next to the float maximum that rounding can be up to inf. So a curve whose range passes
# half the maximum is computed at half its rates (exact, bar a subnormal's last bit) and
# doubled back, capped at the maximum: no step overflows, and every other curve keeps
# its 0.1.0 arithmetic to the bit. HALF_MAX is exact: 2**1023 - 2**970.
HALF_MAX = float_info.max / 2


class Halved:
    """The parameters of a curve leaf with every rate (``*_lr``, the values of ``points``)
    halved, read by its rule as the node's own: no node is built (and validated), which
    the array evaluator could not do inside a torch.compile trace."""

    def __init__(self, node: Schedule) -> None:
        self._node = node

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._node, name)
        if name.endswith("_lr"):
            return value * 0.5
        if name == "points":
            return tuple((step, rate * 0.5) for step, rate in value)
        return value


def near_max(node: Schedule) -> bool:
    """Whether a curve's values may round past the float maximum (see HALF_MAX)."""
    return value_range(node)[1] > HALF_MAX


def doubled(half: ScalarFn) -> ScalarFn:
    """The values of ``half`` (a rule at half the rates) doubled, capped at the maximum."""

    def double(k: int) -> float:
        value = half(k)
        if value < -HALF_MAX:  # a ramp into a negative target (a Sum): see magnitude
            return -2.0 * HALF_MAX
        return 2.0 * (value if value < HALF_MAX else HALF_MAX)

    return double


def halving(rule: Callable[[Any], ScalarFn]) -> Callable[[Any], ScalarFn]:
    """A curve rule that compiles a node near the float maximum at half its rates."""

    @wraps(rule)
    def compile_curve(node: Schedule) -> ScalarFn:
        return doubled(rule(Halved(node))) if near_max(node) else rule(node)

    return compile_curve


def magnitude(start: float, schedule: Schedule) -> float:
    """The largest size a warmup ramp from ``start`` into ``schedule`` can reach, which
    decides whether it runs halved; ``schedule`` may go below 0 (a ``Sum``)."""
    low, high = value_range(schedule)
    return max(start, high, -low)


def _ramp(shape: str, start: float, target: float, steps: int) -> ScalarFn:
    """The warmup ramp from ``start`` toward ``target`` for ``k < steps``."""
    if shape == "cosine":

        def cosine_ramp(k: int) -> float:
            return start + (target - start) * (0.5 * (1.0 - cos(pi * (k / steps))))

        return cosine_ramp
    if shape == "1-sqrt":

        def sqrt_ramp(k: int) -> float:
            return start + (target - start) * (1.0 - sqrt(1.0 - k / steps))

        return sqrt_ramp
    if shape == "exponential":
        # log(target) - log(start) rather than log(target / start): the ratio may overflow.
        # exp rounds, so near the end the ramp could pass the target by an ulp or two;
        # clamping to it keeps the ramp monotone into the handoff.
        span = log(target) - log(start)
        clamp = min if target >= start else max

        def exponential_ramp(k: int) -> float:
            return clamp(start * exp(span * (k / steps)), target)

        return exponential_ramp

    def linear_ramp(k: int) -> float:
        return start + (target - start) * (k / steps)

    return linear_ramp


def ramp_for(node: WithWarmup, inner: ScalarFn | None = None) -> ScalarFn:
    """The ramp of ``node``'s warmup into its schedule (compiled here unless given)."""
    target = (inner or compile_scalar(node.schedule))(0)
    steps, start, shape = node.warmup.steps, node.warmup.start_lr, node.warmup.shape
    # The exponential ramp is clamped instead; the test is _array's, which has no s(0).
    if shape != "exponential" and magnitude(start, node.schedule) > HALF_MAX:
        return doubled(_ramp(shape, start * 0.5, target * 0.5, steps))
    return _ramp(shape, start, target, steps)


@rule(SCALAR, WithWarmup)
def _with_warmup(node: WithWarmup) -> ScalarFn:
    inner = compile_scalar(node.schedule)
    ramp, steps = ramp_for(node, inner), node.warmup.steps

    def with_warmup(k: int) -> float:
        if k < steps:
            return ramp(k)
        return inner(k - steps)

    return with_warmup


@rule(SCALAR, Phases)
def _phases(node: Phases) -> ScalarFn:
    fns = [compile_scalar(phase) for phase in node.phases]
    starts = node.starts

    def phases(k: int) -> float:
        i = bisect_right(starts, k) - 1
        return fns[i](k - starts[i])

    return phases


@rule(SCALAR, Bounded)
def _bounded(node: Bounded) -> ScalarFn:
    inner, last = compile_scalar(node.schedule), node.steps - 1

    def bounded(k: int) -> float:
        return inner(k if k < last else last)

    return bounded


@rule(SCALAR, Shifted)
def _shifted(node: Shifted) -> ScalarFn:
    inner, start = compile_scalar(node.schedule), node.start

    def shifted(k: int) -> float:
        return inner(k + start)

    return shifted


@rule(SCALAR, Scaled)
def _scaled(node: Scaled) -> ScalarFn:
    inner, factor = compile_scalar(node.schedule), node.factor

    def scaled(k: int) -> float:
        return inner(k) * factor

    return scaled


def compile_scalar(node: Schedule) -> ScalarFn:
    """Compile ``node`` into a function of a validated (non-negative int) step."""
    tree = lowered(node)
    compiled: ScalarFn = require(SCALAR, tree)(tree)
    return compiled


install(compile_scalar=compile_scalar)
