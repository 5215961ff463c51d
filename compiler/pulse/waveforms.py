"""The waveform library: parametric envelopes and arbitrary sample arrays, and the table
that holds each distinct waveform of a schedule once.

Lengths are in samples (the AWG's unit; a schedule checks they lie on the target's
granularity), amplitudes in AWG units with |amp| <= 1: nothing is clipped, a waveform that
would exceed full scale is an error.  Sample k is taken at t = k + 1/2 samples.

* ``Constant``: amp e^{i angle}.
* ``Gaussian``: amp e^{i angle} (g(t) - g(0)) / (1 - g(0)), g(t) = exp(-(t - T/2)^2 / 2 sigma^2):
  lifted so it starts and ends at zero instead of jumping.
* ``Drag``: the lifted gaussian I(t) with the derivative quadrature, amp e^{i angle}
  (I(t) + i beta dI/dt) (beta in samples).
* ``GaussianSquare``: a flat top of ``width`` samples with lifted gaussian edges.
* ``CosineFlat``: the flux pulse: a flat top with raised-cosine rise and fall of ``rise``
  samples each, real.
* ``Samples``: any complex samples.

Sampling runs in numba (``jingu.pulse.kernels``), a whole table at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from jingu.errors import InputError

from . import codes

#: tolerance on full scale for sampled values (rounding of the closed forms)
FULL_SCALE_TOL = 1e-9


@dataclass(frozen=True)
class Waveform:
    """A pulse envelope of ``duration`` samples."""

    shape: ClassVar[str] = ""
    code: ClassVar[int] = -1
    duration: int

    def __post_init__(self):
        if isinstance(self.duration, bool) or not isinstance(self.duration, (int, np.integer)):
            self._fail("duration", f"must be a whole number of samples, got {self.duration!r}")
        if self.duration <= 0:
            self._fail("duration", f"must be > 0 samples, got {self.duration}")
        object.__setattr__(self, "duration", int(self.duration))

    # -- validation helpers
    def _fail(self, name, problem):
        raise InputError(f"{self.shape} waveform: {name} {problem}")

    def _finite(self, name, low=None, high=None, strict_low=False):
        x = getattr(self, name)
        if isinstance(x, bool) or not isinstance(x, (int, float, np.floating, np.integer)) \
                or not math.isfinite(x):
            self._fail(name, f"must be a finite number, got {x!r}")
        x = float(x)
        object.__setattr__(self, name, x)
        if low is not None and (x <= low if strict_low else x < low):
            self._fail(name, f"= {x!r} must be {'>' if strict_low else '>='} {low!r}")
        if high is not None and x > high:
            self._fail(name, f"= {x!r} must be <= {high!r}")
        return x

    def _amp(self):
        amp = self._finite("amp")
        if abs(amp) > 1.0:
            self._fail("amp", f"= {amp!r} is beyond full scale (|amp| <= 1; nothing is "
                              f"clipped)")
        if hasattr(self, "angle"):
            self._finite("angle")

    def params(self) -> tuple[float, float, float, float, float]:
        """The kernel's parameter row (amp, angle, sigma, beta, width or rise)."""
        return (getattr(self, "amp", 0.0), getattr(self, "angle", 0.0),
                getattr(self, "sigma", 0.0), getattr(self, "beta", 0.0),
                getattr(self, "width", getattr(self, "rise", 0.0)))

    def samples(self, check: bool = True) -> np.ndarray:
        """The complex samples; with ``check``, InputError beyond full scale."""
        from .kernels import sample_shape

        out = np.zeros(self.duration, complex)
        sample_shape(self.code, self.duration, np.array(self.params(), float), out)
        if check:
            _check_full_scale(out, self.shape)
        return out

    def to_dict(self) -> dict:
        out = {"shape": self.shape, "duration": self.duration}
        for name in self.__dataclass_fields__:
            if name not in ("duration",):
                out[name] = getattr(self, name)
        return out


@dataclass(frozen=True)
class Constant(Waveform):
    shape: ClassVar[str] = "constant"
    code: ClassVar[int] = codes.CONSTANT
    amp: float = 0.0
    angle: float = 0.0

    def __post_init__(self):
        super().__post_init__()
        self._amp()


