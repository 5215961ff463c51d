"""The circuits of one benchmark run: built-in families at chosen sizes, the shared corpus,
and any OpenQASM 2 files or directories the user names.

Every circuit is held as the OpenQASM 2 text that all compilers read, plus jingu's reading of
that text (the reference for the equivalence checks).  Inputs that cannot be used (jingu
cannot read them, or they are wider than the target) are listed with the reason instead of
stopping the run.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..circuit import Circuit
from .circuits import FAMILIES, generate

DEFAULT_SIZES = (8, 16, 32, 72)


@dataclass
class BenchCircuit:
    name: str
    family: str  # a family name, or "file"
    source: str  # "generated" or the file's path
    text: str  # OpenQASM 2 given to every compiler
    circuit: Circuit  # jingu's reading of ``text``

    @property
    def num_qubits(self) -> int:
        return self.circuit.num_qubits

    @property
    def multi_qubit_count(self) -> int:
        """Gates on two or more qubits in the input (a ccx counts once)."""
        c = self.circuit
        unitary = np.array([g.is_unitary for g in c.gate_table], dtype=bool)[c.opcodes]
        return int(np.count_nonzero(unitary & (c.arity() >= 2)))


@dataclass
class Suite:
    circuits: list[BenchCircuit] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)


def default_corpus() -> Path | None:
    """The shared corpus: $JINGU_CORPUS, else ``../shared/corpus`` beside the repository or
    the working directory."""
    env = os.environ.get("JINGU_CORPUS")
    if env:
        return Path(env) if Path(env).is_dir() else None
    here = Path(__file__).resolve()
    for base in (here.parents[2], Path.cwd()):
        candidate = base.parent / "shared" / "corpus"
        if candidate.is_dir():
            return candidate
    return None


def qasm_files(paths) -> list[tuple[str, Path]]:
    """(name, path) of every .qasm file in ``paths`` (files or directories, recursively);
    names are paths relative to the directory given, without the extension."""
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*.qasm")):
                out.append((f.relative_to(p).with_suffix("").as_posix(), f))
        else:
            out.append((p.stem, p))
    return out


def build_suite(*, paths=(), families=None, sizes=DEFAULT_SIZES, seed: int = 0,
                graph=None, max_qubits: int | None = None, name_filter: str | None = None,
                with_corpus: bool = True) -> Suite:
    """Collect the benchmark circuits.  ``families`` None means all built-in families, ()
    none; ``max_qubits`` (the target's live qubits) drops circuits that cannot fit."""
    from ..errors import InputError, JinguError

    suite = Suite()
    try:
        pattern = re.compile(name_filter) if name_filter else None
    except re.error as exc:
        raise InputError(f"--filter '{name_filter}' is not a regular expression: {exc}") from None
    names: set[str] = set()

    def add(name, family, source, text, circuit):
        if name in names:
            name = f"{name}@{len(names)}"
        names.add(name)
        if max_qubits is not None and circuit.num_qubits > max_qubits:
            suite.skipped.append((name, f"{circuit.num_qubits} qubits do not fit the target's "
                                        f"{max_qubits}"))
            return
        suite.circuits.append(BenchCircuit(name, family, source, text, circuit))

    def wanted(name):
        return pattern is None or pattern.search(name)

    chosen = list(FAMILIES) if families is None else list(families)
    for fam in chosen:
        if fam not in FAMILIES:
            from ..errors import suggest

            hint = suggest(fam, FAMILIES) or f"families: {', '.join(FAMILIES)}"
            raise InputError(f"unknown circuit family '{fam}'; {hint}")
    for fam in chosen:
        family = FAMILIES[fam]
        done = set()
        for size in sizes:
            n = family.fit(min(size, max_qubits) if max_qubits else size)
            if n is None or n in done or not wanted(f"{fam}-{n}"):
                continue
            done.add(n)
            try:
                circuit = generate(fam, n, seed, graph)
                text = _emit_qasm2(circuit)
                add(f"{fam}-{n}", fam, "generated", text, _parse(text, f"{fam}-{n}"))
            except (JinguError, ValueError) as exc:
                suite.skipped.append((f"{fam}-{n}", _first_line(exc)))

    files = []
    if with_corpus:
        root = default_corpus()
        if root is not None:
            files += qasm_files([root])
    files += qasm_files(paths)
    for name, path in files:
        if not wanted(name):
            continue
        try:
            text = path.read_text(encoding="utf-8")
            circuit = _parse(text, str(path))
        except (OSError, UnicodeDecodeError) as exc:
            suite.skipped.append((name, f"cannot read {path}: {exc}"))
            continue
        except JinguError as exc:
            suite.skipped.append((name, f"jingu cannot read it: {_first_line(exc)}"))
            continue
        add(name, "file", str(path), text, circuit)
    return suite


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _parse(text: str, file: str) -> Circuit:
    from ..frontend import parse

    return parse(text, file=file)


def _emit_qasm2(circuit: Circuit) -> str:
    from ..emit import emit

    return emit(circuit, "qasm2")
