"""Passes, their contract, and running a pipeline of them.

A pass is a small class with a registered ``name``, keyword-only options declared as
annotated class attributes, and one method ``run(circuit, ctx) -> circuit``.  It states what
it ``needs`` and what it ``guarantees`` (facts such as ``unrolled``, ``layout``, ``routed``,
``native``) and which facts it ``invalidates``.  The manager checks that a pipeline fits
together before running anything; in audit mode it verifies every guarantee after each pass
(and, for small circuits, that the pass kept the circuit's meaning).

Nothing here keeps state between runs: the pipeline is data (a list of pass instances),
and everything a run produces lives in the ``PassContext``.
"""

from __future__ import annotations

import inspect
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar

import numpy as np

from . import API_VERSION
from .circuit import Circuit
from .errors import JinguError, PipelineError, PluginError

_OPTION_TYPES = {"int": int, "float": float, "bool": bool, "str": str}


@dataclass(frozen=True)
class Option:
    name: str
    type: type
    default: Any

    def coerce(self, value, pass_name: str):
        """Turn a value (possibly text from a pipeline string) into the declared type."""
        if isinstance(value, str) and self.type is not str:
            text = value.strip()
            try:
                if self.type is bool:
                    if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                        raise ValueError
                    return text.lower() in ("true", "1", "yes")
                return self.type(text)
            except ValueError:
                raise PipelineError(
                    f"option '{self.name}' of pass '{pass_name}' takes a {self.type.__name__}, "
                    f"not '{value}'"
                ) from None
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not isinstance(value, self.type) or (self.type is int and isinstance(value, bool)):
            raise PipelineError(
                f"option '{self.name}' of pass '{pass_name}' takes a {self.type.__name__}, "
                f"not {value!r}"
            )
        return value


class Pass:
    """Base class of every pass (built-in or plugin).

    Subclasses set ``name`` and declare options as annotated class attributes with
    defaults, e.g. ``max_iter: int = 3``.  ``run`` must return a circuit and must not keep
    state on ``self`` between runs.
    """

    name: ClassVar[str] = ""
    needs: ClassVar[frozenset] = frozenset()
    guarantees: ClassVar[frozenset] = frozenset()
    invalidates: ClassVar[frozenset] = frozenset()
    #: analysis passes return the circuit unchanged and write facts into ctx.properties
    analysis: ClassVar[bool] = False
    #: what the pass keeps: "unitary" (the default) or only "measurement" statistics
    preserves: ClassVar[str] = "unitary"
    #: the jingu plugin API version this pass was written for
    api_version: ClassVar[int] = API_VERSION
    options: ClassVar[dict[str, Option]] = {}

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        cls.needs = frozenset(cls.needs)
        cls.guarantees = frozenset(cls.guarantees)
        cls.invalidates = frozenset(cls.invalidates)
        opts = {}
        for klass in reversed(cls.__mro__):
            if klass is object or klass is Pass:
                continue
            annotations = inspect.get_annotations(klass)
            for attr, ann in annotations.items():
                text = ann if isinstance(ann, str) else getattr(ann, "__name__", str(ann))
                if "ClassVar" in text or attr.startswith("_"):
                    continue
                typ = _OPTION_TYPES.get(text)
                if typ is None:
                    raise TypeError(f"option {cls.__name__}.{attr}: type must be one of "
                                    f"{', '.join(_OPTION_TYPES)}, not {text}")
                if attr not in klass.__dict__:
                    raise TypeError(f"option {cls.__name__}.{attr} needs a default value")
                opts[attr] = Option(attr, typ, klass.__dict__[attr])
        cls.options = opts

    def __init__(self, **options):
        for key, value in options.items():
            spec = self.options.get(key)
            if spec is None:
                from .errors import suggest

                hint = suggest(key, self.options) or (
                    f"its options are: {', '.join(self.options) or 'none'}")
                raise PipelineError(f"pass '{self.name}' has no option '{key}'; {hint}")
            setattr(self, key, spec.coerce(value, self.name))

    @property
    def option_values(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.options}

    @classmethod
    def description(cls) -> str:
        doc = inspect.getdoc(cls) or ""
        return doc.split("\n", 1)[0]

    def run(self, circuit: Circuit, ctx: "PassContext") -> Circuit:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        opts = ",".join(f"{k}={v}" for k, v in self.option_values.items()
                        if v != self.options[k].default)
        return f"{self.name}{{{opts}}}" if opts else self.name


