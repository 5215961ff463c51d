"""Basis translation: every operation into the target's native gates.

Which rule rewrites which gate is not written per basis: ``jingu.passes.equivalence``
searches the equivalence library once per basis for each gate's cheapest path (fewest
two-qubit gates, then fewest one-qubit gates).  For speed, each library gate's full
expansion under that plan is flattened once per basis into a template whose parameters
are compiled functions of the gate's parameters; an operation then costs one pass over
its template.

One-qubit gates are not translated one by one when the basis has a universal one-qubit
form (``rphi, rz``; ``x1, rz``; ``sx, x, rz``; ``u3``; ...): a maximal run of them on a
wire is multiplied out and re-synthesised (``synthesize_1q``), which also merges and
drops gates; a run that is already native and no longer than its synthesis stays as it
is.  Gates with symbolic parameters are translated by exact rules instead (``rx(theta) ->
rphi(theta, 0)``, ``u3 -> rz . rphi``, ...), so variational angles survive and the global
phase stays exact (symbolic where it has to be).  Program-defined gates are inlined; a
two-qubit one is re-synthesised with KAK when that needs fewer CZ than its body.

Conditioned operations are translated with the same rules and keep their condition; the
global phase of a conditioned gate's decomposition (a phase of one branch, which nothing
can observe) is dropped.

Two paths give the same result.  Circuits of library gates with numeric parameters and no
conditions (every routed benchmark) take the column path: the templates become arrays,
numba kernels (``translate_kernels``) expand and walk all operations, multiply the runs
out and write the output columns, and numpy evaluates the parameter functions column by
column; Python is left with one library call per distinct parametrised one-qubit matrix.
Everything else (symbolic parameters, conditions, program-defined gates) takes the general
walk, operation by operation.  The column path repeats the walk's arithmetic in the same
order, so both write the same bits (the tests hold them to it).
"""

from __future__ import annotations

import cmath
import math
import re
from functools import lru_cache

import numpy as np
from jingu.circuit import Circuit, CircuitBuilder
from jingu.errors import CompileError, InputError
from jingu.gates import GATES, LIBRARY, embed, fixed_matrix
from jingu.params import Expr, Symbol
from jingu.passes.equivalence import _PROBES, Plan, plan, unreachable
from jingu.passmanager import Pass

#: instructions that are never rewritten (they pass through when the basis has them)
INSTRUCTIONS = frozenset(g.name for g in LIBRARY if not g.is_unitary)


class Translate(Pass):
    """Rewrite every operation into the native basis (the target's, or ``basis``).

    ``basis`` lists gates separated by ``+`` (or commas from Python), e.g.
    ``translate{basis=cz+rz+sx+x}``, or names a preset (``wukong``, ``origin-cloud``);
    empty means the target's basis.  With an explicit basis the instructions measure,
    reset, barrier and delay are kept as well.
    """

    name = "translate"
    guarantees = {"native"}
    basis: str = ""

    def run(self, circuit: Circuit, ctx) -> Circuit:
        return translate(circuit, self._basis(ctx))

    def _basis(self, ctx) -> frozenset:
        if self.basis.strip():
            from jingu.targets import resolve_basis

            names = resolve_basis(re.sub(r"[+|\s]+", ",", self.basis.strip()))
            unknown = [n for n in names if n not in GATES]
            if unknown:
                from jingu.errors import suggest

                hint = suggest(unknown[0], GATES)
                raise InputError(f"unknown gate '{unknown[0]}' in the basis of 'translate'"
                                 + (f"; {hint}" if hint else ""))
            return frozenset(names) | INSTRUCTIONS
        target = getattr(ctx, "target", None)
        if target is None:
            raise InputError("'translate' needs a target or a basis option "
                             "(e.g. translate{basis=cz+rz+sx+x})")
        return frozenset(target.basis)


def translate(circuit: Circuit, basis) -> Circuit:
    """``circuit`` with every operation in ``basis`` (names of library gates and
    instructions), equal to it including the global phase."""
    rules = _Rules.of(frozenset(basis))
    out = _translate_columns(rules, circuit)
    return out if out is not None else _Translator(rules, circuit).run()


# ----------------------------------------------------------------------------------------
# per-basis data: plans, the one-qubit form, flattened templates


