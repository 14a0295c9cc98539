"""The array evaluator: a schedule over a whole array of steps, in NumPy, JAX or torch.

Rules come from the registry (``core.registry``), as for ``scalar``: the composites'
rules are here, each schedule's sits beside its class in ``lrsched.schedules``, with the
helpers below (``floor_div``, ``power``, ``halving``...) that keep every backend exact.
``compile_array(node)`` walks the tree once and returns a function ``fn(xp, k)`` of an
Array API namespace ``xp`` and a float array ``k`` of non-negative whole steps. Rules
branch with ``where`` and ``clip`` only, never a Python ``if`` on an array value, so the
same code runs eagerly, under ``jax.jit`` on traced steps and under
``torch.compile`` without graph breaks. Every branch of a ``where`` is computed on every
element, so each rule keeps all its branches finite for any step ``>= 0`` (no division
by a zero step, no square root of a negative local step): an ``inf`` or ``nan`` in an
unused branch would still raise NumPy warnings and poison JAX gradients. That holds
for every rate up to the float maximum too (``tests/hostile/test_overflow.py``).

Each rule uses the formula of its ``_scalar`` rule in the same order of operations, so
the two evaluators agree to rounding (``tests/test_array_agreement.py`` checks 1e-12).

Steps are computed as floats: whole numbers are exact up to ``2**53`` in float64 and
``2**24`` in float32 (JAX without x64), beyond any realistic training run in float64.
Every step up to ``2**53`` gets the scalar rule's cycle, phase and offset exactly, even
where the arithmetic on the way passes ``2**53`` (``tests/hostile/test_exactness.py``).
"""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable
from functools import wraps
from math import log, pi, prod
from sys import float_info
from types import ModuleType
from typing import Any

from ..core.composites import Bounded, Phases, Scaled, Shifted, WithWarmup
from ..core.errors import ParameterValueError, StepError, StepTypeError, UnsupportedNodeError
from ..core.registry import ARRAY, require, rule
from ..core.schedule import Schedule, lowered
from ..core.seam import install
from ..core.validate import MAX_COUNT, describe, shown
from .bounds import value_range
from .scalar import HALF_MAX, Halved, magnitude, near_max


def _optional_compat() -> ModuleType | None:
    """array-api-compat if installed: an Array API namespace for every library it knows."""
    try:
        import array_api_compat
    except ImportError:  # pragma: no cover (the dev environment installs it)
        return None
    return array_api_compat


array_api_compat = _optional_compat()


# fn(xp, k): rates at the float steps k (whole numbers >= 0), in namespace xp.
ArrayFn = Callable[[Any, Any], Any]


class _Shim:
    """The few Array API names torch (and NumPy < 2) lack, over the library's own module."""

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def astype(self, x: Any, dtype: Any) -> Any:
        return x.to(dtype) if hasattr(x, "to") else x.astype(dtype)

    def isdtype(self, dtype: Any, kind: str) -> bool:
        # Only kinds "integral" and "signed integer" are asked for; neither holds bool.
        if hasattr(dtype, "is_floating_point"):  # a torch dtype
            integral = not (dtype.is_floating_point or dtype.is_complex or dtype == self.bool)
            return integral and (kind == "integral" or dtype.is_signed)
        wanted = self._module.integer if kind == "integral" else self._module.signedinteger
        return bool(self._module.issubdtype(dtype, wanted))


def library(steps: object) -> str:
    """``"numpy"``, ``"jax"``, ``"torch"`` or another root module name of the array type."""
    root = type(steps).__module__.partition(".")[0]
    return "jax" if root.startswith("jax") else root


def namespace(steps: object) -> Any:
    """The Array API namespace of ``steps``: array-api-compat's if installed, else our own.

    torch always gets our small shim: array-api-compat's torch helpers are
    ``lru_cache``-wrapped, which ``torch.compile`` traces through with a warning.
    """
    name = library(steps)
    if name == "torch":
        import torch

        return _Shim(torch)
    if array_api_compat is not None:
        try:
            return array_api_compat.array_namespace(steps)
        except TypeError:
            pass
    elif name == "numpy":
        import numpy

        return numpy if hasattr(numpy, "isdtype") else _Shim(numpy)
    elif name == "jax":
        import jax.numpy

        return jax.numpy
    raise StepTypeError(
        f"steps must be a NumPy, JAX or torch integer array, got {type(steps).__name__}"
    )


