"""The OpenQASM 3 front end (the subset compilers exchange).

lark's LALR parser runs ``_Nodes`` as it reduces each rule: statements become small tuples
(``("call", name, modifiers, params, operands)``, ...), expressions fold to numbers when
they are constant and stay tuples when they name something.  A top-level statement is
executed by ``_Program`` as soon as it is reduced and then dropped; the statements of a
gate body, ``for`` loop or ``if`` stay in their node and run when their owner runs (a
loop's body once per value: loops over constant ranges are unrolled).

What a static compiler keeps of the classical part: constants and ``input`` parameters
(symbols, which stay symbolic in the circuit), ``if`` on measured bits (conditions), loops
over constant ranges (unrolled).  Subroutines, ``while``, ``extern``, classical arrays and
assignments are refused with a located error naming the construct.  Gate modifiers
(``inv @``, ``pow(k) @``, ``ctrl @``, ``negctrl @``) go through ``jingu.grammar.modifiers``,
shared with OriginIR's DAGGER and CONTROL blocks.

``include "stdgates.inc"`` maps the standard library's names onto the gate library
without reading the file (shipped beside this module as documentation), and makes the
library's other gates (``rzz``, ``rphi``, ...) callable unless the program defines them.
"""

from __future__ import annotations

import math
import re
import threading
from pathlib import Path

from lark import Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from jingu.circuit import Circuit, Condition
from jingu.gates import LIBRARY
from jingu.errors import SourceError, suggest
from jingu.params import Expr, Symbol

from . import conditions
from . import expressions as ex
from .diagnostics import expected_text
from .fast_lalr import cached_parser
from .modifiers import GPHASE, DerivedGates, DeriveError
from .program import Clbits, Pos, ProgramBuilder, line_column

_GRAMMAR = Path(__file__).with_name("qasm3.lark")

#: the gates of stdgates.inc: name in the program -> library gate
STDGATES = {
    "p": "p", "x": "x", "y": "y", "z": "z", "h": "h", "s": "s", "sdg": "sdg", "t": "t",
    "tdg": "tdg", "sx": "sx", "rx": "rx", "ry": "ry", "rz": "rz", "cx": "cx", "cy": "cy",
    "cz": "cz", "cp": "cp", "crx": "crx", "cry": "cry", "crz": "crz", "ch": "ch",
    "swap": "swap", "ccx": "ccx", "cswap": "cswap", "cu": "cu", "CX": "cx", "phase": "p",
    "cphase": "cp", "id": "id", "u1": "u1", "u2": "u2", "u3": "u3",
}
#: the library's other gates (rzz, ryy, iswap, rphi, x1, ...): visible after the include
#: unless the program defines the name itself, so programs written for jingu's gate set
#: need no definitions (the OpenQASM 3 writer still defines them for other readers)
EXTENDED_GATES = tuple(g.name for g in LIBRARY if g.is_unitary and g.name not in STDGATES
                       and g.name not in ("u",))
#: built into the language (no include needed)
BUILTINS = {"U": "u"}
#: the file documenting STDGATES, shipped with the package
INC_PATH = Path(__file__).with_name("stdgates.inc")

#: one-argument functions an angle may use
FUNCTIONS = frozenset({"sin", "cos", "tan", "arcsin", "arccos", "arctan", "exp", "log",
                       "sqrt"})
#: the language's constants
CONSTANTS = {"pi": math.pi, "π": math.pi, "tau": 2 * math.pi, "τ": 2 * math.pi,
             "euler": math.e, "ℇ": math.e}
#: duration units per second (a duration is divided by it: 100ns is exactly 100 / 1e9 s)
UNITS = {"ns": 1e9, "us": 1e6, "µs": 1e6, "μs": 1e6, "ms": 1e3, "s": 1.0}

#: constructs outside the subset, named in the message when a program uses them
UNSUPPORTED = {
    "def": "subroutines (def) are", "while": "while loops are",
    "extern": "extern functions are", "array": "arrays of classical values are",
    "box": "box is", "cal": "calibration blocks (cal) are",
    "defcal": "calibration definitions (defcal) are",
    "defcalgrammar": "calibration grammars (defcalgrammar) are", "return": "return is",
    "break": "break is", "continue": "continue is", "switch": "switch is",
    "output": "output variables are", "let": "aliases (let) are",
    "duration": "duration variables are", "stretch": "stretch is",
    "complex": "complex numbers are", "opaque": "opaque gates are", "end": "end is",
}
_STATIC = "not supported by jingu, a static compiler"


