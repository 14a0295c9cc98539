"""A compact Unicode chart of a curve, for the terminal: pure functions, no I/O.

The chart is a filled area, one column per sampled step. The y axis runs from 0 (the
x axis line) to the highest value (the top row); each row is split into eighths with
the block characters ``▁▂▃▄▅▆▇█``, so a row of height ``h`` resolves ``8 * h`` levels.
The rows holding the start, the peak and the end value are labelled on the right.
"""

from __future__ import annotations

from collections.abc import Sequence

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
    """The x axis (with ticks) and the step labels under its first, middle and last columns."""
    axis = ["─"] * width
    labels = [" "] * width
    placed: list[tuple[int, int]] = []
    # First and last take precedence over the middle; the last label ends at its column.
    for column in dict.fromkeys((0, width - 1, width // 2)):
        text = str(steps[column])
        if column == 0:
            start = 0
        elif column == width - 1:
            start = column - len(text) + 1
        else:
            start = column - len(text) // 2
        start = max(0, min(start, width - len(text)))
        # Skip a label that would touch one already placed.
        if any(start <= end + 1 and begin <= start + len(text) for begin, end in placed):
            continue
        axis[column] = "┬"
        labels[start : start + len(text)] = list(text)
        placed.append((start, start + len(text) - 1))
    return "".join(axis), "".join(labels)


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
    filled = [eighths(value, top, height) for value in values]
    peak = values.index(top)
    notes: dict[int, list[str]] = {}
    for column, text in (
        (0, f"start {number(values[0])}"),
        (peak, f"peak {number(top)} at step {steps[peak]}"),
        (width - 1, f"end {number(values[-1])}"),
    ):
        notes.setdefault(row_of(filled[column], height), []).append(text)
    top_label, zero_label = number(top), "0"
    margin = max(len(top_label), len(zero_label))
    lines = []
    for row in range(height):
        base = (height - 1 - row) * 8
        cells = "".join(BLOCKS[min(max(f - base, 0), 8)] for f in filled)
        label, tick = (top_label, "┤") if row == 0 else ("", "│")
        note = "  " + ", ".join(notes[row]) if row in notes else ""
        lines.append(f"{label:>{margin}} {tick}{cells}{note}")
    axis, labels = x_labels(steps, width)
    lines.append(f"{zero_label:>{margin}} └{axis}")
    lines.append(f"{'':>{margin}}  {labels}")
    return "\n".join(line.rstrip() for line in lines)