def float_dtype(xp: Any, steps: Any) -> Any:
    """float64, unless the library cannot compute in it here (JAX without x64, torch MPS)."""
    name = library(steps)
    if name == "jax":
        import jax

        if not jax.config.read("jax_enable_x64"):
            return xp.float32
    if name == "torch" and steps.device.type == "mps":
        return xp.float32
    return xp.float64


def is_concrete(steps: Any) -> bool:
    """Whether the values of ``steps`` can be read now: not a JAX tracer, not inside
    ``torch.compile``, not a torch meta tensor (which has a shape and no values)."""
    name = library(steps)
    if name == "jax":
        import jax

        return not isinstance(steps, jax.core.Tracer)
    if name == "torch":
        compiling = sys.modules["torch"].compiler.is_compiling()
        return not compiling and steps.device.type != "meta"
    return True


def on_host(steps: Any) -> bool:
    """Whether reading the values of ``steps`` waits for no accelerator: NumPy arrays,
    eager torch tensors on the CPU and concrete JAX arrays on CPU devices. Reading a
    CUDA tensor or a JAX array on a GPU waits until the device has computed it (a host
    sync, which also breaks CUDA graph capture)."""
    name = library(steps)
    if name == "torch":
        return steps.device.type == "cpu" and is_concrete(steps)
    if name == "jax":
        return is_concrete(steps) and all(d.platform == "cpu" for d in steps.devices())
    return True


# What evaluate does with negative steps (its check= argument).
CHECKS = ("auto", "raise", "nan")


def as_steps(steps: Any, check: str = "auto") -> tuple[Any, Any]:
    """``(xp, k)``: the namespace and the validated steps as a float array (negative
    steps raise where ``check`` reads them; see ``validated``)."""
    steps, xp, read, _ = validated(steps, check)
    if read and bool(xp.any(steps < 0)):
        raise StepError(f"steps must be non-negative, got {int(xp.min(steps))}")
    return xp, xp.astype(steps, float_dtype(xp, steps))


def validated(steps: Any, check: str) -> tuple[Any, Any, bool, bool]:
    """``(steps, xp, read, poison)``: the steps as an integer array, its namespace,
    whether ``check`` reads them for a negative step and whether negative steps are
    instead left for ``poisoned`` to turn into NaN. No value is read here.

    ``check="auto"`` reads the steps where that waits for no device (``on_host``);
    ``"raise"`` reads any steps that have values (a host sync on an accelerator) and is
    a ``ParameterValueError`` for steps with none; ``"nan"`` never reads. Unsigned steps
    are never read.
    """
    if check not in CHECKS:
        options = ", ".join(repr(option) for option in CHECKS)
        raise ParameterValueError(f"check must be one of {options}, got {shown(check)}")
    if isinstance(steps, (int, list, tuple, range)):
        steps = python_steps(steps)
    elif library(steps) == "numpy" and getattr(steps, "dtype", None) == "O":
        steps = python_steps(steps.tolist())  # Python objects: each is checked as a step
    xp = namespace(steps)
    if not xp.isdtype(steps.dtype, "integral"):
        raise StepTypeError(f"steps must be an array of ints, got dtype {steps.dtype}")
    # Unsigned steps need no check (and torch has no `<` for uint16/32/64 on the CPU).
    signed = xp.isdtype(steps.dtype, "signed integer")
    read = signed and check != "nan" and (check == "raise" or on_host(steps))
    if read and check == "raise" and not is_concrete(steps):
        raise ParameterValueError(
            "check='raise' reads the steps, which have no values under jax.jit, inside "
            "torch.compile or on torch's meta device; use check='auto' or 'nan' there"
        )
    return steps, xp, read, signed and not read


def poisoned(xp: Any, k: Any, fn: ArrayFn) -> Any:
    """``fn`` at the steps ``k``, with NaN wherever a step is negative: the check that
    runs on the device, with no read of a value. The rules see the steps clipped at 0,
    where every branch is finite."""
    return xp.where(k < 0, float("nan"), fn(xp, xp.clip(k, 0, None)))


