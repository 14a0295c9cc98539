"""Pickles written opcode by opcode, as a stranger's checkpoint could be written.

``pickle.dumps`` only writes what an object's ``__reduce__`` asks for; these helpers write
any opcode sequence, to test what a loader does with pickles lrsched never writes.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable

PROTO = b"\x80\x02"
MARK, STOP, NONE = b"(", b".", b"N"
EMPTY_TUPLE, EMPTY_DICT = b")", b"}"
TUPLE, TUPLE1, TUPLE2, SETITEM, SETITEMS = b"t", b"\x85", b"\x86", b"s", b"u"
NEWOBJ, NEWOBJ_EX, REDUCE, BUILD, OBJ = b"\x81", b"\x92", b"R", b"b", b"o"
PUT, GET = b"q", b"h"  # BINPUT / BINGET: the memo, one byte of index


def global_(module: str, name: str) -> bytes:
    return b"c" + f"{module}\n{name}\n".encode()


def inst(module: str, name: str) -> bytes:
    """Protocol 0's INST: MARK, arguments, then the class named inline."""
    return b"i" + f"{module}\n{name}\n".encode()


def text(value: str) -> bytes:
    data = value.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def number(value: float) -> bytes:
    if isinstance(value, int):
        return b"J" + struct.pack("<i", value)
    return b"G" + struct.pack(">d", value)


def mapping(items: dict[str, float]) -> bytes:
    body = b"".join(text(key) + number(value) for key, value in items.items())
    return EMPTY_DICT + MARK + body + SETITEMS


def forge(*parts: bytes | Iterable[bytes]) -> bytes:
    flat = b"".join(p if isinstance(p, bytes) else b"".join(p) for p in parts)
    return PROTO + flat + STOP


def doubling_phases(levels: int) -> bytes:
    """Phases of (x, x) where x is the chain of the level before, by memo reference:
    2**levels phases from a pickle of a few bytes per level."""
    restore, phases = global_("lrsched", "_restore"), global_("lrsched", "Phases")
    constant = global_("lrsched", "Constant")
    leaf = b"".join([restore, constant, mapping({"lr": 1.0}), TUPLE2, REDUCE])
    bounded = [restore, global_("lrsched", "Bounded"), EMPTY_DICT, MARK, text("schedule")]
    body = [*bounded, leaf, text("steps"), number(1), SETITEMS, TUPLE2, REDUCE, PUT, b"\x00"]
    # Level n: Phases(phases=(x, x)) with x the memoised chain of level n - 1. The
    # globals and the key are written once and memoised (torch's loader has no POP).
    for level in range(levels):
        if level == 0:
            body += [restore, PUT, b"\xfa", phases, PUT, b"\xfb", EMPTY_DICT]
            body += [text("phases"), PUT, b"\xfc"]
        else:
            body += [GET, b"\xfa", GET, b"\xfb", EMPTY_DICT, GET, b"\xfc"]
        body += [GET, bytes([level]), GET, bytes([level]), TUPLE2, SETITEM]
        body += [TUPLE2, REDUCE, PUT, bytes([level + 1])]
    return forge(body)
