"""Two-qubit synthesis: exact, with the minimal CZ count of the Weyl class, robust at the
chamber's edges."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingu.errors import CompileError, InputError
from jingu.gates import GATES
from jingu.passes.synthesis.one_qubit import FORMS
from jingu.passes.synthesis.two_qubit import (
    DEFAULT_ATOL,
    layers_to_steps,
    num_cz_needed,
    synthesize_2q,
    two_qubit_layers,
)
from jingu.passes.synthesis.weyl import canonical_matrix

TOL = 1e-12
Q = math.pi / 4
seeds = st.integers(0, 2**32 - 1)
ONE_QUBIT = ["rphi", "u3", "zyz", "sx", "x1"]


def check(tools, u, basis="cz", one="rphi", expect=None, tol=TOL, **kw):
    """Synthesise, verify by matrix product, return the entangler count."""
    steps, phase = synthesize_2q(u, basis, one, **kw)
    err = np.abs(tools.product(steps, phase, 2) - u).max()
    assert err <= tol, (err, steps)
    names = {name for name, _, _ in steps}
    assert names <= FORMS[one] | {basis}
    count = sum(name == basis for name, _, _ in steps)
    assert all(q == (0, 1) for name, q, _ in steps if name == basis)
    # at most one synthesised group per qubit between entanglers
    assert len(steps) - count <= 2 * (count + 1) * max(len_form(one), 1)
    if expect is not None:
        assert count == expect, (count, expect)
    return count


def len_form(one):
    return {"rphi": 2, "u3": 1, "zyz": 3, "sx": 5, "x1": 5}[one]


def cz_product(tools, rng, k):
    """Random locals around k CZ: a unitary that needs at most k CZ."""
    cz = GATES["cz"].matrix(())
    u = tools.local(rng)
    for _ in range(k):
        u = tools.local(rng) @ cz @ u
    return u


def in_chamber(rng):
    """Random point of the Weyl chamber pi/4 >= c1 >= c2 >= |c3|."""
    c1 = rng.uniform(0, Q)
    c2 = rng.uniform(0, c1)
    return c1, c2, rng.uniform(-c2, c2)


# ----------------------------------------------------------------------------------------
# random unitaries


@pytest.mark.parametrize("basis", ["cz", "cx"])
@pytest.mark.parametrize("one", ONE_QUBIT)
def test_haar_random_unitaries(tools, basis, one):
    rng = np.random.default_rng(11)
    for _ in range(400):
        check(tools, tools.haar(4, rng), basis, one, expect=3)


@settings(max_examples=200, deadline=None)
@given(seed=seeds, basis=st.sampled_from(["cz", "cx"]), one=st.sampled_from(ONE_QUBIT))
def test_haar_property(tools, seed, basis, one):
    check(tools, tools.haar(4, np.random.default_rng(seed)), basis, one, expect=3)


@settings(max_examples=200, deadline=None)
@given(seed=seeds, k=st.integers(0, 3), basis=st.sampled_from(["cz", "cx"]))
def test_products_of_k_cz_need_k(tools, seed, k, basis):
    # random locals around k CZ: generic, so exactly k are needed (3 for k = 3)
    u = cz_product(tools, np.random.default_rng(seed), k)
    assert check(tools, u, basis, expect=k) == num_cz_needed(u)


@settings(max_examples=200, deadline=None)
@given(seed=seeds, zero_c3=st.booleans())
def test_known_weyl_classes(tools, seed, zero_c3):
    rng = np.random.default_rng(seed)
    c1, c2, c3 = in_chamber(rng)
    if zero_c3:
        c3 = 0.0
    u = tools.local(rng) @ canonical_matrix(c1, c2, c3) @ tools.local(rng)
    check(tools, u, expect=2 if zero_c3 else 3)


# ----------------------------------------------------------------------------------------
# special gates

ISWAP = np.array([[1, 0, 0, 0], [0, 0, 1j, 0], [0, 1j, 0, 0], [0, 0, 0, 1]])
SQRT_ISWAP = np.array([[1, 0, 0, 0], [0, 1 / np.sqrt(2), 1j / np.sqrt(2), 0],
                       [0, 1j / np.sqrt(2), 1 / np.sqrt(2), 0], [0, 0, 0, 1]])


def special_cases():
    lib = GATES
    swap, cx = lib["swap"].matrix(()), lib["cx"].matrix(())
    yield "identity", np.eye(4), 0
    yield "cz", lib["cz"].matrix(()), 1
    yield "cx", lib["cx"].matrix(()), 1
    yield "cy", lib["cy"].matrix(()), 1
    yield "ch", lib["ch"].matrix(()), 1
    yield "cx reversed", swap @ cx @ swap, 1
    yield "swap", lib["swap"].matrix(()), 3
    yield "iswap", ISWAP, 2
    yield "sqrt iswap", SQRT_ISWAP, 2
    yield "dcx", cx @ swap @ cx @ swap, 2
    yield "b gate", canonical_matrix(Q, Q / 2, 0.0), 2
    yield "csx", lib["csx"].matrix(()), 2
    yield "cp(pi)", lib["cp"].matrix((math.pi,)), 1
    yield "crz(pi)", lib["crz"].matrix((math.pi,)), 1  # controlled(-iZ)
    yield "crz(2pi)", lib["crz"].matrix((2 * math.pi,)), 0  # Z on the control
    yield "crx(1e-9)", lib["crx"].matrix((1e-9,)), 2
    yield "cp(1e-9)", lib["cp"].matrix((1e-9,)), 2
    yield "rzz(1e-9)", lib["rzz"].matrix((1e-9,)), 2
    yield "rxx(pi/2)", lib["rxx"].matrix((math.pi / 2,)), 1
    yield "cu3", lib["cu3"].matrix((0.3, 1.1, -0.4)), 2
    yield "x (x) h", np.kron(lib["x"].matrix(()), lib["h"].matrix(())), 0
    yield "swap . cz", swap @ lib["cz"].matrix(()), 2
    yield "swap-like edge", canonical_matrix(Q, Q, Q - 1e-10), 3
    yield "swap-like -c3", canonical_matrix(Q, Q, -Q), 3


SPECIAL = list(special_cases())


@pytest.mark.parametrize("basis", ["cz", "cx"])
@pytest.mark.parametrize("name,u,expected", SPECIAL, ids=[s[0] for s in SPECIAL])
def test_special_gates(tools, name, u, expected, basis):
    rng = np.random.default_rng(5)
    for one in ONE_QUBIT:
        check(tools, u, basis, one, expect=expected)
    # the class does not change under random locals
    check(tools, tools.local(rng) @ u @ tools.local(rng), basis, expect=expected)
    assert num_cz_needed(u, atol=DEFAULT_ATOL) == expected


# ----------------------------------------------------------------------------------------
# chamber edges


@pytest.mark.parametrize("coords,exact,loose", [
    ((0.4, 0.2, 1e-10), 3, 2),
    ((0.4, 0.2, -1e-10), 3, 2),
    ((Q - 1e-10, 0.3, 0.1), 3, 3),
    ((Q - 1e-10, 0.0, 0.0), 2, 1),
    ((Q, 1e-10, 0.0), 2, 1),
    ((Q - 1e-10, 1e-10, 1e-10), 3, 1),
    ((1e-10, 0.0, 0.0), 2, 0),
    ((1e-10, 1e-10, 1e-10), 3, 0),
    ((Q, Q, 1e-10), 3, 2),
    ((0.3, 0.3, 0.3), 3, 3),
    ((0.3, 0.3 - 1e-10, 1e-10 - 0.3), 3, 3),
    ((Q, 0.2, -0.1), 3, 3),
    ((Q / 2, Q / 2, 0.0), 2, 2),
])
def test_near_chamber_edges(tools, coords, exact, loose):
    rng = np.random.default_rng(17)
    for _ in range(20):
        u = tools.local(rng) @ canonical_matrix(*coords) @ tools.local(rng)
        # default tolerance: exact to 1e-12 with the count that exactness needs
        check(tools, u, expect=exact)
        # a loose tolerance saves gates at a bounded cost (about the coordinate error)
        assert num_cz_needed(u, atol=1e-8) == loose
        check(tools, u, expect=loose, atol=1e-8, tol=1e-8)


@pytest.mark.parametrize("coords,classes", [
    ((1e-5, 0.0, 0.0), (0, 2)),  # near the identity: local, or the 2-CZ class it is in
    ((Q - 1e-5, 2e-6, 0.0), (1, 2)),  # near CZ
    ((0.4, 0.2, 1e-5), (2, 3)),  # near the 2-CZ face
    ((0.4, 0.2, 0.1), (3, 3)),  # far from every cheaper class
])
def test_infidelity_tolerance(tools, coords, classes):
    """A cheaper class is taken exactly when dropping the coordinates it lacks costs an
    average-gate infidelity within the tolerance, and the result is that close."""
    from jingu.passes.synthesis.two_qubit import classify, snap_infidelity

    cheap, exact = classes
    rng = np.random.default_rng(29)
    u = tools.local(rng) @ canonical_matrix(*coords) @ tools.local(rng)
    from jingu.passes.synthesis.weyl import kak

    _, f, _ = kak(u)
    count, _, lost = classify(f, 0.0, 1.0)  # everything allowed: the cheapest class
    assert (count, lost > 0) == (0, True)
    cost = None
    for tol in (1e-12, 1e-9, 1e-7):
        steps, phase = synthesize_2q(u, atol=0.0, infidelity=tol)
        v = tools.product(steps, phase, 2)
        infid = 0.8 * (1 - abs(np.trace(u.conj().T @ v) / 4) ** 2)
        count = sum(name == "cz" for name, _, _ in steps)
        assert count in (cheap, exact) and infid <= tol + 1e-15
        if count == cheap and cheap < exact:
            cost = infid
    # the formula agrees with the matrices: the coordinates dropped by the cheap class
    if cheap < exact:
        d = {0: coords, 1: (coords[0] - Q, coords[1], coords[2]),
             2: (0.0, 0.0, coords[2])}[cheap]
        assert cost is not None
        assert abs(snap_infidelity(*d) - cost) <= 1e-3 * cost + 1e-15


def test_tiny_controlled_rotations(tools):
    for angle in (1e-9, -1e-9, 1e-11):
        for gate in ("crz", "cry", "crx", "cp", "rzz", "rxx"):
            u = GATES[gate].matrix((angle,))
            check(tools, u, expect=2)
            assert num_cz_needed(u) == 0  # within the default 1e-9 class tolerance


# ----------------------------------------------------------------------------------------
# structure


def test_virtual_z_only_after_the_last_cz(tools):
    rng = np.random.default_rng(23)
    for k in range(4):
        for _ in range(25):
            steps, _ = synthesize_2q(cz_product(tools, rng, k))
            names = [s[0] for s in steps]
            last_cz = max((i for i, n in enumerate(names) if n == "cz"), default=-1)
            assert "rz" not in names[:max(last_cz, 0)]
            # at most one rphi per qubit per layer, at most one rz per qubit at the end
            assert names.count("rphi") <= 2 * (k + 1)
            assert names[last_cz + 1:].count("rz") <= 2


def test_layers_round_trip(tools):
    rng = np.random.default_rng(29)
    cz = GATES["cz"].matrix(())
    for k in range(4):
        u = cz_product(tools, rng, k)
        layers, phase = two_qubit_layers(u)
        assert layers.shape == (k + 1, 2, 2, 2)
        total = np.kron(layers[0, 0], layers[0, 1])
        for layer in layers[1:]:
            total = np.kron(layer[0], layer[1]) @ cz @ total
        np.testing.assert_allclose(np.exp(1j * phase) * total, u, atol=TOL, rtol=0)
        steps, ph = layers_to_steps(layers, phase, "cx", "zyz")
        np.testing.assert_allclose(tools.product(steps, ph, 2), u, atol=TOL, rtol=0)


def test_slightly_non_unitary_input_is_accepted(tools):
    # fused blocks carry rounding: a 1e-10 perturbation costs about that much, no more
    rng = np.random.default_rng(37)
    for k in range(4):
        u = cz_product(tools, rng, k)
        noisy = u + 1e-10 * (rng.standard_normal((4, 4)) + 1j * rng.standard_normal((4, 4)))
        steps, phase = synthesize_2q(noisy, atol=1e-8)
        assert np.abs(tools.product(steps, phase, 2) - u).max() < 1e-8
        assert sum(name == "cz" for name, _, _ in steps) == k


def test_same_input_same_output(tools):
    u = tools.haar(4, np.random.default_rng(31))
    assert synthesize_2q(u) == synthesize_2q(u.copy())


def test_bad_input():
    with pytest.raises(CompileError, match="4x4"):
        synthesize_2q(np.eye(3))
    with pytest.raises(CompileError, match="unitary"):
        synthesize_2q(np.ones((4, 4)))
    with pytest.raises(CompileError, match="unitary"):
        num_cz_needed(np.full((4, 4), np.nan))
    with pytest.raises(InputError, match="two-qubit basis"):
        synthesize_2q(np.eye(4), basis="iswap")
    with pytest.raises(InputError, match="one-qubit basis"):
        synthesize_2q(np.eye(4), one_qubit_basis="nope")


@pytest.mark.slow
@pytest.mark.parametrize("basis", ["cz", "cx"])
def test_many_random_unitaries(tools, basis):
    rng = np.random.default_rng(101)
    for i in range(20000):
        k = i % 5
        u = tools.haar(4, rng) if k == 4 else cz_product(tools, rng, k)
        check(tools, u, basis, ONE_QUBIT[i % len(ONE_QUBIT)], expect=min(k, 3))
