"""One-qubit synthesis: any 2x2 unitary as the shortest exact sequence of one basis.

Every form starts from the ZYZ angles ``U = e^{ia} RZ(phi) RY(theta) RZ(lam)`` (``theta`` in
[0, pi]) and rewrites them with exact identities, so the product of the returned steps times
``exp(1j * global_phase)`` is the input to rounding error.  Steps are in time order (first
applied first), like a gate's ``decompose``.  Rotations whose angle is ~0 (mod 2 pi) are
dropped, the sign of a 2 pi turn going into the global phase; the identity (up to phase)
gives no steps.

The forms (``FORMS`` lists the gates each one uses):

========  =================  ==============================================================
form      gates              shape (time order)
========  =================  ==============================================================
rphi      rphi, rz           ``rphi(theta, pi/2 - lam), rz(phi + lam)``: one XY pulse, the Z
                             part last so that a virtual-Z pass can push it forward (through
                             CZ to the measurement); a diagonal U is one rz, a half turn
                             (theta = pi) is one rphi
x1        x1, rz             ``rz(lam - pi), x1, rz(pi - theta), x1, rz(phi)``; one x1 when
                             theta = pi/2
sx        sx, x, rz          the x1 shape with sx; ``x, rz`` when theta = pi
zsx       sx, rz             the x1 shape with sx (no x)
zyz       rz, ry             ``rz(lam), ry(theta), rz(phi)``
zxz       rz, rx             ``rz(lam - pi/2), rx(theta), rz(phi + pi/2)``
u3 / u    u3 or u            one ``u3(theta, phi, lam)``
========  =================  ==============================================================

The identities behind them: ``RPhi(t, p) = RZ(p - pi/2) RY(t) RZ(pi/2 - p)``,
``RY(t) = RZ(pi/2) RX(t) RZ(-pi/2)``, ``X1 RZ(a) X1 = RY(pi - a) RZ(pi)`` and, for a half
turn, ``RZ(a) RY(pi) RZ(b) = RZ(a - b) RY(pi)``.  Everything is scalar Python arithmetic:
this runs once per fused block, where numpy's per-call cost on 2x2 arrays would dominate.
"""

from __future__ import annotations

import cmath
import math

from jingu.errors import CompileError, InputError, suggest

PI = math.pi
TWO_PI = 2.0 * math.pi

#: angles closer than this to a drop-able value are dropped (error <= ANGLE_EPS / 2)
ANGLE_EPS = 1e-13
_UNITARY_TOL = 1e-8

#: form name -> the library gates it emits
FORMS: dict[str, frozenset[str]] = {
    "rphi": frozenset({"rphi", "rz"}),
    "x1": frozenset({"x1", "rz"}),
    "sx": frozenset({"sx", "x", "rz"}),
    "zsx": frozenset({"sx", "rz"}),
    "zyz": frozenset({"rz", "ry"}),
    "zxz": frozenset({"rz", "rx"}),
    "u3": frozenset({"u3"}),
    "u": frozenset({"u"}),
}

_ALIASES = {"rz,ry": "zyz", "rz,rx": "zxz", "zyz": "zyz", "zxz": "zxz"}
_ALIASES.update({",".join(sorted(gates)): form for form, gates in FORMS.items()})

#: preference when a target's basis allows several forms (fewest pulses first)
_PREFERENCE = ("rphi", "u3", "u", "sx", "zsx", "x1", "zyz", "zxz")


def resolve_basis(basis: str) -> str:
    """The form name for a basis given as a form name or a comma list of gates."""
    key = basis.strip().lower()
    if key in FORMS:
        return key
    key = ",".join(sorted(g.strip() for g in key.split(",") if g.strip()))
    form = _ALIASES.get(key)
    if form is None:
        hint = suggest(basis, list(FORMS))
        raise InputError(
            f"unknown one-qubit basis '{basis}'; known: {', '.join(FORMS)}"
            + (f" (did you mean '{hint}'?)" if hint else "")
        )
    return form


def form_for_gates(gates) -> str | None:
    """The preferred form whose gates all lie in ``gates`` (a target's basis), else None."""
    available = frozenset(gates)
    for form in _PREFERENCE:
        if FORMS[form] <= available:
            return form
    return None


# ----------------------------------------------------------------------------------------
# angles


def _entries(matrix) -> tuple[complex, complex, complex, complex]:
    try:
        (a, b), (c, d) = matrix.tolist() if hasattr(matrix, "tolist") else matrix
    except (TypeError, ValueError):
        raise CompileError("one-qubit synthesis expects a 2x2 matrix") from None
    a, b, c, d = complex(a), complex(b), complex(c), complex(d)
    tol = _UNITARY_TOL
    if (
        abs(abs(a) ** 2 + abs(c) ** 2 - 1.0) > tol
        or abs(abs(b) ** 2 + abs(d) ** 2 - 1.0) > tol
        or abs(a.conjugate() * b + c.conjugate() * d) > tol
    ):
        raise CompileError("one-qubit synthesis expects a unitary matrix")
    return a, b, c, d


