"""Two real ranks for tests/integrations/test_distributed.py: torch DDP and Accelerate on a
gloo process group on CPU, on the loopback interface (the caller sets GLOO_SOCKET_IFNAME).

``python tests/distributed_workers.py MODE OUT`` starts two ranks with
``torch.multiprocessing.spawn``; each writes what it saw to ``OUT/rank<r>.json``, and the
test compares. MODE is ``ddp`` (plain torch: a schedule broadcast with
``broadcast_object_list``, then trained under ``DistributedDataParallel``) or
``accelerate`` (``Accelerator.prepare(scheduler)`` with ``num_processes == 2``). The
process group meets through a file store in OUT: no rank hosts it, so none has to
outlive the others (with a TCP store, the rank that hosts it can leave first and make
gloo abort another).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from lrsched import Cosine, Schedule, Warmup
from lrsched.torch import ScheduleLR

WORLD_SIZE = 2
STEPS = 12


def schedule() -> Schedule:
    """The schedule every test here runs: 9 steps, then it holds 0.01."""
    return Warmup(steps=3, start_lr=0.0) >> Cosine(base_lr=0.1, min_lr=0.01, total_steps=6)


def train(model: Any, optimizer: Any, scheduler: Any, rank: int, backward: Any) -> list[float]:
    """The rate of the first group at the start and after each of STEPS optimizer steps."""
    rates = [optimizer.param_groups[0]["lr"]]
    for _ in range(STEPS):
        # Each rank has its own batch, as under a distributed sampler.
        loss = model(torch.full((4, 2), float(rank + 1))).square().mean()
        backward(loss)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        rates.append(optimizer.param_groups[0]["lr"])
    return rates


def join(rank: int, out: Path) -> None:
    store = (out / "store").as_uri()
    dist.init_process_group("gloo", init_method=store, rank=rank, world_size=WORLD_SIZE)


def ddp(rank: int, out: Path) -> dict[str, Any]:
    join(rank, out)
    try:
        # Rank 0 decides the plan (from a config, say); the others receive it.
        box: list[Any] = [schedule() if rank == 0 else None]
        dist.broadcast_object_list(box, src=0)
        received = box[0]
        torch.manual_seed(0)
        model = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(2, 1))
        optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
        scheduler = ScheduleLR(optimizer, received)
        rates = train(model, optimizer, scheduler, rank, lambda loss: loss.backward())
        everyone: list[Any] = [None] * WORLD_SIZE
        dist.all_gather_object(everyone, rates)
        return {
            "received": repr(received),
            "equal": received == schedule(),
            "rates": rates,
            "everyone": everyone,
            # DDP averages the gradients, so the ranks' weights stay equal.
            "weights": [p.detach().flatten().tolist() for p in model.parameters()],
        }
    finally:
        finish()


def finish() -> None:
    # Every rank is done before any tears down: a rank that leaves while another still
    # talks to it can make gloo abort the other (see worker).
    dist.barrier()
    dist.destroy_process_group()


def accelerated(rank: int, out: Path) -> dict[str, Any]:
    # What `accelerate launch` (or torchrun) sets for each process, except the address
    # of a TCP store: Accelerate uses the process group that is already there.
    os.environ.update(
        RANK=str(rank),
        LOCAL_RANK=str(rank),
        WORLD_SIZE=str(WORLD_SIZE),
        LOCAL_WORLD_SIZE=str(WORLD_SIZE),
        OMP_NUM_THREADS="1",
    )
    join(rank, out)
    from accelerate import Accelerator, DataLoaderConfiguration

    settings: dict[str, dict[str, Any]] = {
        "default": {},
        "per_process": {},
        "split_batches": {"dataloader_config": DataLoaderConfiguration(split_batches=True)},
        "step_scheduler_with_optimizer=False": {"step_scheduler_with_optimizer": False},
    }
    results: dict[str, Any] = {}
    for name, kwargs in settings.items():
        accelerator = Accelerator(cpu=True, **kwargs)
        torch.manual_seed(0)
        model = torch.nn.Linear(2, 1)
        optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
        # The same curve for a scheduler stepped num_processes times per optimizer step.
        per_step = accelerator.num_processes if name == "per_process" else 1
        scheduler = ScheduleLR(optimizer, schedule().stretch(per_step))
        model, optimizer, scheduler = accelerator.prepare(model, optimizer, scheduler)
        rates = train(model, optimizer, scheduler, rank, accelerator.backward)
        results[name] = {
            "num_processes": accelerator.num_processes,
            "distributed_type": str(accelerator.distributed_type),
            "rates": rates,
        }
    finish()
    return results


def worker(rank: int, mode: str, out: str) -> None:
    result = (ddp if mode == "ddp" else accelerated)(rank, Path(out))
    written = Path(out) / f"rank{rank}.json"
    written.with_suffix(".tmp").write_text(json.dumps(result), encoding="utf-8")
    written.with_suffix(".tmp").replace(written)
    # A rank writes its file after its process group is gone; leaving only once every
    # rank's file is there, no process exits while another still tears down.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if all((Path(out) / f"rank{r}.json").exists() for r in range(WORLD_SIZE)):
            break
        time.sleep(0.05)


if __name__ == "__main__":
    mode, out = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    mp.spawn(worker, args=(mode, out), nprocs=WORLD_SIZE, join=True)
