"""Decays to an end rate along a power of the progress: ``Linear`` and ``Polynomial``,
each beside its rules for every evaluator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core import validate
from ..core.node import store
from ..core.registry import ARRAY, RANGE, SCALAR, register, rule
from ..core.schedule import Schedule
from ..evaluators import array, bounds, scalar
from ..evaluators.array import ArrayFn
from ..evaluators.bounds import Range
from ..evaluators.inline import curve_source, leaf
from ..evaluators.scalar import ScalarFn


@register
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


@register
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


@rule(SCALAR, Linear)
@scalar.halving
def _linear_scalar(node: Linear) -> ScalarFn:
    base, end, total = node.base_lr, node.end_lr, node.total_steps

    def linear(k: int) -> float:
        return base + (end - base) * ((k if k < total else total) / total)

    return linear


@leaf(Linear)
def _linear_inline(node: Linear, below: int | None) -> str | None:
    if scalar.near_max(node):  # the rule halves: its closure runs
        return None
    return curve_source(node.base_lr, node.end_lr, node.total_steps, "linear", below)


@rule(SCALAR, Polynomial)
@scalar.halving
def _polynomial_scalar(node: Polynomial) -> ScalarFn:
    base, end, total, power = node.base_lr, node.end_lr, node.total_steps, node.power

    def polynomial(k: int) -> float:
        rate: float = end + (base - end) * (1.0 - (k if k < total else total) / total) ** power
        return rate

    return polynomial


@rule(ARRAY, Linear)
@array.halving
def _linear_array(node: Linear) -> ArrayFn:
    base, end, (total,) = node.base_lr, node.end_lr, array.counts(node.total_steps)

    # From T on, the scalar rule's value at T, computed here: compiled, k / T may come
    # out a rounding away from 1, leaving a residue (even a negative one) where it is 0.
    hold = base + (end - base) * (total / total)
    clip = array.may_overflow(abs(end - base), total)

    def linear(xp: Any, k: Any) -> Any:
        done = xp.clip(k, None, total) if clip else k  # a parameter, not an array value
        return xp.where(k < total, base + (end - base) * (done / total), hold)

    return linear


@rule(ARRAY, Polynomial)
@array.halving
def _polynomial_array(node: Polynomial) -> ArrayFn:
    base, end, exponent = node.base_lr, node.end_lr, node.power
    (total,) = array.counts(node.total_steps)

    def polynomial(xp: Any, k: Any) -> Any:
        # Compiled, 1 - T / T can come out at -6e-17 (a fractional power of it is nan:
        # optax's polynomial_schedule hits this under jit) or at +1e-17 (whose square root
        # is 3e-9, far from 0). So the base is clipped at 0, and from T on the rate is `end`.
        left = xp.clip(1.0 - k / total, 0.0, None)
        return xp.where(k < total, end + (base - end) * left**exponent, end)

    return polynomial


@rule(RANGE, Linear)
@rule(RANGE, Polynomial)
def _to_end_range(node: Linear | Polynomial) -> Range:
    return bounds.between(node.base_lr, node.end_lr)
