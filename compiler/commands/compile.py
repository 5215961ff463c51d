"""``jingu compile`` and ``jingu info``."""

from __future__ import annotations

import json

import click

from .options import lang_option, resolve_target, target_options

EMIT_FORMATS = ["qasm2", "qasm3", "originir", "json"]


@click.command("compile")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", default=None, metavar="OUT",
              help="Output file ('-' for standard output; default: standard output).")
@target_options
@click.option("-O", "level", type=click.IntRange(0, 3), default=1, show_default=True,
              help="Optimisation level.")
@click.option("--emit", "fmt", type=click.Choice(EMIT_FORMATS), default="qasm2",
              show_default=True, help="Output format.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of randomised passes.")
@click.option("--passes", "passes", default=None, metavar="PIPELINE",
              help='Run this pipeline instead of the preset, e.g. "unroll,sabre-route{trials=8}".')
@click.option("--layout", "layout_stage", default=None, help="Replace the preset's layout stage.")
@click.option("--routing", "routing_stage", default=None, help="Replace the routing stage.")
@click.option("--optimize", "optimize_stage", default=None, help="Replace the optimize stage.")
@click.option("--report", "report_path", default=None, type=click.Path(dir_okay=False),
              help="Write a JSON report (layouts, counts, depth, time per pass).")
@click.option("--audit", is_flag=True, help="Verify every pass's guarantees (slow).")
@lang_option
@click.option("-v", "--verbose", count=True, help="Show each pass's time, CZ count and depth.")
def compile_cmd(file, output, target_name, disable_qubits, disable_couplers, basis, level, fmt,
                seed, passes, layout_stage, routing_stage, optimize_stage, report_path, audit,
                lang, verbose):
    """Compile FILE (OpenQASM 2/3 or OriginIR) for a target."""
    from jingu.compilation import compile as run_compile
    from jingu.emit import emit
    from jingu.fileio import write_atomic
    from jingu.frontend import parse_file

    circuit = parse_file(file, lang=lang)
    target = resolve_target(target_name, disable_qubits, disable_couplers, basis)
    stages = {k: v for k, v in (("layout", layout_stage), ("routing", routing_stage),
                                ("optimize", optimize_stage)) if v is not None}

    def show(metric):
        click.echo(f"  {metric.name:<30} {metric.seconds * 1e3:9.2f} ms  ops {metric.ops:7d}  "
                   f"2q {metric.two_qubit:6d}  depth {metric.depth:6d}", err=True)

    result = run_compile(circuit, target, optimization_level=level, seed=seed, passes=passes,
                         stages=stages, audit=audit, on_pass=show if verbose else None)
    text = emit(result.circuit, fmt)
    if report_path:
        result.report["input_file"] = file
        write_atomic(report_path, json.dumps(result.report, indent=2) + "\n")
    if output in (None, "-"):
        click.echo(text, nl=not text.endswith("\n"))
    else:
        write_atomic(output, text)
    if verbose:
        r = result.report
        click.echo(f"compiled in {r['seconds'] * 1e3:.1f} ms: {r['two_qubit_count']} two-qubit "
                   f"gates, depth {r['depth']}, two-qubit depth {r['two_qubit_depth']}", err=True)
        approx = r["approximation"]
        if approx["infidelity_bound"] > 0:
            click.echo(f"approximated: {approx['removed_gates']} identity-like gate(s) removed; "
                       f"near-cheaper two-qubit blocks synthesised cheaper at "
                       f"{approx['synthesis_infidelity']:.1e}; summed average-gate infidelity "
                       f"{approx['infidelity_bound']:.1e}", err=True)


@click.command("info")
@click.argument("file", type=click.Path(dir_okay=False))
@lang_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info_cmd(file, lang, as_json):
    """Describe FILE: qubits, gate counts by name, depth and two-qubit depth."""
    from jingu.frontend import describe, parse_file

    facts = describe(parse_file(file, lang=lang))
    if as_json:
        click.echo(json.dumps(facts, indent=2))
        return
    for key, value in facts.items():
        if isinstance(value, dict):
            click.echo(f"{key}:")
            for name, count in value.items():
                click.echo(f"  {name:<12} {count}")
        else:
            click.echo(f"{key}: {value}")
