"""MkDocs hooks (mkdocs.yml `hooks:`): the README is the home page, and links to files
outside docs/ point at the repository.

The pages are written to read well on GitHub, where `../CONTRIBUTING.md` and
`docs/guide.md` are relative links that work; on the site those files are not pages,
so the links are rewritten here instead of in the Markdown. A target that is not a file
of the repository is left as written, for mkdocs to check (and --strict to refuse).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).parent.parent
REPOSITORY = "https://github.com/amaar-mc/lrsched/blob/main/"

# A Markdown link target: `](target)` with no scheme, no leading `#` or `/`.
LINK = re.compile(r"\]\((?![a-z][a-z0-9+.-]*:|#|/)([^)\s]+)\)")


def _in_repository(path: str) -> bool:
    file = (ROOT / path.partition("#")[0]).resolve()
    return file.is_file() and file.is_relative_to(ROOT.resolve())


def home_page(readme: str) -> str:
    """The README with its links made relative to docs/: `docs/x.md` becomes `x.md`,
    and a file outside docs/ (`./LICENSE`, `SECURITY.md`) a link to the repository."""

    def target(match: re.Match[str]) -> str:
        path = match.group(1).removeprefix("./")
        if path.startswith("docs/"):
            return f"]({path.removeprefix('docs/')})"
        if _in_repository(path):
            return f"]({REPOSITORY}{path})"
        return match.group(0)

    return LINK.sub(target, readme)


def outside_links(markdown: str, page: str) -> str:
    """Links from `page` (a path below docs/) to files outside docs/
    (`../CONTRIBUTING.md` from docs/guide.md) point at the repository instead."""
    prefix = "../" * (page.count("/") + 1)

    def target(match: re.Match[str]) -> str:
        path = match.group(1).removeprefix(prefix)
        if match.group(1).startswith(prefix) and _in_repository(path):
            return f"]({REPOSITORY}{path})"
        return match.group(0)

    return LINK.sub(target, markdown)


def on_files(files: Files, config: Any) -> Files:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    files.append(File.generated(config, "index.md", content=home_page(readme)))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if page.file.src_uri == "index.md":
        return markdown
    return outside_links(markdown, page.file.src_uri)
