"""consolidate-2q: blocks on one pair re-synthesised only when that lowers the CZ count."""

from __future__ import annotations

import numpy as np

from jingu.params import Symbol
from jingu.passes.synthesis.two_qubit import num_cz_needed
from jingu.simulate import assert_equivalent, gate_matrix_of


def test_swap_then_cz_needs_two(kit):
    c = kit.circuit(2, [("swap", (0, 1)), ("cz", (0, 1))])
    assert num_cz_needed(gate_matrix_of(c)) == 2  # SWAP . CZ is in the iSWAP class
    out = kit.run("consolidate-2q{basis=wukong}", c)
    assert out.two_qubit_count() == 2 and set(out.count_ops()) <= {"cz", "rphi", "rz"}
    assert_equivalent(c, out)


def test_translated_swap_and_cz(kit, wukong):
    from jingu.passes.translate import translate

    c = kit.circuit(3, [("h", (2,)), ("swap", (0, 1)), ("cz", (1, 0)), ("cx", (1, 2))])
    t = translate(c, kit.basis)
    assert t.two_qubit_count() == 5
    out = kit.run("consolidate-2q", t, wukong)
    assert out.two_qubit_count() == 3
    assert_equivalent(c, out)


def test_two_cz_forming_a_one_cz_class(kit):
    c = kit.circuit(2, [("cz", (0, 1)), ("h", (0,)), ("cz", (0, 1))])
    assert num_cz_needed(gate_matrix_of(c)) == 1
    out = kit.run("consolidate-2q{basis=wukong}", c)
    assert out.two_qubit_count() == 1
    assert_equivalent(c, out)
    local = kit.circuit(2, [("cz", (0, 1)), ("x", (1,)), ("cz", (0, 1))])
    out = kit.run("consolidate-2q{basis=wukong}", local)
    assert out.two_qubit_count() == 0
    assert_equivalent(local, out)


def test_optimal_blocks_are_left_alone(kit, wukong):
    c = kit.circuit(2, [("cz", (0, 1)), ("rphi", (0,), (0.4, 0.3)), ("rphi", (1,), (1.1, 0.2)),
                        ("cz", (0, 1)), ("rphi", (0,), (0.7, -0.3)), ("rphi", (1,), (0.9, 1.3)),
                        ("cz", (0, 1))])
    assert num_cz_needed(gate_matrix_of(c)) == 3
    assert kit.run("consolidate-2q", c, wukong) is c


def test_symbolic_blocks_are_left_alone(kit, wukong):
    theta = Symbol("theta")
    c = kit.circuit(2, [("cz", (0, 1)), ("rz", (0,), (theta,)), ("h", (1,)), ("cz", (0, 1))])
    bound = c.bind({"theta": 0.3})
    assert kit.run("consolidate-2q", bound, wukong).two_qubit_count() == 1
    # the symbolic rz splits the block: nothing is merged across it
    assert kit.run("consolidate-2q", c, wukong) is c


def test_blocks_break_at_other_qubits(kit, wukong):
    # cz(0,1) cz(1,2) cz(0,1): the middle gate splits the pair's block
    c = kit.circuit(3, [("cz", (0, 1)), ("h", (1,)), ("cz", (1, 2)), ("h", (1,)),
                        ("cz", (0, 1))])
    assert kit.run("consolidate-2q", c, wukong) is c


def test_commuting_gates_do_not_split_blocks(kit):
    """cz(1,2) commutes with cz(0,1) on qubit 1, so cz(0,1) and the swap after it form one
    block (SWAP . CZ: two CZ) instead of three blocks (1 + 1 + 3)."""
    from jingu.passes.translate import translate

    c = kit.circuit(3, [("h", (2,)), ("cz", (0, 1)), ("cz", (1, 2)), ("swap", (0, 1)),
                        ("rx", (2,), (0.4,))])
    t = translate(c, kit.basis)
    assert t.two_qubit_count() == 5
    split = kit.run("consolidate-2q{basis=wukong,commute=false}", t)
    assert split.two_qubit_count() == 5
    joined = kit.run("consolidate-2q{basis=wukong}", t)
    assert joined.two_qubit_count() == 3
    assert_equivalent(c, joined)


def _cz_heavy(n: int, size: int, rng):
    """Random circuits of cz, diagonal and a few other one-qubit gates, swaps and cx:
    many two-qubit gates commute, so blocks reach across them."""
    ops = []
    for _ in range(size):
        r = rng.random()
        a, b = (int(x) for x in rng.choice(n, 2, replace=False))
        if r < 0.45:
            ops.append(("cz", (a, b)))
        elif r < 0.55:
            ops.append(("swap", (a, b)))
        elif r < 0.62:
            ops.append(("cx", (a, b)))
        elif r < 0.8:
            ops.append(("rz", (a,), (float(rng.uniform(-3, 3)),)))
        elif r < 0.9:
            ops.append(("rx", (a,), (float(rng.uniform(-3, 3)),)))
        else:
            ops.append(("h", (a,)))
    return ops


def test_commuting_blocks_on_random_circuits(kit, wukong):
    """Blocks that reach across commuting gates are re-synthesised exactly (checked by
    simulation, 2 to 6 qubits) and never cost more than blocks that stop at them."""
    from jingu.passes.translate import translate

    rng = np.random.default_rng(11)
    gained = 0
    for trial in range(30):
        n = 2 + trial % 5
        c = kit.circuit(n, _cz_heavy(n, 12 * n, rng))
        t = translate(c, kit.basis)
        joined = kit.run("consolidate-2q{infidelity=0}", t, wukong)
        split = kit.run("consolidate-2q{infidelity=0,commute=false}", t, wukong)
        assert joined.two_qubit_count() <= t.two_qubit_count()
        assert_equivalent(c, joined)
        looped = kit.run("optimize-loop{infidelity=0}", t, wukong)
        assert_equivalent(c, looped)
        gained += joined.two_qubit_count() < split.two_qubit_count()
        # untranslated: cx targets and rx commute with X, and blocks reach across them too
        raw = kit.run("consolidate-2q{basis=rphi+rz+cz,infidelity=0}", c)
        assert_equivalent(c, raw)
    assert gained >= 3  # the commuting collection finds blocks the plain one misses


