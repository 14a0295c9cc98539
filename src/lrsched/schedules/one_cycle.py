"""The 1cycle policy of Smith and Topin: ``OneCycle``, beside its rules for every
evaluator."""

from __future__ import annotations

from dataclasses import dataclass
from math import cos, pi
from typing import Any

from ..core import validate
from ..core.node import store
from ..core.registry import ARRAY, RANGE, SCALAR, register, rule
from ..core.schedule import Schedule
from ..evaluators import array, bounds, scalar
from ..evaluators.array import ArrayFn
from ..evaluators.bounds import Range
from ..evaluators.scalar import ScalarFn
from .cosine import Cosine


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class OneCycle(Schedule):
    """The one-cycle policy (Smith and Topin, "Super-Convergence", 2018), cosine form.

    With ``T = total_steps``, peak step ``P = min(max(1, round(pct_start * T)), T - 1)``,
    ``lo = max_lr / initial_div`` and ``end = max_lr / final_div``:

    - ``k <= P``: ``lr(k) = lo + (max_lr - lo) * (1 - cos(pi * k / P)) / 2``;
    - ``P < k``: ``lr(k) = end + (max_lr - end) * (1 + cos(pi * (min(k, T) - P) / (T - P))) / 2``.

    So ``lr(0) = lo``, ``lr(P) = max_lr`` and ``lr(T) = end``, held after. ``round`` is
    Python's (half to even). Duration ``T``. torch ``OneCycleLR`` peaks at a different step:
    see ``docs/migration.md``.
    """

    max_lr: float
    total_steps: int
    pct_start: float
    initial_div: float
    final_div: float

    def __post_init__(self) -> None:
        store(
            self,
            max_lr=validate.rate("max_lr", self.max_lr),
            total_steps=validate.count("total_steps", self.total_steps, minimum=2),
            pct_start=validate.open_fraction("pct_start", self.pct_start),
            initial_div=validate.positive("initial_div", self.initial_div),
            final_div=validate.positive("final_div", self.final_div),
        )
        # A tiny divisor could push the start or end rate past the float range.
        validate.rate("max_lr / initial_div", self.max_lr / self.initial_div)
        validate.rate("max_lr / final_div", self.max_lr / self.final_div)

    @property
    def peak_step(self) -> int:
        """The step ``P`` at which the schedule reaches ``max_lr``."""
        return min(max(1, round(self.pct_start * self.total_steps)), self.total_steps - 1)

    @property
    def duration(self) -> int | None:
        return self.total_steps

    def momentum(self, *, base_momentum: float, max_momentum: float) -> Schedule:
        """The momentum that cycles against this rate, as torch ``OneCycleLR`` with
        ``cycle_momentum=True`` sets it (SGD's ``momentum``, Adam's ``betas[0]``): a
        half cosine from ``max_momentum`` at step 0 down to ``base_momentum`` at the peak
        step ``P``, then back up to ``max_momentum`` at ``total_steps``, held after:

        ``Cosine(base_lr=max_momentum, min_lr=base_momentum, total_steps=P) |
        Cosine(base_lr=base_momentum, min_lr=max_momentum, total_steps=T - P)``.

        >>> from lrsched import OneCycle
        >>> s = OneCycle(max_lr=0.1, total_steps=99, pct_start=29 / 99, initial_div=25.0,
        ...              final_div=25e4)
        >>> m = s.momentum(base_momentum=0.85, max_momentum=0.95)
        >>> round(m(0), 12), round(m(29), 12), round(m(99), 12)
        (0.95, 0.85, 0.95)
        """
        low = validate.rate("base_momentum", base_momentum)
        high = validate.rate("max_momentum", max_momentum)
        peak, total = self.peak_step, self.total_steps
        down = Cosine(base_lr=high, min_lr=low, total_steps=peak)
        return down | Cosine(base_lr=low, min_lr=high, total_steps=total - peak)


@rule(SCALAR, OneCycle)
@scalar.halving
def _one_cycle_scalar(node: OneCycle) -> ScalarFn:
    top, total, peak = node.max_lr, node.total_steps, node.peak_step
    start, end = top / node.initial_div, top / node.final_div

    def one_cycle(k: int) -> float:
        if k <= peak:
            return start + 0.5 * (top - start) * (1.0 - cos(pi * (k / peak)))
        frac = ((k if k < total else total) - peak) / (total - peak)
        return end + 0.5 * (top - end) * (1.0 + cos(pi * frac))

    return one_cycle


@rule(ARRAY, OneCycle)
@array.halving
def _one_cycle_array(node: OneCycle) -> ArrayFn:
    top, (total, peak) = node.max_lr, array.counts(node.total_steps, node.peak_step)
    start, end = top / node.initial_div, top / node.final_div

    def one_cycle(xp: Any, k: Any) -> Any:
        rise = start + 0.5 * (top - start) * (1.0 - xp.cos(pi * (k / peak)))
        frac = (xp.clip(k, None, total) - peak) / (total - peak)
        fall = end + 0.5 * (top - end) * (1.0 + xp.cos(pi * frac))
        return xp.where(k <= peak, rise, fall)

    return one_cycle


@rule(RANGE, OneCycle)
def _one_cycle_range(node: OneCycle) -> Range:
    return bounds.between(node.max_lr, node.max_lr / node.initial_div, node.max_lr / node.final_div)
