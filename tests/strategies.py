"""Hypothesis strategies: valid parameters for every node, and random schedule trees.

Every node type must appear here, so the tree properties (round trips, bounds,
evaluator agreement) cover it. Rates are kept in a realistic range so that properties
check formulas, not float overflow.
"""

from __future__ import annotations

from itertools import accumulate

from hypothesis import strategies as st

from lrsched import (
    Bounded,
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
    Noam,
    OneCycle,
    Phases,
    Polynomial,
    Scaled,
    Schedule,
    StepDecay,
    Warmup,
    WarmupStableDecay,
    WithWarmup,
)

rates = st.floats(min_value=0.0, max_value=10.0, allow_nan=False, allow_infinity=False)
positive_rates = st.floats(min_value=1e-6, max_value=10.0)
counts = st.integers(min_value=1, max_value=500)
# From far below any real decay (underflow to 0 must be 0.0, never an error) up to 1.
gammas = st.floats(min_value=1e-300, max_value=1.0)
steps = st.integers(min_value=0, max_value=5_000)

constants = st.builds(Constant, lr=rates)
step_decays = st.builds(StepDecay, base_lr=rates, gamma=gammas, step_size=counts)
multi_steps = st.builds(
    MultiStep, base_lr=rates, milestones=st.lists(counts, max_size=5), gamma=gammas
)
exponentials = st.builds(Exponential, base_lr=rates, gamma=gammas)
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
    OneCycle,
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
    scale=st.floats(min_value=1e-3, max_value=10.0),
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
warmup_shapes = st.sampled_from(["linear", "cosine", "1-sqrt", "exponential"])


@st.composite
def warmup_stable_decays(draw: st.DrawFn) -> WarmupStableDecay:
    warmup = draw(st.integers(min_value=0, max_value=200))
    decay = draw(counts)
    total = warmup + decay + draw(st.integers(min_value=0, max_value=200))
    shape = draw(warmup_shapes)
    start = draw(positive_rates if shape == "exponential" else rates)
    peak = draw(positive_rates if shape == "exponential" else rates)
    given: dict[str, float] = {"decay_steps": decay}
    if draw(st.booleans()):
        # (decay / total) * total is within an ulp of decay, so it rounds back to decay.
        given = {"decay_fraction": decay / total}
    return WarmupStableDecay(
        peak_lr=peak,
        min_lr=draw(rates),
        start_lr=start,
        warmup_steps=warmup,
        total_steps=total,
        decay_shape=draw(st.sampled_from(["linear", "cosine", "1-sqrt"])),
        warmup_shape=shape,
        **given,  # type: ignore[arg-type]
    )


linear_warmups = st.builds(Warmup, steps=counts, start_lr=rates)
shaped_warmups = st.one_of(
    st.builds(Warmup, steps=counts, start_lr=rates, shape=st.sampled_from(["cosine", "1-sqrt"])),
    st.builds(Warmup, steps=counts, start_lr=positive_rates, shape=st.just("exponential")),
)
warmups = st.one_of(linear_warmups, shaped_warmups)


def warmups_into(schedule: Schedule) -> st.SearchStrategy[Warmup]:
    """Warmups that can ramp into ``schedule``: an exponential one needs ``schedule(0) > 0``."""
    if schedule(0) > 0.0:
        return warmups
    return warmups.filter(lambda w: w.shape != "exponential")


leaves: st.SearchStrategy[Schedule] = st.one_of(
    constants,
    step_decays,
    multi_steps,
    exponentials,
    linears,
    polynomials,
    cosines,
    cosine_restarts,
    inverse_sqrts,
    one_cycles,
    cyclics,
    noams,
    decays,
    warmup_stable_decays(),
    interpolates,
)


def _bounded(schedule: Schedule) -> st.SearchStrategy[Schedule]:
    """``schedule`` itself if it ends, else ``schedule[:n]`` for a random ``n``."""
    if schedule.duration is not None:
        return st.just(schedule)
    return counts.map(lambda n: Bounded(schedule=schedule, steps=n))


def _phases(children: st.SearchStrategy[Schedule]) -> st.SearchStrategy[Schedule]:
    heads = st.lists(children.flatmap(_bounded), min_size=1, max_size=3)
    return st.builds(lambda head, last: Phases(phases=(*head, last)), heads, children)


def _extend(children: st.SearchStrategy[Schedule]) -> st.SearchStrategy[Schedule]:
    return st.one_of(
        children.flatmap(lambda s: warmups_into(s).map(lambda w: WithWarmup(warmup=w, schedule=s))),
        _phases(children),
        st.builds(lambda s, n: Bounded(schedule=s, steps=n), children, counts),
        st.builds(
            lambda s, k: Scaled(schedule=s, factor=k),
            children,
            st.floats(min_value=0.0, max_value=1e6),
        ),
    )


trees: st.SearchStrategy[Schedule] = st.recursive(leaves, _extend, max_leaves=8)
