"""Ground truth for the synthesis tests: Haar-random unitaries and step products (numpy)."""

from __future__ import annotations

import numpy as np
import pytest

from jingu.gates import GATES


def haar_unitary(n: int, rng: np.random.Generator) -> np.ndarray:
    """Haar-random n x n unitary: QR of a complex Gaussian, R's diagonal phases removed."""
    z = (rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))) / np.sqrt(2)
    q, r = np.linalg.qr(z)
    d = np.diagonal(r)
    return q * (d / np.abs(d))


def steps_matrix(steps, phase: float, num_qubits: int) -> np.ndarray:
    """exp(1j phase) times the product of library gate matrices (first step applied first;
    qubit 0 most significant)."""
    dim = 1 << num_qubits
    total = np.eye(dim, dtype=complex)
    for name, qubits, params in steps:
        m = GATES[name].matrix(params)
        if len(qubits) == num_qubits:
            full = m if list(qubits) == sorted(qubits) else _swap_operands(m)
        else:
            full = np.kron(m, np.eye(2)) if qubits == (0,) else np.kron(np.eye(2), m)
        total = full @ total
    return np.exp(1j * phase) * total


def _swap_operands(m: np.ndarray) -> np.ndarray:
    swap = GATES["swap"].matrix(())
    return swap @ m @ swap


class Tools:
    """Helpers handed to tests (a session fixture, so hypothesis tests may use it)."""

    haar = staticmethod(haar_unitary)
    product = staticmethod(steps_matrix)

    @staticmethod
    def local(rng) -> np.ndarray:
        return np.kron(haar_unitary(2, rng), haar_unitary(2, rng))


@pytest.fixture(scope="session")
def tools() -> Tools:
    return Tools()
