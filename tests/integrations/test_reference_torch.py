"""lrsched against torch's own schedulers, every step of whole runs (1e-9 relative).

The mappings are the ones written in docs/migration.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import curves
from curves import assert_same_curve
from lrsched import (
    Constant,
    Cosine,
    CosineRestarts,
    Exponential,
    Linear,
    MultiStep,
    OneCycle,
    Polynomial,
    Schedule,
    StepDecay,
)

torch = pytest.importorskip("torch", reason="the torch reference tests need torch")
sched = torch.optim.lr_scheduler

LR = 0.1


def torch_curve(make: Callable[[Any], Any], steps: int, lr: float = LR, **sgd: Any) -> list[float]:
    return curves.torch_curve(make, steps, lr, **sgd)


@pytest.mark.parametrize(("t_max", "eta_min"), [(100, 0.0), (100, 1e-3), (37, 0.05)])
def test_CosineAnnealingLR_within_T_max(t_max: int, eta_min: float) -> None:
    reference = torch_curve(
        lambda o: sched.CosineAnnealingLR(o, T_max=t_max, eta_min=eta_min), t_max + 1
    )
    assert_same_curve(Cosine(base_lr=LR, min_lr=eta_min, total_steps=t_max), reference)


@pytest.mark.parametrize(("t_0", "t_mult", "eta_min"), [(10, 1, 0.0), (5, 2, 1e-3), (3, 3, 0.01)])
def test_CosineAnnealingWarmRestarts(t_0: int, t_mult: int, eta_min: float) -> None:
    reference = torch_curve(
        lambda o: sched.CosineAnnealingWarmRestarts(o, T_0=t_0, T_mult=t_mult, eta_min=eta_min), 400
    )
    expected = CosineRestarts(base_lr=LR, min_lr=eta_min, period=t_0, t_mult=t_mult)
    assert_same_curve(expected, reference)


@pytest.mark.parametrize("gamma", [0.99, 0.9, 1.0])
def test_ExponentialLR(gamma: float) -> None:
    reference = torch_curve(lambda o: sched.ExponentialLR(o, gamma=gamma), 300)
    assert_same_curve(Exponential(base_lr=LR, gamma=gamma), reference)


@pytest.mark.parametrize(("step_size", "gamma"), [(10, 0.5), (1, 0.9), (33, 0.1)])
def test_StepLR(step_size: int, gamma: float) -> None:
    reference = torch_curve(lambda o: sched.StepLR(o, step_size=step_size, gamma=gamma), 300)
    assert_same_curve(StepDecay(base_lr=LR, gamma=gamma, step_size=step_size), reference)


@pytest.mark.parametrize(
    ("milestones", "gamma"), [([30, 80], 0.1), ([5, 5, 20], 0.5), ([1, 2, 3, 150], 0.9)]
)
def test_MultiStepLR(milestones: list[int], gamma: float) -> None:
    reference = torch_curve(lambda o: sched.MultiStepLR(o, milestones=milestones, gamma=gamma), 200)
    assert_same_curve(MultiStep(base_lr=LR, milestones=tuple(milestones), gamma=gamma), reference)


@pytest.mark.parametrize(("total_iters", "power"), [(100, 1.0), (50, 2.0), (80, 0.5)])
def test_PolynomialLR(total_iters: int, power: float) -> None:
    reference = torch_curve(
        lambda o: sched.PolynomialLR(o, total_iters=total_iters, power=power), 150
    )
    expected = Polynomial(base_lr=LR, end_lr=0.0, total_steps=total_iters, power=power)
    assert_same_curve(expected, reference)


@pytest.mark.parametrize(
    ("start", "end", "total_iters"), [(1 / 3, 1.0, 5), (1.0, 0.1, 100), (0.5, 0.25, 7)]
)
def test_LinearLR(start: float, end: float, total_iters: int) -> None:
    reference = torch_curve(
        lambda o: sched.LinearLR(o, start_factor=start, end_factor=end, total_iters=total_iters),
        150,
    )
    expected = Linear(base_lr=LR * start, end_lr=LR * end, total_steps=total_iters)
    assert_same_curve(expected, reference)


def _documented_mapping() -> Callable[..., Schedule]:
    """``one_cycle_like_torch`` exactly as docs/migration.md prints it, so the tested
    mapping is the documented one and the page cannot drift from the test.

    torch peaks at step ``pct_start * total_steps - 1`` and reaches its floor at
    ``total_steps - 1``; lrsched's ``OneCycle`` peaks at ``round(pct_start' * T)`` and ends
    at ``T``. So ``T = total_steps - 1`` and ``pct_start'`` puts the peak on torch's step.
    """
    page = (Path(__file__).parents[2] / "docs" / "migration.md").read_text(encoding="utf-8")
    (block,) = [
        b for b in re.findall(r"```python\n(.*?)```", page, re.DOTALL) if "def one_cycle" in b
    ]
    namespace: dict[str, Any] = {"OneCycle": OneCycle}
    exec(block, namespace)
    mapping: Callable[..., Schedule] = namespace["one_cycle_like_torch"]
    return mapping


one_cycle_like_torch = _documented_mapping()


@pytest.mark.parametrize(
    ("total_steps", "pct_start", "div", "final_div"),
    [(100, 0.3, 25.0, 1e4), (1000, 0.25, 10.0, 100.0), (50, 0.5, 4.0, 1e3), (20, 0.1, 25.0, 1e4)],
)
def test_OneCycleLR_via_the_mapping(
    total_steps: int, pct_start: float, div: float, final_div: float
) -> None:
    reference = torch_curve(
        lambda o: sched.OneCycleLR(
            o,
            max_lr=LR,
            total_steps=total_steps,
            pct_start=pct_start,
            div_factor=div,
            final_div_factor=final_div,
            anneal_strategy="cos",
            cycle_momentum=False,
        ),
        total_steps,
    )
    assert_same_curve(one_cycle_like_torch(LR, total_steps, pct_start, div, final_div), reference)


@pytest.mark.parametrize(("factor", "total_iters"), [(1 / 3, 5), (0.1, 20)])
def test_ConstantLR(factor: float, total_iters: int) -> None:
    reference = torch_curve(
        lambda o: sched.ConstantLR(o, factor=factor, total_iters=total_iters), 60
    )
    assert_same_curve(Constant(lr=LR * factor)[:total_iters] | LR, reference)


def test_SequentialLR_restarts_each_scheduler_at_its_milestone() -> None:
    def make(o: Any) -> Any:
        first = sched.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=10)
        second = sched.ExponentialLR(o, gamma=0.95)
        return sched.SequentialLR(o, [first, second], milestones=[10])

    reference = torch_curve(make, 100)
    expected = Linear(base_lr=LR * 0.1, end_lr=LR, total_steps=10)[:10] | Exponential(
        base_lr=LR, gamma=0.95
    )
    assert_same_curve(expected, reference)


@settings(max_examples=30, deadline=None)
@given(
    total_steps=st.integers(min_value=4, max_value=400),
    peak_fraction=st.floats(min_value=0.0, max_value=1.0),
    div=st.floats(min_value=1.0, max_value=100.0),
    final_div=st.floats(min_value=1.0, max_value=1e4),
)
def test_OneCycleLR_mapping_for_any_whole_peak(
    total_steps: int, peak_fraction: float, div: float, final_div: float
) -> None:
    # torch's peak pct_start * total_steps - 1 must be a whole step in 1..total_steps - 2.
    peak = 1 + round(peak_fraction * (total_steps - 3))
    pct_start = (peak + 1) / total_steps
    reference = torch_curve(
        lambda o: sched.OneCycleLR(
            o,
            max_lr=LR,
            total_steps=total_steps,
            pct_start=pct_start,
            div_factor=div,
            final_div_factor=final_div,
            cycle_momentum=False,
        ),
        total_steps,
    )
    assert_same_curve(one_cycle_like_torch(LR, total_steps, pct_start, div, final_div), reference)


@settings(max_examples=30, deadline=None)
@given(
    t_0=st.integers(min_value=1, max_value=30),
    t_mult=st.integers(min_value=1, max_value=4),
    eta_min=st.floats(min_value=0.0, max_value=0.05),
)
def test_CosineAnnealingWarmRestarts_for_any_parameters(
    t_0: int, t_mult: int, eta_min: float
) -> None:
    reference = torch_curve(
        lambda o: sched.CosineAnnealingWarmRestarts(o, T_0=t_0, T_mult=t_mult, eta_min=eta_min), 300
    )
    expected = CosineRestarts(base_lr=LR, min_lr=eta_min, period=t_0, t_mult=t_mult)
    assert_same_curve(expected, reference)
