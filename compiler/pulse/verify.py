"""Checking by simulation that the generated pulses implement the gates they claim.

* ``check_rphi``: one rphi(theta, phi) pulse as lowering makes it, on one qubit, against
  the gate library's matrix (average gate fidelity on the qubit levels, leakage to |2>).
* ``check_cz``: a coupler's calibrated flux pulses with the phase compensation, against CZ.
* ``verify_schedule``: every pulse a schedule plays for rphi/x1 and every coupler it
  pulses for cz, read from the schedule itself (waveform table, frame phases, the
  compensation it shifts), plus, for a program on at most ``max_program_qubits`` qubits,
  the whole schedule simulated against the circuit's unitary.

Fidelities are coherent: decoherence is not in the model (docs/pulse.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from jingu.errors import InputError

from .channels import XY, Z
from .codes import PLAY, SHIFT_PHASE
from .physics import CouplerModel, average_gate_fidelity, coupler_gate, leakage

CZ = np.diag([1.0, 1.0, 1.0, -1.0]).astype(complex)


@dataclass(frozen=True)
class GateCheck:
    """One simulated gate: average gate fidelity to the ideal gate and leakage."""

    fidelity: float
    leakage: float


def _rphi_matrix(theta, phi):
    from jingu.gates import GATES

    return GATES["rphi"].matrix((theta, phi))


def check_rphi(target, qubit: int, theta: float, phi: float, *, drag: bool = True
               ) -> GateCheck:
    """Simulate the pulse lowering plays for rphi(theta, phi) on ``qubit``; with
    ``drag=False`` the same pulse without its derivative quadrature (a plain gaussian)."""
    from dataclasses import replace

    from .lowering import rphi_pulse
    from .transmon import drive

    wf, phase = rphi_pulse(target, qubit, theta, phi)
    if wf is None:
        return GateCheck(1.0, 0.0)
    if not drag:
        wf = replace(wf, beta=0.0)
    xy = wf.samples() * np.exp(1j * phase)
    u = drive(target, [qubit], xy[None])[0]
    m = u[:2, :2]
    ideal = _rphi_matrix(theta, phi)
    return GateCheck(float(average_gate_fidelity(m, ideal)), float(leakage(m)))


def check_cz(target, coupler: int) -> GateCheck:
    """Simulate a coupler's calibrated CZ pulses and phase compensation against CZ."""
    from .lowering import pulse_table

    tab = pulse_table(target)
    amps = _cz_amps(tab, coupler)
    return _cz_check(target, coupler, amps, tab.compensation[coupler])


def _cz_amps(tab, c):
    from .waveforms import CosineFlat

    shape = CosineFlat(int(tab.flux_len[c]), 1.0, float(tab.flux_rise[c])).samples().real
    amps = np.zeros((3, int(tab.cz_dur[c])))
    amps[0, :len(shape)] = tab.qubit_flux[c, 0] * shape
    amps[1, :len(shape)] = tab.qubit_flux[c, 1] * shape
    amps[2, :len(shape)] = tab.flux_amp[c] * shape
    return amps


def _cz_check(target, c, amps, compensation) -> GateCheck:
    from .calibrate import compensated

    model = CouplerModel.from_target(target, [c])
    dt = 1.0 / target.timing.sample_rate
    m4 = coupler_gate(model, np.asarray(amps, float)[None], dt, nmax=2).qubit_operator(2)
    mc = compensated(m4, np.asarray(compensation, float)[None])
    return GateCheck(float(average_gate_fidelity(mc, CZ)[0]), float(leakage(m4)[0]))


# ----------------------------------------------------------------------------------------
# a whole schedule


@dataclass
class GateSummary:
    """The checks of one kind of gate in a program."""

    name: str
    count: int = 0  # instances in the program
    checked: int = 0  # distinct pulses simulated
    min_fidelity: float = 1.0
    mean_fidelity: float = 1.0
    max_leakage: float = 0.0
    worst: str = ""

    def add(self, fids, leaks, labels):
        fids, leaks = np.asarray(fids, float), np.asarray(leaks, float)
        if not len(fids):
            return
        total = self.mean_fidelity * self.checked + fids.sum()
        self.checked += len(fids)
        self.mean_fidelity = float(total / self.checked)
        k = int(np.argmin(fids))
        if fids[k] < self.min_fidelity:
            self.min_fidelity, self.worst = float(fids[k]), labels[k]
        self.max_leakage = max(self.max_leakage, float(leaks.max()))