class _Nodes(Transformer):
    """Rule callbacks: statements and expressions as tuples (constants folded)."""

    def __init__(self):
        super().__init__()
        self.runner: _Program | None = None

    # -- the program: each top-level statement runs when reduced ------------------------
    def start(self, children):
        if len(children) == 2:
            self.runner.run(children[1])

    def version(self, children):
        self.runner.version(children[1])

    # -- statements (nodes) ------------------------------------------------------------------
    def include(self, c):
        return ("include", c[1])

    def qubit_decl(self, c):
        return ("qubit", c[0], c[1] if len(c) == 3 else None, c[-1])

    def bit_decl(self, c):
        return ("bit", c[0], c[1] if len(c) == 3 else None, c[-1])

    def qreg_decl(self, c):
        return ("qubit", c[0], c[2], c[1])

    def creg_decl(self, c):
        return ("bit", c[0], c[2], c[1])

    def qreg_element(self, c):
        name, size = _split_element(c[1])
        return ("qubit", c[0], size, name)

    def creg_element(self, c):
        name, size = _split_element(c[1])
        return ("bit", c[0], size, name)

    def designator(self, c):
        return c[0]

    def scalar_type(self, c):
        return (c[0], c[1] if len(c) > 1 else None)

    def input_decl(self, c):
        return ("input", c[0], c[1], c[2])

    def const_decl(self, c):
        return ("const", c[0], c[1], c[2], c[3])

    def classical_decl(self, c):
        return ("const", c[0][0], c[0], c[1], c[2])

    def gate_def(self, c):
        if len(c) == 5:
            keyword, name, formals, qubits, body = c
        else:
            (keyword, name, qubits, body), formals = c, []
        return ("gate", keyword, name, formals, qubits, body)

    def formals(self, c):
        return c[0] if c else []

    def ids(self, c):
        return [(c[0].value, c[0])]

    def ids_more(self, c):
        c[0].append((c[1].value, c[1]))
        return c[0]

    def body(self, c):
        return c

    def block(self, c):
        return ("block", c)

    def call(self, c):
        return self._call(c[0], (), c[1:])

    def modified_call(self, c):
        return self._call(c[1], c[0], c[2:])

    @staticmethod
    def _call(name, modifiers, rest):
        params, operands = (), ()
        for part in rest:
            if type(part) is tuple and part and part[0] == "actuals":
                params = part[1]
            else:
                operands = part
        return ("call", name, modifiers, params, operands)

    def modifiers(self, c):
        return [c[0]]

    def modifiers_more(self, c):
        c[0].append(c[1])
        return c[0]

    def inv(self, c):
        return ("inv", c[0])

    def pow_mod(self, c):
        return ("pow", c[0], c[1])

    def ctrl(self, c):
        return ("ctrl", c[0], c[1] if len(c) > 1 else 1)

    def negctrl(self, c):
        return ("negctrl", c[0], c[1] if len(c) > 1 else 1)

    def actuals(self, c):
        return ("actuals", tuple(c))

    def operands(self, c):
        return c

    def whole(self, c):
        return ("reg", c[0])

    def indexed(self, c):
        return ("elem", c[0], c[1])

    def physical(self, c):
        return ("phys", c[0])

    def slice(self, c):
        return ("slice", c[0], 1, c[1])

    def slice_step(self, c):
        return ("slice", c[0], c[1], c[2])

    def index_set(self, c):
        return ("set", c)

    def measure(self, c):
        return ("measure", c[0], c[1], c[2])

    def measure_discard(self, c):
        return ("measure", c[0], c[1], None)

    def measure_assign(self, c):
        return ("measure", c[1], c[2], c[0])

    def reset(self, c):
        return ("reset", c[0], c[1])

    def barrier(self, c):
        return ("barrier", c[0], c[1] if len(c) > 1 else [])

    def delay(self, c):
        return ("delay", c[0], c[1], c[2] if len(c) > 2 else None)

    def if_stmt(self, c):
        return ("if", c[0], c[1], c[2], None)

    def if_else(self, c):
        return ("if", c[0], c[1], c[2], c[4])

    def for_stmt(self, c):
        keyword, *rest = c
        variable, _in, iterable, body = rest[-4:]
        return ("for", keyword, variable, iterable, body)

    def range2(self, c):
        return ("range", c[0], 1, c[1])

    def range3(self, c):
        return ("range", c[0], c[1], c[2])

    def range_set(self, c):
        return ("values", c)

    def range_name(self, c):
        return ("rangename", c[0])

    # -- tests (if conditions) ------------------------------------------------------------
    def t_or(self, c):
        return ("or", c[0], c[1])

    def t_and(self, c):
        return ("and", c[0], c[1])

    def t_not(self, c):
        return ("not", c[0])

    def t_cmp(self, c):
        return ("cmp", c[0], c[1], c[2])

    # -- expressions: numbers fold at once ---------------------------------------------------
    def number(self, c):
        text = c[0].value
        return int(text) if text.isdigit() else float(text)

    def duration(self, c):
        return ("duration", c[0])

    def true(self, c):
        return 1

    def false(self, c):
        return 0

    def name(self, c):
        value = CONSTANTS.get(c[0].value)
        return value if value is not None else ("name", c[0])

    def function(self, c):
        name, *args = c
        if all(type(a) in (int, float) for a in args):
            return self.runner.function(name, args)
        return ("fn", name, args)

    def pow_function(self, c):
        return self._binary("**", c[1], c[2], c[0])

    def cast(self, c):
        return ("cast", c[0], c[-1])

    def bit(self, c):
        return ("bit", c[0], c[1])

    def bit_element(self, c):
        name, index = _split_element(c[0])
        return ("bit", name, index)

    def add(self, c):
        return self._binary("+", c[0], c[1], None)

    def sub(self, c):
        return self._binary("-", c[0], c[1], None)

    def mul(self, c):
        return self._binary("*", c[0], c[1], None)

    def div(self, c):
        return self._binary("/", c[0], c[2], c[1])

    def mod(self, c):
        return self._binary("%", c[0], c[2], c[1])

    def pow(self, c):
        return self._binary("**", c[0], c[2], c[1])

    def neg(self, c):
        a = c[0]
        return -a if type(a) in (int, float) else ("neg", a)

    def bitnot(self, c):
        return ("bitnot", c[0])

    def _binary(self, op, a, b, where):
        if type(a) in (int, float) and type(b) in (int, float):
            return self.runner.arithmetic(op, a, b, where)
        return ("bin", op, a, b, where)


