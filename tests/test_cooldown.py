"""Cooldown from any step: ``s.cooldown(at=k, steps=d, shape=..., end_lr=...)`` is ``s``
up to step ``k``, then a ``Decay`` from ``s(k)`` to ``end_lr`` over ``d`` steps."""

from __future__ import annotations

import math
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrsched import (
    Constant,
    Cosine,
    Decay,
    ParameterTypeError,
    ParameterValueError,
    Schedule,
    Warmup,
    from_dict,
    parse,
)
from strategies import rates, steps, trees

STABLE = Warmup(steps=10, start_lr=0.0) >> Constant(lr=1.0)
COS = Cosine(base_lr=1.0, min_lr=0.0, total_steps=100)


def test_a_cooldown_is_the_schedule_then_a_decay_from_its_rate_there() -> None:
    s = STABLE.cooldown(at=50, steps=20)
    assert s == STABLE[:50] | Decay(base_lr=1.0, end_lr=0.0, steps=20, shape="1-sqrt")
    assert s.duration == 70
    assert [s(k) for k in (0, 5, 49, 50, 70, 1000)] == [0.0, 0.5, 1.0, 1.0, 0.0, 0.0]
    # 1-sqrt: 1 - sqrt(5 / 20) of the way down, five steps in.
    assert math.isclose(s(55), 0.5, rel_tol=1e-15)


def test_a_cooldown_starts_from_the_rate_at_its_step_whatever_the_curve() -> None:
    s = COS.cooldown(at=30, steps=10, shape="linear", end_lr=0.1)
    assert s == COS[:30] | Decay(base_lr=COS(30), end_lr=0.1, steps=10, shape="linear")
    assert repr(s) == (
        "Cosine(base_lr=1.0, min_lr=0.0, total_steps=100)[:30] | "
        "Decay(base_lr=0.7938926261462367, end_lr=0.1, steps=10, shape='linear')"
    )
    assert [s(k) for k in range(30)] == [COS(k) for k in range(30)]
    assert math.isclose(s(30), COS(30), rel_tol=1e-15)
    assert s(40) == 0.1
    cosine = COS.cooldown(at=60, steps=40, shape="cosine")
    assert math.isclose(cosine(80), COS(60) / 2, rel_tol=1e-15)


def test_a_cooldown_at_step_0_is_the_decay_alone() -> None:
    assert COS.cooldown(at=0, steps=10) == Decay(base_lr=1.0, end_lr=0.0, steps=10, shape="1-sqrt")


def test_a_cooldown_past_the_end_decays_from_the_final_value() -> None:
    s = COS.cooldown(at=150, steps=10, end_lr=0.0)
    assert s == COS[:150] | Decay(base_lr=0.0, end_lr=0.0, steps=10, shape="1-sqrt")


@pytest.mark.parametrize(
    "s",
    [
        STABLE.cooldown(at=50, steps=20),
        COS.cooldown(at=30, steps=10, shape="cosine", end_lr=1e-3),
        (STABLE[:20] | 0.5).cooldown(at=25, steps=3, shape="linear"),
        COS[20:].cooldown(at=7, steps=9),
    ],
    ids=repr,
)
def test_every_cooldown_prints_and_round_trips(s: Schedule) -> None:
    assert eval(repr(s)) == s
    assert parse(repr(s)) == s
    assert from_dict(s.to_dict()) == s
    assert pickle.loads(pickle.dumps(s)) == s


@pytest.mark.parametrize(
    ("given", "error", "message"),
    [
        ({"at": -1, "steps": 5}, ParameterValueError, "at must be an int >= 0, got -1"),
        ({"at": 1.5, "steps": 5}, ParameterTypeError, "at must be an int, got 1.5"),
        ({"at": 5, "steps": 0}, ParameterValueError, "steps must be an int >= 1, got 0"),
        ({"at": 5, "steps": 5, "shape": "cubic"}, ParameterValueError, "shape must be one of"),
        ({"at": 5, "steps": 5, "end_lr": -1.0}, ParameterValueError, "end_lr must be >= 0"),
    ],
)
def test_bad_cooldowns_are_refused_naming_the_parameter(
    given: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        COS.cooldown(**given)  # type: ignore[arg-type]


@given(
    trees,
    st.integers(min_value=0, max_value=2_000),
    st.integers(min_value=1, max_value=500),
    st.sampled_from(["1-sqrt", "linear", "cosine"]),
    rates,
    steps,
)
def test_a_cooldown_is_its_definition(
    s: Schedule, at: int, length: int, shape: str, end: float, k: int
) -> None:
    if s(at) < 0.0:  # a Sum below 0 at the start of the cooldown: refused
        with pytest.raises(ParameterValueError, match="below 0; a Decay runs between rates"):
            s.cooldown(at=at, steps=length, shape=shape, end_lr=end)
        return
    cooled = s.cooldown(at=at, steps=length, shape=shape, end_lr=end)
    assert cooled.duration == at + length
    decay = Decay(base_lr=s(at), end_lr=end, steps=length, shape=shape)
    assert cooled(k) == (s(k) if k < at else decay(k - at))
    assert cooled(at + length + k) == end
    assert parse(repr(cooled)) == cooled
