"""lrsched.torch.ScheduleLR: rates per step and per group, checkpoints, resuming, Trainer."""

from __future__ import annotations

import io
import subprocess
import sys
from typing import Any

import pytest

from lrsched import (
    Constant,
    Cosine,
    Linear,
    ParameterTypeError,
    ParameterValueError,
    Schedule,
    ScheduleChangedWarning,
    Warmup,
    from_dict,
)

pytest.importorskip("torch", reason="lrsched.torch needs torch")
import torch

from lrsched.core.node import restore
from lrsched.torch import ScheduleLR, safe_globals

SCHEDULE = (
    Warmup(steps=5, start_lr=0.0) >> Cosine(base_lr=0.1, min_lr=0.001, total_steps=20)
) | 0.001


def optimizer(groups: int = 1, lr: float = 123.0) -> Any:
    params = [{"params": [torch.nn.Parameter(torch.zeros(1))]} for _ in range(groups)]
    return torch.optim.SGD(params, lr=lr)


def run(scheduler: Any, opt: Any, steps: int) -> list[list[float]]:
    """The rates of every group at each of ``steps`` steps, training as usual."""
    rates = []
    for _ in range(steps):
        rates.append([group["lr"] for group in opt.param_groups])
        opt.step()
        scheduler.step()
    return rates


def test_one_schedule_drives_every_group_with_absolute_rates() -> None:
    opt = optimizer(groups=2)
    scheduler = ScheduleLR(opt, SCHEDULE)
    rates = run(scheduler, opt, 40)
    assert rates == [[SCHEDULE(k)] * 2 for k in range(40)]
    assert scheduler.get_last_lr() == [SCHEDULE(40)] * 2


def test_one_schedule_per_group() -> None:
    other = Linear(base_lr=1.0, end_lr=0.0, total_steps=10)
    opt = optimizer(groups=2)
    rates = run(ScheduleLR(opt, [SCHEDULE, other]), opt, 15)
    assert rates == [[SCHEDULE(k), other(k)] for k in range(15)]


def test_bad_schedules_are_refused() -> None:
    with pytest.raises(ParameterValueError, match="one per param group"):
        ScheduleLR(optimizer(groups=2), [SCHEDULE])
    with pytest.raises(ParameterTypeError, match="schedule must be"):
        ScheduleLR(optimizer(), 0.1)  # type: ignore[arg-type]


def test_stepping_to_an_epoch_uses_the_closed_form() -> None:
    opt = optimizer()
    scheduler = ScheduleLR(opt, SCHEDULE)
    opt.step()
    with pytest.warns(UserWarning, match="epoch"):
        scheduler.step(12)
    assert opt.param_groups[0]["lr"] == SCHEDULE(12)


def save(state: Any) -> io.BytesIO:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("weights_only", [False, True])
def test_a_checkpoint_resumes_the_same_curve(weights_only: bool) -> None:
    opt = optimizer()
    scheduler = ScheduleLR(opt, SCHEDULE)
    first = run(scheduler, opt, 12)
    checkpoint = save({"optimizer": opt.state_dict(), "scheduler": scheduler.state_dict()})

    # A fresh process would build a new scheduler, even with another schedule, then load.
    opt2 = optimizer()
    resumed = ScheduleLR(opt2, Constant(lr=0.5))
    state = torch.load(checkpoint, weights_only=weights_only)
    opt2.load_state_dict(state["optimizer"])
    resumed.load_state_dict(state["scheduler"])
    assert resumed.schedules == (SCHEDULE,)
    with pytest.warns(ScheduleChangedWarning, match="resume='given'"):
        rest = run(resumed, opt2, 20)
    assert first + rest == [[SCHEDULE(k)] for k in range(32)]


def test_loading_only_the_scheduler_sets_the_optimizer_rates() -> None:
    # The saved schedules replace the constructor's, so the optimizer must follow them
    # at once, not one step later, even when no optimizer state is loaded.
    opt = optimizer(groups=2)
    scheduler = ScheduleLR(opt, SCHEDULE)
    run(scheduler, opt, 7)
    opt2 = optimizer(groups=2)
    resumed = ScheduleLR(opt2, Constant(lr=0.5))
    resumed.load_state_dict(scheduler.state_dict())
    assert [group["lr"] for group in opt2.param_groups] == [SCHEDULE(7)] * 2
    with pytest.warns(ScheduleChangedWarning):
        assert run(resumed, opt2, 3) == [[SCHEDULE(k)] * 2 for k in range(7, 10)]


def test_a_state_for_another_number_of_groups_is_refused() -> None:
    state = ScheduleLR(optimizer(groups=2), [SCHEDULE, SCHEDULE * 2]).state_dict()
    scheduler = ScheduleLR(optimizer(groups=1), SCHEDULE)
    with pytest.raises(ParameterValueError, match="2 schedules for 1 param group"):
        scheduler.load_state_dict(state)
    assert scheduler.schedules == (SCHEDULE,)  # unchanged by the refused state
    with pytest.raises(ParameterTypeError, match="schedules"):
        scheduler.load_state_dict({**scheduler.state_dict(), "schedules": (0.1,)})


def test_a_param_group_added_to_the_optimizer_takes_the_shared_schedule() -> None:
    opt = optimizer()
    scheduler = ScheduleLR(opt, SCHEDULE)
    rates = run(scheduler, opt, 3)
    opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))]})
    rates += run(scheduler, opt, 3)
    assert rates == [[SCHEDULE(k)] for k in range(3)] + [[SCHEDULE(3), 123.0]] + [
        [SCHEDULE(k)] * 2 for k in range(4, 6)
    ]
    assert scheduler.schedules == (SCHEDULE, SCHEDULE)
    assert len(scheduler.base_lrs) == 2


