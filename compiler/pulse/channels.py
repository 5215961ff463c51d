"""The control channels of a chip and their frames.

Every qubit has four channels: an XY drive (``q3.xy``), a Z flux line (``q3.z``), a readout
tone (``q3.ro``) and an acquire window (``q3.acq``); every coupler one flux line
(``c17.flux``).  Channel ids are dense integers, qubit channels first (4 q + kind), then
couplers (4 N + c), so kernels index arrays by them.

Each channel carries one frame: a frequency and a phase.  The XY frame starts at the
qubit's frequency, the readout and acquire frames at its readout frequency; flux lines
are baseband (frequency 0).  Samples are complex envelopes relative to the channel's
carrier, the frame's starting frequency.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jingu.errors import InputError, TargetError, suggest

QUBIT_KINDS = ("xy", "z", "ro", "acq")
XY, Z, RO, ACQ = range(4)
FLUX = 4  # the kind of a coupler's channel
KIND_NAMES = QUBIT_KINDS + ("flux",)
#: what each kind is, for manifests and help
KIND_DOC = {"xy": "XY drive", "z": "Z flux line", "ro": "readout tone",
            "acq": "acquire window", "flux": "coupler flux line"}


@dataclass(frozen=True)
class Channels:
    """The channels of a target: names, kinds, owners and carrier frequencies (GHz)."""

    num_qubits: int
    num_couplers: int
    carrier: np.ndarray  # (C,) GHz, the frame frequency each channel starts with
    live: np.ndarray     # (C,) bool: the qubit or coupler is live

    @classmethod
    def of(cls, target) -> "Channels":
        """The channels of ``target`` (its pulse calibration gives the readout tones)."""
        if target.pulse is None:
            raise TargetError(f"{target.name} has no pulse calibration (the [pulse] table of "
                              f"its target file), so it cannot be lowered to pulses")
        n, m = target.num_qubits, target.num_couplers
        carrier = np.zeros(4 * n + m)
        carrier[XY:4 * n:4] = target.frequency
        ro = np.nan_to_num(target.pulse.qubit["readout_frequency"])
        carrier[RO:4 * n:4] = ro
        carrier[ACQ:4 * n:4] = ro
        live = np.concatenate([np.repeat(target.qubit_live, 4), target.coupler_live])
        carrier.setflags(write=False)
        live.setflags(write=False)
        return cls(n, m, carrier, live)

    def __len__(self) -> int:
        return 4 * self.num_qubits + self.num_couplers

    def qubit(self, kind: int, q):
        """Channel id(s) of kind ``XY``/``Z``/``RO``/``ACQ`` of qubit(s) ``q``."""
        return 4 * np.asarray(q, np.int64) + kind if not isinstance(q, int) else 4 * q + kind

    def coupler(self, c):
        """Channel id(s) of coupler(s) ``c``."""
        return 4 * self.num_qubits + (np.asarray(c, np.int64) if not isinstance(c, int) else c)

    def kind(self, ch: int) -> str:
        return KIND_NAMES[ch % 4] if ch < 4 * self.num_qubits else "flux"

    def owner(self, ch: int) -> tuple[str, int]:
        """('qubit', q) or ('coupler', c)."""
        if ch < 4 * self.num_qubits:
            return "qubit", ch // 4
        return "coupler", ch - 4 * self.num_qubits

    def name(self, ch: int) -> str:
        what, k = self.owner(ch)
        return f"q{k}.{self.kind(ch)}" if what == "qubit" else f"c{k}.flux"

    @property
    def names(self) -> list[str]:
        return [self.name(c) for c in range(len(self))]

    def port(self, ch: int) -> str:
        """An identifier for OpenPulse ports and frames: q3_xy, c17_flux."""
        return self.name(ch).replace(".", "_")

    def index(self, name: str) -> int:
        """The id of a channel name such as 'q3.xy' or 'c17.flux'."""
        what, _, kind = name.partition(".")
        try:
            k = int(what[1:])
        except ValueError:
            k = -1
        if what[:1] == "q" and kind in QUBIT_KINDS and 0 <= k < self.num_qubits:
            return 4 * k + QUBIT_KINDS.index(kind)
        if what[:1] == "c" and kind == "flux" and 0 <= k < self.num_couplers:
            return 4 * self.num_qubits + k
        hint = suggest(name, self.names)
        raise InputError(f"no channel '{name}'" + (f"; {hint}" if hint else
                         " (channels are q<N>.xy/.z/.ro/.acq and c<M>.flux)"))

    def describe(self, ch: int) -> dict:
        what, k = self.owner(ch)
        return {"name": self.name(ch), "kind": self.kind(ch), what: k,
                "port": self.port(ch), "frame": {"frequency": float(self.carrier[ch]),
                                                 "phase": 0.0}}
