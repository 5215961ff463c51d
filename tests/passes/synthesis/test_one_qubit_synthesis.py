"""One-qubit synthesis: exact for every form, cheapest shapes, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingu.errors import CompileError, InputError
from jingu.gates import GATES
from jingu.passes.synthesis.one_qubit import (
    FORMS,
    euler_angles,
    form_for_gates,
    resolve_basis,
    synthesize_1q,
)

TOL = 1e-12
#: most steps and most pulses (non-rz gates) each form may use
LIMITS = {"rphi": (2, 1), "x1": (5, 2), "sx": (5, 2), "zsx": (5, 2), "zyz": (3, 1),
          "zxz": (3, 1), "u3": (1, 1), "u": (1, 1)}

seeds = st.integers(0, 2**32 - 1)
# angles that hit the special cases (0, multiples of pi/2, tiny) as well as generic ones
special_angles = st.sampled_from(
    [0.0, 1e-9, -1e-9, 1e-15, math.pi / 2, math.pi, -math.pi / 2, 2 * math.pi,
     3 * math.pi, math.pi - 1e-15, math.pi / 2 + 1e-14])
angles = st.one_of(special_angles, st.floats(-4 * math.pi, 4 * math.pi))


def check(tools, matrix, form):
    steps, phase = synthesize_1q(matrix, form)
    err = np.abs(tools.product(steps, phase, 1) - matrix).max()
    assert err <= TOL, (form, steps, err)
    assert {name for name, _, _ in steps} <= FORMS[form]
    assert all(q == (0,) for _, q, _ in steps)
    most_steps, most_pulses = LIMITS[form]
    assert len(steps) <= most_steps
    assert sum(name != "rz" for name, _, _ in steps) <= most_pulses
    assert -math.pi <= phase <= math.pi
    return steps


@pytest.mark.parametrize("form", sorted(FORMS))
def test_haar_random_unitaries_are_exact(tools, form):
    rng = np.random.default_rng(7)
    for _ in range(1500):
        check(tools, tools.haar(2, rng), form)


@settings(max_examples=150, deadline=None)
@given(seed=seeds, form=st.sampled_from(sorted(FORMS)))
def test_haar_property(tools, seed, form):
    check(tools, tools.haar(2, np.random.default_rng(seed)), form)


@settings(max_examples=300, deadline=None)
@given(theta=angles, phi=angles, lam=angles, phase=angles,
       form=st.sampled_from(sorted(FORMS)))
def test_euler_products_including_special_angles(tools, theta, phi, lam, phase, form):
    rz, ry = GATES["rz"].matrix, GATES["ry"].matrix
    u = np.exp(1j * phase) * rz((phi,)) @ ry((theta,)) @ rz((lam,))
    check(tools, u, form)


@settings(max_examples=200, deadline=None)
@given(seed=seeds)
def test_euler_angles(tools, seed):
    u = tools.haar(2, np.random.default_rng(seed))
    theta, phi, lam, phase = euler_angles(u)
    assert 0.0 <= theta <= math.pi
    np.testing.assert_allclose(np.exp(1j * phase) * GATES["u3"].matrix((theta, phi, lam)), u,
                               atol=TOL, rtol=0)


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("angle", [0.0, 2 * math.pi, -2 * math.pi, 4 * math.pi, 1e-15])
def test_identity_up_to_phase_gives_no_steps(tools, form, angle):
    # rz(2 pi) = -I: the sign must land in the global phase
    u = GATES["rz"].matrix((angle,)) * np.exp(0.3j)
    assert check(tools, u, form) == []


@pytest.mark.parametrize("form", ["rphi", "x1", "sx", "zsx", "zyz", "zxz"])
@pytest.mark.parametrize("lam", [0.3, -2.0, math.pi, 1e-9])
def test_diagonal_is_one_rz(tools, form, lam):
    assert [s[0] for s in check(tools, GATES["p"].matrix((lam,)), form)] == ["rz"]


@settings(max_examples=100, deadline=None)
@given(theta=st.floats(1e-6, math.pi), phi=st.floats(-7.0, 7.0))
def test_xy_rotation_is_one_rphi(tools, theta, phi):
    steps = check(tools, GATES["rphi"].matrix((theta, phi)), "rphi")
    assert [s[0] for s in steps] == ["rphi"]


@settings(max_examples=100, deadline=None)
@given(alpha=st.floats(-7.0, 7.0), beta=st.floats(-7.0, 7.0))
def test_half_turns_are_one_pulse(tools, alpha, beta):
    # RZ(a) RY(pi) RZ(b) is a pi rotation about an axis in the XY plane
    u = GATES["rz"].matrix((alpha,)) @ GATES["y"].matrix(()) @ GATES["rz"].matrix((beta,))
    assert [s[0] for s in check(tools, u, "rphi")] == ["rphi"]
    assert [s[0] for s in check(tools, u, "sx")] in (["x"], ["x", "rz"])


def test_rphi_puts_the_virtual_z_last(tools):
    rng = np.random.default_rng(3)
    for _ in range(200):
        names = [s[0] for s in check(tools, tools.haar(2, rng), "rphi")]
        assert names == ["rphi", "rz"]


@pytest.mark.parametrize("gate,form,expected", [
    ("x1", "x1", ["x1"]), ("sx", "sx", ["sx"]), ("x", "sx", ["x"]), ("x", "x1", ["x1", "x1"]),
    ("h", "x1", ["rz", "x1", "rz"]), ("h", "rphi", ["rphi", "rz"]), ("y", "zyz", ["ry"]),
    ("sxdg", "x1", ["rz", "x1", "rz"]), ("t", "u3", ["u3"]), ("z", "zxz", ["rz"]),
])
def test_cheapest_shapes(tools, gate, form, expected):
    assert [s[0] for s in check(tools, GATES[gate].matrix(()), form)] == expected


@pytest.mark.parametrize("gate", ["rz", "rx", "ry"])
def test_tiny_rotations_are_kept_exactly(tools, gate):
    u = GATES[gate].matrix((1e-9,))
    for form in FORMS:
        assert check(tools, u, form) != []


def test_basis_names_and_aliases():
    assert resolve_basis("rz,ry") == "zyz"
    assert resolve_basis(" RZ , SX, X ") == "sx"
    assert resolve_basis("x1,rz") == "x1"
    assert resolve_basis("rphi") == "rphi"
    with pytest.raises(InputError, match="did you mean 'rphi'"):
        resolve_basis("rphy")


def test_form_for_a_target_basis():
    assert form_for_gates({"rphi", "rz", "cz"}) == "rphi"
    assert form_for_gates({"cz", "rz", "sx", "x"}) == "sx"
    assert form_for_gates({"cz", "rz", "sx"}) == "zsx"
    assert form_for_gates({"cz", "x1", "rz"}) == "x1"
    assert form_for_gates({"cx", "u3"}) == "u3"
    assert form_for_gates({"cz", "rx"}) is None


@pytest.mark.parametrize("bad", [np.eye(3), np.zeros((2, 2)), [[1, 1], [0, 1]], "x"])
def test_bad_matrices_are_compile_errors(bad):
    with pytest.raises(CompileError):
        synthesize_1q(bad)
