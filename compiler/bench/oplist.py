"""A compiled program handed from a compiler's worker to the harness without going through
text: instruction columns in the compiler's own gate names, plus the compiler's own matrix
for the first few instances of every gate.

Writing a compiler's result as OpenQASM and reading it back costs more than most compiles
(jingu's front end reads some 20k operations a second) and fails where a compiler's writer
cannot express its own result (Qiskit's conditional blocks, pytket's single-bit conditions).
Walking the compiler's in-memory circuit is exact and takes microseconds per operation.

The harness then maps every name onto jingu's gate library (``to_circuit``) and checks the
mapping on the samples: jingu's matrix at the converted parameters must equal the compiler's
matrix up to a global phase.  A name with no library gate becomes an opaque gate of that
name, so the validity check reports it as a non-native gate and the simulator refuses it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..circuit import Circuit, Register, _ptr
from ..gates import GATES, LIBRARY, Gate

#: distinct parameter sets sampled per gate name
SAMPLES_PER_GATE = 3
#: tolerance of the sample check (entries of unitaries, from the same float parameters)
MATRIX_TOL = 1e-8


@dataclass
class OpList:
    """Instruction columns of one compiled program, in the compiler's gate names.

    ``names[codes[i]]`` is operation i's gate; qubits, parameters and clbits are ragged
    columns like ``Circuit``'s; operation ``cond_ops[k]`` runs only when its condition
    ``cond[k]`` = (first clbit, width, value) holds, the others always.  ``samples[name]``
    lists (parameters, matrix) pairs from the compiler's own gate library, the matrix with
    the first operand most significant (jingu's convention).
    Parameters are in the compiler's units (``to_circuit`` scales them).
    """

    num_qubits: int
    num_clbits: int
    names: tuple[str, ...]
    codes: np.ndarray
    qubit_ptr: np.ndarray
    qubits: np.ndarray
    param_ptr: np.ndarray
    params: np.ndarray
    clbit_ptr: np.ndarray
    clbits: np.ndarray
    cond_ops: np.ndarray  # int32[k]
    cond: np.ndarray  # int64[k, 3]
    cregs: tuple[tuple[str, int, int], ...] = ()
    global_phase: float = 0.0
    samples: dict[str, list[tuple[tuple[float, ...], np.ndarray]]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.codes)

    @classmethod
    def from_circuit(cls, circuit: Circuit) -> OpList:
        """A jingu Circuit in this form (jingu's names; samples from its own gate table)."""
        samples: dict[str, list] = {}
        for code in np.unique(circuit.opcodes).tolist():
            gate = circuit.gate_table[code]
            if not gate.is_unitary or _is_opaque(gate):
                continue
            for i in np.flatnonzero(circuit.opcodes == code)[:64].tolist():
                params = circuit.op_params(i)
                if all(isinstance(p, float) for p in params):  # symbolic: no matrix
                    add_sample(samples, gate.name, params, lambda g=gate, p=params: g.matrix(p))
        cond_ops = np.flatnonzero(circuit.cond_width).astype(np.int32)
        cond = np.stack([circuit.cond_start[cond_ops], circuit.cond_width[cond_ops],
                         circuit.cond_value[cond_ops]]).T.astype(np.int64).reshape(-1, 3)
        try:
            phase = float(circuit.global_phase)
        except TypeError:  # symbolic
            phase = 0.0
        return cls(circuit.num_qubits, circuit.num_clbits,
                   tuple(g.name for g in circuit.gate_table),
                   circuit.opcodes.astype(np.int32), circuit.qubit_ptr, circuit.qubits,
                   circuit.param_ptr, circuit.params, circuit.clbit_ptr, circuit.clbits,
                   cond_ops, cond,
                   tuple((r.name, r.start, r.size) for r in circuit.cregs), phase, samples)


def add_sample(samples: dict, name: str, params: Sequence[float],
               matrix: Callable[[], np.ndarray | None], limit: int = SAMPLES_PER_GATE) -> bool:
    """Keep ``matrix()`` as a sample of ``name`` in ``samples`` while ``name`` has fewer than
    ``limit`` samples and none at these ``params``.  False once no more are wanted: the
    samples are complete, or ``matrix()`` is None (the compiler has no matrix for it)."""
    have = samples.setdefault(name, [])
    if len(have) >= limit:
        return False
    key = tuple(float(p) for p in params)
    if any(k == key for k, _ in have):
        return True
    m = matrix()
    if m is None:
        return False
    have.append((key, np.asarray(m, dtype=complex)))
    return len(have) < limit


class OpListBuilder:
    """Collects a compiler's operations in the worker (a few list appends per operation)."""

    def __init__(self, num_qubits: int, num_clbits: int,
                 cregs: Sequence[tuple[str, int, int]] = (),
                 samples_per_gate: int = SAMPLES_PER_GATE):
        self.num_qubits = num_qubits
        self.num_clbits = num_clbits
        self.cregs = tuple((str(n), int(s), int(z)) for n, s, z in cregs)
        self.global_phase = 0.0
        self.samples: dict[str, list] = {}
        self._per_gate = samples_per_gate
        self._code: dict[str, int] = {}
        self._codes: list[int] = []
        self._nq: list[int] = []
        self._q: list[int] = []
        self._np: list[int] = []
        self._p: list[float] = []
        self._nc: list[int] = []
        self._c: list[int] = []
        self._cond_ops: list[int] = []
        self._cond: list[tuple[int, int, int]] = []
        self._full: set[str] = set()  # names that want no more samples

    def append(self, name: str, qubits: Sequence[int], params: Sequence[float] = (),
               clbits: Sequence[int] = (), condition: tuple[int, int, int] | None = None,
               matrix: Callable[[], np.ndarray] | None = None) -> None:
        """One operation; ``matrix()`` gives the compiler's matrix of this very operation
        (first operand most significant) and is called only while ``name`` needs samples."""
        code = self._code.get(name)
        if code is None:
            code = self._code[name] = len(self._code)
        if condition is not None:
            self._cond_ops.append(len(self._codes))
            self._cond.append(tuple(int(x) for x in condition))
        self._codes.append(code)
        self._nq.append(len(qubits))
        self._q.extend(qubits)
        self._np.append(len(params))
        self._p.extend(params)
        self._nc.append(len(clbits))
        self._c.extend(clbits)
        if (matrix is not None and name not in self._full
                and not add_sample(self.samples, name, params, matrix, self._per_gate)):
            self._full.add(name)

    def build(self) -> OpList:
        return OpList(
            self.num_qubits, self.num_clbits, tuple(self._code),
            np.array(self._codes, dtype=np.int32),
            _ptr(np.array(self._nq, dtype=np.int32)), np.array(self._q, dtype=np.int32),
            _ptr(np.array(self._np, dtype=np.int32)), np.array(self._p, dtype=np.float64),
            _ptr(np.array(self._nc, dtype=np.int32)), np.array(self._c, dtype=np.int32),
            np.array(self._cond_ops, dtype=np.int32),
            np.array(self._cond, dtype=np.int64).reshape(-1, 3), self.cregs,
            float(self.global_phase), self.samples)


def reverse_operands(matrix: np.ndarray) -> np.ndarray:
    """A gate matrix with its operand order reversed (a little-endian matrix, first operand
    least significant, into jingu's convention, and back)."""
    m = np.asarray(matrix)
    k = round(math.log2(m.shape[0]))
    if k < 2:
        return m
    order = list(range(k))[::-1]
    return m.reshape([2] * 2 * k).transpose(order + [k + j for j in order]).reshape(m.shape)


def same_up_to_phase(a: np.ndarray, b: np.ndarray, tol: float = MATRIX_TOL) -> bool:
    if a.shape != b.shape:
        return False
    k = int(np.argmax(np.abs(b)))
    if abs(b.flat[k]) < tol:
        return False
    phase = a.flat[k] / b.flat[k]
    return abs(abs(phase) - 1) < tol and np.allclose(a, phase * b, atol=tol)


def _is_opaque(gate: Gate) -> bool:
    return gate.matrix_fn is None and gate.rule is None and gate.body is None


def opaque_gates(circuit: Circuit) -> list[str]:
    """Names of unitary gates of ``circuit`` that nothing can simulate (a compiler's gate
    jingu does not know)."""
    table = circuit.gate_table
    return [table[c].name for c in np.unique(circuit.opcodes).tolist()
            if table[c].is_unitary and _is_opaque(table[c])]


def to_circuit(ops: OpList, names: Mapping[str, tuple[str, float]] | None = None) -> Circuit:
    """jingu's Circuit of ``ops``: each compiler name through ``names`` (compiler name ->
    (library gate, factor on every parameter)), else as itself when the library has it,
    else an opaque gate.  ValueError when an operation does not fit its gate or a sample
    disagrees with jingu's matrix."""
    names = names or {}
    table: list[Gate] = list(LIBRARY)
    index = {g.name: i for i, g in enumerate(table)}
    n = len(ops.codes)
    nq = np.diff(ops.qubit_ptr)
    npar = np.diff(ops.param_ptr)
    ncl = np.diff(ops.clbit_ptr)
    opcode_of = np.zeros(max(len(ops.names), 1), dtype=np.int16)
    scale_of = np.ones(max(len(ops.names), 1))
    present = np.bincount(ops.codes, minlength=len(ops.names)) if n else np.zeros(
        len(ops.names), dtype=np.int64)
    for code, name in enumerate(ops.names):
        if not present[code]:
            continue
        rows = ops.codes == code
        mapped, scale = names.get(name, (name, 1.0))
        gate = GATES.get(mapped)
        shapes = _shapes(nq[rows], npar[rows], ncl[rows])
        if gate is None:
            if name in names:
                raise ValueError(f"'{name}' is mapped to '{mapped}', which jingu does not have")
            if len(shapes) != 1:
                raise ValueError(f"the compiler's '{name}' comes with differing operand counts")
            (k, p, c), = shapes
            gate = Gate(name, k, p, num_clbits=c, doc="a compiler's gate jingu does not know")
            table.append(gate)
            index[name] = len(table) - 1
        else:
            want = (gate.num_params, gate.num_clbits)
            bad = [s for s in shapes if (s[1], s[2]) != want
                   or (not gate.variadic and s[0] != gate.num_qubits)]
            if bad:
                k, p, c = bad[0]
                raise ValueError(f"the compiler's '{name}' on {k} qubit(s) with {p} "
                                 f"parameter(s) and {c} clbit(s) does not fit jingu's "
                                 f"'{gate.name}'")
            if gate.is_unitary:
                _verify(name, gate, scale, ops.samples.get(name, ()))
        opcode_of[code] = index[gate.name]
        scale_of[code] = scale
    params = ops.params.astype(np.float64, copy=True)
    if n and np.any(scale_of != 1.0):
        params *= np.repeat(scale_of[ops.codes], npar)
    if n and len(ops.qubits) and (ops.qubits.min() < 0 or ops.qubits.max() >= ops.num_qubits):
        raise ValueError(f"a qubit index is outside 0..{ops.num_qubits - 1}")
    if n and len(ops.clbits) and (ops.clbits.min() < 0 or ops.clbits.max() >= ops.num_clbits):
        raise ValueError(f"a clbit index is outside 0..{ops.num_clbits - 1}")
    cond = np.zeros((n, 3), dtype=np.int64)
    if len(ops.cond_ops):
        c = ops.cond.reshape(-1, 3)
        if np.any((c[:, 1] < 1) | (c[:, 0] < 0) | (c[:, 0] + c[:, 1] > ops.num_clbits)):
            raise ValueError("a condition reads clbits the program does not have")
        cond[ops.cond_ops] = c
    return Circuit(
        num_qubits=ops.num_qubits, num_clbits=ops.num_clbits,
        opcodes=opcode_of[ops.codes] if n else np.zeros(0, dtype=np.int16),
        qubit_ptr=ops.qubit_ptr.astype(np.int32), qubits=ops.qubits.astype(np.int32),
        param_ptr=ops.param_ptr.astype(np.int32), params=params,
        param_expr=np.full(len(params), -1, dtype=np.int32),
        clbit_ptr=ops.clbit_ptr.astype(np.int32), clbits=ops.clbits.astype(np.int32),
        cond_start=cond[:, 0].astype(np.int32), cond_width=cond[:, 1].astype(np.int32),
        cond_value=cond[:, 2].astype(np.int64), gate_table=tuple(table),
        qregs=(Register("q", 0, ops.num_qubits),),
        cregs=tuple(Register(*r) for r in ops.cregs),
        global_phase=float(ops.global_phase), name="compiled")


def _shapes(*columns: np.ndarray) -> list[tuple[int, ...]]:
    """The distinct rows of equal-length integer columns (one row when all agree)."""
    if all(c.min() == c.max() for c in columns):
        return [tuple(int(c[0]) for c in columns)]
    return [tuple(r) for r in np.unique(np.stack(columns, 1), axis=0).tolist()]


def _verify(name: str, gate: Gate, scale: float, samples) -> None:
    if not samples:
        raise ValueError(f"no matrix of the compiler's '{name}' to check it against jingu's "
                         f"'{gate.name}'")
    for params, matrix in samples:
        mine = gate.matrix(tuple(p * scale for p in params))
        if not same_up_to_phase(matrix, mine):
            shown = ", ".join(f"{p:.6g}" for p in params)
            raise ValueError(f"the compiler's '{name}({shown})' is not jingu's "
                             f"'{gate.name}' (matrices differ)")
