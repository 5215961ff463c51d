"""All-pairs shortest paths on a coupling graph: hop distance and error-weighted distance.

Small chips (up to ``DENSE_LIMIT`` qubits, every real device jingu targets today) use a
vectorised Floyd-Warshall in numpy: a few milliseconds, and no numba start-up for commands
such as ``jingu target show``.  Larger generated lattices use Dijkstra from every source
over CSR arrays, a numba kernel (``dijkstra``), O(N E log N) instead of O(N^3).  The tests
check the two agree.
"""

from __future__ import annotations

import numpy as np

DENSE_LIMIT = 256


def all_pairs(num_nodes: int, pairs: np.ndarray, weights: np.ndarray,
              method: str | None = None) -> np.ndarray:
    """(N, N) float64 least path weights over the undirected edges ``pairs``; inf where
    there is no path, 0 on the diagonal.  ``method``: None (by size), "dense", "dijkstra"."""
    pairs = np.asarray(pairs, np.int64).reshape(-1, 2)
    weights = np.asarray(weights, np.float64)
    if method is None:
        method = "dense" if num_nodes <= DENSE_LIMIT else "dijkstra"
    if method == "dense":
        return floyd_warshall(num_nodes, pairs, weights)
    from .dijkstra import all_pairs_shortest

    return all_pairs_shortest(*csr(num_nodes, pairs, weights))


def floyd_warshall(num_nodes: int, pairs: np.ndarray, weights: np.ndarray) -> np.ndarray:
    d = np.full((num_nodes, num_nodes), np.inf)
    np.minimum.at(d, (pairs[:, 0], pairs[:, 1]), weights)
    np.minimum.at(d, (pairs[:, 1], pairs[:, 0]), weights)
    np.fill_diagonal(d, 0.0)
    for k in range(num_nodes):
        np.minimum(d, d[:, k, None] + d[None, k, :], out=d)
    return d


def csr(num_nodes: int, pairs: np.ndarray, weights: np.ndarray):
    """CSR arrays (each edge both ways) of the undirected edges ``pairs`` with ``weights``."""
    src = np.concatenate([pairs[:, 0], pairs[:, 1]]).astype(np.int64)
    dst = np.concatenate([pairs[:, 1], pairs[:, 0]]).astype(np.int64)
    w = np.concatenate([weights, weights]).astype(np.float64)
    order = np.lexsort((dst, src))
    indptr = np.zeros(num_nodes + 1, np.int64)
    np.add.at(indptr, src + 1, 1)
    return np.cumsum(indptr), dst[order], w[order]
