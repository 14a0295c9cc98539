"""The scalar evaluator's flat form: a whole tree as one generated Python function.

``compile_scalar`` gives a closure per node, so ``s(k)`` on ``Warmup >> Cosine | Constant``
makes four Python calls where a hand-written function makes one. ``compile_call`` writes
the tree's rules out as the body of a single function instead: phase choices and warmups
become ``if`` statements, bounds, shifts, scales and negations a line each, a sum
its terms one after another, and the common leaves
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

import re
from collections.abc import Callable
from math import cos, exp, log, pi, sqrt
from typing import Any

from ..core.arithmetic import Negated, Sum
from ..core.composites import Bounded, Phases, Scaled, Shifted, WithWarmup
from ..core.schedule import Schedule, lowered
from ..core.seam import install
from .scalar import HALF_MAX, ScalarFn, compile_scalar, magnitude, ramp_for

# A leaf's template: its rate as one expression of the step written "{k}", or None
# where its closure must run (a curve near the float maximum, which halves). The second
# argument is a bound the step is known to stay under (a phase's length), or None.
Template = Callable[[Any, "int | None"], str | None]
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


def curve_source(base: float, end: float, total: int, shape: str, below: int | None) -> str:
    """The template of the linear or half-cosine curve from ``base`` to ``end`` over
    ``total`` steps, then ``end`` (``cosine_curve_scalar``, ``Linear``'s rule). The
    rule's clamp ``min(k, total)`` is left out where no step below ``below`` reaches
    past ``total`` (a curve that is a phase of its own length): it changes nothing."""
    clamped = below is None or below > total + 1
    done = f"({K} if {K} < {total} else {total})" if clamped else K
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


def _emit(
    w: _Writer, node: Schedule, k: str, depth: int, indent: int = 1, below: int | None = None
) -> None:
    """Lines at ``indent`` that set ``r`` to ``node``'s rate at the local step ``k`` (a
    name), ``depth`` composites down; ``k < below`` where ``below`` is given."""
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
            ends = [starts[i + 1]] if i + 1 < len(starts) else []
            bound = min([*ends, *([below] if below is not None else [])], default=None)
            inner = None if bound is None else bound - starts[i]
            _emit(w, phase, local, depth + 1, indent + 1, inner)
        return
    if kind is WithWarmup:
        w.inlined = True
        _warmup(w, tree, k, depth, indent, below)
        return
    if kind is Bounded:
        w.inlined = True
        last = tree.steps - 1
        bound = last + 1 if below is None else min(below, last + 1)
        local = w.local(f"{k} if {k} < {last} else {last}", pad)
        _emit(w, tree.schedule, local, depth + 1, indent, bound)
        return
    if kind is Shifted:
        w.inlined = True
        bound = None if below is None else below + tree.start
        _emit(w, tree.schedule, w.local(f"{k} + {tree.start}", pad), depth + 1, indent, bound)
        return
    if kind is Scaled:
        w.inlined = True
        _emit(w, tree.schedule, k, depth + 1, indent, below)
        w.lines.append(f"{pad}r = r * {tree.factor!r}")
        return
    if kind is Sum and len(tree.terms) <= MAX_PHASES:
        # Each term into r, added left to right as the Sum rule adds them.
        w.inlined = True
        total = w.fresh("s")
        for i, term in enumerate(tree.terms):
            _emit(w, term, k, depth + 1, indent, below)
            w.lines.append(f"{pad}{total} = r" if i == 0 else f"{pad}{total} = {total} + r")
        w.lines.append(f"{pad}r = {total}")
        return
    if kind is Negated:
        w.inlined = True
        _emit(w, tree.schedule, k, depth + 1, indent, below)
        w.lines.append(f"{pad}r = 0.0 - r")
        return
    template = LEAVES.get(kind)
    source = template(tree, below) if template is not None else None
    if source is None:
        w.call(compile_scalar(tree), k, pad)
    else:
        w.inlined = True
        w.lines.append(f"{pad}r = {source.replace(K, k)}")


def _warmup(
    w: _Writer, node: WithWarmup, k: str, depth: int, indent: int, below: int | None
) -> None:
    pad = "    " * indent
    steps, start, shape = node.warmup.steps, node.warmup.start_lr, node.warmup.shape
    w.lines.append(f"{pad}if {k} < {steps}:")
    halved = shape != "exponential" and magnitude(start, node.schedule) > HALF_MAX
    if shape == "linear" and not halved:
        target = compile_scalar(node.schedule)(0)
        w.lines.append(f"{pad}    r = {start!r} + ({target!r} - {start!r}) * ({k} / {steps})")
    else:
        w.call(ramp_for(node), k, pad + "    ")
    w.lines.append(f"{pad}else:")
    local, bound = w.local(f"{k} - {steps}", pad + "    "), None if below is None else below - steps
    _emit(w, node.schedule, local, depth + 1, indent + 1, bound)


def compile_call(node: Schedule) -> ScalarFn:
    """``compile_scalar(node)`` as one generated function where the tree allows, else
    the closure itself; the two give the same value at every step."""
    w = _Writer()
    _emit(w, node, "k", 0)
    if not w.inlined or len(w.lines) > MAX_LINES:
        return compile_scalar(node)
    source = "def call(k):\n" + "\n".join(_used(w.lines)) + "\n    return r\n"
    exec(compile(source, SOURCE, "exec"), w.env)
    fn: ScalarFn = w.env["call"]
    return fn


def _used(lines: list[str]) -> list[str]:
    """``lines`` without the local steps that nothing reads (a constant phase's)."""
    names = [re.match(r"\s*(k\d+) = ", line) for line in lines]
    text = "\n".join(lines)
    return [
        line
        for line, name in zip(lines, names, strict=True)
        if name is None or len(re.findall(rf"\b{name[1]}\b", text)) > 1
    ]


install(compile_scalar=compile_call)
