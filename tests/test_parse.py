"""lrsched.parse: the text that repr prints, read back safely, with located errors."""

from __future__ import annotations

import pickle
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrsched
from lrsched import (
    CompositionError,
    Constant,
    Cosine,
    MultiStep,
    ParameterTypeError,
    ParameterValueError,
    ParseError,
    Schedule,
    ScheduleError,
    Warmup,
    parse,
)
from lrsched.core.registry import constructors, node_classes
from strategies import trees

WARM_COSINE = (
    "Warmup(steps=100, start_lr=0.0) >> Cosine(base_lr=0.001, min_lr=1e-05, total_steps=900)"
)


@given(trees)
def test_parse_reads_back_every_repr(s: Schedule) -> None:
    rebuilt = parse(repr(s))
    assert rebuilt == s
    assert repr(rebuilt) == repr(s)


def test_the_readme_schedule() -> None:
    s = parse(f"{WARM_COSINE} | Constant(lr=1e-05)")
    expected = Warmup(steps=100, start_lr=0.0) >> Cosine(
        base_lr=1e-3, min_lr=1e-5, total_steps=900
    ) | Constant(lr=1e-5)
    assert s == expected


def test_operators_scale_slice_and_numbers() -> None:
    c = Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)
    text = "Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)"
    assert parse(f"{text} * 0.5") == c * 0.5
    assert parse(f"0.5 * {text}") == 0.5 * c
    assert parse(f"{text} / 4") == c / 4
    assert parse(f"{text}[:5] | 0.25") == c[:5] | 0.25
    assert parse(f"{text}[0:5]") == c[:5]
    assert parse("Warmup(steps=3, start_lr=0.0) >> 1") == Warmup(steps=3, start_lr=0.0) >> 1
    assert parse(f"({text} | {text}) * 2") == (c | c) * 2


def test_literals_lists_strings_and_unary_signs() -> None:
    assert parse("MultiStep(base_lr=+1, milestones=[3, 1], gamma=0.5)") == MultiStep(
        base_lr=1.0, milestones=(1, 3), gamma=0.5
    )
    # A unary minus parses; the constructor then refuses the negative rate itself.
    with pytest.raises(ParameterValueError, match="lr must be >= 0"):
        parse("Constant(lr=-1e-3)")
    with pytest.raises(ParameterTypeError, match="lr must be a real number, got 'x'"):
        parse("Constant(lr='x')")
    with pytest.raises(ParameterTypeError, match="got True"):
        parse("Constant(lr=True)")
    with pytest.raises(ParameterTypeError, match="got None"):
        parse("Constant(lr=None)")


def test_legacy_constructors_with_their_positional_arguments() -> None:
    c = Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)
    assert parse("cosine(base_lr=1.0, min_lr=0.0, total_steps=10)") == c
    assert parse(
        "with_warmup(cosine(base_lr=1.0, min_lr=0.0, total_steps=10), warmup_steps=5, start_lr=0.0)"
    ) == (Warmup(steps=5, start_lr=0.0) >> c)
    assert parse(
        "sequential([(4, constant(lr=1.0)), (6, cosine(base_lr=1.0, min_lr=0.0, total_steps=10))])"
    ) == (Constant(lr=1.0)[:4] | c[:6])


def test_names_come_from_the_exports() -> None:
    classes = node_classes()
    assert "Schedule" not in classes  # abstract
    assert {"Cosine", "Warmup", "Phases", "Bounded", "Scaled", "WithWarmup"} <= set(classes)
    exported_nodes = {
        name
        for name in lrsched.__all__
        if isinstance(getattr(lrsched, name), type)
        and issubclass(getattr(lrsched, name), lrsched.Schedule)
        and getattr(lrsched, name) is not lrsched.Schedule
    }
    assert exported_nodes <= set(classes)
    names = constructors()
    assert {"cosine", "with_warmup", "sequential"} <= set(names)
    # Functions that do not build a node, and the readers themselves, are not callable.
    assert not {"sample", "value_range", "parse", "from_dict"} & set(names)


def test_every_constructor_is_callable_by_keyword() -> None:
    """Each exported node class is reachable from text, and its composites too."""
    for name, cls in node_classes().items():
        with pytest.raises(ParseError, match=rf"{name}\(\): missing"):
            parse(f"{name}()")
        assert issubclass(cls, lrsched.Schedule) or cls is Warmup


def _column_of(message: str) -> int:
    found = re.search(r"line \d+, column (\d+)", message)
    assert found is not None, message
    return int(found.group(1))


