"""remove-diagonal-before-measure: keeps measurement statistics, not the statevector."""

from __future__ import annotations

import numpy as np

from jingu.circuit import CircuitBuilder
from jingu.passes.optimize.measure import RemoveDiagonalBeforeMeasure
from jingu.random_circuits import random_circuit
from jingu.simulate import equivalent

SPEC = "remove-diagonal-before-measure"


def _measured(c, qubits=None):
    b = CircuitBuilder(c.num_qubits, c.num_qubits)
    b.append_circuit(c)
    for q in range(c.num_qubits) if qubits is None else qubits:
        b.append("measure", (q,), (), (q,))
    return b.build()


def test_declares_what_it_preserves():
    assert RemoveDiagonalBeforeMeasure.preserves == "measurement"


def test_hand_made_cases(kit):
    c = kit.circuit(3, [("h", (0,)), ("h", (1,)), ("rz", (0,), (0.3,)), ("cz", (0, 1)),
                        ("t", (1,)), ("cz", (1, 2)), ("measure", (0,), (), (0,)),
                        ("measure", (1,), (), (1,)), ("h", (2,))], num_clbits=2)
    out = kit.run(SPEC, c)
    # rz, cz(0,1), t go; cz(1,2) stays because qubit 2 is used again, not measured
    assert out.count_ops() == {"h": 3, "cz": 1, "measure": 2}
    barrier = kit.circuit(1, [("h", (0,)), ("rz", (0,), (0.3,)), ("barrier", (0,)),
                              ("measure", (0,), (), (0,))], num_clbits=1)
    assert kit.run(SPEC, barrier) is barrier
    nothing_measured = kit.circuit(1, [("h", (0,)), ("rz", (0,), (0.3,))])
    assert kit.run(SPEC, nothing_measured) is nothing_measured


def test_measurement_probabilities_are_kept(kit):
    rng = np.random.default_rng(8)
    changed = 0
    for seed in range(15):
        n = 2 + seed % 4
        body = random_circuit(n, 25, seed=seed)
        tail = random_circuit(n, 12, seed=50 + seed, gates=["rz", "cz", "p", "t", "crz", "s"])
        b = CircuitBuilder(n)
        b.append_circuit(body)
        b.append_circuit(tail)
        c = _measured(b.build())
        out = kit.run(SPEC, c)
        assert len(out) < len(c)
        state = kit.random_state(n, rng)
        assert np.allclose(kit.probabilities(c, state), kit.probabilities(out, state),
                           atol=1e-10)
        changed += not equivalent(c, out)
    assert changed > 10  # the statevectors do differ: only the statistics are kept


def test_partially_measured_circuits(kit):
    rng = np.random.default_rng(1)
    c = kit.circuit(3, [("h", (0,)), ("h", (1,)), ("h", (2,)), ("cz", (0, 1)),
                        ("cz", (1, 2)), ("rz", (2,), (0.4,)), ("measure", (2,), (), (0,)),
                        ("measure", (1,), (), (1,))], num_clbits=2)
    out = kit.run(SPEC, c)
    assert out.count_ops() == {"h": 3, "cz": 1, "measure": 2}  # cz(0,1) stays: q0 lives on
    state = kit.random_state(3, rng)
    assert np.allclose(kit.probabilities(c, state), kit.probabilities(out, state))
