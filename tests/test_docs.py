"""The docs cannot rot: their examples run, and the generated reference is current."""

from __future__ import annotations

import contextlib
import doctest
import importlib
import io
import pkgutil
import re
import shlex
from pathlib import Path
from types import ModuleType

import pytest
import yaml

import lrsched
from docs_scripts import load_script
from lrsched.cli.main import main
from timm_import import import_timm

ROOT = Path(__file__).parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FLAGS = doctest.ELLIPSIS


def python_blocks(page: Path) -> list[tuple[int, str]]:
    """The fenced Python blocks of a page, each with the line number where it starts."""
    text = page.read_text("utf-8")
    return [
        (text.count("\n", 0, match.start(1)), match.group(1))
        for match in re.finditer(r"```(?:python|pycon|py)\n(.*?)```", text, re.DOTALL)
    ]


def missing_imports(block: str) -> list[str]:
    """Packages that a block's imports (``>>> import x``, ``>>> from x.y import z``) need
    and that are not installed, such as torch for ``from lrsched.torch import ...``."""
    names = re.findall(r"^>>> (?:import|from) +(.+?)(?: import .*)?$", block, re.MULTILINE)
    missing = set()
    for module in {part.split(" as ")[0].strip() for n in names for part in n.split(",")}:
        if module.split(".")[0] == "timm":
            with contextlib.suppress(ImportError):
                import_timm()  # timm needs torchvision at import, or its stand-in
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            missing.add((exc.name or module).split(".")[0])
    return sorted(missing)


BLOCKS = [(page, i) for page in PAGES for i in range(len(python_blocks(page)))]


# torch.compile's first use imports inductor, whose own code calls its deprecated
# torch.jit.script_method; the warning must not depend on which test compiled first.
@pytest.mark.filterwarnings("ignore:`torch.jit.script_method` is deprecated:DeprecationWarning")
@pytest.mark.parametrize(("page", "index"), BLOCKS, ids=[f"{p.name}-{i + 1}" for p, i in BLOCKS])
def test_python_examples_in_the_docs(page: Path, index: int) -> None:
    """Each fenced block runs after the page's earlier blocks, which define its names.
    A block that imports a package that is not installed is skipped, visibly."""
    blocks = python_blocks(page)
    missing = missing_imports(blocks[index][1])
    if missing:
        pytest.skip(f"{page.name} block {index + 1} needs {', '.join(missing)}")
    parser = doctest.DocTestParser()
    if not parser.get_examples(blocks[index][1]):
        # Plain code (a Trainer call, a helper to paste): nothing runs, so it must not
        # count as a checked example; its syntax at least is real.
        compile(blocks[index][1], f"{page.name} block {index + 1}", "exec")
        pytest.skip(f"{page.name} block {index + 1} has no >>> examples (syntax checked only)")
    globs: dict[str, object] = {"__name__": "__main__"}
    for number, (line, block) in enumerate(blocks[: index + 1]):
        if number < index and missing_imports(block):
            continue
        test = parser.get_doctest(block, globs, f"{page.name}-{number + 1}", str(page), line)
        runner = doctest.DocTestRunner(optionflags=FLAGS)
        if number < index:
            runner.run(test, out=lambda _: None, clear_globs=False)
        else:
            assert runner.run(test, clear_globs=False).failed == 0
        globs = test.globs


def docstring_modules() -> list[str]:
    """The package and every module under it whose docstrings hold examples, plus the
    adapters whose framework is not installed (to skip visibly). The package itself
    comes first: the published classes claim ``__module__ == "lrsched"``, so doctest
    finds their docstrings there and nowhere else."""
    names = ["lrsched"]
    names += [
        m.name
        for m in pkgutil.walk_packages(lrsched.__path__, "lrsched.")
        if m.name != "lrsched.__main__"
    ]
    found = []
    for name in names:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            found.append(name)
            continue
        if any(test.examples for test in doctest.DocTestFinder().find(module)):
            found.append(name)
    return found


DOCSTRING_MODULES = docstring_modules()


def test_docstring_examples_are_found() -> None:
    # A module missing here has lost its examples, or doctest stopped seeing them.
    assert {"lrsched", "lrsched.forms.config", "lrsched.forms.parse"} <= set(DOCSTRING_MODULES)


@pytest.mark.parametrize("name", DOCSTRING_MODULES)
def test_docstring_examples_in_the_package(name: str) -> None:
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:  # an adapter for a framework that is not installed
        if (exc.name or "lrsched").split(".")[0] == "lrsched":
            raise
        pytest.skip(f"{name} needs {exc.name}")
    result = doctest.testmod(module, optionflags=FLAGS)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} has no docstring examples to run"


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


# One case per example, so a page without any adds no passing case.
CONSOLE = [
    (page, command, expected)
    for page in PAGES
    for command, expected in console_examples(page.read_text(encoding="utf-8"))
]


@pytest.mark.parametrize(
    ("page", "command", "expected"), CONSOLE, ids=[f"{p.name}-{c}" for p, c, _ in CONSOLE]
)
def test_console_examples_in_the_docs(page: Path, command: str, expected: str) -> None:
    assert run_command(command) == expected, command


def test_console_examples_are_found() -> None:
    commands = [command for page, command, _ in CONSOLE if page.name == "guide.md"]
    assert any(c.startswith("lrsched show") for c in commands)
    assert any(c.startswith("lrsched table") for c in commands)


@pytest.mark.parametrize("name", ["README.md", "guide.md", "backends.md", "schedules-modern.md"])
def test_python_examples_are_found(name: str) -> None:
    # The pages that teach with examples; a broken fence would silently drop them all.
    page = next(p for p in PAGES if p.name == name)
    parser = doctest.DocTestParser()
    assert any(parser.get_examples(block) for _, block in python_blocks(page)), name


def _generator() -> ModuleType:
    return load_script("make_reference.py")


def test_reference_is_generated_from_the_current_code() -> None:
    text, plots = _generator().reference()
    written = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert written == text, "docs/reference.md is stale: run uv run python docs/make_reference.py"
    for name in lrsched.core.registry.node_classes():
        assert f"## {name}\n" in text
        assert name in plots, f"no example to plot for {name}"
        assert (ROOT / "docs" / "img" / f"{name}.png").is_file()


def nav_pages(entry: object) -> set[str]:
    """The page files that an mkdocs.yml ``nav`` entry names, at any depth."""
    if isinstance(entry, str):
        return {entry}
    if isinstance(entry, dict):
        return set().union(*(nav_pages(value) for value in entry.values()))
    if isinstance(entry, list):
        return set().union(*(nav_pages(value) for value in entry))
    return set()


def test_every_docs_page_is_in_the_site_nav() -> None:
    # mkdocs would build a page left out of the nav, but nobody could find it on the site.
    # index.md is made from README.md by docs/hooks.py.
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = nav_pages(config["nav"])
    pages = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert sorted(pages - listed) == [], "add these pages to the nav of mkdocs.yml"
    assert sorted(listed - pages - {"index.md"}) == [], "the nav names pages that do not exist"
    assert "index.md" in listed


def test_every_framework_adapter_has_an_api_page() -> None:
    # The adapters that import a framework at the top are the modules that coverage
    # omits; mkdocstrings reads them statically, so each can have its page.
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    adapters = re.findall(r'"\*/lrsched/(\w+)\.py"', pyproject)
    assert {"torch", "optax"} <= set(adapters)
    pages = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs" / "api").glob("*.md"))
    missing = [name for name in adapters if f"::: lrsched.{name}\n" not in pages]
    assert missing == [], "add docs/api/<name>.md with '::: lrsched.<name>' and list it in the nav"