# The largest step a Python int in a list may be: the int64 every framework counts in.
MAX_INT64 = 2**63 - 1


def python_steps(steps: int | list[Any] | tuple[Any, ...] | range) -> Any:
    """A Python int, range or (nested) list of ints as a NumPy int64 array.

    NumPy reads what it can (a ragged list fails, a float or a huge int changes the
    dtype, a bool among ints becomes 1), so only when its array is not plain int64, or
    the input may hide a bool, is the input walked to name the first bad element.
    """
    import numpy

    if isinstance(steps, range):  # ints by construction, and no list to walk
        problem = _bad_step(max(steps[0], steps[-1]), "steps") if steps else None
        if problem is not None:
            raise problem
        return numpy.asarray(steps, dtype=numpy.int64)
    try:
        array = numpy.asarray(steps)
    except (ValueError, TypeError, OverflowError):  # ragged, or a value NumPy cannot hold
        array = None
    if array is not None and array.dtype == numpy.int64 and not _holds_a_bool(steps):
        return array
    problem = _first_problem(steps, "steps")
    if problem is not None:
        raise problem
    # Nothing wrong in it: an empty (nested) list, read by NumPy as float64.
    return numpy.asarray(steps, dtype=numpy.int64)


def _is_bool(kind: type) -> bool:
    """``bool`` or NumPy's bool scalar type: ints to ``operator.index``, never steps."""
    return issubclass(kind, bool) or kind.__name__ in ("bool", "bool_")


def _holds_a_bool(steps: object) -> bool:
    """Whether a (nested) list holds a bool, which NumPy would read as 0 or 1."""
    if not isinstance(steps, (list, tuple)):
        return _is_bool(type(steps))
    if steps and isinstance(steps[0], (list, tuple)):
        return any(_holds_a_bool(row) for row in steps)
    return any(_is_bool(kind) for kind in set(map(type, steps)))


def _bad_step(value: object, where: str) -> StepError | None:
    """The error for one element of a list of steps, or None if it is a valid step."""
    if _is_bool(type(value)):
        return StepTypeError(f"{where} must be an int, got {describe(value)}")
    try:
        step = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        return StepTypeError(f"{where} must be an int, got {describe(value)}")
    if step < 0:
        return StepError(f"{where} must be a non-negative int, got {shown(step)}")
    if step > MAX_INT64:
        return StepError(f"{where} must fit in a 64-bit int (at most 2**63 - 1), got {shown(step)}")
    return None


def _first_problem(steps: object, where: str) -> StepError | None:
    """The error for the first bad element of a (nested) list of steps, in order: a
    ragged row, an element that is not an int, a negative step, one past int64."""
    if not isinstance(steps, (list, tuple)):
        return _bad_step(steps, where)
    rows = [isinstance(item, (list, tuple)) for item in steps]
    if any(rows) and not all(rows):
        odd = rows.index(not rows[0])
        kinds = ("a number", "a list")
        return StepTypeError(
            f"steps must be a rectangular (non-ragged) list: {where}[0] is "
            f"{kinds[rows[0]]} but {where}[{odd}] is {kinds[rows[odd]]}"
        )
    if any(rows):
        lengths = [len(item) for item in steps]
        for i, length in enumerate(lengths):
            if length != lengths[0]:
                return StepTypeError(
                    f"steps must be a rectangular (non-ragged) list: {where}[0] has "
                    f"{lengths[0]} items but {where}[{i}] has {length}"
                )
    for i, item in enumerate(steps):
        problem = _first_problem(item, f"{where}[{i}]")
        if problem is not None:
            return problem
    return None


def floor_div(xp: Any, k: Any, n: int) -> Any:
    """``k // n`` for whole-number floats, exact for every ``k`` up to ``2**53``.

    The remainder ``k % n`` of floats is exact (it is an fmod), so ``k - k % n`` is an
    exact multiple of ``n`` and dividing it gives the quotient exactly; ``round`` puts it
    back on a whole number where a compiler turns ``/ n`` into ``* (1 / n)`` (XLA and
    inductor may). ``floor(k / n)`` with corrections would compare ``(q + 1) * n`` with
    ``k``, which rounds once it passes ``2**53``: at ``k = 2**53``, ``n = 3`` it is off
    by one.
    """
    d = float(n)  # see _counts
    return xp.round((k - k % d) / d)


