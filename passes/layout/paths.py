"""Paths and rings of a chip: where chain- and ring-shaped interaction graphs go.

A chain of ``L`` qubits fits along any simple path of ``L`` sites.  Long paths are found
once per chip by depth-first search with Warnsdorff's rule (fewest free neighbours first:
it hugs the boundary and strands no site), and every shorter chain slides along them, so a
chain costs a few array operations instead of a search.

A ring of ``L`` qubits needs a cycle of exactly ``L`` sites.  A path of ``L`` sites whose
ends are coupled is one, so a path is walked at random until its ends meet, by the moves
used to sample Hamiltonian paths on lattices: a *backbite* couples an end to a site of the
path and cuts the path next to that site (the length stays, the end moves), a *slide* steps
an end onto a free neighbour and lets the other end go (the path wanders over the chip),
and while the path is shorter than ``L`` an end steps onto a free neighbour.  The walk needs
no drawing of the chip, meets holes and dead couplers like any other site, and finds the
longest cycles (every live site, or all but a few) in a few thousand moves, short ones in
tens.  Each walk is seeded, so the cycles found depend only on the chip and the length.
"""

from __future__ import annotations

import math
import time
from collections import deque

import numpy as np

#: steps of the depth-first search for each long path; moves of each cycle walk
PATH_STEPS = 1500
WALK_MOVES = 2500


