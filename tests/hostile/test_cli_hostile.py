"""Hostile arguments and files given to the ``lrsched`` command (issue 8, defect class 8,
and the CLI's side of classes 3, 7 and 9).

The contract under test: exit status 0 or 2; stderr empty, or exactly one line that
starts ``lrsched: error: ``; never a traceback. A few cases run as real processes, each
under a memory limit and a timeout, because what they guard (reading ``/dev/zero``
until memory runs out, waiting on a pipe, a warning printed by Python itself) only
shows there; the others run in-process through ``main``.
"""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lrsched import Constant
from lrsched.cli.main import MAX_FILE_BYTES, main

ERROR = "lrsched: error: "
MEMORY_LIMIT = 1 << 30
TIMEOUT = 20
BOUNDED = "Constant(lr=1.0)[:2]"


def _check(code: int, err: str) -> None:
    """The CLI's contract for any input."""
    assert "Traceback" not in err
    assert "internal error" not in err, err
    assert code in (0, 2), (code, err)
    if code == 0:
        assert err == ""
    else:
        assert err.startswith(ERROR), err
        assert err.count("\n") == 1, err
        assert err.endswith("\n")


def _yaml_doubling(levels: int) -> str:
    inner = "&a0 {type: Bounded, steps: 1, schedule: {type: Constant, lr: 1}}"
    for k in range(1, levels + 1):
        inner = f"&a{k} {{type: Phases, phases: [{inner}, *a{k - 1}]}}"
    return f"version: 1\ntype: Phases\nphases: [{inner}, *a{levels}]\n"


def _process_case(case: str, tmp: Path) -> tuple[list[str], str]:
    """The arguments of a process case (writing its file) and what its error line says."""
    if case == "/dev/zero as zero.json":  # 0.2.0 read it until memory ran out
        (tmp / "zero.json").symlink_to("/dev/zero")
        return ["show", f"@{tmp / 'zero.json'}"], "not a regular file"
    if case == "a FIFO":  # 0.2.0 waited for a writer forever
        os.mkfifo(tmp / "pipe.json")
        return ["show", f"@{tmp / 'pipe.json'}"], "not a regular file"
    if case == "@/dev/stdin":
        return ["show", "@/dev/stdin"], "expected a .json, .yaml or .yml"
    if case == "an invalid escape":  # 0.2.0 printed Python's warning before its error
        return ["show", "Constant(lr='\\d')"], "real number"
    if case == "YAML aliases doubling":  # 30 doublings: the size cap's error, fast
        (tmp / "bomb.yaml").write_text(_yaml_doubling(30))
        return ["show", f"@{tmp / 'bomb.yaml'}"], "MAX_SIZE"
    if case == "random bytes":
        (tmp / "noise.json").write_bytes(random.Random(8).randbytes(50_000))
        return ["show", f"@{tmp / 'noise.json'}"], "cannot read"
    if case == "deep nesting":
        (tmp / "deep.json").write_text("[" * 200_000 + "]" * 200_000)
        return ["table", f"@{tmp / 'deep.json'}", "--steps", "3"], "nested too deeply"
    assert case == "a 5,000-digit JSON int"  # json.loads itself raises ValueError
    (tmp / "big.json").write_text('{"version": 1, "type": "Constant", "lr": ' + "9" * 5000)
    return ["show", f"@{tmp / 'big.json'}"], "an int of 5000 digits"


# Real processes: few, as each costs a Python start.
PROCESS_CASES = [
    "/dev/zero as zero.json",
    "@/dev/stdin",
    "an invalid escape",
    "YAML aliases doubling",
    "a 5,000-digit JSON int",
    "random bytes",
    "deep nesting",
    *(["a FIFO"] if hasattr(os, "mkfifo") else []),
]


# The child limits its own address space before it imports lrsched. A preexec_fn would
# do it between fork and exec, which runs the parent's fork hooks: JAX, imported by the
# integrations session, warns there, and warnings are errors.
LIMITED_CLI = (
    "import resource, runpy, sys\n"
    f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))\n"
    "sys.argv[0] = 'lrsched'\n"
    "runpy.run_module('lrsched', run_name='__main__', alter_sys=True)\n"
)


def _run_process(argv: list[str]) -> subprocess.CompletedProcess[str]:
    # One BLAS thread: each reserves address space, and the limit counts address space.
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    env.pop("PYTHONWARNINGS", None)
    return subprocess.run(
        [sys.executable, "-c", LIMITED_CLI, *argv],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        check=False,
    )


