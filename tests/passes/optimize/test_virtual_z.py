"""virtual-z: rz frames move forward through cz and rphi and come out at the wire ends."""

from __future__ import annotations

import numpy as np

from jingu.circuit import CircuitBuilder, Condition
from jingu.params import Symbol
from jingu.simulate import assert_equivalent


def _rz_positions_ok(c) -> bool:
    """Every rz is last on its wire or directly before an op a frame cannot pass."""
    ops = list(c)
    for i, op in enumerate(ops):
        if op.name != "rz":
            continue
        q = op.qubits[0]
        nxt = next((o for o in ops[i + 1:] if q in o.qubits), None)
        if nxt is not None and nxt.name in ("cz", "rphi", "rz", "barrier"):
            return False
    return True


def test_rz_passes_cz_and_cancels_with_its_inverse(kit, wukong):
    c = kit.circuit(2, [("rz", (0,), (0.4,)), ("cz", (0, 1)), ("rphi", (1,), (0.3, 0.1)),
                        ("cz", (1, 0)), ("rz", (0,), (-0.4,))])
    out = kit.run("virtual-z", c, wukong)
    assert "rz" not in out.count_ops()
    assert_equivalent(c, out)


def test_rz_shifts_the_phase_of_rphi(kit, wukong):
    c = kit.circuit(1, [("rz", (0,), (0.5,)), ("rphi", (0,), (0.3, 0.2))])
    out = kit.run("virtual-z", c, wukong)
    ops = list(out)
    assert [o.name for o in ops] == ["rphi", "rz"]
    assert abs(ops[0].params[1] - (0.2 - 0.5)) < 1e-12 and abs(ops[1].params[0] - 0.5) < 1e-12
    assert_equivalent(c, out)


def test_frames_reach_the_wire_ends(kit, wukong):
    for seed in range(12):
        c, t = kit.wukong_circuit(2 + seed % 5, 50, seed)
        out = kit.run("virtual-z", t, wukong)
        assert out.count_ops().get("rz", 0) <= out.num_qubits
        assert _rz_positions_ok(out)
        assert_equivalent(c, out)


def test_frames_stop_at_measurements_and_conditions(kit, wukong):
    b = CircuitBuilder(2, 2)
    b.append("rz", (0,), (0.3,))
    b.append("barrier", (0, 1))
    b.append("rz", (1,), (0.2,))
    b.append("measure", (0,), (), (0,))
    b.append("rphi", (1,), (0.4, 0.0), condition=Condition(0, 1, 1))
    b.append("rz", (1,), (0.1,))
    c = b.build()
    out = kit.run("virtual-z", c, wukong)
    ops = list(out)
    names = [o.name for o in ops]
    # the frame of q0 crosses the barrier and stops at the measurement; q1's stops at the
    # conditioned gate, and what follows is the end-of-wire frame
    assert names == ["barrier", "rz", "measure", "rz", "rphi", "rz"]
    assert ops[1].qubits == (0,) and abs(ops[1].params[0] - 0.3) < 1e-12
    assert ops[3].qubits == (1,) and abs(ops[3].params[0] - 0.2) < 1e-12
    assert ops[4].condition == Condition(0, 1, 1) and ops[4].params == (0.4, 0.0)


def test_diagonal_gates_join_the_frame_with_their_phase(kit, wukong):
    c = kit.circuit(2, [("t", (0,)), ("s", (1,)), ("cz", (0, 1)), ("p", (0,), (0.7,)),
                        ("z", (1,)), ("h", (1,)), ("cx", (0, 1)), ("sdg", (0,))])
    out = kit.run("virtual-z", c, wukong)
    counts = out.count_ops()
    assert not {"t", "s", "p", "z", "sdg"} & set(counts)
    assert counts["rz"] == 2  # one before h on q1, one at the end of q0 (passes cx control)
    assert_equivalent(c, out)


def test_symbolic_frames(kit, wukong):
    theta = Symbol("theta")
    c = kit.circuit(2, [("rz", (0,), (theta,)), ("cz", (0, 1)), ("rphi", (0,), (1.0, 0.5)),
                        ("rz", (0,), (0.25,)), ("rphi", (0,), (Symbol("b"), 0.0)),
                        ("rz", (1,), (-theta,)), ("cz", (0, 1))])
    out = kit.run("virtual-z", c, wukong)
    assert out.count_ops()["rz"] == 2  # q0: theta + 0.25 at the end; q1: -theta at the end
    assert set(out.parameters) == {"theta", "b"}
    rng = np.random.default_rng(3)
    for t, b in rng.uniform(-4, 4, (4, 2)):
        values = {"theta": t, "b": b}
        assert_equivalent(c.bind(values), out.bind(values))


def test_basis_without_rz_is_left_alone(kit):
    c = kit.circuit(1, [("rz", (0,), (0.5,)), ("h", (0,))])
    assert kit.run("virtual-z{basis=u3+cx}", c) is c