class _Program:
    """Runs statement nodes into a ``ProgramBuilder``: scopes, conditions, loops."""

    def __init__(self, program: ProgramBuilder):
        self.program = program
        self.derived = DerivedGates(program)
        self.values: dict[str, object] = {}  # consts and classical values (global)
        self.loops: list[dict[str, int]] = []  # loop variables, innermost last
        self.tests: list[dict[int, int]] = []  # the if tests around the statement
        self.condition: Condition | None = None
        self.condition_error = None  # (message, where) if the tests make no single condition
        self.physical = -1  # the largest physical qubit used ($n), -1 if none
        self.declared_qubits = False
        self.depth = 0  # nesting inside gate bodies / loops / ifs / blocks
        self.registers: set[str] = set()
        self.scalars: set[str] = set()  # `qubit q;` / `bit b;`: one qubit or bit, not a register
        self.elements: dict[str, object] = {}  # q[3] -> its operand (registers never change)
        self.dispatch = {kind: getattr(self, "_" + kind) for kind in
                         ("include", "qubit", "bit", "input", "const", "gate", "call",
                          "measure", "reset", "barrier", "delay", "block", "if", "for")}

    # -- dispatch ----------------------------------------------------------------------------
    def run(self, node) -> None:
        self.dispatch[node[0]](node)

    def run_all(self, nodes) -> None:
        dispatch = self.dispatch
        for node in nodes:
            dispatch[node[0]](node)

    def error(self, message, where, hint=None):
        return self.program.error(message, where, hint)

    def version(self, number: Token) -> None:
        text = number.value
        if text in ("3", "3.0") or re.fullmatch(r"3\.\d+", text):
            return
        if text.startswith("2"):
            raise self.error(f"this is an OpenQASM {text} program", number,
                             "read it with --lang qasm2")
        raise self.error(f"unsupported OpenQASM version {text}", number,
                         "this front end reads OpenQASM 3")

    # -- declarations ----------------------------------------------------------------------------
    def _include(self, node) -> None:
        string = node[1]
        name = string.value[1:-1]
        program = self.program
        if name == "stdgates.inc":
            program.provide(STDGATES, fixed=True, origin="stdgates.inc", where=string)
            program.provide(EXTENDED_GATES, fixed=False)
            program.library_hint = None
            return
        if name == "qelib1.inc":
            raise self.error("'qelib1.inc' is the library of OpenQASM 2", string,
                             'OpenQASM 3 programs include "stdgates.inc"')
        self._top_level(string, "include")
        program.include(name, string, _parse_text)

    def _top_level(self, where, what: str) -> None:
        if self.depth:
            raise self.error(f"{what} is allowed only at the top level of a program", where,
                             "move it out of the gate body, loop, if or block")

    def _qubit(self, node) -> None:
        _, keyword, size, name = node
        self._top_level(keyword, "a qubit declaration")
        if self.physical >= 0:
            raise self.error("this program already uses physical qubits ($n)", keyword,
                             "use either physical qubits $0, $1, ... or declared qubits")
        self._check_new_name(name)
        self.program.add_qreg(name.value, self._size(size, keyword), name)
        self.declared_qubits = True
        if size is None:
            self.scalars.add(name.value)

    def _bit(self, node) -> None:
        _, keyword, size, name = node
        self._top_level(keyword, "a bit declaration")
        self._check_new_name(name)
        self.program.add_creg(name.value, self._size(size, keyword), name)
        self.registers.add(name.value)
        if size is None:
            self.scalars.add(name.value)

    def _size(self, size, where) -> int:
        if size is None:
            return 1
        n = self.integer(size, where, "a register size")
        if n < 0:
            raise self.error(f"a register size must not be negative ({n})", where)
        return n

    def _input(self, node) -> None:
        _, keyword, (type_token, _), name = node
        self._top_level(keyword, "an input declaration")
        if type_token.value not in ("float", "angle"):
            raise self.error(f"input {type_token.value} is {_STATIC}", type_token,
                             "jingu keeps angles symbolic: declare  input float[64] name;  "
                             "or  input angle name;")
        self._check_new_name(name)
        self.program.inputs[name.value] = Symbol(name.value)

    def _const(self, node) -> None:
        _, keyword, (type_token, _), name, expr = node
        value = self.value(expr)
        if type_token.value in ("int", "uint", "bool"):
            value = self._whole(value, expr, name, f"a value of type {type_token.value}")
        self._check_new_name(name)
        scope = self.loops[-1] if self.loops else self.values
        scope[name.value] = value

    def _check_new_name(self, name: Token) -> None:
        text = name.value
        if text in self.values or text in self.program.inputs or any(text in s
                                                                     for s in self.loops):
            raise self.error(f"'{text}' is already declared", name, "give it another name")
        if text in CONSTANTS:
            raise self.error(f"'{text}' is a built-in constant", name, "choose another name")

    # -- gate definitions --------------------------------------------------------------------
    def _gate(self, node) -> None:
        _, keyword, name, formals, qubits, body = node
        self._top_level(keyword, "a gate definition")
        program = self.program
        program.begin_gate(name.value, formals, qubits, name)
        saved = self.loops, self.condition
        self.loops, self.condition = [], None
        self.depth += 1
        try:
            for stmt in body:
                if stmt[0] not in ("call", "barrier", "for", "block"):
                    raise self.error(f"a gate body cannot hold {_describe(stmt)}",
                                     _where(stmt), "a gate holds gate calls, gphase and "
                                                   "barriers")
                self.run(stmt)
        finally:
            self.depth -= 1
            self.loops, self.condition = saved
        program.end_gate()

    # -- operations --------------------------------------------------------------------------
    def _call(self, node) -> None:
        _, name, modifiers, param_nodes, operand_nodes = node
        program = self.program
        params = [self.value(p) for p in param_nodes]
        for p in params:
            if type(p) is not Expr and not math.isfinite(p):
                raise self.error(f"a parameter of '{name}' is {p}, not a finite number", name,
                                 "check the angle's arithmetic")
        text = name.value
        if self.condition_error is not None:
            self._check_condition(name)
        if text in UNSUPPORTED:
            raise self.error(f"{UNSUPPORTED[text]} {_STATIC}", name, _UNSUPPORTED_HINT)
        operands = [self.operand(o) for o in operand_nodes]
        if text == "gphase":
            self._gphase(name, modifiers, params, operands)
            return
        if not modifiers:
            program.apply(text, params, operands, name, self.condition)
            return
        opcode, nq, npar = program.resolve(text, name)
        if len(params) != npar:
            raise self.error(f"gate '{text}' takes {npar} parameter(s) but {len(params)} "
                             f"{'was' if len(params) == 1 else 'were'} given", name)
        gate = program.circuit.gate_table[opcode]
        self._modified(name, modifiers, [(gate, tuple(range(nq)), tuple(params))], nq,
                       operands)

    def _gphase(self, name, modifiers, params, operands) -> None:
        if len(params) != 1:
            raise self.error(f"gphase takes 1 parameter but {len(params)} were given", name,
                             "write it as  gphase(theta);")
        if not modifiers:  # a global phase; under an if it is unobservable
            target = self.program.target
            target.global_phase = target.global_phase + params[0]
            return
        self._modified(name, modifiers, [(GPHASE, (), (params[0],))], 0, operands,
                       extra_ok=True)

    def _modified(self, name, modifiers, steps, arity, operands, extra_ok=False) -> None:
        """Apply ``modifiers`` (the one next to the gate first) and emit the steps."""
        program = self.program
        try:
            for mod in reversed(modifiers):
                kind = mod[0]
                if kind == "inv":
                    steps = self.derived.inverse_steps(steps)
                elif kind == "pow":
                    steps = self.derived.power_steps(steps, self.value(mod[2]))
                else:
                    m = self.integer(mod[2], mod[1], f"the number of {kind} qubits")
                    if m < 1:
                        raise self.error(f"{kind}({m}) needs at least one control", mod[1])
                    negated = range(m) if kind == "negctrl" else ()
                    steps = self.derived.control_steps(steps, m, negated)
                    arity += m
        except DeriveError as exc:
            raise self.error(str(exc), name, exc.hint) from None
        if len(operands) != arity and not (extra_ok and arity == 0):
            raise self.error(f"with its modifiers, '{name}' acts on {arity} qubit(s) but "
                             f"{len(operands)} {'was' if len(operands) == 1 else 'were'} "
                             f"given", name, "controls come first, one operand per control")
        if arity == 0:
            operands = []
        target = program.target
        cond = self.condition
        for qubits in program.broadcast(name.value, operands, name) if operands else [()]:
            for gate, positions, params in steps:
                if gate is GPHASE:
                    target.global_phase = target.global_phase + params[0]
                    continue
                code = program.register_derived(gate)
                target.append(code, tuple(qubits[p] for p in positions), params, (), cond)

    def _measure(self, node) -> None:
        _, keyword, qubit, clbit = node
        self._no_gate_body(keyword, "measure")
        self._check_condition(keyword)
        if clbit is None:
            raise self.error("a measurement without a bit to write is not supported", keyword,
                             "write  c[0] = measure q[0];  or  measure q[0] -> c[0];")
        self.program.measure(self.operand(qubit), self.operand(clbit), keyword, self.condition)

    def _reset(self, node) -> None:
        _, keyword, operands = node
        self._no_gate_body(keyword, "reset")
        self._check_condition(keyword)
        for o in operands:
            self.program.reset(self.operand(o), keyword, self.condition)

    def _barrier(self, node) -> None:
        _, keyword, operands = node
        self.program.barrier([self.operand(o) for o in operands], keyword)

    def _delay(self, node) -> None:
        _, keyword, duration, operands = node
        self._no_gate_body(keyword, "delay")
        self._check_condition(keyword)
        seconds = self.seconds(duration, keyword)
        program = self.program
        if operands:
            qubits = program.broadcast("delay", [self.operand(o) for o in operands], keyword)
            qubits = [q for group in qubits for q in group]
        else:
            qubits = range(program.circuit.num_qubits if self.physical < 0
                           else self.physical + 1)
        code = program.circuit.opcode("delay")
        for q in qubits:
            program.target.append(code, (q,), (seconds,), (), self.condition)

    def _no_gate_body(self, where, what) -> None:
        if self.program.defining is not None:
            raise self.error(f"a gate body cannot hold {what}", where,
                             "a gate holds gate calls, gphase and barriers")

    # -- control flow --------------------------------------------------------------------------
    def _block(self, node) -> None:
        self.depth += 1
        try:
            self.run_all(node[1])
        finally:
            self.depth -= 1

    def _if(self, node) -> None:
        _, keyword, test, then, otherwise = node
        self._no_gate_body(keyword, "an if")
        constraint = self.test(test, keyword)
        self._guarded(constraint, then, keyword)
        if otherwise is not None:
            try:
                negated = conditions.negate(constraint)
            except ValueError as exc:
                raise self.error(f"this else branch is {_STATIC}: {exc}", keyword,
                                 "test one bit, or write a second if with the other value"
                                 ) from None
            self._guarded(negated, otherwise, keyword)

    def _guarded(self, constraint, statement, where) -> None:
        """Run ``statement`` under one more test; a combination of tests that is no single
        condition is an error only if an operation comes under it (an inner if may
        complete it)."""
        saved = self.condition, self.condition_error
        self.tests.append(constraint)
        self.depth += 1
        try:
            self.condition_error = None
            try:
                self.condition = conditions.to_condition(conditions.merge(self.tests))
            except ValueError as exc:
                self.condition = None
                self.condition_error = (f"this operation's condition is {_STATIC}: {exc}",
                                        where)
            self.run(statement)
        finally:
            self.tests.pop()
            self.condition, self.condition_error = saved
            self.depth -= 1

    def _check_condition(self, where) -> None:
        if self.condition_error is not None:
            message, opened = self.condition_error
            raise self.error(message, where,
                             f"see the if at line {self.program.position(opened)[0]}; "
                             f"conditions test measured bits of one contiguous range")

    def _for(self, node) -> None:
        _, keyword, variable, iterable, body = node
        values = self.loop_values(iterable, keyword)
        name = variable.value
        scope: dict[str, int] = {}
        self.loops.append(scope)
        self.depth += 1
        try:
            for v in values:
                scope.clear()
                scope[name] = v
                self.run(body)
        finally:
            self.loops.pop()
            self.depth -= 1

    def loop_values(self, iterable, where):
        kind = iterable[0]
        if kind == "range":
            start, step, stop = (self.integer(x, where, "a loop bound")
                                 for x in iterable[1:])
            if step == 0:
                raise self.error("a loop range with step 0 never ends", where)
            values = range(start, stop + (1 if step > 0 else -1), step)  # end included
        elif kind == "values":
            values = [self.value(x) for x in iterable[1]]
        else:
            raise self.error(f"a loop over '{iterable[1]}' is {_STATIC}", iterable[1],
                             "loop over a constant range [a:b] or set {a, b, c}")
        if len(values) > 10_000_000:
            raise self.error(f"a loop of {len(values)} iterations is too long to unroll", where)
        return values

    def test(self, node, where) -> dict[int, int]:
        """An if test as {bit: value}: c[i], !c[i], c[i] == 0/1, c == n, && of those."""
        kind = node[0] if type(node) is tuple else None
        if kind == "and":
            try:
                return conditions.merge([self.test(node[1], where), self.test(node[2], where)])
            except ValueError as exc:
                raise self.error(str(exc), where) from None
        if kind == "not":
            inner = self.test(node[1], where)
            if len(inner) == 1:
                return conditions.negate(inner)
        if kind == "bit":
            return {self.clbit(node): 1}
        if kind == "name":
            reg = self.register_bits(node[1])
            if reg is not None and reg.size == 1:
                return {reg.start: 1}
        if kind == "cmp" and node[2].value in ("==", "!="):
            a, op, b = node[1], node[2].value, node[3]
            if type(a) is not tuple:
                a, b = b, a
            value = self.value(b) if type(b) is not tuple or b[0] != "bit" else None
            if type(a) is tuple and value is not None and type(value) is not Expr:
                number = self._whole(value, b, node[2], "the value a test compares with")
                if a[0] == "bit" and number in (0, 1):
                    return {self.clbit(a): number if op == "==" else 1 - number}
                if a[0] == "name" and op == "==":
                    cond = self.program.condition(a[1].value, number, a[1])
                    return conditions.from_register(cond)
                if a[0] == "name" and op == "!=":
                    reg = self.register_bits(a[1])
                    if reg is not None and reg.size == 1 and number in (0, 1):
                        return {reg.start: 1 - number}
        raise self.error(f"this test is {_STATIC}", where,
                         "jingu keeps if statements on measured bits: c[0], !c[0], "
                         "c[0] == 1, c == 3, and && of those")

    def register_bits(self, name: Token):
        o = self.program.operand(name.value, None, name)
        return o if isinstance(o, Clbits) else None

    def clbit(self, node) -> int:
        _, name, index = node
        i = self.integer(index, name, "a bit index")
        o = self.program.operand(name.value, None, name)
        if not isinstance(o, Clbits):
            raise self.error(f"'{name}' is not a classical register", name,
                             "a test reads measured bits")
        if i < 0:
            i += o.size
        return int(self.program.operand(name.value, i, name))

    # -- operands -----------------------------------------------------------------------------
    def operand(self, node):
        program = self.program
        if type(node) is Token:  # q[3]: the common case, resolved once per program
            operand = self.elements.get(node.value)
            if operand is None:
                name, index = _split_element(node)
                operand = program.operand(name.value, index, node)
                if program.defining is None:
                    self.elements[node.value] = operand
            return operand
        kind = node[0]
        if kind == "elem":
            name, index = node[1], node[2]
            if type(index) is tuple and index[0] in ("slice", "set"):
                return self._slice(name, index)
            i = self.integer(index, name, "an index")
            if i < 0:
                whole = program.operand(name.value, None, name)
                i += len(whole)
            if i < 0:
                raise self.error(f"index {i - len(whole)} is out of range for '{name}'", name)
            return program.operand(name.value, i, name)
        if kind == "reg":
            name = node[1]
            if name.value in self.scalars and program.defining is None:
                return program.operand(name.value, 0, name)
            return program.operand(name.value, None, name)
        # a physical qubit $n
        token = node[1]
        if program.defining is not None:
            raise self.error("a gate body acts on its own qubit names, not physical qubits",
                             token)
        if self.declared_qubits:
            raise self.error("this program declares qubits, so it cannot also use physical "
                             "qubits ($n)", token,
                             "use either physical qubits $0, $1, ... or declared qubits")
        n = int(token.value[1:])
        self.physical = max(self.physical, n)
        return n

    def _slice(self, name, index):
        if index[0] == "set":
            raise self.error(f"index sets are {_STATIC}", name,
                             "index one element, or a range q[a:b]")
        whole = self.program.operand(name.value, None, name)
        size = len(whole)
        start, step, stop = (self.integer(x, name, "a range bound") for x in index[1:])
        start += size if start < 0 else 0
        stop += size if stop < 0 else 0
        if step == 0 or not (0 <= start < size and 0 <= stop < size):
            raise self.error(f"the range [{start}:{stop}] does not fit register '{name}' of "
                             f"size {size}", name, f"valid indices are 0 to {size - 1}")
        picked = range(start, stop + (1 if step > 0 else -1), step)
        if isinstance(whole, range):
            return whole[picked.start: picked.stop if picked.stop >= 0 else None: step]
        if step != 1:
            raise self.error("a range of classical bits with a step is not supported", name,
                             "use step 1")
        return Clbits(whole.start + start, len(picked), name.value)

    # -- values ----------------------------------------------------------------------------------
    def value(self, node):
        """The value of an expression: a number, or an Expr over inputs / gate params."""
        t = type(node)
        if t is int or t is float:
            return node
        kind = node[0]
        if kind == "name":
            return self.lookup(node[1])
        if kind == "bin":
            _, op, a, b, where = node
            return self.arithmetic(op, self.value(a), self.value(b), where)
        if kind == "neg":
            return -self.value(node[1])
        if kind == "fn":
            return self.function(node[1], [self.value(a) for a in node[2]])
        if kind == "cast":
            return self.value(node[2])
        if kind == "duration":
            return self.seconds(node, node[1])
        where = _where(node)
        what = {"bit": "a classical bit", "bitnot": "a bitwise operation"}.get(kind, kind)
        raise self.error(f"{what} in an expression is {_STATIC}", where,
                         "expressions use numbers, constants, inputs and gate parameters")

    def lookup(self, name: Token):
        text = name.value
        for scope in reversed(self.loops):
            if text in scope:
                return scope[text]
        program = self.program
        if program.defining is not None:  # the gate's parameters, then global constants
            try:
                return program.parameter(text, name)
            except SourceError:
                if text not in self.values:
                    raise
            return self.values[text]
        if text in self.values:
            return self.values[text]
        if text in program.inputs:
            return program.inputs[text]
        known = list(self.values) + list(program.inputs) + list(CONSTANTS)
        raise self.error(f"'{text}' has no value here", name,
                         suggest(text, known) or "declare it: const float x = ...; or "
                                                  "input float[64] x;")

    def arithmetic(self, op, a, b, where):
        try:
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            if op == "/":
                return ex.div(a, b)
            if op == "**":
                return ex.power(a, b)
            if isinstance(a, Expr) or isinstance(b, Expr):
                raise ex.ExpressionError("% of a symbolic value has no value yet")
            if b == 0:
                raise ex.ExpressionError("% by zero")
            return a % b
        except ex.ExpressionError as exc:
            raise self.error(str(exc), where, exc.hint or "check the arithmetic") from None

    def function(self, name: Token, args):
        text = name.value
        if text in ("floor", "ceiling", "mod") and not any(isinstance(a, Expr) for a in args):
            if text == "mod" and len(args) == 2:
                return self.arithmetic("%", args[0], args[1], name)
            if len(args) == 1:
                return math.floor(args[0]) if text == "floor" else math.ceil(args[0])
        if len(args) != 1 or text not in FUNCTIONS:
            if text in FUNCTIONS:
                raise self.error(f"'{text}' takes one argument", name)
            raise self.error(f"unknown function '{text}'", name,
                             f"angles may use {', '.join(sorted(FUNCTIONS))}, floor, "
                             f"ceiling, mod and pow")
        try:
            return ex.function(text, args[0], FUNCTIONS)
        except ex.ExpressionError as exc:
            raise self.error(str(exc), name, exc.hint) from None

    def integer(self, node, where, what: str) -> int:
        return self._whole(self.value(node), node, where, what)

    def _whole(self, value, node, where, what: str) -> int:
        if isinstance(value, Expr):
            raise self.error(f"{what} must be a constant, not {value}", _where(node) or where)
        if float(value).is_integer():
            return int(value)
        raise self.error(f"{what} must be a whole number, not {value!r}",
                         _where(node) or where)

    def seconds(self, node, where) -> float:
        if type(node) is tuple and node[0] == "duration":
            token = node[1]
            m = re.fullmatch(r"(.*?)(ns|us|µs|μs|ms|s|dt)", token.value)
            if m.group(2) == "dt":
                raise self.error("durations in dt depend on the device", token,
                                 "give the duration in ns, us, ms or s")
            return float(m.group(1)) / UNITS[m.group(2)]
        raise self.error("a delay needs a duration such as 100ns", where,
                         "write  delay[100ns] q[0];")

    # -- the end ------------------------------------------------------------------------------
    def finish(self) -> None:
        if self.physical >= 0:
            name = "physical" if "q" in self.registers else "q"
            self.program.circuit.add_qreg(name, self.physical + 1)


