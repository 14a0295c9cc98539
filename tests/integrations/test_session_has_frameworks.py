"""In the nox ``integrations`` session every framework must be importable.

The framework tests skip themselves when their framework is missing, which keeps the
default ``uv run pytest`` green without them. In the integrations session a skip would
hide a broken install, so there (``LRSCHED_INTEGRATIONS=1``, set by ``noxfile.py``) a
missing framework fails here instead.
"""

from __future__ import annotations

import importlib
import os

import pytest

FRAMEWORKS = [
    "torch",
    "jax",
    "optax",
    "transformers",
    "accelerate",
    "numpy",
    "array_api_compat",
    "keras",
    "hydra",
    "omegaconf",
    "lightning",
    "IPython",
]


@pytest.mark.skipif(
    os.environ.get("LRSCHED_INTEGRATIONS") != "1",
    reason="frameworks are required only in the nox integrations session",
)
def test_timm_is_importable() -> None:
    from timm_import import import_timm

    import_timm()


@pytest.mark.skipif(
    os.environ.get("LRSCHED_INTEGRATIONS") != "1",
    reason="frameworks are required only in the nox integrations session",
)
@pytest.mark.parametrize("name", FRAMEWORKS)
def test_framework_is_installed(name: str) -> None:
    importlib.import_module(name)
