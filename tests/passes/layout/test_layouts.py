"""Layouts: known-optimal circuits come out without a single swap, impossibility is proved
without searching, layouts are scored by the chip's errors, and every layout + routing
result is checked structurally and (up to 12 qubits) by simulation."""

from __future__ import annotations

from itertools import pairwise

import networkx as nx
import numpy as np
import pytest
from jingu.circuit import CircuitBuilder
from jingu.errors import CompileError
from jingu.passes.layout.dense import dense_layout
from jingu.passes.layout.placement import (
    apply_layout,
    coupler_errors,
    layout_cost,
    qubit_errors,
    qubit_use,
    two_qubit_pairs,
    virtual_circuit,
)
from jingu.passes.layout.vf2 import perfect_layout
from jingu.passes.routing.checks import routing_violation
from jingu.passmanager import PassContext, run_pipeline
from jingu.random_circuits import random_circuit
from jingu.registry import build_pipeline
from jingu.simulate import assert_equivalent
from jingu.targets import load_target

WUKONG = load_target("wukong72")
HOLEY = load_target("wukong72", disable_qubits=[8, 45], disable_couplers=[(20, 21), (60, 66)])
FULL_PIPELINE = "unroll,vf2-layout,sabre-layout,sabre-route"


def compile_with(circuit, target, pipeline=FULL_PIPELINE, seed=0):
    ctx = PassContext(target=target, seed=seed)
    return run_pipeline(circuit, build_pipeline(pipeline), ctx), ctx


def check(original, routed, target):
    why = routing_violation(original, routed, target)
    assert why is None, why
    if original.num_qubits <= 12:
        assert_equivalent(original, routed)


def snake(rows=12, cols=6):
    path = []
    for r in range(rows):
        cols_in_order = range(cols) if r % 2 == 0 else range(cols - 1, -1, -1)
        path += [r * cols + c for c in cols_in_order]
    return path


def relabelled(edges_in_order, num_qubits, seed, one_qubit=True):
    """A circuit made of gates on the given physical couplers (in order), with its qubit
    labels shuffled: a swap-free layout exists by construction."""
    rng = np.random.default_rng(seed)
    label = rng.permutation(num_qubits)
    b = CircuitBuilder(num_qubits)
    for a, c in edges_in_order:
        if one_qubit:
            b.append("h", (int(label[a]),))
        b.append("cz" if rng.random() < 0.5 else "cx", (int(label[a]), int(label[c])))
    return b.build()


def zero_swaps(circuit, target, seed=0):
    routed, ctx = compile_with(circuit, target, seed=seed)
    assert routed.count_ops().get("swap", 0) == 0, ctx.properties
    check(circuit, routed, target)
    return ctx


# ----------------------------------------------------------------------------------------
# known-optimal circuits


@pytest.mark.parametrize("seed", range(3))
def test_ghz_chain_of_72_along_a_snake_needs_no_swap(seed):
    path = snake()
    circuit = relabelled(list(pairwise(path)), 72, seed)
    ctx = zero_swaps(circuit, WUKONG, seed)
    assert ctx.properties["layout_method"] == "vf2-layout"


@pytest.mark.parametrize("seed", range(3))
def test_2d_nearest_neighbour_layers_need_no_swap(seed):
    rng = np.random.default_rng(seed)
    couplers = list(WUKONG.graph.edges)
    layers = [couplers[i] for i in rng.permutation(len(couplers))] * 2
    zero_swaps(relabelled(layers, 72, seed), WUKONG, seed)


@pytest.mark.parametrize("seed", range(6))
def test_circuits_on_a_region_of_the_lattice_need_no_swap(seed):
    """Random couplers of a random rectangle, relabelled into a circuit of its size."""
    rng = np.random.default_rng(seed)
    rows, cols = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    r0, c0 = int(rng.integers(0, 12 - rows + 1)), int(rng.integers(0, 6 - cols + 1))
    sites = [(r0 + r) * 6 + c0 + c for r in range(rows) for c in range(cols)]
    index = {q: i for i, q in enumerate(sites)}
    region = WUKONG.graph.subgraph(sites)
    edges = [(index[a], index[b]) for a, b in region.edges if rng.random() < 0.7]
    edges = [edges[i] for i in rng.permutation(len(edges))] * 2
    if not edges:
        edges = [(0, 1)]
    zero_swaps(relabelled(edges, len(sites), seed), WUKONG, seed)


