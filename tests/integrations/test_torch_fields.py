"""ScheduleLR beyond lr: weight decay, momentum and betas, custom keys, tensors, domains,
timm's lr_scale and param groups added later, against the real torch optimizers."""

from __future__ import annotations

import importlib
import io
from typing import Any

import pytest

from lrsched import (
    Constant,
    Cosine,
    Cyclic,
    Linear,
    ParameterTypeError,
    ParameterValueError,
    Warmup,
)

pytest.importorskip("torch", reason="lrsched.torch needs torch")
import torch

from lrsched.torch import ScheduleLR

LR = (Warmup(steps=3, start_lr=0.0) >> Cosine(base_lr=0.1, min_lr=0.001, total_steps=12)) | 0.001
WD = Linear(base_lr=0.0, end_lr=0.1, total_steps=10)
MOMENTUM = Cosine(base_lr=0.85, min_lr=0.95, total_steps=8)
BETA2 = Linear(base_lr=0.95, end_lr=0.999, total_steps=6)
EMA = Cosine(base_lr=0.996, min_lr=1.0, total_steps=10)


def params(groups: int = 1, seed: int = 0) -> list[dict[str, Any]]:
    torch.manual_seed(seed)
    return [{"params": [torch.nn.Parameter(torch.randn(3))]} for _ in range(groups)]


def train(opt: Any, scheduler: Any, steps: int, keys: tuple[str, ...]) -> list[list[Any]]:
    """Each group's ``keys`` at every step, training a quadratic as usual."""
    seen = []
    for _ in range(steps):
        seen.append([tuple(group[key] for key in keys) for group in opt.param_groups])
        opt.zero_grad()
        loss = sum((p**2).sum() for group in opt.param_groups for p in group["params"])
        loss.backward()
        opt.step()
        if scheduler is not None:
            scheduler.step()
    return seen


def flat(value: Any) -> list[Any]:
    """The numbers in nested lists and tuples, in order."""
    if isinstance(value, (list, tuple)):
        return [number for part in value for number in flat(part)]
    return [value]


def weights(opt: Any) -> list[torch.Tensor]:
    return [p.detach().clone() for group in opt.param_groups for p in group["params"]]


def test_sgd_weight_decay_and_momentum_follow_their_schedules() -> None:
    opt = torch.optim.SGD(params(2), lr=9.0, momentum=0.5, weight_decay=0.5)
    scheduler = ScheduleLR(opt, LR, weight_decay=WD, momentum=MOMENTUM)
    seen = train(opt, scheduler, 15, ("lr", "weight_decay", "momentum"))
    assert seen == [[(LR(k), WD(k), MOMENTUM(k))] * 2 for k in range(15)]


def test_sgd_trains_exactly_as_with_the_values_set_by_hand() -> None:
    opt = torch.optim.SGD(params(), lr=9.0, momentum=0.5, weight_decay=0.5, dampening=0.1)
    scheduler = ScheduleLR(opt, LR, weight_decay=WD, momentum=MOMENTUM, dampening=WD)
    train(opt, scheduler, 15, ())

    by_hand = torch.optim.SGD(params(), lr=9.0, momentum=0.5, weight_decay=0.5, dampening=0.1)
    for k in range(15):
        group = by_hand.param_groups[0]
        group.update(lr=LR(k), weight_decay=WD(k), momentum=MOMENTUM(k), dampening=WD(k))
        train(by_hand, None, 1, ())
    assert all(torch.equal(a, b) for a, b in zip(weights(opt), weights(by_hand), strict=True))


def test_adam_momentum_drives_beta1_and_beta2_drives_beta2() -> None:
    opt = torch.optim.AdamW(params(), lr=9.0, betas=(0.1, 0.2))
    scheduler = ScheduleLR(opt, LR, momentum=MOMENTUM, beta2=BETA2)
    seen = train(opt, scheduler, 10, ("betas",))
    assert seen == [[((MOMENTUM(k), BETA2(k)),)] for k in range(10)]
    assert type(opt.param_groups[0]["betas"]) is tuple
    assert "momentum" not in opt.param_groups[0]


