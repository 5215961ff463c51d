"""Pulse-level benchmark: how fast jingu turns compiled full-chip circuits into sampled
waveforms for every channel of the chip.

For each benchmark circuit (QFT, GHZ and random circuits on all 72 qubits, compiled to the
Wukong natives by jingu at -O1, or --pipeline; compile time is reported, not counted):
* lowering (native circuit -> timed instructions) and sampling (instructions -> per-channel
  buffers) seconds, median of --repeat runs after a warm-up (numba JIT excluded), ASAP and
  ALAP; instructions, distinct waveforms, schedule length, samples played;
* samples per second of the whole generation and of the sampling step;
* writing the output directory (manifest.json + samples.npz), once.

There is no reference pulse compiler to race (Qiskit dropped its pulse module in 2.0), so
the ratio is taken against a straightforward numpy implementation measured in the same
run: every play's envelope computed with numpy and copied into its buffer in a Python
loop, no sharing of identical pulses (``baseline_sampling``).

    python benchmarks/pulse_bench.py [--families qft,ghz,random] [-O 1] [--repeat 5]
                                     [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import tempfile
import time

import numpy as np

def compiled(family: str, n: int, target, level: int, pipeline: str | None, seed: int):
    """The benchmark circuit compiled to the chip's natives, and the seconds it took."""
    from jingu.bench.circuits import generate
    from jingu.compilation import compile

    circuit = generate(family, n, seed)
    t0 = time.perf_counter()
    out = compile(circuit, target, optimization_level=level, passes=pipeline, seed=seed)
    return out.circuit, time.perf_counter() - t0


def baseline_sampling(schedule) -> float:
    """Seconds to sample every play of ``schedule`` the plain way (numpy per pulse)."""
    from jingu.pulse.codes import COSINE_FLAT, DRAG, PLAY

    t0 = time.perf_counter()
    table = schedule.waveforms
    phase = schedule.frame_phase + schedule.value
    plays = np.flatnonzero((schedule.kind == PLAY) & (schedule.condition < 0))
    buffers: dict[int, list] = {}
    for i in plays.tolist():
        w = int(schedule.waveform[i])
        n = table.durations[w]
        amp, angle, sigma, beta, width = table.rows[w]
        t = np.arange(n) + 0.5
        code = table.codes[w]
        if code == DRAG:
            e = math.exp(-((n / 2) ** 2) / (2 * sigma ** 2))
            g = np.exp(-((t - n / 2) ** 2) / (2 * sigma ** 2))
            env = (g - e) / (1 - e) + 1j * beta * (-(t - n / 2) / sigma ** 2) * g / (1 - e)
        elif code == COSINE_FLAT:
            env = np.ones(n)
            if width:
                env = np.where(t < width, 0.5 * (1 - np.cos(np.pi * t / width)),
                               np.where(t > n - width,
                                        0.5 * (1 - np.cos(np.pi * (n - t) / width)), 1.0))
        else:
            env = np.ones(n)
        samples = amp * np.exp(1j * (angle + phase[i])) * env
        buffers.setdefault(int(schedule.channel[i]), []).append((int(schedule.time[i]), samples))
    for ch in buffers:
        buffers[ch] = np.concatenate([s for _, s in sorted(buffers[ch], key=lambda x: x[0])])
    return time.perf_counter() - t0


def measure(circuit, target, policy: str, repeat: int) -> dict:
    from jingu.pulse import lower, sample

    schedule = lower(circuit, target, schedule=policy)  # warm-up: JIT, caches
    sample(schedule)
    t_lower, t_sample = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        schedule = lower(circuit, target, schedule=policy)
        t1 = time.perf_counter()
        samples = sample(schedule)
        t2 = time.perf_counter()
        t_lower.append(t1 - t0)
        t_sample.append(t2 - t1)
    lo, sa = statistics.median(t_lower), statistics.median(t_sample)
    base = statistics.median(baseline_sampling(schedule) for _ in range(max(1, repeat // 2)))
    return {
        "policy": policy,
        "ops": len(circuit),
        "counts": circuit.count_ops(),
        "instructions": len(schedule),
        "waveforms": len(schedule.waveforms),
        "duration_us": schedule.duration_ns / 1000,
        "samples_played": samples.num_samples,
        "lower_s": lo,
        "sample_s": sa,
        "generate_s": lo + sa,
        "samples_per_s": samples.num_samples / (lo + sa),
        "sampling_samples_per_s": samples.num_samples / sa,
        "baseline_sample_s": base,
        "sampling_speedup_vs_numpy_loop": base / sa,
        "_schedule": schedule,
        "_samples": samples,
    }


def write_seconds(schedule, samples) -> float:
    from jingu.pulse import write_directory

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        write_directory(f"{tmp}/out", schedule, samples)
        return time.perf_counter() - t0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="wukong72")
    parser.add_argument("--families", default="qft,ghz,random")
    parser.add_argument("--size", type=int, default=72)
    parser.add_argument("-O", dest="level", type=int, default=1,
                        help="optimisation level of the compile (default 1)")
    parser.add_argument("--pipeline", default=None,
                        help="compile with this pipeline instead of the -O preset")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)

    from jingu.targets import load_target

    target = load_target(args.target)
    rows = []
    for family in args.families.split(","):
        circuit, compile_s = compiled(family, args.size, target, args.level, args.pipeline,
                                      args.seed)
        for policy in ("asap", "alap"):
            r = measure(circuit, target, policy, args.repeat)
            r.update(family=family, compile_s=compile_s)
            if policy == "asap":
                r["write_s"] = write_seconds(r["_schedule"], r["_samples"])
            rows.append(r)
            print(f"{family:>7}-{args.size} {policy}: {r['ops']:6d} ops -> "
                  f"{r['instructions']:6d} instr, {r['waveforms']:5d} waveforms, "
                  f"{r['duration_us']:8.2f} us, {r['samples_played'] / 1e6:6.2f} M samples | "
                  f"lower {1e3 * r['lower_s']:6.1f} ms + sample {1e3 * r['sample_s']:6.1f} ms"
                  f" = {1e3 * r['generate_s']:6.1f} ms, {r['samples_per_s'] / 1e6:6.1f} M "
                  f"samples/s (sampling alone {r['sampling_samples_per_s'] / 1e6:.0f} M/s, "
                  f"x{r['sampling_speedup_vs_numpy_loop']:.0f} vs a numpy loop)"
                  + (f" | write {1e3 * r['write_s']:.0f} ms" if "write_s" in r else "")
                  + f" | (compile {compile_s:.1f} s)", flush=True)
    if args.json:
        clean = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"target": args.target, "level": args.level, "pipeline": args.pipeline,
                       "rows": clean}, fh, indent=2)


if __name__ == "__main__":
    main()
