"""Lowering a native circuit on physical qubits to a pulse schedule, driven by the target's
pulse calibration.

``PulseTable`` turns the calibration into sample units once and checks what the schema
cannot (a DRAG pulse that would exceed full scale, a reset too short for its readout).
``RULES`` maps each native operation to the function that writes its instructions, all
operations of one kind at once (numpy over the circuit's columns, no per-gate objects):

* ``rphi(theta, phi)``: one DRAG pulse on the qubit's XY channel, amplitude
  |theta| / pi * pi_amplitude, phase phi relative to the frame (phi + pi for negative
  theta; theta is first reduced to [-pi, pi], which changes only a global phase);
* ``x1``: rphi(pi/2, 0);
* ``rz(lambda)``: shift_phase(-lambda) on the XY frame, no time;
* ``cz``: the coupler's flux pulse and the qubits' Z pulses where calibrated, then the
  pair's phase compensation as shift_phase(-c) on both XY frames (rz(c), virtual);
* ``measure``: the readout tone and the acquire window into the classical bit;
* ``reset``: a readout and acquire, then a pi pulse conditioned on the result (active
  reset, the target's reset duration);
* ``delay``: a delay on the XY channel; ``barrier``: aligns its qubits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jingu.errors import CompileError, InputError, TargetError

from .channels import ACQ, RO, XY, Z, Channels
from .codes import (ACQUIRE, BARRIER, CONSTANT, COSINE_FLAT, DELAY, DRAG, NUM_PARAMS, P_AMP,
                    P_BETA, P_SIGMA, P_WIDTH, PLAY, SHIFT_PHASE)
from .schedule import Schedule
from .scheduling import schedule_ops
from .waveforms import FULL_SCALE_TOL, Drag, WaveformTable

#: native operations the pulse level knows
NATIVE = ("rphi", "x1", "rz", "cz", "measure", "reset", "delay", "barrier")


@dataclass(frozen=True)
class PulseTable:
    """A target's pulse calibration in samples, checked.  Per qubit (N,): ``pi_amp``,
    ``sigma``, ``beta``, ``xy_len``, ``ro_amp``, ``ro_len``, ``acq_delay``, ``acq_len``;
    per coupler (M,): ``flux_amp``, ``flux_len``, ``flux_rise``, ``qubit_flux`` (M, 2),
    ``compensation`` (M, 2); op durations in samples: ``xy_dur``, ``measure_dur``,
    ``reset_dur``, ``cz_dur`` (M,)."""

    target: object
    channels: Channels
    pi_amp: np.ndarray
    sigma: np.ndarray
    beta: np.ndarray
    xy_len: np.ndarray
    ro_amp: np.ndarray
    ro_len: np.ndarray
    acq_delay: np.ndarray
    acq_len: np.ndarray
    flux_amp: np.ndarray
    flux_len: np.ndarray
    flux_rise: np.ndarray
    qubit_flux: np.ndarray
    compensation: np.ndarray
    xy_dur: int
    measure_dur: int
    reset_dur: int
    cz_dur: np.ndarray

    @classmethod
    def of(cls, target) -> "PulseTable":
        channels = Channels.of(target)  # TargetError without a calibration
        rate = target.timing.sample_rate
        q, c = target.pulse.qubit, target.pulse.coupler

        def samples(ns):
            return np.where(np.isnan(ns), 0, np.round(np.nan_to_num(ns) * rate)).astype(np.int64)

        def duration(op):
            ns = target.durations.get(op)
            return None if ns is None else int(round(ns * rate))

        xy_dur = duration("rphi") if "rphi" in target.durations else duration("x1")
        table = cls(
            target, channels, np.nan_to_num(q["pi_amplitude"]), q["sigma"] * rate,
            q["drag"] * rate, samples(q["pulse_length"]), np.nan_to_num(q["readout_amplitude"]),
            samples(q["readout_length"]), samples(q["acquire_delay"]),
            samples(q["acquire_length"]), np.nan_to_num(c["flux_amplitude"]),
            samples(c["flux_length"]), np.nan_to_num(c["flux_rise"]) * rate,
            np.nan_to_num(c["qubit_flux"]), np.asarray(target.phase_compensation),
            xy_dur or 0, duration("measure") or 0, duration("reset") or 0,
            np.round(target.cz_duration * rate).astype(np.int64))
        table._check()
        return table

    def _check(self) -> None:
        """Checks across fields the schema cannot make; errors name the field."""
        t = self.target
        for qb in t.live_qubits.tolist():
            if not t.pulse.has_qubit(qb):
                continue
            peak = float(np.max(np.abs(self.xy_waveform(qb, 1.0).samples(check=False))))
            if self.pi_amp[qb] * peak > 1.0 + FULL_SCALE_TOL:
                raise TargetError(
                    f"{t.name}: pulse.qubits (index = {qb}): pi_amplitude = "
                    f"{self.pi_amp[qb]!r} with drag = {t.pulse.qubit['drag'][qb]!r} ns makes "
                    f"the pi pulse peak at {self.pi_amp[qb] * peak:.4g} > 1 (full scale)")
            if self.reset_dur and "reset" in t.basis:
                need = self.acq_delay[qb] + self.acq_len[qb] + self.xy_len[qb]
                if need > self.reset_dur:
                    raise TargetError(
                        f"{t.name}: durations.reset = {t.durations['reset']!r} ns is shorter "
                        f"than the acquire window of qubit {qb} (pulse.qubits, index = {qb}) "
                        f"plus its pi pulse ({need / t.timing.sample_rate!r} ns)")

    def xy_waveform(self, q: int, amp: float) -> Drag:
        return Drag(int(self.xy_len[q]), float(amp), float(self.sigma[q]), float(self.beta[q]))


# ----------------------------------------------------------------------------------------
# the operations of a circuit, checked against the target


@dataclass(frozen=True)
class NativeOps:
    """The circuit's operations as arrays: ``name`` per op, first and second qubit (-1),
    coupler (-1), first two parameters, clbit (-1), and the index per native kind."""

    circuit: object
    names: np.ndarray       # (k,) object
    q0: np.ndarray
    q1: np.ndarray
    coupler: np.ndarray
    p0: np.ndarray
    p1: np.ndarray
    clbit: np.ndarray
    by_kind: dict

    @classmethod
    def of(cls, circuit, target) -> "NativeOps":
        n = len(circuit)
        if circuit.num_qubits > target.num_qubits:
            raise CompileError(f"the circuit uses {circuit.num_qubits} qubits but "
                               f"{target.name} has {target.num_qubits}")
        if circuit.parameters:
            raise InputError(f"the circuit has unbound parameters "
                             f"({', '.join(circuit.parameters)}): bind them before lowering")
        table_names = np.array([g.name for g in circuit.gate_table], dtype=object)
        names = table_names[circuit.opcodes] if n else np.zeros(0, object)
        known = np.isin(names, NATIVE)
        if not known.all():
            i = int(np.flatnonzero(~known)[0])
            raise CompileError(
                f"operation {i} ('{names[i]}' on qubits {list(circuit.op_qubits(i))}) is not "
                f"a native operation of the pulse level ({', '.join(NATIVE)}): compile the "
                f"circuit for {target.name} first")
        if np.any(circuit.cond_width):
            i = int(np.flatnonzero(circuit.cond_width)[0])
            raise CompileError(f"operation {i} ('{names[i]}') is classically conditioned: a "
                               f"static pulse schedule cannot branch on measurement results")
        arity = np.diff(circuit.qubit_ptr)
        first = np.full(n, -1, np.int64)
        second = np.full(n, -1, np.int64)
        has = arity >= 1
        first[has] = circuit.qubits[circuit.qubit_ptr[:-1][has]]
        two = arity >= 2
        second[two] = circuit.qubits[circuit.qubit_ptr[:-1][two] + 1]
        nparams = np.diff(circuit.param_ptr)
        p0 = np.zeros(n)
        p1 = np.zeros(n)
        p0[nparams >= 1] = circuit.params[circuit.param_ptr[:-1][nparams >= 1]]
        p1[nparams >= 2] = circuit.params[circuit.param_ptr[:-1][nparams >= 2] + 1]
        ncl = np.diff(circuit.clbit_ptr)
        clbit = np.full(n, -1, np.int64)
        clbit[ncl >= 1] = circuit.clbits[circuit.clbit_ptr[:-1][ncl >= 1]]
        by_kind = {k: np.flatnonzero(names == k) for k in NATIVE}
        # qubits must be live, CZ must sit on a live coupler
        used = circuit.qubits[~np.isin(np.repeat(names, arity), ("barrier",))] if n else []
        dead = np.flatnonzero(~target.qubit_live[np.asarray(used, np.int64)]) if len(used) \
            else []
        if len(dead):
            qb = int(np.asarray(used)[dead[0]])
            i = int(np.searchsorted(circuit.qubit_ptr, np.flatnonzero(circuit.qubits == qb)[0],
                                    side="right") - 1)
            raise CompileError(f"operation {i} ('{names[i]}') uses qubit {qb}, which is dead "
                               f"on {target.name}")
        cz = by_kind["cz"]
        coupler = np.full(n, -1, np.int64)
        if len(cz):
            coupler[cz] = target.coupler_index[first[cz], second[cz]]
            bad = cz[coupler[cz] < 0]
            if len(bad):
                i = int(bad[0])
                raise CompileError(f"operation {i}: cz on qubits ({first[i]}, {second[i]}), "
                                   f"which share no live coupler on {target.name}")
        nonfinite = np.flatnonzero(~np.isfinite(p0) | ~np.isfinite(p1))
        if len(nonfinite):
            i = int(nonfinite[0])
            raise InputError(f"operation {i} ('{names[i]}') has a parameter that is not a "
                             f"finite number")
        return cls(circuit, names, first, second, coupler, p0, p1, clbit, by_kind)


# ----------------------------------------------------------------------------------------
# instruction columns


class _Columns:
    """Growing instruction columns; ``seq`` orders instructions made for one time and
    channel (operation index, then position inside the operation's rule)."""

    def __init__(self):
        self.parts: list[tuple] = []

    def add(self, time, channel, kind, duration=0, waveform=-1, value=0.0, op=-1, sub=0,
            condition=-1):
        time = np.asarray(time, np.int64).reshape(-1)
        k = len(time)

        def col(x, dtype):
            return np.broadcast_to(np.asarray(x, dtype), (k,))

        if k:
            self.parts.append((time, col(channel, np.int64), col(kind, np.int8),
                               col(duration, np.int64), col(waveform, np.int64),
                               col(value, float), col(op, np.int64), col(sub, np.int64),
                               col(condition, np.int64)))

    def arrays(self):
        if not self.parts:
            z = np.zeros(0, np.int64)
            return (z,) * 4 + (z, np.zeros(0), z, z, z)
        return tuple(np.concatenate(c) for c in zip(*self.parts))


def reduce_rotation(theta: np.ndarray, phi: np.ndarray):
    """(|theta'| / pi, phase) of rphi(theta, phi): theta reduced to [-pi, pi] (the same
    rotation up to a global phase), a negative angle made positive about the opposite
    axis (phase phi + pi)."""
    t = np.mod(theta + 2 * np.pi, 4 * np.pi) - 2 * np.pi  # [-2pi, 2pi)
    t = np.where(t > np.pi, t - 2 * np.pi, np.where(t < -np.pi, t + 2 * np.pi, t))
    return np.abs(t) / np.pi, phi + np.where(t < 0, np.pi, 0.0)


def _drag_rows(tab: PulseTable, q: np.ndarray, scale: np.ndarray):
    params = np.zeros((len(q), NUM_PARAMS))
    params[:, P_AMP] = tab.pi_amp[q] * scale
    params[:, P_SIGMA] = tab.sigma[q]
    params[:, P_BETA] = tab.beta[q]
    return tab.xy_len[q], params


def _lower_rotations(ops, idx, theta, phi, start, tab, wf, out):
    q = ops.q0[idx]
    scale, phase = reduce_rotation(theta, phi)
    played = scale > 0
    idx, q, scale, phase = idx[played], q[played], scale[played], phase[played]
    lengths, params = _drag_rows(tab, q, scale)
    ids = wf.add_many(DRAG, lengths, params)
    out.add(start[idx], tab.channels.qubit(XY, q), PLAY, lengths, ids, phase, idx)


def _rule_rphi(ops, start, tab, wf, out):
    idx = ops.by_kind["rphi"]
    _lower_rotations(ops, idx, ops.p0[idx], ops.p1[idx], start, tab, wf, out)


def _rule_x1(ops, start, tab, wf, out):
    idx = ops.by_kind["x1"]
    _lower_rotations(ops, idx, np.full(len(idx), np.pi / 2), np.zeros(len(idx)), start, tab,
                     wf, out)


def _rule_rz(ops, start, tab, wf, out):
    idx = ops.by_kind["rz"]
    out.add(start[idx], tab.channels.qubit(XY, ops.q0[idx]), SHIFT_PHASE, value=-ops.p0[idx],
            op=idx)


def _flux_rows(length, amp, rise):
    params = np.zeros((len(length), NUM_PARAMS))
    params[:, P_AMP] = amp
    params[:, P_WIDTH] = rise
    return params


def _rule_cz(ops, start, tab, wf, out):
    idx = ops.by_kind["cz"]
    if not len(idx):
        return
    c = ops.coupler[idx]
    t0 = start[idx]
    length, rise = tab.flux_len[c], tab.flux_rise[c]
    ids = wf.add_many(COSINE_FLAT, length, _flux_rows(length, tab.flux_amp[c], rise))
    out.add(t0, tab.channels.coupler(c), PLAY, length, ids, 0.0, idx, sub=0)
    pairs = tab.target.pairs[c]
    for side in (0, 1):
        amp = tab.qubit_flux[c, side]
        on = amp != 0
        if on.any():
            ids = wf.add_many(COSINE_FLAT, length[on], _flux_rows(length[on], amp[on], rise[on]))
            out.add(t0[on], tab.channels.qubit(Z, pairs[on, side]), PLAY, length[on], ids,
                    0.0, idx[on], sub=1 + side)
    end = t0 + tab.cz_dur[c]
    for side in (0, 1):
        out.add(end, tab.channels.qubit(XY, pairs[:, side]), SHIFT_PHASE,
                value=-tab.compensation[c, side], op=idx, sub=3 + side)


def _readout(idx, q, t0, tab, wf, out, clbit):
    lengths = tab.ro_len[q]
    params = np.zeros((len(q), NUM_PARAMS))
    params[:, P_AMP] = tab.ro_amp[q]
    ids = wf.add_many(CONSTANT, lengths, params)
    out.add(t0, tab.channels.qubit(RO, q), PLAY, lengths, ids, 0.0, idx, sub=0)
    out.add(t0 + tab.acq_delay[q], tab.channels.qubit(ACQ, q), ACQUIRE, tab.acq_len[q],
            value=clbit, op=idx, sub=1)


def _rule_measure(ops, start, tab, wf, out):
    idx = ops.by_kind["measure"]
    _readout(idx, ops.q0[idx], start[idx], tab, wf, out, ops.clbit[idx].astype(float))


def _rule_reset(ops, start, tab, wf, out):
    idx = ops.by_kind["reset"]
    if not len(idx):
        return
    q = ops.q0[idx]
    _readout(idx, q, start[idx], tab, wf, out, -1.0)
    lengths, params = _drag_rows(tab, q, np.ones(len(q)))
    ids = wf.add_many(DRAG, lengths, params)
    # condition: marked with the op for now; assembled into the acquire's row later
    out.add(start[idx] + tab.reset_dur - lengths, tab.channels.qubit(XY, q), PLAY, lengths,
            ids, 0.0, idx, sub=2, condition=idx)


def _rule_delay(ops, start, tab, wf, out):
    idx = ops.by_kind["delay"]
    dur = _delay_samples(ops, idx, tab)
    keep = dur > 0
    out.add(start[idx][keep], tab.channels.qubit(XY, ops.q0[idx][keep]), DELAY, dur[keep],
            op=idx[keep])


def _rule_barrier(ops, start, tab, wf, out):
    circuit = ops.circuit
    for i in ops.by_kind["barrier"].tolist():
        qs = list(circuit.op_qubits(i)) or list(range(circuit.num_qubits))
        out.add(np.full(len(qs), start[i]), tab.channels.qubit(XY, np.array(qs)), BARRIER,
                op=i)


RULES = {"rphi": _rule_rphi, "x1": _rule_x1, "rz": _rule_rz, "cz": _rule_cz,
         "measure": _rule_measure, "reset": _rule_reset, "delay": _rule_delay,
         "barrier": _rule_barrier}


def _delay_samples(ops, idx, tab) -> np.ndarray:
    """Delay durations in samples (the IR holds seconds); InputError off the grid."""
    rate = tab.target.timing.sample_rate
    g = tab.target.timing.granularity
    exact = ops.p0[idx] * 1e9 * rate
    dur = np.round(exact).astype(np.int64)
    bad = np.flatnonzero((np.abs(exact - dur) > 1e-6) | (dur % g != 0) | (dur < 0))
    if len(bad):
        i = int(idx[bad[0]])
        step = tab.target.timing.step
        raise InputError(f"operation {i}: delay of {ops.p0[i] * 1e9:.6g} ns on qubit "
                         f"{ops.q0[i]} is not a non-negative multiple of the {step:g} ns grid "
                         f"({g} samples at {rate:g} GS/s)")
    return dur


def op_durations(ops: NativeOps, tab: PulseTable) -> np.ndarray:
    """Duration of every operation in samples."""
    dur = np.zeros(len(ops.names), np.int64)
    for kind, value in (("rphi", tab.xy_dur), ("x1", tab.xy_dur),
                        ("measure", tab.measure_dur), ("reset", tab.reset_dur)):
        idx = ops.by_kind[kind]
        if len(idx) and not value:
            raise TargetError(f"{tab.target.name} has no duration for '{kind}' (durations)")
        dur[idx] = value
    cz = ops.by_kind["cz"]
    dur[cz] = tab.cz_dur[ops.coupler[cz]]
    delay = ops.by_kind["delay"]
    dur[delay] = _delay_samples(ops, delay, tab)
    return dur


# ----------------------------------------------------------------------------------------


_TABLES: dict = {}


def pulse_table(target) -> PulseTable:
    """The checked pulse table of a target, made once per target object."""
    hit = _TABLES.get(id(target))
    if hit is None or hit[0] is not target:
        if len(_TABLES) > 16:
            _TABLES.clear()
        hit = _TABLES[id(target)] = (target, PulseTable.of(target))
    return hit[1]


def lower(circuit, target, *, schedule: str = "asap") -> Schedule:
    """The pulse schedule of a native circuit on physical qubits (``schedule``: asap or
    alap).  CompileError for operations the chip cannot play as they are (not native,
    dead qubit, CZ off a coupler, classical condition); TargetError for a calibration
    that cannot be played."""
    from jingu.targets import load_target

    if isinstance(target, str):
        target = load_target(target)
    tab = pulse_table(target)
    ops = NativeOps.of(circuit, target)
    durations = op_durations(ops, tab)
    is_barrier = ops.names == "barrier"
    start, total = schedule_ops(circuit.num_qubits, circuit.qubit_ptr, circuit.qubits,
                                durations, is_barrier, schedule)
    wf = WaveformTable()
    out = _Columns()
    for kind, rule in RULES.items():
        if len(ops.by_kind[kind]):
            rule(ops, start, tab, wf, out)
    time, channel, kind, duration, waveform, value, op, sub, cond = out.arrays()
    order = np.lexsort((sub, op, channel, time))
    time, channel, kind, duration = time[order], channel[order], kind[order], duration[order]
    waveform, value, op, cond = waveform[order], value[order], op[order], cond[order]
    condition = np.full(len(time), -1, np.int32)
    gated = np.flatnonzero(cond >= 0)
    if len(gated):  # a reset's pi pulse is gated by the acquire of the same operation
        acq_rows = np.flatnonzero(kind == ACQUIRE)
        row_of_op = dict(zip(op[acq_rows].tolist(), acq_rows.tolist()))
        condition[gated] = [row_of_op[o] for o in cond[gated].tolist()]
    return Schedule(target.name, target.timing.sample_rate, target.timing.granularity,
                    tab.channels, time, channel.astype(np.int32), kind, duration,
                    waveform.astype(np.int32), value, op.astype(np.int32), condition, wf,
                    total, schedule, start, durations, circuit, target)


def rphi_pulse(target, qubit: int, theta: float, phi: float) -> tuple[Drag | None, float]:
    """The waveform and phase lowering gives rphi(theta, phi) on ``qubit`` (None when the
    rotation is trivial)."""
    tab = pulse_table(target)
    scale, phase = reduce_rotation(np.array([theta]), np.array([phi]))
    if scale[0] == 0:
        return None, 0.0
    return tab.xy_waveform(qubit, tab.pi_amp[qubit] * scale[0]), float(phase[0])
