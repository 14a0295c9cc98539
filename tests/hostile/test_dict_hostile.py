"""Hostile data given to ``lrsched.from_dict``: each test names the class of defect of
issue 8 that it guards (3 expansion through shared parts, 7 huge ints, 9 messages)."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lrsched import Bounded, ConfigError, Constant, Schedule, from_dict

GOLDEN = Path(__file__).parent.parent / "golden" / "v0.2.0-dicts.json"
HUGE = 10**5000


def _doubling(levels: int) -> dict[str, Any]:
    """A dict form whose Phases holds its previous level twice, by reference: a few
    hundred objects spelling out ``2 ** levels`` phases."""
    part: dict[str, Any] = {
        "type": "Bounded",
        "steps": 1,
        "schedule": {"type": "Constant", "lr": 1},
    }
    for _ in range(levels):
        part = {"type": "Phases", "phases": [part, part]}
    return {"version": 1, **part}


@pytest.fixture
def bounded_built(monkeypatch: pytest.MonkeyPatch) -> list[Bounded]:
    built: list[Bounded] = []
    check = Bounded.__post_init__

    def counted(self: Bounded) -> None:
        check(self)
        built.append(self)

    monkeypatch.setattr(Bounded, "__post_init__", counted)
    return built


def test_class3_a_shared_mapping_is_decoded_once(bounded_built: list[Bounded]) -> None:
    """Class 3: a mapping met at many places is decoded once and its node shared; 0.2.0
    decoded it at every place, so sharing doubled the work at each level."""
    s = from_dict(_doubling(12))
    assert len(s.phases) == 2**12  # type: ignore[attr-defined]
    assert len(bounded_built) == 1
    assert all(phase is bounded_built[0] for phase in s.phases)  # type: ignore[attr-defined]
    pair = [5, 0.5]  # a list shared by reference is decoded once too
    points = [[0, 1.0], pair, [9, 0.25]]
    leaf = {"type": "Interpolate", "points": points, "shape": "linear"}
    s = from_dict({"version": 1, "type": "Phases", "phases": [leaf, leaf, {**leaf}]})
    assert isinstance(s, Schedule)
    assert s(5) == s(9 + 5) == 0.5


def test_class3_doubling_is_refused_by_the_size_cap_with_a_path() -> None:
    """Class 3: 30 doublings (2**30 phases) fail fast with the constructors' size cap,
    wrapped as a ConfigError naming the path. Run in a subprocess with a timeout, so a
    regression fails instead of hanging the suite."""
    script = textwrap.dedent(
        """
        import json, sys
        from lrsched import ConfigError, from_dict
        part = {"type": "Bounded", "steps": 1, "schedule": {"type": "Constant", "lr": 1}}
        for _ in range(30):
            part = {"type": "Phases", "phases": [part, part]}
        try:
            from_dict({"version": 1, **part})
        except ConfigError as exc:
            print(json.dumps(str(exc)))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=20, check=False
    )
    assert done.returncode == 0, done.stderr
    message = json.loads(done.stdout)
    assert message.startswith("phases[0].phases[0]")
    assert "MAX_SIZE" in message


