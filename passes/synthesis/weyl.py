"""The KAK (Cartan) decomposition of two-qubit unitaries and their Weyl-chamber coordinates.

Every 4x4 unitary is ``U = e^{i g} (A1 (x) B1) Can(c1, c2, c3) (A2 (x) B2)`` with one-qubit
``A, B`` in SU(2) and ``Can(c) = exp(i (c1 XX + c2 YY + c3 ZZ))``.  In the magic basis the
local gates are the real orthogonal matrices and ``Can`` is diagonal, so the decomposition
is the simultaneous diagonalisation of the real and imaginary parts of the symmetric unitary
``M = U_B^T U_B``.  A fixed sequence of real combinations ``x Re M + y Im M`` keeps
degenerate or nearly degenerate spectra (CZ class, chamber edges) from mixing
eigenvectors: the first combination whose eigenvectors diagonalise ``M`` to rounding wins,
so results are deterministic.  The 4x4 symmetric eigenproblem is solved by cyclic Jacobi
rotations, whose eigenvectors are orthogonal to rounding even for clustered eigenvalues.

Coordinates come out folded, each in [-pi/4, pi/4] (shifts by pi/2 are local Paulis,
absorbed into ``A2, B2`` and the phase).  The Weyl chamber is ``pi/4 >= c1 >= c2 >= |c3|``
with ``c3 >= 0`` when ``c1 = pi/4``: CZ is (pi/4, 0, 0), SWAP (pi/4, pi/4, pi/4).

The numeric core is numba (one call per unitary; this module imports numba, so import it
lazily from code that ``import jingu`` loads).
"""

from __future__ import annotations

import cmath
import math

import numpy as np
from numba import njit

from jingu.errors import CompileError

from .one_qubit import zyz_from_entries

_S2 = 1.0 / math.sqrt(2.0)
#: magic basis (columns): local SU(2) x SU(2) becomes SO(4), XX, YY, ZZ become diagonal
MAGIC = np.array(
    [[1, 0, 0, 1j], [0, 1j, 1, 0], [0, 1j, -1, 0], [1, 0, 0, -1j]], dtype=complex
) * _S2
MAGIC_DAG = np.ascontiguousarray(MAGIC.conj().T)

#: Pauli X, Y, Z stacked (the math of Can and of the chamber's Weyl group)
PAULIS = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=complex)

IPAULIS = 1j * PAULIS

#: row i: the diagonal of MAGIC^dag (sigma_i (x) sigma_i) MAGIC, a +-1 pattern
SIGNS = np.array([np.real(np.diagonal(MAGIC_DAG @ np.kron(p, p) @ MAGIC)) for p in PAULIS])

#: real combinations (x, y) tried in turn (fixed: results are reproducible)
COMBOS = np.array([(math.cos(t), math.sin(t)) for t in (0.4142 + 2.3999632297 * k
                                                          for k in range(12))])
DIAG_TOL = 4e-15
UNITARY_TOL = 1e-8
HALF_PI = math.pi / 2
QUARTER_PI = math.pi / 4

zyz_kernel = njit(cache=True)(zyz_from_entries)


def as_matrix4(matrix) -> np.ndarray:
    """``matrix`` as a contiguous complex 4x4 array (CompileError for another shape)."""
    u = np.ascontiguousarray(matrix, dtype=np.complex128)
    if u.shape != (4, 4):
        raise CompileError(f"two-qubit synthesis expects a 4x4 matrix, got shape {u.shape}")
    return u


def check_unitarity(deviation: float) -> None:
    """Raise CompileError when a kernel reports max |U^dag U - I| above tolerance."""
    if not deviation <= UNITARY_TOL:  # also catches NaN
        raise CompileError(
            f"two-qubit synthesis expects a unitary matrix (|U^dag U - I| = {deviation:.2g})"
        )


# ----------------------------------------------------------------------------------------
# numba kernels


