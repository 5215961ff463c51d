"""A program's own swap gates become a relabelling of the qubits that follow them.

A swap in the input (the bit reversal at the end of a QFT, the one at the start of an
inverse QFT) costs three CZ, and before that routing has to bring its two qubits together.
Instead, every later operation on one qubit is written on the other, and the circuit's final
layout records where each qubit's state ends up -- exactly what the layouts exist for.
Measurements follow their qubit, so classical results are unchanged.  Runs before layout,
on circuits over virtual qubits; a swap under a classical condition stays a gate.
"""

from __future__ import annotations

import numpy as np
from jingu.circuit import Circuit
from jingu.passmanager import Pass

from .rewrite import Rewrite


class ElidePermutations(Pass):
    """Remove unconditioned swap gates of a virtual circuit by relabelling the operations
    after them; the final layout says where each qubit's state ends."""

    name = "elide-permutations"

    def run(self, circuit: Circuit, ctx) -> Circuit:
        return elide_permutations(circuit)


def elide_permutations(circuit: Circuit) -> Circuit:
    if circuit.initial_layout is not None or not len(circuit):
        return circuit  # already placed on hardware: a swap there is the router's business
    codes = [i for i, g in enumerate(circuit.gate_table) if g.name == "swap"]
    if not codes:
        return circuit
    swaps = np.nonzero(np.isin(circuit.opcodes, codes) & (circuit.cond_width == 0))[0]
    if not len(swaps):
        return circuit
    # m: a wire as the input names it -> the wire holding that content once swaps before
    # the current position are elided; applied segment by segment between the swaps
    m = np.arange(circuit.num_qubits)
    ptr, original = circuit.qubit_ptr, circuit.qubits
    qubits = np.empty_like(original)
    bounds = np.append(swaps, len(circuit))
    qubits[: ptr[swaps[0]]] = original[: ptr[swaps[0]]]
    for k, s in enumerate(swaps.tolist()):
        a, b = original[ptr[s]], original[ptr[s] + 1]
        qubits[ptr[s]:ptr[s + 1]] = m[original[ptr[s]:ptr[s + 1]]]  # dropped below anyway
        m[a], m[b] = m[b], m[a]
        lo, hi = ptr[s + 1], ptr[bounds[k + 1]]
        qubits[lo:hi] = m[original[lo:hi]]
    out = Rewrite(circuit)
    out.qubits[:] = qubits
    out.drop(swaps)
    before = (np.arange(circuit.num_qubits) if circuit.final_layout is None
              else np.asarray(circuit.final_layout, dtype=np.int64))
    out.final_layout = m[before]
    return out.build()
