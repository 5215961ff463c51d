"""The gate library: the one place where a gate's arity, parameters, matrix, inverse and
decomposition are written down.

Conventions, used everywhere in jingu:

* A gate's matrix is written in the order of its operands, first operand most significant
  (``cx`` is the textbook matrix with the control first).
* Decompositions are exact, global phase included (``gphase`` entries), so that a gate can
  be controlled or inverted through its decomposition.
* Opcodes are positions in ``LIBRARY``; they are stable for one version of jingu and are
  what the columnar ``Circuit`` stores.  Gates defined by a program (``gate`` / ``QGATE``)
  are registered per circuit with opcodes after the library's.
"""

from __future__ import annotations

import cmath
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Sequence

import numpy as np

from .params import Expr, apply_function

# ----------------------------------------------------------------------------------------
# matrices of the primitive gates (the only hand-written matrices in jingu)


def _u3(theta, phi, lam):
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    return np.array(
        [
            [c, -cmath.exp(1j * lam) * s],
            [cmath.exp(1j * phi) * s, cmath.exp(1j * (phi + lam)) * c],
        ],
        dtype=complex,
    )


def _rx(theta):
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    return np.array([[c, -1j * s], [-1j * s, c]], dtype=complex)


def _ry(theta):
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    return np.array([[c, -s], [s, c]], dtype=complex)


def _rz(lam):
    return np.diag([cmath.exp(-0.5j * lam), cmath.exp(0.5j * lam)])


def _phase(lam):
    return np.diag([1.0, cmath.exp(1j * lam)])


def _rphi(theta, phi):
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    return np.array(
        [[c, -1j * cmath.exp(-1j * phi) * s], [-1j * cmath.exp(1j * phi) * s, c]], dtype=complex
    )


_X = np.array([[0, 1], [1, 0]], dtype=complex)
_Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
_Z = np.diag([1.0 + 0j, -1.0])
_H = np.array([[1, 1], [1, -1]], dtype=complex) / math.sqrt(2)
_SX = np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]], dtype=complex) / 2
_I2 = np.eye(2, dtype=complex)


def controlled(matrix: np.ndarray, num_controls: int = 1) -> np.ndarray:
    """The matrix of ``matrix`` controlled on ``num_controls`` leading qubits (all |1>)."""
    dim = matrix.shape[0]
    full = np.eye(dim << num_controls, dtype=complex)
    full[-dim:, -dim:] = matrix
    return full


def _rzz(theta):
    a, b = cmath.exp(-0.5j * theta), cmath.exp(0.5j * theta)
    return np.diag([a, b, b, a])


def _rxx(theta):
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    m = np.eye(4, dtype=complex) * c
    for i in range(4):
        m[i, 3 - i] = -1j * s
    return m


_SWAP = np.eye(4, dtype=complex)[[0, 2, 1, 3]]


def _pauli_rotation(pauli: np.ndarray, theta):
    """exp(-i theta/2 P) for a Pauli string P (a Kronecker product, first operand first)."""
    return math.cos(theta / 2) * np.eye(len(pauli)) - 1j * math.sin(theta / 2) * pauli


def _iswaptheta(theta):
    """QPanda's ISWAPTheta: exp(-i theta (XX+YY)/2), |01> and |10> rotated into each other."""
    c, s = math.cos(theta), math.sin(theta)
    m = np.eye(4, dtype=complex)
    m[1, 1] = m[2, 2] = c
    m[1, 2] = m[2, 1] = -1j * s
    return m


def _u4(alpha, beta, gamma, delta):
    """QPanda's U4: e^{i alpha} RZ(beta) RY(gamma) RZ(delta)."""
    return cmath.exp(1j * alpha) * (_rz(beta) @ _ry(gamma) @ _rz(delta))


# ----------------------------------------------------------------------------------------
# the Gate record

#: one operation of a decomposition: (gate name, operand positions, parameter values)
Step = tuple[str, tuple[int, ...], tuple]


