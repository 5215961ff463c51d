"""The OpenQASM 2 and JSON emitters: what they write reads back with the same meaning, in
jingu and in the reference readers (Qiskit with only the paper's qelib1.inc, pytket)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import corpus_files
from jingu.circuit import CircuitBuilder, Condition
from jingu.emit import EMITTERS, emit, number_text
from jingu.errors import InputError, SourceError
from jingu.frontend import parse
from jingu.gates import GATES, LIBRARY, Gate
from jingu.params import Symbol, apply_function
from jingu.serialize import from_json, to_json
from jingu.simulate import equivalent, gate_matrix_of, simulate
from qasm_oracles import corpus_circuit, qiskit_statevector, same_up_to_phase, simulable

HEAD = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'
UNITARY = [g for g in LIBRARY if g.is_unitary]


def ops(circuit):
    return [(o.name, o.qubits, o.params, o.clbits, o.condition) for o in circuit]


def qiskit_strict(text):
    """Qiskit's reader with nothing but the paper's qelib1.inc: any other gate the file uses
    must be defined in it."""
    import qiskit.qasm2 as q2

    return q2.loads(text)


def pytket_unitary(text):
    """pytket's reading of a one-qreg program as a matrix (measurements left out)."""
    from pytket.qasm import circuit_from_qasm_str

    assert text.count("qreg ") == 1  # pytket orders qubits by register name
    bare = re.sub(r"^measure .*$", "", text, flags=re.MULTILINE)
    return circuit_from_qasm_str(bare, maxwidth=64).get_unitary()


def every_library_gate(rng):
    """One call of every unitary library gate on 5 qubits, random angles and operands."""
    b = CircuitBuilder()
    b.add_qreg("q", 5)
    for q in range(5):
        b.append("h", [q])
    for g in UNITARY:
        qubits = [int(x) for x in rng.permutation(5)[: g.num_qubits]]
        b.append(g.name, qubits, [float(x) for x in rng.uniform(-3, 3, g.num_params)])
    return b.build()


def test_every_library_gate_round_trips_through_jingu_qiskit_and_pytket(rng):
    c = every_library_gate(rng)
    text = emit(c, "qasm2")
    # gates outside the paper's qelib1.inc are defined in the file, before use
    for name in ("rphi", "x1", "rzz", "sx", "c4x", "cu"):
        assert re.search(rf"^gate {name}\b", text, flags=re.MULTILINE)
        assert text.index(f"gate {name}") < text.index(f"\n{name}")
    assert "gate h " not in text and "gate cx " not in text
    back = parse(text)
    assert ops(back) == ops(c)  # library gates come back as themselves
    assert all(back.gate(i) is GATES[back.gate(i).name] for i in range(len(back)))
    state = simulate(c)
    assert same_up_to_phase(qiskit_statevector(qiskit_strict(text)), state)
    assert same_up_to_phase(pytket_unitary(text), gate_matrix_of(c))


PROGRAM = HEAD + """
gate rot(theta, phi) a { rz(phi) a; ry(theta / 2 + sin(phi)) a; rz(-phi) a; }
gate pair(t) a, b { rot(t, 2 * t) a; cx a, b; barrier a, b; rot(-t, t ^ 2) b; }
gate x1 q { h q; }
qreg data[3];
creg out[3];
pair(0.3) data[2], data[0];
x1 data[1];
rot(1e-05, -2.5e-07) data[1];
measure data -> out;
"""


def test_program_gates_are_written_as_definitions_before_use():
    c = parse(PROGRAM)
    text = emit(c, "qasm2")
    assert text.index("gate rot") < text.index("gate pair") < text.index("pair(")
    # the program's own x1 (not the library's) keeps its meaning under another name
    assert "gate x1_" in text
    back = parse(text)
    assert ops(back) == ops(c)
    assert [g.name for g in back.gate_table[len(LIBRARY):]] == \
        [g.name for g in c.gate_table[len(LIBRARY):]]
    assert equivalent(c, back)
    assert same_up_to_phase(qiskit_statevector(qiskit_strict(text)), simulate(c))
    assert same_up_to_phase(pytket_unitary(text), gate_matrix_of(c))


