"""OpenQASM 3 output, for readers that take the subset compilers exchange.

The file uses ``stdgates.inc`` gates by name and ``U`` for the library's ``u``; every other
gate gets a ``gate`` definition before its first use, from the library's exact
decomposition or the program's body, global phase included (``gphase``), as the OpenQASM 2
writer does (this writer extends it).  Symbolic parameters are ``input float[64] name;``
and stay symbolic.  A circuit's global phase is a top-level ``gphase``.  Conditions are
``if (c == 5)`` on a whole register, else nested single-bit tests (Qiskit's reader has no
``&&``); consecutive operations under one condition share a block.  Delays are written in
ns, or in seconds when that is the exact form.  A mapped circuit (one with a layout) is
written on physical qubits ``$n``.

Expressions avoid what Qiskit's reader lacks where they can (small whole powers become
products); functions of symbols are written (``sin(theta)``), which the OpenQASM 3
reference parser reads and Qiskit does not.
"""

from __future__ import annotations

import math

import numpy as np

from .circuit import Circuit, Condition, Register
from .emit import _bit_names, _Qasm2Writer, _registers
from .errors import InputError
from .gates import GATES, Gate
from .params import Expr, format_param

#: library gates stdgates.inc provides under the same name
STDGATES = frozenset({"p", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "rx", "ry", "rz",
                      "cx", "cy", "cz", "cp", "crx", "cry", "crz", "ch", "swap", "ccx",
                      "cswap", "cu", "id", "u1", "u2", "u3"})

#: words an OpenQASM 3 identifier must not be
KEYWORDS = frozenset("""OPENQASM include defcalgrammar def cal defcal gate extern box let break
continue if else end return for while in switch case default pragma input output const
readonly mutable qreg qubit creg bool bit int uint float angle complex array void duration
stretch gphase inv pow ctrl negctrl durationof delay reset measure barrier true false pi
tau euler U CX sin cos tan arcsin arccos arctan exp log sqrt floor ceiling mod popcount
rotl rotr real imag sizeof""".split())

#: jingu function name -> OpenQASM 3 spelling
_FUNCTIONS = {"sin": "sin", "cos": "cos", "tan": "tan", "exp": "exp", "ln": "log", "log": "log",
              "sqrt": "sqrt", "asin": "arcsin", "acos": "arccos", "atan": "arctan",
              "arcsin": "arcsin", "arccos": "arccos", "arctan": "arctan"}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 3}


def number_text(x) -> str:
    """A constant angle as OpenQASM 3 text that reads back as the same float."""
    x = float(x)
    if not math.isfinite(x):
        raise InputError(f"the angle {x} cannot be written in OpenQASM 3")
    return format_param(x)


def expression_text(e, names=None) -> str:
    """An angle (number or ``Expr``) as OpenQASM 3 text; ``names`` renames symbols."""
    if not isinstance(e, Expr):
        return number_text(e)
    op, args = e.op, e.args
    if op == "sym":
        return (names or {}).get(args[0], args[0])
    if op == "neg":
        return "-" + _operand(args[0], 4, names)
    if op == "fn":
        if args[0] not in _FUNCTIONS:
            raise InputError(f"the function '{args[0]}' in the angle {e} has no OpenQASM 3 "
                             f"spelling")
        return f"{_FUNCTIONS[args[0]]}({expression_text(args[1], names)})"
    a, b = args
    if op == "^":
        if not isinstance(b, Expr) and float(b).is_integer() and 1 <= abs(b) <= 8:
            product = " * ".join([_operand(a, 3, names)] * int(abs(b)))
            return product if b > 0 else f"1 / ({product})"
        return f"{_operand(a, 4, names)} ** {_operand(b, 4, names)}"
    p = _PRECEDENCE[op]
    left = _operand(a, p, names)
    right = _operand(b, p + (0 if op in "+*" else 1), names)
    return f"{left} {op} {right}"


def _operand(x, precedence: int, names) -> str:
    """``x`` as the operand of an operator of ``precedence``, in parentheses if needed."""
    text = expression_text(x, names)
    if isinstance(x, Expr):
        inner = _PRECEDENCE.get(x.op, 4 if x.op == "neg" else 5)
        return f"({text})" if inner < precedence or x.op == "^" and precedence >= 3 else text
    if precedence >= 2 and (text.startswith("-") or "*" in text or "/" in text):
        return f"({text})"
    return text


def duration_text(seconds: float) -> str:
    """A delay in ns (as readers take it: the number divided by 1e9) when that reads back
    as the same float, else in seconds."""
    seconds = float(seconds)
    if not math.isfinite(seconds) or seconds < 0:
        raise InputError(f"a delay of {seconds} s cannot be written")
    ns = seconds * 1e9
    for candidate in (round(ns), round(ns, 6)):
        if float(candidate) / 1e9 == seconds:
            text = repr(candidate) if isinstance(candidate, float) else str(candidate)
            return f"{text.removesuffix('.0')}ns"
    return f"{seconds!r}s"


