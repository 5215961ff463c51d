"""numba kernels of the optimisation passes (imported on first use, never by ``import jingu``).

They walk the circuit's columns (``qubit_ptr``, ``qubits``) and per-operation arrays that
the passes prepare in numpy; Python never visits a gate inside these loops.
"""

from __future__ import annotations

import cmath
import math

import numpy as np
from numba import njit

from jingu.passes.synthesis.one_qubit import rphi_turn
from jingu.passes.synthesis.two_qubit import angles_kernel, circuit_kernel
from jingu.passes.synthesis.weyl import _det_phase, kak_kernel, zyz_kernel

rphi_turn_kernel = njit(cache=True)(rphi_turn)

# ----------------------------------------------------------------------------------------
# matrices and wires


@njit(cache=True)
def eval_fit(params, freq, coef):
    """Matrices sum_t coef[t] exp(i/2 freq[t].p) for each parameter row p (frequencies
    -2..2: the powers of e^{i p_j / 2} are formed once per parameter)."""
    m, k = params.shape
    terms, dim = coef.shape[0], coef.shape[1]
    out = np.zeros((m, dim, dim), np.complex128)
    powers = np.empty((k, 5), np.complex128)
    for i in range(m):
        for j in range(k):
            z = complex(math.cos(0.5 * params[i, j]), math.sin(0.5 * params[i, j]))
            powers[j, 0] = (z * z).conjugate()
            powers[j, 1] = z.conjugate()
            powers[j, 2] = 1.0
            powers[j, 3] = z
            powers[j, 4] = z * z
        for t in range(terms):
            z = 1.0 + 0j
            for j in range(k):
                z *= powers[j, freq[t, j] + 2]
            for a in range(dim):
                for b in range(dim):
                    c = coef[t, a, b]
                    if c != 0:
                        out[i, a, b] += c * z
    return out


@njit(cache=True)
def identity_phases(mats, tol):
    """(mask, phase): which square matrices are e^{i phase} times the identity (to tol)."""
    count, dim = mats.shape[0], mats.shape[1]
    mask = np.zeros(count, np.bool_)
    phase = np.zeros(count)
    for r in range(count):
        lead = mats[r, 0, 0]
        if abs(abs(lead) - 1.0) > tol:
            continue
        ok = True
        for a in range(dim):
            for b in range(dim):
                expect = lead if a == b else 0.0
                if abs(mats[r, a, b] - expect) > tol:
                    ok = False
        if ok:
            mask[r] = True
            phase[r] = cmath.phase(lead)
    return mask, phase


@njit(cache=True)
def op_facts(codes, qubit_ptr, param_ptr, param_expr, cond_width, unitary_g, nq_g, matrix_g,
             types_g):
    """Per-op facts from per-opcode tables (see ``runs.op_facts``): arity, unitary,
    conditioned, symbolic, batch, whole, and per slot the types and the op."""
    n = len(codes)
    m = qubit_ptr[n]
    arity = np.empty(n, np.int64)
    unitary = np.empty(n, np.bool_)
    conditioned = np.empty(n, np.bool_)
    symbolic = np.zeros(n, np.bool_)
    batch = np.zeros(n, np.bool_)
    whole = np.zeros(n, np.bool_)
    types = np.zeros(m, np.int64)
    slot_op = np.empty(m, np.int64)
    for i in range(n):
        c = codes[i]
        lo, hi = qubit_ptr[i], qubit_ptr[i + 1]
        arity[i] = hi - lo
        unitary[i] = unitary_g[c]
        conditioned[i] = cond_width[i] > 0
        for j in range(param_ptr[i], param_ptr[i + 1]):
            if param_expr[j] >= 0:
                symbolic[i] = True
        w = unitary_g[c] and cond_width[i] == 0 and hi - lo == nq_g[c]
        whole[i] = w
        batch[i] = w and not symbolic[i] and matrix_g[c]
        for k in range(lo, hi):
            slot_op[k] = i
            if w:
                types[k] = types_g[c, k - lo]
    return arity, unitary, conditioned, symbolic, batch, whole, types, slot_op


@njit(cache=True)
def slot_links(num_qubits, qubit_ptr, qubits):
    """(prev, next, op_of): per operand slot, the previous / next slot on the same qubit
    (-1 at the ends) and the operation the slot belongs to."""
    m = len(qubits)
    prev = np.full(m, -1, np.int64)
    nxt = np.full(m, -1, np.int64)
    op_of = np.empty(m, np.int64)
    last = np.full(num_qubits, -1, np.int64)
    for i in range(len(qubit_ptr) - 1):
        for k in range(qubit_ptr[i], qubit_ptr[i + 1]):
            op_of[k] = i
            q = qubits[k]
            if last[q] >= 0:
                prev[k] = last[q]
                nxt[last[q]] = k
            last[q] = k
    return prev, nxt, op_of


