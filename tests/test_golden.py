"""Golden files: what 0.2.0 wrote (pickles, dict forms, reprs, values) reads back the same.

The files under tests/golden/ are written once by the release in their name
(tests/golden/make_golden.py) and never regenerated.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import lrsched
from lrsched import Schedule, from_dict, parse
from lrsched.core.node import Node

GOLDEN = Path(__file__).parent / "golden"
PICKLES = sorted(GOLDEN.glob("v*.pkl"))
DICTS = sorted(GOLDEN.glob("v*-dicts.json"))


def _node_types(node: object) -> set[str]:
    """The names of the node classes in a tree."""
    if not isinstance(node, Node):
        if isinstance(node, tuple):
            return set().union(*(_node_types(item) for item in node))
        return set()
    found = {type(node).__name__}
    for name in node.__dataclass_fields__:  # type: ignore[attr-defined]
        found |= _node_types(getattr(node, name))
    return found


def _pickled_records() -> list[tuple[Schedule, str, list[float]]]:
    return [record for path in PICKLES for record in pickle.loads(path.read_bytes())["records"]]


def _warmup_shapes(node: object) -> set[str]:
    if isinstance(node, lrsched.WithWarmup):
        return {node.warmup.shape} | _warmup_shapes(node.schedule)
    if isinstance(node, Node):
        return set().union(*(_warmup_shapes(getattr(node, f)) for f in node.__dataclass_fields__))  # type: ignore[attr-defined]
    if isinstance(node, tuple):
        return set().union(*(_warmup_shapes(item) for item in node))
    return set()


@pytest.mark.parametrize("path", DICTS, ids=lambda p: p.name)
def test_golden_dict_forms_read_back_the_same(path: Path) -> None:
    data: dict[str, Any] = json.loads(path.read_text())
    assert len(data["records"]) >= 4
    for record in data["records"]:
        schedule = from_dict(record["dict"])
        assert repr(schedule) == record["repr"]
        assert parse(record["repr"]) == schedule
        assert schedule.to_dict() == record["dict"]
        assert [schedule(k) for k in data["steps"]] == record["values"]


def test_golden_pickles_and_dicts_describe_the_same_schedules() -> None:
    pickled = [text for _, text, _ in _pickled_records()]
    dicts = [r["repr"] for path in DICTS for r in json.loads(path.read_text())["records"]]
    assert sorted(pickled) == sorted(dicts)


def test_every_node_class_is_in_a_golden_file() -> None:
    exported = {
        name
        for name in lrsched.__all__
        if isinstance(getattr(lrsched, name), type)
        and issubclass(getattr(lrsched, name), Node)
        and hasattr(getattr(lrsched, name), "__dataclass_fields__")
    }
    found = set().union(*(_node_types(s) for s, _, _ in _pickled_records()))
    missing = sorted(exported - found)
    assert not missing, (
        f"no golden pickle holds {', '.join(missing)}: add them to a new file in "
        "tests/golden/make_golden.py (never rewrite an existing one)"
    )


def test_every_warmup_shape_is_in_a_golden_file() -> None:
    from lrsched.core.shapes import WARMUP_SHAPES

    found = set().union(*(_warmup_shapes(s) for s, _, _ in _pickled_records()))
    assert found == set(WARMUP_SHAPES)
