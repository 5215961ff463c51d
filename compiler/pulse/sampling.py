"""From a schedule to the samples each channel plays.

Each distinct waveform is sampled once (``WaveformTable.sampled``); every play then
copies its waveform into its channel's buffer, turned by the frame phase at that moment
(virtual Z and phase offsets included) and modulated when its frame was moved off the
carrier.  Both steps are numba kernels.

Buffers are kept as segments: a channel's samples are the plays laid end to end, each
with its start time; between them the channel is silent (zero).  A whole-chip program
is mostly silence on most channels, so this is exact and small where dense arrays would
take gigabytes; ``dense()`` expands a channel when wanted.  A conditional play (the pi
pulse of an active reset) depends on a measurement and is not in the static buffers; the
manifest lists it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .channels import Channels
from .codes import PLAY
from .schedule import Schedule


@dataclass(eq=False)
class PulseSamples:
    """Per channel, segments (start, length) of complex samples at the AWG rate."""

    channels: Channels
    total: int
    sample_rate: float
    seg_channel: np.ndarray  # (S,) channel of each segment, sorted by channel then time
    seg_start: np.ndarray    # (S,) first sample
    seg_length: np.ndarray   # (S,)
    seg_offset: np.ndarray   # (S,) position in ``data``
    data: np.ndarray         # complex128, all segments end to end

    def __repr__(self) -> str:
        return (f"<PulseSamples: {len(self.used_channels)} channels, {len(self.seg_start)} "
                f"segments, {self.num_samples} samples played of {self.total} per channel>")

    @property
    def used_channels(self) -> np.ndarray:
        return np.unique(self.seg_channel)

    def _rows(self, channel) -> np.ndarray:
        ch = self.channels.index(channel) if isinstance(channel, str) else int(channel)
        lo, hi = np.searchsorted(self.seg_channel, [ch, ch + 1])
        return np.arange(lo, hi)

    def segments(self, channel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(starts, lengths, samples end to end) of one channel."""
        rows = self._rows(channel)
        if not len(rows):
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, complex)
        lo = self.seg_offset[rows[0]]
        hi = self.seg_offset[rows[-1]] + self.seg_length[rows[-1]]
        return self.seg_start[rows], self.seg_length[rows], self.data[lo:hi]

    def dense(self, channel, start: int = 0, stop: int | None = None) -> np.ndarray:
        """The samples of one channel over [start, stop) (default: the whole schedule)."""
        stop = self.total if stop is None else stop
        out = np.zeros(max(stop - start, 0), complex)
        starts, lengths, data = self.segments(channel)
        pos = 0
        for s, n in zip(starts.tolist(), lengths.tolist()):
            lo, hi = max(s, start), min(s + n, stop)
            if lo < hi:
                out[lo - start:hi - start] = data[pos + lo - s:pos + hi - s]
            pos += n
        return out

    @property
    def num_samples(self) -> int:
        """Samples actually played (the size of the segments)."""
        return len(self.data)

    def arrays(self, dense: bool = False) -> dict[str, np.ndarray]:
        """The arrays an .npz holds: per used channel either ``<name>`` (dense) or
        ``<name>.samples``, ``<name>.starts``, ``<name>.lengths``; complex64."""
        out = {"sample_rate": np.array(self.sample_rate),
               "duration": np.array(self.total, np.int64),
               "channels": np.array([self.channels.name(int(c)) for c in self.used_channels])}
        for c in self.used_channels.tolist():
            name = self.channels.name(c)
            if dense:
                out[name] = self.dense(c).astype(np.complex64)
            else:
                starts, lengths, data = self.segments(c)
                out[f"{name}.samples"] = data.astype(np.complex64)
                out[f"{name}.starts"] = starts
                out[f"{name}.lengths"] = lengths
        return out


def sample(schedule: Schedule) -> PulseSamples:
    """The sampled buffers of every channel of ``schedule``."""
    from .kernels import fill_segments

    table, wf_offsets, wf_durations = schedule.waveforms.sampled()
    plays = np.flatnonzero((schedule.kind == PLAY) & (schedule.condition < 0))
    plays = plays[np.lexsort((schedule.time[plays], schedule.channel[plays]))]
    lengths = schedule.duration[plays]
    seg_offset = np.zeros(len(plays), np.int64)
    if len(plays):
        seg_offset[1:] = np.cumsum(lengths)[:-1]
    data = np.zeros(int(lengths.sum()), complex)
    phase = schedule.frame_phase + schedule.value  # a play's value is its phase offset
    fill_segments(plays, schedule.time, schedule.waveform.astype(np.int64), phase,
                  schedule.frame_offset, wf_offsets, wf_durations, table, seg_offset,
                  schedule.dt, data)
    return PulseSamples(schedule.channels, schedule.total, schedule.sample_rate,
                        schedule.channel[plays].astype(np.int64), schedule.time[plays],
                        lengths, seg_offset, data)
