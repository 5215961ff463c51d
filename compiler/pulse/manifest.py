"""The JSON manifest of a pulse program: channels and frames, the waveform table, the
instructions with their times, and how the samples file is laid out.

Instructions are written as columns (one list per field, ``kinds`` naming the kind codes),
like the schedule holds them: a whole-chip program has a hundred thousand of them, and
columns keep the file compact and quick to read into numpy.  ``read`` gives the manifest
back with the columns as arrays.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from .codes import KIND_NAMES
from .schedule import Schedule

FORMAT = "jingu.pulse"
VERSION = 1
COLUMNS = ("time", "channel", "kind", "duration", "waveform", "value", "op", "condition")


def manifest(schedule: Schedule, *, samples_file: str | None = None,
             layout: str = "segments") -> dict[str, Any]:
    """The manifest of ``schedule`` as a JSON-ready dict."""
    from jingu import __version__

    chans = schedule.channels
    used = np.zeros(len(chans), bool)
    used[np.unique(schedule.channel)] = True
    busy = schedule.busy()
    channels = []
    for ch in range(len(chans)):
        entry = chans.describe(ch)
        entry.update(id=ch, used=bool(used[ch]),
                     utilisation=float(busy[ch]) / max(schedule.total, 1))
        channels.append(entry)
    waveforms = []
    for wid, wf in enumerate(schedule.waveforms):
        entry = {"id": wid}
        entry.update(wf.to_dict())
        waveforms.append(entry)
    columns: dict[str, Any] = {name: getattr(schedule, name).tolist() for name in COLUMNS}
    out = {
        "format": FORMAT,
        "version": VERSION,
        "jingu_version": __version__,
        "target": schedule.target_name,
        "schedule": schedule.policy,
        "timing": {"sample_rate_gsps": schedule.sample_rate, "granularity": schedule.granularity,
                   "dt_ns": schedule.dt},
        "duration": {"samples": int(schedule.total), "ns": schedule.duration_ns},
        "counts": schedule.count_kinds(),
        "channels": channels,
        "waveforms": waveforms,
        "instructions": {"kinds": list(KIND_NAMES), "units": {
            "time": "samples", "duration": "samples",
            "value": "rad (phase), GHz (set_frequency), clbit (acquire; -1 internal), "
                     "rad phase offset (play)",
            "waveform": "id in waveforms, -1 for none",
            "op": "index of the circuit operation, -1 for none",
            "condition": "row of the acquire gating a conditional play, -1 for none"},
            **columns},
    }
    if schedule.op_start is not None:
        out["operations"] = {"start": schedule.op_start.tolist(),
                             "duration": schedule.op_duration.tolist()}
    if samples_file is not None:
        out["samples"] = {"file": samples_file, "layout": layout, "dtype": "complex64",
                          "keys": ("<channel>" if layout == "dense" else
                                   "<channel>.samples, <channel>.starts, <channel>.lengths")}
    return out


def dumps(schedule: Schedule, **kw) -> str:
    return json.dumps(manifest(schedule, **kw), separators=(",", ":")) + "\n"


def read(path) -> dict[str, Any]:
    """A manifest file with its instruction columns as numpy arrays."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    cols = data["instructions"]
    for name in COLUMNS:
        cols[name] = np.asarray(cols[name], float if name == "value" else np.int64)
    return data
