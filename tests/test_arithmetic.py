"""Schedule arithmetic: ``s + t``, ``s - t``, ``-s`` and numbers on either side."""

from __future__ import annotations

import copy
import math
import pickle
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrsched import (
    CompositionError,
    Constant,
    Cosine,
    Cyclic,
    Exponential,
    Linear,
    Negated,
    ParameterTypeError,
    ParameterValueError,
    ParseError,
    Schedule,
    Sum,
    Warmup,
    evaluate,
    from_dict,
    parse,
    value_range,
)
from strategies import FLOAT_MAX, signed, steps, trees

COS = Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)
LIN = Linear(base_lr=0.0, end_lr=1.0, total_steps=4)
EXP = Exponential(base_lr=0.5, gamma=0.9)
W = Warmup(steps=3, start_lr=0.0)
C = "Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)"
L = "Linear(base_lr=0.0, end_lr=1.0, total_steps=4)"
E = "Exponential(base_lr=0.5, gamma=0.9)"
WR = "Warmup(steps=3, start_lr=0.0)"


@pytest.mark.parametrize(
    ("schedule", "text"),
    [
        (COS + LIN, f"{C} + {L}"),
        (COS - LIN, f"{C} - {L}"),
        (COS + LIN + EXP, f"{C} + {L} + {E}"),
        (COS + (LIN + EXP), f"{C} + {L} + {E}"),
        (COS - (LIN - EXP), f"{C} - ({L} - {E})"),
        (COS - (LIN + EXP), f"{C} - ({L} + {E})"),
        ((COS - LIN) - EXP, f"{C} - {L} - {E}"),
        (-COS, f"-{C}"),
        (-(COS + LIN), f"-({C} + {L})"),
        (Negated(schedule=-COS), f"--{C}"),
        (COS - -LIN, f"{C} - -{L}"),
        (-COS + LIN, f"-{C} + {L}"),
        ((COS + LIN) * 2, f"({C} + {L}) * 2.0"),
        (-COS * 2, f"-{C} * 2.0"),
        (-(COS * 2), f"-({C} * 2.0)"),
        (COS * 2.0 + LIN, f"{C} * 2.0 + {L}"),
        (COS + LIN * 2, f"{C} + {L} * 2.0"),
        ((-COS)[:3], f"(-{C})[:3]"),
        (-COS[:3], f"-{C}[:3]"),
        ((COS + LIN)[:3], f"({C} + {L})[:3]"),
        (COS + LIN | EXP, f"{C} + {L} | {E}"),
        (COS | LIN + EXP, f"{C} | {L} + {E}"),
        ((COS | LIN) + EXP, f"({C} | {L}) + {E}"),
        (W >> COS + LIN, f"{WR} >> {C} + {L}"),
        ((W >> COS) + LIN, f"({WR} >> {C}) + {L}"),
        (W >> -COS, f"{WR} >> -{C}"),
        (-(W >> COS), f"-({WR} >> {C})"),
        (0.5 - COS, f"Constant(lr=0.5) - {C}"),
        (COS + 0.5, f"{C} + Constant(lr=0.5)"),
        (COS - 0.5, f"{C} - Constant(lr=0.5)"),
        (COS + -0.5, f"{C} - Constant(lr=0.5)"),
        (COS - -0.5, f"{C} + Constant(lr=0.5)"),
        (-0.5 + COS, f"-Constant(lr=0.5) + {C}"),
        (-0.5 - COS, f"-Constant(lr=0.5) - {C}"),
        (1 + COS, f"Constant(lr=1.0) + {C}"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_operator_form_prints_with_no_more_parentheses_than_python_needs(
    schedule: Schedule, text: str
) -> None:
    assert repr(schedule) == text
    assert eval(repr(schedule)) == schedule
    assert parse(repr(schedule)) == schedule


def test_sums_are_flat_and_minus_is_plus_a_negation() -> None:
    assert Sum(terms=(COS, Negated(schedule=LIN))) == COS - LIN
    assert (COS + LIN) + EXP == COS + (LIN + EXP) == Sum(terms=(COS, LIN, EXP))
    assert Sum(terms=(COS, Sum(terms=(LIN, EXP)))).terms == (COS, LIN, EXP)
    # A negated sum is one term: its own terms are not flattened into the outer sum.
    assert (COS - (LIN + EXP)).terms == (COS, Negated(schedule=LIN + EXP))
    assert +COS is COS
    # Numbers are Constants of their size; leaves never hold a negative rate.
    assert COS + -0.5 == COS - 0.5 == COS + Negated(schedule=Constant(lr=0.5))
    assert Sum(terms=(Constant(lr=0.5), Negated(schedule=COS))) == 0.5 - COS
    assert (COS - 0.0).terms[1] == Constant(lr=0.0)


def added(*values: float) -> float:
    total = values[0]
    for value in values[1:]:
        total += value
    return total


def terms_of(s: Schedule) -> tuple[Schedule, ...]:
    return s.terms if isinstance(s, Sum) else (s,)


@given(trees, trees, st.floats(-10, 10), steps)
def test_values_are_the_sums_and_negations_of_the_values(
    a: Schedule, b: Schedule, x: float, k: int
) -> None:
    # A sum adds its (flattened) terms left to right: a + (b + c) is (a + b) + c.
    assert (a + b)(k) == added(*(t(k) for t in (*terms_of(a), *terms_of(b))))
    assert (-a)(k) == -a(k)
    if not isinstance(a, Sum) and not isinstance(b, Sum):
        assert (a + b)(k) == a(k) + b(k)
        assert (a - b)(k) == a(k) - b(k)
        assert (a + x)(k) == a(k) + x
        assert (x + a)(k) == x + a(k)
        assert (a - x)(k) == a(k) - x
        assert (x - a)(k) == x - a(k)
        assert (a + b + a)(k) == (a(k) + b(k)) + a(k)


def test_exact_values_at_known_steps() -> None:
    s = 1.0 - COS
    assert [s(k) for k in (0, 5, 10, 99)] == [0.0, 0.5, 1.0, 1.0]
    assert [(COS - LIN)(k) for k in (0, 2, 4, 10)] == [1.0, COS(2) - 0.5, COS(4) - 1.0, -1.0]
    # 0 - 0 is 0.0, never -0.0, and so is a negated 0.
    assert math.copysign(1.0, (-Constant(lr=0.0))(0)) == 1.0
    assert math.copysign(1.0, (COS - COS)(3)) == 1.0


def test_a_sum_lasts_as_long_as_its_longest_term_and_holds_after() -> None:
    assert (COS + LIN).duration == 10
    assert (LIN - COS[:20]).duration == 20
    assert (COS + EXP).duration is None
    assert (-COS).duration == 10
    assert (0.5 - COS).duration is None  # a Constant never ends
    s = COS - LIN
    assert all(s(10 + j) == s(10) for j in range(50))


def test_bounds_are_sums_of_bounds_and_flipped_for_a_negation() -> None:
    assert value_range(Constant(lr=0.25) + Constant(lr=0.5)) == (0.75, 0.75)  # tight
    assert value_range(-Constant(lr=0.5)) == (-0.5, 0.0 - 0.5)
    low, high = value_range(COS)
    assert value_range(-COS) == (0.0 - high, 0.0 - low)
    assert value_range(0.5 - COS) == (0.5 - high, 0.5 - low)
    # Not tight when the terms peak at different steps: COS - COS is always 0.
    assert value_range(COS - COS) == (low - high, high - low)
    assert value_range(COS + LIN)[1] == value_range(COS)[1] + value_range(LIN)[1]


@given(trees, st.lists(steps, min_size=1, max_size=10))
def test_every_value_is_inside_the_bounds(s: Schedule, ks: list[int]) -> None:
    low, high = value_range(s)
    assert low >= 0.0 or signed(s)
    end = min(s.duration or 0, 500)
    for k in [*range(end + 2), *ks]:
        assert low <= s(k) <= high


def test_round_trips() -> None:
    s = 1.0 - Cyclic(base_lr=0.1, max_lr=0.9, step_size_up=3) - COS * 0.25 + -EXP
    assert from_dict(s.to_dict()) == s
    negated = s.to_dict()["terms"][1]
    assert negated["type"] == "Negated"
    assert negated["schedule"]["type"] == "Cyclic"
    assert pickle.loads(pickle.dumps(s)) == s
    assert copy.deepcopy(s) == s
    assert eval(repr(s)) == s
    assert parse(repr(s)) == s
    assert hash(s) == hash(eval(repr(s)))


def test_a_long_sum_prints_as_a_call_and_parses_linearly() -> None:
    long = Sum(terms=tuple(Constant(lr=float(i)) for i in range(40)))
    assert repr(long).startswith("Sum(terms=(Constant(lr=0.0), Constant(lr=1.0),")
    assert eval(repr(long)) == parse(repr(long)) == long
    # A chain of + and - is read in one pass into one Sum.
    text = " - ".join(["Constant(lr=1.0)"] * 1500)
    chain = parse(text)
    assert isinstance(chain, Sum)
    assert len(chain.terms) == 1500
    assert chain(0) == 1.0 - 1499.0
    mixed = parse(f"{C} + {L} - {C} | {E} - {C}")
    assert mixed == (COS + LIN - COS) | (EXP - COS)


def test_unary_operators_parse_on_schedules() -> None:
    assert parse(f"-{C}") == -COS
    assert parse(f"+{C}") == COS
    assert parse(f"--{C}") == Negated(schedule=-COS)
    assert parse(f"1 - {C}") == 1 - COS
    assert parse(f"-1 + {C}") == -Constant(lr=1) + COS
    with pytest.raises(ParseError, match="numbers and schedules only"):
        parse("-Warmup(steps=1, start_lr=0) >> Constant(lr=1)")
    with pytest.raises(ParseError, match="needs a schedule on one side"):
        parse("1 - 2")


def test_errors_name_what_is_wrong() -> None:
    with pytest.raises(CompositionError, match=r"right side of \+ needs a schedule or a number"):
        COS + "1"
    with pytest.raises(CompositionError, match="left side of - needs a schedule or a number"):
        None - COS
    with pytest.raises(CompositionError, match="right side of -"):
        COS - True
    with pytest.raises(ParameterValueError, match="finite"):
        COS + math.inf
    with pytest.raises(ParameterValueError, match="terms needs at least two"):
        Sum(terms=(COS,))
    with pytest.raises(ParameterTypeError, match="terms must be a tuple"):
        Sum(terms=COS)  # type: ignore[arg-type]
    with pytest.raises(ParameterTypeError, match="each of terms must be a Schedule"):
        Sum(terms=(COS, 1.0))  # type: ignore[arg-type]
    with pytest.raises(ParameterTypeError, match="schedule must be a Schedule"):
        Negated(schedule=W)  # type: ignore[arg-type]
    refused: list[Callable[[], object]] = [
        lambda: W + COS,
        lambda: W - COS,
        lambda: 1 - W,
        lambda: -W,
        lambda: +W,
    ]
    for operation in refused:
        with pytest.raises(CompositionError, match="no learning rate of its own"):
            operation()
    with pytest.raises(CompositionError, match="right side of - needs a schedule or a number"):
        COS - W
    with pytest.raises(ParameterValueError, match=r"factor must be >= 0.*-\(s \* 2\)"):
        COS * -2
    with pytest.raises(ParameterValueError, match="divisor must be > 0"):
        COS / -2


def test_a_sum_past_the_float_range_is_refused_when_built() -> None:
    huge = Constant(lr=FLOAT_MAX)
    with pytest.raises(ParameterValueError, match="may add up to inf, past the float range"):
        huge + huge
    with pytest.raises(ParameterValueError, match="may add up to -inf"):
        -huge - huge
    with pytest.raises(ParameterValueError, match="past the float range"):
        parse(f"Constant(lr={FLOAT_MAX!r}) + Constant(lr={FLOAT_MAX!r})")
    assert (huge - huge)(0) == 0.0
    assert (huge * 0.5 + huge * 0.5)(0) == FLOAT_MAX


def test_a_composite_may_go_below_zero_and_warmups_ramp_into_it() -> None:
    s = W >> 0.25 - COS
    assert [s(k) for k in range(5)] == [
        0.0,
        0.0 + (-0.75 - 0.0) * (1 / 3),
        0.0 + (-0.75 - 0.0) * (2 / 3),
        -0.75,
        0.25 - COS(1),
    ]
    assert value_range(s)[0] < -0.75
    with pytest.raises(CompositionError, match=r"starts above 0.*starts at -0\.75"):
        Warmup(steps=3, start_lr=0.1, shape="exponential") >> 0.25 - COS


def test_ramps_near_the_float_maximum_into_negative_targets_stay_finite() -> None:
    np = pytest.importorskip("numpy")
    for shape in ("linear", "cosine", "1-sqrt"):
        s = Warmup(steps=4, start_lr=FLOAT_MAX, shape=shape) >> -Constant(lr=FLOAT_MAX)
        values = [s(k) for k in range(6)]
        assert values[0] == FLOAT_MAX
        assert values[4] == -FLOAT_MAX
        assert all(math.isfinite(v) for v in values)
        with np.errstate(over="raise", invalid="raise"):
            array = evaluate(s, np.arange(6)).tolist()
        assert all(
            math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12 * FLOAT_MAX)
            for a, b in zip(array, values, strict=True)
        )


def test_the_command_line_reads_an_expression_that_starts_with_minus(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from lrsched.cli.main import main

    # argparse would read -Constant(lr=0.5) (no space in it) as an option.
    assert main(["table", "-Constant(lr=0.5)", "--steps", "2", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["0,-0.5", "1,-0.5"]
    assert main(["table", "-(Constant(lr=0.5))", "--steps", "1", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["0,-0.5"]
    assert main(["table", "--Constant(lr=0.5)", "--steps", "1", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["0,0.5"]


def test_hostile_sums_and_negations_hit_the_caps_with_library_errors() -> None:
    from lrsched import MAX_SIZE, ConfigError, TreeSizeError

    one = Constant(lr=1.0)
    with pytest.raises(ParseError, match="nests more than"):
        parse("-" * 300 + "Constant(lr=1.0)")
    deep: Schedule = one
    for _ in range(63):
        deep = -deep
    with pytest.raises(TreeSizeError, match="at most 64 levels"):
        -deep  # noqa: B018
    with pytest.raises(TreeSizeError, match="at most 100,000"):
        Sum(terms=(one,) * (MAX_SIZE + 1))
    half = Sum(terms=(one,) * 50_000)
    with pytest.raises(TreeSizeError, match="this sum has terms: 150,000"):
        Sum(terms=(half, half, half))  # shared, counted before it is flattened
    huge = {"type": "Constant", "lr": 1.7e308}
    with pytest.raises(ConfigError, match="past the float range"):
        from_dict({"version": 1, "type": "Sum", "terms": [huge, huge]})


def test_on_the_host_a_sum_is_cut_where_any_term_changes_pieces() -> None:
    np = pytest.importorskip("numpy")
    from lrsched.evaluators.array import compile_array
    from lrsched.evaluators.pieces import Pieces

    s = 1.0 - ((W >> COS) | LIN) + COS[:12] - (COS | 0.3)
    # The warmup ends at 3, COS | 0.3 turns at 10, (W >> COS) | LIN at 13.
    assert Pieces(s).begins == [0.0, 3.0, 10.0, 13.0]
    k = np.arange(60)
    assert evaluate(s, k).tolist() == compile_array(s)(np, k.astype(np.float64)).tolist()
    assert evaluate(-s, k).tolist() == [-s(j) for j in range(60)]


def test_the_flat_scalar_form_writes_sums_and_negations_out() -> None:
    from lrsched.evaluators.inline import SOURCE, compile_call
    from lrsched.evaluators.scalar import compile_scalar

    s = 1.0 - (COS | LIN) + -LIN[:3]
    flat = compile_call(s)
    assert flat.__code__.co_filename == SOURCE  # one generated function, not the closures
    closure = compile_scalar(s)
    assert [flat(k) for k in range(40)] == [closure(k) for k in range(40)]
    assert [flat(k) for k in (10**6, 2**63, 10**400)] == [
        closure(k) for k in (10**6, 2**63, 10**400)
    ]
