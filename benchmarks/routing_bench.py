"""Layout + routing benchmark: jingu's passes against Qiskit's layout and routing stages
(O3 preset: VF2Layout, SabreLayout, SabreSwap) on the same circuits, same lattice, same run.

Three numbers per circuit and compiler:
* swaps inserted by layout + routing (both route the very same one- and two-qubit gates),
* CZ after optimisation: each side's layout + routing followed by the same Qiskit O3
  translation and optimisation stages, so routing quality is compared under identical
  optimisation (swaps merging into neighbouring two-qubit blocks included); Qiskit O3 end
  to end is shown for reference (its init stage also drops near-identity gates, e.g. the
  tiny-angle controlled phases of a large QFT, which is optimisation, not routing),
* seconds of layout + routing after a warm-up (numba JIT time is reported separately).

    python benchmarks/routing_bench.py [--target wukong72] [--seeds 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
import time
from itertools import pairwise

import numpy as np

JINGU_PIPELINE = "unroll,vf2-layout,sabre-layout,sabre-route"


# ----------------------------------------------------------------------------------------
# circuits (built with qiskit, converted to jingu so both compile the very same gates)


def qft(n):
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(n, name=f"qft-{n}")
    for j in range(n):
        qc.h(j)
        for k in range(j + 1, n):
            qc.cp(math.pi / 2 ** (k - j), k, j)
    for j in range(n // 2):
        qc.swap(j, n - 1 - j)
    return qc


def random_circuit(n, depth, seed):
    from qiskit import QuantumCircuit

    rng = np.random.default_rng(seed)
    qc = QuantumCircuit(n, name=f"random-{n}")
    for _ in range(depth):
        perm = rng.permutation(n)
        for a, b in zip(perm[0::2], perm[1::2]):
            qc.u(*rng.uniform(0, 2 * math.pi, 3), int(a))
            qc.cx(int(a), int(b))
    return qc


def qaoa_3regular(n, seed, layers=1):
    import networkx as nx
    from qiskit import QuantumCircuit

    g = nx.random_regular_graph(3, n, seed=seed)
    qc = QuantumCircuit(n, name=f"qaoa-3reg-{n}")
    qc.h(range(n))
    for layer in range(layers):
        for a, b in g.edges:
            qc.rzz(0.7 + layer, a, b)
        qc.rx(0.3, range(n))
    return qc


def ghz(n, seed):
    """A GHZ chain whose qubit labels are shuffled (the chain is a path on the lattice)."""
    from qiskit import QuantumCircuit

    order = np.random.default_rng(seed).permutation(n)
    qc = QuantumCircuit(n, name=f"ghz-{n}")
    qc.h(int(order[0]))
    for a, b in pairwise(order):
        qc.cx(int(a), int(b))
    return qc


def suite(seed=7):
    return [qft(20), qft(50), random_circuit(20, 20, seed), random_circuit(50, 20, seed),
            qaoa_3regular(40, seed), ghz(72, seed)]


def to_jingu(qc):
    """A jingu Circuit with the same gates as a qiskit circuit of library gates."""
    from jingu.circuit import CircuitBuilder

    b = CircuitBuilder(qc.num_qubits, qc.num_clbits, name=qc.name)
    for inst in qc.data:
        qubits = [qc.find_bit(q).index for q in inst.qubits]
        clbits = [qc.find_bit(c).index for c in inst.clbits]
        params = [float(p) for p in inst.operation.params]
        b.append(inst.operation.name, qubits, params, clbits)
    return b.build()


# ----------------------------------------------------------------------------------------
# compilers


def coupling_map(target):
    from qiskit.transpiler import CouplingMap

    edges = []
    for a, b in target.graph.edges:
        edges += [(a, b), (b, a)]
    return CouplingMap(edges)


def qiskit_route(qc, cmap, seed):
    """Qiskit's O3 layout and routing stages on ``qc``: (seconds, swaps, routed circuit)."""
    from qiskit.transpiler import StagedPassManager

    staged = StagedPassManager(stages=["layout", "routing"], layout=_preset(cmap, seed).layout,
                               routing=_preset(cmap, seed).routing)
    t0 = time.perf_counter()
    out = staged.run(qc)
    seconds = time.perf_counter() - t0
    return seconds, out.count_ops().get("swap", 0) - qc.count_ops().get("swap", 0), out


def _preset(cmap, seed):
    from qiskit.transpiler.preset_passmanagers import generate_preset_pass_manager

    return generate_preset_pass_manager(optimization_level=3, coupling_map=cmap,
                                        basis_gates=["cz", "rz", "sx", "x"],
                                        seed_transpiler=seed)


def qiskit_o3(qc, cmap, seed):
    """Qiskit O3 end to end: (seconds, CZ count)."""
    from qiskit import transpile

    t0 = time.perf_counter()
    out = transpile(qc, coupling_map=cmap, basis_gates=["cz", "rz", "sx", "x"],
                    optimization_level=3, seed_transpiler=seed)
    return time.perf_counter() - t0, out.count_ops().get("cz", 0)


