"""The pulse level: from a native circuit on physical qubits to the sampled control
waveforms of every channel of the chip, checked by simulating the pulses.

    from jingu.pulse import generate, verify_schedule
    program = generate(circuit, "wukong72", schedule="alap")   # lower + sample
    program.schedule.duration_ns, program.samples.dense("q3.xy")
    print(verify_schedule(program.schedule, program.samples).format())

Modules: ``channels`` (channels and frames), ``waveforms`` (envelopes, the waveform
table), ``schedule`` (instructions, ``Schedule``, ``ScheduleBuilder``), ``lowering``
(native operations -> instructions, from the calibration), ``scheduling`` (ASAP/ALAP),
``sampling`` (per-channel buffers), ``physics`` (the model), ``transmon`` (the simulator),
``calibrate`` (CZ calibration against the model), ``verify``, ``openpulse``, ``manifest``,
``output``, ``plot``; numba kernels in ``kernels`` and ``sim_kernels``, loaded on first use.
Importing this package loads neither numba nor any kernel.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

_LAZY = {
    "lower": "lowering",
    "NATIVE": "lowering",
    "sample": "sampling",
    "PulseSamples": "sampling",
    "Schedule": "schedule",
    "ScheduleBuilder": "schedule",
    "Instruction": "schedule",
    "Channels": "channels",
    "Constant": "waveforms",
    "Gaussian": "waveforms",
    "Drag": "waveforms",
    "GaussianSquare": "waveforms",
    "CosineFlat": "waveforms",
    "Samples": "waveforms",
    "verify_schedule": "verify",
    "check_rphi": "verify",
    "check_cz": "verify",
    "check_program": "verify",
    "simulate": "transmon",
    "to_openpulse": "openpulse",
    "write_directory": "output",
    "plot_schedule": "plot",
}


@dataclass(frozen=True)
class PulseProgram:
    """A lowered schedule and its sampled buffers."""

    schedule: object
    samples: object


def generate(circuit, target, *, schedule: str = "asap") -> PulseProgram:
    """Lower ``circuit`` (native, on physical qubits) for ``target`` and sample it."""
    from .lowering import lower
    from .sampling import sample

    sched = lower(circuit, target, schedule=schedule)
    return PulseProgram(sched, sample(sched))


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'jingu.pulse' has no attribute '{name}'")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
