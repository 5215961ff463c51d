"""CZ counts of translated gates: jingu's basis translation next to Qiskit's, same run.

For every multi-qubit gate of the library, and for X with 3 to 10 controls, one circuit
holding just that gate (so no idle qubit can serve as an ancilla) is translated

* by jingu's ``translate`` into ``cz,rz,sx,x`` and into the Wukong basis ``rphi,rz,cz``,
* by Qiskit's ``transpile(basis_gates=['cz','rz','sx','x'])`` at optimization levels 0
  (BasisTranslator, plus HighLevelSynthesis for multi-controlled gates) and 1,

and the CZ counts are printed side by side, with the one-qubit gate counts of the same
runs.  Qiskit reads each gate from the OpenQASM 2 text jingu writes, so both start from the
same definition; every jingu result is checked against the gate's matrix by simulation.
The last lines time both translators on a seeded random circuit (CPU seconds, after a
warm-up) and give jingu's speed as a ratio.

    python benchmarks/translation_counts.py [--max-controls 10] [--gates 20000]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

WUKONG = {"rphi", "rz", "cz", "measure", "reset", "barrier", "delay"}
SX = {"cz", "rz", "sx", "x", "measure", "reset", "barrier", "delay"}


def jingu_counts(circuit, basis):
    from jingu.passes.translate import translate
    from jingu.simulate import unitary

    out = translate(circuit, basis)
    if circuit.num_qubits <= 8:  # check the claim before reporting it
        assert np.allclose(unitary(out), unitary(circuit), atol=1e-8), circuit
    ops = out.count_ops()
    return ops.get("cz", 0), sum(v for k, v in ops.items() if k != "cz")


def qiskit_counts(qc, level):
    from qiskit import transpile

    ops = transpile(qc, basis_gates=["cz", "rz", "sx", "x"], optimization_level=level,
                    seed_transpiler=0).count_ops()
    return ops.get("cz", 0), sum(v for k, v in ops.items() if k != "cz")


def to_qiskit(circuit):
    import qiskit.qasm2 as q2
    from jingu.emit import to_qasm2

    return q2.loads(to_qasm2(circuit), custom_instructions=q2.LEGACY_CUSTOM_INSTRUCTIONS)


def single(name, num_qubits, params=(), gate=None):
    from jingu.circuit import CircuitBuilder

    b = CircuitBuilder(num_qubits)
    if gate is not None:
        b.register_gate(gate)
    b.append(name, tuple(range(num_qubits)), params)
    return b.build()


def mcx_qiskit(n):
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(n + 1)
    qc.mcx(list(range(n)), n)
    return qc


def rows(max_controls):
    from jingu.gates import LIBRARY
    from jingu.passes.synthesis.multi_controlled import mcx_gate

    rng = np.random.default_rng(1)
    for g in LIBRARY:
        if not g.is_unitary or g.num_qubits < 2:
            continue
        c = single(g.name, g.num_qubits, tuple(rng.uniform(-3, 3, g.num_params)))
        yield g.name, c, to_qiskit(c)
    for n in range(3, max_controls + 1):
        c = single(f"mcx{n}", n + 1, gate=mcx_gate(n))
        yield f"mcx({n} controls)", c, mcx_qiskit(n)


def speed(num_gates):
    from jingu.gates import LIBRARY
    from jingu.passes.translate import translate
    from jingu.random_circuits import random_circuit
    from qiskit import transpile

    names = [g.name for g in LIBRARY if g.is_unitary and g.name not in ("u0", "rphi", "x1")]
    c = random_circuit(20, num_gates, seed=1, gates=names)
    qc = to_qiskit(c)
    small = random_circuit(20, 200, seed=2, gates=names)
    translate(small, SX)
    transpile(to_qiskit(small), basis_gates=["cz", "rz", "sx", "x"], optimization_level=1)
    t = time.process_time()
    ours = translate(c, SX)
    jingu_s = time.process_time() - t
    results = [("jingu translate (1q runs fused)", jingu_s, ours.count_ops().get("cz", 0))]
    for level in (0, 1):
        t = time.process_time()
        out = transpile(qc, basis_gates=["cz", "rz", "sx", "x"], optimization_level=level,
                        seed_transpiler=0)
        results.append((f"qiskit transpile O{level}", time.process_time() - t,
                        out.count_ops().get("cz", 0)))
    return results


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--max-controls", type=int, default=10)
    ap.add_argument("--gates", type=int, default=20000,
                    help="size of the random circuit for the timing (0: skip)")
    args = ap.parse_args(argv)

    import qiskit

    print(f"CZ count (one-qubit gates) per gate; qiskit {qiskit.__version__}")
    head = ("gate", "jingu cz,rz,sx,x", "jingu rphi,rz,cz", "qiskit O0", "qiskit O1")
    print(f"{head[0]:<20} {head[1]:>17} {head[2]:>17} {head[3]:>12} {head[4]:>12}")
    for name, c, qc in rows(args.max_controls):
        cells = [jingu_counts(c, SX), jingu_counts(c, WUKONG), qiskit_counts(qc, 0),
                 qiskit_counts(qc, 1)]
        text = [f"{cz} ({one})" for cz, one in cells]
        print(f"{name:<20} {text[0]:>17} {text[1]:>17} {text[2]:>12} {text[3]:>12}")
        sys.stdout.flush()
    if args.gates:
        print(f"\ntranslation time, random circuit of {args.gates} library gates on 20 qubits "
              f"(CPU s, after warm-up; qiskit may borrow idle qubits as ancillas):")
        results = speed(args.gates)
        base = results[0][1]
        for label, seconds, cz in results:
            ratio = ("" if label.startswith("jingu")
                     else f"  jingu {seconds / base:.2f}x as fast")
            print(f"  {label:<34} {seconds:8.2f} s  {cz:7d} CZ{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
