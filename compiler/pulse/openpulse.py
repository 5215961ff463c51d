"""OpenQASM 3 with OpenPulse calibrations: the schedule as text a person (or another
toolchain) can read.

The text has three parts:

* one ``cal`` block declaring a port and a frame per used channel (frame frequency in Hz,
  phase 0), the ``capture_v2`` extern, and the waveforms as explicit sample arrays (every
  qubit's pi pulse, every coupler's flux pulses), so nothing depends on how a consumer
  defines its built-in envelopes;
* a ``defcal`` per native operation and physical qubit (or pair) the program uses:
  ``rphi`` scales the pi pulse by theta / pi between phase shifts of +-phi, ``rz`` is a
  ``shift_phase``, ``cz`` plays the flux pulses and shifts both XY frames by the phase
  compensation, ``measure`` plays the readout tone and captures, ``reset`` measures and
  plays the pi pulse when the result is 1;
* the program: gate calls on physical qubits ``$q`` in time order, with ``delay`` for every
  idle gap, so a consumer that runs each qubit's calls in sequence reproduces the
  schedule's timing to the sample.  ``rphi`` arguments are reduced (theta in [0, pi],
  phi shifted by pi for a negative angle): the same rotation up to a global phase.
"""

from __future__ import annotations

import numpy as np

from .channels import ACQ, RO, XY, Z
from .lowering import pulse_table, reduce_rotation
from .schedule import Schedule


def _num(x: float) -> str:
    return repr(float(x))


def _complex(z: complex) -> str:
    re, im = float(z.real), float(z.imag)
    if im == 0:
        return f"{re:.9g}"
    return f"{re:.9g} {'+' if im >= 0 else '-'} {abs(im):.9g}im"


def _array(values) -> str:
    return "{" + ", ".join(_complex(v) for v in np.asarray(values).tolist()) + "}"


def to_openpulse(schedule: Schedule) -> str:
    """The OpenQASM 3 + OpenPulse text of a schedule lowered from a circuit."""
    from jingu import __version__

    circuit, target = schedule.circuit, schedule.target
    if circuit is None or target is None:
        from jingu.errors import InputError

        raise InputError("OpenPulse output needs a schedule lowered from a circuit")
    tab = pulse_table(target)
    chans = schedule.channels
    rate = schedule.sample_rate
    names = np.array([g.name for g in circuit.gate_table], dtype=object)[circuit.opcodes]
    used_q = sorted({q for i in range(len(circuit)) for q in circuit.op_qubits(i)
                     if names[i] != "barrier"})
    cz_ops = np.flatnonzero(names == "cz")
    couplers = sorted({int(target.coupler_index[circuit.op_qubits(i)]) for i in cz_ops})
    needs_pi = sorted({circuit.op_qubits(i)[0] for i in np.flatnonzero(
        np.isin(names, ("rphi", "x1", "reset")))})
    measured = sorted({circuit.op_qubits(i)[0] for i in np.flatnonzero(
        np.isin(names, ("measure", "reset")))})
    z_used = sorted({int(target.pairs[c, s]) for c in couplers for s in (0, 1)
                     if tab.qubit_flux[c, s] != 0})

    channels = [chans.qubit(XY, q) for q in used_q]
    channels += [chans.qubit(Z, q) for q in z_used]
    channels += [chans.qubit(k, q) for q in measured for k in (RO, ACQ)]
    channels += [chans.coupler(c) for c in couplers]
    frame = {ch: chans.port(ch) + "_frame" for ch in channels}

    out = ["OPENQASM 3.0;", 'defcalgrammar "openpulse";',
           f"// jingu {__version__}: pulse schedule for {target.name} ({schedule.policy}), "
           f"{schedule.total} dt = {schedule.duration_ns:g} ns at {rate:g} GS/s",
           "cal {", "    extern capture_v2(frame, duration) -> bit;"]
    for ch in sorted(channels):
        out.append(f"    extern port {chans.port(ch)};")
    for ch in sorted(channels):
        out.append(f"    frame {frame[ch]} = newframe({chans.port(ch)}, "
                   f"{_num(chans.carrier[ch] * 1e9)}, 0.0);")
    for q in needs_pi:
        wf = tab.xy_waveform(q, tab.pi_amp[q])
        out.append(f"    waveform q{q}_pi = {_array(wf.samples())};")
    for c in couplers:
        for line, amp in _flux_pulses(tab, target, c):
            out.append(f"    waveform {line} = {_array(amp)};")
    out.append("}")

    out += _defcals(schedule, tab, names, used_q, couplers, needs_pi, measured, frame)
    out += _program(schedule, circuit, names, tab, couplers)
    return "\n".join(out) + "\n"


def _flux_pulses(tab, target, c):
    """(waveform name, samples) of the pulses a CZ on coupler c plays."""
    from .waveforms import CosineFlat

    length, rise = int(tab.flux_len[c]), float(tab.flux_rise[c])
    out = [(f"c{c}_cz", CosineFlat(length, float(tab.flux_amp[c]), rise).samples())]
    for side in (0, 1):
        amp = float(tab.qubit_flux[c, side])
        if amp:
            out.append((f"q{int(target.pairs[c, side])}_z_cz{c}",
                        CosineFlat(length, amp, rise).samples()))
    return out


