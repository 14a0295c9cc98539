"""``to_optax`` given counts JAX cannot hold (issue 8, defect classes 7 and 9). Runs where
JAX is installed (the nox integrations session); skipped elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from lrsched import Constant, ParameterTypeError, StepError

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
