"""Cosine annealing: ``Cosine``, SGDR's ``CosineRestarts`` and ``WarmupCosine``, each
beside its rules for every evaluator."""

from __future__ import annotations

from dataclasses import dataclass
from math import cos, floor, log, pi
from typing import Any

from ..core import validate
from ..core.composites import Warmup, check_exponential_warmup, store_warmup_fields
from ..core.errors import ParameterValueError
from ..core.node import keyword_repr, store
from ..core.registry import ARRAY, RANGE, SCALAR, register, rule
from ..core.schedule import Expanding, Schedule
from ..evaluators import array, bounds, scalar
from ..evaluators.array import ArrayFn
from ..evaluators.bounds import Range
from ..evaluators.inline import curve_source, leaf
from ..evaluators.scalar import ScalarFn


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Cosine(Schedule):
    """Cosine annealing from ``base_lr`` to ``min_lr`` over ``total_steps`` (``T``), then hold.

    ``lr(k) = min_lr + (base_lr - min_lr) * (1 + cos(pi * min(k, T) / T)) / 2``:
    ``lr(0) = base_lr`` (to rounding), ``lr(T/2)`` is the midpoint, ``lr(T) = min_lr``
    exactly, and after.
    Loshchilov and Hutter, "SGDR", ICLR 2017 (one cycle, no restart). Duration ``T``.
    """

    base_lr: float
    min_lr: float
    total_steps: int

    def __post_init__(self) -> None:
        store(
            self,
            base_lr=validate.rate("base_lr", self.base_lr),
            min_lr=validate.rate("min_lr", self.min_lr),
            total_steps=validate.count("total_steps", self.total_steps),
        )

    @property
    def duration(self) -> int | None:
        return self.total_steps


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class CosineRestarts(Schedule):
    """Cosine annealing with warm restarts (SGDR, Loshchilov and Hutter, ICLR 2017).

    Cycle ``i`` (from 0) lasts ``T_i = period * t_mult ** i`` steps and starts at
    ``S_i = T_0 + ... + T_(i-1)``. For ``S_i <= k < S_i + T_i``, with ``t = k - S_i``:
    ``lr(k) = min_lr + (base_lr - min_lr) * (1 + cos(pi * t / T_i)) / 2``. Every cycle
    starts at ``base_lr``; ``t_mult = 1`` keeps cycles equal. Never ends.
    """

    base_lr: float
    min_lr: float
    period: int
    t_mult: int

    def __post_init__(self) -> None:
        store(
            self,
            base_lr=validate.rate("base_lr", self.base_lr),
            min_lr=validate.rate("min_lr", self.min_lr),
            period=validate.count("period", self.period),
            t_mult=validate.count("t_mult", self.t_mult),
        )

    @property
    def duration(self) -> int | None:
        return None


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class WarmupCosine(Expanding):
    """A warmup to ``peak_lr``, then a cosine decay to ``min_lr``, in ``total_steps`` steps
    that count the warmup: the most used schedule in the field.

    With ``W = warmup_steps``, ``T = total_steps``, ``a = start_lr``, ``p = peak_lr``,
    ``m = min_lr``:

    - ``k < W``: the ramp of ``Warmup(steps=W, start_lr=a, shape=warmup_shape)`` from
      ``a`` to ``p``; for the default linear shape ``lr(k) = a + (p - a) * k / W``;
    - ``W <= k < T``: ``lr(k) = m + (p - m) * (1 + cos(pi * (k - W) / (T - W))) / 2``;
    - ``k >= T``: ``lr(k) = m``.

    So ``lr(0) = a``, ``lr(W) = p`` (the peak), ``lr(T) = m``. ``W`` may be 0 (no
    warmup); ``T > W``. Duration ``T``. It is, at every step, its operator form
    ``Warmup(steps=W, start_lr=a, shape=warmup_shape) >> Cosine(base_lr=p, min_lr=m,
    total_steps=T - W)``, which ``expand()`` returns and every evaluator runs, so a config
    names the schedule without arithmetic on step counts.

    References, with the same counting of ``T``:

    - optax ``warmup_cosine_decay_schedule(init_value=a, peak_value=p,
      warmup_steps=W, decay_steps=T, end_value=m)`` (its ``exponent=1.0``);
    - transformers ``get_cosine_schedule_with_warmup(opt, num_warmup_steps=W,
      num_training_steps=T)`` with base rate ``lr`` is ``peak_lr=lr, min_lr=0.0,
      start_lr=0.0``, up to step ``T`` (past it transformers' cosine rises again;
      lrsched holds ``m``), and its default ``num_cycles=0.5`` only.

    >>> s = WarmupCosine(peak_lr=1.0, min_lr=0.0, start_lr=0.0, warmup_steps=10, total_steps=110)
    >>> s(0), s(5), s(10), s(60), s(110)
    (0.0, 0.5, 1.0, 0.5, 0.0)
    """

    peak_lr: float
    min_lr: float
    start_lr: float
    warmup_steps: int
    total_steps: int
    warmup_shape: str = "linear"

    def __post_init__(self) -> None:
        store_warmup_fields(self)
        if self.total_steps <= self.warmup_steps:
            raise ParameterValueError(
                "total_steps counts the warmup, so it must be > warmup_steps, got "
                f"total_steps={self.total_steps!r}, warmup_steps={self.warmup_steps!r}"
            )
        check_exponential_warmup(self)
        self.expand()  # builds and checks the tree (an exponential ramp's ratio, too)

    __repr__ = keyword_repr

    def _expansion(self) -> Schedule:
        decay = Cosine(
            base_lr=self.peak_lr,
            min_lr=self.min_lr,
            total_steps=self.total_steps - self.warmup_steps,
        )
        if not self.warmup_steps:
            return decay
        warmup = Warmup(steps=self.warmup_steps, start_lr=self.start_lr, shape=self.warmup_shape)
        tree: Schedule = warmup >> decay
        return tree


