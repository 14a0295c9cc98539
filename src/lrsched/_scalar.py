"""The scalar evaluator: compiles a schedule tree into a plain ``int -> float`` function.

One ``functools.singledispatch`` rule per node type, all in this module. Compiling walks
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
from functools import singledispatch, wraps
from math import cos, exp, floor, isfinite, isqrt, log, pi, sqrt
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
from ._range import value_range
from ._wsd import Decay, WarmupStableDecay

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
        return 2.0 * (value if value < HALF_MAX else HALF_MAX)

    return double


def halving(rule: Callable[[Any], ScalarFn]) -> Callable[[Any], ScalarFn]:
    """A curve rule that compiles a node near the float maximum at half its rates."""

    @wraps(rule)
    def compile_curve(node: Schedule) -> ScalarFn:
        return doubled(rule(Halved(node))) if near_max(node) else rule(node)

    return compile_curve


@singledispatch
def compile_scalar(node: Schedule) -> ScalarFn:
    """Compile ``node`` into a function of a validated (non-negative int) step."""
    raise UnsupportedNodeError(f"the scalar evaluator has no rule for {type(node).__name__}")


@compile_scalar.register
def _constant(node: Constant) -> ScalarFn:
    lr = node.lr

    def constant(k: int) -> float:
        return lr

    return constant


@compile_scalar.register
def _step_decay(node: StepDecay) -> ScalarFn:
    base, gamma, size = node.base_lr, node.gamma, node.step_size

    def step_decay(k: int) -> float:
        drops = k // size
        return base * gamma ** (drops if drops < EXPONENT_CAP else EXPONENT_CAP)

    return step_decay


@compile_scalar.register
def _multi_step(node: MultiStep) -> ScalarFn:
    base, gamma, milestones = node.base_lr, node.gamma, node.milestones

    def multi_step(k: int) -> float:
        return base * gamma ** bisect_right(milestones, k)

    return multi_step


@compile_scalar.register
def _exponential(node: Exponential) -> ScalarFn:
    base, gamma = node.base_lr, node.gamma

    def exponential(k: int) -> float:
        return base * gamma ** (k if k < EXPONENT_CAP else EXPONENT_CAP)

    return exponential


@compile_scalar.register(Linear)
@halving
def _linear(node: Linear) -> ScalarFn:
    base, end, total = node.base_lr, node.end_lr, node.total_steps

    def linear(k: int) -> float:
        return base + (end - base) * ((k if k < total else total) / total)

    return linear


@compile_scalar.register(Polynomial)
@halving
def _polynomial(node: Polynomial) -> ScalarFn:
    base, end, total, power = node.base_lr, node.end_lr, node.total_steps, node.power

    def polynomial(k: int) -> float:
        rate: float = end + (base - end) * (1.0 - (k if k < total else total) / total) ** power
        return rate

    return polynomial


def _cosine_curve(base: float, low: float, total: int) -> ScalarFn:
    """The half cosine from ``base`` to ``low`` over ``total`` steps, then ``low``."""

    def cosine(k: int) -> float:
        return low + 0.5 * (base - low) * (1.0 + cos(pi * (k if k < total else total) / total))

    return cosine


@compile_scalar.register(Cosine)
@halving
def _cosine(node: Cosine) -> ScalarFn:
    return _cosine_curve(node.base_lr, node.min_lr, node.total_steps)


def restart_index(k: int, period: int, t_mult: int) -> int:
    """The index ``i`` of the SGDR cycle that holds step ``k``, for ``t_mult >= 2``."""
    # Cycle i starts at period * (t_mult**i - 1) / (t_mult - 1); guess i with a log, then
    # correct it with exact integer arithmetic, since the float log can be off by one.
    i = floor(log(1 + k * (t_mult - 1) // period, t_mult))
    while i > 0 and period * (t_mult**i - 1) // (t_mult - 1) > k:
        i -= 1
    while period * (t_mult ** (i + 1) - 1) // (t_mult - 1) <= k:
        i += 1
    return i


def restart_cycle(k: int, period: int, t_mult: int) -> tuple[int, int]:
    """``(t, T_i)``: the offset of step ``k`` in its SGDR cycle and that cycle's length."""
    if t_mult == 1:
        return k % period, period
    i = restart_index(k, period, t_mult)
    start = period * (t_mult**i - 1) // (t_mult - 1)
    return k - start, period * t_mult**i


@compile_scalar.register(CosineRestarts)
@halving
def _cosine_restarts(node: CosineRestarts) -> ScalarFn:
    base, low, period, t_mult = node.base_lr, node.min_lr, node.period, node.t_mult

    def cosine_restarts(k: int) -> float:
        t, length = restart_cycle(k, period, t_mult)
        # pi * t overflows once a cycle is longer than a float can count (k near 2**1024).
        angle = pi * t / length if length < EXPONENT_CAP else pi * (t / length)
        return low + 0.5 * (base - low) * (1.0 + cos(angle))

    return cosine_restarts


