"""The OriginIR front end (QPanda's language).

Like the OpenQASM 2 front end, lark's LALR parser runs the transformer as it reduces each
rule, so a statement becomes one call into ``ProgramBuilder`` and is dropped.  OriginIR's
names map onto the gate library (``NAMES``; ``CU``'s four angles are QPanda's controlled
U4, which is the library's ``cu`` with its parameters rearranged).

Blocks: ``CONTROL`` adds its qubits as controls to every operation inside (done as each
operation is read); ``DAGGER`` collects its operations and replaces them with their
inverses in reverse order at ``ENDDAGGER`` (both through ``jingu.grammar.modifiers``).
``QIF``/``QELSEIF``/``ELSE`` on measured bits become conditions on the operations
(``jingu.grammar.conditions``); tests on runtime values and ``QWHILE`` loops cannot be
decided by a static compiler and are refused where they are written.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from lark import Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from jingu.circuit import Circuit

from . import conditions
from . import expressions as ex
from .diagnostics import expected_text
from .fast_lalr import cached_parser
from .modifiers import GPHASE, DerivedGates, DeriveError
from .program import Clbit, Clbits, Pos, ProgramBuilder, line_column

_GRAMMAR = Path(__file__).with_name("originir.lark")

#: OriginIR gate -> library gate (matrices as pyqpanda3's; checked by the tests)
NAMES = {
    "H": "h", "T": "t", "S": "s", "X": "x", "Y": "y", "Z": "z", "X1": "x1", "Y1": "y1",
    "Z1": "z1", "I": "id", "ECHO": "echo",
    "RX": "rx", "RY": "ry", "RZ": "rz", "U1": "u1", "P": "p",
    "U2": "u2", "RPhi": "rphi", "U3": "u3", "U4": "u4",
    "CNOT": "cx", "CZ": "cz", "ISWAP": "iswap", "SQISWAP": "sqiswap", "SWAP": "swap",
    "ISWAPTHETA": "iswaptheta", "CR": "cp", "CP": "cp", "RXX": "rxx", "RYY": "ryy",
    "RZZ": "rzz", "RZX": "rzx", "CRX": "crx", "CRY": "cry", "CRZ": "crz",
    "CU": "cu", "TOFFOLI": "ccx", "CSWAP": "cswap",
}

#: the functions an OriginIR angle may use

_STATIC = "not supported by a static compiler"


def _cu_params(params):
    """QPanda's CU(a, b, c, d) is U4(a, b, c, d) = e^{i(a - (b+d)/2)} u3(c, b, d),
    controlled: the library's cu(theta, phi, lambda, gamma) with these values."""
    a, b, c, d = params
    return (c, b, d, a - (b + d) / 2)


@dataclass
class _Block:
    """An open DAGGER, CONTROL, QIF or QGATE, for nesting checks and messages."""

    kind: str  # DAGGER | CONTROL | QIF | QGATE
    where: object
    controls: tuple[int, ...] = ()
    constraint: dict = field(default_factory=dict)  # QIF: the current branch's test
    has_else: bool = False  # QIF: ELSE was read
    negated: dict = field(default_factory=dict)  # QIF: earlier branches, negated
    recorder: object = None  # DAGGER: where its operations are collected


class _Recorder:
    """Collects a DAGGER block's operations (the ProgramBuilder appends to it)."""

    def __init__(self):
        self.ops: list[tuple] = []
        self.global_phase = 0.0
        self.where = None  # the statement being read, kept with each operation

    def append(self, code, qubits, params=(), clbits=(), condition=None):
        self.ops.append((code, tuple(qubits), tuple(params), tuple(clbits), condition,
                         self.where))


