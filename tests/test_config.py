"""to_dict / from_dict: the versioned, JSON-ready dict form of every schedule."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrsched
from lrsched import (
    ConfigError,
    Constant,
    Cosine,
    MultiStep,
    Schedule,
    ScheduleError,
    Warmup,
    from_dict,
)
from lrsched.core.node import Node
from lrsched.core.registry import node_classes
from lrsched.forms import config
from strategies import mutated, trees, warmups


def _plain(value: object) -> bool:
    """Only dicts with str keys, lists, str, numbers, bools and None, all the way down."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    return value is None or isinstance(value, (str, int, float, bool))


@given(trees)
def test_round_trip(s: Schedule) -> None:
    d = s.to_dict()
    assert _plain(d)
    assert d["version"] == config.FORMAT_VERSION
    assert from_dict(d) == s


@given(trees)
def test_round_trip_through_json(s: Schedule) -> None:
    text = json.dumps(s.to_dict())
    assert from_dict(json.loads(text)) == s


@given(trees)
def test_version_only_at_the_top_and_types_everywhere(s: Schedule) -> None:
    def walk(node: dict[str, Any], top: bool) -> None:
        assert ("version" in node) == top
        cls = getattr(lrsched, node["type"])
        fields = dataclasses.fields(cls)
        names = {f.name for f in fields}
        required = {f.name for f in fields if f.default is dataclasses.MISSING}
        assert required <= set(node) - {"type", "version"} <= names
        for f in fields:  # a field is left out only when it holds its default
            if f.name not in node:
                assert f.default is not dataclasses.MISSING
        for value in node.values():
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, dict):
                    walk(child, top=False)

    walk(s.to_dict(), top=True)


def test_the_format_of_a_composite() -> None:
    s = MultiStep(base_lr=1.0, milestones=(5, 2), gamma=0.5)[:50] * 0.5
    assert s.to_dict() == {
        "version": 1,
        "type": "Scaled",
        "schedule": {
            "type": "Bounded",
            "schedule": {"type": "MultiStep", "base_lr": 1.0, "milestones": [2, 5], "gamma": 0.5},
            "steps": 50,
        },
        "factor": 0.5,
    }


@given(warmups)
def test_a_warmup_has_a_dict_form_but_is_not_a_schedule_alone(w: Warmup) -> None:
    d = w.to_dict()
    assert {
        "version": 1,
        "type": "Warmup",
        "steps": w.steps,
        "start_lr": w.start_lr,
    }.items() <= d.items()
    with pytest.raises(ConfigError, match="Warmup, which is not a schedule"):
        from_dict(d)


