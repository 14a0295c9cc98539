"""The lrsched 0.1.0 functions, kept as thin constructors over the 0.2.0 classes.

Code written for 0.1.0 keeps running: each function returns a schedule object, which is
still a callable from step to learning rate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from .core import validate
from .core.composites import Phases, Warmup
from .core.errors import ParameterTypeError, ParameterValueError
from .core.registry import constructor
from .core.schedule import Schedule
from .schedules.constant import Constant
from .schedules.cosine import Cosine, CosineRestarts
from .schedules.decays import Exponential, MultiStep, StepDecay
from .schedules.inverse_sqrt import InverseSqrt
from .schedules.one_cycle import OneCycle
from .schedules.polynomial import Linear, Polynomial


@constructor
def constant(*, lr: float) -> Constant:
    """``Constant(lr=lr)``."""
    return Constant(lr=lr)


@constructor
def step_decay(*, base_lr: float, gamma: float, step_size: int) -> StepDecay:
    """``StepDecay(...)``: multiply by ``gamma`` every ``step_size`` steps."""
    return StepDecay(base_lr=base_lr, gamma=gamma, step_size=step_size)


@constructor
def multi_step(*, base_lr: float, milestones: Iterable[int], gamma: float) -> MultiStep:
    """``MultiStep(...)``: multiply by ``gamma`` at each milestone."""
    return MultiStep(base_lr=base_lr, milestones=tuple(milestones), gamma=gamma)


@constructor
def exponential(*, base_lr: float, gamma: float) -> Exponential:
    """``Exponential(...)``: ``base_lr * gamma ** step``."""
    return Exponential(base_lr=base_lr, gamma=gamma)


@constructor
def linear(*, base_lr: float, end_lr: float, total_steps: int) -> Linear:
    """``Linear(...)``: straight line to ``end_lr``, then hold."""
    return Linear(base_lr=base_lr, end_lr=end_lr, total_steps=total_steps)


@constructor
def polynomial(*, base_lr: float, end_lr: float, total_steps: int, power: float) -> Polynomial:
    """``Polynomial(...)``: polynomial decay to ``end_lr``, then hold."""
    return Polynomial(base_lr=base_lr, end_lr=end_lr, total_steps=total_steps, power=power)


@constructor
def cosine(*, base_lr: float, min_lr: float, total_steps: int) -> Cosine:
    """``Cosine(...)``: cosine annealing to ``min_lr``, then hold."""
    return Cosine(base_lr=base_lr, min_lr=min_lr, total_steps=total_steps)


@constructor
def cosine_restarts(*, base_lr: float, min_lr: float, period: int, t_mult: int) -> CosineRestarts:
    """``CosineRestarts(...)``: SGDR."""
    return CosineRestarts(base_lr=base_lr, min_lr=min_lr, period=period, t_mult=t_mult)


@constructor
def inverse_sqrt(*, base_lr: float, warmup_steps: int) -> InverseSqrt:
    """``InverseSqrt(...)``: the Transformer schedule."""
    return InverseSqrt(base_lr=base_lr, warmup_steps=warmup_steps)


@constructor
def one_cycle(
    *, max_lr: float, total_steps: int, pct_start: float, initial_div: float, final_div: float
) -> OneCycle:
    """``OneCycle(...)``: the one-cycle policy."""
    return OneCycle(
        max_lr=max_lr,
        total_steps=total_steps,
        pct_start=pct_start,
        initial_div=initial_div,
        final_div=final_div,
    )


@constructor
def with_warmup(schedule: Schedule, *, warmup_steps: int, start_lr: float) -> Schedule:
    """``Warmup(steps=warmup_steps, start_lr=start_lr) >> schedule``."""
    return Warmup(steps=warmup_steps, start_lr=start_lr) >> schedule


@constructor
def sequential(phases: Sequence[tuple[int, Schedule]]) -> Schedule:
    """``s1[:d1] | s2[:d2] | ...`` for ``phases = [(d1, s1), (d2, s2), ...]``."""
    given: object = phases
    if not isinstance(given, Sequence) or isinstance(given, (str, bytes)):
        raise ParameterTypeError(
            f"phases must be a sequence of (duration, schedule) pairs, got {phases!r}"
        )
    if len(phases) == 0:
        raise ParameterValueError("sequential needs at least one (duration, schedule) phase")
    bounded = [_bounded_phase(i, pair) for i, pair in enumerate(phases)]
    # One Phases node, not a fold of |, which would copy the growing chain at every step.
    return bounded[0] if len(bounded) == 1 else Phases(phases=tuple(bounded))


def _bounded_phase(index: int, pair: object) -> Schedule:
    """``schedule[:duration]`` for the ``index``-th ``(duration, schedule)`` pair."""
    if not isinstance(pair, Sequence) or isinstance(pair, (str, bytes)) or len(pair) != 2:
        raise ParameterTypeError(f"phase {index} must be a (duration, schedule) pair, got {pair!r}")
    duration, schedule = pair
    if not isinstance(schedule, Schedule):
        raise ParameterTypeError(
            f"phase {index} must hold an lrsched schedule, got {validate.describe(schedule)}; "
            "build it from the lrsched classes"
        )
    return schedule[: validate.count("phase duration", duration)]


def sample(schedule: Callable[[int], float], *, num_steps: int) -> list[float]:
    """The rates at steps ``0..num_steps-1`` as a list of floats.

    With NumPy installed, a tree of lrsched nodes is computed by the array evaluator
    (``lrsched.evaluate``), which agrees with calling the schedule to rounding (1e-12
    relative). Anything else, as in 0.1.0 any callable from step to rate, is called at
    each step, as is every schedule when NumPy is missing.
    """
    count = validate.count("num_steps", num_steps)
    rates = _sample_array(schedule, count)
    return rates if rates is not None else [schedule(k) for k in range(count)]


def _sample_array(schedule: object, count: int) -> list[float] | None:
    """The rates from the array evaluator, or ``None`` if it cannot compute them."""
    if not isinstance(schedule, Schedule):
        return None
    try:
        import numpy
    except ImportError:
        return None
    from .core.errors import UnsupportedNodeError
    from .evaluators.array import evaluate

    try:
        rates: list[float] = evaluate(schedule, numpy.arange(count)).tolist()
    except UnsupportedNodeError:  # a node type with a scalar rule only
        return None
    return rates
