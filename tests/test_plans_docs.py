"""docs/plans.md shows the figures that docs/figures/make_figures.py draws, and each
exists: a figure added to the page without the script, or never drawn, fails here."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

from docs_scripts import load_script
from lrsched import Schedule, parse

DOCS = Path(__file__).parent.parent / "docs"


def figures_script() -> ModuleType:
    return load_script("figures/make_figures.py")


def test_the_page_shows_every_figure_the_script_draws_and_each_exists() -> None:
    shown = set(re.findall(r"\(figures/([\w-]+)\.png\)", (DOCS / "plans.md").read_text("utf-8")))
    drawn = set(figures_script().FIGURES)
    assert shown == drawn
    missing = sorted(name for name in drawn if not (DOCS / "figures" / f"{name}.png").exists())
    assert not missing, f"run uv run python docs/figures/make_figures.py for {missing}"


def test_every_curve_of_the_figures_is_a_schedule_that_round_trips() -> None:
    for build in figures_script().FIGURES.values():
        for _, schedule, start, _ in build():
            assert isinstance(schedule, Schedule)
            assert parse(repr(schedule)) == schedule
            assert 0 <= start < (schedule.duration or 20_000)
