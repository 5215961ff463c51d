"""numba kernels of basis translation (imported on first use, never by ``import jingu``).

``jingu.passes.translate`` hands them each gate's template as flat arrays; they expand
every operation into template *entries*, walk the entries in circuit order (which
one-qubit runs form and when each is written), multiply the runs out and write the output
columns.  They repeat the arithmetic of the translator's general walk operation for
operation (the same products in the same order, the same ZYZ code, the same phase sums),
so both give the same bits.
"""

from __future__ import annotations

import numpy as np
from jingu.passes.synthesis.weyl import zyz_kernel
from numba import njit

#: event kinds of ``walk``: a non-leaf entry, a one-qubit run, an instruction, a phase
ENTRY, RUN, INSTRUCTION, PHASE = 0, 1, 2, 3


@njit(cache=True)
def expand(slot, qubit_ptr, qubits, size, base, code, leaf, nq, pos_ptr, pos, npar, par_ptr,
           const, mat):
    """Every operation's template entries: operation i (template ``slot[i]``) owns entries
    ``ent_ptr[i]:ent_ptr[i+1]``, each with its output opcode, leaf flag, physical qubits,
    parameters (the template's constants; NaN where the operation's parameters decide)
    and leaf matrix row (-1: depends on the parameters)."""
    n = len(slot)
    ent_ptr = np.zeros(n + 1, np.int64)
    for i in range(n):
        ent_ptr[i + 1] = ent_ptr[i] + size[slot[i]]
    total = ent_ptr[n]
    ent_code = np.empty(total, np.int16)
    ent_leaf = np.empty(total, np.bool_)
    ent_mat = np.empty(total, np.int64)
    ent_qptr = np.zeros(total + 1, np.int64)
    ent_pptr = np.zeros(total + 1, np.int64)
    for i in range(n):
        for j in range(ent_ptr[i], ent_ptr[i + 1]):
            row = base[slot[i]] + j - ent_ptr[i]
            ent_qptr[j + 1] = ent_qptr[j] + nq[row]
            ent_pptr[j + 1] = ent_pptr[j] + npar[row]
    ent_qubits = np.empty(ent_qptr[total], np.int32)
    ent_params = np.empty(ent_pptr[total], np.float64)
    for i in range(n):
        for j in range(ent_ptr[i], ent_ptr[i + 1]):
            row = base[slot[i]] + j - ent_ptr[i]
            ent_code[j] = code[row]
            ent_leaf[j] = leaf[row]
            ent_mat[j] = mat[row]
            for k in range(nq[row]):
                ent_qubits[ent_qptr[j] + k] = qubits[qubit_ptr[i] + pos[pos_ptr[row] + k]]
            for k in range(npar[row]):
                ent_params[ent_pptr[j] + k] = const[par_ptr[row] + k]
    return ent_ptr, ent_code, ent_leaf, ent_mat, ent_qptr, ent_qubits, ent_pptr, ent_params


@njit(cache=True)
def _close(q, current, ev_kind, ev_ref, ne):
    r = current[q]
    if r >= 0:
        ev_kind[ne] = RUN
        ev_ref[ne] = r
        ne += 1
        current[q] = -1
    return ne


