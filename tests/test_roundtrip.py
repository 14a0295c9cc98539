"""Schedules are values: pickle, copy, repr, ==, hash, and old checkpoints keep loading."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given

import lrsched
from lrsched import Cosine, Schedule, Warmup
from strategies import trees, warmups

NAMESPACE = vars(lrsched)
GOLDEN = Path(__file__).parent / "golden"


@given(trees)
def test_pickle_round_trip_every_protocol(s: Schedule) -> None:
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        loaded = pickle.loads(pickle.dumps(s, protocol=protocol))
        assert loaded == s
        assert hash(loaded) == hash(s)
        assert loaded(0) == s(0)


@given(trees)
def test_copy_and_deepcopy(s: Schedule) -> None:
    assert copy.copy(s) == s
    assert copy.deepcopy(s) == s


@given(trees)
def test_repr_is_python_that_rebuilds_an_equal_value(s: Schedule) -> None:
    rebuilt = eval(repr(s), dict(NAMESPACE))
    assert rebuilt == s
    assert hash(rebuilt) == hash(s)
    assert repr(rebuilt) == repr(s)


@given(warmups)
def test_warmup_round_trips(w: Warmup) -> None:
    assert pickle.loads(pickle.dumps(w)) == w
    assert eval(repr(w), dict(NAMESPACE)) == w
    assert copy.deepcopy(w) == w


def test_evaluating_does_not_change_identity_or_pickles() -> None:
    fresh = Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)
    used = Cosine(base_lr=1.0, min_lr=0.0, total_steps=10)
    before = pickle.dumps(used)
    used(3)  # compiles and caches the evaluator in a hidden slot
    assert pickle.dumps(used) == before == pickle.dumps(fresh)
    assert used == fresh
    assert hash(used) == hash(fresh)
    assert repr(used) == repr(fresh)
    assert copy.copy(used)(3) == used(3)


def test_pickles_name_the_package_not_private_modules() -> None:
    data = pickle.dumps(Warmup(steps=2, start_lr=0.0) >> Cosine(base_lr=1, min_lr=0, total_steps=3))
    assert b"lrsched._" not in data.replace(b"lrsched\n_restore", b"")
    assert b"_leaves" not in data
    assert b"_composites" not in data


def test_unpickling_validates_again() -> None:
    tampered = pickle.dumps(Cosine(base_lr=1.0, min_lr=0.0, total_steps=10), protocol=0)
    tampered = tampered.replace(b"I10\n", b"I0\n")
    with pytest.raises(lrsched.ParameterValueError, match="total_steps"):
        pickle.loads(tampered)


def test_pickle_loads_in_another_process(tmp_path: Path) -> None:
    s = (Warmup(steps=5, start_lr=0.0) >> Cosine(base_lr=1.0, min_lr=0.1, total_steps=20)) | 0.1
    path = tmp_path / "schedule.pkl"
    path.write_bytes(pickle.dumps(s))
    code = (
        "import pickle, sys; s = pickle.load(open(sys.argv[1], 'rb')); "
        "print(repr(s)); print(repr([s(k) for k in range(30)]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == [repr(s), repr([s(k) for k in range(30)])]


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("v*.pkl")), ids=lambda p: p.name)
def test_golden_checkpoints_still_load_with_the_same_values(path: Path) -> None:
    data = pickle.loads(path.read_bytes())
    assert len(data["records"]) >= 4
    for schedule, text, values in data["records"]:
        assert repr(schedule) == text
        assert eval(text, dict(NAMESPACE)) == schedule
        assert [schedule(k) for k in data["steps"]] == values


def test_golden_files_exist() -> None:
    assert (GOLDEN / "v0.2.0.pkl").is_file()
