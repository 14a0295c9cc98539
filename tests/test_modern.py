"""Cyclic, Noam, Decay, WarmupStableDecay, Interpolate and shaped warmups.

Expected values come from closed forms written out here, independently of the
evaluators (which use other arithmetic: integer cycle offsets, compiled closures).
"""

from __future__ import annotations

import math
import pickle
import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import lrsched
from lrsched import (
    CompositionError,
    Constant,
    Cosine,
    Cyclic,
    Decay,
    Interpolate,
    Linear,
    Noam,
    ParameterTypeError,
    ParameterValueError,
    Schedule,
    Warmup,
    WarmupStableDecay,
    value_range,
)
from strategies import (
    cyclics,
    decays,
    interpolates,
    noams,
    positive_rates,
    steps,
    warmup_stable_decays,
)

NAMESPACE = vars(lrsched)
GOLDEN = Path(__file__).parent / "golden"


def close(a: float, b: float, scale: float = 1.0) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15 * max(1.0, scale))


def round_trips(s: Schedule) -> None:
    assert eval(repr(s), dict(NAMESPACE)) == s
    assert pickle.loads(pickle.dumps(s)) == s


# Cyclic ----------------------------------------------------------------------------------


def smith_triangle(k: int, up: int, down: int) -> float:
    """Smith's float formulation, as in his paper and torch: cycle and x from k / C."""
    size = up + down
    cycle = math.floor(1 + k / size)
    x = 1.0 + k / size - cycle
    ratio = up / size
    return x / ratio if x <= ratio else (x - 1) / (ratio - 1)


def test_Cyclic_triangular_values() -> None:
    s = Cyclic(base_lr=0.1, max_lr=1.0, step_size_up=4, step_size_down=2)
    expected = [0.1, 0.325, 0.55, 0.775, 1.0, 0.55, 0.1, 0.325]
    assert all(close(s(k), v) for k, v in enumerate(expected))
    assert s(0) == 0.1
    assert s(4) == s(10) == s(4 + 6 * 1000) == 1.0
    assert s(6) == s(12) == 0.1
    assert s.duration is None
    round_trips(s)


@pytest.mark.parametrize("mode", ["triangular", "triangular2", "exp_range"])
@pytest.mark.parametrize(("up", "down"), [(5, 5), (3, 7), (8, 1), (1, 1)])
def test_Cyclic_matches_the_closed_form(mode: str, up: int, down: int) -> None:
    gamma = 0.97 if mode == "exp_range" else 1.0
    s = Cyclic(
        base_lr=0.01, max_lr=0.5, step_size_up=up, step_size_down=down, mode=mode, gamma=gamma
    )
    for k in range(200):
        cycle = math.floor(1 + k / (up + down))
        scale = {"triangular": 1.0, "triangular2": 1 / 2.0 ** (cycle - 1), "exp_range": gamma**k}
        expected = 0.01 + (0.5 - 0.01) * smith_triangle(k, up, down) * scale[mode]
        assert close(s(k), expected), (k, s(k), expected)


def test_Cyclic_peaks_at_step_size_up_every_cycle() -> None:
    up, down = 7, 3
    s = Cyclic(base_lr=0.0, max_lr=2.0, step_size_up=up, step_size_down=down)
    for cycle in range(50):
        start = cycle * (up + down)
        values = [s(start + t) for t in range(up + down)]
        assert max(values) == values[up] == 2.0
        assert values[0] == 0.0


def test_Cyclic_triangular2_halves_the_amplitude_each_cycle() -> None:
    up, down = 4, 6
    s = Cyclic(base_lr=0.1, max_lr=0.9, step_size_up=up, step_size_down=down, mode="triangular2")
    peaks = [s(c * (up + down) + up) for c in range(12)]
    for c, peak in enumerate(peaks):
        assert close(peak, 0.1 + 0.8 / 2**c)
    for a, b in pairwise(peaks):
        assert close(b - 0.1, (a - 0.1) / 2)
    # Far cycles underflow the scale to 0 rather than overflow 2 ** cycle.
    assert s(10**7 * (up + down) + up) == 0.1


def test_Cyclic_exp_range_scales_per_step() -> None:
    s = Cyclic(base_lr=0.0, max_lr=1.0, step_size_up=2, mode="exp_range", gamma=0.5)
    assert s.step_size_down == 2
    assert [s(k) for k in range(5)] == [0.0, 0.5 * 0.5, 1.0 * 0.25, 0.5 * 0.125, 0.0]


