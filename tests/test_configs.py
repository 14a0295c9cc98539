"""Configs without Hydra: tuple fields take any sequence, and the ``_target_`` form
(``lrsched.to_hydra``) goes through JSON and back through ``from_dict``. The same with
the real hydra-core and omegaconf is in tests/integrations/test_hydra.py."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any, overload

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrsched
from lrsched import (
    ConfigError,
    Constant,
    Interpolate,
    MultiStep,
    ParameterTypeError,
    ParameterValueError,
    Phases,
    Schedule,
    TreeSizeError,
    from_dict,
    to_hydra,
)
from lrsched.core.node import Node, _sequence_fields
from lrsched.core.registry import node_classes
from strategies import examples, mutated, nodes_in, trees


class Listish(Sequence[Any]):
    """A sequence that is neither a tuple nor a list, as OmegaConf's ListConfig is."""

    def __init__(self, items: Sequence[Any]) -> None:
        self._items = list(items)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Listish({self._items!r})"


def _loosened(value: object, make: type) -> object:
    """``value`` with every tuple in it (the pairs inside too) made a ``make``."""
    if isinstance(value, tuple):
        return make([_loosened(item, make) for item in value])
    return value


def test_the_classes_with_tuple_fields_are_found() -> None:
    found = {name: _sequence_fields(cls) for name, cls in node_classes().items()}
    assert found["Phases"] == {"phases"}
    assert found["MultiStep"] == {"milestones"}
    assert found["Interpolate"] == {"points"}
    assert found["Constant"] == frozenset()


@pytest.mark.parametrize("make", [list, Listish])
@pytest.mark.parametrize("s", examples(), ids=repr)
def test_every_tuple_field_takes_any_sequence(s: Schedule, make: type) -> None:
    """Each node of each example, rebuilt with its tuples as lists or another sequence
    type, is an equal node that prints alike and holds tuples."""
    for node in nodes_in(s):
        cls = type(node)
        given = {f.name: getattr(node, f.name) for f in fields(node)}  # type: ignore[arg-type]
        loose = {
            name: _loosened(value, make) if name in _sequence_fields(cls) else value
            for name, value in given.items()
        }
        rebuilt = cls(**loose)
        assert rebuilt == node
        assert repr(rebuilt) == repr(node)
        for name in _sequence_fields(cls):
            value = getattr(rebuilt, name)
            assert type(value) is tuple
            assert all(type(item) is not list for item in value)


def test_nested_pairs_become_tuples() -> None:
    s = Interpolate(points=Listish([[0, 1.0], Listish([5, 0.5])]), shape="linear")  # type: ignore[arg-type]
    assert s.points == ((0, 1.0), (5, 0.5))
    assert type(s.points[1]) is tuple
    assert hash(s) == hash(Interpolate(points=((0, 1.0), (5, 0.5)), shape="linear"))


def test_phases_take_a_list_of_schedules() -> None:
    s = Phases(phases=Listish([Constant(lr=1.0)[:3], Constant(lr=0.5)]))  # type: ignore[arg-type]
    assert s == Constant(lr=1.0)[:3] | Constant(lr=0.5)
    assert s(3) == 0.5


@pytest.mark.parametrize("text", ["5,10", b"\x05\x0a", bytearray(b"\x05")])
@pytest.mark.parametrize(
    ("cls", "name", "others"),
    [
        (MultiStep, "milestones", {"base_lr": 1.0, "gamma": 0.5}),
        (Interpolate, "points", {"shape": "linear"}),
        (Phases, "phases", {}),
    ],
)
def test_text_is_not_a_sequence_of_values(
    cls: type[Node], name: str, others: dict[str, Any], text: object
) -> None:
    with pytest.raises(ParameterTypeError, match=f"{name} must be a sequence .* got text"):
        cls(**others, **{name: text})


def test_a_mapping_among_the_items_says_what_to_do() -> None:
    """A list of schedules that Hydra's default conversion turned into mappings."""
    with pytest.raises(ParameterTypeError, match=r"each of phases .* got a mapping.*_convert_"):
        Phases(phases=[{"lr": 1.0}, Constant(lr=1.0)])  # type: ignore[arg-type]


