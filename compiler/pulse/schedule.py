"""Instructions and the ``Schedule``: timed instructions on the channels of one chip.

An instruction is one row of columns: ``time`` (samples from the start), ``channel``,
``kind`` (play, shift_phase, set_phase, set_frequency, delay, acquire, barrier),
``duration`` (samples; 0 for frame changes and barriers), ``waveform`` (the table id of a
play, else -1), ``value`` (the phase of shift/set_phase in rad, the frequency of
set_frequency in GHz, a play's phase offset relative to its frame, the classical bit of an
acquire or -1 for an internal one), ``op`` (the circuit operation it implements, -1 for
none) and ``condition`` (for a conditional play, the row of the acquire whose result
gates it; else -1).

Rows are kept sorted by time, then channel, then the order they were made in; several
instructions on one channel at one time take effect in that order (a phase shift before
the play that follows it).  ``ScheduleBuilder`` makes schedules by hand; lowering makes
them from a circuit.  ``check`` verifies the invariants every schedule must hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator, NamedTuple

import numpy as np

from jingu.errors import InputError

from .channels import Channels
from .codes import (ACQUIRE, BARRIER, DELAY, KIND_NAMES, PLAY, SET_FREQUENCY, SET_PHASE,
                    SHIFT_PHASE)
from .waveforms import Waveform, WaveformTable

#: instruction kinds that occupy their channel for their duration
TIMED = (PLAY, DELAY, ACQUIRE)


class Instruction(NamedTuple):
    """A read-only view of one instruction (made on demand)."""

    time: int
    channel: str
    kind: str
    duration: int = 0
    waveform: Waveform | None = None
    value: float = 0.0
    op: int = -1
    condition: int = -1


@dataclass(eq=False)
class Schedule:
    """Timed instructions per channel for one target (see the module docstring)."""

    target_name: str
    sample_rate: float
    granularity: int
    channels: Channels
    time: np.ndarray
    channel: np.ndarray
    kind: np.ndarray
    duration: np.ndarray
    waveform: np.ndarray
    value: np.ndarray
    op: np.ndarray
    condition: np.ndarray
    waveforms: WaveformTable
    total: int  # samples
    policy: str = "asap"
    #: per circuit operation (when lowered from a circuit): start and duration in samples
    op_start: np.ndarray | None = None
    op_duration: np.ndarray | None = None
    circuit: object = field(default=None, repr=False)
    target: object = field(default=None, repr=False)

    # -- sizes and views -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.time)

    def __repr__(self) -> str:
        return (f"<Schedule {self.target_name} ({self.policy}): {len(self)} instructions, "
                f"{len(self.waveforms)} waveforms, {self.total} samples = "
                f"{self.duration_ns:g} ns>")

    @property
    def dt(self) -> float:
        """ns per sample."""
        return 1.0 / self.sample_rate

    @property
    def duration_ns(self) -> float:
        return self.total / self.sample_rate

    def instruction(self, i: int) -> Instruction:
        w = int(self.waveform[i])
        return Instruction(int(self.time[i]), self.channels.name(int(self.channel[i])),
                           KIND_NAMES[self.kind[i]], int(self.duration[i]),
                           self.waveforms.waveform(w) if w >= 0 else None,
                           float(self.value[i]), int(self.op[i]), int(self.condition[i]))

    def __iter__(self) -> Iterator[Instruction]:
        return (self.instruction(i) for i in range(len(self)))

    def on(self, channel: str | int) -> np.ndarray:
        """Rows of the instructions on one channel (a name or an id), in time order."""
        ch = self.channels.index(channel) if isinstance(channel, str) else int(channel)
        return np.flatnonzero(self.channel == ch)

    def count_kinds(self) -> dict[str, int]:
        counts = np.bincount(self.kind, minlength=len(KIND_NAMES))
        return {KIND_NAMES[k]: int(c) for k, c in enumerate(counts) if c}

    # -- frames ------------------------------------------------------------------------
    @cached_property
    def _frames(self) -> tuple[np.ndarray, np.ndarray]:
        from .kernels import frame_phases

        order = np.argsort(self.channel, kind="stable")  # rows are in time order already
        phase, offset = frame_phases(order, self.channel, self.kind, self.time, self.value,
                                     self.channels.carrier, len(self.channels), self.dt,
                                     SHIFT_PHASE, SET_PHASE, SET_FREQUENCY, PLAY)
        phase.setflags(write=False)
        offset.setflags(write=False)
        return phase, offset

    @property
    def frame_phase(self) -> np.ndarray:
        """Per row: the phase (rad) of its channel's frame when it takes effect (after
        it, for frame changes)."""
        return self._frames[0]

    @property
    def frame_offset(self) -> np.ndarray:
        """Per row: its frame's frequency minus the channel's carrier (GHz)."""
        return self._frames[1]

    def final_phase(self, channel: str | int) -> float:
        """The frame phase of a channel after its last instruction (virtual Z included)."""
        rows = self.on(channel)
        if not len(rows):
            return 0.0
        return float(self.frame_phase[rows[-1]])

    # -- analysis ----------------------------------------------------------------------
    def busy(self) -> np.ndarray:
        """Samples each channel spends playing or acquiring (C,)."""
        sel = (self.kind == PLAY) | (self.kind == ACQUIRE)
        return np.bincount(self.channel[sel], weights=self.duration[sel],
                           minlength=len(self.channels)).astype(np.int64)

    def utilisation(self, used_only: bool = True) -> dict[str, float]:
        """Fraction of the schedule's duration each channel plays or acquires."""
        busy = self.busy()
        total = max(self.total, 1)
        chans = np.flatnonzero(busy) if used_only else np.arange(len(self.channels))
        return {self.channels.name(int(c)): float(busy[c]) / total for c in chans}

    def check(self) -> None:
        """InputError unless every invariant holds: times and durations non-negative and
        on the grid, plays as long as their waveforms, no two timed instructions
        overlapping on a channel, nothing after the end, rows in time order."""
        g = self.granularity
        if len(self) == 0:
            return
        if np.any(self.time < 0) or np.any(self.duration < 0):
            raise InputError("a schedule has an instruction at a negative time or with a "
                             "negative duration")
        bad = np.flatnonzero((self.time % g) | (self.duration % g))
        if len(bad):
            i = int(bad[0])
            raise InputError(f"instruction {i} ({self.instruction(i).kind} on "
                             f"{self.channels.name(int(self.channel[i]))} at {self.time[i]}, "
                             f"duration {self.duration[i]}) is off the grid of {g} samples")
        if np.any(np.diff(self.time) < 0):
            raise InputError("schedule rows are not in time order")
        plays = np.flatnonzero(self.kind == PLAY)
        if len(plays):
            lengths = np.array(self.waveforms.durations, np.int64)[self.waveform[plays]]
            wrong = plays[lengths != self.duration[plays]]
            if len(wrong):
                raise InputError(f"play {int(wrong[0])} lasts {self.duration[wrong[0]]} "
                                 f"samples but its waveform has "
                                 f"{self.waveforms.durations[self.waveform[wrong[0]]]}")
        end = self.time + self.duration
        if np.any(end > self.total):
            raise InputError(f"an instruction ends after the schedule's end ({self.total})")
        timed = np.flatnonzero(np.isin(self.kind, TIMED) & (self.duration > 0))
        order = timed[np.lexsort((self.time[timed], self.channel[timed]))]
        ch, t0, t1 = self.channel[order], self.time[order], end[order]
        clash = np.flatnonzero((ch[1:] == ch[:-1]) & (t0[1:] < t1[:-1]))
        if len(clash):
            a, b = int(order[clash[0]]), int(order[clash[0] + 1])
            raise InputError(f"instructions {a} and {b} overlap on "
                             f"{self.channels.name(int(self.channel[a]))} "
                             f"([{self.time[a]}, {end[a]}) and [{self.time[b]}, {end[b]}))")


