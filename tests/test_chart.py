"""The terminal chart: bar heights in eighths of a row, labels, and the x axis."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrsched.cli.chart import BLOCKS, chart, eighths, number, row_of, x_labels, y_ticks
from lrsched.cli.summary import columns


def test_number_is_short() -> None:
    assert number(0.001) == "0.001"
    assert number(1e-5) == "1e-05"
    assert number(0.00050505) == "0.000505"
    assert number(0.0) == "0"


def test_eighths_scale_and_never_hide_a_positive_value() -> None:
    assert eighths(1.0, 1.0, 4) == 32
    assert eighths(0.5, 1.0, 4) == 16
    assert eighths(0.0, 1.0, 4) == 0
    assert eighths(1e-9, 1.0, 4) == 1  # would round to 0, but it is not zero
    assert eighths(1.0, 0.0, 4) == 0  # an all-zero curve
    assert eighths(2.0, 1.0, 4) == 32  # never past the top


def test_row_of_a_bar() -> None:
    height = 3
    assert row_of(0, height) == 2
    assert row_of(1, height) == 2
    assert row_of(8, height) == 2
    assert row_of(9, height) == 1
    assert row_of(24, height) == 0


def test_a_two_row_chart_cell_by_cell() -> None:
    steps, values, height = [0, 1, 2], [0.0, 0.5, 1.0], 2
    # Bars of 0, 8 and 16 eighths: the middle one fills the bottom row, the last both.
    filled = [eighths(v, 1.0, height) for v in values]
    assert filled == [0, 8, 16]
    top_row = "".join(BLOCKS[max(0, min(8, f - 8))] for f in filled)
    bottom_row = "".join(BLOCKS[max(0, min(8, f))] for f in filled)
    assert chart(steps, values, height=height).splitlines() == [
        f"1 ┤{top_row}  peak 1 at step 2, end 1",
        f"  │{bottom_row}  start 0",
        "0 └┬─┬",
        "   0 2",
    ]


def test_partial_blocks_and_a_flat_curve() -> None:
    # 3/8 of one row: the block with three eighths.
    lines = chart([0, 1], [3.0, 8.0], height=1).splitlines()
    assert lines[0] == f"8 ┤{BLOCKS[3]}{BLOCKS[8]}  start 3, peak 8 at step 1, end 8"
    flat = chart([0, 5, 10], [2.0, 2.0, 2.0], height=2).splitlines()
    assert flat[0] == "2 ┤███  start 2, peak 2 at step 0, end 2"
    assert flat[1] == "  │███"


def test_all_zero_curve() -> None:
    lines = chart([0, 1], [0.0, 0.0], height=2).splitlines()
    assert lines[0] == "0 ┤"
    assert lines[1] == "  │" + "  " + "  start 0, peak 0 at step 0, end 0"  # two empty cells


def test_x_axis_labels_are_round_and_do_not_collide() -> None:
    # 0 and 20 at their columns; 10 would leave no space between the labels.
    assert x_labels([0, 5, 10, 15, 20], 5) == ("┬───┬", "0  20")
    axis, labels = x_labels(list(range(0, 2000, 100)), 20)
    assert labels.split() == ["0", "1000"]
    assert axis[0] == axis[10] == "┬"
    assert axis.count("┬") == 2
    axis, labels = x_labels([7], 1)
    assert (axis, labels) == ("┬", "7")
    assert x_labels([0, 1, 2], 3) == ("┬─┬", "0 2")


def test_x_ticks_of_an_odd_length_run_are_round() -> None:
    """0, 20000, ... 100000 for 101,695 steps, not 0, 50847, 101694."""
    steps = columns(101_695, 60, 2000)
    axis, labels = x_labels(steps, len(steps))
    assert labels.split() == ["0", "20000", "40000", "60000", "80000", "100000"]
    marks = [i for i, mark in enumerate(axis) if mark == "┬"]
    for column, text in zip(marks, labels.split(), strict=True):
        assert abs(int(text) - steps[column]) <= 101_695 / 59 / 2  # the nearest column
    axis, labels = x_labels(list(range(36)), 36)
    assert labels.split() == ["0", "10", "20", "30"]
    assert [i for i, mark in enumerate(axis) if mark == "┬"] == [0, 10, 20, 30]


def test_x_ticks_past_ten_million_are_short() -> None:
    steps = columns(2**53, 60, 0)
    _, labels = x_labels(steps, len(steps))
    assert labels.split() == ["0", "2e+15", "4e+15", "6e+15", "8e+15"]


def test_y_ticks_mark_round_rates_between_zero_and_the_peak() -> None:
    assert y_ticks(0.001, 8) == {4: "0.0005"}
    assert y_ticks(1.0, 8) == {4: "0.5"}
    assert y_ticks(0.0, 8) == {}
    assert y_ticks(1.0, 2) == {}
    lines = chart(list(range(10)), [k / 9 for k in range(10)], height=8).splitlines()
    assert lines[4].startswith("0.5 ┤")
    assert lines[0].startswith("  1 ┤")
    assert lines[8].startswith("  0 └")


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="as many steps"):
        chart([0], [1.0, 2.0])
    with pytest.raises(ValueError, match="as many steps"):
        chart([], [])
    with pytest.raises(ValueError, match="height"):
        chart([0], [1.0], height=0)


@given(
    st.lists(st.floats(min_value=0.0, max_value=1e3), min_size=1, max_size=40),
    st.integers(min_value=1, max_value=6),
)
def test_shape_of_any_chart(values: list[float], height: int) -> None:
    lines = chart(list(range(len(values))), values, height=height).splitlines()
    assert len(lines) == height + 2
    margin = lines[-2].index("└")
    for row, line in enumerate(lines[:height]):
        cells = line[margin + 1 : margin + 1 + len(values)].ljust(len(values))
        assert set(cells) <= set(BLOCKS)
        # A bar is filled from the bottom: a cell above a non-full cell is empty.
        if row + 1 < height:
            below = lines[row + 1][margin + 1 : margin + 1 + len(values)].ljust(len(values))
            for upper, lower in zip(cells, below, strict=True):
                assert upper == " " or lower == "█"
    assert sum("peak" in line for line in lines) == 1


def test_a_curve_below_zero_is_drawn_from_its_lowest_value() -> None:
    """A composite such as ``0.5 - s`` may go below zero: the axis line is its lowest
    value, 0 a tick on the way up."""
    lines = chart(list(range(20)), [0.5 - k / 12 for k in range(20)]).splitlines()
    assert lines[0].startswith("  0.5 ┤█")
    assert lines[2].startswith("    0 ┤")
    assert lines[8].startswith("-1.08 └")
    assert lines[7].endswith("end -1.08")
    both = chart([0, 1, 2], [1.7976931348623157e308, 0.0, -1.7976931348623157e308])
    assert both.splitlines()[-2].startswith("-1.8e+308 └")
