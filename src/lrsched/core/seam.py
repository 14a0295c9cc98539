"""The seam between the model and the layers built on it.

The operators of ``Schedule`` build composites (``a | b`` is a ``Phases``, ``a + b`` a
``Sum``), a number operand becomes a ``Constant``, ``s(k)`` compiles with the scalar
evaluator, ``Scaled`` and ``Sum`` check their bounds with the range evaluator,
``to_dict`` writes the dict form and ``_repr_svg_`` draws the curve (``cli/svg.py``).
Each of those lives in a module that imports the model, so the model cannot import it
back: instead each installs itself here when ``lrsched`` is imported (``install``), and
the model calls through ``SEAM``. This is the one place where the layers meet in a cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .arithmetic import Negated, Sum
    from .composites import Phases, Scaled
    from .node import Node
    from .schedule import Schedule


def _missing(*args: object, **kwargs: object) -> Any:
    raise RuntimeError("import lrsched (the package) before using its modules")


class Seam:
    """What the model calls but cannot import; ``install`` fills it in."""

    phases: Callable[..., Phases] = _missing
    sliced: Callable[[Schedule, object], Schedule] = _missing
    scaled: Callable[..., Scaled] = _missing
    summed: Callable[..., Sum] = _missing
    negated: Callable[..., Negated] = _missing
    constant: Callable[..., Schedule] = _missing
    compile_scalar: Callable[[Schedule], Callable[[int], float]] = _missing
    value_range: Callable[[Schedule], tuple[float, float]] = _missing
    to_dict: Callable[[Node], dict[str, Any]] = _missing
    svg: Callable[[Schedule], str] = _missing
    is_array: Callable[[object], bool] = _missing
    evaluate: Callable[..., Any] = _missing
    stretch: Callable[[Schedule, object], Schedule] = _missing
    stretch_to: Callable[[Schedule, object], Schedule] = _missing
    cooldown: Callable[..., Schedule] = _missing


SEAM = Seam()


def install(**parts: Callable[..., Any]) -> None:
    """Fill in parts of the seam by name, as the modules that define them are imported."""
    for name, part in parts.items():
        if not hasattr(Seam, name):
            raise AttributeError(f"the seam has no part named {name!r}")
        setattr(SEAM, name, part)
