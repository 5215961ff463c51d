"""Paths and rings of the chip: every cycle the walks return is a real cycle of the exact
length asked for, every even length that exists is found (on the full lattice and on
lattices with holes, where a cycle is planted by construction), and the answer depends on
the chip and the question only, never on what was asked before."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from jingu.passes.layout.paths import PieceWalks, two_colouring
from jingu.targets import load_target

WUKONG = load_target("wukong72")


def walks_of(target):
    piece = np.array(target.components()[0], dtype=np.int64)
    return PieceWalks(target, piece, np.zeros(target.num_qubits))


def assert_cycle(target, cycle, length):
    sites = cycle.tolist()
    assert len(sites) == length and len(set(sites)) == length
    assert all(target.adjacency[a, b] for a, b in zip(sites, sites[1:] + sites[:1]))


def rectangle_ring(r0, c0, rows, cols):
    """The boundary of a rows x cols block of the 12 x 6 lattice, in cyclic order."""
    top = [(r0, c0 + c) for c in range(cols)]
    right = [(r0 + r, c0 + cols - 1) for r in range(1, rows)]
    bottom = [(r0 + rows - 1, c0 + c) for c in range(cols - 2, -1, -1)]
    left = [(r0 + r, c0) for r in range(rows - 2, 0, -1)]
    return [6 * r + c for r, c in top + right + bottom + left]


def test_every_even_cycle_of_the_full_lattice_is_found():
    walks = walks_of(WUKONG)
    for length in range(4, 73, 2):
        cycles = walks.cycles(length, 2, 12000)
        assert cycles, length
        for cycle in cycles:
            assert_cycle(WUKONG, cycle, length)
        assert len({tuple(sorted(zip(c.tolist(), np.roll(c, -1).tolist()))) for c in cycles}) \
            == len(cycles)


def test_odd_and_oversized_rings_are_refused_without_walking():
    walks = walks_of(WUKONG)
    assert walks.cycles(9, 1, 12000) == [] and walks.cycles(74, 1, 12000) == []
    # dead qubits of one colour leave 33 of it: no cycle of 68 (34 of each colour)
    one_sided = walks_of(load_target("wukong72", disable_qubits=[14, 28, 38]))
    assert one_sided.colour_counts() == (36, 33)
    assert one_sided.cycles(68, 1, 10**9) == []


def comb_ring(rows):
    """A cycle through every site of rows 0..rows-1 (rows even): along row 0, snaking
    through columns 1..5 of the other rows, back up column 0."""
    ring = list(range(6))
    for r in range(1, rows):
        cols = range(5, 0, -1) if r % 2 else range(1, 6)
        ring += [6 * r + c for c in cols]
    return ring + [6 * r for r in range(rows - 1, 0, -1)]


@pytest.mark.parametrize("dead, ring", [
    ([14, 27, 40, 57], rectangle_ring(0, 0, 12, 6)),  # holes inside the 32-site rim
    ([63, 70], comb_ring(10)),                         # every site of rows 0..9
    ([0, 35, 71], rectangle_ring(1, 0, 10, 5)),        # holes around a 26-ring
    ([50, 67], comb_ring(8)),
])
def test_cycles_planted_on_a_lattice_with_holes_are_found(dead, ring):
    target = load_target("wukong72", disable_qubits=dead)
    assert not set(dead) & set(ring)
    assert_cycle(target, np.array(ring), len(ring))  # the plant is a real cycle
    found = walks_of(target).cycles(len(ring), 1, 12000)
    assert found
    assert_cycle(target, found[0], len(ring))


def test_answers_do_not_depend_on_earlier_questions():
    target = load_target("wukong72", disable_qubits=[8, 45], disable_couplers=[(20, 21)])
    fresh = walks_of(target).cycles(40, 3, 12000)
    used = walks_of(target)
    used.cycles(40, 1, 500)
    used.cycles(22, 2, 12000)
    again = used.cycles(40, 3, 12000)
    assert [c.tolist() for c in fresh] == [c.tolist() for c in again]


def test_long_paths_are_simple_paths_and_windows_slide_along_them():
    target = load_target("wukong72", disable_qubits=[8, 45])
    walks = walks_of(target)
    paths = walks.long_paths()
    assert paths and max(len(p) for p in paths) >= 60
    for p in paths:
        assert len(set(p.tolist())) == len(p)
        assert all(target.adjacency[a, b] for a, b in pairwise(p))
    rows = walks.windows(7)
    assert rows.shape[1] == 7 and len(rows) == 2 * sum(len(p) - 6 for p in paths)
    for row in rows:
        assert all(target.adjacency[a, b] for a, b in pairwise(row))


def test_two_colouring_finds_odd_cycles_and_components():
    assert two_colouring([[1, 2], [0, 2], [0, 1]]) is None
    colour, comp = two_colouring([[1], [0, 2], [1], [4], [3]])
    assert comp == [0, 0, 0, 1, 1]
    assert colour[0] != colour[1] and colour[1] != colour[2] and colour[3] != colour[4]


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(40))
def test_planted_cycles_survive_random_holes(seed):
    """A random rim or comb cycle, then dead qubits anywhere off it: the walks find a
    cycle of its length."""
    rng = np.random.default_rng(seed)
    if rng.random() < 0.5:
        rows, cols = int(rng.integers(2, 13)), int(rng.integers(2, 7))
        ring = rectangle_ring(int(rng.integers(0, 13 - rows)), int(rng.integers(0, 7 - cols)),
                              rows, cols)
    else:
        ring = comb_ring(2 * int(rng.integers(2, 7)))
    off = np.setdiff1d(np.arange(72), ring)
    dead = rng.choice(off, size=min(len(off), int(rng.integers(1, 5))), replace=False)
    target = load_target("wukong72", disable_qubits=dead.tolist())
    if not set(ring) <= set(target.components()[0]):
        pytest.skip("the holes cut the planted cycle off the largest piece")
    found = walks_of(target).cycles(len(ring), 1, 12000)
    assert found
    assert_cycle(target, found[0], len(ring))
