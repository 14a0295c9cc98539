"""Schedules in Hydra and OmegaConf configs, with the real hydra-core and omegaconf.

``hydra.utils.instantiate`` of ``lrsched.to_hydra(s)`` (as a dict, as an OmegaConf
config, through YAML) builds a schedule equal to ``s``, for every registered class;
hand-written configs with interpolations work; ``from_dict`` reads OmegaConf configs in
both forms. Run by the nox ``integrations`` session; skipped when Hydra is absent.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings

import lrsched
from lrsched import (
    Constant,
    Cosine,
    Interpolate,
    MultiStep,
    Schedule,
    Warmup,
    WarmupStableDecay,
    from_dict,
    to_hydra,
)
from strategies import examples, trees

hydra_utils = pytest.importorskip("hydra.utils", reason="Hydra configs (nox -s integrations)")
omegaconf = pytest.importorskip("omegaconf", reason="OmegaConf configs (nox -s integrations)")
OmegaConf = omegaconf.OmegaConf
instantiate = hydra_utils.instantiate

SCHEDULES = examples()
MODES = ["partial", "all", "object"]


def _holds_a_list_of_nodes(data: object) -> bool:
    """Whether the ``_target_`` form ``data`` has a list of nodes somewhere (a Phases)."""
    if isinstance(data, dict):
        return any(_holds_a_list_of_nodes(value) for value in data.values())
    if isinstance(data, list):
        return any(isinstance(item, dict) for item in data) or any(
            _holds_a_list_of_nodes(item) for item in data
        )
    return False


@pytest.mark.parametrize("s", SCHEDULES, ids=repr)
def test_instantiate_builds_every_class_back(s: Schedule) -> None:
    data = to_hydra(s)
    assert instantiate(data) == s
    assert instantiate(OmegaConf.create(data)) == s
    text = yaml.safe_dump(data)
    assert instantiate(OmegaConf.create(text)) == s
    assert instantiate(yaml.safe_load(text)) == s


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("s", SCHEDULES, ids=repr)
def test_every_convert_mode(s: Schedule, mode: str) -> None:
    """A ``_convert_`` given to instantiate replaces the one ``to_hydra`` writes."""
    assert instantiate(OmegaConf.create(to_hydra(s)), _convert_=mode) == s


@pytest.mark.parametrize("s", SCHEDULES, ids=repr)
def test_convert_none_works_where_no_list_holds_schedules(s: Schedule) -> None:
    """Hydra's default mode gives lists as ``ListConfig``s (normalised to tuples); a list
    of schedules it turns into configs, which a node refuses saying what to do, or which
    OmegaConf itself refuses."""
    data = to_hydra(s)
    if not _holds_a_list_of_nodes(data):
        built = instantiate(OmegaConf.create(data), _convert_="none")
        assert built == s
        assert repr(built) == repr(s)
        return
    with pytest.raises(Exception) as info:  # noqa: PT011 (Hydra's or OmegaConf's own class)
        instantiate(OmegaConf.create(data), _convert_="none")
    text = str(info.value)
    assert "_convert_" in text or "Unsupported value type" in text, text


@settings(max_examples=40, deadline=None)
@given(trees)
def test_random_trees_through_yaml_and_instantiate(s: Schedule) -> None:
    text = yaml.safe_dump(to_hydra(s))
    assert instantiate(OmegaConf.create(text)) == s


HAND_WRITTEN = """
trainer:
  warmup: 100
  steps: 1000
  lr: 1.0e-3
schedule:
  _target_: lrsched.Phases
  _convert_: all
  phases:
    - _target_: lrsched.WithWarmup
      warmup: {_target_: lrsched.Warmup, steps: "${trainer.warmup}", start_lr: 0.0}
      schedule:
        _target_: lrsched.Cosine
        base_lr: ${trainer.lr}
        min_lr: 1.0e-5
        total_steps: 800
    - _target_: lrsched.Interpolate
      points: [[0, 1.0e-5], ["${trainer.warmup}", 0.0]]
      shape: linear
wsd:
  _target_: lrsched.WarmupStableDecay
  peak_lr: ${trainer.lr}
  min_lr: 0.0
  start_lr: 0.0
  warmup_steps: ${trainer.warmup}
  total_steps: ${trainer.steps}
  decay_fraction: 0.2
  decay_shape: 1-sqrt
