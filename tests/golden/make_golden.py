"""Write the golden checkpoint pickles for the running lrsched version.

Run once per release: ``uv run python tests/golden/make_golden.py``. Never regenerate
an existing file: the point is that later releases must load the old bytes.
"""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

import lrsched
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
    StepDecay,
    Warmup,
    WarmupCosine,
    WarmupStableDecay,
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


def modern_schedules() -> list[lrsched.Schedule]:
    """The 0.2.0 nodes that v0.2.0.pkl lacks: the modern schedules and shaped warmups."""
    return [
        Cyclic(base_lr=1e-4, max_lr=1e-2, step_size_up=20),
        Cyclic(base_lr=1e-4, max_lr=1e-2, step_size_up=20, step_size_down=60, mode="triangular2"),
        Cyclic(base_lr=1e-4, max_lr=1e-2, step_size_up=15, mode="exp_range", gamma=0.999),
        Noam(d_model=512, warmup_steps=400),
        Noam(d_model=64, warmup_steps=40, scale=2.0),
        Decay(base_lr=1e-3, end_lr=0.0, steps=300, shape="1-sqrt"),
        Decay(base_lr=1e-3, end_lr=1e-5, steps=300, shape="cosine"),
        Interpolate(points=((0, 0.0), (100, 1e-3), (1000, 1e-5)), shape="linear"),
        Interpolate(points=((0, 1e-3), (500, 1e-4)), shape="cosine"),
        WarmupStableDecay(
            peak_lr=1e-3,
            min_lr=1e-5,
            start_lr=0.0,
            warmup_steps=50,
            total_steps=1000,
            decay_steps=200,
            decay_shape="1-sqrt",
        ),
        WarmupStableDecay(
            peak_lr=1e-3,
            min_lr=0.0,
            start_lr=1e-5,
            warmup_steps=100,
            total_steps=2000,
            decay_fraction=0.1,
            decay_shape="linear",
            warmup_shape="cosine",
        ),
        Warmup(steps=100, start_lr=0.0, shape="cosine") >> Constant(lr=1e-3),
        Warmup(steps=100, start_lr=0.0, shape="1-sqrt")
        >> Linear(base_lr=1e-3, end_lr=0.0, total_steps=900),
        Warmup(steps=100, start_lr=1e-6, shape="exponential")
        >> Cosine(base_lr=1e-3, min_lr=0.0, total_steps=900),
    ]


def v0_3_0_schedules() -> list[lrsched.Schedule]:
    """The nodes added in 0.3.0."""
    return [
        WarmupCosine(peak_lr=1e-3, min_lr=1e-5, start_lr=0.0, warmup_steps=100, total_steps=1000),
        WarmupCosine(
            peak_lr=1e-3,
            min_lr=0.0,
            start_lr=1e-6,
            warmup_steps=50,
            total_steps=5000,
            warmup_shape="exponential",
        ),
        WarmupCosine(peak_lr=0.1, min_lr=0.0, start_lr=0.0, warmup_steps=0, total_steps=999),
        WarmupCosine(peak_lr=0.1, min_lr=1e-3, start_lr=0.0, warmup_steps=10, total_steps=20)[:15]
        | Constant(lr=1e-3),
    ]


def slice_schedules() -> list[lrsched.Schedule]:
    """Slices from any start (issue 11): ``Shifted`` alone and bounded, ``s[a:b]``."""
    cosine = Cosine(base_lr=1e-3, min_lr=1e-5, total_steps=900)
    return [
        cosine[300:],
        cosine[100:400],
        (Warmup(steps=100, start_lr=0.0) >> cosine)[50:] | Constant(lr=1e-5),
        cosine[:500]
        | WarmupCosine(peak_lr=1e-3, min_lr=0.0, start_lr=0.0, warmup_steps=10, total_steps=2000)[
            500:
        ],
        Exponential(base_lr=0.1, gamma=0.99)[1000:],
    ]


def arithmetic_schedules() -> list[lrsched.Schedule]:
    """Sum and Negated, the nodes of s + t, s - t and -s (0.3.0)."""
    cosine = Cosine(base_lr=1.0, min_lr=0.0, total_steps=100)
    return [
        1.0 - cosine,
        cosine + Linear(base_lr=0.0, end_lr=0.5, total_steps=50) - 0.25,
        -(Warmup(steps=10, start_lr=0.0) >> Exponential(base_lr=0.1, gamma=0.99)) + 0.5,
        (0.996 + (1 - 0.996) * (1.0 - cosine))[:80] | Constant(lr=1.0),
    ]


def exponential_schedules() -> list[lrsched.Schedule]:
    """Exponential with decay_steps, its continuous decay over a period (0.3.0)."""
    return [
        Exponential(base_lr=0.1, gamma=0.96, decay_steps=100),
        Exponential(base_lr=1e-3, gamma=0.5, decay_steps=7),
        Exponential(base_lr=0.1, gamma=0.9, decay_steps=1),  # the default, left out
        Warmup(steps=10, start_lr=0.0) >> Exponential(base_lr=0.1, gamma=0.1, decay_steps=1000),
    ]


# Each golden file: the schedules it holds, written once by the release in its name.
FILES = {
    "v0.2.0.pkl": golden_schedules,
    "v0.2.0-modern.pkl": modern_schedules,
    "v0.3.0.dev0.pkl": v0_3_0_schedules,
    "v0.3.0.dev0-slices.pkl": slice_schedules,
    "v0.3.0.dev0-arithmetic.pkl": arithmetic_schedules,
    "v0.3.0.dev0-exponential.pkl": exponential_schedules,
}


def write_dict_forms(path: Path, schedules: list[lrsched.Schedule]) -> None:
    """The dict form, repr and values of each schedule, as JSON."""
    records = [
        {"dict": s.to_dict(), "repr": repr(s), "values": [s(k) for k in STEPS]} for s in schedules
    ]
    path.write_text(json.dumps({"steps": STEPS, "records": records}, indent=1) + "\n")
    print(f"wrote {len(records)} dict forms to {path}")


def main() -> None:
    version = lrsched.__version__
    mine = [schedules for name, schedules in FILES.items() if name.startswith(f"v{version}.")]
    mine += [s for name, s in FILES.items() if name.startswith(f"v{version}-")]
    dicts = Path(__file__).with_name(f"v{version}-dicts.json")
    # A file added after the release's dict forms were written gets dict forms of its own.
    late = dicts.exists()
    if late:
        print(f"{dicts} exists; golden files are never rewritten")
    else:
        write_dict_forms(dicts, [s for schedules in mine for s in schedules()])
    for name, schedules in FILES.items():
        path = Path(__file__).with_name(name)
        if path.exists():
            print(f"{path} exists; golden files are never rewritten")
            continue
        if not name.startswith(f"v{version}"):
            sys.exit(f"{name} names a release other than the running {version}")
        records = [(s, repr(s), [s(k) for k in STEPS]) for s in schedules()]
        path.write_bytes(pickle.dumps({"steps": STEPS, "records": records}, protocol=2))
        print(f"wrote {len(records)} schedules to {path}")
        if late:
            write_dict_forms(path.with_name(f"{path.stem}-dicts.json"), schedules())


if __name__ == "__main__":
    main()
