"""The array evaluator's host path: a tree cut into pieces of steps, run in chunks.

``evaluate`` on a NumPy array or an eager torch CPU tensor (``array.on_host``) comes here
instead of running the ``where`` chain of ``array.compile_array`` on every step. The
tree is cut once into pieces (``split``): piece ``i`` holds from the global step
``begins[i]`` up to ``begins[i + 1]`` and has its own function of the global steps, one
phase, one warmup ramp, with no ``where`` between phases. The steps are then taken in
chunks of ``CHUNK`` (so temporaries stay small and in cache) and written into one
preallocated output:

- a chunk whose smallest and largest steps fall in one piece (almost every chunk of a
  sorted run such as ``arange(n)``, and of any run longer than a chunk) is computed by
  that piece alone;
- a sorted chunk that spans pieces is cut at their boundaries, each part computed by its
  own piece;
- any other chunk (unsorted steps) runs the whole tree's ``where`` chain, as before.

The value of each step is the one the ``where`` chain gives it: a piece is the branch the
chain would take at that step, with the same arithmetic (the clips the chain applies are
no-ops on a piece's own steps), so the agreement with the scalar evaluator is unchanged.
The smallest step of each chunk, read anyway, is the check for negative steps. JAX
arrays (immutable, and usually traced), tensors on devices and steps inside
``torch.compile`` never come here.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from ..core.arithmetic import Negated, Sum
from ..core.composites import Bounded, Phases, Scaled, Shifted, WithWarmup
from ..core.errors import StepError
from ..core.schedule import Schedule, lowered
from .array import ArrayFn, compile_array, counts, warmup_ramp

# (begin, fn): from the global step `begin` on (to the next piece's begin), the rates are
# fn(xp, k) of the global float steps k.
Piece = tuple[float, ArrayFn]

# Steps per chunk: float64 temporaries of 256 KiB, which stay in a core's cache, and few
# enough chunks that torch's per-operator cost and its thread pool are paid rarely.
CHUNK = 32768


def shifted(fn: ArrayFn, offset: float) -> ArrayFn:
    """``fn`` of the steps counted from ``offset``."""
    if not offset:
        return fn

    def local(xp: Any, k: Any) -> Any:
        return fn(xp, k - offset)

    return local


def _phases(node: Phases) -> list[Piece]:
    found: list[Piece] = []
    starts, stops = counts(*node.starts), (*counts(*node.starts[1:]), None)
    for phase, start, stop in zip(node.phases, starts, stops, strict=True):
        for begin, fn in split(phase):
            if stop is not None and start + begin >= stop:
                break
            found.append((start + begin, shifted(fn, start)))
    return found


def _with_warmup(node: WithWarmup) -> list[Piece]:
    inner, ramp, (steps,) = (
        compile_array(node.schedule),
        warmup_ramp(node),
        counts(node.warmup.steps),
    )

    def ramp_piece(xp: Any, k: Any) -> Any:
        # The chain's `after` on the ramp is the schedule at step 0: computed once here.
        return ramp(xp, k, inner(xp, xp.zeros_like(k[:1])))

    return [(0.0, ramp_piece)] + [
        (steps + begin, shifted(fn, steps)) for begin, fn in split(node.schedule)
    ]


def _bounded(node: Bounded) -> list[Piece]:
    (last,) = counts(node.steps - 1)
    found = [(begin, fn) for begin, fn in split(node.schedule) if begin <= last]
    begin, fn = found[-1]

    def held(xp: Any, k: Any) -> Any:
        return fn(xp, xp.clip(k, None, last))

    found[-1] = (begin, held)  # the piece holding the last step holds it after
    return found


def _shifted(node: Shifted) -> list[Piece]:
    (start,) = counts(node.start)
    inner = split(node.schedule)
    ends = [begin for begin, _ in inner[1:]] + [None]

    def ahead(fn: ArrayFn) -> ArrayFn:
        def shifted(xp: Any, k: Any) -> Any:
            return fn(xp, k + start)

        return shifted

    # The pieces that hold a step from `start` on, counted from there.
    return [
        (max(begin - start, 0.0), ahead(fn))
        for (begin, fn), end in zip(inner, ends, strict=True)
        if end is None or end > start
    ]


def _scaled(node: Scaled) -> list[Piece]:
    factor = node.factor

    def scale(fn: ArrayFn) -> ArrayFn:
        def scaled(xp: Any, k: Any) -> Any:
            return fn(xp, k) * factor

        return scaled

    return [(begin, scale(fn)) for begin, fn in split(node.schedule)]


def _negated(node: Negated) -> list[Piece]:
    def negate(fn: ArrayFn) -> ArrayFn:
        def negated(xp: Any, k: Any) -> Any:
            return 0.0 - fn(xp, k)

        return negated

    return [(begin, negate(fn)) for begin, fn in split(node.schedule)]


def _sum(node: Sum) -> list[Piece]:
    # Cut where any term's piece changes; each piece adds the terms' pieces there, left to
    # right as the Sum rule adds the terms.
    parts = [split(term) for term in node.terms]
    begins = sorted({begin for part in parts for begin, _ in part})

    def added(fns: list[ArrayFn]) -> ArrayFn:
        first, *rest = fns

        def total(xp: Any, k: Any) -> Any:
            value = first(xp, k)
            for fn in rest:
                value = value + fn(xp, k)
            return value

        return total

    found: list[Piece] = []
    for begin in begins:
        active = [next(fn for start, fn in reversed(part) if start <= begin) for part in parts]
        found.append((begin, added(active)))
    return found


# The composites that cut a run into pieces; every other node (a leaf, or a node class
# added later) is one piece, its whole array rule.
SPLITS: dict[type, Callable[[Any], list[Piece]]] = {
    Phases: _phases,
    WithWarmup: _with_warmup,
    Bounded: _bounded,
    Shifted: _shifted,
    Scaled: _scaled,
    Negated: _negated,
    Sum: _sum,
}


def split(node: Schedule) -> list[Piece]:
    """The pieces of ``node``, in order of their first step (the first begins at 0)."""
    tree = lowered(node)
    cut = SPLITS.get(type(tree))
    return cut(tree) if cut is not None else [(0.0, compile_array(tree))]


class Pieces:
    """A tree's pieces, as two lists for ``bisect``."""

    __slots__ = ("begins", "fns")

    def __init__(self, node: Schedule) -> None:
        found = split(node)
        self.begins = [begin for begin, _ in found]
        self.fns = [fn for _, fn in found]


