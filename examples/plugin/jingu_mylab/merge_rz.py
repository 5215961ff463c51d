"""merge-rz: one rz per wire between non-diagonal gates.

On superconducting chips rz is a virtual frame change, but every rz still costs a line in
the output and an instruction in the control stack.  rz commutes with every diagonal gate
(cz, rzz, cp, s, t, ...), so all the rz between two non-diagonal operations of a wire add
up to a single rotation, placed where the next non-diagonal operation needs it.
"""

from __future__ import annotations

import math

from jingu.api import Circuit, Expr, Pass, PassContext

#: |angle| below this is no rotation at all
TOLERANCE = 1e-12


class MergeRz(Pass):
    """Merge the rz rotations of each wire, moving them through diagonal gates.

    All rz on a wire between two non-diagonal operations become one rz (placed just before
    the later one, or at the end of the wire); a total that is a multiple of 2*pi vanishes
    and its sign goes into the global phase.  Measurements, resets, barriers, delays and
    conditioned operations stop the merging, so the pass never moves a rotation across
    them.  Symbolic angles are added symbolically.
    """

    name = "merge-rz"
    api_version = 1
    #: False: only rz that are directly adjacent on a wire are merged
    through_diagonal: bool = True

    def run(self, circuit: Circuit, ctx: PassContext) -> Circuit:
        gates = {g.name: g for g in circuit.gate_table}
        out = circuit.copy_empty()
        pending: dict[int, float | Expr] = {}  # wire -> rz angle not yet written

        def flush(qubit: int) -> None:
            angle = pending.pop(qubit, None)
            if angle is None:
                return
            if not isinstance(angle, Expr):
                turns = round(angle / (2 * math.pi))
                angle -= 2 * math.pi * turns
                if turns % 2:  # rz(a + 2*pi) = -rz(a)
                    out.global_phase = out.global_phase + math.pi
                if abs(angle) < TOLERANCE:
                    return
            out.append("rz", (qubit,), (angle,))

        for op in circuit:
            gate = gates[op.name]
            if op.name == "rz" and op.condition is None:
                (q,) = op.qubits
                pending[q] = pending[q] + op.params[0] if q in pending else op.params[0]
                continue
            passes_through = (self.through_diagonal and gate.diagonal and gate.is_unitary
                              and op.condition is None)
            if not passes_through:
                wires = op.qubits
                if gate.kind == "barrier" and not wires:  # a barrier on every qubit
                    wires = tuple(pending)
                for q in wires:
                    flush(q)
            out.append(op.name, op.qubits, op.params, op.clbits, op.condition)
        for q in sorted(pending):
            flush(q)
        return out.build()