@dataclass(frozen=True, eq=False)
class Gate:
    """A gate (or non-unitary instruction) of the library or of one program."""

    name: str
    num_qubits: int
    num_params: int = 0
    kind: str = "unitary"  # unitary | measure | reset | barrier | delay
    matrix_fn: Callable[..., np.ndarray] | None = field(default=None, repr=False)
    rule: Callable[[tuple], tuple[list[Step], float]] | None = field(default=None, repr=False)
    inverse_fn: Callable[[tuple], tuple[str, tuple]] | None = field(default=None, repr=False)
    num_clbits: int = 0
    variadic: bool = False  # barrier: any number of qubits
    diagonal: bool = False
    doc: str = ""
    param_names: tuple[str, ...] = ()
    #: for program-defined gates: the body as a Circuit over formal qubits / parameters
    body: object = field(default=None, repr=False)

    @property
    def is_unitary(self) -> bool:
        return self.kind == "unitary"

    def decompose(self, params: Sequence = ()) -> tuple[list[Step], float]:
        """Exact decomposition into other library gates and its global phase.

        Returns ``([], 0.0)`` for gates that are primitive (``u3``, ``cx``, instructions).
        """
        if self.rule is None:
            return [], 0.0
        return self.rule(tuple(params))

    def inverse(self, params: Sequence = ()) -> tuple[str, tuple] | None:
        """The library gate (name, params) that undoes this one, or None if there is none."""
        if self.inverse_fn is None:
            return None
        return self.inverse_fn(tuple(params))

    def matrix(self, params: Sequence = ()) -> np.ndarray:
        """The unitary for numeric ``params`` (from the primitive formula or the rule)."""
        if not self.is_unitary:
            raise ValueError(f"'{self.name}' is not a unitary gate")
        params = tuple(float(p) for p in params)
        if self.matrix_fn is not None:
            return np.asarray(self.matrix_fn(*params), dtype=complex)
        return _matrix_from_rule(self, params)


def _matrix_from_rule(gate: Gate, params: tuple) -> np.ndarray:
    if gate.rule is None and gate.body is None:
        from .errors import InputError

        raise InputError(f"gate '{gate.name}' is opaque: it has no definition to simulate")
    if gate.body is not None:  # program-defined gate
        from .simulate import gate_matrix_of  # local import: the simulator is heavy

        return gate_matrix_of(gate.body.bind(dict(zip(gate.param_names, params))))
    steps, phase = gate.decompose(params)
    n = gate.num_qubits
    total = np.eye(1 << n, dtype=complex) * cmath.exp(1j * phase)
    for name, qubits, ps in steps:
        total = embed(GATES[name].matrix(ps), qubits, n) @ total
    return total


def embed(matrix: np.ndarray, qubits: Sequence[int], num_qubits: int) -> np.ndarray:
    """Lift a k-qubit ``matrix`` on ``qubits`` (positions, first = most significant of the
    gate) into the ``num_qubits`` space whose qubit 0 is the most significant."""
    k = len(qubits)
    t = matrix.reshape((2,) * (2 * k))
    full = np.eye(1 << num_qubits, dtype=complex).reshape((2,) * (2 * num_qubits))
    # contract gate input axes with the identity's output axes for those qubits
    out = np.tensordot(t, full, axes=(list(range(k, 2 * k)), list(qubits)))
    # tensordot puts the gate's output axes first; move them back into place
    rest = [q for q in range(num_qubits) if q not in qubits]
    order = list(qubits) + rest + list(range(num_qubits, 2 * num_qubits))
    out = np.moveaxis(out, list(range(len(order))), order)
    return out.reshape(1 << num_qubits, 1 << num_qubits)


# ----------------------------------------------------------------------------------------
# decomposition rules written as short programs: "name(p-expr, ...) q, q; ..."
# parameters are Python expressions of p0, p1, ... and pi; they work on floats and on
# symbolic Expr alike.

