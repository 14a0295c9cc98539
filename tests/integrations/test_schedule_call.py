"""A schedule called on an array is ``evaluate``: so it is an optax schedule as it is.

``s(steps)`` for NumPy, torch and JAX arrays (tracers too), ``jax.jit(s)``, and
``optax.adamw(learning_rate=s)`` and ``optax.inject_hyperparams`` trained under
``jax.jit``, against ``to_optax`` and optax's own schedule.
"""

from __future__ import annotations

import pickle
import weakref
from typing import Any

import pytest

from lrsched import Constant, Cosine, Linear, Schedule, Warmup, evaluate
from strategies import examples

jax: Any = pytest.importorskip("jax", reason="these tests need JAX")
jnp: Any = pytest.importorskip("jax.numpy", reason="these tests need JAX")
optax: Any = pytest.importorskip("optax", reason="these tests need optax")
np: Any = pytest.importorskip("numpy", reason="these tests need NumPy")
from lrsched.optax import to_optax  # noqa: E402

W, T, PEAK, LOW = 10, 40, 1e-2, 1e-4
SCHEDULE = (Warmup(steps=W, start_lr=0.0) >> Cosine(base_lr=PEAK, min_lr=LOW, total_steps=T)) | (
    Constant(lr=LOW)
)
FLOAT32 = 1e-6 * PEAK  # JAX computes in float32 by default: about 1e-7 of the peak
DECAY = Linear(base_lr=0.0, end_lr=0.1, total_steps=30)  # a weight decay that rises


@pytest.mark.parametrize("schedule", examples(), ids=repr)
def test_called_on_arrays_it_is_evaluate(schedule: Schedule) -> None:
    import torch

    steps = [[0, 3, 17], [40, 399, 5]]
    assert np.array_equal(schedule(np.array(steps)), evaluate(schedule, np.array(steps)))
    assert torch.equal(schedule(torch.tensor(steps)), evaluate(schedule, torch.tensor(steps)))
    assert np.array_equal(schedule(jnp.array(steps)), evaluate(schedule, jnp.array(steps)))
    traced = jax.jit(lambda k: schedule(k))(jnp.array(steps))
    assert np.array_equal(traced, jax.jit(lambda k: evaluate(schedule, k))(jnp.array(steps)))


def test_scalars_stay_python_floats() -> None:
    assert type(SCHEDULE(np.int64(12))) is float
    assert SCHEDULE(np.int64(12)) == SCHEDULE(12)


def test_jax_jit_of_the_schedule_traces_once() -> None:
    traces: list[object] = []
    jitted = jax.jit(SCHEDULE)

    def traced(k: Any) -> Any:
        traces.append(k)
        return SCHEDULE(k)

    counted = jax.jit(traced)
    for step in range(0, 60, 7):
        count = jnp.int32(step)
        assert float(jitted(count)) == pytest.approx(SCHEDULE(step), rel=1e-6, abs=FLOAT32)
        assert float(counted(count)) == float(jitted(count))
    assert len(traces) == 1  # a new step value is no new trace
    assert weakref.ref(SCHEDULE)() is SCHEDULE
    assert pickle.loads(pickle.dumps(SCHEDULE)) == SCHEDULE


def test_a_scalar_count_under_jit_gives_a_scalar_rate() -> None:
    got = jax.jit(SCHEDULE)(jnp.int32(W))
    assert got.shape == ()
    assert float(got) == pytest.approx(PEAK, rel=1e-6, abs=FLOAT32)


def test_torch_compile_of_the_call_has_no_graph_break() -> None:
    import torch

    torch._dynamo.reset()
    fn = torch.compile(lambda k: SCHEDULE(k) * 2.0, fullgraph=True, backend="aot_eager")
    got = fn(torch.arange(60))
    assert torch.allclose(got / 2.0, evaluate(SCHEDULE, torch.arange(60)), rtol=1e-12, atol=0)


def train(tx: Any, steps: int) -> tuple[Any, list[Any]]:
    """``steps`` jitted adamw steps on a small quadratic; the params and each state."""
    params = jnp.linspace(-1.0, 1.0, 8)
    state = tx.init(params)

    def one_step(params: Any, state: Any) -> Any:
        grads = jax.grad(lambda p: jnp.sum((p - 0.3) ** 2))(params)
        updates, state = tx.update(grads, state, params)
        return optax.apply_updates(params, updates), state

    update = jax.jit(one_step)

    states = []
    for _ in range(steps):
        params, state = update(params, state)
        states.append(state)
    return params, states


def test_adamw_with_the_schedule_is_adamw_with_to_optax() -> None:
    ours, _ = train(optax.adamw(learning_rate=SCHEDULE, weight_decay=1e-2), 60)
    adapter, _ = train(optax.adamw(learning_rate=to_optax(SCHEDULE), weight_decay=1e-2), 60)
    assert np.array_equal(ours, adapter)


def test_adamw_with_the_schedule_is_adamw_with_optax_own_schedule() -> None:
    theirs_lr = optax.warmup_cosine_decay_schedule(
        init_value=0.0, peak_value=PEAK, warmup_steps=W, decay_steps=W + T, end_value=LOW
    )
    for step in range(70):
        expected = float(theirs_lr(step))
        assert float(SCHEDULE(jnp.int32(step))) == pytest.approx(expected, rel=1e-6, abs=FLOAT32)
    ours, _ = train(optax.adamw(learning_rate=SCHEDULE, weight_decay=1e-2), 60)
    theirs, _ = train(optax.adamw(learning_rate=theirs_lr, weight_decay=1e-2), 60)
    assert np.allclose(ours, theirs, rtol=1e-5, atol=1e-7)


def test_inject_hyperparams_drives_the_rate_and_the_weight_decay() -> None:
    injected = optax.inject_hyperparams(optax.adamw)
    _, states = train(injected(learning_rate=SCHEDULE, weight_decay=DECAY), 50)
    # The state after update i holds the values of count i (the count before it).
    for step, state in enumerate(states):
        hyper = state.hyperparams
        assert float(hyper["learning_rate"]) == pytest.approx(SCHEDULE(step), rel=1e-6, abs=FLOAT32)
        assert float(hyper["weight_decay"]) == pytest.approx(DECAY(step), rel=1e-6, abs=1e-9)
    ours, _ = train(injected(learning_rate=SCHEDULE, weight_decay=DECAY), 50)
    adapter, _ = train(injected(learning_rate=to_optax(SCHEDULE), weight_decay=to_optax(DECAY)), 50)
    assert np.array_equal(ours, adapter)


def test_torch_compile_traces_once_for_every_step_value() -> None:
    import torch
    from torch._dynamo.testing import CompileCounter

    torch._dynamo.reset()
    counter = CompileCounter()
    fn = torch.compile(lambda k: SCHEDULE(k), backend=counter, fullgraph=True)
    for start in (0, 7, 45, 10**6):
        steps = torch.arange(start, start + 64)
        assert torch.allclose(fn(steps), evaluate(SCHEDULE, steps), rtol=1e-12, atol=0)
    assert (counter.frame_count, counter.op_count > 0) == (1, True)
