"""The transmon simulator: what the generated samples do to the qubits.

Two pieces of the model of ``jingu.pulse.physics``:

* ``drive`` propagates transmons (three levels each) under their XY and Z samples, each
  in the frame of its drive, exact for samples held constant over a sample period;
* ``simulate`` runs a whole schedule on a few qubits: between CZ pulses each qubit
  evolves on its own; each CZ pulse is the two-qubits-plus-coupler propagator of the
  samples its flux lines play (``physics.coupler_gate``), applied to both qubits at once.
  The result is the implemented operation on the computational states, read in the
  logical frame (the virtual Z of every frame undone), to compare with the circuit.

Not modelled, and said so in docs/pulse.md: decoherence (T1, T2), couplings while no
coupler pulse plays (the idle coupling is calibrated off; its small static ZZ is left
out), drives during a CZ on the same qubits (the schedule never does this; it is an
error), crosstalk, readout and reset.
"""

from __future__ import annotations

import numpy as np

from jingu.errors import InputError

from .channels import XY, Z
from .physics import LEVELS, CouplerModel, coupler_gate


def detuning(target, qubits, z: np.ndarray) -> np.ndarray:
    """Frequency shift (GHz) of each qubit under Z-line samples ``z`` (k, S)."""
    from jingu.targets.nominal import flux_for_frequency, transmon_frequency

    qubits = np.asarray(qubits, np.int64).reshape(-1)
    z = np.asarray(z, float).reshape(len(qubits), -1)
    out = np.zeros_like(z)
    cal = target.pulse.qubit
    for k, q in enumerate(qubits.tolist()):
        if not np.any(z[k]):
            continue
        fmax, alpha, f0 = cal["max_frequency"][q], target.anharmonicity[q], target.frequency[q]
        idle = flux_for_frequency(fmax, alpha, f0)
        flux = idle + cal["flux_per_amplitude"][q] * z[k]
        out[k] = transmon_frequency(fmax, alpha, flux) - f0
    return out


def drive(target, qubits, xy: np.ndarray, z: np.ndarray | None = None,
          start: int = 0, stop: int | None = None) -> np.ndarray:
    """Propagators (k, 3, 3) of qubits ``qubits`` under XY samples ``xy`` (k, S) (complex,
    frame phase included) and Z samples ``z`` (k, S), over samples [start, stop)."""
    from .sim_kernels import transmon_propagators

    qubits = np.asarray(qubits, np.int64).reshape(-1)
    xy = np.ascontiguousarray(np.asarray(xy, complex).reshape(len(qubits), -1))
    det = np.zeros(xy.shape) if z is None else detuning(target, qubits, z)
    stop = xy.shape[1] if stop is None else stop
    return transmon_propagators(xy, np.ascontiguousarray(det), target.anharmonicity[qubits],
                                target.pulse.qubit["drive_strength"][qubits],
                                1.0 / target.timing.sample_rate, LEVELS, int(start), int(stop))


def rz_diagonal(angles: np.ndarray) -> np.ndarray:
    """diag(1, e^{i lambda}) per angle, i.e. rz(lambda) up to a global phase (k, 2)."""
    angles = np.asarray(angles, float)
    return np.stack([np.ones_like(angles), np.exp(1j * angles)], axis=-1).astype(complex)


