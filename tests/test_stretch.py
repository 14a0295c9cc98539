"""Stretching: ``s.stretch(factor)`` and ``s.stretch_to(n)``, the same curve over a
longer or shorter run, with exact durations."""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lrsched import (
    Bounded,
    CompositionError,
    Constant,
    Cosine,
    CosineRestarts,
    Cyclic,
    Decay,
    Exponential,
    Interpolate,
    InverseSqrt,
    Linear,
    MultiStep,
    Noam,
    OneCycle,
    ParameterTypeError,
    ParameterValueError,
    Polynomial,
    Schedule,
    ScheduleError,
    Shifted,
    StepDecay,
    Sum,
    Warmup,
    WarmupCosine,
    WarmupStableDecay,
    evaluate,
    from_dict,
    parse,
)
from strategies import nodes_in, steps, trees

COS = Cosine(base_lr=1.0, min_lr=0.0, total_steps=100)


@pytest.mark.parametrize(
    ("s", "factor", "expected"),
    [
        (Constant(lr=0.5), 3, Constant(lr=0.5)),
        (COS, 2, Cosine(base_lr=1.0, min_lr=0.0, total_steps=200)),
        (COS, 0.5, Cosine(base_lr=1.0, min_lr=0.0, total_steps=50)),
        (
            Linear(base_lr=1.0, end_lr=0.0, total_steps=10),
            1.25,
            Linear(base_lr=1.0, end_lr=0.0, total_steps=12),  # 12.5 rounds half to even
        ),
        (
            Polynomial(base_lr=1.0, end_lr=0.0, total_steps=10, power=2.0),
            3,
            Polynomial(base_lr=1.0, end_lr=0.0, total_steps=30, power=2.0),
        ),
        (
            StepDecay(base_lr=1.0, gamma=0.5, step_size=30),
            3,
            StepDecay(base_lr=1.0, gamma=0.5, step_size=90),
        ),
        (
            MultiStep(base_lr=1.0, milestones=(30, 80), gamma=0.1),
            1.5,
            MultiStep(base_lr=1.0, milestones=(45, 120), gamma=0.1),
        ),
        (
            Exponential(base_lr=1.0, gamma=0.81),
            2,
            Exponential(base_lr=1.0, gamma=0.9),
        ),
        (
            CosineRestarts(base_lr=1.0, min_lr=0.0, period=10, t_mult=2),
            3,
            CosineRestarts(base_lr=1.0, min_lr=0.0, period=30, t_mult=2),
        ),
        (
            InverseSqrt(base_lr=1.0, warmup_steps=100),
            4,
            InverseSqrt(base_lr=1.0, warmup_steps=400),
        ),
        (
            Noam(d_model=512, warmup_steps=400),
            4,
            Noam(d_model=512, warmup_steps=1600, scale=2.0),
        ),
        (
            OneCycle(max_lr=1.0, total_steps=100, pct_start=0.3, initial_div=25.0, final_div=1e4),
            10,
            OneCycle(max_lr=1.0, total_steps=1000, pct_start=0.3, initial_div=25.0, final_div=1e4),
        ),
        (
            Cyclic(base_lr=0.1, max_lr=1.0, step_size_up=4, step_size_down=6),
            2.5,
            Cyclic(base_lr=0.1, max_lr=1.0, step_size_up=10, step_size_down=15),
        ),
        (
            Cyclic(base_lr=0.1, max_lr=1.0, step_size_up=5, mode="exp_range", gamma=0.25),
            2,
            Cyclic(base_lr=0.1, max_lr=1.0, step_size_up=10, mode="exp_range", gamma=0.5),
        ),
        (
            Decay(base_lr=1.0, end_lr=0.0, steps=20, shape="1-sqrt"),
            5,
            Decay(base_lr=1.0, end_lr=0.0, steps=100, shape="1-sqrt"),
        ),
        (
            Interpolate(points=((0, 0.0), (10, 1.0), (25, 0.1)), shape="linear"),
            2,
            Interpolate(points=((0, 0.0), (20, 1.0), (50, 0.1)), shape="linear"),
        ),
        (
            WarmupCosine(peak_lr=1.0, min_lr=0.0, start_lr=0.0, warmup_steps=10, total_steps=100),
            3,
            WarmupCosine(peak_lr=1.0, min_lr=0.0, start_lr=0.0, warmup_steps=30, total_steps=300),
        ),
        (
            WarmupStableDecay(
                peak_lr=1.0,
                min_lr=0.0,
                start_lr=0.0,
                warmup_steps=10,
                total_steps=100,
                decay_steps=20,
                decay_shape="1-sqrt",
            ),
            2.5,
            WarmupStableDecay(
                peak_lr=1.0,
                min_lr=0.0,
                start_lr=0.0,
                warmup_steps=25,
                total_steps=250,
                decay_steps=50,
                decay_shape="1-sqrt",
            ),
        ),
        (
            WarmupStableDecay(
                peak_lr=1.0,
                min_lr=0.0,
                start_lr=0.0,
                warmup_steps=0,
                total_steps=100,
                decay_fraction=0.2,
                decay_shape="linear",
            ),
            3,
            WarmupStableDecay(
                peak_lr=1.0,
                min_lr=0.0,
                start_lr=0.0,
                warmup_steps=0,
                total_steps=300,
                decay_fraction=0.2,
                decay_shape="linear",
            ),
        ),
        (
            Warmup(steps=10, start_lr=0.0, shape="cosine") >> COS | 0.1,
            2,
            Warmup(steps=20, start_lr=0.0, shape="cosine")
            >> Cosine(base_lr=1.0, min_lr=0.0, total_steps=200)
            | 0.1,
        ),
        (COS[:30] | COS[40:] * 2.0, 3, COS.stretch(3)[:90] | COS.stretch(3)[120:] * 2.0),
        (COS[20:50], 2, Cosine(base_lr=1.0, min_lr=0.0, total_steps=200)[40:100]),
    ],
)
def test_stretching_scales_every_count(s: Schedule, factor: float, expected: Schedule) -> None:
    assert s.stretch(factor) == expected


