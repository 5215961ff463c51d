"""fuse-1q: runs of one-qubit gates become the basis' shortest form, exactly."""

from __future__ import annotations

import math

import numpy as np
import pytest

from jingu.circuit import CircuitBuilder, Condition
from jingu.errors import InputError
from jingu.params import Symbol
from jingu.simulate import assert_equivalent, equivalent


def test_h_h_fuses_to_nothing(kit):
    c = kit.circuit(1, [("h", (0,)), ("h", (0,))])
    out = kit.run("fuse-1q{basis=wukong}", c)
    assert len(out) == 0
    assert_equivalent(c, out)


def test_long_run_becomes_one_rphi_and_one_rz(kit):
    rng = np.random.default_rng(2)
    ops = []
    for name in ["h", "t", "sx", "ry", "u3", "x", "rz", "s", "rx", "y"]:
        k = {"ry": 1, "rz": 1, "rx": 1, "u3": 3}.get(name, 0)
        ops.append((name, (0,), tuple(rng.uniform(-3, 3, k))))
    c = kit.circuit(1, ops)
    out = kit.run("fuse-1q{basis=wukong}", c)
    counts = out.count_ops()
    assert counts.get("rphi", 0) == 1 and counts.get("rz", 0) <= 1 and len(out) <= 2
    assert_equivalent(c, out)


def test_native_runs_are_kept_and_fusing_twice_changes_nothing(kit, wukong):
    _, t = kit.wukong_circuit(5, 60, seed=11)
    once = kit.run("fuse-1q", t, wukong)
    twice = kit.run("fuse-1q", once, wukong)
    assert kit.same(once, twice)
    single = kit.circuit(1, [("rphi", (0,), (0.3, 0.2)), ("rz", (0,), (0.5,))])
    assert kit.run("fuse-1q", single, wukong) is single


def test_every_run_is_at_most_one_pulse_and_one_rz(kit, wukong):
    for seed in range(6):
        c, t = kit.wukong_circuit(4, 50, seed)
        # break the translator's fusion: split every rphi into two halves
        b = CircuitBuilder(t.num_qubits)
        for op in t:
            if op.name == "rphi":
                b.append("rphi", op.qubits, (op.params[0] / 2, op.params[1]))
                b.append("rz", op.qubits, (0.1,))
                b.append("rz", op.qubits, (-0.1,))
                b.append("rphi", op.qubits, (op.params[0] / 2, op.params[1]))
            else:
                b.append(op.name, op.qubits, op.params)
        b.global_phase = t.global_phase
        split = b.build()
        out = kit.run("fuse-1q", split, wukong)
        assert out.count_ops().get("rphi", 0) <= t.count_ops().get("rphi", 0)
        _assert_short_runs(out)
        assert_equivalent(c, out)


def _assert_short_runs(c):
    last = {}
    run = {}
    for op in c:
        for q in op.qubits:
            if len(op.qubits) == 1 and op.gate.is_unitary:
                run[q] = run.get(q, []) + [op.name]
                assert len(run[q]) <= 2 and run[q].count("rphi") <= 1, run[q]
            else:
                run[q] = []
            last[q] = op


def test_other_one_qubit_forms(kit):
    rng = np.random.default_rng(4)
    ops = [("u3", (0,), tuple(rng.uniform(-3, 3, 3))), ("h", (0,)), ("t", (0,))]
    c = kit.circuit(1, ops)
    out = kit.run("fuse-1q{basis=origin-cloud}", c)
    assert set(out.count_ops()) <= {"x1", "rz"} and out.count_ops().get("x1", 0) <= 2
    assert_equivalent(c, out)
    out = kit.run("fuse-1q{basis=u3}", c)
    assert out.count_ops() == {"u3": 1}
    assert_equivalent(c, out)
    with pytest.raises(InputError):
        kit.run("fuse-1q{basis=cz+rz}", c)
    with pytest.raises(InputError):
        kit.run("fuse-1q", c)  # no target and no basis


