"""A constant rate: ``Constant``, its rules for every evaluator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core import validate
from ..core.node import store
from ..core.registry import ARRAY, RANGE, SCALAR, register, rule
from ..core.schedule import Schedule
from ..core.seam import install
from ..evaluators.array import ArrayFn
from ..evaluators.bounds import Range
from ..evaluators.inline import leaf
from ..evaluators.scalar import ScalarFn


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Constant(Schedule):
    """A flat learning rate: ``lr(k) = lr`` for every step. Never ends."""

    lr: float

    def __post_init__(self) -> None:
        store(self, lr=validate.rate("lr", self.lr))

    @property
    def duration(self) -> int | None:
        return None


@rule(SCALAR, Constant)
def _constant_scalar(node: Constant) -> ScalarFn:
    lr = node.lr

    def constant(k: int) -> float:
        return lr

    return constant


@leaf(Constant)
def _constant_inline(node: Constant, below: int | None) -> str:
    return repr(node.lr)


@rule(ARRAY, Constant)
def _constant_array(node: Constant) -> ArrayFn:
    lr = node.lr

    def constant(xp: Any, k: Any) -> Any:
        return xp.full_like(k, lr)

    return constant


@rule(RANGE, Constant)
def _constant_range(node: Constant) -> Range:
    return node.lr, node.lr


# A number operand of an operator (s | 0.5) becomes a Constant.
install(constant=Constant)
