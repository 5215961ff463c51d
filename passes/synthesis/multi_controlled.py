"""Multi-controlled gates with few CZ and no ancilla qubits.

Everything reduces to the multi-controlled phase ``MCP_k(lam)``: the phase ``e^{i lam}`` on
``|1...1>`` of k qubits, symmetric in them.  A k-controlled X is ``H . MCP_{k+1}(pi) . H`` on
its target, and the controlled root of X (``c3sqrtx``) is the same with ``lam = pi/2``.

The constructions, chosen per size by their CZ count (a small dynamic programme):

* the phase polynomial ``x1 x2 ... xk = 2^(1-k) sum_S (-1)^(|S|+1) parity(S)`` over the
  non-empty subsets S: wire j collects the parities ``x_j ^ S`` (S among the wires before
  it) along a cyclic Gray code, one CX a step, ``2^k - 2`` CX in all (6 for the Toffoli,
  14 for ``c3x``, 30 for ``c4x``);
* ``P(lam) = e^{i lam/2} RZ(lam)`` splits ``MCP_k(lam)`` into a (k-1)-controlled RZ and
  ``MCP_{k-1}(lam/2)`` on the controls, which may borrow the freed target;
* the controlled RZ is a group commutator: with the controls split into halves A and B,
  ``RZ(a) X_A RZ(-a) X_B RZ(a) X_A^-1 RZ(-a) X_B^-1`` turns the target by 4a exactly when
  both halves are all ones; each half's X borrows the other half as dirty ancillas;
* a peeling step (Barenco et al. 1995, Lemma 7.5 with a square root): for bits
  ``a = AND(A)``, w and t, ``2 a w = a + w - (a ^ w)``, so
  ``MCP_k(lam) = CP(lam/2)[w,t] . R . CP(-lam/2)[w,t] . R^-1 . MCP_{k-1}(lam/2)[A,t]``
  with R toggling w by ``AND(A)``.

The multi-controlled X's inside are *relative-phase* gates (X times a diagonal): a Margolus
gate (3 CX), the relative-phase C3X (6 CX), a Gray-code phase polynomial that keeps only the
parities containing the target (2^m CX), or Barenco's Lemma 7.3 split over a borrowed wire.
They always come in pairs ``R ... R^-1`` around diagonal gates or X's on other wires, so
their phases cancel exactly; inside the commutator their phase must not depend on the
target, which the programme tracks.  The total is quadratic in the number of controls.

All steps are ``h``, ``p``, ``rz`` and ``cx``; the decompositions are exact, global phase
included, and work with symbolic angles.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Sequence

import numpy as np
from jingu.gates import Gate, Step, controlled

PI = math.pi
#: the Gray-code phase polynomials are considered up to this many qubits (cost 2^k)
GRAY_LIMIT = 10

# ----------------------------------------------------------------------------------------
# the cost programme: (CX count, recipe) per size and number of borrowable wires


@lru_cache(maxsize=None)
def _rel(m: int, dirty: int, target_free: bool) -> tuple[float, tuple]:
    """A relative-phase m-controlled X; ``target_free``: its phase must not depend on the
    target's value."""
    dirty = min(dirty, m)
    if m == 1:
        return 1, ("cx",)
    best: tuple[float, tuple] = ((1 << m), ("gray",)) if m <= GRAY_LIMIT else (math.inf, ())
    if not target_free and m == 2:
        best = min(best, (3, ("margolus",)))
    if not target_free and m == 3:
        best = min(best, (6, ("rc3x",)))
    if m >= 3 and dirty >= m - 2:
        # Barenco's V-chain of 4(m-2) relative-phase Toffolis; the two on the target are
        # target-free Gray ones (4 CX) when the phase must not depend on the target
        best = min(best, (12 * (m - 2) + (2 if target_free else 0), ("chain",)))
    if dirty >= 1:
        for k1 in range(2, m):
            # toggle a borrowed wire d by AND(A1), then the target by AND(A2, d), twice
            lend_target = 0 if target_free else 1
            first = _rel(k1, m - k1 + lend_target + dirty - 1, False)[0]
            second = _rel(m - k1 + 1, k1 + dirty - 1, target_free)[0]
            best = min(best, (2 * first + 2 * second, ("split", k1)))
    return best


@lru_cache(maxsize=None)
def _rz(m: int, dirty: int) -> tuple[float, int]:
    """An m-controlled RZ: (cost, size of the first half; 0 = the two-CX crz)."""
    if m == 1:
        return 2, 0
    return min((2 * _rel(a, dirty + m - a, True)[0] + 2 * _rel(m - a, dirty + a, True)[0], a)
               for a in range(1, m))


@lru_cache(maxsize=None)
def _mcp(k: int, dirty: int) -> tuple[float, str]:
    """The k-qubit multi-controlled phase: (cost, 'gray' | 'rz' | 'peel')."""
    dirty = min(dirty, k)
    if k <= 1:
        return 0, "gray"
    best: tuple[float, str] = ((1 << k) - 2, "gray") if k <= GRAY_LIMIT else (math.inf, "gray")
    if k >= 3:
        best = min(best, (_rz(k - 1, dirty)[0] + _mcp(k - 1, dirty + 1)[0], "rz"))
        best = min(best, (4 + 2 * _rel(k - 2, dirty + 1, False)[0]
                          + _mcp(k - 1, dirty + 1)[0], "peel"))
    return best


