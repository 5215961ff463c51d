"""SABRE routing: insert swaps so that every two-qubit gate meets a live coupler.

The circuit's dependency DAG (qubit wires and classical wires, commutation-aware: gates that
act diagonally in the same basis on a shared qubit may pass each other) is turned into
arrays, the numba kernel routes it from several seeds in parallel threads (the kernels
release the GIL), the best seed is re-run to record its output, and the circuit is rebuilt
from columns in one go.  Measurements, conditions and barriers follow their qubits; a
barrier orders operations but never asks for its qubits to be brought together.  A final
measurement (nothing touches its qubit or bit afterwards) is emitted after everything
else, on the qubit then holding its content, as if the circuit ended in a barrier: in the
middle of the routed circuit it would keep later swaps from merging with the gates before
them.

"Best" is the lowest CZ estimate of the inserted swaps (3 per swap, 1 for a swap that
directly follows a two-qubit gate on the same pair: block consolidation later merges the
two, e.g. cx then swap is two CNOTs), then two-qubit depth, then swap count.

Trials alternate between two lookahead styles (see ``sabre_kernels``): neither wins on
every circuit, and the best of a mixed set beats the best of as many trials of either.
Within one ``compile()`` trial results are kept in ``ctx.scratch`` under a digest of
everything that determines them, so a level and its floor level (which share their first
trials) route each trial once.
"""

from __future__ import annotations

import hashlib
import itertools
import threading

import numpy as np
from jingu.circuit import Circuit, _ptr, gather_rows
from jingu.errors import CompileError, PipelineError
from jingu.gates import GATES
from jingu.passmanager import Pass

from ..layout.placement import coupler_errors, two_qubit_pairs

#: unreachable distances are clamped to this (finite, so score arithmetic stays finite)
FAR = 1.0e6

_TARGET_CACHE: dict[int, tuple] = {}


