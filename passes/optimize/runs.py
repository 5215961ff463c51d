"""What the optimisation passes share: per-operation facts as arrays, maximal runs of
one-qubit gates on a wire, maximal blocks of gates on a pair of qubits, and their matrices.

Everything is computed column-wise (numpy, or one numba call); the kernels live in
``kernels`` and load on first use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jingu.circuit import Circuit

from .matrices import fit, op_matrices


@dataclass
class OpFacts:
    """Per-operation facts of a circuit (arrays of length ``len(circuit)``)."""

    arity: np.ndarray
    unitary: np.ndarray  # a unitary gate (not an instruction)
    conditioned: np.ndarray
    symbolic: np.ndarray  # some parameter is an expression
    batch: np.ndarray  # numeric, unconditioned, with a matrix the batch path evaluates

    @property
    def plain(self) -> np.ndarray:
        """Unitary, unconditioned gates (numeric or symbolic)."""
        return self.unitary & ~self.conditioned


def op_facts(circuit: Circuit) -> OpFacts:
    table = circuit.gate_table
    n = len(circuit)
    unitary_g = np.array([g.is_unitary for g in table], dtype=bool)
    has_matrix = np.zeros(len(table), dtype=bool)
    for code in np.unique(circuit.opcodes).tolist():
        g = table[code]
        has_matrix[code] = g.is_unitary and g.num_qubits <= 2 and fit(g) is not None
    arity = np.diff(circuit.qubit_ptr).astype(np.int64)
    nparams = np.diff(circuit.param_ptr).astype(np.int64)
    owner = np.repeat(np.arange(n), nparams)
    symbolic = np.bincount(owner[circuit.param_expr >= 0], minlength=n)[:n] > 0
    unitary = unitary_g[circuit.opcodes]
    conditioned = circuit.cond_width > 0
    batch = unitary & ~conditioned & ~symbolic & has_matrix[circuit.opcodes] & (
        arity == np.array([g.num_qubits for g in table])[circuit.opcodes])
    return OpFacts(arity, unitary, conditioned, symbolic, batch)


@dataclass
class Groups:
    """Operations grouped (runs or blocks): group g is ``ops[ptr[g]:ptr[g+1]]``."""

    of: np.ndarray  # group of each op, -1 if none
    ptr: np.ndarray
    ops: np.ndarray

    def __len__(self) -> int:
        return len(self.ptr) - 1

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.ptr)

    @property
    def last(self) -> np.ndarray:
        """Each group's last op (groups are in circuit order inside)."""
        return self.ops[self.ptr[1:] - 1]

    def members(self, g: int) -> np.ndarray:
        return self.ops[self.ptr[g]:self.ptr[g + 1]]

    def select(self, picked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ptr, ops) of the groups ``picked`` only, concatenated (no loop over groups)."""
        picked = np.asarray(picked, dtype=np.int64)
        starts = self.ptr[picked]
        lens = self.ptr[picked + 1] - starts
        ptr = np.zeros(len(picked) + 1, np.int64)
        np.cumsum(lens, out=ptr[1:])
        return ptr, self.ops[np.repeat(starts - ptr[:-1], lens) + np.arange(int(ptr[-1]))]


def one_qubit_runs(circuit: Circuit, member: np.ndarray) -> tuple[Groups, np.ndarray]:
    """Maximal runs of ``member`` one-qubit ops on each wire, and each run's qubit."""
    from .kernels import one_qubit_runs as kernel

    of, ptr, ops, qubit = kernel(circuit.num_qubits, circuit.qubit_ptr, circuit.qubits,
                                 np.asarray(member, dtype=np.bool_))
    return Groups(of, ptr, ops), qubit


def two_qubit_blocks(circuit: Circuit, member: np.ndarray):
    """Maximal blocks on a pair of qubits (see ``kernels.two_qubit_blocks``): the groups
    and each block's pair (q0, q1)."""
    from .kernels import two_qubit_blocks as kernel

    _, prev_op = circuit.wire_links()
    of, ptr, ops, q0, q1 = kernel(circuit.num_qubits, circuit.qubit_ptr, circuit.qubits,
                                  prev_op, np.asarray(member, dtype=np.int8))
    return Groups(of, ptr, ops), q0, q1


class Matrices:
    """Matrices of chosen numeric ops: ``one[mat_of[i]]`` (2x2) for one-qubit ops and
    ``two[mat_of[i]]`` (4x4) for two-qubit ops."""

    def __init__(self, circuit: Circuit, ops: np.ndarray, arity: np.ndarray):
        ops = np.asarray(ops, dtype=np.int64)
        self.mat_of = np.full(len(circuit), -1, np.int64)
        one = ops[arity[ops] == 1]
        two = ops[arity[ops] == 2]
        self.mat_of[one] = np.arange(len(one))
        self.mat_of[two] = np.arange(len(two))
        self.one = op_matrices(circuit, one, 2)
        self.two = op_matrices(circuit, two, 4)
