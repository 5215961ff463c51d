"""Reference readers (Qiskit, pytket) used as oracles by the front-end and emitter tests.

Conventions: Qiskit's Statevector and jingu.simulate are both little endian (qubit 0 is
the least significant bit), so their vectors compare directly; pytket's get_unitary is
big endian (qubit 0 most significant), like jingu's gate_matrix_of.
"""

from __future__ import annotations

import functools

import numpy as np

SIMULABLE_QUBITS = 12


def qiskit_circuit(text: str):
    """Qiskit's reading of an OpenQASM 2 text (with the extended qelib1 gates)."""
    import qiskit.qasm2 as q2

    return q2.loads(text, custom_instructions=q2.LEGACY_CUSTOM_INSTRUCTIONS)


def qiskit_statevector(qc) -> np.ndarray:
    """The state a Qiskit circuit prepares from |0...0>, measurements and barriers dropped."""
    from qiskit.quantum_info import Statevector

    bare = qc.copy_empty_like()
    for inst in qc.data:
        if inst.operation.name not in ("measure", "barrier"):
            bare.append(inst)
    return np.asarray(Statevector(bare).data)


def simulable(circuit) -> bool:
    """Whether jingu's statevector semantics apply: small, no conditions, and resets only
    before any gate touches their qubit (where they do nothing)."""
    if circuit.num_qubits > SIMULABLE_QUBITS or circuit.cond_width.any():
        return False
    touched = set()
    for op in circuit:
        if op.name == "reset" and op.qubits[0] in touched:
            return False
        if op.name not in ("barrier", "measure"):
            touched.update(op.qubits)
    return True


def same_up_to_phase(a: np.ndarray, b: np.ndarray, atol: float = 1e-8) -> bool:
    a, b = np.asarray(a).ravel(), np.asarray(b).ravel()
    scale = np.linalg.norm(a) * np.linalg.norm(b)
    return bool(abs(abs(np.vdot(a, b)) / scale - 1) <= atol)


@functools.cache
def corpus_circuit(path):
    """jingu's reading of a corpus file, or the SourceError it raised (read once per test
    session: the front-end and emitter tests share it)."""
    from jingu.errors import SourceError
    from jingu.frontend import parse_file

    try:
        return parse_file(path)
    except SourceError as err:
        return err
