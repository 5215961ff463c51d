"""Two-qubit block consolidation: a maximal block of gates on one pair of qubits is
multiplied out and re-synthesised (KAK) when that needs fewer CZ than the block has.

Everything numeric is batched: blocks and their 4x4 unitaries come from two kernels, a
cheap invariant screen (``kernels.cz_counts``) picks the blocks that may improve, one
kernel runs the KAK synthesis of all of them, and the one-qubit layers are written in the
basis' form for all blocks at once (``one_qubit.rphi_form_batch`` for Wukong; other forms
go block by block through ``synthesize_2q``).  A block's current cost counts its
two-qubit gates at what each is worth in CZ (a swap three, a cz or cx one), so
``swap . cz`` (four) becomes two and two CZ whose one-qubit gates make a CZ-class unitary
become one.  Blocks with symbolic or conditioned gates are left alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from jingu.circuit import Circuit
from jingu.passmanager import Pass

from .matrices import DEFAULT_ATOL
from .natives import natives
from .rewrite import Rewrite
from .runs import Matrices, op_facts, two_qubit_blocks

#: tolerance of the invariant screen (generous: the KAK synthesis has the last word)
SCREEN_TOL = 1e-7
_PERM = np.array([0, 2, 1, 3])


class Consolidate2Q(Pass):
    """Re-synthesise two-qubit blocks with KAK where that lowers the CZ count.

    Numeric blocks only; the result uses the basis' entangler and one-qubit form.

    ``atol`` is the Weyl-coordinate distance (about the operator-norm error) under which a
    block counts as the cheaper class and is synthesised as such.
    """

    name = "consolidate-2q"
    basis: str = ""
    atol: float = 1e-9

    def run(self, circuit: Circuit, ctx) -> Circuit:
        nat = natives(self.name, self.basis, ctx)
        if nat.entangler is None or nat.form is None:
            return circuit
        return consolidate(circuit, nat.entangler, nat.form, self.atol)


def cz_screen(unitaries: np.ndarray) -> np.ndarray:
    """The fewest CZ each 4x4 unitary needs, from invariants: a screen that decides which
    blocks are worth a synthesis."""
    from .kernels import cz_counts

    if not len(unitaries):
        return np.zeros(0, np.int64)
    return cz_counts(np.ascontiguousarray(unitaries), SCREEN_TOL)


@dataclass
class Synthesis:
    """KAK syntheses of several unitaries: CZ count (-1: not unitary), phase, and the ZYZ
    angles of each one-qubit layer (``angles[j, layer, qubit]``)."""

    counts: np.ndarray
    phases: np.ndarray
    angles: np.ndarray


def synthesize(unitaries: np.ndarray, entangler: str, atol: float) -> Synthesis:
    from jingu.passes.synthesis.two_qubit import FIXED
    from jingu.passes.synthesis.weyl import (
        COMBOS,
        DIAG_TOL,
        IPAULIS,
        MAGIC,
        MAGIC_DAG,
        PAULIS,
        SIGNS,
    )

    from .kernels import synthesize_blocks

    if not len(unitaries):
        return Synthesis(np.zeros(0, np.int64), np.zeros(0), np.zeros((0, 4, 2, 4)))
    counts, phases, angles = synthesize_blocks(
        np.ascontiguousarray(unitaries), atol, entangler == "cx", MAGIC, MAGIC_DAG,
        COMBOS, DIAG_TOL, SIGNS, IPAULIS, PAULIS, FIXED)
    return Synthesis(counts, phases, angles)


class BlockView:
    """The numeric two-qubit blocks of a circuit and their CZ cost; unitaries on demand."""

    def __init__(self, circuit: Circuit):
        facts = op_facts(circuit)
        self.circuit = circuit
        self.facts = facts
        member = np.zeros(len(circuit), np.int8)
        member[facts.batch & (facts.arity == 1)] = 1
        member[facts.batch & (facts.arity == 2)] = 2
        self.groups, self.q0, self.q1 = two_qubit_blocks(circuit, member)
        ops = self.groups.ops
        # each two-qubit gate's worth in CZ: one for cz / cx, else its class
        worth = np.zeros(len(circuit), np.int64)
        two = ops[facts.arity[ops] == 2]
        simple_g = np.array([g.name in ("cz", "cx") for g in circuit.gate_table], dtype=bool)
        simple = simple_g[circuit.opcodes[two]]
        worth[two[simple]] = 1
        other = two[~simple]
        if len(other):
            mats = Matrices(circuit, other, facts.arity)
            worth[other] = np.maximum(cz_screen(mats.two[mats.mat_of[other]]), 1)
        self.cost = np.add.reduceat(worth[ops], self.groups.ptr[:-1]) if len(ops) else \
            np.zeros(0, np.int64)

    def __len__(self) -> int:
        return len(self.groups)

    def unitaries(self, blocks: np.ndarray) -> np.ndarray:
        """The 4x4 unitaries of ``blocks`` (on (q0, q1), q0 the most significant)."""
        from .kernels import block_unitaries

        blocks = np.asarray(blocks, dtype=np.int64)
        ptr, ops = self.groups.select(blocks)
        mats = Matrices(self.circuit, ops, self.facts.arity)
        return block_unitaries(ptr, ops, self.q0[blocks], self.circuit.qubit_ptr,
                               self.circuit.qubits, mats.mat_of, mats.one, mats.two)


def write_blocks(out: Rewrite, view: BlockView, blocks: np.ndarray, synth: Synthesis,
                 unitaries: np.ndarray, entangler: str, form: str, atol: float) -> None:
    """Replace each block ``blocks[j]`` by the synthesis ``synth`` (entry j) of
    ``unitaries[j]``, written at the position of the block's last op."""
    groups = view.groups
    members = np.nonzero(np.isin(groups.of[groups.ops], blocks))[0]
    out.drop(groups.ops[members])
    pos = groups.last[blocks]
    qa, qb = view.q0[blocks], view.q1[blocks]
    if form != "rphi":
        from jingu.passes.synthesis.two_qubit import synthesize_2q

        for j in range(len(blocks)):
            steps, phase = synthesize_2q(unitaries[j], basis=entangler, one_qubit_basis=form,
                                         atol=atol)
            pair = (int(qa[j]), int(qb[j]))
            for name, positions, params in steps:
                out.insert(int(pos[j]), name, tuple(pair[p] for p in positions), params)
            out.add_phase(phase)
        return
    for k in range(4):  # blocks with k entangling gates, all at once
        sel = np.nonzero(synth.counts == k)[0]
        if len(sel):
            _write_rphi(out, pos[sel], qa[sel], qb[sel], synth.angles[sel, :k + 1].copy(),
                        synth.phases[sel], entangler)


