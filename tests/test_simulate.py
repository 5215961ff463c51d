"""The statevector simulator and the equivalence checker, against known states and oracles.

Everything else in jingu is verified with these functions, so they are checked here
against analytic results (Bell, GHZ, QFT), against an independent numpy reference built
from the gate library's own matrices and ``embed``, and against Qiskit's Statevector and
Operator.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jingu.circuit import CircuitBuilder, Condition
from jingu.errors import InputError
from jingu.gates import GATES, LIBRARY, Gate, embed
from jingu.params import Symbol
from jingu.random_circuits import random_circuit
from jingu.simulate import (
    MAX_VERIFY_QUBITS,
    assert_equivalent,
    equivalence_overlap,
    equivalent,
    gate_matrix_of,
    simulate,
    unitary,
)

UNITARY = [g for g in LIBRARY if g.is_unitary]


# ----------------------------------------------------------------------------------------
# helpers: an independent reference and a Qiskit translation


def _reverse_bits(n: int) -> np.ndarray:
    x = np.arange(1 << n)
    return sum(((x >> i) & 1) << (n - 1 - i) for i in range(n)) if n else x


def reference_state(circuit, state=None) -> np.ndarray:
    """Reference: each op's library matrix contracted into the state with numpy."""
    n = circuit.num_qubits
    psi = np.zeros(1 << n, complex)
    if state is None:
        psi[0] = 1
    else:
        psi[:] = state
    psi = psi.reshape((2,) * n)  # axis a is qubit n-1-a (qubit 0 is the last axis)
    for op in circuit:
        gate = GATES[op.name]
        if not gate.is_unitary:
            continue
        k = len(op.qubits)
        axes = [n - 1 - q for q in op.qubits]  # operand order: first = most significant
        m = gate.matrix(op.params).reshape((2,) * (2 * k))
        psi = np.moveaxis(np.tensordot(m, psi, axes=(list(range(k, 2 * k)), axes)),
                          list(range(k)), axes)
    return psi.reshape(-1) * np.exp(1j * circuit.global_phase)


def embedded_state(circuit, state) -> np.ndarray:
    """Second reference for small circuits: full matrices from ``gates.embed``."""
    n = circuit.num_qubits
    rev = _reverse_bits(n)
    psi = np.asarray(state, complex)[rev]  # embed() puts qubit 0 first (most significant)
    for op in circuit:
        psi = embed(GATES[op.name].matrix(op.params), op.qubits, n) @ psi
    return psi[rev]


#: our gate name -> qiskit.circuit.library class name (same parameters, same operand order)
QISKIT_CLASSES = {
    "u3": "U3Gate", "u": "UGate", "u2": "U2Gate", "u1": "U1Gate", "p": "PhaseGate",
    "id": "IGate", "x": "XGate", "y": "YGate", "z": "ZGate", "h": "HGate", "s": "SGate",
    "sdg": "SdgGate", "t": "TGate", "tdg": "TdgGate", "sx": "SXGate", "sxdg": "SXdgGate",
    "rx": "RXGate", "ry": "RYGate", "rz": "RZGate", "cx": "CXGate", "cz": "CZGate",
    "cy": "CYGate", "ch": "CHGate", "swap": "SwapGate", "crx": "CRXGate", "cry": "CRYGate",
    "crz": "CRZGate", "cu1": "CU1Gate", "cp": "CPhaseGate", "cu3": "CU3Gate", "cu": "CUGate",
    "csx": "CSXGate", "rxx": "RXXGate", "rzz": "RZZGate", "ccx": "CCXGate",
    "cswap": "CSwapGate", "rccx": "RCCXGate", "rc3x": "RC3XGate", "c3x": "C3XGate",
    "c3sqrtx": "C3SXGate", "c4x": "C4XGate", "rphi": "RGate",
}
#: gates the Qiskit comparisons draw from (u0 counts idle cycles; x1 is RX(pi/2))
QISKIT_GATES = sorted(QISKIT_CLASSES) + ["u0", "x1"]


def to_qiskit(circuit):
    """The same circuit as a qiskit QuantumCircuit (gates of QISKIT_GATES only)."""
    from qiskit import QuantumCircuit
    from qiskit.circuit import library

    qc = QuantumCircuit(circuit.num_qubits, global_phase=circuit.global_phase)
    for op in circuit:
        if op.name == "u0":
            continue  # idle cycles: the identity
        if op.name == "x1":
            qc.append(library.RXGate(math.pi / 2), op.qubits)
        else:
            qc.append(getattr(library, QISKIT_CLASSES[op.name])(*op.params), op.qubits)
    return qc


