"""The cyclical learning rate (CLR) of Smith (2017), step for step like torch
``CyclicLR``: ``Cyclic``, beside its rules for every evaluator."""

from __future__ import annotations

from dataclasses import dataclass
from math import inf, nextafter
from typing import Any

from ..core import validate
from ..core.errors import ParameterValueError
from ..core.node import store
from ..core.registry import ARRAY, RANGE, SCALAR, register, rule
from ..core.schedule import Schedule
from ..evaluators import array, bounds, scalar
from ..evaluators.array import ArrayFn
from ..evaluators.bounds import Range
from ..evaluators.scalar import ScalarFn

CYCLIC_MODES = ("triangular", "triangular2", "exp_range")


@register
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

    def momentum(self, *, base_momentum: float, max_momentum: float) -> Cyclic:
        """The momentum that cycles against this rate, as torch ``CyclicLR`` with
        ``cycle_momentum=True`` sets it (SGD's ``momentum``, Adam's ``betas[0]``):
        ``max_momentum - (max_momentum - base_momentum) * h(k) * a(k)``, at
        ``max_momentum`` where the rate is at ``base_lr`` and at ``base_momentum`` where
        it peaks, with the same wave, mode and ``gamma``. It is the inverted wave
        ``Cyclic(base_lr=max_momentum, max_lr=base_momentum, ...)``.

        >>> from lrsched import Cyclic
        >>> m = Cyclic(base_lr=1e-3, max_lr=1e-2, step_size_up=10).momentum(
        ...     base_momentum=0.8, max_momentum=0.9)
        >>> m.base_lr, m.max_lr
        (0.9, 0.8)
        >>> round(m(0), 12), round(m(10), 12), round(m(20), 12)
        (0.9, 0.8, 0.9)
        """
        return Cyclic(
            base_lr=validate.rate("max_momentum", max_momentum),
            max_lr=validate.rate("base_momentum", base_momentum),
            step_size_up=self.step_size_up,
            step_size_down=self.step_size_down,
            mode=self.mode,
            gamma=self.gamma,
        )


@rule(SCALAR, Cyclic)
@scalar.halving
def _cyclic_scalar(node: Cyclic) -> ScalarFn:
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
                cycle if cycle < scalar.EXPONENT_CAP else scalar.EXPONENT_CAP
            )

        return triangular2
    if node.mode == "exp_range":

        def exp_range(k: int) -> float:
            return base + height * wave(k % size) * gamma ** (
                k if k < scalar.EXPONENT_CAP else scalar.EXPONENT_CAP
            )

        return exp_range

    def triangular(k: int) -> float:
        return base + height * wave(k % size) * 1.0

    return triangular


@rule(ARRAY, Cyclic)
@array.halving
def _cyclic_array(node: Cyclic) -> ArrayFn:
    base, height = node.base_lr, node.max_lr - node.base_lr
    up, down = array.counts(node.step_size_up, node.step_size_down or node.step_size_up)
    mode, gamma = node.mode, node.gamma
    # U + D may pass 2**53, and rounded down it would wrap a cycle at a step <= 2**53.
    # Rounded up, no whole float lies between C and the float length, so every step
    # below C (every step up to 2**53, in a cycle that long) is its own offset.
    length = node.step_size_up + (node.step_size_down or node.step_size_up)
    size = float(length)
    if size < length:
        size = nextafter(size, inf)

    def cyclic(xp: Any, k: Any) -> Any:
        t = k % size  # exact for whole floats, unlike floor(k / size)
        # D - (t - U) is C - t without C, which may not be an exact float. XLA may turn
        # t / U into t * (1 / U), a hair above 1 at the peak: clip it, and at 0 below.
        wave = xp.clip(xp.where(t <= up, t / up, (down - (t - up)) / down), 0.0, 1.0)
        if mode == "triangular":  # a parameter, not an array value
            return base + height * wave * 1.0
        scale = 0.5 ** ((k - t) / size) if mode == "triangular2" else array.power(xp, gamma, k)
        return base + height * wave * scale

    return cyclic


@rule(RANGE, Cyclic)
def _cyclic_range(node: Cyclic) -> Range:
    return bounds.between(node.base_lr, node.max_lr)
