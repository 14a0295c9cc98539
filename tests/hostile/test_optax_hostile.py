"""``to_optax`` given counts JAX cannot hold (issue 8, defect classes 7 and 9). Runs where
JAX is installed (the nox integrations session); skipped elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from lrsched import Constant, Linear, ParameterTypeError, StepError

jax = pytest.importorskip("jax", reason="to_optax needs JAX")
from lrsched.optax import to_optax  # noqa: E402 (after the skip)

LR = to_optax(Constant(lr=0.5))


@pytest.fixture
def x64() -> Iterator[None]:
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", False)


def test_class9_beyond_int32_advises_x64_only_without_it() -> None:
    """Class 9: without x64, a count past int32 says to enable x64, and a count past
    int64 does not (x64 would not help)."""
    with pytest.raises(StepError, match=r"int32; enable x64 \(jax_enable_x64\)"):
        LR(2**31)
    with pytest.raises(StepError, match=r"does not fit in JAX's int32$"):
        LR(2**63)


@pytest.mark.usefixtures("x64")
def test_class9_with_x64_on_the_message_never_says_enable_it() -> None:
    """Class 9: 0.2.0 said "enable x64" when x64 was already on."""
    assert float(LR(2**40)) == 0.5
    with pytest.raises(StepError, match=r"does not fit in JAX's int64$"):
        LR(2**63)


def test_class7_a_huge_count_is_counted_not_shown() -> None:
    """Class 7: a count of 5,000 digits is the library's error with its digit count;
    JAX's own error is a bare ValueError from str() of the int."""
    for count in (10**5000, -(10**5000)):
        with pytest.raises(StepError, match="digits") as info:
            LR(count)
        assert max(len(run) for run in re.findall(r"[0-9]+", str(info.value))) < 10


def test_class9_a_non_schedule_is_described() -> None:
    """Class 9: the argument is described with a short repr and its type."""
    with pytest.raises(ParameterTypeError, match=r"\(str\)$") as info:
        to_optax("x" * 100_000)  # type: ignore[arg-type]
    assert len(str(info.value)) < 300


def test_class9_numpy_counts_beyond_jax_ints_are_refused_not_wrapped() -> None:
    """Class 9: with x64 off JAX wraps a NumPy int64 into int32 with no error, so a count
    of 2**40 read as step 0 (rate 1.0 here, where the schedule has ended at 0.0)."""
    np = pytest.importorskip("numpy")
    lr = to_optax(Linear(base_lr=1.0, end_lr=0.0, total_steps=100))
    for count in (np.int64(2**40), np.array([5, 2**40]), np.uint64(2**40)):
        with pytest.raises(StepError, match=r"does not fit in JAX's u?int32; enable x64"):
            lr(count)
    with pytest.raises(StepError, match="non-negative, got -1"):
        lr(np.array([3, -1]))
    assert float(lr(np.int64(50))) == 0.5
    assert float(lr(np.array([2**31], dtype=np.uint32))[0]) == 0.0  # uint32 holds it


@pytest.mark.usefixtures("x64")
def test_class9_numpy_counts_with_x64_are_read_whole() -> None:
    """Class 9: with x64 on, the same counts are read as they are."""
    np = pytest.importorskip("numpy")
    lr = to_optax(Linear(base_lr=1.0, end_lr=0.0, total_steps=100))
    assert float(lr(np.int64(2**40))) == 0.0
    assert float(lr(np.uint64(2**64 - 1))) == 0.0