def _split_element(token: Token) -> tuple[Token, int]:
    """``q[3]`` (one ELEMENT token, spaces allowed) as (the name as a token, 3)."""
    text = token.value
    name, _, rest = text.partition("[")
    name = name.rstrip()
    head = Token("ID", name)
    head.start_pos, head.line, head.column = token.start_pos, None, None
    return head, int(rest.strip()[:-1])


def _where(node):
    """A token of a node, for error positions (None if it holds none)."""
    if isinstance(node, Token):
        return node
    if type(node) in (tuple, list):
        for part in node:
            w = _where(part)
            if w is not None:
                return w
    return None


def _describe(node) -> str:
    return {"measure": "a measurement", "reset": "a reset", "delay": "a delay",
            "if": "an if", "qubit": "a declaration", "bit": "a declaration",
            "const": "a declaration", "input": "a declaration", "gate": "a gate definition",
            "include": "an include"}.get(node[0], node[0])


_lock = threading.RLock()
_nodes = _Nodes()
_get_parser = cached_parser(_GRAMMAR, _nodes)


def parse(text: str, *, file: str = "<string>", path=None, name: str | None = None) -> Circuit:
    """The circuit of the OpenQASM 3 program ``text`` (``file`` names it in messages;
    ``path`` is where relative includes are looked up).  Raises ``SourceError``."""
    if name is None:
        name = Path(path).stem if path is not None else "circuit"
    program = ProgramBuilder(text, file, path=path, name=name, language="OpenQASM 3")
    program.provide(BUILTINS, fixed=True, origin="OpenQASM 3 (a built-in gate)")
    program.library_hint = ('add  include "stdgates.inc";  after the OPENQASM line to use '
                            'the standard gates')
    program.declare_hint = "declare it first, e.g. qubit[2] q;"
    runner = _Program(program)
    with _lock:
        saved = _nodes.runner
        _nodes.runner = runner
        try:
            _parse_text(text)
        finally:
            _nodes.runner = saved
    runner.finish()
    return program.build()


