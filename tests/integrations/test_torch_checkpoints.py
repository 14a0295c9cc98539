"""ScheduleLR checkpoints: plain data that opens where lrsched is not installed, states
of lrsched 0.2.0, and resuming with the saved plan or a new one (resume=)."""

from __future__ import annotations

import io
import subprocess
import sys
import warnings
from pathlib import Path
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
    Warmup,
)

pytest.importorskip("torch", reason="lrsched.torch needs torch")
import torch

from lrsched.torch import ScheduleLR

LR = (Warmup(steps=3, start_lr=0.0) >> Cosine(base_lr=0.1, min_lr=0.001, total_steps=12)) | 0.001
LONGER = (Warmup(steps=3, start_lr=0.0) >> Cosine(base_lr=0.1, min_lr=0.001, total_steps=30)) | 0.0
WD = Linear(base_lr=0.0, end_lr=0.1, total_steps=10)

# Opens a checkpoint in a process where importing lrsched fails, as an evaluation script
# on a machine without lrsched would.
WITHOUT_LRSCHED = """
import sys
sys.modules["lrsched"] = None
import torch
for weights_only in (True, False):
    state = torch.load(sys.argv[1], weights_only=weights_only)
scheduler = state["scheduler"]
print(scheduler["last_epoch"], scheduler["schedules"][0]["type"], sorted(scheduler["fields"]))
"""


def setup(groups: int = 1) -> tuple[Any, Any]:
    """A model and its SGD, with one param group or two (weight and bias)."""
    model = torch.nn.Linear(2, 1)
    weight, bias = model.parameters()
    split = [{"params": [weight]}, {"params": [bias]}]
    param_groups = split if groups == 2 else [{"params": [weight, bias]}]
    opt = torch.optim.SGD(param_groups, lr=1.0, momentum=0.9, weight_decay=0.0)
    return model, opt


def advance(opt: Any, scheduler: Any, steps: int) -> list[tuple[float, float]]:
    seen = []
    for _ in range(steps):
        group = opt.param_groups[0]
        seen.append((group["lr"], group["weight_decay"]))
        opt.step()
        scheduler.step()
    return seen


def roundtrip(state: Any) -> Any:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


def test_a_combined_checkpoint_opens_where_lrsched_cannot_be_imported(tmp_path: Path) -> None:
    model, opt = setup()
    scheduler = ScheduleLR(opt, LR, weight_decay=WD)
    advance(opt, scheduler, 5)
    path = tmp_path / "checkpoint.pt"
    state = {"model": model.state_dict(), "optimizer": opt.state_dict()}
    torch.save({**state, "scheduler": scheduler.state_dict()}, path)
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_LRSCHED, str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["5", "Phases", "['weight_decay']"]


def test_the_blocking_is_real(tmp_path: Path) -> None:
    # The same process refuses a pickle that names an lrsched class (a 0.2.0 state).
    path = tmp_path / "old.pt"
    torch.save({"scheduler": {"schedules": (LR,)}}, path)
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_LRSCHED, str(path)], capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "lrsched" in done.stderr


def test_the_state_is_plain_data() -> None:
    _, opt = setup()
    state = ScheduleLR(opt, LR, weight_decay=WD).state_dict()

    def plain(value: Any) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or isinstance(value, (bool, int, float, str))

    assert plain(state)
    assert state["schedules"] == [LR.to_dict()]
    assert state["fields"] == {"weight_decay": [WD.to_dict()]}
    with torch.serialization.safe_globals([]):
        assert roundtrip(state) == state


def test_load_state_dict_rebuilds_through_from_dict() -> None:
    _, opt = setup()
    scheduler = ScheduleLR(opt, LR, weight_decay=WD)
    advance(opt, scheduler, 4)
    state = roundtrip(scheduler.state_dict())
    _, opt2 = setup()
    resumed = ScheduleLR(opt2, LR, weight_decay=WD)
    resumed.load_state_dict(state)
    assert resumed.schedules == (LR,)
    assert resumed.fields == {"weight_decay": (WD,)}
    assert advance(opt2, resumed, 3) == [(LR(k), WD(k)) for k in range(4, 7)]


@pytest.mark.parametrize(
    ("edit", "error", "message"),
    [
        (lambda s: s["schedules"][0].update(total_steps=-1), ConfigError, "total_steps"),
        (lambda s: s["schedules"][0].update(type="Cosinus"), ConfigError, "Cosinus"),
        (lambda s: s["fields"]["weight_decay"][0].pop("version"), ConfigError, "version"),
        (
            lambda s: s.update(fields={"momentum": [Constant(lr=2.0).to_dict()]}),
            ParameterValueError,
            r"momentum of param group 0 must be in \[0, 1\]",
        ),
        (
            lambda s: s.update(fields={"weight_decy": [WD.to_dict()]}),
            ParameterValueError,
            "did you mean 'weight_decay'",
        ),
        (lambda s: s.update(last_epoch=True), ParameterTypeError, "last_epoch"),
        (lambda s: s.update(last_epoch=-2), ParameterValueError, "last_epoch"),
        (lambda s: s.pop("last_epoch"), ParameterTypeError, "last_epoch"),
        (lambda s: s.update(_step_count=1.5), ParameterTypeError, "_step_count"),
        (lambda s: s.update(_step_count=-1), ParameterValueError, "_step_count"),
    ],
)
def test_a_bad_state_is_refused_and_changes_nothing(edit: Any, error: type, message: str) -> None:
    _, opt = setup()
    scheduler = ScheduleLR(opt, LR, weight_decay=WD)
    advance(opt, scheduler, 4)
    state = roundtrip(scheduler.state_dict())
    edit(state)
    before = dict(opt.param_groups[0]), scheduler.last_epoch
    with pytest.raises(error, match=message):
        scheduler.load_state_dict(state)
    assert (dict(opt.param_groups[0]), scheduler.last_epoch) == before
    assert scheduler.schedules == (LR,)
    assert scheduler.fields == {"weight_decay": (WD,)}


