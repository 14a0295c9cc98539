"""``Schedule._repr_svg_``: a well-formed SVG of the curve, for notebooks."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings

from docs_scripts import load_script
from lrsched import (
    Constant,
    Cosine,
    CosineRestarts,
    Linear,
    Phases,
    Schedule,
    Warmup,
    WarmupStableDecay,
)
from lrsched.cli import summary, svg
from strategies import examples, trees

NS = {"svg": "http://www.w3.org/2000/svg"}
WARM = Warmup(steps=100, start_lr=0.0) >> Cosine(base_lr=1e-3, min_lr=1e-5, total_steps=900)
EDGES = [
    WARM | Constant(lr=1e-5),
    WARM * 1e-5,  # a 1e-8 scale
    Cosine(base_lr=1.7976931348623157e308, min_lr=0.0, total_steps=10),
    Constant(lr=0.1),
    Constant(lr=0.0),
    Constant(lr=0.5)[:1],
    Linear(base_lr=1.0, end_lr=0.0, total_steps=2**53),
    CosineRestarts(base_lr=1.0, min_lr=0.0, period=100, t_mult=2),
    Phases(phases=(*(Constant(lr=0.01 * (i + 1))[:10] for i in range(40)), Constant(lr=0.0))),
]


class Drawn:
    """The parts of a drawn SVG that the tests look at."""

    def __init__(self, s: Schedule) -> None:
        self.text = s._repr_svg_()
        self.root = ET.fromstring(self.text)
        box = [float(v) for v in self.root.attrib["viewBox"].split()]
        self.width, self.height = box[2], box[3]
        (line,) = self.root.findall("svg:polyline", NS)
        self.points = [tuple(map(float, p.split(","))) for p in line.attrib["points"].split()]
        self.texts = [(t, "".join(t.itertext())) for t in self.root.findall("svg:text", NS)]
        self.circles = {c.attrib["class"]: c for c in self.root.findall("svg:circle", NS)}

    def labels(self, anchor: str) -> list[tuple[float, float, str]]:
        """``(x, y, text)`` of the tick labels: ``end`` for the rates, ``middle`` for steps."""
        return [
            (float(t.attrib["x"]), float(t.attrib["y"]), text)
            for t, text in self.texts
            if t.attrib.get("text-anchor") == anchor
        ]


@pytest.mark.parametrize("s", [*examples(), *EDGES], ids=repr)
def test_the_svg_is_well_formed_and_inside_its_box(s: Schedule) -> None:
    drawn = Drawn(s)
    assert drawn.root.tag == "{http://www.w3.org/2000/svg}svg"
    assert (drawn.width, drawn.height) == (svg.WIDTH, svg.HEIGHT)
    assert len(drawn.points) >= 2
    for x, y in drawn.points:
        assert 0 <= x <= drawn.width
        assert 0 <= y <= drawn.height
    xs = [x for x, _ in drawn.points]
    assert xs == sorted(xs)
    assert set(drawn.circles) == {"start", "peak", "end"}
    for circle in drawn.circles.values():
        assert 0 <= float(circle.attrib["cx"]) <= drawn.width
        assert 0 <= float(circle.attrib["cy"]) <= drawn.height
    for _, text in drawn.texts:
        assert text.strip()


@pytest.mark.parametrize("s", [*examples(), *EDGES], ids=repr)
def test_ticks_are_labelled_round_and_in_order(s: Schedule) -> None:
    drawn = Drawn(s)
    rates = drawn.labels("end")
    steps = drawn.labels("middle")
    assert len(rates) >= 2
    assert steps
    # Rates rise up the axis, steps along it; every label is a number.
    values = [float(text) for _, _, text in rates]
    assert values == sorted(values)
    assert [y for _, y, _ in rates] == sorted((y for _, y, _ in rates), reverse=True)
    numbers = [float(text) for _, _, text in steps]
    assert numbers == sorted(numbers)
    assert numbers[0] == 0
    last = summary.default_steps(s)[0] - 1
    assert numbers[-1] <= last
    for x, _, text in steps:
        # The label stands under the point of its step.
        fraction = float(text) / max(last, 1)
        left, right = drawn.points[0][0], drawn.points[-1][0]
        assert math.isclose(x, left + (right - left) * fraction, abs_tol=0.02)
    for _, _, text in [*rates, *steps]:
        assert len(text) <= 8, text


def test_the_title_is_the_expression_escaped() -> None:
    s = WARM | Constant(lr=1e-5)
    drawn = Drawn(s)
    assert drawn.root.find("svg:title", NS).text == repr(s)  # type: ignore[union-attr]
    assert ">>" not in drawn.text  # escaped as &gt;&gt;
    assert "&gt;&gt;" in drawn.text
    title = [text for t, text in drawn.texts if t.attrib.get("font-family") == "monospace"]
    assert " ".join(title) == repr(s)
    shape = WarmupStableDecay(
        peak_lr=1.0, min_lr=0.0, start_lr=0.0, warmup_steps=5, total_steps=50,
        decay_steps=10, decay_shape="1-sqrt",
    )  # fmt: skip
    assert "'1-sqrt'" in " ".join(text for _, text in Drawn(shape).texts)


def test_a_long_expression_is_shortened() -> None:
    s = EDGES[-1]
    drawn = Drawn(s)
    title = [text for t, text in drawn.texts if t.attrib.get("font-family") == "monospace"]
    assert len(title) == svg.TITLE_LINES
    assert all(len(line) <= svg.MAX_TITLE for line in title)
    assert title[-1].endswith("...")
    tooltip = drawn.root.find("svg:title", NS).text  # type: ignore[union-attr]
    assert tooltip is not None
    assert len(tooltip) == svg.MAX_TOOLTIP
    assert repr(s).startswith(tooltip[:-3])


def test_start_peak_and_end_are_marked_where_they_are() -> None:
    s = WARM | Constant(lr=1e-5)
    drawn = Drawn(s)
    caption = next(text for _, text in drawn.texts if text.startswith("start "))
    assert caption == "start 0, peak 0.001 at step 100, end 1e-05 (steps 0 to 1249, never ends)"
    peak = drawn.circles["peak"]
    assert peak.find("svg:title", NS).text == "peak: 0.001 at step 100"  # type: ignore[union-attr]
    top = min(y for _, y in drawn.points)
    assert float(peak.attrib["cy"]) == top
    start, end = drawn.circles["start"], drawn.circles["end"]
    assert (float(start.attrib["cx"]), float(start.attrib["cy"])) == drawn.points[0]
    assert (float(end.attrib["cx"]), float(end.attrib["cy"])) == drawn.points[-1]


def test_endless_schedules_are_drawn_over_the_span_show_picks() -> None:
    cyclic = CosineRestarts(base_lr=1.0, min_lr=0.0, period=7, t_mult=1)
    caption = next(text for _, text in Drawn(cyclic).texts if text.startswith("start "))
    assert caption.endswith(f"(steps 0 to {summary.default_steps(cyclic)[0] - 1}, never ends)")
    assert summary.default_steps(cyclic)[0] == 21


def test_a_constant_is_a_flat_line_at_its_rate() -> None:
    drawn = Drawn(Constant(lr=0.1))
    assert len({y for _, y in drawn.points}) == 1
    rates = drawn.labels("end")
    assert rates[-1][2] == "0.1"
    assert math.isclose(rates[-1][1] - svg.FONT * 0.35, drawn.points[0][1], abs_tol=0.02)
    zero = Drawn(Constant(lr=0.0))
    assert {y for _, y in zero.points} == {max(y for _, y in zero.points)}  # on the axis


def test_tiny_and_huge_rates_keep_their_ticks() -> None:
    tiny = [text for _, _, text in Drawn(WARM * 1e-5).labels("end")]
    assert tiny == ["0", "2.5e-09", "5e-09", "7.5e-09", "1e-08"]
    huge = [text for _, _, text in Drawn(EDGES[2]).labels("end")]
    assert huge == ["0", "5e+307", "1e+308", "1.5e+308"]
    steps = [text for _, _, text in Drawn(EDGES[6]).labels("middle")]
    assert steps == ["0", "2e+15", "4e+15", "6e+15", "8e+15"]


@settings(max_examples=30, deadline=None)
@given(trees)
def test_any_tree_draws_inside_its_box(s: Schedule) -> None:
    drawn = Drawn(s)
    assert all(0 <= x <= drawn.width and 0 <= y <= drawn.height for x, y in drawn.points)
    assert re.fullmatch(r"[\x09\x0a\x0d\x20-\x7e]*", drawn.text)  # plain ASCII XML


def test_notebooks_print_the_repr_and_show_the_svg() -> None:
    assert "_repr_pretty_" not in vars(Schedule)
    assert "_repr_html_" not in vars(Schedule)
    s = WARM | Constant(lr=1e-5)
    assert s._repr_svg_() == svg.svg(s)
    pretty = pytest.importorskip("IPython.lib.pretty", reason="IPython is optional")
    formatters = pytest.importorskip("IPython.core.formatters")
    assert pretty.pretty(s) == repr(s)
    data, _ = formatters.DisplayFormatter().format(s)
    assert data["text/plain"] == repr(s)
    assert data["image/svg+xml"] == s._repr_svg_()


class _BelowZero:
    """Stands in for a composite such as ``0.5 - s``, which may go below zero."""

    duration = 40

    def __call__(self, step: int) -> float:
        return 0.5 - step / 40

    def __repr__(self) -> str:
        return "0.5 - Linear(base_lr=0.0, end_lr=1.0, total_steps=40)"


def test_a_curve_below_zero_gets_a_zero_line_and_stays_in_its_box() -> None:
    text = svg.svg(_BelowZero())  # type: ignore[arg-type]
    root = ET.fromstring(text)
    (line,) = root.findall("svg:polyline", NS)
    points = [tuple(map(float, p.split(","))) for p in line.attrib["points"].split()]
    assert all(0 <= x <= svg.WIDTH and 0 <= y <= svg.HEIGHT for x, y in points)
    rates = [
        float("".join(t.itertext()))
        for t in root.findall("svg:text", NS)
        if t.attrib.get("text-anchor") == "end"
    ]
    assert rates[0] < 0 < rates[-1]
    assert 0.0 in rates
    grey = [x for x in root.findall("svg:line", NS) if x.attrib.get("stroke") == "#999"]
    assert len(grey) == 1  # the zero line


def test_the_guide_shows_what_a_notebook_draws() -> None:
    root = Path(__file__).parent.parent
    module = load_script("make_reference.py")
    written = (root / "docs" / "img" / "notebook.svg").read_text(encoding="utf-8")
    assert written == module.notebook(), (
        "docs/img/notebook.svg is stale: run uv run python docs/make_reference.py"
    )
    assert "](img/notebook.svg)" in (root / "docs" / "guide.md").read_text(encoding="utf-8")
