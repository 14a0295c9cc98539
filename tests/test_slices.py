"""Slices from any start: ``s[a:]`` (``Shifted``) and ``s[a:b]`` (``Bounded`` of a
``Shifted``), their values, folding, printing, round trips and errors."""

from __future__ import annotations

import copy
import math
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrsched import (
    Bounded,
    CompositionError,
    Constant,
    Cosine,
    Exponential,
    Linear,
    ParameterTypeError,
    ParameterValueError,
    Schedule,
    Shifted,
    Warmup,
    WarmupCosine,
    from_dict,
    parse,
)
from strategies import slice_starts, steps, trees

COS = Cosine(base_lr=1.0, min_lr=0.0, total_steps=100)
WARM = Warmup(steps=10, start_lr=0.0) >> COS


def test_a_slice_from_a_start_is_the_schedule_from_that_step() -> None:
    s = COS[30:]
    assert isinstance(s, Shifted)
    assert (s.schedule, s.start) == (COS, 30)
    assert [s(k) for k in (0, 1, 69, 70, 71, 500)] == [
        COS(30),
        COS(31),
        COS(99),
        0.0,
        0.0,
        0.0,
    ]
    assert s.duration == 70
    assert COS[30:](0) == 0.5 * (1.0 + math.cos(math.pi * 30 / 100)) == 0.7938926261462367


def test_a_slice_with_both_ends_runs_b_minus_a_steps_then_holds() -> None:
    s = COS[20:25]
    assert isinstance(s, Bounded)
    assert s == Bounded(schedule=Shifted(schedule=COS, start=20), steps=5)
    assert [s(k) for k in range(8)] == [COS(20), COS(21), COS(22), COS(23), *[COS(24)] * 4]
    assert s.duration == 5


def test_a_start_past_the_end_holds_the_final_value_for_a_duration_of_one() -> None:
    s = COS[150:]
    assert s.duration == 1
    assert [s(k) for k in range(3)] == [0.0, 0.0, 0.0]
    endless = Exponential(base_lr=1.0, gamma=0.5)[3:]
    assert endless.duration is None
    assert [endless(k) for k in range(3)] == [0.125, 0.0625, 0.03125]


def test_slices_from_zero_are_the_old_slices_and_the_schedule_itself() -> None:
    assert COS[0:40] == COS[:40]
    assert type(COS[0:40]) is Bounded
    assert COS[0:] is COS
    assert COS[:] is COS
    assert COS[None:40] == COS[:40]


@pytest.mark.parametrize(
    ("built", "folded", "text"),
    [
        (COS[2:][3:], COS[5:], "[5:]"),
        (COS[2:10][1:4], COS[3:6], "[3:6]"),
        (COS[:10][4:], COS[4:10], "[4:10]"),
        (COS[10:][:5], COS[10:15], "[10:15]"),
        # A start past a bound's last step holds that step.
        (COS[:5][10:], COS[4:5], "[4:5]"),
        (COS[:1][3:], COS[:1], "[:1]"),
        (COS[2:10][:3], COS[2:5], "[2:5]"),
        (COS[2:][3:][4:7], COS[9:12], "[9:12]"),
    ],
)
def test_slices_of_slices_fold(built: Schedule, folded: Schedule, text: str) -> None:
    assert built == folded
    assert repr(built) == f"{COS!r}{text}"
    assert [built(k) for k in range(12)] == [folded(k) for k in range(12)]


def test_a_longer_bound_of_a_slice_stays_nested_as_for_the_old_slices() -> None:
    s = COS[2:5][:8]
    assert s.duration == 8
    assert repr(s) == f"{COS!r}[2:5][:8]"
    assert [s(k) for k in range(10)] == [COS[2:5](k) for k in range(10)]


def test_slices_print_as_written_with_parentheses_only_where_needed() -> None:
    assert repr(WARM[5:]) == f"({WARM!r})[5:]"
    assert repr((COS | 0.5)[99:120]) == f"({COS!r} | Constant(lr=0.5))[99:120]"
    assert repr((COS * 2.0)[3:]) == f"({COS!r} * 2.0)[3:]"
    assert repr(COS[3:] * 2.0) == f"{COS!r}[3:] * 2.0"
    assert repr(COS[:50] | COS[50:]) == f"{COS!r}[:50] | {COS!r}[50:]"


SLICES = [
    COS[30:],
    COS[20:25],
    WARM[5:],
    WARM[5:60] | 0.1,
    (COS * 2.0)[3:],
    COS[:50]
    | WarmupCosine(peak_lr=1.0, min_lr=0.0, start_lr=0.0, warmup_steps=5, total_steps=200)[50:],
    COS[2:5][:8],
    Exponential(base_lr=1.0, gamma=0.9)[7:],
]


@pytest.mark.parametrize("s", SLICES, ids=repr)
def test_every_slice_round_trips(s: Schedule) -> None:
    assert eval(repr(s)) == s
    assert parse(repr(s)) == s
    assert repr(parse(repr(s))) == repr(s)
    assert from_dict(s.to_dict()) == s
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(s, protocol=protocol)) == s
    assert copy.copy(s) == s
    assert copy.deepcopy(s) == s
    assert hash(parse(repr(s))) == hash(s)
    assert s != COS


def test_the_dict_form_of_a_slice_names_its_nodes() -> None:
    assert COS[20:25].to_dict() == {
        "version": 1,
        "type": "Bounded",
        "schedule": {
            "type": "Shifted",
            "schedule": {"type": "Cosine", "base_lr": 1.0, "min_lr": 0.0, "total_steps": 100},
            "start": 20,
        },
        "steps": 5,
    }