class _Statements(ex.AngleRules, Transformer):
    """Callbacks lark runs as it reduces each rule; ``program`` is the program being built."""

    def __init__(self):
        super().__init__()
        self.begin(None)

    def begin(self, program):
        self.program: ProgramBuilder | None = program
        self.derived = DerivedGates(program) if program is not None else None
        self.blocks: list[_Block] = []
        self.controls: tuple[int, ...] = ()  # every open CONTROL's qubits, outer first
        self.condition = None  # from the open QIF blocks
        self.condition_error = None  # (message, where) if they make no single condition
        self.daggers = 0
        self.statements = 0  # statements after QINIT (CREG must come first)
        self.has_creg = False

    # -- declarations --------------------------------------------------------------------
    def start(self, children):
        return None

    def qinit(self, children):
        keyword, number = children
        self.program.add_qreg("q", self._whole(number, "the number of qubits"), keyword)

    def creg(self, children):
        keyword, number = children
        if self.has_creg or self.statements:
            raise self.program.error("CREG must come right after QINIT, once", keyword,
                                     "declare the classical bits on the line after QINIT")
        self.program.add_creg("c", self._whole(number, "the number of classical bits"),
                              keyword)
        self.has_creg = True
        self.statements -= 1  # CREG itself does not count

    def _statement(self, where) -> None:
        self.statements += 1
        if self.daggers:
            self.program.target.where = where

    # -- gates --------------------------------------------------------------------------
    def call(self, children):
        name, operands = children
        self._call(name, (), operands, explicit=False)

    def call_params(self, children):
        name, operands, params = children
        self._call(name, params, operands, explicit=True)

    def actuals(self, params):
        return params

    def _call(self, name: Token, params, operands, explicit: bool):
        self._statement(name)
        self._check_condition(name)
        program = self.program
        text = name.value
        for p in params:
            if not isinstance(p, ex.Expr) and not math.isfinite(p):
                raise program.error(f"a parameter of '{text}' is {p}, not a finite number",
                                    name, "check the angle's arithmetic")
        if text == "ECHO" and not explicit:
            params = (0.0,)  # pyqpanda3 writes ECHO with its parameter, QPanda 2 without
        if text not in program.gates and text.upper() in program.gates:
            raise program.error(f"unknown gate '{text}'", name,
                                f"OriginIR names are case-sensitive: write '{text.upper()}'")
        opcode, nq, npar = program.resolve(text, name)
        if len(params) != npar or len(operands) != nq:
            raise self._signature_error(text, nq, npar, len(operands), len(params), name)
        if text == "CU":  # a fixed name: always QPanda's CU
            params = _cu_params(params)
        if not self.controls:
            program.apply(text, params, operands, name, self.condition)
            return
        gate = program.circuit.gate_table[opcode]
        m = len(self.controls)
        try:
            steps = self.derived.control_steps([(gate, tuple(range(nq)), tuple(params))], m)
        except DeriveError as exc:
            raise program.error(str(exc), name, exc.hint) from None
        for qubits in program.broadcast(text, operands, name):
            clash = set(qubits) & set(self.controls)
            if clash:
                q = min(clash)
                raise program.error(f"q[{q}] is both a control of the enclosing CONTROL "
                                    f"block and an operand of '{text}'", name,
                                    "a gate cannot be controlled by one of its own qubits")
            self._emit(steps, self.controls + qubits)

    def _emit(self, steps, qubits) -> None:
        program = self.program
        target = program.target
        for gate, positions, params in steps:
            if gate is GPHASE:
                target.global_phase = target.global_phase + params[0]
                continue
            code = program.register_derived(gate)
            target.append(code, tuple(qubits[p] for p in positions), params, (),
                          self.condition)

    def _signature_error(self, name, nq, npar, got_q, got_p, where):
        def count(n, word):
            return f"{n} {word}{'' if n == 1 else 's'}"

        example = f"{name} " + ",".join(f"q[{i}]" for i in range(nq))
        if npar:
            example += ",(" + ",".join(["a"] * npar) + ")"
        if got_p != npar:
            what = (f"gate '{name}' takes {count(npar, 'parameter')} but {got_p} "
                    f"{'was' if got_p == 1 else 'were'} given")
        else:
            what = (f"gate '{name}' acts on {count(nq, 'qubit')} but {got_q} "
                    f"{'was' if got_q == 1 else 'were'} given")
        return self.program.error(what, where, f"write it as {example}")

    def args(self, children):
        o = children[0]
        return [self._operand(o) if type(o) is Token else o]

    def args_more(self, children):
        operands, o = children
        operands.append(self._operand(o) if type(o) is Token else o)
        return operands

    def _operand(self, element: Token):
        name, _, rest = element.value.partition("[")
        return self._resolve(name.rstrip(), int(rest[:-1]), element)

    def register(self, children):
        return self._resolve(children[0].value, None, children[0])

    def element(self, children):
        name, index = children
        return self._resolve(name.value, self._whole(index, "an index"), name, index)

    def _resolve(self, name: str, index, where, index_where=None):
        program = self.program
        if program.defining is None and name not in ("q", "c"):
            raise program.error(f"unknown register '{name}'", where,
                                "OriginIR names qubits q[i] and classical bits c[i]")
        if name == "c" and not self.has_creg and program.defining is None:
            raise program.error("no classical bits are declared", where,
                                "declare them with  CREG n  on the line after QINIT")
        return program.operand(name, index, where, index_where)

    def measure(self, children):
        keyword, qubit, clbit = children
        self._statement(keyword)
        self._check_condition(keyword)
        self._refuse_in_blocks(keyword, "MEASURE")
        if type(qubit) is Token:
            qubit = self._operand(qubit)
        if type(clbit) is Token:
            clbit = self._operand(clbit)
        self.program.measure(qubit, clbit, keyword, self.condition)

    def reset(self, children):
        keyword, operands = children
        self._statement(keyword)
        self._check_condition(keyword)
        self._refuse_in_blocks(keyword, "RESET")
        for operand in operands:
            self.program.reset(operand, keyword, self.condition)

    def barrier(self, children):
        keyword, operands = children
        self._statement(keyword)
        self.program.barrier(operands, keyword)

    def _refuse_in_blocks(self, where, what: str) -> None:
        for block in reversed(self.blocks):
            if block.kind in ("DAGGER", "CONTROL", "QGATE"):
                why = {"DAGGER": "cannot be inverted", "CONTROL": "cannot be controlled",
                       "QGATE": "cannot be part of a gate"}[block.kind]
                raise self.program.error(f"{what} inside a {block.kind} block {why}", where,
                                         f"move it after END{block.kind}")

    # -- DAGGER and CONTROL ------------------------------------------------------------------
    def dagger(self, children):
        keyword = children[0]
        self._statement(keyword)
        recorder = _Recorder()
        self.blocks.append(_Block("DAGGER", keyword, recorder=recorder))
        self.program.push_target(recorder)
        self.daggers += 1

    def enddagger(self, children):
        keyword = children[0]
        block = self._close("DAGGER", keyword)
        program = self.program
        recorder = program.pop_target()
        self.daggers -= 1
        table = program.circuit.gate_table
        target = program.target
        for code, qubits, params, clbits, cond, where in reversed(recorder.ops):
            gate = table[code]
            try:
                inverse, inv_params = self.derived.inverse(gate, params)
            except DeriveError as exc:
                raise program.error(str(exc), where or block.where, exc.hint) from None
            if self.daggers:
                target.where = where
            target.append(program.register_derived(inverse), qubits, inv_params, clbits, cond)
        target.global_phase = target.global_phase - recorder.global_phase

    def control(self, children):
        keyword, operands = children
        self._statement(keyword)
        qubits = []
        for o in operands:
            if isinstance(o, (Clbit, Clbits)):
                raise self.program.error("CONTROL takes qubits, not classical bits", keyword,
                                         "write  CONTROL q[0],q[1]")
            qubits += [o] if type(o) is int else list(o)
        controls = self.controls + tuple(qubits)
        if len(set(controls)) != len(controls):
            raise self.program.error("a qubit is listed twice among the controls", keyword,
                                     "each control qubit once, counting enclosing CONTROL "
                                     "blocks")
        self.blocks.append(_Block("CONTROL", keyword, controls=tuple(qubits)))
        self.controls = controls

    def endcontrol(self, children):
        block = self._close("CONTROL", children[0])
        self.controls = self.controls[: len(self.controls) - len(block.controls)]

    def _close(self, kind: str, where) -> _Block:
        """The innermost open block, which must be a ``kind`` block."""
        self._statement(where)
        if not self.blocks:
            raise self.program.error(f"END{kind} without {kind}", where,
                                     f"remove it, or open the block with {kind} before")
        block = self.blocks[-1]
        if block.kind != kind:
            line = self.program.position(block.where)[0]
            raise self.program.error(f"END{kind} closes the {block.kind} block opened on "
                                     f"line {line}", where,
                                     f"close that block first with END{block.kind}"
                                     if block.kind != "QIF" else
                                     "close that block first with ENDQIF")
        return self.blocks.pop()

    # -- QGATE ---------------------------------------------------------------------------
    def qgate(self, children):
        keyword, name, qubits = children
        self._begin_gate(keyword, name, qubits, [])

    def qgate_params(self, children):
        keyword, name, qubits, params = children
        self._begin_gate(keyword, name, qubits, params)

    def _begin_gate(self, keyword, name, qubits, params):
        self._statement(keyword)
        if self.blocks:
            open_ = self.blocks[-1]
            raise self.program.error(f"a QGATE definition cannot be inside a {open_.kind} "
                                     f"block", keyword, "define gates at the top level")
        self.blocks.append(_Block("QGATE", keyword))
        self.program.begin_gate(name.value, params, qubits, name)

    def ids(self, children):
        return [(children[0].value, children[0])]

    def ids_more(self, children):
        names, token = children
        names.append((token.value, token))
        return names

    def endqgate(self, children):
        self._close("QGATE", children[0])
        self.program.end_gate()

    # -- classical control ------------------------------------------------------------------
    def qif(self, children):
        keyword, test = children
        self._statement(keyword)
        self._refuse_in_gate(keyword, "QIF")
        self.blocks.append(_Block("QIF", keyword, constraint=self._test(test, keyword)))
        self._update_condition(keyword)

    def qelseif(self, children):
        keyword, test = children
        block = self._current_qif(keyword, "QELSEIF")
        block.negated = self._negated(block, keyword)
        block.constraint = self._test(test, keyword)
        self._update_condition(keyword)

    def qelse(self, children):
        keyword = children[0]
        block = self._current_qif(keyword, keyword.value)
        block.negated = self._negated(block, keyword)
        block.constraint = {}
        self._update_condition(keyword)

    def endqif(self, children):
        self._close("QIF", children[0])
        self._update_condition(children[0])

    def _current_qif(self, where, what):
        self._statement(where)
        if not self.blocks or self.blocks[-1].kind != "QIF":
            raise self.program.error(f"{what} without QIF", where,
                                     "it belongs between QIF and ENDQIF")
        block = self.blocks[-1]
        if block.has_else:
            raise self.program.error(f"{what} after the ELSE branch", where,
                                     "the ELSE branch comes last, then ENDQIF")
        block.has_else = what in ("ELSE", "QELSE")
        return block

    def _negated(self, block: _Block, where) -> dict:
        try:
            return conditions.merge([block.negated, conditions.negate(block.constraint)])
        except ValueError as exc:
            raise self.program.error(f"this branch is {_STATIC}: {exc}", where,
                                     "test one measured bit per QIF to use ELSE") from None

    def _update_condition(self, where) -> None:
        """The condition of the operations that follow; one that cannot be expressed is
        an error only if an operation comes under it (nested QIFs may complete it)."""
        parts = []
        for b in self.blocks:
            if b.kind == "QIF":
                parts += [b.negated, b.constraint]
        self.condition, self.condition_error = None, None
        try:
            self.condition = conditions.to_condition(conditions.merge(parts))
        except ValueError as exc:
            self.condition_error = (f"this operation's condition is {_STATIC}: {exc}",
                                    where)

    def _check_condition(self, where) -> None:
        if self.condition_error is not None:
            message, opened = self.condition_error
            line = self.program.position(opened)[0]
            raise self.program.error(message, where,
                                     f"see the tests open at line {line}; conditions test "
                                     f"measured bits of one contiguous range")

    def _test(self, test, where) -> dict:
        """A QIF test as {bit: value}: c[i], !c[i], c[i]==0/1, or pyqpanda3's list of bits
        that must all be 1."""
        constraint: dict[int, int] = {}
        for item in test:
            bit, value = self._bit_test(item, where)
            if constraint.get(bit, value) != value:
                raise self.program.error(f"c[{bit}] is tested for both 0 and 1", where,
                                         "the branch could never run")
            constraint[bit] = value
        return constraint

    def _bit_test(self, item, where) -> tuple[int, int]:
        kind = item[0]
        if kind == "bit":
            return item[1], 1
        if kind == "not" and item[1][0] == "bit":
            return item[1][1], 0
        if kind == "cmp" and item[2] in ("==", "!=") and {item[1][0], item[3][0]} == {"bit", "num"}:
            bit = item[1] if item[1][0] == "bit" else item[3]
            num = item[3] if item[3][0] == "num" else item[1]
            if num[1] in (0, 1):
                value = int(num[1]) if item[2] == "==" else 1 - int(num[1])
                return bit[1], value
        raise self.program.error(f"this test is {_STATIC}", where,
                                 "jingu keeps QIF only on measured bits: c[i], !c[i], "
                                 "c[i]==1, or a list c[i],c[j] (all 1)")

    def c_bit(self, children):
        element = children[0]
        self._refuse_in_gate(element, "a classical test")
        clbit = self._operand(element)
        if type(clbit) is not Clbit:
            raise self.program.error("a test reads classical bits c[i], not qubits", element,
                                     "measure the qubit into c[i] first")
        return ("bit", int(clbit))

    def c_number(self, children):
        return ("num", float(children[0]))

    def c_name(self, children):
        return ("name", children[0].value)

    def c_not(self, children):
        return ("not", children[0])

    def c_cmp(self, children):
        a, op, b = children
        return ("cmp", a, op.value, b)

    def c_arith(self, children):
        return ("arith",)

    def c_and(self, children):
        return ("and",)

    def c_or(self, children):
        return ("or",)

    def test(self, items):
        return items

    def qwhile(self, children):
        keyword = children[0]
        raise self.program.error(f"QWHILE loops are {_STATIC}", keyword,
                                 "a loop on measured values repeats a number of times only "
                                 "known when the program runs; unroll it by hand")

    def endqwhile(self, children):
        raise self.program.error(f"{children[0].value} without QWHILE", children[0], None)

    def assign(self, children):
        element, equals, _ = children
        raise self.program.error(f"classical assignment is {_STATIC}", element,
                                 "jingu reads the quantum operations; classical bits are "
                                 "written only by MEASURE")

    def _refuse_in_gate(self, where, what: str) -> None:
        if any(b.kind == "QGATE" for b in self.blocks):
            raise self.program.error(f"{what} cannot be part of a QGATE definition", where,
                                     "a gate holds quantum operations only")

    # -- numbers and angles -------------------------------------------------------------------
    def symbol(self, children):
        name = children[0]
        if name.value == "pi":
            return math.pi
        return self.program.parameter(name.value, name)


