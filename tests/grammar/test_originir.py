"""The OriginIR front end reads QPanda's language: every gate, every block form, classical
tests on measured bits; checked by simulation, against the library's matrices, against
jingu's own OriginIR writer, and against pyqpanda3's parser when it is installed."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from jingu.circuit import Condition
from jingu.emit import emit
from jingu.emit_originir import DAGGERED, KEYWORDS
from jingu.frontend import detect_language, parse, parse_file
from jingu.gates import GATES, embed
from jingu.grammar.originir import NAMES
from jingu.random_circuits import random_circuit
from jingu.simulate import equivalent, unitary

HEAD = "QINIT 3\nCREG 3\n"

#: one line per OriginIR gate (operands chosen so that every argument order matters)
GATE_LINES = {
    "H": "H q[0]", "T": "T q[1]", "S": "S q[2]", "X": "X q[0]", "Y": "Y q[1]", "Z": "Z q[2]",
    "X1": "X1 q[0]", "Y1": "Y1 q[1]", "Z1": "Z1 q[2]", "I": "I q[0]", "ECHO": "ECHO q[1]",
    "RX": "RX q[0],(0.3)", "RY": "RY q[1],(-0.7)", "RZ": "RZ q[2],(1.1)",
    "U1": "U1 q[0],(0.4)", "P": "P q[1],(0.5)", "U2": "U2 q[2],(0.6,-0.2)",
    "RPhi": "RPhi q[0],(0.7,0.3)", "U3": "U3 q[1],(0.1,0.2,0.3)",
    "U4": "U4 q[2],(0.1,0.2,0.3,0.4)", "CNOT": "CNOT q[2],q[0]", "CZ": "CZ q[1],q[2]",
    "ISWAP": "ISWAP q[2],q[0]", "SQISWAP": "SQISWAP q[0],q[2]", "SWAP": "SWAP q[1],q[0]",
    "ISWAPTHETA": "ISWAPTHETA q[1],q[2],(0.35)", "CR": "CR q[0],q[1],(0.3)",
    "RXX": "RXX q[1],q[2],(0.4)", "RYY": "RYY q[2],q[0],(0.5)", "RZZ": "RZZ q[0],q[2],(0.6)",
    "RZX": "RZX q[1],q[0],(0.7)", "CP": "CP q[2],q[1],(0.8)", "CRX": "CRX q[0],q[2],(0.9)",
    "CRY": "CRY q[2],q[1],(1.0)", "CRZ": "CRZ q[1],q[0],(1.1)",
    "CU": "CU q[2],q[0],(0.1,0.2,0.3,0.4)", "TOFFOLI": "TOFFOLI q[1],q[2],q[0]",
    "CSWAP": "CSWAP q[2],q[0],q[1]",
}
ALL_GATES = "\n".join(GATE_LINES.values()) + "\n"
#: what pyqpanda3 0.5 does not read (QPanda 2 names)
NOT_IN_PYQPANDA3 = {"ISWAPTHETA", "CSWAP"}


def ops(circuit):
    return [(o.name, o.qubits, o.params, o.clbits, o.condition) for o in circuit]


def little_endian(matrix, qubits, n):
    """A library matrix (first operand most significant) on ``qubits`` of an n-qubit
    register, in the simulator's little-endian convention."""
    big = embed(matrix, qubits, n)
    rev = [int(format(i, f"0{n}b")[::-1], 2) for i in range(1 << n)]
    return big[np.ix_(rev, rev)]


def controlled_by(u, controls, n):
    """``u`` (which leaves ``controls`` alone) applied only when every control is 1."""
    on = np.array([all(i >> c & 1 for c in controls) for i in range(1 << n)])
    p = np.diag(on.astype(complex))
    return np.eye(1 << n) - p + p @ u


def test_the_table_covers_every_gate_of_the_issue():
    named = ("H T S X Y Z X1 Y1 Z1 I ECHO RX RY RZ U1 P U2 RPhi U3 U4 CNOT CZ ISWAP SQISWAP "
             "SWAP ISWAPTHETA CR RXX RYY RZZ RZX CP CRX CRY CRZ CU TOFFOLI CSWAP").split()
    assert sorted(named) == sorted(NAMES) == sorted(GATE_LINES)


