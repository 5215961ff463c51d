"""Checks that a compiled circuit keeps its program's meaning (used by audit mode).

The simulation itself lives in ``jingu.simulate``; this module is the audit's entry point so
the pass manager does not depend on simulator internals.
"""

from __future__ import annotations

from .circuit import Circuit
from .simulate import MAX_VERIFY_QUBITS, same_action as _same_action

#: audits skip circuits whose simulation would touch more qubits than this
AUDIT_MAX_QUBITS = 12


def same_action(before: Circuit, after: Circuit, preserves: str = "unitary") -> bool:
    """True when ``after`` acts like ``before`` on the program's qubits (only in its
    measurement statistics when ``preserves == "measurement"``), or when the circuits
    cannot be checked by statevector (too wide, conditioned, resets mid-circuit)."""
    if max(_width(before), _width(after)) > min(AUDIT_MAX_QUBITS, MAX_VERIFY_QUBITS):
        return True
    if before.cond_width.any() or after.cond_width.any():
        return True
    if {"reset"} & (set(before.count_ops()) | set(after.count_ops())):
        return True
    return _same_action(before, after, measurement_only=preserves == "measurement")


def _width(circuit: Circuit) -> int:
    from .simulate import _touched

    layout = circuit.initial_layout
    return len(set(_touched(circuit).tolist()) | set([] if layout is None else layout.tolist()))
