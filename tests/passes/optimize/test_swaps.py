"""absorb-swaps: swaps at the ends of a circuit go into the layouts."""

from __future__ import annotations

import numpy as np
import pytest

from jingu.circuit import CircuitBuilder
from jingu.errors import PipelineError
from jingu.passes.translate import translate
from jingu.passmanager import PassContext, run_pipeline
from jingu.random_circuits import random_circuit
from jingu.registry import build_pipeline
from jingu.simulate import assert_equivalent


def _physical(num_physical, ops, layout, num_clbits=0):
    """A circuit over physical qubits that starts with ``layout`` (virtual -> physical)
    and whose final layout follows its swaps."""
    b = CircuitBuilder(num_physical, num_clbits)
    where = list(layout)
    for name, qubits, *rest in ops:
        b.append(name, qubits, *rest)
        if name == "swap":
            a, c = qubits
            where = [c if p == a else a if p == c else p for p in where]
    out = b.build()
    return out.replace(initial_layout=np.array(layout), final_layout=np.array(where))


def _virtual(num_qubits, ops):
    b = CircuitBuilder(num_qubits)
    for name, qubits, *rest in ops:
        b.append(name, qubits, *rest)
    return b.build()


def test_trailing_swap_is_relabelled(kit):
    v = _virtual(2, [("h", (0,)), ("cx", (0, 1)), ("rx", (1,), (0.3,)), ("h", (0,))])
    p = _physical(3, [("h", (0,)), ("cx", (0, 1)), ("swap", (1, 2)), ("rx", (2,), (0.3,)),
                      ("swap", (0, 1)), ("h", (1,))], [0, 1])
    assert_equivalent(v, p)
    out = kit.run("absorb-swaps{basis=wukong}", p)
    assert "swap" not in out.count_ops() and out.two_qubit_count() == 1
    assert out.final_layout.tolist() == [0, 1]  # nothing moved after all
    assert out.initial_layout.tolist() == [0, 1]
    assert_equivalent(v, out)


def test_swap_with_a_gate_on_the_same_pair(kit):
    v = _virtual(2, [("h", (0,)), ("h", (1,)), ("cz", (0, 1)), ("t", (0,))])
    p = _physical(2, [("h", (0,)), ("h", (1,)), ("swap", (0, 1)), ("cz", (1, 0)),
                      ("t", (1,))], [0, 1])
    assert_equivalent(v, p)
    out = kit.run("absorb-swaps{basis=wukong}", p)
    assert p.final_layout.tolist() == [1, 0]
    assert out.two_qubit_count() == 1  # SWAP . V with V one CZ
    assert out.final_layout.tolist() == [0, 1]  # the swap went into the final layout
    assert_equivalent(v, out)


def test_translated_swaps_are_found_by_their_unitary(kit):
    v = _virtual(3, [("h", (0,)), ("cx", (0, 1)), ("cx", (0, 2)), ("rz", (2,), (0.2,)),
                     ("measure", (0,), (), (0,))])
    p = _physical(4, [("h", (0,)), ("cx", (0, 1)), ("swap", (0, 1)), ("cx", (1, 2)),
                      ("swap", (2, 3)), ("rz", (3,), (0.2,)), ("measure", (1,), (), (0,))],
                  [0, 1, 2], num_clbits=1)
    assert_equivalent(v, p)
    t = translate(p, kit.basis)
    out = kit.run("absorb-swaps{basis=wukong}", t)
    # both swaps go: the last one into the final layout, the first (after the leading cx,
    # SWAP . CX = CX' . SWAP) into the initial layout
    assert t.two_qubit_count() == 8 and out.two_qubit_count() == 2
    assert_equivalent(v, out)
    # the measurement follows its qubit to the relabelled wire
    measure = next(op for op in out if op.name == "measure")
    assert measure.qubits[0] == out.final_layout[0]


def test_swaps_before_later_two_qubit_gates_stay(kit):
    p = _physical(3, [("swap", (0, 1)), ("cz", (1, 2)), ("swap", (0, 1)), ("cz", (0, 2))],
                  [0, 1, 2])
    out = kit.run("absorb-swaps{basis=wukong,initial=false}", p)
    assert out is p


def test_leading_swap_goes_into_the_initial_layout(kit):
    v = _virtual(2, [("ry", (1,), (0.4,)), ("cx", (1, 0)), ("h", (1,))])
    p = _physical(3, [("ry", (1,), (0.4,)), ("swap", (1, 2)), ("cx", (2, 0)), ("h", (2,))],
                  [0, 1])
    assert_equivalent(v, p)
    out = kit.run("absorb-swaps{basis=wukong}", p)
    assert "swap" not in out.count_ops() and out.two_qubit_count() == 1
    assert out.initial_layout.tolist() == [0, 2]
    assert_equivalent(v, out)
    assert kit.run("absorb-swaps{basis=wukong,initial=false}", p).count_ops()["swap"] == 1


def test_needs_a_layout(wukong):
    with pytest.raises(PipelineError):
        run_pipeline(random_circuit(2, 5), build_pipeline("absorb-swaps"),
                     PassContext(target=wukong))


def test_routed_circuits_on_wukong(kit, wukong):
    for seed in range(6):
        n = 3 + seed % 4
        c = random_circuit(n, 30, seed=seed, gates=["h", "cx", "rz", "cz", "swap", "ry"])
        ctx = PassContext(target=wukong, seed=seed)
        routed = run_pipeline(c, build_pipeline("unroll,trivial-layout,sabre-route,translate"),
                              ctx)
        out = run_pipeline(routed, build_pipeline("absorb-swaps"), ctx,
                           facts={"layout", "routed", "native", "unrolled"})
        assert out.two_qubit_count() <= routed.two_qubit_count()
        assert_equivalent(c, out)
