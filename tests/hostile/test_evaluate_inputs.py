"""What ``evaluate`` is given, it checks: each bad input gets a precise library error.

Issue 8, defect class 9 (messages): a ragged list, a step past int64, a float, a bool, a
string, ``None`` or an object array gave NumPy's errors or a dtype message that named no
element; and class 7 (huge ints): a step of thousands of digits must be shown by its
digit count, never by ``str()``, which raises a bare ``ValueError`` past 4300 digits.
"""

from __future__ import annotations

from typing import Any

import pytest

from lrsched import Cosine, StepError, StepTypeError, evaluate

np = pytest.importorskip("numpy", reason="evaluate reads Python lists with NumPy")

S = Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)
HUGE = 10**5000


@pytest.mark.parametrize(
    ("steps", "error", "message"),
    [
        ([[1, 2], [3]], StepTypeError, r"ragged.*steps\[0\] has 2 items but steps\[1\] has 1"),
        ([[], [1]], StepTypeError, r"ragged.*steps\[0\] has 0 items but steps\[1\] has 1"),
        ([[1], 2], StepTypeError, r"ragged.*steps\[0\] is a list but steps\[1\] is a number"),
        ([[1, 2], [3, [4]]], StepTypeError, r"steps\[1\]\[0\] is a number but steps\[1\]\[1\]"),
        ([-1, 2**63], StepError, r"steps\[0\] must be a non-negative int, got -1"),
        ([0, 2**63], StepError, r"steps\[1\] must fit in a 64-bit int.*9223372036854775808"),
        ([2**63], StepError, r"steps\[0\] must fit in a 64-bit int \(at most 2\*\*63 - 1\)"),
        ([1.5], StepTypeError, r"steps\[0\] must be an int, got 1.5 \(float\)"),
        ([0, 2, 3.0], StepTypeError, r"steps\[2\] must be an int, got 3.0 \(float\)"),
        ([True], StepTypeError, r"steps\[0\] must be an int, got True \(bool\)"),
        ([1, True], StepTypeError, r"steps\[1\] must be an int, got True \(bool\)"),
        ([[0, np.True_]], StepTypeError, r"steps\[0\]\[1\] must be an int, got .*True.*bool"),
        (True, StepTypeError, r"steps must be an int, got True \(bool\)"),
        (["1"], StepTypeError, r"steps\[0\] must be an int, got '1' \(str\)"),
        ([None], StepTypeError, r"steps\[0\] must be an int, got None \(NoneType\)"),
        ([3, None], StepTypeError, r"steps\[1\] must be an int, got None \(NoneType\)"),
        ([1j], StepTypeError, r"steps\[0\] must be an int, got 1j \(complex\)"),
        (np.array([1, None], dtype=object), StepTypeError, r"steps\[1\] must be an int.*None"),
        (np.array([4, -2], dtype=object), StepError, r"steps must be non-negative, got -2"),
        (range(2**63 - 1, 2**63 + 1), StepError, r"steps must fit in a 64-bit int"),
        # Class 7: huge ints by their digit count.
        (-HUGE, StepError, r"steps must be a non-negative int, got a negative int of 5001 digits"),
        ([-HUGE], StepError, r"steps\[0\] must be .*, got a negative int of 5001 digits"),
        ([[0], [HUGE]], StepError, r"steps\[1\]\[0\] must fit in a 64-bit int.*an int of 5001"),
        (HUGE, StepError, r"steps must fit in a 64-bit int .*, got an int of 5001 digits"),
    ],
    ids=lambda value: type(value).__name__,
)
def test_class9_each_bad_step_input_is_named(steps: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        evaluate(S, steps)


def test_class9_valid_inputs_still_evaluate_object_arrays_of_ints_included() -> None:
    # NumPy keeps Python ints as objects when asked to; each is then checked as a step.
    got = evaluate(S, np.array([0, 5, 10], dtype=object))
    assert got.dtype == np.float64
    assert got.tolist() == [S(0), S(5), S(10)]
    assert evaluate(S, [[0, 5], [10, 20]]).tolist() == [[S(0), S(5)], [S(10), S(20)]]
    assert evaluate(S, (np.int64(3), 4)).tolist() == [S(3), S(4)]
    assert evaluate(S, [2**63 - 1]).tolist() == [S(2**63 - 1)]
    # NumPy reads [[]] as float64 of shape (1, 0); it holds no step, so no error either.
    for empty, shape in (([[]], (1, 0)), ([[], []], (2, 0)), ([], (0,))):
        empty_rates = evaluate(S, empty)
        assert (empty_rates.shape, empty_rates.dtype) == (shape, np.float64)
