"""lrsched against optax's schedules, every step of whole runs (1e-9 relative, float64).

optax computes in float32 unless JAX's x64 mode is on, so each reference curve is
computed inside ``jax.enable_x64(True)``. The mappings are those of docs/migration.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from curves import assert_same_curve
from lrsched import (
    Constant,
    Cosine,
    Exponential,
    Linear,
    Polynomial,
    StepDecay,
    Warmup,
)

jax = pytest.importorskip("jax", reason="the optax reference tests need JAX")
optax = pytest.importorskip("optax", reason="the optax reference tests need optax")


def optax_curve(schedule: Callable[[Any], Any], steps: int) -> list[float]:
    """optax's values at counts 0..steps-1, in float64, evaluated eagerly.

    Not under jit: there XLA fuses ``1 - count / T`` into a multiply-add that leaves
    -6e-17 at ``count = T``, and optax's polynomial_schedule with a fractional power
    returns nan at its last step (lrsched clips that base at 0; see docs/migration.md).
    """
    with jax.enable_x64(True):
        counts = jax.numpy.arange(steps)
        values = jax.vmap(schedule)(counts)
        assert values.dtype == jax.numpy.float64
        return [float(v) for v in values]


@pytest.mark.parametrize(
    ("init", "decay_steps", "alpha"), [(1e-3, 100, 0.0), (0.1, 250, 0.01), (1.0, 7, 0.5)]
)
def test_cosine_decay_schedule(init: float, decay_steps: int, alpha: float) -> None:
    reference = optax_curve(
        optax.cosine_decay_schedule(init, decay_steps, alpha=alpha), decay_steps + 20
    )
    assert_same_curve(Cosine(base_lr=init, min_lr=init * alpha, total_steps=decay_steps), reference)


@pytest.mark.parametrize(
    ("init", "peak", "warmup", "decay_steps", "end"),
    [(0.0, 1e-3, 10, 100, 0.0), (1e-5, 0.1, 50, 400, 1e-4), (0.2, 0.1, 3, 30, 0.05)],
)
def test_warmup_cosine_decay_schedule(
    init: float, peak: float, warmup: int, decay_steps: int, end: float
) -> None:
    reference = optax_curve(
        optax.warmup_cosine_decay_schedule(init, peak, warmup, decay_steps, end_value=end),
        decay_steps + 20,
    )
    expected = Warmup(steps=warmup, start_lr=init) >> Cosine(
        base_lr=peak, min_lr=end, total_steps=decay_steps - warmup
    )
    assert_same_curve(expected, reference)


@pytest.mark.parametrize("rate", [0.99, 0.5, 0.999])
def test_exponential_decay_every_step(rate: float) -> None:
    reference = optax_curve(optax.exponential_decay(0.1, transition_steps=1, decay_rate=rate), 300)
    assert_same_curve(Exponential(base_lr=0.1, gamma=rate), reference)


@pytest.mark.parametrize(("steps", "rate"), [(10, 0.5), (7, 0.9)])
def test_exponential_decay_staircase(steps: int, rate: float) -> None:
    reference = optax_curve(
        optax.exponential_decay(0.1, transition_steps=steps, decay_rate=rate, staircase=True), 200
    )
    assert_same_curve(StepDecay(base_lr=0.1, gamma=rate, step_size=steps), reference)


def test_exponential_decay_spread_over_transition_steps() -> None:
    # decay_rate ** (count / n) is Exponential with gamma = decay_rate ** (1 / n).
    reference = optax_curve(optax.exponential_decay(0.1, transition_steps=10, decay_rate=0.5), 300)
    assert_same_curve(Exponential(base_lr=0.1, gamma=0.5 ** (1 / 10)), reference)


@pytest.mark.parametrize(("steps", "rate"), [(10, 0.5), (7, 0.9), (1000, 0.96)])
def test_exponential_decay_over_transition_steps_is_decay_steps(steps: int, rate: float) -> None:
    reference = optax_curve(
        optax.exponential_decay(0.1, transition_steps=steps, decay_rate=rate), 3 * steps + 50
    )
    assert_same_curve(Exponential(base_lr=0.1, gamma=rate, decay_steps=steps), reference)


def test_exponential_decay_with_a_late_start() -> None:
    schedule = optax.exponential_decay(
        0.1, transition_steps=1, decay_rate=0.95, transition_begin=20
    )
    reference = optax_curve(schedule, 200)
    assert_same_curve(Constant(lr=0.1)[:20] | Exponential(base_lr=0.1, gamma=0.95), reference)


@pytest.mark.parametrize(
    ("init", "end", "power", "steps", "begin"),
    [(0.1, 0.0, 1.0, 100, 0), (1e-3, 1e-5, 2.0, 50, 0), (0.5, 0.1, 0.5, 40, 10)],
)
def test_polynomial_schedule(init: float, end: float, power: float, steps: int, begin: int) -> None:
    reference = optax_curve(
        optax.polynomial_schedule(init, end, power, steps, transition_begin=begin),
        begin + steps + 20,
    )
    expected = Polynomial(base_lr=init, end_lr=end, total_steps=steps, power=power)
    assert_same_curve(Constant(lr=init)[:begin] | expected if begin else expected, reference)


def test_join_schedules() -> None:
    pieces = [
        optax.linear_schedule(0.0, 0.1, 20),
        optax.cosine_decay_schedule(0.1, 100, alpha=0.1),
        optax.constant_schedule(0.01),
    ]
    reference = optax_curve(optax.join_schedules(pieces, [20, 70]), 200)
    # Each joined schedule sees the steps since its boundary, like each phase of |.
    expected = (
        Linear(base_lr=0.0, end_lr=0.1, total_steps=20)[:20]
        | Cosine(base_lr=0.1, min_lr=0.01, total_steps=100)[:50]
        | Constant(lr=0.01)
    )
    assert_same_curve(expected, reference)
