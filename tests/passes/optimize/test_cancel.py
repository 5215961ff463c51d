"""cancel-inverses: inverse pairs brought together by commutation, and identities."""

from __future__ import annotations

import math

import pytest

from jingu.circuit import CircuitBuilder, Condition
from jingu.params import Symbol
from jingu.simulate import assert_equivalent


@pytest.mark.parametrize("ops,left", [
    ([("cz", (0, 1)), ("cz", (0, 1))], 0),
    ([("cz", (0, 1)), ("cz", (1, 0))], 0),  # symmetric gate, either operand order
    ([("cx", (0, 1)), ("cx", (1, 0))], 2),  # not symmetric
    ([("h", (0,)), ("h", (0,))], 0),
    ([("x", (1,)), ("x", (1,))], 0),
    ([("swap", (0, 1)), ("swap", (1, 0))], 0),
    ([("s", (0,)), ("sdg", (0,))], 0),
    ([("h", (0,)), ("cz", (0, 1)), ("cz", (0, 1)), ("h", (0,))], 0),  # nested
    ([("cz", (0, 1)), ("rz", (0,), (0.3,)), ("cz", (0, 1))], 1),  # rz commutes with cz
    ([("cz", (0, 1)), ("cz", (1, 2)), ("cz", (0, 1))], 1),  # cz commutes with cz
    ([("cx", (0, 2)), ("cx", (1, 2)), ("cx", (0, 2))], 1),  # shared target (X type)
    ([("cx", (0, 1)), ("rz", (0,), (0.3,)), ("cx", (0, 1))], 1),  # rz on the control
    ([("cx", (0, 1)), ("rz", (1,), (0.3,)), ("cx", (0, 1))], 3),  # rz on the target: stays
    ([("cz", (0, 1)), ("h", (1,)), ("cz", (0, 1))], 3),  # h does not commute with cz
    ([("rz", (0,), (0.0,)), ("rphi", (1,), (0.0, 0.7)), ("id", (2,))], 0),  # identities
    ([("rz", (0,), (2 * math.pi,))], 0),  # -I: a phase
    ([("crz", (0, 1), (0.4,)), ("crz", (0, 1), (-0.4,))], 0),
    ([("rphi", (0,), (0.4, 1.0)), ("cz", (1, 2)), ("rphi", (0,), (-0.4, 1.0))], 1),
    ([("rphi", (0,), (0.4, 1.0)), ("rphi", (0,), (0.4, 1.0 + math.pi))], 0),  # by matrix
])
def test_hand_made_cases(kit, ops, left):
    c = kit.circuit(3, ops)
    out = kit.run("cancel-inverses", c)
    assert len(out) == left
    assert_equivalent(c, out)


def test_symbolic_inverse_pairs(kit):
    theta = Symbol("theta")
    c = kit.circuit(2, [("rz", (0,), (theta,)), ("cz", (0, 1)), ("rz", (0,), (-theta,)),
                        ("crz", (0, 1), (2 * theta,)), ("crz", (0, 1), (-(2 * theta),))])
    out = kit.run("cancel-inverses", c)
    assert out.count_ops() == {"cz": 1}
    assert out.parameters == ()
    assert_equivalent(c.bind({"theta": 0.9}), out)


def test_measurements_barriers_and_conditions_stop_the_search(kit):
    for middle in (("measure", (0,), (), (0,)), ("barrier", (0, 1))):
        c = kit.circuit(2, [("cz", (0, 1)), middle, ("cz", (0, 1))], num_clbits=1)
        assert kit.run("cancel-inverses", c).count_ops()["cz"] == 2
    b = CircuitBuilder(2, 1)
    b.append("x", (0,))
    b.append("x", (0,), condition=Condition(0, 1, 1))
    b.append("x", (0,))
    c = b.build()
    assert len(kit.run("cancel-inverses", c)) == 3


def test_lookback_bounds_the_search(kit):
    ops = [("cz", (0, 1))] + [("rz", (0,), (0.1 * k + 0.1,)) for k in range(10)] + [
        ("cz", (0, 1))]
    c = kit.circuit(2, ops)
    assert kit.run("cancel-inverses{lookback=4}", c).count_ops()["cz"] == 2
    assert "cz" not in kit.run("cancel-inverses{lookback=16}", c).count_ops()


def test_random_circuits_stay_equivalent(kit, wukong):
    for seed in range(20):
        n = 2 + seed % 5
        c, t = kit.wukong_circuit(n, 40, seed)
        for src in (c, t):
            out = kit.run("cancel-inverses", src)
            assert len(out) <= len(src)
            assert_equivalent(c, out)


def test_mirrored_circuit_cancels_completely(kit):
    """U followed by its inverse, gate by gate, is removed entirely."""
    from jingu.random_circuits import random_circuit

    u = random_circuit(4, 30, seed=3, gates=["h", "cx", "cz", "s", "t", "rz", "rx", "swap"])
    b = CircuitBuilder(4)
    ops = list(u)
    for op in ops:
        b.append(op.name, op.qubits, op.params)
    for op in reversed(ops):
        name, params = op.gate.inverse(op.params)
        b.append(name, op.qubits, params)
    c = b.build()
    out = kit.run("cancel-inverses", c)
    assert len(out) == 0
    assert_equivalent(c, out)
