"""``Schedule``: the base class of every schedule, with its operators and calling.

Nodes hold data only. Calling a schedule asks the scalar evaluator for a function
compiled from the node's tree; that function is cached in a hidden slot that is not a
dataclass field, so it never shows in ``==``, ``hash``, ``repr`` or pickles. The nodes the
operators build reach this module through the seam (``core/seam.py``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, overload

from . import validate
from .errors import CompositionError, ParameterTypeError, ParameterValueError
from .node import Node, check_size, is_number
from .seam import SEAM

if TYPE_CHECKING:
    from .arithmetic import Negated, Sum
    from .composites import Phases, Scaled


def as_schedule(value: object, context: str) -> Schedule:
    """Accept a schedule, or a number as a ``Constant``; anything else is an operand error."""
    if isinstance(value, Schedule):
        return value
    if is_number(value):
        return SEAM.constant(lr=value)
    raise CompositionError(
        f"{context} needs a schedule or a number, got {validate.describe(value)}"
    )


def as_term(value: object, context: str, negate: bool = False) -> Schedule:
    """An operand of ``+`` or ``-`` as a term of a ``Sum``: a schedule (negated if
    ``negate``), or a number ``x`` (``-x`` if ``negate``) as ``Constant(lr=x)``, or
    ``-Constant(lr=-x)`` when it is below 0: leaves keep refusing negative rates."""
    if isinstance(value, Schedule):
        return SEAM.negated(schedule=value) if negate else value
    if not is_number(value):
        raise CompositionError(
            f"{context} needs a schedule or a number, got {validate.describe(value)}"
        )
    number = validate.real(f"the number {context}", value)
    if negate:
        number = 0.0 - number
    if number < 0.0:
        return SEAM.negated(schedule=SEAM.constant(lr=0.0 - number))
    return SEAM.constant(lr=number)


def schedule_field(name: str, value: object) -> Schedule:
    """``value`` if it is a schedule, else a ``ParameterTypeError`` naming the field."""
    if not isinstance(value, Schedule):
        raise ParameterTypeError(f"{name} must be a Schedule, got {validate.describe(value)}")
    return value


def flattened(kind: type[Schedule], name: str, items: object, what: str) -> tuple[Schedule, ...]:
    """The field ``name`` of a flat node (``Phases``, ``Sum``): ``items`` as a tuple with
    nested nodes of ``kind`` spliced in, each a schedule, at least two. Counted against
    ``MAX_SIZE`` before copying: nested nodes shared by reference (pickle memo, YAML
    aliases) would otherwise double with each use."""
    if not isinstance(items, (tuple, list)):
        raise ParameterTypeError(
            f"{name} must be a tuple of schedules, got {validate.describe(items)}"
        )
    check_size(sum(len(getattr(i, name)) if isinstance(i, kind) else 1 for i in items), what)
    flat: list[Schedule] = []
    for item in items:
        if isinstance(item, kind):
            flat.extend(getattr(item, name))
        else:
            flat.append(schedule_field(f"each of {name}", item))
    if len(flat) < 2:
        raise ParameterValueError(f"{name} needs at least two schedules, got {len(flat)}")
    return tuple(flat)


class Schedule(Node, ABC):
    """A learning-rate schedule: an immutable value mapping a step (int >= 0) to a float.

    Build them from the leaf classes and the operators:

    - ``Warmup(steps=W, start_lr=x) >> s``: ramp from ``x`` to ``s(0)``, then run ``s``;
    - ``a | b``: run ``a`` for its duration, then ``b`` on its own steps;
    - ``s[:n]``: ``s`` for steps ``0..n-1``, then hold ``s(n - 1)``;
    - ``s[a:]``: ``s`` from its step ``a`` on; ``s[a:b]``: that for ``b - a`` steps;
    - ``s * k``, ``k * s``, ``s / k``: scale the curve by a number;
    - ``s + t``, ``s - t``, ``-s``, with schedules or numbers: add the rates at each step.
    """

    # __weakref__: jax.jit(s) and optax keep weak references to the functions they trace.
    __slots__ = ("__weakref__", "_array_fn", "_lowered", "_measure", "_scalar_fn")
    # NumPy scalars otherwise try to broadcast over us; this makes them defer to __rmul__.
    __array_ufunc__ = None

    @property
    @abstractmethod
    def duration(self) -> int | None:
        """Steps the schedule runs before holding its final value, or None if it never ends."""

    def _repr_svg_(self) -> str:
        """The curve as an SVG, which Jupyter and IPython show inline (``cli/svg.py``);
        the text form stays ``repr``."""
        return SEAM.svg(self)

    @overload
    def __call__(self, step: int) -> float: ...

    @overload
    def __call__(self, step: Any) -> Any: ...

    def __call__(self, step: Any) -> Any:
        """The rate at ``step`` (an int >= 0, NumPy integer scalars included), or, for an
        integer array of NumPy, torch or JAX (tracers too), ``lrsched.evaluate(self,
        step)``: so a schedule is an optax schedule as it is."""
        if step.__class__ is not int or step < 0:
            # Only here, off the int fast path: an array goes to the array evaluator.
            if step.__class__ is not int and SEAM.is_array(step):
                return SEAM.evaluate(self, step)
            step = validate.step(step)
        try:
            fn: Callable[[int], float] = self._scalar_fn  # type: ignore[attr-defined]
        except AttributeError:
            fn = SEAM.compile_scalar(self)
            object.__setattr__(self, "_scalar_fn", fn)
        return fn(step)

    def __or__(self, other: object) -> Phases:
        return SEAM.phases(phases=(self, as_schedule(other, "right side of |")))

    def __ror__(self, other: object) -> Phases:
        return SEAM.phases(phases=(as_schedule(other, "left side of |"), self))

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
        if not is_number(factor):
            raise CompositionError(
                f"a schedule can be multiplied by a number only, got {validate.describe(factor)}"
            )
        if factor < 0:  # type: ignore[operator]
            raise ParameterValueError(
                f"factor must be >= 0, got {validate.shown(factor)}; to flip the sign of a "
                f"schedule, negate it: -(s * {validate.shown(-factor)})"  # type: ignore[operator]
            )
        return SEAM.scaled(schedule=self, factor=factor)

    __rmul__ = __mul__

    def __truediv__(self, divisor: object) -> Scaled:
        if not is_number(divisor):
            raise CompositionError(
                f"a schedule can be divided by a number only, got {validate.describe(divisor)}"
            )
        positive = validate.positive("divisor", divisor)
        factor = validate.real(f"1 / divisor (divisor={divisor!r})", 1.0 / positive)
        return SEAM.scaled(schedule=self, factor=factor)

    def __rtruediv__(self, other: object) -> Schedule:
        raise CompositionError(f"cannot divide {other!r} by a schedule")

    def __add__(self, other: object) -> Sum:
        return SEAM.summed(terms=(self, as_term(other, "right side of +")))

    def __radd__(self, other: object) -> Sum:
        return SEAM.summed(terms=(as_term(other, "left side of +"), self))

    def __sub__(self, other: object) -> Sum:
        return SEAM.summed(terms=(self, as_term(other, "right side of -", negate=True)))

    def __rsub__(self, other: object) -> Sum:
        return SEAM.summed(terms=(as_term(other, "left side of -"), SEAM.negated(schedule=self)))

    def __neg__(self) -> Negated:
        return SEAM.negated(schedule=self)

    def __pos__(self) -> Schedule:
        return self

    def __getitem__(self, key: object) -> Schedule:
        return SEAM.sliced(self, key)

    def stretch(self, factor: float) -> Schedule:
        """The same curve over ``factor`` times as many steps: every step count in the
        tree scaled on one grid (the step ``t`` of the run moves to ``round(t *
        factor)``, half to even), per-step decays adjusted to keep the shape, rates
        kept. The duration becomes ``round(duration * factor)`` exactly. Turns a
        schedule written in epochs into one in steps: ``s.stretch(steps_per_epoch)``.
        """
        return SEAM.stretch(self, factor)

    def stretch_to(self, steps: int) -> Schedule:
        """This schedule stretched (or shrunk) to last exactly ``steps`` steps; one that
        never ends is refused."""
        return SEAM.stretch_to(self, steps)

    def cooldown(
        self, *, at: int, steps: int, shape: str = "1-sqrt", end_lr: float = 0.0
    ) -> Schedule:
        """This schedule up to step ``at``, then a ``Decay`` from its rate at ``at`` to
        ``end_lr`` over ``steps`` steps with ``shape`` (``"1-sqrt"``, ``"linear"`` or
        ``"cosine"``): ``s[:at] | Decay(base_lr=s(at), ...)``."""
        return SEAM.cooldown(self, at=at, steps=steps, shape=shape, end_lr=end_lr)

    # Without this, __getitem__ would make every schedule look iterable.
    __iter__ = None


class Expanding(Schedule):
    """A schedule defined by a tree of other nodes (its operator form), which every
    evaluator runs in its place: such a class registers no rules of its own.

    The tree is built once, by the constructor (so its checks run then, never inside a
    ``jax.jit`` or ``torch.compile`` trace), and kept in a hidden slot that is not a field:
    not in ``==``, ``hash``, ``repr`` or pickles.
    """

    __slots__ = ()

    @abstractmethod
    def _expansion(self) -> Schedule:
        """Build the tree (called once)."""

    @property
    def duration(self) -> int | None:
        return self.expand().duration

    def expand(self) -> Schedule:
        """The same schedule written with operators (the form every evaluator runs)."""
        try:
            tree: Schedule = self._lowered  # type: ignore[attr-defined]
        except AttributeError:
            tree = self._expansion()
            object.__setattr__(self, "_lowered", tree)
        return tree


def lowered(node: Schedule) -> Schedule:
    """The tree an evaluator runs for ``node``: its expansion, or ``node`` itself."""
    return node.expand() if isinstance(node, Expanding) else node
