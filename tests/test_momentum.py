"""``OneCycle.momentum`` and ``Cyclic.momentum``: the momentum that cycles against the
rate (the differential tests against torch are in tests/integrations)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrsched import (
    Cosine,
    Cyclic,
    OneCycle,
    ParameterTypeError,
    ParameterValueError,
    Phases,
    Schedule,
    parse,
)
from strategies import cyclics, one_cycles

ONE = OneCycle(max_lr=0.1, total_steps=100, pct_start=0.3, initial_div=25.0, final_div=1e4)


def test_one_cycle_momentum_is_two_half_cosines_against_the_rate() -> None:
    m = ONE.momentum(base_momentum=0.85, max_momentum=0.95)
    assert m == Cosine(base_lr=0.95, min_lr=0.85, total_steps=30) | Cosine(
        base_lr=0.85, min_lr=0.95, total_steps=70
    )
    assert isinstance(m, Phases)
    assert (m(0), m(30), m(100), m(10**6)) == (0.95, 0.85, 0.95, 0.95)
    assert m.duration == ONE.duration
    assert parse(repr(m)) == m


@given(one_cycles, st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.integers(0, 600))
def test_one_cycle_momentum_moves_against_the_rate(
    s: OneCycle, low: float, high: float, k: int
) -> None:
    m = s.momentum(base_momentum=low, max_momentum=high)
    peak = s.peak_step
    assert math.isclose(m(peak), low, rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(m(0), high, rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(m(s.total_steps), high, rel_tol=1e-12, abs_tol=1e-15)
    assert min(low, high) - 1e-15 <= m(k) <= max(low, high) + 1e-15
    # Where the rate rises the momentum falls, and back: the same phase as the rate.
    if low < high and 0 < k < peak:
        assert m(k - 1) >= m(k) >= m(k + 1)
    if low < high and peak < k < s.total_steps:
        assert m(k - 1) <= m(k) <= m(k + 1)


@given(cyclics, st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.integers(0, 3000))
def test_cyclic_momentum_is_the_inverted_wave(s: Cyclic, low: float, high: float, k: int) -> None:
    m = s.momentum(base_momentum=low, max_momentum=high)
    inverted = Cyclic(
        base_lr=high,
        max_lr=low,
        step_size_up=s.step_size_up,
        step_size_down=s.step_size_down,
        mode=s.mode,
        gamma=s.gamma,
    )
    assert m == inverted
    assert math.isclose(m(0), high, rel_tol=1e-12, abs_tol=1e-15)
    # The momentum's share of its swing is the rate's share of its own.
    if abs(s.max_lr - s.base_lr) >= 1e-3 and abs(high - low) >= 1e-3:  # well conditioned
        share = (s(k) - s.base_lr) / (s.max_lr - s.base_lr)
        assert math.isclose((high - m(k)) / (high - low), share, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("s", [ONE, Cyclic(base_lr=0.1, max_lr=1.0, step_size_up=4)])
def test_momentum_arguments_are_checked_and_named(s: Schedule) -> None:
    build = s.momentum  # type: ignore[attr-defined]
    with pytest.raises(ParameterValueError, match="base_momentum must be >= 0"):
        build(base_momentum=-0.1, max_momentum=0.9)
    with pytest.raises(ParameterValueError, match="max_momentum must be a finite number"):
        build(base_momentum=0.8, max_momentum=math.nan)
    with pytest.raises(ParameterTypeError, match="max_momentum must be a real number"):
        build(base_momentum=0.8, max_momentum="0.9")
    with pytest.raises(TypeError):
        build(0.8, 0.9)  # keyword-only, like every constructor