def test_conditioned_gates_are_not_fused(kit):
    b = CircuitBuilder(1, 1)
    b.append("h", (0,))
    b.append("x", (0,), condition=Condition(0, 1, 1))
    b.append("h", (0,))
    c = b.build()
    out = kit.run("fuse-1q{basis=wukong}", c)
    names = [op.name for op in out]
    assert names.count("x") == 1 and out.op_condition(names.index("x")) == Condition(0, 1, 1)
    assert "h" not in names and len(out) <= 5


def test_symbolic_rz_merge_exactly(kit):
    theta = Symbol("theta")
    c = kit.circuit(1, [("rz", (0,), (0.3,)), ("rz", (0,), (theta,)), ("rz", (0,), (0.2,))])
    out = kit.run("fuse-1q{basis=wukong}", c)
    assert len(out) == 1 and out.count_ops() == {"rz": 1}
    assert out.parameters == ("theta",)
    for value in (0.0, 1.1, -2.5):
        assert_equivalent(c.bind({"theta": value}), out.bind({"theta": value}))


def test_symbolic_rz_moves_through_rphi(kit):
    theta, beta = Symbol("theta"), Symbol("beta")
    c = kit.circuit(1, [("rz", (0,), (theta,)), ("h", (0,)), ("rphi", (0,), (beta, 0.4)),
                        ("rz", (0,), (0.7,)), ("rphi", (0,), (0.5, 0.1))])
    out = kit.run("fuse-1q{basis=wukong}", c)
    counts = out.count_ops()
    assert counts["rz"] == 1 and counts["rphi"] == 3
    assert [op.name for op in out][-1] == "rz"
    rng = np.random.default_rng(0)
    for t, b in rng.uniform(-4, 4, (4, 2)):
        values = {"theta": t, "beta": b}
        assert_equivalent(c.bind(values), out.bind(values))


def test_symbolic_circuits_bind_then_fuse_equals_fuse_then_bind(kit, wukong):
    theta, phi = Symbol("theta"), Symbol("phi")
    rng = np.random.default_rng(9)
    for seed in range(5):
        ops = []
        for _ in range(30):
            q = int(rng.integers(3))
            k = int(rng.integers(6))
            if k == 0:
                ops.append(("rz", (q,), (2 * theta - 0.3,)))
            elif k == 1:
                ops.append(("rx", (q,), (phi,)))
            elif k == 2:
                ops.append(("cz", (q, (q + 1) % 3)))
            elif k == 3:
                ops.append(("u3", (q,), tuple(rng.uniform(-3, 3, 3))))
            elif k == 4:
                ops.append(("rz", (q,), (float(rng.uniform(-3, 3)),)))
            else:
                ops.append(("h", (q,)))
        c = kit.circuit(3, ops)
        from jingu.passes.translate import translate

        t = translate(c, kit.basis)
        fused = kit.run("fuse-1q", t, wukong)
        for values in ({"theta": 0.3, "phi": -1.0}, {"theta": 2.0, "phi": 0.5}):
            bound_first = kit.run("fuse-1q", t.bind(values), wukong)
            assert equivalent(fused.bind(values), bound_first)
            assert equivalent(c.bind(values), fused.bind(values))


def test_rphi_phase_shift_identity():
    """The identity every rz push relies on, checked on the library's own matrices:
    RPhi(t, p) RZ(l) = RZ(l) RPhi(t, p - l), with no phase."""
    from jingu.gates import GATES

    rng = np.random.default_rng(1)
    for t, p, lam in rng.uniform(-7, 7, (5, 3)):
        left = GATES["rphi"].matrix((t, p)) @ GATES["rz"].matrix((lam,))
        right = GATES["rz"].matrix((lam,)) @ GATES["rphi"].matrix((t, p - lam))
        assert np.abs(left - right).max() < 1e-12


def test_random_translated_circuits_stay_equivalent(kit, wukong):
    for seed in range(20):
        n = 2 + seed % 5
        c, t = kit.wukong_circuit(n, 40, seed)
        out = kit.run("fuse-1q", t, wukong)
        assert set(out.count_ops()) <= {"rphi", "rz", "cz"}
        assert_equivalent(c, out)
        raw = kit.run("fuse-1q", c, wukong)  # untranslated input: 1q runs become natives
        assert not {"h", "u3", "rx", "ry", "sx", "t", "s"} & set(raw.count_ops())
        assert_equivalent(c, raw)


