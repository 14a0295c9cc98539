"""The array evaluator on JAX (eager, jit, x64) and torch (eager, torch.compile)."""

from __future__ import annotations

import math
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrsched import (
    Constant,
    Cyclic,
    Exponential,
    Linear,
    Phases,
    Polynomial,
    Schedule,
    StepError,
    StepTypeError,
    Warmup,
    evaluate,
    value_range,
)
from strategies import EXAMPLES, examples, trees

# Schedules using every registered node class, with boundaries a fused multiply-add or a
# reciprocal could tip (tests/strategies.py; tests/test_registry.py fails naming a class
# that has none). The last one chains a warmup, phases, a bound and a scale.
EVERY_NODE: list[Schedule] = examples()
TREE = EXAMPLES[Phases][0]
CONSTANT = EXAMPLES[Constant][0]
STEPS = list(range(400))


def assert_close(
    got: list[float], schedule: Schedule, steps: list[int], rel: float, peak: float = 0.0
) -> None:
    """Within ``rel`` relative, or ``rel * peak`` absolute (float32's honest promise:
    near a cosine's floor, ``1 + cos`` cancels and only the absolute error stays small).
    Subnormal values may differ by themselves: XLA on CPU flushes them to zero.
    """
    floor = max(rel * peak, sys.float_info.min)
    for k, value in zip(steps, got, strict=True):
        assert math.isclose(value, schedule(k), rel_tol=rel, abs_tol=floor), (k, value)


class TestJax:
    jax: Any = pytest.importorskip("jax", reason="the JAX backend tests need JAX")
    jnp: Any = jax.numpy

    def test_a_traced_scalar_step_under_jit(self) -> None:
        schedule = TREE
        fn = self.jax.jit(lambda k: evaluate(schedule, k))
        for k in (0, 3, 7, 26, 27, 30, 33, 100):
            value = fn(self.jnp.int32(k))
            assert value.shape == ()
            assert value.dtype == self.jnp.float32  # JAX's default: no x64
            assert math.isclose(float(value), schedule(k), rel_tol=1e-6, abs_tol=1e-6)

    @pytest.mark.parametrize("schedule", EVERY_NODE, ids=repr)
    def test_float32_by_default(self, schedule: Schedule) -> None:
        got = self.jax.jit(lambda k: evaluate(schedule, k))(self.jnp.arange(400))
        assert got.dtype == self.jnp.float32
        low, high = value_range(schedule)  # a negation (a Sum) may lie below 0
        assert_close(got.tolist(), schedule, STEPS, rel=1e-6, peak=max(high, -low))

    @pytest.mark.parametrize(
        "schedule",
        [
            Exponential(base_lr=1.0, gamma=0.999999),
            Cyclic(base_lr=0.1, max_lr=1.0, step_size_up=999, mode="exp_range", gamma=0.999999),
        ],
        ids=repr,
    )
    def test_float32_decay_factors_near_one_over_long_runs(self, schedule: Schedule) -> None:
        # 0.999999 rounded to float32 is off by 1.3e-8, which gamma ** k multiplies by
        # k: 1.3% at step 10**6. The documented promise is about 1e-7 of the peak.
        steps = list(range(0, 3_000_000, 9_973))
        got = self.jax.jit(lambda k: evaluate(schedule, k))(self.jnp.asarray(steps))
        assert got.dtype == self.jnp.float32
        assert_close(got.tolist(), schedule, steps, rel=1e-5, peak=1e-2)

    @pytest.mark.parametrize("schedule", EVERY_NODE, ids=repr)
    def test_float64_under_jit_with_x64(self, schedule: Schedule) -> None:
        with self.jax.enable_x64(True):
            got = self.jax.jit(lambda k: evaluate(schedule, k))(self.jnp.arange(400))
            assert got.dtype == self.jnp.float64
            assert_close(got.tolist(), schedule, STEPS, rel=1e-12)

    def test_finite_schedules_end_exactly_on_their_final_rate(self) -> None:
        # Compiled, k / T can miss 1 by a rounding; the rules must still land on `end`.
        ends: list[tuple[Schedule, float]] = []
        for total in range(1, 60):
            ends.append((Linear(base_lr=1.0, end_lr=0.0, total_steps=total), 0.0))
            ends.append((Polynomial(base_lr=0.5, end_lr=0.1, total_steps=total, power=0.5), 0.1))
        with self.jax.enable_x64(True):
            steps = self.jnp.arange(200)  # holds from step T on, up to T + 140 and more
            got = self.jax.jit(lambda k: [evaluate(s, k) for s, _ in ends])(steps)
            for (schedule, end), values in zip(ends, got, strict=True):
                held = values[schedule.duration :].tolist()
                assert held == [end] * len(held), schedule

    def test_concrete_steps_are_checked(self) -> None:
        schedule = CONSTANT
        with pytest.raises(StepError, match="got -2"):
            evaluate(schedule, self.jnp.array([1, -2]))
        with pytest.raises(StepTypeError):
            evaluate(schedule, self.jnp.array([1.0]))

    def test_an_exponential_warmup_into_a_subnormal_rate_stays_finite(self) -> None:
        # XLA flushes subnormals to 0, even in float64: a log of the flushed target was nan.
        tiny = 2.225073858507e-311
        ramp = Warmup(steps=3, start_lr=1.0, shape="exponential") >> Constant(lr=tiny)
        schedule = Warmup(steps=1, start_lr=0.0) >> ramp
        for x64 in (False, True):
            with self.jax.enable_x64(x64):
                got = self.jax.jit(lambda k: evaluate(schedule, k))(self.jnp.arange(6))
                assert bool(self.jnp.all(self.jnp.isfinite(got)))
                assert got.tolist()[:2] == [0.0, 1.0]
                assert_close(got.tolist()[:4], schedule, [0, 1, 2, 3], rel=1e-6, peak=1.0)

    @settings(max_examples=25, deadline=None)
    @given(trees, st.lists(st.integers(0, 5_000), min_size=1, max_size=20))
    def test_agrees_with_the_scalar_evaluator(self, schedule: Schedule, steps: list[int]) -> None:
        with self.jax.enable_x64(True):
            got = evaluate(schedule, self.jnp.array(steps))
            assert_close(got.tolist(), schedule, steps, rel=1e-12)


