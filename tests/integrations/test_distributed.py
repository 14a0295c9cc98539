"""ScheduleLR under the distributed stacks: Accelerate's prepare(scheduler) and torch DDP.

In-process tests use one process; the two-rank tests run tests/distributed_workers.py,
which spawns two ranks on a gloo process group over 127.0.0.1, in a subprocess.
docs/distributed.md states what these tests check.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch", reason="ScheduleLR needs torch")
pytest.importorskip("accelerate", reason="the Accelerate tests need accelerate")
import torch
import torch.distributed as dist
from accelerate import Accelerator
from accelerate.state import AcceleratorState, GradientState, PartialState

from distributed_workers import STEPS, WORLD_SIZE, schedule, train
from lrsched import parse
from lrsched.torch import ScheduleLR

ROOT = Path(__file__).parent.parent.parent
# gloo talks over the loopback interface only, whatever the host name resolves to.
LOOPBACK = next((name for _, name in socket.if_nameindex() if name.startswith("lo")), "lo")
SCHEDULE = schedule()


def expected(stride: int = 1) -> list[float]:
    """The rate at the start and after each optimizer step when every optimizer step
    advances the schedule by ``stride`` steps."""
    return [SCHEDULE(stride * k) for k in range(STEPS + 1)]


@pytest.fixture
def fresh_accelerate() -> Iterator[None]:
    # Accelerate keeps its process state in class-level singletons; each test here
    # starts from none and gives back what the session had (Trainer tests build theirs).
    classes = (PartialState, AcceleratorState, GradientState)
    saved = [dict(cls._shared_state) for cls in classes]
    for cls in classes:
        cls._shared_state.clear()
    yield
    for cls, state in zip(classes, saved, strict=True):
        cls._shared_state.clear()
        cls._shared_state.update(state)


def prepared(accelerator: Any) -> tuple[Any, Any, Any]:
    torch.manual_seed(0)
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    return accelerator.prepare(model, optimizer, ScheduleLR(optimizer, SCHEDULE))  # type: ignore[no-any-return]


@pytest.mark.usefixtures("fresh_accelerate")
def test_accelerate_prepare_in_one_process_steps_the_schedule_once_per_optimizer_step() -> None:
    accelerator = Accelerator(cpu=True)
    model, optimizer, scheduler = prepared(accelerator)
    assert accelerator.num_processes == 1
    assert type(scheduler).__name__ == "AcceleratedScheduler"
    assert train(model, optimizer, scheduler, 0, accelerator.backward) == expected()
    assert scheduler.get_last_lr() == [SCHEDULE(STEPS)]
    # AcceleratedScheduler stops a scheduler that has `total_steps` after that many steps
    # (a OneCycleLR guard); ScheduleLR has none, so a finite schedule simply holds.
    assert not hasattr(scheduler.scheduler, "total_steps")


@pytest.mark.usefixtures("fresh_accelerate")
def test_accelerate_gradient_accumulation_steps_the_schedule_once_per_optimizer_step() -> None:
    accumulate = 3
    accelerator = Accelerator(cpu=True, gradient_accumulation_steps=accumulate)
    model, optimizer, scheduler = prepared(accelerator)
    rates = [optimizer.param_groups[0]["lr"]]
    for _ in range(STEPS * accumulate):
        with accelerator.accumulate(model):
            accelerator.backward(model(torch.ones(4, 2)).square().mean())
            optimizer.step()
            scheduler.step()  # called every micro-batch, as in Accelerate's examples
            optimizer.zero_grad()
        rates.append(optimizer.param_groups[0]["lr"])
    assert rates[::accumulate] == expected()
    assert rates[1:accumulate] == [SCHEDULE(0)] * (accumulate - 1)


@pytest.mark.usefixtures("fresh_accelerate")
def test_accelerate_step_scheduler_with_optimizer_false_steps_at_every_call() -> None:
    accelerator = Accelerator(cpu=True, step_scheduler_with_optimizer=False)
    model, optimizer, scheduler = prepared(accelerator)
    assert train(model, optimizer, scheduler, 0, accelerator.backward) == expected()


@pytest.mark.usefixtures("fresh_accelerate")
def test_accelerate_save_state_and_load_state_resume_the_schedule(tmp_path: Path) -> None:
    accelerator = Accelerator(cpu=True)
    _, optimizer, scheduler = prepared(accelerator)
    for _ in range(5):
        optimizer.step()
        scheduler.step()
    accelerator.save_state(str(tmp_path / "checkpoint"))
    # A new run, built as the first was, resumes from the checkpoint (which Accelerate
    # reads with torch.load(weights_only=True)).
    accelerator = Accelerator(cpu=True)
    _, optimizer, scheduler = prepared(accelerator)
    assert scheduler.get_last_lr() == [SCHEDULE(0)]
    accelerator.load_state(str(tmp_path / "checkpoint"))
    assert scheduler.get_last_lr() == [SCHEDULE(5)]
    rates = []
    for _ in range(STEPS - 5):
        optimizer.step()
        scheduler.step()
        rates.append(optimizer.param_groups[0]["lr"])
    assert rates == expected()[6:]


def test_ddp_with_one_rank_gives_the_rates_of_the_schedule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLOO_SOCKET_IFNAME", LOOPBACK)
    dist.init_process_group("gloo", init_method=(tmp_path / "store").as_uri(), rank=0, world_size=1)
    try:
        box: list[Any] = [SCHEDULE]
        dist.broadcast_object_list(box, src=0)
        model = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(2, 1))
        optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
        scheduler = ScheduleLR(optimizer, box[0])
        rates = train(model, optimizer, scheduler, 0, lambda loss: loss.backward())
    finally:
        dist.destroy_process_group()
    assert box[0] == SCHEDULE
    assert rates == expected()


def two_ranks(mode: str, out: Path) -> list[dict[str, Any]]:
    """Run tests/distributed_workers.py in MODE and read what each rank wrote."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")]),
        "GLOO_SOCKET_IFNAME": LOOPBACK,
        "PYTHONFAULTHANDLER": "1",  # a rank that crashes shows where
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "distributed_workers.py"), mode, str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, (sorted(p.name for p in out.iterdir()), done.stderr[-6000:])
    return [json.loads((out / f"rank{r}.json").read_text("utf-8")) for r in range(WORLD_SIZE)]


