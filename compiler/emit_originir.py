"""OriginIR output, the text QPanda 3 and Origin's cloud read.

A program is ``QINIT n`` (qubits, by physical index once a circuit is mapped), ``CREG m``,
then one operation per line: ``RPhi q[3],(theta,phi)``, ``RZ q[3],(lam)``, ``CZ q[3],q[4]``,
``X1 q[0]``, ``MEASURE q[3],c[0]``, ``RESET q[1]``, ``BARRIER q[0],q[1]``.  Angles are in
radians (QPanda's ``RPHI(q, theta, phi)`` has the same matrix as jingu's ``rphi``), written
with ``repr`` so they read back as the same floats.

Every gate below is written with the OriginIR keyword whose matrix equals jingu's (checked
against pyqpanda3 by the tests); ``sdg``/``tdg``/``sxdg`` use ``DAGGER`` blocks and ``sx``
is ``X1`` (the same rotation; the phase e^{i pi/4} is global).  A condition on classical
bits becomes ``QIF c[i],c[j]`` (true when all listed bits are 1) with ``QELSE`` branches for
bits that must be 0.  Anything else (other gates, delays, symbolic angles) is an
``InputError`` naming it: translate to a native basis first.  OriginIR has no global
phase; a non-zero one is noted in a comment.
"""

from __future__ import annotations

from .circuit import Circuit, Condition
from .errors import InputError
from .params import Expr, format_param

#: jingu gate -> OriginIR keyword (same matrix, first operand first)
KEYWORDS: dict[str, str] = {
    "h": "H", "x": "X", "y": "Y", "z": "Z", "s": "S", "t": "T", "id": "I",
    "x1": "X1", "sx": "X1", "rphi": "RPhi",
    "rx": "RX", "ry": "RY", "rz": "RZ", "p": "U1", "u1": "U1", "u2": "U2", "u3": "U3",
    "u": "U3",
    "cx": "CNOT", "cz": "CZ", "swap": "SWAP", "cp": "CR", "cu1": "CR",
    "crx": "CRX", "cry": "CRY", "crz": "CRZ", "rxx": "RXX", "rzz": "RZZ",
    "ccx": "TOFFOLI",
}
#: inverses written as a DAGGER block around the keyword
DAGGERED: dict[str, str] = {"sdg": "S", "tdg": "T", "sxdg": "X1"}


def to_originir(circuit: Circuit) -> str:
    """The circuit as an OriginIR program (see the module docstring)."""
    if len(circuit.expressions):
        names = sorted({s for e in circuit.expressions for s in e.symbols})
        raise InputError(f"the circuit has symbolic parameter(s) {', '.join(names)}, which "
                         f"OriginIR cannot express; bind them first")
    lines = [f"QINIT {circuit.num_qubits}", f"CREG {circuit.num_clbits}"]
    phase = circuit.global_phase
    if isinstance(phase, Expr) or phase != 0:
        lines.append(f"// global phase: {format_param(phase)}")
    every = ",".join(f"q[{q}]" for q in range(circuit.num_qubits))
    open_condition: Condition | None = None
    closers: list[str] = []
    for i, op in enumerate(circuit):
        if op.condition != open_condition:
            lines += closers
            closers = _open(op.condition, circuit.num_clbits, lines) if op.condition else []
            open_condition = op.condition
        lines += _operation(op, every, i)
    lines += closers
    return "\n".join(lines) + "\n"


def _operation(op, every: str, index: int) -> list[str]:
    qubits = ",".join(f"q[{q}]" for q in op.qubits)
    name = op.name
    if name == "measure":
        return [f"MEASURE {qubits},c[{op.clbits[0]}]"]
    if name == "reset":
        return [f"RESET {qubits}"]
    if name == "barrier":
        return [f"BARRIER {qubits or every}"] if (qubits or every) else []
    keyword = KEYWORDS.get(name)
    if keyword is not None:
        if op.params:
            angles = ",".join(repr(float(p)) for p in op.params)
            return [f"{keyword} {qubits},({angles})"]
        return [f"{keyword} {qubits}"]
    if name in DAGGERED:
        return ["DAGGER", f"{DAGGERED[name]} {qubits}", "ENDDAGGER"]
    why = ("OriginIR has no delay" if name == "delay"
           else f"OriginIR has no '{name}' gate")
    raise InputError(f"operation {index} ('{name}' on qubits {list(op.qubits)}) cannot be "
                     f"written in OriginIR: {why}; translate the circuit to a native basis "
                     f"first (e.g. --basis rphi,rz,cz or x1,rz,cz)")


def _open(cond: Condition, num_clbits: int, lines: list[str]) -> list[str]:
    """Write the QIF lines of a condition; returns the lines that close it."""
    if cond.start + cond.width > num_clbits or cond.value >= 1 << cond.width:
        last = cond.start + cond.width - 1
        raise InputError(f"a condition on classical bits {cond.start}..{last} == {cond.value} "
                         f"cannot be written in OriginIR")
    ones = [cond.start + k for k in range(cond.width) if cond.value >> k & 1]
    zeros = [cond.start + k for k in range(cond.width) if not cond.value >> k & 1]
    closers = []
    if ones:
        lines.append("QIF " + ",".join(f"c[{b}]" for b in ones))
        closers.append("QENDIF")
    for b in zeros:  # the operations sit in the else branch of "bit b is 1"
        lines += [f"QIF c[{b}]", "QELSE"]
        closers.append("QENDIF")
    return closers
