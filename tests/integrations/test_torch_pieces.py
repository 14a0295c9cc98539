"""The host path on eager torch CPU tensors: the where chain's values, bit for bit."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrsched import Schedule, StepError, evaluate
from lrsched.evaluators.array import _Shim, compile_array
from lrsched.evaluators.pieces import CHUNK
from strategies import examples, trees

torch: Any = pytest.importorskip("torch", reason="the torch host path needs torch")


def by_where(schedule: Schedule, steps: Any) -> Any:
    return compile_array(schedule)(_Shim(torch), steps.to(torch.float64))


@pytest.mark.parametrize("schedule", examples(), ids=repr)
def test_every_node_on_a_long_run(schedule: Schedule) -> None:
    steps = torch.arange(2 * CHUNK + 3, dtype=torch.int32).reshape(-1, 1)
    got = evaluate(schedule, steps)
    assert (got.dtype, got.shape, got.device.type) == (torch.float64, steps.shape, "cpu")
    assert torch.equal(got, by_where(schedule, steps))


@settings(max_examples=20, deadline=None)
@given(trees, st.integers(0, 10_000), st.booleans())
def test_runs_from_any_start(schedule: Schedule, start: int, shuffled: bool) -> None:
    steps = torch.arange(start, start + CHUNK + 500)
    if shuffled:
        steps = steps[torch.randperm(len(steps), generator=torch.Generator().manual_seed(start))]
    assert torch.equal(evaluate(schedule, steps), by_where(schedule, steps))


def test_a_negative_step_raises() -> None:
    steps = torch.arange(CHUNK + 10)
    steps[CHUNK + 3] = -5
    with pytest.raises(StepError, match="got -5"):
        evaluate(examples()[0], steps)
