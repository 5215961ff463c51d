"""Giving a program's statements meaning: the part of a front end every language shares.

A grammar recognises statements; ``ProgramBuilder`` turns them into a ``Circuit``.  It owns
the registers, the gates a program can call (library gates under the language's names,
and the program's own ``gate`` definitions), register broadcasting, and the errors, which
it reports at the right place of the right file (includes push a source).  The OpenQASM 2
front end uses it and so can OpenQASM 3 and OriginIR: what differs between languages is
only which names they give to library gates (``provide``) and their syntax.

Operands handed to the builder are already resolved by ``operand``: an ``int`` is one
qubit, a ``range`` a whole quantum register, ``Clbit``/``Clbits`` classical bits.

A program gate whose body equals a library gate (up to a global phase, the most OpenQASM 2
can express) becomes that library gate, so exporters' definitions of ``rzz`` or ``sx``
read back as the library's gates.  A program gate that reuses a library name for
something else keeps its meaning under the name ``NAME_`` in the circuit, because a gate
name means one thing throughout jingu.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from jingu.circuit import Circuit, CircuitBuilder, Condition, Register
from jingu.errors import SourceError, locate, suggest
from jingu.gates import GATES, Gate, embed
from jingu.params import Expr, Symbol

#: the largest number of qubits (or classical bits) a program may declare
MAX_BITS = 1 << 24

#: parameter values at which a definition is compared with the library gate of its name
_PROBE_VALUES = ((0.8171, -1.2393, 2.0447, 0.3301), (-2.5179, 0.6421, -0.2936, 1.7707))


class Pos(NamedTuple):
    """A 1-based line and column (lark tokens have the same two attributes)."""

    line: int
    column: int


def line_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of character ``offset`` of ``text``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


class Clbit(int):
    """One classical bit as an operand (its index in the circuit)."""

    __slots__ = ()


class Clbits:
    """A whole classical register as an operand."""

    __slots__ = ("name", "size", "start")

    def __init__(self, start: int, size: int, name: str):
        self.start, self.size, self.name = start, size, name

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, i: int) -> Clbit:
        return Clbit(self.start + i)


@dataclass
class _Source:
    text: str
    file: str
    path: Path | None


@dataclass
class _Definition:
    """A gate definition being read: its formal qubits and parameters, and its body."""

    name: str
    where: object
    param_names: tuple[str, ...]
    qubits: dict[str, int]
    symbols: dict[str, Expr]
    body: CircuitBuilder


@dataclass
class _Register:
    quantum: bool
    start: int
    size: int
    where: tuple[str, int] = field(default=("", 0))


class ProgramBuilder:
    """Registers, gates, broadcasting and errors for one program being parsed."""

    def __init__(self, text: str, file: str = "<string>", *, path: str | os.PathLike | None = None,
                 name: str = "circuit", language: str = "OpenQASM 2"):
        self.circuit = CircuitBuilder(name=name)
        self.language = language
        #: visible gate name -> (opcode, number of qubits, number of parameters)
        self.gates: dict[str, tuple[int, int, int]] = {}
        #: program-level symbolic inputs usable in angles (OpenQASM 3 ``input float``)
        self.inputs: dict[str, Expr] = {}
        #: what to tell a user who calls a library gate the program has not made visible
        #: (e.g. the include that provides the standard gates); None once provided
        self.library_hint: str | None = None
        #: how the language declares a register, for "undeclared register" hints
        self.declare_hint = "declare it first, e.g. qreg q[2];"
        self._target = self.circuit
        self._sources = [_Source(text, file, Path(path) if path is not None else None)]
        self._regs: dict[str, _Register] = {}
        self._fixed: dict[str, str] = {}  # name -> who provides it (cannot be redefined)
        self._optional: dict[str, str] = {}  # name -> library gate, visible on first use
        self._optional_used: set[str] = set()
        self._defined_at: dict[str, tuple[str, int]] = {}
        self._defining: _Definition | None = None
        self._pushed: list = []  # targets saved by push_target

    # -- sources and errors --------------------------------------------------------------
    @property
    def source(self) -> _Source:
        return self._sources[-1]

    def error(self, message: str, where=None, hint: str | None = None) -> SourceError:
        """A SourceError at ``where`` of the current source; the caller raises it.

        ``where`` has ``line`` and ``column``, or (a token of the fast lexer) a
        ``start_pos`` from which they are computed."""
        src = self._sources[-1]
        if where is None:
            return SourceError(message, None, hint)
        line, column = self.position(where)
        return SourceError(message, locate(src.text, src.file, line, column), hint)

    def position(self, where) -> tuple[int, int]:
        """The line and column of ``where`` in the current source."""
        line = getattr(where, "line", None)
        if line is None:
            return line_column(self._sources[-1].text, where.start_pos)
        return line, where.column

    @contextmanager
    def nested_source(self, text: str, file: str, path: Path | None):
        """Statements parsed inside this block come from another file (an include)."""
        self._sources.append(_Source(text, file, path))
        try:
            yield
        finally:
            self._sources.pop()

    def include(self, name: str, where, parse: Callable[[str], None]) -> None:
        """Read the file ``name`` (relative to the including file) and ``parse`` its text
        into this program, reporting unknown files and include cycles."""
        base = self.source.path.parent if self.source.path is not None else Path.cwd()
        path = (base / name).resolve()
        if not path.is_file():
            raise self.error(f"cannot find the include file '{name}'", where,
                             f"looked for {path}; include paths are relative to the "
                             f"including file")
        chain = [s.path for s in self._sources if s.path is not None]
        if path in chain:
            names = " -> ".join(p.name for p in chain[chain.index(path):] + [path])
            raise self.error(f"include cycle: {names}", where,
                             "remove one of these includes; a file cannot include itself")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise self.error(f"cannot read the include file '{name}': {exc}", where,
                             "include files must be readable UTF-8 text") from None
        display = os.path.relpath(path) if not os.path.isabs(name) else str(path)
        with self.nested_source(text, display, path):
            parse(text)

    # -- gates the language provides --------------------------------------------------------
    def provide(self, names: Mapping[str, str] | Iterable[str], *, fixed: bool = True,
                origin: str = "the language", where=None) -> None:
        """Make library gates callable under the language's names (``name -> library
        name``).  ``fixed`` names cannot be redefined; the others are visible on first use
        and a program may define them itself before that."""
        pairs = names.items() if isinstance(names, Mapping) else ((n, n) for n in names)
        for name, lib in pairs:
            if name in self.gates:
                if name in self._fixed:
                    continue  # provided twice (e.g. included twice): nothing new
                if fixed:
                    raise self.error(f"{origin} defines gate '{name}', which this program "
                                     f"already defined", where,
                                     "include the library before your own definitions and "
                                     "give your gate another name")
                continue
            if fixed:
                gate = GATES[lib]
                self.gates[name] = (self.circuit.opcode(lib), gate.num_qubits, gate.num_params)
                self._fixed[name] = origin
            else:
                self._optional[name] = lib

    def resolve(self, name: str, where) -> tuple[int, int, int]:
        """The (opcode, number of qubits, number of parameters) of the visible gate
        ``name``; an unknown name is a SourceError at ``where``."""
        slot = self.gates.get(name)
        return slot if slot is not None else self._lookup(name, where)

    def _lookup(self, name: str, where) -> tuple[int, int, int]:
        """The slow path of a gate lookup: optional library names, or an unknown gate."""
        lib = self._optional.get(name)
        if lib is not None:
            gate = GATES[lib]
            slot = (self.circuit.opcode(lib), gate.num_qubits, gate.num_params)
            self.gates[name] = slot
            self._optional_used.add(name)
            return slot
        raise self._unknown_gate(name, where)

    def _unknown_gate(self, name: str, where) -> SourceError:
        if name in self._regs:
            return self.error(f"'{name}' is a register, not a gate", where,
                              "a statement starts with a gate name, e.g. h q[0];")
        hint = suggest(name, list(self.gates) + list(self._optional))
        if hint is None and name in GATES:
            hint = self.library_hint or (f"'{name}' is not a {self.language} gate; define it "
                                         f"with a gate definition before use")
        elif hint is None:
            hint = "define it with a gate definition before using it"
        return self.error(f"unknown gate '{name}'", where, hint)

    # -- registers ---------------------------------------------------------------------------
    def _declare_name(self, name: str, where) -> None:
        prior = self._regs.get(name)
        if prior is not None:
            raise self.error(f"register '{name}' is already declared "
                             f"(at {prior.where[0]}:{prior.where[1]})", where,
                             "give each register its own name")
        if name in self.gates:
            raise self.error(f"'{name}' is already the name of a gate", where,
                             "give the register another name")

    def add_qreg(self, name: str, size: int, where) -> Register:
        return self._add_register(name, size, where, quantum=True)

    def add_creg(self, name: str, size: int, where) -> Register:
        return self._add_register(name, size, where, quantum=False)

    def _add_register(self, name: str, size: int, where, *, quantum: bool) -> Register:
        self._declare_name(name, where)
        total = (self.circuit.num_qubits if quantum else self.circuit.num_clbits) + size
        if total > MAX_BITS:
            kind = "qubits" if quantum else "classical bits"
            raise self.error(f"register '{name}' makes {total} {kind}; jingu handles at most "
                             f"{MAX_BITS}", where, "declare smaller registers")
        reg = self.circuit.add_qreg(name, size) if quantum else self.circuit.add_creg(name, size)
        self._regs[name] = _Register(quantum, reg.start, size,
                                     (self.source.file, self.position(where)[0]))
        return reg

    def operand(self, name: str, index: int | None, where, index_where=None):
        """Resolve ``name`` or ``name[index]``: an int (qubit), a range (quantum register),
        Clbit or Clbits.  Inside a gate definition, names are the gate's formal qubits."""
        d = self._defining
        if d is not None:
            if index is not None:
                raise self.error(f"'{name}[{index}]': inside a gate definition the operands "
                                 f"are the gate's own qubit names, without indices", where,
                                 f"use one of: {', '.join(d.qubits)}")
            q = d.qubits.get(name)
            if q is None:
                raise self.error(f"'{name}' is not a qubit of gate '{d.name}'", where,
                                 suggest(name, d.qubits) or
                                 f"the gate's qubits are: {', '.join(d.qubits)}")
            return q
        reg = self._regs.get(name)
        if reg is None:
            hint = suggest(name, self._regs) or self.declare_hint
            raise self.error(f"undeclared register '{name}'", where, hint)
        if index is None:
            if reg.quantum:
                return range(reg.start, reg.start + reg.size)
            return Clbits(reg.start, reg.size, name)
        if index >= reg.size:
            raise self.error(f"index {index} is out of range for register '{name}' of size "
                             f"{reg.size}", index_where or where,
                             f"valid indices are 0 to {reg.size - 1}" if reg.size
                             else f"'{name}' has no elements")
        return reg.start + index if reg.quantum else Clbit(reg.start + index)

    def parameter(self, name: str, where) -> Expr:
        """The symbol for ``name`` in an angle: a formal parameter of the gate being
        defined, or a declared program input."""
        d = self._defining
        if d is not None:
            s = d.symbols.get(name)
            if s is not None:
                return s
            raise self.error(f"unknown parameter '{name}' in gate '{d.name}'", where,
                             suggest(name, d.symbols) or
                             (f"the gate's parameters are: {', '.join(d.symbols)}"
                              if d.symbols else "this gate has no parameters"))
        s = self.inputs.get(name)
        if s is not None:
            return s
        raise self.error(f"'{name}' has no value here", where,
                         "outside a gate definition an angle may use only numbers, pi and "
                         "functions such as sin")

    # -- operations --------------------------------------------------------------------------
    def apply(self, name: str, params: Sequence, operands: Sequence, where,
              condition: Condition | None = None) -> None:
        """Call gate ``name``; registers among the operands broadcast (``h q;``,
        ``cx a, b;``)."""
        slot = self.gates.get(name)
        if slot is None:
            slot = self._lookup(name, where)
        opcode, nq, npar = slot
        if len(params) != npar or len(operands) != nq:
            raise self._signature_error(name, nq, npar, len(operands), len(params), where)
        if nq == 1:
            if type(operands[0]) is int:
                self._target.append(opcode, operands, params, (), condition)
                return
        elif nq == 2:
            a, b = operands
            if type(a) is int and type(b) is int and a != b:
                self._target.append(opcode, operands, params, (), condition)
                return
        for qubits in self._broadcast(name, operands, where):
            self._target.append(opcode, qubits, params, (), condition)

    def _signature_error(self, name, nq, npar, got_q, got_p, where) -> SourceError:
        def count(n, word):
            return f"{n} {word}{'' if n == 1 else 's'}"

        example = name + (f"({', '.join(['a'] * npar)})" if npar else "")
        example += " " + ", ".join(f"q[{i}]" for i in range(nq)) + ";"
        if got_p != npar:
            return self.error(f"gate '{name}' takes {count(npar, 'parameter')} but "
                              f"{got_p} {'was' if got_p == 1 else 'were'} given", where,
                              f"write it as {example}")
        return self.error(f"gate '{name}' acts on {count(nq, 'qubit')} but {got_q} "
                          f"{'was' if got_q == 1 else 'were'} given", where,
                          f"write it as {example}")

    def broadcast(self, name: str, operands: Sequence, where) -> list[tuple[int, ...]]:
        """The qubit tuples a call of ``name`` with these operands stands for (registers
        expand index by index; sizes and repeated qubits are checked)."""
        return self._broadcast(name, operands, where)

    def _broadcast(self, name: str, operands: Sequence, where) -> list[tuple[int, ...]]:
        """The gate applications a call with register operands stands for."""
        size = None
        for o in operands:
            if isinstance(o, (Clbit, Clbits)):
                raise self.error(f"gate '{name}' is applied to classical bits", where,
                                 "gates act on qubits (qreg); classical bits (creg) are "
                                 "written by measure")
            if type(o) is range:
                if size is not None and len(o) != size:
                    sizes = ", ".join(str(len(x)) for x in operands if type(x) is range)
                    raise self.error(f"registers of different sizes ({sizes}) in one call of "
                                     f"'{name}'", where,
                                     "registers used together must have the same size; "
                                     "index single qubits instead")
                size = len(o)
        if size is None:
            calls = [tuple(operands)]
        else:
            calls = [tuple(o if type(o) is int else o[i] for o in operands)
                     for i in range(size)]
        for qubits in calls:
            if len(set(qubits)) != len(qubits):
                raise self.error(f"gate '{name}' uses the same qubit twice", where,
                                 f"each operand of '{name}' must be a different qubit")
        return calls

    def measure(self, qubit, clbit, where, condition: Condition | None = None) -> None:
        """``measure q -> c`` for one bit or whole registers of one size."""
        measure = self.circuit.opcode("measure")
        if type(qubit) is int and type(clbit) is Clbit:
            self._target.append(measure, (qubit,), (), (clbit,), condition)
            return
        if type(qubit) not in (int, range) or type(clbit) not in (Clbit, Clbits):
            raise self.error("measure reads a qubit into a classical bit", where,
                             "write it as  measure q[0] -> c[0];  (qreg first, then creg)")
        if type(qubit) is range and type(clbit) is Clbits:
            if len(qubit) != len(clbit):
                raise self.error(f"measure from {len(qubit)} qubits into {len(clbit)} "
                                 f"classical bits", where,
                                 "the quantum and the classical register must have the same "
                                 "size; measure single bits instead")
            for q, c in zip(qubit, range(clbit.start, clbit.start + clbit.size)):
                self._target.append(measure, (q,), (), (c,), condition)
            return
        raise self.error("measure needs either two single bits or two whole registers", where,
                         "write  measure q[0] -> c[0];  or  measure q -> c;")

    def reset(self, qubit, where, condition: Condition | None = None) -> None:
        self.apply_instruction("reset", [qubit], where, condition)

    def apply_instruction(self, name: str, operands: Sequence, where,
                          condition: Condition | None = None) -> None:
        """A one-qubit instruction (reset) applied to each qubit of its operand."""
        opcode = self.circuit.opcode(name)
        for (q,) in self._broadcast(name, operands, where):
            self._target.append(opcode, (q,), (), (), condition)

    def barrier(self, operands: Sequence, where) -> None:
        """One barrier over every qubit named (registers expand; repeats are dropped)."""
        qubits: dict[int, None] = {}
        for o in operands:
            if isinstance(o, (Clbit, Clbits)):
                raise self.error("barrier is applied to classical bits", where,
                                 "barrier takes qubits or quantum registers")
            if type(o) is int:
                qubits[o] = None
            else:
                qubits.update(dict.fromkeys(o))
        self._target.append(self.circuit.opcode("barrier"), tuple(qubits), (), (), None)

    def condition(self, name: str, value: int, where, value_where=None) -> Condition:
        """``if (name == value)``: the classical register ``name`` compared with ``value``."""
        reg = self._regs.get(name)
        if reg is None:
            raise self.error(f"condition on undeclared register '{name}'", where,
                             suggest(name, [n for n, r in self._regs.items() if not r.quantum])
                             or "declare it first, e.g. creg c[2];")
        if reg.quantum:
            raise self.error(f"'{name}' is a quantum register; a condition tests a classical "
                             f"register", where, "measure into a creg and test that, e.g. "
                             "if (c == 1)")
        if value >= 1 << reg.size:
            raise self.error(f"{value} does not fit in the {reg.size}-bit register '{name}', "
                             f"so the condition can never hold", value_where or where,
                             f"compare with a number below {1 << reg.size}")
        if value >= 1 << 63:
            raise self.error(f"{value} is too large a condition value", value_where or where,
                             "jingu compares registers with numbers below 2^63")
        return Condition(reg.start, reg.size, value)

    # -- where operations go -------------------------------------------------------------------
    @property
    def target(self):
        """What operations are appended to: the circuit, the body of the gate being
        defined, or a block a front end collects (``push_target``)."""
        return self._target

    def push_target(self, target) -> None:
        """Send the following operations to ``target`` (anything with ``append`` like a
        CircuitBuilder's and a ``global_phase``) until ``pop_target``; front ends use it
        for blocks they transform as a whole (OriginIR's DAGGER)."""
        self._pushed.append(self._target)
        self._target = target

    def pop_target(self):
        """Stop collecting into the innermost pushed target; returns it."""
        target = self._target
        self._target = self._pushed.pop()
        return target

    def register_derived(self, gate: Gate) -> int:
        """Add a gate a front end made (an inverse, a controlled version) to the circuit,
        and to the body being defined so that opcodes agree in both; returns its opcode."""
        if GATES.get(gate.name) is gate:
            return self.circuit.opcode(gate.name)
        code = self.circuit.register_gate(gate)
        if self._defining is not None:
            body_code = self._defining.body.register_gate(gate)
            assert body_code == code, "a definition's gate table fell out of step"
        return code

    # -- program-defined gates -----------------------------------------------------------------
    def begin_gate(self, name: str, params: Sequence[tuple[str, object]],
                   qubits: Sequence[tuple[str, object]], where) -> None:
        """Start the body of ``gate name(params) qubits { ... }``; statements go into the
        body until ``end_gate``.  ``params``/``qubits`` are (name, where) pairs."""
        self._check_definable(name, where)
        self._check_formals(name, params, qubits, where)
        body = CircuitBuilder(len(qubits), 0, name=name, gate_table=self.circuit.gate_table,
                              qregs=[Register(q, i, 1) for i, (q, _) in enumerate(qubits)])
        param_names = tuple(p for p, _ in params)
        self._defining = _Definition(name, where, param_names,
                                     {q: i for i, (q, _) in enumerate(qubits)},
                                     {p: Symbol(p) for p in param_names}, body)
        self._target = body

    def end_gate(self) -> None:
        d = self._defining
        self._defining = None
        self._target = self.circuit
        self._define(d.name, len(d.qubits), d.param_names, d.body.build(), d.where)

    def declare_opaque(self, name: str, params: Sequence[tuple[str, object]],
                       qubits: Sequence[tuple[str, object]], where) -> None:
        """``opaque name(params) qubits;``: a gate known only by name.  A library gate of
        that name and signature is used as is; otherwise the circuit carries the gate and
        the compiler reports it if it has to look inside."""
        self._check_definable(name, where)
        self._check_formals(name, params, qubits, where)
        self._define(name, len(qubits), tuple(p for p, _ in params), None, where)

    def _check_definable(self, name: str, where) -> None:
        if name in self._fixed:
            raise self.error(f"gate '{name}' is already defined by {self._fixed[name]}", where,
                             "choose another name for your gate")
        if name in self._optional_used:
            raise self.error(f"gate '{name}' is defined after the program already used it "
                             f"(as the standard '{self._optional[name]}')", where,
                             "move the definition before the first use, or rename it")
        if name in self.gates:
            file, line = self._defined_at.get(name, ("", 0))
            raise self.error(f"gate '{name}' is already defined (at {file}:{line})", where,
                             "give each gate its own name")
        if name in self._regs:
            raise self.error(f"'{name}' is already the name of a register", where,
                             "give the gate another name")

    def _check_formals(self, name, params, qubits, where) -> None:
        if not qubits:
            raise self.error(f"gate '{name}' has no qubits", where,
                             "a gate acts on at least one qubit")
        seen: dict[str, str] = {}
        for kind, items in (("parameter", params), ("qubit", qubits)):
            for formal, at in items:
                if formal in seen:
                    raise self.error(f"'{formal}' is used twice in the definition of gate "
                                     f"'{name}' (as a {seen[formal]} and a {kind})", at,
                                     "give every parameter and qubit its own name")
                seen[formal] = kind

    def _define(self, name: str, num_qubits: int, param_names: tuple[str, ...],
                body: Circuit | None, where) -> None:
        lib = GATES.get(name)
        matches = (lib is not None and not lib.variadic and lib.num_qubits == num_qubits
                   and lib.num_params == len(param_names)
                   and (body is None or _same_up_to_phase(body, param_names, lib)))
        if matches:
            opcode = self.circuit.opcode(name)
        else:
            ir_name = name
            while ir_name in GATES or self.circuit.has_gate(ir_name):
                ir_name += "_"
            gate = Gate(ir_name, num_qubits, len(param_names), param_names=param_names,
                        body=body, doc=f"defined at {self.source.file}:{self.position(where)[0]}")
            opcode = self.circuit.register_gate(gate)
        self.gates[name] = (opcode, num_qubits, len(param_names))
        self._defined_at[name] = (self.source.file, self.position(where)[0])

    @property
    def defining(self) -> str | None:
        """The name of the gate whose body is being read, if any."""
        return self._defining.name if self._defining is not None else None

    def build(self) -> Circuit:
        return self.circuit.build()


