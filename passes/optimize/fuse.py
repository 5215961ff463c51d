"""One-qubit fusion: every maximal run of one-qubit gates on a wire becomes the basis'
shortest form (Wukong: one rphi and one virtual rz).

The numeric part is batched: the matrices of all run members come from one evaluation,
one kernel multiplies every run out and another takes all their ZYZ angles; Python then
only writes the runs that change.  A run is rewritten when that saves pulses (non-diagonal
gates, then gates) or when it holds a gate outside the basis; a run already as short as
its synthesis stays as it is, so fusing twice changes nothing.

Runs holding symbolic gates are fused exactly: the numeric stretches between symbolic
gates are multiplied out, rz angles add up as expressions (``rz(a) rz(t) -> rz(a + t)``),
and in the rphi form a pending rz moves forward through rphi by shifting its axis
(``RPhi(t, p) RZ(l) = RZ(l) RPhi(t, p - l)``), so it ends up once at the end of the run.
"""

from __future__ import annotations

import math

import numpy as np

from jingu.circuit import Circuit
from jingu.errors import InputError
from jingu.gates import GATES
from jingu.params import Expr
from jingu.passmanager import Pass

from .matrices import DEFAULT_ATOL, is_identity
from .natives import natives
from .rewrite import Rewrite
from .runs import Matrices, one_qubit_runs, op_facts

TWO_PI = 2.0 * math.pi
#: rz angles this close to a multiple of 2 pi are a phase, not a gate
ANGLE_EPS = 1e-12


class Fuse1Q(Pass):
    """Fuse each run of one-qubit gates into the basis' shortest form (Wukong: rphi, rz).

    Symbolic angles are merged exactly where an identity allows.

    ``basis`` overrides the target's basis (a preset name, or gates joined with '+');
    a run within ``atol`` of the identity is dropped, and so is a pulse that small.
    """

    name = "fuse-1q"
    basis: str = ""
    atol: float = 1e-9

    def run(self, circuit: Circuit, ctx) -> Circuit:
        nat = natives(self.name, self.basis, ctx)
        if nat.form is None:
            raise InputError(f"'{self.name}': the basis {{{', '.join(sorted(nat.gates))}}} "
                             f"has no universal one-qubit form to fuse into")
        return fuse_runs(circuit, nat.form, nat.gates, self.atol)


def _cost(names) -> tuple[int, int]:
    """(pulses, gates) of a one-qubit sequence; diagonal gates are frame changes."""
    return (sum(1 for n in names if not GATES[n].diagonal), len(names))


def fuse_runs(circuit: Circuit, form: str, basis,
              atol: float = DEFAULT_ATOL) -> Circuit:
    from .kernels import run_products, zyz_angles

    facts = op_facts(circuit)
    member = facts.plain & (facts.arity == 1) & (facts.batch | facts.symbolic)
    if not member.any():
        return circuit
    runs, run_qubit = one_qubit_runs(circuit, member)
    numeric_ops = np.nonzero(member & ~facts.symbolic)[0]
    mats = Matrices(circuit, numeric_ops, facts.arity)
    in_basis = facts.table.in_basis(basis)
    sizes = runs.sizes
    sym_count = np.add.reduceat(facts.symbolic[runs.ops].astype(np.int64), runs.ptr[:-1]) \
        if len(runs) else np.zeros(0, np.int64)
    foreign = np.add.reduceat((~in_basis[circuit.opcodes[runs.ops]]).astype(np.int64),
                              runs.ptr[:-1]) if len(runs) else np.zeros(0, np.int64)
    out = Rewrite(circuit)

    numeric = np.nonzero(sym_count == 0)[0]
    if len(numeric):
        sub_ptr, sub_ops = runs.select(numeric)
        products = run_products(sub_ptr, sub_ops, mats.mat_of, mats.one)
        ident, _ = is_identity(products, atol)
        todo = (sizes[numeric] > 1) | (foreign[numeric] > 0) | ident
        picked = numeric[todo]
        angles = zyz_angles(products[todo]) if len(picked) else np.zeros((0, 4))
        diagonal_g = facts.table.diagonal.astype(np.int64)
        pulses = sizes - np.add.reduceat(diagonal_g[circuit.opcodes[runs.ops]],
                                         runs.ptr[:-1])
        if form == "rphi":
            _write_rphi(out, runs, run_qubit, picked, angles, foreign, pulses, atol)
        else:
            _write_steps(out, runs, run_qubit, picked, angles, foreign, pulses, form)

    for r in np.nonzero(sym_count > 0)[0].tolist():
        _fuse_symbolic(out, circuit, runs.members(r), int(run_qubit[r]), mats, form, basis,
                       facts)
    return out.build()


