"""The registry: every published node class and each evaluator's rule for it, in one place.

A schedule family module defines its node classes and, beside each, one rule per
evaluator::

    @register
    @dataclass(frozen=True, slots=True, kw_only=True)
    class Cosine(Schedule): ...

    @rule(SCALAR, Cosine)
    def _cosine(node: Cosine) -> ScalarFn: ...

A node defined by another tree (``WarmupStableDecay``, a ``core.schedule.Expanding``)
registers no rules: every evaluator runs its tree, built once per node. Evaluators look rules up
here by walking the node's class and its bases, so a subclass inherits its base's rules.
``tests/test_registry.py`` fails naming what a registered class lacks (a rule, a
strategy, a golden record, a reference entry).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import UnsupportedNodeError

if TYPE_CHECKING:
    from .node import Node

SCALAR, ARRAY, RANGE = "scalar", "array", "range"
EVALUATORS = (SCALAR, ARRAY, RANGE)
# Facts some nodes have and others lack: the cycle a periodic schedule repeats forever.
CYCLE = "cycle"
# Transforms, which every node class has: the same node over a longer or shorter run
# (``transforms/stretch.py``); a rule takes the node and where it lies on the run.
STRETCH = "stretch"
TRANSFORMS = (STRETCH,)

Rule = Callable[..., Any]
R = TypeVar("R", bound=Rule)
C = TypeVar("C", bound="type[Node]")

_CLASSES: dict[str, type[Node]] = {}
_FUNCTIONS: dict[str, Callable[..., Any]] = {}
_RULES: dict[str, dict[type, Rule]] = {kind: {} for kind in (*EVALUATORS, CYCLE, *TRANSFORMS)}


def register(cls: C) -> C:
    """Publish a node class: ``parse``, the dict form, pickles and the docs know it by
    its name. It must also be exported from ``lrsched`` (a test checks), which names it
    ``lrsched.<name>`` in pickles."""
    name = cls.__name__
    if _CLASSES.get(name, cls) is not cls:
        raise TypeError(f"a node class named {name!r} is registered already")
    _CLASSES[name] = cls
    return cls


F = TypeVar("F", bound=Callable[..., Any])


def constructor(function: F) -> F:
    """Publish a function that builds a node (the 0.1.0 ``cosine``, ``sequential``...):
    ``parse`` accepts calls of it by name."""
    _FUNCTIONS[function.__name__] = function
    return function


def rule(kind: str, cls: type) -> Callable[[R], R]:
    """Register the decorated function as the ``kind`` rule (an evaluator, ``CYCLE`` or
    a transform) for ``cls``."""

    def add(function: R) -> R:
        _RULES[kind][cls] = function
        return function

    return add


def node_classes() -> dict[str, type[Node]]:
    """Every registered node class, by name: the registry itself, to read (``register``
    adds to it)."""
    return _CLASSES


def constructors() -> dict[str, Callable[..., Any]]:
    """Every name ``parse`` may call: the node classes and the constructor functions."""
    return {**_CLASSES, **_FUNCTIONS}


def is_node_class(cls: object) -> bool:
    """Whether ``cls`` is a registered node class itself (not a subclass of one)."""
    name = getattr(cls, "__name__", None)
    return isinstance(name, str) and _CLASSES.get(name) is cls


def find(kind: str, node: Any) -> Rule | None:
    """The ``kind`` rule for ``node``'s class or its nearest base that has one."""
    table = _RULES[kind]
    for cls in type(node).__mro__:
        found = table.get(cls)
        if found is not None:
            return found
    return None


def require(kind: str, node: Any) -> Rule:
    """``find``, or ``UnsupportedNodeError`` naming the evaluator and the node type."""
    found = find(kind, node)
    if found is None:
        raise UnsupportedNodeError(
            f"the {kind} evaluator has no rule for {type(node).__name__}; register one "
            f"with @rule({kind.upper()}, {type(node).__name__}) beside the class"
        )
    return found


def missing_rules() -> list[str]:
    """``"Name: scalar"`` for every registered class an evaluator has no rule for."""
    return [
        f"{name}: {kind}"
        for name, cls in sorted(_CLASSES.items())
        if not hasattr(cls, "expand")  # an Expanding class runs its tree's rules
        for kind in EVALUATORS
        if not any(base in _RULES[kind] for base in cls.__mro__)
    ]


def lacking(kind: str) -> list[str]:
    """The name of every registered class with no ``kind`` rule, its own or a base's."""
    return [
        name
        for name, cls in sorted(_CLASSES.items())
        if not any(base in _RULES[kind] for base in cls.__mro__)
    ]