def test_adam_momentum_is_written_where_torch_onecycle_writes_it() -> None:
    # torch's OneCycleLR(cycle_momentum=True) replaces betas by (momentum, *betas[1:]).
    ours = torch.optim.Adam(params(), lr=1.0, betas=(0.5, 0.25))
    theirs = torch.optim.Adam(params(), lr=1.0, betas=(0.5, 0.25))
    ScheduleLR(ours, LR, momentum=Constant(lr=0.95))
    torch.optim.lr_scheduler.OneCycleLR(theirs, max_lr=0.1, total_steps=10)
    assert ours.param_groups[0]["betas"] == theirs.param_groups[0]["betas"] == (0.95, 0.25)


def test_tensor_entries_are_filled_in_place() -> None:
    f64 = torch.float64
    betas = (torch.tensor(0.9, dtype=f64), torch.tensor(0.99, dtype=f64))
    lr, ema = torch.tensor(1.0, dtype=f64), torch.tensor(0.0, dtype=f64)
    group = {"params": params()[0]["params"], "ema_decay": ema}
    opt = torch.optim.Adam([group], lr=lr, betas=betas, foreach=False)
    scheduler = ScheduleLR(opt, LR, momentum=MOMENTUM, beta2=BETA2, ema_decay=EMA)
    train(opt, scheduler, 4, ())
    group = opt.param_groups[0]
    assert group["betas"][0] is betas[0]
    assert group["betas"][1] is betas[1]
    assert group["ema_decay"] is ema
    assert (betas[0].item(), betas[1].item(), ema.item()) == (MOMENTUM(4), BETA2(4), EMA(4))
    assert isinstance(group["lr"], torch.Tensor)
    assert group["lr"].item() == LR(4)
    last = scheduler.get_last_lr()[0]
    assert last.item() == LR(4)
    assert last is not group["lr"]  # a copy, as torch keeps it


def test_one_schedule_per_group_for_a_field() -> None:
    opt = torch.optim.SGD(params(2), lr=1.0, weight_decay=0.0)
    other = Constant(lr=0.01)
    scheduler = ScheduleLR(opt, LR, weight_decay=[WD, other])
    assert train(opt, scheduler, 4, ("weight_decay",)) == [[(WD(k),), (0.01,)] for k in range(4)]
    with pytest.raises(ParameterValueError, match="weight_decay must be one schedule or one per"):
        ScheduleLR(opt, LR, weight_decay=[WD])
    with pytest.raises(ParameterTypeError, match="weight_decay must be a Schedule"):
        ScheduleLR(opt, LR, weight_decay=0.1)  # type: ignore[arg-type]


def test_a_custom_key_is_created_and_driven() -> None:
    opt = torch.optim.SGD(params(2), lr=1.0)
    scheduler = ScheduleLR(opt, LR, ema_decay=EMA, loss_weight=WD)
    seen = train(opt, scheduler, 12, ("ema_decay", "loss_weight"))
    assert seen == [[(EMA(k), WD(k))] * 2 for k in range(12)]


@pytest.mark.parametrize(
    ("make", "fields", "message"),
    [
        (torch.optim.Adagrad, {"momentum": MOMENTUM}, "has no 'momentum' or 'betas'"),
        (torch.optim.SGD, {"beta2": BETA2}, "has no 'beta2' or 'betas'"),
        (torch.optim.Adagrad, {"dampening": WD}, "has no 'dampening', so its optimizer"),
        (torch.optim.SGD, {"weight_decy": WD}, "did you mean 'weight_decay'"),
        (torch.optim.AdamW, {"beta1": WD}, "drive betas\\[0\\] with momentum="),
    ],
)
def test_a_field_the_optimizer_would_never_read_is_refused(
    make: Any, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ParameterValueError, match=message):
        ScheduleLR(make(params(), lr=1.0), LR, **fields)


def test_a_near_miss_key_already_in_the_groups_is_driven() -> None:
    groups = [{**params()[0], "weight_decay2": 0.0}]
    opt = torch.optim.SGD(groups, lr=1.0)
    ScheduleLR(opt, LR, weight_decay2=WD)
    assert opt.param_groups[0]["weight_decay2"] == WD(0)


@pytest.mark.parametrize("name", ["lr", "params", "initial_lr", "lr_scale", "betas"])
def test_keys_that_are_not_fields_are_refused(name: str) -> None:
    fields: dict[str, Any] = {name: WD}
    with pytest.raises(ParameterTypeError, match=f"cannot drive '{name}'"):
        ScheduleLR(torch.optim.AdamW(params(), lr=1.0), LR, **fields)


