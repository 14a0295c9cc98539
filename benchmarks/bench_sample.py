"""Sampling 1,000,000 steps: lrsched's array evaluator against hand-written NumPy.

Run with ``uv run python benchmarks/bench_sample.py`` (or ``nox -s bench``). The curve is
``Warmup >> Cosine | Constant``; both sides are timed in the same run, in alternation,
and the script prints the ratio of their best times. Target: ratio <= 2.0.
It also times ``sample()``, which adds the conversion to a list of Python floats.
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Callable
from typing import Any

import numpy as np

from lrsched import Constant, Cosine, Warmup, evaluate, sample

N = 1_000_000
WARMUP, TOTAL, LR, LOW = 10_000, 900_000, 1e-3, 1e-5
SCHEDULE = (
    Warmup(steps=WARMUP, start_lr=0.0) >> Cosine(base_lr=LR, min_lr=LOW, total_steps=TOTAL)
) | Constant(lr=LOW)


def by_hand(k: Any) -> Any:
    """The same curve, written directly in NumPy the way a user would."""
    t = np.clip(k - WARMUP, 0, TOTAL)
    cosine = LOW + 0.5 * (LR - LOW) * (1.0 + np.cos(np.pi * t / TOTAL))
    ramp = LR * (k / WARMUP)
    return np.where(k < WARMUP, ramp, np.where(k < WARMUP + TOTAL, cosine, LOW))


def best_of(
    first: Callable[[], object], second: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Best time of each, timing the two in alternation so drift hits both."""
    timers = [timeit.Timer(first), timeit.Timer(second)]
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for i, timer in enumerate(timers):
            best[i] = min(best[i], timer.timeit(number=1))
    return best[0], best[1]


def main(repeat: int = 15) -> int:
    steps = np.arange(N)
    ours, theirs = evaluate(SCHEDULE, steps), by_hand(steps)
    assert np.allclose(ours, theirs, rtol=1e-12, atol=0.0), "the two curves differ"
    assert np.allclose(ours[::997], [SCHEDULE(int(k)) for k in steps[::997]], rtol=1e-12)

    ok = True
    print(f"{'1,000,000 steps':<34}{'lrsched ms':>12}{'numpy ms':>12}{'ratio':>8}")
    rows = [
        ("evaluate(s, arange(n))", lambda: evaluate(SCHEDULE, steps), lambda: by_hand(steps), True),
        (
            "sample(s, num_steps=n) (a list)",
            lambda: sample(SCHEDULE, num_steps=N),
            lambda: by_hand(np.arange(N)).tolist(),
            False,
        ),
    ]
    for name, first, second, has_target in rows:
        mine, baseline = best_of(first, second, repeat)
        ratio = mine / baseline
        ok &= ratio <= 2.0 or not has_target
        print(f"{name:<34}{mine * 1e3:>12.1f}{baseline * 1e3:>12.1f}{ratio:>8.2f}")
    print("target (evaluate ratio <= 2.0) met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
