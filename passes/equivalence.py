"""The equivalence library and the search that writes any gate in a given basis.

An equivalence *rule* rewrites one gate as a sequence of other gates, exactly (global
phase included) and for any parameters, symbolic ones too.  The library's own
decompositions (``Gate.decompose``) are rules; so are the rules added here where they save
CZ (``cx = h cz h``, a 7-CZ Fredkin, the ancilla-free multi-controlled gates of
``jingu.passes.synthesis.multi_controlled``) or reach a native form directly
(``rx(t) = rphi(t, 0)``, ``u3`` as ``rz . rphi``, as ``rz . x1 . rz . x1 . rz``, ...).

Gates and rules form a hypergraph: a rule is an edge from its gate to all the gates it
uses.  For a basis, ``plan`` finds for every gate the cheapest way into the basis with
Knuth's generalisation of Dijkstra's algorithm (a rule's cost is the sum of its parts'
costs, which never undercuts a part): cost is (two-qubit basis gates, one-qubit basis
gates), compared in that order.  The plan is computed once per basis and cached.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Mapping, Sequence

from jingu.errors import CompileError
from jingu.gates import GATES, LIBRARY, Step, _compile_rule

RuleFn = Callable[[tuple], "tuple[list[Step], object]"]

#: parameter values used to read a rule's shape (its gates do not depend on them)
_PROBES = ((0.3711, 1.1093, -0.7919, 0.2417), (-1.2347, 0.5021, 2.2113, -0.1719))


@dataclass(frozen=True, eq=False)
class Rule:
    """``source`` (a library gate) equals ``build(params)`` = (steps, global phase)."""

    source: str
    build: RuleFn
    label: str
    #: (gate name, how many times) among the steps, in order of first use
    uses: tuple[tuple[str, int], ...]

    def apply(self, params: Sequence) -> tuple[list[Step], object]:
        return self.build(tuple(params))

    def __repr__(self) -> str:
        body = " ".join(f"{n}x{c}" if c > 1 else n for n, c in self.uses)
        return f"<Rule {self.source} -> {body or '(nothing)'}: {self.label}>"


def make_rule(source: str, build: RuleFn | str, label: str) -> Rule:
    """A rule for ``source`` from a function of the parameters or from rule text in the
    gate library's notation (``"h 1; cz 0,1; h 1"``, parameters ``p0, p1, ...``)."""
    gate = GATES[source]
    fn = _compile_rule(build) if isinstance(build, str) else build
    shapes = []
    for probe in _PROBES:
        steps, _ = fn(probe[: gate.num_params])
        shapes.append([(name, tuple(q)) for name, q, _ in steps])
    if shapes[0] != shapes[1]:
        raise ValueError(f"rule '{label}' for {source}: its gates depend on the parameters")
    for name, qubits in shapes[0]:
        if name not in GATES or max(qubits, default=-1) >= gate.num_qubits:
            raise ValueError(f"rule '{label}' for {source}: bad step {name} {qubits}")
    return Rule(source, fn, label, tuple(Counter(n for n, _ in shapes[0]).items()))


class EquivalenceLibrary:
    """Rules by the gate they rewrite; order of addition is kept (it breaks cost ties)."""

    def __init__(self, rules: Iterable[Rule] = ()):
        self._rules: dict[str, list[Rule]] = defaultdict(list)
        for r in rules:
            self.add(r)

    def add(self, rule: Rule) -> None:
        self._rules[rule.source].append(rule)

    def rules(self, name: str) -> tuple[Rule, ...]:
        return tuple(self._rules.get(name, ()))

    def __iter__(self):
        for rules in self._rules.values():
            yield from rules

    def __len__(self) -> int:
        return sum(len(r) for r in self._rules.values())


# ----------------------------------------------------------------------------------------
# the rules beyond the gate library's own decompositions (each one checked by the tests)

