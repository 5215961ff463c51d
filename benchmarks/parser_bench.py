"""OpenQASM 2 parser benchmark: jingu's front end against Qiskit's and pytket's readers on the
same generated program, in the same run.

The program has N gate statements (default 10^6) on 100 qubits: a seeded mixture of
``h`` (35 %), ``cx`` (35 %), ``rz(angle)`` (25 %) and ``measure`` (5 %).  Each reader
parses a small program first (imports, grammar tables and caches are not timed), then
parses the big one once per ``--repeat``; the best time counts.  Each parse is timed in
wall-clock seconds and in CPU seconds of this process (``time.process_time``), which is the
fairer measure on a machine shared with other work; ratios use CPU time.  Reported:
statements per second for each reader and jingu's speed as a ratio of each (above 1: jingu
is faster).  Every reader must produce N operations.

    python benchmarks/parser_bench.py [--statements 1000000] [--qubits 100] [--repeat 1]
                                      [--skip pytket] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time


def generate(statements: int, qubits: int, seed: int = 7) -> str:
    """The benchmark program (same seed, same text)."""
    rng = random.Random(seed)
    lines = ["OPENQASM 2.0;", 'include "qelib1.inc";', f"qreg q[{qubits}];", f"creg c[{qubits}];"]
    for _ in range(statements):
        r = rng.random()
        a = rng.randrange(qubits)
        if r < 0.35:
            lines.append(f"h q[{a}];")
        elif r < 0.70:
            b = rng.randrange(qubits - 1)
            b += b >= a
            lines.append(f"cx q[{a}],q[{b}];")
        elif r < 0.95:
            lines.append(f"rz({rng.uniform(-3.2, 3.2):.6f}) q[{a}];")
        else:
            lines.append(f"measure q[{a}] -> c[{a}];")
    return "\n".join(lines) + "\n"


# each reader: (name, function(text) -> number of operations read)


def _jingu(text):
    from jingu.frontend import parse

    return len(parse(text))


def _qiskit(text):
    import qiskit.qasm2

    return len(qiskit.qasm2.loads(text).data)


def _qiskit_legacy(text):
    import qiskit.qasm2

    qc = qiskit.qasm2.loads(text, custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
    return len(qc.data)


def _pytket(text):
    from pytket.qasm import circuit_from_qasm_str

    return circuit_from_qasm_str(text, maxwidth=1 << 20).n_gates


READERS = {
    "jingu": _jingu,
    "qiskit": _qiskit,
    "qiskit-legacy": _qiskit_legacy,
    "pytket": _pytket,
}

VERSIONS = {"jingu": "jingu", "qiskit": "qiskit", "qiskit-legacy": "qiskit", "pytket": "pytket"}


def _version(module: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(module)
    except PackageNotFoundError:
        return "?"


def run(statements: int, qubits: int, repeat: int, skip: set[str], seed: int) -> dict:
    text = generate(statements, qubits, seed)
    warmup = generate(200, qubits, seed + 1)
    results = {}
    for name, read in READERS.items():
        if name in skip:
            continue
        try:
            read(warmup)
        except ImportError as exc:
            print(f"{name}: not installed ({exc}); skipped", file=sys.stderr)
            continue
        wall = cpu = float("inf")
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            count = read(text)
            wall = min(wall, time.perf_counter() - t0)
            cpu = min(cpu, time.process_time() - c0)
        if count != statements:
            raise SystemExit(f"{name} read {count} operations, expected {statements}")
        results[name] = {"wall_seconds": wall, "cpu_seconds": cpu,
                         "statements_per_second": statements / cpu,
                         "version": _version(VERSIONS[name])}
        print(f"{name:>14}: {wall:9.2f} s wall  {cpu:9.2f} s CPU  "
              f"{statements / cpu:12,.0f} statements/CPU-s", file=sys.stderr, flush=True)
    return {"statements": statements, "qubits": qubits, "seed": seed, "repeat": repeat,
            "bytes": len(text), "python": platform.python_version(),
            "machine": platform.machine(), "results": results}


def report(data: dict) -> str:
    res = data["results"]
    lines = [(f"{data['statements']:,} statements on {data['qubits']} qubits "
              f"({data['bytes'] / 1e6:.1f} MB), best of {data['repeat']}"),
             "", "| reader | version | wall s | CPU s | statements per CPU-s | jingu speed ratio |",
             "|---|---|---:|---:|---:|---:|"]
    base = res.get("jingu")
    for name, r in res.items():
        ratio = base["statements_per_second"] / r["statements_per_second"] if base else float("nan")
        lines.append(f"| {name} | {r['version']} | {r['wall_seconds']:.2f} | "
                     f"{r['cpu_seconds']:.2f} | {r['statements_per_second']:,.0f} | "
                     f"{ratio:.2f} |")
    lines.append("")
    lines.append("jingu speed ratio = jingu statements per CPU-second divided by the "
                 "reader's (above 1: jingu is faster).")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--statements", type=int, default=1_000_000)
    ap.add_argument("--qubits", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip", action="append", default=[], choices=sorted(READERS),
                    help="leave a reader out (repeatable)")
    ap.add_argument("--json", default=None, help="also write the results as JSON here")
    args = ap.parse_args(argv)
    data = run(args.statements, args.qubits, args.repeat, set(args.skip), args.seed)
    print(report(data))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
