"""Gate modifiers (inv @, pow(k) @, ctrl @, negctrl @) and gphase, and the shared
machinery behind them and OriginIR's DAGGER/CONTROL (jingu.grammar.modifiers): every
library gate, checked against matrices computed here with numpy and against Qiskit."""

from __future__ import annotations

import numpy as np
import pytest

from jingu.frontend import parse
from jingu.gates import GATES, LIBRARY
from jingu.simulate import gate_matrix_of, unitary

HEAD = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n'
UNITARY = [g for g in LIBRARY if g.is_unitary and g.num_qubits <= 3]
ANGLES = (0.37, -1.21, 0.83, 2.05)


def call(gate, qubits):
    params = ",".join(repr(a) for a in ANGLES[: gate.num_params])
    name = "U" if gate.name == "u" else gate.name
    head = f"{name}({params})" if params else name
    return f"{head} " + ", ".join(f"q[{q}]" for q in qubits) + ";"


def big_endian_unitary(text):
    """The program's matrix with qubit 0 most significant (the library's convention)."""
    return gate_matrix_of(parse(text, lang="qasm3"))


def controlled_on(m, negated):
    """``m`` controlled by len(negated) leading qubits; negated[i] means control on |0>."""
    k = len(negated)
    dim = m.shape[0]
    out = np.eye(dim << k, dtype=complex)
    active = sum((0 if neg else 1) << (k - 1 - i) for i, neg in enumerate(negated))
    out[active * dim:(active + 1) * dim, active * dim:(active + 1) * dim] = m
    return out


@pytest.mark.parametrize("gate", UNITARY, ids=lambda g: g.name)
def test_inverse_of_every_gate(gate):
    n = gate.num_qubits
    text = HEAD + f"qubit[{n}] q;\ninv @ " + call(gate, range(n))
    m = gate.matrix(ANGLES[: gate.num_params])
    assert np.allclose(big_endian_unitary(text), m.conj().T)


@pytest.mark.parametrize("gate", UNITARY, ids=lambda g: g.name)
@pytest.mark.parametrize("mods,negated", [("ctrl @ ", (False,)), ("negctrl @ ", (True,)),
                                          ("ctrl(2) @ ", (False, False)),
                                          ("ctrl @ negctrl @ ", (False, True))])
def test_controlled_version_of_every_gate(gate, mods, negated):
    n = gate.num_qubits
    k = len(negated)
    text = HEAD + f"qubit[{n + k}] q;\n" + mods + call(gate, range(n + k))
    expected = controlled_on(gate.matrix(ANGLES[: gate.num_params]), negated)
    assert np.allclose(big_endian_unitary(text), expected)  # relative phase included


@pytest.mark.parametrize("name,k", [("x", 3), ("t", -2), ("rx", 0.5), ("rzz", -1.5),
                                    ("s", 0.5), ("z", 0.25), ("y", 1.5), ("swap", 0),
                                    ("cp", 2.5), ("rphi", -0.3)])
def test_powers(name, k):
    gate = GATES[name]
    n = gate.num_qubits
    text = HEAD + f"qubit[{n}] q;\npow({k}) @ " + call(gate, range(n))
    m = gate.matrix(ANGLES[: gate.num_params])
    w, v = np.linalg.eig(m)  # the principal power, as OpenQASM 3 defines it
    expected = v @ np.diag(w.astype(complex) ** k) @ np.linalg.inv(v)
    assert np.allclose(big_endian_unitary(text), expected)


def test_gphase_global_and_controlled():
    c = parse(HEAD + "qubit[2] q;\ngphase(0.3);\nx q[0];\ngphase(-pi / 4);\n"
                     "ctrl @ gphase(0.5) q[1];\ninv @ ctrl @ gphase(0.2) q[0];\n"
                     "negctrl @ gphase(0.1) q[0];", lang="qasm3")
    assert c.global_phase == pytest.approx(0.3 - np.pi / 4)
    on_q0 = np.diag([np.exp(0.1j), 1]) @ np.diag([1, np.exp(-0.2j)]) @ GATES["x"].matrix()
    on_q1 = np.diag([1, np.exp(0.5j)])
    expected = np.exp(1j * (0.3 - np.pi / 4)) * np.kron(on_q0, on_q1)  # q[0] most significant
    assert np.allclose(gate_matrix_of(c), expected)


