"""timm's warmups against lrsched, step by step: ``warmup_prefix=False`` (the warmup
replaces the schedule's first steps) is ``Linear(...) | s[W:]``, and
``warmup_prefix=True`` (the warmup delays the schedule) is ``Warmup(...) >> s``; the
rows of ``docs/migration.md``.

timm schedulers are driven as a training loop drives them: ``step_update(k)`` with
``t_in_epochs=False``, or ``step(epoch)`` with ``t_in_epochs=True``, and the rate read
back from the optimizer.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from typing import Any

import pytest

from lrsched import Cosine, Linear, Polynomial, Schedule, StepDecay, Warmup

torch = pytest.importorskip("torch", reason="timm needs torch (nox -s integrations)")


def timm() -> Any:
    """``timm.scheduler``, or a skip without timm."""
    from timm_import import import_timm

    try:
        import_timm()
    except ImportError:
        pytest.skip("differential tests need timm (nox -s integrations)")
    return importlib.import_module("timm.scheduler")


LR = 0.1


def timm_rates(make: Callable[[Any], Any], steps: int, *, per_epoch: bool) -> list[float]:
    """The rate timm sets for each step (or epoch) ``0..steps - 1``."""
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=LR)
    scheduler = make(opt)
    rates = []
    for k in range(steps):
        if per_epoch:
            scheduler.step(k)
        else:
            scheduler.step_update(k)
        rates.append(float(opt.param_groups[0]["lr"]))
    return rates


def assert_matches(schedule: Schedule, expected: list[float]) -> None:
    for k, value in enumerate(expected):
        got = schedule(k)
        # timm's ramp is x + k * ((lr - x) / W), lrsched's x + (lr - x) * (k / W).
        assert math.isclose(got, value, rel_tol=1e-12, abs_tol=1e-15), (
            f"{schedule!r} at step {k}: lrsched {got!r}, timm {value!r}"
        )


CASES = [(20, 100, 0.0, 1e-4), (7, 50, 1e-3, 0.0), (1, 30, 0.05, 1e-3), (60, 50, 0.0, 1e-4)]


def cosine_with_timm_warmup(
    warmup: int, total: int, start: float, low: float, *, prefix: bool
) -> Schedule:
    """The migration row for timm's cosine with a warmup: ``warmup_prefix=True`` delays
    the cosine (``Warmup >> s``), ``False`` replaces its first steps (``Linear | s[W:]``)."""
    cosine = Cosine(base_lr=LR, min_lr=low, total_steps=total)
    if prefix:
        return Warmup(steps=warmup, start_lr=start) >> cosine
    return Linear(base_lr=start, end_lr=LR, total_steps=warmup) | cosine[warmup:]


@pytest.mark.parametrize("prefix", [False, True], ids=["replacing", "delaying"])
@pytest.mark.parametrize("per_epoch", [False, True], ids=["step_update", "step"])
@pytest.mark.parametrize(("warmup", "total", "start", "low"), CASES)
def test_cosine_warmup_with_and_without_prefix(
    warmup: int, total: int, start: float, low: float, per_epoch: bool, prefix: bool
) -> None:
    scheduler = timm().CosineLRScheduler

    def make(opt: Any) -> Any:
        return scheduler(
            opt,
            t_initial=total,
            lr_min=low,
            warmup_t=warmup,
            warmup_lr_init=start,
            warmup_prefix=prefix,
            t_in_epochs=per_epoch,
        )

    s = cosine_with_timm_warmup(warmup, total, start, low, prefix=prefix)
    assert_matches(s, timm_rates(make, total + warmup + 20, per_epoch=per_epoch))


@pytest.mark.parametrize(("warmup", "total", "start", "low"), CASES)
def test_poly_warmup_without_prefix(warmup: int, total: int, start: float, low: float) -> None:
    scheduler = timm().PolyLRScheduler

    def make(opt: Any) -> Any:
        return scheduler(
            opt,
            t_initial=total,
            power=0.5,
            lr_min=low,
            warmup_t=warmup,
            warmup_lr_init=start,
            t_in_epochs=False,
        )

    s = (
        Linear(base_lr=start, end_lr=LR, total_steps=warmup)
        | Polynomial(base_lr=LR, end_lr=low, total_steps=total, power=0.5)[warmup:]
    )
    assert_matches(s, timm_rates(make, total + warmup + 20, per_epoch=False))


@pytest.mark.parametrize(("warmup", "decay_t"), [(10, 7), (3, 30), (25, 4)])
def test_step_warmup_without_prefix(warmup: int, decay_t: int) -> None:
    scheduler = timm().StepLRScheduler

    def make(opt: Any) -> Any:
        return scheduler(
            opt,
            decay_t=decay_t,
            decay_rate=0.5,
            warmup_t=warmup,
            warmup_lr_init=0.0,
            warmup_prefix=False,
            t_in_epochs=False,
        )

    s = (
        Linear(base_lr=0.0, end_lr=LR, total_steps=warmup)
        | StepDecay(base_lr=LR, gamma=0.5, step_size=decay_t)[warmup:]
    )
    assert_matches(s, timm_rates(make, 200, per_epoch=False))