def _mul(m, c):
    """2x2 product m @ c of matrices stored as (a, b, c, d) tuples of complex."""
    return (m[0] * c[0] + m[1] * c[2], m[0] * c[1] + m[1] * c[3],
            m[2] * c[0] + m[3] * c[2], m[2] * c[1] + m[3] * c[3])


def _matrix_1q(name: str, params: tuple) -> tuple:
    return _matrix_bits(name, params, _signs(params))


@lru_cache(maxsize=8192)
def _matrix_bits(name: str, params: tuple, _signs: tuple) -> tuple:
    m = fixed_matrix(name) if not params else GATES[name].matrix(params)
    return (complex(m[0, 0]), complex(m[0, 1]), complex(m[1, 0]), complex(m[1, 1]))


def _signs(params: tuple) -> tuple:
    """The sign bits of ``params``: a cache keyed on floats alone would mix up 0.0 and
    -0.0 and make results depend on what ran before."""
    return tuple(math.copysign(1.0, p) < 0 for p in params)


_PY_FUNCTIONS = {"sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp,
                 "ln": math.log, "log": math.log, "sqrt": math.sqrt, "asin": math.asin,
                 "acos": math.acos, "atan": math.atan, "arcsin": math.asin,
                 "arccos": math.acos, "arctan": math.atan}


def _python(e) -> str:
    """Python source of a template parameter (an Expr over the probes ``_p0, _p1...``)."""
    if not isinstance(e, Expr):
        return repr(float(e))
    if e.op == "sym":
        return f"p[{int(e.args[0][2:])}]"
    if e.op == "neg":
        return f"(-{_python(e.args[0])})"
    if e.op == "fn":
        return f"F[{e.args[0]!r}]({_python(e.args[1])})"
    op = "**" if e.op == "^" else e.op
    return f"({_python(e.args[0])} {op} {_python(e.args[1])})"


def _function(exprs):
    """A compiled function of the parameter tuple returning the tuple ``exprs``.

    ``fn.columnwise`` says whether it may be called with numpy columns for ``p``: plain
    arithmetic rounds the same on arrays as on floats; functions and powers may not."""
    body = ", ".join(_python(e) for e in exprs)
    fn = eval(f"lambda p: ({body}{',' if len(exprs) == 1 else ''})", {"F": _PY_FUNCTIONS})
    fn.columnwise = not any(_transcendental(e) for e in exprs)
    return fn


def _transcendental(e) -> bool:
    if not isinstance(e, Expr) or e.op == "sym":
        return False
    return e.op in ("fn", "^") or any(_transcendental(a) for a in e.args)


