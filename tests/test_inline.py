"""The flat scalar form (``evaluators.inline``): one generated function per tree, whose
value is the closures' (``compile_scalar``) to the bit at every step."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrsched import Constant, Cosine, Linear, Schedule, Warmup
from lrsched.evaluators import inline
from lrsched.evaluators.inline import MAX_INLINE, SOURCE, compile_call
from lrsched.evaluators.scalar import compile_scalar
from strategies import examples, huge_rates, trees

steps = st.one_of(st.integers(0, 5_000), st.integers(0, 2**53 + 5), st.integers(2**60, 2**70))


def assert_same(schedule: Schedule, ks: list[int]) -> None:
    flat, closures = compile_call(schedule), compile_scalar(schedule)
    for k in ks:
        got, expected = flat(k), closures(k)
        assert type(got) is float
        assert got == expected or (got != got and expected != expected), (schedule, k)


@given(trees, st.lists(steps, min_size=1, max_size=30))
def test_the_flat_form_is_the_closures_to_the_bit(schedule: Schedule, ks: list[int]) -> None:
    assert_same(schedule, ks)


@given(huge_rates.trees, st.lists(steps, min_size=1, max_size=10))
def test_near_the_float_maximum_too(schedule: Schedule, ks: list[int]) -> None:
    assert_same(schedule, ks)


def test_the_common_shape_is_one_function_with_no_call() -> None:
    s = (Warmup(steps=100, start_lr=0.0) >> Cosine(base_lr=1.0, min_lr=0.0, total_steps=900)) | (
        Constant(lr=0.0)
    )
    fn = compile_call(s)
    assert fn.__code__.co_filename == SOURCE
    assert not [name for name in fn.__code__.co_names if name.startswith("f")]
    assert s(50) == 0.5  # what s(k) runs
    assert pickle.loads(pickle.dumps(s)) == s


def test_deep_trees_call_their_closures_past_the_limit() -> None:
    s: Schedule = Linear(base_lr=1.0, end_lr=0.0, total_steps=10)
    for _ in range(MAX_INLINE + 4):
        s = s[:50] * 0.5
    fn = compile_call(s)
    assert [name for name in fn.__code__.co_names if name.startswith("f")]
    assert_same(s, [0, 3, 9, 10, 49, 50, 10**6])


def test_a_huge_tree_keeps_its_closures(monkeypatch: pytest.MonkeyPatch) -> None:
    chain: Schedule = Linear(base_lr=1.0, end_lr=0.0, total_steps=3)
    for i in range(12):
        chain = chain | Linear(base_lr=1.0 / (i + 2), end_lr=0.0, total_steps=3)
    assert compile_call(chain).__code__.co_filename == SOURCE
    monkeypatch.setattr(inline, "MAX_LINES", 30)
    assert compile_call(chain).__code__.co_filename != SOURCE
    assert_same(chain, [0, 1, 3, 10, 38, 39, 10**9])


@pytest.mark.parametrize("schedule", examples(), ids=repr)
def test_every_node_at_every_step_of_its_run(schedule: Schedule) -> None:
    span = (schedule.duration or 400) + 5
    assert_same(schedule, [*range(min(span, 3000)), span, 2**53, 2**63, 10**30])