@njit(cache=True)
def _group(owner, count):
    """(ptr, members): the indices i with owner[i] == g, grouped by g, in index order."""
    ptr = np.zeros(count + 1, np.int64)
    for i in range(len(owner)):
        if owner[i] >= 0:
            ptr[owner[i] + 1] += 1
    for g in range(count):
        ptr[g + 1] += ptr[g]
    fill = ptr[:-1].copy()
    members = np.empty(ptr[count], np.int64)
    for i in range(len(owner)):
        g = owner[i]
        if g >= 0:
            members[fill[g]] = i
            fill[g] += 1
    return ptr, members


@njit(cache=True)
def one_qubit_runs(num_qubits, qubit_ptr, qubits, member):
    """Maximal runs of consecutive ``member`` one-qubit operations on each wire.

    Returns (run_of, ptr, ops, run_qubit): the run of each op (-1 if none), the ops of
    run r as ops[ptr[r]:ptr[r+1]] in circuit order, and each run's qubit.
    """
    n = len(qubit_ptr) - 1
    run_of = np.full(n, -1, np.int64)
    open_run = np.full(num_qubits, -1, np.int64)
    run_qubit = np.empty(n, np.int64)
    count = 0
    for i in range(n):
        lo, hi = qubit_ptr[i], qubit_ptr[i + 1]
        if member[i]:
            q = qubits[lo]
            r = open_run[q]
            if r < 0:
                r = count
                count += 1
                open_run[q] = r
                run_qubit[r] = q
            run_of[i] = r
        else:
            for k in range(lo, hi):
                open_run[qubits[k]] = -1
    ptr, ops = _group(run_of, count)
    return run_of, ptr, ops, run_qubit[:count].copy()


@njit(cache=True)
def _close(open_blk, bq0, bq1, q):
    r = open_blk[q]
    if r >= 0:
        open_blk[bq0[r]] = -1
        open_blk[bq1[r]] = -1


@njit(cache=True)
def _next_stop(k, qubit_ptr, next_op, member):
    """The first op after slot k on its wire that is not a one-qubit member (-1: none)."""
    p = next_op[k]
    while p >= 0 and member[p] == 1:
        p = next_op[qubit_ptr[p]]
    return p


@njit(cache=True)
def _passes(r, k, q, bq0, bq1, acc0, acc1, types, qubit_ptr, qubits, next_op, member):
    """Whether a two-qubit op, met at its slot k on qubit q of the open block r, may
    move before the block: it commutes there with every op of the block so far, and the
    block goes on after it (the next two-qubit op on q acts on the block's pair)."""
    acc = acc0[r] if q == bq0[r] else acc1[r]
    if (acc & types[k]) == 0:
        return False
    p = _next_stop(k, qubit_ptr, next_op, member)
    if p < 0 or member[p] != 2:
        return False
    a, b = qubits[qubit_ptr[p]], qubits[qubit_ptr[p] + 1]
    return (a == bq0[r] and b == bq1[r]) or (a == bq1[r] and b == bq0[r])


@njit(cache=True)
def _absorb(r, k, q, bq0, acc0, acc1, types):
    if q == bq0[r]:
        acc0[r] &= types[k]
    else:
        acc1[r] &= types[k]


