"""numba kernels of the SABRE router (LightSABRE class), over arrays only.

The router works on a dependency DAG given as arrays: per node its kind (see ``route``;
odd kinds are two-qubit gates whose qubits must share a coupler), its logical operands
(``qptr``/``qs``), its number of predecessors and its successors (``succ_ptr``/``succ``).
Logical labels run over all ``N`` physical sites: ``l2p`` is a permutation, so every
physical qubit always holds exactly one label and a swap is a transposition.

Randomness is a private xorshift generator seeded per trial, so a trial's result depends
only on its seed, never on which thread ran it.  The trial loops release the GIL: the
caller shares trials among Python threads (``sabre.run_trials``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

_EPS = 1e-10


# ----------------------------------------------------------------------------------------
# the DAG, commutation-aware
#
# On each wire, consecutive operations that all act diagonally in the same basis of that
# qubit (Z: diagonal gates, controls; X: targets of cx, rx, ...) form a group; they commute,
# so an operation depends only on the previous group of each of its wires, never on the
# members of its own group.  A group of several operations is joined by a "join" node (kind
# JOIN: no qubits, never emitted) so that edges stay linear in the circuit's size.

JOIN = 6
#: a final measurement: nothing after it touches its qubit or its bit, so it is emitted
#: after everything else, on the qubit then holding its label (a measurement in the middle
#: of the routed circuit would split the two-qubit blocks the swaps around it could merge
#: into)
TERMINAL = 4
#: a two-qubit gate on the same pair as the two-qubit gate before it on both its wires (one-
#: qubit gates between only): it runs right after that gate, so lookahead looks past it
FOLLOWER = 7

#: lookahead styles (``route``'s ``style``): CLASSIC scores the mean distance of the front
#: and of the ``ext_size`` nearest two-qubit successors; LAYER scores the summed distance of
#: the front and, weighted by ``ext_weight / N``, of the next layer (the gates the front
#: frees).  They suit different circuits, so the trials alternate between them.
CLASSIC = 0
LAYER = 1


@njit(cache=True)
def final_measurements(num_qubits, num_clbits, qptr, qs, clbit_ptr, clbits, cond_start,
                       cond_width, is_measure, is_barrier):
    """Per op: is it an unconditioned measurement after which no op touches its qubit or
    its bit (writes it or reads it in a condition)?"""
    n = len(qptr) - 1
    out = np.zeros(n, np.bool_)
    q_seen = np.zeros(num_qubits, np.bool_)
    c_seen = np.zeros(num_clbits, np.bool_)
    all_seen = False  # an operand-less barrier orders every qubit
    for i in range(n - 1, -1, -1):
        if is_measure[i] and cond_width[i] == 0 and not all_seen:
            final = True
            for k in range(qptr[i], qptr[i + 1]):
                if q_seen[qs[k]]:
                    final = False
            for k in range(clbit_ptr[i], clbit_ptr[i + 1]):
                if c_seen[clbits[k]]:
                    final = False
            out[i] = final
        if qptr[i + 1] == qptr[i] and is_barrier[i]:
            all_seen = True
        for k in range(qptr[i], qptr[i + 1]):
            q_seen[qs[k]] = True
        for k in range(clbit_ptr[i], clbit_ptr[i + 1]):
            c_seen[clbits[k]] = True
        for c in range(cond_start[i], cond_start[i] + cond_width[i]):
            c_seen[c] = True
    return out


@njit(cache=True)
def mark_followers(num_qubits, qptr, qs, kind):
    """Kinds with plain two-qubit gates (1) that repeat the pair of the previous two-qubit
    gate on both wires (one-qubit gates between only) turned into FOLLOWER."""
    out = kind.copy()
    last = np.full(num_qubits, -1, np.int64)
    for i in range(len(kind)):
        k = kind[i]
        if k == 0 or k == JOIN:
            continue
        k0 = qptr[i]
        if k == 1:
            a = qs[k0]
            b = qs[k0 + 1]
            j = last[a]
            if j >= 0 and j == last[b]:
                out[i] = FOLLOWER
            last[a] = i
            last[b] = i
        elif qptr[i + 1] == k0 and k == 2:
            last[:] = -1
        else:
            for t in range(k0, qptr[i + 1]):
                last[qs[t]] = -1
    return out


@njit(cache=True)
def commutation_groups(num_qubits, qptr, qs, slot_type):
    """Group id per qubit slot: consecutive slots on a wire with the same non-zero type
    (1: Z, 2: X) share an id; a type-0 slot always gets an id of its own."""
    group = np.empty(len(qs), np.int64)
    cur_type = np.zeros(num_qubits, np.int64)
    cur_id = np.full(num_qubits, -1, np.int64)
    next_id = 0
    for i in range(len(qptr) - 1):
        for k in range(qptr[i], qptr[i + 1]):
            w = qs[k]
            t = slot_type[k]
            if t == 0 or t != cur_type[w]:
                cur_id[w] = next_id
                next_id += 1
                cur_type[w] = t
            group[k] = cur_id[w]
    return group


@njit(cache=True)
def dependency_slots(num_qubits, qptr, qs, slot_group, clbit_ptr, clbits, cond_start,
                     cond_width, is_barrier):
    """Each op's wires (qubits, then clbits as wires num_qubits + c, then the bits its
    condition reads) with a group id per slot (-1: orders strictly).  A barrier without
    operands orders every qubit."""
    n = len(qptr) - 1
    dep_ptr = np.zeros(n + 1, np.int64)
    for i in range(n):
        nq = qptr[i + 1] - qptr[i]
        if nq == 0 and is_barrier[i]:
            nq = num_qubits
        dep_ptr[i + 1] = dep_ptr[i] + nq + (clbit_ptr[i + 1] - clbit_ptr[i]) + cond_width[i]
    dep = np.empty(dep_ptr[n], np.int64)
    group = np.full(dep_ptr[n], -1, np.int64)
    for i in range(n):
        k = dep_ptr[i]
        if qptr[i + 1] == qptr[i] and is_barrier[i]:
            for q in range(num_qubits):
                dep[k] = q
                k += 1
        else:
            for j in range(qptr[i], qptr[i + 1]):
                dep[k] = qs[j]
                group[k] = slot_group[j]
                k += 1
        for j in range(clbit_ptr[i], clbit_ptr[i + 1]):
            dep[k] = num_qubits + clbits[j]
            k += 1
        for c in range(cond_start[i], cond_start[i] + cond_width[i]):
            dep[k] = num_qubits + c
            k += 1
    return dep_ptr, dep, group


@njit(cache=True)
def grouped_dag(num_wires, dep_ptr, dep, dep_group):
    """Predecessor counts and successor lists (CSR) of the commutation-aware DAG.

    Nodes 0..n-1 are the ops; nodes n.. are join nodes.  Returns (pred, succ_ptr, succ)."""
    n = len(dep_ptr) - 1
    cur_gid = np.full(num_wires, -1, np.int64)
    entry = np.full(num_wires, -1, np.int64)  # node the current group's members wait for
    size = np.zeros(num_wires, np.int64)
    head = np.full(num_wires, -1, np.int64)  # members of the current group, via slot links
    link = np.full(len(dep), -1, np.int64)
    slot_op = np.empty(len(dep), np.int64)
    src = np.empty(2 * len(dep) + 2, np.int64)
    dst = np.empty(2 * len(dep) + 2, np.int64)
    m = 0
    nodes = n
    for i in range(n):
        for k in range(dep_ptr[i], dep_ptr[i + 1]):
            slot_op[k] = i
            w = dep[k]
            dup = False
            for k2 in range(dep_ptr[i], k):
                if dep[k2] == w:
                    dup = True
            if dup:
                continue
            g = dep_group[k]
            if g < 0 or g != cur_gid[w]:
                # the current group on w is complete: its exit is what this op waits for
                exit_node = -1
                if size[w] == 1:
                    exit_node = slot_op[head[w]]
                elif size[w] > 1:
                    exit_node = nodes
                    nodes += 1
                    s = head[w]
                    while s >= 0:
                        src, dst = _add_edge(src, dst, m, slot_op[s], exit_node)
                        m += 1
                        s = link[s]
                cur_gid[w] = g
                entry[w] = exit_node
                size[w] = 0
                head[w] = -1
            if entry[w] >= 0:
                src, dst = _add_edge(src, dst, m, entry[w], i)
                m += 1
            link[k] = head[w]
            head[w] = k
            size[w] += 1
    pred = np.zeros(nodes, np.int64)
    succ_ptr = np.zeros(nodes + 1, np.int64)
    for e in range(m):
        pred[dst[e]] += 1
        succ_ptr[src[e] + 1] += 1
    for v in range(nodes):
        succ_ptr[v + 1] += succ_ptr[v]
    fill = succ_ptr[:-1].copy()
    succ = np.empty(m, np.int64)
    for e in range(m):
        succ[fill[src[e]]] = dst[e]
        fill[src[e]] += 1
    return pred, succ_ptr, succ


@njit(cache=True)
def _add_edge(src, dst, m, a, b):
    src = _grow(src, m + 1)
    dst = _grow(dst, m + 1)
    src[m] = a
    dst[m] = b
    return src, dst


# ----------------------------------------------------------------------------------------
# small helpers


@njit(cache=True)
def _next_random(state):
    """xorshift64*: advances state[0], returns a non-negative int64."""
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    state[0] = x
    return np.int64((x * np.uint64(2685821657736338717)) >> np.uint64(1))


@njit(cache=True)
def _heap_push(heap, size, value):
    i = size
    heap[i] = value
    while i > 0:
        parent = (i - 1) >> 1
        if heap[parent] <= heap[i]:
            break
        heap[parent], heap[i] = heap[i], heap[parent]
        i = parent
    return size + 1


@njit(cache=True)
def _heap_pop(heap, size):
    top = heap[0]
    size -= 1
    heap[0] = heap[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        child = left
        if left + 1 < size and heap[left + 1] < heap[left]:
            child = left + 1
        if heap[i] <= heap[child]:
            break
        heap[i], heap[child] = heap[child], heap[i]
        i = child
    return top, size


@njit(cache=True)
def _grow(arr, needed):
    if needed <= len(arr):
        return arr
    cap = len(arr) * 2
    while cap < needed:
        cap *= 2
    out = np.empty(cap, arr.dtype)
    out[: len(arr)] = arr
    return out


# ----------------------------------------------------------------------------------------
# one routing pass


@njit(cache=True)
def _extend(ext_n, a, b, ext_a, ext_b, ext_next, ext_head):
    """Add gate (a, b) to the extended set, linked into both qubits' lists; the new size."""
    ext_a[ext_n] = a
    ext_b[ext_n] = b
    ext_next[2 * ext_n] = ext_head[a]
    ext_head[a] = 2 * ext_n
    ext_next[2 * ext_n + 1] = ext_head[b]
    ext_head[b] = 2 * ext_n + 1
    return ext_n + 1


