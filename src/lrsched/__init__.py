"""Learning-rate schedules as immutable values: build them with operators, evaluate
them anywhere, print, compare and pickle them.

>>> from lrsched import Cosine, Constant, Warmup
>>> s = Warmup(steps=100, start_lr=0.0) >> Cosine(base_lr=1e-3, min_lr=1e-5, total_steps=900)
>>> s = s | Constant(lr=1e-5)
>>> round(s(50), 9), s(100), s.duration
(0.0005, 0.001, None)
"""

from ._array import evaluate
from ._base import MAX_DEPTH, MAX_SIZE, Schedule
from ._base import restore as _restore
from ._composites import Bounded, Phases, Scaled, Warmup, WithWarmup
from ._config import from_dict
from ._cyclic import Cyclic
from ._errors import (
    CheckpointError,
    CompositionError,
    ConfigError,
    ParameterTypeError,
    ParameterValueError,
    ParseError,
    ScheduleError,
    StepError,
    StepTypeError,
    TreeSizeError,
    UnsupportedNodeError,
)
from ._interpolate import Interpolate
from ._leaves import (
    Constant,
    Cosine,
    CosineRestarts,
    Exponential,
    InverseSqrt,
    Linear,
    MultiStep,
    OneCycle,
    Polynomial,
    StepDecay,
)
from ._legacy import (
    constant,
    cosine,
    cosine_restarts,
    exponential,
    inverse_sqrt,
    linear,
    multi_step,
    one_cycle,
    polynomial,
    sample,
    sequential,
    step_decay,
    with_warmup,
)
from ._noam import Noam
from ._parse import parse
from ._range import value_range
from ._wsd import Decay, WarmupStableDecay

__version__ = "0.2.0"

__all__ = [
    "MAX_DEPTH",
    "MAX_SIZE",
    "Bounded",
    "CheckpointError",
    "CompositionError",
    "ConfigError",
    "Constant",
    "Cosine",
    "CosineRestarts",
    "Cyclic",
    "Decay",
    "Exponential",
    "Interpolate",
    "InverseSqrt",
    "Linear",
    "MultiStep",
    "Noam",
    "OneCycle",
    "ParameterTypeError",
    "ParameterValueError",
    "ParseError",
    "Phases",
    "Polynomial",
    "Scaled",
    "Schedule",
    "ScheduleError",
    "StepDecay",
    "StepError",
    "StepTypeError",
    "TreeSizeError",
    "UnsupportedNodeError",
    "Warmup",
    "WarmupStableDecay",
    "WithWarmup",
    "constant",
    "cosine",
    "cosine_restarts",
    "evaluate",
    "exponential",
    "from_dict",
    "inverse_sqrt",
    "linear",
    "multi_step",
    "one_cycle",
    "parse",
    "polynomial",
    "sample",
    "sequential",
    "step_decay",
    "value_range",
    "with_warmup",
]

# Pickles name a class by module and qualified name. Naming the package rather than the
# private module that defines each class keeps checkpoints loadable across refactors.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type):
        _obj.__module__ = __name__
_restore.__module__, _restore.__qualname__ = __name__, "_restore"
del _name, _obj