@pytest.mark.parametrize("keyword", sorted(GATE_LINES))
def test_each_gate_is_its_library_gate_on_its_operands(keyword):
    line = GATE_LINES[keyword]
    c = parse(HEAD + line + "\n", lang="originir")
    (op,) = list(c)
    qubits = tuple(int(q) for q in re.findall(r"q\[(\d+)\]", line))
    angles = re.search(r"\((.*)\)", line)
    params = tuple(float(a) for a in angles.group(1).split(",")) if angles else ()
    assert op.qubits == qubits
    if keyword == "CU":  # QPanda's CU(a,b,c,d) is controlled U4(a,b,c,d)
        u4 = GATES["u4"].matrix(params)
        expected = embed(np.kron(np.diag([1, 0]), np.eye(2)) + np.kron(np.diag([0, 1]), u4),
                         (0, 1), 2)
        assert np.allclose(GATES[op.name].matrix(op.params), expected)
    elif keyword == "ECHO":
        assert (op.name, op.params) == ("echo", (0.0,))
    else:
        assert (op.name, op.params) == (NAMES[keyword], params)
    # phase included: the circuit is exactly the gate
    assert np.allclose(unitary(c), little_endian(GATES[op.name].matrix(op.params), qubits, 3))


def test_angle_expressions_and_echo_with_its_parameter():
    c = parse(HEAD + "RX q[0],(-PI/2*3+(2-1))\nRZ q[1],(PI*0.5+1e-3)\nRY q[2], ( (1+2)*3/4 )\n"
                     "ECHO q[0],(0.7)\nU2 q[1],(-PI,PI/4)\n", lang="originir")
    assert [o.params for o in c] == [(-math.pi / 2 * 3 + 1,), (math.pi * 0.5 + 1e-3,),
                                     (2.25,), (0.7,), (-math.pi, math.pi / 4)]


def test_whole_register_forms_broadcast():
    c = parse("QINIT 3\nCREG 3\nH q\nRX q,(0.5)\nMEASURE q,c\nRESET q\nBARRIER q\n"
              "BARRIER q[2],q[0]\n", lang="originir")
    got = ops(c)
    assert [o[:3] for o in got[:6]] == ([("h", (k,), ()) for k in range(3)]
                                        + [("rx", (k,), (0.5,)) for k in range(3)])
    assert [(o[0], o[1], o[3]) for o in got[6:9]] == [("measure", (k,), (k,)) for k in range(3)]
    assert [o[:2] for o in got[9:12]] == [("reset", (k,)) for k in range(3)]
    assert [o[:2] for o in got[12:]] == [("barrier", (0, 1, 2)), ("barrier", (2, 0))]


def test_comment_dialects_blank_lines_and_crlf():
    text = ("// QPanda comment\n% other dialect\n# and another\n\nQINIT 2\r\nCREG 1 // trailing\r\n"
            "\n\n  H q[0]   % after\n# between\nCNOT q[0] , q[1]\nMEASURE q[1], c[0]\n")
    c = parse(text, lang="originir")
    assert [o[:2] for o in ops(c)] == [("h", (0,)), ("cx", (0, 1)), ("measure", (1,))]
    assert detect_language(text) == "originir"


def test_creg_may_be_left_out():
    c = parse("QINIT 1\nX q[0]\n", lang="originir")
    assert (c.num_qubits, c.num_clbits) == (1, 0)


# -- blocks ------------------------------------------------------------------------------


def test_dagger_is_the_inverse_of_the_block():
    body = ALL_GATES
    plain = unitary(parse(HEAD + body, lang="originir"))
    inverted = parse(HEAD + "DAGGER\n" + body + "ENDDAGGER\n", lang="originir")
    assert np.allclose(unitary(inverted), plain.conj().T)
    # the inverse is written with library inverses where they exist, in reverse order
    names = [o.name for o in inverted]
    assert names[0] == "cswap" and names[-1] == "h"
    assert "sdg" in names and "tdg" in names


@pytest.mark.parametrize("controls", [[3], [4, 3]])
def test_control_adds_controls_to_every_gate(controls):
    n = 5
    body = ALL_GATES
    plain = unitary(parse(f"QINIT {n}\nCREG 3\n" + body, lang="originir"))
    line = "CONTROL " + ",".join(f"q[{c}]" for c in controls)
    c = parse(f"QINIT {n}\nCREG 3\n{line}\n{body}ENDCONTROL\n", lang="originir")
    assert len(c) == len(GATE_LINES)  # one (controlled) operation per gate
    # identities (I, ECHO) stay themselves: controlled, they are still the identity
    assert all(set(controls) <= set(o.qubits) for o in c if o.name not in ("id", "echo"))
    assert np.allclose(unitary(c), controlled_by(plain, controls, n))


