"""Perfect layout: place the circuit so that every two-qubit gate already sits on a coupler.

That is a subgraph monomorphism of the interaction graph into the chip's coupling graph.
Cheap proofs of impossibility come first, so hopeless searches cost microseconds: size and
edge counts, degree sequences, bipartiteness (a lattice has no odd cycle, so an interaction
graph with one never embeds) and common-neighbour counts (two lattice sites share at most two
neighbours).  Chains and rings are laid along a path grown by Warnsdorff's rule; everything
else goes to a VF2-class backtracking search over bitsets (most-constrained node first,
forward checking of adjacency and of distances), restarted with growing budgets and bounded
in calls and time.  networkx's GraphMatcher was measured first: on the 12 x 6 lattice it
finds spanning chains and dense nearest-neighbour patterns only by luck within 0.1 s, which
the search here finds in milliseconds.  Every embedding found is scored by the target's
errors and the best is kept.  When none is found, a fallback layout (dense by default) is
applied so that the pass always leaves a layout.
"""

from __future__ import annotations

import time

import numpy as np
from jingu.circuit import Circuit
from jingu.errors import PipelineError
from jingu.passmanager import Pass

from .dense import dense_layout
from .placement import (
    apply_layout,
    complete_layout,
    coupler_errors,
    interaction_graph,
    interaction_matrix,
    layout_cost,
    qubit_errors,
    qubit_use,
    two_qubit_pairs,
    virtual_circuit,
    working_piece,
)

_FALLBACKS = ("dense", "trivial")


class VF2Layout(Pass):
    """Find a layout needing no swaps (error-scored); else fall back to a dense layout.

    The search is bounded by ``call_limit`` (deterministic); ``time_limit`` is only a
    safety net for very slow machines, where hitting it may change which layout is kept.
    """

    name = "vf2-layout"
    needs = {"unrolled"}
    guarantees = {"layout"}
    call_limit: int = 3000
    time_limit: float = 1.0
    max_solutions: int = 16
    fallback: str = "dense"

    def run(self, circuit: Circuit, ctx) -> Circuit:
        if self.fallback not in _FALLBACKS:
            raise PipelineError(f"vf2-layout: fallback must be one of {', '.join(_FALLBACKS)}, "
                                f"not '{self.fallback}'")
        virtual = virtual_circuit(circuit)
        target = ctx.target
        budget = min(self.time_limit, max(ctx.time_left(), 0.0))
        layout, status = perfect_layout(virtual, target, self.call_limit, budget,
                                        self.max_solutions)
        ctx.properties["vf2_layout"] = status
        if layout is None:
            if self.fallback == "dense":
                layout = dense_layout(virtual, target)
            else:
                from .trivial import TrivialLayout

                return TrivialLayout().run(virtual, ctx)
            ctx.properties["layout_method"] = f"{self.name} ({self.fallback} fallback)"
        else:
            ctx.properties["layout_method"] = self.name
        return apply_layout(virtual, layout, target)


def perfect_layout(virtual: Circuit, target, call_limit: int = 3000, time_limit: float = 1.0,
                   max_solutions: int = 16) -> tuple[np.ndarray | None, str]:
    """(layout, status): a layout under which no gate needs routing, or (None, why not)."""
    q0, q1 = two_qubit_pairs(virtual)
    weights = interaction_matrix(q0, q1, virtual.num_qubits)
    active = np.nonzero(weights.any(axis=1))[0]
    piece = working_piece(target, len(active))
    qerr = qubit_errors(target)
    use = qubit_use(virtual, virtual.num_qubits)
    if not len(active):
        order = piece[np.lexsort((piece, qerr[piece]))]
        busiest = np.argsort(-use, kind="stable")
        partial = {int(v): int(p) for v, p in zip(busiest, order)}
        return complete_layout(partial, virtual.num_qubits, target, prefer=order), "found"
    info = _piece_info(target, piece)
    reason = impossible(weights > 0, info)
    if reason:
        return None, f"impossible: {reason}"
    pattern = interaction_graph(weights)
    cerr = coupler_errors(target)
    # per-qubit errors weigh only the active qubits here; idle ones are placed afterwards
    active_use = np.zeros(virtual.num_qubits)
    active_use[active] = use[active]

    best, best_cost = None, np.inf
    deadline = time.perf_counter() + time_limit
    for found, mapping in enumerate(_embeddings(pattern, info, call_limit, deadline, cerr), 1):
        layout = np.zeros(virtual.num_qubits, dtype=np.int64)
        layout[list(mapping)] = list(mapping.values())
        cost = layout_cost(layout, q0, q1, active_use, qerr, cerr)
        if cost < best_cost - 1e-12:
            best, best_cost = dict(mapping), cost
        if found >= max_solutions or time.perf_counter() > deadline:
            break
    if best is None:
        return None, "not found within the search budget"
    rest = np.setdiff1d(piece, list(best.values()))
    prefer = rest[np.lexsort((rest, qerr[rest]))]
    return complete_layout(best, virtual.num_qubits, target, prefer=prefer), "found"


