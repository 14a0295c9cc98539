"""lrsched against Keras 3's own schedules (``keras.optimizers.schedules``), every step of
whole runs, 1e-9 relative. Keras computes in its float type, set to float64 here. The
mappings are those of docs/keras.md."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from curves import assert_same_curve
from lrsched import Constant, Cosine, Exponential, Polynomial, StepDecay, Warmup

keras = pytest.importorskip("keras", reason="the Keras reference tests need Keras 3")
schedules = keras.optimizers.schedules


@pytest.fixture(autouse=True)
def float64() -> Iterator[None]:
    before = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield
    keras.config.set_floatx(before)


def keras_curve(schedule: Any, steps: int) -> list[float]:
    values = [float(schedule(k)) for k in range(steps)]
    assert str(schedule(0).dtype).endswith("float64")
    return values


@pytest.mark.parametrize(("init", "steps", "alpha"), [(1e-3, 100, 0.0), (0.1, 37, 0.1)])
def test_cosine_decay(init: float, steps: int, alpha: float) -> None:
    reference = keras_curve(schedules.CosineDecay(init, steps, alpha=alpha), steps + 20)
    assert_same_curve(Cosine(base_lr=init, min_lr=init * alpha, total_steps=steps), reference)


@pytest.mark.parametrize(
    ("init", "target", "warmup", "steps", "alpha"),
    [(0.0, 1e-3, 10, 100, 0.0), (1e-5, 0.1, 7, 50, 0.01)],
)
def test_cosine_decay_with_warmup_target(
    init: float, target: float, warmup: int, steps: int, alpha: float
) -> None:
    keras_schedule = schedules.CosineDecay(
        init, steps, alpha=alpha, warmup_target=target, warmup_steps=warmup
    )
    reference = keras_curve(keras_schedule, warmup + steps + 20)
    schedule = Warmup(steps=warmup, start_lr=init) >> Cosine(
        base_lr=target, min_lr=target * alpha, total_steps=steps
    )
    assert_same_curve(schedule, reference)


@pytest.mark.parametrize(("steps", "rate"), [(10, 0.5), (100, 0.96), (1, 0.99)])
def test_exponential_decay(steps: int, rate: float) -> None:
    reference = keras_curve(schedules.ExponentialDecay(0.1, steps, rate), 5 * steps + 30)
    assert_same_curve(Exponential(base_lr=0.1, gamma=rate, decay_steps=steps), reference)


@pytest.mark.parametrize(("steps", "rate"), [(10, 0.5), (7, 0.9)])
def test_exponential_decay_staircase(steps: int, rate: float) -> None:
    keras_schedule = schedules.ExponentialDecay(0.1, steps, rate, staircase=True)
    reference = keras_curve(keras_schedule, 5 * steps + 30)
    assert_same_curve(StepDecay(base_lr=0.1, gamma=rate, step_size=steps), reference)


def test_piecewise_constant_decay() -> None:
    keras_schedule = schedules.PiecewiseConstantDecay([10, 25], [1e-2, 5e-3, 1e-4])
    reference = keras_curve(keras_schedule, 60)
    # Keras keeps values[i] through boundaries[i] itself (step <= boundary).
    schedule = Constant(lr=1e-2)[:11] | Constant(lr=5e-3)[:15] | Constant(lr=1e-4)
    assert_same_curve(schedule, reference)


@pytest.mark.parametrize(
    ("init", "steps", "end", "power"), [(0.1, 100, 1e-4, 1.0), (1e-3, 30, 0.0, 2.0)]
)
def test_polynomial_decay(init: float, steps: int, end: float, power: float) -> None:
    keras_schedule = schedules.PolynomialDecay(init, steps, end_learning_rate=end, power=power)
    reference = keras_curve(keras_schedule, steps + 20)
    assert_same_curve(
        Polynomial(base_lr=init, end_lr=end, total_steps=steps, power=power), reference
    )