@compile_scalar.register
def _inverse_sqrt(node: InverseSqrt) -> ScalarFn:
    base, warmup = node.base_lr, node.warmup_steps

    def inverse_sqrt(k: int) -> float:
        if k < warmup:
            return base * k / warmup
        rate: float = base * (warmup / k) ** 0.5
        return rate

    def inverse_sqrt_huge(k: int) -> float:
        if k < warmup:
            return base * (k / warmup)
        rate: float = base * (warmup / k) ** 0.5
        return rate

    # 0.1.0's base * k / W overflows mid-warmup for a base near the float maximum; only
    # there is the ramp base * (k / W), so every other value stays 0.1.0's to the bit.
    return inverse_sqrt if isfinite(base * warmup) else inverse_sqrt_huge


@compile_scalar.register(OneCycle)
@halving
def _one_cycle(node: OneCycle) -> ScalarFn:
    top, total, peak = node.max_lr, node.total_steps, node.peak_step
    start, end = top / node.initial_div, top / node.final_div

    def one_cycle(k: int) -> float:
        if k <= peak:
            return start + 0.5 * (top - start) * (1.0 - cos(pi * (k / peak)))
        frac = ((k if k < total else total) - peak) / (total - peak)
        return end + 0.5 * (top - end) * (1.0 + cos(pi * frac))

    return one_cycle


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


@compile_scalar.register
def _with_warmup(node: WithWarmup) -> ScalarFn:
    inner = compile_scalar(node.schedule)
    steps, start, shape = node.warmup.steps, node.warmup.start_lr, node.warmup.shape
    target = inner(0)
    # The exponential ramp is clamped instead; the test is _array's, which has no s(0).
    if shape != "exponential" and max(start, value_range(node.schedule)[1]) > HALF_MAX:
        ramp = doubled(_ramp(shape, start * 0.5, target * 0.5, steps))
    else:
        ramp = _ramp(shape, start, target, steps)

    def with_warmup(k: int) -> float:
        if k < steps:
            return ramp(k)
        return inner(k - steps)

    return with_warmup


@compile_scalar.register
def _phases(node: Phases) -> ScalarFn:
    fns = [compile_scalar(phase) for phase in node.phases]
    starts = node.starts

    def phases(k: int) -> float:
        i = bisect_right(starts, k) - 1
        return fns[i](k - starts[i])

    return phases


@compile_scalar.register
def _bounded(node: Bounded) -> ScalarFn:
    inner, last = compile_scalar(node.schedule), node.steps - 1

    def bounded(k: int) -> float:
        return inner(k if k < last else last)

    return bounded


@compile_scalar.register
def _scaled(node: Scaled) -> ScalarFn:
    inner, factor = compile_scalar(node.schedule), node.factor

    def scaled(k: int) -> float:
        return inner(k) * factor

    return scaled


@compile_scalar.register(Cyclic)
@halving
def _cyclic(node: Cyclic) -> ScalarFn:
    base, height = node.base_lr, node.max_lr - node.base_lr
    up = node.step_size_up
    down = node.step_size_down or up  # never None once constructed
    size, gamma = up + down, node.gamma

    def wave(t: int) -> float:
        return t / up if t <= up else (size - t) / down

    if node.mode == "triangular2":

        def triangular2(k: int) -> float:
            cycle, t = divmod(k, size)
            # torch's 1 / 2.0 ** (c - 1), with its 1-based c, overflows after ~1024 cycles;
            # 0.5 ** cycle is the same power of two and underflows to 0 instead.
            return base + height * wave(t) * 0.5 ** (
                cycle if cycle < EXPONENT_CAP else EXPONENT_CAP
            )

        return triangular2
    if node.mode == "exp_range":

        def exp_range(k: int) -> float:
            return base + height * wave(k % size) * gamma ** (
                k if k < EXPONENT_CAP else EXPONENT_CAP
            )

        return exp_range

    def triangular(k: int) -> float:
        return base + height * wave(k % size) * 1.0

    return triangular


@compile_scalar.register
def _noam(node: Noam) -> ScalarFn:
    factor: float = node.scale * node.d_model**-0.5
    slope: float = node.warmup_steps**-1.5

    def noam(k: int) -> float:
        n = k + 1
        if n > EXPONENT_CAP:  # n ** -0.5 would turn n into a float, overflowing past 2**1024
            return factor * (1 / isqrt(n))
        rate: float = factor * min(n**-0.5, n * slope)
        return rate

    return noam


@compile_scalar.register(Decay)
@halving
def _decay(node: Decay) -> ScalarFn:
    base, end, total, shape = node.base_lr, node.end_lr, node.steps, node.shape
    if shape == "cosine":  # Cosine's own function, so the values are identical
        return _cosine_curve(base, end, total)
    # With the steps left (total - k) / total, exactly 0 at the end in any backend:
    # 1 - p, and 1 - sqrt(p) as (1 - p) / (1 + sqrt(p)), which also avoids cancellation.
    if shape == "1-sqrt":

        def sqrt_decay(k: int) -> float:
            done = k if k < total else total
            return end + (base - end) * ((total - done) / total / (1.0 + sqrt(done / total)))

        return sqrt_decay

    def linear_decay(k: int) -> float:
        return end + (base - end) * ((total - (k if k < total else total)) / total)

    return linear_decay


@compile_scalar.register
def _warmup_stable_decay(node: WarmupStableDecay) -> ScalarFn:
    return compile_scalar(node.expand())


@compile_scalar.register(Interpolate)
@halving
def _interpolate(node: Interpolate) -> ScalarFn:
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
