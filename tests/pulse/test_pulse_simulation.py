"""Checking the pulses by simulation: the kernels, rphi and DRAG, CZ, and whole schedules
against their circuits (virtual Z included)."""

from __future__ import annotations

import numpy as np
import pytest

from jingu.circuit import CircuitBuilder
from jingu.gates import GATES
from jingu.pulse import ScheduleBuilder, check_cz, check_rphi, lower, simulate
from jingu.pulse.physics import (CouplerModel, average_gate_fidelity, coupler_gate, cz_phases,
                                 leakage)
from jingu.pulse.verify import check_program, circuit_unitary, verify_schedule
from jingu.pulse.waveforms import Constant

# ----------------------------------------------------------------------------------------
# kernels against numpy


def test_jacobi_matches_numpy(rng):
    from jingu.pulse.sim_kernels import jacobi_eigh

    for d in (1, 3, 6, 7):
        a = rng.normal(size=(d, d)) + np.diag(rng.normal(size=d) * 10)
        a = a + a.T
        w, v = np.empty(d), np.empty((d, d))
        jacobi_eigh(a.copy(), w, v)
        assert np.allclose(v @ np.diag(w) @ v.T, a, atol=1e-12)
        assert np.allclose(np.sort(w), np.linalg.eigvalsh(a), atol=1e-12)


def test_matrix_exponential_matches_numpy(rng):
    from jingu.pulse.sim_kernels import expm_anti_hermitian

    for scale in (0.01, 1.0, 30.0):
        h = rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3))
        h = scale * (h + h.conj().T)
        w, v = np.linalg.eigh(h)
        want = v @ np.diag(np.exp(-0.7j * w)) @ v.conj().T
        out = np.empty((3, 3), complex)
        expm_anti_hermitian(h, 0.7, out)
        assert np.allclose(out, want, atol=1e-12)


def test_flux_curve_is_the_targets_model():
    from jingu.pulse.sim_kernels import mode_frequency
    from jingu.targets.nominal import transmon_frequency

    for flux in (0.0, 0.1, 0.33, 0.49):
        assert mode_frequency(4.8, -0.22, flux) == pytest.approx(
            transmon_frequency(4.8, -0.22, flux), abs=1e-14)


# ----------------------------------------------------------------------------------------
# one-qubit pulses


def test_a_weak_square_pulse_rotates_about_its_phase_axis(wukong):
    """The sign conventions: a sample a e^{i phi} rotates by 2 pi Omega a t about phi."""
    from jingu.pulse.transmon import drive

    q, n, a, phi = 8, 400, 0.01, 0.7
    omega = wukong.pulse.qubit["drive_strength"][q]
    xy = Constant(n, a, angle=phi).samples()
    u = drive(wukong, [q], xy[None])[0]
    theta = 2 * np.pi * omega * a * n * wukong.timing.dt
    m = u[:2, :2]
    # within the small AC Stark shift of the third level
    assert average_gate_fidelity(m, GATES["rphi"].matrix((theta, phi))) > 0.9999
    assert average_gate_fidelity(m, GATES["rphi"].matrix((theta, -phi))) < 0.99


@pytest.mark.parametrize("q", [0, 13, 38, 57, 71])
def test_rphi_reaches_four_nines_for_every_angle(wukong, q):
    for theta in np.linspace(0, np.pi, 7):
        for phi in (0.0, 1.1, -2.9):
            check = check_rphi(wukong, q, theta, phi)
            assert check.fidelity >= 0.9999, (q, theta, phi, check)


@pytest.mark.slow
def test_rphi_on_every_qubit_dense_grid(wukong):
    for q in range(72):
        for theta in np.linspace(0, np.pi, 25):
            for phi in np.linspace(-np.pi, np.pi, 5):
                assert check_rphi(wukong, q, theta, phi).fidelity >= 0.9999


@pytest.mark.parametrize("q", [2, 45])
def test_drag_reduces_leakage_against_a_plain_gaussian(wukong, q):
    for theta in (np.pi / 2, np.pi):
        drag = check_rphi(wukong, q, theta, 0.3)
        plain = check_rphi(wukong, q, theta, 0.3, drag=False)
        assert drag.leakage < 0.5 * plain.leakage
        assert drag.fidelity > plain.fidelity
    assert plain.leakage > 3e-6  # at pi there is leakage to remove


# ----------------------------------------------------------------------------------------
# CZ


def test_every_calibrated_cz_reaches_high_fidelity(wukong):
    fids = [check_cz(wukong, c).fidelity for c in wukong.live_couplers.tolist()]
    assert min(fids) > 0.999 and np.mean(fids) > 0.9995


def test_the_phase_compensation_is_what_makes_it_a_cz(wukong):
    from jingu.pulse.lowering import pulse_table
    from jingu.pulse.verify import _cz_amps, _cz_check

    tab = pulse_table(wukong)
    for c in (0, 50, 125):
        amps = _cz_amps(tab, c)
        right = _cz_check(wukong, c, amps, tab.compensation[c])
        wrong = _cz_check(wukong, c, amps, -tab.compensation[c])
        assert right.fidelity > 0.999 and wrong.fidelity < 0.9


