"""What every layout pass shares: reading a circuit's two-qubit structure, choosing the
connected piece of the chip to work in, and re-expressing a circuit over physical qubits.

A layout is an int array ``virtual -> physical``.  Applying it is a relabelling of the
qubit column (no per-gate work): the circuit then has ``target.num_qubits`` qubits and
carries the layout as both its initial and final layout (nothing has moved yet) -- or, when
the virtual circuit ends permuted (input swaps elided into a relabelling), the layout
composed with that permutation.
"""

from __future__ import annotations

import numpy as np
from jingu.circuit import Circuit
from jingu.errors import CompileError, PipelineError


def two_qubit_pairs(circuit: Circuit) -> tuple[np.ndarray, np.ndarray]:
    """Operands of the two-qubit unitary ops, in circuit order (vectorised)."""
    unitary = np.array([g.is_unitary for g in circuit.gate_table], dtype=bool)
    arity = circuit.arity()
    wide = unitary[circuit.opcodes] & (arity > 2)
    if wide.any():
        i = int(np.nonzero(wide)[0][0])
        raise PipelineError(f"'{circuit.gate(i).name}' acts on {int(arity[i])} qubits; run the "
                            f"'unroll' pass before layout and routing")
    mask = unitary[circuit.opcodes] & (arity == 2)
    starts = circuit.qubit_ptr[:-1][mask]
    return circuit.qubits[starts].astype(np.int64), circuit.qubits[starts + 1].astype(np.int64)


def active_qubits(circuit: Circuit) -> np.ndarray:
    """Qubits that take part in some multi-qubit unitary op (they must share a piece)."""
    unitary = np.array([g.is_unitary for g in circuit.gate_table], dtype=bool)
    arity = circuit.arity()
    mask = np.repeat(unitary[circuit.opcodes] & (arity >= 2), arity)
    return np.unique(circuit.qubits[mask]).astype(np.int64)


def interaction_matrix(q0: np.ndarray, q1: np.ndarray, num_qubits: int) -> np.ndarray:
    """Symmetric matrix of how many two-qubit gates join each pair of virtual qubits."""
    w = np.zeros((num_qubits, num_qubits), dtype=np.int64)
    np.add.at(w, (q0, q1), 1)
    return w + w.T


def interaction_graph(weights: np.ndarray):
    """networkx Graph of the interacting qubits; edge attribute ``weight`` = gate count."""
    import networkx as nx

    g = nx.Graph()
    a, b = np.nonzero(np.triu(weights, 1))
    g.add_weighted_edges_from(zip(a.tolist(), b.tolist(), weights[a, b].tolist()))
    return g


def qubit_use(circuit: Circuit, num_qubits: int) -> np.ndarray:
    """How many operations touch each qubit (idle qubits: 0)."""
    return np.bincount(circuit.qubits, minlength=num_qubits)[:num_qubits]


def virtual_circuit(circuit: Circuit) -> Circuit:
    """The circuit over its virtual qubits: itself, or, when a layout was applied before
    (and nothing was routed yet), the physical circuit mapped back through that layout."""
    layout = circuit.initial_layout
    if layout is None:
        return circuit
    inverse = np.full(circuit.num_qubits, -1, np.int64)
    inverse[layout] = np.arange(len(layout))
    qubits = inverse[circuit.qubits]
    final = None
    if circuit.final_layout is not None and not np.array_equal(circuit.final_layout, layout):
        final = inverse[np.asarray(circuit.final_layout, dtype=np.int64)]
    if (qubits < 0).any() or (final is not None and (final < 0).any()):
        raise PipelineError("the circuit uses physical qubits outside its layout (is it "
                            "routed already? a layout pass must come before routing)")
    return circuit.replace(num_qubits=len(layout), qubits=qubits.astype(np.int32),
                           initial_layout=None, final_layout=final)


def apply_layout(virtual: Circuit, layout, target) -> Circuit:
    """``virtual`` re-expressed over the target's physical qubits through ``layout``."""
    layout = np.asarray(layout, dtype=np.int64)
    if len(layout) != virtual.num_qubits or len(set(layout.tolist())) != len(layout):
        raise PipelineError("a layout must map every virtual qubit to its own physical qubit")
    final = layout if virtual.final_layout is None else layout[np.asarray(virtual.final_layout)]
    return virtual.replace(num_qubits=target.num_qubits,
                           qubits=layout[virtual.qubits].astype(np.int32),
                           initial_layout=layout.copy(), final_layout=final.copy())


