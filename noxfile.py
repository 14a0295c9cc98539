"""Development sessions: ``nox -s tests lint typecheck bench``.

The sessions use uv to build their environments when it is installed.
"""

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

DEV = ["pytest>=8", "pytest-cov>=5", "hypothesis>=6.100"]


@nox.session
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
    session.install("-e", ".", "mypy>=1.11", *DEV)
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks: print ratios against baselines measured in the same run."""
    session.install("-e", ".")
    session.run("python", "benchmarks/bench_scalar.py")
