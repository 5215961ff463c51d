"""Diagonal gates right before measurement are invisible: removing them changes the
state only by a phase per measured basis state.

A diagonal gate (rz, p, cz, crz, ...) is removed when on each of its qubits nothing but
diagonal gates (which all commute with it) stands between it and a measurement of that
qubit.  This keeps every measurement's statistics but not
the statevector, which the pass declares (``preserves = "measurement"``) so that checks
compare measurement probabilities instead of states.  Barriers are respected: a gate
before a barrier stays.
"""

from __future__ import annotations

import numpy as np

from jingu.circuit import Circuit
from jingu.passmanager import Pass

from .matrices import ZTYPE, gate_types
from .rewrite import Rewrite
from .runs import op_facts


class RemoveDiagonalBeforeMeasure(Pass):
    """Remove diagonal gates whose qubits are measured next (keeps statistics, not state).

    A gate (rz, cz, p, ...) goes when only other diagonal gates stand between it and a
    measurement on each of its qubits.
    """

    name = "remove-diagonal-before-measure"
    #: what this pass keeps of the circuit's meaning: the measurement statistics
    preserves = "measurement"

    def run(self, circuit: Circuit, ctx) -> Circuit:
        return remove_diagonal_before_measure(circuit)


def remove_diagonal_before_measure(circuit: Circuit) -> Circuit:
    from .kernels import diagonal_before_measure

    n = len(circuit)
    if not n:
        return circuit
    facts = op_facts(circuit)
    table = circuit.gate_table
    measure_g = np.array([g.kind == "measure" for g in table], dtype=bool)
    diagonal_g = np.array(
        [g.is_unitary and g.num_qubits > 0
         and (g.diagonal or all(t & ZTYPE for t in gate_types(g))) for g in table],
        dtype=bool)
    role = np.zeros(n, np.int8)
    codes = circuit.opcodes
    role[measure_g[codes] & ~facts.conditioned] = 1
    gate_arity = np.array([g.num_qubits for g in table])[codes]
    role[diagonal_g[codes] & facts.plain & (facts.arity == gate_arity)] = 2
    if not (role == 1).any():
        return circuit
    keep = diagonal_before_measure(circuit.num_qubits, circuit.qubit_ptr, circuit.qubits, role)
    if keep.all():
        return circuit
    out = Rewrite(circuit)
    out.drop(~keep)
    return out.build()
