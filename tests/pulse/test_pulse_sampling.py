"""Filling the channel buffers: waveforms placed at their times, turned by the frame."""

from __future__ import annotations

import numpy as np
import pytest

from jingu.circuit import CircuitBuilder
from jingu.pulse import ScheduleBuilder, generate, lower, sample
from jingu.pulse.waveforms import Constant, Drag


def test_plays_land_at_their_times_turned_by_the_frame_phase(wukong):
    b = CircuitBuilder(72)
    b.append("rphi", [3], [np.pi / 2, 0.4])
    b.append("rz", [3], [0.9])
    b.append("rphi", [3], [np.pi, -0.2])
    s = lower(b.build(), wukong)
    p = sample(s)
    xy = p.dense("q3.xy")
    assert len(xy) == s.total == 120
    pi_amp = wukong.pulse.qubit["pi_amplitude"][3]
    first = s.waveforms.waveform(int(s.waveform[0])).samples()
    second = s.waveforms.waveform(int(s.waveform[2])).samples()
    assert np.allclose(xy[:60], first * np.exp(0.4j), atol=1e-15)
    # rz(0.9) is shift_phase(-0.9): the next pulse's axis turns by -0.9
    assert np.allclose(xy[60:], second * np.exp(1j * (-0.2 - 0.9)), atol=1e-15)
    assert abs(second).max() > 0.99 * pi_amp
    assert s.final_phase("q3.xy") == pytest.approx(-0.9)


def test_segments_and_dense_agree_and_silence_is_zero(wukong, make_native):
    c = make_native(wukong, [0, 1, 6, 7], 60, 11, measure=True)
    prog = generate(c, wukong)
    p = prog.samples
    for ch in p.used_channels.tolist():
        starts, lengths, data = p.segments(ch)
        dense = p.dense(ch)
        mask = np.zeros(len(dense), bool)
        pos = 0
        for st, n in zip(starts.tolist(), lengths.tolist()):
            assert np.array_equal(dense[st:st + n], data[pos:pos + n])
            mask[st:st + n] = True
            pos += n
        assert not np.any(dense[~mask])
        assert np.array_equal(p.dense(ch, 10, 50), dense[10:50])
    # every unconditional play is in the buffers, nothing else is
    plays = (prog.schedule.kind == 0) & (prog.schedule.condition < 0)
    assert p.num_samples == int(prog.schedule.duration[plays].sum())


def test_frame_frequency_change_modulates_and_keeps_phase_continuous(wukong):
    b = ScheduleBuilder(wukong)
    carrier = wukong.frequency[0]
    b.play("q0.xy", Constant(8, 0.5), time=0)
    b.set_frequency("q0.xy", carrier + 0.01, time=8)   # 10 MHz above the carrier
    b.play("q0.xy", Constant(8, 0.5), time=16)
    b.set_frequency("q0.xy", carrier, time=24)          # back: the phase stays where it got
    b.play("q0.xy", Constant(8, 0.5), time=32)
    s = b.build()
    xy = sample(s).dense("q0.xy")
    dt = s.dt
    t = np.arange(16, 24)
    want = 0.5 * np.exp(2j * np.pi * 0.01 * (t - 8) * dt)
    assert np.allclose(xy[16:24], want)
    assert np.allclose(xy[32:40], 0.5 * np.exp(2j * np.pi * 0.01 * 16 * dt))
    assert np.allclose(xy[:8], 0.5)


def test_set_phase_overrides_shifts(wukong):
    b = ScheduleBuilder(wukong)
    b.shift_phase("q1.xy", 1.0, time=0)
    b.set_phase("q1.xy", 0.25, time=0)
    b.play("q1.xy", Drag(60, 0.2, 15.0, 1.0), time=0)
    s = b.build()
    xy = sample(s).dense("q1.xy")
    assert np.allclose(xy, Drag(60, 0.2, 15.0, 1.0).samples() * np.exp(0.25j))


def test_npz_arrays(wukong, make_native):
    c = make_native(wukong, [0, 1], 20, 3)
    prog = generate(c, wukong)
    seg = prog.samples.arrays()
    dense = prog.samples.arrays(dense=True)
    for name in seg["channels"].tolist():
        assert np.allclose(dense[name], prog.samples.dense(name), atol=1e-7)
        assert seg[f"{name}.samples"].dtype == np.complex64
        assert len(seg[f"{name}.starts"]) == len(seg[f"{name}.lengths"])
    assert int(dense["duration"]) == prog.schedule.total
