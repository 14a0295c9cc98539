"""Nanoseconds per scalar call: lrsched objects against 0.1.0-style closures.

Run with ``uv run python benchmarks/bench_scalar.py`` (or ``nox -s bench``). Both sides
are timed in the same run over the same steps, and the script prints their ratios.
Targets: every ratio <= 1.0, and the 100-phase chain under 2x the 3-phase chain.
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Callable
from math import cos, pi

from lrsched import Constant, Cosine, Linear, Schedule, Warmup

Closure = Callable[[int], float]


# The baseline: the closure style of lrsched 0.1.0, with its per-call step check and its
# linear scan over phases.
def check_step(step: int) -> int:
    if not isinstance(step, int) or step < 0:
        raise ValueError(f"step must be a non-negative integer, received {step!r}")
    return step


def closure_cosine(base_lr: float, min_lr: float, total_steps: int) -> Closure:
    def schedule(step: int) -> float:
        check_step(step)
        t = min(step, total_steps)
        return min_lr + 0.5 * (base_lr - min_lr) * (1.0 + cos(pi * t / total_steps))

    return schedule


def closure_linear(base_lr: float, end_lr: float, total_steps: int) -> Closure:
    def schedule(step: int) -> float:
        check_step(step)
        t = min(step, total_steps)
        return base_lr + (end_lr - base_lr) * (t / total_steps)

    return schedule


def closure_warmup(schedule: Closure, warmup_steps: int, start_lr: float) -> Closure:
    target = schedule(0)

    def wrapped(step: int) -> float:
        check_step(step)
        if step < warmup_steps:
            return start_lr + (target - start_lr) * (step / warmup_steps)
        return schedule(step - warmup_steps)

    return wrapped


def closure_sequential(phases: list[tuple[int, Closure]]) -> Closure:
    def wrapped(step: int) -> float:
        check_step(step)
        offset = 0
        for duration, schedule in phases:
            if step < offset + duration:
                return schedule(step - offset)
            offset += duration
        last_duration, last_schedule = phases[-1]
        return last_schedule(last_duration - 1)

    return wrapped


def cases() -> dict[str, tuple[Schedule, Closure, int]]:
    """name -> (lrsched schedule, closure, total steps to sweep)."""
    lr, low = 1e-3, 1e-5
    chain3 = (
        Linear(base_lr=0.0, end_lr=lr, total_steps=100)
        | Cosine(base_lr=lr, min_lr=low, total_steps=800)
        | Constant(lr=low)[:100]
    )
    closure3 = closure_sequential(
        [
            (100, closure_linear(0.0, lr, 100)),
            (800, closure_cosine(lr, low, 800)),
            (100, closure_cosine(low, low, 1)),
        ]
    )
    # 100 phases of 10 steps each, alternating cosine decays with different rates.
    pieces = [Cosine(base_lr=lr / (i + 1), min_lr=low, total_steps=10) for i in range(100)]
    chain100: Schedule = pieces[0]
    for piece in pieces[1:]:
        chain100 = chain100 | piece
    closure100 = closure_sequential(
        [(10, closure_cosine(lr / (i + 1), low, 10)) for i in range(100)]
    )
    return {
        "Cosine": (
            Cosine(base_lr=lr, min_lr=low, total_steps=1000),
            closure_cosine(lr, low, 1000),
            1000,
        ),
        "Warmup >> Cosine": (
            Warmup(steps=100, start_lr=0.0) >> Cosine(base_lr=lr, min_lr=low, total_steps=900),
            closure_warmup(closure_cosine(lr, low, 900), 100, 0.0),
            1000,
        ),
        "3-phase |": (chain3, closure3, 1000),
        "100-phase |": (chain100, closure100, 1000),
    }


def ns_per_call(first: Closure, second: Closure, steps: range, repeat: int) -> tuple[float, float]:
    """Best time per call of each, timing the two in alternation so drift hits both."""

    def sweeper(fn: Closure) -> Callable[[], None]:
        def sweep() -> None:
            for k in steps:
                fn(k)

        return sweep

    timers = [timeit.Timer(sweeper(first)), timeit.Timer(sweeper(second))]
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for i, timer in enumerate(timers):
            best[i] = min(best[i], timer.timeit(number=1))
    return best[0] / len(steps) * 1e9, best[1] / len(steps) * 1e9


def main(repeat: int = 200) -> int:
    results: dict[str, float] = {}
    print(f"{'case':<20}{'lrsched ns':>12}{'closure ns':>12}{'ratio':>8}")
    ok = True
    for name, (schedule, closure, total) in cases().items():
        steps = range(total)
        assert all(schedule(k) == closure(k) for k in steps), name
        ours, theirs = ns_per_call(schedule, closure, steps, repeat)
        results[name] = ours
        ratio = ours / theirs
        ok &= ratio <= 1.0
        print(f"{name:<20}{ours:>12.1f}{theirs:>12.1f}{ratio:>8.2f}")
    growth = results["100-phase |"] / results["3-phase |"]
    ok &= growth < 2.0
    print(f"100-phase / 3-phase chain (lrsched): {growth:.2f} (target < 2.0)")
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
