"""Perfect layout: place the circuit so that every two-qubit gate already sits on a coupler.

That is a subgraph monomorphism of the interaction graph into the chip's coupling graph.
Cheap proofs of impossibility come first, so hopeless searches cost microseconds: size and
edge counts, degree sequences, bipartiteness (a lattice has no odd cycle, so an interaction
graph with one never embeds), colour counts (a connected pattern on a bipartite chip needs
as many sites of each colour as it has nodes of each) and common-neighbour counts (two
lattice sites share at most two neighbours).  Chains slide along long paths of the chip and
rings go on cycles of their exact length (``paths``); every placement of those is scored at
once, as arrays.  Everything else goes to a VF2-class backtracking search over bitsets
(most-constrained node first, forward checking of adjacency and of distances), restarted
with growing budgets and bounded in calls and time.  networkx's GraphMatcher was measured
first: on the 12 x 6 lattice it finds spanning chains and dense nearest-neighbour patterns
only by luck within 0.1 s, which the search here finds in milliseconds.  Every embedding
found is scored by the target's errors and the best is kept.  When none is found, a
fallback layout (dense by default) is applied so that the pass always leaves a layout.
"""

from __future__ import annotations

import time

import numpy as np
from jingu.circuit import Circuit
from jingu.errors import PipelineError
from jingu.passmanager import Pass