# ----------------------------------------------------------------------------------------
# comparing a definition with the library gate of the same name


def _same_up_to_phase(body: Circuit, param_names: tuple[str, ...], lib: Gate) -> bool:
    """Whether a definition's body is the library gate ``lib`` (checked at fixed
    parameter values; a wrong definition cannot agree by accident at all of them)."""
    if not lib.is_unitary:
        return False
    for probe in _PROBE_VALUES:
        values = probe[: lib.num_params]
        mine = _unitary(body, dict(zip(param_names, values)))
        if mine is None:
            return False
        theirs = lib.matrix(values)
        if abs(np.vdot(theirs, mine)) / theirs.shape[0] < 1 - 1e-9:
            return False
    return True


def _unitary(circuit: Circuit, values: Mapping[str, float]) -> np.ndarray | None:
    """The unitary of a small circuit of library and program gates (None if it holds
    anything without one: opaque gates, measurement)."""
    n = circuit.num_qubits
    total = np.eye(1 << n, dtype=complex)
    bound = circuit.bind(values)  # a body mentions only its gate's parameters
    for op_index in range(len(bound)):
        gate = bound.gate(op_index)
        if gate.kind == "barrier":
            continue
        if not gate.is_unitary:
            return None
        params = bound.op_params(op_index)
        if GATES.get(gate.name) is gate:
            m = gate.matrix(params)
        elif gate.body is not None:
            m = _unitary(gate.body, dict(zip(gate.param_names, params)))
            if m is None:
                return None
        else:
            return None
        total = embed(m, bound.op_qubits(op_index), n) @ total
    return total * np.exp(1j * float(bound.global_phase))
