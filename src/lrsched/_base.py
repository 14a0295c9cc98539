"""The ``Schedule`` base class: operators, calling, and operator-form printing.

Nodes hold data only. Calling a schedule asks the scalar evaluator (``_scalar``) for a
function compiled from the node's tree; that function is cached in a hidden slot that is
not a dataclass field, so it never shows in ``==``, ``hash``, ``repr`` or pickles.
"""

from __future__ import annotations

import numbers
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import fields
from typing import TYPE_CHECKING, Any, ClassVar

from . import _validate as validate
from ._errors import CompositionError

if TYPE_CHECKING:
    from ._composites import Bounded, Phases, Scaled

# Operator precedence, used to print composites with no more parentheses than Python needs.
PHASES, HANDOFF, PRODUCT, ATOM = 1, 2, 3, 4


def is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def as_schedule(value: object, context: str) -> Schedule:
    """Accept a schedule, or a number as a ``Constant``; anything else is an operand error."""
    if isinstance(value, Schedule):
        return value
    if is_number(value):
        from ._leaves import Constant

        return Constant(lr=value)  # type: ignore[arg-type]
    raise CompositionError(
        f"{context} needs a schedule or a number, got {validate.describe(value)}"
    )


def store(obj: object, **values: object) -> None:
    """Write normalised field values into a frozen instance during ``__post_init__``."""
    for name, value in values.items():
        object.__setattr__(obj, name, value)


def operand_repr(node: object, minimum: int) -> str:
    """``repr(node)``, parenthesised when it binds more loosely than ``minimum``."""
    text = repr(node)
    precedence: int = getattr(node, "precedence", ATOM)
    return f"({text})" if precedence < minimum else text


# Every operation on a tree (calling, ==, hash, repr, pickle, deepcopy, eval of the repr)
# recurses once or more per level, and Python stops at 1000 frames (its parser at 200
# parentheses). Real schedules nest a handful of composites; capping the nesting at 64
# keeps every operation far from those limits instead of failing deep inside one.
MAX_DEPTH = 64


def depth(node: Node) -> int:
    """Levels of nodes from ``node`` down to its deepest leaf (a leaf is 1).

    A schedule keeps its depth in a hidden slot, so building a tree stays linear.
    """
    try:
        return node._depth  # type: ignore[attr-defined, no-any-return]
    except AttributeError:
        pass
    children: list[object] = []
    for field in fields(node):  # type: ignore[arg-type]
        value = getattr(node, field.name)
        children.extend(value if isinstance(value, tuple) else (value,))
    levels = 1 + max((depth(child) for child in children if isinstance(child, Node)), default=0)
    if isinstance(node, Schedule):
        object.__setattr__(node, "_depth", levels)
    return levels


def check_depth(node: Node) -> None:
    """Refuse a composite nested more than ``MAX_DEPTH`` levels deep."""
    levels = depth(node)
    if levels > MAX_DEPTH:
        raise CompositionError(
            f"a schedule nests at most {MAX_DEPTH} levels of nodes, this one {levels}; "
            "chain phases with | (which flattens) or fold repeated factors into one"
        )


def restore(cls: type[Node], fields: dict[str, Any]) -> Node:
    """Rebuild a node from its pickled fields by calling its constructor.

    Pickling by keyword, not by position, means a release that adds a field with a
    default still loads old checkpoints, and loading re-runs the validation.
    """
    return cls(**fields)


class Node:
    """Base of every lrsched node (schedules and ``Warmup``): pickling by field name."""

    __slots__ = ()

    precedence: ClassVar[int] = ATOM

    def __reduce__(self) -> tuple[Any, ...]:
        values = {field.name: getattr(self, field.name) for field in fields(self)}  # type: ignore[arg-type]
        return restore, (type(self), values)

    def to_dict(self) -> dict[str, Any]:
        """This node as a plain JSON-ready dict; ``lrsched.from_dict`` reads it back.

        The format (a ``"type"`` key, the fields, a top-level ``"version"``) is in
        docs/guide.md.
        """
        from ._config import to_dict

        return to_dict(self)


class Schedule(Node, ABC):
    """A learning-rate schedule: an immutable value mapping a step (int >= 0) to a float.

    Build them from the leaf classes and the operators:

    - ``Warmup(steps=W, start_lr=x) >> s``: ramp from ``x`` to ``s(0)``, then run ``s``;
    - ``a | b``: run ``a`` for its duration, then ``b`` on its own steps;
    - ``s[:n]``: ``s`` for steps ``0..n-1``, then hold ``s(n - 1)``;
    - ``s * k``, ``k * s``, ``s / k``: scale the curve by a number.
    """

    __slots__ = ("_depth", "_scalar_fn")
    # NumPy scalars otherwise try to broadcast over us; this makes them defer to __rmul__.
    __array_ufunc__ = None

    @property
    @abstractmethod
    def duration(self) -> int | None:
        """Steps the schedule runs before holding its final value, or None if it never ends."""

    def __call__(self, step: int) -> float:
        if step.__class__ is not int or step < 0:
            step = validate.step(step)
        try:
            fn: Callable[[int], float] = self._scalar_fn  # type: ignore[attr-defined]
        except AttributeError:
            from ._scalar import compile_scalar

            fn = compile_scalar(self)
            object.__setattr__(self, "_scalar_fn", fn)
        return fn(step)

    def __or__(self, other: object) -> Phases:
        from ._composites import Phases

        return Phases(phases=(self, as_schedule(other, "right side of |")))

    def __ror__(self, other: object) -> Phases:
        from ._composites import Phases

        return Phases(phases=(as_schedule(other, "left side of |"), self))

    def __rshift__(self, other: object) -> Schedule:
        raise CompositionError(
            f"only a Warmup can stand left of >>, got {type(self).__name__}; "
            "to run schedules one after another use |, as in a | b"
        )

    def __rrshift__(self, other: object) -> Schedule:
        raise CompositionError(
            f"only a Warmup can stand left of >>, got {validate.describe(other)}"
        )

    def __mul__(self, factor: object) -> Scaled:
        from ._composites import Scaled

        if not is_number(factor):
            raise CompositionError(
                f"a schedule can be multiplied by a number only, got {validate.describe(factor)}"
            )
        return Scaled(schedule=self, factor=factor)  # type: ignore[arg-type]

    __rmul__ = __mul__

    def __truediv__(self, divisor: object) -> Scaled:
        from ._composites import Scaled

        if not is_number(divisor):
            raise CompositionError(
                f"a schedule can be divided by a number only, got {validate.describe(divisor)}"
            )
        positive = validate.positive("divisor", divisor)
        factor = validate.real(f"1 / divisor (divisor={divisor!r})", 1.0 / positive)
        return Scaled(schedule=self, factor=factor)

    def __rtruediv__(self, other: object) -> Schedule:
        raise CompositionError(f"cannot divide {other!r} by a schedule")

    def __getitem__(self, key: object) -> Bounded:
        from ._composites import Bounded

        if not isinstance(key, slice) or key.start not in (None, 0) or key.step is not None:
            raise CompositionError(
                f"a schedule takes only the slice [:n] (bound it to n steps), got [{key!r}]; "
                "to evaluate at a step, call it: s(step)"
            )
        if key.stop is None:
            raise CompositionError("s[:n] needs an end n, got s[:]")
        return Bounded(schedule=self, steps=key.stop)

    # Without this, __getitem__ would make every schedule look iterable.
    __iter__ = None