def test_modifiers_compose_right_to_left_on_program_gates():
    text = (HEAD + "qubit[3] q;\ngate g(a) x, y { rx(a) x; cx x, y; gphase(a / 3); }\n"
            "inv @ ctrl @ g(0.7) q[2], q[0], q[1];\npow(2) @ inv @ g(0.2) q[0], q[1];\n"
            "ctrl @ inv @ g(0.4) q[1], q[2], q[0];\n")
    g = lambda a: gate_matrix_of(parse(HEAD + "qubit[2] q;\nrx(a) q[0]; cx q[0], q[1]; "
                                       f"gphase({a} / 3);".replace("(a)", f"({a})"),
                                       lang="qasm3"))
    first = controlled_on(g(0.7), (False,)).conj().T
    second = np.linalg.matrix_power(g(0.2).conj().T, 2)
    third = controlled_on(g(0.4).conj().T, (False,))
    from jingu.gates import embed

    expected = (embed(third, (1, 2, 0), 3) @ embed(second, (0, 1), 3)
                @ embed(first, (2, 0, 1), 3))
    assert np.allclose(big_endian_unitary(text), expected)


def test_controlled_gates_are_library_gates_or_defined_once():
    c = parse(HEAD + "qubit[4] q;\nctrl @ x q[0], q[1];\nctrl(2) @ x q[0], q[1], q[2];\n"
                     "ctrl @ rz(0.2) q[0], q[1];\nctrl @ h q[2], q[3];\nctrl(2) @ h q[0], "
                     "q[1], q[2];\nctrl(2) @ h q[1], q[2], q[3];\ninv @ sx q[0];\n"
                     "inv @ csx q[0], q[1];\ninv @ csx q[1], q[2];", lang="qasm3")
    assert [o.name for o in c] == ["cx", "ccx", "crz", "ch", "c2_h", "c2_h", "sxdg",
                                   "csx_dg", "csx_dg"]
    derived = [g.name for g in c.gate_table if GATES.get(g.name) is not g]
    assert len(derived) == len(set(derived))


def test_symbolic_parameters_pass_through_modifiers():
    c = parse(HEAD + "input float[64] t;\nqubit[3] q;\ninv @ rx(t) q[0];\n"
                     "ctrl(2) @ ry(2 * t) q[0], q[1], q[2];\npow(0.5) @ rz(t) q[1];",
              lang="qasm3")
    assert c.parameters == ("t",)
    bound = c.bind({"t": 0.9})
    expected = parse(HEAD + "qubit[3] q;\nrx(-0.9) q[0];\nctrl(2) @ ry(1.8) q[0], q[1], q[2];"
                            "\nrz(0.45) q[1];", lang="qasm3")
    assert np.allclose(unitary(bound), unitary(expected))


def test_agrees_with_qiskit_on_modifiers():
    qasm3 = pytest.importorskip("qiskit.qasm3")
    pytest.importorskip("qiskit_qasm3_import")
    from qiskit.quantum_info import Operator

    text = (HEAD + "qubit[4] q;\ngate g(a) x, y { rx(a) x; cx x, y; gphase(a / 3); }\n"
            "ctrl @ h q[0], q[1];\nnegctrl @ x q[1], q[2];\ninv @ s q[0];\npow(2) @ t q[3];\n"
            "pow(0.5) @ z q[2];\nctrl(2) @ rx(0.3) q[0], q[1], q[2];\n"
            "inv @ ctrl @ g(0.7) q[3], q[0], q[1];\nctrl @ negctrl @ ry(0.2) q[0], q[1], q[2];\n"
            "ctrl @ gphase(0.4) q[1];\npow(3) @ g(0.2) q[2], q[3];\n"
            "ctrl @ U(0.1, 0.2, 0.3) q[2], q[0];\ninv @ pow(-2) @ sx q[1];\n"
            "ctrl(2) @ swap q[0], q[1], q[2], q[3];\n")
    expected = np.asarray(Operator(qasm3.loads(text)).data)
    assert np.allclose(unitary(parse(text, lang="qasm3")), expected)  # phase included