_EXTRA_RULES: tuple[tuple[str, str, str], ...] = (
    # two-qubit gates through cz
    ("cx", "h 1; cz 0,1; h 1", "cx = h cz h"),
    ("cx", "ry(-pi/2) 1; cz 0,1; ry(pi/2) 1", "cx = ry cz ry"),
    ("swap", "sx 0; sx 1; cz 0,1; sx 0; sx 1; cz 0,1; sx 0; sx 1; cz 0,1; gphase(-pi/2)",
     "swap = three cz between sx layers"),
    # Fredkin in 7 CX: the leading cx(2,1), h(2), cx(1,2) of cx . Toffoli . cx is one CX
    # up to local gates (cx(2,1) . cz = cy(2,1) . sdg(2))
    ("cswap", "s 2; sdg 1; cx 2,1; s 1; h 2; tdg 2; cx 0,2; t 2; cx 1,2; tdg 2; cx 0,2; "
     "t 1; t 2; h 2; cx 0,1; t 0; tdg 1; cx 0,1; cx 2,1", "Fredkin in 7 CX"),
    # one-qubit gates as one native pulse (symbolic angles stay symbolic)
    ("rx", "rphi(p0,0) 0", "rx = rphi(t, 0)"),
    ("ry", "rphi(p0,pi/2) 0", "ry = rphi(t, pi/2)"),
    ("x", "rx(pi) 0; gphase(pi/2)", "x = i rx(pi)"),
    ("y", "ry(pi) 0; gphase(pi/2)", "y = i ry(pi)"),
    ("z", "rz(pi) 0; gphase(pi/2)", "z = i rz(pi)"),
    ("h", "rz(pi/2) 0; rx(pi/2) 0; rz(pi/2) 0; gphase(pi/2)", "h = rz rx(pi/2) rz"),
    ("p", "rz(p0) 0; gphase(p0/2)", "p = rz up to phase"),
    ("u1", "rz(p0) 0; gphase(p0/2)", "u1 = rz up to phase"),
    ("sx", "x1 0; gphase(pi/4)", "sx = x1 up to phase"),
    ("x1", "sx 0; gphase(-pi/4)", "x1 = sx up to phase"),
    ("sxdg", "rz(-pi) 0; x1 0; rz(pi) 0; gphase(-pi/4)", "sxdg = rz x1 rz"),
    ("rx", "h 0; rz(p0) 0; h 0", "rx = h rz h"),
    ("ry", "sdg 0; rx(p0) 0; s 0", "ry = s rx sdg"),
    ("rphi", "rz(-p1) 0; rx(p0) 0; rz(p1) 0", "rphi = rz rx rz"),
    # u3 in each Euler form (u3 = e^{i(phi+lam)/2} rz(phi) ry(theta) rz(lam))
    ("u3", "rz(p1+p2) 0; rphi(p0,p1+pi/2) 0; gphase((p1+p2)/2)", "u3 = rphi . rz"),
    ("u3", "rz(p2) 0; ry(p0) 0; rz(p1) 0; gphase((p1+p2)/2)", "u3 = zyz"),
    ("u3", "rz(p2-pi) 0; x1 0; rz(pi-p0) 0; x1 0; rz(p1) 0; gphase((p1+p2)/2)",
     "u3 = rz x1 rz x1 rz"),
    ("u3", "rz(p2-pi) 0; sx 0; rz(pi-p0) 0; sx 0; rz(p1) 0; gphase((p1+p2)/2-pi/2)",
     "u3 = rz sx rz sx rz"),
    ("u3", "u(p0,p1,p2) 0", "u3 = u"),
)


def _standard_rules() -> list[Rule]:
    from jingu.passes.synthesis.multi_controlled import library_rules

    rules = [make_rule(g.name, g.rule, "library decomposition")
             for g in LIBRARY if g.rule is not None]
    rules += [make_rule(name, text, label) for name, text, label in _EXTRA_RULES]
    rules += [make_rule(name, fn, label) for name, fn, label in library_rules()]
    return rules


@lru_cache(maxsize=None)
def standard_library() -> EquivalenceLibrary:
    """The gate library's decompositions plus the rules of this module."""
    return EquivalenceLibrary(_standard_rules())


# ----------------------------------------------------------------------------------------
# the search

Cost = tuple[int, int]


def base_cost(name: str) -> Cost:
    """What one basis gate costs: (1, 0) for an entangling gate, (0, 1) for a one-qubit one."""
    gate = GATES[name]
    if not gate.is_unitary:
        return (0, 0)
    return (1, 0) if gate.num_qubits >= 2 else (0, 1)


@dataclass(frozen=True, eq=False)
class Plan:
    """For one basis: each reachable gate's cost and the rule that achieves it.

    ``stops`` are the gates written as they are (the basis, plus the one-qubit gates left
    for one-qubit synthesis when the plan was made with ``one_qubit_leaves``)."""

    basis: frozenset
    stops: frozenset
    cost: Mapping[str, Cost]
    choice: Mapping[str, Rule]

    def reaches(self, name: str) -> bool:
        return name in self.cost

    def rule(self, name: str) -> Rule:
        return self.choice[name]

    def expand(self, name: str, params: Sequence = ()) -> tuple[list[Step], object]:
        """``name(params)`` as (steps over its operand positions, global phase) with every
        step in ``stops``; raises CompileError when the basis cannot express it."""
        out: list[Step] = []
        phase = _expand_into(self, name, tuple(range(GATES[name].num_qubits)), tuple(params),
                             out)
        return out, phase


def _expand_into(plan: Plan, name: str, qubits: tuple, params: tuple, out: list):
    if name in plan.stops:
        out.append((name, qubits, params))
        return 0.0
    rule = plan.choice.get(name)
    if rule is None:
        raise unreachable(name, plan.basis)
    steps, phase = rule.apply(params)
    for sub, positions, ps in steps:
        phase = phase + _expand_into(plan, sub, tuple(qubits[p] for p in positions), ps, out)
    return phase


