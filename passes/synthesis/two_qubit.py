"""Two-qubit synthesis: any 4x4 unitary as at most three CZ (or CX) and one-qubit gates,
with the fewest entangling gates its Weyl class allows.

From the KAK form ``U = e^{ig} K1 Can(f) K2`` (see ``weyl``) the class decides the count:
local (0), CZ class (pi/4, 0, 0) (1), a zero third chamber coordinate (2), else 3.  Each
count has one exact circuit for ``Can`` made of CZ and Pauli exponentials
``E_j(t) = exp(i t sigma_j)``; ``K1, K2`` merge into its first and last one-qubit layers,
so ``k`` entangling gates come with at most ``2 (k + 1)`` one-qubit groups:

* ``exp(i s pi/4 ZZ) = e^{-i s pi/4} (E_z(s pi/4) x E_z(s pi/4)) CZ``, s = +-1;
* ``exp(i (a XX + c ZZ)) = (I x H) CZ (E_x(a) x E_x(c)) CZ (I x H)``;
* ``Can(a, b, c) = CX CZ E_x(-b)_0 CZ E_x(a)_0 E_z(c)_1 CX``: CX conjugation turns XX, YY,
  ZZ into XI, -XZ, IZ, CZ turns X_0 into X_0 Z_1, and CX CZ is one controlled-(-iY),
  ``(Sdg x S H) CZ (I x H Sdg)``.

The other axes of the 1- and 2-CZ classes come from conjugating with one Clifford on both
qubits.  A one-qubit layer is synthesised in ``one_qubit_basis``; a trailing rz (virtual)
commutes through the CZ (through CX: on the control) and joins the next layer, so only the
last layer ends in rz.  The numbers come from numba kernels (this module imports numba:
import it lazily from code that ``import jingu`` loads); Python only builds the steps.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from jingu.errors import InputError
from jingu.gates import fixed_matrix

from .one_qubit import resolve_basis, steps_from_zyz
from .weyl import PAULIS, kak, weyl_coordinates, zyz_kernel

__all__ = [
    "DEFAULT_ATOL",
    "layers_to_steps",
    "num_cz_needed",
    "synthesize_2q",
    "two_qubit_layers",
    "weyl_coordinates",
]

#: coordinate distance (sum of |deviations|, which bounds the operator-norm error) under
#: which a unitary counts as the cheaper class; the synthesis error is at most about this
DEFAULT_ATOL = 1e-12
ENTANGLERS = ("cz", "cx")
QUARTER_PI = math.pi / 4

#: fixed one-qubit Cliffords, from the library: H, S, Sdg
FIXED = np.array([fixed_matrix("h"), fixed_matrix("s"), fixed_matrix("sdg")])


# Plain loops, no array expressions or slice assignments: numba compiles those slowly.


@njit(cache=True)
def snap_infidelity(d0, d1, d2):
    """Average-gate infidelity of ``Can(d)`` from the identity, for the deviation ``d`` a
    cheaper class leaves out: ``(1/5) sum_{j<k} sin^2((t_j - t_k) / 2)`` over the phases
    ``t`` of Can(d) on the Bell states (no cancellation for tiny ``d``)."""
    t0 = d0 - d1 + d2
    t1 = -d0 + d1 + d2
    t2 = d0 + d1 - d2
    t3 = -(d0 + d1 + d2)
    acc = 0.0
    for a, b in ((t0, t1), (t0, t2), (t0, t3), (t1, t2), (t1, t3), (t2, t3)):
        s = math.sin(0.5 * (a - b))
        acc += s * s
    return 0.2 * acc


@njit(cache=True)
def classify(f, atol, infidelity):
    """(count, axis, lost) for folded coordinates: the fewest CZ, the axis of the
    CZ-class term (count 1) or of the zero term (count 2), and the average-gate infidelity
    of dropping the rest.  A cheaper class is taken when the coordinates it drops sum to at
    most ``atol`` or cost at most ``infidelity``."""
    total = abs(f[0]) + abs(f[1]) + abs(f[2])
    big = 0
    small = 0
    for i in range(1, 3):
        if abs(f[i]) > abs(f[big]):
            big = i
        if abs(f[i]) < abs(f[small]):
            small = i
    lost = snap_infidelity(f[0], f[1], f[2])
    if total <= atol or lost <= infidelity:
        return 0, -1, lost
    sign = 1.0 if f[big] >= 0 else -1.0
    d = f.copy()
    d[big] -= sign * QUARTER_PI
    lost = snap_infidelity(d[0], d[1], d[2])
    if QUARTER_PI - abs(f[big]) + total - abs(f[big]) <= atol or lost <= infidelity:
        return 1, big, lost
    d = np.zeros(3)
    d[small] = f[small]
    lost = snap_infidelity(d[0], d[1], d[2])
    if abs(f[small]) <= atol or lost <= infidelity:
        return 2, small, lost
    return 3, -1, 0.0


@njit(cache=True)
def _pexp(axis, t, paulis):
    """exp(i t sigma_axis)."""
    out = np.empty((2, 2), np.complex128)
    c = math.cos(t)
    s = 1j * math.sin(t)
    for i in range(2):
        for j in range(2):
            out[i, j] = s * paulis[axis, i, j] + (c if i == j else 0.0)
    return out


@njit(cache=True)
def _mm(a, b):
    out = np.empty((2, 2), np.complex128)
    for i in range(2):
        for j in range(2):
            out[i, j] = a[i, 0] * b[0, j] + a[i, 1] * b[1, j]
    return out


@njit(cache=True)
def _store(layers, i, q, m, left, right):
    """layers[i, q] = left @ m @ right."""
    r = _mm(left, _mm(m, right))
    for k in range(2):
        for c in range(2):
            layers[i, q, k, c] = r[k, c]


@njit(cache=True)
def circuit_kernel(f, locs, atol, infidelity, paulis, fixed):
    """(layers, phase, lost) of the fewest-CZ circuit for the KAK ``(f, locs)`` (K1 =
    locs[0, 1], K2 = locs[2, 3]): layers[i, q] is qubit q's 2x2 in layer i, a CZ between
    layers; ``lost`` is the average-gate infidelity of the approximation (see
    ``classify``), 0 when exact."""
    count, axis, lost = classify(f, atol, infidelity)
    h = fixed[0]
    s = fixed[1]
    sdg = fixed[2]
    eye = np.eye(2, dtype=np.complex128)
    n = count + 1
    layers = np.empty((n, 2, 2, 2), np.complex128)
    phase = 0.0
    # the circuit of Can, then K2 joins the first layer (right) and K1 the last (left)
    if count == 0:
        for q in range(2):
            _store(layers, 0, q, eye, locs[q], locs[2 + q])
        return layers, phase, lost
    if count == 1:
        sign = 1.0 if f[axis] >= 0 else -1.0
        # C Z C^dag = sigma_axis: H for X, exp(i pi/4 X) for Y
        c = h if axis == 0 else (_pexp(0, QUARTER_PI, paulis) if axis == 1 else eye)
        before = c.T.conj().copy()
        after = _mm(c, _pexp(2, sign * QUARTER_PI, paulis))
        for q in range(2):
            _store(layers, 0, q, before, eye, locs[2 + q])
            _store(layers, 1, q, after, locs[q], eye)
        return layers, -sign * QUARTER_PI, lost
    if count == 2:
        # E maps the two non-zero axes (p, q) to X and Z up to sign, on both qubits
        if axis == 0:
            e = _pexp(2, -QUARTER_PI, paulis)
        elif axis == 1:
            e = eye
        else:
            e = _pexp(0, -QUARTER_PI, paulis)
        p = 1 if axis == 0 else 0
        r = 1 if axis == 2 else 2
        e_dag = e.T.conj().copy()
        _store(layers, 0, 0, e, eye, locs[2])
        _store(layers, 0, 1, e, h, locs[3])
        _store(layers, 1, 0, _pexp(0, f[p], paulis), eye, eye)
        _store(layers, 1, 1, _pexp(0, f[r], paulis), eye, eye)
        _store(layers, 2, 0, e_dag, locs[0], eye)
        _store(layers, 2, 1, e_dag, locs[1], h)
        return layers, phase, lost
    _store(layers, 0, 0, eye, eye, locs[2])
    _store(layers, 0, 1, h, eye, locs[3])
    _store(layers, 1, 0, _pexp(0, f[0], paulis), eye, eye)
    _store(layers, 1, 1, _pexp(2, f[2], paulis), eye, h)
    _store(layers, 2, 0, _pexp(0, -f[1], paulis), eye, eye)
    _store(layers, 2, 1, h, eye, sdg)
    _store(layers, 3, 0, sdg, locs[0], eye)
    _store(layers, 3, 1, s, locs[1], h)
    return layers, phase, lost


@njit(cache=True)
def angles_kernel(layers, cx, h):
    """ZYZ angles (theta, phi, lam, alpha) of every layer matrix; with ``cx`` each CZ
    becomes H_1 CX H_1 first, the H joining the neighbouring layers of qubit 1."""
    n = layers.shape[0]
    out = np.empty((n, 2, 4))
    for i in range(n):
        for q in range(2):
            m = layers[i, q].copy()
            if cx and q == 1:
                if i > 0:
                    m = _mm(m, h)
                if i < n - 1:
                    m = _mm(h, m)
            theta, phi, lam, alpha = zyz_kernel(m[0, 0], m[0, 1], m[1, 0], m[1, 1])
            out[i, q, 0] = theta
            out[i, q, 1] = phi
            out[i, q, 2] = lam
            out[i, q, 3] = alpha
    return out


# ----------------------------------------------------------------------------------------
# Python API


def _check_basis(basis: str) -> bool:
    if basis not in ENTANGLERS:
        raise InputError(f"unknown two-qubit basis '{basis}'; known: {', '.join(ENTANGLERS)}")
    return basis == "cx"


def _emit(angles: np.ndarray, phase: float, basis: str, form: str):
    """Steps from per-layer ZYZ angles; a layer's trailing rz moves into the next layer
    (RZ(w) after e^{ia} RZ(phi) RY(theta) RZ(lam) only changes lam)."""
    rows = angles.tolist()
    last = len(rows) - 1
    steps = []
    entangler = (basis, (0, 1), ())
    for i, layer in enumerate(rows):
        for q in (0, 1):
            theta, phi, lam, alpha = layer[q]
            sub, ph = steps_from_zyz(theta, phi, lam, alpha, form)
            phase += ph
            if i < last and sub and sub[-1][0] == "rz" and (q == 0 or basis == "cz"):
                rows[i + 1][q][2] += sub.pop()[2][0]
            for name, _, params in sub:
                steps.append((name, (q,), params))
        if i < last:
            steps.append(entangler)
    return steps, math.remainder(phase, 2 * math.pi)


def num_cz_needed(matrix, atol: float = 1e-9) -> int:
    """The fewest CZ (or CX) that implement ``matrix`` (0, 1, 2 or 3), the Weyl class
    being decided with tolerance ``atol`` on the coordinates.

    The default (1e-9) names the class a unitary is in for practical purposes, while
    ``synthesize_2q`` by default accepts only rounding (``DEFAULT_ATOL``): a unitary within
    1e-9 of a cheaper class counts here as that class but is synthesised exactly, with the
    gate it really needs, unless ``synthesize_2q`` is given the same ``atol``.
    """
    return classify(kak(matrix)[1], atol, 0.0)[0]


def two_qubit_layers(matrix, atol: float = DEFAULT_ATOL, infidelity: float = 0.0):
    """(layers, phase): ``layers[i, q]`` is the 2x2 unitary on qubit q in layer i, with a
    CZ between consecutive layers; ``len(layers) - 1`` is the fewest CZ the unitary needs
    (a cheaper class within ``atol`` or ``infidelity``: see ``synthesize_2q``)."""
    phase, f, locs = kak(matrix)
    layers, extra, _ = circuit_kernel(f, locs, atol, infidelity, PAULIS, FIXED)
    return layers, phase + extra


def layers_to_steps(layers, phase: float = 0.0, basis: str = "cz",
                    one_qubit_basis: str = "rphi"):
    """Steps over qubits (0, 1) for one-qubit ``layers`` (shape (k+1, 2, 2, 2)) separated
    by CZ: each layer synthesised once per qubit, ``basis`` "cz" or "cx" (H_1 CX H_1)."""
    cx = _check_basis(basis)
    form = resolve_basis(one_qubit_basis)
    layers = np.ascontiguousarray(layers, dtype=np.complex128)
    return _emit(angles_kernel(layers, cx, FIXED[0]), phase, basis, form)


def synthesize_2q(matrix, basis: str = "cz", one_qubit_basis: str = "rphi",
                  atol: float = DEFAULT_ATOL, infidelity: float = 0.0):
    """Exact steps over qubits (0, 1) (qubit 0 most significant) and the global phase,
    with the fewest ``basis`` gates ("cz" or "cx") the unitary allows and one-qubit gates
    in ``one_qubit_basis``; a gate is saved when the Weyl coordinates that costs sum to at
    most ``atol`` (which bounds the operator-norm error) or when its average-gate
    infidelity is at most ``infidelity``."""
    cx = _check_basis(basis)
    form = resolve_basis(one_qubit_basis)
    phase, f, locs = kak(matrix)
    layers, extra, _ = circuit_kernel(f, locs, atol, infidelity, PAULIS, FIXED)
    return _emit(angles_kernel(layers, cx, FIXED[0]), phase + extra, basis, form)
