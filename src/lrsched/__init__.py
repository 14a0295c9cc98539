"""Learning-rate schedules as immutable values: build them with operators, evaluate
them anywhere, print, compare and pickle them.

>>> from lrsched import Cosine, Constant, Warmup
>>> s = Warmup(steps=100, start_lr=0.0) >> Cosine(base_lr=1e-3, min_lr=1e-5, total_steps=900)
>>> s = s | Constant(lr=1e-5)
>>> round(s(50), 9), s(100), s.duration
(0.0005, 0.001, None)
"""

# The model first, then the layers that plug into its seam, then the schedules they run.
from .cli.svg import svg as _svg  # noqa: F401 (installs it)
from .core.arithmetic import Negated, Sum
from .core.composites import Bounded, Phases, Scaled, Shifted, Warmup, WithWarmup
from .core.errors import (
    CheckpointError,
    CompositionError,
    ConfigError,
    ParameterTypeError,
    ParameterValueError,
    ParseError,
    ScheduleChangedWarning,
    ScheduleError,
    StepError,
    StepTypeError,
    TreeSizeError,
    UnsupportedNodeError,
)
from .core.node import MAX_DEPTH, MAX_SIZE
from .core.node import restore as _restore
from .core.schedule import Schedule
from .evaluators import arithmetic as _arithmetic  # noqa: F401 (registers its rules)
from .evaluators.array import evaluate
from .evaluators.bounds import value_range
from .evaluators.inline import compile_call as _compile_call  # noqa: F401 (installs it)
from .evaluators.scalar import compile_scalar as _compile_scalar  # noqa: F401 (installs it)
from .forms.config import from_dict, to_hydra
from .forms.parse import parse
from .legacy import (
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
from .schedules.constant import Constant
from .schedules.cosine import Cosine, CosineRestarts, WarmupCosine
from .schedules.cyclic import Cyclic
from .schedules.decays import Exponential, MultiStep, StepDecay
from .schedules.interpolate import Interpolate
from .schedules.inverse_sqrt import InverseSqrt, Noam
from .schedules.one_cycle import OneCycle
from .schedules.polynomial import Linear, Polynomial
from .schedules.wsd import Decay, WarmupStableDecay
from .transforms import stretch as _stretch  # noqa: F401 (installs the transforms)

__version__ = "0.3.0.dev0"

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
    "Negated",
    "Noam",
    "OneCycle",
    "ParameterTypeError",
    "ParameterValueError",
    "ParseError",
    "Phases",
    "Polynomial",
    "Scaled",
    "Schedule",
    "ScheduleChangedWarning",
    "ScheduleError",
    "Shifted",
    "StepDecay",
    "StepError",
    "StepTypeError",
    "Sum",
    "TreeSizeError",
    "UnsupportedNodeError",
    "Warmup",
    "WarmupCosine",
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
    "to_hydra",
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
