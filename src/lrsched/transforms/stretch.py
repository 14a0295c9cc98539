"""Stretching: ``s.stretch(factor)`` and ``s.stretch_to(n)``, the same curve over a
longer or shorter run.

Every step count in the tree is scaled, on one grid for the whole schedule: the step
``t`` of the run (a phase boundary, the end of a cosine, a milestone) moves to
``round(t * factor)``, rounded half to even, and each count becomes the distance
between its two ends' new positions. Counts measured on one grid add up, so the
stretched schedule lasts exactly ``round(duration * factor)`` steps, however many
phases and nested counts it holds; an integer factor rounds nothing, so
``s.stretch(2).stretch(0.5)`` has the durations of ``s``. Rates are kept, and
per-step decays are adjusted so the curve keeps its shape: ``Exponential`` and
``Cyclic``'s ``exp_range`` take ``gamma ** (1 / factor)``, ``Noam`` keeps its peak.

Each node class has a ``STRETCH`` rule here (``tests/test_registry.py`` checks that
every registered class has one), called with the node and the ``Line`` that says where
the node's step 0 lies on the run. A factor below 1 that would leave a count below its
minimum (a phase of 0 steps) is refused, naming the count.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from itertools import pairwise
from math import sqrt
from typing import Any, TypeVar

from ..core import validate
from ..core.arithmetic import Negated, Sum
from ..core.composites import Bounded, Phases, Scaled, Shifted, Warmup, WithWarmup
from ..core.errors import CompositionError, ParameterValueError, ScheduleError
from ..core.node import Node
from ..core.registry import STRETCH, find, rule
from ..core.schedule import Schedule
from ..core.seam import install
from ..schedules.constant import Constant
from ..schedules.cosine import Cosine, CosineRestarts, WarmupCosine
from ..schedules.cyclic import Cyclic
from ..schedules.decays import Exponential, MultiStep, StepDecay
from ..schedules.interpolate import Interpolate
from ..schedules.inverse_sqrt import InverseSqrt, Noam
from ..schedules.one_cycle import OneCycle
from ..schedules.polynomial import Linear, Polynomial
from ..schedules.wsd import Decay, WarmupStableDecay

N = TypeVar("N", bound=Node)


@dataclass(frozen=True)
class Line:
    """Where a node's step 0 lies on the whole run (``origin``, negative under a
    ``Shifted``), the factor, and whether an enclosing ``Bounded`` sets the node's
    duration (``free``), so that its own does not count."""

    origin: int
    factor: Fraction
    free: bool = False

    def position(self, t: int) -> int:
        """The new local step of the node's step ``t``."""
        return round((self.origin + t) * self.factor) - round(self.origin * self.factor)

    def span(self, start: int, stop: int, what: str, minimum: int = 1) -> int:
        """The new length of the node's steps ``start..stop``, at least ``minimum``."""
        length = self.position(stop) - self.position(start)
        if length < minimum:
            raise ParameterValueError(
                f"stretching by {float(self.factor)!r} leaves {what} at {length} steps "
                f"(from {stop - start}), under its minimum of {minimum}; stretch by more"
            )
        return length

    def count(self, t: int, what: str, minimum: int = 1) -> int:
        """The new value of a count ``t`` measured from the node's step 0."""
        return self.span(0, t, what, minimum)

    def at(self, offset: int, *, free: bool = False) -> Line:
        """The line of a child whose step 0 is the node's step ``offset``."""
        return Line(self.origin + offset, self.factor, free)


def stretched(node: N, line: Line) -> N:
    """``node`` on the stretched run, by its class's ``STRETCH`` rule."""
    found = find(STRETCH, node)
    if found is None:
        raise CompositionError(
            f"stretch has no rule for {type(node).__name__}; register one with "
            f"@rule(STRETCH, {type(node).__name__}) in lrsched/transforms/stretch.py"
        )
    result: N = found(node, line)
    return result


def stretch(schedule: Schedule, factor: object) -> Schedule:
    """``schedule`` over ``factor`` times as many steps (see the module's docs)."""
    scale = validate.positive("factor", factor)
    return _run(schedule, Fraction(scale))


