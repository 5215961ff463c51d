"""Each compiler's adapter in this process, on programs whose compiled form is known in
part: outputs come back valid and equivalent, conditions stay on the right classical bits
and qubits, resets and mid-circuit measurements survive.  A reference compiler that is not
installed is skipped."""

from __future__ import annotations

from importlib.util import find_spec

import pytest

from jingu.bench.adapters import TargetSpec, parse_compilers
from jingu.bench.check import check_equivalence, read_output
from jingu.bench.metrics import validity
from jingu.frontend import parse
from jingu.targets import load_target

COMPILERS = ["jingu-O1", "qiskit-O1", "pytket-O1", "qpanda3-O1"]
PACKAGES = {"jingu": "jingu", "qiskit": "qiskit", "pytket": "pytket", "qpanda3": "pyqpanda3"}

HEAD = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'

UNITARY = HEAD + """qreg q[4];
creg c[4];
h q[0];
cx q[0],q[1];
rx(0.4) q[1];
cx q[1],q[2];
ccx q[0],q[2],q[3];
u3(0.1,0.2,0.3) q[3];
swap q[0],q[3];
measure q -> c;
"""

# conditions on a one-bit register and on a two-bit one, both read by ops on q[1]
CONDITIONAL = HEAD + """qreg q[3];
creg a[1];
creg b[2];
h q[0];
measure q[0] -> a[0];
if(a==1) x q[1];
if(a==1) u1(0.3) q[1];
h q[2];
measure q[2] -> b[1];
if(b==2) rz(0.5) q[1];
measure q[1] -> b[0];
"""

RESET = HEAD + """qreg q[2];
creg c[2];
h q[0];
cx q[0],q[1];
measure q[0] -> c[0];
reset q[0];
h q[0];
measure q[0] -> c[1];
"""


@pytest.fixture(scope="module")
def target():
    t = load_target("grid:2x3")
    return TargetSpec.from_target(t, recipe={"name": "grid:2x3"})


@pytest.fixture(scope="module", params=COMPILERS)
def adapter(request, target):
    spec = parse_compilers(request.param)[0]
    pytest.importorskip(PACKAGES[request.param.split("-")[0]])
    return spec.adapter_class()(target, spec.level)


def run(adapter, text):
    result = adapter.compile(adapter.load(text), 0)
    return adapter.export(result)


def test_unitary_program_is_valid_and_equivalent(adapter, target):
    exported = run(adapter, UNITARY)
    out = read_output(exported, target.num_qubits)
    assert validity(out, target.num_qubits, target.basis, target.couplers) == ""
    verdict = check_equivalence(parse(UNITARY), out, exported)
    assert verdict.equivalent is True, verdict.note


def test_conditions_stay_on_their_bits(adapter, target):
    exported = run(adapter, CONDITIONAL)
    if adapter.name == "qpanda3":
        # pyqpanda3 hides QIf conditions from Python: the OriginIR text is the only form
        assert exported.ops is None and exported.lang == "originir"
        assert "QIF" in exported.text
        return
    out = read_output(exported, target.num_qubits)
    start = {r.name: r.start for r in out.cregs}
    ops = list(out)
    conditioned = [op for op in ops if op.condition is not None]
    assert {tuple(op.condition) for op in conditioned} <= {(start["a"], 1, 1),
                                                          (start["b"], 2, 2)}
    assert (start["a"], 1, 1) in {tuple(op.condition) for op in conditioned}
    # every conditioned gate acts on the qubit that is finally measured into b[0]
    last = [op for op in ops if op.name == "measure" and op.clbits == (start["b"],)]
    assert len(last) == 1
    assert {op.qubits for op in conditioned} == {last[0].qubits}
    assert validity(out, target.num_qubits, target.basis, target.couplers) == ""


def test_reset_and_mid_circuit_measurement_survive(adapter, target):
    exported = run(adapter, RESET)
    out = read_output(exported, target.num_qubits)
    counts = out.count_ops()
    assert counts.get("measure") == 2 and counts.get("reset", 0) >= 1
    assert validity(out, target.num_qubits, target.basis, target.couplers) == ""


def test_every_default_compiler_has_an_adapter():
    from jingu.bench.adapters import ADAPTERS

    assert set(PACKAGES) == set(ADAPTERS)
    for name in ADAPTERS:
        cls = parse_compilers(f"{name}-O1")[0].adapter_class()
        assert (cls.unavailable() is None) == (find_spec(PACKAGES[name]) is not None)


def test_qiskit_walk_matches_qiskits_own_unitary():
    pytest.importorskip("qiskit")
    import numpy as np
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import Operator

    from jingu.bench.adapters.qiskit import walk
    from jingu.bench.oplist import to_circuit
    from jingu.simulate import unitary

    qc = QuantumCircuit(3)
    qc.cx(1, 0)
    qc.crx(0.3, 0, 2)
    qc.ccx(2, 0, 1)
    qc.r(0.4, -1.1, 2)
    qc.rz(0.2, 1)
    # the operand order of every multi-qubit gate is checked against Qiskit's matrices
    c = to_circuit(walk(qc), {"r": ("rphi", 1.0)})
    assert [op.name for op in c] == ["cx", "crx", "ccx", "rphi", "rz"]
    assert [op.qubits for op in c][:3] == [(1, 0), (0, 2), (2, 0, 1)]
    mine, theirs = unitary(c), Operator(qc).data  # both: qubit 0 least significant
    k = np.unravel_index(np.argmax(np.abs(theirs)), theirs.shape)
    assert np.allclose(mine * (theirs[k] / mine[k]), theirs, atol=1e-9)


def test_qiskit_walk_of_conditional_blocks():
    pytest.importorskip("qiskit")
    from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister

    from jingu.bench.adapters.qiskit import walk
    from jingu.bench.oplist import to_circuit

    q, c, d = QuantumRegister(2, "q"), ClassicalRegister(1, "c"), ClassicalRegister(2, "d")
    qc = QuantumCircuit(q, c, d)
    qc.measure(0, c[0])
    with qc.if_test((c[0], 1)) as orelse:
        qc.x(1)
        qc.rz(0.5, 1)
    with orelse:
        qc.h(1)
    with qc.if_test((d, 2)):
        qc.x(0)
    ops = list(to_circuit(walk(qc)))
    assert [(op.name, op.qubits, op.condition and tuple(op.condition)) for op in ops] == [
        ("measure", (0,), None), ("x", (1,), (0, 1, 1)), ("rz", (1,), (0, 1, 1)),
        ("h", (1,), (0, 1, 0)), ("x", (0,), (1, 2, 2))]
    with qc.if_test((d, 1)) as orelse:
        qc.x(0)
    with orelse:
        qc.x(1)
    with pytest.raises(ValueError, match="else branch"):
        walk(qc)