def test_no_pulse_is_the_identity_up_to_the_small_static_zz(wukong):
    model = CouplerModel.from_target(wukong, [0, 7])
    m4 = coupler_gate(model, np.zeros((2, 3, 120)), wukong.timing.dt).qubit_operator(2)
    assert np.allclose(np.abs(m4), np.eye(4)[None], atol=1e-9)
    zz = cz_phases(m4)[:, 0]
    zz = (zz + np.pi) % (2 * np.pi) - np.pi
    assert np.all(np.abs(zz) < 0.01) and np.all(np.abs(cz_phases(m4)[:, 1:]) < 1e-9)


def test_the_fit_finds_the_one_turn_cz_from_first_order_values(wukong):
    from jingu.pulse.calibrate import calibrate_cz, flux_shape
    from jingu.targets.nominal import _nominal_cz

    couplers = [3, 64]
    model = CouplerModel.from_target(wukong, couplers)
    starts = []
    for c in couplers:
        a, b = wukong.pairs[c].tolist()
        p = wukong.pulse.for_coupler(c)
        starts.append(_nominal_cz(
            f=tuple(wukong.frequency[[a, b]]), alpha=tuple(wukong.anharmonicity[[a, b]]),
            qubit_scale=tuple(wukong.pulse.qubit["flux_per_amplitude"][[a, b]]),
            fc=p["frequency"], alpha_c=p["anharmonicity"], coupler_scale=p["flux_per_amplitude"],
            g=tuple(p["g_qc"])))
    shape = flux_shape(120, 30.0)
    cal = calibrate_cz(model, [s["flux_amplitude"] for s in starts],
                       [s["qubit_flux"] for s in starts], shape, wukong.timing.dt)
    assert np.all(cal.fidelity > 0.999) and np.all(cal.leakage < 1e-3)
    # what the built-in file holds is this calibration
    assert np.allclose(cal.flux_amplitude, wukong.pulse.coupler["flux_amplitude"][couplers])
    assert np.allclose(cal.phase_compensation, wukong.phase_compensation[couplers])


# ----------------------------------------------------------------------------------------
# whole schedules against their circuits


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("policy", ["asap", "alap"])
def test_schedule_implements_its_circuit(wukong, make_native, seed, policy):
    qubits = [1, 0, 6]  # 0-1 and 0-6 are coupled
    c = make_native(wukong, qubits, 24, seed)
    s = lower(c, wukong, schedule=policy)
    m = simulate(s, qubits)
    ideal = circuit_unitary(c, qubits)
    assert average_gate_fidelity(m, ideal) > 0.998
    assert leakage(m) < 2e-3


def test_virtual_z_is_checked_not_assumed(wukong):
    """One-qubit pulses only: four nines per gate; with the frame shift's sign flipped
    the same schedule implements something else."""
    b = CircuitBuilder(72)
    for theta, phi, lam in ((1.0, 0.2, 0.8), (2.5, -1.0, -1.9), (0.6, 2.0, 0.4)):
        b.append("rphi", [4], [theta, phi])
        b.append("rz", [4], [lam])
    c = b.build()
    s = lower(c, wukong)
    ideal = circuit_unitary(c, [4])
    assert average_gate_fidelity(simulate(s, [4]), ideal) > 0.9999
    s.value[s.kind == 1] *= -1  # shift_phase(+lambda): the wrong convention
    del s.__dict__["_frames"]
    assert average_gate_fidelity(simulate(s, [4]), ideal) < 0.95


def test_simulate_refuses_what_it_does_not_model(wukong):
    from jingu.errors import InputError

    b = CircuitBuilder(72)
    b.append("cz", [0, 1])
    s = lower(b.build(), wukong)
    with pytest.raises(InputError, match="qubit 0 does a CZ with qubit 1"):
        simulate(s, [0])
    b = CircuitBuilder(72)
    b.append("reset", [2])
    with pytest.raises(InputError, match="reset"):
        simulate(lower(b.build(), wukong), [2])
    sb = ScheduleBuilder(wukong)
    sb.play("q0.xy", Constant(120, 0.01), time=0)
    from jingu.pulse.waveforms import CosineFlat

    sb.play("c0.flux", CosineFlat(120, 0.5, 20.0), time=0)
    with pytest.raises(InputError, match="driven during the CZ"):
        simulate(sb.build(), [0, 1])


def test_verify_reports_the_gates_a_program_uses(wukong, make_native):
    c = make_native(wukong, [0, 1, 6], 30, 5, measure=True)
    s = lower(c, wukong)
    report = verify_schedule(s)
    counts = c.count_ops()
    assert report.gates["rphi"].count == counts["rphi"]
    assert report.gates["cz"].count == counts["cz"]
    assert report.gates["rphi"].min_fidelity >= 0.9999
    assert report.gates["cz"].min_fidelity > 0.999
    assert report.gates["cz"].checked == len({frozenset(c.op_qubits(i)) for i in range(len(c))
                                              if c.operation(i).name == "cz"})
    assert report.program["fidelity"] == pytest.approx(check_program(s, [0, 1, 6])["fidelity"])
    text = report.format()
    assert "rphi" in text and "cz" in text and "program on qubits [0, 1, 6]" in text


def test_verify_catches_a_pulse_played_at_the_wrong_phase(wukong, make_native):
    c = make_native(wukong, [3, 4], 20, 9)
    s = lower(c, wukong)
    assert verify_schedule(s).gates["rphi"].min_fidelity >= 0.9999
    plays = np.flatnonzero((s.kind == 0) & (s.channel == s.channels.index("q3.xy")))
    s.value[plays[0]] += 0.3
    del s.__dict__["_frames"]
    assert verify_schedule(s).gates["rphi"].min_fidelity < 0.99
