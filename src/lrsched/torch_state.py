"""The plain-data state of ``lrsched.torch.ScheduleLR``, and reading it back.

``encode`` writes each schedule as its dict form (``to_dict``): nested dicts, lists,
strings and numbers, so a checkpoint names no lrsched class and opens with
``torch.load(weights_only=True)``, or where lrsched is not installed at all. ``decode``
rebuilds schedules with ``from_dict``, which validates them, and also takes the schedule
objects that lrsched 0.2.0 put in its states. No torch here.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from .core import validate
from .core.errors import ParameterTypeError, ParameterValueError, ScheduleChangedWarning
from .core.schedule import Schedule
from .forms.config import from_dict, to_dict

RESUME = ("saved", "given")


def encode(schedules: Sequence[Schedule], forms: dict[Schedule, dict[str, Any]]) -> list[Any]:
    """The dict form of each schedule; equal schedules share one dict (``forms``), so a
    checkpoint holds a schedule every group shares once."""
    out = []
    for schedule in schedules:
        if schedule not in forms:
            forms[schedule] = to_dict(schedule)
        out.append(forms[schedule])
    return out


def decode(
    name: str, data: object, groups: int, built: dict[int, Schedule]
) -> tuple[Schedule, ...]:
    """One schedule per param group from ``data``: dict forms, or 0.2.0's schedule objects.

    ``built`` maps the id of each dict already decoded to its schedule, so a dict that a
    checkpoint shares between groups is decoded once.
    """
    if isinstance(data, (str, bytes)) or not isinstance(data, Sequence):
        raise ParameterTypeError(
            f"{name} must be a list of schedules in dict form, got {validate.describe(data)}"
        )
    if len(data) != groups:
        raise ParameterValueError(
            f"{name} must hold one schedule per param group: got {len(data)} schedules for "
            f"{groups} param group{'s' if groups != 1 else ''}"
        )
    schedules = []
    for entry in data:
        if isinstance(entry, Schedule):
            schedules.append(entry)
        elif isinstance(entry, Mapping):
            if id(entry) not in built:
                built[id(entry)] = from_dict(entry)
            schedules.append(built[id(entry)])
        else:
            raise ParameterTypeError(
                f"{name} must be a list of schedules in dict form, got an entry "
                f"{validate.describe(entry)}"
            )
    return tuple(schedules)


def saved_plan(
    state: Mapping[str, Any], groups: int
) -> tuple[tuple[Schedule, ...], dict[str, tuple[Schedule, ...]]] | None:
    """The lr schedules and fields a state holds, or None if it holds no schedules.

    A state without ``fields`` (one written by 0.2.0) drives only the lr.
    """
    if "schedules" not in state:
        return None
    built: dict[int, Schedule] = {}
    lr = decode("state_dict['schedules']", state["schedules"], groups, built)
    raw = state.get("fields", {})
    if not isinstance(raw, Mapping) or not all(isinstance(k, str) for k in raw):
        raise ParameterTypeError(
            "state_dict['fields'] must map field names to lists of schedules, got "
            f"{validate.describe(raw)}"
        )
    fields = {
        name: decode(f"state_dict['fields'][{name!r}]", value, groups, built)
        for name, value in raw.items()
    }
    return lr, fields


def changes(
    given: tuple[tuple[Schedule, ...], Mapping[str, tuple[Schedule, ...]]],
    saved: tuple[tuple[Schedule, ...], Mapping[str, tuple[Schedule, ...]]],
) -> list[str]:
    """What differs between two plans, as ``lr of param group 1``, ``weight_decay``."""
    found = [
        f"lr of param group {i}"
        for i, (a, b) in enumerate(zip(given[0], saved[0], strict=True))
        if a != b
    ]
    for name in sorted({*given[1], *saved[1]}):
        if name not in saved[1]:
            found.append(f"{name} (not in the checkpoint)")
        elif name not in given[1]:
            found.append(f"{name} (only in the checkpoint)")
        elif given[1][name] != saved[1][name]:
            found.append(name)
    return found


def warn_changed(found: list[str], stacklevel: int = 2) -> None:
    """Say once that a resumed run follows the checkpoint's plan, not the given one."""
    shown = "; ".join(found[:5]) + (f"; and {len(found) - 5} more" if len(found) > 5 else "")
    warnings.warn(
        "ScheduleLR: the schedules of the checkpoint it loaded differ from the ones it was "
        f"built with ({shown}). Resuming with the checkpoint's schedules "
        "(resume='saved', the default); to continue with the schedules given to the "
        "constructor instead, build the ScheduleLR with resume='given'.",
        ScheduleChangedWarning,
        stacklevel=stacklevel,
    )
