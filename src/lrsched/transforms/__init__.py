"""Transforms: rules that rebuild a schedule tree into another (``stretch.py``: the same
curve over a longer or shorter run; ``cooldown.py``: a decay branching off at a step).
Importing this package registers them and installs them into the seam."""

from . import cooldown, stretch  # noqa: F401 (imported to register their rules)
