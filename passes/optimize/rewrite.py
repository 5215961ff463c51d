"""Edits of a circuit collected by a pass and applied in one go, on the columns.

A pass marks operations to drop, changes parameters or qubits in place, and inserts new
operations before a given operation (or at the end).  ``build`` merges the kept columns
with the inserted ones in one kernel pass; Python's cost is per edit, not per gate.
Expressions no operation uses any more are pruned, so ``circuit.parameters`` stays exact.
"""

from __future__ import annotations

import math

import numpy as np

from jingu.circuit import Circuit, _ptr
from jingu.gates import GATES
from jingu.params import Expr

TWO_PI = 2.0 * math.pi


class Rewrite:
    """The edits of one circuit.  Positions are operation indices of the original."""

    def __init__(self, circuit: Circuit):
        self.circuit = circuit
        self.keep = np.ones(len(circuit), dtype=bool)
        self._params = self._param_expr = self._qubits = None  # copied on first use
        self.phase: float | Expr = 0.0
        self.final_layout = circuit.final_layout
        self.initial_layout = circuit.initial_layout
        self._table = circuit.gate_table  # a list once a gate is added
        self._codes = None
        self._exprs = list(circuit.expressions)
        self._expr_index = {e: i for i, e in enumerate(self._exprs)}
        # inserted rows: position, opcode, qubits, params (floats; NaN = expression)
        self._pos: list[int] = []
        self._code: list[int] = []
        self._nq: list[int] = []
        self._q: list[int] = []
        self._np: list[int] = []
        self._p: list[float] = []
        self._pe: list[int] = []
        self._batches: list[tuple] = []
        self.touched = False

    # -- the columns edited in place (copies of the circuit's, made on first use) --------
    @property
    def params(self) -> np.ndarray:
        if self._params is None:
            self._params = self.circuit.params.copy()
        return self._params

    @property
    def param_expr(self) -> np.ndarray:
        if self._param_expr is None:
            self._param_expr = self.circuit.param_expr.copy()
        return self._param_expr

    @property
    def qubits(self) -> np.ndarray:
        if self._qubits is None:
            self._qubits = self.circuit.qubits.copy()
        return self._qubits

    # -- edits ---------------------------------------------------------------------------
    def drop(self, ops) -> None:
        self.keep[ops] = False
        self.touched = True

    def add_phase(self, phase) -> None:
        if isinstance(phase, Expr) or phase:
            self.phase = self.phase + phase
            self.touched = True

    def opcode(self, name: str) -> int:
        if self._codes is None:
            from .runs import table_facts

            self._codes = dict(table_facts(self._table).codes)
        code = self._codes.get(name)
        if code is None:
            self._table = list(self._table) + [GATES[name]]
            code = self._codes[name] = len(self._table) - 1
        return code

    def _expr(self, e: Expr) -> int:
        idx = self._expr_index.get(e)
        if idx is None:
            idx = self._expr_index[e] = len(self._exprs)
            self._exprs.append(e)
        return idx

    def set_param(self, slot: int, value) -> None:
        """Parameter slot ``slot`` (an index into ``params``) becomes ``value``."""
        if isinstance(value, Expr):
            self.params[slot] = np.nan
            self.param_expr[slot] = self._expr(value)
        else:
            self.params[slot] = float(value)
            self.param_expr[slot] = -1
        self.touched = True

    def insert(self, pos: int, name: str, qubits, params=()) -> None:
        """A new operation before operation ``pos`` (``len(circuit)``: at the end)."""
        self._pos.append(int(pos))
        self._code.append(self.opcode(name))
        self._nq.append(len(qubits))
        self._q.extend(int(q) for q in qubits)
        self._np.append(len(params))
        for p in params:
            if isinstance(p, Expr):
                self._p.append(np.nan)
                self._pe.append(self._expr(p))
            else:
                self._p.append(float(p))
                self._pe.append(-1)
        self.touched = True

    def insert_many(self, pos, name: str, qubits, params) -> None:
        """Numeric operations of one gate at once: ``qubits`` (m, arity), ``params``
        (m, num_params)."""
        pos = np.asarray(pos, dtype=np.int64)
        if not len(pos):
            return
        qubits = np.asarray(qubits, dtype=np.int32).reshape(len(pos), -1)
        params = np.asarray(params, dtype=np.float64)
        params = params.reshape(len(pos), -1) if params.size else np.zeros((len(pos), 0))
        self._batches.append((pos, self.opcode(name), qubits, params))
        self.touched = True

    def relabel_inserted(self, owner, partner, bound, after: bool) -> None:
        """On inserted ops after (``after``) or before position ``bound[owner[q]]``,
        qubit q becomes ``partner[q]`` (q with ``owner[q] < 0`` stays)."""

        def relabel(pos, qubits):
            b = owner[qubits]
            safe = np.maximum(b, 0)
            side = pos > bound[safe] if after else pos < bound[safe]
            sel = (b >= 0) & side
            qubits[sel] = partner[qubits[sel]]

        if self._pos:
            qs = np.array(self._q, np.int64)
            relabel(np.repeat(np.array(self._pos, np.int64), self._nq), qs)
            self._q = qs.tolist()
        for pos, _, qs, _ in self._batches:
            relabel(np.repeat(pos, qs.shape[1]), qs.reshape(-1))

    # -- result --------------------------------------------------------------------------
    def _inserted(self):
        """Columns of all inserted ops: (pos, opcode, qubit_ptr, qubits, param_ptr,
        params, param_expr)."""
        parts = [(np.array(self._pos, np.int64), np.array(self._code, np.int16),
                  np.array(self._nq, np.int64), np.array(self._q, np.int32),
                  np.array(self._np, np.int64), np.array(self._p, np.float64),
                  np.array(self._pe, np.int32))]
        for pos, code, qs, ps in self._batches:
            m = len(pos)
            parts.append((pos, np.full(m, code, np.int16), np.full(m, qs.shape[1], np.int64),
                          qs.reshape(-1), np.full(m, ps.shape[1], np.int64), ps.reshape(-1),
                          np.full(ps.size, -1, np.int32)))
        pos, code, nq, qs, npar, ps, pes = (np.concatenate(cols) for cols in zip(*parts))
        return pos, code, _ptr(nq.astype(np.int32)), qs, _ptr(npar.astype(np.int32)), ps, pes

    def build(self) -> Circuit:
        from .kernels import merge_columns

        c = self.circuit
        if not self.touched and (self._qubits is None or np.array_equal(self._qubits,
                                                                         c.qubits)):
            return c
        pos, code, qptr, qs, pptr, ps, pes = self._inserted()
        order = np.argsort(pos, kind="stable")
        (opcodes, qubit_ptr, qubits, param_ptr, params, param_expr, clbit_ptr, clbits,
         cond_start, cond_width, cond_value) = merge_columns(
            self.keep, c.opcodes, c.qubit_ptr, self._or(self._qubits, c.qubits), c.param_ptr,
            self._or(self._params, c.params), self._or(self._param_expr, c.param_expr),
            c.clbit_ptr, c.clbits, c.cond_start, c.cond_width, c.cond_value, order, pos, code,
            qptr, qs, pptr, ps, pes)
        expressions, param_expr = self._pruned(param_expr)
        phase = c.global_phase + self.phase
        if not isinstance(phase, Expr):
            phase = math.remainder(float(phase), TWO_PI)
        return c.replace(
            opcodes=opcodes, qubit_ptr=qubit_ptr, qubits=qubits, param_ptr=param_ptr,
            params=params, param_expr=param_expr, clbit_ptr=clbit_ptr, clbits=clbits,
            cond_start=cond_start, cond_width=cond_width, cond_value=cond_value,
            gate_table=tuple(self._table), expressions=expressions, global_phase=phase,
            initial_layout=self.initial_layout, final_layout=self.final_layout)

    @staticmethod
    def _or(edited, original):
        return original if edited is None else edited

    def _pruned(self, param_expr: np.ndarray):
        """Expressions still in use (in first-use order) and the re-indexed column."""
        used = param_expr >= 0
        if not used.any():
            return (), param_expr
        idx = param_expr[used]
        _, first = np.unique(idx, return_index=True)
        keep = idx[np.sort(first)]
        remap = np.full(len(self._exprs), -1, np.int32)
        remap[keep] = np.arange(len(keep), dtype=np.int32)
        out = param_expr.copy()
        out[used] = remap[idx]
        return tuple(self._exprs[k] for k in keep.tolist()), out


