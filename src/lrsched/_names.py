"""The names that text and config forms may use, discovered from ``lrsched.__all__``.

Discovery is generic: a node class added to the exports works in ``parse``,
``from_dict`` and the CLI without a change here.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from functools import cache

from ._base import Node

# Functions that return schedules but read text or data rather than build from arguments.
_READERS = frozenset({"parse", "from_dict"})


@cache
def node_classes() -> dict[str, type[Node]]:
    """Every exported concrete dataclass node (schedules, ``Warmup``), by name."""
    import lrsched

    found: dict[str, type[Node]] = {}
    for name in lrsched.__all__:
        obj: object = getattr(lrsched, name)
        is_node = isinstance(obj, type) and issubclass(obj, Node)
        if is_node and not inspect.isabstract(obj) and hasattr(obj, "__dataclass_fields__"):
            found[name] = obj  # type: ignore[assignment]
    return found


def _returns_node(function: Callable[..., object]) -> bool:
    try:
        returned = typing.get_type_hints(function).get("return")
    except Exception:  # an annotation that cannot be resolved: not a constructor we know
        return False
    return isinstance(returned, type) and issubclass(returned, Node)


@cache
def constructors() -> dict[str, Callable[..., object]]:
    """The node classes plus the exported functions annotated to return a node
    (the 0.1.0 lower-case constructors such as ``cosine`` and ``sequential``)."""
    import lrsched

    found: dict[str, Callable[..., object]] = dict(node_classes())
    for name in lrsched.__all__:
        obj = getattr(lrsched, name)
        if name not in _READERS and inspect.isfunction(obj) and _returns_node(obj):
            found[name] = obj
    return found
