"""Swaps absorbed into the layouts: a swap at the end of a qubit pair's life is a
relabelling, not a gate.

A block U on qubits (a, b) with no two-qubit gate after it on either qubit can be written
``U = SWAP . V``: the SWAP is dropped, every later operation on a or b (one-qubit gates,
measurements, barriers) trades a for b, and the final layout records that the qubits'
contents ended up exchanged.  It pays when V needs fewer CZ than the block has (a bare
routing swap: three CZ to none; ``cz . swap``: to one).  Symmetrically, a block with no
two-qubit gate before it is ``V . SWAP`` and the SWAP goes into the initial layout.
Blocks are recognised by their unitary, so swaps already translated into three CZ are
found as well.  When V is local, the blocks before it may end their wires' two-qubit
life in turn: the pass works in waves, without rebuilding the circuit in between.
"""

from __future__ import annotations

import numpy as np

from jingu.circuit import Circuit
from jingu.passmanager import Pass

from .consolidate import (
    BlockView,
    Stats,
    cz_screen,
    screen_tolerance,
    synthesize,
    write_blocks,
)
from .matrices import DEFAULT_ATOL
from .natives import natives
from .rewrite import Rewrite

_PERM = np.array([0, 2, 1, 3])


class AbsorbSwaps(Pass):
    """Absorb swaps at the ends of the circuit into the layouts when that saves CZ.

    Trailing swaps go into the final layout (later one-qubit ops and measurements are
    relabelled), leading ones, with ``initial``, into the initial layout.  ``atol`` and
    ``infidelity`` are the approximation of the re-synthesis (see consolidate-2q).
    """

    name = "absorb-swaps"
    needs = {"layout"}
    basis: str = ""
    initial: bool = True
    atol: float = 1e-9
    infidelity: float = 1e-12  # NEGLIGIBLE_INFIDELITY, literal so `jingu passes` reads it

    def run(self, circuit: Circuit, ctx) -> Circuit:
        nat = natives(self.name, self.basis, ctx)
        if nat.entangler is None or nat.form is None:
            return circuit
        stats = Stats()
        out = absorb_swaps(circuit, nat.entangler, nat.form, self.initial, self.atol,
                           self.infidelity, stats)
        stats.report(ctx)
        return out


#: waves of absorption in one pass: each wave can expose the blocks before (after) the
#: ones it turned into one-qubit gates
WAVES = 64


def absorb_swaps(circuit: Circuit, entangler: str, form: str, initial: bool = True,
                 atol: float = DEFAULT_ATOL, infidelity: float = 0.0,
                 stats: Stats | None = None) -> Circuit:
    from .kernels import wire_extremes

    if not len(circuit):
        return circuit
    view = BlockView(circuit)
    if not len(view):
        return circuit
    groups, q0, q1 = view.groups, view.q0, view.q1
    n, nb = len(circuit), len(view)
    last = groups.last
    is_two = view.facts.arity[groups.ops] == 2
    opening = np.full(nb, n, np.int64)  # each block's first two-qubit op
    np.minimum.at(opening, groups.of[groups.ops[is_two]], groups.ops[is_two])
    wide = view.facts.unitary & (view.facts.arity >= 2)
    tried = np.zeros((2, nb), bool)  # examined as trailing / as leading
    done = np.zeros(nb, bool)
    out = Rewrite(circuit)
    final = _layout(circuit.final_layout if circuit.final_layout is not None
                    else circuit.initial_layout, circuit.num_qubits)
    init = _layout(circuit.initial_layout, circuit.num_qubits)
    slot_op = view.facts.slot_op
    for _ in range(WAVES):
        first2, last2 = wire_extremes(circuit.num_qubits, circuit.qubit_ptr, out.qubits, wide)
        trailing = (last2[q0] <= last) & (last2[q1] <= last) & ~tried[0] & ~done
        leading = (first2[q0] >= opening) & (first2[q1] >= opening) & ~tried[1] & ~done \
            & ~trailing & initial
        tried[0] |= trailing
        tried[1] |= leading
        picked = np.nonzero(trailing | leading)[0]
        if not len(picked):
            break
        # a block of one CZ stays one with a swap (CZ . SWAP needs two): no gain
        picked = picked[view.cost[picked] >= 2]
        u = view.unitaries(picked)
        # V = SWAP . U at the end, V = U . SWAP at the start (columns permuted, not rows)
        swapped = np.where(trailing[picked, None, None], u[:, _PERM, :], u[:, :, _PERM])
        now = np.minimum(cz_screen(u), view.cost[picked])
        keep = cz_screen(swapped, screen_tolerance(infidelity)) < now
        picked, swapped, now = picked[keep], swapped[keep], now[keep]
        synth = synthesize(swapped, entangler, atol, infidelity)
        gain = (synth.counts >= 0) & (synth.counts < now)
        if not gain.any():
            continue
        blocks = picked[gain]
        done[blocks] = True
        chosen = synth.subset(gain)
        if stats is not None:
            stats.record(view, blocks, chosen)
        write_blocks(out, view, blocks, chosen, swapped[gain], entangler, form, atol,
                     infidelity)
        _relabel(out, slot_op, groups, blocks[trailing[blocks]], q0, q1, last, final, True)
        _relabel(out, slot_op, groups, blocks[leading[blocks]], q0, q1, opening, init, False)
        # blocks that became one-qubit gates no longer hold their wires
        wide[groups.select(blocks[synth.counts[gain] == 0])[1]] = False
    if not done.any():
        return circuit
    out.final_layout = final
    out.initial_layout = init
    out.touched = True
    return out.build()


def _relabel(out: Rewrite, slot_op, groups, blocks, q0, q1, bound, layout, after: bool):
    """Exchange the labels of each block's pair on the ops after (``after``) or before
    it, inserted ones included, and in the final (initial) layout.  The blocks of one
    wave share no qubit, so their exchanges commute."""
    if not len(blocks):
        return
    size = out.circuit.num_qubits
    owner = np.full(size, -1, np.int64)
    partner = np.arange(size)
    owner[q0[blocks]] = blocks
    owner[q1[blocks]] = blocks
    partner[q0[blocks]] = q1[blocks]
    partner[q1[blocks]] = q0[blocks]
    labels = out.qubits
    b = owner[labels]
    safe = np.maximum(b, 0)
    if after:
        sel = (b >= 0) & (slot_op > bound[safe])
    else:
        sel = (b >= 0) & (slot_op < bound[safe]) & (groups.of[slot_op] != b)
    labels[sel] = partner[labels[sel]]
    out.relabel_inserted(owner, partner, bound, after)
    layout[:] = partner[layout]


def _layout(layout, num_qubits: int) -> np.ndarray:
    """A layout as a fresh int array over all ``num_qubits`` physical qubits' labels."""
    if layout is None:
        return np.arange(num_qubits, dtype=np.int64)
    return np.asarray(layout, dtype=np.int64).copy()
