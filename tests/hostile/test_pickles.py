"""Forged pickles: every opcode path that can make an lrsched node ends in its constructor.

The pickles here are written opcode by opcode (``forge``), the way a stranger's
checkpoint could be, and name only lrsched globals and the harmless classes that torch's
safe loader allows (``collections.OrderedDict``, ``Counter``). Defect classes of issue 8:
1 (validation bypass), 2 (``_restore`` builds anything), 3 (exponential expansion).
"""

from __future__ import annotations

import math
import pickle

import pytest

import lrsched
from forge import (
    BUILD,
    EMPTY_TUPLE,
    MARK,
    NEWOBJ,
    NEWOBJ_EX,
    NONE,
    OBJ,
    REDUCE,
    STOP,
    TUPLE,
    TUPLE2,
    doubling_phases,
    forge,
    global_,
    inst,
    mapping,
    number,
)
from lrsched import CheckpointError, Constant, Cosine, ParameterTypeError, ScheduleError
from lrsched.core.node import restore

CONSTANT = global_("lrsched", "Constant")
RESTORE = global_("lrsched", "_restore")

# Fields that every node's constructor refuses.
INVALID = [
    ("Constant", {"lr": math.nan}),
    ("Constant", {"lr": -1.0}),
    ("Constant", {"lr": math.inf}),
    ("Cosine", {"base_lr": 1.0, "min_lr": 0.0, "total_steps": 0}),
    ("Linear", {"base_lr": 1.0, "end_lr": 0.0, "total_steps": -5}),
    ("Exponential", {"base_lr": 1.0, "gamma": 2.0}),
]
VALID = ("Constant", {"lr": 0.5})


def _load(data: bytes) -> object:
    return pickle.loads(data)


def _newobj_build(name: str, state: bytes) -> bytes:
    return forge(global_("lrsched", name), EMPTY_TUPLE, NEWOBJ, state, BUILD)


@pytest.mark.parametrize(("name", "fields"), INVALID)
def test_class_1_newobj_then_build_with_slot_state_is_refused(
    name: str, fields: dict[str, float]
) -> None:
    """The dataclass-generated __setstate__ used to write any values into the slots."""
    data = _newobj_build(name, NONE + mapping(fields) + TUPLE2)
    with pytest.raises(CheckpointError, match=f"{name} is built only by calling {name}"):
        _load(data)


@pytest.mark.parametrize(("name", "fields"), INVALID)
def test_class_1_newobj_then_build_with_dict_state_is_refused(
    name: str, fields: dict[str, float]
) -> None:
    with pytest.raises(CheckpointError):
        _load(_newobj_build(name, mapping(fields)))


def test_class_1_newobj_alone_is_refused() -> None:
    """An object made by NEWOBJ with no BUILD would have no fields at all."""
    with pytest.raises(CheckpointError, match="without its constructor"):
        _load(forge(CONSTANT, EMPTY_TUPLE, NEWOBJ))


def test_class_1_newobj_ex_is_refused() -> None:
    data = b"\x80\x04" + CONSTANT + EMPTY_TUPLE + mapping({"lr": math.nan}) + NEWOBJ_EX + STOP
    with pytest.raises(CheckpointError):
        _load(data)


def test_class_1_obj_and_inst_without_arguments_are_refused() -> None:
    """Protocols 0 and 1 make an instance with ``cls.__new__(cls)`` when given no arguments."""
    with pytest.raises(CheckpointError):
        _load(b"(" + CONSTANT + OBJ + STOP)
    with pytest.raises(CheckpointError):
        _load(b"(" + inst("lrsched", "Constant") + STOP)


def test_class_1_a_class_called_with_positional_arguments_is_refused() -> None:
    """REDUCE, OBJ and INST with arguments call the class positionally."""
    for data in (
        forge(CONSTANT, MARK, number(math.nan), TUPLE, REDUCE),
        b"(" + CONSTANT + number(math.nan) + OBJ + STOP,
        b"(" + number(math.nan) + inst("lrsched", "Constant") + STOP,
    ):
        with pytest.raises(ParameterTypeError, match="keyword arguments only"):
            _load(data)


def test_class_1_a_class_called_with_no_arguments_names_the_missing_field() -> None:
    with pytest.raises(ParameterTypeError, match="no value for lr"):
        _load(forge(CONSTANT, EMPTY_TUPLE, REDUCE))


