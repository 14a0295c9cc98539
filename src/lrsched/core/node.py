"""Nodes: the data a schedule tree is made of, built only through checked constructors.

``Node`` is the base of every node class (schedules and ``Warmup``); its metaclass
``NodeType`` makes the class call the only way to get a node, so every node has passed its
constructor's checks and the tree size caps, however it was made (code, ``parse``,
``from_dict``, a pickle). Pickles rebuild nodes by keyword through ``restore``.
"""

from __future__ import annotations

import functools
import inspect
import numbers
import typing
from abc import ABCMeta
from dataclasses import MISSING, fields
from typing import Any, ClassVar

from . import registry
from .errors import (
    CheckpointError,
    ParameterTypeError,
    ScheduleError,
    TreeSizeError,
)
from .seam import SEAM
from .validate import describe, sequence, shown

# Operator precedence, Python's own order (| below >> below + and - below * below unary -
# below a call or a slice), used to print composites with no more parentheses than Python
# needs.
PHASES, HANDOFF, SUM, PRODUCT, UNARY, ATOM = 1, 2, 3, 4, 5, 6


def is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def store(obj: object, **values: object) -> None:
    """Write normalised field values into a frozen instance during ``__post_init__``."""
    for name, value in values.items():
        object.__setattr__(obj, name, value)


def keyword_repr(node: object) -> str:
    """``Name(field=value, ...)`` leaving out the fields at their default, as the nodes
    print that gained a defaulted field after 0.1.0 (a ``Warmup``'s ``shape``)."""
    parts = []
    for field in fields(node):  # type: ignore[arg-type]
        value = getattr(node, field.name)
        if field.default is MISSING or value != field.default:
            parts.append(f"{field.name}={value!r}")
    return f"{type(node).__name__}({', '.join(parts)})"


def operand_repr(node: object, minimum: int) -> str:
    """``repr(node)``, parenthesised when it binds more loosely than ``minimum``."""
    text = repr(node)
    precedence: int = getattr(node, "precedence", ATOM)
    return f"({text})" if precedence < minimum else text


# Every operation on a tree (calling, ==, hash, repr, pickle, deepcopy, eval of the repr)
# recurses once or more per level, and Python stops at 1000 frames (its parser at 200
# parentheses). Real schedules nest a handful of composites; capping the nesting at 64
# keeps every operation far from those limits instead of failing deep inside one.
MAX_DEPTH = 64

# A tree's size counts each node, and each entry of a tuple field (a milestone, a point),
# once for every place it appears: a subtree used twice counts twice, as it prints, compares
# and evaluates twice. Sharing lets a small pickle or YAML file (memo references, anchors)
# describe a tree exponentially larger than itself; the cap bounds the work any tree can ask
# for. Real schedules hold tens of nodes; a per-epoch table of 10,000 phases holds 20,001.
MAX_SIZE = 100_000


def _measure(node: Node) -> tuple[int, int]:
    """``(depth, size)`` of ``node``: levels down to its deepest leaf (a leaf is 1), and
    nodes plus tuple entries. A schedule keeps both in a hidden slot, so building a tree
    stays linear."""
    try:
        return node._measure  # type: ignore[attr-defined, no-any-return]
    except AttributeError:
        pass
    levels, count = 1, 1
    for field in fields(node):  # type: ignore[arg-type]
        value = getattr(node, field.name)
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, Node):
                item_levels, item_count = _measure(item)
                levels, count = max(levels, item_levels + 1), count + item_count
            elif value is not item:  # an entry of a tuple: a milestone, a (step, lr) point
                count += 1
    if hasattr(type(node), "_measure"):  # a schedule: it has the hidden slot
        object.__setattr__(node, "_measure", (levels, count))
    return levels, count


def depth(node: Node) -> int:
    """Levels of nodes from ``node`` down to its deepest leaf (a leaf is 1)."""
    return _measure(node)[0]


def size(node: Node) -> int:
    """Nodes and tuple entries in the tree of ``node``, each counted at every use."""
    return _measure(node)[1]


def check_size(count: int, what: str) -> None:
    """Refuse ``count`` nodes and entries past ``MAX_SIZE``; ``what`` names them."""
    if count > MAX_SIZE:
        raise TreeSizeError(
            f"a schedule holds at most {MAX_SIZE:,} nodes and entries (lrsched.MAX_SIZE); "
            f"{what} {count:,} (a subtree used in several places counts at each of them)"
        )


def check_tree(node: Node) -> None:
    """Refuse a tree nested deeper than ``MAX_DEPTH`` or larger than ``MAX_SIZE``."""
    levels, count = _measure(node)
    if levels > MAX_DEPTH:
        raise TreeSizeError(
            f"a schedule nests at most {MAX_DEPTH} levels of nodes, this one {levels}; "
            "chain phases with | (which flattens) or fold repeated factors into one"
        )
    check_size(count, "this one holds")