@njit(cache=True)
def walk(num_qubits, is_instruction, qubit_ptr, qubits, ent_ptr, ent_leaf, ent_qptr,
         ent_qubits, has_phase):
    """The order of the translated circuit.

    Leaf entries (one-qubit gates) gather into runs per wire; a non-leaf entry or an
    instruction closes the runs on its wires first (an instruction without operands closes
    all), and the end closes every wire in qubit order.  Returns the events (kind, index)
    in output order, each run's qubit, and the runs' members in order (``run_ptr``).
    """
    n = len(is_instruction)
    total = len(ent_leaf)
    ev_kind = np.empty(total + 2 * n + num_qubits, np.int8)
    ev_ref = np.empty(total + 2 * n + num_qubits, np.int64)
    run_of = np.full(total, -1, np.int64)
    rank = np.zeros(total, np.int64)
    run_qubit = np.empty(total, np.int64)
    run_size = np.zeros(total, np.int64)
    current = np.full(num_qubits, -1, np.int64)
    ne = 0
    runs = 0
    for i in range(n):
        if is_instruction[i]:
            if qubit_ptr[i] == qubit_ptr[i + 1]:
                for q in range(num_qubits):
                    ne = _close(q, current, ev_kind, ev_ref, ne)
            for k in range(qubit_ptr[i], qubit_ptr[i + 1]):
                ne = _close(qubits[k], current, ev_kind, ev_ref, ne)
            ev_kind[ne] = INSTRUCTION
            ev_ref[ne] = i
            ne += 1
            continue
        for j in range(ent_ptr[i], ent_ptr[i + 1]):
            if ent_leaf[j]:
                q = ent_qubits[ent_qptr[j]]
                r = current[q]
                if r < 0:
                    r = runs
                    runs += 1
                    current[q] = r
                    run_qubit[r] = q
                run_of[j] = r
                rank[j] = run_size[r]
                run_size[r] += 1
            else:
                for k in range(ent_qptr[j], ent_qptr[j + 1]):
                    ne = _close(ent_qubits[k], current, ev_kind, ev_ref, ne)
                ev_kind[ne] = ENTRY
                ev_ref[ne] = j
                ne += 1
        if has_phase[i]:
            ev_kind[ne] = PHASE
            ev_ref[ne] = i
            ne += 1
    for q in range(num_qubits):
        ne = _close(q, current, ev_kind, ev_ref, ne)
    run_ptr = np.zeros(runs + 1, np.int64)
    for r in range(runs):
        run_ptr[r + 1] = run_ptr[r] + run_size[r]
    members = np.empty(run_ptr[runs], np.int64)
    for j in range(total):
        if run_of[j] >= 0:
            members[run_ptr[run_of[j]] + rank[j]] = j
    return ev_kind[:ne], ev_ref[:ne], run_qubit[:runs], run_ptr, members


@njit(cache=True)
def run_facts(run_ptr, members, ent_code, ent_mat, in_basis, diagonal):
    """Per run: its first gate, how many of its gates lie outside the basis, its pulses
    (non-diagonal gates), and whether it must be synthesised (all but a lone basis gate);
    also the leaves of those runs whose matrix depends on their parameters."""
    runs = len(run_ptr) - 1
    first = np.empty(runs, np.int64)
    foreign = np.zeros(runs, np.int64)
    pulses = np.zeros(runs, np.int64)
    todo = np.empty(runs, np.int64)
    open_ = np.empty(len(members), np.int64)
    nt = 0
    no = 0
    for r in range(runs):
        first[r] = ent_code[members[run_ptr[r]]]
        for k in range(run_ptr[r], run_ptr[r + 1]):
            c = ent_code[members[k]]
            if not in_basis[c]:
                foreign[r] += 1
            if not diagonal[c]:
                pulses[r] += 1
        if run_ptr[r + 1] - run_ptr[r] == 1 and in_basis[first[r]]:
            continue
        todo[nt] = r
        nt += 1
        for k in range(run_ptr[r], run_ptr[r + 1]):
            if ent_mat[members[k]] < 0:
                open_[no] = members[k]
                no += 1
    return first, foreign, pulses, todo[:nt], open_[:no]


@njit(cache=True)
def run_angles(runs, run_ptr, members, mat_of, mats):
    """ZYZ angles (theta, phi, lam, alpha) of the product of each of ``runs``.

    The product starts from the first gate's matrix and multiplies each later one on the
    left, as the general walk does (no identity factor, so signed zeros match)."""
    out = np.empty((len(runs), 4))
    for t in range(len(runs)):
        r = runs[t]
        m = mats[mat_of[members[run_ptr[r]]]]
        a, b, c, d = m[0], m[1], m[2], m[3]
        for k in range(run_ptr[r] + 1, run_ptr[r + 1]):
            m = mats[mat_of[members[k]]]
            a, b, c, d = (m[0] * a + m[1] * c, m[0] * b + m[1] * d,
                          m[2] * a + m[3] * c, m[2] * b + m[3] * d)
        theta, phi, lam, alpha = zyz_kernel(a, b, c, d)
        out[t, 0] = theta
        out[t, 1] = phi
        out[t, 2] = lam
        out[t, 3] = alpha
    return out