def stretch_to(schedule: Schedule, steps: object) -> Schedule:
    """``schedule`` stretched to last exactly ``steps`` steps."""
    total = validate.count("steps", steps)
    duration = schedule.duration
    if duration is None:
        raise CompositionError(
            f"stretch_to needs a schedule that ends, but {validate.shown(schedule)} never "
            "does; bound it first (s[:n].stretch_to(steps)) or use s.stretch(factor)"
        )
    return _run(schedule, Fraction(total, duration))


def _run(schedule: Schedule, factor: Fraction) -> Schedule:
    if factor == 1:
        return schedule
    try:
        return stretched(schedule, Line(0, factor))
    except ScheduleError as exc:
        # A rebuilt node's own check (a count past 2**53, a gamma that underflows to 0).
        if str(exc).startswith("stretching by"):
            raise
        raise type(exc)(f"stretching by {float(factor)!r}: {validate.message(exc)}") from exc


def _gamma(gamma: float, line: Line) -> float:
    """A per-step factor for steps ``1 / factor`` as long: ``gamma ** (1 / factor)``."""
    return float(gamma ** float(1 / line.factor))


def _total(node: Any, line: Line) -> Any:
    return replace(node, total_steps=line.count(node.total_steps, f"{node!r}'s total_steps"))


# Leaves --------------------------------------------------------------------------------


@rule(STRETCH, Constant)
def _constant(node: Constant, line: Line) -> Constant:
    return node


for _cls in (Linear, Polynomial, Cosine, OneCycle):
    rule(STRETCH, _cls)(_total)


@rule(STRETCH, StepDecay)
def _step_decay(node: StepDecay, line: Line) -> StepDecay:
    return replace(node, step_size=line.count(node.step_size, f"{node!r}'s step_size"))


@rule(STRETCH, MultiStep)
def _multi_step(node: MultiStep, line: Line) -> MultiStep:
    what = f"{node!r}'s milestone"
    return replace(node, milestones=tuple(line.count(m, what) for m in node.milestones))


@rule(STRETCH, Exponential)
def _exponential(node: Exponential, line: Line) -> Exponential:
    return replace(node, gamma=_gamma(node.gamma, line))


@rule(STRETCH, CosineRestarts)
def _cosine_restarts(node: CosineRestarts, line: Line) -> CosineRestarts:
    return replace(node, period=line.count(node.period, f"{node!r}'s period"))


@rule(STRETCH, InverseSqrt)
def _inverse_sqrt(node: InverseSqrt, line: Line) -> InverseSqrt:
    what = f"{node!r}'s warmup_steps"
    return replace(node, warmup_steps=line.count(node.warmup_steps, what))


@rule(STRETCH, Noam)
def _noam(node: Noam, line: Line) -> Noam:
    # The peak is scale * (d_model * W) ** -0.5: scaled by sqrt(W' / W), it stays put.
    warmup = line.count(node.warmup_steps, f"{node!r}'s warmup_steps")
    return replace(node, warmup_steps=warmup, scale=node.scale * sqrt(warmup / node.warmup_steps))


@rule(STRETCH, Cyclic)
def _cyclic(node: Cyclic, line: Line) -> Cyclic:
    up, down = node.step_size_up, node.step_size_down or node.step_size_up
    new_up = line.count(up, f"{node!r}'s step_size_up")
    new_down = line.span(up, up + down, f"{node!r}'s step_size_down")
    gamma = _gamma(node.gamma, line) if node.mode == "exp_range" else node.gamma
    return replace(node, step_size_up=new_up, step_size_down=new_down, gamma=gamma)


@rule(STRETCH, Decay)
def _decay(node: Decay, line: Line) -> Decay:
    return replace(node, steps=line.count(node.steps, f"{node!r}'s steps"))


@rule(STRETCH, Interpolate)
def _interpolate(node: Interpolate, line: Line) -> Interpolate:
    steps = [step for step, _ in node.points]
    for start, stop in pairwise(steps):
        line.span(start, stop, f"the points {start} to {stop} of {node!r}")
    points = tuple((line.position(step), lr) for step, lr in node.points)
    return replace(node, points=points)


