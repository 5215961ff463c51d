"""Gates derived from other gates: inverses, controlled versions and powers.

OriginIR's ``DAGGER`` and ``CONTROL`` blocks and OpenQASM 3's ``inv @``, ``ctrl @``,
``negctrl @`` and ``pow(k) @`` modifiers ask for the same three things; they are answered
here, once, for both languages.

The work is done on *steps* ``(gate, positions, params)``, positions indexing a call's
operands, so one answer serves every broadcast of a call (and a block's operations, whose
positions are simply qubits).  ``GPHASE`` steps carry a global phase.

A derived gate is a library gate when the library has it: the inverse of ``s`` is ``sdg``,
``x`` with two controls is ``ccx``, a controlled ``rx`` is ``crx``.  Otherwise it becomes a
program-defined gate, registered in the circuit once and reused, whose body is exact: the
gate's decomposition (or its body) with every step inverted in reverse order, or every step
controlled, global phase included (under control a global phase is a phase gate on the
controls).  Parameters stay symbols in derived bodies, so ``inv @ rx(theta)`` and a
controlled ``U4`` work for any angles, symbolic ones too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from jingu.circuit import CircuitBuilder
from jingu.gates import GATES, Gate
from jingu.params import Expr, Symbol

#: a pseudo-gate for a step that only multiplies the state by e^{i params[0]}
GPHASE = Gate("gphase", 0, 1, doc="global phase (a step of a derived gate, never in a circuit)")

Step = tuple[Gate, tuple[int, ...], tuple]

#: library gate -> {number of added controls: (library gate, parameter map or None)};
#: the controls come first in the controlled gate's operands
_CONTROLLED: dict[str, dict[int, tuple[str, object]]] = {
    "x": {1: ("cx", None), 2: ("ccx", None), 3: ("c3x", None), 4: ("c4x", None)},
    "cx": {1: ("ccx", None), 2: ("c3x", None), 3: ("c4x", None)},
    "ccx": {1: ("c3x", None), 2: ("c4x", None)},
    "c3x": {1: ("c4x", None)},
    "sx": {1: ("csx", None), 3: ("c3sqrtx", None)},
    "csx": {2: ("c3sqrtx", None)},
    "y": {1: ("cy", None)},
    "z": {1: ("cz", None)},
    "h": {1: ("ch", None)},
    "swap": {1: ("cswap", None)},
    "p": {1: ("cp", None)},
    "u1": {1: ("cu1", None)},
    "rx": {1: ("crx", None)},
    "ry": {1: ("cry", None)},
    "rz": {1: ("crz", None)},
    "u3": {1: ("cu3", None)},
    "u": {1: ("cu", lambda ps: (*ps, 0.0))},
    # U4(a, b, c, d) = e^{i(a - (b + d)/2)} u3(c, b, d)
    "u4": {1: ("cu", lambda ps: (ps[2], ps[1], ps[3], ps[0] - (ps[1] + ps[3]) / 2))},
}

#: gates whose k-th power (any real k) is the gate with its first parameter times k
_SCALED = frozenset({"rx", "ry", "rz", "p", "u1", "crx", "cry", "crz", "cp", "cu1", "rxx",
                     "ryy", "rzz", "rzx", "iswaptheta", "rphi"})
#: fixed gates that are a scaled gate at a fixed angle, times a global phase:
#: name -> (scaled gate, its parameter, global phase per unit of exponent)
_POWER_OF = {
    "z": ("p", math.pi, 0.0), "s": ("p", math.pi / 2, 0.0), "t": ("p", math.pi / 4, 0.0),
    "sdg": ("p", -math.pi / 2, 0.0), "tdg": ("p", -math.pi / 4, 0.0),
    "cz": ("cp", math.pi, 0.0), "x": ("rx", math.pi, math.pi / 2),
    "y": ("ry", math.pi, math.pi / 2),
}
#: identities: controlled, they are still themselves (on their own qubits)
_IDENTITIES = frozenset({"id", "u0", "echo"})
#: the most operations one modified call may expand into
MAX_STEPS = 1_000_000


class DeriveError(ValueError):
    """A gate that cannot be derived (the message says why, the hint what to do); front
    ends report it at the statement that asked."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


def _is_library(gate: Gate) -> bool:
    return GATES.get(gate.name) is gate


def _formals(gate: Gate) -> tuple[str, ...]:
    if gate.param_names:
        return gate.param_names
    return tuple(f"p{i}" for i in range(gate.num_params))