@njit(cache=True)
def assemble(ev_kind, ev_ref, op_phase, ent_code, ent_qptr, ent_qubits, ent_pptr, ent_params,
             run_keep, run_qubit, run_ptr, members, run_phase, step_lo, step_hi, step_code,
             step_pptr, step_params, op_code, qubit_ptr, qubits, param_ptr, params, clbit_ptr,
             clbits):
    """The output columns (opcodes, qubit_ptr, qubits, param_ptr, params, clbit_ptr,
    clbits) of the events, and the phase they add (summed in event order, zeros skipped,
    as the walk adds them).  An entry is one gate, a kept run its members, a rewritten
    run its steps ``step_lo[r]:step_hi[r]``, an instruction a copy (``op_code`` maps its
    opcode into the library)."""
    nops = 0
    nq = 0
    npar = 0
    ncl = 0
    for e in range(len(ev_kind)):
        kind = ev_kind[e]
        x = ev_ref[e]
        if kind == ENTRY:
            nops += 1
            nq += ent_qptr[x + 1] - ent_qptr[x]
            npar += ent_pptr[x + 1] - ent_pptr[x]
        elif kind == RUN:
            if run_keep[x]:
                for k in range(run_ptr[x], run_ptr[x + 1]):
                    j = members[k]
                    nops += 1
                    nq += 1
                    npar += ent_pptr[j + 1] - ent_pptr[j]
            else:
                for s in range(step_lo[x], step_hi[x]):
                    nops += 1
                    nq += 1
                    npar += step_pptr[s + 1] - step_pptr[s]
        elif kind == INSTRUCTION:
            nops += 1
            nq += qubit_ptr[x + 1] - qubit_ptr[x]
            npar += param_ptr[x + 1] - param_ptr[x]
            ncl += clbit_ptr[x + 1] - clbit_ptr[x]
    o_code = np.empty(nops, np.int16)
    o_qptr = np.zeros(nops + 1, np.int32)
    o_q = np.empty(nq, np.int32)
    o_pptr = np.zeros(nops + 1, np.int32)
    o_p = np.empty(npar, np.float64)
    o_cptr = np.zeros(nops + 1, np.int32)
    o_c = np.empty(ncl, np.int32)
    phase = 0.0
    i = 0
    iq = 0
    ip = 0
    ic = 0
    for e in range(len(ev_kind)):
        kind = ev_kind[e]
        x = ev_ref[e]
        if kind == ENTRY:
            o_code[i] = ent_code[x]
            for k in range(ent_qptr[x], ent_qptr[x + 1]):
                o_q[iq] = ent_qubits[k]
                iq += 1
            for k in range(ent_pptr[x], ent_pptr[x + 1]):
                o_p[ip] = ent_params[k]
                ip += 1
            i += 1
            o_qptr[i] = iq
            o_pptr[i] = ip
            o_cptr[i] = ic
        elif kind == RUN:
            if run_keep[x]:
                for k in range(run_ptr[x], run_ptr[x + 1]):
                    j = members[k]
                    o_code[i] = ent_code[j]
                    o_q[iq] = run_qubit[x]
                    iq += 1
                    for t in range(ent_pptr[j], ent_pptr[j + 1]):
                        o_p[ip] = ent_params[t]
                        ip += 1
                    i += 1
                    o_qptr[i] = iq
                    o_pptr[i] = ip
                    o_cptr[i] = ic
                continue
            if run_phase[x] != 0.0:
                phase = phase + run_phase[x]
            for s in range(step_lo[x], step_hi[x]):
                o_code[i] = step_code[s]
                o_q[iq] = run_qubit[x]
                iq += 1
                for t in range(step_pptr[s], step_pptr[s + 1]):
                    o_p[ip] = step_params[t]
                    ip += 1
                i += 1
                o_qptr[i] = iq
                o_pptr[i] = ip
                o_cptr[i] = ic
        elif kind == INSTRUCTION:
            o_code[i] = op_code[x]
            for k in range(qubit_ptr[x], qubit_ptr[x + 1]):
                o_q[iq] = qubits[k]
                iq += 1
            for k in range(param_ptr[x], param_ptr[x + 1]):
                o_p[ip] = params[k]
                ip += 1
            for k in range(clbit_ptr[x], clbit_ptr[x + 1]):
                o_c[ic] = clbits[k]
                ic += 1
            i += 1
            o_qptr[i] = iq
            o_pptr[i] = ip
            o_cptr[i] = ic
        elif op_phase[x] != 0.0:
            phase = phase + op_phase[x]
    return o_code, o_qptr, o_q, o_pptr, o_p, o_cptr, o_c, phase