@pytest.mark.parametrize(
    ("make", "fields", "message"),
    [
        (
            torch.optim.SGD,
            {"momentum": Constant(lr=1.5)},
            r"momentum of param group 0 must be in \[0, 1\]",
        ),
        (
            torch.optim.AdamW,
            {"momentum": Constant(lr=1.0)},
            r"momentum \(betas\[0\]\) of param group 0 must be in \[0, 1\)",
        ),
        (
            torch.optim.AdamW,
            {"beta2": Linear(base_lr=0.9, end_lr=1.0, total_steps=5)},
            r"betas\[1\]",
        ),
        (torch.optim.SGD, {"dampening": Constant(lr=2.0)}, "dampening of param group 0"),
    ],
)
def test_domains_are_checked_at_construction(
    make: Any, fields: dict[str, Any], message: str
) -> None:
    opt = make(params(), lr=1.0)
    before = dict(opt.param_groups[0])
    with pytest.raises(ParameterValueError, match=message):
        ScheduleLR(opt, LR, **fields)
    assert opt.param_groups[0] == before  # nothing was written


def test_a_composite_that_goes_below_zero_is_refused_where_a_field_cannot() -> None:
    # Leaves refuse negative rates; a difference may go below 0, and the fields say so.
    opt = torch.optim.AdamW(params(), lr=1.0)
    with pytest.raises(ParameterValueError, match="weight_decay of param group 0 must be >= 0"):
        ScheduleLR(opt, LR, weight_decay=0.05 - WD)
    with pytest.raises(ParameterValueError, match="lr of param group 0 must be >= 0"):
        ScheduleLR(opt, LR - 0.01)
    ScheduleLR(opt, LR, beta2=1 - Linear(base_lr=0.1, end_lr=0.001, total_steps=10))
    assert opt.param_groups[0]["betas"] == (0.9, 0.9)
    ScheduleLR(opt, LR, bias=0.05 - WD)  # a custom key may be negative
    assert opt.param_groups[0]["bias"] == 0.05


def test_momentum_may_reach_one_exactly_where_the_optimizer_allows_it() -> None:
    # value_range widens a curve by its rounding, a few ulps past 1; SGD takes momentum 1.
    opt = torch.optim.SGD(params(), lr=1.0, momentum=0.9)
    scheduler = ScheduleLR(opt, LR, momentum=EMA)
    assert train(opt, scheduler, 12, ("momentum",))[-1] == [(1.0,)]


def test_custom_keys_are_not_checked() -> None:
    opt = torch.optim.SGD(params(), lr=1.0)
    ScheduleLR(opt, LR, temperature=Constant(lr=50.0))
    assert opt.param_groups[0]["temperature"] == 50.0


def test_lr_scale_multiplies_the_rate_of_its_group() -> None:
    groups = params(3)
    groups[0]["lr_scale"], groups[1]["lr_scale"] = 0.5, 0.75**3
    opt = torch.optim.SGD(groups, lr=1.0, weight_decay=0.1)
    scheduler = ScheduleLR(opt, LR, weight_decay=WD)
    seen = train(opt, scheduler, 15, ("lr", "weight_decay"))
    assert seen == [
        [(LR(k) * 0.5, WD(k)), (LR(k) * 0.75**3, WD(k)), (LR(k), WD(k))] for k in range(15)
    ]
    assert scheduler.get_last_lr() == [LR(15) * 0.5, LR(15) * 0.75**3, LR(15)]


def test_an_lr_scale_out_of_its_domain_is_refused() -> None:
    groups = params(1)
    groups[0]["lr_scale"] = -1.0
    with pytest.raises(ParameterValueError, match="lr_scale of param group 0 must be >= 0"):
        ScheduleLR(torch.optim.SGD(groups, lr=1.0), LR)
    groups[0]["lr_scale"] = 10.0
    with pytest.raises(ParameterValueError, match=r"times its lr_scale 10\.0 goes up to inf"):
        ScheduleLR(torch.optim.SGD(groups, lr=1.0), Constant(lr=1e308))


