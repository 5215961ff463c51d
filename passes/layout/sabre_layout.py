"""SABRE layout search: routing forward and then backward through the circuit moves the
qubits to where the circuit's start wants them, so the final mapping of the backward pass
is a better initial layout for the forward pass.  Several seeded trials (from the dense
layout, from any layout already on the circuit, and from random placements) run in
parallel threads; the layout whose forward routing needs the fewest swaps is kept.

Only the two-qubit skeleton of the circuit is routed here (one-qubit gates never need
swaps), which keeps the search cheap.  The actual routing is a separate pass
(``sabre-route``) on the whole circuit, with its own trials from the chosen layout.
"""

from __future__ import annotations

import numpy as np
from jingu.circuit import Circuit
from jingu.errors import CompileError
from jingu.passmanager import Pass

from .dense import dense_layout
from .placement import (
    apply_layout,
    fits_without_swaps,
    full_permutation,
    interaction_matrix,
    two_qubit_pairs,
    virtual_circuit,
    working_piece,
)


class SabreLayout(Pass):
    """Bidirectional SABRE layout search over seeded trials (keeps a swap-free layout).

    Large circuits get fewer trials (never fewer than four) so that trials x routing
    passes x two-qubit gates stays within ``work_limit``: the cost is bounded by the
    circuit's size alone, so the result stays deterministic.
    """

    name = "sabre-layout"
    needs = {"unrolled"}
    guarantees = {"layout"}
    trials: int = 16
    iterations: int = 3
    lookahead: int = 20
    lookahead_weight: float = 0.5
    decay: float = 0.001
    merge_bonus: float = 0.1
    noise_aware: bool = False
    commutation: bool = True
    work_limit: int = 80000

    def run(self, circuit: Circuit, ctx) -> Circuit:
        target = ctx.target
        if circuit.initial_layout is not None and fits_without_swaps(circuit, target):
            return circuit  # an earlier layout needs no swaps: nothing to improve
        given = circuit.initial_layout
        virtual = virtual_circuit(circuit)
        q0, q1 = two_qubit_pairs(virtual)
        active = np.nonzero(interaction_matrix(q0, q1, virtual.num_qubits).any(axis=1))[0]
        ctx.properties["layout_method"] = self.name
        if not len(q0):
            return apply_layout(virtual, dense_layout(virtual, target), target)
        piece = working_piece(target, len(active))
        passes = 2 * max(self.iterations, 0) + 1
        trials = max(1, min(self.trials, max(4, self.work_limit // (passes * len(q0)))))
        starts = self._starts(virtual, active, piece, given, target, ctx, trials)
        from ..routing.sabre import (
            best_trial,
            routing_arrays,
            run_trials,
            skeleton_problems,
        )
        from ..routing.sabre_kernels import layout_trials

        arrays = routing_arrays(target, self.noise_aware)
        forward, backward = skeleton_problems(virtual, self.commutation)
        seeds = ctx.rng(self.name).integers(0, 2**62, size=len(starts))
        iterations = max(self.iterations, 0)

        def some_trials(k):
            return layout_trials(*forward, *backward, *arrays.kernel_args, starts[k], seeds[k],
                                 iterations, self.lookahead, self.lookahead_weight,
                                 self.decay, self.merge_bonus, arrays.max_stall)

        layouts, scores = run_trials(len(starts), len(starts) * passes * len(forward[0]),
                                     some_trials)
        best = best_trial(scores)
        ctx.properties["sabre_layout_swaps"] = int(scores[best, 1])
        return apply_layout(virtual, layouts[best][: virtual.num_qubits], target)

    def _starts(self, virtual, active, piece, given, target, ctx, trials) -> np.ndarray:
        """Initial permutations (labels -> sites) of the trials, one row per trial: the
        layout already on the circuit (else the dense layout), then random placements of
        the interacting qubits on the piece.  Idle qubits take the piece's free sites in
        index order (then other live ones), the ancilla labels the rest likewise."""
        n, big = virtual.num_qubits, target.num_qubits
        first = dense_layout(virtual, target) if given is None else given
        rows = np.empty((trials, big), dtype=np.int64)
        rows[0] = full_permutation(np.asarray(first, dtype=np.int64), big, piece)
        idle = np.setdiff1d(np.arange(n), active)
        live = np.asarray(target.live_qubits, dtype=np.int64)
        for_idle = np.concatenate([piece, np.setdiff1d(live, piece)])
        for_ancillas = np.concatenate([piece, np.setdiff1d(np.arange(big), piece)])
        rng = ctx.rng(self.name + "/starts")
        for row in rows[1:]:
            sites = rng.permutation(piece)[: len(active)]
            taken = np.zeros(big, dtype=bool)
            taken[sites] = True
            spare = for_idle[~taken[for_idle]][: len(idle)]
            if len(spare) < len(idle):
                raise CompileError(f"the circuit has {n} qubits but {target.name} has only "
                                   f"{len(live)} live qubits")
            taken[spare] = True
            row[active] = sites
            row[idle] = spare
            row[n:] = for_ancillas[~taken[for_ancillas]]
        return rows
