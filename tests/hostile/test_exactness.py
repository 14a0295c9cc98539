"""The evaluators agree below 2**53 (issue 8, defect class 6).

docs/backends.md promises that the array evaluator (float64 steps) agrees with the
scalar one (exact Python ints) to 1e-12 for every step up to 2**53, where every step is
an exact float. Sums and products of counts can pass 2**53 on the way: a cycle length
``step_size_up + step_size_down``, an SGDR cycle start ``period * (1 + t_mult + ...)``,
the product ``(q + 1) * n`` that a floor division checks. These tests put counts near
2**52 and 2**53 and steps near 2**53 through both evaluators.
"""

from __future__ import annotations

import math
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
    OneCycle,
    Polynomial,
    Schedule,
    StepDecay,
    Warmup,
    evaluate,
)
from lrsched.evaluators.array import _Shim, compile_array, floor_div

np = pytest.importorskip("numpy", reason="the array evaluator is checked on NumPy")

EXACT = 2**53
NEAR_EXACT = [EXACT, EXACT - 1, EXACT - 2, EXACT - 3, 2**52, 2**52 + 1, 2**52 - 1]
big_counts = st.integers(min_value=2**52 - 2**20, max_value=EXACT)
any_counts = st.one_of(st.integers(1, 1000), big_counts, st.integers(1, EXACT))


def assert_agree(s: Schedule, steps: list[int]) -> None:
    steps = [k for k in steps if 0 <= k <= EXACT]
    got = evaluate(s, np.array(steps, dtype=np.int64)).tolist()
    for k, value in zip(steps, got, strict=True):
        expected = s(k)
        assert math.isclose(value, expected, rel_tol=1e-12, abs_tol=0.0), (
            f"{s!r} at step {k}: array {value!r}, scalar {expected!r}"
        )


# The divisors of 2**53 + 1 = 3 * 107 * 28059810762433: for each, (q + 1) * n is 2**53 + 1,
# which rounds onto 2**53, so floor(k / n) corrected by comparing it with k was one too high.
DIVIDE_2_53_PLUS_1 = [3, 107, 321, 28059810762433, 3 * 28059810762433, 107 * 28059810762433]


