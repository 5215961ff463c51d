"""The OpenQASM 2.0 front end.

lark's LALR parser runs the transformer below as it reduces each rule, so no parse tree is
built: a statement's tokens become one call into ``ProgramBuilder`` (which owns registers,
gates, broadcasting and errors) and are dropped.  Angles are folded to floats as they are
read, except inside gate definitions, where formal parameters make them ``Expr``s.

Gate names: ``U`` and ``CX`` always exist; ``include "qelib1.inc"`` maps the paper's
gates (fixed) and Qiskit's further gates (which a program may still define itself) onto
the library, without reading the file (see qelib1.inc and ``jingu.grammar.qelib1``).
Syntax errors from lark are translated into ``SourceError``s; none escapes.
"""

from __future__ import annotations

import math
import re
import threading
from pathlib import Path

from lark import Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from jingu.circuit import Circuit

from . import expressions as ex
from .fast_lalr import cached_parser
from .program import Pos, ProgramBuilder
from .qelib1 import BUILTINS, EXTENDED_GATES, PAPER_GATES

_GRAMMAR = Path(__file__).with_name("qasm2.lark")


class _Statements(ex.AngleRules, Transformer):
    """Callbacks lark runs as it reduces each rule (``children`` are the rule's kept
    tokens and the results of its sub-rules); ``program`` is the program being built."""

    def __init__(self):
        super().__init__()
        self.program: ProgramBuilder | None = None
        self.condition = None  # set by an `if` head, used by the guarded operation
        self.elements: dict[str, object] = {}  # q[3] -> its operand (see _operand)

    # -- declarations ----------------------------------------------------------------------
    def start(self, children):
        return None

    def version(self, children):
        number = children[0]
        if number in ("2.0", "2"):
            return
        if number.startswith("3"):
            raise self.program.error(f"this is an OpenQASM {number} program", number,
                                     "read it with --lang qasm3")
        raise self.program.error(f"unsupported OpenQASM version {number}", number,
                                 "this front end reads OpenQASM 2.0")

    def include(self, children):
        string = children[0]
        name = string[1:-1]
        program = self.program
        if name == "qelib1.inc":
            program.provide(PAPER_GATES, fixed=True, origin="qelib1.inc", where=string)
            program.provide(EXTENDED_GATES, fixed=False)
            program.library_hint = None
            return
        if name == "stdgates.inc":
            raise program.error("'stdgates.inc' is the library of OpenQASM 3", string,
                                "this file is read as OpenQASM 2, whose library is qelib1.inc; "
                                "use --lang qasm3 for OpenQASM 3")
        program.include(name, string, _parse_text)

    def qreg(self, children):
        name, size = _split_element(children[0])
        self.program.add_qreg(name, size, children[0])

    def creg(self, children):
        name, size = _split_element(children[0])
        self.program.add_creg(name, size, children[0])

    def qreg_spaced(self, children):
        name, size = children
        self.program.add_qreg(str(name), self._whole(size, "a register size"), name)

    def creg_spaced(self, children):
        name, size = children
        self.program.add_creg(str(name), self._whole(size, "a register size"), name)

    def gate_head(self, children):
        name, formals, qubits = children
        self.elements = {}  # inside a body, q[3] is an error, never a remembered operand
        self.program.begin_gate(str(name), formals, qubits, name)

    def gate_head_plain(self, children):
        self.gate_head([children[0], [], children[1]])

    def gate_def(self, children):
        self.program.end_gate()

    def opaque(self, children):
        name, formals, qubits = children
        self.program.declare_opaque(str(name), formals, qubits, name)

    def opaque_plain(self, children):
        name, qubits = children
        self.program.declare_opaque(str(name), [], qubits, name)

    def formals(self, children):
        return children[0] if children else []

    def ids(self, tokens):
        return [(str(t), t) for t in tokens]

    # -- operations --------------------------------------------------------------------------
    def call(self, children):
        name, params, operands = children
        for p in params:
            if type(p) is float and not math.isfinite(p):
                raise self.program.error(f"a parameter of '{name}' is {p}, not a finite number",
                                         name, "check the angle's arithmetic")
        self.program.apply(name.value, params, operands, name, self.condition)

    def call_plain(self, children):
        name, operands = children
        self.program.apply(name.value, (), operands, name, self.condition)

    def actuals(self, params):
        return params

    def args(self, operands):
        return [self._operand(o) if type(o) is Token else o for o in operands]

    def _operand(self, element):
        """The operand an ELEMENT token (``q[3]``) stands for.  Outside gate bodies the
        answer depends only on the text (registers never change once declared), so it is
        remembered: a program names the same few hundred qubits again and again."""
        text = element.value
        operand = self.elements.get(text)
        if operand is None:
            name, index = _split_element(text)
            operand = self.program.operand(name, index, element)
            if not self.program.defining:
                self.elements[text] = operand
        return operand

    def register(self, children):
        name = children[0]
        return self.program.operand(str(name), None, name)

    def element(self, children):
        name, index = children
        return self.program.operand(str(name), self._whole(index, "an index"), name, index)

    def measure(self, children):
        keyword, qubit, clbit = children
        if type(qubit) is Token:
            qubit = self._operand(qubit)
        if type(clbit) is Token:
            clbit = self._operand(clbit)
        self.program.measure(qubit, clbit, keyword, self.condition)

    def reset(self, children):
        keyword, qubit = children
        if type(qubit) is Token:
            qubit = self._operand(qubit)
        self.program.reset(qubit, keyword, self.condition)

    def barrier(self, children):
        keyword, operands = children
        self.program.barrier(operands, keyword)

    def if_head(self, children):
        name, value = children
        self.condition = self.program.condition(str(name), self._whole(value, "a condition value"),
                                                name, value)

    def if_stmt(self, children):
        self.condition = None

    # -- angles ------------------------------------------------------------------------------
    def symbol(self, children):
        name = children[0]
        return self.program.parameter(str(name), name)


