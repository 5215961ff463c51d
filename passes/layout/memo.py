"""Facts derived from a target, computed once per target object.

A Target is never mutated, so whatever a pass derives from it alone (a dense region of
some size, the paths of a piece, ...) stays valid for as long as the target lives.  Entries
hold the target itself, so an ``id`` is never reused while its entry exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_MEMO: dict[tuple, tuple[object, object]] = {}
_MAX_ENTRIES = 256


def per_target(target, key: tuple, build: Callable[[], T]) -> T:
    """``build()``, memoised per (target object, key)."""
    full = (id(target),) + key
    hit = _MEMO.get(full)
    if hit is not None and hit[0] is target:
        return hit[1]  # type: ignore[return-value]
    if len(_MEMO) >= _MAX_ENTRIES:
        _MEMO.clear()
    value = build()
    _MEMO[full] = (target, value)
    return value
