"""The operators: what they build, how they evaluate, print and fail."""

from __future__ import annotations

import copy
import numbers
import pickle
from collections.abc import Callable

import pytest

import lrsched
from lrsched import (
    Bounded,
    CompositionError,
    Constant,
    Cosine,
    Exponential,
    Linear,
    ParameterTypeError,
    ParameterValueError,
    Phases,
    Scaled,
    Schedule,
    Warmup,
    WithWarmup,
)
from lrsched.core import node as lrsched_base

COS = Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)
A = Constant(lr=0.1)[:5]
B = Linear(base_lr=0.2, end_lr=0.0, total_steps=4)
C = Constant(lr=0.3)


def test_warmup_handoff_values() -> None:
    s = Warmup(steps=5, start_lr=0.0) >> COS
    assert isinstance(s, WithWarmup)
    assert [s(k) for k in range(5)] == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8], rel=1e-15)
    assert s(5) == COS(0)
    assert s(10) == COS(5)
    assert s.duration == 15


def test_warmup_can_ramp_down_to_the_target() -> None:
    s = Warmup(steps=4, start_lr=1.0) >> Constant(lr=0.2)
    assert [s(k) for k in range(6)] == pytest.approx([1.0, 0.8, 0.6, 0.4, 0.2, 0.2])


def test_warmup_into_a_number_converts_it() -> None:
    assert (Warmup(steps=2, start_lr=0.0) >> 0.5) == (
        Warmup(steps=2, start_lr=0.0) >> Constant(lr=0.5)
    )


def test_only_a_warmup_may_stand_left_of_shift() -> None:
    with pytest.raises(CompositionError, match=r"use \|"):
        COS >> COS
    with pytest.raises(CompositionError, match="only a Warmup"):
        3 >> COS
    with pytest.raises(CompositionError, match="right side of Warmup >>"):
        Warmup(steps=1, start_lr=0.0) >> "fast"


def test_warmup_alone_cannot_be_chained_scaled_or_bounded() -> None:
    w = Warmup(steps=3, start_lr=0.0)
    advice = r"no learning rate of its own; ramp into a schedule with Warmup\(\.\.\.\) >> s"
    attempts: list[Callable[[], object]] = [
        lambda: w | COS,
        lambda: w * 2,
        lambda: 2 * w,
        lambda: w / 2,
        lambda: 2 / w,
        lambda: w[:3],
    ]
    for attempt in attempts:
        with pytest.raises(CompositionError, match=advice):
            attempt()
    with pytest.raises(CompositionError, match=r"right side of \| needs a schedule"):
        COS[:3] | w


def test_phases_run_back_to_back_on_local_steps() -> None:
    s = A | B | C
    assert isinstance(s, Phases)
    assert s.starts == (0, 5, 9)
    expected = [0.1] * 5 + [0.2, 0.15, 0.1, 0.05] + [0.3] * 3
    assert [s(k) for k in range(12)] == pytest.approx(expected, rel=1e-15)
    assert s.duration is None


def test_last_phase_keeps_running_on_its_own_steps() -> None:
    s = A | Exponential(base_lr=1.0, gamma=0.5)
    assert [s(k) for k in range(5, 9)] == [1.0, 0.5, 0.25, 0.125]
    finite = A | B
    assert finite.duration == 9
    assert finite(9) == B(4) == 0.0
    assert finite(1000) == 0.0


def test_phases_flatten_and_associate() -> None:
    left = (A | B) | C
    right = A | (B | C)
    assert left == right
    assert left.phases == (A, B, C)
    assert repr(left) == repr(right)
    assert repr(left) == f"{A!r} | {B!r} | {C!r}"


def test_open_ended_phase_on_the_left_is_refused_with_advice() -> None:
    with pytest.raises(CompositionError, match=r"never ends") as caught:
        C | A
    assert str(caught.value).endswith(f"bound it to n steps first: {C!r}[:n] | ...")


def test_numbers_in_phases_become_constants() -> None:
    assert (A | Constant(lr=0.5)) == (A | 0.5)
    with pytest.raises(CompositionError, match="never ends"):
        0.5 | A
    with pytest.raises(CompositionError, match=r"right side of \|"):
        A | "x"
    with pytest.raises(CompositionError, match=r"left side of \|"):
        "x" | A


def test_slice_bounds_and_holds() -> None:
    s = COS[:4]
    assert isinstance(s, Bounded)
    assert [s(k) for k in range(7)] == [COS(0), COS(1), COS(2), COS(3), COS(3), COS(3), COS(3)]
    assert s.duration == 4
    assert COS[0:4] == s


