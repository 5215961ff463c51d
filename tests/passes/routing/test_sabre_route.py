"""SABRE routing: every routed circuit is checked twice, structurally (the same operations
per wire, in an allowed order, with swaps only on live couplers, layouts consistent) and by
simulation up to the reported layouts."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from jingu.circuit import CircuitBuilder, Condition
from jingu.errors import CompileError
from jingu.passes.layout.placement import apply_layout
from jingu.passes.routing.checks import routing_violation
from jingu.passes.routing.sabre import SabreRoute, route_circuit
from jingu.passmanager import PassContext, run_pipeline
from jingu.random_circuits import random_circuit
from jingu.registry import build_pipeline
from jingu.simulate import assert_equivalent
from jingu.targets import load_target

WUKONG = load_target("wukong72")
HOLEY = load_target("wukong72", disable_qubits=[7, 20, 33], disable_couplers=[(14, 15), (26, 32)])


def compile_with(circuit, target, pipeline, seed=0):
    ctx = PassContext(target=target, seed=seed)
    return run_pipeline(circuit, build_pipeline(pipeline), ctx), ctx


def assert_routed(original, routed, target, simulate=True):
    why = routing_violation(original, routed, target)
    assert why is None, why
    if simulate:
        assert_equivalent(original, routed)


@pytest.mark.parametrize("target", [WUKONG, HOLEY], ids=["full", "holes"])
@pytest.mark.parametrize("layout", ["trivial-layout", "dense-layout", "sabre-layout"])
@pytest.mark.parametrize("n", [2, 3, 5, 8, 12])
def test_random_circuits_route_correctly(n, layout, target):
    gates = ["h", "rx", "rz", "t", "cx", "cz", "cp", "rzz", "ccx", "swap", "ry"]
    circuit = random_circuit(n, 12 * n, seed=n * 31 + len(layout), gates=gates)
    routed, _ = compile_with(circuit, target, f"unroll,{layout},sabre-route", seed=n)
    unrolled, _ = compile_with(circuit, target, "unroll")
    assert_equivalent(circuit, routed)
    # the structural check needs a circuit without swaps of its own: route one too
    plain = random_circuit(n, 12 * n, seed=n, gates=[g for g in gates if g != "swap"])
    routed_plain, _ = compile_with(plain, target, f"unroll,{layout},sabre-route", seed=n)
    unrolled_plain, _ = compile_with(plain, target, "unroll")
    assert_routed(unrolled_plain, routed_plain, target)
    assert len(unrolled) <= len(routed)


def _measured_and_conditioned(n, seed):
    """Mid-circuit measurements, conditions, resets and barriers among routed gates."""
    rng = np.random.default_rng(seed)
    b = CircuitBuilder(n, n)
    for step in range(10 * n):
        a, c = (int(x) for x in rng.choice(n, 2, replace=False))
        r = rng.random()
        if r < 0.45:
            b.append("cx", (a, c))
        elif r < 0.6:
            b.append("rz", (a,), (float(rng.uniform(-3, 3)),))
        elif r < 0.7:
            b.append("measure", (a,), clbits=(a,))
        elif r < 0.8:
            b.append("x", (c,), condition=Condition(a, 1, 1))
        elif r < 0.87:
            b.append("cz", (a, c), condition=Condition(0, 2, 2))
        elif r < 0.94:
            b.append("barrier", tuple(int(x) for x in rng.choice(n, 3, replace=False)))
        elif r < 0.97:
            b.append("barrier", ())
        else:
            b.append("reset", (a,))
    return b.build()


@pytest.mark.parametrize("target", [WUKONG, HOLEY], ids=["full", "holes"])
@pytest.mark.parametrize("seed", range(6))
def test_measurements_conditions_and_barriers_follow_their_qubits(seed, target):
    circuit = _measured_and_conditioned(4 + seed, seed)
    routed, _ = compile_with(circuit, target, "unroll,trivial-layout,sabre-route", seed)
    assert_routed(circuit, routed, target, simulate=False)
    assert routed.num_clbits == circuit.num_clbits
    assert routed.count_ops()["measure"] == circuit.count_ops().get("measure", 0)


def test_a_wide_barrier_orders_but_never_asks_for_routing():
    b = CircuitBuilder(10)
    for q in range(10):
        b.append("h", (q,))
    b.append("barrier", tuple(range(10)))
    b.append("cx", (0, 1))
    b.append("barrier", ())
    b.append("cx", (1, 2))
    circuit = b.build()
    routed, _ = compile_with(circuit, WUKONG, "unroll,trivial-layout,sabre-route")
    assert "swap" not in routed.count_ops()
    assert routed.count_ops()["barrier"] == 2
    assert_routed(circuit, routed, WUKONG)


def test_long_range_gates_get_swaps_on_live_couplers_only():
    b = CircuitBuilder(72)
    b.append("h", (0,))
    b.append("cx", (0, 71))
    b.append("cx", (5, 66))
    b.append("cz", (30, 11))
    circuit = b.build()
    for target in (WUKONG, HOLEY):
        if not all(q in set(target.live_qubits.tolist()) for q in (0, 71, 5, 66, 30, 11)):
            continue
        physical = apply_layout(circuit, np.arange(72), target)
        routed = SabreRoute().run(physical, PassContext(target=target, seed=3))
        assert routed.count_ops()["swap"] >= target.distance[0, 71] - 1
        assert_routed(circuit, routed, target, simulate=False)


def test_same_seed_same_circuit_and_seeds_matter():
    circuit = random_circuit(10, 120, seed=5, gates=["cx", "h", "rz"])
    runs = [compile_with(circuit, WUKONG, "unroll,trivial-layout,sabre-route", s)[0]
            for s in (1, 1, 2)]
    columns = ("opcodes", "qubit_ptr", "qubits", "params", "final_layout")
    for col in columns:
        assert np.array_equal(getattr(runs[0], col), getattr(runs[1], col)), col
    assert any(not np.array_equal(getattr(runs[0], c), getattr(runs[2], c)) for c in columns)


def _digest(circuit) -> str:
    import hashlib

    h = hashlib.sha256()
    for a in (circuit.opcodes, circuit.qubits, circuit.params, circuit.initial_layout,
              circuit.final_layout):
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def test_same_seed_same_output_in_another_process():
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(__import__('pathlib').Path(__file__).parent)!r})\n"
        "from test_sabre_route import _digest, _determinism_case\n"
        "print(_digest(_determinism_case()))\n"
    )
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert other == _digest(_determinism_case())


def _determinism_case():
    circuit = random_circuit(12, 150, seed=9, gates=["cx", "h", "rz", "cp"])
    return compile_with(circuit, WUKONG, "unroll,sabre-layout,sabre-route", seed=4)[0]


def _threaded_case():
    """Big enough that both SABRE passes split their trials across threads."""
    from jingu.passes.routing import sabre

    circuit = random_circuit(24, 1000, seed=11, gates=["cx", "h", "rz", "cp"])
    routed = compile_with(circuit, WUKONG, "unroll,sabre-layout,sabre-route{trials=24}",
                          seed=6)[0]
    assert sabre.SERIAL_WORK < 24 * 1000
    return routed


def test_trials_split_across_threads_give_the_same_circuit(monkeypatch):
    from jingu.passes.routing import sabre

    digests = set()
    for threads in (1, 2, 3):
        monkeypatch.setattr(sabre, "trial_threads", lambda threads=threads: threads)
        digests.add(_digest(_threaded_case()))
    assert len(digests) == 1


def test_same_output_with_one_or_two_numba_threads_in_other_processes():
    import os

    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(__import__('pathlib').Path(__file__).parent)!r})\n"
        "from test_sabre_route import _digest, _threaded_case\n"
        "from jingu.passes.routing import sabre\n"
        "print(sabre.trial_threads(), _digest(_threaded_case()))\n"
    )
    outputs = []
    for threads in ("1", "2"):
        env = dict(os.environ, NUMBA_NUM_THREADS=threads)
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             check=True, env=env).stdout.split()
        assert out[0] == threads
        outputs.append(out[1])
    assert outputs[0] == outputs[1] == _digest(_threaded_case())


def test_the_release_valve_still_routes_correctly():
    """With a stall limit of one swap, nearly every step rolls back and walks the closest
    front gate together along a shortest path: the result must still be right."""
    circuit = random_circuit(12, 150, seed=2, gates=["cx", "cz", "h"])
    physical = apply_layout(circuit, np.arange(12) * 6 % 71, WUKONG)
    routed, stats = route_circuit(physical, WUKONG, seeds=[7], max_stall=1)
    assert stats["swaps"] > 0
    assert_routed(circuit, routed, WUKONG)


def test_commuting_gates_are_routed_out_of_order():
    """cz(0,5) then cz(0,1) commute (both diagonal on qubit 0): the adjacent cz(0,1) runs
    first, before any swap; with commutation off it has to wait for cz(0,5)."""
    b = CircuitBuilder(6)
    b.append("cz", (0, 5))
    b.append("cz", (0, 1))
    b.append("h", (0,))
    b.append("cx", (0, 1))
    circuit = b.build()
    physical = apply_layout(circuit, np.arange(6), WUKONG)
    for commutation in (True, False):
        routed, _ = route_circuit(physical, WUKONG, seeds=[0], commutation=commutation)
        first = next(iter(routed))
        assert (first.name == "cz" and first.qubits == (0, 1)) is commutation
        assert_routed(circuit, routed, WUKONG)


def test_noise_aware_routing_avoids_a_bad_coupler():
    """Two equally short paths; one crosses a coupler with a 40% CZ error."""
    spec = load_target("grid:2x3").to_dict()
    bad = {(1, 2), (2, 1)}
    for c in spec["couplers"]:
        c["cz_error"] = 0.4 if tuple(c["pair"]) in bad else 0.01
    from jingu.targets import Target

    target = Target(spec)
    b = CircuitBuilder(6)
    b.append("cx", (2, 3))  # qubits 2 and 3 sit at opposite corners of a 2x3 grid
    circuit = b.build()
    physical = apply_layout(circuit, np.arange(6), target)
    for aware in (True, False):
        routed = SabreRoute(noise_aware=aware, trials=8).run(
            physical, PassContext(target=target, seed=0))
        assert_routed(circuit, routed, target)
        used = {tuple(sorted(op.qubits)) for op in routed if op.name == "swap"}
        if aware:
            assert (1, 2) not in used


def test_disconnected_pieces_and_errors_that_name_them():
    # cut the lattice between rows 3 and 4: pieces of 24 and 48 qubits
    cut = [(q, q + 6) for q in range(18, 24)]
    split = load_target("wukong72", disable_couplers=cut)
    assert [len(p) for p in split.components()] == [48, 24]
    circuit = random_circuit(30, 200, seed=1, gates=["cx", "h"])
    routed, _ = compile_with(circuit, split, "unroll,sabre-layout,sabre-route")
    assert set(routed.initial_layout.tolist()) <= set(split.components()[0])
    assert_routed(circuit, routed, split, simulate=False)
    # an explicit layout straddling the cut cannot be routed
    b = CircuitBuilder(2)
    b.append("cx", (0, 1))
    physical = apply_layout(b.build(), [0, 71], split)
    with pytest.raises(CompileError, match="different connected pieces"):
        SabreRoute().run(physical, PassContext(target=split))
    chain = CircuitBuilder(50)
    for q in range(49):
        chain.append("cx", (q, q + 1))
    too_big = chain.build()
    with pytest.raises(CompileError, match="50 interacting qubits.*48"):
        compile_with(too_big, split, "unroll,sabre-layout,sabre-route")


def test_already_routed_circuits_come_back_unchanged():
    b = CircuitBuilder(3)
    b.append("cx", (0, 1))
    b.append("cx", (1, 2))
    physical = apply_layout(b.build(), [0, 1, 2], WUKONG)
    assert SabreRoute().run(physical, PassContext(target=WUKONG)) is physical


def test_merged_swaps_are_counted_cheaper():
    """A swap right after a gate on the same pair merges into its two-qubit block: the
    router's CZ estimate counts it as one CZ (recounted here from the output), with or
    without a bonus that makes the router prefer such swaps."""
    circuit = random_circuit(16, 200, seed=4, gates=["cx", "cp", "h"])
    physical = apply_layout(circuit, np.arange(16), WUKONG)
    plain, s0 = route_circuit(physical, WUKONG, seeds=range(8), merge_bonus=0.0)
    merged, s1 = route_circuit(physical, WUKONG, seeds=range(8), merge_bonus=0.1)
    for routed, stats in ((plain, s0), (merged, s1)):
        assert_routed(circuit, routed, WUKONG, simulate=False)
        assert stats["swaps"] <= stats["cz"] <= 3 * stats["swaps"]
        assert stats["cz"] == _merged_cz(routed)


def _merged_cz(routed) -> int:
    """Recount the estimate: 1 CZ for a swap whose pair's last ops (one-qubit gates aside)
    were one two-qubit gate on that same pair, else 3."""
    mate = {}
    cz = 0
    for op in routed:
        if op.name == "swap":
            a, b = op.qubits
            cz += 1 if mate.get(a) == b and mate.get(b) == a else 3
            mate.pop(a, None), mate.pop(b, None)
        elif op.gate.is_unitary and len(op.qubits) == 2 and op.condition is None:
            a, b = op.qubits
            mate[a], mate[b] = b, a
        elif op.gate.is_unitary and len(op.qubits) == 1 and op.condition is None:
            continue
        else:
            for q in op.qubits or list(mate):
                mate.pop(q, None)
    return cz


def test_qft_is_routed_and_equivalent():
    b = CircuitBuilder(9)
    for j in range(9):
        b.append("h", (j,))
        for k in range(j + 1, 9):
            b.append("cp", (k, j), (math.pi / 2 ** (k - j),))
    circuit = b.build()
    routed, _ = compile_with(circuit, HOLEY, "unroll,sabre-layout,sabre-route")
    assert_routed(circuit, routed, HOLEY)


def test_symbolic_parameters_survive_routing():
    from jingu.params import Symbol

    theta = Symbol("theta")
    b = CircuitBuilder(5)
    for i in range(4):
        b.append("rzz", (i, (i + 2) % 5), (theta * (i + 1),))
    b.append("cx", (0, 4))
    b.append("rx", (3,), (theta,))
    circuit = b.build()
    routed, _ = compile_with(circuit, WUKONG, "unroll,trivial-layout,sabre-route")
    assert routed.parameters == ("theta",) and "swap" in routed.count_ops()
    assert_routed(circuit, routed, WUKONG)


# ----------------------------------------------------------------------------------------
# final measurements, repeated pairs, lookahead styles, trial reuse and budgets


def _star(n, measured, mid_measure=False):
    """Bernstein-Vazirani-like: qubit n-1 is the target of a cx from every other qubit;
    ``measured``: every other qubit is measured right after its cx (a final measurement).
    With ``mid_measure``, qubit 0 is also measured early and then used again."""
    b = CircuitBuilder(n, n)
    for q in range(n):
        b.append("h", (q,))
    if mid_measure:
        b.append("measure", (0,), clbits=(0,))
    for q in range(n - 1):
        b.append("cx", (q, n - 1))
        b.append("h", (q,))
        if measured:
            b.append("measure", (q,), clbits=(q,))
    return b.build()


def test_final_measurements_come_after_every_swap_and_never_change_the_routing():
    """A final measurement is emitted after everything else, on the qubit then holding its
    qubit's content: the swaps around it still merge with the gates before them, so the
    routing (swaps and CZ estimate) is the one of the same circuit without measurements."""
    layout = np.arange(12) * 6 % 71
    plain = apply_layout(_star(12, measured=False), layout, WUKONG)
    measured = apply_layout(_star(12, measured=True), layout, WUKONG)
    routed_plain, s0 = route_circuit(plain, WUKONG, seeds=range(4), styles=[0, 1, 0, 1])
    routed, s1 = route_circuit(measured, WUKONG, seeds=range(4), styles=[0, 1, 0, 1])
    assert s0 == s1 and s1["swaps"] > 0
    names = [op.name for op in routed]
    last_swap = max(k for k, name in enumerate(names) if name == "swap")
    assert names.index("measure") > last_swap
    assert names.count("measure") == 11
    swaps = [op.qubits for op in routed if op.name == "swap"]
    assert swaps == [op.qubits for op in routed_plain if op.name == "swap"]
    assert_routed(_star(12, measured=True), routed, WUKONG)
    assert_equivalent(_star(12, measured=True), routed)


def test_a_measurement_followed_by_more_work_stays_in_place():
    circuit = _star(10, measured=True, mid_measure=True)
    physical = apply_layout(circuit, np.arange(10) * 7 % 71, WUKONG)
    routed, stats = route_circuit(physical, WUKONG, seeds=range(2))
    assert stats["swaps"] > 0
    first = next(k for k, op in enumerate(routed) if op.name == "measure")
    assert routed.op_qubits(first) == (int(physical.initial_layout[0]),)
    assert any(op.name == "swap" for op in list(routed)[first:])
    assert_routed(circuit, routed, WUKONG, simulate=False)


def test_final_measurements_are_told_apart_from_others():
    from jingu.passes.routing.sabre import routing_problem
    from jingu.passes.routing.sabre_kernels import TERMINAL

    b = CircuitBuilder(6, 4)
    b.append("cx", (0, 5))                               # 0: needs routing
    b.append("measure", (0,), clbits=(0,))               # 1: its bit is read later
    b.append("x", (1,), condition=Condition(0, 1, 1))    # 2
    b.append("measure", (1,), clbits=(1,))               # 3: its bit is written again (6)
    b.append("measure", (2,), clbits=(2,))               # 4: its qubit is measured again
    b.append("measure", (2,), clbits=(3,))               # 5: final
    b.append("measure", (3,), clbits=(1,))               # 6: final
    b.append("measure", (4,), clbits=(2,))               # 7: its bit is read by 8
    b.append("measure", (5,), clbits=(0,), condition=Condition(2, 1, 0))  # 8: conditioned
    circuit = b.build()
    kind = routing_problem(apply_layout(circuit, np.arange(6) * 13 % 71, WUKONG), WUKONG)[0]
    assert [k for k in range(len(circuit)) if kind[k] == TERMINAL] == [5, 6]
    b.append("barrier", ())                              # orders every qubit: none final
    kind = routing_problem(apply_layout(b.build(), np.arange(6) * 13 % 71, WUKONG), WUKONG)[0]
    assert TERMINAL not in kind.tolist()


def test_a_gate_repeating_the_pair_before_it_is_marked_for_lookahead():
    from jingu.passes.routing.sabre import routing_problem
    from jingu.passes.routing.sabre_kernels import FOLLOWER

    b = CircuitBuilder(4)
    b.append("cx", (0, 3))     # 0
    b.append("h", (0,))        # 1
    b.append("cx", (3, 0))     # 2: same pair, one-qubit gates between: follower
    b.append("cx", (3, 1))     # 3
    b.append("cx", (0, 3))     # 4: qubit 3 met qubit 1 in between: not a follower
    b.append("measure", (0,))  # 5 (no bit: a measurement all the same)
    b.append("cx", (0, 3))     # 6: a measurement in between: not a follower
    b.append("cz", (0, 3))     # 7: follower
    circuit = b.build()
    physical = apply_layout(circuit, np.array([0, 30, 2, 71]), WUKONG)
    kind = routing_problem(physical, WUKONG, commutation=False)[0]
    assert [k for k in range(len(circuit)) if kind[k] == FOLLOWER] == [2, 7]


@pytest.mark.parametrize("style", ["classic", "layer", "mixed"])
def test_every_lookahead_style_routes_correctly(style):
    circuit = random_circuit(12, 140, seed=8, gates=["cx", "cp", "h", "rzz", "swap"])
    unrolled, _ = compile_with(circuit, WUKONG, "unroll")
    routed, ctx = compile_with(
        circuit, WUKONG, f"unroll,sabre-layout{{lookahead_style={style},trials=4}},"
                         f"sabre-route{{lookahead_style={style},trials=4}}", seed=2)
    assert ctx.properties["swaps"] > 0
    assert_equivalent(unrolled, routed)


@pytest.mark.parametrize("pass_name", ["sabre-route", "sabre-layout"])
def test_an_unknown_lookahead_style_is_an_error_that_names_the_choices(pass_name):
    from jingu.errors import PipelineError

    circuit = random_circuit(6, 30, seed=1, gates=["cx"])
    with pytest.raises(PipelineError, match="classic, layer or mixed"):
        compile_with(circuit, WUKONG,
                     f"unroll,trivial-layout,{pass_name}{{lookahead_style=fancy}},sabre-route")


def _counting_trials(monkeypatch):
    """Count the trials the SABRE passes actually run."""
    from jingu.passes.routing import sabre

    ran = []
    real = sabre.run_trials

    def counted(count, work, call):
        ran.append(count)
        return real(count, work, call)

    monkeypatch.setattr(sabre, "run_trials", counted)
    return ran


def test_routing_trials_are_run_once_per_compile(monkeypatch):
    """A level and its floor level share ``ctx.scratch``: the floor's trials (a prefix of
    the level's) are not run again, and the result is the one a fresh run gives."""
    ran = _counting_trials(monkeypatch)
    physical = apply_layout(random_circuit(14, 160, seed=3, gates=["cx", "h", "cp"]),
                            np.arange(14) * 5 % 71, WUKONG)
    scratch = {}
    big = SabreRoute(trials=12).run(physical, PassContext(target=WUKONG, seed=5,
                                                          scratch=scratch))
    assert sum(ran) == 12
    small = SabreRoute(trials=4).run(physical, PassContext(target=WUKONG, seed=5,
                                                           scratch=scratch))
    assert sum(ran) == 12
    fresh = SabreRoute(trials=4).run(physical, PassContext(target=WUKONG, seed=5))
    assert sum(ran) == 16
    assert _digest(small) == _digest(fresh)
    assert _digest(big) == _digest(SabreRoute(trials=12).run(
        physical, PassContext(target=WUKONG, seed=5)))