def zyz_from_entries(a: complex, b: complex, c: complex, d: complex):
    """(theta, phi, lam, alpha) with [[a, b], [c, d]] = e^{i alpha} RZ(phi) RY(theta) RZ(lam).

    Plain scalar code, also compiled by numba for the two-qubit kernels (one source).
    """
    half_det = cmath.phase(a * d - b * c) / 2.0
    rot = cmath.exp(-1j * half_det)
    # V = U e^{-i half_det} is in SU(2): [[e^{-is} C, -e^{-it} S], [e^{it} S, e^{is} C]]
    a, b, c, d = a * rot, b * rot, c * rot, d * rot
    theta = 2.0 * math.atan2(abs(b) + abs(c), abs(a) + abs(d))
    s = cmath.phase(d + a.conjugate())  # (phi + lam) / 2
    t = cmath.phase(c - b.conjugate())  # (phi - lam) / 2
    return theta, s + t, s - t, half_det


def _zyz(matrix) -> tuple[float, float, float, float]:
    return zyz_from_entries(*_entries(matrix))


def euler_angles(matrix) -> tuple[float, float, float, float]:
    """(theta, phi, lam, phase) with ``matrix = e^{i phase} u3(theta, phi, lam)``."""
    theta, phi, lam, alpha = _zyz(matrix)
    # u3(theta, phi, lam) = e^{i (phi + lam) / 2} RZ(phi) RY(theta) RZ(lam)
    return theta, _wrap_free(phi), _wrap_free(lam), _wrap_free(alpha - (phi + lam) / 2.0)


def _wrap_free(x: float) -> float:
    """``x`` mod 2 pi into (-pi, pi] (for angles of period 2 pi)."""
    x = math.fmod(x, TWO_PI)
    if x > PI:
        x -= TWO_PI
    elif x <= -PI:
        x += TWO_PI
    return x


_Q = (0,)


def _turn(steps: list, name: str, angle: float) -> float:
    """Append rotation ``name(angle)`` wrapped into (-pi, pi], unless it is ~0; returns the
    phase it leaves behind (R(a + 2 pi) = -R(a), rotations having period 4 pi)."""
    k = round(angle / TWO_PI)
    if k:
        angle -= k * TWO_PI
    if abs(angle) > ANGLE_EPS:
        steps.append((name, _Q, (angle,)))
    return PI if k & 1 else 0.0


def _near(x: float, target: float) -> bool:
    return abs(x - target) <= ANGLE_EPS


# ----------------------------------------------------------------------------------------
# forms: each appends steps for e^{i alpha} RZ(phi) RY(theta) RZ(lam) and returns the
# phase to add to alpha


def rphi_turn(theta: float, phi: float, lam: float) -> float:
    """The rz angle the rphi form of ``RZ(phi) RY(theta) RZ(lam)`` ends with (unwrapped):
    ``phi + lam``, and none for a half turn, which one rphi takes whole.  Plain scalar
    code, also compiled by numba for the kernels that push this rz on (one source)."""
    if abs(theta - PI) <= ANGLE_EPS:
        return 0.0
    return phi + lam


def _rphi(steps, theta, phi, lam, _args) -> float:
    if _near(theta, PI):  # RZ(phi) RY(pi) RZ(lam) = RPhi(pi, pi/2 + (phi - lam)/2)
        steps.append(("rphi", _Q, (PI, _wrap_free(PI / 2 + (phi - lam) / 2))))
        return 0.0
    if theta > ANGLE_EPS:
        steps.append(("rphi", _Q, (theta, _wrap_free(PI / 2 - lam))))
    return _turn(steps, "rz", rphi_turn(theta, phi, lam))


def _xz(steps, theta, phi, lam, args) -> float:
    """rz . P . rz . P . rz with P = e^{i pulse_phase} RX(pi/2) (x1 or sx); a half turn
    uses ``half_turn`` (x = i RX(pi)) when the basis has it."""
    pulse, pulse_phase, half_turn = args
    one = (pulse, _Q, ())
    if theta <= ANGLE_EPS:
        return _turn(steps, "rz", phi + lam)
    if _near(theta, PI / 2):
        phase = _turn(steps, "rz", lam - PI / 2)
        steps.append(one)
        return phase + _turn(steps, "rz", phi + PI / 2) - pulse_phase
    if _near(theta, PI):  # RZ(phi) RY(pi) RZ(lam) = RZ(phi - lam + pi) RX(pi)
        if half_turn is None:
            steps.append(one)
            steps.append(one)
            phase = -2 * pulse_phase
        else:
            steps.append((half_turn, _Q, ()))
            phase = -PI / 2
        return phase + _turn(steps, "rz", phi - lam + PI)
    phase = _turn(steps, "rz", lam - PI)
    steps.append(one)
    phase += _turn(steps, "rz", PI - theta)
    steps.append(one)
    return phase + _turn(steps, "rz", phi) - 2 * pulse_phase


