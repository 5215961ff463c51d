import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingu.gates import GATES, LIBRARY, _matrix_from_rule, controlled, embed
from jingu.params import Symbol

UNITARY = [g for g in LIBRARY if g.is_unitary]
angles = st.floats(-2 * math.pi, 2 * math.pi, allow_nan=False)

QASM2_NAMES = ("u u0 u1 u2 u3 p id x y z h s sdg t tdg sx sxdg rx ry rz cx cy cz ch swap ccx "
               "cswap crx cry crz cu1 cp cu3 cu csx rxx rzz rccx rc3x c3x c3sqrtx c4x").split()


def test_library_has_every_gate_qiskit_qasm2_accepts_and_the_natives():
    for name in QASM2_NAMES + ["rphi", "x1", "measure", "reset", "barrier", "delay"]:
        assert name in GATES, name


@pytest.mark.parametrize("gate", UNITARY, ids=lambda g: g.name)
def test_matrices_are_unitary(gate, rng):
    m = gate.matrix(rng.uniform(-3, 3, gate.num_params))
    assert m.shape == (1 << gate.num_qubits,) * 2
    assert np.allclose(m @ m.conj().T, np.eye(len(m)), atol=1e-12)


@pytest.mark.parametrize("gate", [g for g in UNITARY if g.rule and g.matrix_fn],
                         ids=lambda g: g.name)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_decomposition_is_exact_including_phase(gate, data):
    params = [data.draw(angles) for _ in range(gate.num_params)]
    assert np.allclose(_matrix_from_rule(gate, tuple(params)), gate.matrix(params), atol=1e-10)


@pytest.mark.parametrize("gate", [g for g in UNITARY if g.inverse_fn], ids=lambda g: g.name)
def test_inverse_undoes_the_gate(gate, rng):
    params = rng.uniform(-3, 3, gate.num_params)
    name, inv_params = gate.inverse(params)
    product = GATES[name].matrix(inv_params) @ gate.matrix(params)
    assert np.allclose(product, np.eye(len(product)), atol=1e-12)


def _qiskit_big_endian(op, n):
    perm = [n - 1 - i for i in range(n)]
    return op.reshape([2] * 2 * n).transpose(perm + [n + p for p in perm]).reshape(2**n, 2**n)


