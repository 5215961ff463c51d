"""QPanda 3: ``pyqpanda3.transpilation.Transpiler`` with the target's live couplers as
topology edges, the natives in QPanda's names, and the seed in a
``TranspilationExecutionConfig``.

QPanda does not report layouts.  The harness reads the final layout from the measurements
(every benchmark circuit measures its qubits at the end) and infers the initial one by
simulation.

The result is walked gate by gate (QPanda's OpenQASM writer fails on ``RESET``); gate names
go through the OriginIR front end's table of QPanda names, and the operands of each
measurement come from ``get_measure_qubits_cbits`` (in program order).  pyqpanda3 does not
show the condition of a ``QIf`` to Python, so a program with classical control, or with any
other nested or modified operation, is read from its OriginIR text (17 digits) instead.
"""

from __future__ import annotations

from . import Adapter, Exported

BASIS_NAMES = {
    "rphi": "RPhi", "x1": "X1", "rz": "RZ", "cz": "CZ", "cx": "CNOT", "u3": "U3",
    "rx": "RX", "ry": "RY", "h": "H",
}

#: digits of the angles in the OriginIR fallback (QPanda writes 8 by default)
PRECISION = 17


class QPanda3Adapter(Adapter):
    name = "qpanda3"
    levels = (0, 1, 2)
    requires = "pyqpanda3"

    def __init__(self, target, level):
        super().__init__(target, level)
        from ...errors import TargetError

        missing = [g for g in target.basis if g not in BASIS_NAMES]
        if missing:
            raise TargetError(f"no QPanda 3 name for native gate(s) {', '.join(missing)}")
        self.basis = [BASIS_NAMES[g] for g in target.basis]
        self.edges = [list(e) for e in target.couplers]

    def load(self, text):
        from pyqpanda3.intermediate_compiler import convert_qasm_string_to_qprog

        return convert_qasm_string_to_qprog(text)

    def compile(self, program, seed):
        from pyqpanda3.transpilation import TranspilationExecutionConfig, Transpiler

        config = TranspilationExecutionConfig()
        config.seed = seed
        return Transpiler().transpile(program, self.edges, {}, self.level, self.basis, config)

    def export(self, result):
        ops = walk(result, self.target.num_qubits)
        if ops is None:
            return Exported(result.originir(PRECISION), "originir")
        return Exported(ops=ops, names=gate_names())


def gate_names() -> dict[str, tuple[str, float]]:
    """QPanda's gate names (as ``QGate.name()`` spells them) -> library gates."""
    from ...grammar.originir import NAMES

    names = {k.upper(): (v, 1.0) for k, v in NAMES.items() if k != "CU"}  # CU: U4 angles
    names.update({"RESET": ("reset", 1.0), "BARRIER": ("barrier", 1.0),
                  "MEASURE": ("measure", 1.0)})
    return names


def walk(prog, num_qubits: int):
    """A flat QProg as an ``OpList``; None when it holds anything but plain gates and
    measurements (classical control, sub-circuits, controlled or daggered gates)."""
    from pyqpanda3.core import MeasureNode, QGate

    from ..oplist import OpListBuilder

    ops = prog.operations()
    measures = iter(prog.get_measure_qubits_cbits())
    qubits = [int(q) for q in prog.qubits()]
    cbits = [int(c) for c in prog.cbits()]
    out = OpListBuilder(max([num_qubits] + [q + 1 for q in qubits]),
                        max([0] + [c + 1 for c in cbits]))
    plain = {"RESET", "BARRIER"}
    for op in ops:
        kind = type(op)
        if kind is QGate:
            if op.control_qubits() or op.is_dagger():
                return None
            name = op.name()
            if name in plain:
                out.append(name, op.qubits())
            else:
                out.append(name, op.qubits(), op.parameters(), matrix=op.matrix)
        elif kind is MeasureNode:
            q, c = next(measures)
            out.append("MEASURE", (int(q),), (), (int(c),))
        else:
            return None
    if next(measures, None) is not None:
        return None  # a measurement inside something we did not walk
    return out.build()
