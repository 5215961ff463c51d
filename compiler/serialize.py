"""The JSON form of a circuit: lossless, readable, stable across runs.

Everything a ``Circuit`` holds survives ``from_json(to_json(c))``: operations (library gates
by name), float parameters exactly (Python writes the shortest repr that reads back as
the same float), symbolic parameters as expression trees, conditions, registers, global
phase, layouts, and the program's own gates with their bodies (listed once, dependencies
first, and referred to by name).  Opcodes are not written: they depend on the jingu
version, names do not.

An expression is a number or a list: ``["sym", name]``, ``["neg", e]``,
``["fn", name, e]`` or ``[op, a, b]`` with op one of + - * / ^.  A parameter that is an
expression is written ``{"expr": tree}``.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from .circuit import Circuit, CircuitBuilder, Condition, Register
from .errors import InputError
from .gates import GATES, Gate
from .params import FUNCTION_NAMES, Expr, Symbol

FORMAT = "jingu.circuit"
VERSION = 1

_BINARY = ("+", "-", "*", "/", "^")


# ----------------------------------------------------------------------------------------
# writing


def to_json(circuit: Circuit) -> str:
    """The circuit as JSON text (see the module docstring): one line per header field,
    per program gate and per operation, so that the text diffs and greps well."""
    data = to_dict(circuit)
    lines = []
    for key, value in data.items():
        if key == "ops" and value:
            # one dump, then a line break before each op: every op object starts with
            # {"gate": and a quote inside a JSON string is escaped, so this cannot misfire
            items = _compact(value)[1:-1].replace('},{"gate":', '},\n  {"gate":')
            lines.append(f'"ops": [\n  {items}\n ]')
        elif key == "gates" and value:
            items = ",\n  ".join(_compact(v) for v in value)
            lines.append(f'"gates": [\n  {items}\n ]')
        else:
            lines.append(f"{json.dumps(key)}: {_compact(value)}")
    return "{\n " + ",\n ".join(lines) + "\n}\n"


def _compact(value) -> str:
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def to_dict(circuit: Circuit) -> dict[str, Any]:
    gates = _program_gates(circuit)
    out = {"format": FORMAT, "version": VERSION}
    out.update(_circuit_dict(circuit))
    out["gates"] = [_gate_dict(g) for g in gates]
    # keep "ops" last: it is the long part
    out["ops"] = out.pop("ops")
    return out


def _circuit_dict(c: Circuit) -> dict[str, Any]:
    return {
        "name": c.name,
        "num_qubits": c.num_qubits,
        "num_clbits": c.num_clbits,
        "qregs": [[r.name, r.start, r.size] for r in c.qregs],
        "cregs": [[r.name, r.start, r.size] for r in c.cregs],
        "global_phase": _param(c.global_phase),
        "initial_layout": _layout(c.initial_layout),
        "final_layout": _layout(c.final_layout),
        "ops": _ops(c),
    }


def _layout(layout):
    return None if layout is None else [int(x) for x in np.asarray(layout)]


def _ops(c: Circuit) -> list[dict[str, Any]]:
    names = [g.name for g in c.gate_table]
    ops = c.opcodes.tolist()
    qptr, qs = c.qubit_ptr.tolist(), c.qubits.tolist()
    pptr, pvals = c.param_ptr.tolist(), c.params.tolist()
    pexpr = c.param_expr.tolist()
    cptr, cs = c.clbit_ptr.tolist(), c.clbits.tolist()
    widths = c.cond_width.tolist()
    out = []
    for i, code in enumerate(ops):
        op: dict[str, Any] = {"gate": names[code], "qubits": qs[qptr[i]:qptr[i + 1]]}
        lo, hi = pptr[i], pptr[i + 1]
        if hi > lo:
            op["params"] = [pvals[j] if pexpr[j] < 0 else _param(c.expressions[pexpr[j]])
                            for j in range(lo, hi)]
        if cptr[i + 1] > cptr[i]:
            op["clbits"] = cs[cptr[i]:cptr[i + 1]]
        if widths[i]:
            cond = c.op_condition(i)
            op["condition"] = {"start": cond.start, "width": cond.width, "value": cond.value}
        out.append(op)
    return out


def _param(x):
    if isinstance(x, Expr):
        return {"expr": _expr_tree(x)}
    return float(x)


def _expr_tree(e):
    if not isinstance(e, Expr):
        return float(e)
    if e.op == "sym":
        return ["sym", e.args[0]]
    if e.op == "neg":
        return ["neg", _expr_tree(e.args[0])]
    if e.op == "fn":
        return ["fn", e.args[0], _expr_tree(e.args[1])]
    return [e.op, _expr_tree(e.args[0]), _expr_tree(e.args[1])]


def _is_program_gate(gate: Gate) -> bool:
    return GATES.get(gate.name) is not gate


def _program_gates(circuit: Circuit) -> list[Gate]:
    """Program gates used by the circuit or by their bodies, dependencies first."""
    order: list[Gate] = []
    seen: set[int] = set()

    def visit(c: Circuit):
        for code in np.unique(c.opcodes).tolist():
            g = c.gate_table[code]
            if _is_program_gate(g) and id(g) not in seen:
                seen.add(id(g))
                if g.body is not None:
                    visit(g.body)
                order.append(g)

    visit(circuit)
    return order


def _gate_dict(g: Gate) -> dict[str, Any]:
    return {
        "name": g.name,
        "num_qubits": g.num_qubits,
        "num_params": g.num_params,
        "param_names": list(g.param_names),
        "kind": g.kind,
        "doc": g.doc,
        "body": None if g.body is None else _circuit_dict(g.body),
    }


# ----------------------------------------------------------------------------------------
# reading


def from_json(text: str) -> Circuit:
    """The circuit written by ``to_json``; malformed input is an ``InputError``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc}") from None
    return from_dict(data)