# Written as plain loops over small arrays and called one level deep: array expressions
# and slice assignments of arrays make numba compile slowly (seconds each), and these run
# on 4x4 matrices anyway.


@njit(cache=True)
def _mat(a, b):
    """a @ b for small square complex matrices (numba's @ would need BLAS)."""
    n = a.shape[0]
    out = np.zeros((n, n), np.complex128)
    for i in range(n):
        for k in range(n):
            aik = a[i, k]
            for j in range(n):
                out[i, j] += aik * b[k, j]
    return out


@njit(cache=True)
def _det_phase(m):
    """arg det(m) of a complex 4x4, by LU with partial pivoting."""
    a = m.copy()
    dim = a.shape[0]
    det = 1.0 + 0.0j
    for k in range(dim):
        piv = k
        for r in range(k + 1, dim):
            if abs(a[r, k]) > abs(a[piv, k]):
                piv = r
        if piv != k:
            for c in range(dim):
                t = a[k, c]
                a[k, c] = a[piv, c]
                a[piv, c] = t
            det = -det
        det *= a[k, k]
        for r in range(k + 1, dim):
            g = a[r, k] / a[k, k]
            for c in range(k + 1, dim):
                a[r, c] -= g * a[k, c]
    return cmath.phase(det)


@njit(cache=True)
def _jacobi(a):
    """Orthogonal eigenvectors (columns) of the real symmetric 4x4 ``a`` (overwritten),
    by cyclic Jacobi rotations."""
    dim = a.shape[0]
    v = np.eye(dim)
    for _ in range(30):
        off = 0.0
        for p in range(dim - 1):
            for q in range(p + 1, dim):
                off += a[p, q] * a[p, q]
        if off < 1e-36:
            break
        for p in range(dim - 1):
            for q in range(p + 1, dim):
                apq = a[p, q]
                if apq == 0.0:
                    continue
                # angle phi with cot(2 phi) = (a_qq - a_pp) / (2 a_pq); t = tan(phi)
                cot = (a[q, q] - a[p, p]) / (2.0 * apq)
                t = 1.0 / (abs(cot) + math.sqrt(cot * cot + 1.0))
                if cot < 0.0:
                    t = -t
                c = 1.0 / math.sqrt(t * t + 1.0)
                s = t * c
                for k in range(dim):
                    akp = a[k, p]
                    akq = a[k, q]
                    a[k, p] = c * akp - s * akq
                    a[k, q] = s * akp + c * akq
                for k in range(dim):
                    apk = a[p, k]
                    aqk = a[q, k]
                    a[p, k] = c * apk - s * aqk
                    a[q, k] = s * apk + c * aqk
                for k in range(dim):
                    vkp = v[k, p]
                    vkq = v[k, q]
                    v[k, p] = c * vkp - s * vkq
                    v[k, q] = s * vkp + c * vkq
    return v


@njit(cache=True)
def _kron_factor(m, out, first):
    """out[first], out[first + 1] = a, b in SU(2) with a (x) b == m (m in SU(2) (x) SU(2))."""
    # block (i, j) of m is a_ij b, and |a_00| = |a_11|, |a_01| = |a_10| in SU(2)
    n00 = 0.0
    n01 = 0.0
    for k in range(2):
        for c in range(2):
            n00 += abs(m[k, c]) ** 2
            n01 += abs(m[k, 2 + c]) ** 2
    j = 0 if n00 >= n01 else 2
    root = cmath.sqrt(m[0, j] * m[1, j + 1] - m[0, j + 1] * m[1, j])
    for k in range(2):
        for c in range(2):
            out[first + 1, k, c] = m[k, j + c] / root
    for i in range(2):
        for jj in range(2):
            acc = 0j
            for k in range(2):
                for c in range(2):
                    acc += m[2 * i + k, 2 * jj + c] * out[first + 1, k, c].conjugate()
            out[first, i, jj] = 0.5 * acc


