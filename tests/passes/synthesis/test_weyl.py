"""KAK decomposition and Weyl-chamber coordinates."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingu.gates import GATES
from jingu.passes.synthesis.weyl import (
    canonical_matrix,
    chamber,
    kak_decompose,
    weyl_coordinates,
)

Q = math.pi / 4
seeds = st.integers(0, 2**32 - 1)
PAULI = [np.array(GATES[n].matrix(())) for n in ("x", "y", "z")]


def chamber_point(rng):
    c1 = rng.uniform(0, Q)
    c2 = rng.uniform(0, c1)
    c3 = rng.uniform(-c2, c2) if c1 < Q else rng.uniform(0, c2)
    return np.array([c1, c2, c3])


def test_canonical_matrix_is_the_pauli_exponential():
    # exp(i (a XX + b YY + c ZZ)) from the commuting factors cos + i sin
    a, b, c = 0.3, -0.2, 0.7
    total = np.eye(4, dtype=complex)
    for t, p in zip((a, b, c), PAULI, strict=True):
        pp = np.kron(p, p)
        total = total @ (math.cos(t) * np.eye(4) + 1j * math.sin(t) * pp)
    np.testing.assert_allclose(canonical_matrix(a, b, c), total, atol=1e-14)


@settings(max_examples=300, deadline=None)
@given(seed=seeds)
def test_kak_reconstructs(tools, seed):
    u = tools.haar(4, np.random.default_rng(seed))
    phase, (a1, b1), f, (a2, b2) = kak_decompose(u)
    assert np.all(np.abs(f) <= Q + 1e-15)
    for m in (a1, b1, a2, b2):
        np.testing.assert_allclose(m @ m.conj().T, np.eye(2), atol=1e-13)
        assert abs(np.linalg.det(m) - 1) < 1e-13
    rebuilt = np.exp(1j * phase) * np.kron(a1, b1) @ canonical_matrix(*f) @ np.kron(a2, b2)
    np.testing.assert_allclose(rebuilt, u, atol=1e-13, rtol=0)


@settings(max_examples=300, deadline=None)
@given(seed=seeds)
def test_coordinates_of_known_points(tools, seed):
    rng = np.random.default_rng(seed)
    c = chamber_point(rng)
    u = tools.local(rng) @ canonical_matrix(*c) @ tools.local(rng) * np.exp(1j * rng.uniform(-4, 4))
    np.testing.assert_allclose(weyl_coordinates(u), c, atol=1e-12)


@settings(max_examples=200, deadline=None)
@given(seed=seeds)
def test_coordinates_are_invariants(tools, seed):
    rng = np.random.default_rng(seed)
    u = tools.haar(4, rng)
    c = np.array(weyl_coordinates(u))
    assert Q + 1e-15 >= c[0] >= c[1] >= abs(c[2]) - 1e-15
    swap = GATES["swap"].matrix(())
    # qubit exchange, local changes and Weyl reflections leave the class unchanged
    np.testing.assert_allclose(weyl_coordinates(swap @ u @ swap), c, atol=1e-12)
    np.testing.assert_allclose(weyl_coordinates(tools.local(rng) @ u), c, atol=1e-12)
    # the inverse's class is the mirror (c1, c2, -c3), unless c1 = pi/4
    inv = np.array(weyl_coordinates(u.conj().T))
    np.testing.assert_allclose(inv, [c[0], c[1], -c[2]], atol=1e-12)


def test_named_gates():
    cases = {
        "cz": (Q, 0, 0), "cx": (Q, 0, 0), "swap": (Q, Q, Q), "id": (0, 0, 0),
    }
    for name, expected in cases.items():
        u = np.eye(4) if name == "id" else GATES[name].matrix(())
        np.testing.assert_allclose(weyl_coordinates(u), expected, atol=1e-14)
    np.testing.assert_allclose(weyl_coordinates(GATES["rzz"].matrix((0.5,))), (0.25, 0, 0),
                               atol=1e-14)


def test_chamber_boundary_rule():
    # on the face c1 = pi/4, (pi/4, b, c) and (pi/4, b, -c) are the same class: c3 >= 0
    assert chamber([-Q, 0.2, 0.1]) == pytest.approx((Q, 0.2, 0.1))
    assert chamber([Q, 0.2, -0.1]) == pytest.approx((Q, 0.2, 0.1))
    assert chamber([0.1, -0.3, 0.2]) == pytest.approx((0.3, 0.2, -0.1))


def test_against_qiskit_weyl_decomposition(tools):
    qi = pytest.importorskip("qiskit.synthesis")
    rng = np.random.default_rng(41)
    for _ in range(50):
        u = tools.haar(4, rng)
        ref = qi.TwoQubitWeylDecomposition(u)
        np.testing.assert_allclose(weyl_coordinates(u), (ref.a, ref.b, ref.c), atol=1e-10)
