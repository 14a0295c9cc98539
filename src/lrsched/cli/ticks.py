"""Axis ticks at round numbers, shared by the terminal chart, the figure and the SVG.

A tick step is 1, 2, 2.5 or 5 times a power of ten (2.5 only where it gives whole
ticks on a step axis), chosen as the smallest that keeps to a given number of ticks;
the ticks are the step's multiples within the range. Pure functions, no I/O.
"""

from __future__ import annotations

import math

MANTISSAS = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_step(span: float, count: int, *, integer: bool = False) -> float:
    """The smallest round step that divides ``span`` into at most ``count`` parts
    (at least 1 on an ``integer`` axis)."""
    if count < 1:
        raise ValueError(f"count must be >= 1, got {count}")
    if not math.isfinite(span) or span <= 0.0:
        return 1.0
    raw = span / count
    if raw == 0.0:  # a span near the smallest float, divided
        return span
    exponent = math.floor(math.log10(raw))
    for mantissa in MANTISSAS:
        step = mantissa * 10.0**exponent
        if integer and (step < 1.0 or step != math.floor(step)):
            continue
        if step >= raw * (1 - 1e-12):
            # Near the float maximum a round step can overflow: then the raw one.
            return step if math.isfinite(step) else raw
    return raw  # pragma: no cover (10 * 10**e always qualifies)


def ticks(low: float, high: float, count: int, *, integer: bool = False) -> list[float]:
    """Round values from ``low`` to ``high`` (both included where round), at most about
    ``count + 1`` of them; ``[low]`` for an empty range."""
    if not high > low:
        return [low]
    if not math.isfinite(high - low):  # from near minus the float maximum to near it
        return [low, 0.0, high] if low < 0.0 < high else [low, high]
    step = nice_step(high - low, count, integer=integer)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    if last - first > 4 * count + 4:  # cannot happen for a round step; never loop long
        return [low, high]  # pragma: no cover
    values = [i * step for i in range(first, last + 1)]
    if integer:  # exact: a tick past the range by rounding is left out
        return [float(round(value)) for value in values if low <= round(value) <= high]
    # i * step carries binary noise (3 * 0.1 is 0.30000000000000004); 12 significant
    # digits keep every round value and drop the noise, unless the step is too fine for
    # that (a range of a few ulps), where the values stay as they are.
    if step < max(abs(low), abs(high)) * 1e-10:
        return values
    return [float(f"{value:.12g}") for value in values]


def step_ticks(last: int, count: int) -> list[int]:
    """Round steps from 0 to ``last``: ``step_ticks(100000, 4) == [0, 25000, ..., 100000]``."""
    return [int(value) for value in ticks(0.0, float(last), count, integer=True)]


def step_labels(steps: list[int]) -> list[str]:
    """The texts of an axis's step ticks: the ints, or, once the axis reaches ten million,
    every one in its short form (``2.5e+07``)."""
    if steps and max(abs(step) for step in steps) >= 10**7:
        return [label(float(step)) for step in steps]
    return [str(step) for step in steps]


def label(value: float) -> str:
    """A tick's text: an int as it is, a rate in as few characters as shows it exactly
    (``0.0005``, ``2.5e-09``, ``1e+300``)."""
    if value == 0.0:
        return "0"
    if value == math.floor(value) and abs(value) < 1e6:
        return str(int(value))
    for digits in range(1, 17):
        text = f"{value:.{digits}g}"
        if float(text) == value:
            return text
    return repr(value)  # pragma: no cover (17 significant digits always round-trip)
