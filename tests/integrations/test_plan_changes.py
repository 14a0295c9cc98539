"""The plans of docs/plans.md through a real torch run: a job checkpointed at step ``k``
resumes with ``ScheduleLR(..., resume="given")`` and a new plan (a longer WSD, a re-fit
cosine spliced as ``old[:k] | new``, a cooldown branch), and every step's rate is the new
plan's, continuing from the saved one."""

from __future__ import annotations

import io
from typing import Any

import pytest

from lrsched import Cosine, Schedule, WarmupCosine, WarmupStableDecay

torch = pytest.importorskip("torch", reason="torch runs need torch (nox -s integrations)")
lrsched_torch = pytest.importorskip("lrsched.torch")

AT = 40


def run(
    schedule: Schedule, steps: int, state: dict[str, Any] | None = None
) -> tuple[Any, list[float]]:
    """Rates of ``steps`` optimizer steps under ``schedule`` (resumed from ``state`` with
    ``resume="given"`` if given), and the scheduler's state after them."""
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    scheduler = lrsched_torch.ScheduleLR(optimizer, schedule, resume="given")
    if state is not None:
        buffer = io.BytesIO()
        torch.save(state, buffer)
        buffer.seek(0)
        scheduler.load_state_dict(torch.load(buffer, weights_only=True))
    rates = []
    for _ in range(steps):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return scheduler.state_dict(), rates


def resumed_rates(planned: Schedule, new: Schedule, total: int) -> list[float]:
    state, before = run(planned, AT)
    _, after = run(new, total - AT, state)
    assert before == [planned(k) for k in range(AT)]
    return before + after


def test_a_longer_wsd_budget_resumes_on_its_plateau() -> None:
    common: dict[str, Any] = {
        "peak_lr": 0.1,
        "min_lr": 0.0,
        "start_lr": 0.0,
        "warmup_steps": 10,
        "decay_fraction": 0.2,
        "decay_shape": "1-sqrt",
    }
    planned = WarmupStableDecay(total_steps=100, **common)
    longer = WarmupStableDecay(total_steps=200, **common)
    assert resumed_rates(planned, longer, 220) == [longer(k) for k in range(220)]


def test_a_cosine_resumes_with_a_re_fit_decay_spliced_at_the_checkpoint() -> None:
    planned = WarmupCosine(peak_lr=0.1, min_lr=1e-3, start_lr=0.0, warmup_steps=10, total_steps=100)
    new = planned[:AT] | Cosine(base_lr=planned(AT), min_lr=1e-3, total_steps=200 - AT)
    rates = resumed_rates(planned, new, 220)
    assert rates == [new(k) for k in range(220)]
    assert rates[AT] == planned(AT)  # continuous at the checkpoint


def test_a_cooldown_branch_resumes_from_a_checkpoint_of_the_stable_phase() -> None:
    stable = WarmupStableDecay(
        peak_lr=0.1,
        min_lr=0.0,
        start_lr=0.0,
        warmup_steps=10,
        total_steps=1000,
        decay_steps=100,
        decay_shape="1-sqrt",
    )
    branch = stable.cooldown(at=AT, steps=20)
    rates = resumed_rates(stable, branch, 70)
    assert rates == [branch(k) for k in range(70)]
    assert rates[AT + 20 :] == [0.0] * 10