@dataclass
class VerifyReport:
    gates: dict = field(default_factory=dict)
    program: dict | None = None

    def to_dict(self) -> dict:
        out = {name: vars(g) for name, g in self.gates.items()}
        if self.program is not None:
            out["program"] = self.program
        return out

    def format(self) -> str:
        lines = [f"{'gate':<8} {'count':>7} {'checked':>8} {'min fidelity':>13} "
                 f"{'mean':>10} {'max leakage':>12}  worst"]
        for g in self.gates.values():
            lines.append(f"{g.name:<8} {g.count:>7} {g.checked:>8} {g.min_fidelity:>13.7f} "
                         f"{g.mean_fidelity:>10.7f} {g.max_leakage:>12.2e}  {g.worst}")
        if self.program is not None:
            p = self.program
            lines.append(f"program on qubits {p['qubits']}: fidelity {p['fidelity']:.7f}, "
                         f"leakage {p['leakage']:.2e}")
        lines.append("(coherent simulation: three-level transmons, no decoherence)")
        return "\n".join(lines)


def verify_schedule(schedule, samples=None, *, max_program_qubits: int = 4) -> VerifyReport:
    """Simulate the gates a lowered schedule uses (see the module docstring)."""
    if schedule.circuit is None or schedule.target is None:
        raise InputError("verify needs a schedule lowered from a circuit (jingu.pulse.lower)")
    report = VerifyReport()
    names = np.array([g.name for g in schedule.circuit.gate_table], dtype=object)[
        schedule.circuit.opcodes]
    _verify_rotations(schedule, names, report)
    _verify_cz(schedule, names, report)
    used = _used_qubits(schedule.circuit, names)
    if 0 < len(used) <= max_program_qubits and not np.isin(names, ("reset",)).any():
        report.program = check_program(schedule, used, samples)
    return report


def _verify_rotations(schedule, names, report):
    """Every rphi/x1 pulse against the rotation its operation asks for, in the frame it is
    played in.  The model commutes with a turn of the frame (a phase e^{i phi} on every
    sample is the conjugation by e^{i phi n}), so each distinct (qubit, waveform) is
    simulated once and every play is compared through that symmetry."""
    from .transmon import drive

    target, circuit = schedule.target, schedule.circuit
    rot = np.isin(names, ("rphi", "x1"))
    if not rot.any():
        return
    label = "+".join(k for k in ("rphi", "x1") if (names == k).any())
    summary = report.gates[label] = GateSummary(label, int(rot.sum()))
    rows = np.flatnonzero((schedule.kind == PLAY) & (schedule.op >= 0))
    rows = rows[rot[schedule.op[rows]] & (schedule.condition[rows] < 0)]
    if not len(rows):
        return
    ops = schedule.op[rows]
    qubit = schedule.channel[rows] // 4
    played = schedule.frame_phase[rows] + schedule.value[rows]
    theta = np.full(len(ops), np.pi / 2)  # x1
    phi = np.zeros(len(ops))
    is_rphi = names[ops] == "rphi"
    first = circuit.param_ptr[ops[is_rphi]]
    theta[is_rphi], phi[is_rphi] = circuit.params[first], circuit.params[first + 1]
    # the axis the operation asks for, seen in the frame the pulse is played in
    wanted = phi + schedule.frame_phase[rows]
    pulses, which = np.unique(np.column_stack([qubit, schedule.waveform[rows]]), axis=0,
                              return_inverse=True)
    which = which.reshape(-1)
    table, offsets, durations = schedule.waveforms.sampled()
    m0 = np.empty((len(pulses), 2, 2), complex)
    for length in np.unique(durations[pulses[:, 1]]).tolist():
        sel = np.flatnonzero(durations[pulses[:, 1]] == length)
        xy = np.stack([table[offsets[w]:offsets[w] + length] for w in pulses[sel, 1].tolist()])
        m0[sel] = drive(target, pulses[sel, 0], xy)[:, :2, :2]
    # compare D(played - wanted) M0 D^+ with rphi(theta, 0), D = diag(1, e^{i x})
    turn = np.exp(1j * (played - wanted))
    m = m0[which].copy()
    m[:, 1, 0] *= turn
    m[:, 0, 1] *= turn.conj()
    angles, inv = np.unique(theta, return_inverse=True)
    ideal = np.stack([_rphi_matrix(a, 0.0) for a in angles.tolist()])[inv.reshape(-1)]
    fids = average_gate_fidelity(m, ideal)
    leaks = leakage(m)
    k = int(np.argmin(fids))
    op = int(ops[k])
    label = f"q{qubit[k]} {names[op]}({theta[k]:.4g}, {phi[k]:.4g})"
    summary.count = int(rot.sum())
    summary.checked = len(pulses)
    summary.mean_fidelity = float(np.mean(fids))
    summary.min_fidelity = float(fids[k])
    summary.max_leakage = float(np.max(leaks))
    summary.worst = label