def test_nested_slices_normalise_only_when_equal() -> None:
    assert COS[:8][:4] == COS[:4]
    assert COS[:2][:8][:2] == COS[:2]
    assert repr(COS[:2][:8][:2]) == f"{COS!r}[:2]"
    longer = COS[:4][:8]
    assert longer != COS[:4]
    assert longer.duration == 8
    assert [longer(k) for k in range(10)] == [COS[:4](k) for k in range(10)]
    # Normalising is complete, so a rebuilt tree (repr, to_dict) compares equal.
    assert COS[:4][:8][:3] == COS[:3]
    assert COS[:4][:8][:6] == Bounded(schedule=COS[:4], steps=6)


@pytest.mark.parametrize("key", [3, slice(None, 4, 2), slice(1, None, 1), "a", (1, 2)])
def test_other_subscripts_are_refused(key: object) -> None:
    with pytest.raises(CompositionError):
        COS[key]


def test_slice_end_must_be_a_positive_int() -> None:
    with pytest.raises(ParameterValueError, match="steps must be an int >= 1, got 0"):
        COS[:0]
    with pytest.raises(ParameterTypeError, match="steps must be an int"):
        COS[:2.5]


def test_scaling_multiplies_every_value() -> None:
    s = COS * 2
    assert isinstance(s, Scaled)
    assert s == 2 * COS
    assert [s(k) for k in range(12)] == [2 * COS(k) for k in range(12)]
    assert (COS / 4)(0) == 0.25
    assert (COS / 4) == COS * 0.25
    assert s.duration == COS.duration


@pytest.mark.parametrize("bad", [COS, "2", None, True])
def test_scaling_needs_a_number(bad: object) -> None:
    with pytest.raises(CompositionError, match="by a number only"):
        COS * bad
    with pytest.raises(CompositionError, match="by a number only"):
        COS / bad


def test_scaling_errors() -> None:
    with pytest.raises(CompositionError, match="cannot divide"):
        2 / COS
    with pytest.raises(ParameterValueError, match="divisor must be > 0, got 0"):
        COS / 0
    # The user wrote the divisor, so the error names it, not an internal factor of inf.
    with pytest.raises(
        ParameterValueError, match=r"1 / divisor \(divisor=1e-320\) must be a finite"
    ):
        COS / 1e-320
    with pytest.raises(ParameterValueError, match="factor must be >= 0"):
        COS * -1
    with pytest.raises(ParameterValueError, match="finite"):
        Constant(lr=1e300) * 1e10


def test_numpy_scalars_work_on_both_sides() -> None:
    np = pytest.importorskip("numpy", reason="NumPy is optional")
    assert np.float64(2.0) * COS == COS * 2.0
    assert COS * np.int64(3) == COS * 3.0
    assert isinstance(np.float32(1), numbers.Real)


def test_operator_form_repr_parenthesises_only_where_needed() -> None:
    w = Warmup(steps=2, start_lr=0.0)
    cases: list[tuple[Schedule, str]] = [
        (w >> COS, f"{w!r} >> {COS!r}"),
        ((w >> COS)[:5], f"({w!r} >> {COS!r})[:5]"),
        ((w >> COS) * 2, f"({w!r} >> {COS!r}) * 2.0"),
        (w >> COS * 2, f"{w!r} >> {COS!r} * 2.0"),
        (w >> (w >> COS), f"{w!r} >> ({w!r} >> {COS!r})"),
        (w >> (COS | C), f"{w!r} >> ({COS!r} | {C!r})"),
        ((COS | C) * 2, f"({COS!r} | {C!r}) * 2.0"),
        (COS * 2 * 3, f"{COS!r} * 2.0 * 3.0"),
        ((w >> COS) | C, f"{w!r} >> {COS!r} | {C!r}"),
        ((COS * 2)[:3], f"({COS!r} * 2.0)[:3]"),
    ]
    namespace = vars(lrsched)
    for schedule, text in cases:
        assert repr(schedule) == text
        assert eval(text, dict(namespace)) == schedule


