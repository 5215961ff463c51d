"""Dense layout: a compact, well-connected, low-error region of the chip, with the most
strongly interacting virtual qubits placed next to each other inside it.

Greedy and cheap (no routing), so it is both a layout of its own and the seed that the
SABRE layout search and the perfect-layout fallback start from.
"""

from __future__ import annotations

import numpy as np
from jingu.circuit import Circuit
from jingu.passmanager import Pass

from .memo import per_target
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
    region = per_target(target, ("dense-region", len(active)),
                        lambda: dense_region(target, piece, len(active)))
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
    free qubit that minimises its gate-weighted hop distance to its placed partners (then
    lowest error, then lowest index)."""
    sites = np.asarray(region, dtype=np.int64)
    hop = np.asarray(target.distance)[np.ix_(sites, sites)].astype(np.int64)
    qerr = qubit_errors(target)[sites]
    weights = np.asarray(weights, dtype=np.int64)
    free = np.ones(len(sites), dtype=bool)
    strength = weights.sum(axis=1)
    pull = np.zeros(len(weights), dtype=np.int64)
    # cost[v, k]: gate-weighted hops from region site k to v's placed partners, kept
    # current as qubits are placed (one outer product per placement)
    cost = np.zeros((len(weights), len(sites)), dtype=np.int64)
    waiting = np.zeros(len(weights), dtype=bool)
    waiting[active] = True
    # site order for ties: lowest cost, then lowest error, then lowest index
    tie = np.empty(len(sites), dtype=np.int64)
    tie[np.lexsort((sites, qerr))] = np.arange(len(sites))
    placed: dict[int, int] = {}
    big = np.iinfo(np.int64).max // 4
    while waiting.any():
        cands = np.nonzero(waiting)[0]
        v = int(cands[np.lexsort((cands, -strength[cands], -pull[cands]))[0]])
        waiting[v] = False
        if placed and weights[v, list(placed)].any():
            key = np.where(free, cost[v] * len(sites) + tie, big)
            k = int(np.argmin(key))
        else:
            k = int(np.nonzero(free)[0][0])
        free[k] = False
        placed[v] = int(sites[k])
        pull += weights[v]
        cost += np.outer(weights[:, v], hop[k])
    return placed
