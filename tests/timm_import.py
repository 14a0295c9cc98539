"""Import timm beside the CPU torch of the integrations session.

timm 1.x imports torchvision at ``import timm`` (for ``FrozenBatchNorm2d`` and its data
transforms), and PyPI's torchvision does not load beside the pinned CPU torch 2.13.0
(``operator torchvision::nms does not exist``). The parts of timm the tests use, its
schedulers and ``timm.optim.param_groups_layer_decay``, never touch torchvision, so when
torchvision is missing this installs an empty stand-in for the few names timm imports at
module level, then imports timm. A real torchvision, when present, is used as it is.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from typing import Any


class _AnyName(type):
    """Class attributes of a stand-in (``InterpolationMode.NEAREST``) are stand-ins too."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _AnyName(name, (_Unavailable,), {})


class _Unavailable(metaclass=_AnyName):
    """Any torchvision name timm imports at module level; fails only if used."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("torchvision stand-in: not available in this session")


class _StandInModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _AnyName(name, (_Unavailable,), {})


class _StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Makes ``torchvision`` and each of its submodules an empty stand-in module."""

    def find_spec(self, name: str, path: object, target: object = None) -> Any:
        if name == "torchvision" or name.startswith("torchvision."):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _StandInModule(spec.name)
        module.__path__ = []
        module.__version__ = "0.0+stand-in"  # type: ignore[attr-defined]
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        return None


def _install_torchvision_stand_in() -> None:
    sys.meta_path.append(_StandInFinder())


def import_timm() -> types.ModuleType:
    """``import timm``, with the torchvision stand-in when torchvision is absent."""
    if importlib.util.find_spec("timm") is None:
        raise ImportError("timm is not installed")
    if importlib.util.find_spec("torchvision") is None:
        _install_torchvision_stand_in()
    return importlib.import_module("timm")
