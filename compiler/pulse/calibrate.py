"""Numerical calibration of the CZ flux pulses against the simulation model.

The first-order model of ``jingu.targets.nominal`` (|11> meets |20>, one full oscillation
in the flat part of the pulse) lands the conditional phase about a radian off and leaves
more than ten percent in |20>: the rising and falling edges matter.  Here the coupler's
and the fluxed qubit's amplitudes are tuned, all couplers at once, by Levenberg-Marquardt
on the simulated gate (``jingu.pulse.physics``): the residuals are the entries of the
gate minus CZ after the best single-qubit phases, plus every amplitude that leaves the
computational states (so leakage enters linearly).  Then the phase compensation is read
off the simulated gate at the amplitudes as rounded for the file.  A fixed iteration
budget and fixed finite-difference steps keep it deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .physics import CouplerModel, average_gate_fidelity, coupler_gate, cz_phases, wrap

CZ = np.diag([1.0, 1.0, 1.0, -1.0]).astype(complex)
#: finite-difference step (AWG units) and iteration budget of the fit
STEP = 1e-6
ITERATIONS = 40
#: largest step of the fit (coupler, qubit amplitude): the basin of the one-turn solution
#: is about 0.02 wide in the coupler amplitude and 0.006 in the qubit's
TRUST = np.array([0.005, 0.002])
#: a fit stops when its step is below this (AWG units; files keep 6 digits)
TOLERANCE = 1e-7


@dataclass(frozen=True)
class CZCalibration:
    """Per coupler: the coupler's and the qubits' flux amplitudes, the phase compensation
    (rz angles on pair[0], pair[1] after the pulse), and the simulated gate's average
    fidelity (with the compensation) and leakage."""

    flux_amplitude: np.ndarray   # (m,)
    qubit_flux: np.ndarray       # (m, 2)
    phase_compensation: np.ndarray  # (m, 2)
    fidelity: np.ndarray         # (m,)
    leakage: np.ndarray          # (m,)


def flux_shape(length: int, rise: float) -> np.ndarray:
    """Unit flux pulse of ``length`` samples with raised-cosine edges of ``rise`` samples."""
    from .waveforms import CosineFlat

    return CosineFlat(int(length), 1.0, float(rise)).samples().real


def _amps(x: np.ndarray, fluxed: np.ndarray, shape: np.ndarray) -> np.ndarray:
    m = len(x)
    amps = np.zeros((m, 3, len(shape)))
    amps[np.arange(m), fluxed, :] = x[:, 1, None] * shape
    amps[:, 2, :] = x[:, 0, None] * shape
    return amps


def compensated(m4: np.ndarray, compensation: np.ndarray) -> np.ndarray:
    """rz(c_a) (x) rz(c_b) . M, the gate after the phase compensation (up to a global
    phase: rz(c) ~ diag(1, e^{ic}))."""
    ca, cb = compensation[..., 0], compensation[..., 1]
    z = np.zeros_like(ca)
    d = np.exp(1j * np.stack([z, cb, ca, ca + cb], axis=-1))
    return d[..., :, None] * m4


def _residuals(gate) -> np.ndarray:
    m4 = gate.qubit_operator(2)
    ph = cz_phases(m4)
    ref = np.exp(-1j * np.angle(m4[:, 0, 0]))
    mc = compensated(m4, -ph[:, 1:]) * ref[:, None, None]
    parts = [(mc - CZ).reshape(len(m4), -1)]
    # amplitudes out of the computational states (coupler excitations, |20>, |02>)
    bs = gate.basis
    for n in (1, 2):
        block = gate.block(n)
        states = bs.states[bs.block_ptr[n]:bs.block_ptr[n + 1]]
        starts = bs.states[bs.sel[bs.sel_ptr[n]:bs.sel_ptr[n + 1]]]
        qubit = (states[:, 2] == 0) & (states[:, 0] <= 1) & (states[:, 1] <= 1)
        cols = np.flatnonzero((starts[:, 0] <= 1) & (starts[:, 1] <= 1))
        parts.append(block[:, ~qubit][:, :, cols].reshape(len(m4), -1))
    r = np.concatenate(parts, axis=1)
    return np.concatenate([r.real, r.imag], axis=1)


def _evaluate(model, x, fluxed, shape, dt):
    return _residuals(coupler_gate(model, _amps(x, fluxed, shape), dt, nmax=2))


def _leakage_11(model, x, fluxed, shape, dt):
    m4 = coupler_gate(model, _amps(x, fluxed, shape), dt, nmax=2).qubit_operator(2)
    return 1.0 - np.abs(m4[:, 3, 3]) ** 2


def _first_oscillation(model, x, fluxed, shape, dt, low=0.96, high=1.2, points=13):
    """Coupler amplitudes at which |11> first comes back whole (the excursion to |20> makes
    exactly one full turn), by a scan of the coupler amplitude around the first-order
    value and a parabola through the best point.  Stronger pulses turn it several times,
    and the fit must not wander into those solutions."""
    scale = np.linspace(low, high, points)
    leak = np.stack([_leakage_11(model, np.column_stack([x[:, 0] * s, x[:, 1]]), fluxed,
                                 shape, dt) for s in scale], axis=1)
    m = len(x)
    pick = np.full(m, int(np.argmin(np.abs(scale - 1.0))))
    for i in range(m):
        minima = [k for k in range(1, points - 1)
                  if leak[i, k] <= leak[i, k - 1] and leak[i, k] <= leak[i, k + 1]
                  and leak[i, k] < 0.25]
        pick[i] = minima[0] if minima else int(np.argmin(leak[i]))
    k = np.clip(pick, 1, points - 2)
    rows = np.arange(m)
    y0, y1, y2 = leak[rows, k - 1], leak[rows, k], leak[rows, k + 1]
    curve = y0 - 2 * y1 + y2
    shift = np.where(curve > 0, 0.5 * (y0 - y2) / np.where(curve > 0, curve, 1.0), 0.0)
    s = scale[k] + np.clip(shift, -1.0, 1.0) * (scale[1] - scale[0])
    return x[:, 0] * s


def fit_cz(model: CouplerModel, x0: np.ndarray, fluxed: np.ndarray, shape: np.ndarray,
           dt: float, iterations: int | None = None) -> np.ndarray:
    """Amplitudes (m, 2) = (coupler, fluxed qubit) that make the flux pulse ``shape`` a CZ,
    from the start ``x0``; ``fluxed[m]`` is 0 or 1 (which qubit's Z line is pulsed)."""
    x = np.array(x0, float).reshape(-1, 2)
    fluxed = np.asarray(fluxed, np.int64)
    m = len(x)
    x[:, 0] = _first_oscillation(model, x, fluxed, shape, dt)
    lam = np.full(m, 1e-3)
    r = _evaluate(model, x, fluxed, shape, dt)
    cost = np.sum(r * r, axis=1)
    active = np.arange(m)  # couplers still moving: only they are simulated
    for _ in range(ITERATIONS if iterations is None else iterations):
        if not len(active):
            break
        sub = model.take(active)
        xa, ra, fa = x[active], r[active], fluxed[active]
        jac = np.empty(ra.shape + (2,))
        for p in range(2):
            xp = xa.copy()
            xp[:, p] += STEP
            jac[..., p] = (_evaluate(sub, xp, fa, shape, dt) - ra) / STEP
        jtj = np.einsum("mrp,mrq->mpq", jac, jac)
        jtr = np.einsum("mrp,mr->mp", jac, ra)
        la = lam[active]
        damp = jtj + la[:, None, None] * (np.eye(2) * np.diagonal(jtj, axis1=1, axis2=2)
                                          [:, :, None])
        delta = -np.linalg.solve(damp, jtr[..., None])[..., 0]
        # keep each step inside the basin of the one-turn solution
        big = np.max(np.abs(delta) / TRUST, axis=1)
        delta *= np.minimum(1.0, 1.0 / np.maximum(big, 1e-300))[:, None]
        xn = np.clip(xa + delta, -1.0, 1.0)
        rn = _evaluate(sub, xn, fa, shape, dt)
        cn = np.sum(rn * rn, axis=1)
        ca = cost[active]
        better = cn < ca
        settled = (np.max(np.abs(delta), axis=1) < TOLERANCE) \
            | (better & (ca - cn < 1e-4 * ca))
        moved = active[better]
        x[moved], r[moved], cost[moved] = xn[better], rn[better], cn[better]
        lam[active] = np.where(better, la * 0.3, la * 10.0)
        active = active[~settled & (lam[active] < 1e6)]
    return x


def measure_cz(model: CouplerModel, flux_amplitude, qubit_flux, shape: np.ndarray,
               dt: float, compensation=None):
    """Simulate the CZ pulses: (4x4 gates (m, 4, 4) in the dressed idle frame, the phase
    compensation that makes them CZ, fidelity, leakage).  With ``compensation`` given,
    the fidelity is the one that compensation reaches."""
    from .physics import leakage

    m = len(model)
    amps = np.zeros((m, 3, len(shape)))
    amps[:, 0, :] = np.asarray(qubit_flux, float).reshape(m, 2)[:, 0, None] * shape
    amps[:, 1, :] = np.asarray(qubit_flux, float).reshape(m, 2)[:, 1, None] * shape
    amps[:, 2, :] = np.asarray(flux_amplitude, float).reshape(m)[:, None] * shape
    m4 = coupler_gate(model, amps, dt, nmax=2).qubit_operator(2)
    best = wrap(-cz_phases(m4)[:, 1:])
    comp = best if compensation is None else np.asarray(compensation, float).reshape(m, 2)
    fid = average_gate_fidelity(compensated(m4, comp), CZ)
    return m4, best, fid, leakage(m4)


def _snap(model, x, fluxed, shape, dt, digits):
    """The best point of the ``digits`` grid near the fit: of the 3 x 3 grid points around
    its rounding, the one with the smallest residual.  A fit converges only to its
    tolerance, and the last bits of floating point differ between machines; rounding its
    result would flip a digit now and then.  Two machines' neighbourhoods differ only when
    the fit lies on a rounding boundary, and then both hold the two grid points on either
    side, one of which is the best near the minimum: the choice between fixed grid points
    flips only on an exact tie."""
    m = len(x)
    unit = 10.0 ** -digits
    offsets = np.array([(i, j) for i in (-1, 0, 1) for j in (-1, 0, 1)], float)
    centre = np.round(x, digits)
    cand = np.round(centre[:, None, :] + offsets[None] * unit, digits)  # (m, 9, 2)
    big = model.take(np.repeat(np.arange(m), len(offsets)))
    r = _evaluate(big, cand.reshape(-1, 2), np.repeat(fluxed, len(offsets)), shape, dt)
    cost = np.sum(r * r, axis=1).reshape(m, len(offsets))
    return cand[np.arange(m), np.argmin(cost, axis=1)]


def calibrate_cz(model: CouplerModel, flux_amplitude, qubit_flux, shape: np.ndarray,
                 dt: float, digits: int = 6, phase_digits: int = 4) -> CZCalibration:
    """Refine first-order flux amplitudes (the qubit with the larger |qubit_flux| is the
    pulsed one) into a calibrated CZ, rounded as a calibration file stores them."""
    qubit_flux = np.asarray(qubit_flux, float).reshape(-1, 2)
    fluxed = np.argmax(np.abs(qubit_flux), axis=1)
    x0 = np.column_stack([np.asarray(flux_amplitude, float).reshape(-1),
                          qubit_flux[np.arange(len(qubit_flux)), fluxed]])
    x = _snap(model, fit_cz(model, x0, fluxed, shape, dt), fluxed, shape, dt, digits)
    qf = np.zeros_like(qubit_flux)
    qf[np.arange(len(x)), fluxed] = x[:, 1]
    _, best, _, _ = measure_cz(model, x[:, 0], qf, shape, dt)
    comp = np.round(best, phase_digits)
    comp = np.where(comp >= np.pi, comp - 2 * np.pi, comp)
    _, _, fid, leak = measure_cz(model, x[:, 0], qf, shape, dt, comp)
    return CZCalibration(x[:, 0], qf, comp, fid, leak)