@pytest.mark.parametrize("seed", range(3))
def test_known_optimal_circuits_on_a_chip_with_holes(seed):
    rng = np.random.default_rng(seed)
    live = HOLEY.graph
    start = int(rng.choice(list(live)))
    tree = nx.bfs_tree(live, start)
    nodes = list(tree)[:10]
    sub = live.subgraph(nodes)
    index = {q: i for i, q in enumerate(nodes)}
    edges = [(index[a], index[b]) for a, b in sub.edges]
    zero_swaps(relabelled(edges * 2, len(nodes), seed), HOLEY, seed)


def ring_circuit(length, seed, layers=2):
    """cx around a ring of ``length`` qubits (as an ansatz with circular entanglement),
    with one-qubit rotations between layers and the labels shuffled."""
    rng = np.random.default_rng(seed)
    label = rng.permutation(length)
    b = CircuitBuilder(length)
    for _ in range(layers):
        for q in range(length):
            b.append("ry", (int(label[q]),), (float(rng.uniform(0, 3)),))
        b.append("cx", (int(label[length - 1]), int(label[0])))
        for q in range(length - 1):
            b.append("cx", (int(label[q]), int(label[q + 1])))
    return b.build()


@pytest.mark.parametrize("length", [4, 6, 10, 12, 16, 24, 32, 46, 64, 72])
def test_rings_of_every_even_length_need_no_swap(length):
    """Every even cycle up to 72 exists on the 12 x 6 lattice (32: its rim; 72: through
    every qubit)."""
    ctx = zero_swaps(ring_circuit(length, length), WUKONG, seed=length)
    assert ctx.properties["layout_method"] == "vf2-layout"


@pytest.mark.parametrize("length", [8, 30, 62])
def test_rings_on_a_chip_with_holes_need_no_swap(length):
    # HOLEY keeps 35 sites of each colour of the chequerboard: cycles up to 70 fit
    ctx = zero_swaps(ring_circuit(length, length + 1), HOLEY, seed=length)
    assert ctx.properties["layout_method"] == "vf2-layout"


def test_a_ring_longer_than_the_scarcer_colour_allows_is_proved_impossible():
    one_sided = load_target("wukong72", disable_qubits=[14, 28, 38])  # 33 sites of a colour
    layout, status = perfect_layout(ring_circuit(68, 1, layers=1), one_sided)
    assert layout is None and status.startswith("impossible") and "colour" in status
    layout, status = perfect_layout(ring_circuit(66, 1, layers=1), one_sided)
    assert status == "found"


@pytest.mark.parametrize("n", [50, 72])
def test_the_bench_lattice_family_needs_no_swap(n):
    """Random matchings of a patch of the chip's couplers: a sparse pattern whose
    distances run far beyond the chip's diameter, so the search must keep their parity
    (not that of the diameter) when it prunes by distance."""
    from jingu.bench.circuits import generate

    circuit = generate("lattice", n, graph=WUKONG.graph)
    unrolled, _ = compile_with(circuit, WUKONG, "unroll")
    assert perfect_layout(unrolled, WUKONG)[1] == "found"
    ctx = zero_swaps(unrolled, WUKONG, n)
    assert ctx.properties["layout_method"] == "vf2-layout"


def test_brickwork_on_a_line_needs_no_swap():
    b = CircuitBuilder(30)
    for layer in range(6):
        for q in range(layer % 2, 29, 2):
            b.append("rzz", (q, q + 1), (0.3 + q,))
    zero_swaps(b.build(), WUKONG)


# ----------------------------------------------------------------------------------------
# the perfect-layout search


