"""Round axis ticks (lrsched.cli.ticks), shared by the chart, the figure and the SVG."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lrsched.cli.ticks import MANTISSAS, label, nice_step, step_labels, step_ticks, ticks


def test_step_ticks_are_round() -> None:
    assert step_ticks(100_000, 4) == [0, 25_000, 50_000, 75_000, 100_000]
    assert step_ticks(101_694, 6) == [0, 20_000, 40_000, 60_000, 80_000, 100_000]
    assert step_ticks(35, 4) == [0, 10, 20, 30]
    assert step_ticks(3, 8) == [0, 1, 2, 3]  # never a step of 0.5 on a step axis
    assert step_ticks(0, 5) == [0]


def test_rate_ticks_are_round_and_free_of_binary_noise() -> None:
    assert ticks(0.0, 0.001, 3) == [0.0, 0.0005, 0.001]
    assert ticks(0.0, 0.7, 5) == [0.0, 0.2, 0.4, 0.6]
    assert ticks(0.0, 0.3, 3) == [0.0, 0.1, 0.2, 0.3]  # not 0.30000000000000004
    assert ticks(0.0, 1e-8, 4) == [0.0, 2.5e-9, 5e-9, 7.5e-9, 1e-8]
    assert ticks(0.0, 3e300, 3) == [0.0, 1e300, 2e300, 3e300]
    assert ticks(2.0, 2.0, 3) == [2.0]
    assert ticks(0.0, 5e-324, 3) == [0.0, 5e-324]
    top = ticks(0.0, 1.7976931348623157e308, 1)
    assert all(math.isfinite(value) for value in top)


def test_labels() -> None:
    assert [label(v) for v in ticks(0.0, 0.001, 3)] == ["0", "0.0005", "0.001"]
    assert label(2.5e-9) == "2.5e-09"
    assert label(1e300) == "1e+300"
    assert label(250_000.0) == "250000"
    assert label(0.1 + 0.2) == "0.30000000000000004"  # exact when the value is not round
    assert step_labels([0, 5000]) == ["0", "5000"]
    assert step_labels([0, 10**7, 2 * 10**7]) == ["0", "1e+07", "2e+07"]


def test_bad_count() -> None:
    with pytest.raises(ValueError, match="count"):
        nice_step(10.0, 0)


@given(
    st.floats(min_value=0.0, max_value=1e300, allow_subnormal=False),
    st.floats(min_value=1e-300, max_value=1e300),
    st.integers(min_value=1, max_value=12),
)
def test_ticks_are_evenly_spaced_multiples_of_a_round_step(
    low: float, width: float, count: int
) -> None:
    high = low + width
    assume(width > low * 1e-9)  # a range of a few ulps has no evenly spaced ticks
    values = ticks(low, high, count)
    step = nice_step(high - low, count)
    mantissa = step / 10.0 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m) for m in MANTISSAS)
    assert len(values) <= count + 2
    span = high - low
    for value in values:
        assert low - span * 1e-9 <= value <= high + span * 1e-9
    for a, b in itertools.pairwise(values):
        assert math.isclose(b - a, step, rel_tol=1e-6)


@given(st.integers(min_value=1, max_value=2**53), st.integers(min_value=1, max_value=10))
def test_step_ticks_are_ints_within_the_run(last: int, count: int) -> None:
    values = step_ticks(last, count)
    assert values[0] == 0
    assert all(0 <= value <= last for value in values)
    assert len(values) <= count + 1
    assert len(set(values)) == len(values)


def test_a_range_wider_than_the_floats_has_its_ends_and_zero() -> None:
    big = 1.7976931348623157e308
    assert ticks(-big, big, 3) == [-big, 0.0, big]
    assert all(-big <= value <= -big / 4 for value in ticks(-big, -big / 4, 3))