def test_batch_rphi_form_matches_the_scalar_synthesis():
    from jingu.passes.synthesis.one_qubit import rphi_form_batch, steps_from_zyz

    rng = np.random.default_rng(6)
    n = 400
    theta = rng.uniform(0, math.pi, n)
    theta[:40] = math.pi
    theta[40:80] = 0.0
    phi, lam, alpha = rng.uniform(-9, 9, (3, n))
    lam[80:120] = -phi[80:120] + 2 * math.pi  # rz of a full turn: a phase
    rt, rp, has_rphi, rz, has_rz, phase = rphi_form_batch(theta, phi, lam, alpha)
    for j in range(n):
        steps, ph = steps_from_zyz(theta[j], phi[j], lam[j], alpha[j], "rphi")
        batch = ([("rphi", (rt[j], rp[j]))] if has_rphi[j] else []) + (
            [("rz", (rz[j],))] if has_rz[j] else [])
        assert [(s[0], tuple(s[2])) for s in steps] == batch and ph == phase[j]


def _wire_counts(c, name):
    counts = np.zeros(c.num_qubits, int)
    for op in c:
        if op.name == name:
            counts[op.qubits[0]] += 1
    return counts


def test_fuse_and_push_rz_equals_fuse_then_virtual_z(kit, wukong):
    """The loop's one-walk fusion with frames: equivalent (by simulation, 2 to 6 qubits,
    with barriers in the way) and never more pulses or rz than fuse-1q followed by
    virtual-z."""
    from jingu.passes.optimize.fuse import fuse_and_push_rz

    rng = np.random.default_rng(5)
    for seed in range(24):
        n = 2 + seed % 5
        _, t = kit.wukong_circuit(n, 50, seed)
        b = CircuitBuilder(t.num_qubits)
        for op in t:  # a barrier now and then
            b.append(op.name, op.qubits, op.params)
            if rng.random() < 0.04:
                b.append("barrier", tuple(range(n)))
        b.global_phase = t.global_phase
        mixed = b.build()
        out = fuse_and_push_rz(mixed)
        ref = kit.run("fuse-1q,virtual-z", mixed, wukong)
        assert set(out.count_ops()) <= set(mixed.count_ops()) | {"rphi", "rz"}
        assert out.two_qubit_count() == mixed.two_qubit_count()
        assert_equivalent(mixed, out)
        assert (_wire_counts(out, "rphi") <= _wire_counts(ref, "rphi")).all()
        assert out.count_ops().get("rz", 0) <= ref.count_ops().get("rz", 0)
        assert kit.same(out, fuse_and_push_rz(mixed))


def test_fuse_and_push_rz_stops_frames_at_measurements(kit):
    from jingu.passes.optimize.fuse import fuse_and_push_rz

    c = kit.circuit(2, [("h", (0,)), ("rz", (0,), (0.4,)), ("cz", (0, 1)), ("t", (1,)),
                        ("measure", (1,), (), (0,)), ("rx", (0,), (0.3,)), ("rz", (0,), (0.2,))],
                    num_clbits=1)
    out = fuse_and_push_rz(c)
    ops = [(op.name, op.qubits) for op in out]
    # qubit 1's frame (t) comes out right before its measurement, qubit 0's at the end
    assert ops.index(("rz", (1,))) == ops.index(("measure", (1,))) - 1
    assert ops[-1] == ("rz", (0,))
    assert out.count_ops()["rphi"] == 2
    assert_equivalent(c, out)


def test_fuse_and_push_rz_leaves_conditioned_gates_and_stops_frames(kit):
    from jingu.passes.optimize.fuse import fuse_and_push_rz

    b = CircuitBuilder(1, 1)
    b.append("rz", (0,), (0.3,))
    b.append("rx", (0,), (0.5,), condition=Condition(0, 1, 1))
    b.append("rz", (0,), (0.2,))
    b.append("rz", (0,), (0.1,))
    out = fuse_and_push_rz(b.build())
    ops = [(op.name, op.params, op.condition is not None) for op in out]
    assert ops == [("rz", (pytest.approx(0.3),), False), ("rx", (0.5,), True),
                   ("rz", (pytest.approx(0.3),), False)]