def test_a_decay_fraction_that_would_round_elsewhere_becomes_decay_steps() -> None:
    # A quarter of 10 steps rounds to 2 (half to even); of 20, to 5, not twice 2.
    wsd = WarmupStableDecay(
        peak_lr=1.0,
        min_lr=0.0,
        start_lr=0.0,
        warmup_steps=3,
        total_steps=10,
        decay_fraction=0.25,
        decay_shape="linear",
    )
    longer = wsd.stretch(2)
    assert longer == replace(
        wsd, warmup_steps=6, total_steps=20, decay_fraction=None, decay_steps=4
    )
    assert [longer(2 * k) for k in range(12)] == [wsd(k) for k in range(12)]
    # Where the fraction still gives the stretched length (a fifth of 100, of 300), it
    # stays: the decay_fraction case of test_stretching_scales_every_count.


def test_counts_are_rounded_on_one_grid_so_the_durations_add_up() -> None:
    # Three phases of 3 steps, by 0.5: each alone would round 1.5 to 2 (6 in all); on
    # the run's grid the boundaries 3, 6, 9 move to 2, 3, 4 (half to even): 2 + 1 + 1.
    s = COS[:3] | COS[:3] | COS[:3]
    shrunk = s.stretch(0.5)
    assert shrunk == COS.stretch(0.5)[:2] | COS.stretch(0.5)[:1] | COS.stretch(0.5)[:1]
    assert shrunk.duration == 4 == round(9 * 0.5)
    assert (s.stretch_to(7).duration, s.stretch_to(1000).duration) == (7, 1000)


def test_stretch_to_fits_a_whole_run_to_a_budget() -> None:
    s = Warmup(steps=10, start_lr=0.0) >> COS
    assert s.stretch_to(333) == Warmup(steps=30, start_lr=0.0) >> Cosine(
        base_lr=1.0, min_lr=0.0, total_steps=303
    )
    assert s.stretch_to(110) == s
    with pytest.raises(CompositionError, match=r"never does; bound it first"):
        (s | 0.1).stretch_to(1000)
    with pytest.raises(ParameterValueError, match="steps must be an int >= 1, got 0"):
        s.stretch_to(0)


