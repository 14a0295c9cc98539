"""A compact Unicode chart of a curve, for the terminal: pure functions, no I/O.

The chart is a filled area, one column per sampled step. The y axis runs from 0 (the
x axis line; the lowest value instead if the curve goes below zero) to the highest
value (the top row); each row is split into eighths with
the block characters ``▁▂▃▄▅▆▇█``, so a row of height ``h`` resolves ``8 * h`` levels.
The rows holding the start, the peak and the end value are labelled on the right.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

from . import ticks

BLOCKS = " ▁▂▃▄▅▆▇█"


def number(value: float) -> str:
    """A rate in a few characters: ``0.001``, ``1e-05``, ``0.000505``."""
    return f"{value:.3g}"


def eighths(value: float, top: float, height: int) -> int:
    """How many eighths of a row the bar of ``value`` fills, on a scale where ``top``
    fills all ``height`` rows. A positive value never rounds down to an empty bar."""
    if top <= 0.0 or value <= 0.0:
        return 0
    filled = round(value / top * height * 8)
    return min(max(filled, 1), height * 8)


def row_of(filled: int, height: int) -> int:
    """The row (0 is the top) in which a bar of ``filled`` eighths ends."""
    if filled == 0:
        return height - 1
    return height - 1 - (filled - 1) // 8


def x_labels(steps: Sequence[int], width: int) -> tuple[str, str]:
    """The x axis and its labels: ticks at round steps (``ticks.step_ticks``), each under
    the column nearest its step, as many as fit with a space between labels."""
    first, last = steps[0], steps[-1]
    for count in range(max(2, width // 8), 0, -1):
        wanted = [t for t in ticks.step_ticks(last, count) if t >= first] or [first]
        placed = _placed(steps, width, wanted)
        if placed is not None:
            break
    else:  # not even one round tick fits: the first step alone
        placed = _placed(steps, width, [first]) or []
    axis = ["─"] * width
    labels = [" "] * width
    for column, start, text in placed:
        axis[column] = "┬"
        labels[start : start + len(text)] = list(text)
    return "".join(axis), "".join(labels)


def _placed(
    steps: Sequence[int], width: int, wanted: Sequence[int]
) -> list[tuple[int, int, str]] | None:
    """``(column, first character, text)`` of each tick's label, or None if two labels
    would touch or two ticks share a column."""
    placed: list[tuple[int, int, str]] = []
    for step, text in zip(wanted, ticks.step_labels(list(wanted)), strict=True):
        column = _nearest(steps, step)
        if len(text) > width:
            return None
        start = max(0, min(column - (len(text) - 1) // 2, width - len(text)))
        if placed and (column <= placed[-1][0] or start < placed[-1][1] + len(placed[-1][2]) + 1):
            return None
        placed.append((column, start, text))
    return placed


def _nearest(steps: Sequence[int], step: int) -> int:
    """The column whose step is nearest ``step`` (the columns' steps are increasing)."""
    index = bisect.bisect_left(steps, step)
    if index == len(steps):
        return index - 1
    if index > 0 and step - steps[index - 1] <= steps[index] - step:
        return index - 1
    return index


def y_ticks(top: float, height: int, low: float = 0.0) -> dict[int, str]:
    """Labels of round rates between ``low`` (the axis line) and ``top``, by row (0 is
    the top row, which holds ``top`` itself): at most one per row, none in the top row."""
    if height < 3 or not top > low:
        return {}
    found: dict[int, str] = {}
    for value in ticks.ticks(low, top, 3):
        row = row_of(_bar(value, low, top, height), height)
        if low < value < top and 0 < row < height - 1 and row not in found:
            found[row] = ticks.label(value)
    return found


def _bar(value: float, low: float, top: float, height: int) -> int:
    """``eighths`` of ``value`` on a scale from ``low`` (0 unless the curve goes below
    zero) to ``top``, halved where the span would overflow."""
    if low == 0.0:
        return eighths(value, top, height)
    if math.isfinite(top - low):
        return eighths(value - low, top - low, height)
    return eighths(value / 2 - low / 2, top / 2 - low / 2, height)


def chart(steps: Sequence[int], values: Sequence[float], *, height: int = 8) -> str:
    """The chart of ``values`` (one column each) sampled at ``steps``.

    >>> print(chart([0, 1, 2], [0.0, 0.5, 1.0], height=2))
    1 ┤  █  peak 1 at step 2, end 1
      │ ██  start 0
    0 └┬─┬
       0 2
    """
    if not values or len(values) != len(steps):
        raise ValueError("chart needs as many steps as values, and at least one")
    if height < 1:
        raise ValueError(f"height must be >= 1, got {height}")
    width = len(values)
    top = max(values)
    low = min(0.0, *values)  # below 0 only for a composite such as 0.5 - s
    filled = [_bar(value, low, top, height) for value in values]
    peak = values.index(top)
    notes: dict[int, list[str]] = {}
    for column, text in (
        (0, f"start {number(values[0])}"),
        (peak, f"peak {number(top)} at step {steps[peak]}"),
        (width - 1, f"end {number(values[-1])}"),
    ):
        notes.setdefault(row_of(filled[column], height), []).append(text)
    top_label, zero_label = number(top), number(low)
    rows = {0: top_label, **y_ticks(top, height, low)}
    margin = max(len(zero_label), *(len(text) for text in rows.values()))
    lines = []
    for row in range(height):
        base = (height - 1 - row) * 8
        cells = "".join(BLOCKS[min(max(f - base, 0), 8)] for f in filled)
        label, tick = (rows[row], "┤") if row in rows else ("", "│")
        note = "  " + ", ".join(notes[row]) if row in notes else ""
        lines.append(f"{label:>{margin}} {tick}{cells}{note}")
    axis, labels = x_labels(steps, width)
    lines.append(f"{zero_label:>{margin}} └{axis}")
    lines.append(f"{'':>{margin}}  {labels}")
    return "\n".join(line.rstrip() for line in lines)
