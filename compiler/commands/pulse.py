"""``jingu pulse``: compile a program, lower it to pulses, write and check them."""

from __future__ import annotations

import json
import time

import click

from .options import lang_option, resolve_target, target_options


@click.command("pulse")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "outdir", default=None, type=click.Path(file_okay=False),
              help="Directory for manifest.json and samples.npz (replaced atomically).")
@target_options
@click.option("-O", "level", type=click.IntRange(0, 3), default=1, show_default=True,
              help="Optimisation level of the compile before lowering.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of randomised passes.")
@click.option("--passes", "passes", default=None, metavar="PIPELINE",
              help="Compile with this pipeline instead of the preset.")
@click.option("--schedule", "policy", type=click.Choice(["asap", "alap"]), default="asap",
              show_default=True, help="Start operations as soon or as late as possible.")
@click.option("--emit", "emit", type=click.Choice(["openpulse"]), default=None,
              help="Also write program.qasm: OpenQASM 3 with OpenPulse calibrations.")
@click.option("--plot", "plot_path", default=None, type=click.Path(dir_okay=False),
              help="Draw the schedule to this image (png, pdf, svg; needs matplotlib).")
@click.option("--dense", is_flag=True,
              help="Write each channel's samples as one dense array (default: segments).")
@click.option("--verify", "do_verify", is_flag=True,
              help="Simulate the gates the program uses and print their fidelities.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@lang_option
def pulse_cmd(file, outdir, target_name, disable_qubits, disable_couplers, basis, level, seed,
              passes, policy, emit, plot_path, dense, do_verify, as_json, lang):
    """Compile FILE for a target and lower it to sampled control pulses for every channel.

    Writes OUTDIR/manifest.json (channels, frames, waveforms, timed instructions) and
    OUTDIR/samples.npz (complex samples per channel); see docs/pulse.md.
    """
    from jingu.compilation import compile as run_compile
    from jingu.frontend import parse_file
    from jingu.pulse.lowering import lower
    from jingu.pulse.sampling import sample

    if emit and outdir is None:
        from jingu.errors import InputError

        raise InputError("--emit openpulse writes into the output directory: give -o OUTDIR")
    circuit = parse_file(file, lang=lang)
    target = resolve_target(target_name, disable_qubits, disable_couplers, basis)
    result = run_compile(circuit, target, optimization_level=level, seed=seed, passes=passes)
    _check_native(result, target)
    t0 = time.perf_counter()
    schedule = lower(result.circuit, target, schedule=policy)
    t1 = time.perf_counter()
    samples = sample(schedule)
    t2 = time.perf_counter()
    summary = _summary(schedule, samples, t1 - t0, t2 - t1)
    if outdir is not None:
        from jingu.pulse.output import write_directory

        summary["wrote"] = {"directory": str(outdir),
                            "files": write_directory(outdir, schedule, samples, dense=dense,
                                                     openpulse=emit == "openpulse")}
    if plot_path:
        from jingu.pulse.plot import plot_schedule

        summary["plot"] = {"file": plot_path,
                           "channels": plot_schedule(schedule, samples, plot_path)}
    if do_verify:
        from jingu.pulse.verify import verify_schedule

        report = verify_schedule(schedule, samples)
        summary["verify"] = report.to_dict()
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    _print_summary(summary)
    if do_verify:
        click.echo(report.format())


def _check_native(result, target) -> None:
    """PipelineError, naming the pipeline, when the compiled circuit is not on the chip's
    native operations and couplers: lowering it anyway would pretend."""
    from jingu.errors import PipelineError
    from jingu.pulse.lowering import NATIVE

    circuit = result.circuit
    problem = None
    for i, op in enumerate(circuit):
        if op.name not in NATIVE or op.name not in target.basis:
            problem = f"operation {i} is '{op.name}', not a native operation of {target.name}"
        elif op.name == "cz" and not target.is_coupled(*op.qubits):
            problem = (f"operation {i} is a cz on qubits {list(op.qubits)}, which share no "
                       f"live coupler")
        if problem:
            break
    if problem is None and circuit.num_qubits > target.num_qubits:
        problem = f"it has {circuit.num_qubits} qubits"
    if problem:
        pipeline = ", ".join(str(p) for p in result.report.get("pipeline", [])) or "(empty)"
        raise PipelineError(
            f"the compiled program is not native to {target.name}, so it cannot be lowered "
            f"to pulses: {problem}.\n  pipeline: {pipeline}\n  the pipeline must map the "
            f"program onto the chip (layout, routing, translation to rphi/rz/cz): use a "
            f"preset (-O0 to -O3) or such a --passes pipeline, e.g. "
            f"\"unroll,sabre-layout,sabre-route,translate\"")


def _summary(schedule, samples, t_lower, t_sample) -> dict:
    util = schedule.utilisation()
    return {
        "target": schedule.target_name,
        "schedule": schedule.policy,
        "duration_samples": int(schedule.total),
        "duration_ns": schedule.duration_ns,
        "instructions": len(schedule),
        "counts": schedule.count_kinds(),
        "waveforms": len(schedule.waveforms),
        "samples_played": int(samples.num_samples),
        "channels_used": len(util),
        "channels_total": len(schedule.channels),
        "mean_utilisation": (sum(util.values()) / len(util)) if util else 0.0,
        "max_utilisation": max(util.values(), default=0.0),
        "seconds": {"lower": t_lower, "sample": t_sample},
    }


def _print_summary(s: dict) -> None:
    counts = ", ".join(f"{n} {k}" for k, n in s["counts"].items())
    click.echo(f"{s['target']} ({s['schedule']}): {s['duration_samples']} samples = "
               f"{s['duration_ns'] / 1000:.3f} us")
    click.echo(f"  {s['instructions']} instructions ({counts}); {s['waveforms']} distinct "
               f"waveforms; {s['samples_played']} samples played")
    click.echo(f"  {s['channels_used']}/{s['channels_total']} channels used, utilisation "
               f"mean {100 * s['mean_utilisation']:.1f}%, max "
               f"{100 * s['max_utilisation']:.1f}%")
    click.echo(f"  lowered in {1e3 * s['seconds']['lower']:.1f} ms, sampled in "
               f"{1e3 * s['seconds']['sample']:.1f} ms")
    if "wrote" in s:
        click.echo(f"  wrote {s['wrote']['directory']}: {', '.join(s['wrote']['files'])}")
    if "plot" in s:
        click.echo(f"  drew {s['plot']['channels']} channels to {s['plot']['file']}")
