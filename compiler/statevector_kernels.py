"""numba kernels of the statevector simulator (imported on first use by ``jingu.simulate``).

The state is kept as two float arrays, real and imaginary parts, because loops over
contiguous runs of plain floats vectorise; complex arrays mostly do not.

Conventions inside this module (the Python side translates into them):

* amplitude index bit ``q`` is simulated qubit ``q``;
* a gate is given by ``targets`` and a row-major complex matrix whose index bit ``t`` is
  qubit ``targets[t]`` (little endian, the reverse of the library's operand order);
* matrices live in one flat complex ``pool``; a matrix is an offset into it.

Simulation runs in two steps: ``plan_fusion`` groups consecutive operations into blocks
acting on at most ``max_fuse`` qubits (so that one pass over the state applies several
gates), then ``run_blocks`` multiplies each block out on its few qubits and applies it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: below this run length (in amplitudes) the vector paths cost more than they save
_MIN_RUN = 8


@njit(cache=True)
def _popcount(x):
    c = 0
    while x:
        x &= x - 1
        c += 1
    return c


@njit(cache=True)
def _insert_zeros(g, sorted_targets, k):
    """The amplitude index whose non-target bits are the bits of ``g`` (target bits 0)."""
    for i in range(k):
        p = sorted_targets[i]
        g = ((g >> p) << (p + 1)) | (g & ((1 << p) - 1))
    return g


# ----------------------------------------------------------------------------------------
# fusion planning


@njit(cache=True)
def plan_fusion(num_qubits, op_ptr, op_qubits, op_diag, max_fuse, max_fuse_diag):
    """Group operations into blocks of at most ``max_fuse`` qubits, keeping their order.

    Each qubit has at most one open block (the one holding the latest operation on it).
    An operation joins the open blocks of its qubits when the union still fits and all are
    diagonal or none is (a diagonal pass is cheap, and mixing would make it dense);
    otherwise those blocks are closed, i.e. emitted, and it opens a new one.  A block is
    emitted only when an operation needs its qubits, so every operation that precedes it
    on a shared qubit is already in an earlier block.  Diagonal blocks may grow to
    ``max_fuse_diag`` qubits; wider operations are blocks of their own (their sparse
    matrices stay sparse).  ``max_fuse`` <= 0 turns fusion off.

    Returns (blk_ptr, blk_ops, blk_mask, bad): the ops of block b are
    ``blk_ops[blk_ptr[b]:blk_ptr[b+1]]`` in application order, ``blk_mask[b]`` is its qubit
    set as a bit mask; ``bad`` is the index of an operation naming a qubit twice, or -1.
    """
    m = len(op_ptr) - 1
    open_blk = np.full(max(num_qubits, 1), -1, np.int64)
    head = np.empty(m, np.int64)
    tail = np.empty(m, np.int64)
    mask = np.zeros(m, np.int64)
    state = np.zeros(m, np.int8)  # 0 open, 1 emitted, 2 merged into another block
    diag = np.zeros(m, np.bool_)
    nxt = np.full(m, -1, np.int64)
    order = np.empty(m, np.int64)
    n_order = 0
    n_blk = 0
    involved = np.empty(64, np.int64)
    for j in range(m):
        omask = 0
        for t in range(op_ptr[j], op_ptr[j + 1]):
            omask |= np.int64(1) << op_qubits[t]
        if _popcount(omask) != op_ptr[j + 1] - op_ptr[j]:
            return np.zeros(1, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), j
        if max_fuse <= 0:  # no fusion: every operation is a block
            order[n_order] = j
            n_order += 1
            head[j] = j
            tail[j] = j
            mask[j] = omask
            continue
        union = omask
        same = True
        ninv = 0
        for t in range(op_ptr[j], op_ptr[j + 1]):
            b = open_blk[op_qubits[t]]
            if b < 0:
                continue
            seen = False
            for i in range(ninv):
                if involved[i] == b:
                    seen = True
            if not seen:
                involved[ninv] = b
                ninv += 1
                union |= mask[b]
                same = same and diag[b] == op_diag[j]
        limit = max_fuse_diag if op_diag[j] else max_fuse
        fits = same and _popcount(union) <= limit
        if fits and ninv > 0:
            s = involved[0]
            for i in range(1, ninv):
                o = involved[i]
                nxt[tail[s]] = head[o]
                tail[s] = tail[o]
                state[o] = 2
            nxt[tail[s]] = j
            tail[s] = j
            mask[s] = union
            q = 0
            u = union
            while u:
                if u & 1:
                    open_blk[q] = s
                u >>= 1
                q += 1
            continue
        if not fits:
            for i in range(ninv):
                b = involved[i]
                order[n_order] = b
                n_order += 1
                state[b] = 1
                q = 0
                u = mask[b]
                while u:
                    if u & 1:
                        open_blk[q] = -1
                    u >>= 1
                    q += 1
        s = n_blk
        n_blk += 1
        head[s] = j
        tail[s] = j
        mask[s] = omask
        diag[s] = op_diag[j]
        if _popcount(omask) > (max_fuse_diag if op_diag[j] else max_fuse):
            order[n_order] = s
            n_order += 1
            state[s] = 1
            continue
        for t in range(op_ptr[j], op_ptr[j + 1]):
            open_blk[op_qubits[t]] = s
    if max_fuse <= 0:
        n_blk = 0
    for b in range(n_blk):  # still open: on disjoint qubits, so any order is right
        if state[b] == 0:
            order[n_order] = b
            n_order += 1
    blk_ptr = np.zeros(n_order + 1, np.int64)
    blk_ops = np.empty(m, np.int64)
    blk_mask = np.empty(n_order, np.int64)
    w = 0
    for i in range(n_order):
        b = order[i]
        blk_mask[i] = mask[b]
        j = head[b]
        while j >= 0:
            blk_ops[w] = j
            w += 1
            j = nxt[j]
        blk_ptr[i + 1] = w
    return blk_ptr, blk_ops, blk_mask, -1


# ----------------------------------------------------------------------------------------
# applying matrices to the split state


@njit(cache=True, fastmath=True)
def _apply_1q(re, im, q, pool, off):
    ar = pool[off].real
    ai = pool[off].imag
    br = pool[off + 1].real
    bi = pool[off + 1].imag
    cr = pool[off + 2].real
    ci = pool[off + 2].imag
    dr = pool[off + 3].real
    di = pool[off + 3].imag
    n = re.shape[0]
    bit = 1 << q
    if bit >= _MIN_RUN:
        for base in range(0, n, 2 * bit):
            xr_ = re[base:base + bit]
            xi_ = im[base:base + bit]
            yr_ = re[base + bit:base + 2 * bit]
            yi_ = im[base + bit:base + 2 * bit]
            for t in range(bit):
                xr = xr_[t]
                xi = xi_[t]
                yr = yr_[t]
                yi = yi_[t]
                xr_[t] = ar * xr - ai * xi + br * yr - bi * yi
                xi_[t] = ar * xi + ai * xr + br * yi + bi * yr
                yr_[t] = cr * xr - ci * xi + dr * yr - di * yi
                yi_[t] = cr * xi + ci * xr + dr * yi + di * yr
    else:
        for i in range(n >> 1):
            i0 = ((i >> q) << (q + 1)) | (i & (bit - 1))
            i1 = i0 + bit
            xr = re[i0]
            xi = im[i0]
            yr = re[i1]
            yi = im[i1]
            re[i0] = ar * xr - ai * xi + br * yr - bi * yi
            im[i0] = ar * xi + ai * xr + br * yi + bi * yr
            re[i1] = cr * xr - ci * xi + dr * yr - di * yi
            im[i1] = cr * xi + ci * xr + dr * yi + di * yr


@njit(cache=True, fastmath=True)
def _apply_2q(re, im, q0, q1, pool, off):
    """Matrix index b(q0) + 2*b(q1)."""
    a00r = pool[off + 0].real
    a00i = pool[off + 0].imag
    a01r = pool[off + 1].real
    a01i = pool[off + 1].imag
    a02r = pool[off + 2].real
    a02i = pool[off + 2].imag
    a03r = pool[off + 3].real
    a03i = pool[off + 3].imag
    a10r = pool[off + 4].real
    a10i = pool[off + 4].imag
    a11r = pool[off + 5].real
    a11i = pool[off + 5].imag
    a12r = pool[off + 6].real
    a12i = pool[off + 6].imag
    a13r = pool[off + 7].real
    a13i = pool[off + 7].imag
    a20r = pool[off + 8].real
    a20i = pool[off + 8].imag
    a21r = pool[off + 9].real
    a21i = pool[off + 9].imag
    a22r = pool[off + 10].real
    a22i = pool[off + 10].imag
    a23r = pool[off + 11].real
    a23i = pool[off + 11].imag
    a30r = pool[off + 12].real
    a30i = pool[off + 12].imag
    a31r = pool[off + 13].real
    a31i = pool[off + 13].imag
    a32r = pool[off + 14].real
    a32i = pool[off + 14].imag
    a33r = pool[off + 15].real
    a33i = pool[off + 15].imag
    n = re.shape[0]
    o1 = 1 << q0
    o2 = 1 << q1
    o3 = o1 + o2
    blo = 1 << min(q0, q1)
    bhi = 1 << max(q0, q1)
    for h in range(0, n, 2 * bhi):
        for g in range(h, h + bhi, 2 * blo):
            if blo >= _MIN_RUN:
                r0 = re[g:g + blo]
                i0 = im[g:g + blo]
                r1 = re[g + o1:g + o1 + blo]
                i1 = im[g + o1:g + o1 + blo]
                r2 = re[g + o2:g + o2 + blo]
                i2 = im[g + o2:g + o2 + blo]
                r3 = re[g + o3:g + o3 + blo]
                i3 = im[g + o3:g + o3 + blo]
                for t in range(blo):
                    x0 = r0[t]
                    y0 = i0[t]
                    x1 = r1[t]
                    y1 = i1[t]
                    x2 = r2[t]
                    y2 = i2[t]
                    x3 = r3[t]
                    y3 = i3[t]
                    r0[t] = (a00r * x0 - a00i * y0 + a01r * x1 - a01i * y1
                             + a02r * x2 - a02i * y2 + a03r * x3 - a03i * y3)
                    i0[t] = (a00r * y0 + a00i * x0 + a01r * y1 + a01i * x1
                             + a02r * y2 + a02i * x2 + a03r * y3 + a03i * x3)
                    r1[t] = (a10r * x0 - a10i * y0 + a11r * x1 - a11i * y1
                             + a12r * x2 - a12i * y2 + a13r * x3 - a13i * y3)
                    i1[t] = (a10r * y0 + a10i * x0 + a11r * y1 + a11i * x1
                             + a12r * y2 + a12i * x2 + a13r * y3 + a13i * x3)
                    r2[t] = (a20r * x0 - a20i * y0 + a21r * x1 - a21i * y1
                             + a22r * x2 - a22i * y2 + a23r * x3 - a23i * y3)
                    i2[t] = (a20r * y0 + a20i * x0 + a21r * y1 + a21i * x1
                             + a22r * y2 + a22i * x2 + a23r * y3 + a23i * x3)
                    r3[t] = (a30r * x0 - a30i * y0 + a31r * x1 - a31i * y1
                             + a32r * x2 - a32i * y2 + a33r * x3 - a33i * y3)
                    i3[t] = (a30r * y0 + a30i * x0 + a31r * y1 + a31i * x1
                             + a32r * y2 + a32i * x2 + a33r * y3 + a33i * x3)
            else:
                for j0 in range(g, g + blo):
                    j1 = j0 + o1
                    j2 = j0 + o2
                    j3 = j0 + o3
                    x0 = re[j0]
                    y0 = im[j0]
                    x1 = re[j1]
                    y1 = im[j1]
                    x2 = re[j2]
                    y2 = im[j2]
                    x3 = re[j3]
                    y3 = im[j3]
                    re[j0] = (a00r * x0 - a00i * y0 + a01r * x1 - a01i * y1
                              + a02r * x2 - a02i * y2 + a03r * x3 - a03i * y3)
                    im[j0] = (a00r * y0 + a00i * x0 + a01r * y1 + a01i * x1
                              + a02r * y2 + a02i * x2 + a03r * y3 + a03i * x3)
                    re[j1] = (a10r * x0 - a10i * y0 + a11r * x1 - a11i * y1
                              + a12r * x2 - a12i * y2 + a13r * x3 - a13i * y3)
                    im[j1] = (a10r * y0 + a10i * x0 + a11r * y1 + a11i * x1
                              + a12r * y2 + a12i * x2 + a13r * y3 + a13i * x3)
                    re[j2] = (a20r * x0 - a20i * y0 + a21r * x1 - a21i * y1
                              + a22r * x2 - a22i * y2 + a23r * x3 - a23i * y3)
                    im[j2] = (a20r * y0 + a20i * x0 + a21r * y1 + a21i * x1
                              + a22r * y2 + a22i * x2 + a23r * y3 + a23i * x3)
                    re[j3] = (a30r * x0 - a30i * y0 + a31r * x1 - a31i * y1
                              + a32r * x2 - a32i * y2 + a33r * x3 - a33i * y3)
                    im[j3] = (a30r * y0 + a30i * x0 + a31r * y1 + a31i * x1
                              + a32r * y2 + a32i * x2 + a33r * y3 + a33i * x3)


@njit(cache=True)
def _offsets(targets, k):
    """Index offset of each local basis state x (bit t of x is qubit targets[t])."""
    offs = np.zeros(1 << k, np.int64)
    for x in range(1 << k):
        o = 0
        for t in range(k):
            if (x >> t) & 1:
                o += np.int64(1) << targets[t]
        offs[x] = o
    return offs


@njit(cache=True, fastmath=True)
def _apply_sparse(re, im, targets, k, pool, off, cmask, fixed, nfixed):
    """Any k-qubit matrix, applied where the qubits of ``cmask`` are all 1.

    ``fixed`` holds the sorted positions of the targets and controls.  Zero entries are
    skipped, so permutations (x, swap, ccx after control reduction) cost little.
    """
    n = re.shape[0]
    d = 1 << k
    offs = _offsets(targets, k)
    cnt = np.zeros(d, np.int64)
    cols = np.empty(d * d, np.int64)
    mr = np.empty(d * d)
    mi = np.empty(d * d)
    for r in range(d):
        for c in range(d):
            v = pool[off + r * d + c]
            if v.real != 0.0 or v.imag != 0.0:
                w = r * d + cnt[r]
                cols[w] = c
                mr[w] = v.real
                mi[w] = v.imag
                cnt[r] += 1
    run = 1 << fixed[0]
    ngroups = n >> nfixed
    if run >= _MIN_RUN:
        chunk = min(run, max(_MIN_RUN, 2048 // d))
        xr = np.empty((d, chunk))
        xi = np.empty((d, chunk))
        for g in range(0, ngroups, run):
            base = _insert_zeros(g, fixed, nfixed) | cmask
            for s in range(0, run, chunk):
                for c in range(d):
                    sr = re[base + offs[c] + s:base + offs[c] + s + chunk]
                    si = im[base + offs[c] + s:base + offs[c] + s + chunk]
                    tr = xr[c]
                    ti = xi[c]
                    for t in range(chunk):
                        tr[t] = sr[t]
                        ti[t] = si[t]
                for r in range(d):
                    yr = re[base + offs[r] + s:base + offs[r] + s + chunk]
                    yi = im[base + offs[r] + s:base + offs[r] + s + chunk]
                    e0 = r * d
                    if cnt[r] == 0:
                        yr[:] = 0.0
                        yi[:] = 0.0
                        continue
                    ar = mr[e0]
                    ai = mi[e0]
                    tr = xr[cols[e0]]
                    ti = xi[cols[e0]]
                    for t in range(chunk):
                        yr[t] = ar * tr[t] - ai * ti[t]
                        yi[t] = ar * ti[t] + ai * tr[t]
                    for e in range(e0 + 1, e0 + cnt[r]):
                        ar = mr[e]
                        ai = mi[e]
                        tr = xr[cols[e]]
                        ti = xi[cols[e]]
                        for t in range(chunk):
                            yr[t] += ar * tr[t] - ai * ti[t]
                            yi[t] += ar * ti[t] + ai * tr[t]
    else:
        vr = np.empty(d)
        vi = np.empty(d)
        for g in range(ngroups):
            base = _insert_zeros(g, fixed, nfixed) | cmask
            for c in range(d):
                vr[c] = re[base + offs[c]]
                vi[c] = im[base + offs[c]]
            for r in range(d):
                sr = 0.0
                si = 0.0
                for e in range(r * d, r * d + cnt[r]):
                    c = cols[e]
                    sr += mr[e] * vr[c] - mi[e] * vi[c]
                    si += mr[e] * vi[c] + mi[e] * vr[c]
                re[base + offs[r]] = sr
                im[base + offs[r]] = si


@njit(cache=True, fastmath=True)
def _apply_diag(re, im, targets, k, diag, off, stride):
    """Diagonal matrix, entry x at ``diag[off + x * stride]``.

    The state is walked in chunks of 2**L amplitudes; targets below L vary inside a chunk,
    the others are constant per chunk, so each chunk is multiplied by one precomputed
    row of phases (a contiguous, vectorisable loop whatever the targets are).
    """
    n = re.shape[0]
    nbits = 0
    while (1 << nbits) < n:
        nbits += 1
    lbits = min(nbits, 7)
    chunk = 1 << lbits
    khigh = 0
    for t in range(k):
        if targets[t] >= lbits:
            khigh += 1
    rows = 1 << k
    pr = np.empty((rows, chunk))
    pi_ = np.empty((rows, chunk))
    trivial = np.ones(rows, np.bool_)
    for xh in range(rows):  # xh: the target bits that are constant per chunk
        for t in range(chunk):
            x = xh
            for b in range(k):
                if targets[b] < lbits:
                    x = (x & ~(1 << b)) | (((t >> targets[b]) & 1) << b)
            v = diag[off + x * stride]
            pr[xh, t] = v.real
            pi_[xh, t] = v.imag
            if v.real != 1.0 or v.imag != 0.0:
                trivial[xh] = False
    for base in range(0, n, chunk):
        xh = 0
        for b in range(k):
            if targets[b] >= lbits:
                xh |= ((base >> targets[b]) & 1) << b
        if trivial[xh]:
            continue
        yr = re[base:base + chunk]
        yi = im[base:base + chunk]
        qr = pr[xh]
        qi = pi_[xh]
        for t in range(chunk):
            a = yr[t]
            c = yi[t]
            yr[t] = qr[t] * a - qi[t] * c
            yi[t] = qr[t] * c + qi[t] * a


@njit(cache=True)
def _control_bits(pool, off, k):
    """Local bits on which the matrix is controlled: identity wherever such a bit is 0."""
    d = 1 << k
    ctrl = 0
    for b in range(k):
        bb = 1 << b
        ok = True
        for r in range(d):
            for c in range(d):
                if (r & bb) and (c & bb):
                    continue
                v = pool[off + r * d + c]
                if v.imag != 0.0 or v.real != (1.0 if r == c else 0.0):
                    ok = False
                    break
            if not ok:
                break
        if ok:
            ctrl |= bb
    return ctrl


@njit(cache=True)
def _controlled_part(targets, k, pool, off, ctrl):
    """The submatrix acting where every control bit (local mask ``ctrl``) is 1.

    Returns (submatrix, its targets, its qubit count, control mask over state bits, sorted
    positions of all k qubits).
    """
    d = 1 << k
    rest = np.empty(k, np.int64)
    kr = 0
    cmask = 0
    for b in range(k):
        if (ctrl >> b) & 1:
            cmask |= np.int64(1) << targets[b]
        else:
            rest[kr] = b
            kr += 1
    dr = 1 << kr
    sub = np.empty(dr * dr, np.complex128)
    for r in range(dr):
        rr = ctrl
        for t in range(kr):
            rr |= ((r >> t) & 1) << rest[t]
        for c in range(dr):
            cc = ctrl
            for t in range(kr):
                cc |= ((c >> t) & 1) << rest[t]
            sub[r * dr + c] = pool[off + rr * d + cc]
    subt = np.empty(max(kr, 1), np.int64)
    for t in range(kr):
        subt[t] = targets[rest[t]]
    return sub, subt, kr, cmask, np.sort(targets[:k].copy())


@njit(cache=True)
def _apply_small(vec, targets, k, pool, off):
    """Complex matrix on a small complex vector (building fused block matrices)."""
    d = 1 << k
    offs = _offsets(targets, k)
    st = np.sort(targets[:k])
    buf = np.empty(d, np.complex128)
    for g in range(vec.shape[0] >> k):
        base = _insert_zeros(g, st, k)
        for c in range(d):
            buf[c] = vec[base + offs[c]]
        for r in range(d):
            s = 0j
            for c in range(d):
                s += pool[off + r * d + c] * buf[c]
            vec[base + offs[r]] = s


@njit(cache=True)
def run_blocks(re, im, blk_ptr, blk_ops, blk_mask, op_ptr, op_qubits, op_mat, mat_off,
               mat_diag, pool):
    """Apply every fused block, in order, to the state (re, im)."""
    targets = np.empty(64, np.int64)
    local = np.full(64, -1, np.int64)
    sub = np.empty(64, np.int64)
    for b in range(len(blk_ptr) - 1):
        lo = blk_ptr[b]
        hi = blk_ptr[b + 1]
        if hi - lo == 1:  # a lone gate: its own matrix, operands reversed to little endian
            j = blk_ops[lo]
            k = op_ptr[j + 1] - op_ptr[j]
            for t in range(k):
                targets[t] = op_qubits[op_ptr[j + 1] - 1 - t]
            mat = pool
            off = mat_off[op_mat[j]]
            diagonal = mat_diag[op_mat[j]]
        else:
            mat, diagonal, k = _block_matrix(blk_ops[lo:hi], blk_mask[b], op_ptr, op_qubits,
                                             op_mat, mat_off, mat_diag, pool, targets, local,
                                             sub)
            off = 0
        # one call site per kernel: numba re-optimises every callee inside its caller
        if diagonal:
            _apply_diag(re, im, targets, k, mat, off, (1 << k) + 1)
            continue
        ctrl = _control_bits(mat, off, k) if k >= 2 else 0
        if ctrl == 0 and k == 1:
            _apply_1q(re, im, targets[0], mat, off)
        elif ctrl == 0 and k == 2:
            _apply_2q(re, im, targets[0], targets[1], mat, off)
        else:  # wider, or controlled: the sparse kernel on the controlled part
            part, subt, kr, cmask, fixed = _controlled_part(targets, k, mat, off, ctrl)
            _apply_sparse(re, im, subt, kr, part, 0, cmask, fixed, k)


@njit(cache=True)
def _block_matrix(ops, mask, op_ptr, op_qubits, op_mat, mat_off, mat_diag, pool, targets,
                  local, sub):
    """The product of a block's gates on its qubits (ascending, written into ``targets``).

    Returns (row-major matrix, diagonal?, number of qubits).
    """
    k = 0
    q = 0
    while mask:
        if mask & 1:
            targets[k] = q
            local[q] = k
            k += 1
        mask >>= 1
        q += 1
    d = 1 << k
    diagonal = True
    for j in ops:
        diagonal = diagonal and mat_diag[op_mat[j]]
    out = np.zeros(d * d, np.complex128)
    if diagonal:  # multiply the diagonals, no matrix products
        for x in range(d):
            out[x * d + x] = 1.0
        for j in ops:
            kj = op_ptr[j + 1] - op_ptr[j]
            o = mat_off[op_mat[j]]
            for x in range(d):
                y = 0
                for t in range(kj):  # operand t is bit kj-1-t of the gate's index
                    y |= ((x >> local[op_qubits[op_ptr[j] + t]]) & 1) << (kj - 1 - t)
                out[x * d + x] *= pool[o + y * ((1 << kj) + 1)]
        return out, True, k
    # column-major d x d identity: a state of 2k qubits, gates act on the low k
    mcol = np.zeros(d * d, np.complex128)
    for x in range(d):
        mcol[x * d + x] = 1.0
    for j in ops:
        kj = op_ptr[j + 1] - op_ptr[j]
        for t in range(kj):
            sub[t] = local[op_qubits[op_ptr[j + 1] - 1 - t]]
        _apply_small(mcol, sub, kj, pool, mat_off[op_mat[j]])
    for r in range(d):
        for c in range(d):
            out[r * d + c] = mcol[c * d + r]
    return out, False, k
