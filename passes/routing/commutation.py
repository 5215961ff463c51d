"""In which basis each gate acts diagonally on each of its qubits: the commutation facts the
router uses to reorder gates.

A gate is Z-type on an operand when it commutes with Z there (diagonal gates, controls),
X-type when it commutes with X there (targets of cx, rx, sx).  Two gates that share only
qubits on which both are of the same type commute, so a run of such gates on a wire may be
routed in any order.  Types are read off the library's own matrices (at random angles, so
a type never depends on a parameter value) and cached per gate.
"""

from __future__ import annotations

import numpy as np
from jingu.circuit import Circuit
from jingu.gates import Gate, embed

NONE, Z_TYPE, X_TYPE = 0, 1, 2

_Z = np.diag([1.0, -1.0]).astype(complex)
_X = np.array([[0, 1], [1, 0]], dtype=complex)
_CACHE: dict[tuple[str, int], tuple[int, ...]] = {}


def operand_types(gate: Gate) -> tuple[int, ...]:
    """Per operand: Z_TYPE, X_TYPE or NONE."""
    key = (gate.name, id(gate))
    hit = _CACHE.get(key)
    if hit is None:
        hit = _CACHE[key] = _compute(gate)
    return hit


def _compute(gate: Gate) -> tuple[int, ...]:
    k = gate.num_qubits
    if not gate.is_unitary or gate.variadic or k == 0 or k > 3:
        return (NONE,) * k
    if gate.diagonal:
        return (Z_TYPE,) * k
    rng = np.random.default_rng(k)
    try:
        samples = [gate.matrix(tuple(rng.uniform(-3.0, 3.0, gate.num_params)))
                   for _ in range(2)]
    except (TypeError, ValueError, AttributeError, NotImplementedError):
        # a gate without a usable matrix commutes with nothing we can prove
        return (NONE,) * k
    types = []
    for j in range(k):
        z, x = embed(_Z, [j], k), embed(_X, [j], k)
        if all(np.allclose(m @ z, z @ m, atol=1e-10) for m in samples):
            types.append(Z_TYPE)
        elif all(np.allclose(m @ x, x @ m, atol=1e-10) for m in samples):
            types.append(X_TYPE)
        else:
            types.append(NONE)
    return tuple(types)


def slot_types(circuit: Circuit) -> np.ndarray:
    """The type of every qubit operand slot of the circuit (conditioned ops: NONE)."""
    width = max((g.num_qubits for g in circuit.gate_table), default=0)
    table = np.zeros((len(circuit.gate_table), max(width, 1)), dtype=np.int64)
    used = np.unique(circuit.opcodes)
    for code in used.tolist():
        types = operand_types(circuit.gate_table[code])
        table[code, : len(types)] = types
    arity = circuit.arity()
    op_of_slot = np.repeat(np.arange(len(circuit)), arity)
    position = np.arange(len(circuit.qubits)) - np.repeat(circuit.qubit_ptr[:-1], arity)
    position = np.minimum(position, table.shape[1] - 1)
    out = table[circuit.opcodes[op_of_slot], position] if len(op_of_slot) else \
        np.zeros(0, dtype=np.int64)
    fixed_arity = np.array([g.num_qubits for g in circuit.gate_table])[circuit.opcodes]
    odd = (circuit.cond_width != 0) | (fixed_arity != arity)
    out[odd[op_of_slot]] = NONE
    return out.astype(np.int64)
