"""``WarmupCosine`` against the real references that count the warmup in the total, as it
does: optax ``warmup_cosine_decay_schedule(decay_steps=T)`` and transformers
``get_cosine_schedule_with_warmup(num_training_steps=T)``, at every step of whole runs,
with random parameters. The mapping is the one in ``WarmupCosine``'s docstring."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrsched import WarmupCosine

FLOAT32 = 2e-6  # optax computes in float32 unless JAX's x64 mode is on


def need(name: str) -> Any:
    return pytest.importorskip(name, reason=f"differential tests need {name} (nox -s integrations)")


def assert_matches(s: WarmupCosine, expected: list[float], peak: float, rel_tol: float) -> None:
    for k, value in enumerate(expected):
        assert math.isclose(s(k), value, rel_tol=rel_tol, abs_tol=rel_tol * peak), k


def transformers_rates(lr: float, warmup: int, total: int) -> list[float]:
    torch, transformers = need("torch"), need("transformers")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    scheduler = transformers.get_cosine_schedule_with_warmup(
        opt, num_warmup_steps=warmup, num_training_steps=total
    )
    rates = []
    for _ in range(total + 1):
        rates.append(float(scheduler.get_last_lr()[0]))
        opt.step()
        scheduler.step()
    return rates


runs = st.integers(min_value=0, max_value=60).flatmap(
    lambda warmup: st.tuples(st.just(warmup), st.integers(min_value=warmup + 1, max_value=200))
)
rates = st.floats(min_value=1e-6, max_value=1.0)


@settings(max_examples=30)
@given(runs, rates, rates, rates)
def test_WarmupCosine_is_optax_warmup_cosine_decay_schedule(
    run: tuple[int, int], start: float, peak: float, end: float
) -> None:
    optax = need("optax")
    warmup, total = run
    reference = optax.warmup_cosine_decay_schedule(
        init_value=start, peak_value=peak, warmup_steps=warmup, decay_steps=total, end_value=end
    )
    s = WarmupCosine(
        peak_lr=peak, min_lr=end, start_lr=start, warmup_steps=warmup, total_steps=total
    )
    # optax computes in float32 unless JAX's x64 mode is on; past T both hold end_value.
    expected = [float(reference(k)) for k in range(total + 20)]
    assert_matches(s, expected, max(start, peak, end), rel_tol=FLOAT32)


@settings(max_examples=30)
@given(runs, rates)
def test_WarmupCosine_is_transformers_get_cosine_schedule_with_warmup(
    run: tuple[int, int], lr: float
) -> None:
    warmup, total = run
    # Up to T: past it transformers' cosine rises again, where lrsched holds min_lr.
    expected = transformers_rates(lr, warmup, total)
    s = WarmupCosine(peak_lr=lr, min_lr=0.0, start_lr=0.0, warmup_steps=warmup, total_steps=total)
    assert_matches(s, expected, lr, rel_tol=1e-12)
