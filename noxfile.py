"""Development sessions: ``nox -s tests lint typecheck bench docs``.

The sessions use uv to build their environments when it is installed.
"""

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

# The dev dependency group of pyproject.toml: the same tools and optional packages as
# `uv run pytest`, so a session's coverage gate sees the same tests run.
DEV = nox.project.dependency_groups(nox.project.load_toml("pyproject.toml"), "dev")


# Every supported Python; nox skips one that is not installed (`nox -s tests-3.12` picks one).
@nox.session(python=["3.10", "3.11", "3.12", "3.13"])
def tests(session: nox.Session) -> None:
    """The test suite with branch coverage (fails under 95%)."""
    session.install("-e", ".", *DEV)
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over src, tests and benchmarks."""
    session.install("-e", ".", *DEV)
    session.run("mypy")


@nox.session(python="3.11", venv_backend="virtualenv")
def bench(session: nox.Session) -> None:
    """Benchmarks: every row of issue 13's table, each against its baseline measured in
    the same run, then the scalar chains and, on a CUDA machine, the device checks."""
    session.install("torch==2.13.0")  # the pinned CPU build, as in integrations
    session.install("-e", ".", "numpy", "jax", "optax")
    # Each script exits 1 when it misses a target; the session runs them all regardless
    # (a benchmark reports, it is no test), and each prints what it missed.
    for script in ("bench_all.py", "bench_scalar.py", "bench_gpu.py"):
        session.run("python", f"benchmarks/{script}", success_codes=[0, 1])


# The site's tools. mkdocstrings reads the sources statically (mkdocs.yml: paths),
# so neither lrsched nor the frameworks its adapters import are installed here. The
# lower bounds are the oldest versions the site was checked to build with.
DOCS = [
    "mkdocs>=1.6",
    "mkdocs-material>=9.5",
    "mkdocstrings[python]>=1.0",
    "mkdocstrings-python>=2.0",
    "ruff>=0.6",  # formats the signatures on the API pages
]


@nox.session
def docs(session: nox.Session) -> None:
    """The documentation site, built into site/ with --strict (broken links fail)."""
    session.install(*DOCS)
    session.run("mkdocs", "build", "--strict", *session.posargs, env={"NO_MKDOCS_2_WARNING": "1"})


# The frameworks of tests/integrations. torch comes from pip as a pinned CPU build: uv
# would resolve a multi-gigabyte CUDA build. accelerate is what transformers' Trainer needs.
# Lightning accepts the pinned torch. timm goes in without its dependencies: its
# torchvision needs a newer CUDA torch (tests/timm_import.py explains how timm is loaded).
FRAMEWORKS = [
    "jax",
    "optax",
    "transformers",
    "accelerate",
    "numpy",
    "array-api-compat",
    "keras>=3",
    "hydra-core>=1.3",
    "omegaconf>=2.3",
    "lightning>=2.2",
    "ipython>=8",
]
NO_DEPS = ["timm>=1.0"]


@nox.session(python="3.11", venv_backend="virtualenv")
def integrations(session: nox.Session) -> None:
    """The whole suite with torch, JAX, optax, transformers, Keras, Hydra, Lightning, timm."""
    session.install("torch==2.13.0")
    session.install(*FRAMEWORKS)
    session.install("--no-deps", *NO_DEPS)
    session.install("-e", ".", *DEV)
    # tests/test_docs.py runs the examples of docs/*.md and of the adapters' docstrings,
    # which the default run skips without the frameworks; here none is skipped, and
    # tests/integrations/test_session_has_frameworks.py fails if a framework is missing.
    session.run("pytest", *session.posargs, env={"LRSCHED_INTEGRATIONS": "1"})
