"""The names of the curve shapes that warmups, decays and interpolations accept.

Nodes store a shape as a plain string (so reprs, configs and the parser can spell it);
each evaluator maps it to arithmetic, and each node's docstring gives the formula.
"""

from __future__ import annotations

WARMUP_SHAPES = ("linear", "cosine", "exponential", "1-sqrt")
DECAY_SHAPES = ("linear", "cosine", "1-sqrt")
INTERPOLATE_SHAPES = ("linear", "cosine")
