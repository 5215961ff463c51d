"""Trivial layout: virtual qubit i on physical qubit i (on a chip with holes: the i-th live
qubit of the largest connected piece).  The baseline the other layouts are measured by."""

from __future__ import annotations

from jingu.circuit import Circuit
from jingu.passmanager import Pass

from .placement import (
    active_qubits,
    apply_layout,
    complete_layout,
    virtual_circuit,
    working_piece,
)


class TrivialLayout(Pass):
    """Virtual qubit i on physical qubit i (the i-th live qubit of the largest piece)."""

    name = "trivial-layout"
    guarantees = {"layout"}

    def run(self, circuit: Circuit, ctx) -> Circuit:
        virtual = virtual_circuit(circuit)
        target = ctx.target
        active = active_qubits(virtual)
        piece = working_piece(target, len(active))
        if virtual.num_qubits <= len(piece):
            partial = {}
        else:  # the piece cannot hold everything: the interacting qubits go there first
            partial = {int(v): int(p) for v, p in zip(active, piece)}
        layout = complete_layout(partial, virtual.num_qubits, target, prefer=piece)
        ctx.properties["layout_method"] = self.name
        return apply_layout(virtual, layout, target)
