"""Classical conditions a static compiler can keep: measured bits with required values.

A circuit's condition compares one contiguous range of classical bits with a number.
OriginIR's ``QIF``/``QELSEIF``/``ELSE`` blocks and OpenQASM 3's nested ``if``/``else``
constrain bits one test at a time; they are collected as ``{bit: value}`` and turned into
that one comparison when they cover a contiguous range of bits, the only form the IR (and
OpenQASM 2) can express.  The front ends report the ``ValueError``s at the statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from jingu.circuit import Condition


def merge(constraints: Iterable[Mapping[int, int]]) -> dict[int, int]:
    """All the constraints together (an operation runs only if every one holds)."""
    out: dict[int, int] = {}
    for c in constraints:
        for bit, value in c.items():
            if out.get(bit, value) != value:
                raise ValueError(f"classical bit {bit} is required to be both 0 and 1 here, "
                                 f"so these operations can never run")
            out[bit] = value
    return out


def negate(constraint: Mapping[int, int]) -> dict[int, int]:
    """The constraint that holds exactly when ``constraint`` does not: a single bit's
    other value (the negation of a test on several bits is not one test)."""
    if len(constraint) != 1:
        raise ValueError("the else branch of a test on several bits is a disjunction, which "
                         "is not a single condition")
    (bit, value), = constraint.items()
    return {bit: 1 - value}


def from_register(cond: Condition) -> dict[int, int]:
    """A register comparison (``c == 5``) as per-bit constraints."""
    return {cond.start + k: (cond.value >> k) & 1 for k in range(cond.width)}


def to_condition(constraints: Mapping[int, int]) -> Condition | None:
    """The one comparison equal to ``constraints`` (None when there is none)."""
    if not constraints:
        return None
    bits = sorted(constraints)
    start, width = bits[0], bits[-1] - bits[0] + 1
    if width != len(bits):
        free = sorted(set(range(start, start + width)) - set(bits))
        raise ValueError(f"the test leaves classical bit(s) {', '.join(map(str, free))} free "
                         f"between the bits it tests, which a condition on one range of "
                         f"bits cannot express")
    value = sum(constraints[b] << (b - start) for b in bits)
    return Condition(start, width, value)