class _Rules:
    """Everything about one basis that does not depend on the circuit (cached)."""

    def __init__(self, basis: frozenset):
        from jingu.passes.synthesis.one_qubit import form_for_gates

        self.basis = basis
        self.form = form_for_gates(basis)
        self.exact: Plan = plan(basis)
        self.fused: Plan = plan(basis, one_qubit_leaves=True) if self.form else self.exact
        self.entangler = "cz" if "cz" in basis else "cx" if "cx" in basis else None
        self._templates: dict[str, tuple] = {}
        self._singles: dict[tuple, object] = {}
        self._tables: dict[tuple, _Tables] = {}
        self._gate_facts = None

    @staticmethod
    @lru_cache(maxsize=32)
    def of(basis: frozenset) -> "_Rules":
        return _Rules(basis)

    def single(self, name: str, params: tuple):
        """The exact-rule expansion of one one-qubit gate, or None if there is none."""
        key = (name, params, _signs(params))
        hit = self._singles.get(key, False)
        if hit is False:
            hit = None
            if self.exact.reaches(name):
                hit = self.exact.expand(name, params)
            if len(self._singles) > 4096:
                self._singles.clear()
            self._singles[key] = hit
        return hit

    def template(self, name: str) -> tuple:
        """(entries, phase function) of a library gate's expansion for numeric parameters.

        An entry is (gate, operand positions, constant params or None, params function or
        None, leaf matrix or None, is_leaf): leaves are one-qubit gates for run synthesis.
        """
        t = self._templates.get(name)
        if t is None:
            t = self._templates[name] = self._build_template(name)
        return t

    def _build_template(self, name: str) -> tuple:
        gate = GATES[name]
        probes = tuple(Symbol(f"_p{i}") for i in range(gate.num_params))
        flat: list = []
        phase = self._flatten(name, tuple(range(gate.num_qubits)), probes, flat)
        entries = []
        leaf_ok = self.form is not None
        for sub, positions, ps in flat:
            symbolic = any(isinstance(x, Expr) for x in ps)
            const = None if symbolic else tuple(float(x) for x in ps)
            fn = _function(ps) if symbolic else None
            leaf = leaf_ok and len(positions) == 1
            matrix = _matrix_1q(sub, const) if leaf and const is not None else None
            entries.append((sub, positions, const, fn, matrix, leaf))
        phase_fn = _function((phase,)) if isinstance(phase, Expr) else None
        return tuple(entries), (phase_fn, 0.0 if phase_fn else float(phase))

    def tables(self, names: tuple) -> _Tables:
        """The templates of the gates ``names`` (library gates and instructions) as arrays."""
        t = self._tables.get(names)
        if t is None:
            if len(self._tables) > 256:
                self._tables.clear()
            t = self._tables[names] = _Tables(self, names)
        return t

    def gate_facts(self) -> tuple:
        """Per library opcode: in the basis, diagonal, and the pulses of its exact rule
        (what a lone gate costs written by ``single``; huge when there is none).  A rule's
        gates do not depend on the parameters, so one probe gives every gate's cost."""
        if self._gate_facts is None:
            in_basis = np.array([g.name in self.basis for g in LIBRARY])
            diagonal = np.array([g.diagonal for g in LIBRARY])
            exact = np.full((len(LIBRARY), 2), 1 << 30, np.int64)
            for code, g in enumerate(LIBRARY):
                if g.is_unitary and g.num_qubits == 1 and self.exact.reaches(g.name):
                    steps, _ = self.exact.expand(g.name, _PROBES[0][: g.num_params])
                    exact[code] = _pulses([st[0] for st in steps])
            self._gate_facts = (in_basis, diagonal, exact)
        return self._gate_facts

    def _flatten(self, name, qubits, params, out):
        p = self.fused
        if name in p.stops:
            if name not in self.basis and (self.form is None or len(qubits) != 1):
                raise unreachable(name, self.basis)
            out.append((name, qubits, params))
            return 0.0
        rule = p.choice.get(name)
        if rule is None:
            raise unreachable(name, self.basis)
        steps, phase = rule.apply(params)
        for sub, positions, ps in steps:
            phase = phase + self._flatten(sub, tuple(qubits[k] for k in positions), ps, out)
        return phase


def _pulses(names) -> tuple[int, int]:
    """Cost of a one-qubit sequence: (non-diagonal gates, gates); rz is virtual."""
    return (sum(1 for n in names if not GATES[n].diagonal), len(names))


# ----------------------------------------------------------------------------------------
# the column path: numeric, unconditioned circuits of library gates