def _gather(ptr: np.ndarray, values: np.ndarray, order: np.ndarray):
    """(ptr, values) of variable-length rows taken in ``order``."""
    lens = np.diff(ptr)[order]
    out_ptr = np.zeros(len(order) + 1, np.int32)
    np.cumsum(lens, out=out_ptr[1:])
    idx = np.repeat(ptr[order].astype(np.int64) - out_ptr[:-1], lens) + np.arange(out_ptr[-1])
    return out_ptr, values[idx]


def reorder(circuit: Circuit, order: np.ndarray) -> Circuit:
    """The circuit with its operations taken in ``order`` (a permutation of their
    indices); the caller vouches that the new order means the same."""
    order = np.asarray(order, dtype=np.int64)
    qubit_ptr, qubits = _gather(circuit.qubit_ptr, circuit.qubits, order)
    param_ptr, params = _gather(circuit.param_ptr, circuit.params, order)
    _, param_expr = _gather(circuit.param_ptr, circuit.param_expr, order)
    clbit_ptr, clbits = _gather(circuit.clbit_ptr, circuit.clbits, order)
    return circuit.replace(
        opcodes=circuit.opcodes[order], qubit_ptr=qubit_ptr, qubits=qubits,
        param_ptr=param_ptr, params=params, param_expr=param_expr, clbit_ptr=clbit_ptr,
        clbits=clbits, cond_start=circuit.cond_start[order],
        cond_width=circuit.cond_width[order], cond_value=circuit.cond_value[order])
