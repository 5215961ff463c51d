"""Writing a circuit as text: the emitter registry and the OpenQASM 2 writer.

``emit(circuit, fmt)`` looks the format up in ``EMITTERS`` (format -> "module:function"),
so other writers (OpenQASM 3, OriginIR) register themselves with one line and load only
when used.

The OpenQASM 2 writer produces a file every OpenQASM 2 reader accepts: the gates of the
paper's qelib1.inc are used by name; every other gate the circuit uses, from the library
(``rzz``, ``sx``, the Wukong natives ``rphi`` and ``x1``, ...) or from the program, gets a
``gate`` definition before its first use, written from the library's exact decomposition
or the program's body; names are made valid and unique.  Angles are written with
``format_param`` so that they read back as the same floats.  What OpenQASM 2 cannot say
is an ``InputError`` naming it: symbolic parameters, conditions on part of a register.
A circuit's global phase, which OpenQASM 2 cannot express either, is noted in a comment.
"""

from __future__ import annotations

import math
import re
from importlib import import_module

import numpy as np

from .circuit import Circuit, Register
from .errors import InputError
from .gates import GATES, Gate
from .params import Expr, Symbol, format_param

#: format -> "module:function(circuit) -> str"
EMITTERS: dict[str, str] = {
    "qasm2": "jingu.emit:to_qasm2",
    "json": "jingu.serialize:to_json",
    "originir": "jingu.emit_originir:to_originir",
    "qasm3": "jingu.emit_qasm3:to_qasm3",
}


def emit(circuit: Circuit, fmt: str) -> str:
    """The text of ``circuit`` in format ``fmt`` (a key of ``EMITTERS``)."""
    target = EMITTERS.get(fmt)
    if target is None:
        raise InputError(f"unknown output format '{fmt}'; choose one of "
                         f"{', '.join(sorted(EMITTERS))}")
    module, _, function = target.partition(":")
    return getattr(import_module(module), function)(circuit)


# ----------------------------------------------------------------------------------------
# OpenQASM 2

_KEYWORDS = frozenset({"OPENQASM", "include", "qreg", "creg", "gate", "opaque", "measure",
                       "reset", "barrier", "if", "pi", "U", "CX",
                       "sin", "cos", "tan", "exp", "ln", "sqrt"})
_VALID = re.compile(r"[a-z][A-Za-z0-9_]*\Z")
_EXPONENT_WITHOUT_POINT = re.compile(r"(?<![\w.])(\d+)([eE][-+]?\d+)")
_QASM2_FUNCTIONS = {"sin": "sin", "cos": "cos", "tan": "tan", "exp": "exp", "ln": "ln",
                    "log": "ln", "sqrt": "sqrt"}


def _qelib1():
    from jingu.grammar.qelib1 import PAPER_GATES

    return frozenset(PAPER_GATES)


class _Names:
    """Valid, unique OpenQASM 2 identifiers for a file's gates and registers."""

    def __init__(self, taken=()):
        self.used: set[str] = set(_KEYWORDS) | set(taken)

    def take(self, name: str, prefix: str) -> str:
        text = re.sub(r"[^A-Za-z0-9_]", "_", name) or prefix
        if not _VALID.match(text):
            text = f"{prefix}_{text}"
        candidate, k = text, 0
        while candidate in self.used:
            k += 1
            candidate = f"{text}_{k}"
        self.used.add(candidate)
        return candidate


def number_text(x) -> str:
    """An angle as OpenQASM 2 text: exact (``format_param``) and with a decimal point in
    every mantissa, as the grammar of the paper requires (``1e-05`` -> ``1.0e-05``)."""
    if isinstance(x, Expr):
        _check_functions(x)
        return _EXPONENT_WITHOUT_POINT.sub(r"\1.0\2", format_param(x))
    x = float(x)
    if not math.isfinite(x):
        raise InputError(f"the angle {x} cannot be written in OpenQASM 2")
    return _EXPONENT_WITHOUT_POINT.sub(r"\1.0\2", format_param(x))


def _check_functions(e: Expr) -> None:
    if e.op == "fn" and e.args[0] not in _QASM2_FUNCTIONS:
        raise InputError(f"the function '{e.args[0]}' in the angle {e} has no OpenQASM 2 "
                         f"spelling (OpenQASM 2 has sin, cos, tan, exp, ln, sqrt)")
    for a in e.args:
        if isinstance(a, Expr):
            _check_functions(a)


