"""Phase starts and durations stay within 2**53, where every step is an exact float, so
the evaluators agree on where each phase begins (issue 8, defect class 6)."""

from __future__ import annotations

import pytest

from lrsched import Constant, Cosine, ParameterValueError, Phases, Warmup, evaluate

np = pytest.importorskip("numpy")

LIMIT = 2**53
HALF = Constant(lr=1.0)[: LIMIT // 2]


def test_class_6_a_chain_longer_than_2_53_steps_is_refused() -> None:
    with pytest.raises(ParameterValueError, match="more than 2\\*\\*53"):
        HALF | HALF | Constant(lr=0.5)[:2]


def test_class_6_a_phase_starting_past_2_53_is_refused() -> None:
    with pytest.raises(ParameterValueError, match="the phases before the last one"):
        Phases(phases=(HALF, HALF, Constant(lr=0.5)[:1], Constant(lr=0.25)))


def test_class_6_a_warmup_and_schedule_longer_than_2_53_steps_are_refused() -> None:
    with pytest.raises(ParameterValueError, match="the warmup and the schedule after it"):
        Warmup(steps=2, start_lr=0.0) >> Constant(lr=1.0)[: LIMIT - 1]


def test_class_6_a_chain_of_exactly_2_53_steps_agrees_at_its_joins() -> None:
    s = HALF | Constant(lr=0.5)[: LIMIT // 2 - 1] | Constant(lr=0.25)
    assert s.duration is None
    steps = [0, LIMIT // 2 - 1, LIMIT // 2, LIMIT - 2, LIMIT - 1, LIMIT]
    expected = [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    assert [s(k) for k in steps] == expected
    assert evaluate(s, np.array(steps, dtype=np.int64)).tolist() == expected


def test_class_6_a_warmup_of_2_53_minus_1_steps_hands_off_exactly() -> None:
    s = Warmup(steps=LIMIT - 1, start_lr=0.0) >> Cosine(base_lr=1.0, min_lr=0.0, total_steps=1)
    steps = [LIMIT - 2, LIMIT - 1, LIMIT]
    scalar = [s(k) for k in steps]
    assert scalar[1:] == [1.0, 0.0]
    assert evaluate(s, np.array(steps, dtype=np.int64)).tolist() == pytest.approx(scalar, rel=1e-12)
