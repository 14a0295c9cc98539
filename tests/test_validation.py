"""Bad input: every parameter and step error names the parameter and the value."""

from __future__ import annotations

from typing import Any

import pytest

from lrsched import (
    Constant,
    Cosine,
    CosineRestarts,
    Cyclic,
    Exponential,
    InverseSqrt,
    Linear,
    MultiStep,
    OneCycle,
    ParameterTypeError,
    ParameterValueError,
    Polynomial,
    ScheduleError,
    StepDecay,
    StepError,
    StepTypeError,
    Warmup,
)

GOOD: dict[type, dict[str, Any]] = {
    Constant: {"lr": 0.1},
    StepDecay: {"base_lr": 1.0, "gamma": 0.5, "step_size": 10},
    MultiStep: {"base_lr": 1.0, "milestones": (5, 10), "gamma": 0.5},
    Exponential: {"base_lr": 1.0, "gamma": 0.9},
    Linear: {"base_lr": 1.0, "end_lr": 0.0, "total_steps": 10},
    Polynomial: {"base_lr": 1.0, "end_lr": 0.0, "total_steps": 10, "power": 2.0},
    Cosine: {"base_lr": 1.0, "min_lr": 0.0, "total_steps": 10},
    CosineRestarts: {"base_lr": 1.0, "min_lr": 0.0, "period": 10, "t_mult": 2},
    InverseSqrt: {"base_lr": 1.0, "warmup_steps": 10},
    OneCycle: {
        "max_lr": 1.0,
        "total_steps": 100,
        "pct_start": 0.3,
        "initial_div": 25.0,
        "final_div": 1e4,
    },
    Warmup: {"steps": 10, "start_lr": 0.0},
}

RATE_FIELDS = ["lr", "base_lr", "end_lr", "min_lr", "max_lr", "start_lr"]
COUNT_FIELDS = ["step_size", "total_steps", "period", "t_mult", "warmup_steps", "steps"]

# (class, field, bad value, error type, fragment of the message)
BAD: list[tuple[type, str, Any, type[Exception], str]] = []
for cls, params in GOOD.items():
    for name in params:
        if name in RATE_FIELDS:
            BAD += [
                (cls, name, float("nan"), ParameterValueError, f"{name} must be a finite"),
                (cls, name, float("inf"), ParameterValueError, f"{name} must be a finite"),
                (
                    cls,
                    name,
                    10**400,
                    ParameterValueError,
                    f"{name} must be a finite number, got an int of 401",
                ),
                (cls, name, -0.1, ParameterValueError, f"{name} must be >= 0"),
                (cls, name, True, ParameterTypeError, f"{name} must be a real number"),
                (cls, name, "0.1", ParameterTypeError, f"{name} must be a real number"),
            ]
        if name in COUNT_FIELDS:
            BAD += [
                (cls, name, 0, ParameterValueError, f"{name} must be an int >= "),
                (cls, name, -3, ParameterValueError, "got -3"),
                (cls, name, 10.0, ParameterTypeError, f"{name} must be an int, got 10.0"),
                (cls, name, True, ParameterTypeError, f"{name} must be an int, got True"),
                (cls, name, 2**53 + 1, ParameterValueError, f"{name} must be an int <= 2**53"),
            ]
BAD += [
    (StepDecay, "gamma", 1.5, ParameterValueError, "gamma must be in (0, 1], got 1.5"),
    (StepDecay, "gamma", 0.0, ParameterValueError, "gamma must be in (0, 1]"),
    (Exponential, "gamma", -0.5, ParameterValueError, "gamma must be in (0, 1]"),
    (MultiStep, "gamma", 2.0, ParameterValueError, "gamma must be in (0, 1]"),
    (MultiStep, "milestones", (5, 0), ParameterValueError, "milestones item must be an int >= 1"),
    (MultiStep, "milestones", (5, 2.5), ParameterTypeError, "milestones item must be an int"),
    (MultiStep, "milestones", (True,), ParameterTypeError, "milestones item must be an int"),
    (MultiStep, "milestones", 10, ParameterTypeError, "milestones must be a sequence"),
    (MultiStep, "milestones", "10", ParameterTypeError, "milestones must be a sequence"),
    (Polynomial, "power", 0.0, ParameterValueError, "power must be > 0, got 0.0"),
    (Polynomial, "power", float("inf"), ParameterValueError, "power must be a finite"),
    (OneCycle, "pct_start", 1.5, ParameterValueError, "pct_start must be strictly between"),
    (OneCycle, "pct_start", 0.0, ParameterValueError, "pct_start must be strictly between"),
    (OneCycle, "pct_start", 1.0, ParameterValueError, "pct_start must be strictly between"),
    (OneCycle, "total_steps", 1, ParameterValueError, "total_steps must be an int >= 2, got 1"),
    (OneCycle, "initial_div", 0.0, ParameterValueError, "initial_div must be > 0"),
    (OneCycle, "final_div", -1.0, ParameterValueError, "final_div must be > 0"),
    (OneCycle, "initial_div", 1e-320, ParameterValueError, "max_lr / initial_div must be a finite"),
]