def test_class_1_build_into_a_valid_node_is_refused() -> None:
    """BUILD may also target a node that _restore built and checked."""
    valid = forge(RESTORE, CONSTANT, mapping(VALID[1]), TUPLE2, REDUCE)
    assert _load(valid) == Constant(lr=0.5)
    forged = valid[:-1] + NONE + mapping({"lr": math.nan}) + TUPLE2 + BUILD + STOP
    with pytest.raises(CheckpointError, match="set only by its constructor"):
        _load(forged)


@pytest.mark.parametrize(("name", "fields"), INVALID)
def test_class_1_restore_runs_the_constructors_checks(name: str, fields: dict[str, float]) -> None:
    data = forge(RESTORE, global_("lrsched", name), mapping(fields), TUPLE2, REDUCE)
    with pytest.raises(lrsched.ParameterValueError):
        _load(data)


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("collections", "OrderedDict"),
        ("collections", "Counter"),
        ("lrsched", "Schedule"),
        ("lrsched", "from_dict"),
        ("lrsched", "sample"),
        ("lrsched.core.node", "Node"),
    ],
)
def test_class_2_restore_builds_only_node_classes(module: str, name: str) -> None:
    data = forge(RESTORE, global_(module, name), mapping({"lr": 1.0}), TUPLE2, REDUCE)
    with pytest.raises(CheckpointError, match="builds only lrsched schedules"):
        _load(data)


@pytest.mark.parametrize("fields", [42, "lr", [("lr", 1.0)], {1: 1.0}, None])
def test_class_2_restore_needs_a_dict_of_field_names(fields: object) -> None:
    with pytest.raises(CheckpointError, match="must hold a dict of its fields"):
        restore(Constant, fields)


def test_class_2_restore_names_unknown_and_missing_fields() -> None:
    with pytest.raises(ScheduleError, match="no parameter 'gamma'"):
        restore(Constant, {"lr": 1.0, "gamma": 0.5})
    with pytest.raises(ScheduleError, match="no value for total_steps"):
        restore(Cosine, {"base_lr": 1.0, "min_lr": 0.0})


def test_class_2_a_subclass_posing_under_an_exported_name_is_refused() -> None:
    class Constant(lrsched.Constant):  # the real class's name
        pass

    with pytest.raises(CheckpointError):
        restore(Constant, {"lr": 1.0})


def test_class_3_a_pickle_doubling_a_chain_is_stopped_by_the_size_cap() -> None:
    small = pickle.loads(doubling_phases(4))
    assert isinstance(small, lrsched.Phases)
    assert len(small.phases) == 16
    data = doubling_phases(60)  # 2**60 phases if nothing stopped it
    assert len(data) < 2000
    with pytest.raises(lrsched.TreeSizeError, match="at most 100,000 nodes and entries"):
        pickle.loads(data)


def test_class_3_a_pickle_doubling_a_subtree_is_stopped_by_the_size_cap() -> None:
    """Sharing through any composite, not just Phases: (x | x) * 1.0 at every level."""

    def doubled(levels: int) -> lrsched.Schedule:
        node: lrsched.Schedule = Constant(lr=1.0)[:1]
        for _ in range(levels):
            node = (node | node) * 1.0
        return node

    assert lrsched.core.node.size(doubled(10)) == 4 * 2**10 - 2
    with pytest.raises(lrsched.TreeSizeError, match="this one holds"):
        doubled(30)


def test_class_3_a_tuple_field_past_the_cap_is_refused_before_it_is_walked() -> None:
    milestones = tuple(range(1, lrsched.MAX_SIZE + 2))
    with pytest.raises(lrsched.TreeSizeError, match="milestones has entries"):
        lrsched.MultiStep(base_lr=1.0, milestones=milestones, gamma=0.5)


def test_the_size_counts_nodes_and_entries_at_every_use() -> None:
    leaf = Constant(lr=1.0)[:3]  # Bounded and Constant: 2
    assert lrsched.core.node.size(leaf) == 2
    assert lrsched.core.node.size(leaf | leaf | leaf) == 7
    steps = lrsched.MultiStep(base_lr=1.0, milestones=(1, 2, 3), gamma=0.5)
    assert lrsched.core.node.size(steps) == 4


def test_a_real_schedule_is_far_below_the_caps() -> None:
    table = lrsched.sequential([(1, Constant(lr=0.1 * (i % 5))) for i in range(10_000)])
    assert lrsched.core.node.size(table) == 20_001