@pytest.mark.skipif(
    sys.platform != "linux", reason="needs resource.RLIMIT_AS, which only Linux enforces"
)
@pytest.mark.parametrize("case", PROCESS_CASES)
def test_class8_hostile_processes_end_with_one_line(case: str, tmp_path: Path) -> None:
    """Class 8: each case, as a real process with 1 GiB of address space and a timeout,
    exits 2 with one error line and nothing else on stderr."""
    argv, expected = _process_case(case, tmp_path)
    done = _run_process(argv)
    _check(done.returncode, done.stderr)
    assert done.returncode == 2
    assert expected in done.stderr
    assert done.stdout == ""


@pytest.mark.skipif(sys.platform != "linux", reason="needs resource.RLIMIT_AS")
def test_class8_a_log_plot_of_zeros_prints_no_warning(tmp_path: Path) -> None:
    """Class 8: ``plot --log`` of a curve that is 0 everywhere writes its figure and says
    so, with nothing on stderr (0.2.0 let matplotlib's UserWarning through)."""
    pytest.importorskip("matplotlib", reason="plots need the plot extra")
    done = _run_process(["plot", "Constant(lr=0.0)", "-o", str(tmp_path / "z.png"), "--log"])
    _check(done.returncode, done.stderr)
    assert done.returncode == 0
    assert "rates of 0 not shown on the log scale" in done.stdout


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    _check(code, err)
    return code, out, err


def _files(tmp: Path) -> dict[str, tuple[str, str]]:
    """Hostile files: name -> (content as latin-1 text, what the error line says)."""
    noise = random.Random(8).randbytes(4096).decode("latin-1")
    return {
        "noise.json": (noise, "cannot read"),
        "noise.yaml": (noise, "cannot read"),
        "cut.json": ('{"version": 1, "type": "Constant", "lr": 0.', "is not valid JSON"),
        "cut.yaml": (
            "version: 1\ntype: Phases\nphases: [{type: Constant, lr: [1",
            "not valid YAML",
        ),
        "deep.json": ('{"a": ' * 50_000 + "1" + "}" * 50_000, "nested too deeply"),
        "deep.yaml": ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
        "huge.json": (" " * (MAX_FILE_BYTES + 1), "larger than 1 MiB"),
        "hex.yaml": ("version: 0x" + "f" * 5000 + "\ntype: Constant\nlr: 1\n", "6021 digits"),
        "digits.yaml": ("version: 1\ntype: Constant\nlr: " + "9" * 5000 + "\n", "5000 digits"),
        # A base-60 int: PyYAML's conversion of many parts takes quadratic time.
        "base60.yaml": ("version: 1\ntype: Constant\nlr: " + ":".join(["1"] * 300_000), "digits"),
        "loop.yaml": (
            "version: 1\ntype: Scaled\nfactor: 1\nschedule: &a [*a]\n",
            "contains itself",
        ),
        "nan.json": ('{"version": 1, "type": "Constant", "lr": NaN}', "finite"),
        "list.json": ("[1, 2]", "must be a mapping"),
        "type.json": ('{"version": 1, "type": ["Constant"]}', "unknown type"),
        "s.toml": ("", "expected a .json, .yaml or .yml file"),
        "big.json": ('{"version": 1, "type": "Constant", "lr": -' + "9" * 5000, "5000 digits"),
    }


def test_class8_hostile_files_are_one_error_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Classes 3, 7, 8 and 9 through files: random bytes, truncated and deeply nested
    data, oversized files, huge ints in JSON and YAML, data containing itself."""
    pytest.importorskip("yaml", reason="YAML files need the yaml extra (PyYAML)")
    for name, (text, expected) in _files(tmp_path).items():
        (tmp_path / name).write_bytes(text.encode("latin-1"))
        code, out, err = _main(capsys, "show", f"@{tmp_path / name}")
        assert (code, out) == (2, ""), name
        assert expected in err, (name, err)
    (tmp_path / "dir.json").mkdir()
    code, _, err = _main(capsys, "show", f"@{tmp_path / 'dir.json'}")
    assert code == 2
    assert "cannot read" in err
    if os.path.exists(os.devnull) and sys.platform != "win32":
        (tmp_path / "null.yaml").symlink_to(os.devnull)
        code, _, err = _main(capsys, "show", f"@{tmp_path / 'null.yaml'}")
        assert code == 2
        assert "not a regular file" in err


def test_class8_no_argument_is_echoed_whole(capsys: pytest.CaptureFixture[str]) -> None:
    """Class 9 at the command line: a 5,000-digit ``--steps`` is counted, not echoed."""
    for steps, expected in (
        ("9" * 5000, "<= 2**53, got an int of 5000 digits"),
        ("-" + "9" * 5000, ">= 1, got a negative int of 5000 digits"),
        ("x" * 5000, "(5002 characters)"),  # the repr, quotes included
    ):
        code, _, err = _main(capsys, "show", BOUNDED, "--steps", steps)
        assert code == 2
        assert expected in err
        assert len(err) < 300
    code, _, err = _main(capsys, "x" * 100_000)
    assert code == 2
    assert len(err) < 1100


def test_class9_long_titles_and_keys_are_refused_briefly(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Class 9: a title matplotlib would take seconds to lay out is refused by its
    length; a long repeated key is quoted in part (0.2.0 quoted it whole)."""
    title = "ab " * 40_000
    code, _, err = _main(capsys, "plot", BOUNDED, "-o", str(tmp_path / "t.png"), "--title", title)
    assert code == 2
    assert "--title is 120000 characters long; at most 1000" in err
    key = json.dumps("k" * 100_000)
    (tmp_path / "keys.json").write_text(f'{{"version": 1, {key}: 1, {key}: 2}}')
    code, _, err = _main(capsys, "show", f"@{tmp_path / 'keys.json'}")
    assert code == 2
    assert "repeated key" in err
    assert len(err) < 300


