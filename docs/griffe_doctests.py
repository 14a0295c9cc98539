"""A griffe extension (mkdocs.yml, mkdocstrings `extensions:`): the docstrings' doctest
examples become fenced ``pycon`` blocks on the API pages.

The docstrings show their examples as bare ``>>>`` lines, as doctest reads them; in
Markdown a line starting with ``>`` is a quotation, so without this the examples would
render as nested quotes run together into one paragraph.
"""

from __future__ import annotations

from typing import Any

import griffe


def fence_examples(text: str) -> str:
    """Wrap each doctest example (a ``>>>`` line and what follows it up to a blank line)
    in a ``pycon`` fence at its own indentation; text already in a fence is left alone."""
    out: list[str] = []
    fenced = False
    in_example = False
    indent = ""
    for line in text.splitlines():
        stripped = line.lstrip()
        if in_example and not stripped:
            out.append(f"{indent}```")
            in_example = False
        if stripped.startswith("```") and not in_example:
            fenced = not fenced
        elif not fenced and not in_example and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            out.append(f"{indent}```pycon")
            in_example = True
        out.append(line)
    if in_example:
        out.append(f"{indent}```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence_examples(obj.docstring.value)