@njit(cache=True)
def kak_kernel(u, magic, magic_dag, combos, tol, signs, ipaulis):
    """(unitarity error, phase, f, locals) with U = e^{i phase} (l0 x l1) Can(f) (l2 x l3).

    The one numba entry point of the KAK (``ipaulis`` is ``1j * PAULIS``); one function
    rather than several, as every compiled function costs about a second to build.
    """
    dim = u.shape[0]
    locs = np.zeros((4, 2, 2), np.complex128)
    f = np.zeros(3)
    # input check: max |U^dag U - I| (NaN counts as failure)
    err = 0.0
    for i in range(dim):
        for j in range(dim):
            acc = -1.0 + 0j if i == j else 0j
            for k in range(dim):
                acc += u[k, i].conjugate() * u[k, j]
            if not abs(acc) <= err:
                err = abs(acc)
    if not err <= UNITARY_TOL:
        return err, 0.0, f, locs
    # an input a little off unitary cannot be diagonalised better than it is unitary
    tol = max(tol, 4.0 * err)

    # up = MAGIC^dag U MAGIC / det(U)^(1/4), m2 = up^T up (symmetric unitary)
    phase = _det_phase(u) / 4.0
    up = _mat(_mat(magic_dag, u), magic)
    rot = cmath.exp(-1j * phase)
    for i in range(dim):
        for j in range(dim):
            up[i, j] *= rot
    m2 = np.zeros((dim, dim), np.complex128)
    for i in range(dim):
        for j in range(dim):
            for k in range(dim):
                m2[i, j] += up[k, i] * up[k, j]
    for i in range(dim):
        for j in range(i + 1, dim):
            sym = 0.5 * (m2[i, j] + m2[j, i])
            m2[i, j] = sym
            m2[j, i] = sym

    # real orthogonal p with p^T m2 p diagonal: the first real combination of Re m2 and
    # Im m2 whose eigenvectors diagonalise m2 to ``tol`` (else the best one)
    best_off = np.inf
    p = np.eye(dim)
    d = np.zeros(dim, np.complex128)
    mix = np.empty((dim, dim))
    for trial in range(combos.shape[0]):
        x = combos[trial, 0]
        y = combos[trial, 1]
        for i in range(dim):
            for j in range(dim):
                mix[i, j] = x * m2[i, j].real + y * m2[i, j].imag
        v = _jacobi(mix)
        off = 0.0
        diag = np.zeros(dim, np.complex128)
        for i in range(dim):
            for j in range(dim):
                acc = 0j
                for k in range(dim):
                    for c in range(dim):
                        acc += v[k, i] * m2[k, c] * v[c, j]
                if i == j:
                    diag[i] = acc
                elif abs(acc) > off:
                    off = abs(acc)
        if off < best_off:
            best_off = off
            p = v
            d = diag
        if off <= tol:
            break
    pc = np.zeros((dim, dim), np.complex128)
    for i in range(dim):
        for j in range(dim):
            pc[i, j] = p[i, j]
    if abs(_det_phase(pc)) > HALF_PI:  # det p = -1: flip a column
        for i in range(dim):
            p[i, 0] = -p[i, 0]

    # eigenphases e^{2 i theta}; sum(theta) = 0 mod pi, made 0 mod 2 pi (det K1 = +1)
    theta = np.empty(dim)
    total = 0.0
    for k in range(dim):
        theta[k] = 0.5 * cmath.phase(d[k])
        total += theta[k]
    if round(total / math.pi) % 2 != 0:
        theta[0] += math.pi
        total += math.pi
    # e^{i theta} = e^{i mean} diag(MAGIC^dag Can(c) MAGIC); c = f + n pi/2, |f| <= pi/4
    shift = 0.25 * total
    odd = np.zeros(3, np.int64)
    for i in range(3):
        coord = 0.0
        for k in range(dim):
            coord += signs[i, k] * theta[k]
        coord *= 0.25
        n = round(coord / HALF_PI)
        f[i] = coord - n * HALF_PI
        shift += n * HALF_PI
        odd[i] = n % 2

    # K1 = up p e^{-i theta} (real), K2 = p^T; back from the magic basis and factor
    k1 = np.zeros((dim, dim), np.complex128)
    k2 = np.zeros((dim, dim), np.complex128)
    for i in range(dim):
        for j in range(dim):
            acc = 0j
            for k in range(dim):
                acc += up[i, k] * p[k, j]
            k1[i, j] = (acc * cmath.exp(-1j * theta[j])).real
            k2[i, j] = p[j, i]
    _kron_factor(_mat(_mat(magic, k1), magic_dag), locs, 0)
    _kron_factor(_mat(_mat(magic, k2), magic_dag), locs, 2)
    # Can(c) = Can(f) prod_i (i sigma_i x sigma_i)^{n_i}: odd ones join the right factor
    # as i sigma (determinant 1; (i sigma) x (i sigma) = -sigma x sigma, hence the pi)
    for i in range(3):
        if odd[i] != 0:
            m = ipaulis[i]
            for j in range(2, 4):
                a00 = locs[j, 0, 0]
                a01 = locs[j, 0, 1]
                a10 = locs[j, 1, 0]
                a11 = locs[j, 1, 1]
                locs[j, 0, 0] = m[0, 0] * a00 + m[0, 1] * a10
                locs[j, 0, 1] = m[0, 0] * a01 + m[0, 1] * a11
                locs[j, 1, 0] = m[1, 0] * a00 + m[1, 1] * a10
                locs[j, 1, 1] = m[1, 0] * a01 + m[1, 1] * a11
            shift += math.pi
    return err, phase + shift, f, locs


