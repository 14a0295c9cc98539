"""The array rules of every schedule on torch (eager and ``torch.compile(fullgraph=True)``)
and JAX (``jax.jit`` in x64): the same values as the scalar evaluator, no graph breaks.

Run by the nox ``integrations`` session; the default suite skips these when a library is
absent. The NumPy agreement over random trees is in ``tests/test_array_agreement.py``.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from lrsched import Schedule, evaluate, value_range
from strategies import examples

# Every fixed example of tests/strategies.py: one or more schedules per registered class.
SCHEDULES: list[Schedule] = examples()
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