@pytest.mark.parametrize("n", DIVIDE_2_53_PLUS_1)
def test_class6_floor_div_is_exact_at_2_53(n: int) -> None:
    k = np.array([float(EXACT), float(EXACT - 1)])
    assert floor_div(np, k, n).tolist() == [EXACT // n, (EXACT - 1) // n]


@pytest.mark.parametrize("period", DIVIDE_2_53_PLUS_1)
def test_class6_equal_restarts_at_2_53(period: int) -> None:
    # t = k - (k // period) * period, with the quotient one too high, went negative.
    s = CosineRestarts(base_lr=1.0, min_lr=0.0, period=period, t_mult=1)
    assert_agree(s, NEAR_EXACT)


@given(big_counts, any_counts, st.sampled_from(["triangular", "triangular2", "exp_range"]))
@example(2**52, 2**52 + 1, "triangular")  # the cycle 2**53 + 1 rounded down onto 2**53
@example(2**52 + 1, 2**52, "triangular2")
def test_class6_cyclic_with_a_cycle_past_2_53(up: int, down: int, mode: str) -> None:
    gamma = 1.0 - 2.0**-52 if mode == "exp_range" else 1.0
    s = Cyclic(
        base_lr=0.0, max_lr=1.0, step_size_up=up, step_size_down=down, mode=mode, gamma=gamma
    )
    assert_agree(s, [*NEAR_EXACT, up, up + 1, up + down - 1, up - 1])


@given(any_counts, st.one_of(st.integers(2, 5), any_counts), st.integers(0, EXACT))
@example(3, 3002399751580330, EXACT)  # the third cycle starts at 2**53 + 1
@example(7896017859094996, 656, 7896017859094995)
@example(3, 507903104713, 1523709314142)
@example(903, 1089286664377, 983625857933334)
def test_class6_sgdr_cycles_near_2_53(period: int, t_mult: int, k: int) -> None:
    # period * t_mult**i and k * (t_mult - 1) pass 2**53 long before the cycle starts do.
    s = CosineRestarts(base_lr=1.0, min_lr=0.0, period=period, t_mult=t_mult)
    first = period * (1 + t_mult)
    assert_agree(s, [k, *NEAR_EXACT, period, period - 1, first, first - 1])


@given(st.one_of(st.integers(1, 10), big_counts))
@example(3)
def test_class6_step_decay_counts_its_drops_exactly(size: int) -> None:
    # A decay factor this close to 1 keeps gamma ** drops far from 0 at 2**53 / size drops.
    s = StepDecay(base_lr=1.0, gamma=1.0 - 2.0**-52, step_size=size)
    assert_agree(s, NEAR_EXACT)
    assert floor_div(np, np.array([float(EXACT)]), size).tolist() == [EXACT // size]


_ndarray: Any = np.ndarray


class WeakInt32Steps(_ndarray):  # type: ignore[misc]
    """Steps that refuse a Python int past int32 as an operand, as JAX does with x64 off
    (it reads a Python int as a weak int32, and raises OverflowError past 2**31)."""

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        for value in inputs:
            if type(value) is int and not -(2**31) <= value < 2**31:
                raise OverflowError(f"a Python int operand past int32: {value}")
        plain = [
            value.view(np.ndarray) if isinstance(value, np.ndarray) else value for value in inputs
        ]
        result = getattr(ufunc, method)(*plain, **kwargs)
        return result.view(WeakInt32Steps) if isinstance(result, np.ndarray) else result


COUNT = 2**40  # past int32, exact in float64


@pytest.mark.parametrize(
    "s",
    [
        Linear(base_lr=1.0, end_lr=0.0, total_steps=COUNT),
        Polynomial(base_lr=1.0, end_lr=0.0, total_steps=COUNT, power=2.0),
        Cosine(base_lr=1.0, min_lr=0.0, total_steps=COUNT),
        StepDecay(base_lr=1.0, gamma=0.5, step_size=COUNT),
        MultiStep(base_lr=1.0, milestones=(COUNT,), gamma=0.5),
        CosineRestarts(base_lr=1.0, min_lr=0.0, period=COUNT, t_mult=1),
        CosineRestarts(base_lr=1.0, min_lr=0.0, period=COUNT, t_mult=2),
        InverseSqrt(base_lr=1.0, warmup_steps=COUNT),
        OneCycle(max_lr=1.0, total_steps=COUNT, pct_start=0.3, initial_div=25.0, final_div=1e4),
        Cyclic(base_lr=0.0, max_lr=1.0, step_size_up=COUNT),
        Decay(base_lr=1.0, end_lr=0.0, steps=COUNT, shape="1-sqrt"),
        Interpolate(points=((0, 1.0), (COUNT, 0.0)), shape="linear"),
        Warmup(steps=COUNT, start_lr=0.0) >> Constant(lr=1.0),
        Constant(lr=1.0)[:COUNT] | Constant(lr=2.0),
        Constant(lr=1.0)[:COUNT],
    ],
    ids=repr,
)
def test_class6_counts_past_int32_reach_the_backend_as_floats(s: Schedule) -> None:
    # Every count is an exact float, and the steps are floats: a count handed over as a
    # Python int made JAX (x64 off) raise a bare OverflowError for any count past 2**31.
    steps = np.array([0.0, 1.0, 2.0]).view(WeakInt32Steps)
    # NumPy itself, not array-api-compat's wrapper, which turns a scalar into an array.
    got = compile_array(s)(_Shim(np), steps)
    assert np.asarray(got).tolist() == evaluate(s, np.arange(3)).tolist()