@pytest.mark.parametrize("name", QASM2_NAMES)
def test_matrices_agree_with_qiskit(name, rng):
    qasm2 = pytest.importorskip("qiskit.qasm2")
    from qiskit.quantum_info import Operator

    gate = GATES[name]
    params = [3.0] if name == "u0" else rng.uniform(-3, 3, gate.num_params)  # u0 counts cycles
    args = ",".join(repr(float(p)) for p in params)
    call = f"{name}({args})" if gate.num_params else name
    qubits = ",".join(f"q[{i}]" for i in range(gate.num_qubits))
    text = (f'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[{gate.num_qubits}];\n'
            f"{call} {qubits};\n")
    qc = qasm2.loads(text, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
    expected = _qiskit_big_endian(Operator(qc).data, gate.num_qubits)
    got = gate.matrix(params)
    # u0 and id are identities; global phase conventions are part of the contract
    assert np.allclose(got, expected, atol=1e-10)


def test_rphi_is_a_rotation_about_an_equatorial_axis():
    theta, phi = 0.7, 1.3
    x = GATES["x"].matrix()
    y = GATES["y"].matrix()
    axis = math.cos(phi) * x + math.sin(phi) * y
    expected = math.cos(theta / 2) * np.eye(2) - 1j * math.sin(theta / 2) * axis
    assert np.allclose(GATES["rphi"].matrix((theta, phi)), expected)
    assert np.allclose(GATES["x1"].matrix(), GATES["rx"].matrix((math.pi / 2,)))


def test_embed_and_controlled_follow_operand_order():
    cx = GATES["cx"].matrix()
    assert np.allclose(controlled(GATES["x"].matrix()), cx)
    # cx with control on qubit 1 and target on qubit 0 in a 2-qubit space
    flipped = embed(cx, (1, 0), 2)
    assert np.allclose(flipped, np.eye(4)[[0, 3, 2, 1]])


def test_symbolic_parameters_flow_through_rules():
    theta = Symbol("theta")
    steps, phase = GATES["rz"].decompose((theta,))
    assert steps == [("u1", (0,), (theta,))]
    assert phase.evaluate({"theta": 1.0}) == pytest.approx(-0.5)
    steps, _ = GATES["cry"].decompose((theta,))
    assert str(steps[0][2][0]) == "theta / 2"


# the gates of OriginIR (QPanda): against Qiskit's equivalents and pyqpanda3's own matrices
ORIGINIR_GATES = {  # library gate -> Qiskit gate with the same matrix (None: no equivalent)
    "y1": lambda: ("RYGate", (math.pi / 2,)), "z1": lambda: ("RZGate", (math.pi / 2,)),
    "echo": lambda: ("IGate", ()), "iswap": lambda: ("iSwapGate", ()),
    "ryy": lambda t=0.61: ("RYYGate", (t,)), "rzx": lambda t=-1.37: ("RZXGate", (t,)),
    "iswaptheta": lambda t=0.83: ("XXPlusYYGate", (2 * t,)),
    "sqiswap": lambda: ("XXPlusYYGate", (-math.pi / 2,)),
}


@pytest.mark.parametrize("name", sorted(ORIGINIR_GATES))
def test_originir_gates_agree_with_qiskit(name):
    lib = pytest.importorskip("qiskit.circuit.library")
    from qiskit.quantum_info import Operator

    qiskit_name, qiskit_params = ORIGINIR_GATES[name]()
    gate = GATES[name]
    expected = _qiskit_big_endian(Operator(getattr(lib, qiskit_name)(*qiskit_params)).data,
                                  gate.num_qubits)
    params = {"ryy": (0.61,), "rzx": (-1.37,), "iswaptheta": (0.83,), "echo": (0.4,)}
    assert np.allclose(gate.matrix(params.get(name, ())), expected, atol=1e-12)


def test_u4_is_qpandas_euler_form():
    a, b, c, d = 0.3, -1.1, 0.7, 2.2
    rz, ry = GATES["rz"].matrix, GATES["ry"].matrix
    expected = np.exp(1j * a) * rz((b,)) @ ry((c,)) @ rz((d,))
    assert np.allclose(GATES["u4"].matrix((a, b, c, d)), expected)


def _pyqpanda_matrix(gate, num_qubits):
    """pyqpanda3's circuit matrix of one gate on qubits 0..n-1, first operand most
    significant (QPanda's circuit matrices are little endian)."""
    core = pytest.importorskip("pyqpanda3.core")
    circuit = core.QCircuit()
    for q in range(num_qubits):
        circuit << core.I(q)
    circuit << gate
    m = np.asarray(circuit.matrix())
    perm = [n for n in range(num_qubits)][::-1]
    return m.reshape([2] * 2 * num_qubits).transpose(
        perm + [num_qubits + p for p in perm]).reshape(m.shape)


@pytest.mark.parametrize("name,qpanda,params", [
    ("y1", "Y1", ()), ("z1", "Z1", ()), ("x1", "X1", ()), ("echo", "ECHO", (0.0,)),
    ("u4", "U4", (0.3, -1.1, 0.7, 2.2)), ("iswap", "ISWAP", ()), ("sqiswap", "SQISWAP", ()),
    ("ryy", "RYY", (0.61,)), ("rzx", "RZX", (-1.37,)), ("rxx", "RXX", (0.4,)),
    ("rzz", "RZZ", (0.9,)), ("rphi", "RPHI", (0.7, 0.3)),
])
def test_originir_gates_agree_with_pyqpanda3(name, qpanda, params):
    core = pytest.importorskip("pyqpanda3.core")
    gate = GATES[name]
    qubits = list(range(gate.num_qubits))
    expected = _pyqpanda_matrix(getattr(core, qpanda)(*qubits, *params), gate.num_qubits)
    assert np.allclose(gate.matrix(params), expected, atol=1e-7)