_lock = threading.RLock()
_statements = _Statements()
_get_parser = cached_parser(_GRAMMAR, _statements)


def parse(text: str, *, file: str = "<string>", path=None, name: str | None = None) -> Circuit:
    """The circuit of the OriginIR program ``text`` (``file`` names it in messages).
    Raises ``SourceError``."""
    if name is None:
        name = Path(path).stem if path is not None else "circuit"
    program = ProgramBuilder(text, file, path=path, name=name, language="OriginIR")
    program.provide(NAMES, fixed=True, origin="OriginIR")
    with _lock:
        saved = dict(_statements.__dict__)
        _statements.begin(program)
        try:
            _parse_text(text)
            _check_closed(_statements)
        finally:
            _statements.__dict__.update(saved)
    return program.build()


def _check_closed(statements: _Statements) -> None:
    if statements.blocks:
        block = statements.blocks[-1]
        end = "ENDQIF" if block.kind == "QIF" else f"END{block.kind}"
        raise statements.program.error(f"this {block.kind} block is never closed",
                                       block.where, f"add {end} after its last statement")


def _parse_text(text: str) -> None:
    try:
        _get_parser().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, _statements.program) from None


# ----------------------------------------------------------------------------------------
# syntax errors

_FRIENDLY = {"ID": "a name", "NUMBER": "a number", "ELEMENT": "an operand such as q[0]",
             "_NL": "the end of the line", "$END": "the end of the file", "CMP": "a comparison"}
