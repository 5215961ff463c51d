"""remove-identity-equivalent: gates that are the identity in double precision go, with
their phase kept; everything else stays."""

from __future__ import annotations

import math

import numpy as np
import pytest
from jingu.circuit import CircuitBuilder, Condition
from jingu.params import Symbol
from jingu.passes.optimize.identity import identity_infidelity
from jingu.random_circuits import random_circuit
from jingu.simulate import simulate

SPEC = "remove-identity-equivalent"
TINY = math.pi / 2 ** 40  # a controlled phase of this angle has infidelity ~1e-24
VISIBLE = math.pi / 2 ** 17  # infidelity ~7e-11: small, but above the default cut


def test_infidelity_matches_its_definition():
    rng = np.random.default_rng(3)
    for d in (2, 4):
        a = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
        u, _ = np.linalg.qr(a)
        infidelity, _ = identity_infidelity(u[None])
        expected = 1 - (1 + abs(np.trace(u)) ** 2 / d) / (1 + d)
        assert infidelity[0] == pytest.approx(expected, abs=1e-14)
    infidelity, phases = identity_infidelity(np.exp(0.7j) * np.eye(4)[None])
    assert infidelity[0] < 1e-15 and phases[0] == pytest.approx(0.7)


def test_drops_only_what_double_precision_cannot_see(kit):
    c = kit.circuit(2, [("h", (0,)), ("cp", (0, 1), (TINY,)), ("cp", (0, 1), (VISIBLE,)),
                        ("rz", (1,), (TINY,)), ("x", (1,)), ("p", (0,), (2 * math.pi,))])
    out = kit.run(SPEC, c)
    assert out.count_ops() == {"h": 1, "cp": 1, "x": 1}
    assert out.operation(1).params == (VISIBLE,)
    # the phases of the dropped gates are kept: the states agree including global phase
    assert np.allclose(simulate(out), simulate(c), atol=1e-14)


def test_tolerance_option_is_an_explicit_approximation(kit):
    c = kit.circuit(1, [("h", (0,)), ("rz", (0,), (1e-4,)), ("h", (0,))])
    assert kit.run(SPEC, c) is c  # a 1e-4 rotation is far above machine precision
    loose = kit.run(SPEC + "{tolerance=1e-6}", c)  # its infidelity is ~1.7e-9
    assert loose.count_ops() == {"h": 2}
    assert abs(np.vdot(simulate(loose), simulate(c))) > 1 - 1e-8


def test_symbolic_and_conditioned_gates_stay():
    b = CircuitBuilder(2, 1)
    b.append("rz", (0,), (Symbol("t"),))
    b.append("cp", (0, 1), (TINY,), condition=Condition(0, 1, 1))
    b.append("cp", (0, 1), (TINY,))
    c = b.build()
    from jingu.passes.optimize.identity import remove_identity_equivalent

    out, removed, _ = remove_identity_equivalent(c)
    assert removed == 1 and [op.name for op in out] == ["rz", "cp"]
    assert out.operation(1).condition == Condition(0, 1, 1)


def test_compile_reports_what_it_approximated():
    import jingu

    c = kit_free_qft(24)
    result = jingu.compile(c, optimization_level=1)
    approx = result.report["approximation"]
    # pairs at distance d >= 21 of a 24-qubit QFT: 3 + 2 + 1
    assert approx["removed_gates"] == 6
    assert 0 < approx["infidelity_bound"] < 6e-12
    exact = jingu.compile(c, optimization_level=1,
                          stages={"unroll": "unroll,remove-identity-equivalent{tolerance=0}"})
    assert exact.report["approximation"]["removed_gates"] == 0
    assert exact.circuit.count_ops()["cu1"] == 24 * 23 // 2


def kit_free_qft(n):
    from jingu.bench.circuits import generate

    return generate("qft", n)


def test_random_circuits_keep_their_state(kit):
    for seed in range(20):
        c = random_circuit(4, 30, seed=seed)
        out = kit.run(SPEC, c)
        assert len(out) <= len(c)
        assert np.allclose(simulate(out), simulate(c), atol=1e-12)