def fits_without_swaps(circuit: Circuit, target) -> bool:
    """Whether every two-qubit op of a physical circuit already sits on a live coupler."""
    q0, q1 = two_qubit_pairs(circuit)
    return bool(np.asarray(target.adjacency)[q0, q1].all()) if len(q0) else True


def working_piece(target, num_active: int) -> np.ndarray:
    """The physical qubits of the largest connected piece; it must hold the interacting
    qubits (a circuit never straddles pieces: no swap could cross the gap)."""
    pieces = [sorted(int(q) for q in p) for p in target.components()]
    piece = pieces[0] if pieces else []
    if num_active > len(piece):
        raise CompileError(
            f"the circuit's {num_active} interacting qubits need one connected piece of at "
            f"least {num_active} live qubits, but the largest piece of {target.name} has "
            f"{len(piece)}")
    return np.array(piece, dtype=np.int64)


def complete_layout(partial: dict[int, int], num_virtual: int, target,
                    prefer: np.ndarray | None = None) -> np.ndarray:
    """A full layout from ``partial`` (virtual -> physical for some virtual qubits): the
    other virtual qubits take free live qubits, those of ``prefer`` first, in index order."""
    live = [int(q) for q in np.asarray(target.live_qubits)]
    used = set(partial.values())
    order = ([int(q) for q in prefer] if prefer is not None else []) + live
    free = iter(q for q in dict.fromkeys(order) if q not in used)
    layout = np.empty(num_virtual, dtype=np.int64)
    for v in range(num_virtual):
        if v in partial:
            layout[v] = partial[v]
        else:
            try:
                layout[v] = next(free)
            except StopIteration:
                raise CompileError(f"the circuit has {num_virtual} qubits but {target.name} "
                                   f"has only {len(live)} live qubits") from None
    return layout


def full_permutation(layout: np.ndarray, num_physical: int, prefer: np.ndarray) -> np.ndarray:
    """Extend a layout to a permutation of all physical qubits (labels ``n..N-1`` are the
    ancillas): the routing kernels move labels, and every site holds exactly one."""
    perm = np.empty(num_physical, dtype=np.int64)
    n = len(layout)
    perm[:n] = layout
    taken = np.zeros(num_physical, dtype=bool)
    taken[layout] = True
    rest = [int(q) for q in prefer if not taken[q]]
    taken[rest] = True
    rest += [q for q in range(num_physical) if not taken[q]]
    perm[n:] = rest
    return perm


def qubit_errors(target) -> np.ndarray:
    """A per-qubit error estimate (one-qubit gate plus readout), zeros when unknown."""
    total = np.zeros(target.num_qubits)
    for attr in ("readout_error", "error_1q", "single_qubit_error", "gate_error_1q"):
        value = getattr(target, attr, None)
        if value is not None and np.shape(value) == (target.num_qubits,):
            total += np.nan_to_num(np.asarray(value, dtype=float))
    return total


def coupler_errors(target) -> np.ndarray:
    """NxN array of CZ error per live coupler (0 where unknown, inf where no coupler)."""
    n = target.num_qubits
    adjacency = np.asarray(target.adjacency, dtype=bool)
    out = np.where(adjacency, 0.0, np.inf)
    index = getattr(target, "coupler_index", None)
    errors = getattr(target, "cz_error", None)
    if index is not None and errors is not None:
        index = np.asarray(index)
        errors = np.nan_to_num(np.asarray(errors, dtype=float))
        ok = adjacency & (index >= 0)
        out[ok] = errors[index[ok]]
    return out.reshape(n, n)


def layout_cost(layout: np.ndarray, q0: np.ndarray, q1: np.ndarray, use: np.ndarray,
                qerr: np.ndarray, cerr: np.ndarray) -> float:
    """Expected error of running the circuit unrouted on ``layout``: the CZ errors of the
    couplers its gates use plus per-qubit errors weighted by use."""
    cost = float(cerr[layout[q0], layout[q1]].sum()) if len(q0) else 0.0
    return cost + float((qerr[layout] * use[: len(layout)]).sum())