def _portable(e):
    """An expression spelled so that every reader takes it: ``log`` is written ``ln``, and
    powers with a small whole exponent become products (pytket's reader has no ``^``;
    other powers keep it, as the OpenQASM 2 paper writes them)."""
    if not isinstance(e, Expr) or e.op == "sym":
        return e
    args = tuple(_portable(a) for a in e.args)
    if e.op == "fn":
        return Expr("fn", (_QASM2_FUNCTIONS.get(args[0], args[0]), args[1]))
    if e.op == "^" and not isinstance(args[1], Expr) and float(args[1]).is_integer() \
            and 1 <= abs(args[1]) <= 8:
        product = args[0]
        for _ in range(int(abs(args[1])) - 1):
            product = Expr("*", (product, args[0]))
        return product if args[1] > 0 else Expr("/", (1.0, product))
    return Expr(e.op, args)


def _registers(regs, total: int, default: str) -> list[Register]:
    """The circuit's registers if they cover its bits exactly once, else one register."""
    regs = sorted(regs, key=lambda r: r.start)
    pos = 0
    for r in regs:
        if r.start != pos or r.size <= 0:
            break
        pos += r.size
    else:
        if pos == total and regs:
            return regs
    return [Register(default, 0, total)] if total else []


class _Qasm2Writer:
    """One OpenQASM 2 file being written: names given so far and the definitions needed."""

    def __init__(self, circuit: Circuit):
        self.circuit = circuit
        self.paper = _qelib1()
        self.names = _Names(GATES)  # library names are taken by the library
        self.gate_names: dict[int, str] = {}  # id(gate) -> name in the file
        self.definitions: list[str] = []  # in the order they must appear

    # -- gates ---------------------------------------------------------------------------
    def gate_name(self, gate: Gate) -> str:
        """The gate's name in the file, writing its definition first if it needs one."""
        key = id(gate)
        name = self.gate_names.get(key)
        if name is not None:
            return name
        library = GATES.get(gate.name) is gate
        if library:
            name = gate.name
            self.gate_names[key] = name
            if name not in self.paper and gate.is_unitary:
                self._define_library(gate)
            elif gate.kind == "delay":
                self.definitions.append(f"opaque {name}(duration) q;")
        else:
            name = self.names.take(gate.name, "g")
            self.gate_names[key] = name
            if gate.body is None:
                self._declare_opaque(gate, name)
            else:
                self._define_program_gate(gate, name)
        return name

    def _define_library(self, gate: Gate) -> None:
        params = tuple(Symbol(f"p{i}") for i in range(gate.num_params))
        qubits = [f"q{i}" for i in range(gate.num_qubits)]
        steps, phase = gate.decompose(params)
        lines = []
        for name, positions, ps in steps:
            callee = self.gate_name(GATES[name])
            lines.append(self._call(callee, ps, [qubits[p] for p in positions]))
        lines += self._phase_lines(phase)
        self._add_definition(gate.name, [str(p) for p in params], qubits, lines)

    def _define_program_gate(self, gate: Gate, name: str) -> None:
        body = gate.body
        local = _Names(self.names.used)
        params = [local.take(p, "p") for p in gate.param_names]
        rename = {old: Symbol(new) for old, new in zip(gate.param_names, params) if old != new}
        qubits = self._formal_qubits(body, local)
        table = body.gate_table
        lines = []
        for i in range(len(body)):
            g = table[body.opcodes[i]]
            qs = [qubits[q] for q in body.op_qubits(i)]
            if body.op_condition(i) is not None or g.kind in ("measure", "reset"):
                what = "a condition" if body.op_condition(i) is not None else g.kind
                raise InputError(f"gate '{gate.name}' contains {what}, which an OpenQASM 2 "
                                 f"gate definition cannot hold")
            if g.kind == "barrier":
                lines.append(f"barrier {','.join(qs or qubits)};")
                continue
            ps = [p.substitute(rename) if isinstance(p, Expr) and rename else p
                  for p in body.op_params(i)]
            lines.append(self._call(self.gate_name(g), ps, qs))
        phase = body.global_phase
        lines += self._phase_lines(phase.substitute(rename) if isinstance(phase, Expr) else phase)
        self._add_definition(name, params, qubits, lines)

    def _phase_lines(self, phase) -> list[str]:
        """The lines stating a definition's global phase: none in OpenQASM 2, which cannot
        say it (it is unobservable unless the gate is controlled)."""
        return []

    def _formal_qubits(self, body: Circuit, local: _Names) -> list[str]:
        regs = body.qregs
        if len(regs) == body.num_qubits and all(r.size == 1 and r.start == i
                                                for i, r in enumerate(regs)):
            return [local.take(r.name, "q") for r in regs]
        return [local.take(f"q{i}", "q") for i in range(body.num_qubits)]

    def _declare_opaque(self, gate: Gate, name: str) -> None:
        params = ",".join(f"p{i}" for i in range(gate.num_params))
        qubits = ",".join(f"q{i}" for i in range(gate.num_qubits))
        formals = f"({params})" if params else ""
        self.definitions.append(f"opaque {name}{formals} {qubits};")

    def _add_definition(self, name, params, qubits, lines) -> None:
        formals = "(" + ",".join(params) + ")" if params else ""
        head = f"gate {name}{formals} {','.join(qubits)}"
        body = "".join(f"\n  {line}" for line in lines)
        self.definitions.append(f"{head} {{{body}\n}}" if lines else f"{head} {{ }}")

    def _call(self, name: str, params, qubits) -> str:
        text = name
        if params:
            text += "(" + ",".join(number_text(_portable(p)) for p in params) + ")"
        return f"{text} {','.join(qubits)};"

    # -- the file ------------------------------------------------------------------------
    def write(self) -> str:
        c = self.circuit
        _check_symbolic(c)
        # gates first (their definitions' formal names may then shadow register names,
        # which OpenQASM 2 allows); registers must differ from every gate name
        table = c.gate_table
        names = [None] * len(table)
        for code in np.unique(c.opcodes).tolist():
            names[code] = self.gate_name(table[code])
        qregs = [Register(self.names.take(r.name, "q"), r.start, r.size)
                 for r in _registers(c.qregs, c.num_qubits, "q")]
        cregs = [Register(self.names.take(r.name, "c"), r.start, r.size)
                 for r in _registers(c.cregs, c.num_clbits, "c")]
        qubit = _bit_names(qregs, c.num_qubits)
        clbit = _bit_names(cregs, c.num_clbits)
        conditions = {(r.start, r.size): r.name for r in cregs}
        kinds = [g.kind for g in table]
        all_qubits = ",".join(r.name for r in qregs)

        ops = c.opcodes.tolist()
        qptr, qs = c.qubit_ptr.tolist(), c.qubits.tolist()
        pptr, pvals = c.param_ptr.tolist(), c.params.tolist()
        cptr, cs = c.clbit_ptr.tolist(), c.clbits.tolist()
        widths = c.cond_width.tolist()
        text_of = {}  # parameter value -> text (angles repeat a lot)
        lines = []
        for i, code in enumerate(ops):
            kind = kinds[code]
            operands = ",".join([qubit[q] for q in qs[qptr[i]:qptr[i + 1]]])
            if kind == "measure":
                line = f"measure {operands} -> {clbit[cs[cptr[i]]]};"
            elif kind == "barrier":
                line = f"barrier {operands or all_qubits};"
            else:
                lo, hi = pptr[i], pptr[i + 1]
                if lo == hi:
                    line = f"{names[code]} {operands};"
                else:
                    texts = []
                    for v in pvals[lo:hi]:
                        t = text_of.get(v)
                        if t is None:
                            t = text_of[v] = number_text(v)
                        texts.append(t)
                    line = f"{names[code]}({','.join(texts)}) {operands};"
            if widths[i]:
                line = self._condition(i, conditions) + line
            lines.append(line)

        head = ["OPENQASM 2.0;", 'include "qelib1.inc";']
        phase = c.global_phase
        if isinstance(phase, Expr) or phase != 0:
            head.append(f"// global phase: {format_param(phase)}")
        head += self.definitions
        head += [f"qreg {r.name}[{r.size}];" for r in qregs]
        head += [f"creg {r.name}[{r.size}];" for r in cregs]
        return "\n".join(head + lines) + "\n"

    def _condition(self, i: int, conditions) -> str:
        cond = self.circuit.op_condition(i)
        reg = conditions.get((cond.start, cond.width))
        if reg is None:
            raise InputError(
                f"operation {i} ({self.circuit.gate(i).name}) is conditioned on classical "
                f"bits {cond.start}..{cond.start + cond.width - 1}, which are not one whole "
                f"register; OpenQASM 2 can only test a whole creg (emit qasm3 instead)")
        return f"if({reg}=={cond.value}) "


def _bit_names(regs, total: int) -> list[str]:
    out = [""] * total
    for r in regs:
        for k in range(r.size):
            out[r.start + k] = f"{r.name}[{k}]"
    return out


def _check_symbolic(circuit: Circuit) -> None:
    if len(circuit.expressions):
        names = sorted({s for e in circuit.expressions for s in e.symbols})
        raise InputError(
            f"the circuit has symbolic parameter(s) {', '.join(repr(n) for n in names)}, which "
            f"OpenQASM 2 cannot express; bind them first (circuit.bind({{...}})) or emit qasm3")


def to_qasm2(circuit: Circuit) -> str:
    """The circuit as an OpenQASM 2.0 program (see the module docstring)."""
    return _Qasm2Writer(circuit).write()
