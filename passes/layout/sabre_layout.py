"""SABRE layout search: routing forward and then backward through the circuit moves the
qubits to where the circuit's start wants them, so the final mapping of the backward pass
is a better initial layout for the forward pass.  Several seeded trials (from the dense
layout, from any layout already on the circuit, and from random placements) run in
parallel threads, in several variants of the search; each trial's layout is scored by
routing forward from it, and the one with the lowest CZ estimate is kept.  Within one
``compile()`` trial results are kept in ``ctx.scratch``, so a level and its floor level
(whose trials are a prefix of the level's) run each trial once.

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


def layout_budget(trials: int, iterations: int, gates: int, work_limit: int) -> tuple[int, int]:
    """(trials, iterations) for a circuit of ``gates`` two-qubit gates: as asked while
    trials x routing passes (2 per iteration, 2 to score) x gates fits ``work_limit``, else
    fewer trials (down to two), then fewer iterations (down to one), then one trial."""
    trials, iterations = max(trials, 1), max(iterations, 0)
    gates = max(gates, 1)
    trials = min(trials, max(2, work_limit // ((2 * iterations + 2) * gates)))
    while iterations > 1 and trials * (2 * iterations + 2) * gates > work_limit:
        iterations -= 1
    return max(1, min(trials, work_limit // ((2 * iterations + 2) * gates))), iterations


#: the trials of a "mixed" layout search cycle through these (commutation-aware DAG?,
#: lookahead style (0 classic, 1 layer), merge bonus?): each finds good layouts for
#: circuits the others miss (the plain DAG without merge bonus suits QFT-like circuits, the
#: commutation-aware DAG with it adders); measured on the bench families at 16-72 qubits
MIXED_VARIANTS = ((True, 0, True), (False, 1, False), (False, 0, True), (True, 1, False))


class SabreLayout(Pass):
    """Bidirectional SABRE layout search over seeded trials (keeps a swap-free layout).

    Trials differ by start, seed and, with ``lookahead_style`` "mixed", by the variant of
    the search (see MIXED_VARIANTS); every trial's layout is then scored the same way, by
    the better of one routing in each lookahead style on the commutation-aware DAG.

    Large circuits get fewer trials (never fewer than two, one per lookahead style) and
    then fewer iterations so that trials x routing passes x two-qubit gates stays within
    ``work_limit`` where it can: the cost is bounded by the circuit's size alone, so the
    result stays deterministic.
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
    work_limit: int = 85000
    lookahead_style: str = "mixed"

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
        trials, iterations = layout_budget(self.trials, self.iterations, len(q0),
                                           self.work_limit)
        passes = 2 * iterations + 2
        starts = self._starts(virtual, active, piece, given, target, ctx, trials)
        from ..routing.sabre import (
            best_trial,
            memo_trials,
            routing_arrays,
            skeleton_problems,
            trial_memo,
            trial_styles,
        )
        from ..routing.sabre_kernels import layout_trials, score_layouts

        arrays = routing_arrays(target, self.noise_aware)
        seeds = ctx.rng(self.name).integers(0, 2**62, size=len(starts))
        if self.lookahead_style == "mixed":
            variants = [MIXED_VARIANTS[k % len(MIXED_VARIANTS)] for k in range(len(starts))]
        else:
            style = int(trial_styles(self.lookahead_style, 1, self.name)[0])
            variants = [(True, style, True)] * len(starts)
        commuting = np.array([c and self.commutation for c, _, _ in variants])
        styles = np.array([style for _, style, _ in variants], dtype=np.int64)
        bonuses = np.array([self.merge_bonus if b else 0.0 for _, _, b in variants])
        problems = {flag: skeleton_problems(virtual, flag) for flag in set(commuting.tolist())}
        scoring = problems.get(self.commutation) or skeleton_problems(virtual, self.commutation)
        params = (self.lookahead, self.lookahead_weight, self.decay)
        memo = trial_memo(getattr(ctx, "scratch", None), self.name, id(target),
                          self.noise_aware, iterations, params, self.merge_bonus,
                          arrays.max_stall, *scoring[0], *scoring[1])

        def some_trials(k):
            layouts = np.empty((len(k), target.num_qubits), np.int64)
            for flag, (forward, backward) in problems.items():
                mine = commuting[k] == flag
                if mine.any():
                    ks = k[mine]
                    layouts[mine] = layout_trials(
                        *forward, *backward, *arrays.kernel_args, starts[ks], seeds[ks],
                        styles[ks], bonuses[ks], iterations, *params, arrays.max_stall)
            scores = score_layouts(*scoring[0], *arrays.kernel_args, layouts,
                                   seeds[k] + 2 * iterations, *params, self.merge_bonus,
                                   arrays.max_stall)
            return layouts, scores

        keys = [(int(seed), bool(flag), int(style), float(bonus), start.tobytes())
                for seed, flag, style, bonus, start in zip(seeds, commuting, styles, bonuses,
                                                           starts)]
        layouts, scores = memo_trials(memo, keys, passes * len(q0), some_trials)
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