def doubled(half: ArrayFn) -> ArrayFn:
    """The values of ``half`` doubled, capped at the maximum: ``_scalar.doubled``."""

    def double(xp: Any, k: Any) -> Any:
        return xp.clip(half(xp, k), None, HALF_MAX) * 2.0

    return double


def halving(rule: Callable[[Any], ArrayFn]) -> Callable[[Any], ArrayFn]:
    """A curve rule that compiles a node near the float maximum at half its rates, as
    ``_scalar.halving`` does."""

    @wraps(rule)
    def compile_curve(node: Schedule) -> ArrayFn:
        return doubled(rule(Halved(node))) if near_max(node) else rule(node)

    return compile_curve


# Every step of any integer dtype lies below 2**64, as a float too; every step up to
# 2**53 is an exact float, and the rules give it the scalar rule's value to rounding.
MAX_EXACT_STEP = MAX_COUNT


STEP_LIMIT = 2.0**64


def counts(*counts: int) -> tuple[float, ...]:
    """Counts as the floats the rules compute with: the same values (every count is at
    most 2**53, an exact float), but JAX reads a Python int as a weak int32 when x64 is
    off and refuses one past 2**31, where a Python float is a weak float32, like k."""
    return tuple(float(count) for count in counts)


def may_overflow(span: float, steps: float) -> bool:
    """Whether ``span * (k / steps)`` can pass the float range for a step ``k`` in an
    unused branch of a ``where`` (past a ramp's end), where it would still be computed:
    then the rule clips ``k`` to ``steps`` first. Known when compiling, so an ordinary
    rate pays for no clip."""
    return not span * (STEP_LIMIT / steps) < float_info.max / 4


def power(xp: Any, gamma: float, k: Any) -> Any:
    """``gamma ** k`` for a decay factor ``0 < gamma <= 1`` and steps ``k``.

    In float64 it is ``gamma ** k``, the scalar rule's formula. In float32 ``gamma``
    itself would be rounded (0.999999 by 1.3e-8 relative), an error that ``** k``
    multiplies by ``k`` (1.3% at step 10**6); ``exp(k * log(gamma))`` with the log taken
    here in float64 keeps the error near float32's own.
    """
    if k.dtype == xp.float64:  # a dtype, not an array value: fine under jit and compile
        return gamma**k
    return xp.exp(k * log(gamma))


def _ramp_factor(shape: str) -> Callable[[Any, Any], Any]:
    """``f(p)`` of the cosine or 1-sqrt warmup shape (``scalar._ramp``), on a progress
    array; the linear and exponential ramps have arithmetic of their own."""
    if shape == "cosine":
        return lambda xp, p: 0.5 * (1.0 - xp.cos(pi * p))
    if shape == "1-sqrt":
        return lambda xp, p: 1.0 - xp.sqrt(1.0 - p)
    raise UnsupportedNodeError(f"the array evaluator has no ramp factor for shape {shape!r}")


# ramp(xp, k, after): a warmup's rates at the steps k < steps, given ``after``, the
# schedule's rate at its step 0 (an array that broadcasts against k).
RampFn = Callable[[Any, Any, Any], Any]