class SabreRoute(Pass):
    """Insert swaps (SABRE with lookahead, decay and a release valve); best of seeded trials.

    Trials run in parallel and differ by seed and lookahead style (``lookahead_style``:
    classic, layer, or mixed: alternating); the kept one has the lowest CZ estimate, then
    two-qubit depth.  Large circuits get fewer trials (never fewer than two) so that trials
    x two-qubit gates stays within ``work_limit``: a bound set by the circuit alone, so the
    result stays deterministic.  ``merge_bonus`` favours swaps that merge into the
    preceding two-qubit gate (set it to 0 when no block consolidation follows);
    ``noise_aware`` scores distances and swaps by CZ error instead of hops; ``commutation``
    lets commuting gates be routed out of order.
    """

    name = "sabre-route"
    needs = {"layout", "unrolled"}
    guarantees = {"routed"}
    invalidates = {"native"}
    trials: int = 16
    lookahead: int = 20
    lookahead_weight: float = 0.5
    decay: float = 0.001
    merge_bonus: float = 0.1
    noise_aware: bool = False
    commutation: bool = True
    lookahead_style: str = "mixed"
    work_limit: int = 48000

    def run(self, circuit: Circuit, ctx) -> Circuit:
        gates = max(int(circuit.two_qubit_count()), 1)
        trials = max(1, min(self.trials, max(2, self.work_limit // gates)))
        seeds = ctx.rng(self.name).integers(0, 2**62, size=trials)
        routed, stats = route_circuit(
            circuit, ctx.target, seeds, lookahead=self.lookahead,
            lookahead_weight=self.lookahead_weight, decay=self.decay,
            merge_bonus=self.merge_bonus, noise_aware=self.noise_aware,
            commutation=self.commutation,
            styles=trial_styles(self.lookahead_style, trials, self.name),
            memo=getattr(ctx, "scratch", None))
        ctx.properties["swaps"] = stats["swaps"]
        ctx.properties["swap_cz_estimate"] = stats["cz"]
        return routed


def route_circuit(circuit: Circuit, target, seeds, *, lookahead: int = 20,
                  lookahead_weight: float = 0.5, decay: float = 0.001,
                  merge_bonus: float = 0.1, noise_aware: bool = False,
                  commutation: bool = True, max_stall: int | None = None,
                  styles=None, memo: dict | None = None) -> tuple[Circuit, dict]:
    """Route a circuit over physical qubits from one trial per seed (and lookahead style,
    CLASSIC for all when ``styles`` is None); keep the best.  ``memo`` (a dict living for
    one compile) keeps trial results for reuse.

    Returns the routed circuit (the input itself when nothing needs routing) and its
    stats: ``swaps`` and ``cz`` (the CZ estimate of the inserted swaps).
    """
    arrays = routing_arrays(target, noise_aware)
    problem = routing_problem(circuit, target, commutation)
    if problem is None:
        return circuit, {"swaps": 0, "cz": 0}
    from .sabre_kernels import route, route_trials

    seeds = np.asarray(list(seeds), dtype=np.int64)
    styles = np.zeros(len(seeds), np.int64) if styles is None else np.asarray(styles, np.int64)
    identity = np.arange(target.num_qubits, dtype=np.int64)
    params = (lookahead, lookahead_weight, decay, merge_bonus,
              arrays.max_stall if max_stall is None else max_stall)
    trials = trial_memo(memo, "sabre-route", id(target), noise_aware, params, *problem)

    def some_trials(k):
        return (route_trials(*problem, *arrays.kernel_args, identity, seeds[k], styles[k],
                             *params),)

    keys = list(zip(seeds.tolist(), styles.tolist()))
    (scores,) = memo_trials(trials, keys, len(problem[0]), some_trials)
    best = best_trial(scores)
    recorded = trials.get(("route",) + keys[best])
    if recorded is None:
        recorded = route(*problem, *arrays.kernel_args, identity, seeds[best], styles[best],
                         *params, True)
        trials[("route",) + keys[best]] = recorded
    cz, swaps, _, l2p, out_src, out_q, out_len, outq_len = recorded
    routed = rebuild(circuit, out_src[:out_len], out_q[:outq_len], l2p)
    return routed, {"swaps": int(swaps), "cz": int(cz)}


def trial_styles(style: str, count: int, pass_name: str) -> np.ndarray:
    """Lookahead style per trial: all "classic", all "layer", or "mixed" (alternating,
    classic first, so trial k is the same whatever the trial count)."""
    from .sabre_kernels import CLASSIC, LAYER

    if style == "classic":
        return np.full(count, CLASSIC, np.int64)
    if style == "layer":
        return np.full(count, LAYER, np.int64)
    if style == "mixed":
        return np.where(np.arange(count) % 2 == 0, CLASSIC, LAYER).astype(np.int64)
    raise PipelineError(f"option 'lookahead_style' of pass '{pass_name}' is classic, layer or "
                        f"mixed, not '{style}'")


def trial_memo(memo: dict | None, *key) -> dict:
    """The dict of trial results for one routing problem: ``key`` holds scalars (pass name,
    target id, options) and arrays (the problem), digested.  A fresh dict without ``memo``."""
    if memo is None:
        return {}
    digest = hashlib.blake2b(digest_size=16)
    for part in key:
        if isinstance(part, np.ndarray):
            digest.update(f"{part.dtype}{part.shape}".encode())
            digest.update(np.ascontiguousarray(part).data)
        else:
            digest.update(repr(part).encode())
    return memo.setdefault(("sabre-trials", digest.hexdigest()), {})


def memo_trials(trials: dict, keys: list, work: int, call) -> tuple[np.ndarray, ...]:
    """Like ``run_trials`` over ``keys`` (one hashable key per trial: what, besides the
    problem, determines it), running only the trials ``trials`` has no row for yet."""
    missing = [k for k in range(len(keys)) if keys[k] not in trials]
    if missing:
        todo = np.array(missing)
        rows = run_trials(len(todo), len(todo) * work, lambda k: call(todo[k]))
        for j, k in enumerate(missing):
            trials[keys[k]] = tuple(r[j] for r in rows)
    first = trials[keys[0]]
    return tuple(np.stack([trials[key][i] for key in keys]) for i in range(len(first)))


#: below this much work (trials x DAG nodes routed) threads cost more than they save
SERIAL_WORK = 5000

_POOL: dict[int, object] = {}  # worker count -> its thread pool (made on first use)


def trial_threads() -> int:
    """Threads for routing trials: numba's setting (NUMBA_NUM_THREADS, default the CPU
    count)."""
    from numba import config

    return max(1, int(config.NUMBA_NUM_THREADS))


def run_trials(count: int, work: int, call) -> tuple[np.ndarray, ...]:
    """``call(trials)`` over trials ``0..count-1`` (``call`` takes an index array and
    returns arrays with a row per trial), shared among threads when the work is worth it:
    the kernels release the GIL.  Each thread takes the next trial not yet taken, so a
    thread the machine is slow to schedule holds nobody up; rows come back in trial order
    and each trial depends on its own seed only, so the result never depends on the threads.

    Python threads rather than numba's ``parallel=True``: its OpenMP workers spin while
    they wait, which on a busy machine cost more CPU than a whole small compile."""
    threads = min(trial_threads(), count)
    if threads <= 1 or work < SERIAL_WORK:
        return call(np.arange(count))
    rows: list = [None] * count
    tickets = itertools.count()
    lock = threading.Lock()

    def take_trials():
        while True:
            with lock:
                k = next(tickets)
            if k >= count:
                return
            rows[k] = call(np.array([k]))

    pool = _POOL.get(threads - 1)
    if pool is None:
        from concurrent.futures import ThreadPoolExecutor

        pool = _POOL[threads - 1] = ThreadPoolExecutor(threads - 1, "jingu-trials")
    helpers = [pool.submit(take_trials) for _ in range(threads - 1)]
    take_trials()
    for helper in helpers:
        if not helper.cancel():  # (a helper that never started has nothing to finish)
            helper.result()
    return tuple(np.concatenate([row[i] for row in rows]) for i in range(len(rows[0])))


def best_trial(scores: np.ndarray) -> int:
    """The trial with the lowest CZ estimate, then two-qubit depth, then fewest swaps, then
    the lowest index: a total order, so the choice never depends on thread timing."""
    return int(np.lexsort((np.arange(len(scores)), scores[:, 1], scores[:, 2],
                           scores[:, 0]))[0])


class RoutingArrays:
    """A target as the router sees it: distances, hop counts and neighbour lists."""

    def __init__(self, target, noise_aware: bool):
        n = target.num_qubits
        hop = np.asarray(target.distance, dtype=np.int64).copy()
        unreachable = (hop >= n) | (hop < 0)
        hop[unreachable] = n + 1
        self.hop = hop
        if noise_aware:
            dist = np.asarray(target.error_distance, dtype=np.float64).copy()
            adjacency = np.asarray(target.adjacency, dtype=bool)
            finite = np.isfinite(dist) & ~unreachable
            step = dist[adjacency & finite]
            scale = float(step.mean()) if len(step) and step.mean() > 0 else 1.0
            dist = np.where(finite, dist / scale, FAR)
        else:
            dist = np.where(unreachable, FAR, hop).astype(np.float64)
        self.dist = np.ascontiguousarray(dist)
        # noise-aware: a swap's own coupler counts too (its error relative to the mean)
        self.penalty = np.zeros((n, n))
        if noise_aware:
            cost = -np.log1p(-np.clip(coupler_errors(target), 0.0, 0.999999))
            live = np.isfinite(cost) & np.asarray(target.adjacency, dtype=bool)
            mean = float(cost[live].mean()) if live.any() else 0.0
            if mean > 0:
                self.penalty[live] = cost[live] / mean - 1.0
        adjacency = np.asarray(target.adjacency, dtype=bool)
        counts = adjacency.sum(axis=1)
        self.nbr_ptr = _ptr(counts).astype(np.int64)
        self.nbrs = np.nonzero(adjacency)[1].astype(np.int64)
        finite_hops = hop[~unreachable]
        diameter = int(finite_hops.max()) if len(finite_hops) else 1
        self.max_stall = 10 * max(diameter, 2)

    @property
    def kernel_args(self):
        return self.dist, self.hop, self.nbr_ptr, self.nbrs, self.penalty


def routing_arrays(target, noise_aware: bool = False) -> RoutingArrays:
    """Cached per target object (a Target is never mutated)."""
    key = (id(target), noise_aware)
    hit = _TARGET_CACHE.get(key)
    if hit is not None and hit[0] is target:
        return hit[1]
    if len(_TARGET_CACHE) > 16:
        _TARGET_CACHE.clear()
    arrays = RoutingArrays(target, noise_aware)
    _TARGET_CACHE[key] = (target, arrays)
    return arrays


def routing_problem(circuit: Circuit, target, commutation: bool = True):
    """The circuit's DAG as kernel arrays, or None when no gate needs routing.

    Checks that every op sits on live qubits and every two-qubit gate joins qubits of one
    connected piece (a swap can never cross between pieces).  With ``commutation``, gates
    that commute on their shared qubits may be routed in any order.
    """
    if circuit.num_qubits != target.num_qubits:
        raise CompileError(f"routing expects a circuit over the {target.num_qubits} physical "
                           f"qubits of {target.name}; it has {circuit.num_qubits}")
    live = np.zeros(target.num_qubits, dtype=bool)
    live[np.asarray(target.live_qubits, dtype=np.int64)] = True
    if len(circuit.qubits) and not live[circuit.qubits].all():
        dead = int(circuit.qubits[~live[circuit.qubits]][0])
        raise CompileError(f"the circuit uses qubit {dead}, which is dead on {target.name}")
    p0, p1 = two_qubit_pairs(circuit)
    if not len(p0):
        return None
    hop = np.asarray(target.distance)
    d = hop[p0, p1]
    apart = (d >= target.num_qubits) | (d < 0)
    if apart.any():
        k = int(np.nonzero(apart)[0][0])
        raise CompileError(f"qubits {int(p0[k])} and {int(p1[k])} interact but lie in different "
                           f"connected pieces of {target.name}; no swap can join them")
    if (d == 1).all():
        return None
    from .sabre_kernels import (
        JOIN,
        TERMINAL,
        dependency_slots,
        final_measurements,
        grouped_dag,
        mark_followers,
    )

    unitary = np.array([g.is_unitary for g in circuit.gate_table], dtype=bool)
    barrier = np.array([g.kind == "barrier" for g in circuit.gate_table], dtype=bool)
    measure = np.array([g.kind == "measure" for g in circuit.gate_table], dtype=bool)
    arity = circuit.arity()
    plain = unitary[circuit.opcodes] & (circuit.cond_width == 0)
    two = unitary[circuit.opcodes] & (arity == 2)
    # kinds (see sabre_kernels.route): 0 one-qubit gate, 1 two-qubit gate, 2 other op that
    # needs no routing, 3 conditioned two-qubit gate, TERMINAL a final measurement
    kind = np.where(two, np.where(plain, 1, 3), np.where(plain & (arity == 1), 0, 2))
    qptr = circuit.qubit_ptr.astype(np.int64)
    qs = circuit.qubits.astype(np.int64)
    clbit_ptr = circuit.clbit_ptr.astype(np.int64)
    clbits = circuit.clbits.astype(np.int64)
    cond_start = circuit.cond_start.astype(np.int64)
    cond_width = circuit.cond_width.astype(np.int64)
    kind[final_measurements(circuit.num_qubits, circuit.num_clbits, qptr, qs, clbit_ptr, clbits,
                            cond_start, cond_width, measure[circuit.opcodes],
                            barrier[circuit.opcodes])] = TERMINAL
    groups = slot_groups(circuit, commutation)
    dep_ptr, dep, dep_group = dependency_slots(
        circuit.num_qubits, qptr, qs, groups, clbit_ptr, clbits, cond_start, cond_width,
        barrier[circuit.opcodes])
    pred, succ_ptr, succ = grouped_dag(circuit.num_qubits + circuit.num_clbits, dep_ptr, dep,
                                       dep_group)
    joins = len(pred) - len(circuit)
    q0 = np.zeros(len(pred), dtype=np.int64)
    q1 = np.zeros(len(pred), dtype=np.int64)
    q0[: len(circuit)][two] = p0
    q1[: len(circuit)][two] = p1
    kind = mark_followers(circuit.num_qubits, qptr, qs, kind.astype(np.int64))
    kind = np.concatenate([kind, np.full(joins, JOIN)]).astype(np.int64)
    qptr = np.concatenate([qptr, np.full(joins, qptr[-1])])
    return kind, q0, q1, qptr, qs, pred, succ_ptr, succ


def skeleton_problems(virtual: Circuit, commutation: bool = True):
    """The two-qubit skeleton of a virtual circuit and of its reverse, as kernel arrays (the
    layout search routes these; one-qubit gates never need swaps, but the commutation
    groups they close are kept)."""
    from .sabre_kernels import JOIN, grouped_dag, mark_followers

    groups = slot_groups(virtual, commutation)
    unitary = np.array([g.is_unitary for g in virtual.gate_table], dtype=bool)
    two = unitary[virtual.opcodes] & (virtual.arity() == 2)
    starts = virtual.qubit_ptr[:-1][two].astype(np.int64)
    pairs = np.stack([virtual.qubits[starts], virtual.qubits[starts + 1]], axis=1)
    pair_groups = np.stack([groups[starts], groups[starts + 1]], axis=1)
    out = []
    for order in (slice(None), slice(None, None, -1)):
        qs = np.ascontiguousarray(pairs[order].reshape(-1)).astype(np.int64)
        m = len(qs) // 2
        qptr = np.arange(m + 1, dtype=np.int64) * 2
        pred, succ_ptr, succ = grouped_dag(
            virtual.num_qubits, qptr, qs,
            np.ascontiguousarray(pair_groups[order].reshape(-1)).astype(np.int64))
        joins = len(pred) - m
        kind = np.concatenate([mark_followers(virtual.num_qubits, qptr, qs, np.ones(m, np.int64)),
                               np.full(joins, JOIN, np.int64)])
        q0 = np.concatenate([qs[0::2], np.zeros(joins, np.int64)])
        q1 = np.concatenate([qs[1::2], np.zeros(joins, np.int64)])
        qptr = np.concatenate([qptr, np.full(joins, qptr[-1])])
        out.append((kind, q0, q1, qptr, qs, pred, succ_ptr, succ))
    return out


def slot_groups(circuit: Circuit, commutation: bool = True) -> np.ndarray:
    """Commutation group id per qubit slot (each slot its own group when ``commutation``
    is off, which gives the plain wire-order DAG)."""
    from .commutation import slot_types
    from .sabre_kernels import commutation_groups

    types = slot_types(circuit) if commutation else np.zeros(len(circuit.qubits), np.int64)
    return commutation_groups(circuit.num_qubits, circuit.qubit_ptr.astype(np.int64),
                              circuit.qubits.astype(np.int64), types)


def rebuild(circuit: Circuit, src: np.ndarray, out_q: np.ndarray, l2p: np.ndarray) -> Circuit:
    """The routed circuit from the kernel's emission order and physical operands."""
    table = list(circuit.gate_table)
    names = [g.name for g in table]
    if "swap" in names and table[names.index("swap")] is GATES["swap"]:
        swap_code = names.index("swap")
    else:
        table.append(GATES["swap"])
        swap_code = len(table) - 1
    is_op = src >= 0
    safe = np.where(is_op, src, 0)
    opcodes = np.where(is_op, circuit.opcodes[safe], swap_code).astype(np.int16)
    arity = np.where(is_op, circuit.arity()[safe], 2).astype(np.int32)
    param_ptr, params = gather_rows(circuit.param_ptr, circuit.params, src)
    _, param_expr = gather_rows(circuit.param_ptr, circuit.param_expr, src)
    clbit_ptr, clbits = gather_rows(circuit.clbit_ptr, circuit.clbits, src)
    final = circuit.final_layout if circuit.final_layout is not None else circuit.initial_layout
    return circuit.replace(
        opcodes=opcodes, qubit_ptr=_ptr(arity), qubits=out_q.astype(np.int32),
        param_ptr=param_ptr, params=params, param_expr=param_expr,
        clbit_ptr=clbit_ptr, clbits=clbits,
        cond_start=np.where(is_op, circuit.cond_start[safe], 0).astype(np.int32),
        cond_width=np.where(is_op, circuit.cond_width[safe], 0).astype(np.int32),
        cond_value=np.where(is_op, circuit.cond_value[safe], 0).astype(np.int64),
        gate_table=tuple(table),
        final_layout=l2p[np.asarray(final, dtype=np.int64)].copy(),
    )