def _pattern_circuit(edges, n):
    b = CircuitBuilder(n)
    for a, c in edges:
        b.append("cz", (a, c))
    return b.build()


@pytest.mark.parametrize("edges, n, reason", [
    ([(0, 1), (1, 2), (2, 0)], 3, "odd cycle"),
    ([(0, k) for k in range(1, 6)], 6, "interacts with 5"),
    ([(0, 2), (0, 3), (0, 4), (1, 2), (1, 3), (1, 4)], 5, "share 3 interaction partners"),
    (list(nx.convert_node_labels_to_integers(nx.grid_2d_graph(6, 8, periodic=True)).edges),
     48, "degree sequence"),  # a torus: 48 qubits of degree 4, the lattice has 40
])
def test_impossible_embeddings_are_proved_not_searched(edges, n, reason):
    layout, status = perfect_layout(_pattern_circuit(edges, n), WUKONG)
    assert layout is None
    assert status.startswith("impossible") and reason in status


def test_too_many_interacting_qubits_for_the_piece_is_a_compile_error():
    cut = [(q, q + 6) for q in range(30, 36)]
    split = load_target("wukong72", disable_couplers=cut)
    chain = [(q, q + 1) for q in range(40)]
    with pytest.raises(CompileError, match="41 interacting qubits.*36"):
        perfect_layout(_pattern_circuit(chain, 41), split)


def test_a_perfect_layout_is_the_least_error_one_found():
    """One interacting pair: every coupler embeds it; the search must pick the coupler (and
    qubits) with the least error, as scored by the target's calibration."""
    circuit = _pattern_circuit([(0, 1)] * 3, 2)
    layout, status = perfect_layout(circuit, WUKONG, max_solutions=10**6, time_limit=10.0)
    assert status == "found"
    q0, q1 = two_qubit_pairs(circuit)
    use = qubit_use(circuit, 2).astype(float)
    qerr, cerr = qubit_errors(WUKONG), coupler_errors(WUKONG)
    best = min(layout_cost(np.array(pair), q0, q1, use, qerr, cerr)
               for a, b in WUKONG.graph.edges for pair in ((a, b), (b, a)))
    assert layout_cost(layout, q0, q1, use, qerr, cerr) == pytest.approx(best)


def test_vf2_layout_falls_back_to_dense_and_says_so():
    circuit = _pattern_circuit([(0, 1), (1, 2), (2, 0), (2, 3)], 4)
    routed, ctx = compile_with(circuit, WUKONG, "unroll,vf2-layout,sabre-route")
    assert ctx.properties["vf2_layout"].startswith("impossible")
    assert "fallback" in ctx.properties["layout_method"]
    check(circuit, routed, WUKONG)


# ----------------------------------------------------------------------------------------
# trivial, dense and SABRE layouts


def test_trivial_layout_is_the_identity_and_skips_holes():
    circuit = random_circuit(5, 20, seed=1, gates=["cx", "h"])
    out, _ = compile_with(circuit, WUKONG, "unroll,trivial-layout")
    assert out.initial_layout.tolist() == [0, 1, 2, 3, 4]
    out, _ = compile_with(circuit, load_target("wukong72", disable_qubits=[1, 3]),
                          "unroll,trivial-layout")
    assert out.initial_layout.tolist() == [0, 2, 4, 5, 6]
    assert np.array_equal(virtual_circuit(out).qubits, circuit.qubits)


def test_dense_layout_keeps_interacting_qubits_together():
    circuit = random_circuit(20, 300, seed=3, gates=["cx"])
    for target in (WUKONG, HOLEY):
        layout = dense_layout(circuit, target)
        assert len(set(layout.tolist())) == 20
        assert nx.is_connected(target.graph.subgraph(layout.tolist()))


@pytest.mark.parametrize("target", [WUKONG, HOLEY], ids=["full", "holes"])
@pytest.mark.parametrize("n", [4, 7, 12])
def test_every_layout_then_routing_is_correct(n, target):
    circuit = random_circuit(n, 10 * n, seed=n, gates=["cx", "cp", "h", "rz", "ccx"])
    unrolled, _ = compile_with(circuit, target, "unroll")
    for layout in ("trivial-layout", "dense-layout", "vf2-layout", "sabre-layout"):
        routed, _ = compile_with(circuit, target, f"unroll,{layout},sabre-route", seed=n)
        check(unrolled, routed, target)


