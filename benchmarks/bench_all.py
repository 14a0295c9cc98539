"""Every row of issue 13's table, each against its baseline measured in the same run.

Run with ``uv run nox -s bench`` (which installs NumPy, torch, JAX and optax), or with
any Python that has them: ``python benchmarks/bench_all.py``. A row whose framework is
missing is printed as skipped. Each row times lrsched and its baseline in alternation,
``REPEAT`` times, and takes the best time of each, so drift on a busy machine hits both
sides; the ratio is lrsched / baseline, printed beside its target. Exit status 1 if a
target is missed. ``benchmarks/README.md`` says what each row measures.

The curve is the one of the issue: ``Warmup >> Cosine | Constant``, 10,000 warmup steps,
900,000 of cosine, then the floor.
"""

from __future__ import annotations

import gc
import math
import sys
import timeit
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from lrsched import Constant, Cosine, Schedule, Warmup, evaluate

N = 1_000_000
WARMUP, TOTAL, LR, LOW = 10_000, 900_000, 1e-3, 1e-5
SCHEDULE: Schedule = (
    Warmup(steps=WARMUP, start_lr=0.0) >> Cosine(base_lr=LR, min_lr=LOW, total_steps=TOTAL)
) | Constant(lr=LOW)
REPEAT = 15

Row = tuple[str, float, float, float, str]  # name, lrsched, baseline, target, unit


def best_of(
    first: Callable[[], object], second: Callable[[], object], repeat: int, number: int = 1
) -> tuple[float, float]:
    """Best time per call of each, timing the two in alternation."""
    timers = [timeit.Timer(first), timeit.Timer(second)]
    best = [math.inf, math.inf]
    for _ in range(repeat):
        for i, timer in enumerate(timers):
            best[i] = min(best[i], timer.timeit(number=number) / number)
    return best[0], best[1]


def by_hand_numpy(steps: Any) -> Any:
    """The curve written with np.where, the way a user would."""
    k = steps.astype(np.float64)
    t = np.clip(k - WARMUP, 0, TOTAL)
    cosine = LOW + 0.5 * (LR - LOW) * (1.0 + np.cos(np.pi * t / TOTAL))
    ramp = LR * (k / WARMUP)
    return np.where(k < WARMUP, ramp, np.where(k < WARMUP + TOTAL, cosine, LOW))


def by_hand_scalar(step: int) -> float:
    """The curve as a plain Python function, checking its step as ``s(k)`` does."""
    if not isinstance(step, int) or step < 0:
        raise ValueError(f"step must be a non-negative int, got {step!r}")
    if step < WARMUP:
        return LR * (step / WARMUP)
    if step < WARMUP + TOTAL:
        return LOW + 0.5 * (LR - LOW) * (1.0 + math.cos(math.pi * (step - WARMUP) / TOTAL))
    return LOW


def by_hand_unchecked(step: int) -> float:
    """The same function with no check of its step (shown, with no target)."""
    if step < WARMUP:
        return LR * (step / WARMUP)
    if step < WARMUP + TOTAL:
        return LOW + 0.5 * (LR - LOW) * (1.0 + math.cos(math.pi * (step - WARMUP) / TOTAL))
    return LOW


def numpy_rows() -> list[Row]:
    steps = np.arange(N)
    ours, theirs = evaluate(SCHEDULE, steps), by_hand_numpy(steps)
    assert np.allclose(ours, theirs, rtol=1e-12, atol=0.0), "the two NumPy curves differ"
    mine, baseline = best_of(
        lambda: evaluate(SCHEDULE, steps), lambda: by_hand_numpy(steps), REPEAT
    )
    rows: list[Row] = [("evaluate, NumPy, 1M steps vs np.where", mine, baseline, 1.0, "ms")]
    big = np.arange(10 * N)
    peaks = [peak_bytes(lambda: evaluate(SCHEDULE, big)), peak_bytes(lambda: by_hand_numpy(big))]
    rows.append(("peak memory, NumPy, 10M steps", peaks[0], peaks[1], 1.0, "MB"))
    return rows


