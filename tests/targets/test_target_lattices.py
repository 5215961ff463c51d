"""Lattice generators: sizes, edge counts and shapes against formulas and Qiskit."""

from __future__ import annotations

import networkx as nx
import pytest

from jingu.errors import TargetError
from jingu.targets import load_target
from jingu.targets.lattices import MAX_QUBITS, grid, heavy_hex, line, parse_generator, ring


def graph(lattice):
    g = nx.Graph()
    g.add_nodes_from(range(lattice.num_qubits))
    g.add_edges_from(lattice.pairs)
    return g


@pytest.mark.parametrize("rows,cols", [(1, 1), (1, 5), (3, 4), (12, 6), (7, 7)])
def test_grid(rows, cols):
    lat = grid(rows, cols)
    assert lat.num_qubits == rows * cols
    assert len(lat.pairs) == rows * (cols - 1) + (rows - 1) * cols
    assert nx.is_isomorphic(graph(lat), nx.grid_2d_graph(rows, cols))
    assert list(lat.pairs) == sorted(set(lat.pairs))


@pytest.mark.parametrize("d", [1, 3, 5, 7, 9])
def test_heavy_hex_sizes(d):
    lat = heavy_hex(d)
    g = graph(lat)
    assert lat.num_qubits == (5 * d * d - 2 * d - 1) // 2
    assert len(lat.pairs) == len(set(lat.pairs)) == 3 * d * d - 2 * d - 1
    assert max(dict(g.degree()).values(), default=0) <= 3
    assert nx.is_connected(g) and nx.is_bipartite(g)
    if d >= 3:
        # heavy: no two qubits of degree 3 are neighbours (a qubit sits on every edge)
        for a, b in g.edges:
            assert not (g.degree(a) == 3 and g.degree(b) == 3)
        assert sum(k == 3 for _, k in g.degree()) == (d - 1) ** 2  # as in Qiskit's heavy-hex


@pytest.mark.parametrize("d", [3, 5])
def test_heavy_hex_matches_qiskit(d):
    transpiler = pytest.importorskip("qiskit.transpiler")
    cm = transpiler.CouplingMap.from_heavy_hex(d, bidirectional=False)
    ref = nx.Graph(list(cm.get_edges()))
    assert nx.is_isomorphic(graph(heavy_hex(d)), ref)


def test_line_and_ring():
    assert nx.is_isomorphic(graph(line(6)), nx.path_graph(6))
    assert nx.is_isomorphic(graph(ring(7)), nx.cycle_graph(7))
    assert len(line(1).pairs) == 0 and len(ring(3).pairs) == 3
    sites = ring(12).sites  # unit spacing between neighbours
    for a, b in ring(12).pairs:
        (x1, y1), (x2, y2) = sites[a], sites[b]
        assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 == pytest.approx(1.0, rel=0.02)


@pytest.mark.parametrize("spec,qubits,couplers", [
    ("grid:3x4", 12, 17), ("GRID:2X2", 4, 4), ("heavy-hex:3", 19, 20), ("line:5", 5, 4),
    ("ring:8", 8, 8), (" grid : 12x6 ", 72, 126)])
def test_generator_specs_load_as_targets(spec, qubits, couplers):
    t = load_target(spec)
    assert (t.num_qubits, t.num_couplers) == (qubits, couplers)
    assert t.nominal and t.pulse is not None and t.basis >= {"rphi", "rz", "cz"}


@pytest.mark.parametrize("spec,fragment", [
    ("grid:3", "expected grid:RxC"), ("grid:0x3", "sizes must be positive"),
    ("heavy-hex:4", "must be odd"), ("ring:2", "ring:N"), ("line:x", "whole number"),
    ("line:0", "sizes must be positive"), ("grid:100x100", f"limited to {MAX_QUBITS}")])
def test_bad_generator_specs(spec, fragment):
    with pytest.raises(TargetError, match=fragment):
        load_target(spec)


def test_generated_name_is_canonical():
    assert parse_generator("Grid: 3 x 4").name == "grid:3x4"
    assert load_target("GRID:3X4") is load_target("grid:3x4")  # built once, shared