def _split_element(element) -> tuple[str, int]:
    """``q[3]`` (one ELEMENT token, spaces allowed) as ('q', 3)."""
    name, _, rest = element.partition("[")
    return name.rstrip(), int(rest[:-1])


_lock = threading.RLock()
_statements = _Statements()
_get_parser = cached_parser(_GRAMMAR, _statements)


def parse(text: str, *, file: str = "<string>", path=None, name: str | None = None) -> Circuit:
    """The circuit of the OpenQASM 2 program ``text``.

    ``file`` names the program in messages; ``path`` (if it is a file) is where relative
    includes are looked up (else the working directory).  Raises ``SourceError``.
    """
    if name is None:
        name = Path(path).stem if path is not None else "circuit"
    program = ProgramBuilder(text, file, path=path, name=name)
    program.provide(BUILTINS, fixed=True, origin="OpenQASM 2 (a built-in gate)")
    program.library_hint = ('add  include "qelib1.inc";  after the OPENQASM line to use the '
                            'standard gates')
    with _lock:
        saved = _statements.program, _statements.condition, _statements.elements
        _statements.program, _statements.condition, _statements.elements = program, None, {}
        try:
            _parse_text(text)
        finally:
            _statements.program, _statements.condition, _statements.elements = saved
    return program.build()


def _parse_text(text: str) -> None:
    """Parse ``text`` into the current program; lark's errors become SourceErrors."""
    try:
        _get_parser().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, _statements.program) from None


# ----------------------------------------------------------------------------------------
# syntax errors


_FRIENDLY = {"ID": "a name", "NUMBER": "a number", "STRING": 'a quoted file name',
             "$END": "the end of the file"}


def _describe(terminal: str) -> str:
    if terminal in _FRIENDLY:
        return _FRIENDLY[terminal]
    try:
        pattern = _get_parser().get_terminal(terminal).pattern
    except KeyError:
        return terminal.lower()
    return f"'{pattern.value}'" if pattern.type == "str" else terminal.lower()


def _expected(names) -> str:
    items = sorted({_describe(n) for n in names})
    if len(items) == 1:
        return items[0]
    return "one of " + ", ".join(items)


def _end_of_previous(text: str, offset: int) -> Pos:
    """The position just after the last token before ``offset`` (comments skipped): where
    a missing ';' belongs."""
    head = re.sub(r"//[^\n]*|/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group()),
                  text[:offset], flags=re.DOTALL).rstrip()
    line = head.count("\n") + 1
    column = len(head) - (head.rfind("\n") + 1) + 1
    return Pos(line, column)


def _syntax_error(exc: UnexpectedInput, program: ProgramBuilder):
    text = program.source.text
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream
        where = Pos(exc.line, exc.column)
        if text.startswith("/*", pos):
            return program.error("this comment is never closed", where,
                                 "end a /* comment with */")
        if text[pos] == '"':
            return program.error("this string is never closed", where,
                                 "a file name is written in double quotes on one line")
        return program.error(f"unexpected character {text[pos]!r}", where,
                             "OpenQASM 2 is written with names, numbers and the symbols "
                             "( ) [ ] { } , ; -> == + - * / ^; remove or replace it")
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken)
                                          and exc.token.type == "$END"):
        expected = getattr(exc, "expected", ()) or ()
        where = _end_of_previous(text, len(text))
        if program.defining:
            return program.error(f"the file ends inside the definition of gate "
                                 f"'{program.defining}'", where,
                                 "close the gate's body with '}'")
        if "SEMICOLON" in expected:
            return program.error("missing ';' at the end of the last statement", where,
                                 "every statement ends with ';'")
        return program.error("the program ends in the middle of a statement", where,
                             f"expected {_expected(expected)}" if expected else None)
    assert isinstance(exc, UnexpectedToken)
    token = exc.token
    expected = exc.expected
    if text.startswith("/*", token.start_pos):  # the comment pattern never matched
        return program.error("this comment is never closed", token, "end a /* comment with */")
    if "SEMICOLON" in expected:
        prev = _end_of_previous(text, token.start_pos)
        if (prev.line < program.position(token)[0] or expected == {"SEMICOLON"}
                or token.type == "RBRACE"):
            return program.error(f"missing ';' before '{token}'", prev,
                                 "every statement ends with ';'")
    return program.error(f"unexpected '{token}'", token, f"expected {_expected(expected)}")
