"""Multi-controlled gates: exact by simulation, ancilla-free, CZ counts grow quadratically."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jingu.circuit import CircuitBuilder
from jingu.gates import GATES
from jingu.params import Symbol
from jingu.passes.synthesis import multi_controlled as mc
from jingu.simulate import simulate, unitary


def circuit_of(steps, num_qubits, phase=0.0):
    b = CircuitBuilder(num_qubits)
    for name, qubits, params in steps:
        b.append(name, qubits, params)
    b.global_phase = phase
    return b.build()


def cz_count(steps) -> int:
    return sum(1 for name, _, _ in steps if name == "cx")


def random_state(n, rng):
    v = rng.standard_normal(1 << n) + 1j * rng.standard_normal(1 << n)
    return v / np.linalg.norm(v)


def all_ones(n, qubits):
    """Basis indices (qubit q = bit q) where every qubit of ``qubits`` is 1."""
    idx = np.arange(1 << n)
    mask = sum(1 << q for q in qubits)
    return (idx & mask) == mask


@pytest.mark.parametrize("k", range(1, 10))
def test_mcphase_is_exact(k, rng):
    lam = rng.uniform(-math.pi, math.pi)
    steps = mc.mcphase_steps(k, lam)
    state = random_state(k, rng)
    expected = state.copy()
    expected[all_ones(k, range(k))] *= np.exp(1j * lam)
    assert np.allclose(simulate(circuit_of(steps, k), state), expected, atol=1e-10)
    assert cz_count(steps) == mc.mcphase_cz_count(k)


@pytest.mark.parametrize("k,dirty", [(5, 2), (7, 3), (8, 2)])
def test_mcphase_with_borrowed_qubits_restores_them(k, dirty, rng):
    n = k + dirty
    steps = mc.mcphase_steps(k, 0.83, ancillas=range(k, n))
    state = random_state(n, rng)  # the borrowed qubits are entangled with the rest
    expected = state.copy()
    expected[all_ones(n, range(k))] *= np.exp(0.83j)
    assert np.allclose(simulate(circuit_of(steps, n), state), expected, atol=1e-10)


@pytest.mark.parametrize("n", range(1, 9))
def test_mcx_is_exact_including_phase(n, rng):
    steps, phase = mc.mcx_steps(n)
    state = random_state(n + 1, rng)
    idx = np.arange(1 << (n + 1))
    on = all_ones(n + 1, range(n))
    expected = state.copy()
    expected[on] = state[idx[on] ^ (1 << n)]  # X on qubit n where all controls are 1
    got = simulate(circuit_of(steps, n + 1, phase), state)
    assert np.allclose(got, expected, atol=1e-10)
    assert cz_count(steps) == mc.mcx_cz_count(n)


@pytest.mark.parametrize("m,dirty,target_free", [
    (2, 0, False), (2, 0, True), (3, 0, False), (3, 1, True), (4, 0, True), (4, 2, False),
    (5, 1, False), (5, 1, True), (5, 3, True), (6, 1, False)])
def test_relative_phase_x_is_x_times_a_diagonal(m, dirty, target_free):
    """What the constructions rely on: X up to a diagonal, borrowed wires restored, and
    (when asked) a phase that does not depend on the target."""
    out: list = []
    n = m + 1 + dirty
    mc._relative_x(list(range(m)), m, list(range(m + 1, n)), target_free, out)
    u = unitary(circuit_of(out, n))  # qubit q = bit q
    idx = np.arange(1 << n)
    flip = np.where(all_ones(n, range(m)), idx ^ (1 << m), idx)
    d = u[:, flip]  # u times the inverse of the controlled X
    assert np.allclose(d, np.diag(np.diag(d)), atol=1e-10)
    if target_free:
        phases = np.diag(d)
        assert np.allclose(phases[idx & (1 << m) == 0], phases[idx & (1 << m) != 0])
    assert cz_count(out) == mc._rel(m, dirty, target_free)[0]


def test_known_counts_of_the_library_sizes():
    # Toffoli 6, c3x 14 (the known optimum), c4x 30: fewer than Qiskit's 6/14/36
    assert [mc.mcx_cz_count(n) for n in (1, 2, 3, 4)] == [1, 6, 14, 30]
    steps, _ = mc.controlled_x_power_steps(3, 0.5)
    assert cz_count(steps) == 14


def test_cz_count_grows_quadratically():
    counts = [mc.mcx_cz_count(n) for n in range(1, 129)]
    for n, c in enumerate(counts, start=1):
        assert c <= 12 * n * n, (n, c)
    # doubling the controls about quadruples the count: degree 2, not more
    assert counts[127] <= 4.5 * counts[63]
    assert counts[63] <= 4.75 * counts[31]


@settings(max_examples=15, deadline=None)
@given(lam=st.floats(-4 * math.pi, 4 * math.pi), k=st.integers(2, 7))
def test_symbolic_angle_binds_to_the_numeric_construction(lam, k):
    theta = Symbol("theta")
    symbolic = circuit_of(mc.mcphase_steps(k, theta), k)
    numeric = circuit_of(mc.mcphase_steps(k, lam), k)
    rng = np.random.default_rng(5)
    state = random_state(k, rng)
    assert np.allclose(simulate(symbolic, state, params={"theta": lam}),
                       simulate(numeric, state), atol=1e-9)


def test_mcx_gate_registers_in_a_circuit_and_has_its_matrix():
    gate = mc.mcx_gate(3)
    assert gate.name == "mcx3" and gate.num_qubits == 4
    assert np.allclose(gate.matrix(), GATES["c3x"].matrix())
    assert mc.mcx_gate(3) is gate
    with pytest.raises(ValueError):
        mc.mcx_gate(0)
