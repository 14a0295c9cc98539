"""Every registered node class has what a schedule needs, and a failure names what is
missing: a rule per evaluator, its export, a strategy, an example, a reference entry, a
pickle under ``lrsched``. The golden records are checked by ``tests/test_golden.py``.

A new schedule that forgets one of these fails here by name, instead of passing the
tests that loop over hand-kept lists it was never added to.
"""

from __future__ import annotations

import io
import pickle
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrsched
from lrsched import Schedule, UnsupportedNodeError, value_range
from lrsched.core import registry
from lrsched.core.node import Node
from lrsched.core.registry import ARRAY, EVALUATORS, RANGE, SCALAR
from lrsched.core.schedule import Expanding
from strategies import EXAMPLES, STRATEGIES, nodes_in

REFERENCE = Path(__file__).parent.parent / "docs" / "reference.md"
CLASSES = registry.node_classes()


def test_the_registry_knows_every_node_class() -> None:
    # The other tests loop over the registry: an empty one would pass them all.
    assert {"Constant", "Cosine", "WarmupStableDecay", "Phases", "Warmup"} <= set(CLASSES)
    assert all(registry.is_node_class(cls) for cls in CLASSES.values())


def needs_rules(cls: type) -> bool:
    """A schedule class that runs its own rules: not an ``Expanding`` class (its tree's
    rules run) nor an operand such as ``Warmup`` (not a schedule, never evaluated)."""
    return issubclass(cls, Schedule) and not issubclass(cls, Expanding)


def test_every_schedule_class_has_a_rule_for_each_evaluator() -> None:
    missing = [
        entry for entry in registry.missing_rules() if needs_rules(CLASSES[entry.split(":")[0]])
    ]
    assert not missing, f"register @rule(KIND, Cls) beside the class for: {missing}"


def test_an_expanding_class_runs_rules_for_its_whole_tree() -> None:
    # Exempt from rules of its own, its expansion must use only classes that have them.
    for name, cls in sorted(CLASSES.items()):
        if not issubclass(cls, Expanding):
            continue
        for schedule in EXAMPLES.get(cls, []):
            for node in nodes_in(schedule.expand()):  # type: ignore[attr-defined]
                for kind in EVALUATORS:
                    if isinstance(node, Schedule):
                        assert registry.find(kind, node) is not None, (name, kind, node)


def exported_node_classes() -> dict[str, type]:
    return {
        name: value
        for name in lrsched.__all__
        if isinstance(value := getattr(lrsched, name), type)
        and issubclass(value, Node)
        and value is not Schedule
    }


def test_every_registered_class_is_exported_under_its_name() -> None:
    missing = sorted(name for name in CLASSES if getattr(lrsched, name, None) is not CLASSES[name])
    assert not missing, f"export these from lrsched and list them in __all__: {missing}"
    unlisted = sorted(set(CLASSES) - set(lrsched.__all__))
    assert not unlisted, f"add these to lrsched.__all__: {unlisted}"


def test_every_exported_node_class_is_registered() -> None:
    unregistered = sorted(set(exported_node_classes()) - set(CLASSES))
    assert not unregistered, f"decorate these with @register: {unregistered}"


def test_every_registered_class_has_a_strategy() -> None:
    missing = sorted(name for name, cls in CLASSES.items() if cls not in STRATEGIES)
    assert not missing, f"add a strategy to STRATEGIES in tests/strategies.py for: {missing}"
    unknown = sorted(cls.__name__ for cls in STRATEGIES if not registry.is_node_class(cls))
    assert not unknown, f"STRATEGIES lists classes the registry does not know: {unknown}"


@pytest.mark.parametrize("name", sorted(set(CLASSES) & {c.__name__ for c in STRATEGIES}))
@settings(max_examples=5)
@given(data=st.data())
def test_each_strategy_draws_its_class(name: str, data: st.DataObject) -> None:
    assert type(data.draw(STRATEGIES[CLASSES[name]])) is CLASSES[name]


def test_every_registered_class_has_an_example() -> None:
    missing = sorted(
        name
        for name, cls in CLASSES.items()
        if not any(type(node) is cls for s in EXAMPLES.get(cls, []) for node in nodes_in(s))
    )
    assert not missing, f"add a schedule using each to EXAMPLES in tests/strategies.py: {missing}"


