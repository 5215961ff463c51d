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
from jingu.passes.equivalence import Plan, plan, unreachable
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
    return _Translator(_Rules.of(frozenset(basis)), circuit).run()


# ----------------------------------------------------------------------------------------
# per-basis data: plans, the one-qubit form, flattened templates


def _mul(m, c):
    """2x2 product m @ c of matrices stored as (a, b, c, d) tuples of complex."""
    return (m[0] * c[0] + m[1] * c[2], m[0] * c[1] + m[1] * c[3],
            m[2] * c[0] + m[3] * c[2], m[2] * c[1] + m[3] * c[3])


@lru_cache(maxsize=8192)
def _matrix_1q(name: str, params: tuple) -> tuple:
    m = fixed_matrix(name) if not params else GATES[name].matrix(params)
    return (complex(m[0, 0]), complex(m[0, 1]), complex(m[1, 0]), complex(m[1, 1]))


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
    """A compiled function of the parameter tuple returning the tuple ``exprs``."""
    body = ", ".join(_python(e) for e in exprs)
    return eval(f"lambda p: ({body}{',' if len(exprs) == 1 else ''})", {"F": _PY_FUNCTIONS})


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

    @staticmethod
    @lru_cache(maxsize=32)
    def of(basis: frozenset) -> "_Rules":
        return _Rules(basis)

    def single(self, name: str, params: tuple):
        """The exact-rule expansion of one one-qubit gate, or None if there is none."""
        key = (name, params)
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