def test_composites_validate_direct_construction() -> None:
    with pytest.raises(ParameterTypeError, match="warmup must be a Warmup"):
        WithWarmup(warmup=COS, schedule=COS)  # type: ignore[arg-type]
    with pytest.raises(ParameterTypeError, match="schedule must be a Schedule"):
        WithWarmup(warmup=Warmup(steps=1, start_lr=0.0), schedule=1.0)  # type: ignore[arg-type]
    with pytest.raises(ParameterTypeError, match="phases must be a tuple"):
        Phases(phases=COS)  # type: ignore[arg-type]
    with pytest.raises(ParameterTypeError, match="each of phases"):
        Phases(phases=(A, 1.0))  # type: ignore[arg-type]
    with pytest.raises(ParameterValueError, match="at least two"):
        Phases(phases=(A,))
    assert Phases(phases=[A, Phases(phases=(B, C))]) == A | B | C  # type: ignore[arg-type]
    with pytest.raises(ParameterTypeError, match="schedule must be a Schedule"):
        Bounded(schedule="s", steps=3)  # type: ignore[arg-type]
    with pytest.raises(ParameterTypeError, match="schedule must be a Schedule"):
        Scaled(schedule=None, factor=1.0)  # type: ignore[arg-type]


def test_schedules_are_not_iterable() -> None:
    with pytest.raises(TypeError, match="not iterable"):
        list(COS)  # type: ignore[call-overload]


def test_frozen() -> None:
    with pytest.raises(AttributeError):
        COS.base_lr = 2.0  # type: ignore[misc]


def _nested(levels: int) -> lrsched.Schedule:
    """A tree ``levels`` nodes deep, cycling through every composite."""
    s: lrsched.Schedule = lrsched.Cosine(base_lr=1.0, min_lr=0.1, total_steps=10)
    wraps = [
        lambda x: x[:200],
        lambda x: lrsched.Constant(lr=1.0)[:2] | x,
        lambda x: lrsched.Warmup(steps=2, start_lr=0.5) >> x,
        lambda x: x * 0.5,
    ]
    for i in range(levels - 1):
        s = wraps[i % 4](s)
    return s


def test_every_operation_works_on_the_deepest_tree_allowed() -> None:
    s = _nested(lrsched_base.MAX_DEPTH)
    assert lrsched_base.depth(s) == lrsched_base.MAX_DEPTH
    namespace = {name: getattr(lrsched, name) for name in lrsched.__all__}
    assert eval(repr(s), namespace) == s
    assert lrsched.parse(repr(s)) == s
    assert lrsched.from_dict(s.to_dict()) == s
    assert pickle.loads(pickle.dumps(s)) == s
    assert copy.deepcopy(s) == s
    assert hash(copy.deepcopy(s)) == hash(s)
    assert lrsched.sample(s, num_steps=300) == [s(k) for k in range(300)]
    low, high = lrsched.value_range(s)
    assert all(low <= s(k) <= high for k in range(300))


def test_a_tree_deeper_than_the_cap_is_refused_by_every_composite() -> None:
    s = _nested(lrsched_base.MAX_DEPTH)
    deepers: tuple[Callable[[], object], ...] = (
        lambda: lrsched.Warmup(steps=2, start_lr=0.5) >> s,
        lambda: s * 2.0,
        lambda: s[:3],
        lambda: s | lrsched.Constant(lr=1.0),
    )
    for deeper in deepers:
        with pytest.raises(CompositionError, match="nests at most 64 levels of nodes"):
            deeper()


def test_a_long_sequential_is_one_flat_node() -> None:
    phases = [(1, lrsched.Constant(lr=0.1 * (i % 5))) for i in range(10_000)]
    s = lrsched.sequential(phases)
    assert isinstance(s, Phases)
    assert len(s.phases) == 10_000
    assert s(4321) == phases[4321][1](0)
    # 20,000 nodes, flat: every operation stays iterative in width.
    namespace = {name: getattr(lrsched, name) for name in lrsched.__all__}
    assert eval(repr(s), namespace) == s
    assert pickle.loads(pickle.dumps(s)) == s
    assert hash(copy.deepcopy(s)) == hash(s)
    assert lrsched.value_range(s) == (0.0, 0.4)


def test_a_chain_longer_than_max_chain_prints_as_a_phases_call() -> None:
    short = lrsched.sequential([(1, Constant(lr=0.1))] * 32)
    assert repr(short).count(" | ") == 31
    long = lrsched.sequential([(1, Constant(lr=0.1))] * 33)
    assert repr(long).startswith("Phases(phases=(Constant(lr=0.1)[:1], ")
    namespace = {name: getattr(lrsched, name) for name in lrsched.__all__}
    # As an operand it needs no parentheses: it is a call.
    for s in (Warmup(steps=2, start_lr=0.0) >> long, long * 2.0, long[:5], long | 1.0):
        assert eval(repr(s), namespace) == s
        assert lrsched.parse(repr(s)) == s
    assert repr(long * 2.0).endswith(")) * 2.0")
