"""Overflow in valid schedules (issue 8, defect class 5).

Every rate from 0 to the float maximum is valid, and so is every subnormal rate. No
intermediate of any rule of any evaluator may overflow for them: each value is finite
and inside ``value_range`` with no tolerance, the scalar and array evaluators agree, and
the array evaluator raises no NumPy floating-point warning, not even in the unused branch
of a ``where``, which is computed on every element.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from lrsched import (
    Constant,
    Cosine,
    CosineRestarts,
    Cyclic,
    Decay,
    Interpolate,
    InverseSqrt,
    Linear,
    MultiStep,
    Noam,
    OneCycle,
    Polynomial,
    Schedule,
    Shifted,
    Warmup,
    WarmupStableDecay,
    evaluate,
    value_range,
)
from strategies import (
    FLOAT_MAX,
    SMALLEST_SUBNORMAL,
    cancellation,
    huge_rates,
    nodes_in,
    signed,
)

np = pytest.importorskip("numpy", reason="the array evaluator is checked on NumPy")

# Steps on the way (every step up to the end of a short schedule), and far out, up to
# the largest int64: an unused branch sees every one of them.
FAR_STEPS = [10**6, 2**40, 2**53, 2**62, 2**63 - 1]
# Agreement as in tests/test_array_agreement.py (1e-12 relative), plus a few hundred
# subnormal units absolute: NumPy's cos, exp and pow may differ from math's by an ulp,
# and a subnormal result has only a few bits, so that ulp can flip its last one.
SUBNORMAL_SLACK = 2.0**-1066
TIE = 3 * 2.0**970


@contextmanager
def no_float_warnings() -> Iterator[None]:
    """Every NumPy overflow, invalid operation and division by zero is an error.

    Underflow is not: a decay that reaches 0 underflows by design (``gamma ** k``)."""
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        yield


def steps_of(s: Schedule) -> list[int]:
    end = min(s.duration or 0, 600)
    return [*range(end + 2), *FAR_STEPS]


def check(s: Schedule, ks: list[int]) -> None:
    low, high = value_range(s)
    assert -FLOAT_MAX <= low <= high <= FLOAT_MAX
    assert low >= 0.0 or signed(s)  # only a negation goes below 0
    absolute = max(SUBNORMAL_SLACK, 1e-12 * cancellation(s))
    # A slice s[a:] of an endless schedule gives it the step k + a, which rounds past
    # 2**53 - a; the sum of every slice start bounds what the tree adds to a step.
    shift = sum(n.start for n in nodes_in(s) if isinstance(n, Shifted))
    with no_float_warnings():
        array = evaluate(s, np.array(ks, dtype=np.int64)).tolist()
    for k, got in zip(ks, array, strict=True):
        value = s(k)
        assert math.isfinite(value), f"{s!r} at {k}: {value!r}"
        assert low <= value <= high, f"{s!r} at {k}: {value!r} outside {(low, high)}"
        assert math.isfinite(got), f"{s!r} at {k}: array {got!r}"
        assert low <= got <= high, f"{s!r} at {k}: array {got!r} outside {(low, high)}"
        if k + shift <= 2**53:  # where the step every node sees is an exact float
            assert math.isclose(got, value, rel_tol=1e-12, abs_tol=absolute), (
                f"{s!r} at step {k}: array {got!r}, scalar {value!r}"
            )


# Every rule at the float maximum and in the subnormal range, tried on every run besides
# what Hypothesis draws.
EDGES = [
    # NumPy's pow rounds gamma ** 5 an ulp below Python's, below the range's low bound.
    MultiStep(base_lr=FLOAT_MAX, milestones=(1, 1, 1, 1, 1), gamma=0.004236889623411511),
    Warmup(steps=3, start_lr=FLOAT_MAX, shape="exponential") >> Constant(lr=1e5),
    Warmup(steps=3, start_lr=0.0, shape="cosine") >> Constant(lr=FLOAT_MAX),
    Warmup(steps=3, start_lr=FLOAT_MAX, shape="1-sqrt") >> Constant(lr=0.0),
    Cosine(base_lr=FLOAT_MAX, min_lr=0.0, total_steps=3),
    Cosine(base_lr=0.0, min_lr=FLOAT_MAX, total_steps=3),
    CosineRestarts(base_lr=FLOAT_MAX, min_lr=0.0, period=2, t_mult=3),
    Polynomial(base_lr=0.0, end_lr=FLOAT_MAX, total_steps=4, power=0.5),
    OneCycle(max_lr=FLOAT_MAX, total_steps=9, pct_start=0.3, initial_div=1.0, final_div=1e4),
    Cyclic(base_lr=0.0, max_lr=FLOAT_MAX, step_size_up=3, mode="triangular2"),
    Cyclic(base_lr=FLOAT_MAX, max_lr=0.0, step_size_up=2, step_size_down=5),
    Noam(d_model=1, warmup_steps=1, scale=FLOAT_MAX),
    Decay(base_lr=FLOAT_MAX, end_lr=0.0, steps=5, shape="1-sqrt"),
    Interpolate(points=((0, 0.0), (3, FLOAT_MAX), (5, 0.0)), shape="cosine"),
    Linear(base_lr=SMALLEST_SUBNORMAL, end_lr=7 * SMALLEST_SUBNORMAL, total_steps=3),
    Cyclic(base_lr=SMALLEST_SUBNORMAL, max_lr=9 * SMALLEST_SUBNORMAL, step_size_up=4),
    Warmup(steps=6, start_lr=SMALLEST_SUBNORMAL, shape="cosine")
    >> Constant(lr=5 * SMALLEST_SUBNORMAL),
]


def with_edges(test: Any) -> Any:
    for edge in EDGES:
        test = example(edge)(test)
    return test


@given(huge_rates.leaves)
@with_edges
def test_class5_every_leaf_is_finite_inside_its_range_with_huge_and_subnormal_rates(
    s: Schedule,
) -> None:
    check(s, steps_of(s))


@given(huge_rates.trees)
@with_edges
def test_class5_every_tree_is_finite_inside_its_range_with_huge_and_subnormal_rates(
    s: Schedule,
) -> None:
    check(s, steps_of(s))


@given(huge_rates.trees)
def test_class5_scaling_by_zero_is_zero_never_nan(s: Schedule) -> None:
    # Scaled checks its factor against value_range, so a sound range keeps s * 0.0 at 0.
    zero = s * 0.0
    for k in steps_of(s):
        assert zero(k) == 0.0
    with no_float_warnings():
        assert not evaluate(zero, np.array(steps_of(s))).any()


@pytest.mark.parametrize(
    "s",
    [
        # The case of the issue: base_lr * k / W overflowed mid-warmup.
        InverseSqrt(base_lr=1.7e308, warmup_steps=4),
        InverseSqrt(base_lr=FLOAT_MAX, warmup_steps=2**53),
        # Unused where branches that overflowed in NumPy: the line and the linear ramp
        # past their end, the warmup of InverseSqrt past its end.
        Linear(base_lr=0.0, end_lr=1e300, total_steps=3),
        Linear(base_lr=FLOAT_MAX, end_lr=0.0, total_steps=1),
        Warmup(steps=5, start_lr=0.0) >> Constant(lr=1e300),
        Warmup(steps=1, start_lr=FLOAT_MAX) >> Constant(lr=0.0),
        InverseSqrt(base_lr=1e300, warmup_steps=10),
        # An exponential ramp into the float maximum: start * exp(...) rounds past it.
        Warmup(steps=7, start_lr=1e300, shape="exponential") >> Constant(lr=FLOAT_MAX),
        # a + (b - a) * w is within a rounding of max(a, b); next to the float maximum a
        # tie rounds it to inf. 3 * 2**970 makes b - a round up by half an ulp.
        Linear(base_lr=TIE, end_lr=FLOAT_MAX, total_steps=1),
        Polynomial(base_lr=FLOAT_MAX, end_lr=TIE, total_steps=2, power=1.0),
        Cosine(base_lr=FLOAT_MAX, min_lr=TIE, total_steps=1),
        Decay(base_lr=FLOAT_MAX, end_lr=TIE, steps=2, shape="linear"),
        Interpolate(points=((0, TIE), (1, FLOAT_MAX)), shape="linear"),
        Cyclic(base_lr=TIE, max_lr=FLOAT_MAX, step_size_up=1),
        OneCycle(
            max_lr=FLOAT_MAX, total_steps=3, pct_start=0.5, initial_div=FLOAT_MAX / TIE, final_div=2
        ),
        Warmup(steps=1, start_lr=TIE) >> Constant(lr=FLOAT_MAX),
        WarmupStableDecay(
            peak_lr=FLOAT_MAX,
            min_lr=0.0,
            start_lr=0.0,
            warmup_steps=4,
            total_steps=10,
            decay_steps=3,
            decay_shape="cosine",
        ),
        # Subnormal rates: a formula's rounding is a whole unit there, not a fraction of
        # an ulp, so the range must be wider than its relative slack.
        Cosine(base_lr=3 * SMALLEST_SUBNORMAL, min_lr=0.0, total_steps=7),
    ],
    ids=repr,
)
def test_class5_schedules_that_overflowed(s: Schedule) -> None:
    check(s, steps_of(s))


def test_class5_inverse_sqrt_peaks_at_base_lr_and_keeps_0_1_0_values() -> None:
    huge = InverseSqrt(base_lr=1.7e308, warmup_steps=4)
    assert [huge(k) for k in range(5)] == [0.0, 1.7e308 / 4, 1.7e308 / 2, 1.7e308 * 0.75, 1.7e308]
    # Where base_lr * k cannot overflow the formula is 0.1.0's, to the bit.
    s = InverseSqrt(base_lr=0.3, warmup_steps=7)
    assert [s(k) for k in range(7)] == [0.3 * k / 7 for k in range(7)]


@given(st.sampled_from([FLOAT_MAX, 1e308, 1e300, 1e200]), st.integers(1, 2**53))
def test_class5_a_line_from_a_huge_rate_raises_no_warning_far_past_its_end(
    lr: float, total: int
) -> None:
    check(Linear(base_lr=0.0, end_lr=lr, total_steps=total), [0, total - 1, total, 2**63 - 1])
    ramp = Warmup(steps=total, start_lr=0.0) >> Constant(lr=lr)
    check(ramp, [0, total - 1, total, 2**63 - 1])