def _defcals(schedule, tab, names, used_q, couplers, needs_pi, measured, frame):
    chans, target = schedule.channels, schedule.target
    kinds = set(names.tolist())
    out = []
    for q in used_q:
        xy = frame[chans.qubit(XY, q)]
        pad = int(tab.xy_dur) - int(tab.xy_len[q])
        tail = [f"    delay[{pad}dt] {xy};"] if pad > 0 else []
        if "rphi" in kinds and q in needs_pi:
            out += [f"defcal rphi(float[64] theta, float[64] phi) ${q} {{",
                    f"    shift_phase({xy}, phi);",
                    f"    play({xy}, scale(q{q}_pi, theta / pi));",
                    f"    shift_phase({xy}, -phi);"] + tail + ["}"]
        if "x1" in kinds and q in needs_pi:
            out += [f"defcal x1 ${q} {{", f"    play({xy}, scale(q{q}_pi, 0.5));"] + tail + ["}"]
        if "rz" in kinds:
            out += [f"defcal rz(float[64] lambda) ${q} {{", f"    shift_phase({xy}, -lambda);",
                    "}"]
    for c in couplers:
        a, b = target.pairs[c].tolist()
        body = [f"    play({frame[chans.coupler(c)]}, c{c}_cz);"]
        for side, q in enumerate((a, b)):
            if tab.qubit_flux[c, side]:
                body.append(f"    play({frame[chans.qubit(Z, q)]}, q{q}_z_cz{c});")
        pad = int(tab.cz_dur[c]) - int(tab.flux_len[c])
        if pad > 0:
            body.append(f"    delay[{pad}dt] {frame[chans.coupler(c)]};")
        for side, q in enumerate((a, b)):
            body.append(f"    shift_phase({frame[chans.qubit(XY, q)]}, "
                        f"{_num(-tab.compensation[c, side])});")
        # either operand order calls the same pulse
        for x, y in ((a, b), (b, a)):
            out += [f"defcal cz ${x}, ${y} {{"] + body + ["}"]
    for q in measured:
        ro, acq = frame[chans.qubit(RO, q)], frame[chans.qubit(ACQ, q)]
        readout = [f"    play({ro}, constant({_num(tab.ro_amp[q])}, {int(tab.ro_len[q])}dt));",
                   f"    delay[{int(tab.acq_delay[q])}dt] {acq};"]
        if "measure" in kinds:
            out += [f"defcal measure ${q} -> bit {{"] + readout + [
                f"    return capture_v2({acq}, {int(tab.acq_len[q])}dt);", "}"]
        if "reset" in kinds:
            xy = frame[chans.qubit(XY, q)]
            wait = int(tab.reset_dur) - int(tab.acq_delay[q]) - int(tab.acq_len[q]) \
                - int(tab.xy_len[q])
            out += [f"defcal reset ${q} {{"] + readout + [
                f"    bit r = capture_v2({acq}, {int(tab.acq_len[q])}dt);",
                f"    delay[{wait}dt] {xy};",
                f"    if (r) {{ play({xy}, q{q}_pi); }}", "}"]
    return out


def _program(schedule, circuit, names, tab, couplers):
    out = []
    if circuit.num_clbits:
        out.append(f"bit[{circuit.num_clbits}] c;")
    order = np.lexsort((np.arange(len(circuit)), schedule.op_start))
    free: dict[int, int] = {}
    for i in order.tolist():
        name, qs = names[i], list(circuit.op_qubits(i))
        start = int(schedule.op_start[i])
        if name == "barrier":
            qs = qs or list(range(circuit.num_qubits))
        for q in qs:
            gap = start - free.get(q, 0)
            if gap > 0 and name != "barrier":
                out.append(f"delay[{gap}dt] ${q};")
            free[q] = start + int(schedule.op_duration[i])
        operands = ", ".join(f"${q}" for q in qs)
        if name in ("rphi", "x1"):
            theta, phi = (np.pi / 2, 0.0) if name == "x1" else circuit.op_params(i)[:2]
            scale, phase = reduce_rotation(np.array([theta]), np.array([phi]))
            out.append(f"rphi({_num(scale[0] * np.pi)}, {_num(phase[0])}) {operands};"
                       if name == "rphi" else f"x1 {operands};")
        elif name == "rz":
            out.append(f"rz({_num(circuit.op_params(i)[0])}) {operands};")
        elif name == "cz":
            out.append(f"cz {operands};")
        elif name == "measure":
            out.append(f"c[{circuit.op_clbits(i)[0]}] = measure {operands};")
        elif name == "reset":
            out.append(f"reset {operands};")
        elif name == "delay":
            if int(schedule.op_duration[i]):
                out.append(f"delay[{int(schedule.op_duration[i])}dt] {operands};")
        elif name == "barrier":
            out.append(f"barrier {operands};")
    return out