def test_every_registered_class_has_a_reference_section() -> None:
    headings = set(re.findall(r"^## (\w+)$", REFERENCE.read_text("utf-8"), re.MULTILINE))
    missing = sorted(set(CLASSES) - headings)
    assert not missing, f"no docs/reference.md section for {missing}: run docs/make_reference.py"


class _Recorder(pickle.Unpickler):
    """Records the ``(module, name)`` of every class a pickle names."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.named: set[tuple[str, str]] = set()

    def find_class(self, module: str, name: str) -> Any:
        self.named.add((module, name))
        return super().find_class(module, name)


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_every_class_pickles_as_lrsched_name(name: str) -> None:
    cls = CLASSES[name]
    assert (cls.__module__, cls.__qualname__) == ("lrsched", name)
    schedule = next(s for s in EXAMPLES[cls] if any(type(n) is cls for n in nodes_in(s)))
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        recorder = _Recorder(pickle.dumps(schedule, protocol=protocol))
        assert recorder.load() == schedule
        assert ("lrsched", name) in recorder.named
        private = sorted(m for m, _ in recorder.named if m.startswith("lrsched."))
        assert not private, f"{name} pickles name private modules {private}"


# The registration mechanism itself, on a class local to these tests -----------------------


@dataclass(frozen=True)
class Probe(Schedule):
    """A schedule only these tests know: 0.125 per step."""

    @property
    def duration(self) -> int | None:
        return None


def _scalar(node: Probe) -> Any:
    return lambda k: 0.125 * k


def _array(node: Probe) -> Any:
    return lambda xp, k: 0.125 * k


def _range(node: Probe) -> Any:
    return (0.0, 1.0)


def probe_entries() -> list[str]:
    return [entry for entry in registry.missing_rules() if entry.startswith("Probe:")]


def test_rules_registered_for_a_new_class_are_found_then_removed() -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(registry._CLASSES, "Probe", Probe)
        assert probe_entries() == ["Probe: scalar", "Probe: array", "Probe: range"]
        for kind, found in ((SCALAR, _scalar), (ARRAY, _array), (RANGE, _range)):
            patch.setitem(registry._RULES[kind], Probe, found)
        assert probe_entries() == []
        assert registry.find(SCALAR, Probe()) is _scalar
        assert Probe()(8) == 1.0
        assert value_range(Probe()) == (0.0, 1.0)
        np = pytest.importorskip("numpy")
        assert lrsched.evaluate(Probe(), np.array([0, 4])).tolist() == [0.0, 0.5]
    assert "Probe" not in registry._CLASSES
    assert all(Probe not in table for table in registry._RULES.values())
    with pytest.raises(UnsupportedNodeError):
        value_range(Probe())


def test_a_subclass_finds_its_base_rule() -> None:
    class Sub(Probe):
        pass

    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(registry._RULES[SCALAR], Probe, _scalar)
        assert registry.find(SCALAR, Sub()) is _scalar
    assert registry.find(SCALAR, Sub()) is None


@pytest.mark.parametrize("kind", EVALUATORS)
def test_require_names_the_evaluator_and_the_class(kind: str) -> None:
    with pytest.raises(UnsupportedNodeError, match=f"the {kind} evaluator has no rule for Probe"):
        registry.require(kind, Probe())


def test_no_test_leaves_a_class_or_rule_registered() -> None:
    # Module-level classes of the suite (Probe, Mystery) must never stay in the registry.
    assert all(cls.__module__ == "lrsched" for cls in CLASSES.values())
    for kind, table in registry._RULES.items():
        strays = [cls.__name__ for cls in table if not cls.__module__.startswith("lrsched")]
        assert not strays, f"{kind} rules registered by tests and never removed: {strays}"


@pytest.mark.parametrize("kind", registry.TRANSFORMS)
def test_every_node_class_has_a_rule_for_each_transform(kind: str) -> None:
    missing = registry.lacking(kind)
    assert not missing, (
        f"register @rule({kind.upper()}, Cls) in lrsched/transforms/{kind}.py for: {missing}"
    )
