"""The array evaluator: a schedule over a whole array of steps, in NumPy, JAX or torch.

One ``functools.singledispatch`` rule per node type, all in this module, like
``_scalar``. ``compile_array(node)`` walks the tree once and returns a function
``fn(xp, k)`` of an Array API namespace ``xp`` and a float array ``k`` of non-negative
whole steps. Rules branch with ``where`` and ``clip`` only, never a Python ``if`` on an
array value, so the same code runs eagerly, under ``jax.jit`` on traced steps and under
``torch.compile`` without graph breaks. Every branch of a ``where`` is computed on every
element, so each rule keeps all its branches finite for any step ``>= 0`` (no division
by a zero step, no square root of a negative local step): an ``inf`` or ``nan`` in an
unused branch would still raise NumPy warnings and poison JAX gradients.

Each rule uses the formula of its ``_scalar`` rule in the same order of operations, so
the two evaluators agree to rounding (``tests/test_array_agreement.py`` checks 1e-12).

Steps are computed as floats: whole numbers are exact up to ``2**53`` in float64 and
``2**24`` in float32 (JAX without x64), beyond any realistic training run in float64.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import singledispatch
from math import log, pi
from types import ModuleType
from typing import Any

from ._base import Schedule
from ._composites import Bounded, Phases, Scaled, WithWarmup
from ._cyclic import Cyclic
from ._errors import StepError, StepTypeError, UnsupportedNodeError
from ._interpolate import Interpolate
from ._leaves import (
    Constant,
    Cosine,
    CosineRestarts,
    Exponential,
    InverseSqrt,
    Linear,
    MultiStep,
    OneCycle,
    Polynomial,
    StepDecay,
)
from ._noam import Noam
from ._wsd import Decay, WarmupStableDecay


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

# ---------------------------------------------------------------------------------------
# Shared helpers: namespaces, dtypes and step checks.


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


def as_steps(steps: Any) -> tuple[Any, Any]:
    """``(xp, k)``: the namespace and the validated steps as a float array."""
    if isinstance(steps, (int, list, tuple, range)):
        import numpy

        steps = numpy.asarray(steps)
        if steps.dtype == object:  # a Python int beyond int64: NumPy keeps it as an object
            raise StepError("steps must fit in 64-bit ints, got a larger Python int")
        if steps.size == 0:  # NumPy reads [] as float64, but it holds no bad step
            steps = steps.astype(numpy.int64)
    xp = namespace(steps)
    if not xp.isdtype(steps.dtype, "integral"):
        raise StepTypeError(f"steps must be an array of ints, got dtype {steps.dtype}")
    # Unsigned steps need no check (and torch has no `<` for uint16/32/64 on the CPU).
    signed = xp.isdtype(steps.dtype, "signed integer")
    if signed and is_concrete(steps) and bool(xp.any(steps < 0)):
        raise StepError(f"steps must be non-negative, got {int(xp.min(steps))}")
    return xp, xp.astype(steps, float_dtype(xp, steps))


def floor_div(xp: Any, k: Any, n: int) -> Any:
    """``k // n`` for whole-number floats, exact even where a compiler turns ``k / n``
    into ``k * (1 / n)`` (XLA and inductor may), which can land just below a whole number.
    """
    q = xp.floor(k / n)
    q = xp.where(q * n > k, q - 1.0, q)
    return xp.where((q + 1.0) * n <= k, q + 1.0, q)


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


# ---------------------------------------------------------------------------------------
# One rule per node type.


@singledispatch
def array_rule(node: Schedule) -> ArrayFn:
    """The rule compiling ``node``; register one per node type with ``@array_rule.register``."""
    raise UnsupportedNodeError(f"the array evaluator has no rule for {type(node).__name__}")


@array_rule.register
def _constant(node: Constant) -> ArrayFn:
    lr = node.lr

    def constant(xp: Any, k: Any) -> Any:
        return xp.full_like(k, lr)

    return constant


@array_rule.register
def _step_decay(node: StepDecay) -> ArrayFn:
    base, gamma, size = node.base_lr, node.gamma, node.step_size

    def step_decay(xp: Any, k: Any) -> Any:
        return base * gamma ** floor_div(xp, k, size)

    return step_decay


@array_rule.register
def _multi_step(node: MultiStep) -> ArrayFn:
    base, gamma, milestones = node.base_lr, node.gamma, node.milestones

    def multi_step(xp: Any, k: Any) -> Any:
        passed = xp.zeros_like(k)
        for milestone in milestones:
            passed = passed + xp.astype(k >= milestone, k.dtype)
        return base * gamma**passed

    return multi_step


@array_rule.register
def _exponential(node: Exponential) -> ArrayFn:
    base, gamma = node.base_lr, node.gamma

    def exponential(xp: Any, k: Any) -> Any:
        return base * power(xp, gamma, k)

    return exponential


@array_rule.register
def _linear(node: Linear) -> ArrayFn:
    base, end, total = node.base_lr, node.end_lr, node.total_steps

    # From T on, the scalar rule's value at T, computed here: compiled, k / T may come
    # out a rounding away from 1, leaving a residue (even a negative one) where it is 0.
    hold = base + (end - base) * (total / total)

    def linear(xp: Any, k: Any) -> Any:
        return xp.where(k < total, base + (end - base) * (k / total), hold)

    return linear


@array_rule.register
def _polynomial(node: Polynomial) -> ArrayFn:
    base, end, total, power = node.base_lr, node.end_lr, node.total_steps, node.power

    def polynomial(xp: Any, k: Any) -> Any:
        # Compiled, 1 - T / T can come out at -6e-17 (a fractional power of it is nan:
        # optax's polynomial_schedule hits this under jit) or at +1e-17 (whose square root
        # is 3e-9, far from 0). So the base is clipped at 0, and from T on the rate is `end`.
        left = xp.clip(1.0 - k / total, 0.0, None)
        return xp.where(k < total, end + (base - end) * left**power, end)

    return polynomial


def _cosine_curve(base: float, low: float, total: int) -> ArrayFn:
    """The half cosine from ``base`` to ``low`` over ``total`` steps, then ``low``."""

    def cosine(xp: Any, k: Any) -> Any:
        return low + 0.5 * (base - low) * (1.0 + xp.cos(pi * xp.clip(k, None, total) / total))

    return cosine


@array_rule.register
def _cosine(node: Cosine) -> ArrayFn:
    return _cosine_curve(node.base_lr, node.min_lr, node.total_steps)


@array_rule.register
def _cosine_restarts(node: CosineRestarts) -> ArrayFn:
    base, low, period, t_mult = node.base_lr, node.min_lr, node.period, node.t_mult
    log_t_mult = log(t_mult) if t_mult > 1 else 1.0

    def cycle(xp: Any, k: Any) -> tuple[Any, Any]:
        if t_mult == 1:  # a parameter, not an array value
            return k - floor_div(xp, k, period) * period, xp.full_like(k, period)

        def scaled_start(i: Any) -> Any:  # (t_mult - 1) * S_i, a whole number, no division
            return period * (xp.round(t_mult**i) - 1.0)

        # The cycle index from a logarithm, as in _scalar.restart_cycle; rounding puts it
        # at most one off near a cycle start, so one exact correction each way suffices.
        i = xp.floor(xp.log(1.0 + k * (t_mult - 1) / period) / log_t_mult)
        scaled_k = k * (t_mult - 1)
        i = xp.where(scaled_start(i) > scaled_k, i - 1.0, i)
        i = xp.where(scaled_start(i + 1.0) <= scaled_k, i + 1.0, i)
        return k - scaled_start(i) / (t_mult - 1), period * xp.round(t_mult**i)

    def cosine_restarts(xp: Any, k: Any) -> Any:
        t, length = cycle(xp, k)
        return low + 0.5 * (base - low) * (1.0 + xp.cos(pi * t / length))

    return cosine_restarts


@array_rule.register
def _inverse_sqrt(node: InverseSqrt) -> ArrayFn:
    base, warmup = node.base_lr, node.warmup_steps

    def inverse_sqrt(xp: Any, k: Any) -> Any:
        decay = base * xp.sqrt(warmup / xp.clip(k, warmup, None))
        return xp.where(k < warmup, base * k / warmup, decay)

    return inverse_sqrt


@array_rule.register
def _one_cycle(node: OneCycle) -> ArrayFn:
    top, total, peak = node.max_lr, node.total_steps, node.peak_step
    start, end = top / node.initial_div, top / node.final_div

    def one_cycle(xp: Any, k: Any) -> Any:
        rise = start + 0.5 * (top - start) * (1.0 - xp.cos(pi * (k / peak)))
        frac = (xp.clip(k, None, total) - peak) / (total - peak)
        fall = end + 0.5 * (top - end) * (1.0 + xp.cos(pi * frac))
        return xp.where(k <= peak, rise, fall)

    return one_cycle


def _ramp_factor(shape: str) -> Callable[[Any, Any], Any]:
    """``f(p)`` of a non-linear warmup shape (``_scalar._ramp``), on a progress array."""
    if shape == "cosine":
        return lambda xp, p: 0.5 * (1.0 - xp.cos(pi * p))
    return lambda xp, p: 1.0 - xp.sqrt(1.0 - p)


@array_rule.register
def _with_warmup(node: WithWarmup) -> ArrayFn:
    inner = compile_array(node.schedule)
    steps, start, shape = node.warmup.steps, node.warmup.start_lr, node.warmup.shape
    span = low = high = 0.0  # bound for every shape: torch.compile cannot read unset cells
    if shape == "exponential":
        # The span and the clamp are constants of the tree, taken from the scalar rule's
        # s(0) (cached since construction checked it): an array log of s(0) would be -inf
        # wherever a backend flushes a subnormal s(0) to 0 (XLA does, even in float64).
        target = node.schedule(0)
        span = log(target) - log(start)
        low, high = (start, target) if target >= start else (target, start)

    def with_warmup(xp: Any, k: Any) -> Any:
        after = inner(xp, xp.clip(k - steps, 0, None))
        # On the ramp (k < steps) the clipped inner step is 0, so `after` holds the target
        # s(0) there: no separate evaluation of s(0), and nothing for a tracer to stop at.
        if shape == "linear":  # a parameter, not an array value
            ramp = start + (after - start) * (k / steps)
        elif shape == "exponential":
            # Clamped like the scalar rule: exp rounds, and must not pass the target.
            ramp = xp.clip(start * xp.exp(span * (xp.clip(k, None, steps) / steps)), low, high)
        else:
            # Clipped so that 1 - p stays >= 0 in the unused branch of the 1-sqrt shape.
            factor = _ramp_factor(shape)(xp, xp.clip(k, None, steps) / steps)
            ramp = start + (after - start) * factor
        return xp.where(k < steps, ramp, after)

    return with_warmup


@array_rule.register
def _phases(node: Phases) -> ArrayFn:
    fns = [compile_array(phase) for phase in node.phases]
    starts = node.starts

    def phases(xp: Any, k: Any) -> Any:
        # A where-chain from the last phase back: phase i wherever k < starts[i + 1].
        # Each phase sees its local step clipped at 0, so it stays finite where unused.
        out = fns[-1](xp, xp.clip(k - starts[-1], 0, None))
        for fn, begin, stop in zip(fns[-2::-1], starts[-2::-1], starts[:0:-1], strict=True):
            out = xp.where(k < stop, fn(xp, xp.clip(k - begin, 0, None)), out)
        return out

    return phases


@array_rule.register
def _bounded(node: Bounded) -> ArrayFn:
    inner, last = compile_array(node.schedule), node.steps - 1

    def bounded(xp: Any, k: Any) -> Any:
        return inner(xp, xp.clip(k, None, last))

    return bounded


@array_rule.register
def _scaled(node: Scaled) -> ArrayFn:
    inner, factor = compile_array(node.schedule), node.factor

    def scaled(xp: Any, k: Any) -> Any:
        return inner(xp, k) * factor

    return scaled


@array_rule.register
def _cyclic(node: Cyclic) -> ArrayFn:
    base, height = node.base_lr, node.max_lr - node.base_lr
    up = node.step_size_up
    down = node.step_size_down or up  # never None once constructed
    size, mode, gamma = up + down, node.mode, node.gamma

    def cyclic(xp: Any, k: Any) -> Any:
        t = k % size  # exact for whole floats, unlike floor(k / size)
        # XLA may turn t / up into t * (1 / up), a hair above 1 at the peak: clip it.
        wave = xp.clip(xp.where(t <= up, t / up, (size - t) / down), None, 1.0)
        if mode == "triangular":  # a parameter, not an array value
            return base + height * wave * 1.0
        scale = 0.5 ** ((k - t) / size) if mode == "triangular2" else power(xp, gamma, k)
        return base + height * wave * scale

    return cyclic


@array_rule.register
def _noam(node: Noam) -> ArrayFn:
    factor, slope = node.scale * node.d_model**-0.5, node.warmup_steps**-1.5

    def noam(xp: Any, k: Any) -> Any:
        n = k + 1.0
        return factor * xp.minimum(n**-0.5, n * slope)

    return noam


@array_rule.register
def _decay(node: Decay) -> ArrayFn:
    base, end, total, shape = node.base_lr, node.end_lr, node.steps, node.shape
    if shape == "cosine":  # Cosine's own function, so the values are identical
        return _cosine_curve(base, end, total)

    def decay(xp: Any, k: Any) -> Any:
        done = xp.clip(k, None, total)
        left = (total - done) / total  # as in _scalar: exactly 0 at the end, even under XLA
        if shape == "1-sqrt":
            return end + (base - end) * (left / (1.0 + xp.sqrt(done / total)))
        return end + (base - end) * left

    return decay


@array_rule.register
def _warmup_stable_decay(node: WarmupStableDecay) -> ArrayFn:
    return compile_array(node.expand())


@array_rule.register
def _interpolate(node: Interpolate) -> ArrayFn:
    points, cosine = node.points, node.shape == "cosine"

    def interpolate(xp: Any, k: Any) -> Any:
        out = xp.full_like(k, points[-1][1])
        # A where-chain from the last segment back: segment i wherever k < s_(i+1).
        for (a, va), (b, vb) in zip(points[-2::-1], points[:0:-1], strict=True):
            p = (xp.clip(k, a, b) - a) / (b - a)
            if cosine:
                p = 0.5 * (1.0 - xp.cos(pi * p))
            out = xp.where(k < b, va + (vb - va) * p, out)
        return out

    return interpolate


# ---------------------------------------------------------------------------------------
# Dispatch and the public entry point. Keep this section last.

# torch.compile cannot trace singledispatch's own dispatch (it calls abc.get_cache_token,
# a C function) nor read its registry (a mappingproxy keyed by classes), but it traces a
# plain dict. So compile_array looks rules up in this copy, taken once every rule above is
# registered. A rule registered later is still found, through array_rule itself (the
# entry for object), but torch.compile breaks its graph there: register rules above.
_RULES: dict[type, Callable[[Any], ArrayFn]] = {**array_rule.registry, object: array_rule}


def compile_array(node: Schedule) -> ArrayFn:
    """Compile ``node`` into ``fn(xp, k)`` over a float array of whole steps ``k >= 0``."""
    rule = next(_RULES[cls] for cls in type(node).__mro__ if cls in _RULES)
    return rule(node)


def evaluate(schedule: Schedule, steps: Any) -> Any:
    """The rates of ``schedule`` at every step of an integer array, as a float array.

    ``steps`` is a NumPy, JAX or torch array of ints (any shape; a Python int or list is
    read with NumPy). The result has the same shape, library and device, and dtype
    float64, except under JAX without ``jax_enable_x64`` (float32, about 7 digits)
    and on torch MPS (float32). Negative steps raise ``StepError`` when the values can
    be read: always for NumPy, for eager torch and concrete JAX arrays, but not for JAX
    tracers under ``jax.jit``, inside ``torch.compile`` or on torch's ``meta`` device
    (which has no values), where the caller must keep steps non-negative. Works under
    ``jax.jit`` and ``torch.compile(fullgraph=True)``.
    """
    xp, k = as_steps(steps)
    return compile_array(schedule)(xp, k)