@njit(cache=True)
def two_qubit_blocks(num_qubits, qubit_ptr, qubits, next_op, prev_op, member, types, commute):
    """Maximal blocks of operations on one pair of qubits.

    ``member[i]`` is 1 for a one-qubit op that may join a block, 2 for a two-qubit op, 0
    for anything else (which ends the blocks on its qubits).  A block opens at a two-qubit
    op (taking the one-qubit ops just before it on both wires) and closes, on both qubits
    at once, when an op outside it touches either qubit.  With ``commute``, a two-qubit op
    on another pair does not close the block on a qubit where it commutes with all the
    block's ops so far (``types[k]``: ZTYPE / XTYPE bits of operand slot k) and the block
    goes on after it: the op stays where it is, outside any block, and the block is
    thought of as starting after it.  Either way a block can be replaced by ops written
    at the position of its last op.

    Returns (blk_of, ptr, ops, bq0, bq1): block of each op (-1 if none), the ops of
    block b as ops[ptr[b]:ptr[b+1]] in circuit order, and each block's qubit pair (the
    first two-qubit op's operand order).
    """
    n = len(qubit_ptr) - 1
    blk_of = np.full(n, -1, np.int64)
    open_blk = np.full(num_qubits, -1, np.int64)
    bq0 = np.empty(n, np.int64)
    bq1 = np.empty(n, np.int64)
    acc0 = np.zeros(n, np.int64)
    acc1 = np.zeros(n, np.int64)
    count = 0
    for i in range(n):
        lo, hi = qubit_ptr[i], qubit_ptr[i + 1]
        kind = member[i]
        if kind == 1:
            q = qubits[lo]
            r = open_blk[q]
            if r >= 0:
                blk_of[i] = r
                _absorb(r, lo, q, bq0, acc0, acc1, types)
        elif kind == 2:
            a, b = qubits[lo], qubits[lo + 1]
            ra, rb = open_blk[a], open_blk[b]
            if ra >= 0 and ra == rb:
                blk_of[i] = ra
                _absorb(ra, lo, a, bq0, acc0, acc1, types)
                _absorb(ra, lo + 1, b, bq0, acc0, acc1, types)
                continue
            if commute:
                pa = ra >= 0 and _passes(ra, lo, a, bq0, bq1, acc0, acc1, types,
                                         qubit_ptr, qubits, next_op, member)
                pb = rb >= 0 and _passes(rb, lo + 1, b, bq0, bq1, acc0, acc1, types,
                                         qubit_ptr, qubits, next_op, member)
                if pa or pb:
                    if not pa:
                        _close(open_blk, bq0, bq1, a)
                    if not pb:
                        _close(open_blk, bq0, bq1, b)
                    continue
            _close(open_blk, bq0, bq1, a)
            _close(open_blk, bq0, bq1, b)
            r = count
            count += 1
            bq0[r] = a
            bq1[r] = b
            acc0[r] = types[lo]
            acc1[r] = types[lo + 1]
            open_blk[a] = r
            open_blk[b] = r
            blk_of[i] = r
            for s in range(lo, lo + 2):  # the one-qubit ops waiting on both wires
                p = prev_op[s]
                while p >= 0 and member[p] == 1 and blk_of[p] == -1:
                    blk_of[p] = r
                    _absorb(r, qubit_ptr[p], qubits[qubit_ptr[p]], bq0, acc0, acc1, types)
                    p = prev_op[qubit_ptr[p]]
        else:
            for k in range(lo, hi):
                _close(open_blk, bq0, bq1, qubits[k])
    ptr, ops = _group(blk_of, count)
    return blk_of, ptr, ops, bq0[:count].copy(), bq1[:count].copy()


@njit(cache=True)
def _slot(op, q, qubit_ptr, qubits):
    for k in range(qubit_ptr[op], qubit_ptr[op + 1]):
        if qubits[k] == q:
            return k
    return -1


@njit(cache=True)
def _wide_neighbour(op, q, qubit_ptr, qubits, links):
    """The nearest op on wire q before (``links`` = prev_op) or after (next_op) ``op``
    that acts on several qubits, -1 if none."""
    p = links[_slot(op, q, qubit_ptr, qubits)]
    while p >= 0 and qubit_ptr[p + 1] - qubit_ptr[p] == 1:
        p = links[qubit_ptr[p]]
    return p


@njit(cache=True)
def opens_a_merge(blocks, ptr, ops, bq0, bq1, qubit_ptr, qubits, next_op, prev_op):
    """Whether one of ``blocks`` (which became local) stood between two gates on one pair
    of qubits: with it gone, they can form a block (or cancel) in another round."""
    for j in range(len(blocks)):
        g = blocks[j]
        for side in range(2):
            q = bq0[g] if side == 0 else bq1[g]
            first = -1
            last = -1
            for t in range(ptr[g], ptr[g + 1]):
                op = ops[t]
                if _slot(op, q, qubit_ptr, qubits) >= 0:
                    if first < 0:
                        first = op
                    last = op
            if first < 0:
                continue
            before = _wide_neighbour(first, q, qubit_ptr, qubits, prev_op)
            after = _wide_neighbour(last, q, qubit_ptr, qubits, next_op)
            if before < 0 or after < 0:
                continue
            lb, la = qubit_ptr[before], qubit_ptr[after]
            if qubit_ptr[before + 1] - lb != 2 or qubit_ptr[after + 1] - la != 2:
                continue
            a0, a1, b0, b1 = qubits[lb], qubits[lb + 1], qubits[la], qubits[la + 1]
            if (a0 == b0 and a1 == b1) or (a0 == b1 and a1 == b0):
                return True
    return False


# ----------------------------------------------------------------------------------------
# products


@njit(cache=True)
def run_products(ptr, ops, mat_of, mats):
    """The 2x2 product of each run (later ops on the left)."""
    count = len(ptr) - 1
    out = np.empty((count, 2, 2), np.complex128)
    for r in range(count):
        a, b, c, d = 1.0 + 0j, 0j, 0j, 1.0 + 0j
        for j in range(ptr[r], ptr[r + 1]):
            m = mats[mat_of[ops[j]]]
            a, b, c, d = (m[0, 0] * a + m[0, 1] * c, m[0, 0] * b + m[0, 1] * d,
                          m[1, 0] * a + m[1, 1] * c, m[1, 0] * b + m[1, 1] * d)
        out[r, 0, 0] = a
        out[r, 0, 1] = b
        out[r, 1, 0] = c
        out[r, 1, 1] = d
    return out