def test_angles_are_exact_and_have_a_decimal_point():
    text = emit(parse(PROGRAM), "qasm2")
    assert "rot(1.0e-05,-2.5e-07)" in text
    assert number_text(1e-05) == "1.0e-05" and number_text(-math.pi / 2) == "-pi/2"
    with pytest.raises(InputError):
        number_text(float("nan"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
                | st.sampled_from([math.pi, -math.pi / 4, 3 * math.pi / 8, 5e-324, 1e-300, 1e16,
                                  -3e200, 123456789012345.0]),
                min_size=1, max_size=6))
def test_float_parameters_read_back_bit_for_bit(values):
    b = CircuitBuilder()
    b.add_qreg("q", 1)
    for v in values:
        b.append("rz", [0], [v])
    back = parse(emit(b.build(), "qasm2"))
    assert [op.params[0] for op in back] == values


def test_names_are_made_valid_and_unique():
    b = CircuitBuilder()
    b.add_qreg("h", 1)  # a gate name
    b.add_qreg("Q", 1)  # capitals are not OpenQASM 2 identifiers
    b.add_creg("c-bits", 2)
    inner = CircuitBuilder(1, name="Weird gate", qregs=[])
    inner.append("x", [0])
    b.register_gate(Gate("Weird gate", 1, body=inner.build()))
    b.append("Weird gate", [1])
    b.append("cx", [0, 1])
    b.append("measure", [1], clbits=[1])
    c = b.build()
    text = emit(c, "qasm2")
    for name in re.findall(r"^(?:qreg|creg|gate) (\S+?)[\[ ]", text, flags=re.MULTILINE):
        assert re.fullmatch(r"[a-z][A-Za-z0-9_]*", name), name
    assert "qreg h[1]" not in text
    qc = qiskit_strict(text)
    assert qc.num_qubits == 2 and len(qc.data) == 3
    assert same_up_to_phase(qiskit_statevector(qc), simulate(c))
    assert ops(parse(text))[1:] == ops(c)[1:]


def test_circuit_without_registers_gets_q_and_c():
    b = CircuitBuilder(3, 2)
    b.append("h", [0])
    b.append("cx", [0, 2])
    b.append("measure", [2], clbits=[1])
    b.append("x", [1], condition=Condition(0, 2, 2))
    text = emit(b.build(), "qasm2")
    assert "qreg q[3];" in text and "creg c[2];" in text
    assert "if(c==2) x q[1];" in text
    assert ops(parse(text)) == ops(b.build())


def test_conditions_and_non_unitary_operations_round_trip():
    text = HEAD + ("qreg q[2]; creg a[2]; creg b[1];\nh q[0]; measure q[0] -> a[1];\n"
                   "if (a == 2) x q[1];\nif (b == 1) measure q[1] -> b[0];\nreset q[0];\n"
                   "barrier q[1], q[0];\nopaque blob(t) x;\nopaque delay(t) x;\nblob(0.5) q[1];\n"
                   "delay(1e-07) q[0];\n")
    c = parse(text)
    out = emit(c, "qasm2")
    assert ops(parse(out)) == ops(c)
    assert "opaque blob(p0) q0;" in out and "if(a==2) x q[1];" in out
    qiskit_strict(out)  # Qiskit reads it too


def test_condition_on_part_of_a_register_is_refused():
    b = CircuitBuilder()
    b.add_qreg("q", 1)
    b.add_creg("c", 3)
    b.append("x", [0], condition=Condition(1, 2, 1))
    with pytest.raises(InputError, match="not one whole register"):
        emit(b.build(), "qasm2")