def _verify_cz(schedule, names, report):
    cz_ops = np.flatnonzero(names == "cz")
    if not len(cz_ops):
        return
    summary = report.gates["cz"] = GateSummary("cz", len(cz_ops))
    target, chans = schedule.target, schedule.channels
    nq = chans.num_qubits
    rows_of_op: dict[int, list[int]] = {}
    sel = np.flatnonzero(np.isin(schedule.op, cz_ops))
    for r in sel.tolist():
        rows_of_op.setdefault(int(schedule.op[r]), []).append(r)
    table, offsets, _ = schedule.waveforms.sampled()
    seen = set()
    fids, leaks, labels = [], [], []
    for op in cz_ops.tolist():
        rows = rows_of_op.get(op, [])
        flux = [r for r in rows if schedule.kind[r] == PLAY and schedule.channel[r] >= 4 * nq]
        if not flux:
            continue
        c = int(schedule.channel[flux[0]]) - 4 * nq
        if c in seen:
            continue
        seen.add(c)
        pair = target.pairs[c].tolist()
        start, dur = int(schedule.op_start[op]), int(schedule.op_duration[op])
        amps = np.zeros((3, dur))
        comp = np.zeros(2)
        for r in rows:
            ch = int(schedule.channel[r])
            if schedule.kind[r] == PLAY and (ch >= 4 * nq or ch % 4 == Z):
                w = int(schedule.waveform[r])
                seg = table[offsets[w]:offsets[w] + int(schedule.duration[r])].real
                t0 = int(schedule.time[r]) - start
                mode = 2 if ch >= 4 * nq else pair.index(ch // 4)
                amps[mode, t0:t0 + len(seg)] = seg
            elif schedule.kind[r] == SHIFT_PHASE and ch % 4 == XY and ch < 4 * nq:
                comp[pair.index(ch // 4)] = -schedule.value[r]
        check = _cz_check(target, c, amps, comp)
        fids.append(check.fidelity)
        leaks.append(check.leakage)
        labels.append(f"coupler {c} {pair}")
    summary.add(fids, leaks, labels)


def _used_qubits(circuit, names) -> list[int]:
    """Qubits some gate acts on (measure, barrier and delay do not count)."""
    keep = ~np.isin(names, ("barrier", "measure", "delay"))
    arity = np.diff(circuit.qubit_ptr)
    used = np.unique(circuit.qubits[np.repeat(keep, arity)]) if len(circuit) else []
    return [int(q) for q in used]


def circuit_unitary(circuit, qubits) -> np.ndarray:
    """The circuit's unitary on ``qubits`` (the first most significant), ignoring measure,
    barrier and delay; InputError when an operation reaches outside them."""
    from jingu.circuit import CircuitBuilder
    from jingu.simulate import gate_matrix_of

    pos = {q: k for k, q in enumerate(qubits)}
    b = CircuitBuilder(len(qubits), gate_table=circuit.gate_table)
    for i, op in enumerate(circuit):
        if op.name in ("barrier", "measure", "delay"):
            continue
        if not all(q in pos for q in op.qubits):
            if any(q in pos for q in op.qubits):
                raise InputError(f"operation {i} ('{op.name}' on {list(op.qubits)}) reaches "
                                 f"outside qubits {list(qubits)}")
            continue
        b.append(op.name, [pos[q] for q in op.qubits], op.params)
    return gate_matrix_of(b.build())


def check_program(schedule, qubits, samples=None) -> dict:
    """Simulate the whole schedule on ``qubits`` against the circuit's unitary there."""
    from .transmon import simulate

    m = simulate(schedule, qubits, samples)
    ideal = circuit_unitary(schedule.circuit, qubits)
    return {"qubits": list(qubits), "fidelity": float(average_gate_fidelity(m, ideal)),
            "leakage": float(leakage(m))}
