"""``lrsched.parse``: build a schedule from the text that ``repr`` prints, without ``eval``.

The text goes through ``ast.parse`` and the tree is then interpreted here, one allowed
construct at a time, so no text can run code, reach an attribute or a builtin, or ask
for unbounded work (there is no ``**``). The language:

- calls, by name, of the exported node classes and of the 0.1.0 constructors
  (discovered from ``lrsched.__all__``), with the arguments their signatures accept;
- literals: ints, floats (with unary ``-`` and ``+``, and ``inf`` and ``nan``), strings,
  ``True``, ``False``, ``None``, and tuples and lists of those;
- the operators ``|``, ``>>``, ``+``, ``-``, ``*`` and ``/`` with a schedule on at least
  one side, unary ``-`` and ``+`` on a schedule, and the slices ``s[:n]``, ``s[a:]`` and
  ``s[a:b]``.

Text outside this language raises ``ParseError`` pointing at the offending span.
Errors the library raises while building (``ParameterValueError``, ``CompositionError``
and the other ``ScheduleError`` subclasses) propagate unchanged; any other exception
raised by a constructor or an operator is wrapped in a ``ParseError`` at that span.

The work is bounded by the text: at most ``MAX_TEXT`` characters, nested at most
``MAX_NESTING`` levels (refused before the tree is read, which recurses per level), and
a chain ``a | b | ...`` is built as one ``Phases`` and a chain ``a + b - ...`` as one
``Sum``, each in a single pass, so its cost grows linearly with its length. Python's own
warnings about the text (an invalid escape in a string) are not shown: the text is data,
not a program.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import operator
import re
import sys
import warnings
from collections.abc import Callable, Iterable
from functools import partial
from typing import cast

from ..core.arithmetic import Sum
from ..core.composites import Phases
from ..core.errors import ParseError, ScheduleError
from ..core.node import MAX_DEPTH, Node, is_number
from ..core.registry import constructors
from ..core.schedule import Schedule
from ..core.validate import describe, message, shown

# Far above any real schedule (a 10,000-phase table prints in about 300,000 characters),
# and small enough that parsing the longest text allowed takes well under a second.
MAX_TEXT = 1_000_000

# A tree nests at most MAX_DEPTH levels of nodes, and one level of nodes is at most three
# levels of syntax (a call, a list and a tuple, as in sequential([(n, s)])). The limit
# is checked before the tree is read, so reading it never recurses past a few hundred frames.
MAX_NESTING = 3 * MAX_DEPTH

_OPERATORS: dict[type[ast.operator], tuple[str, Callable[[object, object], object]]] = {
    ast.BitOr: ("|", operator.or_),
    ast.RShift: (">>", operator.rshift),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
}
# The operators whose chains are built flat, in one pass: each symbol's kind of chain,
# "|" for a Phases and "+" for a Sum (of + and -).
_CHAINS: dict[str, str] = {"|": "|", "+": "+", "-": "+"}

# Friendlier names than the ast class names for constructs people are likely to try.
_KINDS: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.Compare: "a comparison",
    ast.BoolOp: "and/or",
    ast.IfExp: "a conditional expression",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.JoinedStr: "an f-string",
    ast.NamedExpr: "an assignment expression",
    ast.Starred: "unpacking with *",
}

# How Python prints the non-finite floats; read as floats, so that the constructors
# refuse them with their own message ("lr must be a finite number, got inf").
_FLOAT_NAMES = frozenset({"inf", "nan"})

_WINDOW = 100  # characters of a long line shown around the offending span


def parse(text: str) -> Schedule:
    """Build the schedule that ``text`` describes, in the language ``repr`` prints.

    >>> parse("Warmup(steps=10, start_lr=0.0) >> Cosine(base_lr=1.0, min_lr=0.0, total_steps=90)")
    Warmup(steps=10, start_lr=0.0) >> Cosine(base_lr=1.0, min_lr=0.0, total_steps=90)
    >>> parse("cosine(base_lr=1.0, min_lr=0.0, total_steps=90)[:50] | 0.5")
    Cosine(base_lr=1.0, min_lr=0.0, total_steps=90)[:50] | Constant(lr=0.5)
    """
    if not isinstance(text, str):
        raise ParseError(f"parse needs a str, got {describe(text)}")
    if len(text) > MAX_TEXT:
        raise ParseError(
            f"the text is {len(text):,} characters long; parse reads at most "
            f"{MAX_TEXT:,} characters, far more than any schedule needs"
        )
    if not text.strip():
        raise ParseError("the text is empty; expected a schedule such as Constant(lr=0.001)")
    tree = _syntax_tree(text)
    reader = _Reader(text)
    if _is_empty(tree.body):
        raise ParseError(
            "the text holds no expression, only comments; "
            "expected a schedule such as Constant(lr=0.001)"
        )
    reader.check_nesting(tree.body)
    try:
        value = reader.value(tree.body)
    except RecursionError:  # a last resort: the nesting limit keeps the reader shallow
        raise ParseError("the expression is nested too deeply to build") from None
    if isinstance(value, Schedule) and tree.body.lineno == 1 and tree.body.col_offset == 0:
        # The expression begins at the parenthesis that _syntax_tree put before the
        # text, so the text closed it early, as in "a) | (b".
        raise reader.error(tree.body, "the text closes a parenthesis it never opened")
    if not isinstance(value, Schedule):
        if isinstance(value, Node):
            raise reader.error(
                tree.body,
                f"a {type(value).__name__} alone is not a schedule; join it "
                "to one with >>, as in Warmup(...) >> s",
            )
        raise reader.error(tree.body, f"expected a schedule, got {describe(value)}")
    return value


def _syntax_tree(text: str) -> ast.Expression:
    """``ast.parse`` of the text, with every failure a ``ParseError`` and no warnings."""
    try:
        with warnings.catch_warnings():
            # SyntaxWarning and DeprecationWarning ("invalid escape sequence"): about
            # the text as a program, which it is not; its strings are read as they are.
            warnings.simplefilter("ignore")
            # The parentheses let the expression span lines and start with spaces; the
            # reported columns are shifted back (see _unwrap).
            return ast.parse(f"({text}\n)", mode="eval")
    except SyntaxError as exc:
        raise ParseError(_syntax_message(text, exc)) from None
    except (MemoryError, RecursionError):
        # Python's parser refuses deep nesting, and its tree builder a chain of a few
        # thousand operators, each with an error of its own.
        raise ParseError(
            "the expression is nested too deeply to parse, or chains too many operators; "
            f"nest at most {MAX_NESTING} levels, and write a long chain a | b | ... "
            "as Phases(phases=(a, b, ...))"
        ) from None
    except ValueError as exc:  # null bytes, on Python 3.10 and 3.11.0
        raise ParseError(f"invalid text: {message(exc, 200)}") from None


def _is_empty(body: ast.expr) -> bool:
    """Whether the text parsed as nothing but the wrapping parentheses: ``()``."""
    return isinstance(body, ast.Tuple) and not body.elts and body.col_offset == 0


def _lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


def _point(text: str, line: int, start: int, end: int, message: str) -> str:
    """``message`` with the 1-based ``line``, 0-based columns ``[start, end)`` and a caret."""
    source = _lines(text)[line - 1] if 0 < line <= len(_lines(text)) else ""
    start = min(max(start, 0), len(source))
    end = min(max(end, start + 1), max(len(source), start + 1))
    snippet = source[start:end]
    if len(snippet) > 30:
        snippet = snippet[:27] + "..."
    left = max(0, min(start - _WINDOW // 3, len(source) - _WINDOW))
    shown = source[left : left + _WINDOW]
    prefix = "..." if left > 0 else ""
    suffix = "..." if left + _WINDOW < len(source) else ""
    caret = " " * (len(prefix) + start - left) + "^" * max(1, min(end, left + _WINDOW) - start)
    where = f": {snippet!r}" if snippet else ", the end of the line"
    return (
        f"{message} (line {line}, column {start + 1}{where})\n  {prefix}{shown}{suffix}\n  {caret}"
    )


def _unwrap(text: str, line: int, start: int, end: int) -> tuple[int, int, int]:
    """Map a position in ``(text\n)`` back to ``text``: the opening parenthesis shifts
    line 1 by one column, and the closing line stands for the end of the text."""
    lines = _lines(text)
    if line > len(lines):
        line = len(lines)
        return line, len(lines[-1]), len(lines[-1]) + 1
    if line == 1:
        return line, max(start - 1, 0), max(end - 1, 0)
    return line, start, end


# A decimal int literal: the digits, with the underscores Python allows between them.
_DECIMAL = re.compile(r"(?<![\w.])[0-9](?:_?[0-9])*")


def _long_int(text: str) -> str | None:
    """The message for a decimal int literal past Python's limit on digits read from
    text (``sys.get_int_max_str_digits``), which ``ast.parse`` reports as a syntax
    error; ``None`` if the text holds none."""
    limit = getattr(sys, "get_int_max_str_digits", lambda: 4300)()
    if not limit:
        return None
    for line_number, line in enumerate(_lines(text), start=1):
        for found in _DECIMAL.finditer(line):
            digits = len(found.group()) - found.group().count("_")
            if digits > limit:
                return (
                    f"an int literal of {digits:,} digits (line {line_number}, column "
                    f"{found.start() + 1}) is past Python's limit of {limit:,} digits for "
                    "an int read from text; no schedule needs such a number"
                )
    return None


def _syntax_message(text: str, exc: SyntaxError) -> str:
    if "digits" in str(exc.msg):
        found = _long_int(text)
        if found is not None:
            return found
    line = exc.lineno or 1
    start = (exc.offset or 1) - 1
    end_offset = getattr(exc, "end_offset", None)
    same_line = getattr(exc, "end_lineno", line) == line
    end = end_offset - 1 if end_offset and same_line and end_offset - 1 > start else start + 1
    return _point(text, *_unwrap(text, line, start, end), f"invalid syntax: {exc.msg}")


class _Reader:
    """Interprets the allowed subset of a parsed expression, with error locations."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _lines(f"({text}\n)")

    def _column(self, line: int, byte_offset: int) -> int:
        # ast columns count UTF-8 bytes; the caret needs characters.
        source = self.lines[line - 1].encode()
        return len(source[:byte_offset].decode(errors="ignore"))

    def error(self, node: ast.expr | ast.keyword, message: str) -> ParseError:
        line = node.lineno
        start = self._column(line, node.col_offset)
        if node.end_lineno == line and node.end_col_offset is not None:
            end = self._column(line, node.end_col_offset)
        else:
            end = len(self.lines[line - 1])
        return ParseError(_point(self.text, *_unwrap(self.text, line, start, end), message))

    def _guard(self, node: ast.expr, action: Callable[[], object], what: str) -> object:
        """Run a constructor or operator: library errors pass, anything else is located."""
        try:
            return action()
        except ScheduleError:
            raise
        except Exception as exc:
            raise self.error(
                node, f"{what} failed: {type(exc).__name__}: {message(exc, 200)}"
            ) from exc

    def check_nesting(self, root: ast.expr) -> None:
        """Refuse syntax nested more than ``MAX_NESTING`` levels, before reading it.

        Walks with a list, not recursion. The left operand of a binary operator is
        not a level: the reader walks a chain ``a | b | c`` in a loop.
        """
        stack: list[tuple[ast.AST, int]] = [(root, 1)]
        while stack:
            node, level = stack.pop()
            if level > MAX_NESTING and isinstance(node, ast.expr):
                raise self.error(
                    node,
                    f"the expression nests more than {MAX_NESTING} levels of syntax; "
                    f"a schedule nests at most {MAX_DEPTH} levels of nodes",
                )
            for child in ast.iter_child_nodes(node):
                chained = isinstance(node, ast.BinOp) and child is node.left
                deeper = isinstance(child, ast.expr) and not chained
                stack.append((child, level + 1 if deeper else level))

    def value(self, node: ast.expr) -> object:
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node)
        if isinstance(node, ast.BinOp):
            return self._binary(node)
        if isinstance(node, ast.Subscript):
            return self._slice(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, (ast.Tuple, ast.List)):
            items = [self.value(item) for item in node.elts]
            return tuple(items) if isinstance(node, ast.Tuple) else items
        if isinstance(node, ast.Name):
            if node.id in _FLOAT_NAMES:
                return float(node.id)
            if node.id in constructors():
                raise self.error(
                    node, f"{node.id} must be called with its arguments, as in {node.id}(...)"
                )
            raise self._unknown(node, node.id)
        kind = _KINDS.get(type(node), type(node).__name__)
        raise self.error(node, f"{kind} is not allowed in a schedule expression")

    def _unknown(self, node: ast.expr, name: str) -> ParseError:
        return self.error(node, f"unknown name {shown(name)}{_close(name, constructors())}")

    def _constant(self, node: ast.Constant) -> object:
        value = node.value
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        raise self.error(node, f"the literal {describe(value)} is not allowed")

    def _unary(self, node: ast.UnaryOp) -> object:
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise self.error(node, "only unary - and + are allowed, on numbers and schedules")
        operand = self.value(node.operand)
        if isinstance(operand, Schedule):
            if isinstance(node.op, ast.UAdd):
                return operand
            return self._guard(node, partial(operator.neg, operand), "unary -")
        if not is_number(operand):
            raise self.error(
                node, f"unary - and + apply to numbers and schedules only, got {describe(operand)}"
            )
        return -operand if isinstance(node.op, ast.USub) else +operand  # type: ignore[operator]

    def _binary(self, node: ast.BinOp) -> object:
        # A chain like a | b | c | ... nests to the left; walking that spine in a loop
        # instead of recursing lets chains of thousands of phases parse.
        spine = [node]
        while isinstance(spine[-1].left, ast.BinOp):
            spine.append(spine[-1].left)
        result = self.value(spine[-1].left)
        chain: list[Schedule] = []  # the phases or terms of the chain being read, if any
        kind = ""  # that chain's kind: "|" (Phases) or "+" (Sum, of + and -)
        joint = node  # the operator that joined the chain's last operand
        for step in reversed(spine):
            if type(step.op) not in _OPERATORS:
                raise self.error(step, "only the operators |, >>, +, -, * and / are allowed")
            symbol, apply = _OPERATORS[type(step.op)]
            if chain and _CHAINS.get(symbol) != kind:
                result, chain = self._chain(joint, kind, chain), []
            right = self.value(step.right)
            if chain:
                # Joining the last operand to the next raises what joining the whole chain
                # would (the first open-ended phase, a bad operand), at the same place,
                # in time that does not grow with the chain; the chain is built once, at
                # its end, where the caps on a whole chain (its size, its span of steps,
                # the bounds of a sum) are checked.
                joined = self._guard(
                    step, partial(apply, chain[-1], right), f"the operator {symbol}"
                )
                chain.extend(_operands(joined)[1:])
                joint = step
                continue
            if not isinstance(result, Node) and not isinstance(right, Node):
                raise self.error(step, f"{symbol} needs a schedule on one side")
            result = self._guard(step, partial(apply, result, right), f"the operator {symbol}")
            if symbol in _CHAINS:
                chain, kind, joint = list(_operands(result)), _CHAINS[symbol], step
        return self._chain(joint, kind, chain) if chain else result

    def _chain(self, joint: ast.BinOp, kind: str, operands: list[Schedule]) -> object:
        """The ``Phases`` or ``Sum`` of a chain read to its end, located at its last
        operator."""
        build: Callable[[], object]
        if kind == "|":
            build = partial(Phases, phases=tuple(operands))
        else:
            build = partial(Sum, terms=tuple(operands))
        symbol = _OPERATORS[type(joint.op)][0]
        return self._guard(joint, build, f"the operator {symbol}")

    def _slice(self, node: ast.Subscript) -> object:
        target = self.value(node.value)
        if not isinstance(target, Schedule):
            raise self.error(node, f"only a schedule can be sliced, got {describe(target)}")
        index = node.slice
        key: object
        if isinstance(index, ast.Slice):
            key = slice(
                *(
                    None if part is None else self.value(part)
                    for part in (index.lower, index.upper, index.step)
                )
            )
        else:
            key = self.value(index)
        return self._guard(node, lambda: target[key], "the slice")

    def _call(self, node: ast.Call) -> object:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise self.error(node.func, "attribute access is not allowed; call names directly")
            raise self.error(node.func, "only names can be called, as in Cosine(...)")
        name = node.func.id
        function = constructors().get(name)
        if function is None:
            raise self._unknown(node.func, name)
        args = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.error(arg, "unpacking with * is not allowed")
            args.append(self.value(arg))
        kwargs = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                raise self.error(keyword.value, "unpacking with ** is not allowed")
            if keyword.arg in kwargs:  # Python refuses this when compiling, after ast.parse
                raise self.error(keyword, f"keyword argument repeated: {shown(keyword.arg)}")
            kwargs[keyword.arg] = self.value(keyword.value)
        signature = inspect.signature(function)
        self._check_keywords(name, signature, node.keywords)
        try:
            signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise self.error(node, f"{name}(): {message(exc, 200)}") from None
        return self._guard(node, lambda: function(*args, **kwargs), f"{name}(...)")

    def _check_keywords(
        self, name: str, signature: inspect.Signature, keywords: list[ast.keyword]
    ) -> None:
        """Refuse a keyword the callable does not take, naming those it does; checked
        before the missing ones, which a misspelt keyword would otherwise hide."""
        parameters = signature.parameters
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
            return
        takes = [
            p for p, v in parameters.items() if v.kind is not inspect.Parameter.POSITIONAL_ONLY
        ]
        for keyword in keywords:
            if keyword.arg is not None and keyword.arg not in takes:
                raise self.error(
                    keyword,
                    f"{name}() has no parameter {shown(keyword.arg)}{_close(keyword.arg, takes)}"
                    f"; it takes {', '.join(takes)}",
                )


def _operands(chain: object) -> tuple[Schedule, ...]:
    """The phases of a ``Phases`` or the terms of a ``Sum`` that ``|``, ``+`` or ``-``
    built."""
    if isinstance(chain, Phases):
        return chain.phases
    return cast(Sum, chain).terms


def _close(name: str, known: Iterable[str]) -> str:
    """``"; did you mean X?"`` for the known name closest to ``name``, or ``""``."""
    if len(name) > 100:  # no name is this long, and difflib's cost grows with it
        return ""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {close[0]}?" if close else ""
