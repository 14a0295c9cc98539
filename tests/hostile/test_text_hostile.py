"""Hostile text given to ``lrsched.parse``: each test names the class of defect of issue 8
that it guards (3 expansion, 4 quadratic parse and unbounded text, 7 huge ints, 9
messages). Costs are measured by counting work, never by the clock."""

from __future__ import annotations

import re
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrsched import (
    CompositionError,
    Constant,
    Cosine,
    ParameterTypeError,
    ParseError,
    Phases,
    Schedule,
    ScheduleError,
    Warmup,
    parse,
)
from lrsched.core.registry import constructors
from lrsched.forms.parse import MAX_NESTING, MAX_TEXT

BOUNDED = "Constant(lr=1.0)[:2]"


def _digit_runs(message: str) -> int:
    """The longest run of digits in a message."""
    return max((len(run) for run in re.findall(r"[0-9]+", message)), default=0)


@pytest.fixture
def flattened(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each ``Phases`` built, by the number of phases it holds: the work of flattening."""
    sizes: list[int] = []
    build = Phases.__post_init__

    def counted(self: Phases) -> None:
        build(self)
        sizes.append(len(self.phases))

    monkeypatch.setattr(Phases, "__post_init__", counted)
    return sizes


def _work(sizes: list[int], operands: int) -> int:
    sizes.clear()
    s = parse(" | ".join([BOUNDED] * operands))
    assert len(s.phases) == operands  # type: ignore[attr-defined]
    return sum(sizes)


def test_class4_a_chain_costs_linear_phases_copied(flattened: list[int]) -> None:
    """Class 4: the phases copied while parsing ``a | b | ...`` grow linearly with the
    operands (0.2.0 re-flattened the chain at each ``|``: 8 times the operands, 64 times
    the copies). Python's parser handles a chain of some 1,500 operators on every
    supported version, so the sizes are 125 and 1,000."""
    small, large = _work(flattened, 125), _work(flattened, 1000)
    print(f"phases copied: {small} for 125 operands, {large} for 1000")
    assert large <= 10 * small
    assert large <= 4 * 1000


def test_class4_a_chain_reads_as_it_did() -> None:
    """Class 4: the linear chain gives the values and the errors of the operator."""
    c = Cosine(base_lr=1.0, min_lr=0.0, total_steps=4)
    assert parse(f"{c!r} | {c!r}[:2] | 0.5") == c | c[:2] | 0.5
    assert parse(f"({c!r} | {c!r}) * 2 | {c!r} | 1") == (c | c) * 2 | c | 1
    assert parse(f"{c!r} | ({c!r} | {c!r}) | 1") == c | (c | c) | 1
    assert parse(f"{c!r}[:1] | {c!r} | 2") == c[:1] | c | 2
    assert parse(f"Warmup(steps=2, start_lr=0.0) >> {c!r} | {c!r}") == (
        Warmup(steps=2, start_lr=0.0) >> c | c
    )
    # The first open-ended phase is named, wherever it stands in the chain.
    with pytest.raises(CompositionError, match=r"^Constant\(lr=3\.0\) never ends"):
        parse(f"{c!r} | {c!r} | Constant(lr=3.0) | {c!r} | Constant(lr=4.0) | 1")
    with pytest.raises(CompositionError, match=r"^Constant\(lr=0\.5\) never ends"):
        parse(f"{c!r} | 0.5 | {c!r}")
    # A later operand is not read once an earlier phase is refused.
    with pytest.raises(CompositionError, match="never ends"):
        parse(f"{c!r} | Constant(lr=3.0) | {c!r} | Constant(lr=-1.0)")
    with pytest.raises(CompositionError, match=r"right side of \| needs a schedule"):
        parse(f"{c!r} | {c!r} | 'x' | {c!r}")
    with pytest.raises(CompositionError, match=r"right side of \| needs a schedule"):
        parse(f"{c!r} | {c!r} | Warmup(steps=1, start_lr=0.0)")
    with pytest.raises(ParseError, match=r"\| needs a schedule on one side"):
        parse(f"1 | 2 | {c!r}")


_OPERANDS = [
    BOUNDED,
    "Constant(lr=2.0)",
    "0.5",
    "2",
    "'x'",
    "None",
    "Warmup(steps=1, start_lr=0.0)",
    "Cosine(base_lr=1.0, min_lr=0.0, total_steps=3)",
    "Constant(lr=-1.0)",
    f"({BOUNDED} | Constant(lr=3.0)[:2])",
    f"{BOUNDED} * 2",
    "Warmup(steps=1, start_lr=0.0) >> Constant(lr=1.0)[:3]",
]
_chains = st.tuples(
    st.sampled_from(_OPERANDS),
    st.lists(
        st.tuples(st.sampled_from([" | ", " | ", " * ", " >> "]), st.sampled_from(_OPERANDS)),
        min_size=1,
    ),
).map(lambda parts: parts[0] + "".join(op + operand for op, operand in parts[1]))


def _outcome(read: object, text: str) -> tuple[str, object]:
    try:
        return "value", read(text)  # type: ignore[operator]
    except ScheduleError as exc:
        return type(exc).__name__, str(exc)
    except TypeError:  # Python's own, where no operand is a schedule: parse says so
        return "TypeError", None


@given(_chains)
def test_class4_a_chain_reads_as_python_evaluates_it(text: str) -> None:
    """Class 4: the chain built in one pass gives what Python's operators give, one
    at a time (0.2.0's way): the same value, or the same error with the same message."""
    evaluated = _outcome(lambda t: eval(t, dict(constructors())), text)  # our own text
    parsed = _outcome(parse, text)
    kind, value = evaluated
    if "needs a schedule on one side" in str(parsed[1]):
        return  # the language's own rule: Python computes 0.5 * 2, parse refuses it
    if kind == "TypeError" or (kind == "value" and not isinstance(value, Schedule)):
        assert parsed[0] == "ParseError"  # no schedule at all
    else:
        assert parsed == evaluated


def test_class4_a_chain_wraps_other_failures_at_its_operator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Class 4: a failure that is not the library's is located at the ``|`` that met it."""

    def broken(self: Schedule, other: object) -> Schedule:
        raise RuntimeError("a bug")

    text = f"{BOUNDED} | {BOUNDED} | {BOUNDED}"
    monkeypatch.setattr(Schedule, "__or__", broken)
    with pytest.raises(ParseError, match=r"the operator \| failed: RuntimeError: a bug") as info:
        parse(text)
    assert str(info.value).splitlines()[-1] == "  " + "^" * len(f"{BOUNDED} | {BOUNDED}")


def test_class4_text_past_the_cap_is_refused_by_its_length() -> None:
    """Class 4: a 10 MB string and a chain of 10**6 operands are refused before parsing,
    with the cap in the message."""
    for text in (
        "Constant(lr='" + "x" * 10_000_000 + "')",
        " | ".join(["1"] * 10**6),
        " " * (MAX_TEXT - 15) + "Constant(lr=1.0)",
    ):
        with pytest.raises(ParseError, match=f"at most {MAX_TEXT:,} characters") as info:
            parse(text)
        assert len(str(info.value)) < 200
    assert parse(" " * (MAX_TEXT - 16) + "Constant(lr=1.0)") == Constant(lr=1.0)


def test_class4_deep_nesting_is_refused_with_the_limit() -> None:
    """Class 4: nesting past ``MAX_NESTING`` is refused before the tree is read (0.2.0
    read it recursively: a RecursionError, or a wrong message)."""
    for text in (
        "-" * 300 + "1",
        "Constant(lr=1.0)" + "[:1]" * 500,
        "Constant(lr=" + "+" * 250 + "1.0)",
    ):
        with pytest.raises(ParseError, match=f"nests more than {MAX_NESTING} levels"):
            parse(text)


def test_class4_nesting_python_refuses_is_a_parse_error() -> None:
    """Class 4: 100,000 parentheses, or a chain too long for Python's parser, are each a
    ParseError that names the problem."""
    with pytest.raises(ParseError, match="too many nested parentheses"):
        parse("(" * 100_000 + "Constant(lr=1.0)" + ")" * 100_000)
    # Python's parser gives up on these in its own way, which differs between versions.
    with pytest.raises(ParseError, match=r"nest|too complex"):
        parse("-" * 100_000 + "1")
    outcome: object
    try:
        outcome = parse(" | ".join([BOUNDED] * 40_000))
    except ParseError as exc:
        outcome = str(exc)
    if isinstance(outcome, str):
        assert "write a long chain a | b | ... as Phases(phases=(a, b, ...))" in outcome
    else:
        assert len(outcome.phases) == 40_000  # type: ignore[attr-defined]


def test_class4_the_deepest_trees_read_back() -> None:
    """Class 4: the nesting limit leaves room for every tree the library can build."""
    c = Cosine(base_lr=1.0, min_lr=0.0, total_steps=4)
    deep: Schedule = c
    while True:
        try:
            deep = Warmup(steps=1, start_lr=0.0, shape="cosine") >> deep
        except CompositionError:
            break
    assert parse(repr(deep)) == deep
    wide: Schedule = c[:3]
    while True:
        try:
            wide = (Phases(phases=(wide, *[c] * 33)) * 0.5)[:5]
        except CompositionError:
            break
    assert parse(repr(wide)) == wide


def test_class7_a_long_int_literal_is_counted_not_shown() -> None:
    """Class 7: an int literal past Python's 4300-digit limit is a ParseError with the
    digit count; 0.2.0 gave Python's message, and the digits themselves."""
    for digits in ("9" * 5000, "1_" * 4999 + "1"):
        with pytest.raises(ParseError, match="an int literal of 5,000 digits") as info:
            parse(f"Constant(lr={digits})")
        assert _digit_runs(str(info.value)) < 10
    with pytest.raises(ScheduleError, match="digits") as error:
        parse("Constant(lr=0x" + "f" * 5000 + ")")
    assert _digit_runs(str(error.value)) < 10


def test_class8_parse_shows_no_warnings() -> None:
    """Class 8 (its root in parse): Python's warnings about the text as a program (an
    invalid escape, ``is`` with a literal) never reach the caller."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ParameterTypeError, match="real number"):
            parse("Constant(lr='\\d')")
        with pytest.raises(ParseError, match="comparison"):
            parse("1 is 1")
        with pytest.raises(ParseError):
            parse("Constant(lr=1.0) if 1 is 1 else '\\d'")
    assert [str(w.message) for w in caught] == []


def test_class9_an_unknown_keyword_is_named() -> None:
    """Class 9: a keyword the constructor does not take is named with those it does;
    0.2.0 said only that ``lr`` was missing."""
    with pytest.raises(ParseError, match=r"Constant\(\) has no parameter 'xx'; it takes lr"):
        parse("Constant(xx=1)")
    with pytest.raises(ParseError, match=r"did you mean total_steps\?") as info:
        parse("Cosine(base_lr=1.0, min_lr=0.0, total_step=10)")
    assert "it takes base_lr, min_lr, total_steps" in str(info.value)
    with pytest.raises(ParseError, match="has no parameter") as info:
        parse(f"cosine({'x' * 100_000}=1)")
    assert len(str(info.value)) < 600


def test_class9_a_text_of_comments_holds_no_expression() -> None:
    """Class 9: comments alone say so; 0.2.0 reported an empty tuple."""
    for text in ("# hi", "\n  # one\n# two\n"):
        with pytest.raises(ParseError, match="holds no expression"):
            parse(text)
    with pytest.raises(ParseError, match=r"expected a schedule, got \(\) \(tuple\)"):
        parse("()")


def test_class9_text_that_closes_a_parenthesis_it_never_opened() -> None:
    """Class 9: 0.2.0 read ``a) | (b`` as ``(a) | (b)``, text that is not an expression."""
    with pytest.raises(ParseError, match="closes a parenthesis it never opened"):
        parse(f"{BOUNDED}) | ({BOUNDED}")


def test_class9_long_names_are_cut_in_messages() -> None:
    """Class 9: a message quotes at most a little of a long name (0.2.0 quoted all)."""
    for text in ("x" * 500_000, f"{BOUNDED} | {'y' * 500_000}(lr=1)"):
        with pytest.raises(ParseError, match="unknown name") as info:
            parse(text)
        assert len(str(info.value)) < 600
    with pytest.raises(ParseError, match="repeated") as info:
        parse(f"Constant({'z' * 100_000}=1, {'z' * 100_000}=2)")
    assert len(str(info.value)) < 600