def test_class8_bad_mathtext_in_a_title_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Class 8: matplotlib refuses ``$\\foo$`` when it draws; one line, no traceback."""
    pytest.importorskip("matplotlib", reason="plots need the plot extra")
    code, _, err = _main(
        capsys, "plot", BOUNDED, "-o", str(tmp_path / "t.png"), "--title", "$\\foo$"
    )
    assert code == 2
    assert "cannot draw the figure" in err
    assert "Unknown symbol" in err


@pytest.mark.parametrize("first_bad", [0, 2])
def test_class8_json_tables_are_valid_json_always(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, first_bad: int
) -> None:
    """Class 8: ``table --format json`` never prints ``Infinity`` or ``NaN``: a rate that
    JSON cannot hold ends the array (what was printed still reads as JSON) and fails."""
    from lrsched.cli import main as _cli

    class Overflowing:
        def __call__(self, step: int) -> float:
            return 1.0 if step < first_bad else math.nan

    monkeypatch.setattr(_cli, "load", lambda expression: Overflowing())

    def strict(text: str) -> object:
        raise AssertionError(f"not JSON: {text}")

    code, out, err = _main(capsys, "table", BOUNDED, "--steps", "5", "--format", "json")
    assert code == 2
    assert f"the rate at step {first_bad} is nan, which JSON cannot hold" in err
    assert json.loads(out, parse_constant=strict) == [
        {"step": k, "lr": 1.0} for k in range(first_bad)
    ]
    monkeypatch.undo()
    code, out, _ = _main(capsys, "table", BOUNDED, "--steps", "3", "--format", "json")
    assert code == 0
    assert json.loads(out, parse_constant=strict) == [{"step": k, "lr": 1.0} for k in range(3)]


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (RuntimeError("a bug\nwith a second line"), "internal error, please report it: "),
        (RuntimeError(10**5000), "internal error, please report it: RuntimeError: \n"),
        (RecursionError(), "the input is too large to handle (RecursionError)"),
        (MemoryError(), "the input is too large to handle (MemoryError)"),
    ],
)
def test_class8_even_a_bug_is_one_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    raised: BaseException,
    expected: str,
) -> None:
    """Class 8: an exception lrsched did not mean to raise still ends as one line, with
    exit status 2 (and says it is a bug)."""
    from lrsched.cli import main as _cli

    def broken(argv: object) -> object:
        raise raised

    monkeypatch.setattr(_cli, "run", broken)
    capsys.readouterr()
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith(ERROR)
    assert err.count("\n") == 1
    assert expected in err


def test_class8_a_plot_of_zeros_on_a_log_scale_warns_nothing(tmp_path: Path) -> None:
    """Class 8, at its root: drawing warns nothing, under pytest's warnings-as-errors."""
    pytest.importorskip("matplotlib", reason="plots need the plot extra")
    from lrsched.cli.plot import plot

    zeros = plot([Constant(lr=0.0)], ["zero"], steps=5, path=tmp_path / "z.png", log=True)
    assert zeros == 5


_arguments = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=60),
    st.sampled_from(["@", "@x.json", "# hi", "1 is 1", "'\\d'", "Constant(xx=1)"]),
    st.integers(4000, 6000).map(lambda n: f"Constant(lr={'9' * n})"),
    st.integers(1, 400).map(lambda n: "(" * n + BOUNDED + ")" * n),
    st.integers(1, 400).map(lambda n: "-" * n + "1"),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_arguments)
def test_class8_any_text_to_show_prints_output_or_one_line(
    capsys: pytest.CaptureFixture[str], text: str
) -> None:
    """Class 8: any text given to ``show``: exit 0 with nothing on stderr, or exit 2
    with one error line."""
    _main(capsys, "show", text, "--steps", "5")