@dataclass
class PassMetric:
    name: str
    seconds: float
    ops: int
    two_qubit: int
    depth: int


@dataclass
class PassContext:
    """What a run shares between passes: target, seed, time budget and the property set."""

    target: Any = None
    seed: int = 0
    time_budget: float | None = None
    audit: bool = False
    properties: dict[str, Any] = field(default_factory=dict)
    metrics: list[PassMetric] = field(default_factory=list)
    #: results a pass may reuse within one compile() -- shared by the branches compile()
    #: runs (a level and its floor level), never across compiles, so timings stay honest
    scratch: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def rng(self, salt: str) -> np.random.Generator:
        """A generator seeded from the run's seed and ``salt`` (e.g. the pass name): the
        same in every process, unlike Python's salted ``hash``."""
        return np.random.default_rng([self.seed & 0xFFFFFFFF, zlib.crc32(salt.encode())])

    def time_left(self) -> float:
        if self.time_budget is None:
            return float("inf")
        return self.time_budget - (time.perf_counter() - self.started)


# ----------------------------------------------------------------------------------------
# facts and their checks (audit mode)

#: fact name -> check(circuit, ctx) returning None when it holds or a reason when it fails
FACT_CHECKS: dict[str, Callable[[Circuit, PassContext], str | None]] = {}


def fact_check(name: str):
    def register(fn):
        FACT_CHECKS[name] = fn
        return fn

    return register


@fact_check("unrolled")
def _check_unrolled(circuit: Circuit, ctx: PassContext) -> str | None:
    for op in circuit:
        gate = op.gate
        if gate is None:
            return f"'{op.name}' is not a library gate"
        if gate.is_unitary and len(op.qubits) > 2:
            return f"'{op.name}' acts on {len(op.qubits)} qubits"
    return None


@fact_check("layout")
def _check_layout(circuit: Circuit, ctx: PassContext) -> str | None:
    layout = circuit.initial_layout
    if layout is None:
        return "the circuit has no initial layout"
    if len(set(layout.tolist())) != len(layout):
        return "the initial layout maps two virtual qubits to one physical qubit"
    return None


@fact_check("routed")
def _check_routed(circuit: Circuit, ctx: PassContext) -> str | None:
    """Every multi-qubit gate acts on two qubits joined by a live coupler (vectorised)."""
    unitary = np.array([g.is_unitary for g in circuit.gate_table], dtype=bool)[circuit.opcodes]
    arity = circuit.arity()
    wide = np.nonzero(unitary & (arity > 2))[0]
    if len(wide):
        i = int(wide[0])
        return f"'{circuit.gate(i).name}' on {circuit.op_qubits(i)} acts on more than two qubits"
    pairs = np.nonzero(unitary & (arity == 2))[0]
    if not len(pairs):
        return None
    first = circuit.qubits[circuit.qubit_ptr[pairs]]
    second = circuit.qubits[circuit.qubit_ptr[pairs] + 1]
    adjacency = ctx.target.adjacency
    if first.max() >= len(adjacency) or second.max() >= len(adjacency):
        return "a gate acts on a qubit the target does not have"
    bad = np.nonzero(~adjacency[first, second])[0]
    if len(bad):
        i = int(pairs[bad[0]])
        return f"'{circuit.gate(i).name}' on qubits {circuit.op_qubits(i)} which share no live coupler"
    return None


@fact_check("native")
def _check_native(circuit: Circuit, ctx: PassContext) -> str | None:
    basis = ctx.target.basis
    for name in circuit.count_ops():
        if name not in basis:
            return f"'{name}' is not a native operation of {ctx.target.name}"
    return None


