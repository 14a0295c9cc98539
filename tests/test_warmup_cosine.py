"""``WarmupCosine``: exact values, its shape, its operator form at every step, validation."""

from __future__ import annotations

import math
import pickle
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

import lrsched
from lrsched import (
    Cosine,
    ParameterTypeError,
    ParameterValueError,
    Warmup,
    WarmupCosine,
    from_dict,
    parse,
    value_range,
)

S = WarmupCosine(peak_lr=1.0, min_lr=0.0, start_lr=0.0, warmup_steps=10, total_steps=110)


@pytest.mark.parametrize(
    ("k", "expected"),
    [(0, 0.0), (1, 0.1), (5, 0.5), (10, 1.0), (60, 0.5), (110, 0.0), (10**9, 0.0)],
)
def test_exact_values_at_known_steps(k: int, expected: float) -> None:
    assert S(k) == pytest.approx(expected, abs=1e-15)


def test_a_quarter_of_the_decay_is_the_cosine_of_a_quarter_turn() -> None:
    # (1 + cos(pi / 4)) / 2 at step W + (T - W) / 4.
    assert S(35) == pytest.approx((1 + math.cos(math.pi / 4)) / 2, rel=1e-15)


def test_shape_rises_to_the_peak_then_falls_to_the_end_and_holds() -> None:
    values = [S(k) for k in range(130)]
    assert values.index(max(values)) == 10
    assert all(a < b for a, b in pairwise(values[:11]))
    assert all(a > b for a, b in pairwise(values[10:111]))
    assert set(values[110:]) == {0.0}
    assert S.duration == 110


def test_total_steps_counts_the_warmup_as_optax_and_transformers_do() -> None:
    assert S.expand() == Warmup(steps=10, start_lr=0.0) >> Cosine(
        base_lr=1.0, min_lr=0.0, total_steps=100
    )
    no_warmup = WarmupCosine(peak_lr=1.0, min_lr=0.1, start_lr=0.5, warmup_steps=0, total_steps=9)
    assert no_warmup.expand() == Cosine(base_lr=1.0, min_lr=0.1, total_steps=9)


warmup_cosines = st.builds(
    lambda w, extra, start, peak, low, shape: WarmupCosine(
        peak_lr=peak,
        min_lr=low,
        start_lr=start,
        warmup_steps=w,
        total_steps=w + extra,
        warmup_shape=shape,
    ),
    st.integers(min_value=0, max_value=300),
    st.integers(min_value=1, max_value=300),
    st.floats(min_value=1e-6, max_value=10.0),
    st.floats(min_value=1e-6, max_value=10.0),
    st.floats(min_value=0.0, max_value=10.0),
    st.sampled_from(["linear", "cosine", "1-sqrt", "exponential"]),
)


@given(warmup_cosines)
def test_equals_its_operator_form_at_every_step(s: WarmupCosine) -> None:
    decay = Cosine(base_lr=s.peak_lr, min_lr=s.min_lr, total_steps=s.total_steps - s.warmup_steps)
    form: lrsched.Schedule = decay
    if s.warmup_steps:
        form = Warmup(steps=s.warmup_steps, start_lr=s.start_lr, shape=s.warmup_shape) >> decay
    assert [s(k) for k in range(s.total_steps + 3)] == [form(k) for k in range(s.total_steps + 3)]


@given(warmup_cosines)
def test_invariants_bounds_joins_and_round_trips(s: WarmupCosine) -> None:
    low, high = value_range(s)
    values = [s(k) for k in range(s.total_steps + 3)]
    assert all(math.isfinite(v) and low <= v <= high for v in values)
    # A cosine's rounding is relative to the larger of its two rates.
    slack = 1e-14 * max(s.peak_lr, s.min_lr, s.start_lr)
    assert values[0] == pytest.approx(s.start_lr if s.warmup_steps else s.peak_lr, abs=slack)
    # The join: the first step of the decay is the peak, to the cosine's rounding.
    assert values[s.warmup_steps] == pytest.approx(s.peak_lr, abs=slack)
    assert values[s.total_steps] == pytest.approx(s.min_lr, abs=slack)
    assert parse(repr(s)) == s
    assert eval(repr(s), vars(lrsched)) == s
    assert from_dict(s.to_dict()) == s
    assert pickle.loads(pickle.dumps(s)) == s
    assert hash(pickle.loads(pickle.dumps(s))) == hash(s)


def test_repr_leaves_out_the_default_shape() -> None:
    assert repr(S) == (
        "WarmupCosine(peak_lr=1.0, min_lr=0.0, start_lr=0.0, warmup_steps=10, total_steps=110)"
    )
    shaped = WarmupCosine(
        peak_lr=1.0,
        min_lr=0.0,
        start_lr=0.0,
        warmup_steps=10,
        total_steps=110,
        warmup_shape="cosine",
    )
    assert repr(shaped).endswith("total_steps=110, warmup_shape='cosine')")


@pytest.mark.parametrize(
    ("fields", "error", "match"),
    [
        ({"total_steps": 10}, ParameterValueError, "must be > warmup_steps"),
        ({"total_steps": 5}, ParameterValueError, "must be > warmup_steps"),
        ({"warmup_steps": -1}, ParameterValueError, "warmup_steps must be an int >= 0"),
        ({"peak_lr": -1.0}, ParameterValueError, "peak_lr must be >= 0"),
        ({"min_lr": math.nan}, ParameterValueError, "min_lr must be a finite number"),
        ({"warmup_shape": "step"}, ParameterValueError, "warmup_shape must be one of"),
        ({"warmup_steps": 2.5}, ParameterTypeError, "warmup_steps must be an int"),
        ({"warmup_shape": "exponential"}, ParameterValueError, "start_lr and peak_lr must be > 0"),
    ],
)
def test_bad_parameters_are_named(fields: dict[str, object], error: type, match: str) -> None:
    given_fields: dict[str, object] = {
        "peak_lr": 1.0,
        "min_lr": 0.0,
        "start_lr": 0.0,
        "warmup_steps": 10,
        "total_steps": 110,
    }
    given_fields.update(fields)
    with pytest.raises(error, match=match):
        WarmupCosine(**given_fields)  # type: ignore[arg-type]
