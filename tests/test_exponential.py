"""``Exponential``'s ``decay_steps``: ``base_lr * gamma ** (k / decay_steps)``, and a
default that keeps every 0.2.0 repr, dict form and pickle."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrsched import (
    Exponential,
    ParameterTypeError,
    ParameterValueError,
    evaluate,
    from_dict,
    parse,
)
from strategies import counts, gammas, rates

np = pytest.importorskip("numpy", reason="the array evaluator is checked on NumPy")


def test_exact_values_over_a_period() -> None:
    s = Exponential(base_lr=0.1, gamma=0.96, decay_steps=100)
    assert [s(k) for k in (0, 50, 100, 150, 200, 1000)] == [
        0.1 * 0.96 ** (k / 100) for k in (0, 50, 100, 150, 200, 1000)
    ]
    assert s(0) == 0.1
    assert s(100) == 0.1 * 0.96
    half = Exponential(base_lr=1.0, gamma=0.5, decay_steps=2)
    assert [half(k) for k in range(5)] == [1.0, 0.5**0.5, 0.5, 0.5**1.5, 0.25]


@given(rates, gammas, counts, st.integers(0, 10**6))
def test_the_formula_at_any_step(base: float, gamma: float, period: int, k: int) -> None:
    s = Exponential(base_lr=base, gamma=gamma, decay_steps=period)
    assert s(k) == base * gamma ** (k / period)


def test_the_default_is_the_per_step_decay_of_0_2_0() -> None:
    default = Exponential(base_lr=0.1, gamma=0.99)
    assert default == Exponential(base_lr=0.1, gamma=0.99, decay_steps=1)
    assert [default(k) for k in range(50)] == [0.1 * 0.99**k for k in range(50)]
    assert repr(default) == "Exponential(base_lr=0.1, gamma=0.99)"
    assert default.to_dict() == {"version": 1, "type": "Exponential", "base_lr": 0.1, "gamma": 0.99}
    # What 0.2.0 pickled: no decay_steps, so a 0.2.0 reader loads the new checkpoint.
    assert b"decay_steps" not in pickle.dumps(default)
    assert b"decay_steps" in pickle.dumps(Exponential(base_lr=0.1, gamma=0.99, decay_steps=2))


def test_round_trips_with_a_period() -> None:
    s = Exponential(base_lr=0.1, gamma=0.5, decay_steps=7)
    assert repr(s) == "Exponential(base_lr=0.1, gamma=0.5, decay_steps=7)"
    assert eval(repr(s)) == parse(repr(s)) == from_dict(s.to_dict()) == s
    assert pickle.loads(pickle.dumps(s)) == s
    assert s.to_dict()["decay_steps"] == 7


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        (0, ParameterValueError, "decay_steps must be an int >= 1, got 0"),
        (-3, ParameterValueError, "decay_steps must be an int >= 1"),
        (2**53 + 1, ParameterValueError, "decay_steps must be an int <= 2\\*\\*53"),
        (1.5, ParameterTypeError, "decay_steps must be an int"),
        (True, ParameterTypeError, "decay_steps must be an int"),
    ],
)
def test_decay_steps_is_a_count(bad: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        Exponential(base_lr=0.1, gamma=0.5, decay_steps=bad)  # type: ignore[arg-type]


def test_huge_steps_underflow_to_zero() -> None:
    s = Exponential(base_lr=0.1, gamma=0.5, decay_steps=2**53)
    assert s(2**53) == 0.05
    assert s(10**400) == 0.0
    assert Exponential(base_lr=0.1, gamma=1.0, decay_steps=3)(10**400) == 0.1
    steps = np.array([0, 7, 2**40, 2**62], dtype=np.int64)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        got = evaluate(Exponential(base_lr=0.1, gamma=0.5, decay_steps=7), steps).tolist()
    assert got == [0.1, 0.05, 0.0, 0.0]
