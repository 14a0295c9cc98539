"""The example script prints every kind of schedule, each a repr that reads back, with a
chart whose numbers are lrsched's: checked against known values and the array evaluator,
not by repeating the script's own arithmetic."""

from __future__ import annotations

import math
import re
import runpy
from pathlib import Path

import pytest

from lrsched import Schedule, parse
from lrsched.core import registry
from strategies import nodes_in

EXAMPLE = Path(__file__).parent.parent / "examples" / "show_schedules.py"
CHART = re.compile(r"^  (.{60})  \[(\S+) \.\. (\S+)\] over 1000 steps$")
# Worked out by hand: the lowest and highest rate over steps 0..999.
KNOWN = {
    "Constant(lr=0.001)": ("1.00e-03", "1.00e-03"),
    "StepDecay(base_lr=0.001, gamma=0.5, step_size=250)": ("1.25e-04", "1.00e-03"),
    "MultiStep(base_lr=0.001, milestones=(300, 600, 900), gamma=0.3)": ("2.70e-05", "1.00e-03"),
    # 1e-3 - (1e-3 - 1e-5) * 999 / 1000 at the last step.
    "Linear(base_lr=0.001, end_lr=1e-05, total_steps=1000)": ("1.10e-05", "1.00e-03"),
    # 0 at step 0, the peak base_lr at the end of the 100-step warmup.
    "InverseSqrt(base_lr=0.001, warmup_steps=100)": ("0.00e+00", "1.00e-03"),
}


def gallery(capsys: pytest.CaptureFixture[str]) -> list[tuple[Schedule, str, str, str, str]]:
    """``(schedule, head, sparkline, low, high)`` for each block the script prints."""
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    printed = []
    for block in capsys.readouterr().out.strip().split("\n\n"):
        head, chart = block.split("\n")
        match = CHART.match(chart)
        assert match, chart
        schedule = parse(head)
        assert isinstance(schedule, Schedule)
        assert repr(schedule) == head
        line, low, high = match.groups()
        printed.append((schedule, head, line, low, high))
    return printed


def test_the_gallery_ranges_are_the_library_values(capsys: pytest.CaptureFixture[str]) -> None:
    np = pytest.importorskip("numpy")
    from lrsched import evaluate

    printed = gallery(capsys)
    assert len(printed) >= 20
    for schedule, head, _, low, high in printed:
        # The array evaluator computes the curve another way than the script's calls.
        values = evaluate(schedule, np.arange(1000))
        assert math.isclose(float(low), float(values.min()), rel_tol=6e-3), head
        assert math.isclose(float(high), float(values.max()), rel_tol=6e-3), head
    shown = {head: (low, high) for _, head, _, low, high in printed}
    for head, expected in KNOWN.items():
        assert shown[head] == expected, head


def test_the_sparklines_follow_the_curve(capsys: pytest.CaptureFixture[str]) -> None:
    charts = {head: line for _, head, line, _, _ in gallery(capsys)}
    assert charts["Constant(lr=0.001)"] == "▄" * 60
    decay = charts["Linear(base_lr=0.001, end_lr=1e-05, total_steps=1000)"]
    assert (decay[0], decay[-1]) == ("█", " ")
    assert list(decay) == sorted(decay, key=" ▁▂▃▄▅▆▇█".index, reverse=True)


def test_the_gallery_shows_every_registered_class(capsys: pytest.CaptureFixture[str]) -> None:
    shown = {type(n).__name__ for schedule, *_ in gallery(capsys) for n in nodes_in(schedule)}
    missing = sorted(set(registry.node_classes()) - shown)
    assert not missing, f"add a schedule using each to examples/show_schedules.py: {missing}"