@dataclass(frozen=True)
class Gaussian(Waveform):
    shape: ClassVar[str] = "gaussian"
    code: ClassVar[int] = codes.GAUSSIAN
    amp: float = 0.0
    sigma: float = 1.0
    angle: float = 0.0

    def __post_init__(self):
        super().__post_init__()
        self._amp()
        self._finite("sigma", 0.0, strict_low=True)


@dataclass(frozen=True)
class Drag(Waveform):
    shape: ClassVar[str] = "drag"
    code: ClassVar[int] = codes.DRAG
    amp: float = 0.0
    sigma: float = 1.0
    beta: float = 0.0
    angle: float = 0.0

    def __post_init__(self):
        super().__post_init__()
        self._amp()
        self._finite("sigma", 0.0, strict_low=True)
        self._finite("beta")


@dataclass(frozen=True)
class GaussianSquare(Waveform):
    shape: ClassVar[str] = "gaussian_square"
    code: ClassVar[int] = codes.GAUSSIAN_SQUARE
    amp: float = 0.0
    sigma: float = 1.0
    width: float = 0.0
    angle: float = 0.0

    def __post_init__(self):
        super().__post_init__()
        self._amp()
        self._finite("sigma", 0.0, strict_low=True)
        self._finite("width", 0.0, self.duration)
        if self.width >= self.duration:
            self._fail("width", f"= {self.width!r} leaves no room for the edges (duration "
                                f"{self.duration})")


@dataclass(frozen=True)
class CosineFlat(Waveform):
    shape: ClassVar[str] = "cosine_flat"
    code: ClassVar[int] = codes.COSINE_FLAT
    amp: float = 0.0
    rise: float = 0.0

    def __post_init__(self):
        super().__post_init__()
        self._amp()
        self._finite("rise", 0.0, self.duration / 2)


@dataclass(frozen=True, eq=False)
class Samples(Waveform):
    """Arbitrary samples; ``duration`` is their number."""

    shape: ClassVar[str] = "samples"
    code: ClassVar[int] = codes.SAMPLES
    duration: int = field(init=False)
    values: np.ndarray = None

    def __init__(self, values):
        arr = np.array(values, dtype=complex).reshape(-1)
        arr.setflags(write=False)
        object.__setattr__(self, "values", arr)
        object.__setattr__(self, "duration", len(arr))
        if not np.all(np.isfinite(arr)):
            self._fail("values", "must be finite")
        Waveform.__post_init__(self)
        peak = float(np.max(np.abs(arr)))
        if peak > 1.0 + FULL_SCALE_TOL:
            k = int(np.argmax(np.abs(arr)))
            self._fail("values", f"[{k}] has magnitude {peak!r} > 1 (nothing is clipped)")

    def __eq__(self, other):
        return isinstance(other, Samples) and np.array_equal(self.values, other.values)

    def __hash__(self):
        return hash(self.values.tobytes())

    def samples(self, check: bool = True) -> np.ndarray:
        return self.values.copy()

    def to_dict(self) -> dict:
        return {"shape": self.shape, "duration": self.duration}


SHAPES = {cls.shape: cls for cls in (Constant, Gaussian, Drag, GaussianSquare, CosineFlat,
                                     Samples)}


def _check_full_scale(values: np.ndarray, what: str) -> None:
    if len(values):
        mag = np.abs(values)
        k = int(np.argmax(mag))
        if mag[k] > 1.0 + FULL_SCALE_TOL:
            raise InputError(f"{what} waveform reaches |sample| = {mag[k]:.6g} > 1 at sample "
                             f"{k}: full scale is 1 and nothing is clipped")


