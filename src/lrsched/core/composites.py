"""The composite nodes that the operators build (``>>``, ``|``, ``[:n]``, ``[a:]``,
``*``), and ``Warmup``. Like the schedules, they hold data only; their rules live in the
evaluators."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate
from math import log
from typing import Any

from . import validate
from .errors import CompositionError, ParameterTypeError, ParameterValueError
from .node import (
    ATOM,
    HANDOFF,
    PHASES,
    PRODUCT,
    SUM,
    Node,
    keyword_repr,
    operand_repr,
    restore,
    store,
)
from .registry import register
from .schedule import Schedule, as_schedule, flattened, schedule_field
from .seam import SEAM, install
from .shapes import WARMUP_SHAPES

_LOG_FLOAT_MAX = 709.0  # just under log(sys.float_info.max)
MAX_CHAIN = 32  # the longest chain printed with |; see Phases


def _check_span(steps: int | None, what: str) -> None:
    """Refuse a duration or phase start past 2**53: beyond it steps are not exact floats,
    so the evaluators could not agree on where a phase begins."""
    if steps is not None and steps > validate.MAX_COUNT:
        raise ParameterValueError(
            f"{what} last {steps:,} steps, more than 2**53, the longest span in which every "
            "step is an exact float"
        )


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Warmup(Node):
    """A ramp from ``start_lr`` into the schedule that follows it: ``Warmup(...) >> s``.

    A warmup has no rate of its own until it is joined to ``s``. With ``W = steps``,
    ``x = start_lr``, target ``y = s(0)`` and progress ``p = k / W``, for ``k < W``:

    - ``shape="linear"`` (default): ``lr(k) = x + (y - x) * p``;
    - ``shape="cosine"``: ``lr(k) = x + (y - x) * (1 - cos(pi * p)) / 2``, flat at both
      ends (the half-cosine warmup of transformers' ``get_wsd_schedule``);
    - ``shape="1-sqrt"``: ``lr(k) = x + (y - x) * (1 - sqrt(1 - p))``, gentle at first
      and steepest just before the handoff (transformers' ``warmup_type="1-sqrt"``);
    - ``shape="exponential"``: ``lr(k) = x * (y / x) ** p``, computed as
      ``x * exp(p * (log(y) - log(x)))`` and clamped to ``y`` (``exp`` may round past
      it by an ulp): the geometric ramp, equal steps in ``log(lr)``. It needs
      ``x > 0`` (checked here) and ``y > 0`` (checked by ``>>``).

    then ``lr(k) = s(k - W)`` for ``k >= W``. Every shape gives ``lr(0) = start_lr``
    and ``lr(W) = s(0)`` exactly (step ``W`` is the first step of ``s``), is monotone
    on the ramp and never overshoots its target. ``shape`` is left out of ``repr`` and
    pickles when it is ``"linear"``, so 0.2.0 reprs and checkpoints are unchanged.
    """

    steps: int
    start_lr: float
    shape: str = "linear"

    def __post_init__(self) -> None:
        store(
            self,
            steps=validate.count("steps", self.steps),
            start_lr=validate.rate("start_lr", self.start_lr),
            shape=validate.choice("shape", self.shape, WARMUP_SHAPES),
        )
        if self.shape == "exponential" and self.start_lr == 0.0:
            raise ParameterValueError(
                "start_lr must be > 0 for shape='exponential' (a geometric ramp cannot "
                f"start at 0), got {self.start_lr!r}; use shape='linear' or 'cosine' from 0"
            )

    __repr__ = keyword_repr

    def __reduce__(self) -> tuple[Any, ...]:
        values: dict[str, Any] = {"steps": self.steps, "start_lr": self.start_lr}
        if self.shape != "linear":
            values["shape"] = self.shape
        return restore, (type(self), values)

    def __rshift__(self, other: object) -> WithWarmup:
        return WithWarmup(warmup=self, schedule=as_schedule(other, "right side of Warmup >>"))

    def __or__(self, other: object) -> Schedule:
        raise CompositionError(
            "a Warmup has no learning rate of its own; ramp into a schedule with "
            "Warmup(...) >> s, then chain, scale or bound that"
        )

    # Every other operator of a schedule, refused with the same advice.
    __ror__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __getitem__ = __or__
    __add__ = __radd__ = __sub__ = __rsub__ = __or__

    def __neg__(self) -> Schedule:
        return self.__or__(None)

    __pos__ = __neg__


def store_warmup_fields(node: Node) -> None:
    """Check and store the fields that a schedule with a built-in warmup shares
    (``WarmupCosine``, ``WarmupStableDecay``): its rates, step counts and warmup shape."""
    values: Any = node
    store(
        node,
        peak_lr=validate.rate("peak_lr", values.peak_lr),
        min_lr=validate.rate("min_lr", values.min_lr),
        start_lr=validate.rate("start_lr", values.start_lr),
        warmup_steps=validate.count("warmup_steps", values.warmup_steps, minimum=0),
        total_steps=validate.count("total_steps", values.total_steps),
        warmup_shape=validate.choice("warmup_shape", values.warmup_shape, WARMUP_SHAPES),
    )


def check_exponential_warmup(node: Node) -> None:
    """Refuse a zero start or peak for a built-in exponential warmup, naming both."""
    values: Any = node
    exponential = values.warmup_steps and values.warmup_shape == "exponential"
    if exponential and (values.start_lr == 0.0 or values.peak_lr == 0.0):
        raise ParameterValueError(
            "start_lr and peak_lr must be > 0 for warmup_shape='exponential', got "
            f"start_lr={values.start_lr!r}, peak_lr={values.peak_lr!r}"
        )


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class WithWarmup(Schedule):
    """``warmup >> schedule``: the warmup's ramp ends at ``schedule(0)``, then ``schedule``
    runs from its own step 0. Duration: ``warmup.steps + schedule.duration``."""

    warmup: Warmup
    schedule: Schedule
    precedence = HANDOFF

    def __post_init__(self) -> None:
        if not isinstance(self.warmup, Warmup):
            raise ParameterTypeError(
                f"warmup must be a Warmup, got {validate.describe(self.warmup)}"
            )
        schedule_field("schedule", self.schedule)
        if self.warmup.shape == "exponential":
            target = self.schedule(0)
            if target <= 0.0:
                raise CompositionError(
                    f"an exponential warmup needs a schedule that starts above 0, but "
                    f"{self.schedule!r} starts at {target!r}; use shape='linear' or 'cosine'"
                )
            # The ramp is x * exp(p * log(y / x)); exp overflows once y / x passes ~1e308.
            if log(target) - log(self.warmup.start_lr) > _LOG_FLOAT_MAX:
                raise CompositionError(
                    f"an exponential warmup from start_lr={self.warmup.start_lr!r} to "
                    f"{target!r} spans a ratio beyond the float range; raise start_lr"
                )
        _check_span(self.duration, "the warmup and the schedule after it")

    @property
    def duration(self) -> int | None:
        inner = self.schedule.duration
        return None if inner is None else self.warmup.steps + inner

    def __repr__(self) -> str:
        return f"{self.warmup!r} >> {operand_repr(self.schedule, SUM)}"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Phases(Schedule):
    """``a | b | ...``: each phase runs for its duration on steps counted from its own start.

    With phase ``i`` starting at ``S_i`` (the sum of the durations before it), a step
    ``k`` in ``[S_i, S_(i+1))`` gives ``phase_i(k - S_i)``; past the last start, the last
    phase keeps running on its own steps (so a finite one holds its final value).
    Nested chains are flattened, so ``(a | b) | c == a | (b | c)``. Every phase but the
    last must have a duration.

    A chain prints as ``a | b | c``, or, past ``MAX_CHAIN`` phases, as
    ``Phases(phases=(a, b, c, ...))``: Python compiles ``a | b | ...`` recursively, one
    level per ``|``, and fails after a few thousand, so ``eval(repr(s))`` of a long
    chain (a per-epoch table given to ``sequential``) would raise ``RecursionError``.
    """

    phases: tuple[Schedule, ...]

    def __post_init__(self) -> None:
        flat = flattened(Phases, "phases", self.phases, "this chain has phases:")
        for phase in flat[:-1]:
            if phase.duration is None:
                raise CompositionError(
                    f"{phase!r} never ends, so the phases after it would never run; "
                    f"bound it to n steps first: {operand_repr(phase, ATOM)}[:n] | ..."
                )
        store(self, phases=flat)
        _check_span(self.starts[-1], "the phases before the last one")
        _check_span(self.duration, "the phases")

    @property
    def starts(self) -> tuple[int, ...]:
        """The global step at which each phase begins (the first is 0)."""
        durations = [phase.duration or 0 for phase in self.phases[:-1]]
        return (0, *accumulate(durations))

    @property
    def duration(self) -> int | None:
        last = self.phases[-1].duration
        return None if last is None else self.starts[-1] + last

    @property
    def precedence(self) -> int:  # type: ignore[override]
        return PHASES if len(self.phases) <= MAX_CHAIN else ATOM

    def __repr__(self) -> str:
        if len(self.phases) > MAX_CHAIN:
            return f"Phases(phases=({', '.join(repr(phase) for phase in self.phases)}))"
        return " | ".join(operand_repr(phase, HANDOFF) for phase in self.phases)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Bounded(Schedule):
    """``schedule[:steps]``: ``schedule`` for steps ``0..steps-1``, then ``schedule(steps - 1)``.

    ``s[:a][:b]`` with ``b <= a`` is stored as ``s[:b]``, its equal. Bounding a
    ``Shifted`` gives the slice ``s[a:b]``, printed so (see ``Shifted``).
    """

    schedule: Schedule
    steps: int

    def __post_init__(self) -> None:
        schedule_field("schedule", self.schedule)
        store(self, steps=validate.count("steps", self.steps))
        inner = self.schedule
        # Look through every bound at least as long: s[:1][:5][:1] is s[:1], not s[:1][:1].
        while isinstance(inner, Bounded) and self.steps <= inner.steps:
            inner = inner.schedule
        store(self, schedule=inner)

    @property
    def duration(self) -> int | None:
        return self.steps

    def __repr__(self) -> str:
        inner = self.schedule
        if isinstance(inner, Shifted):  # s[a:][:n] is the slice s[a:a + n]
            start = inner.start
            return f"{operand_repr(inner.schedule, ATOM)}[{start}:{start + self.steps}]"
        return f"{operand_repr(inner, ATOM)}[:{self.steps}]"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Shifted(Schedule):
    """``schedule[start:]``: ``schedule`` from its step ``start`` on, ``schedule(start + k)``.

    With ``D`` the duration of ``schedule``, the duration is ``max(D - start, 1)`` (a
    schedule that ends before ``start`` holds its final value from step 0), or ``None``
    if ``schedule`` never ends. ``s[a:b]`` is ``Bounded(schedule=s[a:], steps=b - a)``,
    printed ``s[a:b]``: ``s`` from step ``a`` for ``b - a`` steps, then ``s(b - 1)``.
    Slices fold: ``s[2:][3:]`` is stored as ``s[5:]``, and a slice of a bounded schedule,
    ``s[:n][a:]``, as the bounded slice ``s[a:n]``, so a ``Shifted`` never holds a
    ``Bounded`` (written by hand, one is refused). ``start`` is from 1 to ``2**53``;
    ``s[0:]`` is ``s`` itself. ``value_range`` gives the bounds of the whole of
    ``schedule``, which may be wider than those of the part from ``start`` on. The array
    evaluator gives an endless ``schedule`` the float step ``start + k``, exact up to
    ``k = 2**53 - start`` (a finite one holds from its end, so its step stays exact).

    >>> Cosine(base_lr=1.0, min_lr=0.0, total_steps=100)[50:]
    Cosine(base_lr=1.0, min_lr=0.0, total_steps=100)[50:]
    """

    schedule: Schedule
    start: int

    def __post_init__(self) -> None:
        inner = schedule_field("schedule", self.schedule)
        start = validate.count("start", self.start)
        if isinstance(inner, Bounded):
            raise CompositionError(
                f"a Shifted cannot hold a Bounded, got schedule={operand_repr(inner, ATOM)}; "
                "a slice of a bounded schedule is the bounded slice s[a:b], which "
                "s[:n][a:] builds"
            )
        if isinstance(inner, Shifted):  # s[a:][b:] is s[a + b:]
            if inner.start + start > validate.MAX_COUNT:
                raise ParameterValueError(
                    f"the slice starts {inner.start:,} and {start:,} add up past 2**53, "
                    "the largest count that is an exact float"
                )
            start, inner = inner.start + start, inner.schedule
        store(self, schedule=inner, start=start)

    @property
    def duration(self) -> int | None:
        inner = self.schedule.duration
        return None if inner is None else max(inner - self.start, 1)

    def __repr__(self) -> str:
        return f"{operand_repr(self.schedule, ATOM)}[{self.start}:]"


def _shift(schedule: Schedule, start: int) -> Schedule:
    """``schedule[start:]`` in folded form: a bound stays outermost (``s[:n][a:]`` is
    ``s[a:n]``), and a start past a bound's last step holds that step."""
    if start == 0:
        return schedule
    if isinstance(schedule, Bounded):
        moved = min(start, schedule.steps - 1)
        return Bounded(schedule=_shift(schedule.schedule, moved), steps=schedule.steps - moved)
    return Shifted(schedule=schedule, start=start)


def _slice_index(name: str, value: object) -> int:
    index = validate.integer(name, value)
    if index < 0:
        raise ParameterValueError(
            f"{name} must be an int >= 0 (a schedule has no end to count back from), "
            f"got {validate.shown(index)}"
        )
    return index


def sliced(schedule: Schedule, key: object) -> Schedule:
    """``schedule[key]``: ``[:n]``, ``[a:]`` or ``[a:b]`` (see ``Bounded`` and ``Shifted``)."""
    if not isinstance(key, slice):
        raise CompositionError(
            "a schedule takes only the slices [:n], [a:] and [a:b] (steps n, from a, from a "
            f"to b), got [{validate.shown(key)}]; to evaluate at a step, call it: s(step)"
        )
    if key.step is not None:
        raise CompositionError(
            f"a slice of a schedule takes no step, got a step of {validate.shown(key.step)}"
        )
    start = 0 if key.start is None else _slice_index("slice start", key.start)
    if key.stop is None:
        return _shift(schedule, validate.count("slice start", start, minimum=0))
    if start == 0:
        return Bounded(schedule=schedule, steps=key.stop)
    stop = validate.integer("slice end", key.stop)
    if stop <= start:
        raise ParameterValueError(
            f"a slice s[a:b] needs b > a (at least one step), got "
            f"[{validate.shown(start)}:{validate.shown(stop)}]"
        )
    shifted = _shift(schedule, validate.count("slice start", start))
    return Bounded(schedule=shifted, steps=stop - start)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Scaled(Schedule):
    """``schedule * factor``: every rate multiplied by ``factor`` (finite, >= 0).

    ``k * s`` builds the same node, and ``s / d`` is ``s * (1 / d)``. A negative factor
    is refused: ``-(s * 2)`` (a ``Negated``) flips the sign.
    """

    schedule: Schedule
    factor: float
    precedence = PRODUCT

    def __post_init__(self) -> None:
        schedule_field("schedule", self.schedule)
        store(self, factor=validate.rate("factor", self.factor))
        low, peak = SEAM.value_range(self.schedule)
        validate.real(f"factor {self.factor!r} times the peak {peak!r}", peak * self.factor)
        validate.real(f"factor {self.factor!r} times the low {low!r}", low * self.factor)

    @property
    def duration(self) -> int | None:
        return self.schedule.duration

    def __repr__(self) -> str:
        return f"{operand_repr(self.schedule, PRODUCT)} * {self.factor!r}"


install(phases=Phases, sliced=sliced, scaled=Scaled)
