"""When each operation starts: as soon as possible (ASAP) or as late as possible (ALAP).

Scheduling is done on operations, not on single channels: an operation holds every
channel of its qubits (and a CZ its coupler's) for its whole duration, and operations on
a qubit keep their circuit order.  That is stricter than channel exclusivity (a readout
and a later drive of the same qubit never overlap, which the data dependence demands
anyway) and it makes the schedule a simple longest-path computation, done by a numba
kernel in one pass.  Durations are whole multiples of the grid, so every start is on it.
ALAP schedules the reversed circuit ASAP and mirrors it: same total duration, every
operation as late as its successors allow.
"""

from __future__ import annotations

import numpy as np

from jingu.errors import InputError

POLICIES = ("asap", "alap")


def schedule_ops(num_qubits: int, qubit_ptr: np.ndarray, qubits: np.ndarray,
                 durations: np.ndarray, is_barrier: np.ndarray, policy: str = "asap"
                 ) -> tuple[np.ndarray, int]:
    """Start of every operation (samples) and the total duration."""
    if policy not in POLICIES:
        raise InputError(f"unknown schedule policy '{policy}'; use asap or alap")
    from .kernels import schedule_asap

    start, total = schedule_asap(num_qubits, np.asarray(qubit_ptr, np.int64),
                                 np.asarray(qubits, np.int64),
                                 np.asarray(durations, np.int64),
                                 np.asarray(is_barrier, np.bool_), policy == "alap")
    return start, int(total)