@njit(cache=True)
def zyz_angles(mats):
    """(theta, phi, lam, alpha) of each 2x2 unitary (synthesis' ZYZ convention)."""
    out = np.empty((mats.shape[0], 4))
    for r in range(mats.shape[0]):
        t, p, l, a = zyz_kernel(mats[r, 0, 0], mats[r, 0, 1], mats[r, 1, 0], mats[r, 1, 1])
        out[r, 0] = t
        out[r, 1] = p
        out[r, 2] = l
        out[r, 3] = a
    return out


@njit(cache=True)
def _left_1q(u, m, high):
    """u <- (m (x) I) u when ``high`` else (I (x) m) u, in place (u is 4x4)."""
    for col in range(4):
        for base in range(2):
            if high:
                i0, i1 = base, base + 2
            else:
                i0, i1 = 2 * base, 2 * base + 1
            x0 = u[i0, col]
            x1 = u[i1, col]
            u[i0, col] = m[0, 0] * x0 + m[0, 1] * x1
            u[i1, col] = m[1, 0] * x0 + m[1, 1] * x1


@njit(cache=True)
def block_unitaries(ptr, ops, bq0, qubit_ptr, qubits, mat_of, mats1, mats2):
    """The 4x4 unitary of each block on (bq0, bq1), bq0 the most significant qubit."""
    count = len(ptr) - 1
    out = np.zeros((count, 4, 4), np.complex128)
    perm = np.array([0, 2, 1, 3])
    tmp = np.empty((4, 4), np.complex128)
    for r in range(count):
        u = out[r]
        for i in range(4):
            u[i, i] = 1.0
        for j in range(ptr[r], ptr[r + 1]):
            op = ops[j]
            lo = qubit_ptr[op]
            if qubit_ptr[op + 1] - lo == 1:
                _left_1q(u, mats1[mat_of[op]], qubits[lo] == bq0[r])
                continue
            m = mats2[mat_of[op]]
            flip = qubits[lo] != bq0[r]
            for a in range(4):
                for b in range(4):
                    acc = 0j
                    for k in range(4):
                        if flip:
                            acc += m[perm[a], perm[k]] * u[k, b]
                        else:
                            acc += m[a, k] * u[k, b]
                    tmp[a, b] = acc
            for a in range(4):
                for b in range(4):
                    u[a, b] = tmp[a, b]
    return out


@njit(cache=True)
def cz_counts(mats, tol):
    """The fewest CZ each 4x4 unitary needs, from the
    invariants of ``g = U (Y x Y) U^T (Y x Y)`` with U scaled into SU(4) (Shende, Markov
    and Bullock): 0 when g = +-I, 1 when tr g = 0 and g^2 = -I, 2 when tr g is real, else
    3.  A screen, cheap next to a KAK: ``tol`` is generous and the synthesis decides."""
    count = mats.shape[0]
    out = np.empty(count, np.int64)
    u = np.empty((4, 4), np.complex128)
    a = np.empty((4, 4), np.complex128)
    b = np.empty((4, 4), np.complex128)
    g = np.empty((4, 4), np.complex128)
    for r in range(count):
        for i in range(4):
            for j in range(4):
                u[i, j] = mats[r, i, j]
        scale = cmath.exp(-0.25j * _det_phase(u))
        for i in range(4):
            # a = U (Y x Y), b = U^T (Y x Y); (Y x Y) has -1, 1, 1, -1 on the antidiagonal
            a[i, 0] = -u[i, 3] * scale
            a[i, 1] = u[i, 2] * scale
            a[i, 2] = u[i, 1] * scale
            a[i, 3] = -u[i, 0] * scale
            b[i, 0] = -u[3, i] * scale
            b[i, 1] = u[2, i] * scale
            b[i, 2] = u[1, i] * scale
            b[i, 3] = -u[0, i] * scale
        trace = 0j
        for i in range(4):
            for j in range(4):
                acc = 0j
                for k in range(4):
                    acc += a[i, k] * b[k, j]
                g[i, j] = acc
            trace += g[i, i]
        dev_id = 0.0
        dev_sq = 0.0
        for i in range(4):
            for j in range(4):
                off = g[i, j] - (g[0, 0] if i == j else 0.0)
                dev_id = max(dev_id, abs(off))
                acc = 0j
                for k in range(4):
                    acc += g[i, k] * g[k, j]
                if i == j:
                    acc += 1.0
                dev_sq = max(dev_sq, abs(acc))
        if dev_id <= tol and abs(abs(g[0, 0].real) - 1.0) <= tol:
            out[r] = 0
        elif abs(trace) <= tol and dev_sq <= tol:
            out[r] = 1
        elif abs(trace.imag) <= tol:
            out[r] = 2
        else:
            out[r] = 3
    return out