class TestTimmLayerDecay:
    timm: Any = None

    @classmethod
    def setup_class(cls) -> None:
        from timm_import import import_timm

        try:
            cls.timm = import_timm()
        except ImportError:
            pytest.skip("timm is not installed")
        importlib.import_module("timm.optim")
        importlib.import_module("timm.scheduler")

    class Net(torch.nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.embed = torch.nn.Linear(2, 4)
            self.blocks = torch.nn.Sequential(*(torch.nn.Linear(4, 4) for _ in range(3)))
            self.head = torch.nn.Linear(4, 1)

        def group_matcher(self, coarse: bool = False) -> dict[str, Any]:
            return {"stem": r"^embed", "blocks": [(r"^blocks\.(\d+)", None)]}

    def test_layer_wise_decay_groups_scale_the_rate_as_timm_schedulers_do(self) -> None:
        groups = self.timm.optim.param_groups_layer_decay(
            self.Net(), weight_decay=0.05, layer_decay=0.75
        )
        scales = sorted({group["lr_scale"] for group in groups})
        assert len(scales) >= 4  # stem, three blocks, head: a real layer-wise decay
        schedule = Cosine(base_lr=0.1, min_lr=0.001, total_steps=20)
        ours = torch.optim.AdamW(groups, lr=1.0)
        scheduler = ScheduleLR(ours, schedule)
        timm_groups = self.timm.optim.param_groups_layer_decay(
            self.Net(), weight_decay=0.05, layer_decay=0.75
        )
        theirs = torch.optim.AdamW(timm_groups, lr=0.1)
        reference = self.timm.scheduler.CosineLRScheduler(
            theirs, t_initial=20, lr_min=0.001, t_in_epochs=False
        )
        for k in range(25):
            expected = [schedule(k) * group["lr_scale"] for group in ours.param_groups]
            assert [group["lr"] for group in ours.param_groups] == expected
            assert [g["lr"] for g in theirs.param_groups] == pytest.approx(expected, rel=1e-12)
            ours.step()
            scheduler.step()
            reference.step_update(k + 1)


def test_a_group_added_through_the_scheduler_gets_its_values_at_once() -> None:
    opt = torch.optim.SGD(params(2), lr=1.0, weight_decay=0.0)
    scheduler = ScheduleLR(opt, [LR, LR * 2], weight_decay=WD)
    train(opt, scheduler, 3, ())
    new = {"params": params(seed=1)[0]["params"], "lr_scale": 0.5}
    scheduler.add_param_group(new, schedule=LR * 3)
    assert [g["lr"] for g in opt.param_groups] == [LR(3), LR(3) * 2, LR(3) * 3 * 0.5]
    assert opt.param_groups[2]["weight_decay"] == WD(3)  # the one every group shares
    seen = train(opt, scheduler, 3, ("lr", "weight_decay"))
    assert seen == [
        [(LR(k), WD(k)), (LR(k) * 2, WD(k)), (LR(k) * 3 * 0.5, WD(k))] for k in range(3, 6)
    ]
    assert scheduler.schedules == (LR, LR * 2, LR * 3)
    assert len(scheduler.get_last_lr()) == 3


def test_add_param_group_refuses_what_it_cannot_drive_and_leaves_the_optimizer_unchanged() -> None:
    opt = torch.optim.SGD(params(2), lr=1.0, weight_decay=0.0)
    scheduler = ScheduleLR(opt, [LR, LR * 2], weight_decay=WD)
    group = params(seed=1)[0]
    with pytest.raises(ParameterValueError, match="different lr schedules"):
        scheduler.add_param_group(group)
    with pytest.raises(ParameterTypeError, match="drives lr, weight_decay, not 'momentum'"):
        scheduler.add_param_group(group, schedule=LR, momentum=MOMENTUM)
    with pytest.raises(ParameterTypeError, match="weight_decay must be a Schedule"):
        scheduler.add_param_group(group, schedule=LR, weight_decay=0.1)  # type: ignore[arg-type]
    with pytest.raises(ParameterValueError, match="lr_scale of param group 2"):
        scheduler.add_param_group({**group, "lr_scale": -1.0}, schedule=LR)
    assert len(opt.param_groups) == 2
    assert len(scheduler.schedules) == 2


def test_stepping_to_an_epoch_sets_every_field() -> None:
    opt = torch.optim.SGD(params(), lr=1.0, momentum=0.9, weight_decay=0.0)
    scheduler = ScheduleLR(opt, LR, momentum=MOMENTUM, weight_decay=WD)
    opt.step()
    with pytest.warns(UserWarning, match="epoch"):
        scheduler.step(7)
    group = opt.param_groups[0]
    assert (group["lr"], group["momentum"], group["weight_decay"]) == (LR(7), MOMENTUM(7), WD(7))


def test_the_step_order_warning_of_torch_is_kept() -> None:
    opt = torch.optim.SGD(params(), lr=1.0)
    scheduler = ScheduleLR(opt, LR)
    with pytest.warns(UserWarning, match=r"before `optimizer.step\(\)`"):
        scheduler.step()


def adamw(seed: int = 0) -> Any:
    groups = params(2, seed)
    groups[1]["lr_scale"] = 0.5
    return torch.optim.AdamW(groups, lr=1.0, betas=(0.9, 0.99), weight_decay=0.0)


def plan(opt: Any) -> Any:
    return ScheduleLR(
        opt,
        [LR, LR * 2],
        weight_decay=WD,
        momentum=MOMENTUM,
        beta2=[BETA2, EMA * 0.99],
        ema_decay=EMA,
    )


@pytest.mark.parametrize("at", [1, 4, 9])
def test_a_resumed_run_matches_an_uninterrupted_one_bit_for_bit(at: int) -> None:
    keys = ("lr", "weight_decay", "betas", "ema_decay")
    opt = adamw()
    whole = train(opt, plan(opt), 16, keys)
    final = weights(opt)

    first = adamw()
    scheduler = plan(first)
    head = train(first, scheduler, at, keys)
    buffer = io.BytesIO()
    torch.save({"optimizer": first.state_dict(), "scheduler": scheduler.state_dict()}, buffer)
    buffer.seek(0)
    state = torch.load(buffer, weights_only=True)

    second = torch.optim.AdamW(
        [{"params": [p.detach().clone().requires_grad_()]} for p in weights(first)], lr=1.0
    )
    second.load_state_dict(state["optimizer"])
    resumed = plan(second)
    resumed.load_state_dict(state["scheduler"])
    tail = train(second, resumed, 16 - at, keys)
    assert head + tail == whole
    assert all(torch.equal(a, b) for a, b in zip(weights(second), final, strict=True))


def test_tensor_entries_are_never_read_so_a_device_never_syncs() -> None:
    # A meta tensor has no values: reading one (item, bool, a comparison) raises, so
    # steps that pass never waited for a device either.
    opt = torch.optim.SGD(params(), lr=1.0)
    group = opt.param_groups[0]
    lr, ema = torch.tensor(1.0, device="meta"), torch.tensor(0.9, device="meta")
    group.update(lr=lr, initial_lr=lr.clone(), ema_decay=ema)
    scheduler = ScheduleLR(opt, LR, ema_decay=EMA)
    for _ in range(3):
        opt.step()  # no gradients: it reads nothing either
        scheduler.step()
    assert group["lr"] is lr
    assert group["ema_decay"] is ema
    assert scheduler.last_epoch == 3
    with pytest.raises(RuntimeError, match="meta"):
        lr.item()


@pytest.mark.parametrize("adam", [False, True], ids=["sgd", "adam"])
def test_cyclic_momentum_through_schedulelr_is_torchs_cyclic_lr(adam: bool) -> None:
    rate = Cyclic(base_lr=1e-3, max_lr=1e-2, step_size_up=5, step_size_down=3)
    momentum = rate.momentum(base_momentum=0.8, max_momentum=0.9)

    def make() -> Any:
        if adam:
            return torch.optim.Adam(params(), lr=1.0, betas=(0.5, 0.99))
        return torch.optim.SGD(params(), lr=1.0, momentum=0.5)

    ours, theirs = make(), make()
    scheduler = ScheduleLR(ours, rate, momentum=momentum)
    reference = torch.optim.lr_scheduler.CyclicLR(
        theirs,
        base_lr=1e-3,
        max_lr=1e-2,
        step_size_up=5,
        step_size_down=3,
        base_momentum=0.8,
        max_momentum=0.9,
    )
    key = "betas" if adam else "momentum"
    seen = train(ours, scheduler, 30, ("lr", key))
    expected = train(theirs, reference, 30, ("lr", key))
    assert flat(seen) == pytest.approx(flat(expected), rel=1e-12)
    assert all(
        torch.allclose(a, b, rtol=1e-6) for a, b in zip(weights(ours), weights(theirs), strict=True)
    )