def random_state(n: int, rng) -> np.ndarray:
    v = rng.standard_normal(1 << n) + 1j * rng.standard_normal(1 << n)
    return v / np.linalg.norm(v)


def build(n: int, ops, phase: float = 0.0):
    b = CircuitBuilder(n)
    for op in ops:
        b.append(*op)
    b.global_phase = phase
    return b.build()


def relabel(circuit, perm, num_qubits=None):
    """The circuit with qubit q moved to perm[q] (on num_qubits qubits)."""
    b = CircuitBuilder(num_qubits or circuit.num_qubits)
    b.append_circuit(circuit, qubit_map=perm)
    return b.build()


def with_param(circuit, index: int, delta: float):
    """A copy with parameter slot ``index`` shifted by delta."""
    params = circuit.params.copy()
    params[index] += delta
    return circuit.replace(params=params)


# ----------------------------------------------------------------------------------------
# known states


def test_bell_state():
    psi = simulate(build(2, [("h", [0]), ("cx", [0, 1])]))
    assert np.allclose(psi, np.array([1, 0, 0, 1]) / math.sqrt(2))


@pytest.mark.parametrize("n", [3, 7, 12])
def test_ghz_state(n):
    psi = simulate(build(n, [("h", [0])] + [("cx", [i, i + 1]) for i in range(n - 1)]))
    expected = np.zeros(1 << n, complex)
    expected[0] = expected[-1] = 1 / math.sqrt(2)
    assert np.allclose(psi, expected)


def test_qubit_zero_is_the_least_significant_bit():
    psi = simulate(build(3, [("x", [0])]))
    assert psi[1] == pytest.approx(1)
    psi = simulate(build(3, [("x", [2])]))
    assert psi[4] == pytest.approx(1)


def test_control_is_the_first_operand():
    # cx 1,0: control qubit 1 (set), target qubit 0 -> |11> = index 3
    assert abs(simulate(build(2, [("x", [1]), ("cx", [1, 0])]))[3]) == pytest.approx(1)
    # cx 0,1 with qubit 1 set and qubit 0 clear: nothing happens -> index 2
    assert abs(simulate(build(2, [("x", [1]), ("cx", [0, 1])]))[2]) == pytest.approx(1)


