"""The nodes of schedule arithmetic: ``Sum`` (``a + b + ...``) and ``Negated`` (``-s``).

``s - t`` is ``Sum(terms=(s, Negated(schedule=t)))``, printed ``s - t``. A number operand
becomes a ``Constant`` of its size, negated if it is below 0, so that leaves keep refusing
negative rates while a composite may go below zero (``0.5 - s``). Like the other
composites they hold data only; their rules live in ``evaluators/arithmetic.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isfinite

from .errors import ParameterValueError
from .node import ATOM, PRODUCT, SUM, UNARY, operand_repr, store
from .registry import register
from .schedule import Schedule, flattened, schedule_field
from .seam import SEAM, install

MAX_TERMS = 32  # the longest sum printed with + and -; see Sum


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Sum(Schedule):
    """``a + b + ...``: the rates of the terms added, at the same step.

    ``lr(k) = terms[0](k) + terms[1](k) + ...``, added left to right. ``s - t`` is the
    sum of ``s`` and ``-t`` (a ``Negated``), printed ``s - t``; a number ``x`` beside
    ``+`` or ``-`` is ``Constant(lr=x)``, or ``-Constant(lr=-x)`` when ``x < 0``. Nested
    sums are flattened, so ``(a + b) + c == a + (b + c)``, both with three terms.
    Duration: the longest of the terms', or None if any term never ends; past it every
    term holds its final value, and so does the sum.

    A sum may go below zero (``0.5 - s``): its bounds (``value_range``) are the sums of
    its terms' bounds, which must stay inside the float range (checked here), so every
    value is finite. The bounds are tight when the terms reach their extremes at the
    same steps, and wider otherwise. Past ``MAX_TERMS`` terms a sum prints as
    ``Sum(terms=(...))``, as a long chain of ``|`` does.

    An EMA teacher's decay (BYOL, DINO), from 0.996 up to 1 on a cosine:

    >>> from lrsched import Cosine
    >>> 1.0 - Cosine(base_lr=0.004, min_lr=0.0, total_steps=100)
    Constant(lr=1.0) - Cosine(base_lr=0.004, min_lr=0.0, total_steps=100)
    >>> ema = _
    >>> ema(0), ema(100)
    (0.996, 1.0)
    """

    terms: tuple[Schedule, ...]

    def __post_init__(self) -> None:
        flat = flattened(Sum, "terms", self.terms, "this sum has terms:")
        store(self, terms=flat)
        low, high = SEAM.value_range(self)
        if not (isfinite(low) and isfinite(high)):
            reach = low if isfinite(high) else high
            raise ParameterValueError(
                f"the terms of this sum may add up to {reach!r}, past the float range "
                "(the sum of their bounds, lrsched.value_range); scale them down"
            )

    @property
    def duration(self) -> int | None:
        durations = [term.duration for term in self.terms]
        return None if None in durations else max(d for d in durations if d is not None)

    @property
    def precedence(self) -> int:  # type: ignore[override]
        return SUM if len(self.terms) <= MAX_TERMS else ATOM

    def __repr__(self) -> str:
        if len(self.terms) > MAX_TERMS:
            return f"Sum(terms=({', '.join(repr(term) for term in self.terms)}))"
        # The left operand of + and - may be a sum itself; a right one must bind tighter.
        parts = [operand_repr(self.terms[0], SUM)]
        for term in self.terms[1:]:
            if isinstance(term, Negated):
                parts.append(f"- {operand_repr(term.schedule, PRODUCT)}")
            else:
                parts.append(f"+ {operand_repr(term, PRODUCT)}")
        return " ".join(parts)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Negated(Schedule):
    """``-schedule``: every rate negated, ``lr(k) = 0.0 - schedule(k)`` (so 0 stays
    ``0.0``, never ``-0.0``). Duration: ``schedule``'s. Its bounds are the flipped bounds
    of ``schedule``, exactly.

    Mostly a term of a ``Sum``: ``1 - s`` is ``Constant(lr=1) + -s``, printed
    ``Constant(lr=1.0) - s``.

    >>> from lrsched import Cosine
    >>> -Cosine(base_lr=1e-3, min_lr=1e-4, total_steps=100)
    -Cosine(base_lr=0.001, min_lr=0.0001, total_steps=100)
    """

    schedule: Schedule
    precedence = UNARY

    def __post_init__(self) -> None:
        schedule_field("schedule", self.schedule)

    @property
    def duration(self) -> int | None:
        return self.schedule.duration

    def __repr__(self) -> str:
        return f"-{operand_repr(self.schedule, UNARY)}"


install(summed=Sum, negated=Negated)
