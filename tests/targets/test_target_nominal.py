"""The nominal calibration: deterministic, within the published ranges, self-consistent."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingu.targets import load_target
from jingu.targets.builtin import builtin_path
from jingu.targets.lattices import grid, heavy_hex, ring
from jingu.targets.nominal import (PULSE, builtin_text, effective_coupling, flux_for_frequency,
                                   nominal_document, transmon_frequency)


@pytest.fixture(scope="module")
def wukong():
    return load_target("wukong72")


def test_committed_file_is_what_the_generator_writes():
    assert builtin_path("wukong72").read_text(encoding="utf-8") == builtin_text()


def test_same_seed_same_values_different_names_differ():
    a = nominal_document(grid(3, 4))
    b = nominal_document(grid(3, 4))
    assert a == b
    c = nominal_document(grid(3, 4), name="other")
    assert [q["t1"] for q in c["qubits"]] != [q["t1"] for q in a["qubits"]]
    d = nominal_document(grid(3, 4), seed=7)
    e = nominal_document(grid(3, 4), seed=7)
    assert d == e and d != a


def test_values_vary_within_published_ranges(wukong):
    live = wukong.live_qubits
    checks = {
        "error_1q": (1 - wukong.error_1q, 0.993, 0.997),
        "cz_error": (1 - wukong.cz_error, 0.95, 0.98),
        "readout_error": (1 - wukong.readout_error, 0.92, 0.94),
        "t1": (wukong.t1, 10.0, 20.0),
        "t2": (wukong.t2, 1.0, 2.0),
        "anharmonicity": (wukong.anharmonicity, -0.25, -0.20),
        "frequency": (wukong.frequency, 4.0, 5.0),
    }
    for name, (values, low, high) in checks.items():
        assert values.min() >= low and values.max() <= high, name
        assert values.std() > 0.1 * (high - low) / np.sqrt(12), f"{name} does not vary"
    assert len(live) == 72 and np.all(wukong.cz_duration == 60.0)
    assert abs(np.mean(1 - wukong.error_1q) - 0.995) < 0.001


def test_neighbours_have_different_frequencies():
    for t in (load_target("wukong72"), load_target("heavy-hex:5"), load_target("ring:7")):
        a, b = t.pairs[:, 0], t.pairs[:, 1]
        assert np.min(np.abs(t.frequency[a] - t.frequency[b])) > 0.2, t.name


def test_pi_amplitude_makes_a_pi_rotation(wukong):
    """Integrate the sampled gaussian envelope independently of the closed form."""
    cal = wukong.pulse
    dt = wukong.timing.dt
    for q in (0, 17, 71):
        p = cal.for_qubit(q)
        t = (np.arange(wukong.timing.samples(p["pulse_length"])) + 0.5) * dt
        gauss = np.exp(-((t - p["pulse_length"] / 2) ** 2) / (2 * p["sigma"] ** 2))
        edge = np.exp(-((p["pulse_length"] / 2) ** 2) / (2 * p["sigma"] ** 2))
        env = (gauss - edge) / (1 - edge)  # lifted: starts and ends at zero
        angle = 2 * np.pi * p["drive_strength"] * p["pi_amplitude"] * env.sum() * dt
        assert angle == pytest.approx(np.pi, rel=1e-4)
        # half the leakage-cancelling DRAG: cancels the phase error to first order
        assert p["drag"] == pytest.approx(-1 / (4 * np.pi * wukong.anharmonicity[q]), abs=1e-4)
        assert p["pulse_length"] <= wukong.durations["rphi"]


def test_cz_calibration_is_consistent_with_its_model(wukong):
    """The first-order picture still describes the numerically calibrated CZ (the pulse
    tests simulate it: tests/pulse)."""
    cal = wukong.pulse
    flat = PULSE["flux_length"] - PULSE["flux_rise"]
    g_on = 1 / (2 * math.sqrt(2) * flat)
    for c in range(0, 126, 5):
        a, b = wukong.pairs[c].tolist()
        p = cal.for_coupler(c)
        f = [wukong.frequency[a], wukong.frequency[b]]
        alpha = [wukong.anharmonicity[a], wukong.anharmonicity[b]]
        g1, g2 = p["g_qc"]
        # coupling is off at idle
        assert abs(effective_coupling(f[0], f[1], p["frequency"], g1, g2, p["g_qq"])) < 1e-5
        # the fluxed qubit is the higher one and comes near |11> <-> |20> (or |02>): the
        # dressed resonance lies some tens of MHz off the bare one
        h = int(np.argmax(f))
        assert p["qubit_flux"][1 - h] == 0.0 and 0 < p["qubit_flux"][h] <= 1
        scale = cal.qubit["flux_per_amplitude"][[a, b][h]]
        f_on = transmon_frequency(f[h], alpha[h], p["qubit_flux"][h] * scale)
        low = 1 - h
        assert min(abs(f_on - (f[low] - alpha[h])), abs(f_on - (f[low] + alpha[low]))) < 0.03
        # the coupler pulse turns the coupling on; the dispersive formula is only first
        # order so close to the coupler, and the edges count: about twice its estimate
        fc_on = transmon_frequency(p["max_frequency"], p["anharmonicity"],
                                   p["flux_amplitude"] * p["flux_per_amplitude"])
        during = list(f)
        during[h] = f_on
        g = effective_coupling(during[0], during[1], fc_on, g1, g2, p["g_qq"])
        assert -2.5 * g_on < g < -1.2 * g_on
        assert all(-np.pi <= x < np.pi for x in wukong.phase_compensation[c])


@given(st.floats(4.0, 7.0), st.floats(-0.3, -0.1), st.floats(0.0, 0.49))
def test_flux_curve_inverse(f_max, alpha, flux):
    f = transmon_frequency(f_max, alpha, flux)
    assert f <= f_max + 1e-12
    assert flux_for_frequency(f_max, alpha, f) == pytest.approx(flux, abs=1e-7)


def test_every_generator_gets_a_complete_calibration():
    for lattice in (grid(2, 3), heavy_hex(3), ring(5)):
        t = load_target(lattice.name)
        assert all(t.pulse.has_qubit(q) for q in range(t.num_qubits))
        assert all(t.pulse.has_coupler(c) for c in range(t.num_couplers))
        assert "NOMINAL" in t.description
