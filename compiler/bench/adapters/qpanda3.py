"""QPanda 3: ``pyqpanda3.transpilation.Transpiler`` with the target's live couplers as
topology edges, the natives in QPanda's names, and the seed in a
``TranspilationExecutionConfig``.

QPanda does not report layouts.  The harness reads the final layout from the measurements
(every benchmark circuit measures its qubits at the end) and infers the initial one by
simulation.  QPanda's OpenQASM writer spells both ``RPhi`` and ``X1`` as ``u3``; the
rename rule turns them back (``u3(t, p - pi/2, pi/2 - p)`` is ``rphi(t, p)``) and leaves
any other ``u3`` alone, where the validity check will find it.
"""

from __future__ import annotations

from . import Adapter, Exported

BASIS_NAMES = {
    "rphi": "RPhi", "x1": "X1", "rz": "RZ", "cz": "CZ", "cx": "CNOT", "u3": "U3",
    "rx": "RX", "ry": "RY", "h": "H",
}


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
        self.rename = {}
        if "rphi" in target.basis:
            self.rename["u3"] = ("rphi", "u3_as_rphi")
        elif "x1" in target.basis:
            self.rename["u3"] = ("x1", "u3_as_x1")

    def load(self, text):
        from pyqpanda3.intermediate_compiler import convert_qasm_string_to_qprog

        return convert_qasm_string_to_qprog(text)

    def compile(self, program, seed):
        from pyqpanda3.transpilation import TranspilationExecutionConfig, Transpiler

        config = TranspilationExecutionConfig()
        config.seed = seed
        return Transpiler().transpile(program, self.edges, {}, self.level, self.basis, config)

    def export(self, result):
        from pyqpanda3.intermediate_compiler import convert_qprog_to_qasm

        return Exported(convert_qprog_to_qasm(result, 17), "qasm2", None, None,
                        dict(self.rename))