def peak_bytes(fn: Callable[[], object]) -> float:
    """The peak of memory allocated while ``fn`` runs (tracemalloc sees NumPy's buffers)."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return float(tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()


def scalar_rows() -> list[Row]:
    steps = range(0, N, 97)
    assert all(SCHEDULE(k) == by_hand_scalar(k) for k in steps[:200]), "the scalar curves differ"

    def sweep(fn: Callable[[int], float]) -> Callable[[], None]:
        def run() -> None:
            for k in steps:
                fn(k)

        return run

    mine, checked = best_of(sweep(SCHEDULE), sweep(by_hand_scalar), 3 * REPEAT)
    mine2, bare = best_of(sweep(SCHEDULE), sweep(by_hand_unchecked), 3 * REPEAT)
    per_call = 1.0 / len(steps)
    return [
        ("s(k) vs a Python function (checked)", mine * per_call, checked * per_call, 1.2, "ns"),
        ("s(k) vs a Python function (no check)", mine2 * per_call, bare * per_call, math.nan, "ns"),
    ]


def torch_rows() -> list[Row]:
    import torch

    # One thread for both sides: on a shared machine torch's thread pool costs each
    # operator a wait for a busy core, which would measure the machine, not the code.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _torch_rows(torch)
    finally:
        torch.set_num_threads(threads)


def _torch_rows(torch: Any) -> list[Row]:
    from lrsched.torch import ScheduleLR

    def by_hand(steps: Any) -> Any:
        k = steps.to(torch.float64)
        t = torch.clamp(k - WARMUP, 0, TOTAL)
        cosine = LOW + 0.5 * (LR - LOW) * (1.0 + torch.cos(math.pi * t / TOTAL))
        ramp = LR * (k / WARMUP)
        return torch.where(k < WARMUP, ramp, torch.where(k < WARMUP + TOTAL, cosine, LOW))

    steps = torch.arange(N)
    assert torch.allclose(evaluate(SCHEDULE, steps), by_hand(steps), rtol=1e-12, atol=0.0)
    mine, baseline = best_of(lambda: evaluate(SCHEDULE, steps), lambda: by_hand(steps), REPEAT)
    rows: list[Row] = [("evaluate, torch CPU, 1M steps vs torch", mine, baseline, 1.0, "ms")]

    def optimizer() -> Any:
        return torch.optim.SGD([torch.nn.Parameter(torch.zeros(4))], lr=LR)

    ours_opt, theirs_opt = optimizer(), optimizer()
    ours = ScheduleLR(ours_opt, SCHEDULE)
    # LambdaLR multiplies the group's initial rate (LR) by the function's value.
    theirs = torch.optim.lr_scheduler.LambdaLR(theirs_opt, lambda k: by_hand_scalar(k) / LR)
    ours_opt.step()  # as in training: the optimizer steps before its scheduler
    theirs_opt.step()
    number = 2000
    mine, baseline = best_of(ours.step, theirs.step, REPEAT, number=number)
    assert math.isclose(ours.get_last_lr()[0], theirs.get_last_lr()[0], rel_tol=1e-12)
    rows.append(("ScheduleLR.step() vs LambdaLR.step()", mine, baseline, 1.0, "us"))
    return rows


def jax_rows() -> list[Row]:
    import jax
    import jax.numpy as jnp
    import optax

    theirs = optax.warmup_cosine_decay_schedule(
        init_value=0.0,
        peak_value=LR,
        warmup_steps=WARMUP,
        decay_steps=WARMUP + TOTAL,
        end_value=LOW,
    )
    ours = SCHEDULE  # the schedule itself is an optax schedule
    steps = jnp.arange(N)
    mine_fn, their_fn = jax.jit(ours), jax.jit(theirs)
    assert np.allclose(
        np.asarray(mine_fn(steps)), np.asarray(their_fn(steps)), rtol=1e-5, atol=1e-9
    )

    def timed(fn: Any) -> Callable[[], object]:
        return lambda: fn(steps).block_until_ready()

    # A call takes a few milliseconds: more repetitions, so the best is a stable one.
    mine, baseline = best_of(timed(mine_fn), timed(their_fn), 4 * REPEAT, number=5)
    rows: list[Row] = [("jitted JAX call, 1M steps vs optax", mine, baseline, 1.1, "ms")]

    def train(schedule: Any) -> Any:
        tx = optax.adamw(learning_rate=schedule, weight_decay=1e-2)
        params = jnp.ones(256)
        state = tx.init(params)

        def scanned(params: Any, state: Any) -> Any:
            def one(carry: Any, _: Any) -> Any:
                params, state = carry
                grads = jax.grad(lambda p: jnp.sum((p - 0.5) ** 2))(params)
                updates, state = tx.update(grads, state, params)
                return (optax.apply_updates(params, updates), state), None

            return jax.lax.scan(one, (params, state), None, length=2000)[0]

        run = jax.jit(scanned)

        return lambda: jax.block_until_ready(run(params, state))

    loop_mine, loop_theirs = train(ours), train(theirs)
    a, b = loop_mine(), loop_theirs()
    assert np.allclose(np.asarray(a[0]), np.asarray(b[0]), rtol=1e-4, atol=1e-6)
    mine, baseline = best_of(loop_mine, loop_theirs, 4 * REPEAT, number=5)
    rows.append(("scanned adamw, 2000 steps vs optax", mine, baseline, 1.1, "ms"))
    return rows


SCALE = {"ms": 1e3, "us": 1e6, "ns": 1e9, "MB": 1e-6}


def optional(name: str, rows: Callable[[], list[Row]]) -> list[Row] | str:
    try:
        __import__(name)
    except ImportError:
        return f"skipped: {name} is not installed"
    return rows()


def main() -> int:
    print(f"{'measure':<42}{'lrsched':>11}{'baseline':>11}{'':>4}{'ratio':>7}{'target':>9}")
    missed = []
    sections: list[tuple[str, list[Row] | str]] = [
        ("numpy", numpy_rows()),
        ("torch", optional("torch", torch_rows)),
        ("scalar", scalar_rows()),
        ("jax", optional("optax", jax_rows)),
    ]
    for section, rows in sections:
        if isinstance(rows, str):
            print(f"{section:<42}{rows}")
            continue
        for name, mine, baseline, target, unit in rows:
            ratio = mine / baseline
            scale = SCALE[unit]
            goal = "-" if math.isnan(target) else f"<= {target:.1f}"
            if ratio > target:
                missed.append(name)
            print(
                f"{name:<42}{mine * scale:>11.2f}{baseline * scale:>11.2f}{unit:>4}"
                f"{ratio:>7.2f}{goal:>9}"
            )
    print("all targets met" if not missed else f"TARGET MISSED: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
