"""The public API for plugin authors: everything a pass or target plugin may use.

A plugin imports from ``jingu.api`` only.  What is named in ``__all__`` keeps its meaning
for as long as ``API_VERSION`` stays the same: additions do not change the version, any
removal or incompatible change raises it, and jingu refuses plugins written for another
version with a message naming them (see docs/plugins.md).  Everything else in jingu is
internal and may change in any release.
"""

from __future__ import annotations

from . import API_VERSION
from .circuit import Circuit, CircuitBuilder, Condition, Operation, Register
from .errors import (
    CompileError,
    InputError,
    JinguError,
    PipelineError,
    PluginError,
    TargetError,
)
from .gates import GATES, Gate, embed
from .params import Expr, Symbol
from .passmanager import Pass, PassContext, fact_check

__all__ = [
    "API_VERSION",
    # passes
    "Pass", "PassContext", "fact_check",
    # circuits (the DAG view: Circuit.to_networkx() and Circuit.wire_links())
    "Circuit", "CircuitBuilder", "Operation", "Condition", "Register",
    # gates and parameters
    "GATES", "Gate", "embed", "Symbol", "Expr",
    # errors
    "JinguError", "InputError", "TargetError", "CompileError", "PipelineError", "PluginError",
    # targets
    "Target", "load_target",
    # jingu's kernels
    "resynthesize_1q", "resynthesize_2q", "unitary", "equivalent",
]

_FROM_TARGETS = ("Target", "load_target")


def __getattr__(name: str):
    # targets load lazily: importing them reads device files a pass plugin may not need
    if name in _FROM_TARGETS:
        from importlib import import_module

        value = getattr(import_module("jingu.targets"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'jingu.api' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(__all__))


def _steps_to_circuit(num_qubits: int, steps, phase) -> Circuit:
    out = CircuitBuilder(num_qubits)
    out.global_phase = phase
    for name, qubits, params in steps:
        out.append(name, tuple(qubits), tuple(params))
    return out.build()


def resynthesize_1q(matrix, basis: str = "rphi") -> Circuit:
    """The shortest exact one-qubit circuit for the 2x2 unitary ``matrix`` in ``basis``
    (``rphi``: one rphi + one rz; also ``x1``, ``sx``, ``zsx``, ``zyz``, ``zxz``, ``u3``),
    global phase included."""
    import numpy as np
    from jingu.passes.synthesis.one_qubit import synthesize_1q

    steps, phase = synthesize_1q(np.asarray(matrix, dtype=complex), basis)
    return _steps_to_circuit(1, steps, phase)


def resynthesize_2q(matrix, basis: str = "cz", one_qubit_basis: str = "rphi") -> Circuit:
    """An exact two-qubit circuit for the 4x4 unitary ``matrix`` (qubit 0 = most
    significant) with the fewest ``basis`` gates (``cz`` or ``cx``; at most three) and
    one-qubit gates in ``one_qubit_basis``, global phase included.  Use it to
    re-synthesise a two-qubit block your pass collected."""
    import numpy as np
    from jingu.passes.synthesis.two_qubit import synthesize_2q

    steps, phase = synthesize_2q(np.asarray(matrix, dtype=complex), basis, one_qubit_basis)
    return _steps_to_circuit(2, steps, phase)


def unitary(circuit: Circuit):
    """The circuit's unitary by jingu's simulator (small circuits), in the gate library's
    convention: qubit 0 is the most significant, so it feeds ``resynthesize_2q``."""
    from jingu.simulate import gate_matrix_of

    return gate_matrix_of(circuit)


def equivalent(a: Circuit, b: Circuit) -> bool:
    """Whether ``b`` implements ``a`` up to global phase (``b`` read through its initial and
    final layouts when it has them), by simulation on random states: the check jingu's
    audit mode makes after every pass."""
    from jingu.simulate import equivalent as simulate_equivalent

    return simulate_equivalent(a, b)
