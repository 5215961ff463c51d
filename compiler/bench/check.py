"""Reading a compiler's output back into jingu, and checking it against the input by
simulation.

Layouts come from each compiler's own API (``Exported``).  The measurements say the rest:
every benchmark program measures its qubits at the end, so clbit k measured from virtual
qubit v in the input and from physical qubit p in the output means v ends on p.  When a
compiler reports no initial layout (QPanda 3) it is inferred: basis state |v> of the input
must come out as the compiled circuit's image of |p> for the p that v starts on.

The check itself is ``jingu.simulate.equivalent`` on the unitary parts (terminal
measurements and barriers removed; physical qubits outside the layout must start and end in
|0>), and failing that the same overlap bound on what is measured (``equal_as_measured``:
a diagonal gate before a measurement may go, a measurement may move earlier).  An input with
mid-circuit measurements, resets or conditions is not checked, nor an output with a gate
jingu cannot simulate (a compiler's gate it does not know: such an output is invalid).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..circuit import Circuit, CircuitBuilder

#: physical qubits an output may touch for the initial-layout search by simulation
MAX_ACTIVE_QUBITS = 20


@dataclass(frozen=True)
class Verdict:
    equivalent: bool | None  # None: not checked (``note`` says why)
    note: str = ""


class NotUnitary(Exception):
    pass


# ----------------------------------------------------------------------------------------
# reading outputs


def read_output(exported, num_qubits: int) -> Circuit:
    """jingu's reading of an ``Exported`` compiler output: its instruction columns mapped
    onto the gate library (ValueError when a mapping is wrong), or its text through jingu's
    front end (JinguError if unreadable)."""
    if exported.ops is not None:
        from .oplist import to_circuit

        return to_circuit(exported.ops, exported.names)
    from ..frontend import parse

    return parse(exported.text, file="<compiled>", lang=exported.lang)


# ----------------------------------------------------------------------------------------
# unitary parts and layouts


def split_measurements(circuit: Circuit, copy_early: bool = False
                       ) -> tuple[Circuit, dict[int, int], int]:
    """The gates of ``circuit`` (barriers dropped) and {clbit: qubit holding its value}.

    A measurement with no later operation on its qubit is read from that qubit at the end.
    An earlier one (a compiler may measure a qubit early and then route other states
    through it) raises NotUnitary unless ``copy_early``: then it becomes a cx onto a fresh
    qubit appended to the circuit, which holds the value to the end (deferred
    measurement).  Also returns the number of such copies.  Resets and classically
    conditioned operations raise NotUnitary."""
    ops = list(circuit)
    kinds = {g.name: g.kind for g in circuit.gate_table}
    last: dict[int, int] = {}
    for i, op in enumerate(ops):
        if op.condition is not None:
            raise NotUnitary("it has classically conditioned operations")
        kind = kinds[op.name]
        if kind == "barrier":
            continue
        if kind not in ("unitary", "measure"):
            raise NotUnitary(f"it has a mid-circuit {op.name}")
        for q in op.qubits:
            last[q] = i
    early = sum(1 for i, op in enumerate(ops)
                if kinds[op.name] == "measure" and last[op.qubits[0]] != i)
    if early and not copy_early:
        raise NotUnitary("it has a mid-circuit measure")
    b = circuit.copy_empty()
    b.initial_layout = b.final_layout = None
    b.num_qubits = circuit.num_qubits + early
    readout: dict[int, int] = {}
    fresh = circuit.num_qubits
    for i, op in enumerate(ops):
        kind = kinds[op.name]
        if kind == "barrier":
            continue
        if kind == "measure":
            q, c = op.qubits[0], op.clbits[0]
            if last[q] == i:
                readout[c] = q
            else:
                b.append("cx", (q, fresh))
                readout[c] = fresh
                fresh += 1
            continue
        b.append(op.name, op.qubits, op.params)
    return b.build(), readout, early


def _by_register(measures: dict[int, int], circuit: Circuit, other: Circuit) -> dict:
    """{clbit: qubit} keyed by (creg name, index) when both circuits name the same classical
    registers (compilers may reorder them), else by flat clbit index."""
    names = {r.name for r in circuit.cregs}
    if not names or names != {r.name for r in other.cregs}:
        return dict(measures)
    where = {}
    for reg in circuit.cregs:
        for i in range(reg.size):
            where[reg.start + i] = (reg.name, i)
    return {where[c]: q for c, q in measures.items()}


def _bit_name(bit) -> str:
    return f"{bit[0]}[{bit[1]}]" if isinstance(bit, tuple) else str(bit)


def flat_layout(layout, original: Circuit) -> list[int] | None:
    """A reported layout as a list indexed by the input's flat qubit index."""
    if layout is None:
        return None
    if isinstance(layout, dict):
        start = {r.name: r.start for r in original.qregs}
        out = [-1] * original.num_qubits
        for (reg, idx), phys in layout.items():
            if reg in start:
                out[start[reg] + idx] = int(phys)
        if -1 in out:
            return None
        return out
    out = [int(p) for p in layout]
    return out if len(out) == original.num_qubits else None