def _cosine(total: object = 10) -> dict[str, object]:
    return {"type": "Cosine", "base_lr": 1.0, "min_lr": 0.0, "total_steps": total}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1], "must be a mapping"),
        ({"type": "Constant", "lr": 1}, "needs a 'version' key"),
        ({"version": "1", "type": "Constant", "lr": 1}, "version must be an int"),
        ({"version": True, "type": "Constant", "lr": 1}, "version must be an int"),
        ({"version": 0, "type": "Constant", "lr": 1}, "version must be an int >= 1"),
        ({"version": 2, "type": "Constant", "lr": 1}, "format version 2, written by a newer"),
        ({"version": 1, "lr": 1}, "the top level: missing 'type'"),
        ({"version": 1, "type": "Cosin"}, "type: unknown type 'Cosin'; did you mean 'Cosine'?"),
        ({"version": 1, "type": 3}, "type: unknown type 3; known: Bounded, Constant"),
        # Only a string is matched against the names: str(None) must not suggest 'Cosine'.
        ({"version": 1, "type": None}, "type: unknown type None; known: Bounded, Constant"),
        ({"version": 1, "type": ["Cosine"]}, "type: unknown type ['Cosine']; known: Bounded"),
        ({"version": 1, "type": "Constant", "lr": 1, "gamma": 2}, "gamma: Constant has no field"),
        ({"version": 1, "type": "Cosine", "base_lr": 1.0}, "min_lr: missing (required by Cosine)"),
        ({"version": 1, "type": "Constant", 1: 2}, "keys must be strings"),
        ({"version": 1, "type": "Constant", "lr": b"1"}, "lr: b'1' (bytes) is not allowed"),
        ({"version": 1, "type": "Constant", "lr": "1e-5"}, "lr must be a real number"),
        (
            {"version": 1, "type": "Constant", "lr": 10**400},
            "lr must be a finite number, got an int of 401 digits",
        ),
        (
            {"version": 1, "type": "Phases", "phases": [_cosine(), _cosine(0)]},
            "phases[1].total_steps must be an int >= 1, got 0",
        ),
        (
            {"version": 1, "type": "Phases", "phases": [_cosine(), {**_cosine(), "version": 1}]},
            "phases[1]: 'version' belongs at the top level only",
        ),
        (
            {"version": 1, "type": "Phases", "phases": [{"type": "Constant", "lr": 1}, _cosine()]},
            "the top level (Phases): Constant(lr=1.0) never ends",
        ),
        (
            {"version": 1, "type": "Scaled", "schedule": _cosine([1]), "factor": 2},
            "schedule.total_steps must be an int, got (1,)",
        ),
        (
            {"version": 1, "type": "Scaled", "schedule": {"type": "Nope"}, "factor": 2},
            "schedule.type: unknown type 'Nope'",
        ),
        (
            {"version": 1, "type": "Bounded", "schedule": _cosine(), "steps": 0},
            "steps must be an int >= 1",
        ),
    ],
)
def test_errors_name_the_path(data: Any, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        from_dict(data)
    assert message in str(info.value)


def test_library_errors_are_chained() -> None:
    with pytest.raises(ConfigError) as info:
        from_dict({"version": 1, "type": "Constant", "lr": -1})
    assert isinstance(info.value.__cause__, lrsched.ParameterValueError)


def test_deep_nesting_is_a_config_error() -> None:
    data: dict[str, Any] = {"type": "Constant", "lr": 1.0}
    for _ in range(5000):
        data = {"type": "Scaled", "schedule": data, "factor": 1.0}
    with pytest.raises(ConfigError, match="nested too deeply"):
        from_dict({"version": 1, **data})


def test_fields_with_defaults_may_be_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """A release that adds a field with a default still reads dicts written before it."""

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Later(Constant):
        boost: float = 1.0

    monkeypatch.setitem(node_classes(), "Later", Later)
    assert from_dict({"version": 1, "type": "Later", "lr": 0.5}) == Later(lr=0.5)
    # Written only when it differs from the default, so old dicts stay the same.
    assert Later(lr=0.5).to_dict() == {"version": 1, "type": "Later", "lr": 0.5}
    assert Later(lr=0.5, boost=2.0).to_dict()["boost"] == 2.0
    assert from_dict(Later(lr=0.5, boost=2.0).to_dict()) == Later(lr=0.5, boost=2.0)


def test_earlier_versions_are_upgraded_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    def rename_lr(body: dict[str, Any]) -> dict[str, Any]:
        return {"type": body["type"], "lr": body["rate"]}

    def identity(body: dict[str, Any]) -> dict[str, Any]:
        return body

    monkeypatch.setattr(config, "FORMAT_VERSION", 3)
    monkeypatch.setattr(config, "UPGRADES", {1: rename_lr, 2: identity})
    assert from_dict({"version": 1, "type": "Constant", "rate": 0.5}) == Constant(lr=0.5)
    assert from_dict({"version": 3, "type": "Constant", "lr": 0.5}) == Constant(lr=0.5)
    assert Constant(lr=0.5).to_dict()["version"] == 3


def test_only_exported_types_and_plain_values_are_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Private(Constant):
        pass

    with pytest.raises(ConfigError, match="Private is not an exported lrsched type"):
        Private(lr=1.0).to_dict()

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Odd(Node):
        thing: object

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Typed(Node):
        type: str

    monkeypatch.setitem(node_classes(), "Odd", Odd)
    monkeypatch.setitem(node_classes(), "Typed", Typed)
    with pytest.raises(ConfigError, match="thing: a set value has no dict form"):
        Odd(thing={1}).to_dict()
    with pytest.raises(ConfigError, match="field named 'type', a reserved key"):
        Typed(type="x").to_dict()


def test_a_toml_config() -> None:
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from 3.11")
    text = """
        version = 1
        type = "Phases"

        [[phases]]
        type = "Bounded"
        steps = 500
        schedule = { type = "Cosine", base_lr = 1e-3, min_lr = 1e-5, total_steps = 900 }

        [[phases]]
        type = "Constant"
        lr = 1e-5
    """
    expected = Cosine(base_lr=1e-3, min_lr=1e-5, total_steps=900)[:500] | Constant(lr=1e-5)
    assert from_dict(tomllib.loads(text)) == expected


def test_config_error_fits_the_hierarchy() -> None:
    assert issubclass(ConfigError, ScheduleError)
    assert issubclass(ConfigError, ValueError)


# Fuzzing: random JSON-like data, and valid dicts with one part changed.
def _containers(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    # A def, not a multi-line lambda: Hypothesis reads extend's source to check that it
    # recurses, and the source of a lambda spanning lines is not always recoverable
    # (after some imports it fails with a HypothesisDeprecationWarning, an error here).
    return st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(["type", "version", "lr", "phases", "schedule"]), st.text()),
            children,
            max_size=4,
        ),
    )


_json = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**400), 10**400),
        st.floats(),
        st.text(max_size=8),
        st.sampled_from(sorted(lrsched.core.registry.node_classes())),
    ),
    _containers,
    max_leaves=20,
)


@settings(max_examples=300)
@given(
    st.one_of(
        _json,
        _json.map(lambda d: {"version": 1, "type": "Phases", "phases": d}),
        mutated(lambda s: s.to_dict(), _json),
    )
)
def test_fuzz_only_library_errors_escape(data: Any) -> None:
    try:
        s = from_dict(data)
    except ScheduleError:
        return
    assert isinstance(s, Schedule)
    assert from_dict(s.to_dict()) == s


def test_cosine_example_in_the_guide_shape() -> None:
    d = Cosine(base_lr=1.0, min_lr=0.0, total_steps=10).to_dict()
    assert list(d) == ["version", "type", "base_lr", "min_lr", "total_steps"]