def test_Cyclic_defaults_and_inverted_wave() -> None:
    assert Cyclic(base_lr=0.1, max_lr=1.0, step_size_up=3) == Cyclic(
        base_lr=0.1, max_lr=1.0, step_size_up=3, step_size_down=3, mode="triangular", gamma=1.0
    )
    inverted = Cyclic(base_lr=1.0, max_lr=0.2, step_size_up=2)
    assert all(close(inverted(k), v) for k, v in enumerate([1.0, 0.6, 0.2, 0.6, 1.0]))
    low, high = value_range(inverted)
    # Exact up to the rounding slack that value_range adds.
    assert 0.2 - 1e-14 < low <= 0.2
    assert 1.0 <= high < 1.0 + 1e-14


@given(cyclics, steps)
def test_Cyclic_repeats_its_cycle_scaled_by_the_mode(s: Cyclic, k: int) -> None:
    assert s.step_size_down is not None  # filled in from step_size_up when not given
    size = s.step_size_up + s.step_size_down
    # One cycle later the wave is the same, scaled by 1, 1/2 or gamma ** size.
    factor = {"triangular": 1.0, "triangular2": 0.5, "exp_range": s.gamma**size}[s.mode]
    if s.mode == "triangular":
        assert s(k + size) == s(k)
    scale = max(abs(s.max_lr), abs(s.base_lr))
    assert close(s(k + size) - s.base_lr, (s(k) - s.base_lr) * factor, scale)


# Noam ------------------------------------------------------------------------------------


def test_Noam_values_and_peak() -> None:
    s = Noam(d_model=512, warmup_steps=4000)
    assert close(s(0), 512**-0.5 * 4000**-1.5)
    assert close(s(1), 2 * 512**-0.5 * 4000**-1.5)
    peak = (512 * 4000) ** -0.5
    assert close(s(3999), peak)
    assert close(s.peak_lr, peak)
    assert s(3998) < s(3999) > s(4000)
    assert close(s(4 * 4000 - 1), peak / 2)
    assert close(s(10**12), 512**-0.5 * (10**12 + 1) ** -0.5)
    low, high = value_range(s)
    assert low == 0.0
    assert s.peak_lr <= high < s.peak_lr * (1 + 1e-14)


def test_Noam_range_holds_the_step_after_a_huge_warmup() -> None:
    # With W near 2**53, (W + 1) ** -0.5 rounds an ulp above the peak's W * W ** -1.5.
    s = Noam(d_model=7576, warmup_steps=8967537331016185, scale=2.8176418553013103)
    low, high = value_range(s)
    assert low <= s(8967537331016185) <= high
    assert s.duration is None
    round_trips(s)


def test_Noam_scale_multiplies() -> None:
    base = Noam(d_model=64, warmup_steps=10)
    scaled = Noam(d_model=64, warmup_steps=10, scale=2.0)
    assert all(close(scaled(k), 2.0 * base(k)) for k in range(50))