def qft_ops(n):
    ops = []
    for j in reversed(range(n)):
        ops.append(("h", [j]))
        for k in reversed(range(j)):
            ops.append(("cp", [j, k], [math.pi / 2 ** (j - k)]))
    for i in range(n // 2):
        ops.append(("swap", [i, n - 1 - i]))
    return ops


@pytest.mark.parametrize("n,x", [(1, 1), (3, 5), (5, 19), (8, 200), (10, 777)])
def test_qft_of_basis_states(n, x):
    prep = [("x", [q]) for q in range(n) if x >> q & 1]
    psi = simulate(build(n, prep + qft_ops(n)))
    k = np.arange(1 << n)
    expected = np.exp(2j * math.pi * x * k / (1 << n)) / math.sqrt(1 << n)
    assert np.allclose(psi, expected, atol=1e-12)


def test_global_phase_is_applied():
    c = build(2, [("h", [0])], phase=0.7)
    assert np.allclose(simulate(c), np.exp(0.7j) * np.array([1, 1, 0, 0]) / math.sqrt(2))


def test_initial_state_is_used_and_not_modified(rng):
    psi0 = random_state(4, rng)
    keep = psi0.copy()
    c = random_circuit(4, 40, seed=3)
    assert np.allclose(simulate(c, psi0), reference_state(c, psi0))
    assert np.array_equal(psi0, keep)


# ----------------------------------------------------------------------------------------
# every gate, every placement


@pytest.mark.parametrize("gate", UNITARY, ids=lambda g: g.name)
def test_each_library_gate_matches_its_embedded_matrix(gate, rng):
    n = gate.num_qubits + 2
    for _ in range(3):
        qubits = rng.permutation(n)[: gate.num_qubits].tolist()
        params = rng.uniform(-4, 4, gate.num_params).tolist()
        c = build(n, [(gate.name, qubits, params)])
        psi0 = random_state(n, rng)
        assert np.allclose(simulate(c, psi0), embedded_state(c, psi0), atol=1e-12), qubits
        assert np.allclose(reference_state(c, psi0), embedded_state(c, psi0), atol=1e-12)


@pytest.mark.parametrize("gate", UNITARY, ids=lambda g: g.name)
def test_gate_matrix_of_uses_the_library_convention(gate, rng):
    params = rng.uniform(-4, 4, gate.num_params).tolist()
    c = build(gate.num_qubits, [(gate.name, list(range(gate.num_qubits)), params)])
    assert np.allclose(gate_matrix_of(c), gate.matrix(params), atol=1e-12)


@pytest.mark.parametrize("n", [12, 13])
def test_gates_on_every_qubit_of_a_wider_state(n, rng):
    # every target position, including the vectorised (high) and scalar (low) paths
    ops = []
    for q in range(n):
        ops += [("u3", [q], rng.uniform(-3, 3, 3).tolist()), ("cx", [q, (q + 5) % n]),
                ("rzz", [(q + 3) % n, q], [0.3 + q]), ("ccx", [q, (q + 1) % n, (q + 9) % n]),
                ("cu", [(q + 7) % n, q], rng.uniform(-3, 3, 4).tolist()),
                ("c3sqrtx", [(q + 2) % n, q, (q + 11) % n, (q + 6) % n]),
                ("rc3x", [q, (q + 4) % n, (q + 8) % n, (q + 10) % n])]
    c = build(n, ops)
    psi0 = random_state(n, rng)
    assert np.allclose(simulate(c, psi0), reference_state(c, psi0), atol=1e-10)


# ----------------------------------------------------------------------------------------
# against Qiskit


@pytest.mark.parametrize("n,seed", [(1, 0), (2, 1), (3, 2), (5, 3), (7, 4), (10, 5)])
def test_random_circuits_match_qiskit_statevector(n, seed):
    pytest.importorskip("qiskit")
    from qiskit.quantum_info import Statevector

    c = random_circuit(n, 25 * n, seed=seed, gates=QISKIT_GATES)
    c.global_phase = 0.25 * seed
    expected = Statevector(to_qiskit(c)).data
    assert np.allclose(simulate(c), expected, atol=1e-10)


@pytest.mark.parametrize("n,seed", [(1, 0), (3, 1), (5, 2)])
def test_unitary_matches_qiskit_operator(n, seed):
    pytest.importorskip("qiskit")
    from qiskit.quantum_info import Operator

    c = random_circuit(n, 30, seed=seed, gates=QISKIT_GATES)
    assert np.allclose(unitary(c), Operator(to_qiskit(c)).data, atol=1e-10)


def test_qiskit_translation_of_the_natives():
    pytest.importorskip("qiskit")
    from qiskit.quantum_info import Statevector

    c = build(2, [("rphi", [0], [0.4, 1.1]), ("x1", [1]), ("cz", [0, 1]), ("rphi", [1], [2, -1])])
    assert np.allclose(simulate(c), Statevector(to_qiskit(c)).data)


# ----------------------------------------------------------------------------------------
# fusion must not change anything


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 6), gates=st.integers(0, 60), seed=st.integers(0, 2**31),
       fuse=st.integers(0, 5))
def test_fused_simulation_equals_reference(n, gates, seed, fuse):
    from jingu.simulate import _lower

    c = random_circuit(n, num_gates=gates, seed=seed)
    psi0 = random_state(n, np.random.default_rng(seed))
    re, im = psi0.real.copy(), psi0.imag.copy()
    _lower(c, n, fuse=fuse).apply(re, im)
    assert np.allclose(re + 1j * im, reference_state(c, psi0), atol=1e-10)


@pytest.mark.parametrize("fuse", [0, 1, 2, 3, 5])
def test_fusion_widths_on_a_wider_state(fuse, rng):
    # 11 qubits: blocks whose lowest qubit is high take the vectorised paths
    from jingu.simulate import _lower

    c = random_circuit(11, 300, seed=fuse)
    psi0 = random_state(11, rng)
    re, im = psi0.real.copy(), psi0.imag.copy()
    _lower(c, 11, fuse=fuse).apply(re, im)
    assert np.allclose(re + 1j * im, reference_state(c, psi0), atol=1e-10)


