"""elide-permutations: a program's swaps become a relabelling recorded in the final layout."""

from __future__ import annotations

import jingu
import numpy as np
from jingu.circuit import CircuitBuilder, Condition
from jingu.passes.optimize.permutations import elide_permutations
from jingu.random_circuits import random_circuit
from jingu.simulate import equivalent


def _with_swaps(num_qubits: int, seed: int) -> "jingu.Circuit":
    rng = np.random.default_rng(seed)
    b = CircuitBuilder(num_qubits)
    for op in random_circuit(num_qubits, 25, seed=seed):
        b.append(op.name, op.qubits, op.params)
        if rng.random() < 0.3:
            a, c = rng.choice(num_qubits, 2, replace=False)
            b.append("swap", (int(a), int(c)))
    return b.build()


def test_random_circuits_with_swaps_stay_equivalent_through_the_final_layout():
    for seed in range(40):
        c = _with_swaps(4, seed)
        out = elide_permutations(c)
        assert "swap" not in out.count_ops()
        assert len(out) == len(c) - c.count_ops().get("swap", 0)
        assert equivalent(c, out)


def test_measurements_follow_their_qubit():
    b = CircuitBuilder(2, 2)
    b.append("x", (0,))
    b.append("swap", (0, 1))
    b.append("measure", (1,), (), (1,))
    b.append("measure", (0,), (), (0,))
    out = elide_permutations(b.build())
    ops = list(out)
    assert [op.name for op in ops] == ["x", "measure", "measure"]
    # the excited qubit (wire 0, never moved) is what clbit 1 reads, as in the input
    assert ops[1].qubits == (0,) and ops[1].clbits == (1,)
    assert out.final_layout.tolist() == [1, 0]


def test_conditioned_swaps_and_placed_circuits_are_left_alone():
    b = CircuitBuilder(2, 1)
    b.append("swap", (0, 1), condition=Condition(0, 1, 1))
    c = b.build()
    assert elide_permutations(c) is c
    placed = _with_swaps(3, 1).replace(initial_layout=np.array([0, 1, 2]),
                                      final_layout=np.array([0, 1, 2]))
    assert elide_permutations(placed) is placed


def test_compiled_qft_keeps_its_meaning_without_its_swaps(wukong):
    from jingu.bench.circuits import generate

    b = CircuitBuilder(6)
    for op in generate("qft", 6):
        if op.name != "measure":  # compare states, not just measurement statistics
            b.append(op.name, op.qubits, op.params)
    c = b.build()
    assert c.count_ops()["swap"] == 3
    for level in (1, 3):
        out = jingu.compile(c, wukong, optimization_level=level, seed=3).circuit
        assert equivalent(c, out)
    unmapped = jingu.compile(c, None, optimization_level=1).circuit
    assert "swap" not in unmapped.count_ops()
    assert unmapped.final_layout.tolist() == [5, 4, 3, 2, 1, 0]
    assert equivalent(c, unmapped)
