"""The ``lrsched`` command: ``show``, ``table`` and ``plot`` a schedule.

A schedule is given as an expression (``lrsched.parse``) or as ``@file.json`` /
``@file.yaml`` holding its dict form (``lrsched.from_dict``). Every error the user can
cause prints one line to stderr and exits with status 2; there are no tracebacks, and
nothing else is written to stderr (warnings are not shown).

A file is read only if its name ends in a known suffix and it is a regular file (not a
device such as ``/dev/zero``, a pipe or a directory), and only up to ``MAX_FILE_BYTES``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import stat
import sys
import warnings
from collections.abc import Hashable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

from ..core.errors import ScheduleError
from ..core.schedule import Schedule
from ..core.validate import MAX_COUNT, shown
from ..forms.config import from_dict
from ..forms.parse import parse
from . import summary
from .chart import chart, number
from .plot import MissingExtraError

USAGE_ERROR = 2
CHART_WIDTH = 60
CHART_HEIGHT = 8
# A dict form is a few hundred bytes; a 10,000-phase table about 600 KB of JSON.
MAX_FILE_BYTES = 1 << 20
SUFFIXES = (".json", ".yaml", ".yml")
MAX_ERROR_CHARS = 1000  # the error line is cut here: a message is for reading
MAX_TITLE = 1000  # characters of a figure's title


class CliError(Exception):
    """A problem with the command line or its files, reported as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see {self.prog} --help)")


def _count(text: str) -> int:
    digits = text.strip().lstrip("+-").replace("_", "")
    if digits.isascii() and digits.isdigit() and len(digits) > 20:  # never echoed whole
        negative = text.strip().startswith("-")
        bound, sign = (">= 1", "a negative int") if negative else ("<= 2**53", "an int")
        raise argparse.ArgumentTypeError(
            f"expected a number {bound}, got {sign} of {len(digits)} digits"
        )
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {shown(text)}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    # The schedules' own limit on counts; beyond it the float arithmetic that picks the
    # steps to show would overflow.
    if value > MAX_COUNT:
        raise argparse.ArgumentTypeError(f"expected a number <= 2**53, got {value}")
    return value


