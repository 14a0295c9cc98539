"""The docs cannot rot: their examples run, and the generated reference is current."""

from __future__ import annotations

import contextlib
import doctest
import importlib
import importlib.util
import io
import pkgutil
import re
import shlex
from pathlib import Path
from types import ModuleType

import pytest

import lrsched
from lrsched._cli import main

ROOT = Path(__file__).parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FLAGS = doctest.ELLIPSIS


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_python_examples_in_the_docs(page: Path) -> None:
    # A page whose examples need an optional package says so in a comment,
    # <!-- doctest: requires torch, optax -->, and is skipped (visibly) without it.
    text = page.read_text(encoding="utf-8")
    for names in re.findall(r"<!-- doctest: requires ([\w, .]+) -->", text):
        for name in names.split(","):
            pytest.importorskip(name.strip(), reason=f"{page.name} needs {name.strip()}")
    result = doctest.testfile(str(page), module_relative=False, optionflags=FLAGS)
    assert result.failed == 0


@pytest.mark.parametrize(
    "name", [m.name for m in pkgutil.iter_modules(lrsched.__path__) if m.name != "__main__"]
)
def test_docstring_examples_in_the_package(name: str) -> None:
    module = importlib.import_module(f"lrsched.{name}")
    result = doctest.testmod(module, optionflags=FLAGS)
    assert result.failed == 0


def console_examples(text: str) -> list[tuple[str, str]]:
    """``(command, expected output)`` for each ``$ lrsched`` line in ```console blocks."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            if command.startswith("lrsched "):
                examples.append((command, output))
    return examples


def run_command(command: str) -> str:
    argv = shlex.split(command)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        main(argv[1:])
    return out.getvalue() + err.getvalue()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_console_examples_in_the_docs(page: Path) -> None:
    for command, expected in console_examples(page.read_text(encoding="utf-8")):
        assert run_command(command) == expected, command


def test_console_examples_are_found() -> None:
    guide = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")
    commands = [command for command, _ in console_examples(guide)]
    assert any(c.startswith("lrsched show") for c in commands)
    assert any(c.startswith("lrsched table") for c in commands)


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_reference", ROOT / "docs" / "make_reference.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reference_is_generated_from_the_current_code() -> None:
    text, plots = _generator().reference()
    written = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert written == text, "docs/reference.md is stale: run uv run python docs/make_reference.py"
    for name in lrsched._names.node_classes():
        assert f"## {name}\n" in text
        assert name in plots, f"no example to plot for {name}"
        assert (ROOT / "docs" / "img" / f"{name}.png").is_file()
