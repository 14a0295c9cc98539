"""The 0.1.0 functions build the 0.2.0 classes, with 0.1.0's semantics."""

from __future__ import annotations

import pytest

import lrsched
from lrsched import (
    Constant,
    Cosine,
    Linear,
    ParameterTypeError,
    ParameterValueError,
    Warmup,
    sample,
    sequential,
    with_warmup,
)


def test_constructors_return_the_classes() -> None:
    assert lrsched.constant(lr=0.1) == Constant(lr=0.1)
    assert lrsched.cosine(base_lr=1, min_lr=0, total_steps=5) == Cosine(
        base_lr=1, min_lr=0, total_steps=5
    )
    assert lrsched.multi_step(base_lr=1, milestones=[3, 1], gamma=0.5).milestones == (1, 3)
    assert lrsched.step_decay(base_lr=1, gamma=0.5, step_size=2)(2) == 0.5
    assert lrsched.exponential(base_lr=1, gamma=0.5)(1) == 0.5
    assert lrsched.linear(base_lr=1, end_lr=0, total_steps=2)(1) == 0.5
    assert lrsched.polynomial(base_lr=1, end_lr=0, total_steps=2, power=2)(1) == 0.25
    assert lrsched.cosine_restarts(base_lr=1, min_lr=0, period=2, t_mult=1)(2) == 1.0
    assert lrsched.inverse_sqrt(base_lr=1, warmup_steps=4)(16) == 0.5
    assert (
        lrsched.one_cycle(max_lr=1, total_steps=10, pct_start=0.5, initial_div=2, final_div=4)(5)
        == 1.0
    )


def test_with_warmup_is_the_operator() -> None:
    cos = Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)
    assert with_warmup(cos, warmup_steps=5, start_lr=0.0) == Warmup(steps=5, start_lr=0.0) >> cos


def test_sequential_is_bounded_phases() -> None:
    a = Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)
    b = Linear(base_lr=0.5, end_lr=0.0, total_steps=10)
    s = sequential([(6, a), (4, b)])
    assert s == a[:6] | b[:4]
    assert s(12) == b(3)  # past the end: the last phase's value at its last step
    assert sequential([(3, a)]) == a[:3]


def test_sequential_errors() -> None:
    with pytest.raises(ParameterValueError, match="at least one"):
        sequential([])
    with pytest.raises(ParameterValueError, match="phase duration must be an int >= 1, got 0"):
        sequential([(0, Constant(lr=0.1))])
    with pytest.raises(ParameterTypeError, match="sequence of"):
        sequential("ab")  # type: ignore[arg-type]
    with pytest.raises(
        ParameterTypeError, match=r"phase 1 must be a \(duration, schedule\) pair, got \(3,\)"
    ):
        sequential([(3, Constant(lr=0.1)), (3,)])  # type: ignore[list-item]
    with pytest.raises(ParameterTypeError, match="phase 0 must hold an lrsched schedule"):
        sequential([(3, lambda k: 0.1)])  # type: ignore[list-item]


def test_sample() -> None:
    assert sample(Linear(base_lr=1.0, end_lr=0.0, total_steps=4), num_steps=5) == [
        1.0,
        0.75,
        0.5,
        0.25,
        0.0,
    ]
    with pytest.raises(ParameterValueError, match="num_steps"):
        sample(Constant(lr=0.1), num_steps=0)