def test_controlled_gates_use_library_gates_where_they_exist():
    c = parse("QINIT 4\nCONTROL q[3]\nX q[0]\nRX q[0],(0.2)\nCNOT q[0],q[1]\nZ q[1]\nENDCONTROL\n"
              "CONTROL q[2],q[3]\nX q[0]\nCNOT q[0],q[1]\nENDCONTROL\n", lang="originir")
    assert [(o.name, o.qubits) for o in c] == [
        ("cx", (3, 0)), ("crx", (3, 0)), ("ccx", (3, 0, 1)), ("cz", (3, 1)),
        ("ccx", (2, 3, 0)), ("c3x", (2, 3, 0, 1))]


@pytest.mark.parametrize("outer,inner", [("DAGGER", "CONTROL q[3]"), ("CONTROL q[3]", "DAGGER"),
                                         ("DAGGER", "DAGGER"), ("CONTROL q[4]", "CONTROL q[3]")])
def test_nested_blocks(outer, inner):
    n = 5
    head = f"QINIT {n}\n"
    a, b, c = "H q[0]\nCNOT q[0],q[1]\n", "RY q[1],(0.4)\nT q[0]\nISWAP q[0],q[2]\n", "S q[2]\n"
    u = {k: unitary(parse(head + v, lang="originir")) for k, v in zip("abc", (a, b, c))}

    def block(kind, m):
        if kind == "DAGGER":
            return m.conj().T
        return controlled_by(m, [int(x) for x in re.findall(r"q\[(\d+)\]", kind)], n)

    end = {"DAGGER": "ENDDAGGER"}
    text = (head + a + outer + "\n" + b + inner + "\n" + c + end.get(inner, "ENDCONTROL")
            + "\n" + end.get(outer, "ENDCONTROL") + "\n")
    expected = block(outer, block(inner, u["c"]) @ u["b"]) @ u["a"]
    assert np.allclose(unitary(parse(text, lang="originir")), expected)


def test_qgate_definitions_with_parameters_and_blocks():
    text = ("QINIT 3\nCREG 1\nQGATE new_RX a,(b)\nRX a,(PI/2+b)\nX a\nENDQGATE\n"
            "QGATE pair a,b,(t,u)\nH a\nCNOT a,b\nDAGGER\nRZ b,(t*2)\nS a\nENDDAGGER\n"
            "CONTROL a\nRY b,(u)\nENDCONTROL\nENDQGATE\n"
            "new_RX q[1],(PI/4)\npair q[2],q[0],(0.3,-0.8)\n"
            "DAGGER\npair q[0],q[1],(0.1,0.2)\nENDDAGGER\n"
            "CONTROL q[2]\nnew_RX q[0],(0.5)\nENDCONTROL\n")
    c = parse(text, lang="originir")
    # the same program with the gates, inverses and controls written out by hand
    by_hand = ("QINIT 3\nRX q[1],(PI/2+PI/4)\nX q[1]\n"
               "H q[2]\nCNOT q[2],q[0]\nDAGGER\nS q[2]\nENDDAGGER\nRZ q[0],(-0.6)\n"
               "CRY q[2],q[0],(-0.8)\n"
               "CRY q[0],q[1],(-0.2)\nRZ q[1],(0.2)\nS q[0]\nCNOT q[0],q[1]\nH q[0]\n"
               "CRX q[2],q[0],(PI/2+0.5)\nCNOT q[2],q[0]\n")
    assert np.allclose(unitary(c), unitary(parse(by_hand, lang="originir")))
    assert [o.name for o in c][:2] == ["new_RX", "pair"]


# -- classical control -------------------------------------------------------------------


def test_qif_on_measured_bits_becomes_conditions():
    text = ("QINIT 2\nCREG 3\nMEASURE q[0],c[0]\n"
            "QIF c[0]\nX q[1]\nELSE\nH q[1]\nENDQIF\n"          # QPanda 2
            "QIF !c[1]\nY q[0]\nENDQIF\n"
            "QIF c[2]==0\nZ q[0]\nMEASURE q[1],c[1]\nENDQIF\n"
            "QIF c[0],c[1]\nS q[1]\nQENDIF\n")                   # pyqpanda3: all bits 1
    got = [(o[0], o[4]) for o in ops(parse(text, lang="originir"))]
    assert got == [("measure", None), ("x", Condition(0, 1, 1)), ("h", Condition(0, 1, 0)),
                   ("y", Condition(1, 1, 0)), ("z", Condition(2, 1, 0)),
                   ("measure", Condition(2, 1, 0)), ("s", Condition(0, 2, 3))]