def test_splicing_a_new_plan_into_a_running_one() -> None:
    old = WarmupCosine(peak_lr=1.0, min_lr=0.0, start_lr=0.0, warmup_steps=10, total_steps=100)
    new = WarmupCosine(peak_lr=1.0, min_lr=0.0, start_lr=0.0, warmup_steps=10, total_steps=300)
    spliced = old[:40] | new[40:]
    assert [spliced(k) for k in range(40)] == [old(k) for k in range(40)]
    assert [spliced(k) for k in range(40, 400)] == [new(k) for k in range(40, 400)]
    assert spliced.duration == 300


@pytest.mark.parametrize(
    ("key", "error", "message"),
    [
        (slice(-1, None), ParameterValueError, "slice start must be an int >= 0"),
        (slice(-5, 3), ParameterValueError, "slice start must be an int >= 0"),
        (slice(4, 4), ParameterValueError, r"needs b > a \(at least one step\), got \[4:4\]"),
        (slice(5, 2), ParameterValueError, r"needs b > a"),
        (slice(5, -1), ParameterValueError, r"needs b > a"),
        (slice(1.5, None), ParameterTypeError, "slice start must be an int, got 1.5"),
        (slice(True, None), ParameterTypeError, "slice start must be an int, got True"),
        (slice(2, 4.0), ParameterTypeError, "slice end must be an int, got 4.0"),
        (slice("2", None), ParameterTypeError, "slice start must be an int"),
        (slice(1, 5, 1), CompositionError, "takes no step"),
        (slice(None, None, 2), CompositionError, "takes no step"),
        (slice(2**53 + 1, None), ParameterValueError, r"slice start must be an int <= 2\*\*53"),
        (3, CompositionError, r"to evaluate at a step, call it: s\(step\)"),
        pytest.param(10**5000, CompositionError, "an int of 5001 digits", id="huge"),
    ],
)
def test_bad_slices_are_refused_naming_the_problem(
    key: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        COS[key]


def test_a_shifted_node_built_by_hand_is_checked() -> None:
    with pytest.raises(ParameterValueError, match="start must be an int >= 1, got 0"):
        Shifted(schedule=COS, start=0)
    with pytest.raises(ParameterTypeError, match="schedule must be a Schedule"):
        Shifted(schedule=Warmup(steps=2, start_lr=0.0), start=2)  # type: ignore[arg-type]
    with pytest.raises(CompositionError, match=r"cannot hold a Bounded.*s\[:n\]\[a:\] builds"):
        Shifted(schedule=COS[:10], start=2)
    assert Shifted(schedule=COS[3:], start=4) == COS[7:]
    with pytest.raises(ParameterValueError, match="add up past 2\\*\\*53"):
        COS[2**52 :][2**52 + 1 :]
    assert COS[2**52 :][2**52 :] == Shifted(schedule=COS, start=2**53)


def test_parse_reads_slices_with_a_start() -> None:
    text = "Cosine(base_lr=1.0, min_lr=0.0, total_steps=100)"
    assert parse(f"{text}[30:]") == COS[30:]
    assert parse(f"{text}[20:25]") == COS[20:25]
    assert parse(f"{text}[2:][3:]") == COS[5:]
    assert parse(f"({text} | 0.5)[99:120]") == (COS | 0.5)[99:120]
    with pytest.raises(ParameterValueError, match="slice start must be an int >= 0"):
        parse(f"{text}[-3:]")
    with pytest.raises(ParameterValueError, match="needs b > a"):
        parse(f"{text}[9:3]")
    with pytest.raises(CompositionError, match="takes no step"):
        parse(f"{text}[1:5:2]")


def test_a_slice_of_a_linear_warmup_replaces_the_first_steps() -> None:
    # timm's warmup_prefix=False: the warmup takes the place of the cosine's first W steps.
    s = Linear(base_lr=0.0, end_lr=1.0, total_steps=10) | COS[10:]
    assert [s(k) for k in (0, 5, 9)] == [0.0, 0.5, 0.9]
    assert [s(k) for k in range(10, 120)] == [COS(k) for k in range(10, 120)]
    assert s.duration == 100


@given(trees, slice_starts, steps)
def test_a_slice_from_a_is_the_schedule_from_step_a(s: Schedule, a: int, k: int) -> None:
    shifted = s[a:]
    assert shifted(k) == s(a + k)
    end = s.duration
    assert shifted.duration == (None if end is None else max(end - a, 1))


@given(trees, slice_starts, st.integers(min_value=1, max_value=300), steps)
def test_a_slice_from_a_to_b_is_its_definition(s: Schedule, a: int, n: int, k: int) -> None:
    sliced = s[a : a + n]
    assert sliced.duration == n
    assert sliced(k) == s(a + min(k, n - 1))


@given(trees, slice_starts, slice_starts)
def test_slices_of_random_trees_fold_and_round_trip(s: Schedule, a: int, b: int) -> None:
    assert s[a:][b:] == s[a + b :]
    for sliced in (s[a:], s[a : a + b], s[a:][:b]):
        assert parse(repr(sliced)) == sliced
        assert from_dict(sliced.to_dict()) == sliced
        assert pickle.loads(pickle.dumps(sliced)) == sliced


def test_a_constant_slice_keeps_its_range() -> None:
    from lrsched import value_range

    assert value_range(Constant(lr=0.5)[3:]) == (0.5, 0.5)
    low, high = value_range(COS[50:])
    # The whole cosine's bounds.
    assert low <= 0.0
    assert high >= 1.0