_RULE_NAMES = {
    "pi": math.pi,
    "sin": lambda x: apply_function("sin", x),
    "cos": lambda x: apply_function("cos", x),
}


def _compile_rule(text: str) -> Callable[[tuple], tuple[list[Step], float]]:
    program: list[tuple[str, tuple[int, ...], list]] = []
    phase_codes = []
    for stmt in text.split(";"):
        stmt = stmt.strip()
        if not stmt:
            continue
        if "(" in stmt:
            name, rest = stmt.split("(", 1)
            args, operands = rest.rsplit(")", 1)
            codes = [compile(a.strip(), "<rule>", "eval") for a in _split_args(args)]
        else:
            name, _, operands = stmt.partition(" ")
            codes = []
        name = name.strip()
        if name == "gphase":
            phase_codes.append(codes[0])
            continue
        qubits = tuple(int(q) for q in operands.split(",")) if operands.strip() else ()
        program.append((name, qubits, codes))

    def rule(params: tuple):
        scope = dict(_RULE_NAMES)
        scope.update({f"p{i}": p for i, p in enumerate(params)})
        steps = [(n, q, tuple(eval(c, scope) for c in cs)) for n, q, cs in program]
        phase = sum((eval(c, scope) for c in phase_codes), 0.0)
        return steps, phase

    return rule