@pytest.mark.parametrize(
    ("cls", "name", "value", "error", "fragment"),
    BAD,
    ids=[f"{c.__name__}.{n}={v!r}" for c, n, v, _, _ in BAD],
)
def test_bad_parameter_is_refused_at_construction(
    cls: type, name: str, value: Any, error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error) as caught:
        cls(**{**GOOD[cls], name: value})
    assert fragment in str(caught.value)
    assert isinstance(caught.value, ScheduleError)


@pytest.mark.parametrize("cls", list(GOOD))
def test_parameters_are_keyword_only_and_required(cls: type) -> None:
    with pytest.raises(TypeError):
        cls(*GOOD[cls].values())
    with pytest.raises(TypeError):
        cls()


def test_numbers_are_normalised() -> None:
    pytest.importorskip("numpy", reason="NumPy is optional")
    import numpy as np

    s = Cosine(base_lr=np.float32(0.5), min_lr=0, total_steps=np.int64(10))
    assert s == Cosine(base_lr=0.5, min_lr=0.0, total_steps=10)
    assert type(s.min_lr) is float
    assert type(s.total_steps) is int
    assert repr(s) == "Cosine(base_lr=0.5, min_lr=0.0, total_steps=10)"


def test_ints_become_floats_for_rates() -> None:
    assert repr(Constant(lr=1)) == "Constant(lr=1.0)"


def test_negative_zero_is_stored_as_zero() -> None:
    # -0.0 == 0.0, so the two schedules are equal and must print alike.
    s = Constant(lr=-0.0)
    assert s == Constant(lr=0.0)
    assert repr(s) == "Constant(lr=0.0)"
    assert repr(Constant(lr=1.0) * -0.0) == "Constant(lr=1.0) * 0.0"


class _Shape(str):
    """A str subclass with its own repr, as NumPy's ``np.str_`` has."""

    def __repr__(self) -> str:
        return f"_Shape({str(self)!r})"


def test_shapes_and_modes_are_stored_as_plain_strings() -> None:
    warmup = Warmup(steps=3, start_lr=0.0, shape=_Shape("cosine"))
    assert type(warmup.shape) is str
    assert repr(warmup) == "Warmup(steps=3, start_lr=0.0, shape='cosine')"
    cyclic = Cyclic(base_lr=0.1, max_lr=1.0, step_size_up=3, mode=_Shape("triangular2"))
    assert type(cyclic.mode) is str


@pytest.mark.parametrize(
    ("step", "error", "fragment"),
    [
        (-1, StepError, "step must be a non-negative int, got -1"),
        (1.5, StepTypeError, "got 1.5 (float)"),
        (2.0, StepTypeError, "got 2.0 (float)"),
        (True, StepTypeError, "got True (bool)"),
        ("3", StepTypeError, "got '3' (str)"),
        (None, StepTypeError, "got None"),
    ],
)
def test_bad_steps_raise(step: Any, error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as caught:
        Constant(lr=0.1)(step)
    assert fragment in str(caught.value)
    assert isinstance(caught.value, ValueError)  # as in 0.1.0


def test_step_type_error_is_also_a_type_error() -> None:
    with pytest.raises(TypeError):
        Constant(lr=0.1)(0.5)


def test_integer_like_steps_are_accepted() -> None:
    np = pytest.importorskip("numpy", reason="NumPy is optional")
    s = Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)
    assert s(np.int64(5)) == s(5)
    assert s(np.uint8(5)) == s(5)
    assert s(10**30) == 0.0
    with pytest.raises(StepError):
        s(np.int32(-1))