class _Tables:
    """Templates of a few gates (``names``, by slot) as flat arrays, one row per entry.

    Per slot: how many entries and where they start, whether it is an instruction (and
    its library opcode), the constant phase or its function.  Per entry: output opcode,
    leaf flag, operand positions (``pos_ptr``), parameters (``par_ptr``; constants, NaN
    where computed) and a leaf's matrix row in ``mats`` (-1 when it depends on the
    parameters).  ``computed`` lists per slot the entries whose parameters are functions
    of the operation's; ``varying`` the slots with such entries or a phase function.
    """

    def __init__(self, rules: _Rules, names: tuple):
        k = len(names)
        self.size = np.zeros(k, np.int64)
        self.instruction = np.zeros(k, bool)
        self.library_code = np.array([_OPCODE[name] for name in names], np.int16)
        self.phase = np.zeros(k)
        self.phase_fn: list = [None] * k
        self.computed: list[list] = [[] for _ in range(k)]
        code, leaf, nq, pos, npar, const, mat = [], [], [], [], [], [], []
        mats: list = []
        for s, name in enumerate(names):
            gate = GATES[name]
            if not gate.is_unitary:
                self.instruction[s] = True
                continue
            entries, (phase_fn, phase) = rules.template(name)
            self.size[s] = len(entries)
            self.phase[s] = phase
            self.phase_fn[s] = phase_fn
            for e, (sub, positions, ps, fn, matrix, is_leaf) in enumerate(entries):
                code.append(_OPCODE[sub])
                leaf.append(is_leaf)
                nq.append(len(positions))
                pos.extend(positions)
                width = GATES[sub].num_params
                npar.append(width)
                const.extend(ps if fn is None else [math.nan] * width)
                if fn is not None:
                    self.computed[s].append((e, fn, width))
                if matrix is not None:
                    mat.append(len(mats))
                    mats.append(matrix)
                else:
                    mat.append(-1)
        has_fn = np.array([f is not None for f in self.phase_fn], bool)
        self.has_phase = (self.phase != 0.0) | has_fn
        self.varying = [s for s in range(k) if self.computed[s] or has_fn[s]]
        self.base = np.zeros(k, np.int64)
        np.cumsum(self.size[:-1], out=self.base[1:])
        self.code = np.array(code, np.int16)
        self.leaf = np.array(leaf, bool)
        self.nq = np.array(nq, np.int64)
        self.pos_ptr = _offsets(self.nq)
        self.pos = np.array(pos, np.int64)
        self.npar = np.array(npar, np.int64)
        self.par_ptr = _offsets(self.npar)
        self.const = np.array(const, np.float64)
        self.mat = np.array(mat, np.int64)
        self.mats = np.array(mats, np.complex128).reshape(-1, 4)


_OPCODE = {g.name: i for i, g in enumerate(LIBRARY)}
_RPHI, _RZ = _OPCODE["rphi"], _OPCODE["rz"]
#: from this many runs on, the rphi form is written for all runs at once (numpy)
_BATCH = 32


