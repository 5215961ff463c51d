"""The benchmark's outputs: results.csv (every compile), results.md (the tables a person
reads), results.json (for machines).

Ratios are per circuit, compiler / baseline, combined by geometric mean over the circuits
that both compiled validly (and that no equivalence check found wrong); a circuit where
either value is 0 has no ratio for that metric.  Lower is better for every metric.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import fields

from .harness import OK, SKIPPED, Record, RunResult

#: metrics of the summary: (record field, heading)
RATIO_METRICS = (
    ("two_qubit_count", "{2q}"),
    ("depth", "depth"),
    ("two_qubit_depth", "{2q} depth"),
    ("seconds", "time"),
)

CSV_COLUMNS = [f.name for f in fields(Record)]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def to_csv(result: RunResult) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rec in result.records:
        d = rec.as_dict()
        writer.writerow([_cell(d[c]) for c in CSV_COLUMNS])
    return buf.getvalue()


def geomean(values) -> float | None:
    values = [v for v in values if v is not None and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def resolve_baseline(result: RunResult, wanted: str) -> str | None:
    """The baseline compiler: ``wanted`` if it ran, else the first compiler that ran."""
    labels = result.labels()
    if wanted in labels:
        return wanted
    return labels[0] if labels else None


def summarize(result: RunResult, baseline: str | None) -> dict[str, dict]:
    """Per compiler: counts of outcomes, geometric-mean ratios against ``baseline``, times."""
    by = {(r.circuit, r.compiler): r for r in result.records}
    circuits = list(dict.fromkeys(r.circuit for r in result.records))
    out = {}
    for label in result.labels():
        recs = [r for r in result.records if r.compiler == label]
        entry = {
            "circuits": len(recs),
            "usable": sum(r.usable for r in recs),
            "invalid": sum(r.status == OK and r.valid is False for r in recs),
            "failed": sum(r.status not in (OK, SKIPPED) for r in recs),
            "skipped": sum(r.status == SKIPPED for r in recs),
            "timeouts": sum(r.status == "timeout" for r in recs),
            "checked": sum(r.equivalent is not None for r in recs),
            "wrong": sum(r.equivalent is False for r in recs),
            "total_seconds": sum(r.seconds or 0.0 for r in recs if r.status == OK),
            "max_seconds": max((r.seconds or 0.0 for r in recs if r.status == OK),
                               default=0.0),
            "ratios": {},
            "compared": 0,
        }
        if baseline is not None:
            pairs = [(by.get((c, label)), by.get((c, baseline))) for c in circuits]
            pairs = [(a, b) for a, b in pairs if a and b and a.usable and b.usable]
            entry["compared"] = len(pairs)
            for metric, _ in RATIO_METRICS:
                entry["ratios"][metric] = geomean(
                    getattr(a, metric) / getattr(b, metric) for a, b in pairs
                    if getattr(b, metric) and getattr(a, metric))
        out[label] = entry
    return out


def _fmt_ratio(x) -> str:
    return "–" if x is None else f"{x:.3f}"


def _fmt_s(x) -> str:
    if x is None:
        return "–"
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def _cell_for(rec: Record | None, metric: str) -> str:
    if rec is None:
        return ""
    if rec.status != OK:
        return rec.status
    value = getattr(rec, metric)
    text = _fmt_s(value) if metric == "seconds" else str(value)
    if rec.equivalent is False:
        text += " WRONG"
    elif rec.valid is False:
        text += " invalid"
    return text


def _numeric(text: str) -> bool:
    try:
        float(text.split()[0].split("/")[0])
        return True
    except (ValueError, IndexError):
        return text in ("", "–")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A markdown table; columns of numbers are right-aligned."""
    statuses = ("timeout", "error", "crash", "skipped")
    align = ["--:" if i and rows and all(_numeric(r[i]) or r[i] in statuses for r in rows)
             else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def to_markdown(result: RunResult, baseline_wanted: str = "qiskit-O3",
                command: str | None = None, slowest: int = 10) -> str:
    s, t = result.settings, result.target
    two_q = t.two_qubit_gate().upper() if t.two_qubit_gate() != "2q" else "2q"
    baseline = resolve_baseline(result, baseline_wanted)
    summary = summarize(result, baseline)
    circuits = list(dict.fromkeys(r.circuit for r in result.records))
    lines = ["# jingu bench results", ""]
    if command:
        lines += ["Command:", "", f"    {command}", ""]
    lines += [
        f"Target **{t.name}**: {t.num_qubits} qubits ({len(t.live_qubits)} live), "
        f"{len(t.couplers)} live couplers, natives {', '.join(t.basis)}. "
        f"Seed {s.seed}; {len(circuits)} circuits; the run took {result.seconds:.0f} s.",
        "",
        policy_text(s),
        "",
        overhead_text(result),
        "",
        "Compilers: " + ", ".join(f"{c.label} ({c.version})" for c in result.compilers
                                  if not c.skipped) + ".",
    ]
    for c in result.compilers:
        if c.skipped:
            lines.append(f"Skipped **{c.label}**: {c.skipped}.")
    lines.append("")
    if baseline is not None:
        note = "" if baseline == baseline_wanted else (
            f" ({baseline_wanted} did not run, so {baseline} is the baseline)")
        lines += [f"## Summary against {baseline}{note}", "",
                  "Geometric mean over circuits of compiler / baseline (lower is better), on "
                  "the circuits both compiled validly; counts and depths by jingu's code on "
                  "each output.", ""]
        header = ["compiler", "usable", "invalid", "failed", "skipped", "wrong"] + [
            h.format(**{"2q": two_q}) for _, h in RATIO_METRICS] + ["total s", "max s"]
        rows = []
        for label, e in summary.items():
            rows.append([label, f"{e['usable']}/{e['circuits']}", str(e["invalid"]),
                         str(e["failed"]), str(e["skipped"]), f"{e['wrong']}/{e['checked']}"]
                        + [_fmt_ratio(e["ratios"].get(m)) for m, _ in RATIO_METRICS]
                        + [_fmt_s(e["total_seconds"]), _fmt_s(e["max_seconds"])])
        lines += _table(header, rows) + [""]
        lines += ["`usable`: compiled, valid on the target and not found wrong; `skipped`: "
                  "not tried under the time policy; `wrong`: outputs found not equivalent / "
                  "outputs checked by simulation (circuits of at most "
                  f"{s.check_max_qubits} qubits); `total s`, `max s`: over the compiles that "
                  "finished.", ""]
    by = {(r.circuit, r.compiler): r for r in result.records}
    labels = result.labels()
    nq = {r.circuit: r.num_qubits for r in result.records}
    inq = {r.circuit: r.input_multi_qubit for r in result.records}
    lines += ["Per-circuit tables: `input 2q+` counts the input's gates on two or more qubits; "
              "a cell marked `invalid` or `WRONG` is excluded from the ratios.", ""]
    for metric, title in (("two_qubit_count", f"{two_q} count"),
                          ("two_qubit_depth", f"{two_q} depth"),
                          ("seconds", "Compile time (s)")):
        lines += [f"## {title} per circuit", ""]
        rows = [[c, str(nq[c]), str(inq[c])] + [_cell_for(by.get((c, l)), metric)
                                                for l in labels] for c in circuits]
        lines += _table(["circuit", "qubits", "input 2q+"] + labels, rows) + [""]
    done = sorted((r for r in result.records if r.status == OK and r.seconds is not None),
                  key=lambda r: (-r.seconds, r.circuit, r.compiler))[:slowest]
    if done:
        lines += ["## Slowest compiles", ""]
        lines += _table(["circuit", "qubits", "compiler", "seconds"],
                        [[r.circuit, str(r.num_qubits), r.compiler, _fmt_s(r.seconds)]
                         for r in done]) + [""]
    bad = [r for r in result.records if not r.usable]
    lines += ["## Failures", ""]
    if bad:
        rows = []
        for r in bad:
            if r.status != OK:
                what, detail = r.status, r.error
            elif r.valid is False:
                what, detail = "invalid", r.invalid_reason
            else:
                what, detail = "not equivalent", r.check_note
            rows.append([r.circuit, r.compiler, what, detail.replace("|", "\\|")])
        lines += _table(["circuit", "compiler", "what", "detail"], rows)
    else:
        lines.append("None: every compile finished, valid on the target, and every checked "
                     "output was equivalent.")
    lines.append("")
    unchecked = {}
    for r in result.records:
        if r.equivalent is None and r.check_note:
            unchecked.setdefault(r.check_note, []).append(f"{r.circuit} ({r.compiler})")
    if unchecked:
        lines += ["## Not checked by simulation", ""]
        for note, items in unchecked.items():
            lines.append(f"- {note}: {', '.join(items[:8])}"
                         + (f" and {len(items) - 8} more" if len(items) > 8 else ""))
        lines.append("")
    if result.skipped_inputs:
        lines += ["## Inputs not used", ""]
        lines += [f"- {name}: {why}" for name, why in result.skipped_inputs]
        lines.append("")
    return "\n".join(lines)


def policy_text(s) -> str:
    """The time policy of a run, in words (the same for every compiler)."""
    parts = [f"Time policy, the same for every compiler: circuits run smallest first; each "
             f"compiler compiles in its own process after one untimed warm-up; time = median "
             f"of {s.repeat} compile(s), one compile when it takes over {s.repeat_cutoff:g} s; "
             f"a compile is stopped after {s.timeout:g} s (`timeout`)"]
    if s.skip_after_timeout:
        parts.append("after a timeout on a generated family, the family's larger circuits are "
                     "not tried for that compiler (`skipped`)")
    if s.budget is not None:
        parts.append(f"a compiler that has spent {s.budget:g} s compiling in total (repeats "
                     f"and timeouts included) tries no further circuits (`skipped`)")
    parts.append("reading back, counting and checking outputs is not compile time")
    return "; ".join(parts) + "."


def overhead_text(result: RunResult) -> str:
    """Where the run's wall time went: compiles against the harness's own phases."""
    p = result.phases
    own = {"inputs": "reading inputs", "start": "starting workers and warm-ups",
           "load": "workers reading inputs", "export": "handing results back",
           "read": "building jingu circuits", "measure": "counting and validity",
           "check": "equivalence checks"}
    shown = ", ".join(f"{_fmt_s(p.get(k, 0.0))} s {what}" for k, what in own.items())
    return (f"Wall time: {_fmt_s(p.get('compile', 0.0))} s in timed compiles; harness "
            f"and untimed work: {shown}.")


def to_json(result: RunResult, baseline_wanted: str = "qiskit-O3",
            command: str | None = None) -> str:
    from dataclasses import asdict

    baseline = resolve_baseline(result, baseline_wanted)
    target = asdict(result.target)
    target.pop("pickled", None)
    doc = {
        "command": command,
        "settings": asdict(result.settings),
        "target": target,
        "compilers": [asdict(c) for c in result.compilers],
        "baseline": baseline,
        "summary": summarize(result, baseline),
        "records": [r.as_dict() for r in result.records],
        "skipped_inputs": [list(x) for x in result.skipped_inputs],
        "seconds": result.seconds,
        "phases": result.phases,
    }
    return json.dumps(doc, indent=2) + "\n"