def _substitute(value, mapping):
    return value.substitute(mapping) if isinstance(value, Expr) else value


def _nonzero(phase) -> bool:
    return isinstance(phase, Expr) or phase != 0


class DerivedGates:
    """Inverses, controlled versions and powers of the gates of one program being read.

    ``program`` is the ``ProgramBuilder``; derived gates are registered in its circuit
    (``register_derived``) and cached, so each is defined once per program."""

    def __init__(self, program):
        self.program = program
        self._inverses: dict[int, Gate] = {}
        self._inverse_of: dict[int, Gate] = {}  # derived inverse -> the gate it undoes
        self._controlled: dict[tuple[int, int], Gate] = {}

    # -- sequences of steps -----------------------------------------------------------------
    def inverse_steps(self, steps: Sequence[Step]) -> list[Step]:
        """The steps that undo ``steps``: reversed, each inverted."""
        out = []
        for gate, positions, params in reversed(steps):
            if gate is GPHASE:
                out.append((GPHASE, (), (-params[0],)))
            else:
                g, ps = self.inverse(gate, params)
                out.append((g, positions, ps))
        return out

    def control_steps(self, steps: Sequence[Step], num_controls: int,
                      negated: Sequence[int] = ()) -> list[Step]:
        """``steps`` controlled by ``num_controls`` new leading operands (positions shift
        up); controls listed in ``negated`` act on |0> (an ``x`` on each side)."""
        controls = tuple(range(num_controls))
        out: list[Step] = []
        for gate, positions, params in steps:
            shifted = tuple(p + num_controls for p in positions)
            out += self._control_one(gate, shifted, tuple(params), controls)
        if negated and out:
            flips = [(GATES["x"], (c,), ()) for c in sorted(set(negated))]
            out = flips + out + flips
        return out

    def power_steps(self, steps: Sequence[Step], exponent) -> list[Step]:
        """``steps`` raised to ``exponent``: repeated (inverted when negative) for whole
        numbers; other exponents only for one rotation or phase gate, whose angle scales."""
        if not isinstance(exponent, Expr) and float(exponent).is_integer():
            k = int(exponent)
            if abs(k) * len(steps) > MAX_STEPS:
                raise DeriveError(f"pow({k}) would make {abs(k) * len(steps)} operations",
                                  f"jingu expands at most {MAX_STEPS} per statement")
            base = list(steps) if k >= 0 else self.inverse_steps(steps)
            return base * abs(k)
        if len(steps) == 1:
            gate, positions, params = steps[0]
            if _is_library(gate) and gate.name in _SCALED:
                return [(gate, positions, (params[0] * exponent, *params[1:]))]
            if _is_library(gate) and gate.name in _POWER_OF:
                name, angle, phase = _POWER_OF[gate.name]
                out = [(GATES[name], positions, (angle * exponent,))]
                return out + ([(GPHASE, (), (phase * exponent,))] if phase else [])
            if gate is GPHASE:
                return [(GPHASE, (), (params[0] * exponent,))]
        raise DeriveError(f"pow({exponent}) is not a whole power",
                          "non-integer powers are supported for rotation and phase gates "
                          "(rx, rz, p, crx, rzz, ..., and z, s, t, x, y); write a whole "
                          "number of repetitions otherwise")

    # -- one gate ---------------------------------------------------------------------------
    def inverse(self, gate: Gate, params: Sequence) -> tuple[Gate, tuple]:
        """The gate (and parameters) that undoes ``gate(params)``."""
        params = tuple(params)
        if gate.kind == "barrier":
            return gate, params
        if not gate.is_unitary:
            raise DeriveError(f"'{gate.name}' cannot be inverted: a {gate.kind} is not "
                              f"reversible", "keep measurements and resets outside inverted "
                              "blocks and inv @")
        if _is_library(gate):
            inv = gate.inverse(params)
            if inv is not None:
                return GATES[inv[0]], tuple(inv[1])
        undone = self._inverse_of.get(id(gate))
        if undone is not None:
            return undone, params
        derived = self._inverses.get(id(gate))
        if derived is None:
            names = _formals(gate)
            steps, phase = self._expand(gate, tuple(Symbol(n) for n in names), "inverted")
            body = self.inverse_steps(steps)
            if _nonzero(phase):
                body.append((GPHASE, (), (-phase,)))
            derived = self._define(f"{gate.name}_dg", gate.num_qubits, names, body,
                                   f"the inverse of {gate.name}")
            self._inverses[id(gate)] = derived
            self._inverse_of[id(derived)] = gate
        return derived, params

    def _control_one(self, gate: Gate, positions: tuple[int, ...], params: tuple,
                     controls: tuple[int, ...]) -> list[Step]:
        m = len(controls)
        if gate is GPHASE:  # a global phase, controlled, is a phase on the controls
            phase = GATES["p"]
            if m == 1:
                return [(phase, controls, params)]
            return self._control_one(phase, controls[-1:], params, controls[:-1])
        if gate.kind == "barrier":
            return [(gate, positions, params)]
        if not gate.is_unitary:
            raise DeriveError(f"'{gate.name}' cannot be controlled: a {gate.kind} is not a "
                              f"unitary gate", "keep measurements and resets outside "
                              "controlled blocks and ctrl @")
        if _is_library(gate) and gate.name in _IDENTITIES:
            return [(gate, positions, params)]
        direct = _direct(gate, m, params)
        if direct is not None:
            return [(direct[0], controls + positions, direct[1])]
        return [(self._controlled_gate(gate, m), controls + positions, params)]

    def _controlled_gate(self, gate: Gate, m: int) -> Gate:
        key = (id(gate), m)
        derived = self._controlled.get(key)
        if derived is not None:
            return derived
        names = _formals(gate)
        symbols = tuple(Symbol(n) for n in names)
        n = gate.num_qubits
        table = _CONTROLLED.get(gate.name, {}) if _is_library(gate) else {}
        inner = max((k for k in table if k < m), default=0)
        if inner:  # the library has fewer controls: add the rest to that gate
            g, ps = _direct(gate, inner, symbols)
            body = self.control_steps([(g, tuple(range(inner + n)), ps)], m - inner)
        else:
            steps, phase = self._expand(gate, symbols, "controlled")
            if _nonzero(phase):
                steps = steps + [(GPHASE, (), (phase,))]
            body = self.control_steps(steps, m)
        prefix = "c" if m == 1 else f"c{m}"
        derived = self._define(f"{prefix}_{gate.name}", m + n, names, body,
                               f"{gate.name} with {m} control{'s' if m > 1 else ''}")
        self._controlled[key] = derived
        return derived

    # -- bodies ---------------------------------------------------------------------------
    def _expand(self, gate: Gate, params: tuple, how: str) -> tuple[list[Step], object]:
        """The steps and global phase ``gate(params)`` is made of."""
        body = gate.body
        if body is not None:
            mapping = dict(zip(gate.param_names, params))
            steps = []
            for i in range(len(body)):
                g = body.gate(i)
                if body.op_condition(i) is not None or g.kind in ("measure", "reset"):
                    raise DeriveError(f"gate '{gate.name}' cannot be {how}: its body holds "
                                      f"a {'condition' if g.is_unitary else g.kind}")
                ps = tuple(_substitute(p, mapping) for p in body.op_params(i))
                steps.append((g, body.op_qubits(i), ps))
            return steps, _substitute(body.global_phase, mapping)
        if gate.rule is not None:
            steps, phase = gate.decompose(params)
            return [(GATES[name], tuple(q), tuple(p)) for name, q, p in steps], phase
        raise DeriveError(f"gate '{gate.name}' cannot be {how}: it is opaque (it has no "
                          f"definition)", "give it a definition with gate ... { ... }")

    def _define(self, name: str, num_qubits: int, param_names: tuple[str, ...],
                steps: Sequence[Step], doc: str) -> Gate:
        program = self.program
        while name in GATES or program.circuit.has_gate(name):
            name += "_"
        for g, _, _ in steps:
            if g is not GPHASE:
                program.register_derived(g)
        body = CircuitBuilder(num_qubits, 0, name=name, gate_table=program.circuit.gate_table)
        for g, positions, params in steps:
            if g is GPHASE:
                body.global_phase = body.global_phase + params[0]
            else:
                body.append(g.name, positions, params)
        gate = Gate(name, num_qubits, len(param_names), param_names=tuple(param_names),
                    body=body.build(), doc=doc)
        program.register_derived(gate)
        return gate


def _direct(gate: Gate, m: int, params: tuple):
    """The library gate that is ``gate`` with ``m`` controls, and its parameters."""
    if not _is_library(gate):
        return None
    entry = _CONTROLLED.get(gate.name, {}).get(m)
    if entry is None:
        return None
    name, mapping = entry
    return GATES[name], tuple(mapping(params) if mapping else params)