@njit(cache=True)
def route(kind, q0, q1, qptr, qs, pred, succ_ptr, succ, dist, hop, nbr_ptr, nbrs, penalty,
          l2p_init, seed, style, ext_size, ext_weight, decay_step, merge_bonus, max_stall,
          record):
    """Route the DAG once from the mapping ``l2p_init`` (logical label -> physical).

    ``kind`` per node: 0 one-qubit unitary, 1 two-qubit gate (FOLLOWER: one that repeats the
    pair before it), 2 anything else that needs no routing (measure, reset, barrier,
    conditioned one-qubit op), 3 conditioned two-qubit gate, TERMINAL a final measurement
    (emitted last), JOIN a join node of the DAG (never emitted).  ``style`` is CLASSIC or
    LAYER lookahead.  A swap right after a two-qubit gate
    on the same pair (only one-qubit gates in between) merges with it into one two-qubit
    block, costing one CZ more instead of three; such swaps get ``merge_bonus`` off their
    score.  ``penalty[p, q]`` is added to the score
    of a swap on (p, q), per front gate (zero unless routing is noise-aware).

    Returns (cz estimate of the swaps, swaps, two-qubit depth, final l2p, out_src, out_q,
    out_len, outq_len): ``out_src[k]`` is the op emitted k-th (-1 for an inserted swap) and
    ``out_q`` the physical operands of the emitted ops in order (filled when ``record``).
    """
    n_ops = len(kind)
    n_phys = len(l2p_init)
    l2p = l2p_init.copy()
    p2l = np.empty(n_phys, np.int64)
    for v in range(n_phys):
        p2l[l2p[v]] = v
    rng = np.empty(1, np.uint64)
    rng[0] = np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(0x632BE59BD9B4E019)
    if rng[0] == 0:
        rng[0] = np.uint64(1)

    remaining = pred.copy()
    heap = np.empty(n_ops + 1, np.int64)
    heap_n = 0
    for i in range(n_ops):
        if remaining[i] == 0:
            heap_n = _heap_push(heap, heap_n, i)

    # front layer: two-qubit gates whose predecessors are done but whose qubits are apart.
    # Commuting gates may share a label, so each label has a linked list of its front gate
    # ends (slot 2f: q0 of front[f], 2f+1: q1), rebuilt whenever the front changes.
    front = np.empty(n_ops + 1, np.int64)
    front_n = 0
    f_head = np.full(n_phys, -1, np.int64)
    f_next = np.empty(2 * n_ops + 2, np.int64)
    # the scored front: per label only one waiting gate, the one with the nearest partner
    # (a big front of commuting gates would pull a qubit towards the centroid of all its
    # partners, which routes worse)
    act = np.empty(n_ops + 1, np.int64)
    act_n = 0
    a_head = np.full(n_phys, -1, np.int64)
    a_next = np.empty(2 * n_ops + 2, np.int64)
    claimed = np.zeros(n_phys, np.int64)
    claim_stamp = 0
    order_key = np.empty(n_ops + 1, np.int64)
    f_stamp = np.zeros(n_phys, np.int64)  # candidate sources already expanded
    cand_stamp = 0

    layer_mode = style == LAYER
    if layer_mode and ext_size > 0:
        ext_size = n_phys  # a whole layer (commuting gates may share a qubit: then capped)
    ext_a = np.empty(max(ext_size, 1), np.int64)
    ext_b = np.empty(max(ext_size, 1), np.int64)
    undo = np.empty(len(succ) + 1 if layer_mode else 1, np.int64)  # decrements to undo
    ext_n = 0
    # per label, a linked list of its extended-set gate ends (slot 2e: ext_a, 2e+1: ext_b)
    ext_head = np.full(n_phys, -1, np.int64)
    ext_next = np.empty(2 * max(ext_size, 1), np.int64)
    stamp = np.zeros(n_ops, np.int64)
    cur_stamp = 0
    bfs = np.empty(n_ops + 1, np.int64)

    decay = np.ones(n_phys)
    level = np.zeros(n_phys, np.int64)
    # physical partner of the open two-qubit block on each physical qubit (-1: none)
    mate = np.full(n_phys, -1, np.int64)
    depth = 0
    swaps = 0
    cz = 0

    out_src = np.empty(n_ops + 16 if record else 1, np.int64)
    out_q = np.empty(len(qs) + 32 if record else 1, np.int64)
    out_len = 0
    outq_len = 0

    # swaps since the last progress, for the release valve's rollback
    stall_p = np.empty(max_stall + 1, np.int64)
    stall_q = np.empty(max_stall + 1, np.int64)
    stall_n = 0
    swaps_since_decay_reset = 0
    saved_level = level.copy()
    saved_mate = mate.copy()
    saved_depth = 0
    saved_cz = 0

    cand_p = np.empty(len(nbrs) + 1, np.int64)
    cand_q = np.empty(len(nbrs) + 1, np.int64)
    best_idx = np.empty(len(nbrs) + 1, np.int64)

    terminal = np.empty(n_ops + 1, np.int64)
    terminal_n = 0
    executed = 0
    front_changed = True
    while True:
        # -- execute everything that is ready ------------------------------------------
        while heap_n > 0:
            i, heap_n = _heap_pop(heap, heap_n)
            if kind[i] == JOIN:
                executed += 1
                for k in range(succ_ptr[i], succ_ptr[i + 1]):
                    s = succ[k]
                    remaining[s] -= 1
                    if remaining[s] == 0:
                        heap_n = _heap_push(heap, heap_n, s)
                continue
            k0, k1 = qptr[i], qptr[i + 1]
            if kind[i] & 1:
                a, b = q0[i], q1[i]
                if hop[l2p[a], l2p[b]] != 1:
                    front[front_n] = i
                    front_n += 1
                    front_changed = True
                    continue
                pa, pb = l2p[a], l2p[b]
                lv = max(level[pa], level[pb]) + 1
                level[pa] = lv
                level[pb] = lv
                depth = max(depth, lv)
                if kind[i] != 3:
                    _open_block(pa, pb, mate)
                else:
                    _close_block(pa, mate)
                    _close_block(pb, mate)
            elif kind[i] == TERMINAL:
                executed += 1
                terminal[terminal_n] = i
                terminal_n += 1
                continue  # (nothing follows a final measurement)
            elif kind[i] == 2:
                if k0 == k1:  # a barrier on every qubit
                    mate[:] = -1
                for k in range(k0, k1):
                    _close_block(l2p[qs[k]], mate)
            executed += 1
            if record:
                out_src = _grow(out_src, out_len + 1)
                out_src[out_len] = i
                out_len += 1
                out_q = _grow(out_q, outq_len + (k1 - k0))
                for k in range(k0, k1):
                    out_q[outq_len] = l2p[qs[k]]
                    outq_len += 1
            for k in range(succ_ptr[i], succ_ptr[i + 1]):
                s = succ[k]
                remaining[s] -= 1
                if remaining[s] == 0:
                    heap_n = _heap_push(heap, heap_n, s)
        if executed == n_ops:
            break

        # -- the extended set: the nearest two-qubit successors of the front -------------
        if front_changed:
            front_changed = False
            front[:front_n].sort()
            _link_front(front, front_n, q0, q1, f_head, f_next)
            claim_stamp += 1
            act_n = 0
            for f in range(front_n):
                i = front[f]
                order_key[f] = hop[l2p[q0[i]], l2p[q1[i]]] * (n_ops + 1) + i
            for f in np.argsort(order_key[:front_n]):
                i = front[f]
                if claimed[q0[i]] != claim_stamp and claimed[q1[i]] != claim_stamp:
                    claimed[q0[i]] = claim_stamp
                    claimed[q1[i]] = claim_stamp
                    act[act_n] = i
                    act_n += 1
            _link_front(act, act_n, q0, q1, a_head, a_next)
            for e in range(ext_n):
                ext_head[ext_a[e]] = -1
                ext_head[ext_b[e]] = -1
            ext_n = 0
            if ext_size > 0 and layer_mode:
                head = 0
                tail = 0
                undo_n = 0
                for f in range(front_n):
                    bfs[tail] = front[f]
                    tail += 1
                while head < tail and ext_n < ext_size:
                    i = bfs[head]
                    head += 1
                    for k in range(succ_ptr[i], succ_ptr[i + 1]):
                        s = succ[k]
                        remaining[s] -= 1
                        undo[undo_n] = s
                        undo_n += 1
                        if remaining[s] == 0:
                            if kind[s] == FOLLOWER:
                                if tail < len(bfs):
                                    bfs[tail] = s
                                    tail += 1
                            elif kind[s] & 1:
                                if ext_n < ext_size:
                                    ext_n = _extend(ext_n, q0[s], q1[s], ext_a, ext_b,
                                                    ext_next, ext_head)
                            elif tail < len(bfs):
                                bfs[tail] = s
                                tail += 1
                for u in range(undo_n):
                    remaining[undo[u]] += 1
            elif ext_size > 0:
                cur_stamp += 1
                head = 0
                tail = 0
                for f in range(front_n):
                    bfs[tail] = front[f]
                    tail += 1
                    stamp[front[f]] = cur_stamp
                limit = 64 + 16 * ext_size
                while head < tail and ext_n < ext_size and head < limit:
                    i = bfs[head]
                    head += 1
                    for k in range(succ_ptr[i], succ_ptr[i + 1]):
                        s = succ[k]
                        if stamp[s] == cur_stamp:
                            continue
                        stamp[s] = cur_stamp
                        if kind[s] & 1 and kind[s] != FOLLOWER and ext_n < ext_size:
                            ext_n = _extend(ext_n, q0[s], q1[s], ext_a, ext_b, ext_next,
                                            ext_head)
                        if tail < len(bfs):
                            bfs[tail] = s
                            tail += 1

        # -- score candidate swaps on the front's physical qubits -------------------------
        f_sum = 0.0
        for f in range(act_n):
            i = act[f]
            f_sum += dist[l2p[q0[i]], l2p[q1[i]]]
        e_sum = 0.0
        for e in range(ext_n):
            e_sum += dist[l2p[ext_a[e]], l2p[ext_b[e]]]
        n_cand = 0
        cand_stamp += 1
        for f in range(act_n):
            i = act[f]
            for side in range(2):
                lab = q0[i] if side == 0 else q1[i]
                p = l2p[lab]
                if f_stamp[p] == cand_stamp:
                    continue
                f_stamp[p] = cand_stamp
                for k in range(nbr_ptr[p], nbr_ptr[p + 1]):
                    q = nbrs[k]
                    # a swap between two front qubits is met from both ends: keep one
                    if a_head[p2l[q]] >= 0 and q < p:
                        continue
                    cand_p[n_cand] = p
                    cand_q[n_cand] = q
                    n_cand += 1
        best = np.inf
        n_best = 0
        for c in range(n_cand):
            p = cand_p[c]
            q = cand_q[c]
            a = p2l[p]
            b = p2l[q]
            df = _moved(a, b, p, q, a_head, a_next, act, q0, q1, l2p, dist, True) + \
                _moved(b, a, q, p, a_head, a_next, act, q0, q1, l2p, dist, True)
            score = f_sum + df if layer_mode else (f_sum + df) / act_n
            if ext_n > 0:
                # only extended-set gates with an end on a or b change
                de = _moved(a, b, p, q, ext_head, ext_next, ext_a, ext_a, ext_b, l2p, dist,
                            False) + \
                    _moved(b, a, q, p, ext_head, ext_next, ext_a, ext_a, ext_b, l2p, dist,
                           False)
                score += ext_weight * (e_sum + de) / (n_phys if layer_mode else ext_n)
            score = score * max(decay[p], decay[q]) + (penalty[p, q] if layer_mode
                                                       else penalty[p, q] / act_n)
            if mate[p] == q:
                score -= merge_bonus
            if score < best - _EPS:
                best = score
                best_idx[0] = c
                n_best = 1
            elif score <= best + _EPS:
                best_idx[n_best] = c
                n_best += 1
        pick = best_idx[_next_random(rng) % n_best] if n_best > 1 else best_idx[0]
        p = cand_p[pick]
        q = cand_q[pick]

        if stall_n == 0:
            saved_level[:] = level
            saved_mate[:] = mate
            saved_depth = depth
            saved_cz = cz
        cz, depth = _swap_costs(p, q, level, mate, cz, depth)
        _apply_swap(p, q, l2p, p2l)
        if record:
            out_src, out_q = _record_swap(out_src, out_q, out_len, outq_len, p, q)
            out_len += 1
            outq_len += 2
        swaps += 1
        stall_p[stall_n] = p
        stall_q[stall_n] = q
        stall_n += 1
        decay[p] += decay_step
        decay[q] += decay_step
        swaps_since_decay_reset += 1
        if swaps_since_decay_reset >= 5:
            decay[:] = 1.0
            swaps_since_decay_reset = 0

        front_n, heap_n, progressed = _release_front(p2l[p], p2l[q], l2p, hop, front,
                                                     front_n, f_head, f_next, q0, q1, heap,
                                                     heap_n)
        if progressed:
            stall_n = 0
            decay[:] = 1.0
            swaps_since_decay_reset = 0
            front_changed = True
            continue

        if stall_n >= max_stall:
            # release valve: undo the fruitless swaps and walk the closest gate together
            for s in range(stall_n - 1, -1, -1):
                _apply_swap(stall_p[s], stall_q[s], l2p, p2l)
            swaps -= stall_n
            if record:
                out_len -= stall_n
                outq_len -= 2 * stall_n
            level[:] = saved_level
            mate[:] = saved_mate
            depth = saved_depth
            cz = saved_cz
            stall_n = 0
            decay[:] = 1.0
            swaps_since_decay_reset = 0
            best_f = -1
            best_d = 1 << 60
            for f in range(front_n):
                i = front[f]
                d = hop[l2p[q0[i]], l2p[q1[i]]]
                if d < best_d:
                    best_d = d
                    best_f = i
            a = q0[best_f]
            b = q1[best_f]
            while hop[l2p[a], l2p[b]] > 1:
                p = l2p[a]
                target = l2p[b]
                q = -1
                for k in range(nbr_ptr[p], nbr_ptr[p + 1]):
                    if hop[nbrs[k], target] == hop[p, target] - 1:
                        q = nbrs[k]
                        break
                cz, depth = _swap_costs(p, q, level, mate, cz, depth)
                _apply_swap(p, q, l2p, p2l)
                if record:
                    out_src, out_q = _record_swap(out_src, out_q, out_len, outq_len, p, q)
                    out_len += 1
                    outq_len += 2
                swaps += 1
            # the walk may have brought other front gates together as well
            kept = 0
            for f in range(front_n):
                i = front[f]
                if hop[l2p[q0[i]], l2p[q1[i]]] == 1:
                    heap_n = _heap_push(heap, heap_n, i)
                else:
                    front[kept] = i
                    kept += 1
            front_n = kept
            front_changed = True
    if record and terminal_n:
        terminal[:terminal_n].sort()
        out_src = _grow(out_src, out_len + terminal_n)
        out_q = _grow(out_q, outq_len + terminal_n)
        for t in range(terminal_n):
            i = terminal[t]
            out_src[out_len] = i
            out_len += 1
            out_q[outq_len] = l2p[qs[qptr[i]]]
            outq_len += 1
    return cz, swaps, depth, l2p, out_src, out_q, out_len, outq_len


