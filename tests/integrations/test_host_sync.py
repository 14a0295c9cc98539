"""No host sync: evaluate never reads a device's values unless asked (issue 13).

There is no GPU here, so the proof runs on torch's fake tensors, which carry a device
(``cuda``) and a shape but no values: any read of a value raises. A dispatch mode
counts the operators that copy a value to the host (``aten._local_scalar_dense``, which
``bool``, ``int``, ``.item()`` and ``.tolist()`` call, and ``aten.is_nonzero``); the
same counter on CPU tensors shows that it sees the reads the host check does.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from lrsched import Constant, ParameterValueError, Schedule, StepError, evaluate
from lrsched.evaluators.array import compiled
from strategies import EXAMPLES, examples

torch: Any = pytest.importorskip("torch", reason="the host-sync tests need torch")
from torch._subclasses.fake_tensor import (  # noqa: E402
    DataDependentOutputException,
    FakeTensorMode,
)
from torch.utils._python_dispatch import TorchDispatchMode  # noqa: E402

EVERY_NODE: list[Schedule] = examples()
READS = ("aten._local_scalar_dense", "aten.is_nonzero", "aten.item")


class HostReads(TorchDispatchMode):  # type: ignore[misc]
    """Counts every operator that copies a tensor's value to the host."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[str] = []

    def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        if str(func).startswith(READS):
            self.reads.append(str(func))
        return func(*args, **(kwargs or {}))


def test_the_counter_sees_the_host_check_on_cpu_tensors() -> None:
    with HostReads() as counter:
        evaluate(EVERY_NODE[0], torch.arange(10))
    assert counter.reads == ["aten._local_scalar_dense.default"]


@pytest.mark.parametrize("schedule", EVERY_NODE, ids=repr)
def test_no_host_read_on_a_cuda_device(schedule: Schedule) -> None:
    with FakeTensorMode(), HostReads() as counter:
        steps = torch.arange(1000, device="cuda").reshape(10, 100)
        got = evaluate(schedule, steps)
    assert counter.reads == []
    assert (got.device.type, got.dtype, got.shape) == ("cuda", torch.float64, (10, 100))


@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8"])
def test_no_host_read_for_any_integer_dtype(dtype: str) -> None:
    with FakeTensorMode(), HostReads() as counter:
        evaluate(EXAMPLES[Constant][0], torch.arange(5, device="cuda", dtype=getattr(torch, dtype)))
    assert counter.reads == []


def test_no_host_read_on_the_meta_device() -> None:
    with HostReads() as counter:
        got = evaluate(EVERY_NODE[-1], torch.arange(6, device="meta"))
    assert counter.reads == []
    assert got.device.type == "meta"


def test_check_raise_reads_the_device_values() -> None:
    # Asked for, the check reads the values: a fake tensor has none to give.
    with FakeTensorMode(), pytest.raises(DataDependentOutputException):
        evaluate(EVERY_NODE[0], torch.arange(5, device="cuda"), check="raise")
    with pytest.raises(StepError, match="got -2"):
        evaluate(EVERY_NODE[0], torch.tensor([3, -2]), check="raise")


def test_check_raise_refuses_steps_without_values() -> None:
    with pytest.raises(ParameterValueError, match="check='raise'"):
        evaluate(EVERY_NODE[0], torch.arange(3, device="meta"), check="raise")


@pytest.mark.parametrize("schedule", EVERY_NODE, ids=repr)
def test_negative_steps_give_nan_where_no_value_is_read(schedule: Schedule) -> None:
    steps = torch.tensor([[0, -1, 7], [-(2**40), 399, 5]])
    got = evaluate(schedule, steps, check="nan")
    plain = evaluate(schedule, steps.clamp(min=0))
    negative = steps < 0
    assert bool(torch.isnan(got[negative]).all())
    assert torch.equal(got[~negative], plain[~negative])


def test_negative_steps_give_nan_under_torch_compile() -> None:
    torch._dynamo.reset()
    schedule = EVERY_NODE[-1]
    fn = torch.compile(lambda k: evaluate(schedule, k), fullgraph=True, backend="aot_eager")
    got = fn(torch.tensor([3, -1, 0]))
    assert bool(torch.isnan(got[1]))
    assert got[[0, 2]].tolist() == [schedule(3), schedule(0)]


def test_the_compiled_function_is_cached_and_hidden() -> None:
    import copy
    import pickle

    schedule = EVERY_NODE[-1]
    fresh = copy.deepcopy(schedule)
    before = (pickle.dumps(fresh), repr(fresh), hash(fresh))
    evaluate(fresh, torch.arange(4))
    assert getattr(fresh, "_array_fn") is compiled(fresh)  # noqa: B009
    assert (pickle.dumps(fresh), repr(fresh), hash(fresh)) == before
    assert fresh == schedule
    assert not hasattr(copy.copy(fresh), "_array_fn")
    assert not hasattr(pickle.loads(pickle.dumps(fresh)), "_array_fn")


def test_a_trace_under_torch_compile_leaves_the_cache_alone() -> None:
    torch._dynamo.reset()
    schedule = EXAMPLES[Constant][0] * 0.5  # a new node: nothing cached yet
    fn = torch.compile(lambda k: evaluate(schedule, k), fullgraph=True, backend="aot_eager")
    assert fn(torch.arange(3)).tolist() == [schedule(0)] * 3
    assert not hasattr(schedule, "_array_fn")


def test_threads_compiling_at_once_agree() -> None:
    schedule = EVERY_NODE[-1] * 0.25  # a new node: nothing cached yet
    steps = torch.arange(400)
    results: list[Any] = [None] * 8
    barrier = threading.Barrier(8)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = evaluate(schedule, steps)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(torch.equal(result, results[0]) for result in results)
    assert results[0].tolist() == evaluate(schedule, steps).tolist()
