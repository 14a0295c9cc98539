"""Key facts about a schedule for ``lrsched show``: how many steps to show, the peak,
the steps worth printing. Pure functions over the public API."""

from __future__ import annotations

from ..core.composites import Phases, Scaled, WithWarmup
from ..core.schedule import Schedule
from ..schedules.cosine import CosineRestarts
from ..schedules.cyclic import Cyclic

OPEN_ENDED_MIN = 1000  # steps shown for a schedule that never ends and has no landmarks
PEAK_SCAN = 100_000  # beyond this many steps the peak is searched on a sample
OPEN_ENDED_NOTE = "a default, as it never ends; choose with --steps N"


def landmarks(schedule: Schedule) -> list[int]:
    """Steps where the structure changes: phase starts and the ends of warmups."""
    found: set[int] = set()
    if isinstance(schedule, WithWarmup):
        found.add(schedule.warmup.steps)
    if isinstance(schedule, Phases):
        for start, phase in zip(schedule.starts, schedule.phases, strict=True):
            found.add(start)
            if isinstance(phase, WithWarmup):
                found.add(start + phase.warmup.steps)
    found.discard(0)
    return sorted(found)


def cycle(schedule: Schedule) -> int | None:
    """The length of the cycle that ``schedule`` repeats forever at its end, if any:
    ``Cyclic``, and ``CosineRestarts`` with cycles of one length."""
    if isinstance(schedule, Cyclic):
        return schedule.step_size_up + (schedule.step_size_down or schedule.step_size_up)
    if isinstance(schedule, CosineRestarts):
        return schedule.period if schedule.t_mult == 1 else None
    if isinstance(schedule, (Scaled, WithWarmup)):
        return cycle(schedule.schedule)
    if isinstance(schedule, Phases):
        return cycle(schedule.phases[-1])
    return None


def default_steps(schedule: Schedule) -> tuple[int, str | None]:
    """Steps to show: ``0..duration`` for a finite schedule. For one that never ends,
    with a note: three cycles past its last landmark if it ends repeating a cycle, else
    a quarter more than its last landmark (at least ``OPEN_ENDED_MIN``)."""
    duration = schedule.duration
    if duration is not None:
        return duration + 1, None
    marks = landmarks(schedule)
    last = marks[-1] if marks else 0
    length = cycle(schedule)
    if length is not None:
        return last + 3 * length, OPEN_ENDED_NOTE
    return max(last + last // 4, OPEN_ENDED_MIN), OPEN_ENDED_NOTE


def sample(steps: int, count: int) -> list[int]:
    """``count`` steps spread evenly over ``0..steps-1``, first and last included."""
    if steps <= count:
        return list(range(steps))
    if count == 1:
        return [0]
    return [round(i * (steps - 1) / (count - 1)) for i in range(count)]


def peak(schedule: Schedule, steps: int) -> tuple[int, float, bool]:
    """The first step of the highest value in ``0..steps-1``, the value, and whether
    every step was checked (``False``: the search used ``PEAK_SCAN`` evenly spread steps)."""
    candidates = sample(steps, PEAK_SCAN)
    best_step, best = 0, schedule(0)
    for step in candidates:
        value = schedule(step)
        if value > best:
            best_step, best = step, value
    return best_step, best, steps <= PEAK_SCAN


def columns(steps: int, width: int, peak_step: int) -> list[int]:
    """The step shown in each chart column; the column nearest the peak shows the peak."""
    chosen = sample(steps, width)
    if len(chosen) < steps:
        nearest = min(range(len(chosen)), key=lambda i: abs(chosen[i] - peak_step))
        chosen[nearest] = peak_step
    return chosen


def key_steps(schedule: Schedule, steps: int, peak_step: int) -> list[int]:
    """First, quartiles, last, the peak and the landmarks within range, in order."""
    last = steps - 1
    picked = {0, last, peak_step, *(round(last * q) for q in (0.25, 0.5, 0.75))}
    picked.update(mark for mark in landmarks(schedule) if mark <= last)
    return sorted(picked)
