"""The columnar circuit IR.

Operations live in numpy arrays so that numba kernels can walk them without Python
objects: ``opcodes[i]`` names the gate, its qubits are ``qubits[qubit_ptr[i]:qubit_ptr[i+1]]``,
its parameters ``params[param_ptr[i]:param_ptr[i+1]]`` and its classical bits likewise
through ``clbit_ptr``.  A parameter slot whose ``param_expr`` entry is not -1 is symbolic: its
value comes from ``expressions[param_expr[j]]`` when the circuit is bound.  A condition is a
range of classical bits compared with an integer (``cond_start``, ``cond_width``,
``cond_value``; width 0 means unconditioned).

A Circuit is treated as immutable: passes build a new one with ``CircuitBuilder`` (or
``Circuit.from_arrays``).  ``for op in circuit`` is a read-only Python view for plugin authors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, NamedTuple, Sequence

import numpy as np

from .gates import GATES, LIBRARY, Gate
from .params import Expr


class Register(NamedTuple):
    name: str
    start: int
    size: int


class Condition(NamedTuple):
    """The operation runs when the classical bits [start, start+width) read ``value``."""

    start: int
    width: int
    value: int


class Operation(NamedTuple):
    """A read-only view of one operation (made on demand; not stored)."""

    name: str
    qubits: tuple[int, ...]
    params: tuple
    clbits: tuple[int, ...] = ()
    condition: Condition | None = None

    @property
    def gate(self) -> Gate | None:
        """The library gate of this name (None for a program-defined gate)."""
        return GATES.get(self.name)


def _ptr(counts: np.ndarray) -> np.ndarray:
    ptr = np.zeros(len(counts) + 1, dtype=np.int32)
    np.cumsum(counts, out=ptr[1:])
    return ptr


_TABLE_FLAGS: dict[int, tuple] = {}


def table_flags(table: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(is unitary, is barrier) per entry of a gate table, computed once per table object:
    metrics run after every pass, and most circuits of a compile share one table."""
    hit = _TABLE_FLAGS.get(id(table))
    if hit is not None and hit[0] is table:
        return hit[1]
    flags = (np.array([g.is_unitary for g in table], dtype=bool),
             np.array([g.kind == "barrier" for g in table], dtype=bool))
    if len(_TABLE_FLAGS) > 512:
        _TABLE_FLAGS.clear()
    _TABLE_FLAGS[id(table)] = (table, flags)
    return flags