@rule(STRETCH, WarmupCosine)
def _warmup_cosine(node: WarmupCosine, line: Line) -> WarmupCosine:
    warmup, total = node.warmup_steps, node.total_steps
    line.span(warmup, total, f"the cosine of {node!r}")
    return replace(
        node,
        warmup_steps=line.count(warmup, f"{node!r}'s warmup_steps", minimum=0),
        total_steps=line.count(total, f"{node!r}'s total_steps"),
    )


@rule(STRETCH, WarmupStableDecay)
def _warmup_stable_decay(node: WarmupStableDecay, line: Line) -> WarmupStableDecay:
    # The decay ends at total_steps, so it is measured back from there. A decay_fraction
    # stays where it still gives that length of the new total_steps; elsewhere it
    # becomes the decay_steps it stands for (its rounding could overlap the warmup).
    warmup, total, decay = node.warmup_steps, node.total_steps, node.decay_length
    changes: dict[str, Any] = {
        "warmup_steps": line.count(warmup, f"{node!r}'s warmup_steps", minimum=0),
        "total_steps": line.count(total, f"{node!r}'s total_steps"),
    }
    length = line.span(total - decay, total, f"{node!r}'s decay")
    fraction = node.decay_fraction
    if fraction is None or round(fraction * changes["total_steps"]) != length:
        changes.update(decay_steps=length, decay_fraction=None)
    return replace(node, **changes)


# Composites ----------------------------------------------------------------------------


@rule(STRETCH, Warmup)
def _warmup(node: Warmup, line: Line) -> Warmup:
    return replace(node, steps=line.count(node.steps, f"{node!r}'s steps"))


@rule(STRETCH, WithWarmup)
def _with_warmup(node: WithWarmup, line: Line) -> WithWarmup:
    warmup = stretched(node.warmup, line)
    return WithWarmup(warmup=warmup, schedule=stretched(node.schedule, line.at(node.warmup.steps)))


@rule(STRETCH, Phases)
def _phases(node: Phases, line: Line) -> Phases:
    pairs = zip(node.phases, node.starts, strict=True)
    return Phases(phases=tuple(stretched(phase, line.at(start)) for phase, start in pairs))


@rule(STRETCH, Bounded)
def _bounded(node: Bounded, line: Line) -> Bounded:
    inner = stretched(node.schedule, line.at(0, free=True))
    return Bounded(schedule=inner, steps=line.count(node.steps, f"the bound [:{node.steps}]"))


@rule(STRETCH, Shifted)
def _shifted(node: Shifted, line: Line) -> Schedule:
    start, inner = node.start, node.schedule
    # The schedule under the slice starts `start` steps before the slice does.
    below = line.at(-start, free=line.free)
    moved = stretched(inner, below)
    new_start = below.count(start, f"the slice start [{start}:]", minimum=0)
    result = moved[new_start:]
    end = inner.duration
    if end is not None and end > start and not line.free:
        below.span(start, end, f"the slice {node!r}")
    if end is not None and end <= start and not line.free:
        # A slice past its schedule's end holds one value for its duration of 1 step,
        # which the stretched run gives the length of that step.
        length = line.count(1, f"the slice {node!r}, which holds one value for")
        if length > 1:
            result = result[:length]
    return result


@rule(STRETCH, Scaled)
def _scaled(node: Scaled, line: Line) -> Scaled:
    return Scaled(schedule=stretched(node.schedule, line), factor=node.factor)


@rule(STRETCH, Sum)
def _sum(node: Sum, line: Line) -> Sum:
    # Every term on the same grid, so the longest still sets the sum's duration.
    return Sum(terms=tuple(stretched(term, line) for term in node.terms))


@rule(STRETCH, Negated)
def _negated(node: Negated, line: Line) -> Negated:
    return Negated(schedule=stretched(node.schedule, line))


install(stretch=stretch, stretch_to=stretch_to)
