"""Measurements: what they make invisible, and where they can go.

Diagonal gates right before measurement are invisible: removing them changes the
state only by a phase per measured basis state.

A diagonal gate (rz, p, cz, crz, ...) is removed when on each of its qubits nothing but
diagonal gates (which all commute with it) stands between it and a measurement of that
qubit.  This keeps every measurement's statistics but not
the statevector, which the pass declares (``preserves = "measurement"``) so that checks
compare measurement probabilities instead of states.  Barriers are respected: a gate
before a barrier stays.

A measurement followed on its content by nothing but routing swaps can move to the end of
the circuit, measuring the qubit the swaps leave the content on (defer-measurements): a
measurement commutes with swaps once its qubits are relabelled.  Taken out of the way,
it no longer splits the swaps from the gates before them.
"""

from __future__ import annotations

import numpy as np

from jingu.circuit import Circuit
from jingu.passmanager import Pass

from .matrices import ZTYPE
from .rewrite import Rewrite, reorder
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
    table = facts.table
    codes = circuit.opcodes
    role = np.zeros(n, np.int8)
    role[table.measure[codes] & ~facts.conditioned] = 1
    if not (role == 1).any():
        return circuit
    whole = facts.whole
    candidates = whole & table.unitary[codes] & (table.num_qubits[codes] > 0)
    # diagonal: so declared, or commuting with Z on every operand
    not_z = facts.slot_op[(facts.types & ZTYPE) == 0]
    diagonal = candidates.copy()
    diagonal[not_z] = False
    diagonal |= candidates & table.diagonal[codes]
    role[diagonal] = 2
    keep = diagonal_before_measure(circuit.num_qubits, circuit.qubit_ptr, circuit.qubits, role)
    if keep.all():
        return circuit
    out = Rewrite(circuit)
    out.drop(~keep)
    return out.build()


class DeferMeasurements(Pass):
    """Move final measurements past the routing swaps to the end of the circuit.

    A measurement whose content only swaps touch afterwards (its clbit unused later) is
    taken where those swaps leave the content, at the end; the swaps around it can then
    merge with the gates before them (cz . swap needs two CZ, not four).  Run it on a
    routed circuit before translation, while swaps are still swap gates.
    """

    name = "defer-measurements"
    preserves = "measurement"

    def run(self, circuit: Circuit, ctx) -> Circuit:
        return defer_measurements(circuit)


def defer_measurements(circuit: Circuit) -> Circuit:
    from jingu.gates import GATES

    from .kernels import deferrable_measurements

    n = len(circuit)
    if not n:
        return circuit
    facts = op_facts(circuit)
    table = facts.table
    codes = circuit.opcodes
    nclbits = np.diff(circuit.clbit_ptr)
    role = np.zeros(n, np.int8)
    role[(codes == table.code(GATES["swap"])) & facts.whole] = 1
    role[table.measure[codes] & ~facts.conditioned & (facts.arity == 1) & (nclbits == 1)] = 2
    if not (role == 2).any():
        return circuit
    movable, qubit_at_end = deferrable_measurements(
        circuit.num_qubits, circuit.num_clbits, circuit.qubit_ptr, circuit.qubits,
        circuit.clbit_ptr, circuit.clbits, circuit.cond_start, circuit.cond_width, role)
    moved = np.nonzero(movable)[0]
    stay = np.nonzero(~movable)[0]
    order = np.concatenate([stay, moved])
    qubits = circuit.qubits.copy()
    qubits[circuit.qubit_ptr[moved]] = qubit_at_end[moved]
    if np.array_equal(order, np.arange(n)) and np.array_equal(qubits, circuit.qubits):
        return circuit
    return reorder(circuit.replace(qubits=qubits), order)