class PieceWalks:
    """Long paths and exact-length cycles of one connected piece of a target (cached with
    the piece: a Target is never mutated)."""

    def __init__(self, target, piece: np.ndarray, qerr: np.ndarray):
        self.sites = np.asarray(piece, dtype=np.int64)
        adjacency = np.asarray(target.adjacency, dtype=bool)[np.ix_(self.sites, self.sites)]
        self.nbrs = neighbour_lists(adjacency)
        self.qerr = np.asarray(qerr, dtype=float)[self.sites]
        coloured = two_colouring(self.nbrs)
        self.color = coloured[0] if coloured else None
        self._long_paths: list[list[int]] | None = None
        self._windows: dict[int, np.ndarray] = {}
        self._cycles: dict[int, list[tuple[list[int] | None, int]]] = {}

    def colour_counts(self) -> tuple[int, int] | None:
        """Sites of each colour (larger count first) on a bipartite piece, else None."""
        if self.color is None:
            return None
        ones = sum(self.color)
        return max(ones, len(self.color) - ones), min(ones, len(self.color) - ones)

    def long_paths(self) -> list[np.ndarray]:
        """A few long simple paths (physical sites), from different low-degree starts; as
        long as the colour counts allow when the search finds one within ``PATH_STEPS``
        steps (on a full lattice: through every site)."""
        return [self.sites[np.asarray(p, dtype=np.int64)] for p in self._local_paths()]

    def windows(self, length: int) -> np.ndarray:
        """Every run of ``length`` consecutive sites of the long paths, both ways (one row
        each; no rows when no long path is that long)."""
        hit = self._windows.get(length)
        if hit is None:
            runs = [p[np.arange(len(p) - length + 1)[:, None] + np.arange(length)]
                    for p in self.long_paths() if len(p) >= length]
            hit = np.concatenate(runs) if runs else np.zeros((0, length), dtype=np.int64)
            hit = np.concatenate([hit, hit[:, ::-1]])
            if len(self._windows) > 64:
                self._windows.clear()
            self._windows[length] = hit
        return hit

    def _local_paths(self) -> list[list[int]]:
        if self._long_paths is None:
            n = len(self.nbrs)
            longest = n  # a path alternates colours: at most one site more of the commoner
            if self.color is not None:
                more, fewer = self.colour_counts()
                longest = min(n, 2 * fewer + (more > fewer))
            starts = sorted(range(n), key=lambda v: (len(self.nbrs[v]), self.qerr[v], v))
            found: list[list[int]] = []
            seen: set[tuple] = set()
            for s in starts[:8]:
                path, _ = _warnsdorff_longest(self.nbrs, s, longest, PATH_STEPS)
                key = tuple(path) if path[0] < path[-1] else tuple(reversed(path))
                if key not in seen:
                    seen.add(key)
                    found.append(path)
                if len(found) >= 4:
                    break
            found.sort(key=len, reverse=True)
            self._long_paths = found
        return self._long_paths

    def paths(self, length: int, budget: int, deadline: float = math.inf):
        """Simple paths of exactly ``length`` sites (physical), one per start site (low
        degree first), within ``budget`` search steps in all: for a chain longer than every
        long path."""
        n = len(self.nbrs)
        left = budget
        for s in sorted(range(n), key=lambda v: (len(self.nbrs[v]), self.qerr[v], v)):
            if left <= 0 or time.perf_counter() > deadline:
                return
            path, steps = _warnsdorff_longest(self.nbrs, s, length, left)
            left -= steps + 1
            if len(path) == length:
                yield self.sites[np.asarray(path, dtype=np.int64)]

    def cycles(self, length: int, count: int, budget: int,
               deadline: float = math.inf) -> list[np.ndarray]:
        """Up to ``count`` distinct cycles of exactly ``length`` sites (physical, in cyclic
        order), from seeded walks of at most ``budget`` moves in all.

        Walk ``k`` starts from long path ``k`` (cyclically) with seed ``k``; its outcome is
        cached, so the answer depends on (length, count, budget) alone, never on what was
        asked before in the process.
        """
        n = len(self.nbrs)
        if length < 3 or length > n or self.color is not None and (
                length % 2 or length // 2 > self.colour_counts()[1]):
            return []
        walks = self._cycles.setdefault(length, [])
        paths = self._local_paths()
        found: list[np.ndarray] = []
        seen: set[tuple] = set()
        left, k = budget, 0
        while left > 0 and len(found) < count:
            if k == len(walks):
                if time.perf_counter() > deadline:
                    break
                start = paths[k % len(paths)][:length]
                walks.append(_backbite_cycle(self.nbrs, start, length, WALK_MOVES, seed=k))
            cycle, moves = walks[k]
            k += 1
            if cycle is not None and moves <= left:
                key = _canonical(cycle)
                if key not in seen:
                    seen.add(key)
                    found.append(self.sites[np.asarray(cycle, dtype=np.int64)])
            left -= moves + 16  # a walk's set-up costs about as much as a few moves
        return found


def neighbour_lists(adjacency: np.ndarray) -> list[list[int]]:
    """Neighbour lists of a boolean adjacency matrix."""
    out: list[list[int]] = [[] for _ in range(len(adjacency))]
    for a, b in zip(*(x.tolist() for x in np.nonzero(adjacency))):
        out[a].append(b)
    return out


def _canonical(cycle: list[int]) -> tuple[int, ...]:
    """The same tuple for every rotation and reflection of a cycle."""
    i = cycle.index(min(cycle))
    turned = cycle[i:] + cycle[:i]
    return tuple(turned if turned[1] < turned[-1] else turned[:1] + turned[:0:-1])


def two_colouring(nbrs) -> tuple[list[int], list[int]] | None:
    """(colour 0/1, connected component) per node of a graph given as neighbour lists, no
    edge inside a colour; None when the graph has an odd cycle."""
    color = [-1] * len(nbrs)
    comp = [-1] * len(nbrs)
    count = 0
    for s in range(len(nbrs)):
        if color[s] >= 0:
            continue
        color[s], comp[s] = 0, count
        queue = deque([s])
        while queue:
            v = queue.popleft()
            for u in nbrs[v]:
                if color[u] < 0:
                    color[u], comp[u] = color[v] ^ 1, count
                    queue.append(u)
                elif color[u] == color[v]:
                    return None
        count += 1
    return color, comp


def _warnsdorff_longest(nbrs, start: int, length: int, budget: int) -> tuple[list[int], int]:
    """(path, steps): the longest simple path from ``start`` seen by a Warnsdorff-ordered
    depth-first search (fewest free neighbours first, then lowest index) that stops at
    ``length`` sites or after ``budget`` steps."""
    used = [False] * len(nbrs)
    free_deg = [len(x) for x in nbrs]

    def take(v):
        used[v] = True
        for u in nbrs[v]:
            free_deg[u] -= 1

    def drop(v):
        used[v] = False
        for u in nbrs[v]:
            free_deg[u] += 1

    def order(v):
        return sorted((u for u in nbrs[v] if not used[u]), key=lambda u: (free_deg[u], u))

    take(start)
    path, best = [start], [start]
    stack = [iter(order(start))]
    steps = 0
    while stack and len(path) < length and steps < budget:
        steps += 1
        nxt = next(stack[-1], None)
        if nxt is None:
            stack.pop()
            drop(path.pop())
            continue
        take(nxt)
        path.append(nxt)
        if len(path) > len(best):
            best = list(path)
        stack.append(iter(order(nxt)))
    return (path if len(path) >= length else best), steps


def _backbite_cycle(nbrs, start: list[int], length: int, moves: int, seed: int):
    """(cycle, moves used): a random walk over simple paths from ``start`` until a path of
    ``length`` sites has coupled ends; the cycle is None when ``moves`` run out."""
    path = list(start)
    pos = [-1] * len(nbrs)
    for i, v in enumerate(path):
        pos[v] = i
    rand = np.random.default_rng(seed).random(2 * moves).tolist()
    for move in range(moves):
        if len(path) == length and path[0] in nbrs[path[-1]]:
            return path, move
        if rand[2 * move] < 0.5:  # act on the other end
            path.reverse()
            for i, v in enumerate(path):
                pos[v] = i
        end = nbrs[path[-1]]
        x = end[int(rand[2 * move + 1] * len(end))]
        i = pos[x]
        if i < 0:
            if len(path) == length:  # slide: step onto x, let the other end go
                pos[path[0]] = -1
                del path[0]
                for k, v in enumerate(path):
                    pos[v] = k
            pos[x] = len(path)
            path.append(x)
        elif i < len(path) - 2:  # backbite: couple the end to x, cut after x
            tail = path[i + 1:]
            tail.reverse()
            path[i + 1:] = tail
            for k in range(i + 1, len(path)):
                pos[path[k]] = k
    if len(path) == length and path[0] in nbrs[path[-1]]:
        return path, moves
    return None, moves