def widen(circuit: Circuit, num_qubits: int) -> Circuit:
    """``circuit`` on ``num_qubits`` >= its own qubits (the extra ones idle)."""
    if num_qubits <= circuit.num_qubits:
        return circuit
    return circuit.replace(num_qubits=num_qubits)


def compact(circuit: Circuit, keep: list[int]) -> Circuit:
    """``circuit`` restricted to the qubits ``keep`` (renumbered 0..len-1 in that order)."""
    index = {q: i for i, q in enumerate(keep)}
    b = CircuitBuilder(len(keep), 0, name=circuit.name, gate_table=circuit.gate_table)
    b.global_phase = circuit.global_phase
    for op in circuit:
        b.append(op.name, tuple(index[q] for q in op.qubits), op.params)
    return b.build()


# ----------------------------------------------------------------------------------------
# the check


def check_equivalence(original: Circuit, compiled: Circuit, exported,
                      max_active: int = MAX_ACTIVE_QUBITS) -> Verdict:
    """Is ``compiled`` the ``original`` up to the compiler's layouts (and global phase), or
    at least the same program as measured?"""
    from ..errors import JinguError
    from ..simulate import equivalent
    from .oplist import opaque_gates

    unknown = opaque_gates(compiled)
    if unknown:
        return Verdict(None, f"not checked: jingu cannot simulate the compiler's "
                             f"{', '.join(unknown[:3])}")
    try:
        u, meas_in, _ = split_measurements(original)
        v, meas_out, early = split_measurements(compiled, copy_early=True)
    except NotUnitary as exc:
        return Verdict(None, f"not checked: {exc}")
    n, width = u.num_qubits, compiled.num_qubits
    initial = flat_layout(exported.initial_layout, original)
    final = flat_layout(exported.final_layout, original)
    meas_in = _by_register(meas_in, original, compiled)
    meas_out = _by_register(meas_out, compiled, original)
    for clbit in meas_in:
        if clbit not in meas_out:
            return Verdict(False, f"clbit {_bit_name(clbit)} is measured in the input but not "
                                  f"in the output")
    extra = sorted(set(meas_out) - set(meas_in), key=str)
    if extra:
        return Verdict(False, f"the output measures clbit {_bit_name(extra[0])}, the input "
                              f"does not")
    # where each measured virtual qubit is read at the end (terminal measurements only)
    at_end = {virt: meas_out[c] for c, virt in meas_in.items() if meas_out[c] < width}
    if final is not None:
        for virt, phys in sorted(at_end.items()):
            if final[virt] != phys:
                return Verdict(False, f"qubit {virt} is measured on physical {phys} but the "
                                      f"reported final layout puts it on {final[virt]}")
    elif len(at_end) == n:
        final = [at_end[q] for q in range(n)]
    unmeasured = sorted(set(range(n)) - set(meas_in.values()))
    if final is None and (early or unmeasured):
        return Verdict(None, "not checked: final layout unknown (none reported and not "
                             "every qubit measured at the end)")
    note = ""
    if initial is None:
        if early:
            return Verdict(None, "not checked: measurements moved earlier and no initial "
                                 "layout reported")
        active = sorted(set(v.qubits.tolist()) | set(final))
        if len(active) > max_active:
            return Verdict(None, f"not checked: {len(active)} active physical qubits")
        pos = {q: i for i, q in enumerate(active)}
        found, why = infer_initial_layout(u, compact(v, active), [pos[p] for p in final],
                                          up_to_diagonal=len(at_end) == n)
        if found is None and why == "wrong":
            return Verdict(False, "no initial layout makes the output equivalent (searched "
                                  "by simulation)")
        if found is None:
            return Verdict(None, "not checked: no layout reported and basis states do not "
                                 "single one out")
        initial = [active[i] for i in found]
        note = "initial layout inferred by simulation; "
    if not early:
        v = widen(v, max(initial + final) + 1)
        try:
            if equivalent(u, v, initial_layout=initial, final_layout=final):
                return Verdict(True, note.rstrip("; "))
        except JinguError as exc:
            return Verdict(None, f"not checked: {str(exc).splitlines()[0]}")
    if not meas_in:
        return Verdict(False, note + "not equivalent to the input")
    # measured programs: a diagonal gate just before a measurement may go, a qubit may be
    # measured early and reused; what must agree is what is measured (and the rest)
    verdict = equal_as_measured(u, meas_in, v, initial, meas_out,
                                {q: final[q] for q in unmeasured} if unmeasured else {})
    if verdict is None:
        return Verdict(None, f"not checked: {note}too many qubits to simulate as measured")
    if verdict:
        how = ("measurements moved earlier" if early
               else "equivalent up to diagonal gates before measurement")
        return Verdict(True, note + how)
    return Verdict(False, note + "not equivalent to the input as measured")