def test_ddp_two_ranks_receive_an_equal_schedule_and_evaluate_the_same_rates(
    tmp_path: Path,
) -> None:
    ranks = two_ranks("ddp", tmp_path)
    for rank in ranks:
        assert rank["equal"] is True  # on the receiving rank, after broadcast_object_list
        assert parse(rank["received"]) == SCHEDULE
        assert rank["rates"] == expected()
        assert rank["everyone"] == [expected()] * WORLD_SIZE
    assert ranks[0]["weights"] == ranks[1]["weights"]


def test_accelerate_two_processes_step_the_schedule_once_per_process(tmp_path: Path) -> None:
    ranks = two_ranks("accelerate", tmp_path)
    for rank in ranks:
        assert {r["num_processes"] for r in rank.values()} == {WORLD_SIZE}
        assert {r["distributed_type"] for r in rank.values()} == {"DistributedType.MULTI_CPU"}
        # By default each optimizer step advances the schedule num_processes steps...
        assert rank["default"]["rates"] == expected(stride=WORLD_SIZE)
        # ...and by one with split_batches=True or step_scheduler_with_optimizer=False.
        assert rank["split_batches"]["rates"] == expected()
        assert rank["step_scheduler_with_optimizer=False"]["rates"] == expected()
        # The schedule stretched by num_processes gives the intended curve (to rounding).
        assert rank["per_process"]["rates"] == pytest.approx(expected(), rel=1e-12, abs=0)


def test_schedule_lr_is_a_scheduler_object_to_deepspeed() -> None:
    # deepspeed.initialize(lr_scheduler=x) calls x(optimizer) when x is callable, and
    # uses x as the scheduler otherwise (docs/distributed.md); DeepSpeed is not installed.
    optimizer = torch.optim.SGD(torch.nn.Linear(2, 1).parameters(), lr=1.0)
    assert not callable(ScheduleLR(optimizer, SCHEDULE))

    # The callable form, called as DeepSpeed would, on the optimizer it built.
    def factory(built: Any) -> ScheduleLR:
        return ScheduleLR(built, SCHEDULE)

    assert factory(optimizer).get_last_lr() == [SCHEDULE(0)]
