"""What the benchmark measures on a compiled circuit, computed by jingu for every compiler.

The same code counts every compiler's output (after it is read back into a jingu
``Circuit``), so the numbers are comparable by construction: a compiler's own idea of depth
or of what a gate is never enters the table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..circuit import Circuit

#: instructions that are not gates: always allowed, never counted as one- or two-qubit gates
NON_GATES = frozenset({"measure", "reset", "barrier", "delay"})


@dataclass(frozen=True)
class Metrics:
    two_qubit_count: int
    one_qubit_count: int
    depth: int
    two_qubit_depth: int
    ops: int

    def as_dict(self) -> dict[str, int]:
        return {
            "two_qubit_count": self.two_qubit_count,
            "one_qubit_count": self.one_qubit_count,
            "depth": self.depth,
            "two_qubit_depth": self.two_qubit_depth,
            "ops": self.ops,
        }


def measure(circuit: Circuit) -> Metrics:
    """Counts and depths of ``circuit`` (depth counts every instruction but barriers)."""
    unitary = np.array([g.is_unitary for g in circuit.gate_table], dtype=bool)[circuit.opcodes]
    arity = circuit.arity()
    return Metrics(
        two_qubit_count=int(np.count_nonzero(unitary & (arity == 2))),
        one_qubit_count=int(np.count_nonzero(unitary & (arity == 1))),
        depth=circuit.depth(),
        two_qubit_depth=circuit.depth(two_qubit_only=True),
        ops=len(circuit),
    )


def validity(circuit: Circuit, num_qubits: int, basis, couplers, live_qubits=None) -> str:
    """Why ``circuit`` cannot run on the target as it is, or "" if it can.

    It can run when every gate is one of the ``basis`` gates, every qubit index is a live
    qubit of the target, and every two-qubit gate acts on a live coupler (``couplers``:
    undirected pairs).  Measurements, resets, barriers and delays are always allowed.
    """
    basis = set(basis)
    pairs = {(min(a, b), max(a, b)) for a, b in couplers}
    live = set(range(num_qubits)) if live_qubits is None else set(live_qubits)
    names = [g.name for g in circuit.gate_table]
    problems: list[str] = []
    bad_names = sorted({names[c] for c in np.unique(circuit.opcodes).tolist()}
                       - basis - NON_GATES)
    if bad_names:
        problems.append(f"non-native gates: {', '.join(bad_names)}")
    if circuit.num_qubits > num_qubits:
        used = np.unique(circuit.qubits)
        over = used[used >= num_qubits]
        if len(over):
            problems.append(f"qubit {int(over[0])} does not exist on a {num_qubits}-qubit target")
    dead = sorted(set(np.unique(circuit.qubits).tolist()) - live)
    if dead and not problems:
        problems.append(f"uses dead qubit(s) {', '.join(map(str, dead[:5]))}")
    unitary = np.array([g.is_unitary for g in circuit.gate_table], dtype=bool)[circuit.opcodes]
    arity = circuit.arity()
    wide = np.nonzero(unitary & (arity > 2))[0]
    if len(wide):
        problems.append(f"{len(wide)} gate(s) on more than two qubits")
    two = np.nonzero(unitary & (arity == 2))[0]
    if len(two):
        lo = circuit.qubits[circuit.qubit_ptr[two]]
        hi = circuit.qubits[circuit.qubit_ptr[two] + 1]
        a, b = np.minimum(lo, hi).tolist(), np.maximum(lo, hi).tolist()
        off = [(x, y) for x, y in zip(a, b) if (x, y) not in pairs]
        if off:
            problems.append(f"{len(off)} two-qubit gate(s) off the live couplers, "
                            f"first on ({off[0][0]}, {off[0][1]})")
    return "; ".join(problems)