@njit(cache=True)
def _open_block(p, q, mate):
    """A two-qubit gate on (p, q): it ends any other block on p or q and opens (p, q)."""
    if mate[p] >= 0 and mate[p] != q:
        mate[mate[p]] = -1
    if mate[q] >= 0 and mate[q] != p:
        mate[mate[q]] = -1
    mate[p] = q
    mate[q] = p


@njit(cache=True)
def _close_block(p, mate):
    if mate[p] >= 0:
        mate[mate[p]] = -1
        mate[p] = -1


@njit(cache=True)
def _swap_costs(p, q, level, mate, cz, depth):
    """Account a swap on (p, q): CZ estimate (1 when it merges into the open block on the
    same pair, else 3) and two-qubit depth."""
    merged = mate[p] == q
    cz += 1 if merged else 3
    lv = max(level[p], level[q]) + (1 if merged else 3)
    level[p] = lv
    level[q] = lv
    depth = max(depth, lv)
    # a second swap on the pair would only undo this one: no block for it to merge into
    _close_block(p, mate)
    _close_block(q, mate)
    return cz, depth


@njit(cache=True)
def _apply_swap(p, q, l2p, p2l):
    a = p2l[p]
    b = p2l[q]
    p2l[p] = b
    p2l[q] = a
    l2p[a] = q
    l2p[b] = p