def check_facts(circuit: Circuit, ctx: PassContext, facts) -> None:
    """Raise PipelineError naming the first fact in ``facts`` the circuit breaks."""
    for fact in sorted(facts):
        check = FACT_CHECKS.get(fact)
        reason = check(circuit, ctx) if check else None
        if reason:
            raise PipelineError(f"fact '{fact}' does not hold: {reason}")


# ----------------------------------------------------------------------------------------
# running


def check_pipeline(passes: list[Pass], facts: set[str] | frozenset = frozenset()) -> set[str]:
    """Check each pass's needs are met by the facts established before it; return the
    facts that hold at the end.  Fails before anything runs."""
    have = set(facts)
    for position, p in enumerate(passes, 1):
        missing = p.needs - have
        if missing:
            providers = ", ".join(sorted(missing))
            raise PipelineError(
                f"pass {position} '{p.name}' needs {providers}, which no earlier pass "
                f"guarantees; put a pass that provides it first"
            )
        have = (have - p.invalidates) | p.guarantees
    return have


def run_pipeline(circuit: Circuit, passes: list[Pass], ctx: PassContext,
                 facts: set[str] | frozenset = frozenset(),
                 on_pass: Callable[[PassMetric], None] | None = None) -> Circuit:
    """Run ``passes`` in order, recording a metric per pass in ``ctx.metrics``."""
    check_pipeline(passes, facts)
    have = set(facts)
    for p in passes:
        t0 = time.perf_counter()
        before = circuit
        err, where = _blame(p)
        try:
            if where:  # a plugin must not write into the circuit it was given
                with _read_only(circuit):
                    out = p.run(circuit, ctx)
            else:
                out = p.run(circuit, ctx)
        except JinguError:
            raise
        except Exception as exc:  # a pass's bug: name the pass (and plugin), keep our state
            raise err(f"pass '{p.name}'{where} failed: {type(exc).__name__}: {exc}") from exc
        if not isinstance(out, Circuit):
            raise err(f"pass '{p.name}'{where} returned {type(out).__name__}, not a Circuit")
        if p.analysis and out is not before:
            raise err(f"analysis pass '{p.name}'{where} changed the circuit")
        circuit = out
        have = (have - p.invalidates) | p.guarantees
        if ctx.audit:
            try:
                check_facts(circuit, ctx, have)
                if not p.analysis:
                    _audit_meaning(before, circuit, p)
            except PipelineError as exc:
                raise err(f"audit after pass '{p.name}'{where}: {exc}") from exc
        last = ctx.metrics[-1] if ctx.metrics and circuit is before else None
        metric = PassMetric(p.name, time.perf_counter() - t0, len(circuit),
                            last.two_qubit if last else circuit.two_qubit_count(),
                            last.depth if last else circuit.depth())
        ctx.metrics.append(metric)
        if on_pass:
            on_pass(metric)
    return circuit


def _blame(p: Pass) -> tuple[type[PipelineError], str]:
    """Whom a failure of ``p`` is reported against: plugin passes (tagged by the registry
    with their distribution) raise PluginError naming it."""
    origin = getattr(type(p), "__jingu_origin__", None)
    return (PluginError, f" from {origin}") if origin else (PipelineError, "")


@contextmanager
def _read_only(circuit: Circuit):
    """Make the circuit's columns read-only while a plugin runs, so a plugin that writes
    into its input fails loudly instead of corrupting the caller's circuit."""
    arrays = [a for a in vars(circuit).values()
              if isinstance(a, np.ndarray) and a.flags.writeable]
    for a in arrays:
        a.flags.writeable = False
    try:
        yield
    finally:
        while arrays:  # a view can become writeable again only after its base
            left = []
            for a in arrays:
                try:
                    a.flags.writeable = True
                except ValueError:
                    left.append(a)
            if len(left) == len(arrays):
                break
            arrays = left


def _audit_meaning(before: Circuit, after: Circuit, p: Pass) -> None:
    """In audit mode, a pass on a small circuit must keep its meaning (by simulation):
    both circuits, read through their own layouts, act alike on random virtual states."""
    from .verify import same_action

    if not same_action(before, after, getattr(p, "preserves", "unitary")):
        raise PipelineError(f"the circuit after '{p.name}' is not equivalent to the one before")
