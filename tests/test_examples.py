"""The example script runs, and every schedule it prints is a repr that reads back."""

import runpy
from pathlib import Path

import pytest

from lrsched import Schedule, parse

EXAMPLE = Path(__file__).parent.parent / "examples" / "show_schedules.py"


def test_the_gallery_prints_each_schedule_with_its_chart(
    capsys: pytest.CaptureFixture[str],
) -> None:
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    blocks = capsys.readouterr().out.strip().split("\n\n")
    assert len(blocks) >= 20
    for block in blocks:
        head, chart = block.split("\n")
        schedule = parse(head)
        assert isinstance(schedule, Schedule)
        assert repr(schedule) == head
        low, high = min(schedule(k) for k in range(1000)), max(schedule(k) for k in range(1000))
        assert chart.endswith(f"[{low:.2e} .. {high:.2e}] over 1000 steps")
