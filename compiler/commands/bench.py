"""``jingu bench``: jingu side by side with the reference compilers on the same circuits."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

import click

from .options import target_options

DEFAULT_COMPILERS = "jingu-O1,jingu-O3,qiskit-O1,qiskit-O3,pytket-O2,qpanda3-O2"


def _int_list(text: str, option: str) -> list[int]:
    from jingu.errors import InputError

    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InputError(f"{option} takes comma-separated integers, not '{text}'") from None
    if any(v < 1 for v in values):
        raise InputError(f"{option}: sizes must be positive")
    return values


@click.command("bench")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@target_options
@click.option("--compilers", default=DEFAULT_COMPILERS, show_default=True,
              help="Compilers as NAME-O<level>: jingu, qiskit, pytket, qpanda3 "
                   "(or module:Class for an adapter of your own).")
@click.option("--families", default="all", show_default=True,
              help="Built-in circuit families to generate (comma-separated), 'all' or 'none'.")
@click.option("--sizes", default="8,16,32,72", show_default=True,
              help="Qubit counts of the generated circuits (each family rounds to its shape).")
@click.option("--corpus/--no-corpus", default=True, show_default=True,
              help="Add the shared corpus ($JINGU_CORPUS or ../shared/corpus) when present.")
@click.option("--filter", "name_filter", default=None, metavar="REGEX",
              help="Only circuits whose name matches REGEX.")
@click.option("--repeat", type=click.IntRange(1, None), default=3, show_default=True,
              help="Timed compiles per circuit (the median is reported).")
@click.option("--timeout", type=click.FloatRange(0, None, min_open=True), default=120.0,
              show_default=True, help="Seconds before a compile is stopped and recorded.")
@click.option("--repeat-cutoff", type=float, default=10.0, show_default=True,
              help="A compile slower than this many seconds is timed once.")
@click.option("--budget", type=click.FloatRange(0, None, min_open=True), default=None,
              help="Compile seconds each compiler may spend in total (repeats and timeouts "
                   "included); past it, its remaining circuits are skipped. Circuits run "
                   "smallest first.")
@click.option("--skip-after-timeout/--try-after-timeout", default=True, show_default=True,
              help="After a compiler times out on a generated family, skip the family's "
                   "larger circuits for it.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the generated circuits and of every compiler.")
@click.option("--baseline", default="qiskit-O3", show_default=True,
              help="Compiler the ratios are taken against.")
@click.option("--out", "out_dir", default="results", show_default=True,
              type=click.Path(file_okay=False), help="Directory for the results.")
@click.option("--json", "as_json", is_flag=True, help="Also write results.json.")
@click.option("--check/--no-check", default=True, show_default=True,
              help="Check small outputs for equivalence by simulation.")
@click.option("--check-max-qubits", type=click.IntRange(1, 24), default=12, show_default=True,
              help="Largest circuit checked by simulation.")
@click.option("--plots/--no-plots", default=True, show_default=True,
              help="Draw PNG charts (needs matplotlib).")
@click.option("--list", "list_only", is_flag=True,
              help="List the circuit families and compilers, then exit.")
@click.option("-v", "--verbose", is_flag=True, help="Print a line per compile.")
def bench(paths, target_name, disable_qubits, disable_couplers, basis, compilers, families,
          sizes, corpus, name_filter, repeat, timeout, repeat_cutoff, budget,
          skip_after_timeout, seed, baseline, out_dir, as_json, check, check_max_qubits, plots,
          list_only, verbose):
    """Compile the same circuits with jingu and reference compilers; report quality and speed.

    PATHS are OpenQASM 2 files or directories added to the built-in circuit families.
    Writes OUT/results.csv (every compile) and OUT/results.md (ratio tables, slowest
    compiles, failures), OUT/results.json with --json, and PNG charts with matplotlib.
    """
    from jingu.bench.adapters import ADAPTERS, TargetSpec, parse_compilers
    from jingu.bench.circuits import FAMILIES
    from jingu.bench.harness import BenchSettings
    from jingu.bench.suite import build_suite
    from jingu.targets import parse_index_list

    from .options import resolve_target

    if list_only:
        _list(FAMILIES, ADAPTERS)
        return
    specs = parse_compilers(compilers)
    fams = None if families.strip() == "all" else (
        [] if families.strip() == "none" else [f.strip() for f in families.split(",") if f.strip()])
    size_list = _int_list(sizes, "--sizes")
    target = resolve_target(target_name, disable_qubits, disable_couplers, basis)
    recipe = {
        "name": target_name,
        "disable_qubits": parse_index_list(disable_qubits, option="--disable-qubits"),
        "disable_couplers": parse_index_list(disable_couplers, option="--disable-couplers"),
        "basis": basis.split(",") if basis else None,
    }
    spec = TargetSpec.from_target(target, recipe=recipe)
    t0 = time.perf_counter()
    suite = build_suite(paths=paths, families=fams, sizes=size_list, seed=seed,
                        graph=target.graph, max_qubits=len(spec.live_qubits),
                        name_filter=name_filter, with_corpus=corpus)
    inputs_seconds = time.perf_counter() - t0
    for name, why in suite.skipped:
        click.echo(f"not using {name}: {why}", err=True)
    if not suite.circuits:
        from jingu.errors import InputError

        raise InputError("no circuits to benchmark (check --families, --filter and PATHS)")
    settings = BenchSettings(repeat=repeat, timeout=timeout, seed=seed, check=check,
                             check_max_qubits=check_max_qubits, repeat_cutoff=repeat_cutoff,
                             baseline=baseline, budget=budget,
                             skip_after_timeout=skip_after_timeout)
    result = _run(suite, specs, spec, settings, verbose)
    result.skipped_inputs = list(suite.skipped)
    result.phases["inputs"] = inputs_seconds
    command = "jingu " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv else None
    written = _write(result, Path(out_dir), baseline, command, as_json, plots)
    _echo_summary(result, baseline)
    for path in written:
        click.echo(f"wrote {path}")


def _run(suite, specs, spec, settings, verbose=False):
    from jingu.bench.harness import run_benchmark

    def warn(msg):
        click.echo(msg, err=True)

    def line(rec):
        if rec.status != "ok":
            text = f"{rec.status}: {rec.error}"
        else:
            text = (f"2q {rec.two_qubit_count} depth {rec.depth} 2q-depth {rec.two_qubit_depth} "
                    f"{rec.seconds:.4g} s" + ("" if rec.valid else " INVALID")
                    + (" WRONG" if rec.equivalent is False else ""))
        message = f"{rec.circuit} {rec.compiler}: {text}"
        if bar is not None:
            click.echo("\r\x1b[2K" + message, err=True)
        else:
            click.echo(message, err=True)

    on_record = line if verbose else None
    bar = None
    if not sys.stderr.isatty():
        return run_benchmark(suite.circuits, specs, spec, settings, warn=warn,
                             on_record=on_record)

    def progress(done, total, what):
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="compiling", file=sys.stderr,
                                    item_show_func=lambda x: x, show_pos=True)
            bar.__enter__()
        bar.update(done - bar.pos, what)

    try:
        return run_benchmark(suite.circuits, specs, spec, settings, progress=progress,
                             warn=warn, on_record=on_record)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _write(result, out_dir: Path, baseline: str, command, as_json: bool, plots: bool):
    from jingu.bench.plots import plots_available, write_plots
    from jingu.bench.report import to_csv, to_json, to_markdown
    from jingu.fileio import write_atomic

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("results.csv", to_csv(result)),
                       ("results.md", to_markdown(result, baseline, command))):
        write_atomic(out_dir / name, text)
        written.append(out_dir / name)
    if as_json:
        write_atomic(out_dir / "results.json", to_json(result, baseline, command))
        written.append(out_dir / "results.json")
    if plots:
        why = plots_available()
        if why:
            click.echo(f"no charts: {why}", err=True)
        else:
            written += write_plots(result, out_dir, baseline)
    return written


def _echo_summary(result, baseline_wanted):
    from jingu.bench.report import resolve_baseline, summarize

    baseline = resolve_baseline(result, baseline_wanted)
    summary = summarize(result, baseline)
    if baseline is None:
        return
    click.echo(f"against {baseline} (geometric mean of ratios; lower is better):")
    click.echo(f"  {'compiler':<16} {'usable':>9} {'2q':>7} {'depth':>7} {'2q depth':>9} "
               f"{'time':>8} {'total s':>9}")

    def r(x):
        return "     -" if x is None else f"{x:6.3f}"

    for label, e in summary.items():
        ratios = e["ratios"]
        click.echo(f"  {label:<16} {e['usable']:>4}/{e['circuits']:<4} "
                   f"{r(ratios.get('two_qubit_count')):>7} {r(ratios.get('depth')):>7} "
                   f"{r(ratios.get('two_qubit_depth')):>9} {r(ratios.get('seconds')):>8} "
                   f"{e['total_seconds']:9.2f}")


def _list(families, adapters):
    from jingu.bench.adapters import CompilerSpec

    click.echo("circuit families:")
    for name, fam in families.items():
        shape = f"n >= {fam.min_qubits}" + (f", step {fam.step}" if fam.step > 1 else "") + (
            f", n <= {fam.max_qubits}" if fam.max_qubits else "")
        click.echo(f"  {name:<16} {fam.doc} ({shape})")
    click.echo("compilers:")
    for name, ref in adapters.items():
        cls = CompilerSpec(name, ref, 0).adapter_class()
        why = cls.unavailable()
        levels = ",".join(map(str, cls.levels))
        state = f"not available: {why}" if why else f"version {cls.version()}"
        click.echo(f"  {name:<16} levels {levels:<8} {state}")
