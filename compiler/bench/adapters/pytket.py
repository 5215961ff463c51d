"""pytket: a backend-style default compilation pipeline with placement and routing on a
``pytket.architecture.Architecture`` of the target's live couplers, rebased to the target's
natives.

Levels follow pytket's backends: 0 maps and rebases; 1 adds ``SynthesiseTket`` before and
after mapping; 2 runs ``FullPeepholeOptimise`` before mapping and ``KAKDecomposition``,
``CliffordSimp`` and ``SynthesiseTket`` after it.  Every level ends with ``AutoRebase`` to the
natives, ``SquashRzPhasedX`` when the natives are PhasedX + Rz (pytket's form of one rphi
plus one rz), and ``RemoveRedundancies``.  pytket's ``PhasedX(a, b)`` in half-turns is
jingu's ``rphi(pi a, pi b)``; it is written as ``U1q`` with the hqslib1 header, which the
export turns into a plain OpenQASM 2 gate definition.
"""

from __future__ import annotations

from . import Adapter, Exported

#: widest classical register pytket's OpenQASM reader and writer accept (default 32)
MAX_WIDTH = 4096

#: the definition of pytket's U1q (PhasedX in radians) in qelib1 terms
U1Q_DEFINITION = "gate U1q(theta,phi) a { u3(theta,phi-pi/2,pi/2-phi) a; }"


def _optypes():
    from pytket.circuit import OpType

    return {
        "rphi": OpType.PhasedX, "rz": OpType.Rz, "cz": OpType.CZ, "cx": OpType.CX,
        "x1": OpType.SX, "sx": OpType.SX, "x": OpType.X, "u3": OpType.U3, "rx": OpType.Rx,
        "ry": OpType.Ry, "h": OpType.H,
    }


class PytketAdapter(Adapter):
    name = "pytket"
    levels = (0, 1, 2)
    requires = "pytket"

    def __init__(self, target, level):
        super().__init__(target, level)
        from pytket.architecture import Architecture

        from ...errors import TargetError

        table = _optypes()
        missing = [g for g in target.basis if g not in table]
        if missing:
            raise TargetError(f"no pytket OpType for native gate(s) {', '.join(missing)}")
        self.gates = {table[g] for g in target.basis}
        self.arch = Architecture([list(e) for e in target.couplers])
        self.rename = {"U1q": ("rphi", "same")}
        if "x1" in target.basis:
            self.rename["sx"] = ("x1", "same")

    def _pass(self):
        from pytket.circuit import OpType
        from pytket.passes import (
            AutoRebase,
            CliffordSimp,
            DecomposeBoxes,
            DefaultMappingPass,
            FullPeepholeOptimise,
            KAKDecomposition,
            RemoveRedundancies,
            SequencePass,
            SquashRzPhasedX,
            SynthesiseTket,
        )

        passes = [DecomposeBoxes()]
        if self.level == 1:
            passes.append(SynthesiseTket())
        elif self.level >= 2:
            passes.append(FullPeepholeOptimise())
        passes.append(DefaultMappingPass(self.arch, delay_measures=False))
        if self.level == 1:
            passes.append(SynthesiseTket())
        elif self.level >= 2:
            passes += [KAKDecomposition(allow_swaps=False), CliffordSimp(False), SynthesiseTket()]
        passes.append(AutoRebase(self.gates))
        if {OpType.PhasedX, OpType.Rz} <= self.gates:
            passes.append(SquashRzPhasedX())
        passes.append(RemoveRedundancies())
        return SequencePass(passes)

    def load(self, text):
        from pytket.qasm import circuit_from_qasm_str

        return circuit_from_qasm_str(text, maxwidth=MAX_WIDTH)

    def compile(self, program, seed):
        from pytket.predicates import CompilationUnit

        unit = CompilationUnit(program.copy())
        self._pass().apply(unit)
        return unit

    def export(self, unit):
        from pytket.circuit import Qubit
        from pytket.qasm import circuit_to_qasm_str

        circuit = unit.circuit.copy()
        # physical qubits are Node('node', j): write them as q[j] so the index is the qubit
        unplaced = [q for q in circuit.qubits if q.reg_name != "node"]
        if unplaced:
            raise RuntimeError(f"pytket left qubit(s) unplaced: {unplaced[:3]}")
        circuit.rename_units({q: Qubit("q", q.index[0]) for q in circuit.qubits})
        text = circuit_to_qasm_str(circuit, header="hqslib1", maxwidth=MAX_WIDTH)
        text = text.replace('include "hqslib1.inc";',
                            'include "qelib1.inc";\n' + U1Q_DEFINITION, 1)

        # an implicit permutation (wires that cross without a gate, left by peephole
        # optimisation) ends wire w at output unit perm[w]; the text follows wires by name,
        # so a qubit the final map puts on output unit u is on wire perm^-1(u) in the text
        unwire = {out: wire for wire, out in unit.circuit.implicit_qubit_permutation().items()}

        def layout(mapping, final=False):
            return {(q.reg_name, q.index[0]): (unwire.get(node, node) if final else node).index[0]
                    for q, node in mapping.items() if q.type.name == "qubit"}

        return Exported(text, "qasm2", layout(unit.initial_map),
                        layout(unit.final_map, final=True), dict(self.rename))
