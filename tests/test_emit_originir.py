"""OriginIR output: the text, its errors, and a round trip through pyqpanda3 when installed."""

from __future__ import annotations

import math

import numpy as np
import pytest
from jingu.circuit import CircuitBuilder, Condition
from jingu.emit import emit
from jingu.emit_originir import DAGGERED, KEYWORDS, to_originir
from jingu.errors import InputError
from jingu.gates import GATES, LIBRARY
from jingu.params import Symbol
from jingu.passes.translate import translate
from jingu.random_circuits import random_circuit
from jingu.simulate import gate_matrix_of

INSTR = {"measure", "reset", "barrier", "delay"}


def test_native_program_text():
    b = CircuitBuilder(3, 2)
    b.append("rphi", (1,), (0.5, math.pi / 2))
    b.append("rz", (1,), (-0.25,))
    b.append("cz", (1, 2))
    b.append("x1", (0,))
    b.append("barrier", ())
    b.append("measure", (1,), (), (0,))
    b.append("reset", (2,))
    text = emit(b.build(), "originir")
    assert text.splitlines() == [
        "QINIT 3", "CREG 2",
        "RPhi q[1],(0.5,1.5707963267948966)", "RZ q[1],(-0.25)", "CZ q[1],q[2]", "X1 q[0]",
        "BARRIER q[0],q[1],q[2]", "MEASURE q[1],c[0]", "RESET q[2]"]


def test_angles_read_back_as_the_same_floats():
    angle = 0.1 + 0.2  # not a short decimal
    b = CircuitBuilder(1)
    b.append("rz", (0,), (angle,))
    line = to_originir(b.build()).splitlines()[2]
    assert float(line[line.index("(") + 1: -1]) == angle


def test_global_phase_is_a_comment_and_inverses_are_dagger_blocks():
    b = CircuitBuilder(1)
    b.append("sdg", (0,))
    c = b.build().replace(global_phase=0.5)
    lines = to_originir(c).splitlines()
    assert lines[2] == "// global phase: 0.5"
    assert lines[3:] == ["DAGGER", "S q[0]", "ENDDAGGER"]


def test_conditions_become_qif_blocks():
    b = CircuitBuilder(2, 3)
    cond = Condition(0, 3, 0b101)
    b.append("x1", (0,), (), (), cond)
    b.append("cz", (0, 1), (), (), cond)
    b.append("x1", (1,))
    lines = to_originir(b.build()).splitlines()[2:]
    assert lines == ["QIF c[0],c[2]", "QIF c[1]", "QELSE", "X1 q[0]", "CZ q[0],q[1]",
                     "QENDIF", "QENDIF", "X1 q[1]"]


@pytest.mark.parametrize("name,why", [("ch", "no 'ch' gate"), ("delay", "no delay")])
def test_what_originir_cannot_say_is_an_input_error(name, why):
    b = CircuitBuilder(2)
    params = (1e-7,) if name == "delay" else ()
    b.append(name, (0, 1)[: GATES[name].num_qubits], params)
    with pytest.raises(InputError, match=why):
        to_originir(b.build())


def test_symbolic_parameters_are_refused():
    b = CircuitBuilder(1)
    b.append("rz", (0,), (Symbol("theta"),))
    with pytest.raises(InputError, match="theta"):
        to_originir(b.build())


def test_a_translated_circuit_always_emits():
    c = random_circuit(5, 60, seed=3, gates=[g.name for g in LIBRARY if g.is_unitary])
    for basis in ({"rphi", "rz", "cz"}, {"x1", "rz", "cz"}):
        text = to_originir(translate(c, basis | INSTR))
        assert text.startswith("QINIT 5\nCREG 0\n")


# ----------------------------------------------------------------------------------------
# round trip through QPanda 3


def _qpanda_matrix(text: str, n: int) -> np.ndarray:
    """The program's matrix from pyqpanda3, first qubit most significant (jingu's order)."""
    ic = pytest.importorskip("pyqpanda3.intermediate_compiler")
    qi = pytest.importorskip("pyqpanda3.quantum_info")
    # QPanda sizes the program by the qubits it uses: touch every qubit with an identity
    head, rest = text.split("\n", 2)[:2], text.split("\n", 2)[2]
    padded = "\n".join(head) + "\n" + "".join(f"I q[{q}]\n" for q in range(n)) + rest
    prog = ic.convert_originir_string_to_qprog(padded)
    u = np.array(qi.Unitary(prog.to_circuit()).ndarray())
    rev = [int(format(i, f"0{n}b")[::-1], 2) for i in range(1 << n)]  # QPanda: q[0] = bit 0
    return u[np.ix_(rev, rev)]


def _same_up_to_phase(a, b):
    k = np.vdot(a.reshape(-1), b.reshape(-1))
    return abs(abs(k) - a.shape[0]) < 1e-7 and np.allclose(a * (k / abs(k)), b, atol=1e-7)


@pytest.mark.parametrize("name", sorted(KEYWORDS) + sorted(DAGGERED))
def test_every_keyword_has_jingus_matrix_in_qpanda(name, rng):
    gate = GATES[name]
    params = tuple(rng.uniform(-3, 3, gate.num_params))
    b = CircuitBuilder(gate.num_qubits)
    b.append(name, tuple(range(gate.num_qubits))[::-1], params)
    c = b.build()
    got = _qpanda_matrix(to_originir(c), gate.num_qubits)
    if name in ("sx", "sxdg"):  # X1 is sx up to the global phase e^{i pi/4}
        assert _same_up_to_phase(got, gate_matrix_of(c))
    else:
        assert np.allclose(got, gate_matrix_of(c), atol=1e-9)


@pytest.mark.parametrize("basis", [{"rphi", "rz", "cz"}, {"x1", "rz", "cz"}],
                         ids=["wukong", "cloud"])
@pytest.mark.parametrize("seed", range(3))
def test_qpanda_parses_the_output_and_simulates_the_same_circuit(basis, seed):
    c = random_circuit(5, 50, seed=seed, gates=[g.name for g in LIBRARY if g.is_unitary])
    native = translate(c, basis | INSTR)
    got = _qpanda_matrix(to_originir(native), 5)
    assert _same_up_to_phase(got, gate_matrix_of(c))


def test_qpanda_reads_measurements_resets_barriers_and_conditions():
    ic = pytest.importorskip("pyqpanda3.intermediate_compiler")
    b = CircuitBuilder(3, 2)
    b.append("rphi", (0,), (math.pi / 2, 0.3))
    b.append("cz", (0, 1))
    b.append("measure", (0,), (), (0,))
    b.append("x1", (2,), (), (), Condition(0, 2, 1))
    b.append("barrier", (1, 2))
    b.append("reset", (1,))
    b.append("measure", (2,), (), (1,))
    text = to_originir(b.build())
    back = ic.convert_qprog_to_originir(ic.convert_originir_string_to_qprog(text))
    assert [line.split()[0] for line in back.splitlines()[2:]] == [
        "RPhi", "CZ", "MEASURE", "QIF", "QIF", "QELSE", "X1", "QENDIF", "QENDIF", "BARRIER",
        "RESET", "MEASURE"]
