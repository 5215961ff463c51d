"""numba kernels over the Circuit's columns (imported on first use, never by ``import jingu``)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def depth_kernel(num_qubits, num_clbits, qubit_ptr, qubits, clbit_ptr, clbits, cond_start,
                 cond_width, counted):
    """Longest path of counted operations; qubits, clbits and conditions all order ops."""
    qlevel = np.zeros(num_qubits, np.int64)
    clevel = np.zeros(max(num_clbits, 1), np.int64)
    best = 0
    for i in range(len(qubit_ptr) - 1):
        lvl = 0
        for k in range(qubit_ptr[i], qubit_ptr[i + 1]):
            lvl = max(lvl, qlevel[qubits[k]])
        for k in range(clbit_ptr[i], clbit_ptr[i + 1]):
            lvl = max(lvl, clevel[clbits[k]])
        for c in range(cond_start[i], cond_start[i] + cond_width[i]):
            lvl = max(lvl, clevel[c])
        if counted[i]:
            lvl += 1
        for k in range(qubit_ptr[i], qubit_ptr[i + 1]):
            qlevel[qubits[k]] = lvl
        for k in range(clbit_ptr[i], clbit_ptr[i + 1]):
            clevel[clbits[k]] = lvl
        best = max(best, lvl)
    return best


@njit(cache=True)
def wire_links_kernel(num_qubits, qubit_ptr, qubits):
    """next_op/prev_op per operand slot: the DAG along each qubit wire."""
    m = len(qubits)
    next_op = np.full(m, -1, np.int64)
    prev_op = np.full(m, -1, np.int64)
    last_slot = np.full(num_qubits, -1, np.int64)
    last_op = np.full(num_qubits, -1, np.int64)
    for i in range(len(qubit_ptr) - 1):
        for k in range(qubit_ptr[i], qubit_ptr[i + 1]):
            q = qubits[k]
            if last_slot[q] >= 0:
                next_op[last_slot[q]] = i
            prev_op[k] = last_op[q]
            last_slot[q] = k
            last_op[q] = i
    return next_op, prev_op
