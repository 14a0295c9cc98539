"""A schedule's curve as a small SVG, which notebooks show inline (``_repr_svg_``).

No dependencies: the curve is sampled with the scalar evaluator over the steps that
``lrsched show`` picks (``summary.default_steps``), and drawn as one polyline with axes
at round ticks (``ticks``), the start, the peak and the end marked, and the expression as
its title. Text is escaped; a long expression is shortened in the title and kept whole
(up to ``MAX_TOOLTIP`` characters) in the tooltip.
"""

from __future__ import annotations

import math
from html import escape

from ..core.schedule import Schedule
from ..core.seam import install
from . import summary
from .chart import number
from .ticks import label, step_labels, step_ticks, ticks

WIDTH, HEIGHT = 480, 280
BOTTOM, RIGHT = 34, 18  # pixels below and right of the plot area
LINE = 13  # pixels from one line of the title to the next
HEADROOM = 6  # pixels between the highest rate and the top of the plot area
TITLE_LINES = 3
FONT = 11
CHAR = 0.62 * FONT  # the width of a character, near enough for sans-serif digits
TITLE_FONT = 10
MONO = 0.61 * TITLE_FONT  # the width of a character of the title's monospace font
MAX_TITLE = int((WIDTH - 16) / MONO)
MAX_TOOLTIP = 1000
POINTS = 2 * WIDTH  # samples of the curve: two per pixel column
COLOR = "#1f77b4"


def svg(schedule: Schedule) -> str:
    """The SVG document of ``schedule``'s curve, as text."""
    steps, note = summary.default_steps(schedule)
    peak_step, peak, _ = summary.peak(schedule, steps)
    xs = summary.sample(steps, POINTS)
    if peak_step not in xs:
        xs = sorted({*xs, peak_step})
    ys = [schedule(k) for k in xs]
    low, high = min(0.0, *ys), max(0.0, *ys)
    if not high > low:  # all zero: a unit scale, the curve on the axis
        high = low + 1.0
    y_ticks = ticks(low, high, 4)
    y_labels = [label(value) for value in y_ticks]
    left = 10 + max(len(text) for text in y_labels) * CHAR
    last = steps - 1
    x_ticks = step_ticks(last, 6) if last > 0 else [0]
    x_labels = step_labels(x_ticks)
    right = max(RIGHT, len(x_labels[-1]) * CHAR / 2 + 10)
    text = repr(schedule)
    title = _title_lines(text)
    caption_y = 16 + LINE * len(title) + 3
    top = caption_y + 12  # the top of the plot area, below the title and the caption
    plot = _Frame(left, top + HEADROOM, WIDTH - right, HEIGHT - BOTTOM, last, low, high)
    tooltip = text if len(text) <= MAX_TOOLTIP else f"{text[: MAX_TOOLTIP - 3]}..."
    shown = f"steps 0 to {last}" + (", never ends" if note else "")
    caption = (
        f"start {number(ys[0])}, peak {number(peak)} at step {peak_step}, "
        f"end {number(ys[-1])} ({shown})"
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="{FONT}">',
        f"<title>{escape(tooltip)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        *(
            f'<text x="8" y="{16 + LINE * row}" font-family="monospace" '
            f'font-size="{TITLE_FONT}" fill="#222">'
            f"{escape(line)}</text>"
            for row, line in enumerate(title)
        ),
        f'<text x="8" y="{caption_y}" fill="#555">{escape(caption)}</text>',
    ]
    for value, text in zip(y_ticks, y_labels, strict=True):
        y = plot.y(value)
        out.append(
            f'<line x1="{_f(plot.left)}" y1="{_f(y)}" x2="{_f(plot.right)}" y2="{_f(y)}" '
            'stroke="#e5e5e5"/>'
        )
        out.append(
            f'<text x="{_f(plot.left - 5)}" y="{_f(y + FONT * 0.35)}" text-anchor="end" '
            f'fill="#333">{escape(text)}</text>'
        )
    for step, text in zip(x_ticks, x_labels, strict=True):
        x = plot.x(step)
        out.append(
            f'<line x1="{_f(x)}" y1="{_f(plot.bottom)}" x2="{_f(x)}" y2="{_f(plot.bottom + 4)}" '
            'stroke="#333"/>'
        )
        out.append(
            f'<text x="{_f(x)}" y="{_f(plot.bottom + 6 + FONT)}" text-anchor="middle" '
            f'fill="#333">{escape(text)}</text>'
        )
    out.append(
        f'<path d="M{_f(plot.left)},{top}V{_f(plot.bottom)}H{_f(plot.right)}" '
        'fill="none" stroke="#333"/>'
    )
    if low < 0.0:  # a composite that goes below zero: the zero line
        y = plot.y(0.0)
        out.append(
            f'<line x1="{_f(plot.left)}" y1="{_f(y)}" x2="{_f(plot.right)}" y2="{_f(y)}" '
            'stroke="#999"/>'
        )
    points = " ".join(f"{_f(plot.x(k))},{_f(plot.y(v))}" for k, v in zip(xs, ys, strict=True))
    out.append(
        f'<polyline points="{points}" fill="none" stroke="{COLOR}" stroke-width="1.6" '
        'stroke-linejoin="round"/>'
    )
    for name, step, value in (
        ("start", xs[0], ys[0]),
        ("peak", peak_step, peak),
        ("end", xs[-1], ys[-1]),
    ):
        out.append(
            f'<circle class="{name}" cx="{_f(plot.x(step))}" cy="{_f(plot.y(value))}" r="3" '
            f'fill="{COLOR if name == "peak" else "white"}" stroke="{COLOR}">'
            f"<title>{name}: {escape(number(value))} at step {step}</title></circle>"
        )
    out.append("</svg>")
    return "\n".join(out)


def _title_lines(text: str) -> list[str]:
    """The expression in at most ``TITLE_LINES`` lines of ``MAX_TITLE`` characters, cut
    after a space where one is near, the last shortened with ``...`` if it is long."""
    lines: list[str] = []
    rest = text
    while rest and len(lines) < TITLE_LINES:
        if len(rest) <= MAX_TITLE:
            lines.append(rest)
            return lines
        cut = rest.rfind(" ", MAX_TITLE // 2, MAX_TITLE)
        cut = cut + 1 if cut > 0 else MAX_TITLE
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:]
    lines[-1] = f"{lines[-1][: MAX_TITLE - 3]}..."
    return lines


def _f(value: float) -> str:
    """A coordinate, to a hundredth of a pixel."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


class _Frame:
    """Maps steps and rates to pixels inside the plot area."""

    def __init__(
        self,
        left: float,
        top: float,
        right: float,
        bottom: float,
        last: int,
        low: float,
        high: float,
    ) -> None:
        self.left, self.top, self.right, self.bottom = left, top, right, bottom
        self._last = max(last, 1)
        self._low, self._high = low, high

    def x(self, step: int) -> float:
        return self.left + (self.right - self.left) * (step / self._last)

    def y(self, value: float) -> float:
        span = self._high - self._low
        if math.isfinite(span):
            fraction = (value - self._low) / span
        else:  # rates near the float maximum on both sides of zero
            fraction = (value / 2 - self._low / 2) / (self._high / 2 - self._low / 2)
        return self.bottom - (self.bottom - self.top) * fraction


install(svg=svg)