_DYNAMIC_INDEX = re.compile(r"\w+\s*\[\s*c\s*\[")


def _expected(names) -> str:
    return expected_text(_get_parser(), names, _FRIENDLY)


def _syntax_error(exc: UnexpectedInput, program: ProgramBuilder):
    text = program.source.text
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream
        return program.error(f"unexpected character {text[pos]!r}", Pos(exc.line, exc.column),
                             "OriginIR is written with names, numbers, q[i], c[i] and the "
                             "symbols ( ) [ ] , + - * /; remove or replace it")
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken)
                                          and exc.token.type == "$END"):
        if not program.circuit.qregs:
            return program.error("an OriginIR program starts with  QINIT n", None,
                                 "declare the number of qubits on the first line")
        offset = len(text.rstrip())
        where = Pos(*line_column(text, offset))
        expected = getattr(exc, "expected", ()) or ()
        return program.error("the program ends in the middle of a statement", where,
                             f"expected {_expected(expected)}" if expected else None)
    token = exc.token
    line_start = text.rfind("\n", 0, token.start_pos) + 1
    line_end = text.find("\n", token.start_pos)
    line = text[line_start: line_end if line_end >= 0 else len(text)]
    if not program.circuit.qregs and not line.lstrip().startswith("QINIT"):
        return program.error("an OriginIR program starts with  QINIT n", token,
                             "declare the number of qubits first, e.g. QINIT 4")
    if _DYNAMIC_INDEX.search(line):
        return program.error(f"indexing a qubit by a classical value is {_STATIC}", token,
                             "index qubits with numbers: q[0], q[1], ...")
    if token.type == "_NL":
        return program.error("this statement ends too early", token,
                             f"expected {_expected(exc.expected)}")
    if "_NL" in exc.expected and token.type != "_NL":
        return program.error(f"unexpected '{token}': one statement per line", token,
                             "put it on a line of its own, or separate operands with ','")
    return program.error(f"unexpected '{token}'", token, f"expected {_expected(exc.expected)}")