@pytest.mark.parametrize(
    ("text", "culprit", "reason"),
    [
        ("foo(lr=1)", "foo", "unknown name 'foo'"),
        ("Constant(lr=1) | Consant(lr=1)", "Consant", "did you mean Constant"),
        ("Constant(lr=1).lr", "Constant(lr=1).lr", "attribute access"),
        ("__import__('os').system('true')", "__import__('os').system", "attribute access"),
        ("Constant(lr=2**10)", "2**10", "operators"),
        ("Constant(lr=1) % Constant(lr=1)", "Constant(lr=1) % Constant(lr=1)", "operators"),
        ("(lambda: Constant(lr=1))()", "lambda: Constant(lr=1)", "only names"),
        ("[Constant(lr=x) for x in (1,)][0]", "[Constant(lr=x) for x in (1,)]", "comprehension"),
        ("Constant(lr={'a': 1})", "{'a': 1}", "a dict"),
        ("Constant(lr=1j)", "1j", "literal 1j"),
        ("Constant(lr=b'1')", "b'1'", "literal"),
        (
            "Constant(lr=-Warmup(steps=1, start_lr=0))",
            "-Warmup(steps=1, start_lr=0)",
            "numbers and schedules only",
        ),
        ("Constant(lr=~1)", "~1", "unary"),
        ("Constant(lr=1) if 1 else 2", "Constant(lr=1) if 1 else 2", "conditional"),
        ("Constant(lr=Cosine)", "Cosine", "must be called"),
        ("Constant(*[1])", "*[1]", "unpacking"),
        ("Constant(**{'lr': 1})", "{'lr': 1}", "unpacking with **"),
        ("Constant(1)", "Constant(1)", "positional"),
        ("Cosine(base_lr=1, min_lr=0)", "Cosine(base_lr=1, min_lr=0)", "total_steps"),
        ("Constant(lr=1, gamma=2)", "gamma=2", "Constant() has no parameter 'gamma'; it takes lr"),
        ("2 * 3", "2 * 3", "needs a schedule on one side"),
        ("(1, 2)[:1]", "(1, 2)[:1]", "only a schedule can be sliced"),
        ("Warmup(steps=1, start_lr=0)", "Warmup(steps=1, start_lr=0)", "not a schedule"),
        ("0.5", "0.5", "expected a schedule"),
        ("Constant(lr=f'{1}')", "f'{1}'", "f-string"),
        # Python refuses a repeated keyword only when compiling, after ast.parse.
        ("Constant(lr=1.0, lr=2.0)", "lr=2.0", "keyword argument repeated: 'lr'"),
    ],
)
def test_refused_text_is_located(text: str, culprit: str, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    message = str(info.value)
    first, source, caret = message.splitlines()
    start = text.index(culprit)
    assert _column_of(first) == start + 1
    assert source == f"  {text}"
    assert caret == "  " + " " * start + "^" * len(culprit)
    assert reason in first


def test_syntax_errors_point_at_the_place() -> None:
    with pytest.raises(ParseError, match="invalid syntax") as info:
        parse("Constant(lr=1) | ")
    first, _source, caret = str(info.value).splitlines()
    assert caret.index("^") == len("  Constant(lr=1) | ")  # the end of the text
    assert first.endswith("(line 1, column 18, the end of the line)")
    with pytest.raises(ParseError, match="column 13") as info:
        parse("Constant(lr=1 2)")


def test_errors_on_later_lines_and_after_wide_characters() -> None:
    text = "Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)[:5]\n  | bar(lr=1)"
    with pytest.raises(ParseError, match="line 2, column 5") as info:
        parse(text)
    assert str(info.value).splitlines()[-1] == "  " + " " * 4 + "^^^"
    # Columns count characters, not the UTF-8 bytes that ast reports.
    text = "Constant(lr='éé', x=ü)"
    with pytest.raises(ParseError, match="unknown name 'ü'") as info:
        parse(text)
    assert _column_of(str(info.value)) == text.index("ü") + 1
    assert str(info.value).splitlines()[-1] == "  " + " " * text.index("ü") + "^"


def test_long_lines_are_shown_around_the_error() -> None:
    head = " | ".join(["Constant(lr=1)[:5]"] * 30)
    text = f"{head} | nope(lr=1)"
    with pytest.raises(ParseError) as info:
        parse(text)
    _, source, caret = str(info.value).splitlines()
    assert source.startswith("  ...")
    assert len(source) <= len("  ...") + 100 + len("...")
    shown = caret.index("^")
    assert source[shown : shown + 4] == "nope"


def test_text_may_span_lines_and_be_indented() -> None:
    text = """
        Cosine(
            base_lr=1.0,  # a comment
            min_lr=0.0,
            total_steps=10,
        )
    """
    assert parse(text) == Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)