def mcphase_cz_count(num_qubits: int, ancillas: int = 0) -> int:
    """CZ count of ``mcphase_steps`` on ``num_qubits`` with ``ancillas`` borrowable wires."""
    return int(_mcp(num_qubits, ancillas)[0])


def mcx_cz_count(num_controls: int) -> int:
    """CZ count of the ancilla-free ``num_controls``-controlled X (``mcx_steps``)."""
    return 1 if num_controls == 1 else mcphase_cz_count(num_controls + 1)


# ----------------------------------------------------------------------------------------
# the constructions: steps over given qubit indices


def _parities(controls: Sequence[int], target: int, coef, out: list) -> None:
    """Phase ``+-coef`` on every parity ``target ^ S`` (S among ``controls``; sign
    (-1)^|S|), visited in cyclic Gray order with one CX a step."""
    prev = 0
    for i in range(1 << len(controls)):
        g = i ^ (i >> 1)
        if i:
            out.append(("cx", (controls[(g ^ prev).bit_length() - 1], target), ()))
        out.append(("p", (target,), (-coef if bin(g).count("1") & 1 else coef,)))
        prev = g
    if controls:
        out.append(("cx", (controls[-1], target), ()))


def _mcphase(qubits: Sequence[int], lam, dirty: Sequence[int], out: list) -> None:
    k = len(qubits)
    if k == 0:
        return
    if k == 1:
        out.append(("p", (qubits[0],), (lam,)))
        return
    kind = _mcp(k, len(dirty))[1]
    if kind == "gray":
        coef = lam / (1 << (k - 1))
        for j in range(k - 1, 0, -1):
            _parities(qubits[:j], qubits[j], coef, out)
        out.append(("p", (qubits[0],), (coef,)))
    elif kind == "rz":
        *controls, t = qubits
        _controlled_rz(controls, t, lam, dirty, out)
        _mcphase(controls, lam / 2, (t, *dirty), out)
    else:
        *a, w, t = qubits
        _mcphase((w, t), lam / 2, (), out)
        rel: list = []
        _relative_x(a, w, (t, *dirty), False, rel)
        out += rel
        _mcphase((w, t), -(lam / 2), (), out)
        out += inverse_steps(rel)
        _mcphase((*a, t), lam / 2, (w, *dirty), out)


def _controlled_rz(controls: Sequence[int], target: int, theta, dirty: Sequence[int],
                   out: list) -> None:
    """RZ(theta) on ``target`` when all ``controls`` are 1 (no global phase)."""
    m = len(controls)
    split = _rz(m, len(dirty))[1]
    if split == 0:
        out += [("rz", (target,), (theta / 2,)), ("cx", (controls[0], target), ()),
                ("rz", (target,), (-(theta / 2),)), ("cx", (controls[0], target), ())]
        return
    a, b = list(controls[:split]), list(controls[split:])
    xa: list = []
    _relative_x(a, target, (*b, *dirty), True, xa)
    xb: list = []
    _relative_x(b, target, (*a, *dirty), True, xb)
    quarter = theta / 4
    out.append(("rz", (target,), (quarter,)))
    out += xa
    out.append(("rz", (target,), (-quarter,)))
    out += xb
    out.append(("rz", (target,), (quarter,)))
    out += inverse_steps(xa)
    out.append(("rz", (target,), (-quarter,)))
    out += inverse_steps(xb)


def _relative_x(controls: Sequence[int], target: int, dirty: Sequence[int],
                target_free: bool, out: list) -> None:
    """X on ``target`` when all ``controls`` are 1, times a diagonal phase (independent of
    the target's value if ``target_free``); ``dirty`` wires may be borrowed."""
    m = len(controls)
    recipe = _rel(m, len(dirty), target_free)[1]
    kind = recipe[0]
    t = target
    if kind == "cx":
        out.append(("cx", (controls[0], t), ()))
    elif kind == "margolus":
        c0, c1 = controls
        q, mq = PI / 4, -PI / 4
        out += [("h", (t,), ()), ("p", (t,), (q,)), ("cx", (c1, t), ()), ("p", (t,), (mq,)),
                ("cx", (c0, t), ()), ("p", (t,), (q,)), ("cx", (c1, t), ()),
                ("p", (t,), (mq,)), ("h", (t,), ())]
    elif kind == "rc3x":
        c0, c1, c2 = controls
        q, mq = PI / 4, -PI / 4
        out += [("h", (t,), ()), ("p", (t,), (q,)), ("cx", (c2, t), ()), ("p", (t,), (mq,)),
                ("h", (t,), ()), ("cx", (c0, t), ()), ("p", (t,), (q,)), ("cx", (c1, t), ()),
                ("p", (t,), (mq,)), ("cx", (c0, t), ()), ("p", (t,), (q,)),
                ("cx", (c1, t), ()), ("p", (t,), (mq,)), ("h", (t,), ()), ("p", (t,), (q,)),
                ("cx", (c2, t), ()), ("p", (t,), (mq,)), ("h", (t,), ())]
    elif kind == "chain":
        _chain(list(controls), t, list(dirty[: m - 2]), target_free, out)
    elif kind == "gray":
        # H . (the parities of pi * AND(controls) * t that contain t) . H: the dropped
        # parities are a diagonal on the controls alone
        out.append(("h", (t,), ()))
        _parities(tuple(controls), t, PI / (1 << m), out)
        out.append(("h", (t,), ()))
    else:
        k1 = recipe[1]
        a1, a2 = list(controls[:k1]), list(controls[k1:])
        d, rest = dirty[0], list(dirty[1:])
        lend = a2 + rest if target_free else a2 + [t] + rest
        first: list = []
        _relative_x(a1, d, lend, False, first)
        second: list = []
        _relative_x(a2 + [d], t, a1 + rest, target_free, second)
        out += first + second + first + second


