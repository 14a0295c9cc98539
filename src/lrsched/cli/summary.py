"""Key facts about a schedule for ``lrsched show``: how many steps to show, the peak,
the steps worth printing. Pure functions over the public API."""

from __future__ import annotations

from ..core.composites import Bounded, Phases, Scaled, Shifted, WithWarmup
from ..core.schedule import Schedule
from ..core.validate import MAX_COUNT
from ..schedules.cosine import CosineRestarts, WarmupCosine
from ..schedules.cyclic import Cyclic
from ..schedules.inverse_sqrt import InverseSqrt, Noam
from ..schedules.one_cycle import OneCycle
from ..schedules.wsd import WarmupStableDecay

OPEN_ENDED_MIN = 1000  # steps shown for a schedule that never ends and has no landmarks
PEAK_SCAN = 100_000  # beyond this many steps the peak is searched on a sample
OPEN_ENDED_NOTE = "a default, as it never ends; choose with --steps N"
MAX_RESTARTS = 8  # restarts of a CosineRestarts listed by name; later ones are not


def landmarks(schedule: Schedule) -> list[int]:
    """Steps where the structure changes, at any depth: phase starts, warmup ends, a
    WarmupStableDecay's decay start, a OneCycle's or Noam's peak (``named_landmarks``
    without the restarts, which never end)."""
    found: dict[int, list[str]] = {}
    _walk(schedule, 0, MAX_COUNT + 1, found, restarts=False)
    found.pop(0, None)
    return sorted(found)


def named_landmarks(schedule: Schedule, steps: int) -> list[tuple[int, str]]:
    """Steps below ``steps`` where something named happens, in order: every phase start
    and warmup end (as ``landmarks``), a WarmupStableDecay's decay start, a OneCycle's
    peak, the restarts of a CosineRestarts, at any depth of the tree."""
    found: dict[int, list[str]] = {}
    _walk(schedule, 0, steps, found, restarts=True)
    found.pop(0, None)
    return [(step, ", ".join(dict.fromkeys(names))) for step, names in sorted(found.items())]


def _walk(
    node: Schedule, offset: int, end: int, found: dict[int, list[str]], *, restarts: bool
) -> None:
    """Add the landmarks of ``node``, which starts at step ``offset``, before ``end``."""

    def add(step: int, name: str) -> None:
        if step > 0 and offset + step < end:
            found.setdefault(offset + step, []).append(name)

    if isinstance(node, WithWarmup):
        add(node.warmup.steps, "warmup ends")
        _walk(node.schedule, offset + node.warmup.steps, end, found, restarts=restarts)
    elif isinstance(node, Phases):
        starts = node.starts  # a property that adds the durations up: read it once
        for number, (start, phase) in enumerate(zip(starts, node.phases, strict=True)):
            if offset + start >= end:
                break
            add(start, f"phase {number + 1} starts")
            stop = starts[number + 1] if number + 1 < len(starts) else None
            limit = end if stop is None else min(end, offset + stop)
            _walk(phase, offset + start, limit, found, restarts=restarts)
    elif isinstance(node, Bounded):
        _walk(node.schedule, offset, min(end, offset + node.steps), found, restarts=restarts)
    elif isinstance(node, Scaled):
        _walk(node.schedule, offset, end, found, restarts=restarts)
    elif isinstance(node, Shifted):  # the inner landmarks after its start, moved back
        inner: dict[int, list[str]] = {}
        _walk(node.schedule, 0, node.start + end - offset, inner, restarts=restarts)
        for step, names in inner.items():
            if step > node.start:
                found.setdefault(offset + step - node.start, []).extend(names)
    elif isinstance(node, (WarmupStableDecay, WarmupCosine)):
        add(node.warmup_steps, "warmup ends")
        if isinstance(node, WarmupStableDecay):
            add(node.total_steps - node.decay_length, "decay starts")
    elif isinstance(node, OneCycle):
        add(node.peak_step, "OneCycle peak")
    elif isinstance(node, InverseSqrt):
        add(node.warmup_steps, "warmup ends")
    elif isinstance(node, Noam):
        add(node.warmup_steps - 1, "Noam peak")
    elif isinstance(node, CosineRestarts) and restarts:
        start, length = node.period, node.period
        for number in range(MAX_RESTARTS):
            if offset + start >= end:
                break
            add(start, f"restart {number + 1}")
            length *= node.t_mult
            start += length


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
    """First, quartiles, last, the peak and the named landmarks within range, in order."""
    last = steps - 1
    picked = {0, last, peak_step, *(round(last * q) for q in (0.25, 0.5, 0.75))}
    picked.update(mark for mark, _ in named_landmarks(schedule, steps))
    return sorted(picked)