def test_empty_and_non_text() -> None:
    with pytest.raises(ParseError, match="empty"):
        parse("  \n ")
    with pytest.raises(ParseError, match="needs a str"):
        parse(b"Constant(lr=1)")  # type: ignore[arg-type]
    with pytest.raises(ParseError, match=r"null|invalid"):
        parse("Constant(lr=1)\0")


def test_library_errors_propagate_unchanged() -> None:
    with pytest.raises(ParameterValueError, match="lr must be a finite number, got inf"):
        parse("Constant(lr=1e999)")
    with pytest.raises(ParameterValueError, match="lr must be a finite number, got inf"):
        parse("Constant(lr=inf)")
    with pytest.raises(ParameterValueError, match="lr must be a finite number, got nan"):
        parse("Constant(lr=-nan)")
    with pytest.raises(ParameterValueError, match="factor must be a finite number, got nan"):
        parse("Constant(lr=1) * nan")
    with pytest.raises(ParameterValueError, match="finite"):
        parse("Cosine(base_lr=1.0, min_lr=0.0, total_steps=10) * 1e999")
    with pytest.raises(CompositionError, match="never ends"):
        parse("Constant(lr=1) | Constant(lr=2)")
    with pytest.raises(CompositionError, match="multiplied by a number only"):
        parse("Constant(lr=1) * Constant(lr=2)")
    with pytest.raises(CompositionError, match="only the slice"):
        parse("Constant(lr=1)[3]")
    with pytest.raises(ParameterValueError, match="steps must be an int >= 1"):
        parse("Constant(lr=1)[:0]")


def test_library_errors_pass_through_unchanged() -> None:
    with pytest.raises(ParameterValueError, match="lr must be a finite number, got an int of 400"):
        parse(f"Constant(lr={'1' * 400})")


def test_other_failures_are_wrapped_at_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(Cosine, "__post_init__", broken)
    with pytest.raises(ParseError, match=r"Cosine\(\.\.\.\) failed: RuntimeError: a bug"):
        parse("Constant(lr=1.0)[:2] | Cosine(base_lr=1.0, min_lr=0.0, total_steps=3)")


def test_operator_errors_pass_through() -> None:
    with pytest.raises(CompositionError, match="a Warmup has no learning rate"):
        parse("Warmup(steps=1, start_lr=0.0) * 2")
    with pytest.raises(ParameterTypeError, match=r"phase 0 must be a \(duration, schedule\) pair"):
        parse("sequential([(1,)])")


def test_long_chains_parse_without_recursion() -> None:
    text = " | ".join(["Constant(lr=1.0)[:5]"] * 1500 + ["Constant(lr=1.0)"])
    s = parse(text)
    assert s.duration is None
    assert len(s.phases) == 1501  # type: ignore[attr-defined]


def test_deep_nesting_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="nested too deeply"):
        parse("-" * 100_000 + "1")
    with pytest.raises(ParseError):
        parse("(" * 500 + "Constant(lr=1)" + ")" * 500)


def test_parse_error_fits_the_hierarchy() -> None:
    assert issubclass(ParseError, ScheduleError)
    assert issubclass(ParseError, ValueError)
    assert pickle.loads(pickle.dumps(ParseError("x"))).args == ("x",)


# Fuzzing: text from near-valid tokens, mutations of valid text, and random text.
_TOKENS = [
    *sorted(constructors()),
    "foo", "inf", "nan", "__class__", "lambda", "lr", "steps", "base_lr", "min_lr",
    "total_steps", "gamma", "milestones", "phases", "schedule", "factor", "warmup",
    "(", ")", "[", "]", ":", ",", "=", "|", ">>", "*", "/", "**", "-", "+", ".", "'x'",
    "True", "None", "0", "1", "2", "0.5", "1e-3", "1e999", "-1", "10", " ", "\n",
]  # fmt: skip
_near_valid = st.lists(
    st.one_of(
        st.sampled_from(_TOKENS),
        st.integers(-(10**30), 10**30).map(str),
        st.floats(allow_nan=False).map(repr),
    ),
    max_size=25,
).map("".join)


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    text = repr(draw(trees))
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, min(len(text), start + 8)))
    insert = draw(st.one_of(st.sampled_from(_TOKENS), st.text(max_size=3)))
    return text[:start] + insert + text[end:]


def _only_library_errors(text: str) -> None:
    try:
        s = parse(text)
    except ScheduleError:
        return
    assert isinstance(s, Schedule)
    assert parse(repr(s)) == s


@settings(max_examples=300)
@given(st.one_of(_near_valid, _mutated(), st.text(max_size=60)))
def test_fuzz_only_library_errors_escape(text: str) -> None:
    _only_library_errors(text)
