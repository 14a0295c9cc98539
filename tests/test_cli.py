"""The lrsched command, run in-process through main(argv) and once as a real process."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrsched import Constant, Cosine, Warmup, parse
from strategies import trees

README = (
    "Warmup(steps=100, start_lr=0.0) >> Cosine(base_lr=0.001, min_lr=1e-05, total_steps=900)"
    " | Constant(lr=1e-05)"
)
COSINE = "Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from lrsched.cli.main import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_show_the_readme_schedule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", README)
    s = parse(README)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == repr(s)
    assert "peak 0.001 at step 100" in out  # on the chart
    assert "start 0" in out
    assert "end 1e-05" in out
    assert "duration  never ends" in lines
    assert "shown     steps 0 to 1249 (a default, as it never ends; choose with --steps N)" in lines
    assert "peak      0.001 at step 100" in lines
    table = lines[lines.index("step  lr") + 1 :]
    printed = {int(row.split()[0]): row.split()[1] for row in table}
    # First, quartiles, last, the peak and the landmarks: the warmup's end, the hold's start.
    assert sorted(printed) == sorted({0, 312, 624, 937, 1249, 100, 1000})
    for step, value in printed.items():
        assert value == f"{s(step):.6g}"
    names = {int(row.split()[0]): row.split(maxsplit=2)[2:] for row in table}
    assert names[100] == ["warmup ends, peak"]
    assert names[1000] == ["phase 2 starts"]
    assert names[312] == names[0] == []


def test_show_a_finite_schedule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", COSINE)
    assert code == 0
    assert "duration  10 steps, then holds 0" in out
    assert "shown     steps 0 to 10\n" in out
    assert "peak      1 at step 0" in out
    code, out, _ = run(capsys, "show", "Constant(lr=0.5)[:1]")
    assert code == 0
    assert "duration  1 step, then holds 0.5" in out


def test_show_chooses_steps_and_samples_a_long_run(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", COSINE, "--steps", "4")
    assert code == 0
    assert "shown     steps 0 to 3\n" in out
    code, out, _ = run(capsys, "show", "Constant(lr=0.5)", "--steps", "300000")
    assert code == 0
    assert "peak      0.5 at step 0 (searched 100000 steps)" in out


@pytest.mark.parametrize("form", ["text", "csv", "json"])
def test_table_formats(capsys: pytest.CaptureFixture[str], form: str) -> None:
    code, out, _ = run(capsys, "table", COSINE, "--steps", "11", "--every", "3", "--format", form)
    assert code == 0
    s = parse(COSINE)
    expected = [(k, s(k)) for k in (0, 3, 6, 9)]
    if form == "json":
        rows = [(row["step"], row["lr"]) for row in json.loads(out)]
    elif form == "csv":
        reader = csv.reader(io.StringIO(out))
        assert next(reader) == ["step", "lr"]
        rows = [(int(k), float(v)) for k, v in reader]
    else:
        lines = out.splitlines()
        assert lines[0].split() == ["step", "lr"]
        rows = [(int(k), float(v)) for k, v in (line.split() for line in lines[1:])]
    assert rows == expected  # values printed exactly (repr), so they read back equal


WARM = Warmup(steps=10, start_lr=0.0) >> Cosine(base_lr=1e-3, min_lr=1e-5, total_steps=90)


def _table_of(capsys: pytest.CaptureFixture[str], path: Path) -> list[float]:
    code, out, _ = run(capsys, "table", f"@{path}", "--steps", "100")
    assert code == 0
    return [float(line.split()[1]) for line in out.splitlines()[1:]]


def test_a_json_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text(json.dumps(WARM.to_dict()))
    assert _table_of(capsys, tmp_path / "s.json") == [WARM(k) for k in range(100)]


def test_a_yaml_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("yaml", reason="YAML files need the yaml extra (PyYAML)")
    # Written by hand, with 1e-3 (which YAML 1.1 alone would read as a string).
    (tmp_path / "s.yml").write_text(
        "version: 1\ntype: WithWarmup\nwarmup: {type: Warmup, steps: 10, start_lr: 0}\n"
        "schedule: {type: Cosine, base_lr: 1e-3, min_lr: 1.0e-5, total_steps: 90}\n"
    )
    assert _table_of(capsys, tmp_path / "s.yml") == [WARM(k) for k in range(100)]
    (tmp_path / "bad.yaml").write_text("a: [1,\n")
    assert "is not valid YAML" in _one_error_line(capsys, "show", f"@{tmp_path / 'bad.yaml'}")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("s.json", '{"version": 1, "type": "Constant", "lr": 0.1, "lr": 0.2}'),
        ("s.yaml", "version: 1\ntype: Constant\nlr: 0.1\nlr: 0.2\n"),
        ("s.yml", "version: 1\ntype: Phases\nphases:\n- {type: Constant, lr: 1, lr: 2}\n"),
    ],
)
def test_a_repeated_key_in_a_file_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, text: str
) -> None:
    # Both parsers keep the last value silently; a config must not hide a typo that way.
    if name.endswith((".yaml", ".yml")):
        pytest.importorskip("yaml", reason="YAML files need the yaml extra (PyYAML)")
    (tmp_path / name).write_text(text)
    assert "repeated key 'lr'" in _one_error_line(capsys, "show", f"@{tmp_path / name}")


def test_yaml_merge_keys_may_be_overridden(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("yaml", reason="YAML files need the yaml extra (PyYAML)")
    (tmp_path / "s.yaml").write_text(
        "version: 1\ntype: Scaled\nfactor: 2\nschedule: {<<: {type: Constant, lr: 1}, lr: 0.25}\n"
    )
    assert _table_of(capsys, tmp_path / "s.yaml")[:2] == [0.5, 0.5]
    (tmp_path / "odd.yaml").write_text("? [1, 2]\n: x\n")
    assert "not valid YAML" in _one_error_line(capsys, "show", f"@{tmp_path / 'odd.yaml'}")


def _one_error_line(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("lrsched: error: ")
    assert "Traceback" not in err
    return err


def test_errors_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{nope")
    (tmp_path / "s.toml").write_text("")
    (tmp_path / "latin.json").write_bytes(b"\xff\xfe")
    (tmp_path / "wrong.json").write_text('{"version": 1, "type": "Constant", "lr": -1}')
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    cases = {
        ("show", "foo(lr=1)"): "unknown name 'foo' (line 1, column 1: 'foo')",
        ("show", "Constant(lr=-1)"): "lr must be >= 0",
        ("show", "Constant(lr=1) | Constant(lr=1)"): "never ends",
        ("show", f"@{tmp_path / 'missing.json'}"): "cannot read",
        ("show", f"@{tmp_path / 'bad.json'}"): "is not valid JSON",
        ("show", f"@{tmp_path / 's.toml'}"): "expected a .json, .yaml or .yml file",
        ("show", f"@{tmp_path / 'latin.json'}"): "cannot read",
        ("show", f"@{tmp_path / 'wrong.json'}"): "lr must be >= 0",
        ("show", f"@{tmp_path / 'deep.json'}"): "nested too deeply",
        ("show", COSINE, "--steps", "0"): "expected a number >= 1",
        ("show", COSINE, "--steps", "x"): "expected a whole number",
        ("table", COSINE): "required: --steps",
        ("plot", COSINE, "-o", str(tmp_path / "out.txt")): "-o must end in .png, .svg or .pdf",
        ("plot", COSINE, "-o", str(tmp_path / "no" / "dir" / "out.png")): "cannot write",
        ("show", COSINE, "--steps", str(10**400)): "expected a number <= 2**53",
        ("table", COSINE, "--steps", str(2**53 + 1)): "expected a number <= 2**53",
        ("nope",): "invalid choice",
        (): "required: COMMAND",
    }
    for argv, message in cases.items():
        assert message in _one_error_line(capsys, *argv), argv


def test_missing_extras(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    monkeypatch.setitem(sys.modules, "yaml", None)
    err = _one_error_line(capsys, "plot", COSINE, "-o", str(tmp_path / "out.png"))
    assert "plotting needs matplotlib: pip install 'lrsched[plot]'" in err
    (tmp_path / "s.yaml").write_text("version: 1\n")
    err = _one_error_line(capsys, "show", f"@{tmp_path / 's.yaml'}")
    assert "reading YAML needs PyYAML: pip install 'lrsched[yaml]'" in err


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plot_writes_a_figure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    pytest.importorskip("matplotlib", reason="plots need the plot extra")
    out_file = tmp_path / f"curves{suffix}"
    code, out, _ = run(capsys, "plot", README, COSINE, "-o", str(out_file), "--log", "--title", "t")
    assert code == 0
    zeros = sum(parse(text)(k) == 0.0 for text in (README, COSINE) for k in range(1250))
    assert zeros > 0
    hidden = f"{zeros} rate{'s' if zeros != 1 else ''} of 0 not shown on the log scale"
    assert out == f"wrote {out_file} (2 schedules, steps 0 to 1249; {hidden})\n"
    data = out_file.read_bytes()
    (tmp_path / "taken.png").mkdir()  # a directory where the figure should go
    err = _one_error_line(capsys, "plot", COSINE, "-o", str(tmp_path / "taken.png"))
    assert "cannot write" in err
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data


def test_plot_without_log_scale_hides_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib", reason="plots need the plot extra")
    out_file = tmp_path / "one.svg"
    code, out, _ = run(capsys, "plot", COSINE, "-o", str(out_file), "--steps", "20")
    assert (code, out) == (0, f"wrote {out_file} (1 schedule, steps 0 to 19)\n")


def test_plot_samples_long_runs(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="plots need the plot extra")
    from lrsched.cli.plot import MAX_POINTS, plot, sample_steps

    assert sample_steps(5) == [0, 1, 2, 3, 4]
    many = sample_steps(10**9)
    assert len(many) == MAX_POINTS
    assert many[0] == 0
    assert many[-1] == 10**9 - 1
    plot([Constant(lr=1.0)], ["c"], steps=10**9, path=tmp_path / "c.png")
    assert (tmp_path / "c.png").stat().st_size > 0


def test_as_a_process(tmp_path: Path) -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "lrsched", "show", README],
        capture_output=True,
        text=True,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(README + "\n")
    bad = subprocess.run(
        [sys.executable, "-m", "lrsched", "show", "Constant(lr=nan)"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr == "lrsched: error: lr must be a finite number, got nan\n"
    assert bad.stderr.count("\n") == 1
    # A reader that stops early (like head) ends the command quietly.
    with subprocess.Popen(
        [sys.executable, "-m", "lrsched", "table", COSINE, "--steps", "300000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdout.readline()
        process.stdout.close()
        assert process.wait() in (0, 1)
        assert b"Traceback" not in process.stderr.read()


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    from lrsched.cli.main import main

    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert all(command in out for command in ("show", "table", "plot"))


def test_python_dash_m_runs_main(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["lrsched", "show", COSINE])
    with pytest.raises(SystemExit) as info:
        runpy.run_module("lrsched", run_name="__main__")
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith(COSINE)


def test_interrupt_and_closed_pipe_end_quietly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from lrsched.cli import main as _cli

    def interrupted(argv: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(_cli, "run", interrupted)
    assert _cli.main([]) == 130
    assert capsys.readouterr().err == "lrsched: interrupted\n"
    monkeypatch.undo()

    class ClosedPipe(io.StringIO):
        """A stdout whose reader has gone; its descriptor is a scratch file."""

        def __init__(self, fd: int) -> None:
            super().__init__()
            self.fd = fd

        def write(self, text: str) -> int:
            raise BrokenPipeError

        def fileno(self) -> int:
            return self.fd

    with (tmp_path / "scratch").open("w") as scratch:
        monkeypatch.setattr(sys, "stdout", ClosedPipe(scratch.fileno()))
        assert _cli.main(["table", COSINE, "--steps", "5"]) == 1


@settings(max_examples=60)
@given(st.one_of(st.text(max_size=40), trees.map(repr)))
def test_any_expression_prints_output_or_one_error_line(text: str) -> None:
    from lrsched.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["show", text, "--steps", "7"])
    if code == 0:
        assert out.getvalue().startswith(repr(parse(text)))
        assert err.getvalue() == ""
    else:
        assert code == 2
        assert err.getvalue().startswith("lrsched: error: ")
        assert err.getvalue().count("\n") == 1


WSD = (
    "WarmupStableDecay(peak_lr=0.001, min_lr=0.0, start_lr=0.0, warmup_steps=2000,"
    " total_steps=101694, decay_fraction=0.2, decay_shape='1-sqrt')"
)


def _named_rows(out: str) -> dict[int, str]:
    lines = out.splitlines()
    table = lines[lines.index(next(line for line in lines if line.strip() == "step  lr")) + 1 :]
    return {int(row.split()[0]): " ".join(row.split()[2:]) for row in table}


@pytest.mark.parametrize(
    ("expr", "named"),
    [
        (WSD, {2000: "warmup ends, peak", 81355: "decay starts"}),
        (
            "OneCycle(max_lr=0.1, total_steps=1000, pct_start=0.3, initial_div=25.0,"
            " final_div=1e4)",
            {300: "OneCycle peak"},
        ),
        (
            "WarmupCosine(peak_lr=1.0, min_lr=0.0, start_lr=0.0, warmup_steps=10, total_steps=100)",
            {10: "warmup ends, peak"},
        ),
        (
            "CosineRestarts(base_lr=1.0, min_lr=0.0, period=100, t_mult=2)",
            {0: "peak", 100: "restart 1", 300: "restart 2", 700: "restart 3"},
        ),
        (
            "Constant(lr=1.0)[:10] | (Warmup(steps=5, start_lr=0.0) >> Constant(lr=2.0))[:20]"
            " | Noam(d_model=64, warmup_steps=50)",
            {10: "phase 2 starts", 15: "warmup ends, peak", 30: "phase 3 starts", 79: "Noam peak"},
        ),
    ],
)
def test_show_names_every_phase_start_and_landmark(
    capsys: pytest.CaptureFixture[str], expr: str, named: dict[int, str]
) -> None:
    code, out, _ = run(capsys, "show", expr)
    assert code == 0
    rows = _named_rows(out)
    for step, name in named.items():
        assert rows[step] == name, (step, rows)
    assert "steps 0 to" in out


def test_show_ticks_are_round(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", WSD)
    assert code == 0
    labels = out.splitlines()[
        out.splitlines().index(next(x for x in out.splitlines() if "└" in x)) + 1
    ]
    assert labels.split() == ["0", "20000", "40000", "60000", "80000", "100000"]
    assert "0.0005 ┤" in out


def test_plot_labels(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="plots need the plot extra")
    out_file = tmp_path / "two.svg"
    code, _, _ = run(
        capsys, "plot", README, COSINE, "--label", "warm cosine", "--label", "short",
        "-o", str(out_file), "--steps", "30",
    )  # fmt: skip
    assert code == 0
    text = out_file.read_text()
    assert "warm cosine" in text
    assert "short" in text
    assert "Cosine(base_lr" not in text  # the legend holds the labels, not the expressions
    for labels in (["one"], ["a", "b", "c"]):
        argv = [x for name in labels for x in ("--label", name)]
        err = _one_error_line(capsys, "plot", README, COSINE, *argv, "-o", str(out_file))
        assert f"--label given {len(labels)} time" in err
        assert "for 2 EXPRs; give one per EXPR" in err


def test_plot_ticks_are_round(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="plots need the plot extra")
    from matplotlib.figure import Figure

    from lrsched.cli import plot as plot_module

    made: list[Figure] = []

    class Keep(Figure):
        def savefig(self, *args: object, **kwargs: object) -> None:
            made.append(self)

    import matplotlib.figure

    original = matplotlib.figure.Figure
    matplotlib.figure.Figure = Keep  # type: ignore[misc]
    try:
        plot_module.plot([parse(WSD)], ["wsd"], steps=101_695, path=tmp_path / "w.png")
    finally:
        matplotlib.figure.Figure = original  # type: ignore[misc]
    axes = made[0].axes[0]
    assert list(axes.get_xticks()) == [0, 20000, 40000, 60000, 80000, 100000]
    assert [t.get_text() for t in axes.get_yticklabels()] == [
        "0", "0.0002", "0.0004", "0.0006", "0.0008", "0.001",
    ]  # fmt: skip


@settings(max_examples=40)
@given(trees, st.integers(min_value=1, max_value=60), st.integers(min_value=1, max_value=9))
def test_table_json_is_always_valid_json(s: object, steps: int, every: int) -> None:
    from lrsched.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(
            ["table", repr(s), "--steps", str(steps), "--every", str(every), "--format", "json"]
        )
    assert (code, err.getvalue()) == (0, "")
    text = out.getvalue()
    assert "NaN" not in text
    assert "Infinity" not in text
    rows = json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in the JSON"))
    assert [row["step"] for row in rows] == list(range(0, steps, every))
    assert all(row["lr"] == s(row["step"]) for row in rows)  # type: ignore[operator]


def test_table_json_of_the_largest_rates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "table", "Constant(lr=1.7976931348623157e308) * 1.0", "--steps", "2",
        "--format", "json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out) == [
        {"step": 0, "lr": 1.7976931348623157e308},
        {"step": 1, "lr": 1.7976931348623157e308},
    ]
