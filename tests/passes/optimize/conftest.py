"""Helpers of the optimisation tests (handed out as the ``kit`` fixture): build circuits,
run passes, compare by simulation."""

from __future__ import annotations

import numpy as np
import pytest

from jingu.circuit import CircuitBuilder
from jingu.passes.translate import translate
from jingu.passmanager import PassContext
from jingu.random_circuits import random_circuit
from jingu.registry import build_pipeline
from jingu.simulate import simulate
from jingu.targets import load_target, resolve_basis

WUKONG_BASIS = frozenset(resolve_basis("wukong")) | {"measure", "barrier", "reset", "delay"}


@pytest.fixture(scope="session")
def wukong():
    return load_target("wukong72")


def circuit(num_qubits: int, ops, num_clbits: int = 0):
    """A circuit from (name, qubits, params[, clbits]) tuples."""
    b = CircuitBuilder(num_qubits, num_clbits)
    for op in ops:
        name, qubits, *rest = op
        params = rest[0] if rest else ()
        clbits = rest[1] if len(rest) > 1 else ()
        b.append(name, qubits, params, clbits)
    return b.build()


def wukong_circuit(num_qubits: int, num_gates: int, seed: int):
    """A random circuit of library gates and its translation to rphi, rz, cz."""
    c = random_circuit(num_qubits, num_gates, seed=seed)
    return c, translate(c, WUKONG_BASIS)


def run_pass(spec: str, c, target=None, **ctx_kw):
    """Run the passes of a pipeline string directly (no fact checks)."""
    ctx = PassContext(target=target, **ctx_kw)
    for p in build_pipeline(spec):
        c = p.run(c, ctx)
    return c


def probabilities(c, state) -> np.ndarray:
    return np.abs(simulate(c, state)) ** 2


def random_state(num_qubits: int, rng) -> np.ndarray:
    v = rng.standard_normal(1 << num_qubits) + 1j * rng.standard_normal(1 << num_qubits)
    return v / np.linalg.norm(v)


def same_arrays(a, b) -> bool:
    """Byte-identical circuits (the columns that define the output)."""
    cols = ("opcodes", "qubit_ptr", "qubits", "param_ptr", "params", "param_expr",
            "clbit_ptr", "clbits")
    return all(np.array_equal(getattr(a, k), getattr(b, k), equal_nan=True) for k in cols) \
        and a.expressions == b.expressions and a.global_phase == b.global_phase


class Kit:
    circuit = staticmethod(circuit)
    wukong_circuit = staticmethod(wukong_circuit)
    run = staticmethod(run_pass)
    probabilities = staticmethod(probabilities)
    random_state = staticmethod(random_state)
    same = staticmethod(same_arrays)
    basis = WUKONG_BASIS


@pytest.fixture(scope="session")
def kit() -> Kit:
    return Kit()
