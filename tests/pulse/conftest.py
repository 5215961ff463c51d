"""Shared fixtures of the pulse tests: the built-in chip and random native circuits."""

from __future__ import annotations

import numpy as np
import pytest

from jingu.circuit import CircuitBuilder
from jingu.targets import load_target


@pytest.fixture(scope="session")
def wukong():
    return load_target("wukong72")


def random_native(target, qubits, num_ops, seed, *, measure=False, cz_weight=0.3):
    """Random rphi / rz / cz on ``qubits`` of ``target`` (cz only on their live couplers),
    on a circuit as wide as the chip: a compiled circuit's shape."""
    rng = np.random.default_rng(seed)
    pairs = [(a, b) for a in qubits for b in qubits if a < b and target.is_coupled(a, b)]
    b = CircuitBuilder(target.num_qubits, target.num_qubits)
    for _ in range(num_ops):
        r = rng.random()
        if pairs and r < cz_weight:
            a, c = pairs[rng.integers(len(pairs))]
            b.append("cz", [a, c] if rng.random() < 0.5 else [c, a])
        elif r < cz_weight + (1 - cz_weight) / 2:
            b.append("rphi", [int(rng.choice(qubits))],
                     [float(rng.uniform(-7, 7)), float(rng.uniform(-7, 7))])
        else:
            b.append("rz", [int(rng.choice(qubits))], [float(rng.uniform(-7, 7))])
    if measure:
        for k, q in enumerate(qubits):
            b.append("measure", [q], clbits=[k])
    return b.build()


@pytest.fixture(scope="session")
def make_native():
    return random_native
