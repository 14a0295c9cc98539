"""The scalar evaluator's flat form: a whole tree as one generated Python function.

``compile_scalar`` gives a closure per node, so ``s(k)`` on ``Warmup >> Cosine | Constant``
makes four Python calls where a hand-written function makes one. ``compile_call`` writes
the tree's rules out as the body of a single function instead: phase choices and warmups
become ``if`` statements, bounds, shifts and scales a line each, and the common leaves
(``Constant``, ``Cosine``, ``Linear``) their formula, with every parameter written as a
literal (``repr`` of a float reads back the same float). Each line is its rule's own
expression in the same order of operations, so the value is the closure's to the bit
(``tests/test_inline.py`` checks it on random trees, huge steps and rates included).
A node with no template, or one past ``MAX_INLINE`` levels or a chain of more than
``MAX_PHASES``, is a call of its ``compile_scalar`` closure from the generated code; a
tree that would take more than ``MAX_LINES`` lines keeps its closures.

The source is built only from the tree's validated numbers (ints and finite floats),
never from text a user wrote, and compiled once per schedule: ``Schedule.__call__``
caches the function in its hidden ``_scalar_fn`` slot.
"""

from __future__ import annotations

from collections.abc import Callable
from math import cos, exp, log, pi, sqrt
from typing import Any

from ..core.composites import Bounded, Phases, Scaled, Shifted, WithWarmup
from ..core.schedule import Schedule, lowered
from ..core.seam import install
from .bounds import value_range
from .scalar import HALF_MAX, ScalarFn, compile_scalar, ramp_for

# A leaf's template: its rate as one expression of the step written "{k}", or None
# where its closure must run (a curve near the float maximum, which halves).
Template = Callable[[Any], str | None]
LEAVES: dict[type, Template] = {}

MAX_INLINE = 8  # composite levels written out; deeper subtrees are calls
MAX_PHASES = 16  # a longer chain is its closure (a binary search beats an if-chain)
MAX_LINES = 1000  # a larger tree keeps its closures: compiling it would cost more
K = "{k}"
SOURCE = "<lrsched scalar>"  # the file name of generated code, in tracebacks


def leaf(cls: type) -> Callable[[Template], Template]:
    """Register ``template`` as the inline form of the leaf class ``cls``."""

    def register(template: Template) -> Template:
        LEAVES[cls] = template
        return template

    return register


def curve_source(base: float, end: float, total: int, shape: str) -> str | None:
    """The template of the linear or half-cosine curve from ``base`` to ``end`` over
    ``total`` steps, then ``end`` (``cosine_curve_scalar``, ``Linear``'s rule)."""
    done = f"({K} if {K} < {total} else {total})"
    if shape == "cosine":
        return f"{end!r} + 0.5 * ({base!r} - {end!r}) * (1.0 + cos(pi * {done} / {total}))"
    return f"{base!r} + ({end!r} - {base!r}) * ({done} / {total})"


class _Writer:
    """The lines of the generated function and the names its calls need."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.env: dict[str, Any] = {"cos": cos, "exp": exp, "log": log, "pi": pi, "sqrt": sqrt}
        self.count = 0
        self.inlined = False

    def fresh(self, stem: str) -> str:
        self.count += 1
        return f"{stem}{self.count}"

    def call(self, fn: ScalarFn, k: str, pad: str) -> None:
        name = self.fresh("f")
        self.env[name] = fn
        self.lines.append(f"{pad}r = {name}({k})")

    def local(self, expression: str, pad: str) -> str:
        name = self.fresh("k")
        self.lines.append(f"{pad}{name} = {expression}")
        return name


def _emit(w: _Writer, node: Schedule, k: str, depth: int, indent: int = 1) -> None:
    """Lines at ``indent`` that set ``r`` to ``node``'s rate at the local step ``k`` (a
    name), ``depth`` composites down."""
    tree: Any = lowered(node)
    pad = "    " * indent
    kind = type(tree)
    if depth >= MAX_INLINE:
        w.call(compile_scalar(tree), k, pad)
        return
    if kind is Phases and len(tree.phases) <= MAX_PHASES:
        w.inlined = True
        starts = tree.starts
        for i, phase in enumerate(tree.phases):
            if i == len(starts) - 1:
                w.lines.append(f"{pad}else:")
            else:
                w.lines.append(f"{pad}{'if' if i == 0 else 'elif'} {k} < {starts[i + 1]}:")
            local = w.local(f"{k} - {starts[i]}", pad + "    ") if starts[i] else k
            _emit(w, phase, local, depth + 1, indent + 1)
        return
    if kind is WithWarmup:
        w.inlined = True
        _warmup(w, tree, k, depth, indent)
        return
    if kind is Bounded:
        w.inlined = True
        last = tree.steps - 1
        _emit(w, tree.schedule, w.local(f"{k} if {k} < {last} else {last}", pad), depth + 1, indent)
        return
    if kind is Shifted:
        w.inlined = True
        _emit(w, tree.schedule, w.local(f"{k} + {tree.start}", pad), depth + 1, indent)
        return
    if kind is Scaled:
        w.inlined = True
        _emit(w, tree.schedule, k, depth + 1, indent)
        w.lines.append(f"{pad}r = r * {tree.factor!r}")
        return
    template = LEAVES.get(kind)
    source = template(tree) if template is not None else None
    if source is None:
        w.call(compile_scalar(tree), k, pad)
    else:
        w.inlined = True
        w.lines.append(f"{pad}r = {source.replace(K, k)}")


def _warmup(w: _Writer, node: WithWarmup, k: str, depth: int, indent: int) -> None:
    pad = "    " * indent
    steps, start, shape = node.warmup.steps, node.warmup.start_lr, node.warmup.shape
    w.lines.append(f"{pad}if {k} < {steps}:")
    halved = shape != "exponential" and max(start, value_range(node.schedule)[1]) > HALF_MAX
    if shape == "linear" and not halved:
        target = compile_scalar(node.schedule)(0)
        w.lines.append(f"{pad}    r = {start!r} + ({target!r} - {start!r}) * ({k} / {steps})")
    else:
        w.call(ramp_for(node), k, pad + "    ")
    w.lines.append(f"{pad}else:")
    _emit(w, node.schedule, w.local(f"{k} - {steps}", pad + "    "), depth + 1, indent + 1)


def compile_call(node: Schedule) -> ScalarFn:
    """``compile_scalar(node)`` as one generated function where the tree allows, else
    the closure itself; the two give the same value at every step."""
    w = _Writer()
    _emit(w, node, "k", 0)
    if not w.inlined or len(w.lines) > MAX_LINES:
        return compile_scalar(node)
    source = "def call(k):\n" + "\n".join(w.lines) + "\n    return r\n"
    exec(compile(source, SOURCE, "exec"), w.env)
    fn: ScalarFn = w.env["call"]
    return fn


install(compile_scalar=compile_call)
