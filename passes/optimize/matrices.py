"""Gate matrices for many operations at once, and the facts the optimisers read from them.

No matrix is written here.  Every parametrised library gate's matrix is a trigonometric
polynomial of its half angles with frequencies -2..2 (``cos(t/2)``, ``e^{i lam}``, ...), so
sampling the library's own matrix on a 5-point grid per parameter gives its coefficients
exactly (a discrete Fourier transform); the fit is checked at random points and cached per
gate.  One numba call then evaluates the matrices of all operations of a gate from the
parameter column.  A gate that does not fit (a program-defined gate with larger
frequencies) falls back to one library call per distinct parameter tuple.

From the same matrices: whether a gate commutes with Z or with X on each operand (what
lets gates move past each other), whether a two-qubit gate is symmetric in its operands,
and how many CZ a two-qubit gate is worth.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from jingu.gates import GATES, Gate, fixed_matrix

#: frequencies (in half angles) of the fitted polynomials, and the sampling grid
_FREQS = np.arange(-2, 3)
_GRID = 4.0 * math.pi * np.arange(5) / 5.0
#: coefficients below this are dropped; a fit must reproduce the gate to FIT_TOL
_DROP = 1e-14
FIT_TOL = 1e-11

#: commutation types of an operand (bit flags): the gate commutes with Z / with X there
ZTYPE, XTYPE = 1, 2
#: the passes' default approximation: a change of the unitary smaller than this (operator
#: norm, up to a phase) counts as none -- far below any gate's physical error, and the
#: tolerance ``num_cz_needed`` names a unitary's class with.  0 keeps results exact to
#: rounding.
DEFAULT_ATOL = 1e-9
#: the tolerance of facts that must hold exactly (commutation types)
EXACT_TOL = 1e-12


class Fit:
    """``matrix(p) = sum_t coef[t] * exp(i/2 * freq[t] . p)`` for one gate."""

    __slots__ = ("coef", "freq")

    def __init__(self, freq: np.ndarray, coef: np.ndarray):
        self.freq = freq
        self.coef = coef


@lru_cache(maxsize=1024)
def fit(gate: Gate) -> Fit | None:
    """The fitted polynomial of a unitary gate (None when the gate does not fit)."""
    k = gate.num_params
    dim = 1 << gate.num_qubits
    if k == 0:
        m = fixed_matrix(gate.name) if GATES.get(gate.name) is gate else gate.matrix(())
        return Fit(np.zeros((1, 0), np.int64), np.asarray(m, np.complex128).reshape(1, dim, dim))
    if k > 4:
        return None
    grid = np.stack(np.meshgrid(*([_GRID] * k), indexing="ij"), -1).reshape(-1, k)
    try:
        samples = np.array([gate.matrix(tuple(p)) for p in grid.tolist()])
    except Exception:  # an opaque or broken gate: no batch path
        return None
    freqs = np.stack(np.meshgrid(*([_FREQS] * k), indexing="ij"), -1).reshape(-1, k)
    # coef[f] = mean over the grid of M(p) e^{-i f.p/2}
    phases = np.exp(-0.5j * grid @ freqs.T)  # (samples, freqs)
    coef = np.einsum("sf,sij->fij", phases, samples) / len(grid)
    big = np.abs(coef).reshape(len(freqs), -1).max(axis=1) > _DROP
    result = Fit(np.ascontiguousarray(freqs[big]), np.ascontiguousarray(coef[big]))
    rng = np.random.default_rng(7)
    for p in rng.uniform(-7.0, 7.0, size=(3, k)):
        if np.abs(_evaluate(result, p[None, :])[0] - gate.matrix(tuple(p))).max() > FIT_TOL:
            return None
    return result


def _evaluate(f: Fit, params: np.ndarray) -> np.ndarray:
    from .kernels import eval_fit

    return eval_fit(np.ascontiguousarray(params, dtype=np.float64), f.freq, f.coef)


def op_params(circuit, ops: np.ndarray, k: int) -> np.ndarray:
    """(len(ops), k) numeric parameters of operations that all take ``k`` parameters."""
    lo = circuit.param_ptr[ops].astype(np.int64)
    return circuit.params[lo[:, None] + np.arange(k)]


def op_matrices(circuit, ops: np.ndarray, dim: int) -> np.ndarray:
    """Matrices (len(ops), dim, dim) of numeric unitary operations of ``dim``x``dim``."""
    ops = np.asarray(ops, dtype=np.int64)
    out = np.empty((len(ops), dim, dim), np.complex128)
    if not len(ops):
        return out
    codes = circuit.opcodes[ops]
    for code in np.unique(codes).tolist():
        gate = circuit.gate_table[code]
        where = np.nonzero(codes == code)[0]
        f = fit(gate)
        k = gate.num_params
        if f is not None and k == 0:
            out[where] = f.coef[0]
        elif f is not None:
            out[where] = _evaluate(f, op_params(circuit, ops[where], k))
        else:
            values = op_params(circuit, ops[where], k)
            cache: dict = {}
            for j, row in zip(where.tolist(), map(tuple, values.tolist())):
                m = cache.get(row)
                if m is None:
                    m = cache[row] = gate.matrix(row)
                out[j] = m
    return out


# ----------------------------------------------------------------------------------------
# facts read from the matrices


_Z = np.diag([1.0 + 0j, -1.0])
_X = np.array([[0, 1], [1, 0]], dtype=complex)


def _kron_at(m: np.ndarray, pos: int, n: int) -> np.ndarray:
    out = np.ones((1, 1), complex)
    for j in range(n):
        out = np.kron(out, m if j == pos else np.eye(2))
    return out


def matrix_types(m: np.ndarray, tol: float = 1e-9) -> tuple[int, ...]:
    """Per operand: ZTYPE if ``m`` commutes with Z there, XTYPE if with X (bit flags)."""
    n = int(round(math.log2(m.shape[0])))
    out = []
    for pos in range(n):
        t = 0
        for flag, p in ((ZTYPE, _Z), (XTYPE, _X)):
            e = _kron_at(p, pos, n)
            if np.abs(m @ e - e @ m).max() <= tol:
                t |= flag
        out.append(t)
    return tuple(out)


def _samples(gate: Gate) -> list[np.ndarray]:
    if gate.num_params == 0:
        return [np.asarray(gate.matrix(()))]
    rng = np.random.default_rng(11)
    return [np.asarray(gate.matrix(tuple(p)))
            for p in rng.uniform(-7.0, 7.0, size=(3, gate.num_params))]


@lru_cache(maxsize=1024)
def gate_types(gate: Gate) -> tuple[int, ...]:
    """Commutation types per operand that hold for every parameter value (0 for
    instructions and gates without a matrix)."""
    if not gate.is_unitary or gate.num_qubits == 0:
        return (0,) * gate.num_qubits
    try:
        samples = _samples(gate)
    except Exception:
        return (0,) * gate.num_qubits
    types = [15] * gate.num_qubits
    for m in samples:
        types = [a & b for a, b in zip(types, matrix_types(m))]
    return tuple(types)


_SWAP = fixed_matrix("swap")


@lru_cache(maxsize=1024)
def is_symmetric(gate: Gate) -> bool:
    """Whether a two-qubit gate is the same with its operands exchanged (cz, swap, cp)."""
    if not gate.is_unitary or gate.num_qubits != 2:
        return False
    try:
        return all(np.abs(_SWAP @ m @ _SWAP - m).max() <= 1e-12 for m in _samples(gate))
    except Exception:
        return False


def one_qubit_types(mats: np.ndarray, tol: float = 1e-12) -> np.ndarray:
    """Commutation type of each 2x2 matrix (vectorised): Z when diagonal, X when it
    commutes with X (equal diagonal and equal off-diagonal entries)."""
    a, b, c, d = mats[:, 0, 0], mats[:, 0, 1], mats[:, 1, 0], mats[:, 1, 1]
    z = (np.abs(b) <= tol) & (np.abs(c) <= tol)
    x = (np.abs(a - d) <= tol) & (np.abs(b - c) <= tol)
    return z.astype(np.int8) * ZTYPE + x.astype(np.int8) * XTYPE


def is_identity(mats: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """(mask, phase): which square matrices are e^{i phase} times the identity (to tol)."""
    from .kernels import identity_phases

    if not len(mats):
        return np.zeros(0, bool), np.zeros(0)
    return identity_phases(np.ascontiguousarray(mats), tol)
