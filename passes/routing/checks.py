"""Structural check of a routing: the routed circuit is the original, op for op, in an order
the original's dependencies allow, with swaps in between, and its layouts say where every
virtual qubit starts and ends.  Exact and independent of a simulator, so it works at any
width (a statevector of 72 qubits is out of reach); used by the tests and by audits.

"Allowed order" is the router's own: on each wire, a run of operations that all act
diagonally in the same basis of that qubit (see ``commutation``) may come in any order.
"""

from __future__ import annotations

import numpy as np
from jingu.circuit import Circuit

from .commutation import operand_types


def routing_violation(virtual: Circuit, routed: Circuit, target) -> str | None:
    """None when ``routed`` correctly routes ``virtual`` (a circuit over virtual qubits,
    without swap gates of its own) on ``target``; else the first reason it does not."""
    if routed.initial_layout is None or routed.final_layout is None:
        return "the routed circuit has no layouts"
    adjacency = np.asarray(target.adjacency, dtype=bool)
    n = virtual.num_qubits
    here = np.full(routed.num_qubits, -1, dtype=np.int64)  # physical -> virtual
    here[np.asarray(routed.initial_layout)] = np.arange(n)
    inserted = "swap" not in virtual.count_ops()
    seen: dict[tuple, list] = {}
    for k, op in enumerate(routed):
        if op.gate.is_unitary and len(op.qubits) == 2 and not adjacency[op.qubits]:
            return f"op {k} '{op.name}' on {op.qubits}: no live coupler"
        if op.name == "swap" and inserted:
            a, b = op.qubits
            here[a], here[b] = here[b], here[a]
            continue
        vq = tuple(int(here[q]) for q in op.qubits)
        if any(v < 0 for v in vq):
            return f"op {k} '{op.name}' acts on a physical qubit holding no virtual qubit"
        _record(seen, op._replace(qubits=vq))
    expected: dict[tuple, list] = {}
    for op in virtual:
        _record(expected, op)
    seen, expected = _canonical(seen), _canonical(expected)
    if seen != expected:
        for wire in sorted(set(seen) | set(expected), key=str):
            if seen.get(wire) != expected.get(wire):
                return f"the operations on {wire[0]} wire {wire[1]} differ or are reordered"
    final = np.asarray(routed.final_layout)
    if not np.array_equal(here[final], np.arange(n)):
        return "final_layout does not say where the virtual qubits end up"
    return None


def _record(per_wire: dict, op) -> None:
    """Append ``op`` to the sequence of every wire it touches, with its type there (a
    barrier without operands touches no qubit wire: it cannot be told apart from
    reordering there)."""
    key = (op.name, op.qubits, tuple(repr(p) for p in op.params), op.clbits, op.condition)
    types = operand_types(op.gate) if op.condition is None else ()
    for j, q in enumerate(op.qubits):
        kind = types[j] if j < len(types) else 0
        runs = per_wire.setdefault(("qubit", q), [])
        if kind and runs and runs[-1][0] == kind:
            runs[-1][1].append(key)
        else:
            runs.append((kind, [key]))
    bits = list(op.clbits)
    if op.condition is not None:
        bits += range(op.condition.start, op.condition.start + op.condition.width)
    for c in dict.fromkeys(bits):
        per_wire.setdefault(("clbit", c), []).append((0, [key]))


def _canonical(per_wire: dict) -> dict:
    """Runs of commuting operations as sorted lists: their order inside a run is free."""
    return {w: [(k, sorted(ops, key=repr)) for k, ops in runs] for w, runs in per_wire.items()}
