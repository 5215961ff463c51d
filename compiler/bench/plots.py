"""PNG charts of a benchmark run (needs matplotlib: ``pip install 'jingu[plot]'``).

* ``ratio_per_circuit.png``: two-qubit count of each compiler / the baseline's, per circuit
  (circuits ordered by size), log scale, 1 = as good as the baseline;
* ``time_vs_size.png``: compile seconds against circuit qubits, both axes logarithmic.
"""

from __future__ import annotations

import io
from pathlib import Path

from .harness import RunResult
from .report import resolve_baseline

MARKERS = "os^Dvx+*<>ph"


def plots_available() -> str | None:
    """Why charts cannot be drawn (None when they can)."""
    from importlib.util import find_spec

    return None if find_spec("matplotlib") else "matplotlib is not installed (pip install 'jingu[plot]')"


def write_plots(result: RunResult, out_dir, baseline_wanted: str = "qiskit-O3") -> list[Path]:
    """Draw the charts into ``out_dir``; returns the files written."""
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..fileio import write_atomic

    out_dir = Path(out_dir)
    written = []
    labels = result.labels()
    by = {(r.circuit, r.compiler): r for r in result.records}
    size = {r.circuit: r.num_qubits for r in result.records}
    order = sorted(size, key=lambda c: (size[c], c))
    baseline = resolve_baseline(result, baseline_wanted)

    def save(fig, name):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        write_atomic(out_dir / name, buf.getvalue())
        written.append(out_dir / name)

    if baseline is not None and order:
        others = [l for l in labels if l != baseline]
        fig, ax = plt.subplots(figsize=(max(8.0, 0.22 * len(order)), 4.8))
        for k, label in enumerate(others):
            xs, ys = [], []
            for i, c in enumerate(order):
                a, b = by.get((c, label)), by.get((c, baseline))
                if a and b and a.usable and b.usable and a.two_qubit_count and b.two_qubit_count:
                    xs.append(i)
                    ys.append(a.two_qubit_count / b.two_qubit_count)
            ax.scatter(xs, ys, label=label, marker=MARKERS[k % len(MARKERS)], s=22, alpha=0.8)
        ax.axhline(1.0, color="grey", lw=0.8)
        ax.set_yscale("log", base=2)
        ax.set_xticks(range(len(order)))
        ax.set_xticklabels(order, rotation=90, fontsize=6)
        ax.set_ylabel(f"two-qubit gates / {baseline}")
        ax.set_title(f"Two-qubit gate count relative to {baseline} (lower is better)")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
        save(fig, "ratio_per_circuit.png")

    fig, ax = plt.subplots(figsize=(7.5, 5.0))
    for k, label in enumerate(labels):
        pts = [(r.num_qubits, r.seconds) for r in result.records
               if r.compiler == label and r.status == "ok" and r.seconds]
        if pts:
            ax.scatter(*zip(*pts), label=label, marker=MARKERS[k % len(MARKERS)], s=22,
                       alpha=0.8)
    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.set_yscale("log")
    ax.set_xlabel("circuit qubits")
    ax.set_ylabel("compile seconds (median)")
    ax.set_title("Compile time against circuit size")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    save(fig, "time_vs_size.png")
    return written