def test_layout_trials_are_run_once_per_compile(monkeypatch):
    from jingu.passes.layout.sabre_layout import SabreLayout

    ran = _counting_trials(monkeypatch)
    circuit, _ = compile_with(random_circuit(16, 200, seed=4, gates=["cx", "h"]), WUKONG,
                              "unroll")
    scratch = {}
    SabreLayout(trials=8).run(circuit, PassContext(target=WUKONG, seed=2, scratch=scratch))
    assert sum(ran) == 8
    shared = SabreLayout(trials=4).run(circuit, PassContext(target=WUKONG, seed=2,
                                                            scratch=scratch))
    assert sum(ran) == 8
    fresh = SabreLayout(trials=4).run(circuit, PassContext(target=WUKONG, seed=2))
    assert np.array_equal(shared.initial_layout, fresh.initial_layout)


def test_big_circuits_get_fewer_routing_trials(monkeypatch):
    ran = _counting_trials(monkeypatch)
    circuit = random_circuit(12, 120, seed=6, gates=["cx"])
    physical = apply_layout(circuit, np.arange(12) * 6 % 71, WUKONG)
    routed = SabreRoute(trials=16, work_limit=120 * 5).run(
        physical, PassContext(target=WUKONG, seed=1))
    assert ran == [5]
    SabreRoute(trials=16, work_limit=10).run(physical, PassContext(target=WUKONG, seed=1))
    assert ran[-1] == 2  # never fewer than two: one per lookahead style
    assert_routed(circuit, routed, WUKONG, simulate=False)
