"""The dict form of a schedule: ``s.to_dict()`` and ``lrsched.from_dict(d)``.

Format version 1 (documented in docs/guide.md):

- a node is a dict with ``"type"`` (the exported class name) and one key per
  constructor field, except that a field holding its default value is left out;
- field values are numbers, strings, booleans and ``None`` as they are, nested nodes as
  dicts and tuples as lists, so the result goes through JSON, YAML and TOML unchanged;
- the outermost dict also holds ``"version": 1``, and only the outermost one.

Both directions walk dataclass fields generically: a node class added to the exports
gets a dict form with no code here. ``from_dict`` builds bottom-up through the
constructors (so every value is validated) and either returns a whole schedule or raises
``ConfigError`` naming the path of the bad part, such as ``phases[1].total_steps``.
"""

from __future__ import annotations

import dataclasses
import difflib
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ._base import Node, Schedule
from ._errors import ConfigError, ScheduleError
from ._names import node_classes
from ._validate import describe

FORMAT_VERSION = 1

# UPGRADES[n] turns the body of version-n data (everything but "version") into version
# n + 1. A release that changes the format adds one entry, so every release reads the
# data of every earlier one. Adding a node type, or a field with a default, needs none.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

_RESERVED = frozenset({"type", "version"})


def to_dict(node: Node) -> dict[str, Any]:
    """The dict form of ``node``, with the format version at the top."""
    return {"version": FORMAT_VERSION, **_encode_node(node, "")}


def _where(path: str) -> str:
    return path or "the top level"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _init_fields(cls: type[Node]) -> list[dataclasses.Field[Any]]:
    return [field for field in dataclasses.fields(cls) if field.init]  # type: ignore[arg-type]


def _encode_node(node: Node, path: str) -> dict[str, Any]:
    cls = type(node)
    if node_classes().get(cls.__name__) is not cls:
        raise ConfigError(f"{_where(path)}: {cls.__name__} is not an exported lrsched type")
    encoded: dict[str, Any] = {"type": cls.__name__}
    for field in _init_fields(cls):
        if field.name in _RESERVED:
            raise ConfigError(f"{cls.__name__} has a field named {field.name!r}, a reserved key")
        value = getattr(node, field.name)
        if field.default is not dataclasses.MISSING and value == field.default:
            continue  # so a release adding a defaulted field leaves existing dicts unchanged
        encoded[field.name] = _encode(value, _join(path, field.name))
    return encoded


def _encode(value: object, path: str) -> object:
    if isinstance(value, Node):
        return _encode_node(value, path)
    if isinstance(value, (tuple, list)):
        return [_encode(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ConfigError(f"{path}: a {type(value).__name__} value has no dict form")


def _required(field: dataclasses.Field[Any]) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def from_dict(data: Mapping[str, Any]) -> Schedule:
    """Build the schedule that a dict form (from ``to_dict``, JSON, YAML, ...) describes.

    >>> from lrsched import Cosine
    >>> d = Cosine(base_lr=1.0, min_lr=0.0, total_steps=10).to_dict()
    >>> d
    {'version': 1, 'type': 'Cosine', 'base_lr': 1.0, 'min_lr': 0.0, 'total_steps': 10}
    >>> from_dict(d)
    Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)
    """
    if not isinstance(data, Mapping):
        raise ConfigError(f"a schedule's dict form must be a mapping, got {describe(data)}")
    if "version" not in data:
        raise ConfigError(
            f"the top level needs a 'version' key (this release writes version {FORMAT_VERSION})"
        )
    version = data["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ConfigError(f"version must be an int >= 1, got {describe(version)}")
    if version > FORMAT_VERSION:
        raise ConfigError(
            f"the data is format version {version}, written by a newer lrsched; "
            f"this release reads format versions up to {FORMAT_VERSION}"
        )
    body = {key: value for key, value in data.items() if key != "version"}
    for old in range(version, FORMAT_VERSION):
        body = UPGRADES[old](body)
    try:
        node = _decode_node(body, "")
    except RecursionError:
        raise ConfigError("the data is nested too deeply") from None
    if not isinstance(node, Schedule):
        raise ConfigError(
            f"the top level is a {type(node).__name__}, which is not a schedule on its own"
        )
    return node


def _decode_node(data: Mapping[Any, Any], path: str) -> Node:
    where = _where(path)
    for key in data:
        if not isinstance(key, str):
            raise ConfigError(f"{where}: keys must be strings, got {describe(key)}")
    if "version" in data:
        raise ConfigError(f"{where}: 'version' belongs at the top level only")
    if "type" not in data:
        raise ConfigError(f"{where}: missing 'type' (the name of a schedule class)")
    name = data["type"]
    classes = node_classes()
    if not isinstance(name, str) or name not in classes:
        close = difflib.get_close_matches(name, classes, n=1) if isinstance(name, str) else []
        hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(sorted(classes))}"
        raise ConfigError(f"{_join(path, 'type')}: unknown type {name!r}; {hint}")
    cls = classes[name]
    fields = {field.name: field for field in _init_fields(cls)}
    extra = [key for key in data if key not in fields and key != "type"]
    if extra:
        raise ConfigError(
            f"{_join(path, extra[0])}: {name} has no field {extra[0]!r}; "
            f"its fields are {', '.join(fields)}"
        )
    for field_name, field in fields.items():
        if _required(field) and field_name not in data:
            raise ConfigError(f"{_join(path, field_name)}: missing (required by {name})")
    values = {key: _decode(value, _join(path, key)) for key, value in data.items() if key != "type"}
    try:
        return cls(**values)
    except Exception as exc:  # the constructors' own errors, and any other, get the path
        raise ConfigError(_located(path, cls, fields, exc)) from exc


def _located(path: str, cls: type[Node], fields: Mapping[str, object], exc: Exception) -> str:
    """The constructor's message, prefixed by the path of the field it names if it
    names one (``phases[1].total_steps must be ...``), else by the path of the node."""
    message = str(exc)
    for name in fields:
        if message.startswith(f"{name} must "):
            return f"{_join(path, name)} {message[len(name) + 1 :]}"
    if not isinstance(exc, ScheduleError):
        message = f"{type(exc).__name__}: {message}"
    return f"{_where(path)} ({cls.__name__}): {message}"


def _decode(value: object, path: str) -> object:
    if isinstance(value, Mapping):
        return _decode_node(value, path)
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray)):
        return tuple(_decode(item, f"{path}[{i}]") for i, item in enumerate(value))
    if value is None or isinstance(value, (str, numbers.Real)):
        return value
    raise ConfigError(
        f"{path}: {describe(value)} is not allowed; use numbers, strings, booleans, "
        "null, lists and dicts"
    )
