"""Forged torch checkpoints under ``torch.load(weights_only=True)`` once lrsched.torch is
imported: only checked lrsched schedules come out (issue 8, defect classes 1 to 3).

The refusals are lrsched's own errors: torch's loader lets exceptions other than
``UnpicklingError`` through unchanged."""

from __future__ import annotations

import io
import math
import pickle
import zipfile
from typing import Any

import pytest

pytest.importorskip("torch", reason="lrsched.torch needs torch")
import torch

import lrsched
from forge import (
    BUILD,
    EMPTY_DICT,
    EMPTY_TUPLE,
    NEWOBJ,
    NONE,
    REDUCE,
    SETITEM,
    TUPLE1,
    TUPLE2,
    doubling_phases,
    forge,
    global_,
    mapping,
    text,
)
from lrsched import Constant
from lrsched.torch import ScheduleLR

RESTORE, CONSTANT = global_("lrsched", "_restore"), global_("lrsched", "Constant")


def checkpoint(data_pkl: bytes) -> io.BytesIO:
    """A torch zip checkpoint whose pickle is ``data_pkl``, as torch.save lays it out."""
    real = io.BytesIO()
    torch.save({"placeholder": 1}, real)
    forged = io.BytesIO()
    with zipfile.ZipFile(real) as source, zipfile.ZipFile(forged, "w") as target:
        for info in source.infolist():
            body = data_pkl if info.filename.endswith("/data.pkl") else source.read(info)
            target.writestr(info, body)
    forged.seek(0)
    return forged


def load(data_pkl: bytes) -> Any:
    return torch.load(checkpoint(data_pkl), weights_only=True)


def test_the_forging_is_faithful() -> None:
    """A well-formed pickle in a forged archive loads: the refusals below are lrsched's."""
    valid = forge(RESTORE, CONSTANT, mapping({"lr": 0.5}), TUPLE2, REDUCE)
    assert load(valid) == Constant(lr=0.5)
    assert load(pickle.dumps({"s": Constant(lr=0.5)}, protocol=2)) == {"s": Constant(lr=0.5)}


@pytest.mark.parametrize("lr", [math.nan, -1.0])
def test_class_1_newobj_and_build_are_refused_by_the_safe_loader(lr: float) -> None:
    data = forge(CONSTANT, EMPTY_TUPLE, NEWOBJ, NONE, mapping({"lr": lr}), TUPLE2, BUILD)
    with pytest.raises(lrsched.CheckpointError, match="Constant is built only by calling"):
        load(data)


def test_class_1_build_after_rebuild_from_type_is_refused() -> None:
    """torch's allowed ``_rebuild_from_type_v2`` calls ``__setstate__`` on what it built."""
    rebuild = global_("torch._tensor", "_rebuild_from_type_v2")
    inner = b"".join([CONSTANT, mapping({"lr": 0.5}), TUPLE2])
    data = forge(rebuild, b"(", RESTORE, CONSTANT, inner, mapping({"lr": math.nan}), b"t", REDUCE)
    with pytest.raises(lrsched.CheckpointError, match="set only by its constructor"):
        load(data)


@pytest.mark.parametrize(
    "target",
    [("collections", "OrderedDict"), ("collections", "Counter"), ("torch", "device")],
)
def test_class_2_restore_refuses_the_classes_torch_allows(target: tuple[str, str]) -> None:
    data = forge(RESTORE, global_(*target), mapping({"type": 1}), TUPLE2, REDUCE)
    with pytest.raises(lrsched.CheckpointError, match="builds only lrsched schedules"):
        load(data)


def test_class_3_a_doubling_checkpoint_is_stopped_by_the_size_cap() -> None:
    data = doubling_phases(60)
    assert len(data) < 2000
    with pytest.raises(lrsched.TreeSizeError, match="at most 100,000 nodes and entries"):
        load(data)


def test_class_1_a_forged_scheduler_state_never_reaches_the_optimizer() -> None:
    """The 0.2.0 path to a nan rate: a forged schedule inside a scheduler's state, loaded
    with the safe loader and handed to ScheduleLR.load_state_dict."""
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    scheduler = ScheduleLR(opt, Constant(lr=0.1))
    forged = [CONSTANT, EMPTY_TUPLE, NEWOBJ, NONE, mapping({"lr": math.nan}), TUPLE2, BUILD]
    state = [EMPTY_DICT, text("schedules"), *forged, TUPLE1, SETITEM]
    data = forge(EMPTY_DICT, text("scheduler"), *state, SETITEM)
    with pytest.raises(lrsched.CheckpointError, match="built only by calling"):
        scheduler.load_state_dict(load(data)["scheduler"])
    assert opt.param_groups[0]["lr"] == 0.1


def test_load_state_dict_refuses_what_is_not_a_schedule() -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    scheduler = ScheduleLR(opt, Constant(lr=0.1))
    state = scheduler.state_dict()
    state["schedules"] = (float("nan"),)
    with pytest.raises(lrsched.ParameterTypeError):
        scheduler.load_state_dict(state)
    assert opt.param_groups[0]["lr"] == 0.1
