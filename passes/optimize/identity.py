"""Gates indistinguishable from the identity are removed before anything maps them.

A QFT or phase estimation on n qubits carries controlled phases of angle pi/2^k for k up to
n-1.  From k of about 21 on such a gate's average-gate infidelity from the identity is below
1e-12 -- a billion times below any device's gate error -- yet routing would still bring its
qubits together and translation would spend two CZ on it.  This is the cut Qiskit's presets
make by default (they drop rotations below about 2e-6 rad), so comparisons stay fair.  The
phase of each removed gate goes into the global phase, and the sum of the removed
infidelities (a bound on the approximation) is recorded for the report; ``tolerance=0``
keeps every gate that is not exactly the identity.
"""

from __future__ import annotations

import numpy as np
from jingu.circuit import Circuit
from jingu.passmanager import Pass

from .matrices import op_matrices
from .rewrite import Rewrite
from .runs import op_facts

#: average-gate infidelity below which a gate counts as the identity: far below physics
NEGLIGIBLE_INFIDELITY = 1e-12


class RemoveIdentityEquivalent(Pass):
    """Remove numeric gates whose average-gate infidelity from the identity (up to a phase)
    is below ``tolerance``; their phase is kept, their summed infidelity is reported."""

    name = "remove-identity-equivalent"
    tolerance: float = 1e-12  # NEGLIGIBLE_INFIDELITY, literal so `jingu passes` reads it statically

    def run(self, circuit: Circuit, ctx) -> Circuit:
        out, removed, infidelity = remove_identity_equivalent(circuit, self.tolerance)
        if removed:
            props = ctx.properties
            props["identity_removed"] = props.get("identity_removed", 0) + removed
            props["identity_infidelity"] = props.get("identity_infidelity", 0.0) + infidelity
        return out


def identity_infidelity(mats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(infidelity, phase) of each square matrix against ``e^{i phase}`` times the identity:
    ``1 - (1 + d |Tr U / d|^2) / (1 + d)``, the average-gate infidelity."""
    d = mats.shape[-1]
    trace = np.trace(mats, axis1=-2, axis2=-1)
    process = np.abs(trace / d) ** 2
    infidelity = d * (1.0 - process) / (1.0 + d)
    return np.maximum(infidelity, 0.0), np.angle(trace)


def remove_identity_equivalent(circuit: Circuit, tolerance: float = NEGLIGIBLE_INFIDELITY
                               ) -> tuple[Circuit, int, float]:
    """(circuit without the identity-like gates, how many went, their summed infidelity)."""
    if not len(circuit):
        return circuit, 0, 0.0
    facts = op_facts(circuit)
    drop: list[np.ndarray] = []
    phase = lost = 0.0
    for arity in (1, 2):
        ops = np.nonzero(facts.batch & (facts.arity == arity))[0]
        if not len(ops):
            continue
        infidelity, phases = identity_infidelity(op_matrices(circuit, ops, 2 ** arity))
        gone = infidelity < tolerance
        if gone.any():
            drop.append(ops[gone])
            phase += float(phases[gone].sum())
            lost += float(infidelity[gone].sum())
    if not drop:
        return circuit, 0, 0.0
    gone = np.concatenate(drop)
    out = Rewrite(circuit)
    out.drop(gone)
    out.add_phase(phase)
    return out.build(), len(gone), lost