def from_dict(data: dict[str, Any]) -> Circuit:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f"not a jingu circuit (expected \"format\": \"{FORMAT}\")")
    if data.get("version") != VERSION:
        raise InputError(f"jingu circuit JSON version {data.get('version')!r} is not "
                         f"supported (this jingu reads version {VERSION})")
    try:
        gates: dict[str, Gate] = {}
        for spec in data.get("gates", []):
            body = None if spec["body"] is None else _build(spec["body"], gates)
            gates[spec["name"]] = Gate(
                spec["name"], int(spec["num_qubits"]), int(spec["num_params"]),
                kind=spec.get("kind", "unitary"), param_names=tuple(spec["param_names"]),
                body=body, doc=spec.get("doc", ""))
        return _build(data, gates)
    except InputError:
        raise
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise InputError(f"malformed jingu circuit JSON: {type(exc).__name__}: {exc}") from None


def _build(d: dict[str, Any], gates: dict[str, Gate]) -> Circuit:
    b = CircuitBuilder(int(d["num_qubits"]), int(d["num_clbits"]), name=d.get("name", "circuit"),
                       qregs=[Register(n, int(s), int(z)) for n, s, z in d.get("qregs", [])],
                       cregs=[Register(n, int(s), int(z)) for n, s, z in d.get("cregs", [])])
    b.global_phase = _read_param(d.get("global_phase", 0.0))
    for key in ("initial_layout", "final_layout"):
        if d.get(key) is not None:
            setattr(b, key, np.asarray(d[key], dtype=np.int64))
    registered: set[str] = set()
    for k, op in enumerate(d["ops"]):
        name = op["gate"]
        if name in gates and name not in registered:
            b.register_gate(gates[name])
            registered.add(name)
        elif name not in GATES and name not in gates:
            raise InputError(f"operation {k} uses gate '{name}', which is neither a library "
                             f"gate nor listed under \"gates\"")
        cond = op.get("condition")
        b.append(name, [int(q) for q in op["qubits"]],
                 [_read_param(p) for p in op.get("params", ())],
                 [int(c) for c in op.get("clbits", ())],
                 None if cond is None else Condition(int(cond["start"]), int(cond["width"]),
                                                     int(cond["value"])))
    return b.build()


def _read_param(p):
    if isinstance(p, dict):
        return _read_expr(p["expr"])
    return float(p)


def _read_expr(t):
    if not isinstance(t, list):
        return float(t)
    head = t[0]
    if head == "sym":
        return Symbol(str(t[1]))
    # the tree is rebuilt node for node (no folding), so it comes back exactly as written
    if head == "neg":
        return Expr("neg", (_read_expr(t[1]),))
    if head == "fn":
        if str(t[1]) not in FUNCTION_NAMES:
            raise InputError(f"unknown function {t[1]!r} in jingu circuit JSON")
        return Expr("fn", (str(t[1]), _read_expr(t[2])))
    if head in _BINARY:
        return Expr(head, (_read_expr(t[1]), _read_expr(t[2])))
    raise InputError(f"unknown expression node {head!r} in jingu circuit JSON")
