"""Ints past Python's 4300-digit str limit get the library's error with their digit count
(issue 8, defect class 7): ``str()`` of such an int raises a bare ``ValueError``, so a
message that formats one would escape as that instead."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest

import lrsched
from lrsched import Constant, Cosine, ScheduleError
from lrsched.core.node import Node
from lrsched.core.validate import describe, digits, shown

HUGE = 10**5000
GOLDEN = Path(__file__).parent.parent / "golden"


def _nodes(node: object) -> list[Node]:
    if isinstance(node, tuple):
        return [n for item in node for n in _nodes(item)]
    if not isinstance(node, Node):
        return []
    found = [node]
    for field in dataclasses.fields(node):  # type: ignore[arg-type]
        found += _nodes(getattr(node, field.name))
    return found


def _examples() -> dict[str, Node]:
    """One valid node of every class, from the golden files."""
    examples: dict[str, Node] = {}
    for path in sorted(GOLDEN.glob("v*.pkl")):
        for schedule, _, _ in pickle.loads(path.read_bytes())["records"]:
            for node in _nodes(schedule):
                examples.setdefault(type(node).__name__, node)
    return examples


def _numeric_fields() -> list[tuple[str, str]]:
    found = []
    for name, node in sorted(_examples().items()):
        for field in dataclasses.fields(node):  # type: ignore[arg-type]
            value = getattr(node, field.name)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                found.append((name, field.name))
    return found


def _fields(node: Node) -> dict[str, object]:
    return {f.name: getattr(node, f.name) for f in dataclasses.fields(node) if f.init}  # type: ignore[arg-type]


def _assert_library_error_without_the_digits(error: pytest.ExceptionInfo[Exception]) -> None:
    message = str(error.value)
    assert "digits" in message, message
    assert "0000000000" not in message, message
    assert len(message) < 500


@pytest.mark.parametrize(("cls", "field"), _numeric_fields())
@pytest.mark.parametrize("value", [HUGE, -HUGE], ids=["huge", "minus_huge"])
def test_every_numeric_parameter_refuses_a_huge_int_by_its_digit_count(
    cls: str, field: str, value: int
) -> None:
    node = _examples()[cls]
    values = _fields(node)
    values[field] = value
    if cls == "Decay" and field == "base_lr":  # a shape check may run first; both are ours
        values["end_lr"] = 0.0
    with pytest.raises(ScheduleError) as error:
        type(node)(**values)
    _assert_library_error_without_the_digits(error)


@pytest.mark.parametrize(
    "build",
    [
        lambda s: s[:HUGE],
        lambda s: s[:-HUGE],
        lambda s: s * HUGE,
        lambda s: HUGE * s,
        lambda s: s / HUGE**2,
        lambda s: s(-HUGE),
        lambda s: lrsched.MultiStep(base_lr=1.0, milestones=(1, HUGE), gamma=0.5),
        lambda s: lrsched.Interpolate(points=((0, 1.0), (HUGE, 0.0)), shape="linear"),
        lambda s: lrsched.sequential([(HUGE, s)]),
    ],
    ids=[
        "slice",
        "negative slice",
        "times",
        "rtimes",
        "divide",
        "call",
        "milestones",
        "points",
        "sequential",
    ],
)
def test_operators_and_calls_refuse_a_huge_int_by_its_digit_count(build: object) -> None:
    schedule = Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)
    with pytest.raises(ScheduleError) as error:
        build(schedule)  # type: ignore[operator]
    _assert_library_error_without_the_digits(error)


def test_a_huge_step_past_the_end_still_evaluates() -> None:
    """Not refused: a finite schedule holds its end at any step, however large."""
    assert Cosine(base_lr=1.0, min_lr=0.5, total_steps=10)(HUGE) == 0.5
    assert Constant(lr=0.25)(HUGE) == 0.25


@pytest.mark.parametrize("power", [1, 2, 15, 29, 30, 31, 308, 4299, 4300, 5000, 20_000])
def test_digits_counts_without_str(power: int) -> None:
    """Around each power of ten, where a count from log10 could be off by one."""
    for value, expected in ((10**power - 1, power), (10**power, power + 1)):
        assert digits(value) == expected
        assert digits(-value) == expected
    assert digits(0) == 1


def test_shown_and_describe_never_raise() -> None:
    assert shown(HUGE) == "an int of 5001 digits"
    assert shown(-HUGE) == "a negative int of 5001 digits"
    assert shown(12345) == "12345"
    assert describe((HUGE,)) == "a tuple that cannot be shown (tuple)"
    long = shown("x" * 10_000)
    assert len(long) < 120
    assert "10002 characters" in long