def _zyz_form(steps, theta, phi, lam, args) -> float:
    """rz(lam - shift) . R(theta) . rz(phi + shift), R = ry (shift 0) or rx (shift pi/2)."""
    middle, shift = args
    if theta <= ANGLE_EPS:
        return _turn(steps, "rz", phi + lam)
    if _near(theta, PI):  # RZ(phi) RY(pi) RZ(lam) = RZ(phi - lam + 2 shift) R(pi)
        steps.append((middle, _Q, (PI,)))
        return _turn(steps, "rz", phi - lam + 2 * shift)
    phase = _turn(steps, "rz", lam - shift)
    steps.append((middle, _Q, (theta,)))
    return phase + _turn(steps, "rz", phi + shift)


def _u3_form(steps, theta, phi, lam, args) -> float:
    """u3(theta, phi, lam) = e^{i (phi + lam) / 2} RZ(phi) RY(theta) RZ(lam)."""
    if theta <= ANGLE_EPS and abs(_wrap_free(phi + lam)) <= ANGLE_EPS:
        return _turn(steps, "rz", phi + lam)  # the identity: dropped, its sign kept
    # u3 has period 2 pi in phi and in lam: wrapping them changes nothing
    steps.append((args[0], _Q, (theta, _wrap_free(phi), _wrap_free(lam))))
    return -(phi + lam) / 2


_BUILDERS = {
    "rphi": (_rphi, None),
    "x1": (_xz, ("x1", 0.0, None)),
    "sx": (_xz, ("sx", PI / 4, "x")),
    "zsx": (_xz, ("sx", PI / 4, None)),
    "zyz": (_zyz_form, ("ry", 0.0)),
    "zxz": (_zyz_form, ("rx", PI / 2)),
    "u3": (_u3_form, ("u3",)),
    "u": (_u3_form, ("u",)),
}


def synthesize_1q(matrix, basis: str = "rphi") -> tuple[list, float]:
    """Exact steps ``[(gate, (0,), params), ...]`` in ``basis`` and the global phase.

    ``prod(steps) * exp(1j * phase) == matrix`` to rounding error; ``[]`` for the identity
    up to phase.  ``basis`` is a form name (see ``FORMS``) or a comma list of its gates.
    """
    form = resolve_basis(basis)
    return steps_from_zyz(*_zyz(matrix), form)


def steps_from_zyz(theta: float, phi: float, lam: float, alpha: float, form: str):
    """``synthesize_1q`` of ``e^{i alpha} RZ(phi) RY(theta) RZ(lam)`` (``theta`` in [0, pi])
    for a resolved ``form``: the entry point when the angles are already known."""
    build, args = _BUILDERS[form]
    steps: list = []
    phase = alpha + build(steps, theta, phi, lam, args)
    return steps, _wrap_free(phase)


def rphi_form_batch(theta, phi, lam, alpha):
    """``steps_from_zyz(..., "rphi")`` for arrays of ZYZ angles at once (numpy).

    Returns ``(rphi_theta, rphi_phi, has_rphi, rz, has_rz, phase)``: the steps of entry j
    are ``rphi(rphi_theta[j], rphi_phi[j])`` when ``has_rphi[j]``, then ``rz(rz[j])`` when
    ``has_rz[j]``, with global phase ``phase[j]`` -- the same numbers as the scalar form.
    """
    import numpy as np

    theta, phi, lam, alpha = (np.asarray(x, dtype=float) for x in (theta, phi, lam, alpha))
    half = np.abs(theta - PI) <= ANGLE_EPS
    has_rphi = half | (theta > ANGLE_EPS)
    rphi_theta = np.where(half, PI, theta)
    rphi_phi = _wrap_free_batch(np.where(half, PI / 2 + (phi - lam) / 2, PI / 2 - lam))
    turn = phi + lam
    k = np.round(turn / TWO_PI)
    rz = turn - k * TWO_PI
    has_rz = ~half & (np.abs(rz) > ANGLE_EPS)
    phase = alpha + np.where(~half & (np.mod(k, 2) == 1), PI, 0.0)
    return rphi_theta, rphi_phi, has_rphi, rz, has_rz, _wrap_free_batch(phase)


def _wrap_free_batch(x):
    """``_wrap_free`` on an array."""
    import numpy as np

    x = np.fmod(x, TWO_PI)
    return np.where(x > PI, x - TWO_PI, np.where(x <= -PI, x + TWO_PI, x))
