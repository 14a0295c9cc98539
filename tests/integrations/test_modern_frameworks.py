"""The array rules of the new schedules on torch (eager and ``torch.compile(fullgraph=True)``)
and JAX (``jax.jit`` in x64): the same values as the scalar evaluator, no graph breaks.

Run by the nox ``integrations`` session; the default suite skips these when a library is
absent. The NumPy agreement over random trees is in ``tests/test_array_agreement.py``.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from lrsched import (
    Constant,
    Cyclic,
    Decay,
    Interpolate,
    Linear,
    Noam,
    Schedule,
    Warmup,
    WarmupStableDecay,
    evaluate,
    value_range,
)

SCHEDULES: list[Schedule] = [
    Cyclic(base_lr=0.1, max_lr=1.0, step_size_up=4),
    Cyclic(base_lr=0.1, max_lr=1.0, step_size_up=4, step_size_down=3, mode="triangular2"),
    Cyclic(base_lr=0.1, max_lr=1.0, step_size_up=4, mode="exp_range", gamma=0.9),
    Cyclic(base_lr=1.0, max_lr=0.0, step_size_up=5, step_size_down=3),
    Noam(d_model=64, warmup_steps=10),
    *(
        Decay(base_lr=1.0, end_lr=end, steps=steps, shape=shape)
        for shape in ("linear", "cosine", "1-sqrt")
        for end, steps in ((0.1, 20), (0.0, 5), (0.0, 3))
    ),
    *(
        WarmupStableDecay(
            peak_lr=1.0,
            min_lr=0.1,
            start_lr=0.01,
            warmup_steps=5,
            total_steps=40,
            decay_fraction=0.3,
            decay_shape="cosine",
            warmup_shape=shape,
        )
        for shape in ("linear", "exponential")
    ),
    Interpolate(points=((0, 0.0), (10, 1.0), (30, 0.1)), shape="cosine"),
    *(
        Warmup(steps=8, start_lr=0.1, shape=shape) >> Linear(base_lr=1.0, end_lr=0.5, total_steps=5)
        for shape in ("cosine", "1-sqrt", "exponential")
    ),
    Warmup(steps=8, start_lr=0.0, shape="cosine") >> Constant(lr=1.0),
]
STEPS = 60


def need(name: str) -> Any:
    return pytest.importorskip(
        name, reason=f"array rules are checked on {name} (nox -s integrations)"
    )


def assert_scalar_values(schedule: Schedule, got: list[float]) -> None:
    low, high = value_range(schedule)
    for k, value in enumerate(got):
        assert low <= value <= high, f"{schedule!r} at step {k}: {value!r} outside its range"
        expected = schedule(k)
        assert math.isclose(value, expected, rel_tol=1e-12, abs_tol=0.0), (
            f"{schedule!r} at step {k}: array {value!r}, scalar {expected!r}"
        )


@pytest.mark.parametrize("schedule", SCHEDULES, ids=repr)
# torch's compiler imports modules that use its own deprecated torch.jit API.
@pytest.mark.filterwarnings("ignore:`torch.jit:DeprecationWarning")
def test_torch_eager_and_compiled(schedule: Schedule) -> None:
    torch = need("torch")
    steps = torch.arange(STEPS)
    assert_scalar_values(schedule, evaluate(schedule, steps).tolist())
    torch._dynamo.reset()  # one compiled graph per schedule, no recompile limit
    compiled = torch.compile(lambda k: evaluate(schedule, k), fullgraph=True)
    assert_scalar_values(schedule, compiled(steps).tolist())


@pytest.mark.parametrize("schedule", SCHEDULES, ids=repr)
def test_jax_jit_in_x64(schedule: Schedule) -> None:
    jax = need("jax")
    # A context manager in recent JAX; jax.experimental's in older releases.
    enable_x64 = jax.enable_x64 if hasattr(jax, "enable_x64") else jax.experimental.enable_x64
    with enable_x64(True):
        steps = jax.numpy.arange(STEPS, dtype=jax.numpy.int64)
        got = jax.jit(lambda k: evaluate(schedule, k))(steps)
        assert got.dtype == jax.numpy.float64
        assert_scalar_values(schedule, got.tolist())
