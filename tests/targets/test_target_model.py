"""The Target: wukong72 facts, derived arrays against independent computations, holes."""

from __future__ import annotations

import pickle

import networkx as nx
import numpy as np
import pytest

from jingu.errors import CompileError, TargetError
from jingu.targets import UNREACHABLE, UNREACHABLE_COST, load_target
from jingu.targets.paths import all_pairs


@pytest.fixture(scope="module")
def wukong():
    return load_target("wukong72")


def rc(q):
    return divmod(q, 6)


def test_wukong72_lattice(wukong):
    assert wukong.num_qubits == 72 and wukong.num_couplers == 126
    expected = {(q, q + 1) for q in range(72) if q % 6 != 5} | {(q, q + 6) for q in range(66)}
    assert {tuple(p) for p in wukong.pairs.tolist()} == expected
    for q in range(72):
        r, c = rc(q)
        assert tuple(wukong.sites[q]) == (c, r)
    degree = wukong.adjacency.sum(axis=1)
    for q in range(72):
        r, c = rc(q)
        assert degree[q] == (r > 0) + (r < 11) + (c > 0) + (c < 5)
    assert sorted(np.bincount(degree).tolist()) == sorted([0, 0, 4, 28, 40])
    assert wukong.basis == {"rphi", "rz", "cz", "measure", "reset", "barrier", "delay"}
    assert wukong.durations["rphi"] == 30 and wukong.durations["cz"] == 60
    assert wukong.durations["measure"] == 1500 and wukong.durations["rz"] == 0
    assert wukong.nominal and "NOMINAL" in wukong.description


def test_wukong72_distances_are_manhattan(wukong):
    r, c = np.divmod(np.arange(72), 6)
    manhattan = np.abs(r[:, None] - r[None, :]) + np.abs(c[:, None] - c[None, :])
    assert np.array_equal(wukong.distance, manhattan)
    assert wukong.distance[0, 71] == 16 == 5 + 11
    assert wukong.distance.dtype == np.int32


def test_error_distance_matches_networkx_dijkstra(wukong):
    g = wukong.graph
    lengths = dict(nx.all_pairs_dijkstra_path_length(g, weight="weight"))
    for a in range(0, 72, 7):
        for b in range(72):
            assert wukong.error_distance[a, b] == pytest.approx(lengths[a][b], abs=1e-12)
    # the weight is -log(CZ fidelity); the path error is the product of fidelities
    path = nx.dijkstra_path(g, 0, 71, weight="weight")
    fid = np.prod([1 - g.edges[u, v]["cz_error"] for u, v in zip(path, path[1:])])
    assert np.exp(-wukong.error_distance[0, 71]) == pytest.approx(fid, rel=1e-12)
    assert np.array_equal(wukong.swap_cost, 3 * wukong.error_distance)


def test_coupler_index_adjacency_and_graph_agree(wukong):
    ci, adj = wukong.coupler_index, wukong.adjacency
    assert np.array_equal(ci >= 0, adj) and np.array_equal(adj, adj.T)
    assert adj.sum() == 2 * 126
    for c, (a, b) in enumerate(wukong.pairs.tolist()):
        assert ci[a, b] == ci[b, a] == c and wukong.is_coupled(a, b)
    assert not wukong.is_coupled(0, 7) and not wukong.is_coupled(0, 72)
    g = wukong.graph
    assert (g.number_of_nodes(), g.number_of_edges()) == (72, 126)
    assert g.nodes[17]["t1"] == wukong.t1[17] and g.edges[0, 6]["index"] == ci[0, 6]
    assert g.edges[0, 6]["cz_error"] == wukong.cz_error[ci[0, 6]]
    with pytest.raises(nx.NetworkXError):
        g.add_edge(0, 7)  # frozen


def test_target_is_immutable(wukong):
    with pytest.raises(AttributeError):
        wukong.name = "other"
    for array in (wukong.t1, wukong.cz_error, wukong.distance, wukong.adjacency,
                  wukong.pulse.qubit["pi_amplitude"]):
        with pytest.raises(ValueError):
            array[0] = 0


def test_disabling_a_row_leaves_two_pieces(wukong):
    row6 = list(range(36, 42))  # rows 0-5 above it, rows 7-11 below
    t = wukong.with_disabled(qubits=row6)
    assert [len(p) for p in t.components()] == [36, 30]
    assert t.components()[0] == tuple(range(36))
    assert t.live_qubits.tolist() == [q for q in range(72) if q not in row6]
    assert t.distance[0, 71] == UNREACHABLE and t.distance[0, 35] == 5 + 5
    assert np.isinf(t.error_distance[0, 71]) and t.swap_cost[0, 71] == UNREACHABLE_COST
    assert (t.distance[36] == UNREACHABLE).all() and (t.distance[:, 40] == UNREACHABLE).all()
    assert not t.is_coupled(30, 36) and not t.is_coupled(36, 37)
    assert t.graph.number_of_nodes() == 66 and 36 not in t.graph
    # 6 couplers inside the row, 6 above it and 6 below it are dead with it
    assert t.coupler_live.sum() == 126 - 5 - 12
    t.check_fits(36)
    with pytest.raises(CompileError) as info:
        t.check_fits(37)
    assert "37" in str(info.value) and "36" in str(info.value)
    assert "2 pieces" in str(info.value)
    # the original target is unchanged
    assert wukong.largest_piece == 72 and len(wukong.components()) == 1