def test_empty_and_zero_qubit_circuits():
    assert np.allclose(simulate(build(0, [], phase=0.5)), [np.exp(0.5j)])
    assert np.allclose(simulate(build(3, [])), np.eye(8)[0])
    assert np.allclose(unitary(build(2, [], phase=-1.0)), np.exp(-1j) * np.eye(4))


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 5), depth=st.integers(1, 12), seed=st.integers(0, 2**31))
def test_unitary_is_unitary_and_its_columns_are_simulations(n, depth, seed):
    c = random_circuit(n, depth=depth, seed=seed)
    u = unitary(c)
    assert np.allclose(u.conj().T @ u, np.eye(1 << n), atol=1e-10)
    col = 5 % (1 << n)
    basis = np.zeros(1 << n, complex)
    basis[col] = 1
    assert np.allclose(u[:, col], simulate(c, basis), atol=1e-12)


# ----------------------------------------------------------------------------------------
# semantics: skipped instructions, resets, conditions, symbols, program-defined gates


def test_measure_barrier_delay_and_id_are_identities():
    b = CircuitBuilder(2, 2)
    b.append("h", [0])
    b.append("barrier", [0, 1])
    b.append("measure", [0], clbits=[0])
    b.append("delay", [1], [1e-6])
    b.append("id", [1])
    b.append("cx", [0, 1])
    assert np.allclose(simulate(b.build()), np.array([1, 0, 0, 1]) / math.sqrt(2))


def test_reset_on_a_fresh_qubit_is_allowed():
    c = build(2, [("reset", [1]), ("h", [0]), ("reset", [1]), ("cx", [0, 1])])
    assert np.allclose(simulate(c), np.array([1, 0, 0, 1]) / math.sqrt(2))


@pytest.mark.parametrize("ops,state", [
    ([("h", [0]), ("reset", [0])], None),
    ([("reset", [0])], np.array([0, 1], complex)),
])
def test_reset_after_gates_or_on_a_given_state_is_refused(ops, state):
    c = build(1, ops)
    with pytest.raises(InputError, match="reset on qubit 0"):
        simulate(c, state)


def test_reset_is_refused_by_unitary():
    with pytest.raises(InputError, match="reset"):
        unitary(build(1, [("reset", [0])]))


def test_conditioned_operations_are_refused():
    b = CircuitBuilder(2, 1)
    b.append("h", [0])
    b.append("x", [1], condition=Condition(0, 1, 1))
    with pytest.raises(InputError, match=r"operation 1 \('x' on qubit\(s\) 1\) is conditioned"):
        simulate(b.build())


def test_symbolic_parameters_need_values():
    theta = Symbol("theta")
    c = build(1, [("ry", [0], [theta * 2])])
    with pytest.raises(InputError, match="theta"):
        simulate(c)
    psi = simulate(c, params={"theta": 0.3})
    assert np.allclose(psi, [math.cos(0.3), math.sin(0.3)])


def _program_gate(name, n, ops, param_names=()):
    body = CircuitBuilder(n)
    for op in ops:
        body.append(*op)
    return Gate(name, n, len(param_names), body=body.build(), param_names=param_names)


def test_program_defined_gate_matches_its_body():
    theta = Symbol("theta")
    g = _program_gate("mine", 2, [("cx", [0, 1]), ("ry", [1], [theta]), ("h", [0])],
                      ("theta",))
    b = CircuitBuilder(3)
    b.register_gate(g)
    b.append("mine", [2, 0], [0.8])
    b.append("mine", [0, 1], [-0.2])
    inline = build(3, [("cx", [2, 0]), ("ry", [0], [0.8]), ("h", [2]),
                       ("cx", [0, 1]), ("ry", [1], [-0.2]), ("h", [0])])
    assert np.allclose(simulate(b.build()), simulate(inline))
    # the gate's own matrix is in the library convention (first formal qubit first)
    expected = gate_matrix_of(build(2, [("cx", [0, 1]), ("ry", [1], [0.8]), ("h", [0])]))
    assert np.allclose(g.matrix([0.8]), expected)
    assert np.allclose(_program_gate("c", 2, [("cx", [0, 1])]).matrix(), GATES["cx"].matrix())


def test_wide_program_defined_gate_runs_through_its_body(rng):
    ops = [("h", [q]) for q in range(7)] + [("cx", [q, q + 1]) for q in range(6)]
    ops += [("rz", [6], [1.25]), ("c4x", [0, 2, 4, 6, 1])]
    g = _program_gate("wide", 7, ops)
    b = CircuitBuilder(8)
    b.register_gate(g)
    perm = [7, 0, 3, 1, 6, 2, 5]
    b.append("wide", perm)
    inline = build(8, [(name, [perm[q] for q in qs], *rest) for name, qs, *rest in ops])
    psi0 = random_state(8, rng)
    assert np.allclose(simulate(b.build(), psi0), simulate(inline, psi0))


