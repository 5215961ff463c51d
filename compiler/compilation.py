"""``compile()``: a program's Circuit in, the circuit for a target out, with a report."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np

from .circuit import Circuit
from .passmanager import PassContext, PassMetric, check_pipeline, run_pipeline
from .presets import preset_pipeline
from .registry import build_pipeline


@dataclass
class CompileResult:
    circuit: Circuit
    report: dict[str, Any] = field(default_factory=dict)


def compile(circuit: Circuit, target=None, *, optimization_level: int = 1, seed: int = 0,
            passes: str | None = None, stages: dict[str, str] | None = None,
            audit: bool = False, time_budget: float | None = None,
            on_pass: Callable[[PassMetric], None] | None = None) -> CompileResult:
    """Compile ``circuit`` for ``target`` (a Target, a name, or None: then only the
    target-free stages run and nothing is mapped).

    ``passes`` replaces the preset pipeline entirely; ``stages`` replaces named stages of
    the preset (e.g. ``{"routing": "mylab:router"}``).
    """
    if isinstance(target, str):
        from .targets import load_target

        target = load_target(target)
    if target is not None:
        target.check_fits(circuit.num_qubits)
    mapped = target is not None
    spec = passes if passes is not None else preset_pipeline(optimization_level, stages, mapped)
    pipeline = build_pipeline(spec)
    ctx = PassContext(target=target, seed=seed, time_budget=time_budget, audit=audit)
    lower = None
    if passes is None and mapped and optimization_level > FLOOR_LEVEL:
        lower = build_pipeline(preset_pipeline(FLOOR_LEVEL, stages, mapped))
    t0 = time.perf_counter()
    if lower is None:
        out = run_pipeline(circuit, pipeline, ctx, on_pass=on_pass)
        kept = None
    else:
        out, ctx, pipeline, kept = _better_of(circuit, pipeline, lower, ctx, on_pass)
    seconds = time.perf_counter() - t0
    report = make_report(circuit, out, ctx, pipeline, seconds,
                         optimization_level if passes is None else None)
    if kept is not None:
        report["kept"] = kept
    return CompileResult(out, report)


#: the level every higher level is compared with: a higher level keeps that level's
#: circuit when its own comes out worse (it never returns a worse circuit than -O1)
FLOOR_LEVEL = 1


def quality_key(circuit: Circuit) -> tuple[int, int, int]:
    """What "better" means between two compilations of one input: fewer two-qubit gates,
    then a lower two-qubit depth, then a lower depth."""
    return (circuit.two_qubit_count(), circuit.depth(two_qubit_only=True), circuit.depth())


def _better_of(circuit: Circuit, own: list, lower: list, ctx: PassContext, on_pass):
    """Run ``own`` and ``lower`` (sharing the passes they start with) and keep the better
    result; on a tie the higher level's own.  Returns (circuit, context, pipeline, kept)."""
    shared = 0
    while shared < min(len(own), len(lower)) and repr(own[shared]) == repr(lower[shared]):
        shared += 1
    prefix = own[:shared]
    start = run_pipeline(circuit, prefix, ctx, on_pass=on_pass) if prefix else circuit
    facts = check_pipeline(prefix)
    results = []
    for tail, notify in ((own[shared:], on_pass), (lower[shared:], None)):
        branch = replace(ctx, properties=dict(ctx.properties), metrics=list(ctx.metrics))
        out = run_pipeline(start, tail, branch, facts, on_pass=notify)
        results.append((quality_key(out), out, branch, prefix + tail))
    (own_key, *own_result), (low_key, *low_result) = results
    kept = {"level": "own" if own_key <= low_key else f"O{FLOOR_LEVEL}",
            "own": list(own_key), f"O{FLOOR_LEVEL}": list(low_key)}
    out, branch, pipeline = own_result if own_key <= low_key else low_result
    return out, branch, pipeline, kept


def _layout_list(layout) -> list[int] | None:
    return None if layout is None else [int(x) for x in np.asarray(layout)]


def make_report(original: Circuit, out: Circuit, ctx: PassContext, pipeline, seconds: float,
                level: int | None) -> dict[str, Any]:
    from . import __version__

    return {
        "jingu_version": __version__,
        "target": getattr(ctx.target, "name", None),
        "optimization_level": level,
        "seed": ctx.seed,
        "pipeline": [repr(p) for p in pipeline],
        "input": {"qubits": original.num_qubits, "ops": len(original),
                  "two_qubit_count": original.two_qubit_count()},
        "num_qubits": out.num_qubits,
        "initial_layout": _layout_list(out.initial_layout),
        "final_layout": _layout_list(out.final_layout),
        "gate_counts": out.count_ops(),
        "two_qubit_count": out.two_qubit_count(),
        "cz_count": out.count_ops().get("cz", 0),
        "depth": out.depth(),
        "two_qubit_depth": out.depth(two_qubit_only=True),
        "seconds": seconds,
        "approximation": {
            "removed_gates": int(ctx.properties.get("identity_removed", 0)),
            "synthesis_infidelity": float(ctx.properties.get("synthesis_infidelity", 0.0)),
            "infidelity_bound": float(ctx.properties.get("identity_infidelity", 0.0)
                                      + ctx.properties.get("synthesis_infidelity", 0.0)),
        },
        "passes": [
            {"name": m.name, "seconds": m.seconds, "ops": m.ops, "two_qubit_count": m.two_qubit,
             "depth": m.depth}
            for m in ctx.metrics
        ],
    }
