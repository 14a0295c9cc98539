"""Leaf schedules: the formulas of lrsched 0.1.0 as frozen dataclasses.

Each class holds validated parameters only; ``_scalar`` (and the other evaluators) hold
the arithmetic. In the formulas, ``k`` is the step the schedule sees (its local step).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import _validate as validate
from ._base import Schedule, store
from ._errors import ParameterTypeError


@dataclass(frozen=True, slots=True, kw_only=True)
class Constant(Schedule):
    """A flat learning rate: ``lr(k) = lr`` for every step. Never ends."""

    lr: float

    def __post_init__(self) -> None:
        store(self, lr=validate.rate("lr", self.lr))

    @property
    def duration(self) -> int | None:
        return None


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


def _milestones(value: object) -> tuple[int, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ParameterTypeError(
            f"milestones must be a sequence of positive ints, got {validate.describe(value)}"
        )
    return tuple(sorted(validate.count("milestones item", m) for m in value))


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


@dataclass(frozen=True, slots=True, kw_only=True)
class Exponential(Schedule):
    """Decay by ``gamma`` every step (torch ``ExponentialLR``).

    ``lr(k) = base_lr * gamma ** k``; ``gamma`` is in (0, 1]. Never ends.
    """

    base_lr: float
    gamma: float

    def __post_init__(self) -> None:
        store(
            self,
            base_lr=validate.rate("base_lr", self.base_lr),
            gamma=validate.unit_fraction("gamma", self.gamma),
        )

    @property
    def duration(self) -> int | None:
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Linear(Schedule):
    """Straight line from ``base_lr`` to ``end_lr`` over ``total_steps`` (``T``), then hold.

    ``lr(k) = base_lr + (end_lr - base_lr) * min(k, T) / T``: ``lr(0) = base_lr``,
    ``lr(T) = end_lr`` (to rounding), and that value past the end. Duration ``T``. As
    optax ``linear_schedule`` and the decay of transformers'
    ``get_linear_schedule_with_warmup`` (see ``docs/migration.md``).
    """

    base_lr: float
    end_lr: float
    total_steps: int

    def __post_init__(self) -> None:
        store(
            self,
            base_lr=validate.rate("base_lr", self.base_lr),
            end_lr=validate.rate("end_lr", self.end_lr),
            total_steps=validate.count("total_steps", self.total_steps),
        )

    @property
    def duration(self) -> int | None:
        return self.total_steps


@dataclass(frozen=True, slots=True, kw_only=True)
class Polynomial(Schedule):
    """Polynomial decay from ``base_lr`` to ``end_lr`` over ``total_steps`` (``T``), then hold.

    ``lr(k) = end_lr + (base_lr - end_lr) * (1 - min(k, T) / T) ** power`` with
    ``power > 0``: ``lr(0) = base_lr`` (to rounding), ``lr(T) = end_lr`` exactly.
    ``power = 1`` is ``Linear``.
    Duration ``T``. As optax ``polynomial_schedule`` and torch ``PolynomialLR`` (with
    ``end_lr = 0``).
    """

    base_lr: float
    end_lr: float
    total_steps: int
    power: float

    def __post_init__(self) -> None:
        store(
            self,
            base_lr=validate.rate("base_lr", self.base_lr),
            end_lr=validate.rate("end_lr", self.end_lr),
            total_steps=validate.count("total_steps", self.total_steps),
            power=validate.positive("power", self.power),
        )

    @property
    def duration(self) -> int | None:
        return self.total_steps


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


@dataclass(frozen=True, slots=True, kw_only=True)
class InverseSqrt(Schedule):
    """Linear warmup to ``base_lr``, then inverse square-root decay (Vaswani et al., 2017).

    With ``W = warmup_steps``: ``lr(k) = base_lr * k / W`` for ``k < W``, and
    ``lr(k) = base_lr * sqrt(W / k)`` for ``k >= W``. So ``lr(0) = 0``, the peak
    ``lr(W) = base_lr``, and ``lr(4W) = base_lr / 2``. Never ends.
    """

    base_lr: float
    warmup_steps: int

    def __post_init__(self) -> None:
        store(
            self,
            base_lr=validate.rate("base_lr", self.base_lr),
            warmup_steps=validate.count("warmup_steps", self.warmup_steps),
        )

    @property
    def duration(self) -> int | None:
        return None


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
