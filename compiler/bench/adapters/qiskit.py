"""Qiskit: ``generate_preset_pass_manager`` on the target's coupling map (both directions of
every live coupler) and the target's basis in Qiskit's names.

Qiskit's ``r(theta, phi)`` is jingu's ``rphi`` (the same matrix), so a Wukong basis
``rphi, rz, cz`` becomes ``r, rz, cz``: Qiskit gets exactly the native gate set, no easier
or harder one.  The pass manager is built inside the timed call, as ``transpile`` would.
"""

from __future__ import annotations

from . import Adapter, Exported

#: jingu gate name -> Qiskit gate name (same matrix up to global phase)
BASIS_NAMES = {
    "rphi": "r", "x1": "sx", "rz": "rz", "cz": "cz", "cx": "cx", "sx": "sx", "x": "x",
    "u3": "u3", "u": "u", "rx": "rx", "ry": "ry", "h": "h", "p": "p", "id": "id",
    "swap": "swap", "ecr": "ecr", "iswap": "iswap",
}


class QiskitAdapter(Adapter):
    name = "qiskit"
    levels = (0, 1, 2, 3)
    requires = "qiskit"

    def __init__(self, target, level):
        super().__init__(target, level)
        from qiskit.transpiler import CouplingMap

        from ...errors import TargetError

        missing = [g for g in target.basis if g not in BASIS_NAMES]
        if missing:
            raise TargetError(f"no Qiskit name for native gate(s) {', '.join(missing)}")
        self.basis = [BASIS_NAMES[g] for g in target.basis]
        # from qiskit's name back to jingu's, where they differ
        self.rename = {BASIS_NAMES[g]: (g, "same") for g in target.basis
                       if BASIS_NAMES[g] != g}
        cmap = CouplingMap()
        for q in range(target.num_qubits):
            cmap.add_physical_qubit(q)
        for a, b in target.couplers:
            cmap.add_edge(a, b)
            cmap.add_edge(b, a)
        self.coupling_map = cmap

    def load(self, text):
        from qiskit import qasm2

        return qasm2.loads(text, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)

    def compile(self, program, seed):
        from qiskit.transpiler import generate_preset_pass_manager

        pm = generate_preset_pass_manager(
            optimization_level=self.level, coupling_map=self.coupling_map,
            basis_gates=self.basis, seed_transpiler=seed)
        return pm.run(program)

    def export(self, result):
        from qiskit import qasm2

        layout = result.layout
        initial = final = None
        if layout is not None:
            initial = [int(p) for p in layout.initial_index_layout(filter_ancillas=True)]
            final = [int(p) for p in layout.final_index_layout(filter_ancillas=True)]
        return Exported(qasm2.dumps(result), "qasm2", initial, final, dict(self.rename))