@njit(cache=True)
def synthesize_blocks(mats, atol, infidelity, cx, magic, magic_dag, combos, tol, signs,
                      ipaulis, paulis, fixed):
    """The numeric half of ``synthesize_2q`` for many 4x4 unitaries: (counts, phases,
    angles, lost) with angles[r, :counts[r] + 1] the ZYZ angles of each layer and qubit
    and lost[r] the average-gate infidelity of an approximated class; count -1 where a
    matrix is not unitary."""
    count = mats.shape[0]
    counts = np.empty(count, np.int64)
    phases = np.zeros(count)
    lost = np.zeros(count)
    angles = np.zeros((count, 4, 2, 4))
    u = np.empty((4, 4), np.complex128)
    for r in range(count):
        for i in range(4):
            for j in range(4):
                u[i, j] = mats[r, i, j]
        err, phase, f, locs = kak_kernel(u, magic, magic_dag, combos, tol, signs, ipaulis)
        if not err <= 1e-8:
            counts[r] = -1
            continue
        layers, extra, spent = circuit_kernel(f, locs, atol, infidelity, paulis, fixed)
        ang = angles_kernel(layers, cx, fixed[0])
        k = ang.shape[0]
        counts[r] = k - 1
        phases[r] = phase + extra
        lost[r] = spent
        for i in range(k):
            for q in range(2):
                for j in range(4):
                    angles[r, i, q, j] = ang[i, q, j]
    return counts, phases, angles, lost


# ----------------------------------------------------------------------------------------
# virtual Z


@njit(cache=True)
def virtual_z(num_qubits, qubit_ptr, qubits, role, passes, lam, phase_of, phi_slot, params):
    """Push rz frames forward along every wire.

    role per op: 1 numeric diagonal one-qubit gate (absorbed: frame += lam, phase +=
    phase_of), 2 numeric rphi (its phi, params[phi_slot[i]], shifts by -frame), 3 symbolic
    rz (absorbed into the wire's symbolic frame), 4 symbolic rphi (recorded), 5 an
    instruction frames pass (barrier, delay), 0 anything else: a slot k where
    ``passes[k]`` (the op commutes with Z there) lets the frame through, others flush it.

    The symbolic part of a frame is a chain of versions: version v adds the symbolic rz
    ver_op[v] to version ver_parent[v].  Returns keep, per-slot flushes (number, version;
    NaN / -1 when none), per-wire end frames, the frame seen by each rphi (number,
    version) and the phase of the absorbed gates; ``params`` is updated in place.
    """
    n = len(qubit_ptr) - 1
    m = len(qubits)
    keep = np.ones(n, np.bool_)
    frame = np.zeros(num_qubits)
    ver = np.full(num_qubits, -1, np.int64)
    ver_parent = np.empty(n, np.int64)
    ver_op = np.empty(n, np.int64)
    count = 0
    flush_num = np.full(m, np.nan)
    flush_ver = np.full(m, -1, np.int64)
    seen_num = np.zeros(n)
    seen_ver = np.full(n, -1, np.int64)
    phase = 0.0
    for i in range(n):
        lo, hi = qubit_ptr[i], qubit_ptr[i + 1]
        r = role[i]
        if r == 1:
            frame[qubits[lo]] += lam[i]
            phase += phase_of[i]
            keep[i] = False
        elif r == 2:
            q = qubits[lo]
            params[phi_slot[i]] -= frame[q]
            seen_ver[i] = ver[q]
        elif r == 3:
            q = qubits[lo]
            ver_parent[count] = ver[q]
            ver_op[count] = i
            ver[q] = count
            count += 1
            keep[i] = False
        elif r == 4:
            q = qubits[lo]
            seen_num[i] = frame[q]
            seen_ver[i] = ver[q]
        elif r == 0:
            for k in range(lo, hi):
                q = qubits[k]
                if passes[k] or (frame[q] == 0.0 and ver[q] < 0):
                    continue
                flush_num[k] = frame[q]
                flush_ver[k] = ver[q]
                frame[q] = 0.0
                ver[q] = -1
    return (keep, flush_num, flush_ver, frame, ver, seen_num, seen_ver,
            ver_parent[:count].copy(), ver_op[:count].copy(), phase)


