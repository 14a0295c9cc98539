"""The scalar and range evaluators: dispatch, the SGDR cycle search, unknown nodes."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrsched import Schedule, UnsupportedNodeError, value_range
from lrsched.evaluators.scalar import compile_scalar
from lrsched.schedules.cosine import restart_cycle


def brute_force_cycle(k: int, period: int, t_mult: int) -> tuple[int, int]:
    start, length = 0, period
    while k >= start + length:
        start += length
        length *= t_mult
    return k - start, length


@given(
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=1, max_value=50),
    st.integers(min_value=1, max_value=5),
)
def test_restart_cycle_matches_the_brute_force_search(k: int, period: int, t_mult: int) -> None:
    assert restart_cycle(k, period, t_mult) == brute_force_cycle(k, period, t_mult)


@pytest.mark.parametrize("t_mult", [2, 3, 7])
@pytest.mark.parametrize("period", [1, 3, 10])
def test_restart_cycle_at_every_boundary(period: int, t_mult: int) -> None:
    # Starts of cycles are where a float log is most likely to land on the wrong side.
    start, length = 0, period
    for _ in range(40):
        for k in (start - 1, start, start + 1):
            if k >= 0:
                assert restart_cycle(k, period, t_mult) == brute_force_cycle(k, period, t_mult)
        start += length
        length *= t_mult


@dataclass(frozen=True)
class Mystery(Schedule):
    @property
    def duration(self) -> int | None:
        return None


def test_unknown_node_types_name_themselves() -> None:
    with pytest.raises(UnsupportedNodeError, match="scalar evaluator has no rule for Mystery"):
        Mystery()(0)
    with pytest.raises(UnsupportedNodeError, match="range evaluator has no rule for Mystery"):
        value_range(Mystery())
    with pytest.raises(UnsupportedNodeError):
        compile_scalar(Mystery())