def _parse_text(text: str) -> None:
    try:
        _get_parser().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, _nodes.runner.program) from None


# ----------------------------------------------------------------------------------------
# syntax errors

_FRIENDLY = {"ID": "a name", "NUMBER": "a number", "STRING": "a quoted file name",
             "$END": "the end of the file", "HWQUBIT": "a physical qubit ($n)",
             "DURATION": "a duration", "CMP": "a comparison"}
_TYPES = frozenset({"const", "input", "float", "angle", "int", "uint", "bool", "bit",
                    "qubit"})
_UNSUPPORTED_HINT = ("jingu reads gates, measurements, constant loops and ifs on measured "
                     "bits")
_ASSIGNMENT = re.compile(r"\s*[^\W\d][\w\[\]\s:+\-*/]*?(?:[-+*/%&|^]|<<|>>)?=(?!=)")


def _expected(names) -> str:
    return expected_text(_get_parser(), names, _FRIENDLY)


def _statement_start(text: str, offset: int) -> int:
    """Where the statement holding ``offset`` begins (after the last ; { or })."""
    clean = re.sub(r"//[^\n]*|/\*.*?\*/", lambda m: " " * len(m.group()), text[:offset],
                   flags=re.DOTALL)
    cut = max(clean.rfind(";"), clean.rfind("{"), clean.rfind("}"))
    start = cut + 1
    while start < offset and clean[start].isspace():
        start += 1
    return start


