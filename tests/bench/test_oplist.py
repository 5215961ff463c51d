"""Compiled programs handed back as instruction columns: the harness rebuilds the same
circuit, checks every name it maps against the compiler's own matrices, and keeps gates it
does not know as opaque (non-native, not simulated)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from jingu.bench.adapters import Exported
from jingu.bench.check import check_equivalence, read_output
from jingu.bench.metrics import validity
from jingu.bench.oplist import OpList, OpListBuilder, reverse_operands, to_circuit
from jingu.circuit import CircuitBuilder, Condition
from jingu.gates import GATES, embed


def program():
    b = CircuitBuilder(3, 0)
    b.add_creg("m", 2)
    b.add_creg("f", 1)
    b.append("rphi", (0,), (0.3, -1.2))
    b.append("cz", (0, 1))
    b.append("rz", (2,), (0.7,))
    b.append("barrier", (0, 1, 2))
    b.append("measure", (0,), clbits=(1,))
    b.append("reset", (0,))
    b.append("rz", (1,), (0.25,), condition=Condition(0, 2, 2))
    b.append("measure", (1,), clbits=(2,))
    return b.build()


def test_jingu_circuit_comes_back_unchanged():
    c = program()
    back = to_circuit(OpList.from_circuit(c))
    assert list(back) == list(c)
    assert [tuple(r) for r in back.cregs] == [("m", 0, 2), ("f", 2, 1)]
    assert back.num_qubits == 3 and back.num_clbits == 3


def compiler_like(scale=1.0, name="PhasedX", matrix_scale=None):
    """A program in a compiler's own names and units (angles divided by ``scale``), with
    the compiler's matrices computed at ``matrix_scale`` (what the compiler really means)."""
    ms = scale if matrix_scale is None else matrix_scale
    b = OpListBuilder(4, 2, [("c", 0, 2)])
    for t, p in ((0.5, 0.25), (0.1, -0.7), (0.5, 0.25)):
        b.append(name, (1,), (t, p), matrix=lambda t=t, p=p: GATES["rphi"].matrix(
            (t * ms, p * ms)))
    b.append("CZ", (1, 2), (), matrix=lambda: GATES["cz"].matrix())
    b.append("Measure", (2,), (), (1,))
    b.append("Rz", (3,), (0.5,), condition=(1, 1, 1),
             matrix=lambda: GATES["rz"].matrix((0.5 * ms,)))
    return b.build()


NAMES = {"PhasedX": ("rphi", math.pi), "CZ": ("cz", 1.0), "Rz": ("rz", math.pi),
         "Measure": ("measure", 1.0)}


def test_names_and_units_are_mapped():
    ops = compiler_like(scale=math.pi)
    assert len(ops.samples["PhasedX"]) == 2  # two distinct parameter sets
    c = to_circuit(ops, NAMES)
    got = list(c)
    assert [op.name for op in got] == ["rphi", "rphi", "rphi", "cz", "measure", "rz"]
    assert got[1].params == pytest.approx((0.1 * math.pi, -0.7 * math.pi))
    assert got[5].condition == Condition(1, 1, 1) and got[5].params == pytest.approx(
        (math.pi / 2,))
    assert validity(c, 4, ("rphi", "rz", "cz"), [(1, 2)]) == ""


def test_a_wrong_mapping_is_refused():
    ops = compiler_like(scale=math.pi, matrix_scale=1.0)  # the compiler means radians
    with pytest.raises(ValueError, match="is not jingu's 'rphi'"):
        to_circuit(ops, NAMES)
    with pytest.raises(ValueError, match="does not fit jingu's 'rz'"):
        to_circuit(compiler_like(scale=math.pi), dict(NAMES, PhasedX=("rz", 1.0)))


def test_unknown_gate_is_opaque_invalid_and_not_simulated():
    b = OpListBuilder(2, 0)
    b.append("rz", (0,), (0.1,), matrix=lambda: GATES["rz"].matrix((0.1,)))
    b.append("TK2", (0, 1), (0.1, 0.2, 0.3))
    c = to_circuit(b.build())
    assert [op.name for op in c] == ["rz", "TK2"]
    assert validity(c, 2, ("rz", "cz"), [(0, 1)]) == "non-native gates: TK2"
    u = CircuitBuilder(2)
    u.append("rz", (0,), (0.1,))
    verdict = check_equivalence(u.build(), c, Exported(initial_layout=[0, 1],
                                                       final_layout=[0, 1]))
    assert verdict.equivalent is None and "TK2" in verdict.note


def test_out_of_range_operands_are_refused():
    b = OpListBuilder(2, 1)
    b.append("measure", (2,), (), (0,))
    with pytest.raises(ValueError, match="qubit index"):
        to_circuit(b.build())
    b = OpListBuilder(2, 1)
    b.append("rz", (0,), (0.1,), condition=(0, 2, 1), matrix=lambda: GATES["rz"].matrix((0.1,)))
    with pytest.raises(ValueError, match="condition"):
        to_circuit(b.build())


def test_reverse_operands_swaps_qubit_order():
    swap = GATES["swap"].matrix()
    for name, params in (("cx", ()), ("crx", (0.4,)), ("ccx", ())):
        m = GATES[name].matrix(params)
        k = GATES[name].num_qubits
        flipped = embed(m, tuple(range(k))[::-1], k)
        assert np.allclose(reverse_operands(m), flipped)
        assert np.allclose(reverse_operands(reverse_operands(m)), m)
    assert np.allclose(reverse_operands(GATES["cx"].matrix()),
                       swap @ GATES["cx"].matrix() @ swap)


def test_read_output_reads_text_too():
    c = read_output(Exported("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncz q[0],q[1];\n"),
                    2)
    assert [op.name for op in c] == ["cz"]
    ir = read_output(Exported("QINIT 2\nCREG 1\nRPhi q[0],(0.5,0.25)\nMEASURE q[0],c[0]\n",
                              "originir"), 2)
    assert [op.name for op in ir] == ["rphi", "measure"]
    assert ir.num_clbits == 1 and list(ir)[1].clbits == (0,)