def test_a_group_added_to_groups_with_different_schedules_needs_its_own() -> None:
    opt = optimizer(groups=2)
    scheduler = ScheduleLR(opt, [SCHEDULE, SCHEDULE * 2])
    opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))]})
    opt.step()
    with pytest.raises(ParameterValueError, match=r"scheduler.add_param_group\(group, schedule="):
        scheduler.step()


def test_last_epoch_continues_after_that_step_without_initial_lr() -> None:
    # As torch's schedulers: last_epoch=k means steps 0..k are done, so the rate is
    # s(k + 1). Rates are absolute, so the optimizer needs no 'initial_lr'.
    opt = optimizer(groups=2)
    scheduler = ScheduleLR(opt, SCHEDULE, last_epoch=9)
    assert [group["lr"] for group in opt.param_groups] == [SCHEDULE(10)] * 2
    assert run(scheduler, opt, 3) == [[SCHEDULE(k)] * 2 for k in range(10, 13)]
    for bad in (-2, 1.5, True):
        with pytest.raises((ParameterValueError, ParameterTypeError), match="last_epoch"):
            ScheduleLR(optimizer(), SCHEDULE, last_epoch=bad)  # type: ignore[arg-type]


def test_a_checkpoint_loads_safely_in_a_fresh_process(tmp_path: Any) -> None:
    opt = optimizer()
    scheduler = ScheduleLR(opt, SCHEDULE)
    run(scheduler, opt, 4)
    path = tmp_path / "scheduler.pt"
    torch.save(scheduler.state_dict(), path)
    code = (
        "import sys, torch, lrsched\n"
        "state = torch.load(sys.argv[1], weights_only=True)\n"
        "print(repr(lrsched.from_dict(state['schedules'][0])), state['last_epoch'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"{SCHEDULE!r} 4"


def test_the_state_holds_each_schedule_in_its_dict_form() -> None:
    state = ScheduleLR(optimizer(groups=2), SCHEDULE).state_dict()
    assert state["schedules"] == [SCHEDULE.to_dict()] * 2
    assert state["schedules"][0] is state["schedules"][1]  # pickled once
    assert from_dict(state["schedules"][0]) == SCHEDULE


def test_safe_globals_are_every_node_class_and_restore_and_nothing_else() -> None:
    import inspect

    import lrsched

    exported = [getattr(lrsched, n) for n in lrsched.__all__]
    nodes = {
        c
        for c in exported
        if isinstance(c, type)
        and issubclass(c, (Schedule, lrsched.Warmup))
        and not inspect.isabstract(c)
    }
    assert len(nodes) >= 20
    assert set(safe_globals()) == {restore, *nodes}
    assert set(safe_globals()) <= set(torch.serialization.get_safe_globals())


class TestTrainer:
    transformers: Any = pytest.importorskip("transformers", reason="Trainer needs transformers")

    class Tiny(torch.nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.linear = torch.nn.Linear(2, 1)

        def forward(self, x: Any, labels: Any) -> dict[str, Any]:
            loss = torch.nn.functional.mse_loss(self.linear(x).squeeze(-1), labels)
            return {"loss": loss}

    class Data(torch.utils.data.Dataset):  # type: ignore[misc]
        def __len__(self) -> int:
            return 16

        def __getitem__(self, i: int) -> dict[str, Any]:
            x = torch.tensor([float(i), 1.0])
            return {"x": x, "labels": x.sum()}

    def train(self, tmp_path: Any, max_steps: int, resume: bool = False) -> list[float]:
        torch.manual_seed(0)
        model = self.Tiny()
        opt = torch.optim.SGD(model.parameters(), lr=1.0)
        args = self.transformers.TrainingArguments(
            output_dir=str(tmp_path),
            per_device_train_batch_size=2,
            max_steps=max_steps,
            logging_steps=1,
            save_steps=5,
            report_to=[],
            use_cpu=True,
            disable_tqdm=True,
        )
        trainer = self.transformers.Trainer(
            model=model,
            args=args,
            train_dataset=self.Data(),
            optimizers=(opt, ScheduleLR(opt, SCHEDULE)),
        )
        trainer.train(resume_from_checkpoint=resume or None)
        return [
            entry["learning_rate"]
            for entry in trainer.state.log_history
            if "learning_rate" in entry
        ]

    @pytest.mark.filterwarnings(
        "ignore::DeprecationWarning", "ignore::FutureWarning", "ignore::UserWarning"
    )
    def test_trainer_follows_the_schedule_and_resumes_it(self, tmp_path: Any) -> None:
        logged = self.train(tmp_path, max_steps=10)
        # Trainer logs the rate it trained step k with (k = 0, 1, ...).
        assert logged == pytest.approx([SCHEDULE(k) for k in range(10)], rel=1e-12)
        # Resuming from the step-10 checkpoint (loaded with weights_only=True) carries on.
        # The log history comes back with the checkpoint, then grows by the new steps.
        resumed = self.train(tmp_path, max_steps=15, resume=True)
        assert resumed[:10] == logged
        assert resumed[10:] == pytest.approx([SCHEDULE(k) for k in range(10, 15)], rel=1e-12)
