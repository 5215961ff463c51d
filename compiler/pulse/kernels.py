"""numba kernels of the pulse level: envelope sampling, scheduling, frame tracking and the
filling of per-channel buffers (imported on first use, never by ``import jingu``).

Everything here walks flat arrays: a waveform table is a shape code plus a row of float
parameters per waveform, a schedule is columns of instructions.  Sample k of a pulse is
taken at the middle of its sample interval, t = k + 1/2 (in samples), so every envelope is
symmetric on the grid and its sum is a midpoint-rule integral.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .codes import (CONSTANT, COSINE_FLAT, DRAG, GAUSSIAN, GAUSSIAN_SQUARE, P_AMP, P_ANGLE,
                    P_BETA, P_SIGMA, P_WIDTH, SAMPLES)


@njit(cache=True)
def _lifted_gaussian(t, centre, sigma, edge_dist):
    """Gaussian of width sigma at ``centre``, lifted so it is 0 at distance ``edge_dist``
    and 1 at the centre; returns (value, d value / dt)."""
    e = math.exp(-(edge_dist * edge_dist) / (2.0 * sigma * sigma))
    x = t - centre
    g = math.exp(-(x * x) / (2.0 * sigma * sigma))
    scale = 1.0 / (1.0 - e)
    return (g - e) * scale, -x / (sigma * sigma) * g * scale


@njit(cache=True)
def sample_shape(code, duration, p, out):
    """Write the ``duration`` complex samples of one parametric shape into ``out``."""
    amp = p[P_AMP] * complex(math.cos(p[P_ANGLE]), math.sin(p[P_ANGLE]))
    half = 0.5 * duration
    for k in range(duration):
        t = k + 0.5
        if code == CONSTANT:
            out[k] = amp
        elif code == GAUSSIAN:
            v, _ = _lifted_gaussian(t, half, p[P_SIGMA], half)
            out[k] = amp * v
        elif code == DRAG:
            v, dv = _lifted_gaussian(t, half, p[P_SIGMA], half)
            out[k] = amp * complex(v, p[P_BETA] * dv)
        elif code == GAUSSIAN_SQUARE:
            width = p[P_WIDTH]
            edge = 0.5 * (duration - width)
            if t < edge:
                v, _ = _lifted_gaussian(t, edge, p[P_SIGMA], edge)
            elif t > edge + width:
                v, _ = _lifted_gaussian(t, edge + width, p[P_SIGMA], edge)
            else:
                v = 1.0
            out[k] = amp * v
        elif code == COSINE_FLAT:
            rise = p[P_WIDTH]
            if t < rise:
                v = 0.5 * (1.0 - math.cos(math.pi * t / rise))
            elif t > duration - rise:
                v = 0.5 * (1.0 - math.cos(math.pi * (duration - t) / rise))
            else:
                v = 1.0
            out[k] = amp * v


@njit(cache=True)
def sample_table(codes, durations, params, offsets, arbitrary, arb_offsets, out):
    """Sample every waveform of a table into ``out`` (waveform w at ``offsets[w]``);
    arbitrary sample arrays are copied from ``arbitrary`` at ``arb_offsets[w]``."""
    for w in range(len(codes)):
        lo = offsets[w]
        n = durations[w]
        if codes[w] == SAMPLES:
            src = arb_offsets[w]
            for k in range(n):
                out[lo + k] = arbitrary[src + k]
        else:
            sample_shape(codes[w], n, params[w], out[lo:lo + n])


# ----------------------------------------------------------------------------------------
# scheduling


@njit(cache=True)
def schedule_asap(num_qubits, qubit_ptr, qubits, durations, is_barrier, reverse):
    """Start time of every operation, as soon as its qubits are free (circuit order per
    qubit; a barrier with no qubits spans all).  With ``reverse`` the operations are
    taken last to first and the result mirrored: as late as possible."""
    n = len(durations)
    free = np.zeros(num_qubits, np.int64)
    start = np.zeros(n, np.int64)
    for j in range(n):
        i = n - 1 - j if reverse else j
        lo, hi = qubit_ptr[i], qubit_ptr[i + 1]
        t = 0
        if is_barrier[i] and hi == lo:
            for q in range(num_qubits):
                t = max(t, free[q])
            for q in range(num_qubits):
                free[q] = t
        else:
            for k in range(lo, hi):
                t = max(t, free[qubits[k]])
            for k in range(lo, hi):
                free[qubits[k]] = t + durations[i]
        start[i] = t
    total = 0
    for q in range(num_qubits):
        total = max(total, free[q])
    if reverse:
        for i in range(n):
            start[i] = total - start[i] - durations[i]
    return start, total


# ----------------------------------------------------------------------------------------
# frames and buffers


@njit(cache=True)
def frame_phases(order, channel, kind, time, value, carrier, num_channels, dt,
                 k_shift, k_set_phase, k_set_freq, k_play):
    """Frame phase and frequency offset (from the channel's carrier) seen by each
    instruction, walking them in ``order`` (sorted by channel, then time, then sequence).

    A frame's phase advances by 2 pi (f_frame - f_carrier) t between frequency changes,
    so a frequency change keeps the phase continuous."""
    n = len(order)
    phase_at = np.zeros(n)
    offset_at = np.zeros(n)
    phase = np.zeros(num_channels)
    offset = np.zeros(num_channels)
    since = np.zeros(num_channels, np.int64)
    for j in range(n):
        i = order[j]
        c = channel[i]
        if kind[i] == k_shift:
            phase[c] += value[i]
        elif kind[i] == k_set_phase:
            # the phase *at this time* becomes value: remove the drift accrued so far
            phase[c] = value[i] - 2.0 * math.pi * offset[c] * (time[i] - since[c]) * dt
        elif kind[i] == k_set_freq:
            phase[c] += 2.0 * math.pi * offset[c] * (time[i] - since[c]) * dt
            since[c] = time[i]
            offset[c] = value[i] - carrier[c]
        phase_at[i] = phase[c] + 2.0 * math.pi * offset[c] * (time[i] - since[c]) * dt
        offset_at[i] = offset[c]
    return phase_at, offset_at


@njit(cache=True)
def fill_segments(plays, time, waveform, phase, offset, wf_offsets, wf_durations, table,
                  seg_start, dt, out):
    """Copy each play's waveform into ``out`` at ``seg_start[j]`` (the j-th play), turned
    by its frame phase and, when the frame is off its carrier, modulated by the offset."""
    for j in range(len(plays)):
        i = plays[j]
        w = waveform[i]
        lo = wf_offsets[w]
        n = wf_durations[w]
        dst = seg_start[j]
        f = offset[i]
        if f == 0.0:
            rot = complex(math.cos(phase[i]), math.sin(phase[i]))
            for k in range(n):
                out[dst + k] = table[lo + k] * rot
        else:
            for k in range(n):
                a = phase[i] + 2.0 * math.pi * f * k * dt
                out[dst + k] = table[lo + k] * complex(math.cos(a), math.sin(a))
