"""Settings for the whole suite.

No Hypothesis deadline: a deadline is a wall-clock assertion, and the first example of a
test may pay for an import or a compile (NumPy, the array evaluator) on a slow or busy
machine.

Keras 3 picks its backend when first imported and defaults to TensorFlow, which the
integrations session does not install; the tests use torch unless a test (or the caller)
asks for another backend, as the Keras tests do in subprocesses for JAX.
"""

import os

from hypothesis import settings

os.environ.setdefault("KERAS_BACKEND", "torch")

settings.register_profile("lrsched", deadline=None)
settings.load_profile("lrsched")
