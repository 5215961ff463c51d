"""Compilers behind one small interface, so the harness treats jingu and the reference
compilers exactly alike.

An adapter lives in a worker process (``jingu.bench.worker``).  It reads OpenQASM 2 text
into its compiler's own program object (``load``, not timed), compiles it (``compile``, the
only timed call), and hands the result back with the layouts its compiler reports
(``export``, not timed): as instruction columns walked from the compiler's in-memory result
(``jingu.bench.oplist``), or as program text jingu's front end reads.  The harness turns
either into a jingu Circuit and measures it with jingu's code, so every compiler is counted
by the same ruler.

Compilers are named ``NAME-O<level>`` on the command line (``qiskit-O3``); NAME is one of
``ADAPTERS`` or ``package.module:Class`` for an adapter of your own.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from typing import Any, ClassVar

#: compiler name -> "module:class" of its adapter
ADAPTERS: dict[str, str] = {
    "jingu": "jingu.bench.adapters.jingu:JinguAdapter",
    "qiskit": "jingu.bench.adapters.qiskit:QiskitAdapter",
    "pytket": "jingu.bench.adapters.pytket:PytketAdapter",
    "qpanda3": "jingu.bench.adapters.qpanda3:QPanda3Adapter",
}


@dataclass(frozen=True)
class TargetSpec:
    """What a compiler needs to know about the target, in picklable form.

    ``couplers`` are the live couplers (undirected pairs), ``basis`` jingu's names of the
    native gates.  ``recipe`` (``name`` and the keyword arguments of
    ``jingu.targets.load_target``) or
    ``pickled`` (the Target object itself) lets the jingu adapter rebuild the real Target in
    its own process.
    """

    name: str
    num_qubits: int
    couplers: tuple[tuple[int, int], ...]
    basis: tuple[str, ...]
    live_qubits: tuple[int, ...]
    recipe: dict | None = None
    pickled: bytes | None = None

    @classmethod
    def from_target(cls, target, recipe: dict | None = None) -> "TargetSpec":
        from ..metrics import NON_GATES

        graph = target.graph
        couplers = tuple(sorted((min(int(a), int(b)), max(int(a), int(b)))
                                for a, b in graph.edges()))
        pickled = None
        if recipe is None:
            try:
                pickled = pickle.dumps(target)
            except Exception:  # not picklable: the jingu adapter will say so
                pickled = None
        return cls(
            name=str(getattr(target, "name", "target")),
            num_qubits=int(target.num_qubits),
            couplers=couplers,
            basis=tuple(sorted(str(g) for g in target.basis if str(g) not in NON_GATES)),
            live_qubits=tuple(sorted(int(q) for q in graph.nodes())),
            recipe=recipe,
            pickled=pickled,
        )

    def two_qubit_gate(self) -> str:
        """The name of the two-qubit native (cz on Wukong), for table headings."""
        from ...gates import GATES

        for name in self.basis:
            gate = GATES.get(name)
            if gate is not None and gate.num_qubits == 2:
                return name
        return "2q"


@dataclass
class Exported:
    """A compiled program with the layouts its compiler reports.

    The program is ``ops`` (an ``OpList`` in the compiler's gate names; ``names`` maps
    them onto jingu's library, see ``oplist.to_circuit``) or, when ``ops`` is None,
    ``text`` in ``lang`` (``qasm2``, ``qasm3`` or ``originir``) for jingu's front end.
    Layouts map a virtual qubit to a physical one: either a list indexed by the flat qubit
    index of the input program, or a dict keyed by (register name, index); None when the
    compiler does not say (the harness then takes the final layout from the measurements
    and infers the initial one by simulation).
    """

    text: str = ""
    lang: str = "qasm2"
    initial_layout: Any = None
    final_layout: Any = None
    ops: Any = None  # OpList
    names: dict[str, tuple[str, float]] = field(default_factory=dict)


class Adapter:
    """One compiler at one optimisation level, for one target."""

    name: ClassVar[str] = ""
    levels: ClassVar[tuple[int, ...]] = (0, 1, 2, 3)
    #: the Python distribution that must be importable (checked without importing it)
    requires: ClassVar[str] = ""

    def __init__(self, target: TargetSpec, level: int):
        self.target = target
        self.level = level

    @classmethod
    def unavailable(cls) -> str | None:
        """Why this compiler cannot run here (None when it can); must not import it."""
        if cls.requires and find_spec(cls.requires) is None:
            return f"{cls.requires} is not installed (pip install 'jingu[bench]')"
        return None

    @classmethod
    def version(cls) -> str:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version(cls.requires or cls.name)
        except PackageNotFoundError:
            return "?"

    def load(self, text: str) -> Any:
        """The compiler's own program for OpenQASM 2 ``text`` (not timed)."""
        raise NotImplementedError

    def compile(self, program: Any, seed: int) -> Any:
        """Compile ``program`` (the only timed call); returns the compiler's result."""
        raise NotImplementedError

    def export(self, result: Any) -> Exported:
        """The compiled result and its layouts (not timed)."""
        raise NotImplementedError


@dataclass(frozen=True)
class CompilerSpec:
    """A compiler as named on the command line: adapter reference and level."""

    label: str  # e.g. "qiskit-O3"
    ref: str  # "module:Class"
    level: int

    def adapter_class(self) -> type[Adapter]:
        module, _, attr = self.ref.partition(":")
        return getattr(import_module(module), attr)


_SPEC = re.compile(r"^(?P<name>.+?)-O(?P<level>\d)$")


def parse_compilers(text: str) -> list[CompilerSpec]:
    """``"jingu-O1,qiskit-O3"`` -> specs; raises InputError for a malformed or unknown name."""
    from ...errors import InputError, suggest

    specs = []
    for item in (s.strip() for s in text.split(",")):
        if not item:
            continue
        m = _SPEC.match(item)
        if not m:
            raise InputError(f"compiler '{item}' must be written NAME-O<level>, e.g. qiskit-O3")
        name, level = m["name"], int(m["level"])
        if ":" in name:
            ref = name
        elif name in ADAPTERS:
            ref = ADAPTERS[name]
        else:
            hint = suggest(name, ADAPTERS) or f"known compilers: {', '.join(ADAPTERS)}"
            raise InputError(f"unknown compiler '{name}' in '{item}'; {hint}")
        specs.append(CompilerSpec(item, ref, level))
    if len({s.label for s in specs}) != len(specs):
        raise InputError("a compiler is named twice in --compilers")
    return specs