# ----------------------------------------------------------------------------------------
# impossibility proofs


class _PieceInfo:
    def __init__(self, target, piece):
        import networkx as nx

        adjacency = np.asarray(target.adjacency, dtype=bool)[np.ix_(piece, piece)]
        self.piece = piece
        self.graph = target.graph.subgraph(piece.tolist()).copy()
        self.degrees = np.sort(adjacency.sum(axis=1))[::-1]
        self.num_edges = int(adjacency.sum() // 2)
        self.bipartite = nx.is_bipartite(self.graph)
        a = adjacency.astype(np.int64)
        common = a @ a
        np.fill_diagonal(common, 0)
        self.max_common = int(common.max()) if len(piece) > 1 else 0
        self.qerr = qubit_errors(target)
        self.reach = self._reach_masks(target, piece)

    def _reach_masks(self, target, piece):
        """reach[i][d]: bitmask of sites (indices into sorted piece) within d hops of site i,
        and on a bipartite piece only those at a distance of d's parity; the last entry
        stands for every larger d."""
        sites = np.asarray(sorted(piece.tolist()))
        hop = np.asarray(target.distance)[np.ix_(sites, sites)]
        top = int(hop.max()) + 2 if len(sites) else 1
        weights = [1 << i for i in range(len(sites))]
        reach = []
        for i in range(len(sites)):
            row = hop[i]
            masks = []
            for d in range(top + 1):
                ok = row <= d
                if self.bipartite:
                    ok &= (row % 2) == (d % 2)
                masks.append(sum(w for w, good in zip(weights, ok.tolist()) if good))
            reach.append(masks)
        return reach


_INFO_CACHE: dict[tuple, tuple] = {}


def _piece_info(target, piece) -> _PieceInfo:
    key = (id(target), tuple(piece.tolist()))
    hit = _INFO_CACHE.get(key)
    if hit is not None and hit[0] is target:
        return hit[1]
    if len(_INFO_CACHE) > 16:
        _INFO_CACHE.clear()
    info = _PieceInfo(target, piece)
    _INFO_CACHE[key] = (target, info)
    return info


def impossible(adjacency: np.ndarray, info: _PieceInfo) -> str | None:
    """A reason why the interaction graph (boolean adjacency over virtual qubits) cannot
    embed in the piece, or None if none is known.  Array arithmetic only, except the
    bipartiteness test, which runs on a graph that passed the degree tests."""
    import networkx as nx

    degree = adjacency.sum(axis=1)
    nodes = np.nonzero(degree)[0]
    n, m = len(nodes), int(degree.sum()) // 2
    if n > len(info.piece):
        return f"{n} interacting qubits, the piece has {len(info.piece)}"
    if m > info.num_edges:
        return f"{m} interacting pairs, the piece has {info.num_edges} couplers"
    degrees = np.sort(degree[nodes])[::-1]
    if degrees[0] > info.degrees[0]:
        return f"a qubit interacts with {degrees[0]} others, at most {info.degrees[0]} possible"
    if (degrees > info.degrees[: len(degrees)]).any():
        return "the degree sequence does not fit under the chip's"
    sub = adjacency[np.ix_(nodes, nodes)]
    if info.bipartite and not nx.is_bipartite(nx.from_numpy_array(sub)):
        return "the interactions contain an odd cycle; the lattice has none"
    if n > 1:
        a = sub.astype(np.int64)
        common = a @ a
        np.fill_diagonal(common, 0)
        if common.max() > info.max_common:
            return (f"two qubits share {int(common.max())} interaction partners; lattice sites "
                    f"share at most {info.max_common}")
    return None


# ----------------------------------------------------------------------------------------
# searches


def _embeddings(pattern, info: _PieceInfo, call_limit: int, deadline: float, cerr):
    """Embeddings (virtual -> physical dicts) of the pattern, best-guess first."""
    degrees = [d for _, d in pattern.degree()]
    if max(degrees) <= 2:
        import networkx as nx

        comps = [pattern.subgraph(c) for c in nx.connected_components(pattern)]
        acyclic = all(c.number_of_edges() == c.number_of_nodes() - 1 for c in comps)
        if acyclic:
            yield from _chain_embeddings(comps, info, call_limit, deadline, cerr)
            return
        if len(comps) == 1:
            yield from _ring_embeddings(pattern, info, call_limit, deadline, cerr)
            return
    yield from _search_embeddings(pattern, info, call_limit, deadline, cerr)


def _chain_order(comps) -> list[int]:
    """The nodes of a union of paths as one sequence, path after path."""
    seq: list[int] = []
    for c in sorted(comps, key=lambda c: (-c.number_of_nodes(), min(c))):
        if c.number_of_nodes() == 1:
            seq.append(next(iter(c)))
            continue
        start = min(v for v, d in c.degree() if d == 1)
        prev, cur = None, start
        while cur is not None:
            seq.append(cur)
            nxt = [u for u in c[cur] if u != prev]
            prev, cur = cur, (nxt[0] if nxt else None)
    return seq


def _chain_embeddings(comps, info, call_limit, deadline, cerr):
    seq = _chain_order(comps)
    for path in _grow_paths(info, len(seq), False, call_limit, deadline, cerr):
        yield dict(zip(seq, path))


def _ring_embeddings(pattern, info, call_limit, deadline, cerr):
    start = min(pattern)
    seq, prev, cur = [start], start, min(pattern[start])
    while cur != start:
        seq.append(cur)
        prev, cur = cur, min(u for u in pattern[cur] if u != prev)
    for path in _grow_paths(info, len(seq), True, call_limit, deadline, cerr):
        yield dict(zip(seq, path))


def _grow_paths(info, length: int, closed: bool, call_limit: int, deadline: float, cerr):
    """Simple paths (or cycles) of ``length`` sites, by depth-first search that always
    tries the neighbour with fewest free neighbours first (Warnsdorff's rule): it hugs
    the boundary and leaves no stranded sites.  Starts from low-degree sites; one path per
    start; the shared step budget bounds the whole search."""
    graph = info.graph
    nbrs = {v: sorted(graph[v]) for v in graph}
    starts = sorted(graph, key=lambda v: (len(nbrs[v]), info.qerr[v], v))
    steps = 0
    for s in starts:
        used = {s}
        path = [s]
        stack = [iter(_warnsdorff(s, nbrs, used, cerr))]
        while stack:
            steps += 1
            if steps > call_limit or (steps & 255 == 0 and time.perf_counter() > deadline):
                return
            if len(path) == length:
                if not closed or path[0] in nbrs[path[-1]]:
                    yield list(path)
                    break
                used.discard(path.pop())
                stack.pop()
                continue
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                used.discard(path.pop())
                continue
            used.add(nxt)
            path.append(nxt)
            stack.append(iter(_warnsdorff(nxt, nbrs, used, cerr)))


def _warnsdorff(v, nbrs, used, cerr):
    free = [u for u in nbrs[v] if u not in used]
    return sorted(free, key=lambda u: (sum(1 for w in nbrs[u] if w not in used), cerr[v, u], u))


def _search_embeddings(pattern, info, call_limit, deadline, cerr):
    """Backtracking subgraph-monomorphism search over bitsets, restarted with a doubling
    call budget and shuffled tie-breaks (backtracking has heavy-tailed run times; restarts
    cut the tail).  Yields embeddings as dicts virtual -> physical."""
    search = _Search(pattern, info, cerr)
    calls_left = call_limit
    budget, attempt = 256, 0
    while calls_left > 0 and time.perf_counter() < deadline:
        limit = min(budget, calls_left)
        found = False
        for mapping in search.run(limit, deadline, attempt):
            found = True
            yield mapping
        if found:
            return
        calls_left -= search.calls
        if search.exhausted:
            return
        budget *= 2
        attempt += 1


class _Search:
    """One depth-first search.  The next pattern node is the one with fewest candidate
    sites left (forward checking keeps every domain current: sites next to the images of
    its placed neighbours); sites are tried fewest-free-neighbours first, so embeddings
    pack tightly.  Distances prune hardest: nodes d apart in the pattern land at most d
    apart on the chip, with the same parity on a bipartite chip."""

    def __init__(self, pattern, info, cerr):
        sites = sorted(info.graph)
        self.sites = sites
        index = {t: i for i, t in enumerate(sites)}
        self.site_nbrs = site_nbrs = [0] * len(sites)
        for a, b in info.graph.edges:
            site_nbrs[index[a]] |= 1 << index[b]
            site_nbrs[index[b]] |= 1 << index[a]
        self.nodes = nodes = sorted(pattern, key=lambda v: (-pattern.degree(v), v))
        pos = {v: i for i, v in enumerate(nodes)}
        self.nbrs = [[pos[u] for u in pattern[v]] for v in nodes]
        self.deg = [len(x) for x in self.nbrs]
        site_deg = [m.bit_count() for m in site_nbrs]
        self.allowed = [sum(1 << i for i in range(len(sites)) if site_deg[i] >= d)
                        for d in self.deg]
        sub = np.asarray(cerr)[np.ix_(sites, sites)]
        self.cerr = np.where(np.isfinite(sub), sub, 0.0).tolist()
        self.site_err = [float(info.qerr[t]) for t in sites]
        import networkx as nx

        self.comp_of = [[] for _ in nodes]
        self.dist = [[0] * len(nodes) for _ in nodes]
        for src, lengths in nx.all_pairs_shortest_path_length(pattern):
            a = pos[src]
            for dst, d in lengths.items():
                if dst != src:
                    self.comp_of[a].append(pos[dst])
                    self.dist[a][pos[dst]] = d
        self.reach = info.reach
        self.calls = 0
        self.exhausted = False

    def run(self, call_limit, deadline, attempt):
        k = len(self.nodes)
        nbrs, site_nbrs, n_sites = self.nbrs, self.site_nbrs, len(self.sites)
        reach, dist, comp_of = self.reach, self.dist, self.comp_of
        last = len(reach[0]) - 1 if n_sites else 0
        slack = 6
        domain = list(self.allowed)
        image = [-1] * k
        open_deg = list(self.deg)
        jitter = np.random.default_rng(attempt).random(n_sites).tolist() if attempt else \
            [0.0] * n_sites
        used = 0
        self.calls = 0
        self.exhausted = False

        def extend(placed):
            nonlocal used
            if placed == k:
                yield {self.nodes[v]: self.sites[image[v]] for v in range(k)}
                return
            best, best_key = -1, None
            for v in range(k):
                if image[v] < 0:
                    key = ((domain[v] & ~used).bit_count(), -open_deg[v], -self.deg[v], v)
                    if best_key is None or key < best_key:
                        best, best_key = v, key
            v = best
            if best_key[0] == 0:
                return
            cand = domain[v] & ~used
            values = []
            while cand:
                low = cand & -cand
                i = low.bit_length() - 1
                cand ^= low
                free = (site_nbrs[i] & ~used).bit_count()
                if free < open_deg[v]:
                    continue
                err = self.site_err[i] + sum(self.cerr[i][image[u]] for u in nbrs[v]
                                             if image[u] >= 0)
                values.append((free + jitter[i], err, i))
            values.sort()
            for _, _, i in values:
                self.calls += 1
                if self.calls > call_limit or (
                        self.calls & 63 == 0 and time.perf_counter() > deadline):
                    raise _OutOfBudget
                image[v] = i
                used |= 1 << i
                saved = []
                ok = True
                for u in nbrs[v]:
                    open_deg[u] -= 1
                    if image[u] < 0:
                        saved.append((u, domain[u]))
                        domain[u] &= site_nbrs[i]
                        if not domain[u] & ~used:
                            ok = False
                if ok:
                    # images of nodes d apart in the pattern are at most d apart on the chip
                    # (and, on a bipartite chip, at a distance of the same parity)
                    ball = reach[i]
                    row = dist[v]
                    for u in comp_of[v]:
                        if image[u] < 0:
                            saved.append((u, domain[u]))
                            domain[u] &= ball[min(row[u], last)]
                            if not domain[u] & ~used:
                                ok = False
                                break
                left = k - placed - 1
                if ok and left and n_sites - placed - 1 - left <= slack:
                    # near a perfect packing: the free sites some unplaced node may still
                    # take must be at least as many as the unplaced nodes
                    union = 0
                    for u in range(k):
                        if image[u] < 0:
                            union |= domain[u]
                    ok = (union & ~used).bit_count() >= left
                if ok:
                    yield from extend(placed + 1)
                for u, d in reversed(saved):
                    domain[u] = d
                for u in nbrs[v]:
                    open_deg[u] += 1
                used ^= 1 << i
                image[v] = -1

        try:
            yield from extend(0)
            self.exhausted = True
        except _OutOfBudget:
            return


class _OutOfBudget(Exception):
    pass