def _offsets(counts: np.ndarray) -> np.ndarray:
    ptr = np.zeros(len(counts) + 1, np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr


def _evaluate(fn, columns: np.ndarray, width: int) -> np.ndarray:
    """``fn`` on every row of ``columns`` (k, num params) as a (k, width) array: on whole
    columns when that rounds as on floats, else row by row."""
    if fn.columnwise:
        values = fn(tuple(columns.T))
        return np.stack([np.broadcast_to(np.asarray(v, np.float64), (len(columns),))
                         for v in values], axis=1)
    return np.array([fn(row) for row in map(tuple, columns.tolist())],
                    np.float64).reshape(len(columns), width)


def _translate_columns(rules: _Rules, c: Circuit) -> Circuit | None:
    """``translate`` for circuits of library gates with numeric parameters and no
    conditions, in a few array passes (``translate_kernels``); None for any other circuit
    (or any error, which the general walk then reports).  Same output, bit for bit, as the
    walk: the same templates, products, syntheses and phase sums in the same order."""
    if (c.cond_width.any() or (c.param_expr >= 0).any()
            or isinstance(c.global_phase, Expr)):
        return None
    table = c.gate_table
    present = np.flatnonzero(np.bincount(c.opcodes, minlength=len(table)))
    names = tuple(table[code].name for code in present.tolist())
    for code, name in zip(present.tolist(), names):
        gate = table[code]
        if GATES.get(name) is not gate or (not gate.is_unitary and name not in rules.basis):
            return None
    try:
        t = rules.tables(names)
    except CompileError:
        return None
    from jingu.passes.translate_kernels import assemble, expand, walk

    slot_of = np.zeros(len(table), np.int64)
    slot_of[present] = np.arange(len(present))
    slot = slot_of[c.opcodes]
    ent_ptr, ent_code, ent_leaf, ent_mat, ent_qptr, ent_qubits, ent_pptr, ent_params = expand(
        slot, c.qubit_ptr, c.qubits, t.size, t.base, t.code, t.leaf, t.nq, t.pos_ptr, t.pos,
        t.npar, t.par_ptr, t.const, t.mat)
    # parameters and phases that depend on the operation's, one evaluation per gate
    op_phase = t.phase[slot]
    for s in t.varying:
        ops = np.flatnonzero(slot == s)
        columns = c.params[c.param_ptr[ops][:, None] + np.arange(GATES[names[s]].num_params)]
        for e, fn, width in t.computed[s]:
            at = ent_pptr[ent_ptr[ops] + e]
            ent_params[at[:, None] + np.arange(width)] = _evaluate(fn, columns, width)
        if t.phase_fn[s] is not None:
            op_phase[ops] = _evaluate(t.phase_fn[s], columns, 1)[:, 0]
    ev_kind, ev_ref, run_qubit, run_ptr, members = walk(
        c.num_qubits, t.instruction[slot], c.qubit_ptr, c.qubits, ent_ptr, ent_leaf, ent_qptr,
        ent_qubits, t.has_phase[slot])
    runs = _RunSteps(rules, run_ptr, members, ent_code, ent_mat, ent_pptr, ent_params, t.mats)
    code, q_ptr, qubits, p_ptr, params, c_ptr, clbits, phase = assemble(
        ev_kind, ev_ref, op_phase, ent_code, ent_qptr, ent_qubits, ent_pptr, ent_params,
        runs.keep, run_qubit, run_ptr, members, runs.phase, runs.step_lo, runs.step_hi,
        runs.code, runs.par_ptr, runs.params, t.library_code[slot], c.qubit_ptr, c.qubits,
        c.param_ptr, c.params, c.clbit_ptr, c.clbits)
    m = len(code)
    zeros = np.zeros(m, np.int32)
    return Circuit(
        num_qubits=c.num_qubits, num_clbits=c.num_clbits, opcodes=code, qubit_ptr=q_ptr,
        qubits=qubits, param_ptr=p_ptr, params=params,
        param_expr=np.full(len(params), -1, np.int32), clbit_ptr=c_ptr, clbits=clbits,
        cond_start=zeros, cond_width=zeros.copy(), cond_value=np.zeros(m, np.int64),
        gate_table=LIBRARY, expressions=(), qregs=tuple(c.qregs), cregs=tuple(c.cregs),
        global_phase=math.remainder(c.global_phase + phase, 2 * math.pi), name=c.name,
        initial_layout=c.initial_layout, final_layout=c.final_layout)


class _RunSteps:
    """What becomes of each one-qubit run (the column form of ``_Translator._write_run``).

    ``keep`` marks runs written as they are; any other run r is written as the steps
    ``step_lo[r]:step_hi[r]`` of ``code``/``params`` (``par_ptr``) and adds ``phase[r]``.
    """

    def __init__(self, rules, run_ptr, members, ent_code, ent_mat, ent_pptr, ent_params,
                 mats):
        from jingu.passes.translate_kernels import run_angles, run_facts

        in_basis, diagonal, exact = rules.gate_facts()
        first, foreign, pulses, todo, open_ = run_facts(run_ptr, members, ent_code, ent_mat,
                                                        in_basis, diagonal)
        runs = len(first)
        self.keep = np.ones(runs, bool)
        self.keep[todo] = False
        self.phase = np.zeros(runs)
        self.step_lo = np.zeros(runs, np.int64)
        self.step_hi = np.zeros(runs, np.int64)
        if not len(todo):
            self.code, self.par_ptr, self.params = np.zeros(0, np.int16), _offsets([]), \
                np.zeros(0)
            return
        mat_of, mats = _leaf_matrices(open_, ent_code, ent_mat, ent_pptr, ent_params, mats)
        angles = run_angles(todo, run_ptr, members, mat_of, mats)
        if rules.form == "rphi" and len(todo) >= _BATCH:
            cost = self._rphi_batch(todo, angles)
        else:
            cost = self._one_by_one(todo, angles, rules.form)
        # a run of basis gates no costlier than its synthesis stays as it is
        size = run_ptr[todo + 1] - run_ptr[todo]
        native = (foreign[todo] == 0) & _at_most(pulses[todo], size, cost)
        self.keep[todo[native]] = True
        # a lone gate may have a shorter exact rule (ry -> one rphi)
        lone = np.flatnonzero(~native & (size == 1))
        lone = lone[_less(exact[first[todo[lone]]], cost[lone])]
        if len(lone):
            codes, ptr, params = list(self.code), list(self.par_ptr), list(self.params)
            for r in todo[lone].tolist():
                j = int(members[run_ptr[r]])
                found, self.phase[r] = rules.single(
                    LIBRARY[ent_code[j]].name,
                    tuple(ent_params[ent_pptr[j]:ent_pptr[j + 1]].tolist()))
                self.step_lo[r] = len(codes)
                for name, _, ps in found:
                    codes.append(_OPCODE[name])
                    params.extend(ps)
                    ptr.append(len(params))
                self.step_hi[r] = len(codes)
            self.code = np.array(codes, np.int16)
            self.par_ptr = np.array(ptr, np.int64)
            self.params = np.array(params, np.float64)

    def _one_by_one(self, todo, angles, form) -> np.ndarray:
        """Each run's synthesis from ``steps_from_zyz``; returns the costs."""
        from jingu.passes.synthesis.one_qubit import steps_from_zyz

        codes, ptr, params = [], [0], []
        cost = np.zeros((len(todo), 2), np.int64)
        lo, hi = self.step_lo, self.step_hi
        for k, (r, a) in enumerate(zip(todo.tolist(), angles.tolist())):
            found, self.phase[r] = steps_from_zyz(a[0], a[1], a[2], a[3], form)
            cost[k] = _pulses([st[0] for st in found])
            lo[r] = len(codes)
            for name, _, ps in found:
                codes.append(_OPCODE[name])
                params.extend(ps)
                ptr.append(len(params))
            hi[r] = len(codes)
        self.code = np.array(codes, np.int16)
        self.par_ptr = np.array(ptr, np.int64)
        self.params = np.array(params, np.float64)
        return cost

    def _rphi_batch(self, todo, angles) -> np.ndarray:
        """All runs' rphi forms at once (``rphi_form_batch``): rphi(theta, phi) when there
        is a pulse, then rz(lam) when there is a turn; returns the costs."""
        from jingu.passes.synthesis.one_qubit import rphi_form_batch

        rt, rp, has_rphi, rz, has_rz, phase = rphi_form_batch(*angles.T)
        count = has_rphi + has_rz.astype(np.int64)
        ptr = _offsets(count)
        self.step_lo[todo] = ptr[:-1]
        self.step_hi[todo] = ptr[1:]
        self.phase[todo] = phase
        at_rphi = ptr[:-1][has_rphi]
        at_rz = (ptr[:-1] + has_rphi)[has_rz]
        self.code = np.full(int(ptr[-1]), _RZ, np.int16)
        self.code[at_rphi] = _RPHI
        npar = np.ones(int(ptr[-1]), np.int64)
        npar[at_rphi] = 2
        self.par_ptr = _offsets(npar)
        self.params = np.empty(int(self.par_ptr[-1]))
        where = self.par_ptr[at_rphi]
        self.params[where] = rt[has_rphi]
        self.params[where + 1] = rp[has_rphi]
        self.params[self.par_ptr[at_rz]] = rz[has_rz]
        return np.stack([has_rphi, count], axis=1)


def _leaf_matrices(open_, ent_code, ent_mat, ent_pptr, ent_params, mats):
    """Matrix rows for the leaves ``open_`` (whose matrices depend on their parameters),
    from the library once per gate and distinct parameter bits: (row of each entry,
    table)."""
    if not len(open_):
        return ent_mat, mats
    mat_of = ent_mat.copy()
    extra = []
    codes = ent_code[open_]
    for code in np.unique(codes).tolist():
        gate = LIBRARY[code]
        which = open_[codes == code]
        width = gate.num_params
        rows = ent_params[ent_pptr[which][:, None] + np.arange(width)]
        first, inverse = _distinct_rows(rows)
        mat_of[which] = len(mats) + len(extra) + inverse
        keys = rows[first].tolist()
        if gate.matrix_fn is not None:  # what gate.matrix returns, without its checks
            fn = gate.matrix_fn
            extra += [fn(*key) for key in keys]
        else:
            extra += [gate.matrix(tuple(key)) for key in keys]
    return mat_of, np.concatenate([mats, np.array(extra, np.complex128).reshape(-1, 4)])


def _distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows with distinct bits (0.0 and -0.0 differ): where each first occurs, in bit
    order, and which of them each row is."""
    bits = rows.view(np.int64)
    order = np.lexsort(bits.T[::-1])
    ordered = bits[order]
    new = np.ones(len(rows), bool)
    new[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    inverse = np.empty(len(rows), np.int64)
    inverse[order] = np.cumsum(new) - 1
    return order[new], inverse


def _at_most(pulses, size, cost) -> np.ndarray:
    """(pulses, size) <= cost row by row, compared as tuples."""
    return (pulses < cost[:, 0]) | ((pulses == cost[:, 0]) & (size <= cost[:, 1]))


def _less(a, b) -> np.ndarray:
    """Rows of ``a`` < rows of ``b``, compared as tuples."""
    return (a[:, 0] < b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] < b[:, 1]))


# ----------------------------------------------------------------------------------------
# the walk over a circuit


class _Translator:
    def __init__(self, rules: _Rules, circuit: Circuit, kak: bool = True):
        self.rules = rules
        self.basis = rules.basis
        self.form = rules.form
        self.kak = kak
        self.circuit = circuit
        n = circuit.num_qubits
        self.run_matrix: list = [None] * n
        self.run_ops: list[list] = [[] for _ in range(n)]
        self.out = CircuitBuilder(circuit.num_qubits, circuit.num_clbits, name=circuit.name,
                                  qregs=circuit.qregs, cregs=circuit.cregs)
        self.out.initial_layout = circuit.initial_layout
        self.out.final_layout = circuit.final_layout
        self.phase: float | Expr = 0.0

    def run(self) -> Circuit:
        c = self.circuit
        table = c.gate_table
        for code, op in zip(c.opcodes.tolist(), c):
            gate = table[code]
            if gate.is_unitary:
                self._op(gate, op.qubits, op.params, op.condition)
            else:
                self._instruction(op)
        for q in range(c.num_qubits):
            self._flush(q)
        phase = c.global_phase + self.phase
        self.out.global_phase = phase if isinstance(phase, Expr) else math.remainder(
            phase, 2 * math.pi)
        return self.out.build()

    def _instruction(self, op) -> None:
        if op.name not in self.basis:
            raise CompileError(f"'{op.name}' is not in the basis "
                               f"{{{', '.join(sorted(self.basis))}}} and has no translation")
        for q in op.qubits or range(self.circuit.num_qubits):
            self._flush(q)
        self.out.append(op.name, op.qubits, op.params, op.clbits, op.condition)

    def _add_phase(self, phase, condition) -> None:
        if condition is None and (isinstance(phase, Expr) or phase != 0.0):
            self.phase = self.phase + phase

    # -- gates ---------------------------------------------------------------------------
    def _op(self, gate, qubits, params, condition) -> None:
        if GATES.get(gate.name) is not gate:
            self._program_gate(gate, qubits, params, condition)
        elif any(isinstance(p, Expr) for p in params):
            self._symbolic(gate.name, qubits, params, condition)
        else:
            self._numeric(gate.name, qubits, params, condition)

    def _numeric(self, name, qubits, params, condition) -> None:
        entries, (phase_fn, phase) = self.rules.template(name)
        for sub, positions, const, fn, matrix, leaf in entries:
            ps = const if fn is None else fn(params)
            if leaf:
                q = qubits[positions[0]]
                m = matrix if matrix is not None else _matrix_1q(sub, ps)
                if condition is None:
                    cur = self.run_matrix[q]
                    self.run_matrix[q] = m if cur is None else _mul(m, cur)
                    self.run_ops[q].append((sub, ps))
                else:
                    self._flush(q)
                    self._write_run(q, [(sub, ps)], m, condition)
            else:
                qs = tuple(qubits[k] for k in positions)
                for q in qs:
                    self._flush(q)
                self.out.append(sub, qs, ps, (), condition)
        self._add_phase(phase_fn(params)[0] if phase_fn else phase, condition)

    def _symbolic(self, name, qubits, params, condition) -> None:
        """Exact rules, re-deciding at each step: numeric parts go the template way."""
        p = self.rules.exact
        if name in p.stops:
            for q in qubits:
                self._flush(q)
            self.out.append(name, qubits, params, (), condition)
            return
        rule = p.choice.get(name)
        if rule is None:
            raise unreachable(name, self.basis, symbolic=True)
        steps, phase = rule.apply(params)
        self._add_phase(phase, condition)
        for sub, positions, ps in steps:
            self._op(GATES[sub], tuple(qubits[k] for k in positions), ps, condition)

    def _program_gate(self, gate, qubits, params, condition) -> None:
        if gate.body is None:
            if gate.rule is None:
                raise CompileError(f"gate '{gate.name}' has no definition (opaque), so it "
                                   f"cannot be translated; define it with a gate body")
            steps, phase = gate.decompose(params)
            self._add_phase(phase, condition)
            for sub, positions, ps in steps:
                self._op(GATES[sub], tuple(qubits[k] for k in positions), ps, condition)
            return
        if len(qubits) == 2 and condition is None and self._kak(gate, qubits, params):
            return
        mapping = dict(zip(gate.param_names, params))
        body = gate.body
        table = body.gate_table
        for code, op in zip(body.opcodes.tolist(), body):
            sub = table[code]
            ps = tuple(x.substitute(mapping) if isinstance(x, Expr) else x for x in op.params)
            mapped = tuple(qubits[q] for q in op.qubits)
            if sub.is_unitary:
                self._op(sub, mapped, ps, op.condition or condition)
            elif sub.kind == "barrier":
                for q in mapped:
                    self._flush(q)
                if "barrier" in self.basis:
                    self.out.append("barrier", mapped, (), (), condition)
            else:
                raise CompileError(f"gate '{gate.name}' contains '{sub.name}', which a gate "
                                   f"body cannot hold")
        phase = body.global_phase
        self._add_phase(phase.substitute(mapping) if isinstance(phase, Expr) else phase,
                        condition)

    def _kak(self, gate, qubits, params) -> bool:
        """Re-synthesise a numeric two-qubit program gate when KAK needs fewer CZ."""
        if (not self.kak or self.rules.entangler is None or self.form is None
                or any(isinstance(p, Expr) for p in params)):
            return False
        inlined = _Translator(self.rules, _single(gate, params), kak=False).run()
        used = inlined.two_qubit_count()
        if used <= 1:
            return False
        from jingu.passes.synthesis.two_qubit import num_cz_needed, synthesize_2q

        matrix = _matrix_of(inlined)
        if num_cz_needed(matrix) >= used:
            return False
        steps, phase = synthesize_2q(matrix, basis=self.rules.entangler,
                                     one_qubit_basis=self.form)
        self._add_phase(phase, None)
        for name, positions, ps in steps:
            self._numeric(name, tuple(qubits[k] for k in positions), ps, None)
        return True

    # -- one-qubit runs --------------------------------------------------------------------
    def _flush(self, q: int) -> None:
        ops = self.run_ops[q]
        if ops:
            self.run_ops[q] = []
            matrix, self.run_matrix[q] = self.run_matrix[q], None
            self._write_run(q, ops, matrix, None)

    def _write_run(self, q, ops, matrix, condition) -> None:
        """Write a run of one-qubit gates: as it is when native and no longer than its
        synthesis, else synthesised."""
        if len(ops) == 1 and ops[0][0] in self.basis:
            self.out.append(ops[0][0], (q,), ops[0][1], (), condition)
            return
        from jingu.passes.synthesis.one_qubit import steps_from_zyz, zyz_from_entries

        steps, phase = steps_from_zyz(*zyz_from_entries(*matrix), self.form)
        cost = _pulses([s[0] for s in steps])
        names = [n for n, _ in ops]
        if all(n in self.basis for n in names) and _pulses(names) <= cost:
            for name, params in ops:
                self.out.append(name, (q,), params, (), condition)
            return
        if len(ops) == 1:  # a lone gate may have a shorter exact rule (ry -> one rphi)
            exact = self.rules.single(*ops[0])
            if exact is not None and _pulses([s[0] for s in exact[0]]) < cost:
                steps, phase = exact
        self._add_phase(phase, condition)
        for name, _, params in steps:
            self.out.append(name, (q,), params, (), condition)


def _single(gate, params) -> Circuit:
    b = CircuitBuilder(gate.num_qubits)
    b.register_gate(gate)
    b.append(gate.name, tuple(range(gate.num_qubits)), params)
    return b.build()


def _matrix_of(circuit: Circuit) -> np.ndarray:
    """Matrix (first qubit most significant) of a small circuit of library gates."""
    n = circuit.num_qubits
    total = np.eye(1 << n, dtype=complex) * cmath.exp(1j * float(circuit.global_phase))
    for op in circuit:
        total = embed(GATES[op.name].matrix(op.params), op.qubits, n) @ total
    return total