@njit(cache=True)
def fuse_frames(num_qubits, qubit_ptr, qubits, role, passes, mat_of, mats):
    """One-qubit fusion with the rphi form's rz pushed on as a frame, in one walk.

    role per op: 1 a numeric one-qubit gate (matrix mats[mat_of[i]]) that joins the run on
    its wire, 5 an instruction frames pass (barrier, delay), 0 anything else, which lets a
    frame through at slot k when ``passes[k]``.  Any other op ends the runs on its wires.
    A run, with the frame F met before it, is ``U RZ(F) = e^{i alpha} RZ(phi) RY(theta)
    RZ(lam + F)``: one rphi written before the op that ends it, then the frame
    ``rphi_turn`` (it moves on as far as frames go, and comes out as one rz before the
    first op that stops it, or at the end of the wire).

    Returns, per run, (qubit, position, theta, phi, lam, alpha) -- lam with the frame in
    -- and per flushed frame (position, qubit, angle).
    """
    n = len(qubit_ptr) - 1
    open_run = np.zeros(num_qubits, np.bool_)
    prod = np.empty((num_qubits, 4), np.complex128)
    frame = np.zeros(num_qubits)
    run_q = np.empty(n + num_qubits, np.int64)
    run_pos = np.empty(n + num_qubits, np.int64)
    run_ang = np.empty((n + num_qubits, 4))
    flush_pos = np.empty(len(qubits) + num_qubits, np.int64)
    flush_q = np.empty(len(qubits) + num_qubits, np.int64)
    flush_ang = np.empty(len(qubits) + num_qubits)
    runs = 0
    flushes = 0
    for i in range(n + 1):
        lo = qubit_ptr[i] if i < n else 0
        hi = qubit_ptr[i + 1] if i < n else num_qubits
        r = role[i] if i < n else 0
        if r == 1:
            q = qubits[lo]
            m = mats[mat_of[i]]
            if not open_run[q]:
                open_run[q] = True
                prod[q, 0] = m[0, 0]
                prod[q, 1] = m[0, 1]
                prod[q, 2] = m[1, 0]
                prod[q, 3] = m[1, 1]
            else:
                a, b, c, d = prod[q, 0], prod[q, 1], prod[q, 2], prod[q, 3]
                prod[q, 0] = m[0, 0] * a + m[0, 1] * c
                prod[q, 1] = m[0, 0] * b + m[0, 1] * d
                prod[q, 2] = m[1, 0] * a + m[1, 1] * c
                prod[q, 3] = m[1, 0] * b + m[1, 1] * d
            continue
        for k in range(lo, hi):
            q = qubits[k] if i < n else k
            if open_run[q]:
                open_run[q] = False
                t, p, lam, alpha = zyz_kernel(prod[q, 0], prod[q, 1], prod[q, 2], prod[q, 3])
                lam += frame[q]
                run_q[runs] = q
                run_pos[runs] = i
                run_ang[runs, 0] = t
                run_ang[runs, 1] = p
                run_ang[runs, 2] = lam
                run_ang[runs, 3] = alpha
                runs += 1
                frame[q] = rphi_turn_kernel(t, p, lam)
            if i < n and (r == 5 or passes[k]):
                continue
            if frame[q] != 0.0:
                flush_pos[flushes] = i
                flush_q[flushes] = q
                flush_ang[flushes] = frame[q]
                flushes += 1
                frame[q] = 0.0
    return (run_q[:runs].copy(), run_pos[:runs].copy(), run_ang[:runs].copy(),
            flush_pos[:flushes].copy(), flush_q[:flushes].copy(), flush_ang[:flushes].copy())


# ----------------------------------------------------------------------------------------
# cancellation


@njit(cache=True)
def _unlink(i, qubit_ptr, prev, nxt):
    for k in range(qubit_ptr[i], qubit_ptr[i + 1]):
        p = prev[k]
        x = nxt[k]
        if p >= 0:
            nxt[p] = x
        if x >= 0:
            prev[x] = p


@njit(cache=True)
def _same_operands(i, h, qubit_ptr, qubits, symmetric):
    li, hi_ = qubit_ptr[i], qubit_ptr[i + 1]
    lh = qubit_ptr[h]
    if qubit_ptr[h + 1] - lh != hi_ - li:
        return False
    same = True
    for k in range(hi_ - li):
        if qubits[li + k] != qubits[lh + k]:
            same = False
    if same or not symmetric or hi_ - li != 2:
        return same
    return qubits[li] == qubits[lh + 1] and qubits[li + 1] == qubits[lh]


