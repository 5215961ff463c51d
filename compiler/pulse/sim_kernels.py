"""numba kernels of the transmon simulator (imported on first use).

Two propagators, both exact for Hamiltonians that are constant on each sample (what an
AWG plays: a zero-order hold):

* ``transmon_propagators``: driven transmons, each on its own, in the rotating frame of
  its drive; a complex Hermitian L x L matrix per sample, exponentiated by scaling and
  squaring of a Taylor series (the matrices are small and their norm per sample is below
  a few radians, so this is accurate to rounding).
* ``coupler_propagators``: two transmons and their tunable coupler under flux pulses, in
  the laboratory frame with the rotating-wave approximation.  That Hamiltonian is real
  and conserves the number of excitations, so it splits into small blocks (excitation
  number N); each block is diagonalised (cyclic Jacobi, real symmetric) once per run of
  equal samples and exponentiated exactly, however large its energies.  The result is
  returned in the dressed frame of the idle chip (see ``jingu.pulse.physics``).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

TWO_PI = 2.0 * math.pi


@njit(cache=True)
def mode_frequency(max_frequency, anharmonicity, flux):
    """0-1 frequency of a flux-tunable transmon (the model of jingu.targets.nominal)."""
    return (max_frequency - anharmonicity) * math.sqrt(abs(math.cos(math.pi * flux))) \
        + anharmonicity


# ----------------------------------------------------------------------------------------
# small dense linear algebra


@njit(cache=True)
def _mm_into(a, b, out):
    """out = a @ b for small square complex matrices, without allocating."""
    n = a.shape[0]
    for i in range(n):
        for j in range(n):
            acc = 0.0j
            for r in range(n):
                acc += a[i, r] * b[r, j]
            out[i, j] = acc


@njit(cache=True)
def expm_anti_hermitian(h, tau, out):
    """out = exp(-i h tau) for a small Hermitian ``h`` (scaling to norm 1/2, then a Taylor
    series to 16th order, then squaring: accurate to rounding)."""
    n = h.shape[0]
    norm = 0.0
    for j in range(n):
        col = 0.0
        for i in range(n):
            col += abs(h[i, j])
        norm = max(norm, col)
    norm *= abs(tau)
    s = 0
    while norm > 0.5:
        norm *= 0.5
        s += 1
    x = np.empty((n, n), np.complex128)
    term = np.empty((n, n), np.complex128)
    tmp = np.empty((n, n), np.complex128)
    f = -1j * tau / (2.0 ** s)
    for i in range(n):
        for j in range(n):
            x[i, j] = f * h[i, j]
            term[i, j] = 1.0 if i == j else 0.0
            out[i, j] = term[i, j]
    for k in range(1, 17):
        _mm_into(term, x, tmp)
        for i in range(n):
            for j in range(n):
                term[i, j] = tmp[i, j] / k
                out[i, j] += term[i, j]
    for _ in range(s):
        _mm_into(out, out, tmp)
        out[:, :] = tmp


@njit(cache=True)
def jacobi_eigh(a, w, v):
    """Eigenvalues ``w`` and eigenvectors (columns of ``v``) of the real symmetric ``a``
    (overwritten) by cyclic Jacobi rotations."""
    n = a.shape[0]
    for i in range(n):
        for j in range(n):
            v[i, j] = 1.0 if i == j else 0.0
    for _sweep in range(64):
        off = 0.0
        scale = 0.0
        for i in range(n):
            scale += a[i, i] * a[i, i]
            for j in range(i + 1, n):
                off += a[i, j] * a[i, j]
        if off <= 1e-32 * scale or off == 0.0:
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                apq = a[p, q]
                if apq == 0.0:
                    continue
                theta = (a[q, q] - a[p, p]) / (2.0 * apq)
                t = (1.0 if theta >= 0 else -1.0) / (abs(theta) + math.sqrt(theta * theta + 1.0))
                c = 1.0 / math.sqrt(t * t + 1.0)
                s = t * c
                for k in range(n):
                    akp = a[k, p]
                    akq = a[k, q]
                    a[k, p] = c * akp - s * akq
                    a[k, q] = s * akp + c * akq
                for k in range(n):
                    apk = a[p, k]
                    aqk = a[q, k]
                    a[p, k] = c * apk - s * aqk
                    a[q, k] = s * apk + c * aqk
                for k in range(n):
                    vkp = v[k, p]
                    vkq = v[k, q]
                    v[k, p] = c * vkp - s * vkq
                    v[k, q] = s * vkp + c * vkq
    for i in range(n):
        w[i] = a[i, i]


@njit(cache=True)
def jacobi_eigh_near(a, v0, w, v, work):
    """Like ``jacobi_eigh``, starting from the eigenvectors ``v0`` of a nearby matrix (the
    previous sample's): a few rotations finish what is left.  ``work`` is d x d scratch."""
    n = a.shape[0]
    for i in range(n):  # work = a v0
        for j in range(n):
            acc = 0.0
            for r in range(n):
                acc += a[i, r] * v0[r, j]
            work[i, j] = acc
    for i in range(n):  # a = v0^T work
        for j in range(n):
            acc = 0.0
            for r in range(n):
                acc += v0[r, i] * work[r, j]
            a[i, j] = acc
    jacobi_eigh(a, w, work)
    for i in range(n):  # v = v0 work
        for j in range(n):
            acc = 0.0
            for r in range(n):
                acc += v0[i, r] * work[r, j]
            v[i, j] = acc


# ----------------------------------------------------------------------------------------
# driven transmons


@njit(cache=True)
def transmon_propagators(xy, detuning, anharmonicity, rabi, dt, levels, start, stop):
    """Propagator of each transmon k over samples [start, stop): drive samples ``xy[k]``
    (complex, AWG units, already turned by the frame), ``detuning[k]`` (GHz, qubit minus
    frame), in the frame rotating at the drive frequency:

        H / 2 pi = detuning n + anharmonicity / 2 n (n - 1) + rabi / 2 (s a^+ + s* a)

    Runs of undriven samples are exponentiated at once (the Hamiltonian is diagonal)."""
    m = xy.shape[0]
    out = np.zeros((m, levels, levels), np.complex128)
    h = np.zeros((levels, levels), np.complex128)
    step = np.empty((levels, levels), np.complex128)
    tmp = np.empty((levels, levels), np.complex128)
    for k in range(m):
        u = np.eye(levels, dtype=np.complex128)
        alpha = anharmonicity[k]
        t = start
        while t < stop:
            s = xy[k, t]
            det = detuning[k, t]
            if s == 0:
                run = 1
                while t + run < stop and xy[k, t + run] == 0 and detuning[k, t + run] == det:
                    run += 1
                tau = run * dt
                for i in range(levels):
                    e = det * i + 0.5 * alpha * i * (i - 1)
                    ph = -TWO_PI * e * tau
                    f = complex(math.cos(ph), math.sin(ph))
                    for j in range(levels):
                        u[i, j] *= f
                t += run
                continue
            for i in range(levels):
                for j in range(levels):
                    h[i, j] = 0.0
                h[i, i] = TWO_PI * (det * i + 0.5 * alpha * i * (i - 1))
            for i in range(levels - 1):
                g = TWO_PI * 0.5 * rabi[k] * math.sqrt(i + 1.0)
                h[i + 1, i] = g * s
                h[i, i + 1] = g * s.conjugate()
            expm_anti_hermitian(h, dt, step)
            _mm_into(step, u, tmp)
            u[:, :] = tmp
            t += 1
        out[k] = u
    return out


# ----------------------------------------------------------------------------------------
# two transmons and a coupler


@njit(cache=True)
def _block_hamiltonian(freq, alpha, g, states, lo, hi, crow, ccol, cpair, cfac, c_lo, c_hi, h):
    d = hi - lo
    for i in range(d):
        for j in range(d):
            h[i, j] = 0.0
    for i in range(d):
        e = 0.0
        for mode in range(3):
            nm = states[lo + i, mode]
            e += freq[mode] * nm + 0.5 * alpha[mode] * nm * (nm - 1)
        h[i, i] = e
    for c in range(c_lo, c_hi):
        x = g[cpair[c]] * cfac[c]
        h[crow[c], ccol[c]] += x
        h[ccol[c], crow[c]] += x


@njit(cache=True)
def _dress(h, w, v, perm_v):
    """Diagonalise a block at idle and order its eigenvectors like the bare states they
    continue (largest overlap first, each state once), with positive overlap."""
    d = h.shape[0]
    jacobi_eigh(h, w, v)
    taken_row = np.zeros(d, np.bool_)
    taken_col = np.zeros(d, np.bool_)
    energy = np.empty(d)
    for _ in range(d):
        best = -1.0
        bi = 0
        bj = 0
        for i in range(d):
            if taken_row[i]:
                continue
            for j in range(d):
                if not taken_col[j] and abs(v[i, j]) > best:
                    best = abs(v[i, j])
                    bi = i
                    bj = j
        taken_row[bi] = True
        taken_col[bj] = True
        sign = 1.0 if v[bi, bj] >= 0 else -1.0
        for r in range(d):
            perm_v[r, bi] = sign * v[r, bj]
        energy[bi] = w[bj]
    return energy


@njit(cache=True)
def coupler_propagators(max_frequency, anharmonicity, flux_scale, idle_flux, g, amps, dt,
                        states, block_ptr, crow, ccol, cpair, cfac, cptr, sel, sel_ptr,
                        block_offset, out):
    """For each coupler m: the propagator of (qubit a, qubit b, coupler) under the flux
    samples ``amps[m, mode, :]`` (AWG units; flux = idle + scale * amp), block by block of
    excitation number, in the dressed frame of the idle chip:

        W_N = exp(+2 pi i E_F T) V^T U_N V,

    V the idle eigenvectors (ordered like the bare states they continue), E_F = sum_mode
    n_mode w_mode with w_mode the dressed 0-1 frequencies.  Only the columns ``sel`` (the
    states the coupler starts from: its ground state) are computed; block N's d x k_N
    entries go row-major to ``out[m, block_offset[N]:]``.  Returns the dressed
    frequencies (m, 3).  Eigensystems are cached per distinct sample triple, so the fall
    of a pulse reuses its rise."""
    m_count = amps.shape[0]
    num_blocks = len(block_ptr) - 1
    samples = amps.shape[2]
    omegas = np.zeros((m_count, 3))
    dmax = 0
    for b in range(num_blocks):
        dmax = max(dmax, block_ptr[b + 1] - block_ptr[b])
    freq = np.empty(3)
    hbuf = np.empty((dmax, dmax))
    ebuf = np.empty(dmax, np.complex128)
    tbuf = np.empty((dmax, dmax), np.complex128)
    rbuf = np.empty((dmax, dmax))
    # eigensystems per distinct sample triple, all blocks: key, w, v
    cap = 128
    ckey = np.empty((cap, 3))
    cw = np.empty((cap, num_blocks, dmax))
    cv = np.empty((cap, num_blocks, dmax, dmax))
    vid = np.empty((num_blocks, dmax, dmax))
    eid = np.empty((num_blocks, dmax))
    u = np.zeros((num_blocks, dmax, dmax), np.complex128)
    for m in range(m_count):
        alpha = anharmonicity[m]
        gm = g[m]
        # idle: dressed basis and frame
        for mode in range(3):
            freq[mode] = mode_frequency(max_frequency[m, mode], alpha[mode], idle_flux[m, mode])
        for b in range(num_blocks):
            lo, hi = block_ptr[b], block_ptr[b + 1]
            d = hi - lo
            h = hbuf[:d, :d]
            _block_hamiltonian(freq, alpha, gm, states, lo, hi, crow, ccol, cpair, cfac,
                               cptr[b], cptr[b + 1], h)
            w = np.empty(d)
            v = np.empty((d, d))
            eid[b, :d] = _dress(h, w, v, vid[b, :d, :d])
        omega = np.zeros(3)
        if num_blocks > 1:
            lo = block_ptr[1]
            for i in range(block_ptr[2] - lo):
                for mode in range(3):
                    if states[lo + i, mode] == 1:
                        omega[mode] = eid[1, i]
        omegas[m] = omega
        # start from the dressed states of the selected columns
        for b in range(num_blocks):
            lo, hi = block_ptr[b], block_ptr[b + 1]
            d = hi - lo
            for j in range(sel_ptr[b + 1] - sel_ptr[b]):
                col = sel[sel_ptr[b] + j] - lo
                for i in range(d):
                    u[b, i, j] = vid[b, i, col]
        cached = 0
        last = -1
        t = 0
        while t < samples:
            run = 1
            while t + run < samples and amps[m, 0, t + run] == amps[m, 0, t] \
                    and amps[m, 1, t + run] == amps[m, 1, t] \
                    and amps[m, 2, t + run] == amps[m, 2, t]:
                run += 1
            hit = -1
            for e in range(cached):
                if ckey[e, 0] == amps[m, 0, t] and ckey[e, 1] == amps[m, 1, t] \
                        and ckey[e, 2] == amps[m, 2, t]:
                    hit = e
                    break
            if hit < 0:
                hit = cached if cached < cap else cap - 1
                if cached < cap:
                    cached += 1
                for mode in range(3):
                    ckey[hit, mode] = amps[m, mode, t]
                    freq[mode] = mode_frequency(max_frequency[m, mode], alpha[mode],
                                                idle_flux[m, mode]
                                                + flux_scale[m, mode] * amps[m, mode, t])
                for b in range(num_blocks):
                    lo, hi = block_ptr[b], block_ptr[b + 1]
                    d = hi - lo
                    h = hbuf[:d, :d]
                    _block_hamiltonian(freq, alpha, gm, states, lo, hi, crow, ccol, cpair,
                                       cfac, cptr[b], cptr[b + 1], h)
                    if last >= 0:  # warm start from the previous sample's eigenvectors
                        jacobi_eigh_near(h, cv[last, b, :d, :d], cw[hit, b, :d],
                                         cv[hit, b, :d, :d], rbuf[:d, :d])
                    else:
                        jacobi_eigh(h, cw[hit, b, :d], cv[hit, b, :d, :d])
                last = hit
            tau = run * dt
            for b in range(num_blocks):
                d = block_ptr[b + 1] - block_ptr[b]
                k = sel_ptr[b + 1] - sel_ptr[b]
                w = cw[hit, b]
                v = cv[hit, b]
                for i in range(d):
                    ph = -TWO_PI * w[i] * tau
                    ebuf[i] = complex(math.cos(ph), math.sin(ph))
                # u <- V diag(e) V^T u
                for i in range(d):
                    for j in range(k):
                        acc = 0.0j
                        for r in range(d):
                            acc += v[r, i] * u[b, r, j]
                        tbuf[i, j] = acc * ebuf[i]
                for i in range(d):
                    for j in range(k):
                        acc = 0.0j
                        for r in range(d):
                            acc += v[i, r] * tbuf[r, j]
                        u[b, i, j] = acc
            t += run
        total = samples * dt
        for b in range(num_blocks):
            lo, hi = block_ptr[b], block_ptr[b + 1]
            d = hi - lo
            k = sel_ptr[b + 1] - sel_ptr[b]
            off = block_offset[b]
            for i in range(d):
                ef = 0.0
                for mode in range(3):
                    ef += states[lo + i, mode] * omega[mode]
                ph = TWO_PI * ef * total
                f = complex(math.cos(ph), math.sin(ph))
                for j in range(k):
                    acc = 0.0j
                    for r in range(d):
                        acc += vid[b, r, i] * u[b, r, j]
                    out[m, off + i * k + j] = f * acc
    return omegas