def to_qiskit(circuit):
    """A qiskit circuit with the same gates as a jingu circuit (library gates only)."""
    from qiskit import QuantumCircuit
    from qiskit.circuit.library import get_standard_gate_name_mapping

    gates = get_standard_gate_name_mapping()
    qc = QuantumCircuit(circuit.num_qubits, circuit.num_clbits)
    for op in circuit:
        if op.name == "measure":
            qc.measure(op.qubits[0], op.clbits[0])
        elif op.name == "barrier":
            qc.barrier(*(op.qubits or range(circuit.num_qubits)))
        else:
            qc.append(gates[op.name].base_class(*op.params), list(op.qubits))
    return qc


def optimised_cz(routed, target, cmap):
    """CZ count of a routed circuit (qiskit's) after Qiskit's O3 translation and
    optimisation stages (no layout or routing stage: gates stay on their couplers)."""
    from qiskit.transpiler import StagedPassManager

    full = _preset(cmap, 0)
    staged = StagedPassManager(stages=["translation", "optimization"],
                               translation=full.translation, optimization=full.optimization)
    out = staged.run(routed)
    for inst in out.data:
        if len(inst.qubits) == 2:
            a, b = (out.find_bit(q).index for q in inst.qubits)
            assert target.is_coupled(a, b), "optimisation moved a gate off the couplers"
    return out.count_ops().get("cz", 0)


def jingu_route(circuit, target, seed, pipeline=JINGU_PIPELINE):
    """jingu's layout and routing passes: (seconds, swaps, properties, routed circuit)."""
    from jingu.passmanager import PassContext, run_pipeline
    from jingu.registry import build_pipeline

    ctx = PassContext(target=target, seed=seed)
    t0 = time.perf_counter()
    out = run_pipeline(circuit, build_pipeline(pipeline), ctx)
    seconds = time.perf_counter() - t0
    swaps = out.count_ops().get("swap", 0) - circuit.count_ops().get("swap", 0)
    return seconds, swaps, ctx.properties, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="wukong72")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--pipeline", default=JINGU_PIPELINE)
    parser.add_argument("--json", default=None)
    parser.add_argument("--no-cz", dest="cz", action="store_false",
                        help="skip the CZ comparison (Qiskit O3 optimisation of jingu's output)")
    args = parser.parse_args(argv)

    from jingu.targets import load_target

    target = load_target(args.target)
    cmap = coupling_map(target)
    circuits = suite()

    t0 = time.perf_counter()
    jingu_route(to_jingu(qaoa_3regular(12, 1)), target, 0, args.pipeline)
    jit = time.perf_counter() - t0
    print(f"first call (numba load/compile + imports): {jit:.2f} s\n")

    rows = []
    header = (f"{'circuit':13} {'n':>3} {'2q':>5} | {'qk swaps':>8} {'jg swaps':>8} | "
              f"{'qk CZ':>6} {'jg CZ':>6} {'ratio':>6} {'qk O3':>6} | {'qk L+R s':>8} "
              f"{'jg L+R s':>8}  layout")
    print(header)
    print("-" * len(header))
    for qc in circuits:
        circ = to_jingu(qc)
        acc = {k: [] for k in ("qs", "qt", "js", "jt", "qcz", "jcz", "o3cz")}
        props = {}
        for s in range(args.seeds):
            t, sw, routed = qiskit_route(qc, cmap, s)
            acc["qs"].append(sw)
            acc["qt"].append(t)
            acc["qcz"].append(optimised_cz(routed, target, cmap) if args.cz else 0)
            acc["o3cz"].append(qiskit_o3(qc, cmap, s)[1] if args.cz else 0)
            t, sw, props, routed = jingu_route(circ, target, s, args.pipeline)
            acc["js"].append(sw)
            acc["jt"].append(t)
            acc["jcz"].append(optimised_cz(to_qiskit(routed), target, cmap) if args.cz else 0)
        row = {"circuit": qc.name, "qubits": qc.num_qubits, "two_qubit": circ.two_qubit_count(),
               **{k: float(np.mean(v)) for k, v in acc.items()},
               "jingu_max_seconds": float(np.max(acc["jt"])),
               "layout": props.get("layout_method"), "vf2": props.get("vf2_layout")}
        rows.append(row)
        ratio = (row["jcz"] + 1) / (row["qcz"] + 1)
        print(f"{qc.name:13} {qc.num_qubits:3d} {row['two_qubit']:5d} | {row['qs']:8.1f} "
              f"{row['js']:8.1f} | {row['qcz']:6.0f} {row['jcz']:6.0f} {ratio:6.3f} "
              f"{row['o3cz']:6.0f} | {row['qt']:8.3f} {row['jt']:8.3f}  {row['layout']}")

    def geomean(key_a, key_b):
        return math.exp(np.mean([math.log((r[key_a] + 1) / (r[key_b] + 1)) for r in rows]))

    tq = sum(r["qt"] for r in rows)
    tj = sum(r["jt"] for r in rows)
    print(f"\ngeometric means jingu/qiskit: swaps {geomean('js', 'qs'):.3f}, CZ after "
          f"optimisation {geomean('jcz', 'qcz'):.3f}; layout+routing time qiskit {tq:.3f} s, "
          f"jingu {tj:.3f} s (ratio {tj / tq:.3f}); slowest jingu layout+routing "
          f"{max(r['jingu_max_seconds'] for r in rows):.3f} s")
    gm = geomean("jcz", "qcz")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"jit_seconds": jit, "rows": rows, "cz_ratio_geomean": gm}, fh, indent=1)


if __name__ == "__main__":
    main()
