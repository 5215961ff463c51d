"""The example plugin's merge-rz pass keeps every circuit's meaning (by simulation) and
leaves at most one rz per wire between non-diagonal operations."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest
from jingu.circuit import CircuitBuilder, Condition
from jingu.gates import GATES
from jingu.params import Symbol
from jingu.passmanager import PassContext
from jingu.registry import load_pass

from .support import EXAMPLE, circuit_unitary

ONE_Q = ["rz", "rz", "rz", "rz", "rz", "h", "sx", "s", "t", "x", "rphi", "p"]
TWO_Q = ["cz", "cz", "rzz", "cp", "cx", "crz"]


@pytest.fixture
def merge_rz(mylab):
    return load_pass("merge-rz")


def random_circuit(rng, n=4, size=60):
    b = CircuitBuilder(n)
    for _ in range(size):
        if rng.random() < 0.35:
            name = TWO_Q[rng.integers(len(TWO_Q))]
            qubits = tuple(int(q) for q in rng.choice(n, 2, replace=False))
        else:
            name = ONE_Q[rng.integers(len(ONE_Q))]
            qubits = (int(rng.integers(n)),)
        params = tuple(float(x) for x in rng.uniform(-7, 7, GATES[name].num_params))
        if name == "rz" and rng.random() < 0.2:  # whole turns: these must vanish
            params = (2 * math.pi * int(rng.integers(-2, 3)),)
        b.append(name, qubits, params)
    return b.build()


def rz_chains_left(circuit) -> int:
    """Pairs of rz on one wire with only diagonal gates between them."""
    gates = {g.name: g for g in circuit.gate_table}
    seen_rz: dict[int, bool] = {}
    pairs = 0
    for op in circuit:
        gate = gates[op.name]
        for q in op.qubits:
            if op.name == "rz":
                pairs += seen_rz.get(q, False)
                seen_rz[q] = True
            elif not gate.diagonal:
                seen_rz[q] = False
    return pairs


@pytest.mark.parametrize("seed", range(12))
def test_merge_rz_keeps_the_unitary_and_leaves_one_rz_per_diagonal_stretch(merge_rz, seed):
    rng = np.random.default_rng(seed)
    circuit = random_circuit(rng)
    out = merge_rz().run(circuit, PassContext())
    assert np.allclose(circuit_unitary(out), circuit_unitary(circuit), atol=1e-9)
    assert rz_chains_left(circuit) > 0  # the input had something to merge
    assert rz_chains_left(out) == 0
    assert out.count_ops().get("rz", 0) < circuit.count_ops()["rz"]


def test_whole_turns_vanish_into_the_global_phase(merge_rz):
    b = CircuitBuilder(2)
    b.append("rz", (0,), (math.pi,))
    b.append("cz", (0, 1))
    b.append("rz", (0,), (math.pi,))  # rz(2 pi) = -I
    b.append("h", (1,))
    circuit = b.build()
    out = merge_rz().run(circuit, PassContext())
    assert "rz" not in out.count_ops()
    assert math.isclose(float(out.global_phase) % (2 * math.pi), math.pi)
    assert np.allclose(circuit_unitary(out), circuit_unitary(circuit), atol=1e-12)


def test_symbolic_angles_add_up_symbolically(merge_rz):
    theta, phi = Symbol("theta"), Symbol("phi")
    b = CircuitBuilder(2)
    b.append("rz", (0,), (theta,))
    b.append("cz", (0, 1))
    b.append("rz", (0,), (phi,))
    b.append("rz", (0,), (0.5,))
    b.append("h", (0,))
    circuit = b.build()
    out = merge_rz().run(circuit, PassContext())
    assert out.count_ops()["rz"] == 1
    assert set(out.parameters) == {"theta", "phi"}
    for values in ({"theta": 0.3, "phi": -1.1}, {"theta": 2.0, "phi": 5.0}):
        assert np.allclose(circuit_unitary(out.bind(values)),
                           circuit_unitary(circuit.bind(values)), atol=1e-12)


def test_barriers_measurements_and_conditions_stop_the_merging(merge_rz):
    b = CircuitBuilder(2, 1)
    b.append("rz", (0,), (0.1,))
    b.append("barrier", (0, 1))
    b.append("rz", (0,), (0.2,))
    b.append("measure", (0,), (), (0,))
    b.append("rz", (0,), (0.3,))
    b.append("rz", (0,), (0.4,), condition=Condition(0, 1, 1))
    b.append("rz", (0,), (0.5,))
    circuit = b.build()
    out = merge_rz().run(circuit, PassContext())
    assert [(op.name, op.params) for op in out] == [
        ("rz", (0.1,)), ("barrier", ()), ("rz", (0.2,)), ("measure", ()), ("rz", (0.3,)),
        ("rz", (0.4,)), ("rz", (0.5,))]
    assert out.operation(5).condition == Condition(0, 1, 1)


def test_without_through_diagonal_only_adjacent_rz_merge(merge_rz):
    b = CircuitBuilder(2)
    b.append("rz", (0,), (0.1,))
    b.append("rz", (0,), (0.2,))
    b.append("cz", (0, 1))
    b.append("rz", (0,), (0.3,))
    circuit = b.build()
    out = merge_rz(through_diagonal=False).run(circuit, PassContext())
    assert [op.name for op in out] == ["rz", "cz", "rz"]
    assert np.allclose(circuit_unitary(out), circuit_unitary(circuit), atol=1e-12)
    assert [op.name for op in merge_rz().run(circuit, PassContext())] == ["cz", "rz"]


def test_the_example_plugins_own_tests_pass_against_this_jingu(mylab_site):
    """What docs/plugins.md tells plugin authors to do works: their pytest suite runs."""
    env = dict(os.environ, PYTHONPATH=str(mylab_site), PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--rootdir", str(EXAMPLE), str(EXAMPLE / "tests")],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