def test_class3_yaml_aliases_are_decoded_once_and_capped() -> None:
    """Class 3: the same attack as YAML anchors and aliases (about 1 KB): fast, and the
    size cap's error with a path. In a subprocess with a timeout."""
    pytest.importorskip("yaml", reason="YAML needs the yaml extra (PyYAML)")
    inner = "&a0 {type: Bounded, steps: 1, schedule: {type: Constant, lr: 1}}"
    for k in range(1, 31):
        inner = f"&a{k} {{type: Phases, phases: [{inner}, *a{k - 1}]}}"
    document = f"version: 1\ntype: Phases\nphases: [{inner}, *a30]\n"
    assert len(document) < 1500
    script = textwrap.dedent(
        """
        import json, sys, yaml
        from lrsched import ConfigError, from_dict
        try:
            from_dict(yaml.safe_load(sys.stdin.read()))
        except ConfigError as exc:
            print(json.dumps(str(exc)))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=document,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    message = json.loads(done.stdout)
    assert message.startswith("phases[0].phases[0]")
    assert "MAX_SIZE" in message


def test_class3_data_that_contains_itself_is_named() -> None:
    """Class 3: a part that contains itself (a YAML alias inside its own anchor) is
    refused as such; 0.2.0 followed it until the recursion limit."""
    loop: dict[str, Any] = {"type": "Scaled", "factor": 1.0}
    loop["schedule"] = loop
    with pytest.raises(ConfigError, match=r"^schedule\.schedule: the data contains itself"):
        from_dict({"version": 1, "type": "Scaled", "factor": 1.0, "schedule": loop})
    items: list[object] = [1]
    items.append(items)
    with pytest.raises(ConfigError, match=r"^milestones\[1\]: the data contains itself"):
        from_dict(
            {"version": 1, "type": "MultiStep", "base_lr": 1, "gamma": 0.5, "milestones": items}
        )


def _digit_run(message: str) -> int:
    return max((len(run) for run in re.findall(r"[0-9]+", message)), default=0)


def test_class7_a_huge_version_is_counted() -> None:
    """Class 7: a version of 5,000 digits (a JSON integer, a YAML hex int) is the
    library's error with its digit count; 0.2.0 raised a bare ValueError."""
    for version in (HUGE, -HUGE, 16**5000):
        with pytest.raises(ConfigError, match="digits") as info:
            from_dict({"version": version, "type": "Constant", "lr": 1.0})
        assert _digit_run(str(info.value)) < 10


def test_class7_a_yaml_hex_version_is_counted() -> None:
    """Class 7: the YAML form of the same: ``version: 0xfff...``."""
    yaml = pytest.importorskip("yaml", reason="YAML needs the yaml extra (PyYAML)")
    data = yaml.safe_load("version: 0x" + "f" * 5000 + "\ntype: Constant\nlr: 1\n")
    with pytest.raises(ConfigError, match=r"an int of 6,?021 digits"):
        from_dict(data)


def test_class9_long_keys_and_types_are_cut_in_messages() -> None:
    """Class 9: a message quotes a little of a long key or type name; 0.2.0 quoted all."""
    long = "x" * 100_000
    for data in (
        {"version": 1, "type": "Constant", "lr": 1.0, long: 1},
        {"version": 1, "type": long},
        {"version": 1, "type": [long]},
        {"version": 1, "type": "Constant", "lr": long},
    ):
        with pytest.raises(ConfigError) as info:
            from_dict(data)
        assert len(str(info.value)) < 600


def _positions(data: object, path: tuple[object, ...] = ()) -> Iterator[tuple[object, ...]]:
    """Every place in a dict form that holds a value, as a path of keys and indices."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*path, key)
            yield from _positions(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield (*path, index)
            yield from _positions(value, (*path, index))


def _replaced(data: dict[str, Any], path: tuple[Any, ...], value: object) -> dict[str, Any]:
    result = copy.deepcopy(data)
    target: Any = result
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return result


# A value no field accepts, whatever its place.
WRONG: list[object] = [
    None,
    True,
    float("nan"),
    float("-inf"),
    HUGE,
    -HUGE,
    1j,
    b"1",
    {1, 2},
    "x" * 10_000,
    [[[]]],
    {},
    {"type": "Nope"},
    {3: 1},
]


@pytest.mark.parametrize("record", json.loads(GOLDEN.read_text())["records"], ids=repr)
def test_class9_a_wrong_value_anywhere_is_a_config_error(record: dict[str, Any]) -> None:
    """Class 9: every golden dict form with each place (the version, the type, each field
    and each item of a list, at every depth) holding a value of a wrong kind gives a
    ConfigError with a short message, never another exception."""
    data = record["dict"]
    for path in _positions(data):
        for value in WRONG:
            changed = _replaced(data, path, value)
            try:
                from_dict(changed)
            except ConfigError as exc:
                message = str(exc)
                assert len(message) < 1500, (path, value)
                assert _digit_run(message) < 100, (path, value)
            else:  # a few places take some of these values, such as None or a bool
                assert path[-1] not in ("version", "type"), (path, value)


def test_class9_keys_that_are_not_strings_are_named() -> None:
    """Class 9: keys of any other type are named with their type."""
    for key in (1, 1.5, None, (1, 2), True):
        with pytest.raises(ConfigError, match="keys must be strings"):
            from_dict({"version": 1, "type": "Constant", "lr": 1.0, key: 1})  # type: ignore[dict-item]
    with pytest.raises(ConfigError, match=r"^schedule: keys must be strings"):
        from_dict({"version": 1, "type": "Scaled", "factor": 1, "schedule": {b"lr": 1}})
    assert from_dict({"version": 1, "type": "Constant", "lr": 1}) == Constant(lr=1.0)


def test_class9_a_failure_that_is_not_the_librarys_is_located(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Class 9: any other exception from a constructor gets the path and its type, and
    its message is cut or, if it cannot be shown at all, said so (never ``str()``'s own
    ValueError)."""

    def broken(self: Constant) -> None:
        raise RuntimeError(HUGE)

    monkeypatch.setattr(Constant, "__post_init__", broken)
    with pytest.raises(ConfigError, match=r"^schedule \(Constant\): RuntimeError: a Runtime"):
        from_dict(
            {"version": 1, "type": "Scaled", "factor": 1, "schedule": {"type": "Constant", "lr": 1}}
        )
