"""Statevector simulation and equivalence checking: the oracle the passes are tested against.

Conventions (the same as Qiskit's ``Statevector`` and ``Operator``, so results compare
directly): bit q of a basis index is circuit qubit q, qubit 0 the least significant.
Library matrices are written first operand most significant; the lowering here reverses
operands, so nobody else has to.

Semantics are measurement-free, for verification: ``measure``, ``barrier``, ``delay`` and
``id`` do nothing; a ``reset`` is accepted only where it is the identity (on a qubit known
to be |0> that no gate has touched yet) and is an error anywhere else, as is any
classically conditioned operation: a single statevector cannot model either.

The work is done by numba kernels (``jingu.statevector_kernels``, loaded on first use):
consecutive gates are fused into blocks of a few qubits, then each block is applied in one
pass over the state.  Python's share per gate is one dictionary lookup of its angles; each
distinct matrix is built once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from .circuit import Circuit
from .errors import InputError
from .gates import GATES, Gate, fixed_matrix

#: largest circuit ``simulate`` accepts (2**26 amplitudes: 1 GiB of complex128)
MAX_QUBITS = 26
#: largest number of qubits ``equivalent`` will simulate after compressing the circuit
MAX_VERIFY_QUBITS = 24
#: largest circuit ``unitary`` accepts (a 4096 x 4096 matrix)
MAX_UNITARY_QUBITS = 12
#: qubits per fused block; 2 absorbs one-qubit gates into their neighbours, which is what
#: pays on a compute-bound CPU (wider dense blocks cost more arithmetic than they save)
FUSE_QUBITS = 2
#: qubits per fused block of diagonal gates (applying one costs about the same at any width)
FUSE_DIAGONAL_QUBITS = 4
#: program-defined gates wider than this are simulated through their body, not a matrix
_INLINE_ABOVE = 5

_SKIP, _APPLY, _RESET, _INLINE = 0, 1, 2, 3


# ----------------------------------------------------------------------------------------
# public API


def simulate(circuit: Circuit, state=None, *, params: Mapping[str, float] | None = None
             ) -> np.ndarray:
    """The statevector (2**n complex amplitudes) after running ``circuit`` on ``state``.

    ``state`` defaults to |0...0>; ``params`` binds symbolic parameters.  The global phase
    of the circuit is included.
    """
    circuit = _bound(circuit, params)
    n = circuit.num_qubits
    _check_size(n, MAX_QUBITS, "simulate")
    if state is None:
        re = np.zeros(1 << n)
        re[0] = 1.0
        im = np.zeros(1 << n)
        zero = np.ones(n, dtype=bool)
    else:
        vec = np.asarray(state, dtype=complex).reshape(-1)
        if vec.shape[0] != 1 << n:
            raise InputError(f"the initial state has {vec.shape[0]} amplitudes; a circuit on "
                             f"{n} qubits needs 2**{n} = {1 << n}")
        re, im = vec.real.copy(), vec.imag.copy()
        zero = None
    _lower(circuit, n, zero=zero).apply(re, im)
    return re + 1j * im


def unitary(circuit: Circuit, *, params: Mapping[str, float] | None = None) -> np.ndarray:
    """The circuit's matrix, little endian like Qiskit's ``Operator`` (qubit 0 = bit 0)."""
    circuit = _bound(circuit, params)
    n = circuit.num_qubits
    _check_size(n, MAX_UNITARY_QUBITS, "unitary")
    dim = 1 << n
    # the identity, column-major, is a state of 2n qubits whose low n qubits the gates see
    re = np.eye(dim).reshape(-1)
    im = np.zeros(dim * dim)
    _lower(circuit, n, zero=None).apply(re, im)
    return np.ascontiguousarray((re + 1j * im).reshape(dim, dim).T)


def gate_matrix_of(circuit: Circuit, *, params: Mapping[str, float] | None = None
                   ) -> np.ndarray:
    """The circuit's matrix in the gate library's convention: qubit 0 most significant.

    This is how a program-defined gate's body becomes the gate's matrix.
    """
    u = unitary(circuit, params=params)
    rev = _bit_reversal(circuit.num_qubits)
    return u[np.ix_(rev, rev)]


def equivalent(a: Circuit, b: Circuit, initial_layout=None, final_layout=None, *,
               trials: int = 3, seed: int = 0, atol: float = 1e-8) -> bool:
    """Whether ``b`` implements ``a`` up to global phase, given where ``b`` keeps a's qubits.

    ``a`` acts on n virtual qubits.  ``b`` may act on N >= n physical qubits (a compiled
    circuit): ``initial_layout[i]`` is the physical qubit holding virtual qubit i at the
    start, ``final_layout[i]`` at the end.  They default to ``b.initial_layout`` and
    ``b.final_layout`` when set, else the identity and the initial layout respectively.
    Physical qubits outside the initial layout start in |0> and must end in |0>.

    Each of ``trials`` seeded Haar-random input states is run through both circuits and
    the overlap |<expected|actual>| must be within ``atol`` of 1.  Symbolic parameters are
    bound to the same random values in both circuits, afresh in each trial.  Only the
    physical qubits ``b`` touches (plus the layouts' images) are simulated, at most
    ``MAX_VERIFY_QUBITS`` of them.
    """
    return 1.0 - equivalence_overlap(a, b, initial_layout, final_layout, trials=trials,
                                     seed=seed) <= atol


def equivalence_overlap(a: Circuit, b: Circuit, initial_layout=None, final_layout=None, *,
                        trials: int = 3, seed: int = 0) -> float:
    """The worst overlap |<expected|actual>| over the trials of ``equivalent`` (1 = equal)."""
    return _compare(a, b, initial_layout, final_layout, trials, seed).worst


def assert_equivalent(a: Circuit, b: Circuit, initial_layout=None, final_layout=None, *,
                      trials: int = 3, seed: int = 0, atol: float = 1e-8) -> None:
    """``equivalent`` for tests: raises AssertionError saying how the circuits differ."""
    verdict = _compare(a, b, initial_layout, final_layout, trials, seed)
    if 1.0 - verdict.worst > atol:
        raise AssertionError(verdict.describe(atol))


# ----------------------------------------------------------------------------------------
# lowering: a Circuit into the kernels' arrays


@dataclass
class _Program:
    """A circuit lowered for the kernels: operations, their matrices and the fused blocks."""

    op_ptr: np.ndarray
    op_qubits: np.ndarray
    op_mat: np.ndarray
    mat_off: np.ndarray
    mat_diag: np.ndarray
    pool: np.ndarray
    blk_ptr: np.ndarray
    blk_ops: np.ndarray
    blk_mask: np.ndarray
    phase: complex

    def apply(self, re: np.ndarray, im: np.ndarray) -> None:
        """Run the program in place on the split state (re, im)."""
        if len(self.blk_ops):
            from .statevector_kernels import run_blocks

            run_blocks(re, im, self.blk_ptr, self.blk_ops, self.blk_mask, self.op_ptr,
                       self.op_qubits, self.op_mat, self.mat_off, self.mat_diag, self.pool)
        if self.phase != 1:
            c, s = self.phase.real, self.phase.imag
            re_old = re.copy()
            re *= c
            re -= s * im
            im *= c
            im += s * re_old


def _lower(circuit: Circuit, num_qubits: int, *, qubit_map: np.ndarray | None = None,
           zero: np.ndarray | None = None, fuse: int | None = None) -> _Program:
    """Turn ``circuit`` into a _Program on ``num_qubits`` qubits.

    ``qubit_map`` renames the circuit's qubits (used to compress a compiled circuit onto the
    qubits it touches); ``zero`` marks the qubits known to start in |0>, where a reset
    before any gate is harmless.
    """
    table = circuit.gate_table
    used = np.unique(circuit.opcodes)
    kinds = np.zeros(len(table), dtype=np.int8)
    for code in used.tolist():
        kinds[code] = _classify(table[code])
    if (kinds == _INLINE).any():
        return _lower(_inline_wide(circuit), num_qubits, qubit_map=qubit_map, zero=zero,
                      fuse=fuse)
    op_kind = kinds[circuit.opcodes]
    if circuit.cond_width.any():
        _refuse_conditions(circuit)
    arity = np.diff(circuit.qubit_ptr)
    phase = _phase_factor(circuit.global_phase)
    for i in np.nonzero((op_kind == _APPLY) & (arity == 0))[0].tolist():
        phase *= complex(circuit.gate(i).matrix(circuit.op_params(i))[0, 0])  # a pure phase
    sel = np.nonzero((op_kind == _APPLY) & (arity > 0))[0]
    lens = arity[sel].astype(np.int64)
    op_ptr = np.zeros(len(sel) + 1, dtype=np.int64)
    np.cumsum(lens, out=op_ptr[1:])
    slots = np.repeat(circuit.qubit_ptr[sel].astype(np.int64) - op_ptr[:-1], lens)
    op_qubits = circuit.qubits[slots + np.arange(op_ptr[-1])].astype(np.int64)
    if qubit_map is not None:
        op_qubits = np.asarray(qubit_map, dtype=np.int64)[op_qubits]
    bad = np.nonzero((op_qubits < 0) | (op_qubits >= num_qubits))[0]
    if len(bad):
        i = int(sel[np.searchsorted(op_ptr, bad[0], side="right") - 1])
        raise InputError(f"operation {i} ({_describe(circuit, i)}) names a qubit outside the "
                         f"{num_qubits} being simulated")

    pool, mat_off, mat_diag, op_mat = _matrices(circuit, sel, lens)
    _check_resets(circuit, np.nonzero(op_kind == _RESET)[0], sel, op_ptr, op_qubits,
                  qubit_map, zero)

    from .statevector_kernels import plan_fusion

    fuse = FUSE_QUBITS if fuse is None else fuse
    blk_ptr, blk_ops, blk_mask, dup = plan_fusion(
        num_qubits, op_ptr, op_qubits, mat_diag[op_mat], fuse, max(fuse, FUSE_DIAGONAL_QUBITS))
    if dup >= 0:
        i = int(sel[dup])
        raise InputError(f"operation {i} ({_describe(circuit, i)}) uses a qubit twice")
    return _Program(op_ptr, op_qubits, op_mat, mat_off, mat_diag, pool, blk_ptr, blk_ops,
                    blk_mask, phase)


def _classify(gate: Gate) -> int:
    if gate.kind in ("measure", "barrier", "delay"):
        return _SKIP
    if gate.kind == "reset":
        return _RESET
    library = GATES.get(gate.name) is gate
    if library and gate.name in ("id", "u0"):
        return _SKIP
    if not library:
        if gate.body is None and gate.matrix_fn is None and gate.rule is None:
            raise InputError(f"gate '{gate.name}' is opaque (declared without a body), so it "
                             f"has no matrix to simulate")
        if gate.body is not None and gate.num_qubits > _INLINE_ABOVE:
            return _INLINE
    return _APPLY


def _refuse_conditions(circuit: Circuit) -> None:
    barrier = np.array([g.kind == "barrier" for g in circuit.gate_table], dtype=bool)
    conditioned = np.nonzero((circuit.cond_width > 0) & ~barrier[circuit.opcodes])[0]
    if len(conditioned):
        i = int(conditioned[0])
        raise InputError(f"operation {i} ({_describe(circuit, i)}) is conditioned on classical "
                         f"bits; a statevector cannot model classical control, so this "
                         f"circuit cannot be simulated or verified")


def _matrices(circuit: Circuit, sel: np.ndarray, lens: np.ndarray):
    """Matrix pool for the applied ops: one matrix per fixed gate and per distinct angle set.

    Returns (pool, mat_off, mat_diag, op_mat): matrix ``op_mat[j]`` of op j starts at
    ``pool[mat_off[op_mat[j]]]``, row-major, in the library's operand order.
    """
    table = circuit.gate_table
    codes = circuit.opcodes[sel]
    op_mat = np.empty(len(sel), dtype=np.int64)
    mats: list[np.ndarray] = []
    diag: list[bool] = []
    for code in np.unique(codes).tolist():
        gate = table[code]
        library = GATES.get(gate.name) is gate
        where = np.nonzero(codes == code)[0]
        wrong = lens[where] != gate.num_qubits
        if wrong.any():
            i = int(sel[where[np.argmax(wrong)]])
            raise InputError(f"operation {i} ({_describe(circuit, i)}) has "
                             f"{int(lens[where][np.argmax(wrong)])} qubits; '{gate.name}' "
                             f"takes {gate.num_qubits}")
        if gate.num_params == 0:
            op_mat[where] = len(mats)
            m = fixed_matrix(gate.name) if library else _checked(gate, (), gate.matrix())
            mats.append(m)
            diag.append(gate.diagonal if library else _is_diagonal(mats[-1]))
            continue
        lo = circuit.param_ptr[sel[where]].astype(np.int64)
        values = circuit.params[lo[:, None] + np.arange(gate.num_params)]
        if not np.isfinite(values).all():
            i = int(sel[where[np.argmax(~np.isfinite(values).all(axis=1))]])
            raise InputError(f"operation {i} ({_describe(circuit, i)}) has a parameter that is "
                             f"not a finite number (an unbound symbol?)")
        index: dict[tuple, int] = {}
        ids = []
        for row in values.tolist():
            key = tuple(row)
            mid = index.get(key)
            if mid is None:
                mid = index[key] = len(mats)
                m = gate.matrix(row)
                mats.append(m if library else _checked(gate, row, m))
                diag.append(gate.diagonal if library else _is_diagonal(m))
            ids.append(mid)
        op_mat[where] = ids
    mat_off = np.zeros(len(mats), dtype=np.int64)
    if len(mats):
        np.cumsum([m.size for m in mats[:-1]], out=mat_off[1:])
        pool = np.concatenate([m.reshape(-1) for m in mats]).astype(np.complex128)
    else:
        pool = np.zeros(1, dtype=np.complex128)
    return pool, mat_off, np.array(diag, dtype=np.bool_), op_mat


def _is_diagonal(m: np.ndarray) -> bool:
    return not np.count_nonzero(m - np.diag(np.diag(m)))


def _checked(gate: Gate, params, m: np.ndarray) -> np.ndarray:
    dim = 1 << gate.num_qubits
    m = np.asarray(m, dtype=np.complex128)
    if m.shape != (dim, dim) or not np.isfinite(m).all():
        raise InputError(f"gate '{gate.name}' with parameters {tuple(params)} has no finite "
                         f"{dim}x{dim} matrix")
    return m


def _check_resets(circuit, resets, sel, op_ptr, op_qubits, qubit_map, zero) -> None:
    """A reset is fine only on a qubit known to be |0> that no gate has touched yet."""
    if not len(resets):
        return
    first = np.full(int(op_qubits.max(initial=-1)) + 1, np.iinfo(np.int64).max)
    np.minimum.at(first, op_qubits, np.repeat(sel, np.diff(op_ptr)))
    for i in resets.tolist():
        for q in circuit.op_qubits(i):
            m = int(qubit_map[q]) if qubit_map is not None else q
            untouched = m >= len(first) or first[m] > i
            if zero is None or not (0 <= m < len(zero) and zero[m]) or not untouched:
                raise InputError(
                    f"operation {i} (reset on qubit {q}) is not unitary: simulation and "
                    f"verification use measurement-free semantics, where a reset is only "
                    f"allowed on a qubit still in its initial |0>")


def _inline_wide(circuit: Circuit) -> Circuit:
    """Replace program-defined gates wider than _INLINE_ABOVE by their bodies."""
    out = circuit.copy_empty()
    table = {g.name: g for g in circuit.gate_table}
    for op in circuit:
        _emit(out, table[op.name], op.qubits, op.params, op.clbits, op.condition)
    return out.build()


def _emit(out, gate: Gate, qubits, params, clbits, condition) -> None:
    if _classify(gate) != _INLINE:
        if not out.has_gate(gate.name):
            out.register_gate(gate)
        out.append(gate.name, qubits, params, clbits, condition)
        return
    body = gate.body.bind(dict(zip(gate.param_names, params)))
    table = {g.name: g for g in body.gate_table}
    for op in body:
        _emit(out, table[op.name], tuple(qubits[q] for q in op.qubits), op.params, (),
              condition)
    out.global_phase = out.global_phase + body.global_phase


def _bound(circuit: Circuit, params) -> Circuit:
    names = circuit.parameters
    if not names:
        return circuit
    if params is None:
        raise InputError(f"the circuit has symbolic parameter(s) {', '.join(names)}; pass "
                         f"params={{name: value}} to simulate it")
    return circuit.bind(params)


def _phase_factor(phase) -> complex:
    return complex(np.exp(1j * float(phase)))


def _describe(circuit: Circuit, i: int) -> str:
    qs = ", ".join(str(q) for q in circuit.op_qubits(i))
    return f"'{circuit.gate(i).name}' on qubit(s) {qs}"


def _check_size(n: int, limit: int, what: str) -> None:
    if n > limit:
        raise InputError(f"{what} handles at most {limit} qubits (2**{limit} amplitudes); "
                         f"this circuit has {n}")


def _bit_reversal(n: int) -> np.ndarray:
    x = np.arange(1 << n)
    out = np.zeros_like(x)
    for i in range(n):
        out |= ((x >> i) & 1) << (n - 1 - i)
    return out


# ----------------------------------------------------------------------------------------
# equivalence


@dataclass
class _Verdict:
    overlaps: list[float]
    leaks: list[float]
    excited: list[tuple[int, float]]  # (physical qubit, P(|1>)) outside the final layout
    n: int
    physical: np.ndarray
    initial: np.ndarray
    final: np.ndarray

    @property
    def worst(self) -> float:
        return min(self.overlaps) if self.overlaps else 1.0

    def describe(self, atol: float) -> str:
        t = int(np.argmin(self.overlaps))
        lines = [
            (f"circuits are not equivalent: trial {t + 1} of {len(self.overlaps)} gives "
             f"|<expected|actual>| = {self.overlaps[t]:.12g} "
             f"(1 - overlap = {1 - self.overlaps[t]:.3g} > atol = {atol:g})"),
            f"overlaps per trial: {', '.join(f'{o:.12g}' for o in self.overlaps)}",
            (f"{self.n} virtual qubits; initial layout {self.initial.tolist()}, final layout "
             f"{self.final.tolist()}; simulated physical qubits {self.physical.tolist()}"),
        ]
        if self.leaks[t] > 1e-9:
            lines.append(f"probability outside the final layout's qubits with the others in "
                         f"|0>: {self.leaks[t]:.3g} (an unused qubit is left excited or the "
                         f"final layout is wrong)")
        if self.excited:
            lines.append("physical qubits outside the final layout found in |1>: " + ", ".join(
                f"{q} (p={p:.3g})" for q, p in self.excited))
        return "\n".join(lines)


class _Embedded:
    """A circuit run on virtual states through its layouts, simulated only on the physical
    qubits it touches (plus the layouts' images), relabelled densely."""

    def __init__(self, circuit: Circuit, n: int, init: np.ndarray, final: np.ndarray):
        self.circuit = circuit
        big_n = circuit.num_qubits
        self.physical = np.union1d(np.union1d(_touched(circuit), init), final)
        self.m = m = len(self.physical)
        if m > MAX_VERIFY_QUBITS:
            raise InputError(f"verification simulates the {m} physical qubits the circuit "
                             f"touches; at most {MAX_VERIFY_QUBITS} are possible")
        self.dense = np.full(big_n, -1, dtype=np.int64)
        self.dense[self.physical] = np.arange(m)
        pin, self.pout = self.dense[init], self.dense[final]
        self.zero = np.ones(m, dtype=bool)
        self.zero[pin] = False
        self.idx_in, self.idx_out = _spread(pin, n), _spread(self.pout, n)
        self.program = None if circuit.parameters else self.lower(circuit)

    def lower(self, circuit: Circuit) -> _Program:
        return _lower(circuit, self.m, qubit_map=self.dense, zero=self.zero)

    def run(self, psi: np.ndarray, values=None) -> tuple[np.ndarray, np.ndarray]:
        """(the virtual output state, the whole simulated state) for input ``psi``."""
        program = self.program
        if program is None:
            program = self.lower(self.circuit.bind(values))
        re = np.zeros(1 << self.m)
        im = np.zeros(1 << self.m)
        re[self.idx_in], im[self.idx_in] = psi.real, psi.imag
        program.apply(re, im)
        actual = re + 1j * im
        return actual[self.idx_out], actual


def _random_state(rng, n: int) -> np.ndarray:
    psi = rng.standard_normal(1 << n) + 1j * rng.standard_normal(1 << n)
    return psi / np.linalg.norm(psi)


def _compare(a: Circuit, b: Circuit, initial_layout, final_layout, trials: int,
             seed: int) -> _Verdict:
    n, big_n = a.num_qubits, b.num_qubits
    if big_n < n:
        raise InputError(f"the second circuit has {big_n} qubits, fewer than the "
                         f"{n} of the first")
    if trials < 1:
        raise InputError("equivalence needs at least one trial")
    if initial_layout is None:
        initial_layout = b.initial_layout
    init = _layout(initial_layout, n, big_n, "initial layout")
    if final_layout is None:
        final_layout = b.final_layout
    final = init if final_layout is None else _layout(final_layout, n, big_n, "final layout")
    emb = _Embedded(b, n, init, final)

    symbols = sorted(set(a.parameters) | set(b.parameters))
    rng = np.random.default_rng(seed)
    prog_a = None if symbols else _lower(a, n, zero=None)
    overlaps, leaks = [], []
    excited: list[tuple[int, float]] = []
    for _ in range(trials):
        values = {s: float(rng.uniform(-math.pi, math.pi)) for s in symbols}
        if symbols:
            prog_a = _lower(a.bind(values) if a.parameters else a, n, zero=None)
        psi = _random_state(rng, n)
        re, im = psi.real.copy(), psi.imag.copy()
        prog_a.apply(re, im)
        expected = re + 1j * im
        inside, actual = emb.run(psi, values)
        overlaps.append(float(abs(np.vdot(expected, inside))))
        leaks.append(max(0.0, 1.0 - float(np.vdot(inside, inside).real)))
        if not excited and leaks[-1] > 1e-9:
            excited = _excited(actual, emb.m, set(emb.pout.tolist()), emb.physical)
    return _Verdict(overlaps, leaks, excited, n, emb.physical, init, final)


def same_action(before: Circuit, after: Circuit, *, trials: int = 2, seed: int = 0,
                atol: float = 1e-8, measurement_only: bool = False) -> bool:
    """Whether two stages of one compilation act alike on the program's virtual qubits,
    each read through its own initial and final layouts (what an audit of a pass checks:
    the pass may have laid out, routed or relabelled, but kept the meaning).

    With ``measurement_only`` the outputs need only give the same probabilities in the
    computational basis (for passes that drop diagonal gates before measurement)."""
    def placement(c: Circuit):
        if c.initial_layout is None:
            init = np.arange(c.num_qubits, dtype=np.int64)
        else:
            init = np.asarray(c.initial_layout, dtype=np.int64)
        final = init if c.final_layout is None else np.asarray(c.final_layout, dtype=np.int64)
        return init, final

    (ib, fb), (ia, fa) = placement(before), placement(after)
    n = len(ib)
    if len(ia) != n:
        raise InputError(f"the circuits place {n} and {len(ia)} virtual qubits")
    eb, ea = _Embedded(before, n, ib, fb), _Embedded(after, n, ia, fa)
    symbols = sorted(set(before.parameters) | set(after.parameters))
    rng = np.random.default_rng(seed)
    for _ in range(trials):
        values = {s: float(rng.uniform(-math.pi, math.pi)) for s in symbols}
        psi = _random_state(rng, n)
        out_b, _ = eb.run(psi, values)
        out_a, _ = ea.run(psi, values)
        if measurement_only:
            if np.abs(np.abs(out_b) ** 2 - np.abs(out_a) ** 2).sum() > atol:
                return False
        elif 1.0 - abs(np.vdot(out_b, out_a)) > atol:
            return False
    return True


def _layout(layout, n: int, big_n: int, what: str) -> np.ndarray:
    if layout is None:
        return np.arange(n, dtype=np.int64)
    arr = np.asarray(layout, dtype=np.int64).reshape(-1)
    if len(arr) < n:
        raise InputError(f"the {what} places {len(arr)} qubits; the circuit has {n}")
    arr = arr[:n]
    if len(arr) and (arr.min() < 0 or arr.max() >= big_n):
        raise InputError(f"the {what} {arr.tolist()} names a qubit outside 0..{big_n - 1}")
    if len(np.unique(arr)) != n:
        raise InputError(f"the {what} {arr.tolist()} places two virtual qubits on one "
                         f"physical qubit")
    return arr


def _touched(circuit: Circuit) -> np.ndarray:
    """Qubits some gate or reset acts on (barriers, measures, delays, id excluded)."""
    kinds = np.zeros(len(circuit.gate_table), dtype=np.int8)
    for code in np.unique(circuit.opcodes).tolist():
        kinds[code] = _classify(circuit.gate_table[code])
    acts = kinds[circuit.opcodes] != _SKIP
    slots = np.repeat(acts, np.diff(circuit.qubit_ptr))
    return np.unique(circuit.qubits[slots]).astype(np.int64)


def _spread(positions: np.ndarray, n: int) -> np.ndarray:
    """Index in the big space of each basis state of the n small qubits at ``positions``."""
    x = np.arange(1 << n, dtype=np.int64)
    out = np.zeros_like(x)
    for i, p in enumerate(positions.tolist()):
        out |= ((x >> i) & 1) << p
    return out


def _excited(actual: np.ndarray, m: int, kept: set, physical: np.ndarray):
    probs = np.abs(actual) ** 2
    x = np.arange(1 << m, dtype=np.int64)
    out = []
    for q in range(m):
        if q not in kept:
            p = float(probs[((x >> q) & 1) == 1].sum())
            if p > 1e-9:
                out.append((int(physical[q]), p))
    return out
