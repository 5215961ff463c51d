"""Unrolling: program-defined gates and wide gates become library gates of few qubits."""

from __future__ import annotations

import numpy as np
from jingu.circuit import Circuit, CircuitBuilder, gather_rows
from jingu.errors import CompileError
from jingu.gates import GATES
from jingu.params import Expr
from jingu.passes.equivalence import cheapest_decomposition
from jingu.passmanager import Pass


class Unroll(Pass):
    """Inline program-defined gates and decompose library gates wider than max_qubits.

    The result uses only library gates, so later passes never meet a program's own gate
    names.  Wide gates take the rule that is cheapest in CZ (ancilla-free multi-controlled
    constructions, not the library's reference rules); global phase is tracked exactly.
    """

    name = "unroll"
    guarantees = {"unrolled"}
    max_qubits: int = 2

    def run(self, circuit: Circuit, ctx) -> Circuit:
        table = circuit.gate_table
        expand_g = np.array([_needs_expansion(g, self.max_qubits) for g in table])
        expanded = np.nonzero(expand_g[circuit.opcodes])[0]
        if not len(expanded):
            return circuit
        return self._expand(circuit, expanded)

    def _expand(self, circuit: Circuit, expanded: np.ndarray) -> Circuit:
        """Each expanded op becomes the rows of its template (its leaf gates over operand
        positions, built once per distinct gate and parameters); the output's columns are
        then gathered in one go, so the cost per operation is a dictionary lookup."""
        pool = CircuitBuilder(64)  # every distinct template's rows, over operand positions
        known, phases, which = {}, [], np.empty(len(expanded), np.int64)
        bounds = [0]
        table = circuit.gate_table
        for k, i in enumerate(expanded.tolist()):
            code = int(circuit.opcodes[i])
            params = circuit.op_params(i)
            t = known.get((code, params))
            if t is None:
                t = known[code, params] = len(phases)
                phases.append(self._template(pool, table[code], params))
                bounds.append(len(pool))
            which[k] = t
        return _assemble(circuit, expanded, which, np.asarray(bounds, np.int64), pool.build(),
                         phases)

    def _template(self, pool: CircuitBuilder, gate, params):
        """Append ``gate(params)``'s leaf rows on operand positions 0..k-1; its phase."""
        pool.global_phase = 0.0
        self._emit(pool, gate, tuple(range(gate.num_qubits)), params, (), None)
        return pool.global_phase

    def _emit(self, out, gate, qubits, params, clbits, condition) -> None:
        if not _needs_expansion(gate, self.max_qubits):
            out.append(gate.name, qubits, params, clbits, condition)
            return
        if gate.body is not None:
            body = gate.body
            mapping = dict(zip(gate.param_names, params))
            table = _gates_by_name(body)
            for op in body:
                sub = tuple(p.substitute(mapping) if isinstance(p, Expr) else p
                            for p in op.params)
                self._emit(out, table[op.name], tuple(qubits[q] for q in op.qubits),
                           sub, (), condition)
            phase = body.global_phase
            out.global_phase = out.global_phase + (
                phase.substitute(mapping) if isinstance(phase, Expr) else phase)
            return
        if gate.rule is None:
            raise CompileError(f"gate '{gate.name}' has no definition (opaque), so it cannot "
                               f"be compiled; define it with a gate body")
        if GATES.get(gate.name) is gate:
            steps, phase = cheapest_decomposition(gate.name, params, self.max_qubits)
        else:  # a program's gate given by a rule (e.g. a wide multi-controlled X)
            steps, phase = gate.decompose(params)
        out.global_phase = out.global_phase + phase
        for name, positions, ps in steps:
            self._emit(out, GATES[name], tuple(qubits[p] for p in positions), ps, (),
                       condition)