# ----------------------------------------------------------------------------------------
# Python API


def kak(matrix):
    """(phase, f, locals) of ``kak_kernel``, input checked (CompileError if not unitary)."""
    err, phase, f, locs = kak_kernel(as_matrix4(matrix), MAGIC, MAGIC_DAG, COMBOS, DIAG_TOL,
                                     SIGNS, IPAULIS)
    check_unitarity(err)
    return phase, f, locs


def kak_decompose(matrix):
    """``(phase, (a1, b1), f, (a2, b2))`` with ``U = e^{i phase} (a1 x b1) Can(f) (a2 x b2)``.

    ``f`` holds the folded coordinates (each in [-pi/4, pi/4], not yet sorted into the
    chamber); qubit 0 (``a``) is the most significant, as everywhere in jingu.
    """
    phase, f, locs = kak(matrix)
    return phase, (locs[0], locs[1]), f, (locs[2], locs[3])


def folded_coordinates(matrix) -> np.ndarray:
    """The coordinates ``f`` of ``kak_decompose``."""
    return kak(matrix)[1]


def chamber(f, edge_tol: float = 1e-12) -> tuple[float, float, float]:
    """Sort folded coordinates into the Weyl chamber (pi/4 >= c1 >= c2 >= |c3|)."""
    f = np.asarray(f, dtype=float)
    order = np.argsort(-np.abs(f), kind="stable")
    c1, c2, c3 = (abs(float(f[i])) for i in order)
    if float(np.prod(f)) < 0 and c1 < QUARTER_PI - edge_tol:
        c3 = -c3
    return c1, c2, c3


def weyl_coordinates(matrix) -> tuple[float, float, float]:
    """Weyl-chamber coordinates (c1, c2, c3) of a 4x4 unitary (CZ: (pi/4, 0, 0))."""
    return chamber(folded_coordinates(matrix))


def canonical_matrix(c1: float, c2: float, c3: float) -> np.ndarray:
    """``exp(i (c1 XX + c2 YY + c3 ZZ))``, built in the magic basis where it is diagonal."""
    lam = SIGNS.T @ np.array([c1, c2, c3], dtype=float)
    return (MAGIC * np.exp(1j * lam)) @ MAGIC_DAG