def _chain(controls: list, target: int, ancillas: list, target_free: bool, out: list) -> None:
    """Barenco et al. Lemma 7.2: Toffolis U_1 = (x1, x2 -> a1), U_j = (x_{j+1}, a_{j-1} ->
    a_j), the last one onto the target, applied U_top..U_1..U_top then U_top-1..U_1..U_top-1,
    which toggles the target by AND(controls) and restores the borrowed wires."""
    m = len(controls)
    chain = ancillas + [target]
    toffolis = [(controls[0], controls[1], chain[0])]
    toffolis += [(controls[j + 1], chain[j - 1], chain[j]) for j in range(1, m - 1)]
    top = m - 2
    order = list(range(top, 0, -1)) + list(range(0, top + 1)) \
        + list(range(top - 1, 0, -1)) + list(range(0, top))
    for j in order:
        a, b, c = toffolis[j]
        _relative_x((a, b), c, (), target_free and c == target, out)


def inverse_steps(steps: Sequence[Step]) -> list[Step]:
    """The inverse of a sequence of ``h``/``p``/``rz``/``cx`` steps."""
    return [(name, qubits, tuple(-p for p in params) if params else params)
            for name, qubits, params in reversed(steps)]


def mcphase_steps(num_qubits: int, lam, ancillas: Sequence[int] = ()) -> list[Step]:
    """Steps of the phase ``e^{i lam}`` on ``|1..1>`` of qubits ``0..num_qubits-1``.

    ``ancillas`` are further qubits that may be borrowed in any state (none by default);
    ``lam`` may be symbolic."""
    out: list[Step] = []
    _mcphase(tuple(range(num_qubits)), lam, tuple(ancillas), out)
    return out


def controlled_x_power_steps(num_controls: int, power) -> tuple[list[Step], float]:
    """Exact (steps, phase) of ``X^power`` (``power`` 1/2: the controlled sx) on qubit
    ``num_controls``, controlled by the qubits before it."""
    t = num_controls
    if num_controls == 1 and power == 1:
        return [("cx", (0, 1), ())], 0.0
    steps = [("h", (t,), ())]
    steps += mcphase_steps(num_controls + 1, PI * power)
    steps.append(("h", (t,), ()))
    return steps, 0.0


def mcx_steps(num_controls: int) -> tuple[list[Step], float]:
    """Exact (steps, phase) of X on qubit ``num_controls`` controlled by the ones before."""
    return controlled_x_power_steps(num_controls, 1)


# ----------------------------------------------------------------------------------------
# gates for circuits (any number of controls) and rules for the library's gates

_X = np.array([[0, 1], [1, 0]], dtype=complex)


@lru_cache(maxsize=None)
def mcx_gate(num_controls: int) -> Gate:
    """An ``mcx{n}`` gate (X with n controls) for any n, to register in a circuit's gate
    table (``CircuitBuilder.register_gate``); translation expands it with ``mcx_steps``."""
    if num_controls < 1:
        raise ValueError("a multi-controlled X needs at least one control")
    name = f"mcx{num_controls}"
    return Gate(name, num_controls + 1,
                matrix_fn=lambda: controlled(_X, num_controls),
                rule=lambda params: mcx_steps(num_controls),
                inverse_fn=lambda params: (name, ()),
                doc=f"X controlled by {num_controls} qubits (ancilla-free, "
                    f"{mcx_cz_count(num_controls)} CZ)")


def library_rules() -> list[tuple[str, object, str]]:
    """(gate name, rule(params) -> (steps, phase), label) for the library's
    multi-controlled gates, for the equivalence library's search."""
    return [
        ("ccx", lambda ps: mcx_steps(2), "Toffoli as a phase polynomial"),
        ("c3x", lambda ps: mcx_steps(3), "multi-controlled X, ancilla-free"),
        ("c4x", lambda ps: mcx_steps(4), "multi-controlled X, ancilla-free"),
        ("c3sqrtx", lambda ps: controlled_x_power_steps(3, 0.5),
         "multi-controlled sqrt(X), ancilla-free"),
    ]