def _split_args(text: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    out.append(cur)
    return out


def _mcphase_rule(num_qubits: int, lam_code: str, target_h: bool):
    """Multi-controlled phase on all ``num_qubits`` (symmetric), optionally conjugated by H
    on the last qubit (making it a multi-controlled X-type gate).

    Uses x1*x2*...*xn = 2^(1-n) * sum over non-empty subsets S of (-1)^(|S|-1) parity(S):
    each subset's parity is gathered on its highest qubit with CX, phased, and restored.
    Exact, ancilla-free; the CZ-optimal multi-controlled gates live in the synthesis passes.
    """
    lam_c = compile(lam_code, "<rule>", "eval")

    def rule(params: tuple):
        lam = eval(lam_c, dict(_RULE_NAMES, **{f"p{i}": p for i, p in enumerate(params)}))
        steps: list[Step] = []
        t = num_qubits - 1
        if target_h:
            steps.append(("h", (t,), ()))
        scale = lam / (1 << (num_qubits - 1))
        for mask in range(1, 1 << num_qubits):
            members = [q for q in range(num_qubits) if mask >> q & 1]
            top = members[-1]
            sign = 1 if len(members) % 2 else -1
            gathers = [("cx", (q, top), ()) for q in members[:-1]]
            steps += gathers
            steps.append(("p", (top,), (sign * scale,)))
            steps += gathers[::-1]
        if target_h:
            steps.append(("h", (t,), ()))
        return steps, 0.0

    return rule


# ----------------------------------------------------------------------------------------
# the library


def _neg(name):
    return lambda ps: (name, tuple(-p for p in ps))


def _same(name):
    return lambda ps: (name, ps)


def _u3_inverse(name):
    return lambda ps: (name, (-ps[0], -ps[2], -ps[1]) + tuple(-p for p in ps[3:]))


def _g(name, nq, np_=0, *, matrix=None, rule=None, inverse=None, diagonal=False, doc="", **kw):
    compiled = _compile_rule(rule) if isinstance(rule, str) else rule
    if inverse == "self":
        inverse = _same(name)
    elif inverse == "neg":
        inverse = _neg(name)
    return Gate(
        name, nq, np_, matrix_fn=matrix, rule=compiled, inverse_fn=inverse,
        diagonal=diagonal, doc=doc, **kw,
    )


LIBRARY: tuple[Gate, ...] = (
    # primitives of OpenQASM 2 (U and CX) and their aliases
    _g("u3", 1, 3, matrix=_u3, inverse=_u3_inverse("u3"), doc="generic one-qubit rotation"),
    _g("cx", 2, matrix=lambda: controlled(_X), inverse="self", doc="controlled NOT"),
    _g("u", 1, 3, matrix=_u3, rule="u3(p0,p1,p2) 0", inverse=_u3_inverse("u")),
    _g("u2", 1, 2, matrix=lambda p, l: _u3(math.pi / 2, p, l), rule="u3(pi/2,p0,p1) 0",
       inverse=lambda ps: ("u3", (-math.pi / 2, -ps[1], -ps[0]))),
    _g("u1", 1, 1, matrix=_phase, rule="u3(0,0,p0) 0", inverse="neg", diagonal=True),
    _g("p", 1, 1, matrix=_phase, rule="u3(0,0,p0) 0", inverse="neg", diagonal=True),
    _g("u0", 1, 1, matrix=lambda g: _I2, rule="", inverse="self", diagonal=True,
       doc="identity for a number of idle cycles (OpenQASM 2)"),
    _g("id", 1, matrix=lambda: _I2, rule="", inverse="self", diagonal=True),
    _g("x", 1, matrix=lambda: _X, rule="u3(pi,0,pi) 0", inverse="self"),
    _g("y", 1, matrix=lambda: _Y, rule="u3(pi,pi/2,pi/2) 0", inverse="self"),
    _g("z", 1, matrix=lambda: _Z, rule="u1(pi) 0", inverse="self", diagonal=True),
    _g("h", 1, matrix=lambda: _H, rule="u3(pi/2,0,pi) 0", inverse="self"),
    _g("s", 1, matrix=lambda: _phase(math.pi / 2), rule="u1(pi/2) 0",
       inverse=lambda ps: ("sdg", ()), diagonal=True),
    _g("sdg", 1, matrix=lambda: _phase(-math.pi / 2), rule="u1(-pi/2) 0",
       inverse=lambda ps: ("s", ()), diagonal=True),
    _g("t", 1, matrix=lambda: _phase(math.pi / 4), rule="u1(pi/4) 0",
       inverse=lambda ps: ("tdg", ()), diagonal=True),
    _g("tdg", 1, matrix=lambda: _phase(-math.pi / 4), rule="u1(-pi/4) 0",
       inverse=lambda ps: ("t", ()), diagonal=True),
    _g("sx", 1, matrix=lambda: _SX, rule="rx(pi/2) 0; gphase(pi/4)",
       inverse=lambda ps: ("sxdg", ())),
    _g("sxdg", 1, matrix=lambda: _SX.conj().T, rule="rx(-pi/2) 0; gphase(-pi/4)",
       inverse=lambda ps: ("sx", ())),
    _g("rx", 1, 1, matrix=_rx, rule="u3(p0,-pi/2,pi/2) 0", inverse="neg"),
    _g("ry", 1, 1, matrix=_ry, rule="u3(p0,0,0) 0", inverse="neg"),
    _g("rz", 1, 1, matrix=_rz, rule="u1(p0) 0; gphase(-p0/2)", inverse="neg", diagonal=True),
    # two-qubit gates
    _g("cz", 2, matrix=lambda: controlled(_Z), rule="h 1; cx 0,1; h 1", inverse="self",
       diagonal=True),
    _g("cy", 2, matrix=lambda: controlled(_Y), rule="sdg 1; cx 0,1; s 1", inverse="self"),
    _g("ch", 2, matrix=lambda: controlled(_H), rule="ry(-pi/4) 1; cz 0,1; ry(pi/4) 1",
       inverse="self"),
    _g("swap", 2, matrix=lambda: _SWAP, rule="cx 0,1; cx 1,0; cx 0,1", inverse="self"),
    _g("crx", 2, 1, matrix=lambda t: controlled(_rx(t)), rule="h 1; crz(p0) 0,1; h 1",
       inverse="neg"),
    _g("cry", 2, 1, matrix=lambda t: controlled(_ry(t)),
       rule="ry(p0/2) 1; cx 0,1; ry(-p0/2) 1; cx 0,1", inverse="neg"),
    _g("crz", 2, 1, matrix=lambda t: controlled(_rz(t)),
       rule="rz(p0/2) 1; cx 0,1; rz(-p0/2) 1; cx 0,1", inverse="neg", diagonal=True),
    _g("cu1", 2, 1, matrix=lambda t: controlled(_phase(t)),
       rule="p(p0/2) 0; cx 0,1; p(-p0/2) 1; cx 0,1; p(p0/2) 1", inverse="neg", diagonal=True),
    _g("cp", 2, 1, matrix=lambda t: controlled(_phase(t)), rule="cu1(p0) 0,1", inverse="neg",
       diagonal=True),
    _g("cu3", 2, 3, matrix=lambda t, p, l: controlled(_u3(t, p, l)),
       rule="p((p2+p1)/2) 0; p((p2-p1)/2) 1; cx 0,1; u3(-p0/2,0,-(p1+p2)/2) 1; cx 0,1; "
       "u3(p0/2,p1,0) 1",
       inverse=_u3_inverse("cu3")),
    _g("cu", 2, 4, matrix=lambda t, p, l, g: controlled(cmath.exp(1j * g) * _u3(t, p, l)),
       rule="p(p3) 0; cu3(p0,p1,p2) 0,1", inverse=_u3_inverse("cu")),
    _g("csx", 2, matrix=lambda: controlled(_SX), rule="h 1; cp(pi/2) 0,1; h 1"),
    _g("rxx", 2, 1, matrix=_rxx, rule="h 0; h 1; rzz(p0) 0,1; h 0; h 1", inverse="neg"),
    _g("rzz", 2, 1, matrix=_rzz, rule="cx 0,1; rz(p0) 1; cx 0,1", inverse="neg", diagonal=True),
    # three- and more-qubit gates
    _g("ccx", 3, matrix=lambda: controlled(_X, 2), inverse="self",
       rule="h 2; cx 1,2; tdg 2; cx 0,2; t 2; cx 1,2; tdg 2; cx 0,2; t 1; t 2; h 2; "
       "cx 0,1; t 0; tdg 1; cx 0,1"),
    _g("cswap", 3, matrix=lambda: controlled(_SWAP), rule="cx 2,1; ccx 0,1,2; cx 2,1",
       inverse="self"),
    _g("rccx", 3, rule="u2(0,pi) 2; u1(pi/4) 2; cx 1,2; u1(-pi/4) 2; cx 0,2; u1(pi/4) 2; "
       "cx 1,2; u1(-pi/4) 2; u2(0,pi) 2", doc="Margolus relative-phase Toffoli"),
    _g("rc3x", 4, rule="u2(0,pi) 3; u1(pi/4) 3; cx 2,3; u1(-pi/4) 3; u2(0,pi) 3; cx 0,3; "
       "u1(pi/4) 3; cx 1,3; u1(-pi/4) 3; cx 0,3; u1(pi/4) 3; cx 1,3; u1(-pi/4) 3; "
       "u2(0,pi) 3; u1(pi/4) 3; cx 2,3; u1(-pi/4) 3; u2(0,pi) 3",
       doc="relative-phase three-controlled X"),
    _g("c3x", 4, matrix=lambda: controlled(_X, 3), rule=_mcphase_rule(4, "pi", True),
       inverse="self"),
    _g("c3sqrtx", 4, matrix=lambda: controlled(_SX, 3), rule=_mcphase_rule(4, "pi/2", True)),
    _g("c4x", 5, matrix=lambda: controlled(_X, 4), rule=_mcphase_rule(5, "pi", True),
       inverse="self"),
    # Wukong natives
    _g("rphi", 1, 2, matrix=_rphi, rule="u3(p0,p1-pi/2,pi/2-p1) 0",
       inverse=lambda ps: ("rphi", (-ps[0], ps[1])),
       doc="rotation by theta about the axis at angle phi in the XY plane (one XY pulse)"),
    _g("x1", 1, matrix=lambda: _rx(math.pi / 2), rule="rx(pi/2) 0",
       inverse=lambda ps: ("rx", (-math.pi / 2,)), doc="RX(pi/2), Origin's fixed pulse"),
    # instructions
    Gate("measure", 1, kind="measure", num_clbits=1),
    Gate("reset", 1, kind="reset"),
    Gate("barrier", 0, kind="barrier", variadic=True, inverse_fn=_same("barrier")),
    Gate("delay", 1, 1, kind="delay", doc="idle for a duration (seconds in the IR)"),
    # gates of OriginIR (QPanda), with pyqpanda3's matrices; appended so that the opcodes
    # of the gates above never move
    _g("y1", 1, matrix=lambda: _ry(math.pi / 2), rule="ry(pi/2) 0",
       inverse=lambda ps: ("ry", (-math.pi / 2,)), doc="RY(pi/2), Origin's Y1"),
    _g("z1", 1, matrix=lambda: _rz(math.pi / 2), rule="rz(pi/2) 0",
       inverse=lambda ps: ("rz", (-math.pi / 2,)), diagonal=True, doc="RZ(pi/2), Origin's Z1"),
    _g("echo", 1, 1, matrix=lambda e: _I2, rule="", inverse="self", diagonal=True,
       doc="QPanda's spin-echo marker: the identity on the state; its parameter is kept "
           "for the pulse level"),
    _g("u4", 1, 4, matrix=_u4, rule="u3(p2,p1,p3) 0; gphase(p0-(p1+p3)/2)",
       inverse=lambda ps: ("u4", (-ps[0], -ps[3], -ps[2], -ps[1])),
       doc="QPanda's U4(alpha, beta, gamma, delta) = e^{i alpha} RZ(beta) RY(gamma) RZ(delta)"),
    _g("ryy", 2, 1, matrix=lambda t: _pauli_rotation(np.kron(_Y, _Y), t),
       rule="rx(pi/2) 0; rx(pi/2) 1; rzz(p0) 0,1; rx(-pi/2) 0; rx(-pi/2) 1", inverse="neg"),
    _g("rzx", 2, 1, matrix=lambda t: _pauli_rotation(np.kron(_Z, _X), t),
       rule="h 1; rzz(p0) 0,1; h 1", inverse="neg",
       doc="exp(-i theta/2 Z(x)X): Z on the first operand, X on the second"),
    _g("iswaptheta", 2, 1, matrix=_iswaptheta,
       rule="rz(-pi/2) 1; sx 1; rz(pi/2) 1; s 0; cx 1,0; ry(-p0) 1; ry(-p0) 0; cx 1,0; sdg 0; "
       "rz(-pi/2) 1; sxdg 1; rz(pi/2) 1", inverse="neg",
       doc="QPanda's ISWAPTheta (Qiskit's XXPlusYYGate(2 theta))"),
    _g("iswap", 2, matrix=lambda: _iswaptheta(-math.pi / 2),
       rule="s 0; s 1; h 0; cx 0,1; cx 1,0; h 1",
       inverse=lambda ps: ("iswaptheta", (math.pi / 2,)), doc="iSWAP: |01> -> i|10>"),
    _g("sqiswap", 2, matrix=lambda: _iswaptheta(-math.pi / 4), rule="iswaptheta(-pi/4) 0,1",
       inverse=lambda ps: ("iswaptheta", (math.pi / 4,)), doc="square root of iSWAP"),
)

GATES: dict[str, Gate] = {g.name: g for g in LIBRARY}
OPCODES: dict[str, int] = {g.name: i for i, g in enumerate(LIBRARY)}


@lru_cache(maxsize=None)
def fixed_matrix(name: str) -> np.ndarray:
    """Cached matrix of a parameter-free library gate (read-only)."""
    m = GATES[name].matrix(())
    m.setflags(write=False)
    return m


def is_parametric(params) -> bool:
    return any(isinstance(p, Expr) for p in params)
