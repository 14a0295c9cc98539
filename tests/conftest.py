"""Hypothesis settings for the whole suite.

No deadline: a deadline is a wall-clock assertion, and the first example of a test may
pay for an import or a compile (NumPy, the array evaluator) on a slow or busy machine.
"""

from hypothesis import settings

settings.register_profile("lrsched", deadline=None)
settings.load_profile("lrsched")