def infer_initial_layout(u: Circuit, v: Circuit, final: list[int],
                         up_to_diagonal: bool = False) -> tuple[list[int] | None, str]:
    """The initial layout under which ``v`` (on m >= n qubits, the others starting in |0>)
    maps each basis state |q> (qubit q set) of ``u`` like ``u`` does, read through
    ``final``.  Returns (layout, "") or (None, why); why is "wrong" when no layout can work.

    Amplitudes are matched first.  With ``up_to_diagonal`` (every qubit measured, so a
    diagonal gate before the measurements may have been dropped) output distributions are
    matched next, and only a unique match counts.  The full check follows either way."""
    from ..simulate import simulate

    n, m = u.num_qubits, v.num_qubits
    index = spread(final, m)
    expected = [simulate(u, basis_state(n, q)) for q in range(n)]
    images = [simulate(v, basis_state(m, p))[index] for p in range(m)]
    exact = [[p for p in range(m) if abs(np.vdot(expected[q], images[p])) > 1 - 1e-6]
             for q in range(n)]
    if all(len(c) == 1 for c in exact) and len({c[0] for c in exact}) == n:
        return [c[0] for c in exact], ""
    if not up_to_diagonal:
        return None, "wrong" if any(not c for c in exact) else "ambiguous"
    probs = [np.abs(x) ** 2 for x in images]
    loose = [[p for p in range(m)
              if np.abs(probs[p] - np.abs(expected[q]) ** 2).sum() < 1e-6] for q in range(n)]
    if any(not c for c in loose):
        return None, "wrong"
    if all(len(c) == 1 for c in loose) and len({c[0] for c in loose}) == n:
        return [c[0] for c in loose], ""
    return None, "ambiguous"


