"""``compile()``: a program's Circuit in, the circuit for a target out, with a report."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .circuit import Circuit
from .passmanager import PassContext, PassMetric, run_pipeline
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
    spec = passes if passes is not None else preset_pipeline(
        optimization_level, stages, mapped=target is not None)
    pipeline = build_pipeline(spec)
    ctx = PassContext(target=target, seed=seed, time_budget=time_budget, audit=audit)
    t0 = time.perf_counter()
    out = run_pipeline(circuit, pipeline, ctx, on_pass=on_pass)
    seconds = time.perf_counter() - t0
    return CompileResult(out, make_report(circuit, out, ctx, pipeline, seconds,
                                          optimization_level if passes is None else None))


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
            "infidelity_bound": float(ctx.properties.get("identity_infidelity", 0.0)),
        },
        "passes": [
            {"name": m.name, "seconds": m.seconds, "ops": m.ops, "two_qubit_count": m.two_qubit,
             "depth": m.depth}
            for m in ctx.metrics
        ],
    }