@given(noams)
def test_Noam_rises_then_falls(s: Noam) -> None:
    w = s.warmup_steps
    ks = sorted(k for k in {0, 1, w // 2, w - 2, w - 1, w, w + 1, 2 * w, 10 * w} if k >= 0)
    values = [s(k) for k in ks]
    peak = values.index(max(values))
    assert ks[peak] == w - 1 or math.isclose(values[peak], s(w - 1), rel_tol=1e-15)
    assert all(b >= a for a, b in pairwise(values[: peak + 1]))
    assert all(b <= a for a, b in pairwise(values[peak:]))


# Decay -----------------------------------------------------------------------------------


def test_Decay_cosine_is_Cosine_exactly() -> None:
    decay = Decay(base_lr=1e-3, end_lr=1e-5, steps=900, shape="cosine")
    cosine = Cosine(base_lr=1e-3, min_lr=1e-5, total_steps=900)
    assert [decay(k) for k in range(1000)] == [cosine(k) for k in range(1000)]


def test_Decay_linear_is_Linear_to_rounding() -> None:
    decay = Decay(base_lr=0.3, end_lr=0.01, steps=70, shape="linear")
    line = Linear(base_lr=0.3, end_lr=0.01, total_steps=70)
    assert all(close(decay(k), line(k)) for k in range(100))


def test_Decay_one_minus_sqrt_values() -> None:
    s = Decay(base_lr=1.0, end_lr=0.2, steps=100, shape="1-sqrt")
    assert s(0) == 1.0
    assert close(s(25), 0.2 + 0.8 * (1 - 0.5))
    assert close(s(64), 0.2 + 0.8 * (1 - 0.8))
    assert s(100) == s(1000) == 0.2
    # Steep at the start, flat at the end: the first step drops most.
    assert s(0) - s(1) > s(99) - s(100) > 0
    assert s.duration == 100
    round_trips(s)


@given(decays, steps)
def test_Decay_is_monotone_and_ends_at_end_lr(s: Decay, k: int) -> None:
    assert s(s.steps + k) == s.end_lr
    if s.base_lr >= s.end_lr:
        assert s(k + 1) <= s(k) + 1e-15
    else:
        assert s(k + 1) >= s(k) - 1e-15


# WarmupStableDecay -----------------------------------------------------------------------


def wsd_closed_form(
    k: int, peak: float, low: float, start: float, w: int, s: int, d: int, shape: str
) -> float:
    if k < w:
        return start + (peak - start) * k / w
    if k < w + s:
        return peak
    p = min(k - w - s, d) / d
    g = {"linear": 1 - p, "cosine": (1 + math.cos(math.pi * p)) / 2, "1-sqrt": 1 - math.sqrt(p)}
    return low + (peak - low) * g[shape]


@pytest.mark.parametrize("shape", ["linear", "cosine", "1-sqrt"])
def test_WarmupStableDecay_matches_the_closed_form(shape: str) -> None:
    s = WarmupStableDecay(
        peak_lr=3e-4,
        min_lr=3e-5,
        start_lr=0.0,
        warmup_steps=50,
        total_steps=1000,
        decay_steps=200,
        decay_shape=shape,
    )
    assert s.stable_steps == 750
    for k in range(1100):
        expected = wsd_closed_form(k, 3e-4, 3e-5, 0.0, 50, 750, 200, shape)
        assert close(s(k), expected, 3e-4), (k, s(k), expected)
    assert all(s(k) == 3e-4 for k in range(50, 800))
    assert s(1000) == s(5000) == 3e-5
    assert s.duration == 1000


@pytest.mark.parametrize("decay_shape", ["linear", "cosine", "1-sqrt"])
@pytest.mark.parametrize("warmup_shape", ["linear", "cosine", "1-sqrt", "exponential"])
@pytest.mark.parametrize(("w", "s", "d"), [(10, 30, 20), (0, 30, 20), (10, 0, 20), (0, 0, 5)])
def test_WarmupStableDecay_is_its_operator_form(
    decay_shape: str, warmup_shape: str, w: int, s: int, d: int
) -> None:
    node = WarmupStableDecay(
        peak_lr=1.0,
        min_lr=0.1,
        start_lr=0.01,
        warmup_steps=w,
        total_steps=w + s + d,
        decay_steps=d,
        decay_shape=decay_shape,
        warmup_shape=warmup_shape,
    )
    decay = Decay(base_lr=1.0, end_lr=0.1, steps=d, shape=decay_shape)
    warmup = Warmup(steps=max(w, 1), start_lr=0.01, shape=warmup_shape)
    if w and s:
        form: Schedule = warmup >> Constant(lr=1.0)[:s] | decay
    elif s:
        form = Constant(lr=1.0)[:s] | decay
    elif w:
        form = warmup >> decay
    else:
        form = decay
    assert node.expand() == form
    assert [node(k) for k in range(w + s + d + 10)] == [form(k) for k in range(w + s + d + 10)]
    assert value_range(node) == value_range(form)
    round_trips(node)


def test_WarmupStableDecay_decay_fraction() -> None:
    s = WarmupStableDecay(
        peak_lr=1.0,
        min_lr=0.0,
        start_lr=0.0,
        warmup_steps=2,
        total_steps=10,
        decay_fraction=0.25,
        decay_shape="linear",
    )
    assert s.decay_length == 2  # round(2.5) is 2: Python rounds half to even
    assert s.stable_steps == 6
    assert [s(k) for k in range(11)] == [0.0, 0.5] + [1.0] * 7 + [0.5, 0.0]
    assert "decay_steps" not in repr(s)
    assert "warmup_shape" not in repr(s)
    round_trips(s)


def test_WarmupStableDecay_repr_names_what_was_given() -> None:
    s = WarmupStableDecay(
        peak_lr=1.0,
        min_lr=0.0,
        start_lr=0.1,
        warmup_steps=2,
        total_steps=10,
        decay_steps=3,
        decay_shape="1-sqrt",
        warmup_shape="exponential",
    )
    assert repr(s) == (
        "WarmupStableDecay(peak_lr=1.0, min_lr=0.0, start_lr=0.1, warmup_steps=2, "
        "total_steps=10, decay_steps=3, decay_shape='1-sqrt', warmup_shape='exponential')"
    )
    round_trips(s)


@given(warmup_stable_decays())
def test_WarmupStableDecay_plateau_and_end(s: WarmupStableDecay) -> None:
    w, plateau = s.warmup_steps, s.stable_steps
    assert all(s(k) == s.peak_lr for k in range(w, w + plateau))
    assert s(s.total_steps) == s(s.total_steps + 1) == s.min_lr
    decay = [s(k) for k in range(w + plateau, s.total_steps + 1)]
    sign = 1 if s.peak_lr >= s.min_lr else -1
    assert all(sign * (a - b) >= -1e-15 for a, b in pairwise(decay))


# Shaped warmups --------------------------------------------------------------------------


def test_Warmup_shape_is_left_out_of_repr_and_pickles_when_linear() -> None:
    plain = Warmup(steps=10, start_lr=0.0)
    assert repr(plain) == "Warmup(steps=10, start_lr=0.0)"
    assert plain == Warmup(steps=10, start_lr=0.0, shape="linear")
    assert b"shape" not in pickle.dumps(plain)
    shaped = Warmup(steps=10, start_lr=0.0, shape="cosine")
    assert repr(shaped) == "Warmup(steps=10, start_lr=0.0, shape='cosine')"
    assert shaped != plain
    for w in (plain, shaped):
        assert eval(repr(w), dict(NAMESPACE)) == w
        assert pickle.loads(pickle.dumps(w)) == w


def test_golden_warmups_load_as_linear() -> None:
    data = pickle.loads((GOLDEN / "v0.2.0.pkl").read_bytes())
    warmups = [s.warmup for s, _, _ in data["records"] if isinstance(s, lrsched.WithWarmup)]
    warmups += [
        s.phases[0].warmup
        for s, _, _ in data["records"]
        if isinstance(s, lrsched.Phases) and isinstance(s.phases[0], lrsched.WithWarmup)
    ]
    assert warmups
    assert all(w.shape == "linear" for w in warmups)


@pytest.mark.parametrize(
    ("shape", "k", "expected"),
    [
        ("linear", 50, 0.55),
        ("cosine", 50, 0.55),
        ("cosine", 25, 0.1 + 0.9 * (1 - math.cos(math.pi / 4)) / 2),
        ("1-sqrt", 75, 0.1 + 0.9 * 0.5),
        ("1-sqrt", 64, 0.1 + 0.9 * 0.4),
        ("exponential", 50, math.sqrt(0.1 * 1.0)),
        ("exponential", 25, 0.1 * 10**0.25),
    ],
)
def test_Warmup_shapes_values(shape: str, k: int, expected: float) -> None:
    s = Warmup(steps=100, start_lr=0.1, shape=shape) >> Constant(lr=1.0)
    assert close(s(k), expected)
    assert s(0) == 0.1
    assert s(100) == 1.0


@pytest.mark.parametrize("shape", ["linear", "cosine", "1-sqrt", "exponential"])
def test_Warmup_shapes_end_exactly_at_the_next_first_value(shape: str) -> None:
    target = Cosine(base_lr=0.7, min_lr=0.0, total_steps=10)
    s = Warmup(steps=9, start_lr=0.05, shape=shape) >> target
    assert s(9) == target(0)
    ramp = [s(k) for k in range(10)]
    assert all(b > a for a, b in pairwise(ramp))
    assert ramp[-2] < target(0)
    down = Warmup(steps=9, start_lr=2.0, shape=shape) >> target
    assert all(b < a for a, b in pairwise(down(k) for k in range(10)))


@given(
    st.sampled_from(["linear", "cosine", "1-sqrt", "exponential"]),
    positive_rates,
    st.one_of(positive_rates, st.floats(min_value=-1e-12, max_value=1e-12)),
    st.integers(min_value=1, max_value=3_000),
)
def test_Warmup_shapes_are_monotone_and_never_overshoot(
    shape: str, start: float, target: float, steps: int
) -> None:
    # A target within a few ulps of the start is the hard case for rounding.
    if abs(target) <= 1e-12:
        target = start * (1.0 + target)
    s = Warmup(steps=steps, start_lr=start, shape=shape) >> Constant(lr=target)
    ramp = [s(k) for k in range(steps + 1)]
    assert ramp[0] == start
    assert ramp[-1] == target
    assert all(min(start, target) <= v <= max(start, target) for v in ramp)
    sign = 1 if target >= start else -1
    assert all(sign * (b - a) >= 0 for a, b in pairwise(ramp))


def test_exponential_warmup_with_a_target_an_ulp_away_ends_at_it() -> None:
    s = Warmup(steps=1286, start_lr=8.851928493496999, shape="exponential") >> 8.85192849349801
    assert max(s(k) for k in range(1287)) == 8.85192849349801


def test_exponential_warmup_needs_positive_rates() -> None:
    with pytest.raises(ParameterValueError, match=r"start_lr must be > 0 for shape='exponential'"):
        Warmup(steps=5, start_lr=0.0, shape="exponential")
    w = Warmup(steps=5, start_lr=0.1, shape="exponential")
    with pytest.raises(CompositionError, match="needs a schedule that starts above 0"):
        w >> Linear(base_lr=0.0, end_lr=1.0, total_steps=3)
    with pytest.raises(CompositionError, match="beyond the float range"):
        Warmup(steps=5, start_lr=1e-300, shape="exponential") >> 1e10
    # Just inside the float range, the ramp stays finite.
    wide = Warmup(steps=5, start_lr=1e-300, shape="exponential") >> 1e7
    assert all(math.isfinite(wide(k)) for k in range(6))


# Interpolate -----------------------------------------------------------------------------


def test_Interpolate_linear_values() -> None:
    # Lists are accepted and stored as tuples, so equal inputs give equal values.
    s = Interpolate(points=[[0, 0.0], (10, 1.0), (30, 0.5)], shape="linear")  # type: ignore[arg-type]
    assert s.points == ((0, 0.0), (10, 1.0), (30, 0.5))
    assert [s(k) for k in (0, 5, 10, 20, 30, 31, 1000)] == [0.0, 0.5, 1.0, 0.75, 0.5, 0.5, 0.5]
    assert s.duration == 30
    low, high = value_range(s)
    assert low == 0.0
    assert 1.0 <= high < 1.0 + 1e-14
    round_trips(s)


def test_Interpolate_cosine_values() -> None:
    s = Interpolate(points=((0, 1.0), (4, 0.0), (5, 0.2)), shape="cosine")
    expected = [1.0, 0.5 + 0.5 * math.cos(math.pi / 4), 0.5, 0.5 - 0.5 * math.cos(math.pi / 4)]
    assert all(close(s(k), v) for k, v in enumerate(expected))
    assert s(4) == 0.0
    assert s(5) == s(6) == 0.2


@given(interpolates, steps)
def test_Interpolate_stays_between_neighbouring_points(s: Interpolate, k: int) -> None:
    last, end = s.points[-1]
    if k >= last:
        assert s(k) == end
    for (a, va), (b, vb) in pairwise(s.points):
        if a <= k <= b:
            lo, hi = min(va, vb), max(va, vb)
            assert lo - 1e-15 <= s(k) <= hi + 1e-15
    for step, value in s.points:
        assert s(step) == value


# Validation ------------------------------------------------------------------------------

WSD: dict[str, Any] = {
    "peak_lr": 1.0,
    "min_lr": 0.0,
    "start_lr": 0.0,
    "warmup_steps": 2,
    "total_steps": 10,
    "decay_steps": 3,
    "decay_shape": "linear",
}
CYCLIC: dict[str, Any] = {"base_lr": 0.1, "max_lr": 1.0, "step_size_up": 4}

BAD: list[tuple[type, dict[str, Any], type[Exception], str]] = [
    (Cyclic, {**CYCLIC, "mode": "tri"}, ParameterValueError, "mode must be one of 'triangular'"),
    (Cyclic, {**CYCLIC, "mode": 1}, ParameterTypeError, "mode must be one of .* got 1 .int."),
    (Cyclic, {**CYCLIC, "gamma": 0.9}, ParameterValueError, "gamma is used only by mode='exp_r"),
    (Cyclic, {**CYCLIC, "mode": "exp_range", "gamma": 1.5}, ParameterValueError, r"\(0, 1\]"),
    (Cyclic, {**CYCLIC, "step_size_up": 0}, ParameterValueError, "step_size_up must be an int"),
    (Cyclic, {**CYCLIC, "step_size_down": 2.0}, ParameterTypeError, "step_size_down must be"),
    (Cyclic, {**CYCLIC, "max_lr": -1.0}, ParameterValueError, "max_lr must be >= 0"),
    (Noam, {"d_model": 0, "warmup_steps": 4}, ParameterValueError, "d_model must be an int"),
    (Noam, {"d_model": 8, "warmup_steps": 0}, ParameterValueError, "warmup_steps must be an"),
    (Noam, {"d_model": 8, "warmup_steps": 4, "scale": 0.0}, ParameterValueError, "scale must"),
    (Decay, {"base_lr": 1.0, "end_lr": 0.0, "steps": 5, "shape": "cos"}, ParameterValueError,
     "shape must be one of 'linear', 'cosine', '1-sqrt', got 'cos'"),
    (Decay, {"base_lr": 1.0, "end_lr": 0.0, "steps": 0, "shape": "linear"}, ParameterValueError,
     "steps must be an int >= 1"),
    (Warmup, {"steps": 5, "start_lr": 0.0, "shape": "sqrt"}, ParameterValueError,
     "shape must be one of 'linear', 'cosine', 'exponential', '1-sqrt', got 'sqrt'"),
    (Warmup, {"steps": 5, "start_lr": 0.0, "shape": None}, ParameterTypeError, "shape must be"),
    (WarmupStableDecay, {**WSD, "decay_fraction": 0.2}, ParameterTypeError,
     "exactly one of decay_steps and decay_fraction"),
    (WarmupStableDecay, {**WSD, "decay_steps": None}, ParameterTypeError,
     "exactly one of decay_steps and decay_fraction"),
    (WarmupStableDecay, {**WSD, "decay_steps": None, "decay_fraction": 1.5}, ParameterValueError,
     r"decay_fraction must be in \(0, 1\], got 1.5"),
    (WarmupStableDecay, {**WSD, "decay_steps": None, "decay_fraction": "0.5"},
     ParameterTypeError, "decay_fraction must be a real number"),
    (WarmupStableDecay, {**WSD, "decay_steps": None, "decay_fraction": 0.01},
     ParameterValueError, "rounds to 0 decay steps"),
    (WarmupStableDecay, {**WSD, "decay_steps": 9}, ParameterValueError,
     r"warmup_steps \+ decay steps must be <= total_steps, got 2 \+ 9 > 10"),
    (WarmupStableDecay, {**WSD, "warmup_steps": -1}, ParameterValueError,
     "warmup_steps must be an int >= 0"),
    (WarmupStableDecay, {**WSD, "decay_shape": "exponential"}, ParameterValueError,
     "decay_shape must be one of"),
    (WarmupStableDecay, {**WSD, "warmup_shape": "exponential"}, ParameterValueError,
     "start_lr and peak_lr must be > 0 for warmup_shape='exponential'"),
    (WarmupStableDecay, {**WSD, "start_lr": 1e-300, "peak_lr": 1e10, "warmup_shape":
     "exponential"}, CompositionError, "beyond the float range"),
    (Interpolate, {"points": ((0, 1.0),), "shape": "linear"}, ParameterValueError,
     "at least two"),
    (Interpolate, {"points": ((1, 1.0), (2, 0.0)), "shape": "linear"}, ParameterValueError,
     "points must start at step 0"),
    (Interpolate, {"points": ((0, 1.0), (5, 0.0), (5, 0.1)), "shape": "linear"},
     ParameterValueError, "strictly increasing, got 5 after 5"),
    (Interpolate, {"points": ((0, 1.0), (-5, 0.0)), "shape": "linear"}, ParameterValueError,
     "points step must be an int >= 0"),
    (Interpolate, {"points": ((0, 1.0), (5.0, 0.0)), "shape": "linear"}, ParameterTypeError,
     "points step must be an int"),
    (Interpolate, {"points": ((0, 1.0), (5, -1.0)), "shape": "linear"}, ParameterValueError,
     "points lr must be >= 0"),
    (Interpolate, {"points": ((0, 1.0), (5, 0.0, 1)), "shape": "linear"}, ParameterValueError,
     r"each of points must be a \(step, lr\) pair"),
    (Interpolate, {"points": ((0, 1.0), 5), "shape": "linear"}, ParameterTypeError,
     r"each of points must be a \(step, lr\) pair, got 5"),
    (Interpolate, {"points": "0,1", "shape": "linear"}, ParameterTypeError,
     "points must be a sequence"),
    (Interpolate, {"points": ((0, 1.0), (5, 0.0)), "shape": "1-sqrt"}, ParameterValueError,
     "shape must be one of 'linear', 'cosine', got '1-sqrt'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("cls", "params", "error", "message"),
    BAD,
    ids=[f"{cls.__name__}-{i}" for i, (cls, *_) in enumerate(BAD)],
)
def test_bad_parameters_are_named(
    cls: type, params: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        cls(**params)


@given(st.one_of(cyclics, noams, decays, warmup_stable_decays(), interpolates), steps)
def test_new_nodes_are_finite_and_inside_their_range(s: Schedule, k: int) -> None:
    low, high = value_range(s)
    value = s(k)
    assert math.isfinite(value)
    assert low <= value <= high


def test_new_nodes_are_published_under_lrsched() -> None:
    for cls in (Cyclic, Noam, Decay, WarmupStableDecay, Interpolate):
        assert cls.__module__ == "lrsched"
        assert cls.__name__ in lrsched.__all__
    data = pickle.dumps(Decay(base_lr=1.0, end_lr=0.0, steps=3, shape="cosine"))
    assert b"_wsd" not in data


# The value tables of docs/schedules-modern.md ---------------------------------------------

DOC = Path(__file__).parent.parent / "docs" / "schedules-modern.md"


def doc_tables() -> list[tuple[list[str], list[list[str]]]]:
    """Tables whose first column is ``step``: (schedule expressions, rows of cells)."""
    tables, lines = [], DOC.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("| step |"):
            header = [cell.strip().strip("`") for cell in line.strip("|").split("|")][1:]
            rows = []
            for row in lines[i + 2 :]:
                if not row.startswith("|"):
                    break
                rows.append([cell.strip() for cell in row.strip("|").split("|")])
            tables.append((header, rows))
    return tables


def test_doc_value_tables_are_the_library_values() -> None:
    tables = doc_tables()
    assert len(tables) >= 6
    for expressions, rows in tables:
        schedules = [eval(text, dict(NAMESPACE)) for text in expressions]
        assert rows
        for step, *values in rows:
            assert len(values) == len(schedules)
            for s, value in zip(schedules, values, strict=True):
                # The tables print 6 significant digits.
                assert math.isclose(float(value), s(int(step)), rel_tol=5e-6, abs_tol=1e-12), (
                    f"{s!r} at step {step}: doc {value}, library {s(int(step))!r}"
                )


HUGE = 10**5000


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: Interpolate(points=((0, 1.0), (HUGE,)), shape="linear"),  # type: ignore[arg-type]
            "a (step, lr) pair, got 1 values: a tuple that cannot be shown",
        ),
        (
            lambda: Interpolate(points=((0, 1.0), HUGE), shape="linear"),  # type: ignore[arg-type]
            "a (step, lr) pair, got an int of 5001 digits",
        ),
        (
            lambda: Interpolate(points=((0, 1.0), (HUGE, 1.0, 2.0)), shape="linear"),  # type: ignore[arg-type]
            "a (step, lr) pair, got 3 values",
        ),
        (
            lambda: WarmupStableDecay(
                peak_lr=1.0,
                min_lr=0.0,
                start_lr=0.0,
                warmup_steps=0,
                total_steps=10,
                decay_steps=HUGE,
                decay_fraction=0.5,
                decay_shape="linear",
            ),
            "decay_steps=an int of 5001 digits, decay_fraction=0.5",
        ),
    ],
)
def test_class7_a_huge_int_in_a_message_is_never_formatted(build: Any, message: str) -> None:
    # Issue 8, class 7: str() of an int past 4300 digits is a bare ValueError.
    with pytest.raises(lrsched.ScheduleError, match=re.escape(message)):
        build()