def cosine_curve_scalar(base: float, low: float, total: int) -> ScalarFn:
    """The half cosine from ``base`` to ``low`` over ``total`` steps, then ``low``."""

    def cosine(k: int) -> float:
        return low + 0.5 * (base - low) * (1.0 + cos(pi * (k if k < total else total) / total))

    return cosine


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


@rule(SCALAR, Cosine)
@scalar.halving
def _cosine_scalar(node: Cosine) -> ScalarFn:
    return cosine_curve_scalar(node.base_lr, node.min_lr, node.total_steps)


@leaf(Cosine)
def _cosine_inline(node: Cosine, below: int | None) -> str | None:
    if scalar.near_max(node):  # the rule halves: its closure runs
        return None
    return curve_source(node.base_lr, node.min_lr, node.total_steps, "cosine", below)


@rule(SCALAR, CosineRestarts)
@scalar.halving
def _cosine_restarts_scalar(node: CosineRestarts) -> ScalarFn:
    base, low, period, t_mult = node.base_lr, node.min_lr, node.period, node.t_mult

    def cosine_restarts(k: int) -> float:
        t, length = restart_cycle(k, period, t_mult)
        # pi * t overflows once a cycle is longer than a float can count (k near 2**1024).
        angle = pi * t / length if length < scalar.EXPONENT_CAP else pi * (t / length)
        return low + 0.5 * (base - low) * (1.0 + cos(angle))

    return cosine_restarts


def cosine_curve_array(base: float, low: float, steps: int) -> ArrayFn:
    """The half cosine from ``base`` to ``low`` over ``steps`` steps, then ``low``."""
    (total,) = array.counts(steps)

    def cosine(xp: Any, k: Any) -> Any:
        return low + 0.5 * (base - low) * (1.0 + xp.cos(pi * xp.clip(k, None, total) / total))

    return cosine


@rule(ARRAY, Cosine)
@array.halving
def _cosine_array(node: Cosine) -> ArrayFn:
    return cosine_curve_array(node.base_lr, node.min_lr, node.total_steps)


@rule(ARRAY, CosineRestarts)
@array.halving
def _cosine_restarts_array(node: CosineRestarts) -> ArrayFn:
    base, low = node.base_lr, node.min_lr
    period, t_mult, grow = array.counts(node.period, node.t_mult, node.t_mult - 1)

    if t_mult == 1:

        def equal_cycles(xp: Any, k: Any) -> Any:
            t = k % period  # exact for whole floats
            return low + 0.5 * (base - low) * (1.0 + xp.cos(pi * t / period))

        return equal_cycles

    log_t_mult = log(t_mult)
    # Cycle i starts at S_i = period * G_i, G_i = 1 + t_mult + ... + t_mult**(i - 1), and
    # lasts T_i = grow * S_i + period. Every cycle that starts by step 2**53 has S_i and
    # G_i exact floats (t_mult**(i - 1) <= G_i too), so for a step up to 2**53 the cycle
    # index is capped at the one that holds step 2**53: nothing on the way to S_i passes
    # 2**53, and its cycle is found exactly. Later steps (inexact floats themselves) are
    # capped at the cycle of the largest step, where the terms stay finite.
    exact_last = restart_index(array.MAX_EXACT_STEP, node.period, node.t_mult)
    last = restart_index(int(array.STEP_LIMIT), node.period, node.t_mult)

    def start(xp: Any, i: Any) -> Any:
        """S_i, computed from the exact t_mult ** (i - 1) as period * (t_mult * G_(i-1) + 1)."""
        below = xp.round(t_mult ** xp.clip(i - 1.0, 0.0, None))
        return xp.where(i > 0.0, period * (t_mult * ((below - 1.0) / grow) + 1.0), 0.0)

    def cosine_restarts(xp: Any, k: Any) -> Any:
        # The cycle index from a logarithm, as in _scalar.restart_cycle; rounding puts it
        # at most one off, so one exact correction each way suffices.
        i = xp.clip(xp.floor(xp.log(1.0 + k * grow / period) / log_t_mult), 0.0, last)
        i = xp.where(k <= float(array.MAX_EXACT_STEP), xp.clip(i, None, exact_last), i)
        s_i = start(xp, i)
        s_i = xp.where(s_i > k, (s_i - period) / t_mult, s_i)  # S_(i-1), exactly
        length = grow * s_i + period
        # t >= T_i rather than k >= S_(i+1): S_(i+1) may round down onto 2**53, T_i cannot
        # round below a t <= 2**53.
        later = k - s_i >= length
        s_i = xp.where(later, s_i + length, s_i)
        length = xp.where(later, grow * s_i + period, length)
        return low + 0.5 * (base - low) * (1.0 + xp.cos(pi * (k - s_i) / length))

    return cosine_restarts


@rule(RANGE, Cosine)
@rule(RANGE, CosineRestarts)
def _to_min_range(node: Cosine | CosineRestarts) -> Range:
    return bounds.between(node.base_lr, node.min_lr)
