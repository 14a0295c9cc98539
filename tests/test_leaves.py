"""Exact values at known steps and the shape of every leaf schedule."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
)
from strategies import counts, rates


def test_constant_is_flat_and_never_ends() -> None:
    s = Constant(lr=0.1)
    assert [s(k) for k in (0, 1, 10**9)] == [0.1, 0.1, 0.1]
    assert s.duration is None


def test_step_decay_drops_by_gamma_every_step_size() -> None:
    s = StepDecay(base_lr=1.0, gamma=0.5, step_size=10)
    assert [s(k) for k in (0, 9, 10, 19, 20, 30)] == [1.0, 1.0, 0.5, 0.5, 0.25, 0.125]
    assert s.duration is None


def test_multi_step_counts_milestones_reached() -> None:
    s = MultiStep(base_lr=1.0, milestones=(10, 20), gamma=0.1)
    assert s(0) == 1.0
    assert s(9) == 1.0
    assert s(10) == pytest.approx(0.1, rel=1e-15)
    assert s(19) == pytest.approx(0.1, rel=1e-15)
    assert s(20) == pytest.approx(0.01, rel=1e-15)
    assert s(10**6) == pytest.approx(0.01, rel=1e-15)


def test_multi_step_repeated_milestone_applies_gamma_twice() -> None:
    s = MultiStep(base_lr=1.0, milestones=(5, 5), gamma=0.5)
    assert (s(4), s(5)) == (1.0, 0.25)


def test_multi_step_milestones_are_sorted_for_equality() -> None:
    a = MultiStep(base_lr=1.0, milestones=[20, 10], gamma=0.1)  # type: ignore[arg-type]
    b = MultiStep(base_lr=1.0, milestones=(10, 20), gamma=0.1)
    assert a == b
    assert hash(a) == hash(b)
    assert a.milestones == (10, 20)


def test_exponential_multiplies_every_step() -> None:
    s = Exponential(base_lr=2.0, gamma=0.5)
    assert [s(k) for k in range(4)] == [2.0, 1.0, 0.5, 0.25]
    assert s(10**7) == 0.0  # underflows to zero, never an error


def test_linear_reaches_end_and_holds() -> None:
    s = Linear(base_lr=1.0, end_lr=0.0, total_steps=10)
    assert [s(k) for k in (0, 5, 10, 50)] == [1.0, 0.5, 0.0, 0.0]
    assert s.duration == 10
    up = Linear(base_lr=0.0, end_lr=2.0, total_steps=4)
    assert [up(k) for k in range(6)] == [0.0, 0.5, 1.0, 1.5, 2.0, 2.0]


def test_polynomial_matches_closed_form() -> None:
    s = Polynomial(base_lr=1.0, end_lr=0.0, total_steps=10, power=2.0)
    assert [s(k) for k in (0, 5, 10, 11)] == [1.0, 0.25, 0.0, 0.0]
    root = Polynomial(base_lr=3.0, end_lr=1.0, total_steps=4, power=0.5)
    assert root(1) == pytest.approx(1.0 + 2.0 * math.sqrt(0.75), rel=1e-15)


def test_polynomial_with_power_one_equals_linear() -> None:
    poly = Polynomial(base_lr=0.3, end_lr=0.1, total_steps=7, power=1.0)
    line = Linear(base_lr=0.3, end_lr=0.1, total_steps=7)
    for k in range(10):
        assert poly(k) == pytest.approx(line(k), rel=1e-15)


def test_cosine_values_and_hold() -> None:
    s = Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)
    assert s(0) == 1.0
    assert s(5) == pytest.approx(0.5, rel=1e-15)
    assert s(10) == 0.0
    assert s(100) == 0.0
    assert s.duration == 10
    quarter = Cosine(base_lr=2.0, min_lr=1.0, total_steps=4)
    assert quarter(1) == pytest.approx(1.0 + 0.5 * (1 + math.cos(math.pi / 4)), rel=1e-15)


def test_cosine_is_nonincreasing() -> None:
    s = Cosine(base_lr=1e-3, min_lr=1e-5, total_steps=50)
    values = [s(k) for k in range(60)]
    assert all(b <= a for a, b in pairwise(values))


def test_cosine_restarts_periodic() -> None:
    s = CosineRestarts(base_lr=1.0, min_lr=0.0, period=10, t_mult=1)
    assert s(0) == 1.0
    assert s(5) == pytest.approx(0.5, rel=1e-15)
    assert s(10) == 1.0
    assert s(15) == pytest.approx(0.5, rel=1e-15)
    assert s(10**12 + 5) == pytest.approx(0.5, rel=1e-15)  # closed form, no loop


def test_cosine_restarts_growing_cycles() -> None:
    s = CosineRestarts(base_lr=1.0, min_lr=0.0, period=10, t_mult=2)
    # Cycles of 10, 20, 40, ... start at 0, 10, 30, 70, 150: each restart returns to
    # base_lr, and the step before it is the last step of the previous cycle.
    assert s(0) == 1.0
    for start, previous in (
        (10, 10),
        (30, 20),
        (70, 40),
        (150, 80),
        (10 * (2**40 - 1), 10 * 2**39),
    ):
        assert s(start) == 1.0
        assert s(start - 1) == pytest.approx(
            0.5 * (1 + math.cos(math.pi * (previous - 1) / previous))
        )
    assert s(20) == pytest.approx(0.5, rel=1e-15)
    assert s(50) == pytest.approx(0.5, rel=1e-15)


def test_inverse_sqrt_warms_up_then_decays() -> None:
    s = InverseSqrt(base_lr=1.0, warmup_steps=10)
    assert [s(k) for k in (0, 5, 10, 40)] == [0.0, 0.5, 1.0, 0.5]
    assert s(10 * 100) == pytest.approx(0.1, rel=1e-15)
    peak = max(range(100), key=s)
    assert peak == 10


def test_one_cycle_start_peak_end() -> None:
    s = OneCycle(max_lr=1.0, total_steps=100, pct_start=0.3, initial_div=25.0, final_div=1e4)
    assert s(0) == pytest.approx(0.04, rel=1e-15)
    assert s(30) == 1.0
    assert s(100) == pytest.approx(1e-4, rel=1e-15)
    assert s(1000) == s(100)
    assert s.peak_step == 30
    values = [s(k) for k in range(101)]
    assert max(range(101), key=values.__getitem__) == 30
    assert all(b >= a for a, b in pairwise(values[:31]))
    assert all(b <= a for a, b in pairwise(values[30:]))


def test_one_cycle_peak_step_rounds_half_to_even_and_stays_inside() -> None:
    assert (
        OneCycle(max_lr=1, total_steps=5, pct_start=0.5, initial_div=2, final_div=2).peak_step == 2
    )
    assert (
        OneCycle(max_lr=1, total_steps=2, pct_start=0.9, initial_div=2, final_div=2).peak_step == 1
    )
    assert (
        OneCycle(max_lr=1, total_steps=9, pct_start=0.01, initial_div=2, final_div=2).peak_step == 1
    )


@pytest.mark.parametrize(
    "schedule",
    [
        Linear(base_lr=1.0, end_lr=0.1, total_steps=8),
        Polynomial(base_lr=1.0, end_lr=0.1, total_steps=8, power=3.0),
        Cosine(base_lr=1.0, min_lr=0.1, total_steps=8),
        OneCycle(max_lr=1.0, total_steps=8, pct_start=0.25, initial_div=10, final_div=100),
    ],
)
def test_finite_leaves_hold_their_final_value(schedule: Linear) -> None:
    end = schedule.duration
    assert end == 8
    assert {schedule(k) for k in range(end, end + 50)} == {schedule(end)}


@given(rates, rates, counts, st.floats(min_value=0.1, max_value=5.0))
def test_the_ends_the_docstrings_call_exact_are_exact(
    a: float, b: float, total: int, power: float
) -> None:
    assert Linear(base_lr=a, end_lr=b, total_steps=total)(0) == a
    assert Cosine(base_lr=a, min_lr=b, total_steps=total)(total) == b
    assert Polynomial(base_lr=a, end_lr=b, total_steps=total, power=power)(total) == b