def test_opaque_gates_are_refused():
    b = CircuitBuilder(1)
    b.register_gate(Gate("blackbox", 1))
    b.append("blackbox", [0])
    with pytest.raises(InputError, match="opaque"):
        simulate(b.build())


def test_bad_input_is_reported():
    with pytest.raises(InputError, match="2\\*\\*2 = 4"):
        simulate(build(2, []), np.ones(3))
    with pytest.raises(InputError, match="uses a qubit twice"):
        simulate(build(2, [("cx", [1, 1])]))
    with pytest.raises(InputError, match="at most"):
        simulate(CircuitBuilder(40).build())


# ----------------------------------------------------------------------------------------
# equivalence


def test_a_circuit_is_equivalent_to_itself_and_to_a_global_phase():
    c = random_circuit(5, 80, seed=11)
    assert equivalent(c, c)
    shifted = c.replace(global_phase=1.234)
    assert equivalent(c, shifted)
    assert equivalence_overlap(c, shifted) == pytest.approx(1, abs=1e-12)


def test_permuted_qubits_with_layouts_are_equivalent():
    c = random_circuit(5, 60, seed=12)
    perm = [3, 0, 4, 1, 2]
    moved = relabel(c, perm)
    assert equivalent(c, moved, initial_layout=perm, final_layout=perm)
    assert not equivalent(c, moved)  # identity layouts: wrong


def test_routing_swaps_are_accounted_for_by_the_final_layout():
    c = random_circuit(4, 50, seed=13)
    b = CircuitBuilder(4)
    b.append_circuit(c)
    b.append("swap", [0, 3])
    b.append("swap", [1, 3])
    routed = b.build()
    # swap 0,3 moves virtual 0 to 3 and 3 to 0; swap 1,3 then moves virtual 0 on to 1
    # and virtual 1 to 3
    assert equivalent(c, routed, final_layout=[1, 3, 2, 0])
    assert not equivalent(c, routed, final_layout=[3, 0, 2, 1])


def test_small_circuit_embedded_in_the_72_qubit_chip():
    c = random_circuit(5, 100, seed=14, gates=["u3", "rz", "cx", "cz", "h", "ccx"])
    layout = [40, 17, 71, 0, 33]
    chip = relabel(c, layout, num_qubits=72)
    assert equivalent(c, chip, initial_layout=layout)  # final defaults to the initial
    b = CircuitBuilder(72)
    b.append_circuit(chip)
    b.append("swap", [40, 41])  # routing moves virtual 0 to the spare qubit 41
    b.append("barrier", list(range(72)))
    b.append("id", [5])
    moved = b.build()
    moved.initial_layout = np.array(layout)
    moved.final_layout = np.array([41, 17, 71, 0, 33])
    assert equivalent(c, moved)  # layouts taken from the circuit
    assert not equivalent(c, moved, final_layout=layout)


def test_a_small_angle_change_is_detected():
    c = random_circuit(4, 40, seed=15, gates=["rx", "ry", "rz", "cx"])
    slot = int(np.flatnonzero(~np.isnan(c.params))[7])
    changed = with_param(c, slot, 1e-3)
    assert not equivalent(c, changed)
    overlap = equivalence_overlap(c, changed)
    assert 1 - 1e-5 < overlap < 1 - 1e-9


def test_an_excited_ancilla_is_detected_and_diagnosed():
    c = random_circuit(3, 30, seed=16)
    layout = [4, 9, 2]
    b = CircuitBuilder(12)
    b.append_circuit(c, qubit_map=layout)
    b.append("x", [7])
    bad = b.build()
    assert not equivalent(c, bad, initial_layout=layout)
    with pytest.raises(AssertionError) as err:
        assert_equivalent(c, bad, initial_layout=layout)
    text = str(err.value)
    assert "trial 1 of 3" in text and "physical qubits outside the final layout" in text
    assert "7 (p=1)" in text


def test_assert_equivalent_reports_the_worst_trial():
    c = random_circuit(3, 30, seed=17)
    wrong = with_param(c, int(np.flatnonzero(~np.isnan(c.params))[0]), 0.5)
    with pytest.raises(AssertionError, match=r"\|<expected\|actual>\| = 0\.\d+"):
        assert_equivalent(c, wrong, trials=4)
    assert_equivalent(c, c, trials=4)