def test_an_unreadable_item_is_a_library_error() -> None:
    class Broken(Listish):
        def __getitem__(self, index: Any) -> Any:
            if index == 1:
                raise KeyError("trainer.warmup")
            return super().__getitem__(index)

    with pytest.raises(ParameterValueError, match="milestones could not be read: KeyError"):
        MultiStep(base_lr=1.0, gamma=0.5, milestones=Broken([1, 2]))  # type: ignore[arg-type]


def test_other_iterables_are_left_to_the_fields_own_checks() -> None:
    assert MultiStep(base_lr=1.0, gamma=0.5, milestones={9, 3}).milestones == (3, 9)  # type: ignore[arg-type]
    with pytest.raises(ParameterTypeError, match="phases must be a tuple of schedules"):
        Phases(phases=iter([Constant(lr=1.0)[:1], Constant(lr=1.0)]))  # type: ignore[arg-type]


def test_a_huge_sequence_is_refused_before_it_is_copied() -> None:
    class Huge(Sequence[Any]):
        def __len__(self) -> int:
            return lrsched.MAX_SIZE + 1

        def __getitem__(self, index: Any) -> Any:
            raise AssertionError("read before its size was checked")

    with pytest.raises(TreeSizeError, match="milestones has entries"):
        MultiStep(base_lr=1.0, gamma=0.5, milestones=Huge())  # type: ignore[arg-type]
    pairs = [[0, 1.0], Huge()]
    with pytest.raises(TreeSizeError, match=r"points has entries \(counting those of its items"):
        Interpolate(points=pairs, shape="linear")  # type: ignore[arg-type]


# The _target_ form.


def test_the_target_form_of_a_composite() -> None:
    s = (lrsched.Warmup(steps=5, start_lr=0.0) >> Constant(lr=1.0))[:20] | Interpolate(
        points=((0, 1.0), (10, 0.0)), shape="linear"
    )
    assert to_hydra(s) == {
        "_target_": "lrsched.Phases",
        "_convert_": "all",
        "phases": [
            {
                "_target_": "lrsched.Bounded",
                "schedule": {
                    "_target_": "lrsched.WithWarmup",
                    "warmup": {"_target_": "lrsched.Warmup", "steps": 5, "start_lr": 0.0},
                    "schedule": {"_target_": "lrsched.Constant", "lr": 1.0},
                },
                "steps": 20,
            },
            {"_target_": "lrsched.Interpolate", "points": [[0, 1.0], [10, 0.0]], "shape": "linear"},
        ],
    }


def _targets(data: object) -> Iterator[str]:
    if isinstance(data, dict):
        assert "type" not in data
        assert "version" not in data
        yield data["_target_"]
        for value in data.values():
            yield from _targets(value)
    elif isinstance(data, list):
        for item in data:
            yield from _targets(item)


@given(trees)
def test_the_target_form_round_trips_through_json(s: Schedule) -> None:
    data = to_hydra(s)
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert from_dict(json.loads(json.dumps(data))) == s
    targets = list(_targets(data))
    assert targets
    assert all(isinstance(t, str) and t.startswith("lrsched.") for t in targets)
    assert all(getattr(lrsched, t.removeprefix("lrsched.")) for t in targets)


@pytest.mark.parametrize("s", examples(), ids=repr)
def test_every_class_has_a_target_form(s: Schedule) -> None:
    assert from_dict(to_hydra(s)) == s


def test_hydra_keys_are_read_where_they_change_nothing() -> None:
    data = {
        "_target_": "lrsched.Bounded",
        "_convert_": "partial",
        "_recursive_": True,
        "_partial_": False,
        "schedule": {"_target_": "lrsched.Constant", "lr": 1, "_convert_": "none"},
        "steps": 3,
    }
    assert from_dict(data) == Constant(lr=1.0)[:3]


