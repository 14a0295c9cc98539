"""lrsched.optax.to_optax: an optax schedule, inside jitted update steps."""

from __future__ import annotations

from typing import Any

import pytest

from lrsched import Constant, Cosine, ParameterTypeError, StepError, Warmup

jax = pytest.importorskip("jax", reason="lrsched.optax needs JAX")
optax = pytest.importorskip("optax", reason="lrsched.optax needs optax")
jnp = jax.numpy
from lrsched.optax import to_optax  # noqa: E402

SCHEDULE = (
    Warmup(steps=4, start_lr=1e-4) >> Cosine(base_lr=1e-2, min_lr=1e-3, total_steps=10)
) | Constant(lr=1e-3)


def trained(transform: Any, steps: int) -> list[float]:
    """Parameters after each jitted update with the loss ``sum(params)`` (gradient 1)."""
    params = jnp.zeros(3)
    state = transform.init(params)

    def step(params: Any, state: Any) -> tuple[Any, Any]:
        grads = jax.grad(lambda p: jnp.sum(p))(params)
        updates, state = transform.update(grads, state, params)
        return optax.apply_updates(params, updates), state

    update = jax.jit(step)

    history = []
    for _ in range(steps):
        params, state = update(params, state)
        history.append(float(params[0]))
    return history


def test_sgd_steps_by_the_schedule_under_jit() -> None:
    # With gradient 1, SGD moves each parameter by -lr(k) at update k.
    history = trained(optax.sgd(learning_rate=to_optax(SCHEDULE)), 25)
    expected = [-sum(SCHEDULE(j) for j in range(k + 1)) for k in range(25)]
    assert history == pytest.approx(expected, rel=1e-5)


def test_adamw_accepts_it_under_jit() -> None:
    # A constant gradient makes Adam's step -lr(k) * g / (|g| + eps), that is about -lr(k).
    history = trained(optax.adamw(learning_rate=to_optax(SCHEDULE), weight_decay=0.0), 25)
    expected = [-sum(SCHEDULE(j) for j in range(k + 1)) for k in range(25)]
    assert history == pytest.approx(expected, rel=1e-5)


def test_the_rate_is_a_jax_array_of_any_count() -> None:
    lr = to_optax(SCHEDULE)
    assert isinstance(lr(3), jax.Array)
    assert float(lr(jnp.int32(4))) == pytest.approx(SCHEDULE(4), rel=1e-6)
    assert jax.jit(lr)(jnp.arange(3)).shape == (3,)


def test_only_schedules_are_accepted() -> None:
    with pytest.raises(ParameterTypeError, match="must be a Schedule"):
        to_optax(0.1)  # type: ignore[arg-type]


def test_inside_inject_hyperparams_and_a_chain() -> None:
    # inject_hyperparams evaluates the schedule at each update's int32 count and records
    # it; in a chain, scale_by_learning_rate applies it after other transforms.
    injected = optax.inject_hyperparams(optax.sgd)(learning_rate=to_optax(SCHEDULE))
    history = trained(injected, 12)
    assert history == pytest.approx([-sum(SCHEDULE(j) for j in range(k + 1)) for k in range(12)])
    chained = optax.chain(
        optax.clip_by_global_norm(1e6), optax.scale_by_learning_rate(to_optax(SCHEDULE))
    )
    history = trained(chained, 12)
    assert history == pytest.approx([-sum(SCHEDULE(j) for j in range(k + 1)) for k in range(12)])


def test_a_count_beyond_int32_is_a_step_error() -> None:
    # Without x64, JAX holds a Python int count in int32.
    with pytest.raises(StepError, match="int32"):
        to_optax(SCHEDULE)(2**40)


def test_it_pickles_and_exposes_its_schedule() -> None:
    import copy
    import pickle

    lr = to_optax(SCHEDULE)
    assert lr.schedule is SCHEDULE
    loaded = pickle.loads(pickle.dumps(lr))
    assert loaded.schedule == SCHEDULE
    assert loaded == lr
    assert copy.deepcopy(lr) == lr
    assert repr(lr) == f"to_optax({SCHEDULE!r})"
    # The loaded one compiles again and runs under jit, with the same values.
    counts = jnp.arange(30)
    assert jax.jit(loaded)(counts).tolist() == jax.jit(lr)(counts).tolist()
    assert [float(jax.jit(loaded)(k)) for k in (0, 4, 14, 20)] == [
        float(lr(k)) for k in (0, 4, 14, 20)
    ]


def test_a_pickled_optimizer_carries_its_schedule() -> None:
    import pickle

    transform = optax.adamw(learning_rate=to_optax(SCHEDULE), weight_decay=0.0)
    # optax's transformations are closures, so what pickles is the schedule object a
    # training script keeps beside its state; it rebuilds the same optimizer.
    loaded = pickle.loads(pickle.dumps(to_optax(SCHEDULE)))
    rebuilt = optax.adamw(learning_rate=loaded, weight_decay=0.0)
    assert trained(rebuilt, 20) == trained(transform, 20)