def fuse_and_push_rz(circuit: Circuit, atol: float = DEFAULT_ATOL) -> Circuit:
    """``fuse_runs`` in the rphi form followed by ``virtual_z.push_rz``, in one walk
    (``kernels.fuse_frames``), for circuits without symbolic parameters: every run of
    one-qubit gates becomes at most one rphi, and the rz each leaves travels on with the
    frame it met; pulses within ``atol`` of the identity go."""
    from jingu.passes.synthesis.one_qubit import rphi_form_batch

    from .kernels import fuse_frames
    from .matrices import ZTYPE
    from .virtual_z import ANGLE_EPS as RZ_EPS
    from .virtual_z import wrap_rz

    if not len(circuit):
        return circuit
    facts = op_facts(circuit)
    member = facts.batch & (facts.arity == 1)
    role = np.where(facts.table.transparent[circuit.opcodes], 5, 0).astype(np.int8)
    role[member] = 1
    mats = Matrices(circuit, np.nonzero(member)[0], facts.arity)
    run_q, run_pos, angles, flush_pos, flush_q, flush_angle = fuse_frames(
        circuit.num_qubits, circuit.qubit_ptr, circuit.qubits, role,
        (facts.types & ZTYPE) != 0, mats.mat_of, mats.one)
    rt, rp, has_rphi, _, _, _ = rphi_form_batch(*angles.T)
    has_rphi &= rt > 2.0 * atol
    wrapped, wrap_phase = wrap_rz(flush_angle)
    has_rz = np.abs(wrapped) > RZ_EPS
    out = Rewrite(circuit)
    out.drop(member)
    out.insert_many(run_pos[has_rphi], "rphi", run_q[has_rphi],
                    np.stack([rt[has_rphi], rp[has_rphi]], axis=1))
    out.insert_many(flush_pos[has_rz], "rz", flush_q[has_rz], wrapped[has_rz])
    out.add_phase(float(angles[:, 3].sum() + wrap_phase.sum()))
    return out.build()


def _better(new_pulses, new_len, pulses, sizes, foreign):
    """Rewrite a run when it holds a non-basis gate or its synthesis is cheaper (pulses,
    then gates)."""
    return (foreign > 0) | (new_pulses < pulses) | ((new_pulses == pulses) & (new_len < sizes))


def _write_rphi(out, runs, run_qubit, picked, angles, foreign, pulses, atol) -> None:
    """All picked runs at once in the rphi form (``rphi_form_batch``); a pulse of angle
    t is within t/2 of the identity and goes when that is below ``atol``."""
    from jingu.passes.synthesis.one_qubit import rphi_form_batch

    rt, rp, has_rphi, rz, has_rz, phase = rphi_form_batch(*angles.T)
    has_rphi &= rt > 2.0 * atol
    npulse = has_rphi.astype(np.int64)
    ok = _better(npulse, npulse + has_rz, pulses[picked], runs.sizes[picked], foreign[picked])
    if not ok.any():
        return
    runs_ok = picked[ok]
    out.drop(runs.select(runs_ok)[1])
    pos = runs.last[runs_ok]
    qubit = run_qubit[runs_ok]
    rt, rp, has_rphi, rz, has_rz = rt[ok], rp[ok], has_rphi[ok], rz[ok], has_rz[ok]
    out.insert_many(pos[has_rphi], "rphi", qubit[has_rphi],
                    np.stack([rt[has_rphi], rp[has_rphi]], axis=1))
    out.insert_many(pos[has_rz], "rz", qubit[has_rz], rz[has_rz])
    out.add_phase(float(phase[ok].sum()))


