"""Properties of random schedule trees: bounds, finiteness, composition laws."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lrsched import (
    Bounded,
    Cosine,
    Linear,
    OneCycle,
    Phases,
    Polynomial,
    Schedule,
    Warmup,
    value_range,
)
from strategies import (
    counts,
    leaves,
    linear_warmups,
    rates,
    signed,
    steps,
    trees,
    warmups,
    warmups_into,
)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


@given(trees, st.lists(steps, min_size=1, max_size=20))
def test_values_are_finite_and_inside_the_range(s: Schedule, ks: list[int]) -> None:
    low, high = value_range(s)
    assert low <= high
    assert low >= 0.0 or signed(s)  # only a negation goes below 0
    # Every step up to the end (where the extremes sit: step 0, peaks, joins, the end
    # value), then random ones after it.
    end = min(s.duration or 0, 2_000)
    for k in [*range(end + 2), *ks]:
        value = s(k)
        assert math.isfinite(value)
        assert low <= value <= high


@pytest.mark.parametrize(
    ("s", "k", "extremes"),
    [
        # Each value rounds an ulp outside [min(a, b), max(a, b)] of its two rates.
        (
            Polynomial(base_lr=1.8676663310777006, end_lr=6.0, total_steps=1, power=1.0),
            0,
            (1.8676663310777006, 6.0),
        ),
        (
            Cosine(base_lr=2.54458609934608e-05, min_lr=0.0009690406502940995, total_steps=7),
            0,
            (2.54458609934608e-05, 0.0009690406502940995),
        ),
        (
            Linear(base_lr=1.7151709517771863, end_lr=0.6229628138905298, total_steps=2),
            2,
            (0.6229628138905298, 1.7151709517771863),
        ),
        (
            OneCycle(
                max_lr=9.948308415043579,
                total_steps=5,
                pct_start=0.45040038069809246,
                initial_div=20.09832854997806,
                final_div=1973.6914815819584,
            ),
            2,
            (9.948308415043579 / 1973.6914815819584, 9.948308415043579),
        ),
    ],
)
def test_range_contains_values_that_round_past_a_rate(
    s: Schedule, k: int, extremes: tuple[float, float]
) -> None:
    low, high = value_range(s)
    assert low <= s(k) <= high
    # Widened by no more than the rounding slack, 2 ** -49 of the larger rate (plus its own
    # rounding).
    assert extremes[0] - low <= 2**-48 * extremes[1]
    assert high - extremes[1] <= 2**-48 * extremes[1]


@given(trees, st.sampled_from([10**15, 2**63 - 1, 2**63, 2**64 + 7, 10**400]))
def test_huge_steps_give_finite_values_inside_the_range(s: Schedule, k: int) -> None:
    # Past 2**1024 a step cannot become a float; no rule may try (an OverflowError).
    value = s(k)
    low, high = value_range(s)
    assert math.isfinite(value)
    assert low <= value <= high


@given(trees, steps)
def test_finite_schedules_hold_their_final_value(s: Schedule, extra: int) -> None:
    end = s.duration
    assume(end is not None)
    assert end is not None
    assert s(end + extra) == s(end)


@given(trees, trees, trees, counts)
def test_phases_associate(a: Schedule, b: Schedule, c: Schedule, n: int) -> None:
    # Bounded where they never end (filtering them out would discard most draws).
    a, b = (s if s.duration is not None else s[:n] for s in (a, b))
    assert (a | b) | c == a | (b | c)
    assert repr((a | b) | c) == repr(a | (b | c))


@given(st.lists(leaves, min_size=2, max_size=6), st.lists(counts, min_size=6, max_size=6), steps)
def test_phases_are_their_definition(
    schedules: list[Schedule], durations: list[int], k: int
) -> None:
    bounded = [s[:d] for s, d in zip(schedules[:-1], durations, strict=False)]
    chain = Phases(phases=(*bounded, schedules[-1]))
    start = 0
    for phase in chain.phases[:-1]:
        assert phase.duration is not None
        if k < start + phase.duration:
            assert chain(k) == phase(k - start)
            return
        start += phase.duration
    assert chain(k) == chain.phases[-1](k - start)


@given(trees, counts, steps)
def test_slice_is_its_definition(s: Schedule, n: int, k: int) -> None:
    bounded = s[:n]
    assert isinstance(bounded, Bounded)
    assert bounded.duration == n
    assert bounded(k) == s(min(k, n - 1))


@given(linear_warmups, trees)
def test_warmup_is_a_line_into_the_first_value(w: Warmup, s: Schedule) -> None:
    combined = w >> s
    target = s(0)
    for k in range(0, w.steps, max(1, w.steps // 7)):
        assert close(combined(k), w.start_lr + (target - w.start_lr) * k / w.steps)
    assert combined(w.steps) == target
    # Continuity at the handoff: the last ramp step is one ramp increment from the target.
    step = abs(target - w.start_lr) / w.steps
    assert abs(combined(w.steps - 1) - target) <= step * (1 + 1e-9) + 1e-15


@given(warmups, trees)
def test_warmup_is_monotone_toward_its_target(w: Warmup, s: Schedule) -> None:
    assume(w.shape != "exponential" or s(0) > 0.0)
    combined = w >> s
    ramp = [combined(k) for k in range(w.steps + 1)]
    pairs = list(pairwise(ramp))
    # cos, sqrt and exp are faithful to an ulp or so, not provably monotone.
    slack = 1e-15 + 4e-16 * max(abs(s(0)), w.start_lr)
    assert ramp[0] == w.start_lr
    assert ramp[-1] == s(0)
    if s(0) >= w.start_lr:
        assert all(b >= a - slack for a, b in pairs)
    else:
        assert all(b <= a + slack for a, b in pairs)


@given(trees, st.floats(min_value=0.0, max_value=4.0), steps)
def test_scaling_is_multiplication(s: Schedule, factor: float, k: int) -> None:
    assert (s * factor)(k) == s(k) * factor
    assert (factor * s) == (s * factor)


@given(trees, rates)
def test_duration_of_composites(s: Schedule, lr: float) -> None:
    w = Warmup(steps=3, start_lr=lr)
    inner = s.duration
    assert (w >> s).duration == (None if inner is None else inner + 3)
    assert (s * 2).duration == inner
    if inner is not None:
        assert (s | s).duration == 2 * inner


@given(trees.flatmap(lambda s: st.tuples(st.just(s), warmups_into(s))))
def test_every_warmup_shape_hands_off_into_any_tree(pair: tuple[Schedule, Warmup]) -> None:
    s, w = pair
    combined = w >> s
    target = s(0)
    ramp = [combined(k) for k in range(w.steps + 1)]
    assert ramp[0] == w.start_lr
    assert ramp[-1] == target
    assert all(min(w.start_lr, target) <= v <= max(w.start_lr, target) for v in ramp)
    sign = 1 if target >= w.start_lr else -1
    assert all(sign * (b - a) >= 0 for a, b in pairwise(ramp))
    assert combined(w.steps + 7) == s(7)