def gather_rows(ptr: np.ndarray, values: np.ndarray, rows: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """The ragged rows ``rows`` of a (ptr, values) column, in that order, as a new
    (ptr, values) pair; a row index of -1 gives an empty row.  Vectorised: passes that
    reorder, repeat or drop operations gather their qubits, params and clbits with it."""
    rows = np.asarray(rows, dtype=np.int64)
    safe = np.where(rows >= 0, rows, 0)
    counts = np.where(rows >= 0, ptr[safe + 1] - ptr[safe], 0)
    new_ptr = _ptr(counts.astype(np.int32))
    idx = np.repeat(ptr[safe].astype(np.int64) - new_ptr[:-1], counts) + np.arange(int(new_ptr[-1]))
    return new_ptr, values[idx]


@dataclass(eq=False)
class Circuit:
    num_qubits: int
    num_clbits: int
    opcodes: np.ndarray  # int16[n]
    qubit_ptr: np.ndarray  # int32[n+1]
    qubits: np.ndarray  # int32[...]
    param_ptr: np.ndarray  # int32[n+1]
    params: np.ndarray  # float64[...] (NaN where symbolic)
    param_expr: np.ndarray  # int32[...] (-1 or index into expressions)
    clbit_ptr: np.ndarray  # int32[n+1]
    clbits: np.ndarray  # int32[...]
    cond_start: np.ndarray  # int32[n]
    cond_width: np.ndarray  # int32[n]
    cond_value: np.ndarray  # int64[n]
    gate_table: tuple[Gate, ...] = LIBRARY
    expressions: tuple[Expr, ...] = ()
    qregs: tuple[Register, ...] = ()
    cregs: tuple[Register, ...] = ()
    global_phase: float | Expr = 0.0
    name: str = "circuit"
    #: virtual -> physical qubit, set by layout / routing passes
    initial_layout: np.ndarray | None = None
    final_layout: np.ndarray | None = None

    # -- sizes -----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.opcodes)

    @property
    def num_ops(self) -> int:
        return len(self.opcodes)

    # -- per-op access ---------------------------------------------------------------
    def gate(self, i: int) -> Gate:
        return self.gate_table[self.opcodes[i]]

    def op_qubits(self, i: int) -> tuple[int, ...]:
        return tuple(self.qubits[self.qubit_ptr[i] : self.qubit_ptr[i + 1]].tolist())

    def op_params(self, i: int) -> tuple:
        lo, hi = self.param_ptr[i], self.param_ptr[i + 1]
        out = []
        for j in range(lo, hi):
            e = self.param_expr[j]
            out.append(self.expressions[e] if e >= 0 else float(self.params[j]))
        return tuple(out)

    def op_clbits(self, i: int) -> tuple[int, ...]:
        return tuple(self.clbits[self.clbit_ptr[i] : self.clbit_ptr[i + 1]].tolist())

    def op_condition(self, i: int) -> Condition | None:
        w = int(self.cond_width[i])
        if w == 0:
            return None
        return Condition(int(self.cond_start[i]), w, int(self.cond_value[i]))

    def operation(self, i: int) -> Operation:
        return Operation(
            self.gate(i).name, self.op_qubits(i), self.op_params(i), self.op_clbits(i),
            self.op_condition(i),
        )

    def __iter__(self) -> Iterator[Operation]:
        names = [g.name for g in self.gate_table]
        ops = self.opcodes.tolist()
        qptr, qs = self.qubit_ptr.tolist(), self.qubits.tolist()
        pptr = self.param_ptr.tolist()
        cptr, cs = self.clbit_ptr.tolist(), self.clbits.tolist()
        has_sym = bool(len(self.expressions))
        pvals = self.params.tolist()
        widths = self.cond_width
        for i, code in enumerate(ops):
            lo, hi = pptr[i], pptr[i + 1]
            params = self.op_params(i) if has_sym else tuple(pvals[lo:hi])
            cond = self.op_condition(i) if widths[i] else None
            yield Operation(names[code], tuple(qs[qptr[i] : qptr[i + 1]]), params,
                            tuple(cs[cptr[i] : cptr[i + 1]]), cond)

    # -- symbolic parameters -----------------------------------------------------------
    @property
    def parameters(self) -> tuple[str, ...]:
        """Names of the symbolic inputs, sorted."""
        names: set[str] = set()
        for e in self.expressions:
            names |= e.symbols
        if isinstance(self.global_phase, Expr):
            names |= self.global_phase.symbols
        return tuple(sorted(names))

    def bound_params(self, values: Mapping[str, object]) -> np.ndarray:
        """Parameter column(s) for the given inputs.

        With scalar values the result has the shape of ``params``; with arrays of length k
        it is (k, len(params)): one row per angle set, computed with one vectorised
        evaluation per expression.
        """
        sizes = {np.size(v) for v in values.values()} or {1}
        batch = any(np.ndim(v) > 0 for v in values.values())
        k = max(sizes)
        out = np.broadcast_to(self.params, (k, len(self.params))).copy()
        for idx, expr in enumerate(self.expressions):
            cols = np.nonzero(self.param_expr == idx)[0]
            if len(cols):
                val = np.asarray(expr.evaluate(values), dtype=float)
                out[:, cols] = val.reshape(-1, 1) if val.ndim else val
        return out if batch else out[0]

    def bind(self, values: Mapping[str, float]) -> "Circuit":
        """A copy with every symbolic parameter replaced by its value."""
        missing = set(self.parameters) - set(values)
        if missing:
            from .errors import InputError

            raise InputError(f"no value given for parameter(s): {', '.join(sorted(missing))}")
        phase = self.global_phase
        if isinstance(phase, Expr):
            phase = float(phase.evaluate(values))
        return self.replace(
            params=self.bound_params(values), param_expr=np.full(len(self.params), -1, np.int32),
            expressions=(), global_phase=phase,
        )

    def replace(self, **changes) -> "Circuit":
        from dataclasses import replace

        return replace(self, **changes)

    # -- derived structure ---------------------------------------------------------------
    def count_ops(self) -> dict[str, int]:
        counts = np.bincount(self.opcodes, minlength=len(self.gate_table))
        return {self.gate_table[i].name: int(c) for i, c in enumerate(counts) if c}

    def arity(self) -> np.ndarray:
        return np.diff(self.qubit_ptr)

    def two_qubit_count(self) -> int:
        unitary, _ = table_flags(self.gate_table)
        return int(np.count_nonzero((self.arity() == 2) & unitary[self.opcodes]))

    def depth(self, two_qubit_only: bool = False) -> int:
        """Circuit depth (barriers excluded); with ``two_qubit_only`` counts only gates on
        two or more qubits (the two-qubit depth)."""
        from .kernels import depth_kernel

        unitary, barrier = table_flags(self.gate_table)
        counted = ~barrier[self.opcodes]
        if two_qubit_only:
            counted &= (self.arity() >= 2) & unitary[self.opcodes]
        return int(depth_kernel(self.num_qubits, self.num_clbits, self.qubit_ptr, self.qubits,
                                self.clbit_ptr, self.clbits, self.cond_start, self.cond_width,
                                counted))

    def wire_links(self) -> tuple[np.ndarray, np.ndarray]:
        """Per-operand next/previous operation on the same qubit (-1 at the ends): the DAG
        as arrays, built in O(n).  ``next_op[k]`` belongs to operand slot k of ``qubits``."""
        from .kernels import wire_links_kernel

        return wire_links_kernel(self.num_qubits, self.qubit_ptr, self.qubits)

    def to_networkx(self):
        """The dependency DAG as a networkx.DiGraph (nodes are op indices; edges carry the
        qubit or clbit that orders them)."""
        import networkx as nx

        g = nx.DiGraph()
        g.add_nodes_from(range(len(self)))
        last_q: dict[int, int] = {}
        last_c: dict[int, int] = {}
        for i in range(len(self)):
            qs = self.op_qubits(i)
            if self.gate(i).kind == "barrier" and not qs:
                qs = tuple(range(self.num_qubits))
            for q in qs:
                if q in last_q:
                    g.add_edge(last_q[q], i, wire=("q", q))
                last_q[q] = i
            cond = self.op_condition(i)
            cbits = list(self.op_clbits(i))
            if cond:
                cbits += range(cond.start, cond.start + cond.width)
            for c in cbits:
                if c in last_c:
                    g.add_edge(last_c[c], i, wire=("c", c))
                last_c[c] = i
        return g

    def __repr__(self) -> str:
        return (f"<Circuit '{self.name}': {self.num_qubits} qubits, {self.num_clbits} clbits, "
                f"{len(self)} ops>")

    # -- construction ------------------------------------------------------------------
    @classmethod
    def empty(cls, num_qubits: int, num_clbits: int = 0, **kw) -> "Circuit":
        return CircuitBuilder(num_qubits, num_clbits, **kw).build()

    def copy_empty(self, **changes) -> "CircuitBuilder":
        """A builder with this circuit's registers, gate table and layouts, and no ops."""
        b = CircuitBuilder(self.num_qubits, self.num_clbits, name=self.name,
                           gate_table=self.gate_table, qregs=self.qregs, cregs=self.cregs)
        b.global_phase = self.global_phase
        b.initial_layout = self.initial_layout
        b.final_layout = self.final_layout
        for k, v in changes.items():
            setattr(b, k, v)
        return b


class CircuitBuilder:
    """Appends operations into growing columns and freezes them into a ``Circuit``.

    Appending costs a few list appends per operation; there are no per-gate objects.
    """

    def __init__(self, num_qubits: int = 0, num_clbits: int = 0, *, name: str = "circuit",
                 gate_table: Sequence[Gate] = LIBRARY, qregs: Iterable[Register] = (),
                 cregs: Iterable[Register] = ()):
        self.num_qubits = num_qubits
        self.num_clbits = num_clbits
        self.name = name
        self.gate_table = list(gate_table)
        self._opcode = {g.name: i for i, g in enumerate(self.gate_table)}
        self.qregs = list(qregs)
        self.cregs = list(cregs)
        self.global_phase: float | Expr = 0.0
        self.initial_layout = None
        self.final_layout = None
        self._ops: list[int] = []
        self._nq: list[int] = []
        self._q: list[int] = []
        self._np: list[int] = []
        self._p: list[float] = []
        self._pe: list[int] = []
        self._nc: list[int] = []
        self._c: list[int] = []
        self._cond: list[tuple[int, int, int]] = []
        self._has_cond = False
        self._exprs: list[Expr] = []
        self._expr_index: dict[Expr, int] = {}

    # -- registers and gates ---------------------------------------------------------
    def add_qreg(self, name: str, size: int) -> Register:
        reg = Register(name, self.num_qubits, size)
        self.qregs.append(reg)
        self.num_qubits += size
        return reg

    def add_creg(self, name: str, size: int) -> Register:
        reg = Register(name, self.num_clbits, size)
        self.cregs.append(reg)
        self.num_clbits += size
        return reg

    def register_gate(self, gate: Gate) -> int:
        """Add a program-defined gate to this circuit's table; returns its opcode.

        A library gate's name is never rebound: a name means one gate everywhere in jingu.
        """
        if gate.name in self._opcode:
            idx = self._opcode[gate.name]
            if self.gate_table[idx] is gate:
                return idx
            if GATES.get(gate.name) is self.gate_table[idx]:
                raise ValueError(f"'{gate.name}' is a library gate and cannot be redefined")
            self.gate_table[idx] = gate
            return idx
        self.gate_table.append(gate)
        self._opcode[gate.name] = len(self.gate_table) - 1
        return self._opcode[gate.name]

    def opcode(self, name: str) -> int:
        return self._opcode[name]

    def has_gate(self, name: str) -> bool:
        return name in self._opcode

    # -- appending -------------------------------------------------------------------
    def append(self, gate: str | int, qubits: Sequence[int], params: Sequence = (),
               clbits: Sequence[int] = (), condition: Condition | None = None) -> None:
        code = gate if isinstance(gate, int) else self._opcode[gate]
        self._ops.append(code)
        self._nq.append(len(qubits))
        self._q.extend(qubits)
        self._np.append(len(params))
        for p in params:
            if isinstance(p, Expr):
                idx = self._expr_index.get(p)
                if idx is None:
                    idx = self._expr_index[p] = len(self._exprs)
                    self._exprs.append(p)
                self._p.append(np.nan)
                self._pe.append(idx)
            else:
                self._p.append(p)
                self._pe.append(-1)
        self._nc.append(len(clbits))
        if clbits:
            self._c.extend(clbits)
        if condition is not None:
            if not self._has_cond:
                self._cond = [(0, 0, 0)] * (len(self._ops) - 1)
                self._has_cond = True
            self._cond.append(tuple(condition))
        elif self._has_cond:
            self._cond.append((0, 0, 0))

    def extend(self, ops: Iterable[Operation]) -> None:
        for op in ops:
            self.append(op.name, op.qubits, op.params, op.clbits, op.condition)

    def append_circuit(self, circuit: Circuit, qubit_map: Sequence[int] | None = None,
                       clbit_map: Sequence[int] | None = None) -> None:
        """Append every operation of ``circuit`` (gate tables must agree by name)."""
        for op in circuit:
            qs = op.qubits if qubit_map is None else tuple(qubit_map[q] for q in op.qubits)
            cs = op.clbits if clbit_map is None else tuple(clbit_map[c] for c in op.clbits)
            cond = op.condition
            if cond is not None and clbit_map is not None:
                cond = Condition(clbit_map[cond.start], cond.width, cond.value)
            if not self.has_gate(op.name):
                self.register_gate(next(g for g in circuit.gate_table if g.name == op.name))
            self.append(op.name, qs, op.params, cs, cond)
        self.global_phase = self.global_phase + circuit.global_phase

    def __len__(self) -> int:
        return len(self._ops)

    def build(self) -> Circuit:
        n = len(self._ops)
        if self._has_cond:
            cond = np.array(self._cond, dtype=np.int64).reshape(n, 3)
        else:
            cond = np.zeros((n, 3), dtype=np.int64)
        return Circuit(
            num_qubits=self.num_qubits,
            num_clbits=self.num_clbits,
            opcodes=np.array(self._ops, dtype=np.int16),
            qubit_ptr=_ptr(np.array(self._nq, dtype=np.int32)),
            qubits=np.array(self._q, dtype=np.int32),
            param_ptr=_ptr(np.array(self._np, dtype=np.int32)),
            params=np.array(self._p, dtype=np.float64),
            param_expr=np.array(self._pe, dtype=np.int32),
            clbit_ptr=_ptr(np.array(self._nc, dtype=np.int32)),
            clbits=np.array(self._c, dtype=np.int32),
            cond_start=cond[:, 0].astype(np.int32),
            cond_width=cond[:, 1].astype(np.int32),
            cond_value=cond[:, 2].copy(),
            gate_table=tuple(self.gate_table),
            expressions=tuple(self._exprs),
            qregs=tuple(self.qregs),
            cregs=tuple(self.cregs),
            global_phase=self.global_phase,
            name=self.name,
            initial_layout=self.initial_layout,
            final_layout=self.final_layout,
        )
