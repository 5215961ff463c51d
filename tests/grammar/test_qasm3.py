"""The OpenQASM 3 front end reads the subset compilers exchange: checked on the QASMBench
corpus converted by Qiskit, against Qiskit's own OpenQASM 3 reader, and by simulation."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from corpus import corpus_files
from jingu.circuit import Condition
from jingu.errors import SourceError
from jingu.frontend import detect_language, parse, parse_file
from jingu.gates import GATES
from jingu.grammar.qasm3 import INC_PATH, STDGATES
from jingu.params import Expr
from jingu.simulate import equivalent, gate_matrix_of, unitary
from qasm_oracles import corpus_circuit, qiskit_circuit, simulable

HEAD = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n'


def q3(text, **kw):
    return parse(text, lang="qasm3", **kw)


def ops(circuit):
    return [(o.name, o.qubits, o.params, o.clbits, o.condition) for o in circuit]


def qiskit_unitary(text):
    """Qiskit's reading of an OpenQASM 3 text, as a little-endian matrix (None when the
    importer is not installed)."""
    qasm3 = pytest.importorskip("qiskit.qasm3")
    pytest.importorskip("qiskit_qasm3_import")
    from qiskit.quantum_info import Operator

    return np.asarray(Operator(qasm3.loads(text)).data)


# -- declarations and statements -----------------------------------------------------------


def test_declarations_old_and_new():
    c = q3(HEAD + "qubit[2] a; qubit b; qreg r[3]; bit[2] m; bit n; creg k[1];\n"
                  "h b; x r[2]; cx a[1], r[0];\n")
    assert [(r.name, r.start, r.size) for r in c.qregs] == [("a", 0, 2), ("b", 2, 1),
                                                           ("r", 3, 3)]
    assert [(r.name, r.start, r.size) for r in c.cregs] == [("m", 0, 2), ("n", 2, 1),
                                                           ("k", 3, 1)]
    assert [o[:2] for o in ops(c)] == [("h", (2,)), ("x", (5,)), ("cx", (1, 3))]


def test_version_spellings_and_language_detection():
    for head in ("OPENQASM 3;", "OPENQASM 3.0;", "// c\nOPENQASM 3.1;"):
        assert detect_language(head) == "qasm3"
        assert len(q3(head + "\nqubit q; U(0, 0, 0) q;")) == 1


def test_stdgates_names_map_onto_the_library():
    for name, lib in STDGATES.items():
        gate = GATES[lib]
        params = ",".join(["0.25"] * gate.num_params)
        call = f"{name}({params})" if params else name
        qubits = ", ".join(f"q[{i}]" for i in range(gate.num_qubits))
        (op,) = list(q3(HEAD + f"qubit[3] q;\n{call} {qubits};"))
        assert (op.name, op.params) == (lib, (0.25,) * gate.num_params)


def test_shipped_stdgates_inc_states_the_library_matrices():
    """Each definition in grammar/stdgates.inc, read as a program gate, is the library gate
    of its name exactly (global phase included)."""
    text = INC_PATH.read_text(encoding="utf-8")
    names = sorted(STDGATES, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)")
    renamed = pattern.sub(lambda m: m.group(1) + "_def", text)
    c = q3("OPENQASM 3.0;\n" + renamed + "\nqubit q;\n")
    table = {g.name: g for g in c.gate_table}
    assert {n + "_def" for n in STDGATES} <= set(table)
    rng = np.random.default_rng(3)
    for name, lib in STDGATES.items():
        gate = table[name + "_def"]
        params = tuple(rng.uniform(-3, 3, gate.num_params))
        got = gate_matrix_of(gate.body.bind(dict(zip(gate.param_names, params))))
        assert np.allclose(got, GATES[lib].matrix(params)), name


def test_measure_both_forms_reset_barrier_delay():
    c = q3(HEAD + "qubit[2] q; bit[2] c; bit b;\n"
                  "c[0] = measure q[0]; measure q[1] -> c[1]; c = measure q; b = measure q[1];"
                  "\nreset q[0]; reset q; barrier q[0], q[1]; barrier;\n"
                  "delay[100ns] q[1]; delay[2.5us] q; delay[1ms] q[0]; delay[3s] q[1];")
    got = ops(c)
    assert [(o[0], o[1], o[3]) for o in got[:6]] == [
        ("measure", (0,), (0,)), ("measure", (1,), (1,)), ("measure", (0,), (0,)),
        ("measure", (1,), (1,)), ("measure", (1,), (2,)), ("reset", (0,), ())][:6]
    assert [o[:2] for o in got[6:10]] == [("reset", (0,)), ("reset", (1,)),
                                          ("barrier", (0, 1)), ("barrier", ())]
    assert [(o[1], o[2]) for o in got[10:]] == [((1,), (1e-7,)), ((0,), (2.5e-6,)),
                                                ((1,), (2.5e-6,)), ((0,), (1e-3,)),
                                                ((1,), (3.0,))]


def test_physical_qubits():
    c = q3(HEAD + "bit[2] c;\nh $0;\ncx $0, $3;\nc[1] = measure $3;\n")
    assert c.num_qubits == 4
    assert [o[:2] for o in ops(c)] == [("h", (0,)), ("cx", (0, 3)), ("measure", (3,))]


def test_constants_arithmetic_and_functions_fold():
    c = q3(HEAD + "const float a = pi / 4;\nconst int n = 2;\nfloat[64] b = a * n;\n"
                  "angle[20] w = τ / 8;\nqubit q;\n"
                  "rz(a) q; rz(b) q; rz(-2 ** 2) q; rz(sin(pi / 6) + cos(0)) q;\n"
                  "rz(arctan(1) * 4) q; rz(exp(log(2)) + sqrt(4)) q; rz(7 % 3) q; rz(w) q;\n"
                  "rz(euler) q; rz(floor(2.7) + ceiling(0.2) + mod(7, 4)) q; rz(pow(2, 3)) q;")
    got = [o.params[0] for o in c]
    expected = [math.pi / 4, math.pi / 2, -4.0, 1.5, math.pi, 4.0, 1.0, math.pi / 4, math.e,
                6.0, 8.0]
    assert np.allclose(got, expected)


def test_inputs_stay_symbolic():
    c = q3(HEAD + "input float[64] theta;\ninput angle phi;\nqubit[2] q;\n"
                  "rx(theta) q[0];\nrz(2 * theta + phi / 2) q[1];\nrzz(sin(theta)) q[0], q[1];\n")
    assert c.parameters == ("phi", "theta")
    params = [o.params[0] for o in c]
    assert all(isinstance(p, Expr) for p in params)
    values = {"theta": 0.3, "phi": -1.1}
    assert np.allclose([p.evaluate(values) for p in params],
                       [0.3, 2 * 0.3 - 1.1 / 2, math.sin(0.3)])
    bound = c.bind(values)
    assert np.allclose(unitary(bound), unitary(q3(
        HEAD + "qubit[2] q;\nrx(0.3) q[0];\nrz(0.6 - 0.55) q[1];\nrzz(sin(0.3)) q[0], q[1];")))


def test_gate_definitions_with_greek_parameters_and_gphase():
    c = q3(HEAD + "gate rot(θ, φ) a, b { ry(θ) a; cx a, b; rz(φ / 2) b; gphase(θ); }\n"
                  "qubit[2] q;\nrot(0.4, pi) q[1], q[0];\n")
    (op,) = list(c)
    assert (op.name, op.qubits, op.params) == ("rot", (1, 0), (0.4, math.pi))
    expected = q3(HEAD + "qubit[2] q;\nry(0.4) q[1]; cx q[1], q[0]; rz(pi / 2) q[0];"
                         "gphase(0.4);")
    assert np.allclose(unitary(c), unitary(expected))  # global phase included


def test_definitions_of_library_gates_become_library_gates():
    c = q3(HEAD + "gate rzz(t) a, b { cx a, b; rz(t) b; cx a, b; }\nqubit[2] q;\n"
                  "rzz(0.3) q[0], q[1];")
    assert [o.name for o in c] == ["rzz"]


def test_for_loops_unroll_over_ranges_and_sets():
    c = q3(HEAD + "const int n = 4;\nqubit[n] q;\n"
                  "for uint i in [0:n - 2] { cx q[i], q[i + 1]; }\n"
                  "for int k in [3:-2:0] rz(k * 0.5) q[k];\n"
                  "for i in {2, 0} { h q[i]; }\n"
                  "for uint i in [0:1] { for uint j in [i + 1:2] { cz q[i], q[j]; } }\n")
    got = [o[:3] for o in ops(c)]
    assert got == [("cx", (0, 1), ()), ("cx", (1, 2), ()), ("cx", (2, 3), ()),
                   ("rz", (3,), (1.5,)), ("rz", (1,), (0.5,)),
                   ("h", (2,), ()), ("h", (0,), ()),
                   ("cz", (0, 1), ()), ("cz", (0, 2), ()), ("cz", (1, 2), ())]


def test_ifs_on_measured_bits_become_conditions():
    c = q3(HEAD + "qubit[2] q; bit[3] c; bit[2] d;\n"
                  "if (c[0]) x q[0];\nif (!c[1]) { y q[0]; z q[1]; }\n"
                  "if (c[2] == 0) h q[0]; else s q[0];\nif (c == 5) reset q[1];\n"
                  "if (d == 2) d[0] = measure q[0];\nif (c[1] && c[2] == false) t q[1];\n"
                  "if (c[0]) { if (c[1]) { if (!c[2]) sx q[0]; } }\nif (c[2] != 1) x q[1];")
    got = [(o[0], o[4]) for o in ops(c)]
    assert got == [("x", Condition(0, 1, 1)), ("y", Condition(1, 1, 0)),
                   ("z", Condition(1, 1, 0)), ("h", Condition(2, 1, 0)),
                   ("s", Condition(2, 1, 1)), ("reset", Condition(0, 3, 5)),
                   ("measure", Condition(3, 2, 2)), ("t", Condition(1, 2, 1)),
                   ("sx", Condition(0, 3, 3)), ("x", Condition(2, 1, 0))]


def test_slices_and_negative_indices():
    c = q3(HEAD + "qubit[4] q; bit[4] c;\nh q[1:2];\nx q[-1];\ncx q[0:1], q[2:3];\n"
                  "c[0:1] = measure q[2:3];\nrz(0.1) q[0:2:3];")
    got = [o[:2] for o in ops(c)]
    assert got == [("h", (1,)), ("h", (2,)), ("x", (3,)), ("cx", (0, 2)), ("cx", (1, 3)),
                   ("measure", (2,)), ("measure", (3,)), ("rz", (0,)), ("rz", (2,))]


def test_includes_are_read_relative_to_the_file(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "mine.inc").write_text("gate twice a { x a; x a; }\n")
    main = tmp_path / "main.qasm"
    main.write_text(HEAD + 'include "lib/mine.inc";\nqubit q;\ntwice q;\n')
    c = parse_file(main)
    assert [o.name for o in c] == ["twice"] and c.name == "main"


def test_agrees_with_qiskits_reader():
    text = (HEAD + "qubit[3] q;\n"
            "gate g(a) x, y { rx(a) x; cx x, y; gphase(a / 3); }\n"
            "h q[0]; g(0.7) q[1], q[2]; cu(0.1, 0.2, pi / 2, 0.4) q[2], q[0];\n"
            "crx(0.2) q[0], q[1]; cry(-0.4) q[1], q[2]; crz(1.3) q[2], q[1];\n"
            "U(0.3, -0.2, 1.1) q[1]; gphase(0.25); cphase(0.3) q[0], q[2];\n"
            "u2(0.2, 0.4) q[0]; sdg q[1]; tdg q[2]; sx q[0]; ccx q[0], q[1], q[2];\n"
            "cswap q[2], q[0], q[1]; ch q[1], q[0]; cy q[0], q[2]; id q[1]; u1(0.3) q[2];\n")
    expected = qiskit_unitary(text)
    assert np.allclose(unitary(q3(text)), expected)  # global phase included


# -- the corpus, converted by Qiskit ---------------------------------------------------------

CORPUS = corpus_files()


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_converted_by_qiskit_reads_as_the_original(path):
    qasm3 = pytest.importorskip("qiskit.qasm3")
    original = corpus_circuit(path)
    if isinstance(original, SourceError):
        # one of the invalid OpenQASM 2 files of QASMBench, which Qiskit cannot read (and so
        # convert) either: test_qasm2 checks that both refuse the same files
        return
    c = q3(qasm3.dumps(qiskit_circuit(path.read_text(encoding="utf-8"))),
           file=path.stem + ".qasm3")
    assert (c.num_qubits, c.num_clbits, len(c)) == (original.num_qubits,
                                                   original.num_clbits, len(original))
    if simulable(original) and simulable(c):
        assert equivalent(original, c)
    else:  # conditions or mid-circuit resets: the same operations, gate by gate
        mine = [(o.name, o.qubits, o.clbits, o.condition) for o in c]
        theirs = [(o.name, o.qubits, o.clbits, o.condition) for o in original]
        assert mine == theirs
        assert np.allclose([p for o in c for p in o.params],
                           [p for o in original for p in o.params])