def restore(cls: object, fields: object) -> Node:
    """Rebuild a node from its pickled fields by calling its constructor.

    Pickling by keyword, not by position, means a release that adds a field with a
    default still loads old checkpoints, and loading re-runs the validation. A pickle is
    data from anywhere, so ``cls`` must be an exported lrsched node class and ``fields``
    a dict of field names: anything else is a ``CheckpointError``, never a call.
    """
    if not registry.is_node_class(cls):
        raise CheckpointError(
            f"an lrsched pickle builds only lrsched schedules, but this one names {shown(cls)}"
        )
    assert isinstance(cls, type)
    name = cls.__name__
    if not isinstance(fields, dict) or not all(isinstance(key, str) for key in fields):
        raise CheckpointError(
            f"a pickled {name} must hold a dict of its fields, got {describe(fields)}"
        )
    try:
        node: Node = cls(**fields)
    except ScheduleError:
        raise
    except TypeError as exc:  # an unknown or missing field
        raise CheckpointError(f"a pickled {name} does not match its fields: {exc}") from None
    return node


def _argument_problem(cls: type, given: dict[str, object], exc: TypeError) -> str:
    """Which keyword arguments a call of a node class lacks or does not know."""
    parameters = {f.name: f for f in fields(cls) if f.init}
    unknown = [name for name in given if name not in parameters]
    missing = [
        name
        for name, f in parameters.items()
        if name not in given and f.default is MISSING and f.default_factory is MISSING
    ]
    problems = []
    if unknown:
        problems.append(f"no parameter {', '.join(shown(name) for name in unknown)}")
    if missing:
        problems.append(f"no value for {', '.join(missing)}")
    if not problems:
        return f"{cls.__name__}: {exc}"
    return (
        f"{cls.__name__} got {' and '.join(problems)}; its parameters are {', '.join(parameters)}"
    )


def _is_tuple_type(annotation: object) -> bool:
    if isinstance(annotation, str):  # postponed annotations: "tuple[Schedule, ...]"
        return annotation.replace(" ", "").startswith(("tuple[", "Tuple[", "typing.Tuple["))
    return annotation is tuple or typing.get_origin(annotation) is tuple


@functools.cache
def _sequence_fields(cls: type) -> frozenset[str]:
    """The fields of a node class that hold tuples: given any sequence (a list, a
    config's ``ListConfig``), the constructor gets it as a tuple."""
    return frozenset(f.name for f in fields(cls) if f.init and _is_tuple_type(f.type))


def _normalised(name: str, value: object) -> object:
    """A tuple field's value as ``validate.sequence`` makes it, refused past ``MAX_SIZE``
    entries (counting those of its pairs) before it is copied."""

    def limit(count: int) -> None:
        check_size(count, f"{name} has entries (counting those of its items):")

    return sequence(name, value, limit)


class NodeType(ABCMeta):
    """The metaclass of every node: a node exists only once its constructor has run.

    A pickle can make an object without calling its class (``NEWOBJ``, as
    ``cls.__new__(cls)``) and then fill its slots (``BUILD``, as ``__setstate__``); for a
    dataclass that skips ``__post_init__`` and every check in it. Here calling a class is
    the only way in: ``Node.__new__`` and ``Node.__setstate__`` refuse, and the class call
    makes the object itself, runs ``__init__`` and checks the tree's size, in one place.
    """

    def __call__(cls, *args: object, **kwargs: object) -> Any:
        if args:
            raise ParameterTypeError(
                f"{cls.__name__} takes keyword arguments only, got {len(args)} positional "
                f"(write {cls.__name__}(name=value, ...))"
            )
        sequences = _sequence_fields(cls)
        for name, value in kwargs.items():  # sizes are refused before anything walks them
            if name in sequences:
                kwargs[name] = _normalised(name, value)
            elif isinstance(value, (tuple, list)):
                check_size(len(value), f"{name} has entries:")
        node: Node = object.__new__(cls)  # type: ignore[arg-type]
        try:
            node.__init__(**kwargs)  # type: ignore[misc]
        except TypeError as exc:
            if isinstance(exc, ScheduleError):
                raise
            raise ParameterTypeError(_argument_problem(cls, kwargs, exc)) from exc
        check_tree(node)
        return node

    @property
    def __signature__(cls) -> inspect.Signature:
        # What inspect.signature and help() show (and parse binds against): the
        # constructor's keyword fields, not this method's (*args, **kwargs).
        init = inspect.signature(cls.__init__)  # type: ignore[misc]
        return init.replace(parameters=list(init.parameters.values())[1:])

    def __setattr__(cls, name: str, value: object) -> None:
        # @dataclass(slots=True, frozen=True) installs a __setstate__ that writes any
        # values into the slots; every node keeps Node's, which refuses.
        if name != "__setstate__":
            super().__setattr__(name, value)


class Node(metaclass=NodeType):
    """Base of every lrsched node (schedules and ``Warmup``): pickling by field name."""

    __slots__ = ()

    precedence: ClassVar[int] = ATOM

    def __new__(cls, *args: object, **kwargs: object) -> Node:
        raise CheckpointError(
            f"{cls.__name__} is built only by calling {cls.__name__}(...), which checks its "
            "fields; this pickle or code makes one without its constructor"
        )

    def __setstate__(self, state: object) -> None:
        raise CheckpointError(
            f"{type(self).__name__} fields are set only by its constructor; this pickle "
            "writes them into an existing object"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        values = {field.name: getattr(self, field.name) for field in fields(self)}  # type: ignore[arg-type]
        return restore, (type(self), values)

    def to_dict(self) -> dict[str, Any]:
        """This node as a plain JSON-ready dict; ``lrsched.from_dict`` reads it back.

        The format (a ``"type"`` key, the fields, a top-level ``"version"``) is in
        docs/guide.md.
        """
        return SEAM.to_dict(self)
