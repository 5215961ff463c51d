"""pytket: a backend-style default compilation pipeline with placement and routing on a
``pytket.architecture.Architecture`` of the target's live couplers, rebased to the target's
natives.

Levels follow pytket's backends: 0 maps and rebases; 1 adds ``SynthesiseTket`` before and
after mapping; 2 runs ``FullPeepholeOptimise`` before mapping and ``KAKDecomposition``,
``CliffordSimp`` and ``SynthesiseTket`` after it.  Every level ends with ``AutoRebase`` to the
natives, ``SquashRzPhasedX`` when the natives are PhasedX + Rz (pytket's form of one rphi
plus one rz), and ``RemoveRedundancies``.

The result is walked command by command (pytket's OpenQASM writer spells single-bit
conditions ``if(c[0]==1)``, which OpenQASM 2 does not have).  Angles are half-turns:
pytket's ``PhasedX(a, b)`` is jingu's ``rphi(pi a, pi b)``.  A ``Phase`` op (a global
phase, which pytket also puts under conditions) goes into the global phase or, when
conditioned, is dropped: it is the phase of one branch of a classical mixture.
"""

from __future__ import annotations

import math

from . import Adapter, Exported

#: widest classical register pytket's OpenQASM reader accepts (default 32)
MAX_WIDTH = 4096

#: pytket OpType name -> (library gate, factor from half-turns); names not listed are
#: looked up in the library as they are
NAMES = {
    "PhasedX": ("rphi", math.pi), "Rz": ("rz", math.pi), "Rx": ("rx", math.pi),
    "Ry": ("ry", math.pi), "U1": ("u1", math.pi), "U2": ("u2", math.pi),
    "U3": ("u3", math.pi), "CZ": ("cz", 1.0), "CX": ("cx", 1.0), "H": ("h", 1.0),
    "X": ("x", 1.0), "Y": ("y", 1.0), "Z": ("z", 1.0), "S": ("s", 1.0), "Sdg": ("sdg", 1.0),
    "T": ("t", 1.0), "Tdg": ("tdg", 1.0), "SX": ("sx", 1.0), "SXdg": ("sxdg", 1.0),
    "SWAP": ("swap", 1.0), "CCX": ("ccx", 1.0), "ZZPhase": ("rzz", math.pi),
    "Measure": ("measure", 1.0), "Reset": ("reset", 1.0), "Barrier": ("barrier", 1.0),
}
#: operations that are not gates (no parameters, no matrix)
INSTRUCTIONS = frozenset({"Measure", "Reset", "Barrier"})


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
        self.names = dict(NAMES)
        if "x1" in target.basis:  # pytket's SX is Origin's X1
            self.names["SX"] = ("x1", 1.0)

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
        circuit = unit.circuit
        # an implicit permutation (wires that cross without a gate, left by peephole
        # optimisation) ends wire w at output unit perm[w]; the commands follow wires, so
        # a qubit the final map puts on output unit u is on wire perm^-1(u)
        unwire = {out: wire for wire, out in circuit.implicit_qubit_permutation().items()}

        def layout(mapping, final=False):
            return {(q.reg_name, q.index[0]): _node(unwire.get(node, node) if final else node)
                    for q, node in mapping.items() if q.type.name == "qubit"}

        return Exported(initial_layout=layout(unit.initial_map),
                        final_layout=layout(unit.final_map, final=True),
                        ops=walk(circuit, self.target.num_qubits), names=dict(self.names))


def _node(unit) -> int:
    """The physical qubit of a placed pytket qubit (``node[j]``)."""
    if unit.reg_name != "node" or len(unit.index) != 1:
        raise ValueError(f"pytket left qubit {unit} unplaced")
    return unit.index[0]


def walk(circuit, num_qubits: int):
    """A placed pytket ``Circuit`` as an ``OpList`` (half-turn angles kept)."""
    from pytket.circuit import OpType

    from ..oplist import OpListBuilder

    qindex = {q: _node(q) for q in circuit.qubits}
    bits = circuit.bits
    bindex = {b: i for i, b in enumerate(bits)}
    cregs = []
    if all(len(b.index) == 1 for b in bits):
        for i, b in enumerate(bits):  # pytket keeps a register's bits together, in order
            if cregs and cregs[-1][0] == b.reg_name and b.index[0] == cregs[-1][2]:
                cregs[-1][2] += 1
            elif b.index[0] == 0 and all(r[0] != b.reg_name for r in cregs):
                cregs.append([b.reg_name, i, 1])
            else:
                cregs = []
                break
    width = max([num_qubits] + [q + 1 for q in qindex.values()])
    out = OpListBuilder(width, len(bits), [tuple(r) for r in cregs])
    out.global_phase = math.pi * float(circuit.phase)
    conditional = OpType.Conditional
    for cmd in circuit.get_commands():
        op, args = cmd.op, cmd.args
        condition = None
        if op.type == conditional:
            w = op.width
            cbits = [bindex[a] for a in args[:w]]
            if cbits != list(range(cbits[0], cbits[0] + w)):
                raise ValueError(f"a condition on clbits {cbits} that are not a run")
            condition = (cbits[0], w, op.value)
            op, args = op.op, args[w:]
            if op.type == conditional:
                raise ValueError("nested conditions")
        name = op.type.name
        if name == "Phase":  # a global phase; under a condition, the phase of one branch
            if condition is None:  # of a classical mixture: unobservable either way
                out.global_phase += math.pi * float(op.params[0])
            continue
        qubits = [qindex[a] for a in args if a.type.name == "qubit"]
        clbits = [bindex[a] for a in args if a.type.name == "bit"]
        if name in INSTRUCTIONS:
            out.append(name, qubits, (), clbits, condition)
        else:
            out.append(name, qubits, [float(p) for p in op.params], clbits, condition,
                       op.get_unitary)
    return out.build()
