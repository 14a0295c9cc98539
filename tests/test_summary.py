"""The facts lrsched show prints: default range, landmarks, peak, chart columns."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lrsched import (
    Constant,
    Cosine,
    CosineRestarts,
    Cyclic,
    Exponential,
    InverseSqrt,
    Linear,
    OneCycle,
    Schedule,
    Warmup,
    WarmupStableDecay,
)
from lrsched.cli import summary
from strategies import trees

COS = Cosine(base_lr=1.0, min_lr=0.0, total_steps=100)


def test_landmarks_are_phase_starts_and_warmup_ends() -> None:
    warm = Warmup(steps=10, start_lr=0.0) >> COS
    assert summary.landmarks(warm) == [10]
    assert summary.landmarks(COS[:50] | warm | Constant(lr=0.1)) == [50, 60, 160]
    assert summary.landmarks(COS) == []


def test_named_landmarks_at_any_depth() -> None:
    wsd = WarmupStableDecay(
        peak_lr=1.0, min_lr=0.0, start_lr=0.0, warmup_steps=10, total_steps=100,
        decay_steps=30, decay_shape="linear",
    )  # fmt: skip
    assert summary.named_landmarks(wsd, 101) == [(10, "warmup ends"), (70, "decay starts")]
    assert summary.named_landmarks(wsd, 70) == [(10, "warmup ends")]  # within the span only
    one = OneCycle(max_lr=1.0, total_steps=50, pct_start=0.3, initial_div=25.0, final_div=1e4)
    chain = COS[:20] | (one * 2.0)[:40] | wsd
    assert summary.named_landmarks(chain, 1000) == [
        (20, "phase 2 starts"),
        (35, "OneCycle peak"),
        (60, "phase 3 starts"),
        (70, "warmup ends"),
        (130, "decay starts"),
    ]
    # A landmark past a phase's bound never happens: the OneCycle is cut before its peak.
    assert (35, "OneCycle peak") not in summary.named_landmarks(COS[:20] | one[:10] | COS, 1000)
    # A slice from step 65 on: the decay start (130) moves to 65; what came before is gone.
    assert summary.named_landmarks(chain[65:], 1000) == [(5, "warmup ends"), (65, "decay starts")]
    restarts = CosineRestarts(base_lr=1.0, min_lr=0.0, period=5, t_mult=1)
    assert summary.named_landmarks(restarts[7:], 9) == [(3, "restart 2"), (8, "restart 3")]
    marks = summary.named_landmarks(restarts, 10**6)
    assert marks[:2] == [(5, "restart 1"), (10, "restart 2")]
    assert len(marks) == summary.MAX_RESTARTS
    assert summary.named_landmarks(restarts, 12) == [(5, "restart 1"), (10, "restart 2")]


@settings(max_examples=50)
@given(trees)
def test_landmarks_are_the_named_ones_without_restarts(s: Schedule) -> None:
    steps = summary.default_steps(s)[0]
    named = [step for step, _ in summary.named_landmarks(s, steps)]
    assert named == sorted(set(named))
    assert set(summary.landmarks(s)) & set(range(steps)) <= set(named)
    assert all(0 < step < steps for step in named)


def test_default_steps() -> None:
    assert summary.default_steps(COS) == (101, None)  # 0..duration, so the end shows
    steps, note = summary.default_steps(COS | Constant(lr=0.0))
    assert steps == summary.OPEN_ENDED_MIN
    assert note is not None
    assert "never ends" in note
    long = Linear(base_lr=1.0, end_lr=0.0, total_steps=4000) | Constant(lr=0.0)
    assert summary.default_steps(long)[0] == 5000  # a quarter past the last landmark
    assert summary.default_steps(InverseSqrt(base_lr=1.0, warmup_steps=10))[0] == 1000


def test_schedules_that_repeat_forever_show_three_cycles() -> None:
    # 1000 steps would show a quarter of a 4000-step cycle, or alias a 20-step one.
    cyclic = Cyclic(base_lr=0.1, max_lr=1.0, step_size_up=2000)
    assert summary.default_steps(cyclic)[0] == 3 * 4000
    short = Cyclic(base_lr=0.1, max_lr=1.0, step_size_up=4, step_size_down=6)
    assert summary.default_steps(short * 2.0)[0] == 30
    warm = Warmup(steps=100, start_lr=0.0) >> short
    assert summary.default_steps(Linear(base_lr=1.0, end_lr=0.0, total_steps=50) | warm) == (
        50 + 100 + 30,
        summary.OPEN_ENDED_NOTE,
    )
    restarts = CosineRestarts(base_lr=1.0, min_lr=0.0, period=7, t_mult=1)
    assert summary.default_steps(restarts)[0] == 21
    growing = CosineRestarts(base_lr=1.0, min_lr=0.0, period=7, t_mult=2)
    assert summary.default_steps(growing)[0] == summary.OPEN_ENDED_MIN


def test_sample_spreads_steps_evenly() -> None:
    assert summary.sample(5, 10) == [0, 1, 2, 3, 4]
    assert summary.sample(101, 5) == [0, 25, 50, 75, 100]
    assert summary.sample(50, 1) == [0]


def test_peak_is_the_first_highest_step() -> None:
    warm = Warmup(steps=10, start_lr=0.0) >> COS
    assert summary.peak(warm, 111) == (10, 1.0, True)
    assert summary.peak(Constant(lr=2.0), 5) == (0, 2.0, True)
    step, value, exact = summary.peak(Exponential(base_lr=1.0, gamma=0.5), 10**6)
    assert (step, value, exact) == (0, 1.0, False)


def test_columns_always_show_the_peak() -> None:
    shown = summary.columns(1000, 60, peak_step=333)
    assert len(shown) == 60
    assert 333 in shown
    assert shown == sorted(shown)
    assert summary.columns(10, 60, peak_step=3) == list(range(10))


@settings(max_examples=50)
@given(trees, st.integers(min_value=1, max_value=3000))
def test_key_steps_are_in_range_and_include_the_ends(s: Schedule, steps: int) -> None:
    peak_step, value, _ = summary.peak(s, steps)
    assert value == max(s(k) for k in summary.sample(steps, summary.PEAK_SCAN))
    keys = summary.key_steps(s, steps, peak_step)
    assert keys == sorted(set(keys))
    assert keys[0] == 0
    assert keys[-1] == steps - 1
    assert peak_step in keys