def run(xp: Any, steps: Any, dtype: Any, whole: ArrayFn, pieces: Pieces) -> Any:
    """The rates at the integer host array ``steps`` (NumPy or a CPU tensor), in ``dtype``;
    ``StepError`` for a negative step."""
    flat = xp.reshape(steps, (-1,))
    total = flat.shape[0]
    out = _empty(steps, total, dtype)
    begins, fns = pieces.begins, pieces.fns
    for first in range(0, total, CHUNK):
        last = min(first + CHUNK, total)
        k = xp.astype(flat[first:last], dtype)
        low, high = float(xp.min(k)), float(xp.max(k))
        if low < 0:
            raise StepError(f"steps must be non-negative, got {int(xp.min(steps))}")
        i, j = bisect_right(begins, low) - 1, bisect_right(begins, high) - 1
        if i == j:
            out[first:last] = fns[i](xp, k)
        elif bool(xp.all(k[1:] >= k[:-1])):
            cuts = [0] + [int(xp.sum(k < begins[p])) for p in range(i + 1, j + 1)] + [last - first]
            for p, a, b in zip(range(i, j + 1), cuts, cuts[1:], strict=False):
                if a < b:
                    out[first + a : first + b] = fns[p](xp, k[a:b])
        else:
            out[first:last] = whole(xp, k)
    return xp.reshape(out, tuple(steps.shape))


def _empty(steps: Any, total: int, dtype: Any) -> Any:
    """An uninitialised 1-D array of ``total`` elements, in ``steps``' library and device."""
    if hasattr(steps, "device") and hasattr(steps, "new_empty"):  # a torch tensor
        return steps.new_empty((total,), dtype=dtype)
    import numpy

    return numpy.empty(total, dtype=dtype)
