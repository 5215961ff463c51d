"""Dense layout: a compact, well-connected, low-error region of the chip, with the most
strongly interacting virtual qubits placed next to each other inside it.

Greedy and cheap (no routing), so it is both a layout of its own and the seed that the
SABRE layout search and the perfect-layout fallback start from.
"""

from __future__ import annotations

import numpy as np
from jingu.circuit import Circuit
from jingu.passmanager import Pass

from .placement import (
    apply_layout,
    complete_layout,
    coupler_errors,
    interaction_matrix,
    qubit_errors,
    two_qubit_pairs,
    virtual_circuit,
    working_piece,
)


class DenseLayout(Pass):
    """Place interacting qubits greedily in a compact, low-error region of the chip."""

    name = "dense-layout"
    needs = {"unrolled"}
    guarantees = {"layout"}

    def run(self, circuit: Circuit, ctx) -> Circuit:
        virtual = virtual_circuit(circuit)
        layout = dense_layout(virtual, ctx.target)
        ctx.properties["layout_method"] = self.name
        return apply_layout(virtual, layout, ctx.target)


def dense_layout(virtual: Circuit, target) -> np.ndarray:
    """The dense layout of ``virtual`` (a virtual circuit) as virtual -> physical."""
    q0, q1 = two_qubit_pairs(virtual)
    weights = interaction_matrix(q0, q1, virtual.num_qubits)
    active = np.nonzero(weights.any(axis=1))[0]
    piece = working_piece(target, len(active))
    if not len(active):
        return complete_layout({}, virtual.num_qubits, target, prefer=_by_quality(target, piece))
    region = dense_region(target, piece, len(active))
    return complete_layout(place(weights, active, region, target), virtual.num_qubits, target,
                           prefer=piece)


def _by_quality(target, qubits: np.ndarray) -> np.ndarray:
    err = qubit_errors(target)[qubits]
    return qubits[np.lexsort((qubits, err))]


def dense_region(target, piece: np.ndarray, size: int) -> list[int]:
    """``size`` connected qubits of ``piece`` grown from a central, low-error qubit, each
    step taking the free neighbour with most links into the region (then lowest error)."""
    hop = np.asarray(target.distance)
    adjacency = np.asarray(target.adjacency, dtype=bool)
    qerr = qubit_errors(target)
    cerr = coupler_errors(target)
    sub = hop[np.ix_(piece, piece)]
    eccentricity = sub.max(axis=1)
    degree = adjacency[np.ix_(piece, piece)].sum(axis=1)
    start = int(piece[np.lexsort((piece, qerr[piece], -degree, eccentricity))[0]])
    region = [start]
    inside = np.zeros(target.num_qubits, dtype=bool)
    inside[start] = True
    while len(region) < size:
        frontier = np.nonzero(adjacency[inside].any(axis=0) & ~inside)[0]
        links = adjacency[np.ix_(frontier, inside.nonzero()[0])].sum(axis=1)
        link_err = np.where(adjacency[frontier][:, inside], cerr[frontier][:, inside],
                            0.0).sum(axis=1) / np.maximum(links, 1)
        spread = hop[np.ix_(frontier, [start])][:, 0]
        pick = int(frontier[np.lexsort((frontier, link_err + qerr[frontier], spread,
                                        -links))[0]])
        region.append(pick)
        inside[pick] = True
    return region


def place(weights: np.ndarray, active: np.ndarray, region: list[int], target) -> dict[int, int]:
    """Map the interacting virtual qubits onto ``region``: the most interacting one at the
    region's start, then (Prim order, by gates shared with the placed ones) each on the
    free qubit that minimises its gate-weighted hop distance to its placed partners."""
    hop = np.asarray(target.distance).astype(np.int64)
    qerr = qubit_errors(target)
    free = np.array(region, dtype=np.int64)
    taken = np.zeros(len(free), dtype=bool)
    strength = weights.sum(axis=1)
    pull = np.zeros(len(weights), dtype=np.int64)
    waiting = np.zeros(len(weights), dtype=bool)
    waiting[active] = True
    placed_v: list[int] = []
    placed_p: list[int] = []
    while waiting.any():
        cands = np.nonzero(waiting)[0]
        v = int(cands[np.lexsort((cands, -strength[cands], -pull[cands]))[0]])
        waiting[v] = False
        open_sites = free[~taken]
        w = weights[v, placed_v] if placed_v else np.zeros(0, dtype=np.int64)
        if w.any():
            cost = hop[np.ix_(open_sites, placed_p)] @ w
            k = int(np.lexsort((open_sites, qerr[open_sites], cost))[0])
        else:
            k = 0
        site = int(open_sites[k])
        taken[np.nonzero(free == site)[0][0]] = True
        placed_v.append(v)
        placed_p.append(site)
        pull += weights[v]
    return dict(zip(placed_v, placed_p))