@njit(cache=True)
def _record_swap(out_src, out_q, out_len, outq_len, p, q):
    out_src = _grow(out_src, out_len + 1)
    out_q = _grow(out_q, outq_len + 2)
    out_src[out_len] = -1
    out_q[outq_len] = p
    out_q[outq_len + 1] = q
    return out_src, out_q


@njit(cache=True)
def _link_front(front, front_n, q0, q1, f_head, f_next):
    """Rebuild the per-label lists of front gate ends."""
    f_head[:] = -1
    for f in range(front_n):
        i = front[f]
        f_next[2 * f] = f_head[q0[i]]
        f_head[q0[i]] = 2 * f
        f_next[2 * f + 1] = f_head[q1[i]]
        f_head[q1[i]] = 2 * f + 1


@njit(cache=True)
def _moved(a, b, p, q, head, nxt, gates, ga, gb, l2p, dist, indirect):
    """Change of summed distance when label a moves from site p to q (and b, its swap
    partner, the other way; a gate joining a and b keeps its distance).  Gate ends of a are
    listed from ``head[a]`` through ``nxt``; slot s belongs to gate s >> 1, which is
    ``gates[s >> 1]`` when ``indirect`` (front) and s >> 1 itself otherwise (ext set)."""
    delta = 0.0
    slot = head[a]
    while slot >= 0:
        g = gates[slot >> 1] if indirect else slot >> 1
        other = gb[g] if slot & 1 == 0 else ga[g]
        if other != b:
            x = l2p[other]
            delta += dist[q, x] - dist[p, x]
        slot = nxt[slot]
    return delta


