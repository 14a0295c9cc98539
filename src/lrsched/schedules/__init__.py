"""The schedules: one module per family, each node class beside its rule for every
evaluator (scalar, array, range). Importing this package registers them all."""

from . import (  # noqa: F401 (imported to register their nodes and rules)
    constant,
    cosine,
    cyclic,
    decays,
    interpolate,
    inverse_sqrt,
    one_cycle,
    polynomial,
    wsd,
)
