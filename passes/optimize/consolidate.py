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

Blocks reach across two-qubit gates that commute with them on the qubit they share
(``cz(0,1) cz(1,2) swap(0,1)``: the cz(1,2) moves before the block, whose SWAP . CZ needs
two CZ), and a block may be synthesised as a cheaper class when that changes it by a
negligible average-gate infidelity (1e-12 by default, the cut of
remove-identity-equivalent); what the approximations cost in all is reported.
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

    A block counts as a cheaper class when the Weyl coordinates that class drops sum to at
    most ``atol`` (about the operator-norm error) or cost an average-gate infidelity of at
    most ``infidelity`` (the summed cost is reported as ``synthesis_infidelity``).  With
    ``commute``, a two-qubit gate that commutes with a block on the qubit they share does
    not split it.
    """

    name = "consolidate-2q"
    basis: str = ""
    atol: float = 1e-9
    infidelity: float = 1e-12  # NEGLIGIBLE_INFIDELITY, literal so `jingu passes` reads it
    commute: bool = True

    def run(self, circuit: Circuit, ctx) -> Circuit:
        nat = natives(self.name, self.basis, ctx)
        if nat.entangler is None or nat.form is None:
            return circuit
        stats = Stats()
        out = consolidate(circuit, nat.entangler, nat.form, self.atol, self.infidelity,
                          self.commute, stats)
        stats.report(ctx)
        return out


@dataclass
class Stats:
    """What block re-synthesis did: the average-gate infidelity its approximations cost
    (summed: a bound to first order), how many blocks it rewrote, and how many of those
    became local (no CZ left) between two gates on one pair -- which then meet, for a
    block or a cancellation another round can find."""

    infidelity: float = 0.0
    blocks: int = 0
    merges: int = 0

    def record(self, view: BlockView, blocks: np.ndarray, synth: Synthesis) -> None:
        from .kernels import opens_a_merge

        self.infidelity += float(synth.lost.sum())
        self.blocks += len(blocks)
        local = blocks[synth.counts == 0]
        if len(local):
            c = view.circuit
            next_op, prev_op = c.wire_links()
            g = view.groups
            self.merges += bool(opens_a_merge(local, g.ptr, g.ops, view.q0, view.q1,
                                              c.qubit_ptr, c.qubits, next_op, prev_op))

    def report(self, ctx) -> None:
        if self.infidelity:
            props = ctx.properties
            props["synthesis_infidelity"] = props.get("synthesis_infidelity", 0.0) + \
                self.infidelity


def screen_tolerance(infidelity: float) -> float:
    """Tolerance of the invariant screen that keeps every block the synthesis could make
    cheaper within ``infidelity`` (the invariants move about linearly with the Weyl
    coordinates, whose deviation is about ``sqrt(5/4 infidelity)``)."""
    return max(SCREEN_TOL, 8.0 * math.sqrt(1.25 * max(infidelity, 0.0)))


def cz_screen(unitaries: np.ndarray, tol: float = SCREEN_TOL) -> np.ndarray:
    """The fewest CZ each 4x4 unitary needs, from invariants: a screen that decides which
    blocks are worth a synthesis."""
    from .kernels import cz_counts

    if not len(unitaries):
        return np.zeros(0, np.int64)
    return cz_counts(np.ascontiguousarray(unitaries), tol)


@dataclass
class Synthesis:
    """KAK syntheses of several unitaries: CZ count (-1: not unitary), phase, the ZYZ
    angles of each one-qubit layer (``angles[j, layer, qubit]``) and the average-gate
    infidelity of each approximation (0 when exact)."""

    counts: np.ndarray
    phases: np.ndarray
    angles: np.ndarray
    lost: np.ndarray

    def subset(self, mask: np.ndarray) -> Synthesis:
        return Synthesis(self.counts[mask], self.phases[mask], self.angles[mask],
                         self.lost[mask])


def synthesize(unitaries: np.ndarray, entangler: str, atol: float,
               infidelity: float = 0.0) -> Synthesis:
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
        return Synthesis(np.zeros(0, np.int64), np.zeros(0), np.zeros((0, 4, 2, 4)),
                         np.zeros(0))
    counts, phases, angles, lost = synthesize_blocks(
        np.ascontiguousarray(unitaries), atol, infidelity, entangler == "cx", MAGIC,
        MAGIC_DAG, COMBOS, DIAG_TOL, SIGNS, IPAULIS, PAULIS, FIXED)
    return Synthesis(counts, phases, angles, lost)


class BlockView:
    """The numeric two-qubit blocks of a circuit and their CZ cost; unitaries on demand.
    With ``commute``, blocks reach across two-qubit gates that commute with them (see
    ``kernels.two_qubit_blocks``)."""

    def __init__(self, circuit: Circuit, commute: bool = False):
        facts = op_facts(circuit)
        self.circuit = circuit
        self.facts = facts
        member = np.zeros(len(circuit), np.int8)
        member[facts.batch & (facts.arity == 1)] = 1
        member[facts.batch & (facts.arity == 2)] = 2
        types = facts.types if commute else None
        self.groups, self.q0, self.q1 = two_qubit_blocks(circuit, member, types)
        ops = self.groups.ops
        # each two-qubit gate's worth in CZ: one for cz / cx, else its class
        worth = np.zeros(len(circuit), np.int64)
        two = ops[facts.arity[ops] == 2]
        simple_g = np.isin(np.array(facts.table.names), ("cz", "cx"))
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
                 unitaries: np.ndarray, entangler: str, form: str, atol: float,
                 infidelity: float = 0.0) -> None:
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
                                         atol=atol, infidelity=infidelity)
            pair = (int(qa[j]), int(qb[j]))
            for name, positions, params in steps:
                out.insert(int(pos[j]), name, tuple(pair[p] for p in positions), params)
            out.add_phase(phase)
        return
    _write_rphi(out, pos, qa, qb, synth.counts, synth.angles.copy(), synth.phases, entangler)


def _write_rphi(out: Rewrite, pos, qa, qb, counts, angles, phases, entangler: str) -> None:
    """What ``two_qubit._emit`` writes in the rphi form, for many blocks at once (block j
    has ``counts[j]`` entangling gates): per layer and qubit one rphi and an rz that moves
    on into the next layer (on both qubits through cz, on the control through cx), the
    last layer keeping it.  One batch per layer holds every block's rows on both qubits."""
    from jingu.passes.synthesis.one_qubit import rphi_form_batch

    phase = float(np.remainder(phases, 2 * math.pi).sum())
    for i in range(int(counts.max(initial=-1)) + 1):
        live = np.nonzero(counts >= i)[0]  # the blocks with a layer i
        lay = angles[live, i]  # (blocks, qubit, zyz)
        rt, rp, has_rphi, rz, has_rz, ph = rphi_form_batch(*lay.reshape(-1, 4).T)
        phase += float(np.remainder(ph, 2 * math.pi).sum())
        carry = np.repeat(counts[live] > i, 2)
        if entangler != "cz":
            carry[1::2] = False  # through cx only the control's rz moves on
        carry &= has_rz
        rows = np.nonzero(carry)[0]
        if len(rows):
            angles[live[rows // 2], i + 1, rows % 2, 2] += rz[rows]
        has_rz &= ~carry
        where = np.repeat(pos[live], 2)
        qubits = np.stack([qa[live], qb[live]], axis=1).reshape(-1)
        out.insert_many(where[has_rphi], "rphi", qubits[has_rphi],
                        np.stack([rt[has_rphi], rp[has_rphi]], axis=1))
        out.insert_many(where[has_rz], "rz", qubits[has_rz], rz[has_rz])
        cz = live[counts[live] > i]
        out.insert_many(pos[cz], entangler, np.stack([qa[cz], qb[cz]], axis=1),
                        np.zeros((len(cz), 0)))
    out.add_phase(phase)


def consolidate(circuit: Circuit, entangler: str, form: str, atol: float = DEFAULT_ATOL,
                infidelity: float = 0.0, commute: bool = False,
                stats: Stats | None = None) -> Circuit:
    """Blocks re-synthesised where that needs fewer CZ (see ``Consolidate2Q``)."""
    if not len(circuit):
        return circuit
    view = BlockView(circuit, commute)
    if not len(view):
        return circuit
    candidates = np.nonzero(view.cost >= 2)[0]
    unitaries = view.unitaries(candidates)
    screen = cz_screen(unitaries, screen_tolerance(infidelity)) < view.cost[candidates]
    screened, unitaries = candidates[screen], unitaries[screen]
    synth = synthesize(unitaries, entangler, atol, infidelity)
    better = (synth.counts >= 0) & (synth.counts < view.cost[screened])
    if not better.any():
        return circuit
    chosen = synth.subset(better)
    if stats is not None:
        stats.record(view, screened[better], chosen)
    out = Rewrite(circuit)
    write_blocks(out, view, screened[better], chosen, unitaries[better], entangler, form,
                 atol, infidelity)
    return out.build()