class TestTorch:
    torch: Any = pytest.importorskip("torch", reason="the torch backend tests need torch")

    def test_device_dtype_and_shape(self) -> None:
        steps = self.torch.arange(12, dtype=self.torch.int32).reshape(3, 4)
        got = evaluate(TREE, steps)
        assert isinstance(got, self.torch.Tensor)
        assert got.device == steps.device
        assert got.dtype == self.torch.float64
        assert got.shape == (3, 4)

    def test_eager_steps_are_checked(self) -> None:
        with pytest.raises(StepError, match="got -1"):
            evaluate(CONSTANT, self.torch.tensor([0, -1]))
        for bad in (self.torch.tensor([0.5]), self.torch.tensor([True])):
            with pytest.raises(StepTypeError):
                evaluate(CONSTANT, bad)

    @pytest.mark.parametrize("dtype", ["uint8", "uint16", "uint32", "uint64", "int16"])
    def test_every_integer_dtype(self, dtype: str) -> None:
        # torch has no `<` for uint16/32/64 on the CPU; unsigned steps need no sign check.
        steps = self.torch.tensor([0, 5, 200], dtype=getattr(self.torch, dtype))
        got = evaluate(TREE, steps)
        assert got.dtype == self.torch.float64
        assert_close(got.tolist(), TREE, [0, 5, 200], rel=1e-12)

    @pytest.mark.parametrize("schedule", EVERY_NODE, ids=repr)
    def test_meta_tensors_give_shape_and_dtype_without_values(self, schedule: Schedule) -> None:
        # Meta tensors have no values to check (tracing a model's size does this).
        got = evaluate(schedule, self.torch.arange(6, device="meta").reshape(2, 3))
        assert got.device.type == "meta"
        assert got.dtype == self.torch.float64
        assert got.shape == (2, 3)

    @pytest.mark.parametrize("schedule", EVERY_NODE, ids=repr)
    def test_no_graph_breaks_under_torch_compile(self, schedule: Schedule) -> None:
        self.torch._dynamo.reset()
        explained = self.torch._dynamo.explain(lambda k: evaluate(schedule, k))(
            self.torch.arange(8)
        )
        assert explained.graph_break_count == 0
        assert explained.graph_count == 1
        fn = self.torch.compile(
            lambda k: evaluate(schedule, k) * 2.0, fullgraph=True, backend="aot_eager"
        )
        got = fn(self.torch.arange(400))
        assert_close((got / 2.0).tolist(), schedule, STEPS, rel=1e-12)

    # torch's own inductor code calls its deprecated torch.jit.script_method.
    @pytest.mark.filterwarnings("ignore:`torch.jit.script_method` is deprecated:DeprecationWarning")
    def test_inductor_keeps_every_boundary(self) -> None:
        # The default backend generates C++; the boundaries must survive its arithmetic.
        self.torch._dynamo.reset()
        fn = self.torch.compile(lambda k: [evaluate(s, k) for s in EVERY_NODE], fullgraph=True)
        for schedule, got in zip(EVERY_NODE, fn(self.torch.arange(400)), strict=True):
            assert_close(got.tolist(), schedule, STEPS, rel=1e-12)

    @settings(max_examples=25, deadline=None)
    @given(trees, st.lists(st.integers(0, 5_000), min_size=1, max_size=20))
    def test_agrees_with_the_scalar_evaluator(self, schedule: Schedule, steps: list[int]) -> None:
        got = evaluate(schedule, self.torch.tensor(steps))
        assert_close(got.tolist(), schedule, steps, rel=1e-12)