def _apply(state: np.ndarray, op: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """Apply an operator on the given axes of a (3,)*n + (cols,) state tensor."""
    k = len(axes)
    op = op.reshape((LEVELS,) * (2 * k))
    moved = np.tensordot(op, state, axes=(list(range(k, 2 * k)), list(axes)))
    return np.moveaxis(moved, list(range(k)), list(axes))


def simulate(schedule, qubits, samples=None) -> np.ndarray:
    """The operation the schedule implements on ``qubits`` (physical, the first the most
    significant), restricted to their computational states (2^n x 2^n; it is not unitary
    when population leaks), in the logical frame.  InputError when the schedule couples
    these qubits to others by a CZ, resets or conditions them."""
    from .sampling import sample

    target = _target_of(schedule)
    qubits = [int(q) for q in qubits]
    if len(set(qubits)) != len(qubits) or not qubits:
        raise InputError("simulate needs a list of distinct qubits")
    if len(qubits) > 6:
        raise InputError(f"simulate keeps 3^n amplitudes per column: at most 6 qubits, "
                         f"got {len(qubits)}")
    samples = sample(schedule) if samples is None else samples
    chans = schedule.channels
    pos = {q: k for k, q in enumerate(qubits)}
    n, total = len(qubits), schedule.total
    gated = np.flatnonzero(schedule.condition >= 0)
    for i in gated.tolist():
        what, q = chans.owner(int(schedule.channel[i]))
        if what == "qubit" and q in pos:
            raise InputError(f"qubit {q} is reset (a conditional pulse): simulate models "
                             f"unitary schedules only")
    windows = _cz_windows(schedule, target, pos)
    xy = np.stack([samples.dense(chans.qubit(XY, q)) for q in qubits])
    z = np.stack([samples.dense(chans.qubit(Z, q)).real for q in qubits])
    for start, dur, c, a, b in windows:
        if np.any(xy[[pos[a], pos[b]], start:start + dur]):
            raise InputError(f"qubit {a} or {b} is driven during the CZ on coupler {c} at "
                             f"sample {start}: not modelled")
    dim = 1 << n
    state = np.zeros((LEVELS,) * n + (dim,), complex)
    for col in range(dim):
        idx = tuple((col >> (n - 1 - k)) & 1 for k in range(n))
        state[idx + (col,)] = 1.0
    done = {q: 0 for q in qubits}

    def advance(q, until):
        k = pos[q]
        if until > done[q]:
            u = drive(target, [q], xy[k:k + 1], z[k:k + 1], done[q], until)[0]
            nonlocal state
            state = _apply(state, u, (k,))
        done[q] = until

    for start, dur, c, a, b in windows:
        advance(a, start)
        advance(b, start)
        model = CouplerModel.from_target(target, [c])
        amps = np.stack([z[pos[a], start:start + dur],
                         z[pos[b], start:start + dur],
                         samples.dense(chans.coupler(c), start, start + dur).real])[None]
        gate = coupler_gate(model, amps, schedule.dt, nmax=2 * (LEVELS - 1))
        w = gate.qubit_operator(LEVELS)[0]
        # the window's propagator in the frame running since t = 0
        energy = np.add.outer(np.arange(LEVELS) * gate.omega[0, 0],
                              np.arange(LEVELS) * gate.omega[0, 1]).reshape(-1)
        d = np.exp(2j * np.pi * energy * start * schedule.dt)
        state = _apply(state, d[:, None] * w * d.conj()[None, :], (pos[a], pos[b]))
        done[a] = done[b] = start + dur
    for q in qubits:
        advance(q, total)
    comp = state[(slice(0, 2),) * n].reshape(dim, dim)
    # undo the frames: the logical state is rz(-F) of the physical one, per qubit
    frames = rz_diagonal([-schedule.final_phase(chans.qubit(XY, q)) for q in qubits])
    diag = np.ones(1)
    for k in range(n):
        diag = np.kron(diag, frames[k])
    return diag[:, None] * comp


def _target_of(schedule):
    if schedule.target is None:
        raise InputError("this schedule does not know its target; make it with lower() or "
                         "ScheduleBuilder")
    return schedule.target


def _cz_windows(schedule, target, pos):
    """(start, duration, coupler, pair[0], pair[1]) of every coupler pulse touching the
    simulated qubits, in time order; InputError when it reaches outside them."""
    chans = schedule.channels
    from .codes import PLAY

    rows = np.flatnonzero((schedule.kind == PLAY) & (schedule.channel >= 4 * chans.num_qubits))
    out = []
    for i in rows.tolist():
        c = int(schedule.channel[i]) - 4 * chans.num_qubits
        a, b = target.pairs[c].tolist()
        inside = (a in pos) + (b in pos)
        if inside == 1:
            q, other = (a, b) if a in pos else (b, a)
            raise InputError(f"qubit {q} does a CZ with qubit {other} (coupler {c}), which is "
                             f"not simulated: add it to the qubits")
        if inside == 2:
            op = int(schedule.op[i])
            if schedule.op_start is not None and op >= 0:
                start, dur = int(schedule.op_start[op]), int(schedule.op_duration[op])
            else:
                start, dur = int(schedule.time[i]), int(schedule.duration[i])
            out.append((start, dur, c, a, b))
    return sorted(out)
