"""The torch-free parts of lrsched.torch: which entry a field drives, its domain, and the
plain-data state (lrsched.torch_fields, lrsched.torch_state), on plain dict groups."""

from __future__ import annotations

import json
import math
import pickle
from typing import Any

import pytest

from lrsched import (
    ConfigError,
    Constant,
    Cosine,
    Linear,
    ParameterTypeError,
    ParameterValueError,
    ScheduleChangedWarning,
    value_range,
)
from lrsched import torch_fields as f
from lrsched import torch_state as st

SGD = {"params": [], "lr": 0.1, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0}
ADAM = {"params": [], "lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0}
S = Cosine(base_lr=0.9, min_lr=0.1, total_steps=10)


@pytest.mark.parametrize(
    ("name", "group", "place"),
    [
        ("momentum", SGD, ("momentum", None)),
        ("momentum", ADAM, ("betas", 0)),
        ("beta2", ADAM, ("betas", 1)),
        ("beta2", {**ADAM, "beta2": 0.5}, ("beta2", None)),
        ("weight_decay", ADAM, ("weight_decay", None)),
        ("ema_decay", ADAM, ("ema_decay", None)),
        ("loss_weight", SGD, ("loss_weight", None)),
    ],
)
def test_target(name: str, group: dict[str, Any], place: f.Target) -> None:
    assert f.target(name, group, 0) == place


@pytest.mark.parametrize(
    ("name", "group", "error", "message"),
    [
        ("lr", SGD, ParameterTypeError, "the schedule argument drives lr"),
        ("betas", ADAM, ParameterTypeError, r"betas\[0\] with momentum="),
        ("momentum", {"params": [], "lr": 0.1}, ParameterValueError, "group 3 has no 'momentum'"),
        ("eps", SGD, ParameterValueError, "keys are lr, momentum, dampening, weight_decay$"),
        ("weight_decy", ADAM, ParameterValueError, "did you mean 'weight_decay'"),
        ("beta1", ADAM, ParameterValueError, "drive betas"),
        ("epss", SGD, ParameterValueError, "did you mean 'eps'"),  # a known name, not a key
    ],
)
def test_target_refusals(name: str, group: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        f.target(name, group, 3)


def test_labels_and_domains() -> None:
    assert f.label("momentum", ("betas", 0), 2) == "momentum (betas[0]) of param group 2"
    assert f.label("eps", ("eps", None), 0) == "eps of param group 0"
    assert f.domain("momentum", ("betas", 0)) is f.BETA
    assert f.domain("momentum", ("momentum", None)) is f.UNIT
    assert f.domain("weight_decay", ("weight_decay", None)) is f.NON_NEGATIVE
    assert f.domain("ema_decay", ("ema_decay", None)) is None
    assert [d.text for d in (f.NON_NEGATIVE, f.UNIT, f.BETA)] == [">= 0", "in [0, 1]", "in [0, 1)"]


def test_domain_refusals() -> None:
    assert f.UNIT.refusal(0.0, 1.0) is None
    assert f.UNIT.refusal(0.0, 1.0 + 2**-50) is None  # value_range's rounding slack
    assert f.UNIT.refusal(0.0, 1.001) == "goes up to 1.001"
    assert f.UNIT.refusal(-0.5, 0.5) == "goes down to -0.5"
    assert f.BETA.refusal(0.0, 0.999) is None
    assert f.BETA.refusal(0.0, 1.0) == "goes up to 1.0"
    assert f.NON_NEGATIVE.refusal(0.0, 1e300) is None
    assert f.NON_NEGATIVE.refusal(0.0, math.inf) == "goes up to inf"
    assert f.NON_NEGATIVE.refusal(math.nan, 1.0) == "goes down to nan"


def test_check() -> None:
    f.check("x", S, None)
    f.check("x", S, f.UNIT)
    f.check("x", Cosine(base_lr=0.996, min_lr=1.0, total_steps=10), f.UNIT)
    assert value_range(Cosine(base_lr=0.996, min_lr=1.0, total_steps=10))[1] > 1.0
    with pytest.raises(ParameterValueError, match=r"x must be in \[0, 1\) at every step, but"):
        f.check("x", Constant(lr=1.0), f.BETA)
    with pytest.raises(ParameterValueError, match=r"times its lr_scale 2\.0 goes up to 1\.8"):
        f.check("x", S, f.UNIT, 2.0)
    f.check("x", S, f.UNIT, 0.5)


def test_lr_scale() -> None:
    assert f.lr_scale(SGD, 0) == 1.0
    assert f.lr_scale({**SGD, "lr_scale": 0.25}, 0) == 0.25
    with pytest.raises(ParameterValueError, match="lr_scale of param group 4 must be >= 0"):
        f.lr_scale({**SGD, "lr_scale": -1.0}, 4)
    with pytest.raises(ParameterTypeError, match="lr_scale of param group 0 must be a real"):
        f.lr_scale({**SGD, "lr_scale": "0.5"}, 0)


def test_per_group_and_shared() -> None:
    other = Constant(lr=0.5)
    assert f.per_group("schedule", S, 3) == (S, S, S)
    assert f.per_group("schedule", [S, other], 2) == (S, other)
    with pytest.raises(ParameterValueError, match="got 1 schedules for 2 param groups"):
        f.per_group("schedule", [S], 2)
    with pytest.raises(ParameterValueError, match=r"got 2 schedules for 1 param group$"):
        f.per_group("schedule", [S, S], 1)
    with pytest.raises(ParameterTypeError, match="momentum must be a Schedule or a sequence"):
        f.per_group("momentum", 0.9, 1)
    assert f.shared("lr", (S, Cosine(base_lr=0.9, min_lr=0.1, total_steps=10))) is S
    with pytest.raises(ParameterValueError, match=r"add_param_group\(group, schedule=\.\.\.\)"):
        f.shared("lr", (S, other))
    with pytest.raises(ParameterValueError, match=r"add_param_group\(group, eps=\.\.\.\)"):
        f.shared("eps", (S, other))


def test_encode_shares_one_dict_per_schedule_and_decode_builds_it_once() -> None:
    forms: dict[Any, dict[str, Any]] = {}
    data = st.encode((S, S, Constant(lr=0.5)), forms)
    assert data == [S.to_dict(), S.to_dict(), Constant(lr=0.5).to_dict()]
    assert data[0] is data[1]
    assert json.loads(json.dumps(data)) == data  # plain data
    built: dict[int, Any] = {}
    schedules = st.decode("x", data, 3, built)
    assert schedules == (S, S, Constant(lr=0.5))
    assert schedules[0] is schedules[1]
    # 0.2.0 states hold the schedules themselves.
    assert st.decode("x", (S, S), 2, {}) == (S, S)


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        ("abc", ParameterTypeError, "x must be a list of schedules in dict form, got 'abc'"),
        ([S.to_dict()], ParameterValueError, "got 1 schedules for 2 param groups"),
        ([S.to_dict(), 0.1], ParameterTypeError, "got an entry 0.1"),
        ([S.to_dict(), {"version": 1, "type": "Cosine"}], ConfigError, "base_lr"),
    ],
)
def test_decode_refusals(data: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        st.decode("x", data, 2, {})


def test_saved_plan() -> None:
    wd = Linear(base_lr=0.0, end_lr=0.1, total_steps=5)
    state = {"schedules": st.encode((S,), {}), "fields": {"weight_decay": st.encode((wd,), {})}}
    assert st.saved_plan(state, 1) == ((S,), {"weight_decay": (wd,)})
    assert st.saved_plan({"schedules": (S,)}, 1) == ((S,), {})  # a 0.2.0 state
    assert st.saved_plan({"last_epoch": 3}, 1) is None
    with pytest.raises(ParameterTypeError, match=r"state_dict\['fields'\] must map"):
        st.saved_plan({"schedules": (S,), "fields": [1]}, 1)
    with pytest.raises(ParameterTypeError, match=r"state_dict\['fields'\]\['eps'\] must be"):
        st.saved_plan({"schedules": (S,), "fields": {"eps": 1.0}}, 1)


def test_changes_and_the_warning() -> None:
    wd = Linear(base_lr=0.0, end_lr=0.1, total_steps=5)
    other = Constant(lr=0.5)
    plan = ((S, S), {"weight_decay": (wd, wd), "eps": (other, other)})
    assert st.changes(plan, plan) == []
    saved = ((S, other), {"weight_decay": (wd, other), "ema": (S, S)})
    assert st.changes(plan, saved) == [
        "lr of param group 1",
        "ema (only in the checkpoint)",
        "eps (not in the checkpoint)",
        "weight_decay",
    ]
    with pytest.warns(ScheduleChangedWarning, match=r"\(lr of param group 1; x\)\. Resuming") as w:
        st.warn_changed(["lr of param group 1", "x"])
    assert "build the ScheduleLR with resume='given'" in str(w[0].message)
    with pytest.warns(ScheduleChangedWarning, match="; and 2 more"):
        st.warn_changed([f"lr of param group {i}" for i in range(7)])
    assert issubclass(ScheduleChangedWarning, UserWarning)
    assert pickle.loads(pickle.dumps(ScheduleChangedWarning("x"))).args == ("x",)
