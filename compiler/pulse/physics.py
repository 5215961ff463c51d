"""The physical model the pulse level assumes, in one place: what a calibration means, what
the simulator integrates and what the nominal calibration is tuned against.

One-qubit gates: a transmon with three levels in the frame rotating at its drive (frame)
frequency; a sample s (complex, AWG units, turned by the frame phase) drives it as

    H / 2 pi = delta n + alpha / 2 n (n - 1) + Omega / 2 (s a^+ + s* a),

Omega = ``drive_strength`` (the Rabi frequency at amplitude 1).  On the qubit levels a
constant sample s = |s| exp(i phi) rotates by 2 pi Omega |s| t about the axis at angle phi:
exactly ``rphi`` of the gate library.  A virtual ``rz(lambda)`` is ``shift_phase(-lambda)``
on the drive frame.

CZ: two transmons (a, b) and their tunable coupler (c), each with three levels, in the
laboratory frame with the rotating-wave approximation:

    H / 2 pi = sum_m f_m(t) n_m + alpha_m / 2 n_m (n_m - 1)
               + g_ac (a^+ c + a c^+) + g_bc (b^+ c + b c^+) + g_ab (a^+ b + a b^+),

f_m(t) the transmon frequency at flux idle_m + flux_per_amplitude_m * sample_m(t).  The
gate is read in the dressed frame of the idle chip (``sim_kernels.coupler_propagators``).
The parameters come from the target's pulse calibration; ``frequency`` and
``max_frequency`` are bare mode frequencies, and the drive frames are the dressed ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from jingu.errors import TargetError

#: levels of every simulated transmon
LEVELS = 3


# ----------------------------------------------------------------------------------------
# gate fidelity


def average_gate_fidelity(m: np.ndarray, ideal: np.ndarray) -> np.ndarray:
    """Average gate fidelity of the (possibly non-unitary, leaky) restriction ``m`` of a
    propagator to the computational subspace against the unitary ``ideal`` (d x d), up to
    a global phase: (Tr(M^+ M) + |Tr(V^+ M)|^2) / (d (d + 1)).  Broadcasts over leading
    axes."""
    d = ideal.shape[-1]
    overlap = np.abs(np.einsum("...ij,...ij->...", ideal.conj(), m)) ** 2
    norm = np.einsum("...ij,...ij->...", m.conj(), m).real
    return (norm + overlap) / (d * (d + 1))


def leakage(m: np.ndarray) -> np.ndarray:
    """Average population that leaves the computational subspace: 1 - Tr(M^+ M) / d."""
    d = m.shape[-1]
    return 1.0 - np.einsum("...ij,...ij->...", m.conj(), m).real / d


# ----------------------------------------------------------------------------------------
# two transmons and a coupler


@dataclass(frozen=True)
class Basis:
    """Basis states (n_a, n_b, n_c) with at most ``nmax`` excitations, grouped in blocks
    of equal excitation number, and the coupling terms inside each block."""

    states: np.ndarray      # (K, 3) int64, block by block
    block_ptr: np.ndarray   # (B + 1,)
    sel: np.ndarray         # states the coupler starts from (its ground state), by block
    sel_ptr: np.ndarray     # (B + 1,)
    block_offset: np.ndarray  # (B,) offset of block b's d x k entries in a flat array
    size: int               # sum of d * k
    crow: np.ndarray
    ccol: np.ndarray
    cpair: np.ndarray       # 0: a-c, 1: b-c, 2: a-b
    cfac: np.ndarray
    cptr: np.ndarray

    def index(self, state) -> tuple[int, int]:
        """(block, position in block) of a bare state (n_a, n_b, n_c)."""
        n = int(sum(state))
        lo, hi = self.block_ptr[n], self.block_ptr[n + 1]
        for i in range(lo, hi):
            if tuple(self.states[i]) == tuple(state):
                return n, i - lo
        raise KeyError(state)

    def column(self, state) -> tuple[int, int]:
        """(block, column) of a state the coupler starts from, (n_a, n_b, 0)."""
        n, _ = self.index(state)
        lo, hi = self.sel_ptr[n], self.sel_ptr[n + 1]
        for j in range(lo, hi):
            if tuple(self.states[self.sel[j]]) == tuple(state):
                return n, j - lo
        raise KeyError(state)


_PAIRS = ((0, 2), (1, 2), (0, 1))


@lru_cache(maxsize=None)
def basis(nmax: int) -> Basis:
    states, ptr = [], [0]
    for n in range(nmax + 1):
        block = [(i, j, n - i - j) for i in range(LEVELS) for j in range(LEVELS)
                 if 0 <= n - i - j < LEVELS]
        states += block
        ptr.append(len(states))
    states_a = np.array(states, np.int64).reshape(-1, 3)
    crow, ccol, cpair, cfac, cptr = [], [], [], [], [0]
    for b in range(nmax + 1):
        lo, hi = ptr[b], ptr[b + 1]
        local = {tuple(states[i]): i - lo for i in range(lo, hi)}
        for col, s in enumerate(states[lo:hi]):
            for p, (x, y) in enumerate(_PAIRS):  # term x^+ y: one excitation y -> x
                if s[y] >= 1 and s[x] < LEVELS - 1:
                    t = list(s)
                    t[y] -= 1
                    t[x] += 1
                    crow.append(local[tuple(t)])
                    ccol.append(col)
                    cpair.append(p)
                    cfac.append(np.sqrt(s[y]) * np.sqrt(s[x] + 1))
        cptr.append(len(crow))
    sel = np.flatnonzero(states_a[:, 2] == 0)
    sel_ptr = np.searchsorted(sel, ptr)
    sizes = np.diff(ptr) * np.diff(sel_ptr)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    return Basis(states_a, np.array(ptr, np.int64), sel.astype(np.int64),
                 sel_ptr.astype(np.int64), offsets, int(np.sum(sizes)),
                 np.array(crow, np.int64), np.array(ccol, np.int64),
                 np.array(cpair, np.int64), np.array(cfac, float), np.array(cptr, np.int64))


@dataclass(frozen=True)
class CouplerModel:
    """Parameters of (qubit a, qubit b, coupler) for m couplers; arrays (m, 3) by mode
    (a, b, c), ``g`` = (g_ac, g_bc, g_ab)."""

    max_frequency: np.ndarray
    anharmonicity: np.ndarray
    flux_per_amplitude: np.ndarray
    idle_flux: np.ndarray
    g: np.ndarray

    @classmethod
    def from_arrays(cls, frequency, max_frequency, anharmonicity, flux_per_amplitude, g):
        """Idle fluxes from the idle (bare) frequencies; all arguments (m, 3)."""
        from jingu.targets.nominal import flux_for_frequency

        f = np.atleast_2d(np.asarray(frequency, float))
        fmax = np.atleast_2d(np.asarray(max_frequency, float))
        alpha = np.atleast_2d(np.asarray(anharmonicity, float))
        idle = np.array([[flux_for_frequency(fm, al, fr) for fm, al, fr in zip(*rows)]
                         for rows in zip(fmax, alpha, f)]).reshape(f.shape)
        return cls(fmax, alpha, np.atleast_2d(np.asarray(flux_per_amplitude, float)), idle,
                   np.atleast_2d(np.asarray(g, float)))

    @classmethod
    def from_target(cls, target, couplers) -> "CouplerModel":
        """The model of the given couplers (indices) of a target with a pulse calibration."""
        cal = target.pulse
        couplers = np.asarray(couplers, np.int64).reshape(-1)
        for c in couplers.tolist():
            if not cal.has_coupler(c):
                raise TargetError(f"{target.name}: coupler {c} {target.pairs[c].tolist()} has "
                                  f"no pulse calibration (pulse.couplers[])")
        a, b = target.pairs[couplers, 0], target.pairs[couplers, 1]
        qc, cc = cal.qubit, cal.coupler

        def stack(qa, qb, c):
            return np.stack([qa, qb, c], axis=1)

        return cls.from_arrays(
            stack(target.frequency[a], target.frequency[b], cc["frequency"][couplers]),
            stack(qc["max_frequency"][a], qc["max_frequency"][b], cc["max_frequency"][couplers]),
            stack(target.anharmonicity[a], target.anharmonicity[b],
                  cc["anharmonicity"][couplers]),
            stack(qc["flux_per_amplitude"][a], qc["flux_per_amplitude"][b],
                  cc["flux_per_amplitude"][couplers]),
            np.concatenate([cc["g_qc"][couplers], cc["g_qq"][couplers, None]], axis=1))

    def __len__(self) -> int:
        return self.g.shape[0]

    def take(self, index) -> "CouplerModel":
        """The model of a subset of its couplers."""
        return CouplerModel(*(getattr(self, f)[index] for f in self.__dataclass_fields__))


@dataclass(frozen=True)
class CouplerGate:
    """Propagators of m coupler pulses, in the dressed frame of the idle chip, by block."""

    basis: Basis
    blocks: np.ndarray  # (m, basis.size) complex
    omega: np.ndarray   # (m, 3) dressed 0-1 frequencies of a, b, c (GHz)

    def block(self, n: int) -> np.ndarray:
        """(m, d, k): block n from its k states with the coupler in its ground state to
        all its d states."""
        bs = self.basis
        d = int(bs.block_ptr[n + 1] - bs.block_ptr[n])
        k = int(bs.sel_ptr[n + 1] - bs.sel_ptr[n])
        off = int(bs.block_offset[n])
        return self.blocks[:, off:off + d * k].reshape(-1, d, k)

    def qubit_operator(self, levels: int = 2) -> np.ndarray:
        """(m, L^2, L^2): the propagator between qubit states |i j> (coupler in its ground
        state at both ends), index i * L + j, qubit a the more significant."""
        out = np.zeros((self.blocks.shape[0], levels * levels, levels * levels), complex)
        rows, cols = {}, {}
        for i in range(levels):
            for j in range(levels):
                if i + j < len(self.basis.block_ptr) - 1:
                    rows[i * levels + j] = self.basis.index((i, j, 0))
                    cols[i * levels + j] = self.basis.column((i, j, 0))
        for r, (nr, ir) in rows.items():
            for c, (nc, ic) in cols.items():
                if nr == nc:
                    out[:, r, c] = self.block(nr)[:, ir, ic]
        return out


def coupler_gate(model: CouplerModel, amps: np.ndarray, dt: float, nmax: int = 2
                 ) -> CouplerGate:
    """Simulate flux samples ``amps`` (m, 3, S): AWG amplitudes of the Z lines of a and b
    and of the coupler, one per sample of ``dt`` ns, for every coupler of ``model``."""
    from .sim_kernels import coupler_propagators

    amps = np.ascontiguousarray(amps, float)
    if amps.ndim != 3 or amps.shape[:2] != (len(model), 3):
        raise ValueError(f"amps must be (m, 3, S) with m = {len(model)}, got {amps.shape}")
    bs = basis(nmax)
    out = np.zeros((len(model), bs.size), complex)
    omega = coupler_propagators(
        model.max_frequency, model.anharmonicity, model.flux_per_amplitude, model.idle_flux,
        model.g, amps, float(dt), bs.states, bs.block_ptr, bs.crow, bs.ccol, bs.cpair,
        bs.cfac, bs.cptr, bs.sel, bs.sel_ptr, bs.block_offset, out)
    return CouplerGate(bs, out, omega)


def cz_phases(m4: np.ndarray) -> np.ndarray:
    """(..., 3): the conditional phase and the single-qubit phases (of a and of b) of a
    diagonal-dominant 4 x 4 gate, each relative to |00>; the conditional phase is
    phi11 - phi10 - phi01 + phi00 wrapped to [0, 2 pi)."""
    ph = np.angle(np.diagonal(m4, axis1=-2, axis2=-1))
    cond = np.mod(ph[..., 3] - ph[..., 2] - ph[..., 1] + ph[..., 0], 2 * np.pi)
    return np.stack([cond, ph[..., 2] - ph[..., 0], ph[..., 1] - ph[..., 0]], axis=-1)


def wrap(angle):
    """Angles wrapped to [-pi, pi)."""
    return (np.asarray(angle) + np.pi) % (2 * np.pi) - np.pi