def test_nested_qifs_combine_into_one_condition():
    text = ("QINIT 1\nCREG 3\nQIF c[0],c[2]\nQIF c[1]\nQELSE\nX q[0]\nQENDIF\nQENDIF\n"
            "QIF c[1]\nQELSEIF c[0]\nH q[0]\nQELSE\nZ q[0]\nQENDIF\n")
    got = [(o.name, o.condition) for o in parse(text, lang="originir")]
    assert got == [("x", Condition(0, 3, 0b101)), ("h", Condition(0, 2, 0b01)),
                   ("z", Condition(0, 2, 0b00))]


# -- round trips and the reference parser ------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_jingus_originir_reads_back_equivalent(seed):
    names = sorted(set(KEYWORDS) | set(DAGGERED))
    c = random_circuit(4, 80, seed=seed, gates=names)
    back = parse(emit(c, "originir"), lang="originir")
    assert len(back) == len(c)
    assert equivalent(c, back)


def test_conditions_written_by_jingu_read_back():
    from jingu.circuit import CircuitBuilder

    b = CircuitBuilder(2, 4)
    for cond in (Condition(0, 3, 0b101), Condition(1, 2, 0), Condition(3, 1, 1), None):
        b.append("x1", (0,), (), (), cond)
        b.append("cz", (0, 1), (), (), cond)
    b.append("measure", (1,), (), (2,))
    c = b.build()
    back = parse(emit(c, "originir"), lang="originir")
    assert ops(back) == ops(c)


def _pyqpanda_unitary(text: str) -> np.ndarray:
    ic = pytest.importorskip("pyqpanda3.intermediate_compiler")
    n = int(re.search(r"QINIT (\d+)", text).group(1))
    lines = text.splitlines()
    k = 2 if lines[1].startswith("CREG") else 1
    # pyqpanda3 sizes its matrix by the qubits used: touch them all first
    text = "\n".join(lines[:k] + [f"I q[{i}]" for i in range(n)] + lines[k:]) + "\n"
    return np.asarray(ic.convert_originir_string_to_qprog(text).to_circuit().matrix())


PYQPANDA_PROGRAMS = {
    "gates": HEAD + "".join(f"{v}\n" for k, v in GATE_LINES.items()
                            if k not in NOT_IN_PYQPANDA3),
    "dagger": HEAD + "DAGGER\n" + "".join(f"{v}\n" for k, v in GATE_LINES.items()
                                          if k not in NOT_IN_PYQPANDA3) + "ENDDAGGER\n",
    "control": "QINIT 5\nCREG 1\nCONTROL q[4],q[3]\n" + "".join(
        f"{v}\n" for k, v in GATE_LINES.items() if k not in NOT_IN_PYQPANDA3) + "ENDCONTROL\n",
    "nested": "QINIT 4\nCREG 2\nH q[0]\nCONTROL q[3]\nDAGGER\nS q[0]\nRX q[1],(0.3)\n"
              "CNOT q[0],q[2]\nENDDAGGER\nENDCONTROL\nDAGGER\nCONTROL q[2]\nU4 q[0],(0.1,0.2,"
              "0.3,0.4)\nENDCONTROL\nENDDAGGER\n",
    "qgate": "QINIT 3\nCREG 1\nQGATE foo a,b,(x,y)\nRX a,(x)\nCNOT a,b\nRY b,(y*2)\nENDQGATE\n"
             "foo q[0],q[2],(0.1,0.2)\nfoo q[1],q[0],(PI/3,-0.5)\n",
}


@pytest.mark.parametrize("name", sorted(PYQPANDA_PROGRAMS))
def test_agrees_with_pyqpanda3(name):
    text = PYQPANDA_PROGRAMS[name]
    expected = _pyqpanda_unitary(text)
    got = unitary(parse(text, lang="originir"))
    # pyqpanda3 prints 8 decimals of each matrix entry at most; phase included
    assert np.allclose(got, expected, atol=1e-6)


# -- files and the front-end registry ------------------------------------------------------


@pytest.mark.parametrize("suffix", [".ir", ".originir"])
def test_files_are_read_by_extension_or_first_statement(tmp_path, suffix):
    p = tmp_path / f"bell{suffix}"
    p.write_text("QINIT 2\nCREG 2\nH q[0]\nCNOT q[0],q[1]\nMEASURE q,c\n")
    c = parse_file(p)
    assert c.name == "bell" and [o.name for o in c] == ["h", "cx", "measure", "measure"]
    other = tmp_path / "bell.txt"
    other.write_text("% a comment first\nQINIT 1\nX q[0]\n")
    assert [o.name for o in parse_file(other)] == ["x"]
    # --lang overrides the extension
    q = tmp_path / "prog.qasm"
    q.write_text("QINIT 1\nY q[0]\n")
    assert [o.name for o in parse_file(q, lang="originir")] == ["y"]
