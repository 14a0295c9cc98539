"""The rules of schedule arithmetic, ``Sum`` and ``Negated``, for every evaluator.

Every evaluator adds the terms of a sum in the same order, left to right, and so does
the range rule with the terms' bounds: rounding is monotone, so each value of a sum lies
inside the sum of its terms' bounds, which ``Sum`` checks are finite. A negation flips
the sign exactly (``0.0 - x``, so that 0 stays ``0.0``).
"""

from __future__ import annotations

from typing import Any

from ..core.arithmetic import Negated, Sum
from ..core.registry import ARRAY, RANGE, SCALAR, rule
from .array import ArrayFn, compile_array
from .bounds import Range, value_range
from .scalar import ScalarFn, compile_scalar


@rule(SCALAR, Sum)
def _sum_scalar(node: Sum) -> ScalarFn:
    first, *rest = (compile_scalar(term) for term in node.terms)
    if len(rest) == 1:
        (second,) = rest

        def pair(k: int) -> float:
            return first(k) + second(k)

        return pair

    def total(k: int) -> float:
        value = first(k)
        for fn in rest:
            value += fn(k)
        return value

    return total


@rule(SCALAR, Negated)
def _negated_scalar(node: Negated) -> ScalarFn:
    inner = compile_scalar(node.schedule)

    def negated(k: int) -> float:
        return 0.0 - inner(k)

    return negated


@rule(ARRAY, Sum)
def _sum_array(node: Sum) -> ArrayFn:
    first, *rest = (compile_array(term) for term in node.terms)

    def total(xp: Any, k: Any) -> Any:
        value = first(xp, k)
        for fn in rest:
            value = value + fn(xp, k)
        return value

    return total


@rule(ARRAY, Negated)
def _negated_array(node: Negated) -> ArrayFn:
    inner = compile_array(node.schedule)

    def negated(xp: Any, k: Any) -> Any:
        return 0.0 - inner(xp, k)

    return negated


@rule(RANGE, Sum)
def _sum_range(node: Sum) -> Range:
    low, high = value_range(node.terms[0])
    for term in node.terms[1:]:
        term_low, term_high = value_range(term)
        low, high = low + term_low, high + term_high
    return low, high


@rule(RANGE, Negated)
def _negated_range(node: Negated) -> Range:
    low, high = value_range(node.schedule)
    return 0.0 - high, 0.0 - low