@njit(cache=True)
def _release_front(a, b, l2p, hop, front, front_n, f_head, f_next, q0, q1, heap, heap_n):
    """Front gates on labels a or b (just swapped) that became adjacent go to the ready
    heap; returns the new front size, heap size and whether any did."""
    progressed = False
    for lab in (a, b):
        slot = f_head[lab]
        while slot >= 0:
            i = front[slot >> 1]
            if i >= 0 and hop[l2p[q0[i]], l2p[q1[i]]] == 1:
                front[slot >> 1] = -1
                heap_n = _heap_push(heap, heap_n, i)
                progressed = True
            slot = f_next[slot]
    if progressed:
        kept = 0
        for f in range(front_n):
            if front[f] >= 0:
                front[kept] = front[f]
                kept += 1
        front_n = kept
    return front_n, heap_n, progressed


# ----------------------------------------------------------------------------------------
# trials


@njit(cache=True, nogil=True)
def route_trials(kind, q0, q1, qptr, qs, pred, succ_ptr, succ, dist, hop, nbr_ptr, nbrs,
                 penalty, l2p_init, seeds, styles, ext_size, ext_weight, decay_step,
                 merge_bonus, max_stall):
    """(cz estimate, swaps, depth) of one routing per (seed, lookahead style)."""
    t = len(seeds)
    out = np.empty((t, 3), np.int64)
    for k in range(t):
        res = route(kind, q0, q1, qptr, qs, pred, succ_ptr, succ, dist, hop, nbr_ptr, nbrs,
                    penalty, l2p_init, seeds[k], styles[k], ext_size, ext_weight, decay_step,
                    merge_bonus, max_stall, False)
        out[k, 0] = res[0]
        out[k, 1] = res[1]
        out[k, 2] = res[2]
    return out


