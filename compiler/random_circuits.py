"""Random circuits of library gates, the common input of property tests and benchmarks.

Same arguments, same seed: the same circuit, in any process.
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from .circuit import Circuit, CircuitBuilder
from .errors import InputError, suggest
from .gates import GATES, LIBRARY


def random_circuit(num_qubits: int, num_gates: int | None = None, seed: int = 0,
                   gates: Iterable[str] | None = None, *, depth: int | None = None) -> Circuit:
    """A circuit of uniformly drawn library gates on random distinct qubits.

    Give either ``num_gates`` (gates placed one by one on random qubits) or ``depth``
    (that many layers, each covering every qubit once with gates on disjoint qubits, so
    the circuit's depth is exactly ``depth`` when one-qubit gates are among ``gates``).
    ``gates`` names the gates to draw from; the default is every unitary library gate
    that fits on ``num_qubits``.  Angles are uniform in [-2*pi, 2*pi).
    """
    if (num_gates is None) == (depth is None):
        raise InputError("random_circuit needs exactly one of num_gates and depth")
    if num_qubits < 1:
        raise InputError("random_circuit needs at least one qubit")
    pool = _gate_pool(num_qubits, gates)
    rng = np.random.default_rng(seed)
    out = CircuitBuilder(name=f"random_{num_qubits}_{seed}")
    out.add_qreg("q", num_qubits)
    arity = np.array([g.num_qubits for g in pool])
    if num_gates is not None:
        picks = rng.integers(len(pool), size=num_gates)
        draws = rng.random((num_gates, int(arity.max())))
        for i, gi in enumerate(picks.tolist()):
            gate = pool[gi]
            out.append(gate.name, _distinct(draws[i], gate.num_qubits, num_qubits),
                       _angles(rng, gate.num_params))
        return out.build()
    for _ in range(depth):
        order = rng.permutation(num_qubits).tolist()
        pos = 0
        while pos < num_qubits:
            fits = np.nonzero(arity <= num_qubits - pos)[0]
            if not len(fits):
                break
            gate = pool[int(fits[rng.integers(len(fits))])]
            out.append(gate.name, order[pos:pos + gate.num_qubits],
                       _angles(rng, gate.num_params))
            pos += gate.num_qubits
    return out.build()


def _gate_pool(num_qubits: int, gates) -> list:
    if gates is None:
        pool = [g for g in LIBRARY if g.is_unitary and g.num_qubits <= num_qubits]
    else:
        pool = []
        for name in gates:
            gate = GATES.get(name)
            if gate is None:
                hint = suggest(name, GATES)
                raise InputError(f"unknown gate '{name}'" + (f"; {hint}" if hint else ""))
            if not gate.is_unitary:
                raise InputError(f"'{name}' is not a unitary gate; random circuits use gates only")
            if gate.num_qubits <= num_qubits:
                pool.append(gate)
    if not pool:
        raise InputError(f"no gate to draw from fits on {num_qubits} qubit(s)")
    return pool


def _distinct(draw: np.ndarray, k: int, n: int) -> list[int]:
    """k distinct qubits of n from k uniform numbers (sampling without replacement)."""
    chosen: list[int] = []
    for i in range(k):
        r = int(draw[i] * (n - i))
        for c in sorted(chosen):  # the r-th qubit not chosen yet
            if r >= c:
                r += 1
        chosen.append(r)
    return chosen


def _angles(rng, count: int) -> list[float]:
    if not count:
        return []
    return rng.uniform(-2 * math.pi, 2 * math.pi, size=count).tolist()
