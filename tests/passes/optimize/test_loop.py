"""optimize-loop and the optimisation passes together, on routed Wukong circuits."""

from __future__ import annotations

import numpy as np
import pytest

from jingu.params import Symbol
from jingu.passes.optimize.loop import score
from jingu.passmanager import PassContext, check_facts, run_pipeline
from jingu.random_circuits import random_circuit
from jingu.registry import build_pipeline, load_pass
from jingu.simulate import assert_equivalent, equivalent

NAMES = ["fuse-1q", "virtual-z", "cancel-inverses", "consolidate-2q",
         "remove-diagonal-before-measure", "absorb-swaps", "optimize-loop"]


@pytest.mark.parametrize("name", NAMES)
def test_registered(name):
    cls = load_pass(name)
    assert cls.name == name and cls.description()


def test_never_worse_and_deterministic(kit, wukong):
    for seed in range(8):
        c, t = kit.wukong_circuit(2 + seed % 5, 60, seed)
        out = kit.run("optimize-loop", t, wukong)
        assert score(out) <= score(t)
        assert_equivalent(c, out)
        again = kit.run("optimize-loop", t, wukong)
        assert kit.same(out, again)
    assert kit.run("optimize-loop{rounds=0}", t, wukong) is t


def _compile(c, target, spec, seed=0):
    ctx = PassContext(target=target, seed=seed)
    return run_pipeline(c, build_pipeline(spec), ctx), ctx


ROUTE = "unroll,sabre-layout,sabre-route,translate"


@pytest.mark.parametrize("seed", range(12))
def test_routed_random_circuits(kit, wukong, seed):
    n = 2 + seed % 9
    c = random_circuit(n, 8 * n, seed=seed)
    routed, ctx = _compile(c, wukong, ROUTE, seed)
    facts = {"layout", "routed", "native", "unrolled"}
    out = run_pipeline(routed, build_pipeline("optimize-loop{swaps=true}"), ctx, facts=facts)
    check_facts(out, ctx, facts)  # still native, still on live couplers
    assert score(out) <= score(routed)
    assert_equivalent(c, out)


def test_each_pass_on_routed_circuits(kit, wukong):
    facts = {"layout", "routed", "native", "unrolled"}
    for seed in range(4):
        c = random_circuit(5, 40, seed=seed)
        routed, ctx = _compile(c, wukong, ROUTE, seed)
        for name in NAMES:
            if name == "remove-diagonal-before-measure":
                continue
            out = run_pipeline(routed, build_pipeline(name), ctx, facts=facts)
            check_facts(out, ctx, facts)
            assert out.two_qubit_count() <= routed.two_qubit_count()
            assert_equivalent(c, out)


def test_symbolic_optimise_then_bind(kit, wukong):
    theta, gamma = Symbol("theta"), Symbol("gamma")
    ops = []
    for layer in range(2):
        for q in range(4):
            ops.append(("h", (q,)))
        for q in range(3):
            ops += [("cx", (q, q + 1)), ("rz", (q + 1,), (2 * gamma,)), ("cx", (q, q + 1))]
        for q in range(4):
            ops.append(("rx", (q,), (theta - layer,)))
    c = kit.circuit(4, ops)
    routed, ctx = _compile(c, wukong, ROUTE)
    facts = {"layout", "routed", "native", "unrolled"}
    out = run_pipeline(routed, build_pipeline("optimize-loop"), ctx, facts=facts)
    assert set(out.parameters) == {"theta", "gamma"}
    assert out.two_qubit_count() <= routed.two_qubit_count()
    rng = np.random.default_rng(2)
    for t, g in rng.uniform(-3, 3, (3, 2)):
        values = {"theta": t, "gamma": g}
        bound_first = run_pipeline(routed.bind(values), build_pipeline("optimize-loop"), ctx,
                                   facts=facts)
        assert equivalent(c.bind(values), bound_first)
        assert equivalent(c.bind(values), out.bind(values))
        # numbers merge at least as well as expressions
        assert bound_first.two_qubit_count() <= out.two_qubit_count()


def test_lattice_with_holes(kit):
    from jingu.targets import load_target

    holey = load_target("wukong72", disable_qubits=[7, 20, 33],
                        disable_couplers=[(14, 15), (26, 32)])
    facts = {"layout", "routed", "native", "unrolled"}
    for seed in range(3):
        c = random_circuit(6, 40, seed=40 + seed)
        routed, ctx = _compile(c, holey, ROUTE, seed)
        out = run_pipeline(routed, build_pipeline("optimize-loop{swaps=true}"), ctx,
                           facts=facts)
        check_facts(out, ctx, facts)
        assert_equivalent(c, out)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(100))
def test_many_routed_random_circuits(wukong, seed):
    n = 2 + seed % 11
    c = random_circuit(n, 10 * n, seed=1000 + seed)
    routed, ctx = _compile(c, wukong, ROUTE, seed)
    facts = {"layout", "routed", "native", "unrolled"}
    for spec in ("optimize-loop{swaps=true}", "optimize-loop{atol=0,infidelity=0}",
                 "virtual-z,cancel-inverses,consolidate-2q,fuse-1q,absorb-swaps"):
        out = run_pipeline(routed, build_pipeline(spec), ctx, facts=facts)
        check_facts(out, ctx, facts)
        assert out.two_qubit_count() <= routed.two_qubit_count()
        assert_equivalent(c, out)
