"""Inverse square root decays: ``InverseSqrt`` and the Transformer's ``Noam``, each
beside its rules for every evaluator."""

from __future__ import annotations

from dataclasses import dataclass
from math import isfinite, isqrt
from typing import Any

from ..core import validate
from ..core.node import store
from ..core.registry import ARRAY, RANGE, SCALAR, register, rule
from ..core.schedule import Schedule
from ..evaluators import array, bounds, scalar
from ..evaluators.array import ArrayFn
from ..evaluators.bounds import Range
from ..evaluators.scalar import ScalarFn


@register
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


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Noam(Schedule):
    """Linear warmup, then inverse square-root decay, scaled by ``d_model ** -0.5``.

    The paper (Vaswani et al., NeurIPS 2017, eq. 3) counts training steps from 1:
    ``lrate = d_model ** -0.5 * min(n ** -0.5, n * warmup_steps ** -1.5)``. lrsched
    counts steps from 0, so step ``k`` is the paper's ``n = k + 1``. With ``W =
    warmup_steps``:

    - ``k + 1 <= W``: ``lr(k) = scale * d_model ** -0.5 * (k + 1) * W ** -1.5``;
    - ``k + 1 > W``: ``lr(k) = scale * d_model ** -0.5 * (k + 1) ** -0.5``.

    So ``lr(0) = scale * d_model ** -0.5 * W ** -1.5`` (small, never 0), the peak is
    ``lr(W - 1) = scale * (d_model * W) ** -0.5``, and ``lr(4W - 1)`` is half of it.
    Never ends.

    Step-0 convention: evaluating at ``k + 1`` is what tensor2tensor's ``noam`` scheme
    (``(step + 1) * warmup_steps ** -1.5``) and Lingvo's
    ``TransformerLearningRateSchedule`` do; it needs no special case, spends no step at
    rate 0 and is finite everywhere. The Annotated Transformer instead maps step 0 to 1
    (its ``lr(0) = lr(1)``); fairseq has no Noam schedule (its ``inverse_sqrt`` is
    ``InverseSqrt`` here). ``scale`` is the constant multiplier those implementations
    add (the Annotated Transformer's ``factor``).
    """

    d_model: int
    warmup_steps: int
    scale: float = 1.0

    def __post_init__(self) -> None:
        store(
            self,
            d_model=validate.count("d_model", self.d_model),
            warmup_steps=validate.count("warmup_steps", self.warmup_steps),
            scale=validate.positive("scale", self.scale),
        )

    @property
    def peak_lr(self) -> float:
        """The largest rate, ``scale * (d_model * warmup_steps) ** -0.5``, at ``k = W - 1``."""
        w = self.warmup_steps
        peak: float = self.scale * self.d_model**-0.5 * min(w**-0.5, w * w**-1.5)
        return peak

    @property
    def duration(self) -> int | None:
        return None


@rule(SCALAR, InverseSqrt)
def _inverse_sqrt_scalar(node: InverseSqrt) -> ScalarFn:
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


@rule(SCALAR, Noam)
def _noam_scalar(node: Noam) -> ScalarFn:
    factor: float = node.scale * node.d_model**-0.5
    slope: float = node.warmup_steps**-1.5

    def noam(k: int) -> float:
        n = k + 1
        if n > scalar.EXPONENT_CAP:  # n ** -0.5 would turn n into a float, overflowing past 2**1024
            return factor * (1 / isqrt(n))
        rate: float = factor * min(n**-0.5, n * slope)
        return rate

    return noam


@rule(ARRAY, InverseSqrt)
def _inverse_sqrt_array(node: InverseSqrt) -> ArrayFn:
    base, (warmup,) = node.base_lr, array.counts(node.warmup_steps)

    # As in _scalar: base * k / W, or base * (k / W) where base * k could overflow. In
    # the unused branch k runs on past W, so there k is clipped if base * k could.
    exact, clip = isfinite(base * warmup), not isfinite(base * array.STEP_LIMIT)

    def inverse_sqrt(xp: Any, k: Any) -> Any:
        decay = base * xp.sqrt(warmup / xp.clip(k, warmup, None))
        done = xp.clip(k, None, warmup) if clip else k  # parameters, not array values
        ramp = base * done / warmup if exact else base * (done / warmup)
        return xp.where(k < warmup, ramp, decay)

    return inverse_sqrt


@rule(ARRAY, Noam)
def _noam_array(node: Noam) -> ArrayFn:
    factor, slope = node.scale * node.d_model**-0.5, node.warmup_steps**-1.5

    def noam(xp: Any, k: Any) -> Any:
        n = k + 1.0
        return factor * xp.minimum(n**-0.5, n * slope)

    return noam


rule(RANGE, InverseSqrt)(bounds.decays_to_zero)


@rule(RANGE, Noam)
def _noam_range(node: Noam) -> Range:
    # Past a warmup near 2**53, the step after the peak can round an ulp above it.
    return bounds.between(0.0, node.peak_lr)