def _constant(**more: object) -> dict[str, object]:
    return {"_target_": "lrsched.Constant", "lr": 1.0, **more}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"_target_": "os.system"}, "'os.system' is not an lrsched schedule class"),
        ({"_target_": "lrsched.Cosin"}, "did you mean 'lrsched.Cosine'?"),
        ({"_target_": "lrsched.evaluate"}, "'lrsched.evaluate' is not an lrsched schedule"),
        ({"_target_": "lrsched.core.node.Node"}, "is not an lrsched schedule class"),
        ({"_target_": None}, "None is not an lrsched schedule class"),
        ({"_target_": ["lrsched.Constant"]}, "is not an lrsched schedule class"),
        (_constant(version=1), "the top level: the _target_ form has no 'version'"),
        (_constant(type="Constant"), "by '_target_' or 'type', not both"),
        (_constant(_partial_=True), "_partial_: must be false"),
        (_constant(_recursive_=False), "_recursive_: must be true"),
        (_constant(_convert_="ALL"), "_convert_: must be one of 'none', 'partial', 'all'"),
        (_constant(_args_=[1]), "_args_: Constant has no field '_args_'"),
        (
            {"_target_": "lrsched.Phases", "phases": [{"type": "Constant", "lr": 1.0}]},
            "phases[0]: missing '_target_'",
        ),
        (
            {"version": 1, "type": "Bounded", "steps": 2, "schedule": _constant()},
            "schedule: missing 'type' (the name of a schedule class) (a dict form's nodes",
        ),
        (
            {"_target_": "lrsched.Bounded", "steps": 0, "schedule": _constant()},
            "steps must be an int >= 1",
        ),
        ({"_target_": "lrsched.Warmup", "steps": 2, "start_lr": 0.0}, "not a schedule on its own"),
    ],
)
def test_target_form_errors_name_the_path(data: Any, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        from_dict(data)
    assert message in str(info.value)


def test_a_target_is_looked_up_never_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "lrsched_canary.py").write_text(
        "import pathlib\npathlib.Path(__file__).with_name('imported').touch()\nThing = 1\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for target in ["lrsched_canary.Thing", "lrsched.lrsched_canary.Thing"]:
        with pytest.raises(ConfigError, match="is not an lrsched schedule class"):
            from_dict({"_target_": target})
    assert "lrsched_canary" not in sys.modules
    assert not (tmp_path / "imported").exists()


# Hostile data in the _target_ form fails as cleanly as in the dict form.

_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**400), 10**400),
        st.floats(),
        st.text(max_size=8),
        st.sampled_from([f"lrsched.{name}" for name in sorted(node_classes())]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(
                st.sampled_from(["_target_", "_convert_", "lr", "phases", "schedule", "steps"]),
                st.text(max_size=5),
            ),
            children,
            max_size=4,
        ),
    ),
    max_leaves=20,
)


@settings(max_examples=300)
@given(
    st.one_of(
        _values.map(lambda d: {"_target_": "lrsched.Phases", "phases": d}),
        _values.map(lambda d: {"_target_": d}),
        mutated(to_hydra, _values),
    )
)
def test_fuzz_target_forms_raise_only_library_errors(data: Any) -> None:
    try:
        s = from_dict(data)
    except lrsched.ScheduleError:
        return
    assert isinstance(s, Schedule)
    assert from_dict(to_hydra(s)) == s


def test_a_shared_part_of_a_target_form_is_decoded_once() -> None:
    part: dict[str, Any] = {
        "_target_": "lrsched.Bounded",
        "steps": 1,
        "schedule": {"_target_": "lrsched.Constant", "lr": 1},
    }
    for _ in range(12):
        part = {"_target_": "lrsched.Phases", "phases": [part, part]}
    s = from_dict(part)
    assert len(s.phases) == 2**12  # type: ignore[attr-defined]
    loop: dict[str, Any] = {"_target_": "lrsched.Bounded", "steps": 1}
    loop["schedule"] = loop
    with pytest.raises(ConfigError, match="contains itself"):
        from_dict(loop)
