"""The Noam schedule of "Attention Is All You Need" (Vaswani et al., 2017)."""

from __future__ import annotations

from dataclasses import dataclass

from . import _validate as validate
from ._base import Schedule, store


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
