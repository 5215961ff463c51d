"""Drawing a target's lattice, coloured by error (matplotlib, the ``plot`` extra).

Qubits are drawn at their sites and coloured by one-qubit gate error, couplers as lines
coloured by CZ error; dead qubits and couplers are grey and dashed, so holes and
disconnected pieces show at a glance.  Row 0 is at the top, as on chip drawings.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from jingu.errors import InputError


def draw(target, path: str | Path) -> None:
    """Write a picture of ``target`` to ``path`` (format from the suffix: png, svg, pdf...)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.collections import LineCollection
    except ImportError:
        raise InputError("--plot needs matplotlib: pip install 'jingu[plot]'") from None
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    fig = plt.figure()
    try:
        supported = fig.canvas.get_supported_filetypes()
        if fmt not in supported:
            raise InputError(f"cannot draw to '{path}': use one of the suffixes "
                             + ", ".join(f".{k}" for k in sorted(supported)))
        _draw(fig, target, LineCollection)
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=150, bbox_inches="tight")
    finally:
        plt.close(fig)
    from jingu.fileio import write_atomic

    write_atomic(path, buffer.getvalue())


def _draw(fig, target, LineCollection) -> None:
    sites = target.sites
    span = np.ptp(sites, axis=0) if len(sites) else np.zeros(2)
    fig.set_size_inches(min(3 + 0.9 * span[0], 30), min(2 + 0.8 * span[1], 30))
    ax = fig.add_subplot()
    ax.set_aspect("equal")
    ax.axis("off")
    ax.invert_yaxis()
    pairs = target.pairs
    live = target.coupler_live
    segments = sites[pairs] if len(pairs) else np.zeros((0, 2, 2))
    if (~live).any():
        ax.add_collection(LineCollection(segments[~live], colors="0.75", linestyles="--",
                                         linewidths=1.0, zorder=1))
    if live.any():
        lines = LineCollection(segments[live], cmap="RdYlGn_r", linewidths=3.0, zorder=2)
        lines.set_array(target.cz_error[live])
        ax.add_collection(lines)
        fig.colorbar(lines, ax=ax, location="bottom", shrink=0.6, pad=0.03, label="CZ error")
    alive = target.qubit_live
    nodes = ax.scatter(sites[alive, 0], sites[alive, 1], c=target.error_1q[alive],
                       cmap="RdYlGn_r", s=220, edgecolors="black", linewidths=0.5, zorder=3)
    fig.colorbar(nodes, ax=ax, location="right", shrink=0.6, pad=0.03,
                 label="one-qubit gate error")
    if (~alive).any():
        ax.scatter(sites[~alive, 0], sites[~alive, 1], marker="x", c="0.5", s=120, zorder=3)
    if target.num_qubits <= 400:
        for q, (x, y) in enumerate(sites.tolist()):
            ax.annotate(str(q), (x, y), ha="center", va="center", fontsize=6, zorder=4,
                        color="black" if alive[q] else "0.4")
    ax.autoscale_view()
    title = target.name + (" (nominal calibration)" if target.nominal else "")
    ax.set_title(title)