class _Qasm3Writer(_Qasm2Writer):
    """One OpenQASM 3 file being written (definitions as in OpenQASM 2, plus gphase)."""

    def __init__(self, circuit: Circuit):
        super().__init__(circuit)
        self.paper = STDGATES
        self.names.used |= KEYWORDS
        self.symbols: dict[str, str] = {}

    def gate_name(self, gate: Gate) -> str:
        if GATES.get(gate.name) is gate:
            if gate.kind == "delay":
                return "delay"
            if gate.name == "u":
                return "U"
        return super().gate_name(gate)

    def _declare_opaque(self, gate: Gate, name: str) -> None:
        raise InputError(f"gate '{gate.name}' is opaque (it has no definition), which "
                         f"OpenQASM 3 cannot declare; give it a definition")

    def _phase_lines(self, phase) -> list[str]:
        if isinstance(phase, Expr) or phase != 0:
            return [f"gphase({expression_text(phase, self.symbols)});"]
        return []

    def _call(self, name: str, params, qubits) -> str:
        text = name
        if params:
            text += "(" + ", ".join(expression_text(p, self.symbols) for p in params) + ")"
        return f"{text} {', '.join(qubits)};"

    # -- the file ------------------------------------------------------------------------
    def write(self) -> str:
        c = self.circuit
        head = ["OPENQASM 3.0;", 'include "stdgates.inc";']
        for name in c.parameters:
            self.symbols[name] = self.names.take(name, "p")
            head.append(f"input float[64] {self.symbols[name]};")
        table = c.gate_table
        names = [None] * len(table)
        for code in np.unique(c.opcodes).tolist():
            names[code] = self.gate_name(table[code])
        head += self.definitions
        physical = c.initial_layout is not None
        if physical:
            qubit = [f"${q}" for q in range(c.num_qubits)]
            every = ", ".join(qubit)
        else:
            qregs = [Register(self.names.take(r.name, "q"), r.start, r.size)
                     for r in _registers(c.qregs, c.num_qubits, "q")]
            head += [f"qubit[{r.size}] {r.name};" for r in qregs]
            qubit = _bit_names(qregs, c.num_qubits)
            every = ", ".join(r.name for r in qregs)
        cregs = [Register(self.names.take(r.name, "c"), r.start, r.size)
                 for r in _registers(c.cregs, c.num_clbits, "c")]
        head += [f"bit[{r.size}] {r.name};" for r in cregs]
        clbit = _bit_names(cregs, c.num_clbits)
        head += self._phase_lines(c.global_phase)

        lines: list[str] = []
        open_condition: Condition | None = None
        indent = ""
        closers = 0
        for i in range(len(c)):
            gate = table[c.opcodes[i]]
            cond = c.op_condition(i)
            if cond != open_condition:
                lines += ["  " * k + "}" for k in reversed(range(closers))]
                tests = self._tests(cond, cregs, clbit) if cond is not None else []
                for k, test in enumerate(tests):
                    lines.append("  " * k + f"if ({test}) {{")
                closers, open_condition = len(tests), cond
                indent = "  " * closers
            qs = [qubit[q] for q in c.op_qubits(i)]
            kind = gate.kind
            if kind == "measure":
                line = f"{clbit[c.op_clbits(i)[0]]} = measure {qs[0]};"
            elif kind == "barrier":
                operands = ", ".join(qs) or every
                if not operands:
                    continue
                line = f"barrier {operands};"
            elif kind == "reset":
                line = f"reset {qs[0]};"
            elif kind == "delay":
                (seconds,) = c.op_params(i)
                if isinstance(seconds, Expr):
                    raise InputError(f"operation {i}: a delay of symbolic length {seconds} "
                                     f"cannot be written; bind it first")
                line = f"delay[{duration_text(seconds)}] {qs[0]};"
            else:
                line = self._call(names[c.opcodes[i]], c.op_params(i), qs)
            lines.append(indent + line)
        lines += ["  " * k + "}" for k in reversed(range(closers))]
        return "\n".join(head + lines) + "\n"

    def _tests(self, cond: Condition, cregs, clbit) -> list[str]:
        """The nested if tests of a condition: one test on a whole register, else one per
        bit."""
        for r in cregs:
            if (r.start, r.size) == (cond.start, cond.width):
                return [f"{r.name} == {cond.value}"]
        if cond.start + cond.width > len(clbit):
            raise InputError(f"a condition on classical bits {cond.start}.."
                             f"{cond.start + cond.width - 1} is outside the circuit's "
                             f"{len(clbit)} bits")
        return [clbit[cond.start + k] if cond.value >> k & 1 else f"!{clbit[cond.start + k]}"
                for k in range(cond.width)]


def to_qasm3(circuit: Circuit) -> str:
    """The circuit as an OpenQASM 3 program (see the module docstring)."""
    return _Qasm3Writer(circuit).write()
