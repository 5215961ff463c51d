"""``jingu targets`` and ``jingu target show``: what chips there are, and one in detail."""

from __future__ import annotations

import json
import textwrap

import click

from .options import basis_option, disable_couplers_option, disable_qubits_option


@click.command("targets")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def targets_cmd(as_json):
    """List built-in targets, generator forms and installed plugin targets."""
    from jingu.targets import BASIS_PRESETS, available

    facts = available()
    facts["basis_presets"] = {k: list(v) for k, v in BASIS_PRESETS.items()}
    if as_json:
        click.echo(json.dumps(facts, indent=2))
        return
    click.echo("Built-in targets:")
    for b in facts["builtin"]:
        first = b["description"].split(". ")[0].rstrip(".")
        click.echo(f"  {b['name']:<14} {b['qubits']} qubits, {b['couplers']} couplers. {first}")
    click.echo("Generators (usable wherever a target name is):")
    for g in facts["generators"]:
        click.echo(f"  {g['form']:<14} {g['description']}")
    click.echo("Plugin targets (entry-point group jingu.targets):")
    if not facts["plugins"]:
        click.echo("  (none installed)")
    for p in facts["plugins"]:
        click.echo(f"  {p['name']:<14} from {p['dist']} {p['version']} ({p['value']})")
    click.echo("Basis presets (--basis): " + "; ".join(
        f"{k} = {','.join(v)}" for k, v in facts["basis_presets"].items()))
    click.echo("A target file (.toml) works too; `jingu target show NAME` describes one.")


@click.group("target")
def target_group():
    """Show a target (and plot it)."""


@target_group.command("show")
@click.argument("name")
@disable_qubits_option
@disable_couplers_option
@basis_option
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              metavar="FILE", help="Draw the lattice coloured by error (.png, .svg, .pdf; "
                                   "needs the 'plot' extra).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def show_cmd(name, disable_qubits, disable_couplers, basis, plot_path, as_json):
    """Summarise target NAME: qubits, live and dead couplers, connected pieces, native
    operations, durations and the range of every error."""
    from .options import resolve_target

    target = resolve_target(name, disable_qubits, disable_couplers, basis)
    facts = summary(target)
    if plot_path:
        from jingu.targets.plot import draw

        draw(target, plot_path)
    if as_json:
        click.echo(json.dumps(facts, indent=2))
    else:
        click.echo(format_summary(facts))
    if plot_path:
        click.echo(f"wrote {plot_path}", err=True)


def summary(target) -> dict:
    """The facts ``target show`` prints, over live qubits and couplers."""
    import numpy as np

    from jingu.targets import UNREACHABLE

    live_q, live_c = target.live_qubits, target.live_couplers
    pieces = target.components()
    d = target.distance[np.ix_(live_q, live_q)] if len(live_q) else np.zeros((0, 0))
    finite = d[d < UNREACHABLE]

    def stats(values, index, label):
        if not len(index):
            return None
        v = values[index]
        worst = int(index[int(np.argmax(v))])
        return {"min": float(v.min()), "median": float(np.median(v)), "max": float(v.max()),
                "worst": worst, "worst_label": label(worst)}

    def q(i):
        return f"q{i}"

    def c(i):
        a, b = target.pairs[i].tolist()
        return f"coupler {i} ({a}, {b})"

    dead_couplers = [int(i) for i in np.flatnonzero(~target.coupler_live)]
    return {
        "name": target.name,
        "description": target.description,
        "nominal": target.nominal,
        "source": str(target.source),
        "qubits": target.num_qubits,
        "live_qubits": len(live_q),
        "dead_qubits": sorted(target.dead_qubits),
        "couplers": target.num_couplers,
        "live_couplers": len(live_c),
        "dead_couplers": [[i, *target.pairs[i].tolist()] for i in dead_couplers],
        "pieces": [len(p) for p in pieces],
        "diameter": int(finite.max()) if finite.size else 0,
        "basis": sorted(target.basis, key=_op_order),
        "durations_ns": {k: target.durations[k] for k in sorted(target.durations,
                                                                  key=_op_order)},
        "timing": {"sample_rate_gs": target.timing.sample_rate,
                   "granularity": target.timing.granularity, "step_ns": target.timing.step},
        "error_1q": stats(target.error_1q, live_q, q),
        "readout_error": stats(target.readout_error, live_q, q),
        "cz_error": stats(target.cz_error, live_c, c),
        "cz_duration_ns": stats(target.cz_duration, live_c, c),
        "t1_us": stats(-target.t1, live_q, q),
        "t2_us": stats(-target.t2, live_q, q),
        "frequency_ghz": stats(target.frequency, live_q, q),
        "pulse_calibration": target.pulse is not None,
    }


_ORDER = ["rphi", "x1", "rz", "cz", "measure", "reset", "barrier", "delay"]


def _op_order(op: str):
    return (_ORDER.index(op) if op in _ORDER else len(_ORDER), op)


def format_summary(f: dict) -> str:
    lines = [f"{f['name']}"]
    if f["description"]:
        lines += textwrap.wrap(f["description"], 88, initial_indent="  ",
                               subsequent_indent="  ")
    if f["nominal"]:
        lines.append("  (NOMINAL calibration: generated values, not measurements)")

    def row(label, text):
        lines.append(f"{label:<16}{text}")

    row("source", f["source"])
    row("qubits", f"{f['qubits']} ({f['live_qubits']} live, {len(f['dead_qubits'])} dead)")
    row("couplers", f"{f['couplers']} ({f['live_couplers']} live, "
                    f"{f['couplers'] - f['live_couplers']} dead)")
    pieces = f["pieces"]
    row("pieces", f"{len(pieces)}" + (f": {', '.join(map(str, pieces))} qubits"
                                      if len(pieces) > 1 else ""))
    row("diameter", f"{f['diameter']} hops")
    row("basis", " ".join(f["basis"]))
    row("durations", ", ".join(f"{k} {v:g} ns" for k, v in f["durations_ns"].items()))
    t = f["timing"]
    row("timing", f"{t['sample_rate_gs']:g} GS/s, granularity {t['granularity']} samples "
                  f"({t['step_ns']:g} ns)")
    for key, label, sign, fmt in (
            ("error_1q", "1q error", 1, ".4f"), ("cz_error", "CZ error", 1, ".4f"),
            ("readout_error", "readout error", 1, ".4f"),
            ("cz_duration_ns", "CZ duration ns", 1, "g"),
            ("t1_us", "T1 us", -1, ".2f"), ("t2_us", "T2 us", -1, ".3f"),
            ("frequency_ghz", "frequency GHz", 1, ".4f")):
        s = f[key]
        if s is None:
            continue
        lo, hi = (s["min"], s["max"]) if sign > 0 else (-s["max"], -s["min"])
        worst = "worst" if key not in ("frequency_ghz", "cz_duration_ns") else "highest"
        if sign < 0:
            worst = "shortest"
        row(label, f"{lo:{fmt}} .. {hi:{fmt}} (median {sign * s['median']:{fmt}}), "
                   f"{worst}: {s['worst_label']}")
    row("pulse", "calibrated" if f["pulse_calibration"] else "no pulse calibration")
    if f["dead_qubits"]:
        row("dead qubits", ", ".join(map(str, f["dead_qubits"])))
    if f["dead_couplers"]:
        row("dead couplers", ", ".join(f"{i} ({a},{b})" for i, a, b in f["dead_couplers"]))
    return "\n".join(lines)