# YAML 1.1 reads 1e-5 (no dot) as a string; this float pattern reads it as people mean.
_YAML_FLOAT = re.compile(
    r"^[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+"
    r"|\.[0-9_]+(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


def _load_yaml(text: str, path: Path) -> object:
    try:
        import yaml
    except ImportError:
        raise CliError("reading YAML needs PyYAML: pip install 'lrsched[yaml]'") from None

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
            # PyYAML keeps the last of repeated keys silently; merge keys (<<) may repeat.
            seen = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=deep)
                if isinstance(key, Hashable):
                    if key in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"repeated key {shown(key)}", key_node.start_mark
                        )
                    seen.add(key)
            return super().construct_mapping(node, deep)

    def construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        # An int's text is converted whole: past Python's digit limit int() raises, and
        # a base-60 int ("1:2:3") of many parts costs quadratic time.
        digits = sum(character.isdigit() for character in str(node.value))
        if digits > _int_digits_limit():
            raise CliError(
                f"{path} holds an int written with {digits} digits (line "
                f"{node.start_mark.line + 1}), past the limit of {_int_digits_limit()}"
            )
        return yaml.SafeLoader.construct_yaml_int(loader, node)

    Loader.add_implicit_resolver("tag:yaml.org,2002:float", _YAML_FLOAT, list("-+0123456789."))
    Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    try:
        return yaml.load(text, Loader=Loader)  # a SafeLoader: builds plain data only
    except yaml.YAMLError as exc:
        raise CliError(f"{path} is not valid YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise CliError(f"{path} is nested too deeply") from None


def _int_digits_limit() -> int:
    """The most digits Python converts between an int and its text (4300 by default)."""
    return getattr(sys, "get_int_max_str_digits", lambda: 4300)() or 4300


def _unique_keys(path: Path, pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object as a dict, refusing repeated keys (json keeps the last silently)."""
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise CliError(f"{path} is not a valid dict form: repeated key {shown(key)}")
        result[key] = value
    return result


def _json_int(path: Path, text: str) -> int:
    """A JSON integer, refused by its digit count where ``int()`` would refuse it."""
    digits = len(text.lstrip("-"))
    if digits > _int_digits_limit():
        raise CliError(
            f"{path} holds an int of {digits} digits, past the limit of {_int_digits_limit()}"
        )
    return int(text)


def _read_text(path: Path) -> str:
    """The text of a regular file of at most ``MAX_FILE_BYTES``, or one error."""
    try:
        # Opening a pipe for reading waits for a writer unless it is non-blocking.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise CliError(f"cannot read {path}: not a regular file")
            with open(fd, "rb", closefd=False) as file:
                data = file.read(MAX_FILE_BYTES + 1)
        finally:
            os.close(fd)
        if len(data) > MAX_FILE_BYTES:
            raise CliError(
                f"cannot read {path}: larger than {MAX_FILE_BYTES >> 20} MiB, "
                "the most lrsched reads (a schedule's dict form takes a few hundred bytes)"
            )
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CliError(f"cannot read {path}: {reason}") from None


def _read_file(path: Path) -> object:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise CliError(
            f"{path}: expected a .json, .yaml or .yml file, got {suffix or 'no suffix'!r}"
        )
    text = _read_text(path)
    if suffix == ".json":
        try:
            return json.loads(
                text,
                object_pairs_hook=partial(_unique_keys, path),
                parse_int=partial(_json_int, path),
            )
        except json.JSONDecodeError as exc:
            raise CliError(f"{path} is not valid JSON: {exc}") from None
        except RecursionError:
            raise CliError(f"{path} is nested too deeply") from None
    return _load_yaml(text, path)


def load(expression: str) -> Schedule:
    """The schedule an EXPR argument names: ``@file.json|yaml`` or an expression."""
    if expression.startswith("@"):
        return from_dict(_read_file(Path(expression[1:])))  # type: ignore[arg-type]
    return parse(expression)


def _show(schedule: Schedule, steps: int | None) -> str:
    note = None
    if steps is None:
        steps, note = summary.default_steps(schedule)
    peak_step, peak, exact = summary.peak(schedule, steps)
    shown = summary.columns(steps, CHART_WIDTH, peak_step)
    out = [repr(schedule), "", chart(shown, [schedule(k) for k in shown], height=CHART_HEIGHT), ""]
    duration = schedule.duration
    if duration is None:
        length = "never ends"
    else:
        unit = "step" if duration == 1 else "steps"
        length = f"{duration} {unit}, then holds {number(schedule(duration))}"
    out.append(f"duration  {length}")
    out.append(f"shown     steps 0 to {steps - 1}" + (f" ({note})" if note else ""))
    where = f"at step {peak_step}" + ("" if exact else f" (searched {summary.PEAK_SCAN} steps)")
    out.append(f"peak      {number(peak)} {where}")
    out.append("")
    names = dict(summary.named_landmarks(schedule, steps))
    named = [name for name in names.get(peak_step, "").split(", ") if name]
    if not any(name.endswith("peak") for name in named):  # "OneCycle peak" says it already
        names[peak_step] = ", ".join([*named, "peak"])
    rows = [
        (str(k), f"{schedule(k):.6g}", names.get(k, ""))
        for k in summary.key_steps(schedule, steps, peak_step)
    ]
    width = max(len("step"), *(len(step) for step, _, _ in rows))
    values = max(len("lr"), *(len(value) for _, value, _ in rows))
    out.append(f"{'step':>{width}}  lr")
    out.extend(f"{step:>{width}}  {value:<{values}}  {name}".rstrip() for step, value, name in rows)
    return "\n".join(out)


def _table(schedule: Schedule, steps: int, every: int, form: str) -> Iterator[str]:
    """The lines of the table, made as they are printed, so a long table streams."""
    picked = range(0, steps, every)
    if form == "json":
        yield from _json_table(schedule, picked)
    elif form == "csv":
        yield "step,lr"
        yield from (f"{k},{schedule(k)!r}" for k in picked)
    else:
        width = max(len("step"), len(str(picked[-1])))
        yield f"{'step':>{width}}  lr"
        yield from (f"{k:>{width}}  {schedule(k)!r}" for k in picked)


def _json_table(schedule: Schedule, picked: range) -> Iterator[str]:
    """A JSON array, one record per line so that it is also greppable. A rate that JSON
    cannot hold (inf, nan) ends the array before it, so what was printed is still valid
    JSON, and then fails."""
    yield "["
    previous = None
    for k in picked:
        rate = schedule(k)
        if not math.isfinite(rate):
            if previous is not None:
                yield f"  {previous}"
            yield "]"
            raise CliError(f"the rate at step {k} is {rate!r}, which JSON cannot hold")
        if previous is not None:
            yield f"  {previous},"
        previous = json.dumps({"step": k, "lr": rate}, allow_nan=False)
    if previous is not None:
        yield f"  {previous}"
    yield "]"


def _plot(args: argparse.Namespace, schedules: list[Schedule]) -> str:
    from .plot import plot

    path = Path(args.output)
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise CliError(f"-o must end in .png, .svg or .pdf, got {args.output!r}")
    if not path.parent.is_dir():
        raise CliError(f"cannot write {path}: no directory {path.parent}")
    if args.title is not None and len(args.title) > MAX_TITLE:
        # matplotlib lays out a long title slowly (seconds for 100,000 characters).
        raise CliError(f"--title is {len(args.title)} characters long; at most {MAX_TITLE}")
    names = args.label
    if names is not None and len(names) != len(schedules):
        raise CliError(
            f"--label given {len(names)} time{'s' if len(names) != 1 else ''} for "
            f"{len(schedules)} EXPR{'s' if len(schedules) != 1 else ''}; give one per EXPR, "
            "in the same order"
        )
    steps = args.steps or max(summary.default_steps(s)[0] for s in schedules)
    try:
        zeros = plot(
            schedules,
            names if names is not None else [repr(s) for s in schedules],
            steps=steps,
            path=path,
            log=args.log,
            title=args.title,
        )
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from None
    except ScheduleError:
        raise
    except ValueError as exc:  # matplotlib refuses a --title that is not valid mathtext
        raise CliError(f"cannot draw the figure: {' '.join(str(exc).split())}") from None
    count = f"{len(schedules)} schedule{'s' if len(schedules) > 1 else ''}"
    plural = "s" if zeros != 1 else ""
    hidden = f"; {zeros} rate{plural} of 0 not shown on the log scale" if args.log and zeros else ""
    return f"wrote {path} ({count}, steps 0 to {steps - 1}{hidden})"


def build_parser() -> argparse.ArgumentParser:
    expr_help = "a schedule expression, or @file.json / @file.yaml holding its dict form"
    parser = _Parser(
        prog="lrsched",
        description="Show, tabulate and plot learning-rate schedules.",
        epilog='example: lrsched show "Warmup(steps=100, start_lr=0.0) >> '
        'Cosine(base_lr=0.001, min_lr=1e-05, total_steps=900)"',
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    show = commands.add_parser("show", help="a terminal chart and the key values")
    show.add_argument("expr", metavar="EXPR", help=expr_help)
    show.add_argument(
        "--steps",
        type=_count,
        metavar="N",
        help="show steps 0..N-1 (default: the schedule's duration)",
    )

    table = commands.add_parser("table", help="the values, as text, CSV or JSON")
    table.add_argument("expr", metavar="EXPR", help=expr_help)
    table.add_argument("--steps", type=_count, metavar="N", required=True, help="steps 0..N-1")
    table.add_argument(
        "--every", type=_count, metavar="K", default=1, help="every K-th step (default 1)"
    )
    table.add_argument("--format", choices=("text", "csv", "json"), default="text")

    plot = commands.add_parser("plot", help="a PNG, SVG or PDF figure (needs lrsched[plot])")
    plot.add_argument("exprs", metavar="EXPR", nargs="+", help=expr_help)
    plot.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="where to write: .png, .svg or .pdf"
    )
    plot.add_argument(
        "--steps",
        type=_count,
        metavar="N",
        help="plot steps 0..N-1 (default: the longest duration)",
    )
    plot.add_argument("--log", action="store_true", help="log scale for the rate")
    plot.add_argument("--title", help="a title for the figure")
    plot.add_argument(
        "--label",
        action="append",
        metavar="NAME",
        help="the legend entry of an EXPR, once per EXPR in order (default: the expressions)",
    )
    return parser


def _negations_as_expressions(argv: Sequence[str] | None) -> list[str]:
    """``argv`` with an expression that starts with ``-`` (a negated schedule, as
    ``-Constant(lr=0.5)`` or ``--Constant(lr=0.5)`` prints) led by a space, so that
    argparse does not read it as an option; options are lowercase words after ``-`` or
    ``--``, an expression is not."""
    given = list(sys.argv[1:] if argv is None else argv)
    return [
        f" {arg}" if arg[:1] == "-" and _starts_a_name(arg.lstrip("-")) else arg for arg in given
    ]


def _starts_a_name(text: str) -> bool:
    """Whether ``text`` starts as a node class name or a parenthesis does (``Cosine(``,
    ``(a + b)``), not as an option (``-h``, ``--steps``) or a number (``-5``)."""
    return text[:1] == "(" or text[:1].isupper()


def run(argv: Sequence[str] | None = None) -> Iterator[str]:
    """Run a command and return the lines it prints; errors are raised, not printed."""
    args = build_parser().parse_args(_negations_as_expressions(argv))
    if args.command == "show":
        return iter(_show(load(args.expr), args.steps).splitlines())
    if args.command == "table":
        return _table(load(args.expr), args.steps, args.every, args.format)
    return iter([_plot(args, [load(expr) for expr in args.exprs])])


def main(argv: Sequence[str] | None = None) -> int:
    """The console script: print the output, or one error line and exit status 2."""
    try:
        with warnings.catch_warnings():
            # stderr holds one error line or nothing: a warning from matplotlib (a glyph
            # missing from its font, say) is no concern of the person running a command.
            warnings.simplefilter("ignore")
            for line in run(argv):
                print(line)
        sys.stdout.flush()
    except (CliError, ScheduleError, MissingExtraError) as exc:
        _error(_first_line(exc) or type(exc).__name__)
        return USAGE_ERROR
    except BrokenPipeError:
        # The reader (say, head) has gone; stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("lrsched: interrupted", file=sys.stderr)
        return 130
    except (RecursionError, MemoryError) as exc:
        _error(f"the input is too large to handle ({type(exc).__name__})")
        return USAGE_ERROR
    except Exception as exc:  # a bug in lrsched: still one line, and no traceback
        _error(f"internal error, please report it: {type(exc).__name__}: {_first_line(exc)}")
        return USAGE_ERROR
    return 0


def _first_line(exc: BaseException) -> str:
    try:
        lines = str(exc).splitlines()
    except Exception:  # str() of an int past Python's digit limit raises
        return ""
    return lines[0] if lines else ""


def _error(message: str) -> None:
    if len(message) > MAX_ERROR_CHARS:
        message = f"{message[: MAX_ERROR_CHARS - 3]}..."
    print(f"lrsched: error: {message}", file=sys.stderr)