def test_cutting_couplers_between_rows(wukong):
    cut = [(30 + c, 36 + c) for c in range(6)]
    t = wukong.with_disabled(couplers=cut)
    assert [len(p) for p in t.components()] == [36, 36]
    assert t.dead_couplers == {int(wukong.coupler_index[a, b]) for a, b in cut}
    assert t.distance[30, 36] == UNREACHABLE and t.distance[30, 31] == 1
    by_index = wukong.with_disabled(couplers=sorted(t.dead_couplers))
    assert by_index == t


def test_check_fits_on_a_whole_chip(wukong):
    wukong.check_fits(72)
    with pytest.raises(CompileError, match=r"uses 73 qubits but wukong72 has 72 qubits"):
        wukong.check_fits(73)


def test_disable_out_of_range(wukong):
    with pytest.raises(TargetError, match="qubit 72"):
        wukong.with_disabled(qubits=[72])
    with pytest.raises(TargetError, match="coupler 126"):
        wukong.with_disabled(couplers=[126])
    with pytest.raises(TargetError, match="no coupler between qubits 0 and 7"):
        wukong.with_disabled(couplers=[(0, 7)])


def test_isolated_qubit_is_its_own_piece(wukong):
    t = wukong.with_disabled(couplers=[(0, 1), (0, 6)])
    assert [len(p) for p in t.components()] == [71, 1]
    assert t.components()[1] == (0,)
    assert t.distance[0, 0] == 0 and t.distance[0, 1] == UNREACHABLE


def test_durations_per_coupler_and_basis_override(wukong):
    assert wukong.duration("cz", (0, 1)) == 60.0 and wukong.duration("rphi") == 30.0
    with pytest.raises(TargetError, match="not a native operation"):
        wukong.duration("cx")
    cloud = wukong.with_basis("origin-cloud")
    assert cloud.basis == {"x1", "rz", "cz", "measure", "reset", "barrier", "delay"}
    other = load_target("wukong72", basis=["cz", "rz", "sx", "x"])
    assert {"sx", "x", "cz", "rz", "measure"} <= other.basis and "rphi" not in other.basis
    assert other.durations["sx"] == other.durations["x"] == 30.0 and other.durations["rz"] == 0
    assert load_target("wukong72", basis="cz,u3").durations["u3"] == 30.0
    assert load_target("wukong72", basis="cz,rz,s").durations["s"] == 0.0  # virtual
    with pytest.raises(TargetError, match="did you mean 'rxx'"):
        load_target("wukong72", basis=["cz", "rxx1"])


def test_round_trip_through_toml(tmp_path, wukong):
    variants = [wukong, wukong.with_disabled(qubits=[3, 40], couplers=[5, (60, 66)]),
                wukong.with_basis(["cz", "rz", "sx", "x"]), load_target("heavy-hex:3"),
                load_target("ring:5")]
    for i, t in enumerate(variants):
        path = tmp_path / f"t{i}.toml"
        path.write_text(t.to_toml())
        back = load_target(path)
        assert back == t and back.to_dict() == t.to_dict()
        assert back.basis == t.basis and back.dead_qubits == t.dead_qubits
        assert np.array_equal(back.distance, t.distance)
        assert np.array_equal(back.pulse.coupler["g_qc"], t.pulse.coupler["g_qc"],
                              equal_nan=True)
    assert variants[0] != variants[1]


def test_pickle_round_trip(wukong):
    t = wukong.with_disabled(qubits=[7]).with_basis("origin-cloud")
    back = pickle.loads(pickle.dumps(t))
    assert back == t and back.basis == t.basis and back.dead_qubits == {7}


def test_dense_and_dijkstra_paths_agree():
    rng = np.random.default_rng(5)
    n = 90
    pairs = np.array([(a, b) for a in range(n) for b in range(a + 1, n) if rng.random() < 0.03])
    weights = rng.uniform(0.0, 2.0, len(pairs))
    dense = all_pairs(n, pairs, weights, method="dense")
    sparse = all_pairs(n, pairs, weights, method="dijkstra")
    assert np.isinf(dense).any()  # several pieces
    assert np.array_equal(np.isinf(dense), np.isinf(sparse))
    finite = np.isfinite(dense)
    assert np.allclose(dense[finite], sparse[finite], atol=1e-12)
    g = nx.Graph()
    g.add_nodes_from(range(n))
    for (a, b), w in zip(pairs.tolist(), weights):
        g.add_edge(a, b, weight=w)
    ref = dict(nx.all_pairs_dijkstra_path_length(g))
    for a in range(0, n, 11):
        for b, d in ref[a].items():
            assert dense[a, b] == pytest.approx(d, abs=1e-12)


def test_large_generated_lattice_uses_the_kernel():
    t = load_target("grid:20x20")  # 400 qubits, above the dense limit
    r, c = np.divmod(np.arange(400), 20)
    manhattan = np.abs(r[:, None] - r[None, :]) + np.abs(c[:, None] - c[None, :])
    assert np.array_equal(t.distance, manhattan)
