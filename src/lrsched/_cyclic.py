"""The cyclical learning rate (CLR) of Smith (2017), step for step like torch ``CyclicLR``."""

from __future__ import annotations

from dataclasses import dataclass

from . import _validate as validate
from ._base import Schedule, store
from ._errors import ParameterValueError

CYCLIC_MODES = ("triangular", "triangular2", "exp_range")


@dataclass(frozen=True, slots=True, kw_only=True)
class Cyclic(Schedule):
    """A triangle wave between ``base_lr`` and ``max_lr`` (Smith, "Cyclical Learning
    Rates for Training Neural Networks", WACV 2017, arXiv:1506.01186).

    With ``U = step_size_up``, ``D = step_size_down`` (``None`` means ``U``), the cycle
    length ``C = U + D``, the 0-based cycle ``c = k // C`` and the offset ``t = k % C``:

    - the wave ``h(k) = t / U`` if ``t <= U``, else ``(C - t) / D``: 0 at the start of
      every cycle, 1 at its peak ``t = U``;
    - ``lr(k) = base_lr + (max_lr - base_lr) * h(k) * a(k)``, where the amplitude scale
      ``a(k)`` is ``1`` for ``mode="triangular"``, ``0.5 ** c`` for ``"triangular2"``
      (halved every cycle) and ``gamma ** k`` for ``"exp_range"`` (per step, as torch's
      ``scale_mode="iterations"``).

    So ``lr(0) = base_lr``, ``lr(U) = max_lr`` (times ``a(U)``), ``lr(C) = base_lr``
    again; ``triangular2`` peaks at ``base_lr + (max_lr - base_lr) / 2 ** c`` in cycle
    ``c``. ``max_lr`` below ``base_lr`` gives an inverted wave, as in torch. ``gamma`` is
    in (0, 1] and only ``exp_range`` uses it, so any other value with another mode is
    refused. Never ends.

    torch ``CyclicLR(opt, base_lr, max_lr, step_size_up, step_size_down, mode, gamma)``
    sets the same rate after ``k`` calls of ``step()``. torch finds ``t`` with floats
    (``x = 1 + k / C - floor(1 + k / C)``); here it is exact integer arithmetic, so the
    two agree to rounding (relative ``1e-12``), and here ``h`` is exactly 1 at the peak.
    """

    base_lr: float
    max_lr: float
    step_size_up: int
    step_size_down: int | None = None
    mode: str = "triangular"
    gamma: float = 1.0

    def __post_init__(self) -> None:
        up = validate.count("step_size_up", self.step_size_up)
        down = self.step_size_down
        store(
            self,
            base_lr=validate.rate("base_lr", self.base_lr),
            max_lr=validate.rate("max_lr", self.max_lr),
            step_size_up=up,
            step_size_down=up if down is None else validate.count("step_size_down", down),
            mode=validate.choice("mode", self.mode, CYCLIC_MODES),
            gamma=validate.unit_fraction("gamma", self.gamma),
        )
        if self.mode != "exp_range" and self.gamma != 1.0:
            raise ParameterValueError(
                f"gamma is used only by mode='exp_range', got gamma={self.gamma!r} with "
                f"mode={self.mode!r}"
            )

    @property
    def duration(self) -> int | None:
        return None