@njit(cache=True)
def cancel(num_qubits, qubit_ptr, qubits, kind, types, key, invkey, symmetric, mat_of, mats,
           drop, drop_phase, lookback, tol):
    """Cancel inverse pairs that commutation brings together, and drop identities.

    kind per op: 0 never moves or cancels; 1 numeric one-qubit gate with matrix
    mats[mat_of[i]] (cancels a gate whose product with it is a phase); 2 a gate that
    cancels an op h with key[h] == invkey[i] on the same operands (either order when
    ``symmetric``).  ``types[k]`` is the commutation type of slot k (ZTYPE / XTYPE bits):
    an op passes another on a shared qubit when their types there share a bit.  ``drop``
    marks identities (phase ``drop_phase``).  Each search walks at most ``lookback`` ops
    back along a wire.  Returns (keep, phase).
    """
    n = len(qubit_ptr) - 1
    prev, nxt, op_of = slot_links(num_qubits, qubit_ptr, qubits)
    keep = np.ones(n, np.bool_)
    phase = 0.0
    for i in range(n):
        if kind[i] == 0:
            continue
        lo, hi = qubit_ptr[i], qubit_ptr[i + 1]
        if drop[i]:
            keep[i] = False
            phase += drop_phase[i]
            _unlink(i, qubit_ptr, prev, nxt)
            continue
        found = -1
        pair_phase = 0.0
        s = prev[lo]
        steps = 0
        while s >= 0 and steps < lookback:
            h = op_of[s]
            if kind[i] == 1 and kind[h] == 1:
                a = mats[mat_of[i]]
                b = mats[mat_of[h]]
                p00 = a[0, 0] * b[0, 0] + a[0, 1] * b[1, 0]
                p01 = a[0, 0] * b[0, 1] + a[0, 1] * b[1, 1]
                p10 = a[1, 0] * b[0, 0] + a[1, 1] * b[1, 0]
                p11 = a[1, 0] * b[0, 1] + a[1, 1] * b[1, 1]
                if (abs(p01) <= tol and abs(p10) <= tol and abs(p00 - p11) <= tol
                        and abs(abs(p00) - 1.0) <= tol):
                    found = h
                    pair_phase = cmath.phase(p00)
                    break
            elif (kind[i] == 2 and kind[h] == 2 and key[h] == invkey[i]
                  and _same_operands(i, h, qubit_ptr, qubits, symmetric[i])):
                found = h
                break
            if (types[s] & types[lo]) == 0:
                break
            s = prev[s]
            steps += 1
        if found < 0:
            continue
        ok = True
        for k in range(lo + 1, hi):  # the other wires must reach the partner too
            ok = False
            s = prev[k]
            steps = 0
            while s >= 0 and steps < lookback:
                if op_of[s] == found:
                    ok = True
                    break
                if (types[s] & types[k]) == 0:
                    break
                s = prev[s]
                steps += 1
            if not ok:
                break
        if not ok:
            continue
        keep[i] = False
        keep[found] = False
        phase += pair_phase
        _unlink(i, qubit_ptr, prev, nxt)
        _unlink(found, qubit_ptr, prev, nxt)
    return keep, phase


# ----------------------------------------------------------------------------------------
# measurement


@njit(cache=True)
def diagonal_before_measure(num_qubits, qubit_ptr, qubits, role):
    """Which ops to keep: role 2 (a diagonal gate) is dropped when on each of its qubits
    only diagonal gates (which all commute with it) stand between it and a measurement
    (role 1) of that qubit."""
    n = len(qubit_ptr) - 1
    measured = np.zeros(num_qubits, np.bool_)
    keep = np.ones(n, np.bool_)
    for i in range(n - 1, -1, -1):
        lo, hi = qubit_ptr[i], qubit_ptr[i + 1]
        r = role[i]
        if r == 1:
            for k in range(lo, hi):
                measured[qubits[k]] = True
        elif r == 2:
            ok = hi > lo
            for k in range(lo, hi):
                if not measured[qubits[k]]:
                    ok = False
            if ok:
                keep[i] = False
        else:
            for k in range(lo, hi):
                measured[qubits[k]] = False
    return keep


@njit(cache=True)
def deferrable_measurements(num_qubits, num_clbits, qubit_ptr, qubits, clbit_ptr, clbits,
                            cond_start, cond_width, role):
    """Which measurements can move to the end of the circuit, and where to.

    role per op: 1 a swap (moves the contents of its qubits), 2 a measurement of one
    qubit into one clbit, 0 anything else.  A measurement can move when nothing but swaps
    touches the content it measured afterwards and no later op reads or writes its clbit:
    it then measures, at the end, the qubit where swaps leave that content.  Returns
    (movable, qubit_at_end) per op.
    """
    n = len(qubit_ptr) - 1
    content = np.arange(num_qubits)  # content held by each qubit (named by its start)
    last_use = np.full(num_qubits, -1, np.int64)  # per content: last op other than a swap
    last_bit = np.full(max(num_clbits, 1), -1, np.int64)
    seen = np.empty(n, np.int64)  # per measurement: the content it measured
    for i in range(n):
        lo, hi = qubit_ptr[i], qubit_ptr[i + 1]
        if role[i] == 1:
            a, b = qubits[lo], qubits[lo + 1]
            t = content[a]
            content[a] = content[b]
            content[b] = t
        else:
            for k in range(lo, hi):
                last_use[content[qubits[k]]] = i
            if role[i] == 2:
                seen[i] = content[qubits[lo]]
        for k in range(clbit_ptr[i], clbit_ptr[i + 1]):
            last_bit[clbits[k]] = i
        for c in range(cond_start[i], cond_start[i] + cond_width[i]):
            last_bit[c] = i
    where = np.empty(num_qubits, np.int64)  # where each content ends
    for q in range(num_qubits):
        where[content[q]] = q
    movable = np.zeros(n, np.bool_)
    qubit_at_end = np.full(n, -1, np.int64)
    for i in range(n):
        if role[i] == 2:
            x = seen[i]
            if last_use[x] == i and last_bit[clbits[clbit_ptr[i]]] == i:
                movable[i] = True
                qubit_at_end[i] = where[x]
    return movable, qubit_at_end


