"""The lowering of each native operation, and the errors for what cannot be lowered."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from jingu.circuit import CircuitBuilder, Condition
from jingu.errors import CompileError, InputError, TargetError
from jingu.params import Symbol
from jingu.pulse import lower
from jingu.pulse.codes import ACQUIRE, BARRIER, DELAY, PLAY, SHIFT_PHASE
from jingu.targets import Target, load_target


def one(name, qubits, params=(), clbits=(), n=72, num_clbits=2):
    b = CircuitBuilder(n, num_clbits)
    b.append(name, qubits, params, clbits)
    return b.build()


def rows(s, kind, channel=None):
    sel = s.kind == kind
    if channel is not None:
        sel &= s.channel == s.channels.index(channel)
    return np.flatnonzero(sel)


@pytest.mark.parametrize("theta, phi, scale, phase", [
    (np.pi, 0.3, 1.0, 0.3),
    (np.pi / 2, -1.0, 0.5, -1.0),
    (-np.pi / 2, 0.2, 0.5, 0.2 + np.pi),       # negative: the opposite axis
    (3 * np.pi / 2, 0.1, 0.5, 0.1 + np.pi),     # beyond pi: the short way round
    (4 * np.pi + 0.5, 0.0, 0.5 / np.pi, 0.0),   # full turns dropped
])
def test_rphi_is_one_drag_pulse_scaled_from_the_pi_amplitude(wukong, theta, phi, scale, phase):
    q = 17
    s = lower(one("rphi", [q], [theta, phi]), wukong)
    (r,) = rows(s, PLAY, f"q{q}.xy")
    wf = s.waveforms.waveform(int(s.waveform[r]))
    cal = wukong.pulse.for_qubit(q)
    assert wf.shape == "drag"
    assert wf.amp == pytest.approx(scale * cal["pi_amplitude"], rel=1e-12)
    assert wf.sigma == cal["sigma"] * 2.0 and wf.beta == pytest.approx(cal["drag"] * 2.0)
    assert wf.duration == 60 == s.total
    assert np.exp(1j * s.value[r]) == pytest.approx(np.exp(1j * phase))


def test_rphi_of_zero_plays_nothing_but_takes_its_time(wukong):
    s = lower(one("rphi", [3], [0.0, 1.0]), wukong)
    assert not len(rows(s, PLAY)) and s.total == 60


def test_x1_is_a_half_pi_pulse(wukong):
    t = wukong.with_basis("origin-cloud")
    s = lower(one("x1", [4]), t)
    r = rows(s, PLAY)[0]
    assert s.waveforms.waveform(int(s.waveform[r])).amp == pytest.approx(
        0.5 * wukong.pulse.qubit["pi_amplitude"][4])


def test_rz_is_a_phase_shift_of_the_xy_frame_and_takes_no_time(wukong):
    s = lower(one("rz", [5], [0.7]), wukong)
    (r,) = rows(s, SHIFT_PHASE)
    assert s.channels.name(int(s.channel[r])) == "q5.xy" and s.value[r] == -0.7
    assert s.total == 0 and len(s) == 1


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_cz_plays_the_calibrated_flux_pulses_then_the_compensation(wukong, order):
    s = lower(one("cz", list(order)), wukong)
    c = int(wukong.coupler_index[0, 1])
    cal = wukong.pulse.for_coupler(c)
    a, b = wukong.pairs[c].tolist()
    (f,) = rows(s, PLAY, f"c{c}.flux")
    wf = s.waveforms.waveform(int(s.waveform[f]))
    assert wf.shape == "cosine_flat" and wf.amp == cal["flux_amplitude"]
    assert wf.duration == 2 * cal["flux_length"] and wf.rise == 2 * cal["flux_rise"]
    for side, q in enumerate((a, b)):
        z = rows(s, PLAY, f"q{q}.z")
        if cal["qubit_flux"][side]:
            assert s.waveforms.waveform(int(s.waveform[z[0]])).amp == cal["qubit_flux"][side]
        else:
            assert not len(z)
        (sh,) = rows(s, SHIFT_PHASE, f"q{q}.xy")
        assert s.value[sh] == -wukong.phase_compensation[c, side]
        assert s.time[sh] == s.total == 2 * wukong.cz_duration[c]


def test_measure_is_a_readout_tone_and_an_acquire_into_the_bit(wukong):
    s = lower(one("measure", [9], clbits=[1]), wukong)
    cal = wukong.pulse.for_qubit(9)
    (ro,) = rows(s, PLAY, "q9.ro")
    wf = s.waveforms.waveform(int(s.waveform[ro]))
    assert wf.shape == "constant" and wf.amp == cal["readout_amplitude"]
    assert wf.duration == 2 * cal["readout_length"]
    (acq,) = rows(s, ACQUIRE, "q9.acq")
    assert s.time[acq] == 2 * cal["acquire_delay"] and s.duration[acq] == 2 * cal["acquire_length"]
    assert s.value[acq] == 1
    assert s.total == 2 * wukong.durations["measure"]


def test_reset_is_a_readout_then_a_conditional_pi_pulse(wukong):
    s = lower(one("reset", [2]), wukong)
    (acq,) = rows(s, ACQUIRE)
    (pi,) = rows(s, PLAY, "q2.xy")
    assert s.condition[pi] == acq and s.value[acq] == -1
    assert s.time[pi] >= s.time[acq] + s.duration[acq]
    assert s.time[pi] + s.duration[pi] == s.total == 2 * wukong.durations["reset"]
    wf = s.waveforms.waveform(int(s.waveform[pi]))
    assert wf.amp == wukong.pulse.qubit["pi_amplitude"][2]


def test_delay_and_barrier(wukong):
    s = lower(one("delay", [4], [16e-9]), wukong)
    (d,) = rows(s, DELAY)
    assert s.duration[d] == 32 and s.total == 32
    b = CircuitBuilder(72)
    b.append("rphi", [0], [1.0, 0.0])
    b.append("barrier", [0, 1])
    s = lower(b.build(), wukong)
    assert set(s.time[rows(s, BARRIER)].tolist()) == {60}


def test_identical_pulses_share_one_waveform(wukong):
    b = CircuitBuilder(72)
    for q in range(72):
        b.append("rphi", [q], [np.pi / 2, 0.1 * q])
        b.append("rphi", [q], [np.pi / 2, -0.2])
    s = lower(b.build(), wukong)
    distinct = {(c["pi_amplitude"], c["drag"]) for c in map(wukong.pulse.for_qubit, range(72))}
    assert len(s.waveforms) == len(distinct) and len(rows(s, PLAY)) == 144


# ----------------------------------------------------------------------------------------
# errors


@pytest.mark.parametrize("build, error, text", [
    (lambda: one("h", [0]), CompileError, "operation 0 ('h' on qubits [0]) is not a native"),
    (lambda: one("cz", [0, 7]), CompileError, "operation 0: cz on qubits (0, 7), which share "
                                              "no live coupler"),
    (lambda: one("rphi", [0], [Symbol("t"), 0.0]), InputError, "unbound parameters (t)"),
    (lambda: one("delay", [0], [3e-9]), InputError, "operation 0: delay of 3 ns on qubit 0 is "
                                                    "not a non-negative multiple of the 2 ns"),
    (lambda: one("rphi", [0], [1.0, 0.0], n=80), CompileError, "uses 80 qubits but wukong72 "
                                                               "has 72"),
])
def test_what_cannot_be_lowered_is_a_located_error(wukong, build, error, text):
    with pytest.raises(error) as exc:
        lower(build(), wukong)
    assert text in str(exc.value)


def test_conditions_and_dead_parts(wukong):
    b = CircuitBuilder(72, 1)
    b.append("rphi", [0], [1.0, 0.0], condition=Condition(0, 1, 1))
    with pytest.raises(CompileError, match="operation 0 .*classically conditioned"):
        lower(b.build(), wukong)
    holes = wukong.with_disabled(qubits=[5], couplers=[(0, 1)])
    with pytest.raises(CompileError, match="qubit 5, which is dead"):
        lower(one("rz", [5], [1.0]), holes)
    with pytest.raises(CompileError, match="share no live coupler"):
        lower(one("cz", [1, 0]), holes)


def test_a_target_without_pulse_calibration(wukong):
    spec = wukong.to_dict()
    spec["pulse"] = None
    with pytest.raises(TargetError, match="no pulse calibration"):
        lower(one("rz", [0], [1.0]), Target(spec, source="nopulse"))


def test_a_calibration_that_cannot_be_played_names_the_field(wukong):
    spec = copy.deepcopy(wukong.to_dict())
    spec["pulse"]["qubits"][7]["drag"] = 40.0  # the quadrature would exceed full scale
    with pytest.raises(TargetError, match=r"pulse.qubits \(index = 7\): pi_amplitude"):
        lower(one("rz", [0], [1.0]), Target(spec, source="bad"))
    spec = copy.deepcopy(wukong.to_dict())
    spec["durations"]["reset"] = 1000.0
    with pytest.raises(TargetError, match="durations.reset"):
        lower(one("rz", [0], [1.0]), Target(spec, source="bad"))


def test_a_bad_calibration_file_is_located(tmp_path, wukong):
    text = wukong.to_toml().replace("flux_amplitude = ", "flux_amplitude = 1", 1)
    path = tmp_path / "chip.toml"
    path.write_text(text)
    with pytest.raises(TargetError, match=r"pulse.couplers\[0\].flux_amplitude"):
        load_target(str(path))
