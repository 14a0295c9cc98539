"""The shared agreement property: the array evaluator equals the scalar one, every node.

Generic over ``strategies.trees``, so a node type added to the strategies is covered here
without touching this file. float64 on both sides; tolerance 1e-12 relative, and where a
sum may cancel (``a - b`` near 0), 1e-12 of the size of its terms
(``strategies.cancellation``) absolute.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrsched import Schedule, evaluate
from strategies import cancellation, trees

np = pytest.importorskip("numpy", reason="the array evaluator is checked on NumPy")

step_lists = st.lists(st.integers(min_value=0, max_value=5_000), min_size=1, max_size=40)
# Far steps too: the cycle search of CosineRestarts and the holds past the end.
far_steps = st.lists(st.integers(min_value=0, max_value=2**40), min_size=1, max_size=10)


def assert_agree(schedule: Schedule, steps: list[int]) -> None:
    got = evaluate(schedule, np.array(steps, dtype=np.int64))
    assert got.dtype == np.float64
    absolute = 1e-12 * cancellation(schedule)
    for k, value in zip(steps, got.tolist(), strict=True):
        expected = schedule(k)
        assert math.isclose(value, expected, rel_tol=1e-12, abs_tol=absolute), (
            f"{schedule!r} at step {k}: array {value!r}, scalar {expected!r}"
        )


@given(trees, step_lists)
def test_array_and_scalar_evaluators_agree(schedule: Schedule, steps: list[int]) -> None:
    assert_agree(schedule, steps)


@given(trees, far_steps)
def test_array_and_scalar_evaluators_agree_far_out(schedule: Schedule, steps: list[int]) -> None:
    assert_agree(schedule, steps)
