"""Comparing a whole lrsched curve with a reference implementation's, step by step."""

from __future__ import annotations

import math
from collections.abc import Sequence

from lrsched import Schedule

# Differential tests hold every step to this relative tolerance.
REL = 1e-9


def assert_same_curve(schedule: Schedule, reference: Sequence[float], rel: float = REL) -> None:
    """``schedule(k)`` is within ``rel`` of ``reference[k]`` for every ``k``.

    Where either side is exactly 0, the other may be off by up to
    ``rel`` times the curve's peak: a recursive reference can leave a rounding residue
    where the closed form is 0, and relative error means nothing at 0.
    """
    assert len(reference) > 0
    peak = max(abs(x) for x in reference)
    for k, expected in enumerate(reference):
        got = schedule(k)
        floor = rel * peak if 0.0 in (got, expected) else 0.0
        assert math.isclose(got, expected, rel_tol=rel, abs_tol=floor), (
            f"step {k}: lrsched {got!r}, reference {expected!r}, schedule {schedule!r}"
        )
