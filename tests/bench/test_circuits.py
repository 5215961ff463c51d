"""The built-in benchmark families: the right sizes and gates, deterministic, and each one
the circuit its name promises (checked by simulation)."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from jingu.bench.circuits import FAMILIES, generate
from jingu.simulate import simulate

QELIB = {"h", "x", "rx", "ry", "rz", "u3", "cx", "cz", "cu1", "ccx", "swap", "s", "sdg", "t",
         "tdg", "measure"}


def grid_graph(rows=12, cols=6):
    g = nx.Graph()
    for r in range(rows):
        for c in range(cols):
            q = cols * r + c
            g.add_node(q)
            if c + 1 < cols:
                g.add_edge(q, q + 1)
            if r + 1 < rows:
                g.add_edge(q, q + cols)
    return g


GRID = grid_graph()


def probabilities(circuit):
    return np.abs(simulate(circuit)) ** 2


def bits(index, n):
    """Qubit values of basis index (bit q is qubit q)."""
    return [(index >> q) & 1 for q in range(n)]


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_family_shape(name):
    fam = FAMILIES[name]
    for size in (5, 9, 16):
        n = fam.fit(size)
        c = generate(name, n, seed=3, graph=GRID)
        assert c.num_qubits == n and c.name == f"{name}-{n}"
        assert set(c.count_ops()) <= QELIB
        assert not c.parameters  # ansatz angles are bound
        measured = [op for op in c if op.name == "measure"]
        assert [op.qubits[0] for op in measured] == list(range(n))
        assert [op.clbits[0] for op in measured] == list(range(n))
        assert c.two_qubit_count() + c.count_ops().get("ccx", 0) > 0


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_family_is_deterministic(name):
    n = FAMILIES[name].fit(10)
    a, b = generate(name, n, seed=5, graph=GRID), generate(name, n, seed=5, graph=GRID)
    for col in ("opcodes", "qubits", "params"):
        assert np.array_equal(getattr(a, col), getattr(b, col))


def test_seed_changes_random_families():
    for name in ("random", "qv", "graph_state", "qaoa1", "lattice", "bv"):
        n = FAMILIES[name].fit(10)
        a, b = generate(name, n, seed=1, graph=GRID), generate(name, n, seed=2, graph=GRID)
        same = (len(a) == len(b) and np.array_equal(a.qubits, b.qubits)
                and np.allclose(a.params, b.params))
        assert not same, name


def test_fit_rounds_to_family_shape():
    assert FAMILIES["qaoa1"].fit(9) == 8
    assert FAMILIES["adder"].fit(11) == 10
    assert FAMILIES["grover"].fit(72) == 24
    assert FAMILIES["qft"].fit(1) is None


def test_ghz_state():
    p = probabilities(generate("ghz", 5))
    assert p[0] == pytest.approx(0.5) and p[31] == pytest.approx(0.5)


def test_w_state():
    n = 6
    p = probabilities(generate("w_state", n))
    for q in range(n):
        assert p[1 << q] == pytest.approx(1 / n)
    assert sum(p[1 << q] for q in range(n)) == pytest.approx(1.0)


def test_bernstein_vazirani_reveals_its_secret():
    c = generate("bv", 7, seed=4)
    secret = {op.qubits[0] for op in c if op.name == "cx"}
    p = probabilities(c)
    data = {i & 0b111111 for i in np.nonzero(p > 1e-9)[0].tolist()}
    assert data == {sum(1 << q for q in secret)}


def test_adder_adds():
    n = 10
    k = (n - 2) // 2
    c = generate("adder", n, seed=7)
    flipped = {op.qubits[0] for op in c if op.name == "x"}
    a = sum(1 << i for i in range(k) if 2 + 2 * i in flipped)
    b = sum(1 << i for i in range(k) if 1 + 2 * i in flipped)
    out = int(np.argmax(probabilities(c)))
    assert probabilities(c)[out] == pytest.approx(1.0)
    v = bits(out, n)
    total = sum(v[1 + 2 * i] << i for i in range(k)) + (v[n - 1] << k)
    assert total == a + b
    assert sum(v[2 + 2 * i] << i for i in range(k)) == a  # a is restored


def test_qpe_estimates_its_phase():
    n = 7
    c = generate("qpe", n, seed=2)
    phi = next(op.params[0] for op in c if op.name == "cu1") / (2 * math.pi)
    p = probabilities(c)
    m = n - 1
    counts = np.zeros(1 << m)
    for i, pr in enumerate(p):
        counts[i & ((1 << m) - 1)] += pr
    k = int(np.argmax(counts))
    # counting qubit j holds bit j of the estimate
    err = abs(k / 2**m - phi)
    assert min(err, 1 - err) <= 1 / 2**m


def test_amplitude_estimation_estimates_its_angle():
    n = 7
    m = n - 1
    c = generate("ae", n, seed=2)
    theta = next(op.params[0] for op in c if op.name == "ry") / 2  # A = RY(2 theta)
    p = probabilities(c)
    counts = np.zeros(1 << m)
    for i, pr in enumerate(p):
        counts[i & ((1 << m) - 1)] += pr
    k = int(np.argmax(counts))
    estimate = math.pi * k / 2**m  # k or 2^m - k: the two eigenphases
    assert min(abs(estimate - theta), abs(math.pi - estimate - theta)) <= math.pi / 2**m


def test_grover_finds_the_marked_string():
    n = 8
    k = (n + 2) // 2
    c = generate("grover", n, seed=9)
    p = probabilities(c)
    data = np.zeros(1 << k)
    for i, pr in enumerate(p):
        assert pr < 1e-9 or i >> k == 0  # ancillas come back to |0>
        data[i & ((1 << k) - 1)] += pr
    assert data.max() > 0.5


def test_lattice_circuit_embeds_in_the_target():
    for n in (6, 12, 20):
        c = generate("lattice", n, seed=11, graph=GRID)
        interaction = nx.Graph()
        interaction.add_nodes_from(range(n))
        interaction.add_edges_from(op.qubits for op in c if len(op.qubits) == 2)
        matcher = nx.algorithms.isomorphism.GraphMatcher(GRID, interaction)
        assert matcher.subgraph_is_monomorphic()
        # the labels are shuffled: the identity placement does not work
        assert not all(GRID.has_edge(*e) for e in interaction.edges())


def test_lattice_needs_a_graph():
    with pytest.raises(ValueError):
        generate("lattice", 8)