steps:
  _target_: lrsched.MultiStep
  base_lr: ${trainer.lr}
  gamma: 0.1
  milestones: ["${trainer.steps}", 500]
"""

EXPECTED = {
    "schedule": (
        Warmup(steps=100, start_lr=0.0) >> Cosine(base_lr=1e-3, min_lr=1e-5, total_steps=800)
    )
    | Interpolate(points=((0, 1e-5), (100, 0.0)), shape="linear"),
    "wsd": WarmupStableDecay(
        peak_lr=1e-3,
        min_lr=0.0,
        start_lr=0.0,
        warmup_steps=100,
        total_steps=1000,
        decay_fraction=0.2,
        decay_shape="1-sqrt",
    ),
    "steps": MultiStep(base_lr=1e-3, gamma=0.1, milestones=(500, 1000)),
}


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_a_hand_written_config_with_interpolations(key: str) -> None:
    cfg = OmegaConf.create(HAND_WRITTEN)
    s = instantiate(cfg[key])
    assert s == EXPECTED[key]
    assert repr(s) == repr(EXPECTED[key])
    assert s(150) == EXPECTED[key](150)
    # Plain OmegaConf, no Hydra: resolve, convert, read (the _target_ form).
    assert from_dict(OmegaConf.to_container(cfg[key], resolve=True)) == EXPECTED[key]
    assert from_dict(cfg[key]) == EXPECTED[key]  # a DictConfig is a mapping


def test_interpolations_override_from_the_command_line() -> None:
    cfg = OmegaConf.merge(
        OmegaConf.create(HAND_WRITTEN), OmegaConf.from_dotlist(["trainer.warmup=10"])
    )
    s = instantiate(cfg.wsd)
    assert s.warmup_steps == 10
    assert s(10) == 1e-3


def test_the_dict_form_through_omegaconf() -> None:
    s = Warmup(steps=5, start_lr=0.0) >> Cosine(base_lr=1.0, min_lr=0.0, total_steps=20)
    cfg = OmegaConf.create({"schedule": s.to_dict()})
    assert from_dict(OmegaConf.to_container(cfg.schedule, resolve=True)) == s
    assert from_dict(cfg.schedule) == s


def test_list_configs_given_to_constructors_become_tuples() -> None:
    milestones = OmegaConf.create([30, 10])
    s = MultiStep(base_lr=1.0, gamma=0.5, milestones=milestones)
    assert s.milestones == (10, 30)
    assert type(s.milestones) is tuple
    points = OmegaConf.create([[0, 1.0], [10, 0.5]])
    i = Interpolate(points=points, shape="linear")
    assert i == Interpolate(points=((0, 1.0), (10, 0.5)), shape="linear")
    assert all(type(p) is tuple for p in i.points)
    assert lrsched.parse(repr(i)) == i


def test_a_missing_interpolation_is_reported() -> None:
    cfg = OmegaConf.create(
        {"_target_": "lrsched.MultiStep", "base_lr": 1.0, "gamma": 0.5, "milestones": ["${nope}"]}
    )
    with pytest.raises(Exception, match="nope"):
        instantiate(cfg)


def test_a_list_of_schedules_in_convert_none_says_to_convert() -> None:
    one = {"_target_": "lrsched.Constant", "lr": 1.0}
    data: dict[str, Any] = {
        "_target_": "lrsched.Phases",
        "phases": [
            {"_target_": "lrsched.Bounded", "steps": 3, "schedule": one},
            {"_target_": "lrsched.Constant", "lr": 0.5},
        ],
    }
    with pytest.raises(Exception, match=r"_convert_: all to the config node"):
        instantiate(data)
    assert instantiate({**data, "_convert_": "all"}) == Constant(lr=1.0)[:3] | Constant(lr=0.5)


def test_hydra_resolves_targets_only_by_import_and_from_dict_never() -> None:
    """``to_hydra`` names classes as ``lrsched.<Name>``, which Hydra imports; the same
    names are all ``from_dict`` accepts, and it accepts them without importing."""
    for s in SCHEDULES:
        for target in _targets(to_hydra(s)):
            assert hydra_utils.get_class(target) is getattr(lrsched, target.split(".")[1])


def _targets(data: object) -> list[str]:
    if isinstance(data, dict):
        return [data["_target_"], *(t for v in data.values() for t in _targets(v))]
    if isinstance(data, list):
        return [t for item in data for t in _targets(item)]
    return []