# ----------------------------------------------------------------------------------------
# rebuilding a circuit


@njit(cache=True)
def merge_columns(keep, opcodes, qubit_ptr, qubits, param_ptr, params, param_expr, clbit_ptr,
                  clbits, cond_start, cond_width, cond_value, order, ins_pos, ins_code,
                  ins_qptr, ins_q, ins_pptr, ins_p, ins_pe):
    """The columns of a circuit whose kept ops are merged with inserted ops: inserted op
    j (taken in ``order``, sorted by position) goes before original op ins_pos[j]."""
    n = len(keep)
    m = len(order)
    total = m
    nq = 0
    npar = 0
    ncl = 0
    for i in range(n):
        if keep[i]:
            total += 1
            nq += qubit_ptr[i + 1] - qubit_ptr[i]
            npar += param_ptr[i + 1] - param_ptr[i]
            ncl += clbit_ptr[i + 1] - clbit_ptr[i]
    for j in range(m):
        nq += ins_qptr[j + 1] - ins_qptr[j]
        npar += ins_pptr[j + 1] - ins_pptr[j]
    o_code = np.empty(total, np.int16)
    o_qptr = np.zeros(total + 1, np.int32)
    o_q = np.empty(nq, np.int32)
    o_pptr = np.zeros(total + 1, np.int32)
    o_p = np.empty(npar)
    o_pe = np.empty(npar, np.int32)
    o_cptr = np.zeros(total + 1, np.int32)
    o_c = np.empty(ncl, np.int32)
    o_cs = np.zeros(total, np.int32)
    o_cw = np.zeros(total, np.int32)
    o_cv = np.zeros(total, np.int64)
    k = 0
    j = 0
    qk = 0
    pk = 0
    ck = 0
    for i in range(n + 1):
        while j < m and ins_pos[order[j]] <= i:
            r = order[j]
            o_code[k] = ins_code[r]
            for s in range(ins_qptr[r], ins_qptr[r + 1]):
                o_q[qk] = ins_q[s]
                qk += 1
            for s in range(ins_pptr[r], ins_pptr[r + 1]):
                o_p[pk] = ins_p[s]
                o_pe[pk] = ins_pe[s]
                pk += 1
            k += 1
            o_qptr[k] = qk
            o_pptr[k] = pk
            o_cptr[k] = ck
            j += 1
        if i == n or not keep[i]:
            continue
        o_code[k] = opcodes[i]
        for s in range(qubit_ptr[i], qubit_ptr[i + 1]):
            o_q[qk] = qubits[s]
            qk += 1
        for s in range(param_ptr[i], param_ptr[i + 1]):
            o_p[pk] = params[s]
            o_pe[pk] = param_expr[s]
            pk += 1
        for s in range(clbit_ptr[i], clbit_ptr[i + 1]):
            o_c[ck] = clbits[s]
            ck += 1
        o_cs[k] = cond_start[i]
        o_cw[k] = cond_width[i]
        o_cv[k] = cond_value[i]
        k += 1
        o_qptr[k] = qk
        o_pptr[k] = pk
        o_cptr[k] = ck
    return o_code, o_qptr, o_q, o_pptr, o_p, o_pe, o_cptr, o_c, o_cs, o_cw, o_cv


@njit(cache=True)
def wire_extremes(num_qubits, qubit_ptr, qubits, mask):
    """Per qubit, the first and the last index of an op with ``mask`` set (n and -1 when
    none)."""
    n = len(qubit_ptr) - 1
    first = np.full(num_qubits, n, np.int64)
    last = np.full(num_qubits, -1, np.int64)
    for i in range(n):
        if mask[i]:
            for k in range(qubit_ptr[i], qubit_ptr[i + 1]):
                q = qubits[k]
                if first[q] == n:
                    first[q] = i
                last[q] = i
    return first, last
