"""What the optimisation passes share: facts of a gate table (computed once per table),
per-operation facts as arrays, maximal runs of one-qubit gates on a wire, maximal blocks
of gates on a pair of qubits, and their matrices.

Everything is computed column-wise (numpy, or one numba call); the kernels live in
``kernels`` and load on first use.  A pass's fixed cost matters as much as its cost per
gate (the optimisation loop runs several passes on circuits of a few dozen gates), so
nothing here loops over the gate table or the operations in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jingu.circuit import Circuit

from .matrices import fit, op_matrices


class TableFacts:
    """Facts of a circuit's gate table, one entry per opcode (arrays indexed by opcode).

    Passes read them for every circuit they see; a table is a tuple of the library's
    gates plus the program's, so the facts are computed once per distinct table (see
    ``table_facts``).  Facts that need a gate's matrix are filled in for an opcode the
    first time a circuit uses it (``learn``): ``matrix`` (a unitary of at most two qubits
    the batch path evaluates), ``types`` (per operand, ZTYPE / XTYPE bits) and symmetry.
    """

    def __init__(self, table):
        self.table = table
        self.unitary = np.array([g.kind == "unitary" for g in table], dtype=bool)
        self.num_qubits = np.array([g.num_qubits for g in table], dtype=np.int64)
        self.num_params = np.array([g.num_params for g in table], dtype=np.int64)
        self.diagonal = np.array([g.diagonal for g in table], dtype=bool) & self.unitary
        self.measure = np.array([g.kind == "measure" for g in table], dtype=bool)
        self.transparent = np.array([g.kind in ("barrier", "delay") for g in table], dtype=bool)
        self.barrier = np.array([g.kind == "barrier" for g in table], dtype=bool)
        self.names = tuple(g.name for g in table)
        self.codes = {name: i for i, name in enumerate(self.names)}
        width = max(1, int(self.num_qubits.max(initial=1)))
        self.matrix = np.zeros(len(table), dtype=bool)
        self._symmetric = np.zeros(len(table), dtype=bool)
        self.types = np.zeros((len(table), width), dtype=np.int64)
        self._known = np.zeros(len(table), dtype=bool)
        self._bases: dict = {}

    def in_basis(self, basis) -> np.ndarray:
        """Per opcode: the library gate of that name, and named in ``basis`` (a set)."""
        basis = basis if isinstance(basis, frozenset) else frozenset(basis)
        hit = self._bases.get(basis)
        if hit is None:
            from jingu.gates import GATES

            hit = self._bases[basis] = np.array(
                [g.name in basis and GATES.get(g.name) is g for g in self.table], dtype=bool)
        return hit

    def code(self, gate) -> int:
        """The opcode of the library gate ``gate`` in this table (-1 if absent)."""
        i = self.codes.get(gate.name, -1)
        return i if i >= 0 and self.table[i] is gate else -1

    def learn(self, codes: np.ndarray) -> None:
        """Fill in the matrix facts of the opcodes ``codes`` (once per opcode)."""
        from .matrices import gate_types, is_symmetric

        if self._known[codes].all():
            return
        todo = np.unique(codes)
        todo = todo[~self._known[todo]]
        for code in todo.tolist():
            g = self.table[code]
            self.matrix[code] = g.is_unitary and g.num_qubits <= 2 and fit(g) is not None
            t = gate_types(g)
            self.types[code, :len(t)] = t
            self._symmetric[code] = is_symmetric(g)
            self._known[code] = True

    def symmetric(self, codes: np.ndarray) -> np.ndarray:
        """Per opcode in ``codes``: a two-qubit gate equal to itself with its operands
        exchanged."""
        self.learn(codes)
        return self._symmetric[codes]


_TABLES: dict = {}
#: distinct gate tables kept (a compile sees a handful)
_TABLE_CACHE = 64


def table_facts(table) -> TableFacts:
    """The (cached) ``TableFacts`` of a gate table.  Keyed by the gates' identities; the
    cache holds the table, so an identity cannot be reused while its entry lives."""
    key = tuple(map(id, table))
    hit = _TABLES.get(key)
    if hit is None:
        if len(_TABLES) >= _TABLE_CACHE:
            _TABLES.pop(next(iter(_TABLES)))
        hit = _TABLES[key] = TableFacts(tuple(table))
    return hit


@dataclass
class OpFacts:
    """Per-operation facts of a circuit (arrays of length ``len(circuit)``), and per
    operand slot the commutation types and the operation."""

    arity: np.ndarray
    unitary: np.ndarray  # a unitary gate (not an instruction)
    conditioned: np.ndarray
    symbolic: np.ndarray  # some parameter is an expression
    batch: np.ndarray  # numeric, unconditioned, with a matrix the batch path evaluates
    whole: np.ndarray  # unconditioned unitary on its gate's number of qubits
    types: np.ndarray  # per slot: ZTYPE / XTYPE bits of the gate there (whole ops only)
    slot_op: np.ndarray  # per slot: its operation
    table: TableFacts
    codes: np.ndarray  # the opcodes

    @property
    def plain(self) -> np.ndarray:
        """Unitary, unconditioned gates (numeric or symbolic)."""
        return self.unitary & ~self.conditioned


def op_facts(circuit: Circuit) -> OpFacts:
    """The facts of every operation, in one kernel pass over the columns."""
    from .kernels import op_facts as kernel

    table = table_facts(circuit.gate_table)
    codes = circuit.opcodes
    table.learn(codes)
    arity, unitary, conditioned, symbolic, batch, whole, types, slot_op = kernel(
        codes, circuit.qubit_ptr, circuit.param_ptr, circuit.param_expr, circuit.cond_width,
        table.unitary, table.num_qubits, table.matrix, table.types)
    return OpFacts(arity, unitary, conditioned, symbolic, batch, whole, types, slot_op, table,
                   codes)


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


def two_qubit_blocks(circuit: Circuit, member: np.ndarray, types: np.ndarray | None = None):
    """Maximal blocks on a pair of qubits (see ``kernels.two_qubit_blocks``): the groups
    and each block's pair (q0, q1).  With ``types`` (per operand slot), two-qubit ops that
    commute with a block on the qubit they share do not end it."""
    from .kernels import two_qubit_blocks as kernel

    next_op, prev_op = circuit.wire_links()
    commute = types is not None
    if types is None:
        types = np.zeros(len(circuit.qubits), np.int64)
    of, ptr, ops, q0, q1 = kernel(circuit.num_qubits, circuit.qubit_ptr, circuit.qubits,
                                  next_op, prev_op, np.asarray(member, dtype=np.int8),
                                  types, commute)
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