from .dense import dense_layout
from .memo import per_target
from .paths import PieceWalks, neighbour_lists, two_colouring
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
    """(layout, status): a layout under which no gate needs routing, or (None, why not).

    ``max_solutions`` bounds the embeddings the backtracking search scores; a ring is
    scored on an eighth as many cycles (each in all its rotations and reflections: walks
    for more cycles cost more than the errors they save), a chain in every window of the
    long paths.
    """
    q0, q1 = two_qubit_pairs(virtual)
    weights = interaction_matrix(q0, q1, virtual.num_qubits)
    linked = weights > 0
    active = np.nonzero(linked.any(axis=1))[0]
    piece = working_piece(target, len(active))
    info = _piece_info(target, piece)
    qerr = info.qerr
    use = qubit_use(virtual, virtual.num_qubits)
    if not len(active):
        order = piece[np.lexsort((piece, qerr[piece]))]
        busiest = np.argsort(-use, kind="stable")
        partial = {int(v): int(p) for v, p in zip(busiest, order)}
        return complete_layout(partial, virtual.num_qubits, target, prefer=order), "found"
    reason = impossible(linked, info)
    if reason:
        return None, f"impossible: {reason}"
    # per-qubit errors weigh only the active qubits here; idle ones are placed afterwards
    active_use = np.zeros(virtual.num_qubits)
    active_use[active] = use[active]
    deadline = time.perf_counter() + time_limit
    shape = line_shape(linked, active)
    best = None
    if shape is not None:
        kind, seq = shape
        cands = (_chain_candidates(seq, info) if kind == "chain" else
                 _ring_candidates(len(seq), info, call_limit, deadline,
                                  max(1, max_solutions // 8)))
        if len(cands):
            k = int(np.argmin(_placement_costs(cands, seq, weights, active_use, info)))
            best = dict(zip(seq.tolist(), cands[k].tolist()))
    if best is None and (shape is None or shape[0] == "chain"):
        # (a ring the walks miss is out of the backtracking search's reach as well)
        best = _best_search_embedding(virtual, weights, q0, q1, active_use, info, shape,
                                      call_limit, deadline, max_solutions)
    if best is None:
        return None, "not found within the search budget"
    taken = np.zeros(target.num_qubits, dtype=bool)
    taken[list(best.values())] = True
    rest = piece[~taken[piece]]
    prefer = rest[np.lexsort((rest, qerr[rest]))]
    return complete_layout(best, virtual.num_qubits, target, prefer=prefer), "found"


def _placement_costs(cands: np.ndarray, seq: np.ndarray, weights: np.ndarray,
                     use: np.ndarray, info: _PieceInfo) -> np.ndarray:
    """``layout_cost`` of each placement (row of sites for the qubits ``seq``) at once."""
    sub = weights[np.ix_(seq, seq)]
    i, j = np.nonzero(np.triu(sub, 1))
    n = info.cerr.shape[1]
    flat = info.cerr.ravel()
    cost = flat[cands[:, i] * n + cands[:, j]] @ sub[i, j].astype(float)
    return cost + info.qerr[cands] @ use[seq]


def _best_search_embedding(virtual, weights, q0, q1, active_use, info, shape, call_limit,
                           deadline, max_solutions):
    """The least-error embedding found by search (a chain: by an exact-length path search
    when no long path held it), or None."""
    if shape is not None:
        found_maps = (dict(zip(shape[1].tolist(), path.tolist())) for path in
                      info.walks.paths(len(shape[1]), call_limit, deadline))
    else:
        found_maps = _search_embeddings(interaction_graph(weights), info, call_limit,
                                        deadline)
    best, best_cost = None, np.inf
    for found, mapping in enumerate(found_maps, 1):
        layout = np.zeros(virtual.num_qubits, dtype=np.int64)
        layout[list(mapping)] = list(mapping.values())
        cost = layout_cost(layout, q0, q1, active_use, info.qerr, info.cerr)
        if cost < best_cost - 1e-12:
            best, best_cost = dict(mapping), cost
        if found >= max_solutions or time.perf_counter() > deadline:
            break
    return best


# ----------------------------------------------------------------------------------------
# impossibility proofs


class _PieceInfo:
    """What the searches need to know about one piece of a target (cached per target)."""

    def __init__(self, target, piece):
        adjacency = np.asarray(target.adjacency, dtype=bool)[np.ix_(piece, piece)]
        self.piece = piece
        self.degrees = np.sort(adjacency.sum(axis=1))[::-1]
        self.num_edges = int(adjacency.sum() // 2)
        links = adjacency.astype(float)
        common = links @ links
        np.fill_diagonal(common, 0)
        self.max_common = int(common.max()) if len(piece) > 1 else 0
        self.qerr = qubit_errors(target)
        self.cerr = coupler_errors(target)
        self.walks = PieceWalks(target, piece, self.qerr)
        self.colours = self.walks.colour_counts()
        self.bipartite = self.colours is not None
        a, b = np.nonzero(np.triu(adjacency))
        self.couplers = np.stack([piece[a], piece[b]], axis=1)
        self._target = target
        self._reach = None
        self._graph = None

    @property
    def graph(self):
        """networkx graph of the piece (built on first use: only the searches need it)."""
        if self._graph is None:
            self._graph = self._target.graph.subgraph(self.piece.tolist()).copy()
        return self._graph

    @property
    def reach(self):
        if self._reach is None:
            self._reach = self._reach_masks(self._target, self.piece)
        return self._reach

    def _reach_masks(self, target, piece):
        """reach[i][d]: bitmask of sites (indices into sorted piece) within d hops of site i,
        and on a bipartite piece only those at a distance of d's parity.  The last two
        entries (d beyond the diameter) hold every site of their parity: they stand for
        every larger d of the same parity (see ``_Search``)."""
        sites = np.asarray(sorted(piece.tolist()))
        hop = np.asarray(target.distance)[np.ix_(sites, sites)]
        top = int(hop.max()) + 2 if len(sites) else 1
        reach = []
        for row in hop.tolist():
            exact = [0] * (top + 1)  # sites at exactly d hops
            for j, d in enumerate(row):
                exact[d] |= 1 << j
            masks, acc = [], [0, 0]
            for d in range(top + 1):
                if self.bipartite:
                    acc[d % 2] |= exact[d]
                    masks.append(acc[d % 2])
                else:
                    acc[0] |= exact[d]
                    masks.append(acc[0])
            reach.append(masks)
        return reach


def _piece_info(target, piece) -> _PieceInfo:
    return per_target(target, ("vf2-piece", tuple(piece.tolist())),
                      lambda: _PieceInfo(target, piece))


def impossible(adjacency: np.ndarray, info: _PieceInfo) -> str | None:
    """A reason why the interaction graph (boolean adjacency over virtual qubits) cannot
    embed in the piece, or None if none is known.  Array arithmetic only, except the
    bipartiteness and colour tests, which run on a graph that passed the degree tests."""
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
    if info.bipartite:
        coloured = two_colouring(neighbour_lists(sub))
        if coloured is None:
            return "the interactions contain an odd cycle; the lattice has none"
        reason = _colour_count_reason(*coloured, info.colours)
        if reason:
            return reason
    if n > 1:
        a = sub.astype(float)  # exact small integers; float takes the fast matmul
        common = a @ a
        np.fill_diagonal(common, 0)
        if common.max() > info.max_common:
            return (f"two qubits share {int(common.max())} interaction partners; lattice sites "
                    f"share at most {info.max_common}")
    return None


def _colour_count_reason(colour: list[int], comp: list[int],
                         host: tuple[int, int]) -> str | None:
    """On a bipartite chip each connected piece of the pattern keeps its two colour classes
    on the chip's two colours, one way round or the other.  So the smaller classes together
    need at least that many sites of the chip's scarcer colour, and a connected pattern's
    larger class needs the chip's other colour."""
    pieces = max(comp) + 1
    ones = np.bincount(comp, weights=colour, minlength=pieces).astype(np.int64)
    sizes = np.bincount(comp, minlength=pieces)
    small = int(np.minimum(ones, sizes - ones).sum())
    big = int(np.maximum(ones, sizes - ones).max())
    if small > host[1] or pieces == 1 and big > host[0]:
        return (f"the interactions need {small} and {len(comp) - small} sites of the two "
                f"colours of the lattice's chequerboard, which has {host[1]} and {host[0]}")
    return None


def line_shape(linked: np.ndarray, active: np.ndarray) -> tuple[str, np.ndarray] | None:
    """('chain', order) when the interaction graph (boolean adjacency) is a union of paths,
    laid end to end in ``order`` (longest first); ('ring', order) when it is one cycle,
    walked from its lowest qubit; else None."""
    if linked[active].sum(axis=1).max() > 2:
        return None
    nbrs = neighbour_lists(linked[np.ix_(active, active)])
    seen = [False] * len(nbrs)
    pieces = []
    for start in range(len(nbrs)):  # each path from its lower end
        if seen[start] or len(nbrs[start]) == 2:
            continue
        piece, prev, cur = [start], -1, start
        seen[start] = True
        while True:
            nxt = [u for u in nbrs[cur] if u != prev]
            if not nxt:
                break
            prev, cur = cur, nxt[0]
            piece.append(cur)
            seen[cur] = True
        pieces.append(piece)
    if not all(seen):  # some component is a cycle
        if pieces:
            return None
        seq, prev, cur = [0], 0, min(nbrs[0])
        while cur != 0:
            seq.append(cur)
            prev, cur = cur, min(u for u in nbrs[cur] if u != prev)
        if len(seq) < len(nbrs):
            return None
        return "ring", active[seq]
    seq = [v for p in sorted(pieces, key=lambda p: (-len(p), p[0])) for v in p]
    return "chain", active[seq]


def _chain_candidates(seq: np.ndarray, info: _PieceInfo) -> np.ndarray:
    """Sites for ``seq`` (one row per placement): both directions of every window of the
    long paths; for a single pair, every coupler both ways."""
    if len(seq) == 2:
        return np.concatenate([info.couplers, info.couplers[:, ::-1]])
    return info.walks.windows(len(seq))


def _ring_candidates(m: int, info: _PieceInfo, call_limit: int, deadline: float,
                     count: int) -> np.ndarray:
    """Sites for a ring of ``m`` (one row per placement): every rotation and reflection of
    each cycle of length ``m`` found."""
    cycles = info.walks.cycles(m, max(1, count), 4 * call_limit, deadline)
    if not cycles:
        return np.zeros((0, m), dtype=np.int64)
    shift = np.arange(m)
    turns = np.concatenate([(shift[:, None] + shift) % m, (shift[:, None] - shift) % m])
    return np.concatenate([c[turns] for c in cycles])


# ----------------------------------------------------------------------------------------
# searches


def _search_embeddings(pattern, info, call_limit, deadline):
    """Backtracking subgraph-monomorphism search over bitsets, restarted with a doubling
    call budget and shuffled tie-breaks (backtracking has heavy-tailed run times; restarts
    cut the tail).  Yields embeddings as dicts virtual -> physical."""
    search = _Search(pattern, info, info.cerr)
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

        self.reach = info.reach
        # pattern distances as indices into reach: beyond the diameter, the entry of the
        # same parity (on a bipartite chip the parity of a distance is what still counts)
        last = len(self.reach[0]) - 1 if sites else 0
        self.comp_of = [[] for _ in nodes]
        self.dist = [[0] * len(nodes) for _ in nodes]
        for src, lengths in nx.all_pairs_shortest_path_length(pattern):
            a = pos[src]
            for dst, d in lengths.items():
                if dst != src:
                    self.comp_of[a].append(pos[dst])
                    self.dist[a][pos[dst]] = d if d <= last else last - ((d - last) & 1)
        self.calls = 0
        self.exhausted = False

    def run(self, call_limit, deadline, attempt):
        k = len(self.nodes)
        nbrs, site_nbrs, n_sites = self.nbrs, self.site_nbrs, len(self.sites)
        reach, dist, comp_of = self.reach, self.dist, self.comp_of
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
                            domain[u] &= ball[row[u]]
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
