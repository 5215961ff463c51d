"""Unrolling: program-defined gates and wide gates become library gates of few qubits."""

from __future__ import annotations

import numpy as np

from jingu.circuit import Circuit, CircuitBuilder
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
        expand = np.array([_needs_expansion(g, self.max_qubits) for g in circuit.gate_table])
        if not expand[circuit.opcodes].any():
            return circuit
        out = CircuitBuilder(circuit.num_qubits, circuit.num_clbits, name=circuit.name,
                             qregs=circuit.qregs, cregs=circuit.cregs)
        out.global_phase = circuit.global_phase
        out.initial_layout, out.final_layout = circuit.initial_layout, circuit.final_layout
        table = _gates_by_name(circuit)
        for op in circuit:
            self._emit(out, table[op.name], op.qubits, op.params, op.clbits, op.condition)
        return out.build()

    def _emit(self, out: CircuitBuilder, gate, qubits, params, clbits, condition) -> None:
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


def _gates_by_name(circuit: Circuit) -> dict:
    return {g.name: g for g in circuit.gate_table}


def _needs_expansion(gate, max_qubits: int) -> bool:
    if gate.body is not None or GATES.get(gate.name) is not gate:
        return True
    return gate.is_unitary and gate.num_qubits > max_qubits
