"""evaluate on a CUDA device: no host sync, CUDA graph capture, and its speed.

Run with ``python benchmarks/bench_gpu.py`` on a machine with torch and a CUDA device;
without one it prints why and exits 0 (``nox -s bench`` runs it either way). It checks
and prints:

1. no host sync: ``evaluate`` of every example schedule on a CUDA tensor runs under
   ``torch.cuda.set_sync_debug_mode("error")``, which raises at any synchronising call,
   while ``check="raise"``, which reads the steps on purpose, does raise there (so the
   detector works);
2. CUDA graph capture: ``evaluate`` is captured in a ``torch.cuda.CUDAGraph`` (a host
   sync inside a capture fails it) and the replay, on new steps copied into the same
   buffer, gives the eager values;
3. speed: ``evaluate`` on 1,000,000 CUDA steps against the same curve written by hand in
   torch, and the default check against ``check="raise"`` (the cost of one sync), each
   pair timed in alternation with CUDA events, best of several.

Exit status 1 if a check fails or the evaluate / hand-written ratio passes 1.0.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any

from lrsched import Constant, Cosine, Schedule, Warmup, evaluate

N = 1_000_000
WARMUP, TOTAL, LR, LOW = 10_000, 900_000, 1e-3, 1e-5
SCHEDULE: Schedule = (
    Warmup(steps=WARMUP, start_lr=0.0) >> Cosine(base_lr=LR, min_lr=LOW, total_steps=TOTAL)
) | Constant(lr=LOW)
REPEAT = 20


def cuda() -> Any:
    """torch, if it is installed and sees a CUDA device; else None."""
    try:
        import torch
    except ImportError:
        return None
    return torch if torch.cuda.is_available() else None


def no_host_sync(torch: Any, schedules: list[Schedule]) -> bool:
    steps = torch.arange(N, device="cuda")
    for schedule in schedules:
        evaluate(schedule, steps)  # compiled and cached outside the checked region
    torch.cuda.synchronize()
    ok = True
    torch.cuda.set_sync_debug_mode("error")
    try:
        for schedule in schedules:
            try:
                evaluate(schedule, steps)
            except RuntimeError as exc:
                print(f"  host sync in evaluate({schedule!r}, cuda steps): {exc}")
                ok = False
        try:
            evaluate(SCHEDULE, steps, check="raise")
            print("  check='raise' did not sync: the detector saw nothing")
            ok = False
        except RuntimeError:
            pass
    finally:
        torch.cuda.set_sync_debug_mode("default")
    print(f"no host sync on {len(schedules)} schedules (check='raise' syncs): {_ok(ok)}")
    return ok


def graph_capture(torch: Any) -> bool:
    steps = torch.arange(N, device="cuda")
    evaluate(SCHEDULE, steps)
    torch.cuda.synchronize()
    graph = torch.cuda.CUDAGraph()
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    try:
        with torch.cuda.stream(stream):
            evaluate(SCHEDULE, steps)  # warm up on the side stream, as torch advises
        torch.cuda.current_stream().wait_stream(stream)
        with torch.cuda.graph(graph):
            out = evaluate(SCHEDULE, steps)
    except RuntimeError as exc:
        print(f"CUDA graph capture of evaluate: FAILED ({exc})")
        return False
    steps.copy_(torch.arange(N, 2 * N, device="cuda"))
    graph.replay()
    torch.cuda.synchronize()
    ok = bool(torch.equal(out, evaluate(SCHEDULE, torch.arange(N, 2 * N, device="cuda"))))
    print(f"CUDA graph capture of evaluate, replayed on new steps: {_ok(ok)}")
    return ok


def by_hand(torch: Any, steps: Any) -> Any:
    k = steps.to(torch.float64)
    t = torch.clamp(k - WARMUP, 0, TOTAL)
    cosine = LOW + 0.5 * (LR - LOW) * (1.0 + torch.cos(math.pi * t / TOTAL))
    ramp = LR * (k / WARMUP)
    return torch.where(k < WARMUP, ramp, torch.where(k < WARMUP + TOTAL, cosine, LOW))


def best_of(torch: Any, first: Callable[[], object], second: Callable[[], object]) -> list[float]:
    """Best milliseconds of each, timed in alternation with CUDA events (the host waits
    only after each timed call, outside what is measured)."""
    best = [math.inf, math.inf]
    for _ in range(REPEAT):
        for i, fn in enumerate((first, second)):
            start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            stop.record()
            stop.synchronize()
            best[i] = min(best[i], start.elapsed_time(stop))
    return best


def speed(torch: Any) -> bool:
    steps = torch.arange(N, device="cuda")
    assert torch.allclose(evaluate(SCHEDULE, steps), by_hand(torch, steps), rtol=1e-12, atol=0)
    print(f"{'1,000,000 CUDA steps':<40}{'ms':>9}{'baseline':>10}{'ratio':>8}{'target':>9}")
    mine, baseline = best_of(
        torch, lambda: evaluate(SCHEDULE, steps), lambda: by_hand(torch, steps)
    )
    ratio = mine / baseline
    row("evaluate vs hand-written torch", mine, baseline, "<= 1.0")
    quiet, synced = best_of(
        torch,
        lambda: evaluate(SCHEDULE, steps),
        lambda: evaluate(SCHEDULE, steps, check="raise"),
    )
    row("default check vs check=raise (a sync)", quiet, synced, "-")
    return ratio <= 1.0


def row(name: str, mine: float, baseline: float, target: str) -> None:
    print(f"{name:<40}{mine:>9.3f}{baseline:>10.3f}{mine / baseline:>8.2f}{target:>9}")


def _ok(ok: bool) -> str:
    return "ok" if ok else "FAILED"


def main() -> int:
    torch = cuda()
    if torch is None:
        print("bench_gpu: skipped (no torch with a CUDA device here)")
        return 0
    from lrsched import WarmupCosine, WarmupStableDecay

    schedules = [
        SCHEDULE,
        WarmupCosine(peak_lr=1.0, min_lr=0.0, start_lr=0.0, warmup_steps=100, total_steps=N),
        WarmupStableDecay(
            peak_lr=1.0,
            min_lr=0.0,
            start_lr=0.0,
            warmup_steps=100,
            decay_steps=1000,
            total_steps=N,
            decay_shape="1-sqrt",
        ),
    ]
    print(f"device: {torch.cuda.get_device_name()}")
    results = [no_host_sync(torch, schedules), graph_capture(torch), speed(torch)]
    print("all checks passed" if all(results) else "CHECK FAILED")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
