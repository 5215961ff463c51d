"""Virtual Z: rz is a change of the qubit's frame, so it is pushed forward to where it
costs nothing.

An rz moves through a gate that commutes with Z on that qubit (cz, any diagonal gate, the
control of cx) unchanged, and through an ``rphi`` by shifting its axis:
``RPhi(t, p) RZ(l) = RZ(l) RPhi(t, p - l)`` (exact, no phase).  Other diagonal one-qubit
gates (p, s, t, z, ...) join the frame as ``e^{i a} RZ(l)``.  Frames collect along each
wire and come out as one rz in front of the first gate they cannot pass (a measurement,
a general gate, a conditioned gate) or at the end of the wire; barriers and delays let
them through (a frame change is not a pulse).  Symbolic rz angles ride along as
expressions, so variational circuits keep their parameters exact.
"""

from __future__ import annotations

import math

import numpy as np

from jingu.circuit import Circuit
from jingu.gates import GATES
from jingu.passmanager import Pass

from .matrices import ZTYPE, op_matrices
from .natives import natives
from .rewrite import Rewrite
from .runs import op_facts

TWO_PI = 2.0 * math.pi
#: an rz whose angle is this close to a multiple of 2 pi is a phase, not a gate
ANGLE_EPS = 1e-12


class VirtualZ(Pass):
    """Push rz frames forward through rphi and Z-commuting gates to the ends of the wires.

    An rz shifts the phase of each rphi it passes and stops at the first gate it cannot
    pass; diagonal one-qubit gates (p, s, t, ...) merge into it.

    Does nothing when the basis (the target's, or ``basis``) has no rz.
    """

    name = "virtual-z"
    basis: str = ""

    def run(self, circuit: Circuit, ctx) -> Circuit:
        if "rz" not in natives(self.name, self.basis, ctx).gates:
            return circuit
        return push_rz(circuit)


def wrap_rz(angle: np.ndarray):
    """(angle in (-pi, pi], phase): RZ(a) = e^{i phase} RZ(wrapped) (RZ(a + 2 pi) = -RZ(a))."""
    k = np.round(np.asarray(angle, dtype=float) / TWO_PI)
    return angle - k * TWO_PI, np.where(np.mod(k, 2) == 1, math.pi, 0.0)


def push_rz(circuit: Circuit) -> Circuit:
    from .kernels import virtual_z

    n = len(circuit)
    if not n:
        return circuit
    facts = op_facts(circuit)
    table = facts.table
    codes = circuit.opcodes
    plain = facts.whole
    one = plain & (facts.arity == 1)
    rz, rphi = table.code(GATES["rz"]), table.code(GATES["rphi"])

    role = np.zeros(n, np.int8)
    role[table.transparent[codes]] = 5
    absorbed = one & ~facts.symbolic & table.diagonal[codes] & facts.batch
    role[absorbed] = 1
    role[one & ~facts.symbolic & (codes == rphi)] = 2
    role[one & facts.symbolic & (codes == rz)] = 3
    role[one & facts.symbolic & (codes == rphi)] = 4
    if not (role == 1).any() and not (role == 3).any():
        return circuit

    lam = np.zeros(n)
    phase_of = np.zeros(n)
    pidx = circuit.param_ptr[:-1].astype(np.int64)
    is_rz = absorbed & (codes == rz)
    lam[is_rz] = circuit.params[pidx[is_rz]]
    other = np.nonzero(absorbed & ~is_rz)[0]
    if len(other):
        mats = op_matrices(circuit, other, 2)
        a, b = np.angle(mats[:, 0, 0]), np.angle(mats[:, 1, 1])
        lam[other] = b - a
        phase_of[other] = 0.5 * (a + b)

    # which slots let a frame through: unconditioned gates commuting with Z there
    passes = (facts.types & ZTYPE) != 0  # read only where the op has role 0
    slot_op = facts.slot_op

    params = circuit.params.copy()
    phi_slot = pidx + 1
    (keep, flush_num, flush_ver, end_num, end_ver, seen_num, seen_ver, ver_parent, ver_op,
     phase) = virtual_z(circuit.num_qubits, circuit.qubit_ptr, circuit.qubits, role, passes,
                        lam, phase_of, phi_slot, params)

    out = Rewrite(circuit)
    out.keep = keep
    out.touched = True
    out.add_phase(float(phase))
    shifted = np.nonzero(role == 2)[0]
    slots = phi_slot[shifted]
    out.params[slots] = np.remainder(params[slots] + math.pi, TWO_PI) - math.pi

    sym = _SymbolicFrames(circuit, ver_parent, ver_op)
    for i in np.nonzero((role == 2) & (seen_ver >= 0))[0].tolist():
        out.set_param(int(phi_slot[i]), float(out.params[phi_slot[i]]) - sym[seen_ver[i]])
    for i in np.nonzero(role == 4)[0].tolist():
        _, phi = circuit.op_params(i)
        shift = float(seen_num[i])
        new = phi - shift if shift else phi
        if seen_ver[i] >= 0:
            new = new - sym[seen_ver[i]]
        if not isinstance(new, float):
            out.set_param(int(phi_slot[i]), new)
        else:
            out.set_param(int(phi_slot[i]), math.remainder(new, TWO_PI))

    # flushes in front of ops, then the frames left at the ends of the wires
    flush = np.nonzero(~np.isnan(flush_num))[0]
    _emit(out, slot_op[flush], circuit.qubits[flush], flush_num[flush], flush_ver[flush], sym)
    wires = np.nonzero((end_num != 0.0) | (end_ver >= 0))[0]
    _emit(out, np.full(len(wires), n), wires, end_num[wires], end_ver[wires], sym)
    return out.build()


def _emit(out: Rewrite, pos, qubits, angle, ver, sym) -> None:
    """rz(angle + symbolic frame) on ``qubits`` before ``pos`` (numeric ones in a batch)."""
    wrapped, phase = wrap_rz(angle)
    out.add_phase(float(phase.sum()))
    numeric = (ver < 0) & (np.abs(wrapped) > ANGLE_EPS)
    out.insert_many(pos[numeric], "rz", qubits[numeric], wrapped[numeric])
    for j in np.nonzero(ver >= 0)[0].tolist():
        value = sym[ver[j]]
        if abs(wrapped[j]) > ANGLE_EPS:
            value = value + float(wrapped[j])
        out.insert(int(pos[j]), "rz", (int(qubits[j]),), (value,))


class _SymbolicFrames:
    """Expression of each symbolic frame version (built on demand, each once)."""

    def __init__(self, circuit: Circuit, parent: np.ndarray, op: np.ndarray):
        self.circuit = circuit
        self.parent = parent.tolist()
        self.op = op.tolist()
        self.cache: dict[int, object] = {}

    def __getitem__(self, v: int):
        v = int(v)
        hit = self.cache.get(v)
        if hit is not None:
            return hit
        chain = []
        while v >= 0 and v not in self.cache:
            chain.append(v)
            v = self.parent[v]
        value = self.cache[v] if v >= 0 else 0.0
        for u in reversed(chain):
            value = value + self.circuit.op_params(self.op[u])[0]
            self.cache[u] = value
        return value
