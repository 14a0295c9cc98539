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

Data may share a part: YAML anchors and aliases, or one Python dict placed twice. Each
distinct mapping or list is decoded once (remembered by identity) and the node built
from it is shared, so the cost of decoding is bounded by the size of the data, not by
the size of the tree it spells out; the constructors' caps on a tree's size
(``lrsched.MAX_SIZE``) then refuse a tree that sharing makes too large. Data that
contains itself (a YAML alias inside its own anchor) is a ``ConfigError``.
"""

from __future__ import annotations

import dataclasses
import difflib
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from ..core.errors import ConfigError, ScheduleError
from ..core.node import Node
from ..core.registry import node_classes
from ..core.schedule import Schedule
from ..core.seam import install
from ..core.validate import describe, message, shown

FORMAT_VERSION = 1

# UPGRADES[n] turns the body of version-n data (everything but "version") into version
# n + 1. A release that changes the format adds one entry, so every release reads the
# data of every earlier one. Adding a node type, or a field with a default, needs none.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

_RESERVED = frozenset({"type", "version"})

# The _target_ form (Hydra's): each node names its class by its import path, and Hydra's
# own keys may sit beside the fields. Only "lrsched.<Name>" of a registered class is
# read, by looking the name up, never by importing what a config names.
PACKAGE = "lrsched"
TARGET, CONVERT, RECURSIVE, PARTIAL = "_target_", "_convert_", "_recursive_", "_partial_"
_CONVERT_MODES = ("none", "partial", "all", "object")

_META = frozenset({CONVERT, RECURSIVE, PARTIAL})

_Part = TypeVar("_Part")


def to_dict(node: Node) -> dict[str, Any]:
    """The dict form of ``node``, with the format version at the top."""
    return {"version": FORMAT_VERSION, **_encode_node(node, "", _type_tag)}


def to_hydra(node: Node) -> dict[str, Any]:
    """The ``_target_`` form of ``node``: what ``hydra.utils.instantiate`` builds it from.

    Each node is a dict naming its class as ``"_target_": "lrsched.<Name>"`` beside its
    fields, as the dict form does with ``"type"``; the top level also holds
    ``"_convert_": "all"``, since with Hydra's default (``"none"``) OmegaConf turns the
    schedules in a list (a ``Phases``' phases) into configs. Plain dicts, lists, numbers
    and strings, so it goes to YAML as it is; ``lrsched.from_dict`` reads it back.

    >>> from lrsched import Constant
    >>> d = to_hydra(Constant(lr=0.5)[:10])
    >>> d
    {'_target_': 'lrsched.Bounded', '_convert_': 'all', 'schedule': {...}, 'steps': 10}
    >>> d["schedule"]
    {'_target_': 'lrsched.Constant', 'lr': 0.5}
    """
    encoded = _encode_node(node, "", _target_tag)
    return {TARGET: encoded.pop(TARGET), CONVERT: "all", **encoded}


def _type_tag(cls: type[Node]) -> dict[str, Any]:
    return {"type": cls.__name__}


def _target_tag(cls: type[Node]) -> dict[str, Any]:
    return {TARGET: f"{PACKAGE}.{cls.__name__}"}


def _where(path: str) -> str:
    return path or "the top level"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _init_fields(cls: type[Node]) -> list[dataclasses.Field[Any]]:
    return [field for field in dataclasses.fields(cls) if field.init]  # type: ignore[arg-type]


_Tag = Callable[[type[Node]], dict[str, Any]]


def _encode_node(node: Node, path: str, tag: _Tag) -> dict[str, Any]:
    cls = type(node)
    if node_classes().get(cls.__name__) is not cls:
        raise ConfigError(f"{_where(path)}: {cls.__name__} is not an exported lrsched type")
    encoded = tag(cls)
    for field in _init_fields(cls):
        if field.name in _RESERVED:
            raise ConfigError(f"{cls.__name__} has a field named {field.name!r}, a reserved key")
        value = getattr(node, field.name)
        if field.default is not dataclasses.MISSING and value == field.default:
            continue  # so a release adding a defaulted field leaves existing dicts unchanged
        encoded[field.name] = _encode(value, _join(path, field.name), tag)
    return encoded


def _encode(value: object, path: str, tag: _Tag) -> object:
    if isinstance(value, Node):
        return _encode_node(value, path, tag)
    if isinstance(value, (tuple, list)):
        return [_encode(item, f"{path}[{i}]", tag) for i, item in enumerate(value)]
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
    if TARGET in data:
        return _top(data, _Decoder(hydra=True), dict(data))
    if "version" not in data:
        raise ConfigError(
            f"the top level needs a 'version' key (this release writes version {FORMAT_VERSION})"
        )
    version = data["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ConfigError(f"version must be an int >= 1, got {describe(version)}")
    if version > FORMAT_VERSION:
        raise ConfigError(
            f"the data is format version {shown(version)}, written by a newer lrsched; "
            f"this release reads format versions up to {FORMAT_VERSION}"
        )
    body = {key: value for key, value in data.items() if key != "version"}
    for old in range(version, FORMAT_VERSION):
        body = UPGRADES[old](body)
    return _top(data, _Decoder(hydra=False), body)


def _top(data: Mapping[str, Any], decoder: _Decoder, body: Mapping[str, Any]) -> Schedule:
    """The schedule ``decoder`` builds from the top level ``body`` of ``data``."""
    try:
        node = decoder.node(body, "")
    except RecursionError:
        raise ConfigError("the data is nested too deeply") from None
    if not isinstance(node, Schedule):
        raise ConfigError(
            f"the top level is a {type(node).__name__}, which is not a schedule on its own"
        )
    return node


class _Decoder:
    """Decodes one dict form, each distinct mapping and list once.

    ``_done`` maps ``id(part)`` to the part and what it decoded to (the part is kept
    so that its id cannot be reused while decoding); ``_open`` holds the ids of the
    parts being decoded, so data that contains itself is refused rather than followed.
    """

    def __init__(self, *, hydra: bool) -> None:
        self._done: dict[int, tuple[object, object]] = {}
        self._open: set[int] = set()
        self._hydra = hydra
        self._tag = TARGET if hydra else "type"

    def node(self, data: Mapping[Any, Any], path: str) -> Node:
        where = _where(path)
        for key in data:
            if not isinstance(key, str):
                raise ConfigError(f"{where}: keys must be strings, got {describe(key)}")
        if "version" in data:
            raise ConfigError(
                f"{where}: the _target_ form has no 'version'"
                if self._hydra
                else f"{where}: 'version' belongs at the top level only"
            )
        cls = self._hydra_class(data, path) if self._hydra else self._type_class(data, path)
        name = cls.__name__
        if self._hydra:  # Hydra's own keys, checked above, are not fields
            data = {key: value for key, value in data.items() if key not in _META}
        fields = {field.name: field for field in _init_fields(cls)}
        extra = [key for key in data if key not in fields and key != self._tag]
        if extra:
            raise ConfigError(
                f"{_join(path, _cut(extra[0]))}: {name} has no field {shown(extra[0])}; "
                f"its fields are {', '.join(fields)}"
            )
        for field_name, field in fields.items():
            if _required(field) and field_name not in data:
                raise ConfigError(f"{_join(path, field_name)}: missing (required by {name})")
        values = {
            key: self.value(value, _join(path, key))
            for key, value in data.items()
            if key != self._tag
        }
        try:
            return cls(**values)
        except Exception as exc:  # the constructors' own errors, and any other, get the path
            raise ConfigError(_located(path, cls, fields, exc)) from exc

    def _type_class(self, data: Mapping[str, Any], path: str) -> type[Node]:
        if "type" not in data:
            hint = " (a dict form's nodes name their class by 'type')" if TARGET in data else ""
            raise ConfigError(
                f"{_where(path)}: missing 'type' (the name of a schedule class){hint}"
            )
        name = data["type"]
        classes = node_classes()
        if not isinstance(name, str) or name not in classes:
            raise ConfigError(f"{_join(path, 'type')}: unknown type {shown(name)}; {_hint(name)}")
        return classes[name]

    def _hydra_class(self, data: Mapping[str, Any], path: str) -> type[Node]:
        where = _where(path)
        if TARGET not in data:
            raise ConfigError(
                f"{where}: missing '_target_' (in the _target_ form every node names its "
                "class as '_target_': 'lrsched.<Name>')"
            )
        if "type" in data:
            raise ConfigError(f"{where}: a node names its class by '_target_' or 'type', not both")
        target = data[TARGET]
        classes = node_classes()
        prefix = f"{PACKAGE}."
        name = target[len(prefix) :] if isinstance(target, str) else None
        if not isinstance(target, str) or not target.startswith(prefix) or name not in classes:
            hint = _hint(name if name is not None else target, prefix)
            raise ConfigError(
                f"{_join(path, TARGET)}: {shown(target)} is not an lrsched schedule class; "
                f"a _target_ here is 'lrsched.<Name>' ({hint})"
            )
        convert = data.get(CONVERT, "none")
        if convert not in _CONVERT_MODES:
            raise ConfigError(
                f"{_join(path, CONVERT)}: must be one of {', '.join(map(repr, _CONVERT_MODES))}, "
                f"got {describe(convert)}"
            )
        if data.get(RECURSIVE, True) is not True:
            raise ConfigError(
                f"{_join(path, RECURSIVE)}: must be true (a schedule's parts are built too)"
            )
        if data.get(PARTIAL, False) is not False:
            raise ConfigError(
                f"{_join(path, PARTIAL)}: must be false (from_dict builds a schedule, "
                "not a partial call)"
            )
        assert name is not None
        return classes[name]

    def value(self, value: object, path: str) -> object:
        if isinstance(value, Mapping):
            return self._once(value, path, self.node)
        if isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray)):
            return self._once(value, path, self._items)
        if value is None or isinstance(value, (str, numbers.Real)):
            return value
        raise ConfigError(
            f"{path}: {describe(value)} is not allowed; use numbers, strings, booleans, "
            "null, lists and dicts"
        )

    def _items(self, items: Sequence[object], path: str) -> tuple[object, ...]:
        return tuple(self.value(item, f"{path}[{i}]") for i, item in enumerate(items))

    def _once(self, part: _Part, path: str, decode: Callable[[_Part, str], object]) -> object:
        """``decode(part, path)``, or what it gave when ``part`` was met before."""
        key = id(part)
        if key in self._done:
            return self._done[key][1]
        if key in self._open:
            raise ConfigError(f"{path}: the data contains itself here (an alias inside its anchor)")
        self._open.add(key)
        decoded = decode(part, path)
        self._open.discard(key)
        self._done[key] = (part, decoded)
        return decoded


def _cut(key: str, limit: int = 60) -> str:
    """A key for a path in a message: as it is, or its start if it is long."""
    return key if len(key) <= limit else f"{key[: limit - 3]}..."


def _hint(name: object, prefix: str = "") -> str:
    """What to say after an unknown type: the closest known name, or the known names."""
    classes = node_classes()
    if isinstance(name, str) and len(name) <= 100:  # difflib's cost grows with the name
        close = difflib.get_close_matches(name, classes, n=1)
        if close:
            return f"did you mean {prefix + close[0]!r}?"
    return f"known: {', '.join(sorted(classes))}"


def _located(path: str, cls: type[Node], fields: Mapping[str, object], exc: Exception) -> str:
    """The constructor's message, prefixed by the path of the field it names if it
    names one (``phases[1].total_steps must be ...``), else by the path of the node."""
    text = message(exc)
    for name in fields:
        if text.startswith(f"{name} must "):
            return f"{_join(path, name)} {text[len(name) + 1 :]}"
    if not isinstance(exc, ScheduleError):
        text = f"{type(exc).__name__}: {text}"
    return f"{_where(path)} ({cls.__name__}): {text}"


install(to_dict=to_dict)