def warmup_ramp(node: WithWarmup) -> RampFn:
    """The ramp of ``node``'s warmup, toward the array ``after`` of the schedule's s(0)."""
    (steps,), start, shape = counts(node.warmup.steps), node.warmup.start_lr, node.warmup.shape
    span = low = high = 0.0  # bound for every shape: torch.compile cannot read unset cells
    half = False
    # In the unused branch of the linear ramp k runs on past its end, so there k is
    # clipped if the ramp could pass the float range (|s(k) - start| <= the larger bound).
    low_target, high_target = value_range(node.schedule)
    span_bound = max(high_target, start) - min(low_target, 0.0)
    clip = shape == "linear" and may_overflow(span_bound, steps)
    # As in _scalar: a linear, cosine or 1-sqrt ramp near the float maximum runs at half
    # the rates and is doubled back (the exponential ramp is clamped instead).
    halve = shape != "exponential" and magnitude(start, node.schedule) > HALF_MAX
    floor = -HALF_MAX if low_target < 0.0 else None  # a ramp into a negative target
    origin = start * 0.5 if halve else start
    if shape == "exponential":
        # The span and the clamp are constants of the tree, taken from the scalar rule's
        # s(0) (cached since construction checked it): an array log of s(0) would be -inf
        # wherever a backend flushes a subnormal s(0) to 0 (XLA does, even in float64).
        target = node.schedule(0)
        span = log(target) - log(start)
        low, high = (start, target) if target >= start else (target, start)
        # start * exp(...) may round past a target near the float maximum: to inf, in an
        # array a warning. Halved, it cannot; halving and doubling are exact up there.
        half = high > float_info.max / 4

    def ramp(xp: Any, k: Any, after: Any) -> Any:
        # Parameters, not array values, choose the arithmetic.
        goal = after * 0.5 if halve else after
        if shape == "linear":
            ramp = origin + (goal - origin) * ((xp.clip(k, None, steps) if clip else k) / steps)
        elif shape == "exponential":
            # Clamped like the scalar rule: exp rounds, and must not pass the target.
            growth = xp.exp(span * (xp.clip(k, None, steps) / steps))
            if half:
                ramp = xp.clip(start * 0.5 * growth, low * 0.5, high * 0.5) * 2.0
            else:
                ramp = xp.clip(start * growth, low, high)
        else:
            # Clipped so that 1 - p stays >= 0 in the unused branch of the 1-sqrt shape.
            factor = _ramp_factor(shape)(xp, xp.clip(k, None, steps) / steps)
            ramp = origin + (goal - origin) * factor
        if halve:
            ramp = xp.clip(ramp, floor, HALF_MAX) * 2.0
        return ramp

    return ramp


@rule(ARRAY, WithWarmup)
def _with_warmup(node: WithWarmup) -> ArrayFn:
    inner, ramp, (steps,) = (
        compile_array(node.schedule),
        warmup_ramp(node),
        counts(node.warmup.steps),
    )

    def with_warmup(xp: Any, k: Any) -> Any:
        after = inner(xp, xp.clip(k - steps, 0, None))
        # On the ramp (k < steps) the clipped inner step is 0, so `after` holds the target
        # s(0) there: no separate evaluation of s(0), and nothing for a tracer to stop at.
        return xp.where(k < steps, ramp(xp, k, after), after)

    return with_warmup


@rule(ARRAY, Phases)
def _phases(node: Phases) -> ArrayFn:
    fns = [compile_array(phase) for phase in node.phases]
    starts = counts(*node.starts)

    def phases(xp: Any, k: Any) -> Any:
        # A where-chain from the last phase back: phase i wherever k < starts[i + 1].
        # Each phase sees its local step clipped at 0, so it stays finite where unused.
        out = fns[-1](xp, xp.clip(k - starts[-1], 0, None))
        for fn, begin, stop in zip(fns[-2::-1], starts[-2::-1], starts[:0:-1], strict=True):
            out = xp.where(k < stop, fn(xp, xp.clip(k - begin, 0, None)), out)
        return out

    return phases


@rule(ARRAY, Bounded)
def _bounded(node: Bounded) -> ArrayFn:
    inner, (last,) = compile_array(node.schedule), counts(node.steps - 1)

    def bounded(xp: Any, k: Any) -> Any:
        return inner(xp, xp.clip(k, None, last))

    return bounded


@rule(ARRAY, Shifted)
def _shifted(node: Shifted) -> ArrayFn:
    inner, (start,) = compile_array(node.schedule), counts(node.start)
    end = node.schedule.duration
    if end is None:
        # The schedule's own step k + start is exact up to k = 2**53 - start, then rounds.
        def shifted(xp: Any, k: Any) -> Any:
            return inner(xp, k + start)

        return shifted
    # A finite schedule holds from its end on, so its step is clipped there: exact for
    # every k, since the end is at most 2**53. Negative when it ends before start.
    last = float(end - node.start)

    def shifted_finite(xp: Any, k: Any) -> Any:
        return inner(xp, xp.clip(k, None, last) + start)

    return shifted_finite


@rule(ARRAY, Scaled)
def _scaled(node: Scaled) -> ArrayFn:
    inner, factor = compile_array(node.schedule), node.factor

    def scaled(xp: Any, k: Any) -> Any:
        return inner(xp, k) * factor

    return scaled


