"""The ``lrsched`` command: ``show``, ``table`` and ``plot`` a schedule.

A schedule is given as an expression (``lrsched.parse``) or as ``@file.json`` /
``@file.yaml`` holding its dict form (``lrsched.from_dict``). Every error the user can
cause prints one line to stderr and exits with status 2; there are no tracebacks.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Hashable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

from . import _summary as summary
from ._base import Schedule
from ._chart import chart, number
from ._config import from_dict
from ._errors import ScheduleError
from ._parse import parse
from ._plot import MissingExtraError
from ._validate import MAX_COUNT

USAGE_ERROR = 2
CHART_WIDTH = 60
CHART_HEIGHT = 8


class CliError(Exception):
    """A problem with the command line or its files, reported as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see {self.prog} --help)")


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    # The schedules' own limit on counts; beyond it the float arithmetic that picks the
    # steps to show would overflow.
    if value > MAX_COUNT:
        shown = text if len(text) <= 20 else f"an int of {len(text)} digits"
        raise argparse.ArgumentTypeError(f"expected a number <= 2**53, got {shown}")
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
                            None, None, f"repeated key {key!r}", key_node.start_mark
                        )
                    seen.add(key)
            return super().construct_mapping(node, deep)

    Loader.add_implicit_resolver("tag:yaml.org,2002:float", _YAML_FLOAT, list("-+0123456789."))
    try:
        return yaml.load(text, Loader=Loader)  # a SafeLoader: builds plain data only
    except yaml.YAMLError as exc:
        raise CliError(f"{path} is not valid YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise CliError(f"{path} is nested too deeply") from None


def _unique_keys(path: Path, pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object as a dict, refusing repeated keys (json keeps the last silently)."""
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise CliError(f"{path} is not a valid dict form: repeated key {key!r}")
        result[key] = value
    return result


def _read_file(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CliError(f"cannot read {path}: {reason}") from None
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            return json.loads(text, object_pairs_hook=partial(_unique_keys, path))
        except json.JSONDecodeError as exc:
            raise CliError(f"{path} is not valid JSON: {exc}") from None
        except RecursionError:
            raise CliError(f"{path} is nested too deeply") from None
    if suffix in (".yaml", ".yml"):
        return _load_yaml(text, path)
    raise CliError(f"{path}: expected a .json, .yaml or .yml file, got {suffix or 'no suffix'!r}")


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
    rows = [(str(k), f"{schedule(k):.6g}") for k in summary.key_steps(schedule, steps, peak_step)]
    width = max(len("step"), *(len(step) for step, _ in rows))
    out.append(f"{'step':>{width}}  lr")
    out.extend(f"{step:>{width}}  {value}" for step, value in rows)
    return "\n".join(out)


def _table(schedule: Schedule, steps: int, every: int, form: str) -> Iterator[str]:
    """The lines of the table, made as they are printed, so a long table streams."""
    picked = range(0, steps, every)
    if form == "json":  # one record per line, so the output is both JSON and greppable
        yield "["
        for k in picked:
            comma = "," if k + every < steps else ""
            yield f"  {json.dumps({'step': k, 'lr': schedule(k)})}{comma}"
        yield "]"
    elif form == "csv":
        yield "step,lr"
        yield from (f"{k},{schedule(k)!r}" for k in picked)
    else:
        width = max(len("step"), len(str(picked[-1])))
        yield f"{'step':>{width}}  lr"
        yield from (f"{k:>{width}}  {schedule(k)!r}" for k in picked)


def _plot(args: argparse.Namespace, schedules: list[Schedule]) -> str:
    from ._plot import plot

    path = Path(args.output)
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise CliError(f"-o must end in .png, .svg or .pdf, got {args.output!r}")
    if not path.parent.is_dir():
        raise CliError(f"cannot write {path}: no directory {path.parent}")
    steps = args.steps or max(summary.default_steps(s)[0] for s in schedules)
    try:
        zeros = plot(
            schedules,
            [repr(s) for s in schedules],
            steps=steps,
            path=path,
            log=args.log,
            title=args.title,
        )
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from None
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
    return parser


def run(argv: Sequence[str] | None = None) -> Iterator[str]:
    """Run a command and return the lines it prints; errors are raised, not printed."""
    args = build_parser().parse_args(argv)
    if args.command == "show":
        return iter(_show(load(args.expr), args.steps).splitlines())
    if args.command == "table":
        return _table(load(args.expr), args.steps, args.every, args.format)
    return iter([_plot(args, [load(expr) for expr in args.exprs])])


def main(argv: Sequence[str] | None = None) -> int:
    """The console script: print the output, or one error line and exit status 2."""
    try:
        for line in run(argv):
            print(line)
        sys.stdout.flush()
    except (CliError, ScheduleError, MissingExtraError) as exc:
        lines = str(exc).splitlines() or [type(exc).__name__]
        print(f"lrsched: error: {lines[0]}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:
        # The reader (say, head) has gone; stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("lrsched: interrupted", file=sys.stderr)
        return 130
    return 0
