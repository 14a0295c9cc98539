"""The array evaluator with NumPy: values, shapes, step checks, namespaces, dispatch."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import pytest

np = pytest.importorskip("numpy", reason="the array evaluator tests run on NumPy")

import lrsched  # noqa: E402
from lrsched import (  # noqa: E402
    Constant,
    Cosine,
    CosineRestarts,
    Exponential,
    InverseSqrt,
    Linear,
    MultiStep,
    OneCycle,
    Polynomial,
    Schedule,
    StepDecay,
    StepError,
    StepTypeError,
    UnsupportedNodeError,
    Warmup,
    evaluate,
    sample,
)
from lrsched.evaluators import array as _array  # noqa: E402

COS = Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)

# Known values, worked out by hand from each formula.
KNOWN: list[tuple[Schedule, list[int], list[float]]] = [
    (Constant(lr=0.25), [0, 7, 10**9], [0.25, 0.25, 0.25]),
    (
        StepDecay(base_lr=1.0, gamma=0.5, step_size=3),
        [0, 2, 3, 5, 6, 9],
        [1, 1, 0.5, 0.5, 0.25, 0.125],
    ),
    (
        MultiStep(base_lr=2.0, milestones=(2, 5, 5), gamma=0.5),
        [0, 1, 2, 4, 5, 100],
        [2.0, 2.0, 1.0, 1.0, 0.25, 0.25],
    ),
    (Exponential(base_lr=3.0, gamma=0.5), [0, 1, 4], [3.0, 1.5, 0.1875]),
    (Linear(base_lr=1.0, end_lr=0.0, total_steps=4), [0, 1, 2, 4, 9], [1.0, 0.75, 0.5, 0.0, 0.0]),
    (
        Polynomial(base_lr=1.0, end_lr=0.0, total_steps=4, power=2.0),
        [0, 2, 4, 8],
        [1.0, 0.25, 0.0, 0.0],
    ),
    (COS, [0, 5, 10, 11], [1.0, 0.5, 0.0, 0.0]),
    (
        CosineRestarts(base_lr=1.0, min_lr=0.0, period=2, t_mult=2),
        [0, 1, 2, 4, 6, 10, 14],
        [1.0, 0.5, 1.0, 0.5, 1.0, 0.5, 1.0],
    ),
    (CosineRestarts(base_lr=1.0, min_lr=0.0, period=4, t_mult=1), [0, 2, 4, 6], [1, 0.5, 1, 0.5]),
    (InverseSqrt(base_lr=1.0, warmup_steps=4), [0, 2, 4, 16], [0.0, 0.5, 1.0, 0.5]),
    (
        OneCycle(max_lr=1.0, total_steps=10, pct_start=0.2, initial_div=4.0, final_div=10.0),
        [0, 1, 2, 6, 10, 20],
        [0.25, 0.625, 1.0, 0.55, 0.1, 0.1],
    ),
    (Warmup(steps=4, start_lr=0.0) >> COS, [0, 2, 4, 9, 14], [0.0, 0.5, 1.0, 0.5, 0.0]),
    (Constant(lr=0.1)[:3] | 0.3, [0, 2, 3, 50], [0.1, 0.1, 0.3, 0.3]),
    (Linear(base_lr=1.0, end_lr=0.0, total_steps=10)[:3], [0, 2, 3, 9], [1.0, 0.8, 0.8, 0.8]),
    (COS * 2.0, [0, 5], [2.0, 1.0]),
]


@pytest.mark.parametrize(("schedule", "steps", "expected"), KNOWN)
def test_known_values(schedule: Schedule, steps: list[int], expected: list[float]) -> None:
    got = evaluate(schedule, np.array(steps))
    assert got.tolist() == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_result_keeps_the_shape_and_is_float64() -> None:
    steps = np.arange(12, dtype=np.int32).reshape(3, 4)
    got = evaluate(COS, steps)
    assert got.shape == (3, 4)
    assert got.dtype == np.float64
    assert got[2, 2] == COS(10)
    assert evaluate(COS, np.array(5)).shape == ()
    assert evaluate(COS, np.array([], dtype=np.int64)).shape == (0,)


def test_python_ints_and_lists_are_read_with_numpy() -> None:
    assert evaluate(COS, 5).tolist() == 0.5
    assert evaluate(COS, [0, 10]).tolist() == [1.0, 0.0]
    assert evaluate(COS, range(3)).shape == (3,)
    # NumPy reads an empty list as float64; it holds no non-integral step.
    empties: list[object] = [[], (), range(0)]
    for empty in empties:
        got = evaluate(COS, empty)
        assert (got.shape, got.dtype) == ((0,), np.float64)
    with pytest.raises(StepTypeError):
        evaluate(COS, [0.5])
    for huge in (2**70, [0, 2**64]):
        with pytest.raises(StepError, match=r"must fit in a 64-bit int \(at most 2\*\*63 - 1\)"):
            evaluate(COS, huge)


@pytest.mark.parametrize("bad", [np.array([0.0, 1.0]), np.array([True, False]), True])
def test_steps_must_be_integers(bad: Any) -> None:
    with pytest.raises(StepTypeError, match="steps must be"):
        evaluate(COS, bad)


def test_negative_steps_raise_naming_the_value() -> None:
    with pytest.raises(StepError, match="got -3"):
        evaluate(COS, np.array([0, 4, -3, -1]))


def test_other_array_types_are_refused() -> None:
    with pytest.raises(StepTypeError, match="NumPy, JAX or torch"):
        evaluate(COS, "12")


def test_the_fallback_namespace_without_array_api_compat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_array, "array_api_compat", None)
    assert _array.namespace(np.arange(3)) is np
    assert evaluate(COS, np.array([0, 5])).tolist() == [1.0, 0.5]
    with pytest.raises(StepTypeError):
        evaluate(COS, np.array([0.5]))


def test_the_shim_for_numpy_1() -> None:
    shim = _array._Shim(np)
    assert shim.isdtype(np.dtype(np.uint8), "integral")
    assert not shim.isdtype(np.dtype(np.float32), "integral")
    assert shim.isdtype(np.dtype(np.int8), "signed integer")
    assert not shim.isdtype(np.dtype(np.uint64), "signed integer")
    assert shim.astype(np.arange(2), np.float64).dtype == np.float64
    assert shim.cos is np.cos


def test_cosine_restarts_at_cycle_starts_far_out() -> None:
    # The float logarithm lands on the wrong side of a cycle start most easily right at
    # the start; the array rule corrects it the way the scalar rule does.
    for period in (1, 3, 10):
        for t_mult in (2, 3, 7):
            s = CosineRestarts(base_lr=1.0, min_lr=0.0, period=period, t_mult=t_mult)
            starts = [period * (t_mult**i - 1) // (t_mult - 1) for i in range(60)]
            ks = [k + d for k in starts if k < 2**50 for d in (-1, 0, 1) if k + d >= 0]
            got = evaluate(s, np.array(ks, dtype=np.int64))
            for k, value in zip(ks, got.tolist(), strict=True):
                assert value == pytest.approx(s(k), rel=1e-12, abs=1e-15), (period, t_mult, k)


def test_a_hundred_phases() -> None:
    chain: Schedule = Constant(lr=0.5)[:3]
    for i in range(99):
        chain = chain | Linear(base_lr=i / 100, end_lr=0.0, total_steps=3 + i % 5)
    assert isinstance(chain, lrsched.Phases)
    ks = np.arange(chain.starts[-1] + 10)
    assert evaluate(chain, ks).tolist() == pytest.approx([chain(int(k)) for k in ks], rel=1e-12)


def test_unused_branches_stay_finite() -> None:
    # InverseSqrt's decay branch at step 0 and the later phases' negative local steps
    # would divide by zero or take roots of negatives without the clips; warnings are
    # errors in this suite, and the values must be finite.
    s = InverseSqrt(base_lr=1.0, warmup_steps=2)[:3] | InverseSqrt(base_lr=1.0, warmup_steps=2)
    assert np.all(np.isfinite(evaluate(s, np.arange(10))))


@dataclass(frozen=True)
class Mystery(Schedule):
    @property
    def duration(self) -> int | None:
        return None


def test_unknown_node_types_name_themselves() -> None:
    with pytest.raises(UnsupportedNodeError, match="array evaluator has no rule for Mystery"):
        evaluate(Mystery(), np.arange(3))


def test_sample_returns_python_floats_close_to_the_scalar_values() -> None:
    s = (Warmup(steps=5, start_lr=0.0) >> COS) | Constant(lr=0.01)
    got = sample(s, num_steps=30)
    assert all(type(x) is float for x in got)
    assert got == pytest.approx([s(k) for k in range(30)], rel=1e-12)


def test_sample_without_numpy_calls_the_schedule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "numpy", None)
    s = (Warmup(steps=5, start_lr=0.0) >> COS) | Constant(lr=0.01)
    assert sample(s, num_steps=20) == [s(k) for k in range(20)]


def test_sample_takes_any_callable_as_0_1_0_did() -> None:
    # 0.1.0's schedule type was Callable[[int], float]; with or without NumPy, sample
    # calls what has no array rule, instead of failing only when NumPy is installed.
    assert sample(lambda k: 0.5 * k, num_steps=4) == [0.0, 0.5, 1.0, 1.5]

    @dataclass(frozen=True)
    class Custom(Schedule):
        @property
        def duration(self) -> int | None:
            return None

        def __call__(self, step: int) -> float:
            return 1.0 / (1 + step)

    assert sample(Custom(), num_steps=3) == [1.0, 0.5, 1.0 / 3]


def test_decay_powers_in_float32_do_not_round_the_factor() -> None:
    # The float32 path (JAX without x64, torch MPS), checked here on NumPy float32 steps.
    k = np.arange(0, 3_000_000, 9_973)
    exact = 0.999999 ** k.astype(np.float64)
    got = _array.power(np, 0.999999, k.astype(np.float32))
    assert got.dtype == np.float32
    assert np.max(np.abs(got - exact) / exact) < 1e-5
    assert np.array_equal(_array.power(np, 0.5, k.astype(np.float64)), 0.5 ** k.astype(float))


def test_negative_steps_by_check() -> None:
    steps = np.array([0, -3, 5])
    with pytest.raises(StepError, match="got -3"):
        evaluate(COS, steps, check="raise")
    got = evaluate(COS, steps, check="nan")
    assert np.isnan(got[1])
    assert got[[0, 2]].tolist() == [COS(0), COS(5)]
    assert evaluate(COS, np.array([0, 5], dtype=np.uint8), check="nan").tolist() == [1.0, 0.5]
    with pytest.raises(lrsched.ParameterValueError, match="check must be one of 'auto'"):
        evaluate(COS, steps, check="never")


def test_evaluate_compiles_a_schedule_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Schedule] = []
    compile_array = _array.compile_array

    def counted(node: Schedule) -> Any:
        calls.append(node)
        return compile_array(node)

    monkeypatch.setattr(_array, "compile_array", counted)
    schedule = COS * 0.5  # a new node: nothing cached yet
    for _ in range(3):
        assert evaluate(schedule, np.arange(3)).tolist() == [schedule(k) for k in range(3)]
    assert calls == [schedule, COS]  # one walk of the tree, on the first call only
    assert schedule == COS * 0.5
    assert hash(schedule) == hash(COS * 0.5)


def test_a_schedule_called_on_an_array_is_evaluate() -> None:
    steps = np.array([[0, 3], [10, 12]])
    assert np.array_equal(COS(steps), evaluate(COS, steps))
    assert COS(np.array(5)) == evaluate(COS, np.array(5)) == 0.5
    with pytest.raises(StepError, match="got -1"):
        COS(np.array([2, -1]))
    with pytest.raises(StepTypeError):
        COS(np.array([0.5]))
    # NumPy integer scalars and Python ints stay on the scalar path: a Python float.
    assert type(COS(np.int64(5))) is float
    assert type(COS(5)) is float
    with pytest.raises(StepTypeError):
        COS([0, 1])  # a list is no array: call evaluate


def test_schedules_can_be_weakly_referenced() -> None:
    import pickle
    import weakref

    ref = weakref.ref(COS)
    assert ref() is COS
    assert pickle.loads(pickle.dumps(COS)) == COS
    assert "__weakref__" not in COS.__reduce__()[1][1]