def test_random_circuits_never_get_more_cz(kit, wukong):
    for seed in range(20):
        n = 2 + seed % 4
        c, t = kit.wukong_circuit(n, 50, seed)
        out = kit.run("consolidate-2q", t, wukong)
        assert out.two_qubit_count() <= t.two_qubit_count()
        assert_equivalent(c, out)
    # two-qubit circuits collapse to their optimum
    for seed in range(5):
        c, t = kit.wukong_circuit(2, 30, 100 + seed)
        out = kit.run("consolidate-2q", t, wukong)
        assert out.two_qubit_count() == min(num_cz_needed(gate_matrix_of(c)),
                                            t.two_qubit_count())
        assert_equivalent(c, out)


def test_cx_basis(kit):
    c = kit.circuit(2, [("swap", (0, 1)), ("cx", (0, 1))])
    out = kit.run("consolidate-2q{basis=cx+u3}", c)
    assert out.count_ops().get("cx", 0) == 2 and set(out.count_ops()) <= {"cx", "u3"}
    assert_equivalent(c, out)


def test_invariant_screen_agrees_with_the_weyl_class():
    from jingu.passes.optimize.consolidate import cz_screen
    from jingu.passes.synthesis.weyl import canonical_matrix

    rng = np.random.default_rng(4)

    def haar(n):
        z = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
        q, r = np.linalg.qr(z)
        return q * (np.diag(r) / np.abs(np.diag(r)))

    cases, expected = [], []
    for coords, k in [((0, 0, 0), 0), ((np.pi / 4, 0, 0), 1), ((0.3, 0.2, 0), 2),
                      ((np.pi / 4, np.pi / 4, 0), 2), ((0.5, 0.3, 0.1), 3),
                      ((np.pi / 4, np.pi / 4, np.pi / 4), 3)]:
        for _ in range(5):
            u = np.kron(haar(2), haar(2)) @ canonical_matrix(*coords) @ np.kron(haar(2), haar(2))
            cases.append(u * np.exp(1j * rng.uniform(0, 6)))
            expected.append(k)
    for _ in range(10):
        u = haar(4)
        cases.append(u)
        expected.append(num_cz_needed(u))
    assert cz_screen(np.array(cases)).tolist() == expected


def test_approximation_tolerance(kit):
    tiny = kit.circuit(2, [("h", (0,)), ("cp", (0, 1), (1e-7,)), ("h", (1,))])
    from jingu.passes.translate import translate

    t = translate(tiny, kit.basis)
    assert t.two_qubit_count() == 2
    exact = kit.run("consolidate-2q{basis=wukong,atol=0,infidelity=0}", t)
    assert exact.two_qubit_count() == 2  # exact to rounding: the phase is kept
    approx = kit.run("consolidate-2q{basis=wukong,atol=1e-6,infidelity=0}", t)
    assert approx.two_qubit_count() == 0
    assert_equivalent(tiny, approx)  # off by ~1e-7 in amplitude: far inside the check


def test_infidelity_tolerance_bounds_what_is_dropped(kit):
    """A cheaper class is taken when its average-gate infidelity is within the option,
    the cost is reported, and the result is that close to the block."""
    from jingu.passes.translate import translate
    from jingu.passmanager import PassContext
    from jingu.registry import build_pipeline

    def avg_infidelity(u, v):
        f = abs(np.trace(u.conj().T @ v) / 4) ** 2
        return 4 * (1 - f) / 5

    for theta, tol, expect in ((1e-4, 1e-9, 0), (1e-4, 1e-10, 2), (3e-6, 1e-12, 0),
                               (1e-5, 1e-12, 2)):
        c = kit.circuit(2, [("h", (0,)), ("rx", (1,), (0.3,)), ("cp", (0, 1), (theta,)),
                            ("h", (1,))])
        t = translate(c, kit.basis)
        ctx = PassContext(target=None)
        (p,) = build_pipeline(f"consolidate-2q{{basis=wukong,atol=0,infidelity={tol}}}")
        out = p.run(t, ctx)
        assert out.two_qubit_count() == expect
        lost = avg_infidelity(gate_matrix_of(c), gate_matrix_of(out))
        if expect == 0:
            assert 0 < lost <= tol
            assert abs(ctx.properties["synthesis_infidelity"] - lost) <= 1e-3 * lost + 1e-15
        else:
            assert lost < 1e-14 and "synthesis_infidelity" not in ctx.properties


def test_other_bases_through_the_loop(kit):
    """The batch path (rphi with cz or cx) and the block-by-block path (x1) agree with the
    circuits they replace."""
    from jingu.passes.translate import translate
    from jingu.random_circuits import random_circuit

    for basis, gates in (("rphi+rz+cx", {"rphi", "rz", "cx"}),
                         ("origin-cloud", {"x1", "rz", "cz"})):
        for seed in range(4):
            c = random_circuit(3, 30, seed=seed)
            t = translate(c, gates)
            out = kit.run(f"consolidate-2q{{basis={basis}}}", t)
            assert set(out.count_ops()) <= gates
            assert out.two_qubit_count() <= t.two_qubit_count()
            assert_equivalent(c, out)
            looped = kit.run(f"optimize-loop{{basis={basis}}}", t)
            assert set(looped.count_ops()) <= gates
            assert_equivalent(c, looped)