class ScheduleBuilder:
    """Makes a schedule by hand: instructions at explicit times, then ``build()`` sorts
    and checks them.

        b = ScheduleBuilder(target)
        b.play("q0.xy", Drag(60, 0.25, 15.0, 1.3), time=0)
        b.shift_phase("q0.xy", 0.5, time=60)
        schedule = b.build()
    """

    def __init__(self, target):
        self.target = target
        self.target_name = target.name
        self.sample_rate = target.timing.sample_rate
        self.granularity = target.timing.granularity
        self.channels = Channels.of(target)
        self.waveforms = WaveformTable()
        self._rows: list[tuple] = []

    def _add(self, time, channel, kind, duration=0, waveform=-1, value=0.0, op=-1,
             condition=-1):
        ch = self.channels.index(channel) if isinstance(channel, str) else int(channel)
        if not isinstance(time, (int, np.integer)) or time < 0:
            raise InputError(f"instruction time must be a whole number of samples >= 0, "
                             f"got {time!r}")
        self._rows.append((int(time), ch, kind, int(duration), int(waveform), float(value),
                           int(op), int(condition)))
        return len(self._rows) - 1

    def play(self, channel, waveform: Waveform, time: int, phase: float = 0.0) -> int:
        return self._add(time, channel, PLAY, waveform.duration, self.waveforms.add(waveform),
                         phase)

    def shift_phase(self, channel, phase: float, time: int) -> int:
        return self._add(time, channel, SHIFT_PHASE, value=phase)

    def set_phase(self, channel, phase: float, time: int) -> int:
        return self._add(time, channel, SET_PHASE, value=phase)

    def set_frequency(self, channel, frequency: float, time: int) -> int:
        return self._add(time, channel, SET_FREQUENCY, value=frequency)

    def delay(self, channel, duration: int, time: int) -> int:
        return self._add(time, channel, DELAY, duration)

    def acquire(self, channel, duration: int, time: int, clbit: int = -1) -> int:
        return self._add(time, channel, ACQUIRE, duration, value=clbit)

    def barrier(self, channel, time: int) -> int:
        return self._add(time, channel, BARRIER)

    def build(self, total: int | None = None) -> Schedule:
        rows = self._rows
        cols = [np.array(c) for c in zip(*rows)] if rows else [np.zeros(0)] * 8
        time = cols[0].astype(np.int64)
        order = np.lexsort((np.arange(len(time)), cols[1], time)) if rows else np.zeros(0, int)
        end = int(np.max(time + cols[3].astype(np.int64))) if rows else 0
        sched = Schedule(
            self.target_name, self.sample_rate, self.granularity, self.channels,
            time[order], cols[1].astype(np.int32)[order], cols[2].astype(np.int8)[order],
            cols[3].astype(np.int64)[order], cols[4].astype(np.int32)[order],
            cols[5].astype(float)[order], cols[6].astype(np.int32)[order],
            cols[7].astype(np.int32)[order], self.waveforms,
            end if total is None else int(total), policy="manual", target=self.target)
        sched.check()
        return sched