def _write_rphi(out: Rewrite, pos, qa, qb, angles, phases, entangler: str) -> None:
    """What ``two_qubit._emit`` writes in the rphi form, for many blocks of the same CZ
    count: per layer and qubit one rphi and an rz that moves on into the next layer (on
    both qubits through cz, on the control through cx), the last layer keeping it."""
    from jingu.passes.synthesis.one_qubit import rphi_form_batch

    last = angles.shape[1] - 1
    phase = phases.copy()
    qubits = (qa, qb)
    for i in range(last + 1):
        for q in (0, 1):
            t, p, l, a = (angles[:, i, q, j] for j in range(4))
            rt, rp, has_rphi, rz, has_rz, ph = rphi_form_batch(t, p, l, a)
            phase += ph
            if i < last and (q == 0 or entangler == "cz"):
                angles[:, i + 1, q, 2] += np.where(has_rz, rz, 0.0)
                has_rz = np.zeros_like(has_rz)
            out.insert_many(pos[has_rphi], "rphi", qubits[q][has_rphi],
                            np.stack([rt[has_rphi], rp[has_rphi]], axis=1))
            out.insert_many(pos[has_rz], "rz", qubits[q][has_rz], rz[has_rz])
        if i < last:
            out.insert_many(pos, entangler, np.stack([qa, qb], axis=1), np.zeros((len(pos), 0)))
    out.add_phase(float(np.remainder(phase, 2 * math.pi).sum()))


def consolidate(circuit: Circuit, entangler: str, form: str,
                atol: float = DEFAULT_ATOL) -> Circuit:
    if not len(circuit):
        return circuit
    view = BlockView(circuit)
    if not len(view):
        return circuit
    candidates = np.nonzero(view.cost >= 2)[0]
    unitaries = view.unitaries(candidates)
    screen = cz_screen(unitaries) < view.cost[candidates]
    screened, unitaries = candidates[screen], unitaries[screen]
    synth = synthesize(unitaries, entangler, atol)
    better = (synth.counts >= 0) & (synth.counts < view.cost[screened])
    if not better.any():
        return circuit
    out = Rewrite(circuit)
    write_blocks(out, view, screened[better], _subset(synth, better), unitaries[better],
                 entangler, form, atol)
    return out.build()


def _subset(s: Synthesis, mask: np.ndarray) -> Synthesis:
    return Synthesis(s.counts[mask], s.phases[mask], s.angles[mask])
