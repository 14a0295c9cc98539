"""The new schedules against the real reference libraries: ``Cyclic`` against torch
``CyclicLR``, ``WarmupStableDecay`` against transformers ``get_wsd_schedule``, and the
mappings of ``docs/schedules-modern.md`` to optax and transformers. torch schedulers
are stepped and their rates read back; optax schedules are called at each step.

Run by the nox ``integrations`` session, which installs torch, transformers, jax and
optax; the default suite skips these (visibly) when a library is absent.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrsched import Cosine, Cyclic, Interpolate, Schedule, Warmup, WarmupStableDecay


def need(name: str) -> Any:
    return pytest.importorskip(name, reason=f"differential tests need {name} (nox -s integrations)")


def optimizer(lr: float) -> Any:
    torch = need("torch")
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def reference_rates(scheduler: Any, opt: Any, steps: int) -> list[float]:
    """The rate the scheduler gives after 0, 1, ..., steps - 1 calls of ``step()``."""
    rates = []
    for _ in range(steps):
        rates.append(float(scheduler.get_last_lr()[0]))
        opt.step()  # before scheduler.step(), as torch expects (else it warns)
        scheduler.step()
    return rates


def assert_matches(
    schedule: Schedule,
    expected: list[float],
    peak: float,
    rel_tol: float = 1e-12,
    abs_tol: float | None = None,
) -> None:
    slack = rel_tol * 1e-3 * peak if abs_tol is None else abs_tol
    for k, value in enumerate(expected):
        got = schedule(k)
        assert math.isclose(got, value, rel_tol=rel_tol, abs_tol=slack), (
            f"{schedule!r} at step {k}: lrsched {got!r}, reference {value!r}"
        )


# Cyclic against torch.optim.lr_scheduler.CyclicLR --------------------------------------


def torch_cyclic(s: Cyclic, steps: int) -> list[float]:
    opt = optimizer(s.base_lr)
    scheduler = need("torch").optim.lr_scheduler.CyclicLR(
        opt,
        base_lr=s.base_lr,
        max_lr=s.max_lr,
        step_size_up=s.step_size_up,
        step_size_down=s.step_size_down,
        mode=s.mode,
        gamma=s.gamma,
        cycle_momentum=False,
    )
    return reference_rates(scheduler, opt, steps)


@pytest.mark.parametrize("mode", ["triangular", "triangular2", "exp_range"])
@pytest.mark.parametrize(("up", "down"), [(10, None), (7, 3), (2, 9), (1, 1)])
def test_Cyclic_matches_torch(mode: str, up: int, down: int | None) -> None:
    gamma = 0.995 if mode == "exp_range" else 1.0
    s = Cyclic(
        base_lr=1e-4, max_lr=1e-2, step_size_up=up, step_size_down=down, mode=mode, gamma=gamma
    )
    assert_matches(s, torch_cyclic(s, 400), s.max_lr)


@given(
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(min_value=0.0, max_value=1.0),
    st.integers(min_value=1, max_value=40),
    st.none() | st.integers(min_value=1, max_value=40),
    st.sampled_from(["triangular", "triangular2", "exp_range"]),
    st.floats(min_value=0.9, max_value=1.0),
)
@settings(max_examples=40, deadline=None)
def test_Cyclic_matches_torch_for_random_parameters(
    base: float, top: float, up: int, down: int | None, mode: str, gamma: float
) -> None:
    s = Cyclic(
        base_lr=base,
        max_lr=top,
        step_size_up=up,
        step_size_down=down,
        mode=mode,
        gamma=gamma if mode == "exp_range" else 1.0,
    )
    # torch finds the cycle offset as 1 + k / C - floor(1 + k / C) in floats, which loses
    # about k / C ulps of the amplitude: a wave that should touch 0 stops at ~1e-15.
    # And in the subnormal range a rounding is a whole unit: torch's offset can round
    # 5e-324 * 0.5 up where lrsched's exact one rounds it down to 0.
    peak = max(base, top)
    assert_matches(s, torch_cyclic(s, 200), peak, abs_tol=max(1e-12 * peak, 2.0**-1070))


# WarmupStableDecay against transformers.get_wsd_schedule -------------------------------


def transformers_wsd(lr: float, steps: int, **kwargs: Any) -> list[float]:
    transformers = need("transformers")
    opt = optimizer(lr)
    return reference_rates(transformers.get_wsd_schedule(opt, **kwargs), opt, steps)


@pytest.mark.parametrize("decay_type", ["linear", "cosine", "1-sqrt"])
@pytest.mark.parametrize("warmup_type", ["linear", "cosine", "1-sqrt"])
@pytest.mark.parametrize(("warmup", "stable", "decay"), [(20, 50, 30), (0, 10, 25), (5, 0, 7)])
@pytest.mark.parametrize("min_lr_ratio", [0.0, 0.1])
def test_WarmupStableDecay_matches_transformers(
    decay_type: str, warmup_type: str, warmup: int, stable: int, decay: int, min_lr_ratio: float
) -> None:
    lr = 3e-4
    expected = transformers_wsd(
        lr,
        warmup + stable + decay + 20,
        num_warmup_steps=warmup,
        num_stable_steps=stable,
        num_decay_steps=decay,
        warmup_type=warmup_type,
        decay_type=decay_type,
        min_lr_ratio=min_lr_ratio,
    )
    s = WarmupStableDecay(
        peak_lr=lr,
        min_lr=min_lr_ratio * lr,
        start_lr=min_lr_ratio * lr,
        warmup_steps=warmup,
        total_steps=warmup + stable + decay,
        decay_steps=decay,
        decay_shape=decay_type,
        warmup_shape=warmup_type,
    )
    assert_matches(s, expected, lr)


@pytest.mark.parametrize("decay_type", ["linear", "cosine", "1-sqrt"])
def test_WarmupStableDecay_fraction_matches_transformers_training_steps(decay_type: str) -> None:
    # transformers derives the plateau from num_training_steps, as decay_fraction does here.
    lr, total = 1e-3, 1000
    s = WarmupStableDecay(
        peak_lr=lr,
        min_lr=0.0,
        start_lr=0.0,
        warmup_steps=100,
        total_steps=total,
        decay_fraction=0.2,
        decay_shape=decay_type,
    )
    expected = transformers_wsd(
        lr,
        total + 10,
        num_warmup_steps=100,
        num_decay_steps=s.decay_length,
        num_training_steps=total,
        decay_type=decay_type,
    )
    assert s.decay_length == 200
    assert_matches(s, expected, lr)


# The migration table: optax and transformers warmup + cosine, optax interpolation ------

# optax computes in float32 unless JAX's x64 mode is on (a global switch left alone here).
FLOAT32 = 2e-6


@pytest.mark.parametrize(("warmup", "total"), [(10, 100), (1, 50), (30, 31)])
def test_Warmup_then_Cosine_is_optax_warmup_cosine_decay(warmup: int, total: int) -> None:
    optax = need("optax")
    reference = optax.warmup_cosine_decay_schedule(
        init_value=1e-4, peak_value=1e-2, warmup_steps=warmup, decay_steps=total, end_value=1e-3
    )
    s = Warmup(steps=warmup, start_lr=1e-4) >> Cosine(
        base_lr=1e-2, min_lr=1e-3, total_steps=total - warmup
    )
    expected = [float(reference(k)) for k in range(total + 20)]
    assert_matches(s, expected, 1e-2, rel_tol=FLOAT32)


@pytest.mark.parametrize(("warmup", "total"), [(10, 100), (0, 40), (25, 26)])
def test_Warmup_then_Cosine_is_transformers_cosine_with_warmup(warmup: int, total: int) -> None:
    transformers = need("transformers")
    lr = 5e-4
    opt = optimizer(lr)
    scheduler = transformers.get_cosine_schedule_with_warmup(
        opt, num_warmup_steps=warmup, num_training_steps=total
    )
    cosine = Cosine(base_lr=lr, min_lr=0.0, total_steps=total - warmup)
    s = Warmup(steps=warmup, start_lr=0.0) >> cosine if warmup else cosine
    # Only up to `total`: past it transformers' cosine climbs back up (documented).
    assert_matches(s, reference_rates(scheduler, opt, total + 1), lr)


@pytest.mark.parametrize("shape", ["linear", "cosine"])
def test_Interpolate_is_optax_piecewise_interpolate(shape: str) -> None:
    optax = need("optax")
    v, scales = 0.1, {10: 5.0, 25: 0.1, 40: 0.5}
    reference = optax.piecewise_interpolate_schedule(shape, v, scales)
    s = Interpolate(
        points=((0, v), (10, v * 5.0), (25, v * 5.0 * 0.1), (40, v * 5.0 * 0.1 * 0.5)), shape=shape
    )
    expected = [float(reference(k)) for k in range(60)]
    assert_matches(s, expected, 0.5, rel_tol=FLOAT32)
