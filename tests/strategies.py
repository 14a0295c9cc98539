"""Hypothesis strategies: valid parameters for every node, and random schedule trees.

``STRATEGIES`` maps every registered node class to its strategy, and the random trees
draw their leaves from it, so the tree properties (round trips, bounds, evaluator
agreement) cover every class listed there; ``EXAMPLES`` holds fixed schedules that use
each class, for the tests that run one schedule at a time (the array backends).
``tests/test_registry.py`` fails naming a registered class missing from either.

The module-level strategies keep rates in a realistic range so that properties check
formulas, not float overflow; ``huge_rates`` builds the same node and tree strategies
over rates up to the float maximum and down to the smallest subnormal
(``tests/hostile/test_overflow.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields
from itertools import accumulate
from typing import Any

from hypothesis import strategies as st

from lrsched import (
    Bounded,
    CompositionError,
    Constant,
    Cosine,
    CosineRestarts,
    Cyclic,
    Decay,
    Exponential,
    Interpolate,
    InverseSqrt,
    Linear,
    MultiStep,
    Negated,
    Noam,
    OneCycle,
    ParameterValueError,
    Phases,
    Polynomial,
    Scaled,
    Schedule,
    Shifted,
    StepDecay,
    Sum,
    Warmup,
    WarmupCosine,
    WarmupStableDecay,
    WithWarmup,
    value_range,
)
from lrsched.core.node import Node

counts = st.integers(min_value=1, max_value=500)
# From far below any real decay (underflow to 0 must be 0.0, never an error) up to 1.
gammas = st.floats(min_value=1e-300, max_value=1.0)
steps = st.integers(min_value=0, max_value=5_000)
# Slice starts: within a schedule's first steps, and past the end of most finite ones.
slice_starts = st.integers(min_value=1, max_value=600)
warmup_shapes = st.sampled_from(["linear", "cosine", "1-sqrt", "exponential"])

FLOAT_MAX = 1.7976931348623157e308
SMALLEST_SUBNORMAL = 5e-324


def spanned(start: float, target: float) -> float:
    """``start`` moved to within the ratio an exponential ramp to ``target`` may span."""
    return min(max(start, target * math.exp(-700)), target * math.exp(700), FLOAT_MAX)


@dataclass(frozen=True)
class Trees:
    """The strategies for every node type and for random trees, over one choice of rates."""

    rates: st.SearchStrategy[float]
    positive_rates: st.SearchStrategy[float]
    constants: st.SearchStrategy[Schedule]
    step_decays: st.SearchStrategy[Schedule]
    multi_steps: st.SearchStrategy[Schedule]
    exponentials: st.SearchStrategy[Schedule]
    linears: st.SearchStrategy[Schedule]
    polynomials: st.SearchStrategy[Schedule]
    cosines: st.SearchStrategy[Schedule]
    cosine_restarts: st.SearchStrategy[Schedule]
    inverse_sqrts: st.SearchStrategy[Schedule]
    one_cycles: st.SearchStrategy[Schedule]
    cyclics: st.SearchStrategy[Schedule]
    noams: st.SearchStrategy[Schedule]
    decays: st.SearchStrategy[Schedule]
    interpolates: st.SearchStrategy[Schedule]
    warmup_stable_decays: st.SearchStrategy[Schedule]
    warmup_cosines: st.SearchStrategy[Schedule]
    linear_warmups: st.SearchStrategy[Warmup]
    warmups: st.SearchStrategy[Warmup]
    leaves: st.SearchStrategy[Schedule]
    trees: st.SearchStrategy[Schedule]
    into: Callable[[Schedule], st.SearchStrategy[Warmup]]
    # Every registered node class (leaves, composites and Warmup) to a strategy for it.
    strategies: dict[type[Node], st.SearchStrategy[Node]]


def make_trees(
    rates: st.SearchStrategy[float],
    positive_rates: st.SearchStrategy[float],
    factors: st.SearchStrategy[float],
) -> Trees:
    """Every node strategy and the random trees, with rates drawn from ``rates`` (and
    ``positive_rates`` where 0 is refused) and ``Scaled`` factors from ``factors`` (cut
    down to the largest one the tree's peak allows)."""
    constants = st.builds(Constant, lr=rates)
    step_decays = st.builds(StepDecay, base_lr=rates, gamma=gammas, step_size=counts)
    multi_steps = st.builds(
        MultiStep, base_lr=rates, milestones=st.lists(counts, max_size=5), gamma=gammas
    )
    exponentials = st.builds(
        Exponential, base_lr=rates, gamma=gammas, decay_steps=st.just(1) | counts
    )
    linears = st.builds(Linear, base_lr=rates, end_lr=rates, total_steps=counts)
    polynomials = st.builds(
        Polynomial,
        base_lr=rates,
        end_lr=rates,
        total_steps=counts,
        power=st.floats(min_value=0.1, max_value=5.0),
    )
    cosines = st.builds(Cosine, base_lr=rates, min_lr=rates, total_steps=counts)
    cosine_restarts = st.builds(
        CosineRestarts,
        base_lr=rates,
        min_lr=rates,
        period=counts,
        t_mult=st.integers(min_value=1, max_value=4),
    )
    inverse_sqrts = st.builds(InverseSqrt, base_lr=rates, warmup_steps=counts)
    one_cycles = st.builds(
        lambda max_lr, initial_div, final_div, **given: OneCycle(
            max_lr=max_lr,
            # Raised where max_lr / div would pass the float range (never, for ordinary rates).
            initial_div=max(initial_div, max_lr / FLOAT_MAX * 4),
            final_div=max(final_div, max_lr / FLOAT_MAX * 4),
            **given,
        ),
        max_lr=rates,
        total_steps=st.integers(min_value=2, max_value=500),
        pct_start=st.floats(min_value=0.01, max_value=0.99),
        # Divisors below 1 are valid too: the start or end rate then lies above max_lr.
        initial_div=st.floats(min_value=1e-3, max_value=1e4),
        final_div=st.floats(min_value=1e-3, max_value=1e5),
    )
    cyclics = st.one_of(
        st.builds(
            Cyclic,
            base_lr=rates,
            max_lr=rates,
            step_size_up=counts,
            step_size_down=st.none() | counts,
            mode=st.sampled_from(["triangular", "triangular2"]),
        ),
        st.builds(
            Cyclic,
            base_lr=rates,
            max_lr=rates,
            step_size_up=counts,
            step_size_down=st.none() | counts,
            mode=st.just("exp_range"),
            gamma=gammas,
        ),
    )
    noams = st.builds(
        Noam,
        d_model=st.integers(min_value=1, max_value=8192),
        warmup_steps=counts,
        scale=st.one_of(st.floats(min_value=1e-3, max_value=10.0), positive_rates),
    )
    decays = st.builds(
        Decay,
        base_lr=rates,
        end_lr=rates,
        steps=counts,
        shape=st.sampled_from(["linear", "cosine", "1-sqrt"]),
    )
    interpolates = st.builds(
        lambda gaps, lrs, shape: Interpolate(
            points=tuple(zip([0, *accumulate(gaps)], lrs, strict=False)), shape=shape
        ),
        st.lists(counts, min_size=1, max_size=5),
        st.lists(rates, min_size=6, max_size=6),
        st.sampled_from(["linear", "cosine"]),
    )

    @st.composite
    def warmup_stable_decays(draw: st.DrawFn) -> WarmupStableDecay:
        warmup = draw(st.integers(min_value=0, max_value=200))
        decay = draw(counts)
        total = warmup + decay + draw(st.integers(min_value=0, max_value=200))
        shape = draw(warmup_shapes)
        peak = draw(positive_rates if shape == "exponential" else rates)
        start = draw(positive_rates if shape == "exponential" else rates)
        if shape == "exponential":
            start = spanned(start, peak)
        given: dict[str, float] = {"decay_steps": decay}
        if draw(st.booleans()):
            # (decay / total) * total is within an ulp of decay, so it rounds back to decay.
            given = {"decay_fraction": decay / total}
        parameters = {
            "peak_lr": peak,
            "min_lr": draw(rates),
            "start_lr": start,
            "warmup_steps": warmup,
            "total_steps": total,
            "decay_shape": draw(st.sampled_from(["linear", "cosine", "1-sqrt"])),
            **given,
        }
        try:
            return WarmupStableDecay(warmup_shape=shape, **parameters)  # type: ignore[arg-type]
        except CompositionError:
            # A decay from a tiny peak_lr up to a huge min_lr rounds to 0 at its first
            # step, where an exponential warmup cannot end.
            return WarmupStableDecay(**parameters)  # type: ignore[arg-type]

    @st.composite
    def warmup_cosines(draw: st.DrawFn) -> WarmupCosine:
        warmup = draw(st.integers(min_value=0, max_value=200))
        shape = draw(warmup_shapes)
        peak = draw(positive_rates if shape == "exponential" else rates)
        start = draw(positive_rates if shape == "exponential" else rates)
        if shape == "exponential":
            start = spanned(start, peak)
        parameters = {
            "peak_lr": peak,
            "min_lr": draw(rates),
            "start_lr": start,
            "warmup_steps": warmup,
            "total_steps": warmup + draw(counts),
        }
        try:
            return WarmupCosine(warmup_shape=shape, **parameters)  # type: ignore[arg-type]
        except CompositionError:
            # A cosine from a tiny peak_lr up to a huge min_lr rounds to 0 at its first
            # step, where an exponential warmup cannot end.
            return WarmupCosine(**parameters)  # type: ignore[arg-type]

    linear_warmups = st.builds(Warmup, steps=counts, start_lr=rates)
    shaped_warmups = st.one_of(
        st.builds(
            Warmup, steps=counts, start_lr=rates, shape=st.sampled_from(["cosine", "1-sqrt"])
        ),
        st.builds(Warmup, steps=counts, start_lr=positive_rates, shape=st.just("exponential")),
    )
    warmups = st.one_of(linear_warmups, shaped_warmups)

    # The leaf classes; the tree strategy draws its leaves from exactly these.
    leaf_strategies: dict[type[Node], st.SearchStrategy[Node]] = {
        Constant: constants,
        StepDecay: step_decays,
        MultiStep: multi_steps,
        Exponential: exponentials,
        Linear: linears,
        Polynomial: polynomials,
        Cosine: cosines,
        CosineRestarts: cosine_restarts,
        InverseSqrt: inverse_sqrts,
        OneCycle: one_cycles,
        Cyclic: cyclics,
        Noam: noams,
        Decay: decays,
        WarmupStableDecay: warmup_stable_decays(),
        WarmupCosine: warmup_cosines(),
        Interpolate: interpolates,
    }
    leaves: st.SearchStrategy[Schedule] = st.one_of(*leaf_strategies.values())

    def bounded(schedule: Schedule) -> st.SearchStrategy[Schedule]:
        """``schedule`` itself if it ends, else ``schedule[:n]`` for a random ``n``."""
        if schedule.duration is not None:
            return st.just(schedule)
        return counts.map(lambda n: Bounded(schedule=schedule, steps=n))

    def phases(children: st.SearchStrategy[Schedule]) -> st.SearchStrategy[Schedule]:
        heads = st.lists(children.flatmap(bounded), min_size=1, max_size=3)
        return st.builds(lambda head, last: Phases(phases=(*head, last)), heads, children)

    def into(schedule: Schedule) -> st.SearchStrategy[Warmup]:
        target = schedule(0)
        if target <= 0.0:
            return warmups.filter(lambda w: w.shape != "exponential")
        return st.one_of(
            linear_warmups,
            st.builds(
                Warmup, steps=counts, start_lr=rates, shape=st.sampled_from(["cosine", "1-sqrt"])
            ),
            st.builds(
                Warmup,
                steps=counts,
                start_lr=positive_rates.map(lambda start: spanned(start, target)),
                shape=st.just("exponential"),
            ),
        )

    def scaled(schedule: Schedule, factor: float) -> Scaled:
        low, high = value_range(schedule)
        peak = max(high, -low)
        if not math.isfinite(peak * factor):
            factor = FLOAT_MAX / peak * 0.5 * (factor / (1.0 + factor))
        return Scaled(schedule=schedule, factor=factor)

    def summed(terms: list[Schedule], signs: list[bool]) -> Sum:
        parts = [
            Negated(schedule=t) if minus else t for t, minus in zip(terms, signs, strict=False)
        ]
        try:
            return Sum(terms=tuple(parts))
        except ParameterValueError:
            # Terms near the float maximum add up past it: each scaled to fit.
            return Sum(terms=tuple(Scaled(schedule=p, factor=0.5 / len(parts)) for p in parts))

    def composites(
        children: st.SearchStrategy[Schedule],
    ) -> dict[type[Node], st.SearchStrategy[Node]]:
        """A strategy for each composite class, over ``children``."""
        return {
            WithWarmup: children.flatmap(
                lambda s: into(s).map(lambda w: WithWarmup(warmup=w, schedule=s))
            ),
            Phases: phases(children),
            Bounded: st.builds(lambda s, n: Bounded(schedule=s, steps=n), children, counts),
            # s[a:] of a bounded child folds into a Bounded; of any other, a Shifted.
            Shifted: st.builds(lambda s, a: s[a:], children, slice_starts),
            Scaled: st.builds(scaled, children, factors),
            Sum: st.builds(
                summed,
                st.lists(children, min_size=2, max_size=3),
                st.lists(st.booleans(), min_size=3, max_size=3),
            ),
            Negated: st.builds(lambda s: Negated(schedule=s), children),
        }

    def extend(children: st.SearchStrategy[Schedule]) -> st.SearchStrategy[Schedule]:
        return st.one_of(*composites(children).values())

    return Trees(
        rates=rates,
        positive_rates=positive_rates,
        constants=constants,
        step_decays=step_decays,
        multi_steps=multi_steps,
        exponentials=exponentials,
        linears=linears,
        polynomials=polynomials,
        cosines=cosines,
        cosine_restarts=cosine_restarts,
        inverse_sqrts=inverse_sqrts,
        one_cycles=one_cycles,
        cyclics=cyclics,
        noams=noams,
        decays=decays,
        interpolates=interpolates,
        warmup_stable_decays=warmup_stable_decays(),
        warmup_cosines=warmup_cosines(),
        linear_warmups=linear_warmups,
        warmups=warmups,
        leaves=leaves,
        trees=st.recursive(leaves, extend, max_leaves=8),
        into=into,
        strategies={**leaf_strategies, **composites(leaves), Warmup: warmups},
    )


# Realistic rates: the properties check the formulas.
realistic = make_trees(
    rates=st.floats(min_value=0.0, max_value=10.0, allow_nan=False, allow_infinity=False),
    positive_rates=st.floats(min_value=1e-6, max_value=10.0),
    factors=st.floats(min_value=0.0, max_value=1e6),
)

# Hostile rates: the float maximum and its neighbours, huge, ordinary, tiny normal and
# subnormal rates, so every intermediate of every rule is tried at the edge of overflow
# and in the subnormal range.
_edges = st.sampled_from(
    [FLOAT_MAX, FLOAT_MAX / 2, 1e308, 1e300, 1e-300, 2.2250738585072014e-308, 1e-320]
)
_huge = st.one_of(st.just(0.0), st.just(SMALLEST_SUBNORMAL), _edges, st.floats(0.0, FLOAT_MAX))
_huge_positive = st.one_of(
    st.just(SMALLEST_SUBNORMAL), _edges, st.floats(SMALLEST_SUBNORMAL, FLOAT_MAX)
)
# Deferred, so that the repr of a tree strategy (which Hypothesis may print) names the
# rates once instead of spelling them out at every parameter.
huge_rates = make_trees(
    rates=st.deferred(lambda: _huge),
    positive_rates=st.deferred(lambda: _huge_positive),
    factors=st.deferred(lambda: st.one_of(st.floats(0.0, 1e6), st.floats(0.0, FLOAT_MAX))),
)

rates = realistic.rates
positive_rates = realistic.positive_rates
constants = realistic.constants
step_decays = realistic.step_decays
multi_steps = realistic.multi_steps
exponentials = realistic.exponentials
linears = realistic.linears
polynomials = realistic.polynomials
cosines = realistic.cosines
cosine_restarts = realistic.cosine_restarts
inverse_sqrts = realistic.inverse_sqrts
one_cycles = realistic.one_cycles
cyclics = realistic.cyclics
noams = realistic.noams
decays = realistic.decays
interpolates = realistic.interpolates
linear_warmups = realistic.linear_warmups
warmups = realistic.warmups
warmup_cosines = realistic.warmup_cosines
leaves = realistic.leaves
trees = realistic.trees
STRATEGIES = realistic.strategies


def warmups_into(schedule: Schedule) -> st.SearchStrategy[Warmup]:
    """Warmups that can ramp into ``schedule``: an exponential one needs ``schedule(0) > 0``."""
    return realistic.into(schedule)


def warmup_stable_decays() -> st.SearchStrategy[Schedule]:
    """WSD schedules over realistic rates (a function, as before: callers call it)."""
    return realistic.warmup_stable_decays


# Fixed schedules that use each registered class, for tests that run one schedule at a
# time. Boundaries where a fused multiply-add or a reciprocal in place of a division (both
# allowed to XLA and inductor) could tip a comparison: step sizes and cycle factors that
# are not powers of two, fractional powers, every shape of the shaped nodes.
_COSINE = Cosine(base_lr=1.0, min_lr=0.0, total_steps=20)
EXAMPLES: dict[type[Node], list[Schedule]] = {
    Constant: [Constant(lr=0.3)],
    StepDecay: [
        StepDecay(base_lr=1.0, gamma=0.5, step_size=3),
        StepDecay(base_lr=1.0, gamma=0.9, step_size=7),
        StepDecay(base_lr=1.0, gamma=0.9, step_size=10),
    ],
    MultiStep: [MultiStep(base_lr=1.0, milestones=(5, 9, 9), gamma=0.5)],
    Exponential: [
        Exponential(base_lr=1.0, gamma=0.99),
        Exponential(base_lr=1.0, gamma=0.5, decay_steps=7),
    ],
    Linear: [Linear(base_lr=0.0, end_lr=1.0, total_steps=40)],
    Polynomial: [Polynomial(base_lr=0.5, end_lr=0.1, total_steps=40, power=0.5)],
    Cosine: [Cosine(base_lr=1.0, min_lr=0.1, total_steps=30)],
    CosineRestarts: [
        CosineRestarts(base_lr=1.0, min_lr=0.0, period=5, t_mult=1),
        CosineRestarts(base_lr=1.0, min_lr=0.0, period=10, t_mult=1),
        CosineRestarts(base_lr=1.0, min_lr=0.0, period=3, t_mult=4),
        CosineRestarts(base_lr=1.0, min_lr=0.0, period=7, t_mult=3),
    ],
    InverseSqrt: [InverseSqrt(base_lr=1.0, warmup_steps=6)],
    OneCycle: [
        OneCycle(max_lr=1.0, total_steps=50, pct_start=0.3, initial_div=25.0, final_div=1e4)
    ],
    Cyclic: [
        Cyclic(base_lr=0.1, max_lr=1.0, step_size_up=4),
        Cyclic(base_lr=0.1, max_lr=1.0, step_size_up=3, step_size_down=7, mode="triangular2"),
        Cyclic(base_lr=0.1, max_lr=1.0, step_size_up=5, mode="exp_range", gamma=0.99),
        Cyclic(base_lr=1.0, max_lr=0.0, step_size_up=5, step_size_down=3),
    ],
    Noam: [Noam(d_model=512, warmup_steps=6, scale=1.0), Noam(d_model=64, warmup_steps=10)],
    Decay: [
        Decay(base_lr=1.0, end_lr=end, steps=steps, shape=shape)
        for shape in ("linear", "cosine", "1-sqrt")
        for end, steps in ((0.1, 30), (0.0, 5), (0.0, 3))
    ],
    Interpolate: [
        Interpolate(points=((0, 0.0), (3, 1.0), (10, 0.5), (17, 0.1)), shape="cosine"),
        Interpolate(points=((0, 0.0), (10, 1.0), (30, 0.1)), shape="linear"),
    ],
    WarmupStableDecay: [
        WarmupStableDecay(
            peak_lr=1.0,
            min_lr=0.01,
            start_lr=0.1,
            warmup_steps=7,
            total_steps=60,
            decay_steps=21,
            decay_shape="cosine",
            warmup_shape="exponential",
        ),
        WarmupStableDecay(
            peak_lr=1.0,
            min_lr=0.1,
            start_lr=0.01,
            warmup_steps=5,
            total_steps=40,
            decay_fraction=0.3,
            decay_shape="1-sqrt",
        ),
    ],
    WarmupCosine: [
        WarmupCosine(peak_lr=1.0, min_lr=0.01, start_lr=0.0, warmup_steps=7, total_steps=50),
        WarmupCosine(
            peak_lr=1.0,
            min_lr=0.0,
            start_lr=0.05,
            warmup_steps=9,
            total_steps=40,
            warmup_shape="exponential",
        ),
    ],
    Warmup: [
        Warmup(steps=9, start_lr=0.1, shape=shape)
        >> Linear(base_lr=1.0, end_lr=0.0, total_steps=30)
        for shape in ("cosine", "1-sqrt", "exponential")
    ],
    WithWarmup: [Warmup(steps=8, start_lr=0.0, shape="cosine") >> Constant(lr=1.0)],
    Phases: [
        (Warmup(steps=7, start_lr=0.0) >> _COSINE)
        | Linear(base_lr=0.5, end_lr=0.1, total_steps=11)[:6]
        | Constant(lr=0.05) * 3.0
    ],
    Bounded: [Linear(base_lr=1.0, end_lr=0.0, total_steps=10)[:3] | 0.3],
    Shifted: [
        Cosine(base_lr=1.0, min_lr=0.1, total_steps=30)[7:],
        (Warmup(steps=5, start_lr=0.0) >> _COSINE | 0.2)[3:19] | _COSINE[11:],
        Exponential(base_lr=1.0, gamma=0.9)[13:],
    ],
    Scaled: [_COSINE * 2.5],
    Sum: [
        _COSINE + Linear(base_lr=0.0, end_lr=1.0, total_steps=13),
        1.0 - Cyclic(base_lr=0.1, max_lr=0.9, step_size_up=3) - _COSINE * 0.25 + 0.5,
    ],
    Negated: [
        -Exponential(base_lr=1.0, gamma=0.9),
        0.2 - (Warmup(steps=5, start_lr=0.0) >> _COSINE),
    ],
}


def nodes_in(node: object) -> list[Node]:
    """``node`` and every node under it, depth first."""
    if isinstance(node, tuple):
        return [n for item in node for n in nodes_in(item)]
    if not isinstance(node, Node):
        return []
    return [node] + [n for field in fields(node) for n in nodes_in(getattr(node, field.name))]  # type: ignore[arg-type]


def signed(node: Schedule) -> bool:
    """Whether a tree may go below 0: it holds a ``Negated`` (every leaf is >= 0)."""
    return any(isinstance(n, Negated) for n in nodes_in(node))


def _children(node: Node) -> list[Schedule]:
    found: list[Schedule] = []
    for field in fields(node):  # type: ignore[arg-type]
        value = getattr(node, field.name)
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, Schedule):
                found.append(item)
    return found


