"""lrsched against transformers' schedule functions, every step of whole runs (1e-9).

Each transformers function returns a torch ``LambdaLR`` that scales the optimizer's lr;
the mappings are those of docs/migration.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from curves import assert_same_curve, torch_curve
from lrsched import Constant, Cosine, CosineRestarts, InverseSqrt, Linear, Polynomial, Warmup

torch = pytest.importorskip("torch", reason="the transformers reference tests need torch")
transformers = pytest.importorskip("transformers", reason="these tests need transformers")

LR = 3e-4


def curve(make: Callable[[Any], Any], steps: int) -> list[float]:
    return torch_curve(make, steps, LR)


@pytest.mark.parametrize(("warmup", "total"), [(10, 100), (1, 50), (100, 1000)])
def test_get_linear_schedule_with_warmup(warmup: int, total: int) -> None:
    reference = curve(
        lambda o: transformers.get_linear_schedule_with_warmup(o, warmup, total), total + 20
    )
    expected = Warmup(steps=warmup, start_lr=0.0) >> Linear(
        base_lr=LR, end_lr=0.0, total_steps=total - warmup
    )
    assert_same_curve(expected, reference)


@pytest.mark.parametrize(("warmup", "total"), [(10, 100), (1, 50), (100, 1000)])
def test_get_cosine_schedule_with_warmup_until_the_end(warmup: int, total: int) -> None:
    # transformers keeps following the cosine past num_training_steps (the rate rises
    # again); lrsched holds 0 there, so the curves agree on steps 0..num_training_steps.
    reference = curve(
        lambda o: transformers.get_cosine_schedule_with_warmup(o, warmup, total), total + 1
    )
    expected = Warmup(steps=warmup, start_lr=0.0) >> Cosine(
        base_lr=LR, min_lr=0.0, total_steps=total - warmup
    )
    assert_same_curve(expected, reference)


@pytest.mark.parametrize(
    ("warmup", "total", "lr_end", "power"),
    [(10, 100, 1e-7, 1.0), (5, 60, 1e-5, 2.0), (20, 80, 0.0, 0.5)],
)
def test_get_polynomial_decay_schedule_with_warmup(
    warmup: int, total: int, lr_end: float, power: float
) -> None:
    reference = curve(
        lambda o: transformers.get_polynomial_decay_schedule_with_warmup(
            o, warmup, total, lr_end=lr_end, power=power
        ),
        total + 20,
    )
    expected = Warmup(steps=warmup, start_lr=0.0) >> Polynomial(
        base_lr=LR, end_lr=lr_end, total_steps=total - warmup, power=power
    )
    assert_same_curve(expected, reference)


@pytest.mark.parametrize("warmup", [1, 10, 400])
def test_get_inverse_sqrt_schedule(warmup: int) -> None:
    reference = curve(lambda o: transformers.get_inverse_sqrt_schedule(o, warmup), 2000)
    assert_same_curve(InverseSqrt(base_lr=LR, warmup_steps=warmup), reference)


@pytest.mark.parametrize("warmup", [1, 10])
def test_get_constant_schedule_with_warmup(warmup: int) -> None:
    reference = curve(lambda o: transformers.get_constant_schedule_with_warmup(o, warmup), 50)
    assert_same_curve(Warmup(steps=warmup, start_lr=0.0) >> Constant(lr=LR), reference)


@pytest.mark.parametrize(("warmup", "total", "cycles"), [(10, 110, 4), (5, 65, 3), (0, 100, 2)])
def test_get_cosine_with_hard_restarts_schedule_with_warmup(
    warmup: int, total: int, cycles: int
) -> None:
    reference = curve(
        lambda o: transformers.get_cosine_with_hard_restarts_schedule_with_warmup(
            o, warmup, total, num_cycles=cycles
        ),
        total + 20,
    )
    restarts = CosineRestarts(base_lr=LR, min_lr=0.0, period=(total - warmup) // cycles, t_mult=1)
    decay = restarts[: total - warmup] | 0.0
    expected = Warmup(steps=warmup, start_lr=0.0) >> decay if warmup else decay
    assert_same_curve(expected, reference)
