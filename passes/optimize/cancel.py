"""Cancellation of inverse pairs that commutation brings together, and of identities.

Two gates commute when, on every qubit they share, both commute with Z (diagonal there:
cz, rz, the control of cx) or both with X (the target of cx, rx, x).  So ``cz . rz . cz``
on one pair cancels its CZs, and ``cx(a,b) . cx(c,b) . cx(a,b)`` its outer CNOTs.  For each
gate the kernel walks back along its wires through gates it commutes with, looking for its
inverse (the library's inverse rule, operands in the same order or either order for
symmetric gates; for numeric one-qubit gates, any gate whose product with it is a phase),
and removes both.  Numeric gates that are a phase times the identity (``rz(0)``,
``rphi(0, p)``, ``u3(0, 0, 0)``, ``crz(0)``) are removed with their phase kept.
"""

from __future__ import annotations

import numpy as np

from jingu.circuit import Circuit
from jingu.passmanager import Pass

from .matrices import DEFAULT_ATOL, EXACT_TOL, is_identity, one_qubit_types
from .rewrite import Rewrite
from .runs import Matrices, op_facts, table_facts


class CancelInverses(Pass):
    """Cancel inverse pairs that commutation brings together, and drop identities.

    Pairs: cz.cz, h.h, cz.rz.cz, cx(a,b).cx(c,b).cx(a,b), ...; identities: rz(0),
    rphi(0, p), ...

    ``lookback`` bounds how many gates a search passes on one wire; a pair or gate within
    ``atol`` of the identity (matrix entries, up to a phase) counts as one.
    """

    name = "cancel-inverses"
    lookback: int = 64
    atol: float = 1e-9

    def run(self, circuit: Circuit, ctx) -> Circuit:
        return cancel_inverses(circuit, self.lookback, self.atol)


def cancel_inverses(circuit: Circuit, lookback: int = 64,
                    atol: float = DEFAULT_ATOL) -> Circuit:
    from .kernels import cancel

    n = len(circuit)
    if not n:
        return circuit
    facts = op_facts(circuit)
    table = facts.table
    codes = circuit.opcodes
    arity = facts.arity
    plain = facts.whole & (arity >= 1) & (arity <= 2)

    one = facts.batch & (arity == 1)
    # fixed two-qubit gates (cz, swap, ...) are never the identity: only parametrised ones
    # need a matrix
    two = facts.batch & (arity == 2) & (table.num_params[codes] > 0)
    mats = Matrices(circuit, np.nonzero(one | two)[0], arity)
    drop = np.zeros(n, np.bool_)
    drop_phase = np.zeros(n)
    for sel, m in ((np.nonzero(one)[0], mats.one), (np.nonzero(two)[0], mats.two)):
        if len(sel):
            mask, phase = is_identity(m, atol)
            drop[sel[mask]] = True
            drop_phase[sel[mask]] = phase[mask]

    kind = np.zeros(n, np.int8)
    kind[plain & (one | facts.symbolic | (arity == 2))] = 2
    kind[one] = 1

    # commutation types per operand slot
    types = np.where(plain[facts.slot_op], facts.types, 0)
    one_ops = np.nonzero(one)[0]
    one_types = one_qubit_types(mats.one, EXACT_TOL)
    types[circuit.qubit_ptr[one_ops]] = one_types[mats.mat_of[one_ops]]

    key, invkey = _keys(circuit, np.nonzero(kind == 2)[0])
    symmetric = table.symmetric(codes)
    keep, phase = cancel(circuit.num_qubits, circuit.qubit_ptr, circuit.qubits, kind, types,
                         key, invkey, symmetric, mats.mat_of, mats.one, drop, drop_phase,
                         int(lookback), atol)
    if keep.all():
        return circuit
    out = Rewrite(circuit)
    out.drop(~keep)
    out.add_phase(float(phase))
    return out.build()


def _keys(circuit: Circuit, ops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer keys with key[h] == invkey[i] exactly when h is the library inverse of i
    (same gate table, parameters equal as numbers or as expressions)."""
    n = len(circuit)
    key = np.full(n, -1, np.int64)
    invkey = np.full(n, -2, np.int64)
    ids: dict = {}
    table = circuit.gate_table
    facts = table_facts(table)
    codes = facts.codes
    ops = np.asarray(ops, dtype=np.int64)
    nparams = facts.num_params[circuit.opcodes[ops]]
    fixed = ops[nparams == 0]
    fixed_codes = circuit.opcodes[fixed].astype(np.int64)
    for code in np.unique(fixed_codes).tolist():
        sel = fixed[fixed_codes == code]
        key[sel] = ids.setdefault((code, ()), len(ids))
        inv = table[code].inverse(())
        if inv is not None and inv[0] in codes and not inv[1]:
            invkey[sel] = ids.setdefault((codes[inv[0]], ()), len(ids))
    for i in ops[nparams > 0].tolist():
        gate = table[circuit.opcodes[i]]
        params = circuit.op_params(i)
        key[i] = ids.setdefault((int(circuit.opcodes[i]), params), len(ids))
        try:
            inv = gate.inverse(params)
        except Exception:  # an inverse rule that cannot take these parameters
            inv = None
        if inv is not None and inv[0] in codes:
            invkey[i] = ids.setdefault((codes[inv[0]], tuple(inv[1])), len(ids))
    return key, invkey
