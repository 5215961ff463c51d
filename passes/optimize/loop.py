"""The -O3 optimisation loop: the optimisation passes repeated until they stop paying.

One round is cancel-inverses, consolidate-2q, fuse-1q, virtual-z (the first round starts
with virtual-z and, with ``swaps``, absorbs swaps after consolidating): each pass exposes
work for the others (a consolidated block brings new one-qubit gates to fuse; pushed rz
bring CZ pairs together), and within one round each pass runs after the ones whose work
it uses.  What a round cannot reach is a block that only forms once a block between its
gates has become local (no CZ left), so another round runs only when that happened.
Rounds also stop when the circuit's (CZ count, two-qubit depth, depth, size) stops
improving, after ``rounds`` rounds, or when the context's time budget runs short.  The
best circuit seen is returned, so the loop never makes a circuit worse.  The round's last
two steps, fusion and virtual Z, run as one walk (``fuse_and_push_rz``) on numeric
circuits in the rphi form.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from jingu.circuit import Circuit
from jingu.errors import InputError
from jingu.passmanager import Pass

from .cancel import cancel_inverses
from .consolidate import Stats, consolidate
from .fuse import fuse_and_push_rz, fuse_runs
from .natives import natives
from .runs import table_facts
from .swaps import absorb_swaps
from .virtual_z import push_rz


def score(circuit: Circuit) -> tuple[int, int, int, int]:
    """What the loop minimises: CZ count, then two-qubit depth, depth and size (as
    ``Circuit.two_qubit_count`` and ``Circuit.depth`` count them)."""
    from jingu.kernels import depth_kernel

    table = table_facts(circuit.gate_table)
    codes = circuit.opcodes
    arity = np.diff(circuit.qubit_ptr)
    unitary = table.unitary[codes]
    counted = ~table.barrier[codes]
    c = circuit

    def depth(mask):
        return int(depth_kernel(c.num_qubits, c.num_clbits, c.qubit_ptr, c.qubits, c.clbit_ptr,
                                c.clbits, c.cond_start, c.cond_width, mask))

    return (int(np.count_nonzero((arity == 2) & unitary)),
            depth(counted & (arity >= 2) & unitary), depth(counted), len(circuit))


class OptimizeLoop(Pass):
    """Repeat the optimisation passes until the CZ count and depth stop improving.

    A round is virtual-z, cancel-inverses, consolidate-2q, fuse-1q (and absorb-swaps with
    ``swaps`` on circuits with a layout).

    At most ``rounds`` rounds, fewer when the time budget runs short; returns the best
    circuit seen.  ``atol`` and ``infidelity`` are the passes' approximation and
    ``commute`` the block collection (see consolidate-2q).
    """

    name = "optimize-loop"
    rounds: int = 4
    basis: str = ""
    swaps: bool = False
    atol: float = 1e-9
    infidelity: float = 1e-12  # NEGLIGIBLE_INFIDELITY, literal so `jingu passes` reads it
    commute: bool = True

    def run(self, circuit: Circuit, ctx) -> Circuit:
        nat = natives(self.name, self.basis, ctx)
        if nat.form is None:
            raise InputError(f"'{self.name}': the basis {{{', '.join(sorted(nat.gates))}}} "
                             f"has no universal one-qubit form")
        best, best_score = circuit, score(circuit)
        current = circuit
        stats, kept = Stats(), Stats()
        for round_ in range(max(self.rounds, 0)):
            started = time.perf_counter()
            merges = stats.merges
            current = self._round(current, nat, round_ == 0, stats)
            s = score(current)
            if s >= best_score:
                break
            best, best_score = current, s
            kept = replace(stats)
            # what a round changes elsewhere is found by the same round; only a block that
            # became local between two gates on one pair opens new work
            if stats.merges == merges:
                break
            if ctx.time_left() < 2.0 * (time.perf_counter() - started):
                break
        kept.report(ctx)
        return best

    def _round(self, circuit: Circuit, nat, first: bool, stats: Stats) -> Circuit:
        virtual = "rz" in nat.gates
        if virtual and first:  # later rounds start where the last one pushed the frames
            circuit = push_rz(circuit)
        circuit = cancel_inverses(circuit, atol=self.atol)
        if nat.entangler is not None:
            circuit = consolidate(circuit, nat.entangler, nat.form, self.atol,
                                  self.infidelity, self.commute, stats)
            if self.swaps and first and circuit.initial_layout is not None:
                circuit = absorb_swaps(circuit, nat.entangler, nat.form, atol=self.atol,
                                       infidelity=self.infidelity, stats=stats)
        if virtual and nat.form == "rphi" and not circuit.expressions:
            return fuse_and_push_rz(circuit, self.atol)
        circuit = fuse_runs(circuit, nat.form, nat.gates, self.atol)
        if virtual:
            circuit = push_rz(circuit)
        return circuit