def test_a_state_that_is_not_a_dict_is_refused() -> None:
    _, opt = setup()
    with pytest.raises(ParameterTypeError, match="state_dict must be a dict"):
        ScheduleLR(opt, LR).load_state_dict([1, 2])  # type: ignore[arg-type]


def test_a_state_written_by_0_2_0_still_loads() -> None:
    # lrsched 0.2.0 saved torch's default state: the scheduler's __dict__ but the
    # optimizer, with the schedule objects themselves under "schedules".
    old = {
        "base_lrs": [1.0],
        "last_epoch": 6,
        "verbose": False,
        "_step_count": 7,
        "_get_lr_called_within_step": False,
        "_last_lr": [LR(6)],
        "_is_initial": False,
        "schedules": (LR,),
    }
    state = roundtrip(old)  # the safe loader, with the safe globals lrsched.torch adds
    _, opt = setup()
    scheduler = ScheduleLR(opt, LR)
    scheduler.load_state_dict(state)
    assert opt.param_groups[0]["lr"] == LR(6)
    assert [lr for lr, _ in advance(opt, scheduler, 3)] == [LR(k) for k in range(6, 9)]
    assert scheduler.state_dict()["schedules"] == [LR.to_dict()]


def test_a_0_2_0_state_with_another_schedule_warns_and_keeps_the_saved_one() -> None:
    _, opt = setup()
    scheduler = ScheduleLR(opt, LONGER)
    scheduler.load_state_dict({"last_epoch": 2, "_step_count": 3, "schedules": (LR,)})
    assert scheduler.schedules == (LR,)
    with pytest.warns(ScheduleChangedWarning, match="lr of param group 0"):
        assert [lr for lr, _ in advance(opt, scheduler, 2)] == [LR(2), LR(3)]


def test_resume_given_keeps_the_new_plan_and_restores_the_step() -> None:
    _, opt = setup()
    scheduler = ScheduleLR(opt, LR, weight_decay=WD)
    advance(opt, scheduler, 8)
    state = roundtrip(scheduler.state_dict())

    _, opt2 = setup()
    wd = Constant(lr=0.01)
    resumed = ScheduleLR(opt2, LONGER, resume="given", weight_decay=wd)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resumed.load_state_dict(state)
    assert resumed.schedules == (LONGER,)
    assert resumed.fields == {"weight_decay": (wd,)}
    assert resumed.last_epoch == 8
    assert opt2.param_groups[0]["lr"] == LONGER(8)  # set at once
    assert advance(opt2, resumed, 3) == [(LONGER(k), 0.01) for k in range(8, 11)]
    assert resumed.state_dict()["schedules"] == [LONGER.to_dict()]


def test_resume_saved_warns_once_naming_what_changed_and_how_to_keep_the_new_plan() -> None:
    _, opt = setup(groups=2)
    scheduler = ScheduleLR(opt, [LR, LR], weight_decay=WD)
    advance(opt, scheduler, 8)
    state = roundtrip(scheduler.state_dict())

    _, opt2 = setup(groups=2)
    resumed = ScheduleLR(opt2, [LR, LONGER], momentum=Constant(lr=0.9))
    resumed.load_state_dict(state)
    assert resumed.schedules == (LR, LR)
    assert resumed.fields == {"weight_decay": (WD, WD)}
    # The warning comes at the first step: some trainers load states inside
    # warnings.catch_warnings and drop what it records (transformers' Trainer does).
    with pytest.warns(ScheduleChangedWarning) as caught:
        assert advance(opt2, resumed, 3) == [(LR(k), WD(k)) for k in (8, 9, 10)]
    assert len(caught) == 1
    assert caught[0].filename == __file__  # points at the training loop's step()
    text = str(caught[0].message)
    assert "(lr of param group 1; momentum (not in the checkpoint); weight_decay (only in" in text
    assert "Resuming with the checkpoint's schedules (resume='saved'" in text
    assert "resume='given'" in text


def test_resume_saved_with_the_same_plan_does_not_warn() -> None:
    _, opt = setup()
    scheduler = ScheduleLR(opt, LR, weight_decay=WD)
    advance(opt, scheduler, 3)
    state = roundtrip(scheduler.state_dict())
    _, opt2 = setup()
    resumed = ScheduleLR(opt2, LR, weight_decay=Linear(base_lr=0.0, end_lr=0.1, total_steps=10))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resumed.load_state_dict(state)


def test_resume_must_be_saved_or_given() -> None:
    _, opt = setup()
    with pytest.raises(ParameterValueError, match="resume must be one of 'saved', 'given'"):
        ScheduleLR(opt, LR, resume="new")
