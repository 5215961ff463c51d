"""Scheduler invariants: no overlap on a channel, the grid, circuit order per qubit,
ASAP against ALAP."""

from __future__ import annotations

import numpy as np
import pytest

from jingu.circuit import CircuitBuilder
from jingu.errors import InputError
from jingu.pulse import ScheduleBuilder, lower
from jingu.pulse.codes import ACQUIRE, DELAY, PLAY
from jingu.pulse.waveforms import Constant, Drag

QUBITS = [0, 1, 2, 6, 7, 8, 13]


@pytest.fixture(scope="module")
def circuits(wukong, make_native):
    return [make_native(wukong, QUBITS, 120, seed, measure=True) for seed in range(4)]


def _timed_overlaps(s):
    timed = np.flatnonzero(np.isin(s.kind, (PLAY, DELAY, ACQUIRE)) & (s.duration > 0))
    order = timed[np.lexsort((s.time[timed], s.channel[timed]))]
    same = s.channel[order][1:] == s.channel[order][:-1]
    return np.flatnonzero(same & (s.time[order][1:] < (s.time + s.duration)[order][:-1]))


@pytest.mark.parametrize("policy", ["asap", "alap"])
def test_no_overlap_grid_and_order(wukong, circuits, policy):
    g = wukong.timing.granularity
    for c in circuits:
        s = lower(c, wukong, schedule=policy)
        s.check()
        assert not len(_timed_overlaps(s))
        assert np.all(s.time % g == 0) and np.all(s.duration % g == 0)
        assert np.all(s.op_start % g == 0)
        # operations on a qubit keep circuit order and never overlap
        for q in QUBITS:
            ops = [i for i in range(len(c)) if q in c.op_qubits(i)]
            st, du = s.op_start[ops], s.op_duration[ops]
            assert np.all(st[1:] >= st[:-1] + du[:-1])
        assert s.total == max(int((s.op_start + s.op_duration).max()), 0)


def test_alap_has_the_asap_duration_and_starts_no_earlier(wukong, circuits):
    for c in circuits:
        asap, alap = lower(c, wukong), lower(c, wukong, schedule="alap")
        assert asap.total == alap.total
        assert np.all(alap.op_start >= asap.op_start)
        assert np.any(alap.op_start > asap.op_start)  # something really moved
        # ALAP: every qubit's last operation ends at the very end
        ends = alap.op_start + alap.op_duration
        for q in QUBITS:
            last = max(i for i in range(len(c)) if q in c.op_qubits(i))
            assert ends[last] == alap.total


def test_asap_starts_at_the_critical_path():
    """A hand-checked case: rphi (60) on q0 || cz (120) on q1,q2; then cz q0,q1."""
    from jingu.targets import load_target

    t = load_target("wukong72")
    b = CircuitBuilder(72)
    b.append("rphi", [0], [1.0, 0.0])
    b.append("cz", [1, 2])
    b.append("cz", [0, 1])
    b.append("rz", [2], [0.5])
    c = b.build()
    asap = lower(c, t)
    assert asap.op_start.tolist() == [0, 0, 120, 120] and asap.total == 240
    alap = lower(c, t, schedule="alap")
    assert alap.op_start.tolist() == [60, 0, 120, 240] and alap.total == 240


def test_barrier_aligns_its_qubits(wukong):
    b = CircuitBuilder(72)
    b.append("rphi", [0], [1.0, 0.0])
    b.append("rphi", [0], [1.0, 0.0])
    b.append("barrier", [0, 5])
    b.append("rphi", [5], [1.0, 0.0])
    b.append("barrier", [])  # no qubits: all of them
    b.append("rphi", [9], [1.0, 0.0])
    s = lower(b.build(), wukong)
    assert s.op_start.tolist() == [0, 60, 120, 120, 180, 180]


def test_check_catches_what_the_scheduler_prevents(wukong):
    b = ScheduleBuilder(wukong)
    b.play("q0.xy", Drag(60, 0.2, 15.0, 1.0), time=0)
    b.play("q0.xy", Drag(60, 0.2, 15.0, 1.0), time=40)
    with pytest.raises(InputError, match="overlap on q0.xy"):
        b.build()
    b = ScheduleBuilder(wukong)
    b.play("q0.ro", Constant(8, 0.1), time=6)
    with pytest.raises(InputError, match="off the grid"):
        b.build()
    b = ScheduleBuilder(wukong)
    b.play("q0.xy", Drag(60, 0.2, 15.0, 1.0), time=0)
    b.play("q1.xy", Drag(60, 0.2, 15.0, 1.0), time=0)  # other channel: fine
    assert len(b.build()) == 2


def test_unknown_channel_and_policy(wukong):
    b = ScheduleBuilder(wukong)
    with pytest.raises(InputError, match="q0.xy"):
        b.shift_phase("q0.yx", 1.0, time=0)
    with pytest.raises(InputError, match="asap or alap"):
        lower(CircuitBuilder(72).build(), wukong, schedule="soon")


def test_utilisation(wukong):
    b = CircuitBuilder(72, 1)
    b.append("rphi", [3], [1.0, 0.0])
    b.append("measure", [3], clbits=[0])
    s = lower(b.build(), wukong)
    util = s.utilisation()
    total = s.total
    assert util["q3.xy"] == pytest.approx(60 / total)
    assert util["q3.ro"] == pytest.approx(wukong.timing.samples(
        wukong.pulse.qubit["readout_length"][3]) / total)
    assert set(util) == {"q3.xy", "q3.ro", "q3.acq"}
