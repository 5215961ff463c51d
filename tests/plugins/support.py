"""Helpers for plugin tests: site directories on sys.path, tiny hand-made distributions
(a dist-info folder is all importlib.metadata needs), running the CLI in this process or in
a fresh one, and a reference unitary straight from the gate library.

Nothing is installed into the real environment: every site directory lives under a
temporary path and is put on ``sys.path`` (and ``PYTHONPATH`` for subprocesses) only for
the test that asks for it.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from jingu import passinfo, registry

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "plugin"
PLUGIN_MODULES = ("jingu_mylab",)


def forget_plugins() -> None:
    """Make jingu (and Python) see the installed distributions afresh."""
    importlib.invalidate_caches()
    registry.entries.cache_clear()
    passinfo.clear_caches()
    for name in list(sys.modules):
        if name.partition(".")[0] in PLUGIN_MODULES or name.startswith("jt_"):
            del sys.modules[name]


@contextmanager
def on_path(*dirs):
    """Put site directories first on sys.path for the duration."""
    added = [str(d) for d in dirs]
    sys.path[:0] = added
    forget_plugins()
    try:
        yield
    finally:
        for d in added:
            sys.path.remove(d)
        forget_plugins()


def make_dist(root: Path, name: str, files: dict[str, str], passes: dict[str, str] = (),
              targets: dict[str, str] = (), version: str = "1.0") -> Path:
    """A minimal installed distribution in ``root``: module files plus a dist-info folder
    whose entry_points.txt offers ``passes`` and ``targets`` (name -> "module:attr")."""
    root.mkdir(parents=True, exist_ok=True)
    info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    groups = []
    for group, items in (("jingu.passes", dict(passes)), ("jingu.targets", dict(targets))):
        if items:
            groups.append(f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in items.items()))
    (info / "entry_points.txt").write_text("\n".join(groups))
    record = []
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        record.append(f"{rel},,")
    (info / "RECORD").write_text("\n".join(record + [f"{info.name}/RECORD,,"]) + "\n")
    return root


def run_cli(args, capsys) -> tuple[int, str, str]:
    """``jingu ARGS`` in this process: (exit code, stdout, stderr)."""
    from jingu.cli import main

    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def run_python(code: str, *paths) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter with ``paths`` on PYTHONPATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*map(str, paths), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def circuit_unitary(circuit) -> np.ndarray:
    """The unitary of a small unitary-only circuit, straight from the gate library's
    matrices (qubit 0 most significant), global phase included."""
    from jingu.gates import embed

    n = circuit.num_qubits
    u = np.eye(1 << n, dtype=complex) * np.exp(1j * float(circuit.global_phase))
    gates = {g.name: g for g in circuit.gate_table}
    for op in circuit:
        gate = gates[op.name]
        if gate.kind == "barrier":
            continue
        u = embed(gate.matrix(op.params), op.qubits, n) @ u
    return u