def test_sabre_layout_beats_the_trivial_layout():
    totals = {"trivial-layout": 0, "sabre-layout": 0}
    for seed in range(4):
        circuit = random_circuit(20, 200, seed=seed, gates=["cx"])
        for layout in totals:
            routed, _ = compile_with(circuit, WUKONG, f"unroll,{layout},sabre-route", seed)
            totals[layout] += routed.count_ops().get("swap", 0)
    assert totals["sabre-layout"] < totals["trivial-layout"]


def test_sabre_layout_keeps_a_swap_free_layout_and_is_deterministic():
    path = snake()
    circuit = relabelled(list(pairwise(path[:41])), 72, 5, one_qubit=False)
    after_vf2, _ = compile_with(circuit, WUKONG, "unroll,vf2-layout")
    kept, _ = compile_with(after_vf2, WUKONG, "unroll,sabre-layout")
    assert kept is after_vf2
    one, _ = compile_with(random_circuit(15, 150, seed=1, gates=["cx"]), WUKONG,
                          "unroll,sabre-layout", seed=3)
    two, _ = compile_with(random_circuit(15, 150, seed=1, gates=["cx"]), WUKONG,
                          "unroll,sabre-layout", seed=3)
    assert np.array_equal(one.initial_layout, two.initial_layout)


def test_layouts_round_trip_through_virtual_circuits():
    circuit = random_circuit(6, 30, seed=2, gates=["cx", "h"])
    layout = np.array([40, 3, 17, 71, 0, 22])
    physical = apply_layout(circuit, layout, WUKONG)
    assert physical.num_qubits == 72
    assert np.array_equal(physical.initial_layout, layout)
    back = virtual_circuit(physical)
    assert back.num_qubits == 6 and np.array_equal(back.qubits, circuit.qubits)


def test_layout_work_is_bounded_by_fewer_trials_then_fewer_iterations():
    from jingu.passes.layout.sabre_layout import layout_budget

    assert layout_budget(16, 3, 100, 85000) == (16, 3)          # small: as asked
    assert layout_budget(16, 3, 1281, 85000) == (8, 3)          # fewer trials first
    assert layout_budget(16, 3, 7776, 85000) == (2, 1)          # then fewer iterations
    assert layout_budget(16, 3, 10**6, 85000) == (1, 1)         # then one trial
    assert layout_budget(1, 0, 10**6, 85000) == (1, 0)
    for gates in (50, 700, 3000, 7776, 20000):
        trials, iterations = layout_budget(16, 3, gates, 85000)
        if trials > 1:
            assert trials * (2 * iterations + 2) * gates <= 85000


def _qft(n):
    import math

    b = CircuitBuilder(n)
    for j in range(n):
        b.append("h", (j,))
        for k in range(j + 1, n):
            b.append("cp", (k, j), (math.pi / 2 ** (k - j),))
    return b.build()


def test_a_mixed_layout_search_beats_either_lookahead_style_alone():
    """The mixed search's variants (commutation-aware or plain DAG, classic or layer
    lookahead) find better QFT layouts than a search in one style (summed over seeds)."""
    totals = {}
    for style in ("classic", "layer", "mixed"):
        totals[style] = 0
        for seed in range(3):
            routed, ctx = compile_with(
                _qft(30), WUKONG, f"unroll,sabre-layout{{lookahead_style={style},trials=8}},"
                                  "sabre-route{trials=8}", seed=seed)
            totals[style] += ctx.properties["swap_cz_estimate"]
    assert totals["mixed"] < min(totals["classic"], totals["layer"]), totals
    unrolled, _ = compile_with(_qft(30), WUKONG, "unroll")
    assert routing_violation(unrolled, routed, WUKONG) is None
