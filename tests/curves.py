"""Comparing a whole lrsched curve with a reference implementation's, step by step."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from lrsched import Schedule

# Differential tests hold every step to this relative tolerance.
REL = 1e-9


def assert_same_curve(schedule: Schedule, reference: Sequence[float], rel: float = REL) -> None:
    """``schedule(k)`` is within ``rel`` of ``reference[k]`` for every ``k``.

    Where either side is exactly 0, the other may be off by up to
    ``rel`` times the curve's peak: a recursive reference can leave a rounding residue
    where the closed form is 0, and relative error means nothing at 0.
    """
    assert len(reference) > 0
    peak = max(abs(x) for x in reference)
    for k, expected in enumerate(reference):
        got = schedule(k)
        floor = rel * peak if 0.0 in (got, expected) else 0.0
        assert math.isclose(got, expected, rel_tol=rel, abs_tol=floor), (
            f"step {k}: lrsched {got!r}, reference {expected!r}, schedule {schedule!r}"
        )


def torch_curve(make: Callable[[Any], Any], steps: int, lr: float, **sgd: Any) -> list[float]:
    """The rates a torch scheduler gives at steps ``0..steps-1``, one optimizer step each.

    ``make(optimizer)`` builds the scheduler (torch's own, or a transformers function's
    ``LambdaLR``) over an SGD optimizer with learning rate ``lr``.
    """
    import torch

    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=lr, **sgd)
    scheduler = make(optimizer)
    rates = []
    for _ in range(steps):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return rates