def test_a_schedule_in_epochs_becomes_one_in_steps() -> None:
    epochs = Warmup(steps=5, start_lr=0.0) >> MultiStep(
        base_lr=0.1, milestones=(30, 60, 80), gamma=0.1
    )
    per_step = epochs.stretch(500)
    assert per_step == Warmup(steps=2500, start_lr=0.0) >> MultiStep(
        base_lr=0.1, milestones=(15000, 30000, 40000), gamma=0.1
    )
    assert [per_step(500 * e) for e in (0, 5, 35, 65, 86)] == [
        epochs(e) for e in (0, 5, 35, 65, 86)
    ]


def test_a_slice_past_its_end_stretches_to_the_length_of_its_one_step() -> None:
    s = COS[150:]
    assert s.duration == 1
    assert s.stretch(3) == Cosine(base_lr=1.0, min_lr=0.0, total_steps=300)[450:453]
    assert s.stretch(3).duration == 3
    assert s.stretch(3).stretch(1 / 3).duration == 1
    assert (COS[150:] | COS).stretch(2) == COS.stretch(2)[300:302] | COS.stretch(2)


def test_per_step_decays_keep_their_shape() -> None:
    s = Exponential(base_lr=1.0, gamma=0.9)
    slower = s.stretch(4)
    for k in range(0, 200, 7):
        assert math.isclose(slower(4 * k), s(k), rel_tol=1e-12)
    noam = Noam(d_model=512, warmup_steps=4000)
    longer = noam.stretch(3)
    assert isinstance(longer, Noam)
    assert math.isclose(longer.peak_lr, noam.peak_lr, rel_tol=1e-15)