def _assemble(circuit: Circuit, expanded: np.ndarray, which: np.ndarray, bounds: np.ndarray,
              pool: Circuit, phases: list) -> Circuit:
    """The unrolled circuit: op i's rows are itself, or (when expanded) its template's pool
    rows with operand positions read through op i's qubits and op i's condition."""
    n = len(circuit)
    template = np.full(n, -1, np.int64)
    template[expanded] = which
    from_pool = template >= 0
    counts = np.ones(n, np.int64)
    counts[expanded] = bounds[which + 1] - bounds[which]
    op = np.repeat(np.arange(n), counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    pooled = from_pool[op]
    pool_row = np.where(pooled, bounds[np.maximum(template[op], 0)] + np.arange(len(op)) - first,
                        -1)
    own_row = np.where(pooled, -1, op)

    names = {g.name: i for i, g in enumerate(circuit.gate_table)}
    table = list(circuit.gate_table)
    pool_code = np.empty(len(pool.gate_table), np.int64)
    for j, g in enumerate(pool.gate_table):
        if g.name not in names:
            names[g.name] = len(table)
            table.append(g)
        pool_code[j] = names[g.name]
    opcodes = np.where(pooled, pool_code[pool.opcodes[np.maximum(pool_row, 0)]],
                       circuit.opcodes[np.maximum(own_row, 0)])

    def column(ptr, values, pool_ptr, pool_values, map_pool=None):
        """Rows from the input and from the pool (disjoint per row), merged in row order."""
        ptr_a, vals_a = gather_rows(ptr, values, own_row)
        ptr_b, vals_b = gather_rows(pool_ptr, pool_values, pool_row)
        if map_pool is not None:
            vals_b = map_pool(vals_b, np.repeat(op, np.diff(ptr_b)))
        out = np.empty(len(vals_a) + len(vals_b), values.dtype)
        out[np.arange(len(vals_a)) + np.repeat(ptr_b[:-1], np.diff(ptr_a))] = vals_a
        out[np.arange(len(vals_b)) + np.repeat(ptr_a[:-1], np.diff(ptr_b))] = vals_b
        return (ptr_a + ptr_b).astype(np.int32), out

    def operand(positions, owner):
        return circuit.qubits[circuit.qubit_ptr[owner] + positions]

    offset = len(circuit.expressions)
    qubit_ptr, qubits = column(circuit.qubit_ptr, circuit.qubits, pool.qubit_ptr, pool.qubits,
                               operand)
    param_ptr, params = column(circuit.param_ptr, circuit.params, pool.param_ptr, pool.params)
    _, param_expr = column(circuit.param_ptr, circuit.param_expr, pool.param_ptr,
                           pool.param_expr,
                           lambda e, _owner: np.where(e >= 0, e + offset, -1).astype(e.dtype))
    clbit_ptr, clbits = gather_rows(circuit.clbit_ptr, circuit.clbits, own_row)
    phase = circuit.global_phase
    for t, uses in enumerate(np.bincount(which, minlength=len(phases)).tolist()):
        if uses and (isinstance(phases[t], Expr) or phases[t]):
            phase = phase + phases[t] * uses
    used = np.zeros(len(table), bool)
    used[opcodes] = True
    keep = [i for i, g in enumerate(table) if used[i] or GATES.get(g.name) is g]
    recode = np.full(len(table), -1, np.int64)
    recode[keep] = np.arange(len(keep))
    return circuit.replace(
        opcodes=recode[opcodes].astype(np.int16), qubit_ptr=qubit_ptr,
        qubits=qubits.astype(np.int32), param_ptr=param_ptr, params=params,
        param_expr=param_expr.astype(np.int32), clbit_ptr=clbit_ptr.astype(np.int32),
        clbits=clbits.astype(np.int32), cond_start=circuit.cond_start[op].astype(np.int32),
        cond_width=circuit.cond_width[op].astype(np.int32),
        cond_value=circuit.cond_value[op].astype(np.int64),
        gate_table=tuple(table[i] for i in keep),
        expressions=tuple(circuit.expressions) + tuple(pool.expressions),
        global_phase=phase)


def _gates_by_name(circuit: Circuit) -> dict:
    return {g.name: g for g in circuit.gate_table}


def _needs_expansion(gate, max_qubits: int) -> bool:
    if gate.body is not None or GATES.get(gate.name) is not gate:
        return True
    return gate.is_unitary and gate.num_qubits > max_qubits
