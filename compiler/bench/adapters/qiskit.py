"""Qiskit: ``generate_preset_pass_manager`` on the target's coupling map (both directions of
every live coupler) and the target's basis in Qiskit's names.

Qiskit's ``r(theta, phi)`` is jingu's ``rphi`` (the same matrix), so a Wukong basis
``rphi, rz, cz`` becomes ``r, rz, cz``: Qiskit gets exactly the native gate set, no easier
or harder one.  The pass manager is built inside the timed call, as ``transpile`` would.

The result is walked instruction by instruction: ``qasm2.dumps`` cannot write the
conditional blocks Qiskit makes of ``if`` statements, and is slow on large outputs (31 s
for 1.4 million operations, which jingu's front end then took a minute to read).
An ``if_else`` block becomes its body's operations, each under the block's condition; an
``else`` branch only when the condition is one bit (it then reads the other value).
"""

from __future__ import annotations

from . import Adapter, Exported

#: jingu gate name -> Qiskit gate name (same matrix up to global phase)
BASIS_NAMES = {
    "rphi": "r", "x1": "sx", "rz": "rz", "cz": "cz", "cx": "cx", "sx": "sx", "x": "x",
    "u3": "u3", "u": "u", "rx": "rx", "ry": "ry", "h": "h", "p": "p", "id": "id",
    "swap": "swap", "ecr": "ecr", "iswap": "iswap",
}

#: Qiskit instructions that are not gates (no matrix)
INSTRUCTIONS = frozenset({"measure", "reset", "barrier", "delay"})


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
        layout = result.layout
        initial = final = None
        if layout is not None:
            initial = [int(p) for p in layout.initial_index_layout(filter_ancillas=True)]
            final = [int(p) for p in layout.final_index_layout(filter_ancillas=True)]
        names = {BASIS_NAMES[g]: (g, 1.0) for g in self.target.basis if BASIS_NAMES[g] != g}
        return Exported(initial_layout=initial, final_layout=final, ops=walk(result),
                        names=names)


def walk(circuit):
    """A Qiskit ``QuantumCircuit`` as an ``OpList`` (ValueError for what it cannot hold)."""
    from qiskit.circuit import CircuitInstruction, ControlFlowOp, Gate

    from ..oplist import OpListBuilder, reverse_operands

    if hasattr(CircuitInstruction, "is_control_flow"):  # no gate object made (Qiskit >= 1.3)
        control_flow = CircuitInstruction.is_control_flow
    else:
        def control_flow(ins):
            return isinstance(ins.operation, ControlFlowOp)

    qindex = {q: i for i, q in enumerate(circuit.qubits)}
    cindex = {c: i for i, c in enumerate(circuit.clbits)}
    cregs = []
    for reg in circuit.cregs:
        bits = [cindex[b] for b in reg]
        if not _is_run(bits):  # registers that are not runs of clbits: match by index
            cregs = []
            break
        cregs.append((reg.name, bits[0], len(bits)))
    out = OpListBuilder(len(qindex), len(cindex), cregs)
    out.global_phase = float(circuit.global_phase)

    def matrix(ins):
        op = ins.operation
        return reverse_operands(op.to_matrix()) if isinstance(op, Gate) else None

    def visit(data, qmap, cmap, condition):
        for ins in data:  # CircuitInstruction's own name and params: no gate object made
            qubits = [qmap[q] for q in ins.qubits]
            clbits = [cmap[c] for c in ins.clbits] if ins.clbits else ()
            if control_flow(ins):
                op = ins.operation
                if op.name != "if_else":
                    raise ValueError(f"Qiskit's '{op.name}' (control flow) has no jingu form")
                if condition is not None:
                    raise ValueError("nested conditional blocks")
                cond = _condition(op.condition, cmap)
                for block, when in zip(op.blocks, (cond, _negated(cond))):
                    if block is None:
                        continue
                    if when is None:
                        raise ValueError("an else branch on a condition wider than one bit")
                    visit(block.data, dict(zip(block.qubits, qubits)),
                          dict(zip(block.clbits, clbits)), when)
                continue
            name = ins.name
            try:
                params = [float(p) for p in ins.params]
            except (TypeError, ValueError):
                raise ValueError(f"Qiskit's '{name}' has non-numeric parameters") from None
            out.append(name, qubits, params, clbits, condition,
                       None if name in INSTRUCTIONS else (lambda i=ins: matrix(i)))

    visit(circuit.data, qindex, cindex, None)
    return out.build()


def _is_run(bits) -> bool:
    return bool(bits) and bits == list(range(bits[0], bits[0] + len(bits)))


def _condition(cond, cmap):
    """(first clbit, width, value) of an ``if_else`` condition."""
    from qiskit.circuit import ClassicalRegister, Clbit

    if isinstance(cond, tuple) and len(cond) == 2:
        target, value = cond
        if isinstance(target, Clbit):
            return (cmap[target], 1, int(value))
        if isinstance(target, ClassicalRegister):
            bits = [cmap[b] for b in target]
            if _is_run(bits):
                return (bits[0], len(bits), int(value))
    raise ValueError(f"a condition jingu cannot hold: {cond!r}")


def _negated(cond):
    """The other branch's condition: only a one-bit condition has one."""
    start, width, value = cond
    return (start, 1, 1 - value) if width == 1 else None