def compile_array(node: Schedule) -> ArrayFn:
    """Compile ``node`` into ``fn(xp, k)`` over a float array of whole steps ``k >= 0``."""
    tree = lowered(node)
    compiled: ArrayFn = require(ARRAY, tree)(tree)
    return compiled


class Compiled:
    """A schedule's compiled array function (``whole``), and its pieces for the host
    path (``evaluators.pieces``), cut on first use."""

    __slots__ = ("_pieces", "whole")

    def __init__(self, whole: ArrayFn) -> None:
        self.whole = whole

    _pieces: Any

    def pieces(self, schedule: Schedule) -> Any:
        try:
            return self._pieces
        except AttributeError:
            from .pieces import Pieces

            self._pieces = Pieces(schedule)
            return self._pieces


def compiled(schedule: Schedule) -> Compiled:
    """``compile_array(schedule)``, cached in the hidden slot ``_array_fn``.

    The slot is not a field, so it is in no ``==``, ``hash``, ``repr`` or pickle. The
    function does not depend on the namespace (``xp`` is its argument), so one slot
    serves every backend. Compiling is pure: two threads that race both compile an
    equal function and either one is kept. Inside ``torch.compile`` the slot is read but
    not written, so a trace has no side effect on the schedule.
    """
    try:
        fn: Compiled = schedule._array_fn  # type: ignore[attr-defined]
    except AttributeError:
        fn = Compiled(compile_array(schedule))
        torch = sys.modules.get("torch")
        if torch is None or not torch.compiler.is_compiling():
            object.__setattr__(schedule, "_array_fn", fn)
    return fn


# Fewer steps than this take the where chain: the host path's chunks would not pay.
HOST_PATH_MIN = 1024


def evaluate(schedule: Schedule, steps: Any, *, check: str = "auto") -> Any:
    """The rates of ``schedule`` at every step of an integer array, as a float array.

    ``steps`` is a NumPy, JAX or torch array of ints (any shape; a Python int or list is
    read with NumPy). The result has the same shape, library and device, and dtype
    float64, except under JAX without ``jax_enable_x64`` (float32, about 7 digits)
    and on torch MPS (float32). Works under ``jax.jit`` and
    ``torch.compile(fullgraph=True)``.

    Negative steps, by ``check``:

    - ``"auto"`` (the default): ``StepError`` where the steps are on the host (NumPy,
      eager torch on the CPU, concrete JAX arrays on the CPU), where reading them waits
      for no device; NaN at each negative step elsewhere (CUDA and other accelerators,
      JAX tracers under ``jax.jit``, ``torch.compile``, torch's ``meta`` device), with
      no host sync;
    - ``"raise"``: ``StepError`` for any steps with values, reading them even from an
      accelerator (a host sync); a ``ParameterValueError`` for steps with no values;
    - ``"nan"``: NaN at each negative step, never reading a value.
    """
    steps, xp, read, poison = validated(steps, check)
    fn = compiled(schedule)
    dtype = float_dtype(xp, steps)
    if not poison and host_path(steps) and steps.ndim and prod(steps.shape) >= HOST_PATH_MIN:
        from .pieces import run

        return run(xp, steps, dtype, fn.whole, fn.pieces(schedule))
    if read and bool(xp.any(steps < 0)):
        raise StepError(f"steps must be non-negative, got {int(xp.min(steps))}")
    k = xp.astype(steps, dtype)
    return poisoned(xp, k, fn.whole) if poison else fn.whole(xp, k)


def is_array(value: object) -> bool:
    """Whether ``s(value)`` is ``evaluate(s, value)``: a NumPy array (not a NumPy scalar,
    which ``s(k)`` reads as an int), a torch tensor, or a JAX array or tracer."""
    name = library(value)
    if name == "numpy":
        return isinstance(value, sys.modules["numpy"].ndarray)
    return name in ("torch", "jax") and hasattr(value, "dtype") and hasattr(value, "shape")


install(is_array=is_array, evaluate=evaluate)


def host_path(steps: Any) -> bool:
    """Whether ``steps`` takes the host path: a NumPy array or an eager CPU tensor."""
    name = library(steps)
    return name == "numpy" or (name == "torch" and on_host(steps))
