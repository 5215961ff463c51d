"""The -O3 optimisation loop: the optimisation passes repeated until they stop paying.

One round is cancel-inverses, consolidate-2q, fuse-1q, virtual-z (the first round starts
with virtual-z and, with ``swaps``, absorbs swaps after consolidating): each pass exposes
work for the others (a consolidated block brings new one-qubit gates to fuse; pushed rz
bring CZ pairs together).  Rounds repeat while the circuit's (CZ count, two-qubit depth,
depth, size) improves, at most ``rounds`` times and only while the context's time budget
lasts; the best circuit seen is returned, so the loop never makes a circuit worse.
"""

from __future__ import annotations

import time

from jingu.circuit import Circuit
from jingu.errors import InputError
from jingu.passmanager import Pass

from .cancel import cancel_inverses
from .consolidate import consolidate
from .fuse import fuse_runs
from .natives import natives
from .swaps import absorb_swaps
from .virtual_z import push_rz


def score(circuit: Circuit) -> tuple[int, int, int, int]:
    """What the loop minimises: CZ count, then two-qubit depth, depth and size."""
    return (circuit.two_qubit_count(), circuit.depth(two_qubit_only=True), circuit.depth(),
            len(circuit))


class OptimizeLoop(Pass):
    """Repeat the optimisation passes until the CZ count and depth stop improving.

    A round is virtual-z, cancel-inverses, consolidate-2q, fuse-1q (and absorb-swaps with
    ``swaps`` on circuits with a layout).

    At most ``rounds`` rounds, fewer when the time budget runs short; returns the best
    circuit seen.  ``atol`` is the passes' approximation (see their options).
    """

    name = "optimize-loop"
    rounds: int = 4
    basis: str = ""
    swaps: bool = False
    atol: float = 1e-9

    def run(self, circuit: Circuit, ctx) -> Circuit:
        nat = natives(self.name, self.basis, ctx)
        if nat.form is None:
            raise InputError(f"'{self.name}': the basis {{{', '.join(sorted(nat.gates))}}} "
                             f"has no universal one-qubit form")
        best, best_score = circuit, score(circuit)
        current = circuit
        for round_ in range(max(self.rounds, 0)):
            started = time.perf_counter()
            current = self._round(current, nat, first=round_ == 0)
            s = score(current)
            if s >= best_score:
                break
            best, best_score = current, s
            if ctx.time_left() < 2.0 * (time.perf_counter() - started):
                break
        return best

    def _round(self, circuit: Circuit, nat, first: bool) -> Circuit:
        virtual = "rz" in nat.gates
        if virtual and first:  # later rounds start where the last one pushed the frames
            circuit = push_rz(circuit)
        circuit = cancel_inverses(circuit, atol=self.atol)
        if nat.entangler is not None:
            circuit = consolidate(circuit, nat.entangler, nat.form, self.atol)
            if self.swaps and first and circuit.initial_layout is not None:
                circuit = absorb_swaps(circuit, nat.entangler, nat.form, atol=self.atol)
        circuit = fuse_runs(circuit, nat.form, nat.gates, self.atol)
        if virtual:
            circuit = push_rz(circuit)
        return circuit
