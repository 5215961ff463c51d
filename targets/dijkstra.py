"""Dijkstra from every source, as a numba kernel (cache=True); see ``paths``."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _push(keys, vals, size, key, val):
    i = size
    keys[i] = key
    vals[i] = val
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] <= keys[i]:
            break
        keys[parent], keys[i] = keys[i], keys[parent]
        vals[parent], vals[i] = vals[i], vals[parent]
        i = parent
    return size + 1


@njit(cache=True)
def _pop(keys, vals, size):
    key, val = keys[0], vals[0]
    size -= 1
    keys[0], vals[0] = keys[size], vals[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        child = left
        if left + 1 < size and keys[left + 1] < keys[left]:
            child = left + 1
        if keys[i] <= keys[child]:
            break
        keys[child], keys[i] = keys[i], keys[child]
        vals[child], vals[i] = vals[i], vals[child]
        i = child
    return key, val, size


@njit(cache=True)
def all_pairs_shortest(indptr, indices, weights):
    """(N, N) float64 path lengths; inf where unreachable.  ``indptr``/``indices``/
    ``weights`` are the CSR of an undirected graph listing each edge both ways."""
    n = indptr.size - 1
    out = np.full((n, n), np.inf)
    keys = np.empty(indices.size + 1)
    vals = np.empty(indices.size + 1, np.int64)
    for s in range(n):
        row = out[s]
        row[s] = 0.0
        size = _push(keys, vals, 0, 0.0, s)
        while size > 0:
            d, u, size = _pop(keys, vals, size)
            if d > row[u]:
                continue
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                nd = d + weights[e]
                if nd < row[v]:
                    row[v] = nd
                    size = _push(keys, vals, size, nd, v)
    return out