def unreachable(name: str, basis, symbolic: bool = False) -> CompileError:
    what = "with symbolic parameters " if symbolic else ""
    return CompileError(
        f"cannot translate '{name}' {what}into the basis {{{', '.join(sorted(basis))}}}: no "
        f"chain of known equivalences reaches it")


def plan(basis: Iterable[str], one_qubit_leaves: bool = False,
         library: EquivalenceLibrary | None = None) -> Plan:
    """The cheapest rule for every gate that can reach ``basis`` (cached per basis).

    With ``one_qubit_leaves`` every one-qubit unitary gate is a stop as well (costing one
    one-qubit gate): the translator multiplies those out and re-synthesises them."""
    key = frozenset(basis)
    if library is None:
        return _cached_plan(key, one_qubit_leaves)
    return _search(key, one_qubit_leaves, library)


@lru_cache(maxsize=64)
def _cached_plan(basis: frozenset, one_qubit_leaves: bool) -> Plan:
    return _search(basis, one_qubit_leaves, standard_library())


def _search(basis: frozenset, one_qubit_leaves: bool, library: EquivalenceLibrary) -> Plan:
    stops = {n for n in basis if n in GATES}
    cost: dict[str, Cost] = {}
    if one_qubit_leaves:
        # a leaf costs what its exact rules cost (ties then go to the rule whose one-qubit
        # gates are cheapest natively), else one gate for the one-qubit synthesis
        exact = _search(basis, False, library)
        for g in LIBRARY:
            if g.is_unitary and g.num_qubits == 1 and g.name not in stops:
                stops.add(g.name)
                cost[g.name] = exact.cost.get(g.name, (0, 1))
    choice: dict[str, Rule] = {}
    done: set[str] = set()
    heap: list[tuple[Cost, str]] = []
    for name in sorted(stops):
        cost.setdefault(name, base_cost(name))
        heapq.heappush(heap, (cost[name], name))

    users: dict[str, list[Rule]] = defaultdict(list)
    waiting: dict[int, int] = {}

    def relax(rule: Rule) -> None:
        total = (sum(cost[n][0] * k for n, k in rule.uses),
                 sum(cost[n][1] * k for n, k in rule.uses))
        src = rule.source
        if src not in done and (src not in cost or total < cost[src]):
            cost[src] = total
            choice[src] = rule
            heapq.heappush(heap, (total, src))

    for rule in library:
        if rule.source in stops:
            continue
        waiting[id(rule)] = len(rule.uses)
        for name, _ in rule.uses:
            users[name].append(rule)
        if not rule.uses:
            relax(rule)
    while heap:
        c, name = heapq.heappop(heap)
        if name in done or c != cost[name]:
            continue
        done.add(name)
        for rule in users.get(name, ()):
            waiting[id(rule)] -= 1
            if waiting[id(rule)] == 0:
                relax(rule)
    return Plan(basis, frozenset(stops), cost, choice)


def cheapest_decomposition(name: str, params: Sequence = (), max_qubits: int = 2,
                           basis: Iterable[str] = ("cz",)) -> tuple[list[Step], object]:
    """``name(params)`` in gates of at most ``max_qubits`` qubits, using at each level the
    rule that is cheapest in ``basis`` (plus any one-qubit gates): what an unroll pass
    needs to keep multi-controlled gates cheap."""
    p = plan(tuple(basis), one_qubit_leaves=True)
    out: list[Step] = []
    phase = _narrow(p, name, tuple(range(GATES[name].num_qubits)), tuple(params), max_qubits,
                    out)
    return out, phase


def _narrow(p: Plan, name: str, qubits: tuple, params: tuple, max_qubits: int, out: list):
    gate = GATES[name]
    if gate.num_qubits <= max_qubits or not gate.is_unitary:
        out.append((name, qubits, params))
        return 0.0
    rule = p.choice.get(name)
    if rule is None:
        if gate.rule is None:
            raise unreachable(name, p.basis)
        steps, phase = gate.decompose(params)
    else:
        steps, phase = rule.apply(params)
    for sub, positions, ps in steps:
        phase = phase + _narrow(p, sub, tuple(qubits[i] for i in positions), ps, max_qubits,
                                out)
    return phase


def describe(basis: Iterable[str]) -> list[tuple[str, Cost, str]]:
    """(gate, cost, chosen rule) for every library gate that reaches ``basis``: a table for
    docs and reports."""
    p = plan(tuple(basis))
    rows = []
    for g in LIBRARY:
        if g.name in p.cost:
            label = "native" if g.name in p.stops else p.choice[g.name].label
            rows.append((g.name, p.cost[g.name], label))
    return rows


__all__ = ["EquivalenceLibrary", "Plan", "Rule", "base_cost", "cheapest_decomposition",
           "describe", "make_rule", "plan", "standard_library", "unreachable"]