def _write_steps(out, runs, run_qubit, picked, angles, foreign, pulses, form) -> None:
    """Run by run through ``steps_from_zyz`` (forms without a batch variant)."""
    from jingu.passes.synthesis.one_qubit import steps_from_zyz

    for r, row in zip(picked.tolist(), angles.tolist()):
        steps, phase = steps_from_zyz(row[0], row[1], row[2], row[3], form)
        new_pulses, new_len = _cost([s[0] for s in steps])
        if _better(new_pulses, new_len, pulses[r], runs.sizes[r], foreign[r]):
            _replace(out, runs.members(r), int(run_qubit[r]), steps, phase)


def _replace(out: Rewrite, ops: np.ndarray, qubit: int, steps, phase) -> None:
    out.drop(ops)
    pos = int(ops[-1])
    for name, _, params in steps:
        out.insert(pos, name, (qubit,), params)
    out.add_phase(phase)


class _Sequence:
    """Writes one-qubit steps with a pending rz (frame) that merges with the next rz and,
    in the rphi form, moves forward through rphi."""

    def __init__(self, form: str):
        self.form = form
        self.steps: list[tuple[str, tuple]] = []
        self.frame: float | Expr = 0.0
        self.phase = 0.0

    def add(self, name: str, params: tuple) -> None:
        if name == "rz":
            self.frame = self.frame + params[0]
        elif name == "rphi" and self.form == "rphi":
            theta, phi = params
            shifted = phi - self.frame
            if not isinstance(shifted, Expr):
                shifted = math.remainder(shifted, TWO_PI)
            self.steps.append(("rphi", (theta, shifted)))
        else:
            self.flush()
            self.steps.append((name, params))

    def flush(self) -> None:
        f = self.frame
        self.frame = 0.0
        if isinstance(f, Expr):
            self.steps.append(("rz", (f,)))
            return
        k = round(f / TWO_PI)
        f -= k * TWO_PI
        if k & 1:
            self.phase += math.pi
        if abs(f) > ANGLE_EPS:
            self.steps.append(("rz", (f,)))


def _fuse_symbolic(out: Rewrite, circuit: Circuit, ops: np.ndarray, qubit: int, mats,
                   form: str, basis, facts) -> None:
    from jingu.passes.synthesis.one_qubit import synthesize_1q

    seq = _Sequence(form)
    pending = None  # product of the numeric stretch so far

    def drain():
        nonlocal pending
        if pending is not None:
            steps, phase = synthesize_1q(pending, form)
            seq.phase += phase
            for name, _, params in steps:
                seq.add(name, params)
            pending = None

    names = []
    for i in ops.tolist():
        op = circuit.operation(i)
        names.append(op.name)
        if not facts.symbolic[i]:
            m = mats.one[mats.mat_of[i]]
            pending = m if pending is None else m @ pending
            continue
        drain()
        seq.add(op.name, op.params)
    drain()
    seq.flush()
    numeric_foreign = any(not facts.symbolic[i] and circuit.gate(i).name not in basis
                          for i in ops.tolist())
    if not numeric_foreign and _cost(names) <= _cost([s[0] for s in seq.steps]):
        return
    out.drop(ops)
    pos = int(ops[-1])
    for name, params in seq.steps:
        out.insert(pos, name, (qubit,), params)
    out.add_phase(seq.phase)