def magnitude(node: Schedule) -> float:
    """A bound on the size of every value of ``node`` and of every term added on the way
    to one: a sum's is the sum of its terms', not the (smaller) size of its values."""
    if isinstance(node, Sum):
        return min(sum(magnitude(term) for term in node.terms), FLOAT_MAX)
    if isinstance(node, Scaled):
        return min(magnitude(node.schedule) * node.factor, FLOAT_MAX)
    low, high = value_range(node)
    return max([high, -low, *(magnitude(child) for child in _children(node))])


def cancellation(node: Schedule) -> float:
    """The size against which the rounding of a value of ``node`` is measured where its
    sums may cancel (``a - b`` near 0): the evaluators agree to a relative ``1e-12`` of
    each term, so to ``1e-12 * cancellation(node)`` absolutely. 0 without a ``Sum``."""
    if isinstance(node, Sum):
        return magnitude(node)
    if isinstance(node, Scaled):
        return min(cancellation(node.schedule) * node.factor, FLOAT_MAX)
    below = max((cancellation(child) for child in _children(node)), default=0.0)
    return max(below, magnitude(node)) if below else 0.0


def examples() -> list[Schedule]:
    """Every schedule of ``EXAMPLES``, once each, in order."""
    return list(dict.fromkeys(s for listed in EXAMPLES.values() for s in listed))


@st.composite
def mutated(
    draw: st.DrawFn, encode: Callable[[Schedule], Any], values: st.SearchStrategy[object]
) -> object:
    """``encode`` of a random tree (a nested dict form) with one value replaced by one of
    ``values``, one key dropped or one key added, in a dict at a random depth."""
    data: Any = encode(draw(trees))
    node = data
    while True:
        children = [
            child
            for value in node.values()
            for child in (value if isinstance(value, list) else [value])
            if isinstance(child, dict)
        ]
        if not children or draw(st.booleans()):
            break
        node = draw(st.sampled_from(children))
    key = draw(st.sampled_from(sorted(node)))
    action = draw(st.sampled_from(["replace", "drop", "add"]))
    if action == "replace":
        node[key] = draw(values)
    elif action == "drop":
        del node[key]
    else:
        node[draw(st.text(max_size=5))] = draw(values)
    return data