def equal_as_measured(u: Circuit, meas_in: dict, v: Circuit, initial: list[int],
                      readout: dict, final_unmeasured: dict[int, int], trials: int = 3,
                      seed: int = 0, max_qubits: int = 22, atol: float = 1e-8) -> bool | None:
    """Whether ``v`` is the program ``u`` as measured: on random input states (placed by
    ``initial``, other qubits of ``v`` in |0>), the states of (classical bits, unmeasured
    qubits) both programs leave behind have a root fidelity within ``atol`` of 1 (the
    overlap criterion of ``jingu.simulate.equivalent``, read for measured programs).

    Per value x of the classical bits, ``u`` leaves the unmeasured qubits in a pure
    (unnormalised) state a_x and ``v`` in a mixture of b_{x,e} over the traced-out qubits e;
    the root fidelity of the two classical-quantum states is sum_x sqrt(sum_e
    |<a_x|b_{x,e}>|^2).  ``meas_in`` maps clbit -> virtual qubit of ``u``; ``readout``
    clbit -> qubit of ``v`` holding its value at the end; ``final_unmeasured`` virtual ->
    qubit of ``v`` for the qubits nobody measures.  None when ``v`` would need more than
    ``max_qubits`` simulated qubits."""
    from ..simulate import simulate

    clbits = sorted(meas_in, key=str)
    unmeasured = sorted(final_unmeasured)
    n, k, w = u.num_qubits, len(clbits), len(unmeasured)
    active = sorted(set(_touched(v)) | set(initial) | {readout[c] for c in clbits}
                    | set(final_unmeasured.values()))
    m = len(active)
    if m > max_qubits:
        return None
    pos = {q: i for i, q in enumerate(active)}
    vc = compact(v, active)
    xs = np.arange(1 << n, dtype=np.int64)
    x_a = _gather(xs, [meas_in[c] for c in clbits])
    y_a = _gather(xs, unmeasured)
    xs = np.arange(1 << m, dtype=np.int64)
    x_b = _gather(xs, [pos[readout[c]] for c in clbits])
    y_b = _gather(xs, [pos[final_unmeasured[q]] for q in unmeasured])
    rest = sorted(set(range(m)) - {pos[readout[c]] for c in clbits}
                  - {pos[final_unmeasured[q]] for q in unmeasured})
    e_b = _gather(xs, rest)
    index_in = spread([pos[p] for p in initial], m)
    rng = np.random.default_rng(seed)
    for _ in range(trials):
        psi = rng.standard_normal(1 << n) + 1j * rng.standard_normal(1 << n)
        psi /= np.linalg.norm(psi)
        big = np.zeros(1 << m, dtype=complex)
        big[index_in] = psi
        a = np.zeros((1 << k, 1 << w), dtype=complex)
        a[x_a, y_a] = simulate(u, psi)
        b = np.zeros((1 << k, 1 << w, 1 << len(rest)), dtype=complex)
        b[x_b, y_b, e_b] = simulate(vc, big)
        overlaps = np.einsum("xy,xye->xe", a.conj(), b)
        root_fidelity = float(np.sqrt((np.abs(overlaps) ** 2).sum(axis=1)).sum())
        if 1.0 - root_fidelity > atol:
            return False
    return True


def _gather(index: np.ndarray, qubits) -> np.ndarray:
    """The integer whose bit j is qubit ``qubits[j]`` of each basis index."""
    out = np.zeros_like(index)
    for j, q in enumerate(qubits):
        out |= ((index >> q) & 1) << j
    return out


def _touched(circuit: Circuit) -> list[int]:
    return sorted(set(circuit.qubits.tolist()))


def basis_state(num_qubits: int, qubit: int) -> np.ndarray:
    """|0..1..0> with ``qubit`` set (bit q of the index is qubit q, as in jingu.simulate)."""
    state = np.zeros(1 << num_qubits, dtype=complex)
    state[1 << qubit] = 1.0
    return state


def spread(layout: list[int], num_qubits: int) -> np.ndarray:
    """Index among ``num_qubits`` qubits of each basis state of len(layout) qubits placed
    by ``layout`` (qubit q on ``layout[q]``, every other qubit 0)."""
    x = np.arange(1 << len(layout), dtype=np.int64)
    index = np.zeros_like(x)
    for q, p in enumerate(layout):
        index |= ((x >> q) & 1) << p
    return index
