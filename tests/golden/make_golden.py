"""Write the golden checkpoint pickles for the running lrsched version.

Run once per release: ``uv run python tests/golden/make_golden.py``. Never regenerate
an existing file: the point is that later releases must load the old bytes.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import lrsched
from lrsched import (
    Constant,
    Cosine,
    CosineRestarts,
    Exponential,
    InverseSqrt,
    Linear,
    MultiStep,
    OneCycle,
    Polynomial,
    StepDecay,
    Warmup,
)

STEPS = (0, 1, 7, 50, 99, 100, 101, 250, 999, 1000, 5000)


def golden_schedules() -> list[lrsched.Schedule]:
    cosine = Cosine(base_lr=1e-3, min_lr=1e-5, total_steps=900)
    return [
        Constant(lr=0.1),
        StepDecay(base_lr=0.1, gamma=0.5, step_size=30),
        MultiStep(base_lr=0.1, milestones=(100, 300), gamma=0.1),
        Exponential(base_lr=0.1, gamma=0.99),
        Linear(base_lr=0.1, end_lr=0.0, total_steps=1000),
        Polynomial(base_lr=0.1, end_lr=1e-4, total_steps=1000, power=2.0),
        cosine,
        CosineRestarts(base_lr=0.1, min_lr=1e-4, period=50, t_mult=2),
        InverseSqrt(base_lr=1e-3, warmup_steps=100),
        OneCycle(max_lr=0.1, total_steps=1000, pct_start=0.3, initial_div=25.0, final_div=1e4),
        Warmup(steps=100, start_lr=0.0) >> cosine | Constant(lr=1e-5),
        (Linear(base_lr=0.0, end_lr=1.0, total_steps=10) | cosine[:500] | Constant(lr=0.5)) / 4,
        2 * (Warmup(steps=10, start_lr=1e-4) >> Exponential(base_lr=0.1, gamma=0.9))[:300],
    ]


def main() -> None:
    version = lrsched.__version__
    path = Path(__file__).with_name(f"v{version}.pkl")
    if path.exists() and "--force" not in sys.argv:
        sys.exit(f"{path} exists; golden files are never rewritten")
    records = [(s, repr(s), [s(k) for k in STEPS]) for s in golden_schedules()]
    path.write_bytes(pickle.dumps({"steps": STEPS, "records": records}, protocol=2))
    print(f"wrote {len(records)} schedules to {path}")


if __name__ == "__main__":
    main()