def test_symbolic_parameters_are_refused_by_name():
    b = CircuitBuilder()
    b.add_qreg("q", 1)
    b.append("rz", [0], [2 * Symbol("theta")])
    b.append("rx", [0], [apply_function("cos", Symbol("beta"))])
    with pytest.raises(InputError, match="'beta', 'theta'.*cannot express"):
        emit(b.build(), "qasm2")


def test_global_phase_is_noted():
    b = CircuitBuilder(1)
    b.global_phase = math.pi / 4
    b.append("x", [0])
    assert "// global phase: pi/4" in emit(b.build(), "qasm2")


def test_emit_registry():
    assert {"qasm2", "json"} <= set(EMITTERS)
    c = parse(PROGRAM)
    assert emit(c, "json") == to_json(c)
    with pytest.raises(InputError, match="unknown output format 'svg'"):
        emit(c, "svg")


# -- the corpus, emitted and read back ---------------------------------------------------

CORPUS = corpus_files()


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_round_trip(path):
    c = corpus_circuit(path)
    if isinstance(c, SourceError):
        pytest.skip("not a valid program (see the front-end tests)")
    text = emit(c, "qasm2")
    back = parse(text, file="emitted.qasm")
    assert ops(back) == ops(c)
    if simulable(c):
        assert equivalent(c, back)


# -- JSON ---------------------------------------------------------------------------------


def symbolic_circuit():
    theta, phi = Symbol("theta"), Symbol("phi")
    body = CircuitBuilder(2, name="ent", qregs=[])
    body.append("ry", [0], [Symbol("a") / 2])
    body.append("cx", [0, 1])
    ent = Gate("ent", 2, 1, param_names=("a",), body=body.build())
    b = CircuitBuilder(name="sym")
    b.add_qreg("q", 3)
    b.add_creg("c", 2)
    b.register_gate(ent)
    b.register_gate(Gate("box", 1))
    b.append("rz", [0], [apply_function("sin", theta) * phi - theta ** 2])
    b.append("ent", [2, 1], [-theta])
    b.append("box", [0])
    b.append("measure", [1], clbits=[0])
    b.append("x", [2], condition=Condition(0, 2, 3))
    b.append("rx", [1], [0.1 + 1e-17])
    b.global_phase = theta / 3
    b.initial_layout = np.array([4, 0, 2])
    b.final_layout = np.array([0, 4, 2])
    return b.build()


def test_json_is_lossless():
    c = symbolic_circuit()
    text = to_json(c)
    back = from_json(text)
    assert ops(back) == ops(c)
    assert back.expressions == c.expressions
    assert back.global_phase == c.global_phase
    assert back.qregs == c.qregs and back.cregs == c.cregs
    assert list(back.initial_layout) == [4, 0, 2] and list(back.final_layout) == [0, 4, 2]
    ent = next(g for g in back.gate_table if g.name == "ent")
    assert ent.param_names == ("a",) and ops(ent.body) == ops(c.gate_table[-2].body)
    assert next(g for g in back.gate_table if g.name == "box").body is None
    assert to_json(back) == text
    values = {"theta": 0.7, "phi": -1.3}
    assert np.array_equal(back.bound_params(values), c.bound_params(values))


def test_json_of_a_parsed_program_simulates_the_same():
    c = parse(PROGRAM)
    back = from_json(to_json(c))
    assert ops(back) == ops(c) and equivalent(c, back)


@pytest.mark.parametrize("text, message", [
    ("{", "not JSON"),
    ('{"format": "other"}', "not a jingu circuit"),
    ('{"format": "jingu.circuit", "version": 99}', "version 99"),
    ('{"format": "jingu.circuit", "version": 1, "num_qubits": 1}', "malformed"),
    (('{"format": "jingu.circuit", "version": 1, "num_qubits": 1, "num_clbits": 0, '
      '"ops": [{"gate": "nope", "qubits": [0]}]}'), "gate 'nope'"),
])
def test_bad_json_is_an_input_error(text, message):
    with pytest.raises(InputError, match=message):
        from_json(text)
