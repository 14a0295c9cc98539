"""Warmup-stable-decay: the ``Decay`` leaf and ``WarmupStableDecay``, which is defined by
its operator form and so has no rules of its own."""

from __future__ import annotations

from dataclasses import dataclass
from math import sqrt
from typing import Any

from ..core import validate
from ..core.composites import Warmup, check_exponential_warmup, store_warmup_fields
from ..core.errors import ParameterTypeError, ParameterValueError
from ..core.node import keyword_repr, store
from ..core.registry import ARRAY, RANGE, SCALAR, register, rule
from ..core.schedule import Expanding, Schedule
from ..core.shapes import DECAY_SHAPES
from ..evaluators import array, bounds, scalar
from ..evaluators.array import ArrayFn
from ..evaluators.bounds import Range
from ..evaluators.scalar import ScalarFn
from .constant import Constant
from .cosine import cosine_curve_array, cosine_curve_scalar


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Decay(Schedule):
    """A decay from ``base_lr`` to ``end_lr`` over ``steps`` (``T``) with a chosen shape.

    With progress ``p = min(k, T) / T``, ``lr(k) = end_lr + (base_lr - end_lr) * g(p)``:

    - ``shape="linear"``: ``g(p) = 1 - p`` (the values of ``Linear``, to rounding);
    - ``shape="cosine"``: ``g(p) = (1 + cos(pi * p)) / 2`` (exactly the values of
      ``Cosine``);
    - ``shape="1-sqrt"``: ``g(p) = 1 - sqrt(p)``, the cooldown of Hägele et al.,
      "Scaling Laws and Compute-Optimal Training Beyond Fixed Training Durations"
      (NeurIPS 2024): it drops fastest at the start and flattens toward ``end_lr``.

    ``lr(0) = base_lr`` (to rounding), ``lr(T) = end_lr`` exactly, held after. The
    evaluators compute ``1 - p`` as ``(T - min(k, T)) / T`` and ``1 - sqrt(p)`` as
    ``(1 - p) / (1 + sqrt(p))``, so the end is exact in every backend (XLA rewrites
    ``k / T`` into a multiply) and nothing cancels near it. The decay phase of
    ``WarmupStableDecay``. Duration ``T``.
    """

    base_lr: float
    end_lr: float
    steps: int
    shape: str

    def __post_init__(self) -> None:
        store(
            self,
            base_lr=validate.rate("base_lr", self.base_lr),
            end_lr=validate.rate("end_lr", self.end_lr),
            steps=validate.count("steps", self.steps),
            shape=validate.choice("shape", self.shape, DECAY_SHAPES),
        )

    @property
    def duration(self) -> int | None:
        return self.steps


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class WarmupStableDecay(Expanding):
    """Warmup, a stable plateau at ``peak_lr``, then a shaped decay to ``min_lr`` (WSD).

    From MiniCPM (Hu et al., 2024, arXiv:2404.06395) and Hägele et al., "Scaling Laws
    and Compute-Optimal Training Beyond Fixed Training Durations" (NeurIPS 2024). With
    ``W = warmup_steps``, ``T = total_steps``, decay length ``D`` (``decay_steps``, or
    ``round(decay_fraction * T)``, half to even) and stable length ``S = T - W - D``:

    - ``k < W``: the ramp of ``Warmup(steps=W, start_lr=start_lr, shape=warmup_shape)``
      from ``start_lr`` to ``peak_lr``;
    - ``W <= k < W + S``: ``lr(k) = peak_lr``;
    - ``W + S <= k``: ``Decay(base_lr=peak_lr, end_lr=min_lr, steps=D,
      shape=decay_shape)`` at ``k - W - S``, reaching ``min_lr`` at ``k = T`` and
      holding it.

    Give exactly one of ``decay_steps`` and ``decay_fraction`` (in (0, 1]). ``W`` and
    ``S`` may be 0; ``D >= 1``. Duration ``T``. ``expand()`` returns the same schedule
    written with operators, ``Warmup(...) >> Constant(lr=peak_lr)[:S] | Decay(...)``,
    and every evaluator evaluates that form, so the two agree exactly.

    transformers ``get_wsd_schedule(opt, num_warmup_steps=W, num_decay_steps=D,
    num_stable_steps=S, warmup_type, decay_type, min_lr_ratio=m)`` with base rate
    ``lr`` is ``peak_lr=lr``, ``min_lr=start_lr=m * lr``, ``warmup_shape=warmup_type``,
    ``decay_shape=decay_type`` (its cosine with the default ``num_cycles=0.5`` only).
    """

    peak_lr: float
    min_lr: float
    start_lr: float
    warmup_steps: int
    total_steps: int
    decay_steps: int | None = None
    decay_fraction: float | None = None
    decay_shape: str
    warmup_shape: str = "linear"

    def __post_init__(self) -> None:
        store_warmup_fields(self)
        store(self, decay_shape=validate.choice("decay_shape", self.decay_shape, DECAY_SHAPES))
        if (self.decay_steps is None) == (self.decay_fraction is None):
            raise ParameterTypeError(
                "give exactly one of decay_steps and decay_fraction, got "
                f"decay_steps={validate.shown(self.decay_steps)}, "
                f"decay_fraction={validate.shown(self.decay_fraction)}"
            )
        if self.decay_steps is not None:
            store(self, decay_steps=validate.count("decay_steps", self.decay_steps))
        else:
            fraction = validate.unit_fraction("decay_fraction", self.decay_fraction)
            store(self, decay_fraction=fraction)
            if self.decay_length < 1:
                raise ParameterValueError(
                    f"decay_fraction {fraction!r} of total_steps {self.total_steps!r} "
                    "rounds to 0 decay steps; raise one of them"
                )
        if self.warmup_steps + self.decay_length > self.total_steps:
            raise ParameterValueError(
                f"warmup_steps + decay steps must be <= total_steps, got "
                f"{self.warmup_steps!r} + {self.decay_length!r} > {self.total_steps!r}"
            )
        check_exponential_warmup(self)
        self.expand()  # builds and checks the tree (an exponential ramp's ratio, too)

    @property
    def decay_length(self) -> int:
        """``D``: ``decay_steps``, or ``decay_fraction`` of ``total_steps`` rounded."""
        if self.decay_steps is not None:
            return self.decay_steps
        return round((self.decay_fraction or 0.0) * self.total_steps)

    @property
    def stable_steps(self) -> int:
        """``S = total_steps - warmup_steps - D``, the length of the plateau."""
        return self.total_steps - self.warmup_steps - self.decay_length

    def _expansion(self) -> Schedule:
        peak, stable = self.peak_lr, self.stable_steps
        decay = Decay(
            base_lr=peak,
            end_lr=self.min_lr,
            steps=self.decay_length,
            shape=self.decay_shape,
        )
        head: Schedule = Constant(lr=peak)[:stable] if stable else decay
        if self.warmup_steps:
            warmup = Warmup(
                steps=self.warmup_steps,
                start_lr=self.start_lr,
                shape=self.warmup_shape,
            )
            head = warmup >> head
        return head | decay if stable else head

    @property
    def duration(self) -> int | None:
        return self.total_steps

    __repr__ = keyword_repr


@rule(SCALAR, Decay)
@scalar.halving
def _decay_scalar(node: Decay) -> ScalarFn:
    base, end, total, shape = node.base_lr, node.end_lr, node.steps, node.shape
    if shape == "cosine":  # Cosine's own function, so the values are identical
        return cosine_curve_scalar(base, end, total)
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


@rule(ARRAY, Decay)
@array.halving
def _decay_array(node: Decay) -> ArrayFn:
    base, end, (total,), shape = node.base_lr, node.end_lr, array.counts(node.steps), node.shape
    if shape == "cosine":  # Cosine's own function, so the values are identical
        return cosine_curve_array(base, end, node.steps)

    def decay(xp: Any, k: Any) -> Any:
        done = xp.clip(k, None, total)
        left = (total - done) / total  # as in _scalar: exactly 0 at the end, even under XLA
        if shape == "1-sqrt":
            return end + (base - end) * (left / (1.0 + xp.sqrt(done / total)))
        return end + (base - end) * left

    return decay


@rule(RANGE, Decay)
def _decay_range(node: Decay) -> Range:
    return bounds.between(node.base_lr, node.end_lr)