def test_ancilla_used_and_returned_to_zero_is_fine():
    # exp(-i pi/2 Z0 Z1) computed through the parity on an ancilla, which is then undone
    through_ancilla = build(3, [("cx", [0, 2]), ("cx", [1, 2]), ("rz", [2], [math.pi]),
                                ("cx", [1, 2]), ("cx", [0, 2])])
    direct = build(2, [("rzz", [0, 1], [math.pi])])
    assert_equivalent(direct, through_ancilla)
    not_undone = build(3, [("cx", [0, 2]), ("cx", [1, 2]), ("rz", [2], [math.pi])])
    assert not equivalent(direct, not_undone)


def test_symbolic_circuits_are_compared_as_functions():
    theta = Symbol("theta")
    a = build(2, [("crz", [0, 1], [theta])])
    b = build(2, [("rz", [1], [theta / 2]), ("cx", [0, 1]), ("rz", [1], [-theta / 2]),
                  ("cx", [0, 1])])
    assert equivalent(a, b)
    assert not equivalent(a, build(2, [("rz", [1], [theta / 2]), ("cx", [0, 1])]))


def test_verification_compresses_but_refuses_too_many_touched_qubits():
    n = MAX_VERIFY_QUBITS + 1
    wide = build(72, [("h", [q]) for q in range(n)])
    with pytest.raises(InputError, match=f"{n} physical qubits"):
        equivalent(build(1, [("h", [0])]), wide)


@pytest.mark.parametrize("layout,match", [
    ([0, 0], "two virtual qubits"), ([0, 80], "outside"), ([1], "places 1 qubits"),
])
def test_bad_layouts_are_reported(layout, match):
    c = build(2, [("cx", [0, 1])])
    with pytest.raises(InputError, match=match):
        equivalent(c, relabel(c, [0, 1], num_qubits=5), initial_layout=layout)


def test_equivalence_is_deterministic_in_the_seed():
    c = random_circuit(3, 20, seed=18, gates=["rx", "cx", "h"])
    d = with_param(c, int(np.flatnonzero(~np.isnan(c.params))[0]), 0.3)
    assert equivalence_overlap(c, d, seed=5) == equivalence_overlap(c, d, seed=5)
    assert equivalence_overlap(c, d, seed=5) != equivalence_overlap(c, d, seed=6)


# ----------------------------------------------------------------------------------------
# random circuits


def test_random_circuit_is_reproducible_and_respects_its_arguments():
    a = random_circuit(6, 200, seed=3, gates=["h", "cx", "rz", "ccx"])
    b = random_circuit(6, 200, seed=3, gates=["h", "cx", "rz", "ccx"])
    assert np.array_equal(a.opcodes, b.opcodes) and np.array_equal(a.qubits, b.qubits)
    assert np.array_equal(a.params, b.params)
    assert len(a) == 200 and set(a.count_ops()) <= {"h", "cx", "rz", "ccx"}
    for op in a:
        assert len(set(op.qubits)) == len(op.qubits)
    assert not np.array_equal(a.qubits, random_circuit(6, 200, seed=4, gates=["h", "cx", "rz",
                                                                             "ccx"]).qubits)


def test_random_circuit_by_depth_has_that_depth():
    c = random_circuit(7, depth=9, seed=1)
    assert c.depth() == 9
    assert all(g.num_qubits <= 7 for g in c.gate_table if g.name in c.count_ops())


def test_random_circuit_rejects_bad_gate_names():
    with pytest.raises(InputError, match="did you mean 'cx'"):
        random_circuit(2, 5, gates=["cxx"])
    with pytest.raises(InputError, match="not a unitary"):
        random_circuit(2, 5, gates=["measure"])
    with pytest.raises(InputError, match="no gate"):
        random_circuit(1, 5, gates=["cx"])


@pytest.mark.slow
@pytest.mark.parametrize("n", [14, 18])
def test_larger_random_circuits_match_the_reference(n, rng):
    c = random_circuit(n, 300, seed=n, gates=QISKIT_GATES)
    psi0 = random_state(n, rng)
    from qiskit.quantum_info import Statevector

    expected = Statevector(psi0).evolve(to_qiskit(c)).data
    assert np.allclose(simulate(c, psi0), expected, atol=1e-9)