@njit(cache=True, nogil=True)
def layout_trials(kind, q0, q1, qptr, qs, pred, succ_ptr, succ, rkind, rq0, rq1, rqptr, rqs,
                  rpred, rsucc_ptr, rsucc, dist, hop, nbr_ptr, nbrs, penalty, starts, seeds,
                  styles, bonuses, iterations, ext_size, ext_weight, decay_step, max_stall):
    """Bidirectional SABRE layout search over a DAG and its reverse (``r...``): per trial,
    route forward and backward ``iterations`` times from ``starts[k]`` (each pass's final
    mapping seeds the next) with lookahead style ``styles[k]`` and merge bonus
    ``bonuses[k]``.  Returns the layouts (label -> site), one row per trial."""
    t = len(seeds)
    n_phys = starts.shape[1]
    out_layout = np.empty((t, n_phys), np.int64)
    for k in range(t):
        l2p = starts[k].copy()
        seed = seeds[k]
        for it in range(iterations):
            res = route(kind, q0, q1, qptr, qs, pred, succ_ptr, succ, dist, hop, nbr_ptr,
                        nbrs, penalty, l2p, seed + 2 * it, styles[k], ext_size, ext_weight,
                        decay_step, bonuses[k], max_stall, False)
            res2 = route(rkind, rq0, rq1, rqptr, rqs, rpred, rsucc_ptr, rsucc, dist, hop,
                         nbr_ptr, nbrs, penalty, res[3], seed + 2 * it + 1, styles[k],
                         ext_size, ext_weight, decay_step, bonuses[k], max_stall, False)
            l2p = res2[3]
        out_layout[k] = l2p
    return out_layout


@njit(cache=True, nogil=True)
def score_layouts(kind, q0, q1, qptr, qs, pred, succ_ptr, succ, dist, hop, nbr_ptr, nbrs,
                  penalty, layouts, seeds, ext_size, ext_weight, decay_step, merge_bonus,
                  max_stall):
    """Per layout, the better (cz estimate, depth, swaps order) of one routing in each
    lookahead style from it: (cz estimate, swaps, depth) rows."""
    t = len(seeds)
    out = np.empty((t, 3), np.int64)
    for k in range(t):
        for style in range(2):
            res = route(kind, q0, q1, qptr, qs, pred, succ_ptr, succ, dist, hop, nbr_ptr,
                        nbrs, penalty, layouts[k], seeds[k] + style, style, ext_size,
                        ext_weight, decay_step, merge_bonus, max_stall, False)
            if style == 0 or (res[0], res[2], res[1]) < (out[k, 0], out[k, 2], out[k, 1]):
                out[k, 0] = res[0]
                out[k, 1] = res[1]
                out[k, 2] = res[2]
    return out
