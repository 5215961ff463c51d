"""OpenQASM 3 output: read back by jingu, by the openqasm3 reference parser and by Qiskit,
and equal to the circuit written (global phase included)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from corpus import corpus_files
from jingu.circuit import CircuitBuilder, Condition
from jingu.emit import emit
from jingu.emit_qasm3 import duration_text, expression_text, to_qasm3
from jingu.errors import InputError, SourceError
from jingu.frontend import parse
from jingu.gates import LIBRARY, Gate
from jingu.params import Symbol, apply_function
from jingu.random_circuits import random_circuit
from jingu.simulate import equivalent, unitary
from qasm_oracles import corpus_circuit, simulable


def reread(text):
    return parse(text, lang="qasm3")


def reference_parse(text):
    openqasm3 = pytest.importorskip("openqasm3")
    return openqasm3.parse(text)


def qiskit_read(text):
    qasm3 = pytest.importorskip("qiskit.qasm3")
    pytest.importorskip("qiskit_qasm3_import")
    return qasm3.loads(text)


def ops(circuit):
    """The operations, a barrier on no qubits (all of them) written out."""
    every = tuple(range(circuit.num_qubits))
    return [(o.name, o.qubits or (every if o.name == "barrier" else ()), o.clbits,
             o.condition) for o in circuit]


def every_gate_circuit():
    """Each unitary library gate once, on qubits in a shuffled order, with odd angles."""
    rng = np.random.default_rng(5)
    b = CircuitBuilder()
    b.add_qreg("q", 5)
    for g in LIBRARY:
        if g.is_unitary:
            qubits = tuple(int(q) for q in rng.permutation(5)[: g.num_qubits])
            b.append(g.name, qubits, tuple(rng.uniform(-3, 3, g.num_params)))
    return b.build()


@pytest.mark.parametrize("make", [every_gate_circuit, lambda: random_circuit(4, 150, seed=1)],
                         ids=["every gate", "random"])
def test_every_library_gate_reads_back_exactly(make):
    Operator = pytest.importorskip("qiskit.quantum_info").Operator

    c = make().replace(global_phase=0.4)
    text = emit(c, "qasm3")
    reference_parse(text)
    expected = unitary(c)
    assert np.allclose(unitary(reread(text)), expected)  # global phase included
    assert np.allclose(np.asarray(Operator(qiskit_read(text)).data), expected)


def test_symbolic_parameters_are_inputs():
    theta, phi = Symbol("theta"), Symbol("phi")
    b = CircuitBuilder()
    b.add_qreg("q", 2)
    b.append("rx", (0,), (theta,))
    b.append("rzz", (0, 1), (2 * theta - phi / 3,))
    b.append("u3", (1,), (phi, -theta, theta ** 2))
    b.append("rz", (1,), (apply_function("sin", theta),))
    c = b.build()
    text = to_qasm3(c)
    assert "input float[64] phi;" in text and "input float[64] theta;" in text
    reference_parse(text)
    back = reread(text)
    assert back.parameters == ("phi", "theta")
    values = {"theta": 0.7, "phi": -0.4}
    assert np.allclose(unitary(back.bind(values)), unitary(c.bind(values)))
    # Qiskit reads the inputs as parameters (it has no functions: drop the sin line)
    qc = qiskit_read(text.replace("rz(sin(theta)) q[1];\n", ""))
    assert sorted(p.name for p in qc.parameters) == ["phi", "theta"]


def test_expression_text_keeps_meaning():
    x, y = Symbol("x"), Symbol("y")
    cases = [x - (y - 1), x / (y * 2), -(x + y), (x + 1) ** 2, x ** y, 2 / x ** 3,
             apply_function("ln", x + 2) - apply_function("asin", y / 4), x * -0.5]
    values = {"x": 0.8, "y": 0.3}
    for e in cases:
        text = expression_text(e)
        assert "^" not in text
        value = eval(text.replace("**", "**").replace("log", "math.log")
                     .replace("arcsin", "math.asin"), {"math": math}, values)
        assert value == pytest.approx(e.evaluate(values)), text


def test_measure_reset_barrier_delay_and_conditions():
    b = CircuitBuilder()
    b.add_qreg("q", 3)
    b.add_creg("c", 3)
    b.add_creg("d", 1)
    b.append("h", (0,))
    b.append("measure", (0,), (), (0,))
    b.append("x", (1,), (), (), Condition(0, 3, 5))   # the whole register c
    b.append("y", (1,), (), (), Condition(0, 3, 5))
    b.append("z", (2,), (), (), Condition(1, 2, 2))   # part of c: one test per bit
    b.append("reset", (2,), (), (), Condition(3, 1, 1))
    b.append("barrier", (0, 2))
    b.append("barrier", ())
    b.append("delay", (1,), (1e-7,))
    b.append("delay", (0,), (3.3e-9,))
    b.append("measure", (2,), (), (3,))
    c = b.build()
    text = to_qasm3(c)
    assert "if (c == 5) {\n  x q[1];\n  y q[1];\n}" in text
    assert "if (!c[1]) {\n  if (c[2]) {\n    z q[2];\n  }\n}" in text
    assert "delay[100ns] q[1];" in text and "barrier q;" in text
    reference_parse(text)
    back = reread(text)
    assert ops(back) == ops(c)
    assert [o.params for o in back if o.name == "delay"] == [(1e-7,), (3.3e-9,)]
    qc = qiskit_read(text)
    assert [i.operation.name for i in qc.data].count("if_else") == 3  # one is nested


def test_program_gates_and_mapped_circuits():
    body = CircuitBuilder(2)
    body.append("ry", (0,), (Symbol("a"),))
    body.append("cx", (0, 1))
    body.global_phase = Symbol("a") / 2
    gate = Gate("mine", 2, 1, param_names=("a",), body=body.build())
    b = CircuitBuilder()
    b.add_qreg("q", 3)
    b.register_gate(gate)
    b.append("mine", (2, 0), (0.9,))
    b.append("x1", (1,))
    c = b.build().replace(initial_layout=np.array([2, 0, 1]))
    text = to_qasm3(c)
    assert "gate mine(a)" in text and "gphase(a / 2);" in text and "mine(0.9) $2, $0;" in text
    reference_parse(text)
    back = reread(text)
    assert np.allclose(unitary(back), unitary(c.replace(initial_layout=None)))


def test_durations_read_back_as_the_same_seconds():
    for seconds in (1e-7, 2.5e-6, 3.3e-9, 0.1 + 0.2, 0.0, 1.23456789e-12, 7.0):
        text = duration_text(seconds)
        assert reread(f"OPENQASM 3;\nqubit q;\ndelay[{text}] q;\n").op_params(0) == (seconds,)


def test_what_openqasm3_cannot_say_is_an_input_error():
    b = CircuitBuilder(1)
    b.register_gate(Gate("black_box", 1))
    b.append("black_box", (0,))
    with pytest.raises(InputError, match="opaque"):
        to_qasm3(b.build())
    b = CircuitBuilder(1)
    b.append("rz", (0,), (float("nan"),))
    with pytest.raises(InputError, match="cannot be written"):
        to_qasm3(b.build())


SMALL_CORPUS = [p for p in corpus_files() if p.stat().st_size < 20_000]


@pytest.mark.parametrize("path", SMALL_CORPUS, ids=lambda p: p.name)
def test_corpus_reads_back(path):
    c = corpus_circuit(path)
    if isinstance(c, SourceError):
        pytest.skip("an invalid QASMBench file")
    text = to_qasm3(c)
    back = reread(text)
    assert (back.num_qubits, back.num_clbits, len(back)) == (c.num_qubits, c.num_clbits, len(c))
    if simulable(c):
        assert equivalent(c, back)
    else:
        assert ops(back) == ops(c)
