"""The array evaluator's host path (``evaluators.pieces``): each phase on its own steps.

A NumPy array of at least ``HOST_PATH_MIN`` steps is cut into chunks, each computed by the
one piece (phase, ramp) holding it, or cut at the pieces' boundaries when sorted, or by
the ``where`` chain when not. The property: for random trees and step arrays of every
kind (runs from any start, slices, repeats, unsorted, runs across chunk edges and phase
boundaries), the values are those of the ``where`` chain, bit for bit, and of the
scalar evaluator to 1e-12.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrsched import (
    Constant,
    Cosine,
    Linear,
    Schedule,
    StepError,
    Warmup,
    WarmupCosine,
    evaluate,
)
from strategies import examples, trees

np = pytest.importorskip("numpy", reason="the host path runs on NumPy")
from lrsched.evaluators import array as _array  # noqa: E402
from lrsched.evaluators import pieces as _pieces  # noqa: E402

CHUNK = _pieces.CHUNK


def by_where(schedule: Schedule, steps: Any) -> Any:
    """The where chain over every step, as evaluate ran it before the host path."""
    return _array.compile_array(schedule)(np, steps.astype(np.float64))


def runs(draw: Any, duration: int) -> Any:
    """A step array of one of the kinds the host path treats apart."""
    size = draw(st.integers(_array.HOST_PATH_MIN, 3 * CHUNK))
    kind = draw(st.sampled_from(["run", "late run", "repeats", "shuffled", "reversed"]))
    start = draw(st.integers(0, max(duration, 1) + 50))
    steps = np.arange(start, start + size)
    if kind == "late run":
        steps = steps + draw(st.integers(0, 2**40))
    elif kind == "repeats":
        steps = np.repeat(steps[: size // 3 + 1], 3)[:size]
    elif kind == "shuffled":
        steps = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).permutation(steps)
    elif kind == "reversed":
        steps = steps[::-1]
    return steps


@st.composite
def trees_and_steps(draw: Any) -> tuple[Schedule, Any]:
    schedule = draw(trees)
    return schedule, runs(draw, schedule.duration or 5_000)


@settings(max_examples=60, deadline=None)
@given(trees_and_steps())
def test_the_host_path_gives_the_where_chain_bit_for_bit(case: tuple[Schedule, Any]) -> None:
    schedule, steps = case
    got = evaluate(schedule, steps)
    assert got.dtype == np.float64
    assert got.shape == steps.shape
    assert np.array_equal(got, by_where(schedule, steps))
    for i in np.linspace(0, len(steps) - 1, 7).astype(int).tolist():
        k = int(steps[i])
        assert math.isclose(got[i], schedule(k), rel_tol=1e-12, abs_tol=0.0), (schedule, k)


@pytest.mark.parametrize("schedule", examples(), ids=repr)
def test_every_node_across_chunk_edges(schedule: Schedule) -> None:
    steps = np.arange(3 * CHUNK + 5)
    assert np.array_equal(evaluate(schedule, steps), by_where(schedule, steps))
    grid = steps.reshape(-1, 1)[: 2 * CHUNK].reshape(64, -1)  # any shape
    assert np.array_equal(evaluate(schedule, grid), by_where(schedule, grid))


def test_each_phase_is_computed_on_its_own_steps_only(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[float, float, int]] = []
    rule = _array.compile_array

    def spying(node: Schedule) -> Any:
        fn = rule(node)

        def spy(xp: Any, k: Any) -> Any:
            if isinstance(node, Cosine):
                seen.append((float(k.min()), float(k.max()), k.size))
            return fn(xp, k)

        return spy

    monkeypatch.setattr(_array, "compile_array", spying)
    monkeypatch.setattr(_pieces, "compile_array", spying)
    warmup, total = 1000, 50_000
    schedule = Warmup(steps=warmup, start_lr=0.0) >> Cosine(
        base_lr=1.0, min_lr=0.0, total_steps=total
    ) | Constant(lr=0.0)
    evaluate(schedule, np.arange(100_000))
    # The cosine sees its own local steps 0..total-1 once each, and no other step.
    assert sum(size for _, _, size in seen if size > 1) == total
    assert min(low for low, _, size in seen if size > 1) == 0.0
    assert max(high for _, high, _ in seen) == total - 1


def test_unsorted_chunks_take_the_where_chain() -> None:
    schedule = Linear(base_lr=1.0, end_lr=0.0, total_steps=10) | Constant(lr=0.5)
    steps = np.tile(np.array([12, 3, 0, 9, 10]), 1000)
    got = evaluate(schedule, steps)
    assert got[:5].tolist() == [schedule(k) for k in (12, 3, 0, 9, 10)]
    assert np.array_equal(got, by_where(schedule, steps))


def test_negative_steps_raise_from_any_chunk() -> None:
    steps = np.arange(3 * CHUNK)
    steps[2 * CHUNK + 7] = -4
    with pytest.raises(StepError, match="got -4"):
        evaluate(Constant(lr=1.0), steps)
    got = evaluate(Constant(lr=1.0), steps, check="nan")
    assert np.isnan(got[2 * CHUNK + 7])
    assert np.isnan(got).sum() == 1


def test_an_expanded_node_is_cut_like_its_operator_form() -> None:
    s = WarmupCosine(peak_lr=1.0, min_lr=0.0, start_lr=0.0, warmup_steps=10, total_steps=110)
    assert _pieces.Pieces(s).begins == [0.0, 10.0]


def test_small_arrays_and_scalars_take_the_where_chain() -> None:
    s = examples()[-1]
    for steps in (np.arange(_array.HOST_PATH_MIN - 1), np.int64(7), np.array(7)):
        assert np.array_equal(evaluate(s, steps), by_where(s, np.asarray(steps)))


def test_a_slice_from_a_later_step_is_cut_from_there() -> None:
    base = Warmup(steps=10, start_lr=0.0) >> Cosine(
        base_lr=1.0, min_lr=0.0, total_steps=100
    ) | Constant(lr=0.5)
    for start in (5, 10, 50, 110, 200):
        late = base[start:]
        begins = _pieces.Pieces(late).begins
        assert begins[0] == 0.0
        assert begins == sorted(begins)
        steps = np.arange(3000)
        assert np.array_equal(evaluate(late, steps), by_where(late, steps))
        assert evaluate(late, steps)[:5].tolist() == [late(k) for k in range(5)]
    assert _pieces.Pieces(base[50:]).begins == [0.0, 60.0]
    assert _pieces.Pieces(base[5:]).begins == [0.0, 5.0, 105.0]