def _syntax_error(exc: UnexpectedInput, program: ProgramBuilder):
    text = program.source.text
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream
        where = Pos(exc.line, exc.column)
        start = _statement_start(text, pos)
        named = _unsupported(text, start, program)
        if named is not None:
            return named
        if text.startswith("/*", pos):
            return program.error("this comment is never closed", where,
                                 "end a /* comment with */")
        if text[pos] == '"':
            return program.error("this string is never closed", where,
                                 "a file name is written in double quotes on one line")
        return program.error(f"unexpected character {text[pos]!r}", where,
                             "remove or replace it")
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken)
                                          and exc.token.type == "$END"):
        expected = getattr(exc, "expected", ()) or ()
        end = len(text.rstrip())
        where = Pos(*line_column(text, end))
        if "SEMICOLON" in expected:
            return program.error("missing ';' at the end of the last statement", where,
                                 "every statement ends with ';'")
        return program.error("the program ends in the middle of a statement", where,
                             f"expected {_expected(expected)}" if expected else None)
    token = exc.token
    if text.startswith("/*", token.start_pos):  # the comment pattern never matched
        return program.error("this comment is never closed", token, "end a /* comment with */")
    start = _statement_start(text, token.start_pos)
    named = _unsupported(text, start, program)
    if named is not None:
        return named
    first = re.match(r"[^\W\d]\w*", text[start:])
    first = first.group() if first else ""
    statement = text[start:token.start_pos]
    if first in _TYPES and token.type == "SEMICOLON":
        return program.error("a classical variable without a value is " + _STATIC, token,
                             "jingu keeps constants: give it a value, e.g. const float x = 0.5;"
                             " (or declare an input float[64] x;)")
    if (first not in _TYPES and first not in ("for", "if", "gate")
            and _ASSIGNMENT.match(statement) and "measure" not in statement):
        return program.error(f"classical assignment is {_STATIC}", Pos(*line_column(text, start)),
                             "jingu reads the quantum operations; bits are written only by "
                             "measure (c[0] = measure q[0];)")
    expected = exc.expected
    if "SEMICOLON" in expected:
        head = text[:token.start_pos].rstrip()
        prev = Pos(*line_column(text, len(head)))
        if prev.line < program.position(token)[0] or expected == {"SEMICOLON"}:
            return program.error(f"missing ';' before '{token}'", prev,
                                 "every statement ends with ';'")
    return program.error(f"unexpected '{token}'", token, f"expected {_expected(expected)}")


def _unsupported(text: str, start: int, program: ProgramBuilder):
    m = re.match(r"[^\W\d]\w*", text[start:])
    if m and m.group() in UNSUPPORTED:
        return program.error(f"{UNSUPPORTED[m.group()]} {_STATIC}",
                             Pos(*line_column(text, start)), _UNSUPPORTED_HINT)
    return None
