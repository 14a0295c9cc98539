"""Print every schedule of lrsched as a small text chart.

Run with: uv run python examples/show_schedules.py
"""

from __future__ import annotations

from lrsched import (
    Constant,
    Cosine,
    CosineRestarts,
    Cyclic,
    Decay,
    Exponential,
    Interpolate,
    InverseSqrt,
    Linear,
    MultiStep,
    Noam,
    OneCycle,
    Polynomial,
    Schedule,
    StepDecay,
    Warmup,
    WarmupCosine,
    WarmupStableDecay,
)

LEVELS = " ▁▂▃▄▅▆▇█"
WIDTH = 60


def sparkline(schedule: Schedule, steps: int) -> str:
    """One character per sampled step, scaled between the curve's min and max."""
    picks = [round(i * (steps - 1) / (WIDTH - 1)) for i in range(WIDTH)]
    values = [schedule(k) for k in picks]
    low, high = min(values), max(values)
    if high == low:
        return LEVELS[4] * WIDTH
    span = high - low
    return "".join(LEVELS[round((v - low) / span * (len(LEVELS) - 1))] for v in values)


def main() -> None:
    total = 1000
    cosine = Cosine(base_lr=1e-3, min_lr=1e-5, total_steps=900)
    examples: list[Schedule] = [
        Constant(lr=1e-3),
        StepDecay(base_lr=1e-3, gamma=0.5, step_size=250),
        MultiStep(base_lr=1e-3, milestones=(300, 600, 900), gamma=0.3),
        Exponential(base_lr=1e-3, gamma=0.996),
        Linear(base_lr=1e-3, end_lr=1e-5, total_steps=total),
        Polynomial(base_lr=1e-3, end_lr=1e-5, total_steps=total, power=2.0),
        Cosine(base_lr=1e-3, min_lr=1e-5, total_steps=total),
        CosineRestarts(base_lr=1e-3, min_lr=1e-5, period=100, t_mult=2),
        InverseSqrt(base_lr=1e-3, warmup_steps=100),
        OneCycle(max_lr=1e-3, total_steps=total, pct_start=0.3, initial_div=25.0, final_div=1e4),
        Warmup(steps=100, start_lr=0.0) >> cosine,
        (Warmup(steps=100, start_lr=0.0) >> cosine)[:700]
        | Linear(base_lr=cosine(600), end_lr=0.0, total_steps=300),
        # Modern schedules (docs/schedules-modern.md).
        Cyclic(base_lr=1e-4, max_lr=1e-3, step_size_up=150, step_size_down=100),
        Cyclic(base_lr=1e-4, max_lr=1e-3, step_size_up=125, mode="triangular2"),
        Noam(d_model=512, warmup_steps=100),
        WarmupStableDecay(
            peak_lr=1e-3,
            min_lr=1e-5,
            start_lr=0.0,
            warmup_steps=100,
            total_steps=total,
            decay_fraction=0.2,
            decay_shape="1-sqrt",
        ),
        # The same warmup-stable-decay, written with operators.
        Warmup(steps=100, start_lr=0.0) >> Constant(lr=1e-3)[:700]
        | Decay(base_lr=1e-3, end_lr=1e-5, steps=200, shape="1-sqrt"),
        # The same warmup and cosine, in one node whose total_steps counts the warmup.
        WarmupCosine(peak_lr=1e-3, min_lr=1e-5, start_lr=0.0, warmup_steps=100, total_steps=total),
        Warmup(steps=300, start_lr=1e-5, shape="exponential") >> cosine,
        # Any schedule scaled by a number.
        Exponential(base_lr=1.0, gamma=0.996) * 1e-3,
        Warmup(steps=300, start_lr=0.0, shape="cosine") >> cosine,
        Interpolate(points=((0, 1e-4), (200, 1e-3), (600, 3e-4), (1000, 0.0)), shape="cosine"),
        # timm's warmup_prefix=False: a ramp in place of the cosine's first 100 steps.
        Linear(base_lr=0.0, end_lr=1e-3, total_steps=100) | cosine[100:],
        # Arithmetic: an EMA decay from 0.996 up to 1, and a cyclic momentum against a rate.
        1.0 - Cosine(base_lr=0.004, min_lr=0.0, total_steps=total),
        0.95 - Cyclic(base_lr=0.0, max_lr=0.1, step_size_up=250) * 0.5,
    ]
    for schedule in examples:
        low, high = min(schedule(k) for k in range(total)), max(schedule(k) for k in range(total))
        print(repr(schedule))
        print(f"  {sparkline(schedule, total)}  [{low:.2e} .. {high:.2e}] over {total} steps")
        print()


if __name__ == "__main__":
    main()
