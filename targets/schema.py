"""The target file schema, and its validation into a canonical spec.

The schema is written once, as tables of ``Field`` below; validation, the documentation
check (tests compare docs/targets.md with these tables) and the TOML writer all read it.
``validate`` turns a parsed document (from a file, a generator or a plugin) into a canonical
spec: plain Python values, qubits sorted by index, defaults filled in, dead couplers as
indices.  Every error names the field, and for files the line (``TargetFileError``).
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass
from typing import Any

from jingu.errors import suggest

from .tomlfile import Source, field_name

_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


@dataclass(frozen=True)
class Field:
    """One key of a table: its kind, unit, bounds, and whether it lies on the timing grid."""

    name: str
    kind: str  # str bool int float int2 float2 names ints refs
    doc: str
    unit: str = ""
    required: bool = True
    default: Any = None
    bounds: tuple[str, ...] = ()  # e.g. (">=0", "<1"); for *2 kinds, each element
    grid: bool = False

    def check_bounds(self, x: float) -> str | None:
        """None when ``x`` is within bounds, else 'must be > 0 and <= 1'."""
        parts = [re.fullmatch(r"([<>]=?)(-?[\d.]+)", b).groups() for b in self.bounds]
        if all(_OPS[op](x, float(limit)) for op, limit in parts):
            return None
        return "must be " + " and ".join(f"{op} {limit}" for op, limit in parts)


F = Field
TOP = (
    F("name", "str", "target name, shown in reports and `jingu targets`"),
    F("description", "str", "free text; say where the calibration comes from",
      required=False, default=""),
    F("nominal", "bool", "true when the calibration is nominal (generated), not measured",
      required=False, default=False),
    F("basis", "names", "native operations, names from the gate library"),
    F("dead_qubits", "ints", "qubits not to use (indices stay stable)", required=False,
      default=()),
    F("dead_couplers", "refs", "couplers not to use: index in file order, or a pair [a, b]",
      required=False, default=()),
)
TIMING = (
    F("sample_rate", "float", "AWG sample rate", "GS/s", False, 2.0, (">0",)),
    F("granularity", "int", "durations and pulse lengths are multiples of this many samples",
      "samples", False, 4, (">0",)),
)
QUBIT = (
    F("index", "int", "physical qubit index; the file holds 0..N-1 once each", bounds=(">=0",)),
    F("site", "float2", "position (x, y) on the chip, for drawing and distances"),
    F("frequency", "float", "0-1 transition frequency at idle", "GHz", bounds=(">0",)),
    F("anharmonicity", "float", "transmon anharmonicity (negative)", "GHz", bounds=("<0",)),
    F("t1", "float", "energy relaxation time", "us", bounds=(">0",)),
    F("t2", "float", "dephasing time (at most 2 t1)", "us", bounds=(">0",)),
    F("readout_error", "float", "probability of misreading the qubit", bounds=(">=0", "<1")),
    F("error_1q", "float", "error of one one-qubit pulse", bounds=(">=0", "<1")),
)
COUPLER = (
    F("pair", "int2", "the two qubits the coupler joins"),
    F("cz_error", "float", "error of one CZ on this coupler", bounds=(">=0", "<1")),
    F("cz_duration", "float", "duration of one CZ", "ns", bounds=(">0",), grid=True),
    F("phase_compensation", "float2",
      "rz angles applied to pair[0] and pair[1] after each CZ (virtual, zero time)", "rad",
      required=False, default=(0.0, 0.0)),
)
PULSE_QUBIT = (
    F("index", "int", "the qubit", bounds=(">=0",)),
    F("pi_amplitude", "float", "DRAG amplitude of a pi rotation", "AWG units",
      bounds=(">0", "<=1")),
    F("drag", "float", "DRAG coefficient: Q(t) = drag * dI/dt", "ns"),
    F("pulse_length", "float", "length of the XY pulse (<= the rphi duration)", "ns",
      bounds=(">0",), grid=True),
    F("sigma", "float", "gaussian width of the XY pulse (<= pulse_length / 2)", "ns",
      bounds=(">0",)),
    F("drive_strength", "float", "Rabi frequency at amplitude 1", "GHz", bounds=(">0",)),
    F("max_frequency", "float", "frequency at the flux sweet spot (>= frequency)", "GHz",
      bounds=(">0",)),
    F("flux_per_amplitude", "float", "flux of the Z line at amplitude 1", "flux quanta",
      bounds=(">0",)),
    F("readout_frequency", "float", "readout resonator tone", "GHz", bounds=(">0",)),
    F("readout_amplitude", "float", "readout tone amplitude", "AWG units",
      bounds=(">0", "<=1")),
    F("readout_length", "float", "readout pulse length (<= the measure duration)", "ns",
      bounds=(">0",), grid=True),
    F("acquire_delay", "float", "start of the acquire window after the readout starts", "ns",
      bounds=(">=0",), grid=True),
    F("acquire_length", "float", "acquire window (delay + length <= measure duration)", "ns",
      bounds=(">0",), grid=True),
)
PULSE_COUPLER = (
    F("pair", "int2", "the coupler, as in couplers[].pair"),
    F("flux_amplitude", "float", "coupler flux pulse amplitude during a CZ", "AWG units",
      bounds=(">=-1", "<=1")),
    F("flux_length", "float", "flux pulse length (<= cz_duration)", "ns", bounds=(">0",),
      grid=True),
    F("flux_rise", "float", "cosine rise and fall of the flux pulses (2 rise <= length)",
      "ns", bounds=(">=0",)),
    F("qubit_flux", "float2", "Z-line amplitudes of pair[0], pair[1] during the CZ",
      "AWG units", False, (0.0, 0.0), (">=-1", "<=1")),
    F("frequency", "float", "coupler frequency at idle", "GHz", bounds=(">0",)),
    F("max_frequency", "float", "coupler frequency at its sweet spot (>= frequency)", "GHz",
      bounds=(">0",)),
    F("anharmonicity", "float", "coupler anharmonicity (negative)", "GHz", bounds=("<0",)),
    F("flux_per_amplitude", "float", "coupler flux at amplitude 1", "flux quanta",
      bounds=(">0",)),
    F("g_qc", "float2", "coupling of pair[0], pair[1] to the coupler", "GHz"),
    F("g_qq", "float", "direct coupling between the two qubits", "GHz"),
)
del F

#: table path -> fields, for documentation and the writer
TABLES = {
    "(top level)": TOP,
    "timing": TIMING,
    "qubits[]": QUBIT,
    "couplers[]": COUPLER,
    "pulse.qubits[]": PULSE_QUBIT,
    "pulse.couplers[]": PULSE_COUPLER,
}
TOP_KEYS = [f.name for f in TOP] + ["timing", "durations", "qubits", "couplers", "pulse"]
#: operations whose duration is not a fixed table entry
UNTIMED = frozenset({"cz", "barrier", "delay"})


class _Validator:
    def __init__(self, source: Source):
        self.source = source

    def fail(self, path, message, hint=None):
        raise self.source.error(tuple(path), message, hint)

    # ---- generic

    def table(self, data, path, allowed, what="key"):
        if not isinstance(data, dict):
            self.fail(path, f"expected a table, got {_kind(data)}")
        for key in data:
            if key not in allowed:
                lower = {a.lower(): a for a in allowed}
                hint = (f"did you mean '{lower[key.lower()]}'?" if key.lower() in lower
                        else suggest(key, allowed))
                self.fail(path + (key,), f"unknown {what} '{key}'",
                          hint or "allowed: " + ", ".join(allowed))
        return data

    def fields(self, data, path, fields, step=None):
        self.table(data, path, [f.name for f in fields])
        out = {}
        for f in fields:
            if f.name not in data:
                if f.required:
                    self.fail(path, f"missing '{f.name}' ({f.doc})")
                out[f.name] = list(f.default) if isinstance(f.default, tuple) else f.default
                continue
            out[f.name] = self.value(data[f.name], path + (f.name,), f, step)
        return out

    def value(self, v, path, f, step):
        kind = f.kind
        if kind == "str":
            if not isinstance(v, str):
                self.fail(path, f"expected a string, got {_kind(v)}")
            return v
        if kind == "bool":
            if not isinstance(v, bool):
                self.fail(path, f"expected true or false, got {_kind(v)}")
            return v
        if kind in ("int", "float"):
            x = self.number(v, path, integer=kind == "int")
            self.bounded(x, path, f, step)
            return x
        if kind in ("int2", "float2"):
            if not isinstance(v, list) or len(v) != 2:
                self.fail(path, f"expected two numbers [a, b], got {_short(v)}")
            out = [self.number(x, path, integer=kind == "int2") for x in v]
            for x in out:
                self.bounded(x, path, f, step)
            return out
        if kind in ("names", "ints", "refs"):
            if not isinstance(v, list):
                self.fail(path, f"expected a list, got {_kind(v)}")
            if kind == "names":
                for j, x in enumerate(v):
                    if not isinstance(x, str):
                        self.fail(path + (j,), f"expected a name, got {_kind(x)}")
                return list(v)
            if kind == "ints":
                return [self.number(x, path + (j,), integer=True) for j, x in enumerate(v)]
            out = []
            for j, x in enumerate(v):
                if isinstance(x, list):
                    if len(x) != 2:
                        self.fail(path + (j,), f"expected an index or a pair, got {_short(x)}")
                    out.append([self.number(y, path + (j,), integer=True) for y in x])
                else:
                    out.append(self.number(x, path + (j,), integer=True))
            return out
        raise AssertionError(kind)

    def number(self, v, path, integer=False):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            self.fail(path, f"expected {'a whole number' if integer else 'a number'}, "
                            f"got {_kind(v)}")
        if integer:
            if isinstance(v, float):
                self.fail(path, f"expected a whole number, got {v!r}")
            return int(v)
        if not math.isfinite(v):
            self.fail(path, f"expected a finite number, got {v!r}")
        return float(v)

    def bounded(self, x, path, f, step):
        problem = f.check_bounds(x)
        if problem:
            unit = f" ({f.unit})" if f.unit else ""
            self.fail(path, f"{problem}{unit}, got {x!r}")
        if f.grid and step is not None:
            self.on_grid(x, path, step)

    def on_grid(self, ns, path, step):
        k = ns / step
        if abs(k - round(k)) > 1e-6:
            self.fail(path, f"{ns!r} ns is not on the timing grid (a multiple of {step!r} ns "
                            f"= granularity / sample_rate)",
                      f"nearest: {round(k) * step!r} ns")

    def indexed(self, items, path, fields, n, step):
        """A list of tables with an ``index`` field each in 0..n-1, at most once."""
        if not isinstance(items, list):
            self.fail(path, f"expected a list of tables, got {_kind(items)}")
        seen: dict[int, int] = {}
        out = []
        for j, item in enumerate(items):
            entry = self.fields(item, path + (j,), fields, step)
            q = entry["index"]
            if n is not None and q >= n:
                self.fail(path + (j, "index"), f"qubit {q} does not exist (0..{n - 1})")
            if q in seen:
                self.fail(path + (j, "index"), f"qubit {q} is already described by "
                                               f"{field_name(path + (seen[q],))}")
            seen[q] = j
            out.append(entry)
        return sorted(out, key=lambda e: e["index"]), seen


def validate(data: dict[str, Any], source: Source) -> dict[str, Any]:
    """The canonical spec of a parsed target document; TargetFileError on any problem."""
    from jingu.gates import GATES

    v = _Validator(source)
    v.table(data, (), TOP_KEYS)
    spec = v.fields({k: data[k] for k in data if k in {f.name for f in TOP}}, (), TOP)
    if not spec["name"].strip():
        v.fail(("name",), "the name is empty")
    if not re.fullmatch(r"[\w.:\-+]+", spec["name"]):
        v.fail(("name",), f"'{spec['name']}' has characters a target name cannot have",
               "use letters, digits and . _ - + :")

    timing = v.fields(data.get("timing", {}), ("timing",), TIMING)
    step = timing["granularity"] / timing["sample_rate"]
    spec["timing"] = timing

    seen_ops = set()
    for j, op in enumerate(spec["basis"]):
        if op not in GATES:
            v.fail(("basis", j), f"unknown operation '{op}'", suggest(op, GATES))
        if op in seen_ops:
            v.fail(("basis", j), f"'{op}' is listed twice")
        seen_ops.add(op)

    if "durations" not in data:
        v.fail((), "missing table 'durations' (ns per native operation)")
    raw = v.table(data["durations"], ("durations",), list(GATES), what="operation")
    durations = {}
    for op, x in raw.items():
        path = ("durations", op)
        if op == "cz":
            v.fail(path, "the CZ duration is per coupler", "set couplers[].cz_duration")
        if op in UNTIMED:
            v.fail(path, f"'{op}' has no fixed duration (a barrier takes none, a delay its "
                         f"argument)")
        ns = v.number(x, path)
        if ns < 0:
            v.fail(path, f"must be >= 0 (ns), got {ns!r}")
        v.on_grid(ns, path, step)
        durations[op] = ns
    for op in spec["basis"]:
        if op not in UNTIMED and op not in durations:
            v.fail(("durations",), f"no duration for the native operation '{op}'")
    spec["durations"] = durations

    if "qubits" not in data:
        v.fail((), "missing 'qubits' (a list of tables, one per qubit)")
    qubits, seen = v.indexed(data["qubits"], ("qubits",), QUBIT, None, step)
    n = len(qubits)
    if n == 0:
        v.fail(("qubits",), "a target needs at least one qubit")
    for k, q in enumerate(qubits):
        if q["index"] != k:
            v.fail(("qubits",), f"qubit {k} is missing: indices must be 0..{n - 1}")
    for q in qubits:
        if q["t2"] > 2 * q["t1"] + 1e-12:
            v.fail(("qubits", seen[q["index"]], "t2"),
                   f"t2 = {q['t2']!r} us exceeds 2 t1 = {2 * q['t1']!r} us (T2 <= 2 T1)")
    spec["qubits"] = qubits

    raw_couplers = data.get("couplers", [])
    if not isinstance(raw_couplers, list):
        v.fail(("couplers",), f"expected a list of tables, got {_kind(raw_couplers)}")
    couplers = []
    by_pair: dict[frozenset, int] = {}
    for j, item in enumerate(raw_couplers):
        c = v.fields(item, ("couplers", j), COUPLER, step)
        a, b = c["pair"]
        for x in (a, b):
            if not 0 <= x < n:
                v.fail(("couplers", j, "pair"), f"qubit {x} does not exist (0..{n - 1})")
        if a == b:
            v.fail(("couplers", j, "pair"), f"a coupler joins two different qubits, got "
                                            f"[{a}, {b}]")
        key = frozenset((a, b))
        if key in by_pair:
            v.fail(("couplers", j, "pair"), f"qubits {a} and {b} already have a coupler: "
                                            f"couplers[{by_pair[key]}]")
        by_pair[key] = j
        couplers.append(c)
    spec["couplers"] = couplers
    m = len(couplers)

    dead_q = []
    for j, q in enumerate(spec["dead_qubits"]):
        if not 0 <= q < n:
            v.fail(("dead_qubits", j), f"qubit {q} does not exist (0..{n - 1})")
        if q in dead_q:
            v.fail(("dead_qubits", j), f"qubit {q} is listed twice")
        dead_q.append(q)
    spec["dead_qubits"] = sorted(dead_q)
    dead_c = []
    for j, ref in enumerate(spec["dead_couplers"]):
        if isinstance(ref, list):
            c = by_pair.get(frozenset(ref))
            if c is None:
                v.fail(("dead_couplers", j), f"no coupler joins qubits {ref[0]} and {ref[1]}")
        else:
            c = ref
            if not 0 <= c < m:
                v.fail(("dead_couplers", j), f"coupler {c} does not exist (0..{m - 1})")
        if c in dead_c:
            v.fail(("dead_couplers", j), f"coupler {c} is listed twice")
        dead_c.append(c)
    spec["dead_couplers"] = sorted(dead_c)

    spec["pulse"] = None
    if "pulse" in data:
        spec["pulse"] = _validate_pulse(v, data["pulse"], spec, by_pair, step)
    return {k: spec[k] for k in TOP_KEYS}


def _validate_pulse(v: _Validator, raw, spec, by_pair, step):
    v.table(raw, ("pulse",), ["qubits", "couplers"])
    for key in ("qubits", "couplers"):
        if key not in raw:
            v.fail(("pulse",), f"missing 'pulse.{key}' (a list of tables)")
    n, couplers, durations = len(spec["qubits"]), spec["couplers"], spec["durations"]
    dead_q, dead_c = set(spec["dead_qubits"]), set(spec["dead_couplers"])
    qubits, seen = v.indexed(raw["qubits"], ("pulse", "qubits"), PULSE_QUBIT, n, step)
    drive = durations.get("rphi", durations.get("x1"))
    measure = durations.get("measure")
    for entry in qubits:
        q = entry["index"]
        path = ("pulse", "qubits", seen[q])
        if entry["max_frequency"] < spec["qubits"][q]["frequency"]:
            v.fail(path + ("max_frequency",), f"{entry['max_frequency']!r} GHz is below the "
                   f"qubit's frequency {spec['qubits'][q]['frequency']!r} GHz")
        if 2 * entry["sigma"] > entry["pulse_length"]:
            v.fail(path + ("sigma",), f"sigma {entry['sigma']!r} ns is more than half the "
                                      f"pulse length {entry['pulse_length']!r} ns")
        if drive is not None and entry["pulse_length"] > drive:
            v.fail(path + ("pulse_length",), f"{entry['pulse_length']!r} ns is longer than the "
                                             f"one-qubit gate duration {drive!r} ns")
        if measure is not None:
            if entry["readout_length"] > measure:
                v.fail(path + ("readout_length",), f"{entry['readout_length']!r} ns is longer "
                                                   f"than the measure duration {measure!r} ns")
            end = entry["acquire_delay"] + entry["acquire_length"]
            if end > measure:
                v.fail(path + ("acquire_length",), f"the acquire window ends at {end!r} ns, "
                                                   f"after the measure duration {measure!r} ns")
    missing = [q for q in range(n) if q not in seen and q not in dead_q]
    if missing:
        v.fail(("pulse", "qubits"), f"no calibration for live qubit(s) {_few(missing)}")

    items = raw["couplers"]
    if not isinstance(items, list):
        v.fail(("pulse", "couplers"), f"expected a list of tables, got {_kind(items)}")
    out: dict[int, dict] = {}
    for j, item in enumerate(items):
        path = ("pulse", "couplers", j)
        entry = v.fields(item, path, PULSE_COUPLER, step)
        a, b = entry["pair"]
        c = by_pair.get(frozenset((a, b)))
        if c is None:
            v.fail(path + ("pair",), f"no coupler joins qubits {a} and {b}")
        if c in out:
            v.fail(path + ("pair",), f"coupler [{a}, {b}] is calibrated twice")
        if [a, b] != couplers[c]["pair"]:  # orient per-qubit values like the coupler
            entry["pair"] = [b, a]
            entry["qubit_flux"] = entry["qubit_flux"][::-1]
            entry["g_qc"] = entry["g_qc"][::-1]
        cz = couplers[c]["cz_duration"]
        if entry["flux_length"] > cz:
            v.fail(path + ("flux_length",), f"{entry['flux_length']!r} ns is longer than the "
                                            f"coupler's cz_duration {cz!r} ns")
        if 2 * entry["flux_rise"] > entry["flux_length"]:
            v.fail(path + ("flux_rise",), f"rise and fall ({2 * entry['flux_rise']!r} ns) are "
                                          f"longer than the pulse ({entry['flux_length']!r} ns)")
        if entry["max_frequency"] < entry["frequency"]:
            v.fail(path + ("max_frequency",), f"{entry['max_frequency']!r} GHz is below the "
                                              f"coupler's frequency {entry['frequency']!r} GHz")
        out[c] = entry
    missing = [c for c in range(len(couplers)) if c not in out and c not in dead_c
               and not dead_q.intersection(couplers[c]["pair"])]
    if missing:
        v.fail(("pulse", "couplers"), "no calibration for live coupler(s) "
               + _few([f"{c} {couplers[c]['pair']}" for c in missing]))
    return {"qubits": qubits, "couplers": [out[c] for c in sorted(out)]}


def _kind(v) -> str:
    names = {bool: "a boolean", int: "a whole number", float: "a number", str: "a string",
             list: "a list", dict: "a table"}
    return names.get(type(v), type(v).__name__) + (f" ({_short(v)})" if not isinstance(
        v, (dict, list)) else "")


def _short(v) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def _few(items, limit=8) -> str:
    items = [str(x) for x in items]
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit
                                       else "")


# ----------------------------------------------------------------------------------------
# writing a canonical spec back as TOML

def dump(spec: dict[str, Any], header: str | None = None) -> str:
    """TOML text of a canonical spec: scalars first, then one aligned row per qubit and
    coupler, then the pulse calibration.  ``validate(parse(dump(spec))) == spec``."""
    from .tomlfile import format_rows, format_value

    lines = ["# jingu target file; the schema is documented in docs/targets.md"]
    if spec.get("nominal"):
        lines.append("# NOMINAL calibration: generated values, not measurements.")
    lines += [f"# {h}" if h else "#" for h in (header.splitlines() if header else [])]
    for f in TOP:
        lines.append(f"{f.name} = {format_value(spec[f.name])}")
    lines.append(f"timing = {format_value(spec['timing'])}  # {_units(TIMING)}")
    lines.append(f"durations = {format_value(spec['durations'])}  # ns; cz: per coupler")

    def rows(key, items, fields):
        out = ["", f"# {_units(fields)}"]
        if not items:
            return out + [f"{key} = []"]
        return out + [f"{key} = ["] + format_rows(items) + ["]"]

    lines += rows("qubits", spec["qubits"], QUBIT)
    lines += rows("couplers", spec["couplers"], COUPLER)
    if spec.get("pulse") is not None:
        lines += ["", "[pulse]"]
        lines += rows("qubits", spec["pulse"]["qubits"], PULSE_QUBIT)
        lines += rows("couplers", spec["pulse"]["couplers"], PULSE_COUPLER)
    return "\n".join(lines) + "\n"


def _units(fields) -> str:
    return ", ".join(f"{f.name} ({f.unit})" if f.unit else f.name for f in fields)
