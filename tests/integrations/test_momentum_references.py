"""Momentum cycling against torch, step by step: ``OneCycle(...).momentum(...)`` and
``Cyclic(...).momentum(...)`` against the momentum that ``OneCycleLR`` and ``CyclicLR``
write with ``cycle_momentum=True`` (SGD's ``momentum``, Adam's ``betas[0]``), 1e-9
relative, with the rate checked beside it. The mappings are docs/migration.md's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from curves import assert_same_curve
from lrsched import Cyclic, OneCycle

torch = pytest.importorskip("torch", reason="the torch reference tests need torch")
sched = torch.optim.lr_scheduler

LR = 0.1


def torch_fields(
    make: Callable[[Any], Any], steps: int, adam: bool
) -> tuple[list[float], list[float]]:
    """The rate and the momentum torch's scheduler sets at steps ``0..steps-1``: SGD's
    ``momentum``, or ``betas[0]`` of Adam."""
    param = torch.nn.Parameter(torch.zeros(1))
    if adam:
        optimizer = torch.optim.Adam([param], lr=LR, betas=(0.9, 0.999))
    else:
        optimizer = torch.optim.SGD([param], lr=LR, momentum=0.9)
    scheduler = make(optimizer)
    rates, momenta = [], []
    for _ in range(steps):
        group = optimizer.param_groups[0]
        rates.append(group["lr"])
        momenta.append(group["betas"][0] if adam else group["momentum"])
        optimizer.step()
        scheduler.step()
    if adam:  # torch leaves beta2 alone
        assert optimizer.param_groups[0]["betas"][1] == 0.999
    return rates, momenta


def one_cycle_like_torch(
    max_lr: float, total_steps: int, pct_start: float, div: float, final_div: float
) -> OneCycle:
    """docs/migration.md's mapping of ``OneCycleLR``."""
    peak = round(pct_start * total_steps) - 1
    return OneCycle(
        max_lr=max_lr,
        total_steps=total_steps - 1,
        pct_start=peak / (total_steps - 1),
        initial_div=div,
        final_div=div * final_div,
    )


@pytest.mark.parametrize("adam", [False, True], ids=["sgd", "adam"])
@pytest.mark.parametrize(
    ("total", "pct", "base", "top"),
    # pct * total a whole number: where the OneCycle mapping is exact (docs/migration.md).
    [(100, 0.3, 0.85, 0.95), (37, 10 / 37, 0.8, 0.9), (1000, 0.25, 0.5, 0.99), (10, 0.5, 0.9, 0.9)],
)
def test_one_cycle_momentum(total: int, pct: float, base: float, top: float, adam: bool) -> None:
    rates, momenta = torch_fields(
        lambda o: sched.OneCycleLR(
            o,
            max_lr=LR,
            total_steps=total,
            pct_start=pct,
            cycle_momentum=True,
            base_momentum=base,
            max_momentum=top,
        ),
        total,
        adam,
    )
    schedule = one_cycle_like_torch(LR, total, pct, 25.0, 1e4)
    assert_same_curve(schedule, rates)
    assert_same_curve(schedule.momentum(base_momentum=base, max_momentum=top), momenta)


@pytest.mark.parametrize("adam", [False, True], ids=["sgd", "adam"])
@pytest.mark.parametrize(
    ("mode", "up", "down", "gamma"),
    [
        ("triangular", 10, None, 1.0),
        ("triangular", 7, 13, 1.0),
        ("triangular2", 5, 9, 1.0),
        ("exp_range", 8, None, 0.99),
    ],
)
def test_cyclic_momentum(mode: str, up: int, down: int | None, gamma: float, adam: bool) -> None:
    steps = 6 * (up + (down or up)) + 3
    rates, momenta = torch_fields(
        lambda o: sched.CyclicLR(
            o,
            base_lr=1e-3,
            max_lr=LR,
            step_size_up=up,
            step_size_down=down,
            mode=mode,
            gamma=gamma,
            cycle_momentum=True,
            base_momentum=0.8,
            max_momentum=0.9,
        ),
        steps,
        adam,
    )
    schedule = Cyclic(
        base_lr=1e-3, max_lr=LR, step_size_up=up, step_size_down=down, mode=mode, gamma=gamma
    )
    assert_same_curve(schedule, rates)
    assert_same_curve(schedule.momentum(base_momentum=0.8, max_momentum=0.9), momenta)
