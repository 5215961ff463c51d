"""Drawing a schedule: one row per used channel, each play drawn as its envelope (the
magnitude of its samples), acquire windows as shaded spans, phase shifts as ticks."""

from __future__ import annotations

import io

import numpy as np

from .codes import ACQUIRE, SHIFT_PHASE

#: at most this many channel rows are drawn (the busiest, in channel order)
MAX_ROWS = 48


def plot_schedule(schedule, samples, path, *, start: int = 0, stop: int | None = None,
                  title: str | None = None) -> int:
    """Draw the schedule between samples [start, stop) to an image at ``path`` (written
    atomically); returns the number of channel rows drawn."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the environment
        from jingu.errors import InputError

        raise InputError("--plot needs matplotlib (pip install jingu[plot])") from None
    from jingu.fileio import write_atomic

    stop = schedule.total if stop is None else stop
    busy = schedule.busy()
    used = np.unique(schedule.channel)
    if len(used) > MAX_ROWS:
        keep = used[np.argsort(-busy[used], kind="stable")[:MAX_ROWS]]
        used = np.sort(keep)
    dt = schedule.dt
    fig, ax = plt.subplots(figsize=(12, 0.35 * len(used) + 1.5))
    for row, ch in enumerate(used.tolist()):
        y = len(used) - 1 - row
        ax.axhline(y, color="0.85", lw=0.5)
        starts, lengths, data = samples.segments(ch)
        pos = 0
        for s, n in zip(starts.tolist(), lengths.tolist()):
            if s + n > start and s < stop:
                t = (np.arange(n) + s) * dt
                ax.fill_between(t, y, y + 0.8 * np.abs(data[pos:pos + n]), lw=0,
                                color="C0" if schedule.channels.kind(ch) == "xy" else "C1")
            pos += n
        rows = schedule.on(ch)
        acq = rows[schedule.kind[rows] == ACQUIRE]
        if len(acq):
            ax.broken_barh(list(zip((schedule.time[acq] * dt).tolist(),
                                    (schedule.duration[acq] * dt).tolist())), (y, 0.8),
                           color="C2", alpha=0.35)
        shifts = rows[schedule.kind[rows] == SHIFT_PHASE]
        ax.plot(schedule.time[shifts] * dt, np.full(len(shifts), y), "|", color="C3", ms=6)
    ax.set_yticks(range(len(used)))
    ax.set_yticklabels([schedule.channels.name(int(c)) for c in used[::-1]], fontsize=7)
    ax.set_xlim(start * dt, stop * dt)
    ax.set_xlabel("time (ns)")
    ax.set_title(title or f"{schedule.target_name}: {schedule.policy} schedule, "
                          f"{schedule.duration_ns:g} ns")
    fig.tight_layout()
    buf = io.BytesIO()
    suffix = str(path).rsplit(".", 1)[-1].lower()
    fig.savefig(buf, format=suffix if suffix in ("png", "pdf", "svg") else "png", dpi=120)
    plt.close(fig)
    write_atomic(path, buf.getvalue())
    return len(used)
