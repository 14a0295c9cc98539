"""The names of the curve shapes that warmups, decays and interpolations accept.

Nodes store a shape as a plain string (so configs and the parser can spell it); each
evaluator maps it to arithmetic. With ``p`` the progress in ``[0, 1]`` through a ramp
from ``a`` to ``b``, the value is ``a + (b - a) * f(p)`` where:

- ``linear``: ``f(p) = p``;
- ``cosine``: ``f(p) = (1 - cos(pi * p)) / 2``, flat at both ends;
- ``1-sqrt``: ``f(p) = 1 - sqrt(1 - p)``, steep at the start, flat at the end, so a
  decay ``b + (a - b) * (1 - sqrt(p))`` is steep at the end (Hägele et al., 2024);
- ``exponential`` (warmups only): ``a * (b / a) ** p``, the geometric ramp, which needs
  ``a > 0`` and ``b > 0``.
"""

from __future__ import annotations

WARMUP_SHAPES = ("linear", "cosine", "exponential", "1-sqrt")
DECAY_SHAPES = ("linear", "cosine", "1-sqrt")
INTERPOLATE_SHAPES = ("linear", "cosine")
