"""A matplotlib figure of one or more schedules (the optional extra ``lrsched[plot]``).

matplotlib is imported only when a figure is drawn, and only its object API is used
(no ``pyplot``), so drawing never touches global plotting state.
"""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Sequence
from pathlib import Path

from ..core.schedule import Schedule
from .summary import sample
from .ticks import label, step_labels, step_ticks, ticks

MAX_POINTS = 20_000  # a line needs no more points than this to look exact at any size
MAX_LABEL = 280  # characters of a legend entry: four lines, not a wall of text


class MissingExtraError(ImportError):
    """An optional dependency (an extra such as ``lrsched[plot]``) is not installed."""


def sample_steps(steps: int, limit: int = MAX_POINTS) -> list[int]:
    """``0..steps-1``, or ``limit`` of them spread evenly (first and last included)."""
    return sample(steps, limit)


def plot(
    schedules: Sequence[Schedule],
    labels: Sequence[str],
    *,
    steps: int,
    path: Path,
    log: bool = False,
    title: str | None = None,
) -> int:
    """Overlay ``schedules`` over steps ``0..steps-1`` and save the figure to ``path``.

    Returns how many plotted rates are 0, which a log scale cannot show.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtraError("plotting needs matplotlib: pip install 'lrsched[plot]'") from None
    with warnings.catch_warnings():
        # A log axis of curves that are 0 everywhere is empty, which matplotlib warns
        # about; the caller reports the zeros that the scale cannot show.
        warnings.filterwarnings("ignore", "Data has no positive values", UserWarning)
        xs = sample_steps(steps)
        figure = Figure(figsize=(8, 5), dpi=120, layout="constrained")
        axes = figure.add_subplot()
        zeros, negative = 0, False
        top = 0.0
        for schedule, name in zip(schedules, labels, strict=True):
            short = name if len(name) <= MAX_LABEL else f"{name[: MAX_LABEL - 3]}..."
            wrapped = "\n".join(textwrap.wrap(short, 70, break_long_words=False)) or short
            rates = [schedule(k) for k in xs]
            zeros += rates.count(0.0)
            top = max(top, *rates)
            negative = negative or min(rates, default=0.0) < 0.0
            # Steps are whole numbers, so each rate holds until the next step.
            axes.step(xs, rates, where="post", label=wrapped, linewidth=1.6)
        axes.set_xlabel("step")
        axes.set_ylabel("learning rate")
        axes.set_xlim(0, max(steps - 1, 1))
        # The ticks of lrsched show and of the notebook SVG: round steps and rates.
        at = step_ticks(steps - 1, 8)
        axes.set_xticks(at, labels=step_labels(at))
        if log:
            axes.set_yscale("log")
        elif not negative:  # a Sum may go below 0: then the axis follows it
            axes.set_ylim(bottom=0)
            if top > 0.0:
                rates_at = ticks(0.0, top, 6)
                axes.set_yticks(rates_at, labels=[label(value) for value in rates_at])
                axes.set_ylim(0.0, top * 1.05)
        axes.grid(True, alpha=0.3)
        if title:
            axes.set_title(title)
        # Below the axes, so that a long expression never hides part of a curve.
        figure.legend(fontsize=7, loc="outside lower center")
        figure.savefig(path)
        return zeros
