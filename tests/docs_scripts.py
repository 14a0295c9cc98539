"""Load the scripts under ``docs/`` (which are not a package) as modules, for the tests
that check their output is what the repository holds."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

DOCS = Path(__file__).parent.parent / "docs"


def load_script(relative: str) -> ModuleType:
    """The module of ``docs/<relative>``, executed afresh."""
    path = DOCS / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
