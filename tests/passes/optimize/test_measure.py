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


# ----------------------------------------------------------------------------------------
# defer-measurements


def _clbit_distribution(c) -> np.ndarray:
    """The joint distribution of the clbits, by the principle of deferred measurement:
    each measurement becomes a CNOT onto a fresh qubit for its clbit (read at the end)."""
    from jingu.simulate import simulate

    n, m = c.num_qubits, c.num_clbits
    b = CircuitBuilder(n + m)
    for op in c:
        if op.name == "measure":
            b.append("cx", (op.qubits[0], n + op.clbits[0]))
        else:
            b.append(op.name, op.qubits, op.params)
    probs = np.abs(simulate(b.build())) ** 2
    return probs.reshape(1 << n, 1 << m).sum(axis=0)


def _routed_like(n: int, rng):
    """A circuit over n qubits as a router writes it: gates on the qubits holding their
    contents, swaps moving contents around, each content measured once when it is done
    (and swapped on afterwards)."""
    where = list(range(n))  # content -> qubit
    done: set[int] = set()
    b = CircuitBuilder(n, n)
    for _ in range(12 * n):
        live = [v for v in range(n) if v not in done]
        r = rng.random()
        if r < 0.25:
            a, c = (int(x) for x in rng.choice(n, 2, replace=False))
            b.append("swap", (a, c))
            where = [c if p == a else a if p == c else p for p in where]
        elif r < 0.33 and len(live) > 1:
            v = int(rng.choice(live))
            b.append("measure", (where[v],), (), (v,))
            done.add(v)
        elif len(live) >= 2 and r < 0.7:
            u, v = (int(x) for x in rng.choice(live, 2, replace=False))
            b.append("cz" if r < 0.5 else "cx", (where[u], where[v]))
        elif live:
            v = int(rng.choice(live))
            b.append("rx" if r < 0.85 else "h", (where[v],), (0.7,) if r < 0.85 else ())
    for v in range(n):
        if v not in done:
            b.append("measure", (where[v],), (), (v,))
    return b.build()


def test_defer_measurements_keeps_the_statistics(kit):
    from jingu.passes.optimize.measure import DeferMeasurements, defer_measurements

    assert DeferMeasurements.preserves == "measurement"
    rng = np.random.default_rng(3)
    moved = 0
    for trial in range(20):
        c = _routed_like(3 + trial % 3, rng)
        out = defer_measurements(c)
        assert out.count_ops() == c.count_ops()
        assert np.abs(_clbit_distribution(out) - _clbit_distribution(c)).sum() < 1e-10
        moved += out is not c
        # moved measurements join the measurements at the very end
        assert _trailing_measurements(out) >= _trailing_measurements(c)
    assert moved >= 10


def _trailing_measurements(c) -> int:
    names = [op.name for op in c]
    return len(names) - max((i + 1 for i, x in enumerate(names) if x != "measure"),
                            default=0)


def test_defer_measurements_stops_at_later_uses(kit):
    from jingu.passes.optimize.measure import defer_measurements

    # the measured content is used again (rx after the swap), the clbit is rewritten, or
    # nothing follows: the measurement stays
    used = kit.circuit(2, [("h", (0,)), ("measure", (0,), (), (0,)), ("swap", (0, 1)),
                           ("rx", (1,), (0.3,))], num_clbits=1)
    assert defer_measurements(used) is used
    rewritten = kit.circuit(2, [("h", (0,)), ("measure", (0,), (), (0,)), ("swap", (0, 1)),
                                ("measure", (0,), (), (0,))], num_clbits=1)
    assert [op.qubits for op in defer_measurements(rewritten) if op.name == "measure"] \
        == [(0,), (0,)]
    last = kit.circuit(1, [("h", (0,)), ("measure", (0,), (), (0,))], num_clbits=1)
    assert defer_measurements(last) is last
    # swapped away after the measurement: measured where the swap leaves it, at the end
    swapped = kit.circuit(3, [("h", (0,)), ("cz", (0, 1)), ("measure", (0,), (), (0,)),
                              ("swap", (0, 2)), ("cz", (0, 1))], num_clbits=1)
    out = defer_measurements(swapped)
    assert [(op.name, op.qubits) for op in out][-2:] == [("cz", (0, 1)), ("measure", (2,))]