def _unique_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows (sorted) and each row's position among them (np.unique(axis=0) does
    the same through a slow structured sort)."""
    order = np.lexsort(rows.T[::-1])
    ordered = rows[order]
    new = np.ones(len(rows), bool)
    new[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    group = np.cumsum(new) - 1
    inverse = np.empty(len(rows), np.int64)
    inverse[order] = group
    return ordered[new], inverse


class WaveformTable:
    """The distinct waveforms of a schedule, each stored and sampled once.

    Kept as columns (shape code, duration, parameter row) so that lowering adds thousands
    of pulses with one call; ``Waveform`` objects are made on demand."""

    def __init__(self):
        self.codes: list[int] = []
        self.durations: list[int] = []
        self.rows: list[tuple] = []
        self._index: dict[tuple, int] = {}
        self._arbitrary: dict[int, Samples] = {}
        self._cache = None

    def __len__(self) -> int:
        return len(self.codes)

    def add(self, wf: Waveform) -> int:
        """The id of ``wf`` in the table (added when new)."""
        if isinstance(wf, Samples):
            key = (codes.SAMPLES, wf.duration, wf.values.tobytes())
        else:
            key = (wf.code, wf.duration) + tuple(float(x) for x in wf.params())
        wid = self._index.get(key)
        if wid is None:
            wid = self._index[key] = len(self.codes)
            self.codes.append(wf.code)
            self.durations.append(wf.duration)
            self.rows.append((0.0,) * codes.NUM_PARAMS if isinstance(wf, Samples)
                             else tuple(float(x) for x in wf.params()))
            if isinstance(wf, Samples):
                self._arbitrary[wid] = wf
            self._cache = None
        return wid

    def add_many(self, code: int, durations, params) -> np.ndarray:
        """Ids of a batch of parametric waveforms of one shape: ``durations`` (k,) and
        ``params`` (k, 5) rows; parameters must already be valid (lowering checks the
        calibration once, not each pulse)."""
        durations = np.asarray(durations, np.int64)
        params = np.asarray(params, float).reshape(len(durations), codes.NUM_PARAMS)
        if len(durations) == 0:
            return np.zeros(0, np.int64)
        rows = np.column_stack([durations.astype(float), params])
        uniq, inverse = _unique_rows(rows)
        ids = np.empty(len(uniq), np.int64)
        for u, row in enumerate(uniq.tolist()):
            key = (code, int(row[0])) + tuple(row[1:])
            wid = self._index.get(key)
            if wid is None:
                wid = self._index[key] = len(self.codes)
                self.codes.append(code)
                self.durations.append(int(row[0]))
                self.rows.append(tuple(row[1:]))
                self._cache = None
            ids[u] = wid
        return ids[inverse.reshape(-1)]

    def waveform(self, wid: int) -> Waveform:
        if wid in self._arbitrary:
            return self._arbitrary[wid]
        cls = next(c for c in SHAPES.values() if c.code == self.codes[wid])
        amp, angle, sigma, beta, width = self.rows[wid]
        kw = {"amp": amp}
        if cls is not CosineFlat:
            kw["angle"] = angle
        if cls in (Gaussian, Drag, GaussianSquare):
            kw["sigma"] = sigma
        if cls is Drag:
            kw["beta"] = beta
        if cls is GaussianSquare:
            kw["width"] = width
        if cls is CosineFlat:
            kw["rise"] = width
        return cls(self.durations[wid], **kw)

    def __iter__(self):
        return (self.waveform(w) for w in range(len(self)))

    def sampled(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(flat complex samples of every waveform, offsets (W,), durations (W,)), sampled
        once per table; InputError when a waveform exceeds full scale."""
        if self._cache is not None:
            return self._cache
        from .kernels import sample_table

        durations = np.array(self.durations, np.int64)
        offsets = np.zeros(len(durations), np.int64)
        if len(durations):
            offsets[1:] = np.cumsum(durations)[:-1]
        arb_parts, arb_offsets, pos = [], np.zeros(len(durations), np.int64), 0
        for wid, wf in sorted(self._arbitrary.items()):
            arb_offsets[wid] = pos
            arb_parts.append(wf.values)
            pos += wf.duration
        arbitrary = np.concatenate(arb_parts) if arb_parts else np.zeros(1, complex)
        out = np.zeros(int(durations.sum()), complex)
        params = np.array(self.rows, float).reshape(len(durations), codes.NUM_PARAMS)
        sample_table(np.array(self.codes, np.int64), durations, params, offsets, arbitrary,
                     arb_offsets, out)
        if len(out):
            mag = np.abs(out)
            k = int(np.argmax(mag))
            if mag[k] > 1.0 + FULL_SCALE_TOL:
                wid = int(np.searchsorted(offsets, k, side="right") - 1)
                _check_full_scale(out[offsets[wid]:offsets[wid] + durations[wid]],
                                  f"{self.waveform(wid).shape} (table entry {wid})")
        out.setflags(write=False)
        self._cache = (out, offsets, durations)
        return self._cache