@pytest.mark.parametrize(
    ("s", "factor", "error", "message"),
    [
        (COS, 0, ParameterValueError, "factor must be > 0, got 0"),
        (COS, -2, ParameterValueError, "factor must be > 0"),
        (COS, math.inf, ParameterValueError, "factor must be a finite number"),
        (COS, "2", ParameterTypeError, "factor must be a real number"),
        (COS, 0.001, ParameterValueError, r"leaves Cosine\(.*\)'s total_steps at 0 steps"),
        (
            COS[:3] | COS,
            0.1,
            ParameterValueError,
            r"stretching by 0.1 leaves the bound \[:3\] at 0 steps \(from 3\)",
        ),
        (COS, 1e300, ParameterValueError, r"stretching by 1e\+300: total_steps must be an int"),
        (
            Exponential(base_lr=1.0, gamma=0.5),
            1e-300,
            ParameterValueError,
            r"stretching by 1e-300: gamma must be in \(0, 1\], got 0.0",
        ),
        (
            Interpolate(points=((0, 0.0), (1, 1.0), (2, 0.5)), shape="linear"),
            0.5,
            ParameterValueError,
            "leaves the points 0 to 1 of Interpolate",
        ),
        (
            OneCycle(max_lr=1.0, total_steps=4, pct_start=0.3, initial_div=25.0, final_div=1e4),
            0.25,
            ParameterValueError,
            "stretching by 0.25: total_steps must be an int >= 2",
        ),
    ],
)
def test_bad_stretches_are_refused_naming_the_problem(
    s: Schedule, factor: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        s.stretch(factor)  # type: ignore[arg-type]


def attempt(build: Callable[[], Schedule]) -> Schedule | ScheduleError:
    """What ``build`` returns, or the library error it raises."""
    try:
        return build()
    except ScheduleError as exc:
        return exc


factors = st.fractions(min_value=Fraction(1, 4), max_value=8, max_denominator=16)


@given(trees)
def test_stretching_by_2_then_by_a_half_gives_back_the_durations(s: Schedule) -> None:
    there = s.stretch(2)
    back = there.stretch(0.5)
    assert back.duration == s.duration
    assert there.duration == (None if s.duration is None else 2 * s.duration)
    # Node by node too, unless a slice starts past its schedule's end: stretched, that
    # one held step becomes a bounded slice (Shifted inside a Bounded).
    if not any(past_its_end(n) for n in nodes_in(s)):
        assert durations(back) == durations(s)


def past_its_end(node: object) -> bool:
    if not isinstance(node, Shifted):
        return False
    end = node.schedule.duration
    return end is not None and end <= node.start


def durations(s: Schedule) -> list[int | None]:
    return [n.duration for n in nodes_in(s) if isinstance(n, Schedule)]


@given(trees, factors)
def test_a_stretch_lasts_its_duration_times_the_factor_rounded(
    s: Schedule, factor: Fraction
) -> None:
    stretched = attempt(lambda: s.stretch(float(factor)))
    if isinstance(stretched, ScheduleError):
        # Only a shrink can leave a count below its minimum, or move a slice start onto
        # a step where an exponential warmup's target is 0.
        assert factor < 1, stretched
        assert str(stretched).startswith("stretching by")
        return
    end = s.duration
    assert stretched.duration == (None if end is None else round(end * Fraction(float(factor))))
    assert parse(repr(stretched)) == stretched
    assert from_dict(stretched.to_dict()) == stretched
    assert pickle.loads(pickle.dumps(stretched)) == stretched


@given(trees, st.integers(min_value=1, max_value=20_000))
def test_stretch_to_lasts_exactly_the_steps_asked_for(s: Schedule, n: int) -> None:
    end = s.duration
    assume(end is not None)
    assert end is not None
    fitted = attempt(lambda: s.stretch_to(n))
    if isinstance(fitted, ScheduleError):
        assert n < end, fitted
        assert str(fitted).startswith("stretching by")
        return
    assert fitted.duration == n


def keeps_its_shape(s: Schedule) -> bool:
    """Whether every step of ``s.stretch(k)`` at ``k * t`` is ``s(t)`` to rounding: not
    OneCycle (its peak step is rounded from pct_start), Noam (it counts from 1), nor a
    bound whose hold shows (under a longer bound, or a term of a sum, it holds the step
    before its end, a step of the new run, not of the old)."""
    for node in nodes_in(s):
        if isinstance(node, (OneCycle, Noam)):
            return False
        if isinstance(node, (Bounded, Sum)) and any(
            isinstance(inner, Bounded) for inner in nodes_in(node)[1:]
        ):
            return False
    return True


@given(trees, st.integers(min_value=2, max_value=4), st.lists(steps, min_size=1, max_size=20))
def test_an_integer_stretch_is_the_same_curve_at_every_kth_step(
    s: Schedule, k: int, ts: list[int]
) -> None:
    assume(keeps_its_shape(s))
    longer = s.stretch(k)
    end = s.duration
    for t in ts:
        if end is not None and t >= end:
            continue
        assert math.isclose(longer(k * t), s(t), rel_tol=1e-9, abs_tol=1e-12), (s, k, t)


@given(trees, factors, st.lists(st.integers(min_value=0, max_value=20_000), max_size=30))
def test_both_evaluators_agree_on_a_stretched_tree(
    s: Schedule, factor: Fraction, ks: list[int]
) -> None:
    np = pytest.importorskip("numpy")
    try:
        stretched = s.stretch(float(factor))
    except ScheduleError:
        return
    got = evaluate(stretched, np.array(ks, dtype=np.int64)).tolist()
    for k, value in zip(ks, got, strict=True):
        assert math.isclose(value, stretched(k), rel_tol=1e-12, abs_tol=0.0)


def test_a_stretch_by_one_is_the_schedule_itself() -> None:
    s = Warmup(steps=10, start_lr=0.0) >> COS
    assert s.stretch(1) is s
    assert s.stretch_to(110) is s


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: COS.stretch(10**400), ParameterValueError, "an int of 401 digits"),
        (lambda: COS.stretch(True), ParameterTypeError, "factor must be a real number"),
        (lambda: COS.stretch_to(10**400), ParameterValueError, "an int of 401 digits"),
        (lambda: COS.stretch_to(2.5), ParameterTypeError, "steps must be an int"),  # type: ignore[arg-type]
        (lambda: COS.stretch(2**53), ParameterValueError, "total_steps must be an int <= 2"),
        (
            lambda: (Constant(lr=1.0)[: 2**52] | COS).stretch(2),
            ParameterValueError,
            "more than 2\\*\\*53",
        ),
    ],
)
def test_hostile_stretches_are_refused_by_digit_count_and_span(
    build: Callable[[], Schedule], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        build()


def test_a_node_class_without_a_stretch_rule_is_named() -> None:
    from dataclasses import dataclass

    from lrsched.transforms.stretch import Line, stretched

    @dataclass(frozen=True)
    class Unruled(Schedule):
        @property
        def duration(self) -> int | None:
            return None

    with pytest.raises(CompositionError, match=r"stretch has no rule for Unruled"):
        stretched(Unruled(), Line(0, Fraction(2)))
