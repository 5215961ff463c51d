"""The ``Target``: one chip as passes and back ends see it, immutable once built.

A target is built from a canonical spec (``jingu.targets.schema.validate``).  Everything a
pass or kernel needs is derived here once and cached: the networkx coupling graph of the
live qubits and couplers, dense arrays (adjacency, coupler index, hop distance,
error-weighted distance), per-qubit and per-coupler calibration arrays, durations, and the
connected pieces.  Nothing outside this package derives them again.  Holes (dead qubits
and couplers) keep every index stable: arrays are indexed by physical qubit and by coupler
position in the file, and dead parts are simply absent from the graph.
"""

from __future__ import annotations

import copy
import hashlib
import math
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from jingu.errors import CompileError, TargetError, suggest

from .schema import PULSE_COUPLER, PULSE_QUBIT, UNTIMED

#: hop distance between qubits with no live path (and from/to dead qubits); large but far
#: from int32 overflow when a kernel adds a few of them
UNREACHABLE = 1 << 20
#: ``swap_cost`` where there is no live path (finite, so kernels can add it safely)
UNREACHABLE_COST = 1e9
#: named bases for ``with_basis`` / ``--basis`` (unitary part; measure etc. are kept)
BASIS_PRESETS = {
    "wukong": ("rphi", "rz", "cz"),
    "origin-cloud": ("x1", "rz", "cz"),
}


@dataclass(frozen=True)
class Timing:
    """The AWG grid: ``sample_rate`` in GS/s, every duration a multiple of ``granularity``
    samples, i.e. of ``step`` ns."""

    sample_rate: float
    granularity: int

    @property
    def dt(self) -> float:
        """ns per sample."""
        return 1.0 / self.sample_rate

    @property
    def step(self) -> float:
        """ns per grid step."""
        return self.granularity / self.sample_rate

    def samples(self, ns: float) -> int:
        """The number of samples in ``ns`` (a duration on the grid)."""
        return int(round(ns * self.sample_rate))


class PulseCalibration:
    """Pulse calibration as arrays: ``qubit[field]`` is indexed by qubit, ``coupler[field]``
    by coupler (shape (N,) or (N, 2), (M,) or (M, 2)); NaN where a part has none (dead)."""

    def __init__(self, spec: dict, num_qubits: int, pairs: np.ndarray):
        self.qubit = _columns(spec["qubits"], PULSE_QUBIT, "index",
                              [e["index"] for e in spec["qubits"]], num_qubits)
        where = {tuple(p): c for c, p in enumerate(pairs.tolist())}
        self.coupler = _columns(spec["couplers"], PULSE_COUPLER, "pair",
                                [where[tuple(e["pair"])] for e in spec["couplers"]], len(pairs))

    def has_qubit(self, q: int) -> bool:
        return not math.isnan(self.qubit["pi_amplitude"][q])

    def has_coupler(self, c: int) -> bool:
        return not math.isnan(self.coupler["flux_length"][c])

    def for_qubit(self, q: int) -> dict[str, Any]:
        return {k: _plain(v[q]) for k, v in self.qubit.items()}

    def for_coupler(self, c: int) -> dict[str, Any]:
        return {k: _plain(v[c]) for k, v in self.coupler.items()}


def _columns(entries, fields, key, rows, size) -> Mapping[str, np.ndarray]:
    cols = {}
    for f in fields:
        if f.name == key:
            continue
        shape = (size, 2) if f.kind.endswith("2") else (size,)
        col = np.full(shape, np.nan)
        for row, e in zip(rows, entries):
            col[row] = e[f.name]
        col.setflags(write=False)
        cols[f.name] = col
    return MappingProxyType(cols)


def _plain(x):
    return x.tolist() if isinstance(x, np.ndarray) else float(x)


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


class Target:
    """A chip: topology, calibration, native operations and timing; never mutated.

    Build one with ``jingu.targets.load_target`` (names, generator specs, files, plugins) or
    ``Target.from_document`` (a parsed TOML document); derive variants with
    ``with_disabled`` and ``with_basis``.

    Per qubit (N,): ``frequency``, ``anharmonicity`` (GHz), ``t1``, ``t2`` (us),
    ``readout_error``, ``error_1q``, ``sites`` (N, 2), ``qubit_live``.  Per coupler (M,),
    in file order: ``pairs`` (M, 2), ``cz_error``, ``cz_cost`` (-log fidelity),
    ``cz_duration`` (ns), ``phase_compensation`` (M, 2), ``coupler_live`` (false when
    declared dead or touching a dead qubit; ``dead_couplers`` holds the declared ones).
    Cached on first use: ``adjacency``, ``coupler_index``, ``distance``,
    ``error_distance``, ``swap_cost``, ``graph``, ``components()``.
    """

    def __init__(self, spec: dict[str, Any], *, source: str = "",
                 basis: Sequence[str] | None = None):
        """``spec`` is canonical (from ``schema.validate``); ``basis`` overrides its basis."""
        from jingu.gates import GATES

        spec = copy.deepcopy(spec)
        set_ = object.__setattr__
        set_(self, "_spec", spec)
        set_(self, "source", source)
        set_(self, "name", spec["name"])
        set_(self, "description", spec["description"])
        set_(self, "nominal", spec["nominal"])
        qubits, couplers = spec["qubits"], spec["couplers"]
        n, m = len(qubits), len(couplers)
        set_(self, "num_qubits", n)
        set_(self, "num_couplers", m)
        set_(self, "timing", Timing(spec["timing"]["sample_rate"], spec["timing"]["granularity"]))

        def col(items, key, dtype=float, shape=None):
            a = np.array([it[key] for it in items], dtype=dtype)
            return _frozen(a.reshape(shape) if shape else a)

        for key in ("frequency", "anharmonicity", "t1", "t2", "readout_error", "error_1q"):
            set_(self, key, col(qubits, key))
        set_(self, "sites", col(qubits, "site", shape=(n, 2)))
        set_(self, "pairs", col(couplers, "pair", np.int64, (m, 2)))
        set_(self, "cz_error", col(couplers, "cz_error"))
        set_(self, "cz_duration", col(couplers, "cz_duration"))
        set_(self, "phase_compensation", col(couplers, "phase_compensation", shape=(m, 2)))
        #: -log(CZ fidelity) per coupler: the weight of the error-weighted distance
        set_(self, "cz_cost", _frozen(-np.log1p(-self.cz_error)))

        dead_q = frozenset(spec["dead_qubits"])
        dead_c = frozenset(spec["dead_couplers"])
        set_(self, "dead_qubits", dead_q)
        set_(self, "dead_couplers", dead_c)
        qubit_live = np.ones(n, bool)
        qubit_live[list(dead_q)] = False
        coupler_live = np.ones(m, bool)
        coupler_live[list(dead_c)] = False
        if m:
            coupler_live &= qubit_live[self.pairs[:, 0]] & qubit_live[self.pairs[:, 1]]
        set_(self, "qubit_live", _frozen(qubit_live))
        set_(self, "coupler_live", _frozen(coupler_live))
        set_(self, "live_qubits", _frozen(np.flatnonzero(qubit_live)))
        set_(self, "live_couplers", _frozen(np.flatnonzero(coupler_live)))

        file_basis = list(spec["basis"])
        chosen = file_basis if basis is None else _merge_basis(basis, file_basis, GATES)
        set_(self, "basis", frozenset(chosen))
        set_(self, "_basis_order", tuple(chosen))
        set_(self, "durations", MappingProxyType(self._durations(chosen, GATES)))
        set_(self, "pulse", None if spec["pulse"] is None
             else PulseCalibration(spec["pulse"], n, self.pairs))

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_document(cls, data: dict[str, Any], source: str = "<document>") -> "Target":
        """Validate a parsed target document (errors name the field) and build it."""
        from .schema import validate
        from .tomlfile import Source

        return cls(validate(data, Source(source)), source=source)

    def with_disabled(self, qubits: Iterable[int] = (), couplers: Iterable = ()) -> "Target":
        """A new target with more holes: ``qubits`` by index, ``couplers`` by index in file
        order or as a pair (a, b).  The original is unchanged."""
        qubits, couplers = list(qubits), list(couplers)
        if not qubits and not couplers:
            return self
        spec = copy.deepcopy(self._spec)
        for q in qubits:
            if not (isinstance(q, (int, np.integer)) and 0 <= q < self.num_qubits):
                raise TargetError(f"cannot disable qubit {q}: {self.name} has qubits "
                                  f"0..{self.num_qubits - 1}")
        spec["dead_qubits"] = sorted(set(spec["dead_qubits"]) | {int(q) for q in qubits})
        dead = set(spec["dead_couplers"])
        for c in couplers:
            dead.add(self._coupler_ref(c))
        spec["dead_couplers"] = sorted(dead)
        return Target(spec, source=self.source, basis=self._override())

    def with_basis(self, basis: str | Sequence[str] | None) -> "Target":
        """A new target whose native operations are ``basis`` (a preset name such as
        ``origin-cloud``, or gate names); measure/reset/barrier/delay are kept."""
        if basis is None:
            return self
        return Target(self._spec, source=self.source, basis=resolve_basis(basis))

    def _override(self):
        return None if list(self._basis_order) == list(self._spec["basis"]) \
            else list(self._basis_order)

    def _coupler_ref(self, c) -> int:
        if isinstance(c, (tuple, list)) and len(c) == 2:
            hit = [i for i, p in enumerate(self.pairs.tolist()) if set(p) == {int(c[0]), int(c[1])}]
            if not hit:
                raise TargetError(f"cannot disable coupler {tuple(c)}: {self.name} has no "
                                  f"coupler between qubits {c[0]} and {c[1]}")
            return hit[0]
        if isinstance(c, (int, np.integer)) and 0 <= c < self.num_couplers:
            return int(c)
        raise TargetError(f"cannot disable coupler {c}: {self.name} has couplers "
                          f"0..{self.num_couplers - 1}")

    def _durations(self, basis, gates) -> dict[str, float]:
        """ns per operation: the file's table, the slowest live CZ, and estimates for ops a
        basis override adds (a diagonal 1q gate is virtual like rz, another 1q gate one
        pulse, a 2q gate one CZ)."""
        table = dict(self._spec["durations"])
        live_cz = self.cz_duration[self.coupler_live] if self.num_couplers else self.cz_duration
        cz = float(live_cz.max()) if live_cz.size else (
            float(self.cz_duration.max()) if self.num_couplers else 0.0)
        pulse = next((table[k] for k in ("rphi", "x1") if k in table), None)
        if pulse is None:
            pulse = max((v for k, v in table.items() if k in gates and gates[k].num_qubits == 1
                         and gates[k].is_unitary and not gates[k].diagonal), default=None)
        out = {}
        for op in basis:
            gate = gates[op]
            if op in table:
                out[op] = table[op]
            elif op == "cz":
                out[op] = cz
            elif op in UNTIMED:
                out[op] = 0.0
            elif gate.is_unitary and gate.num_qubits == 1:
                out[op] = table.get("rz", 0.0) if gate.diagonal else pulse
                if out[op] is None:
                    raise TargetError(f"{self.name}: no duration for '{op}' and no one-qubit "
                                      f"pulse duration (rphi or x1) to estimate it from")
            elif gate.is_unitary and gate.num_qubits == 2:
                out[op] = cz
            else:
                raise TargetError(f"{self.name}: no duration for the native operation '{op}'")
        for op, v in table.items():
            out.setdefault(op, v)
        return out

    # ------------------------------------------------------------------ immutability

    def __setattr__(self, name, value):
        raise AttributeError(f"a Target is immutable (tried to set '{name}'); use "
                             f"with_disabled() or with_basis() for a variant")

    def __delattr__(self, name):
        raise AttributeError("a Target is immutable")

    def __reduce__(self):
        return (_rebuild, (self._spec, self.source, self._override()))

    # ------------------------------------------------------------------ derived, cached

    @cached_property
    def adjacency(self) -> np.ndarray:
        """(N, N) bool: a live coupler joins the two qubits."""
        a = np.zeros((self.num_qubits, self.num_qubits), bool)
        p = self.pairs[self.coupler_live]
        a[p[:, 0], p[:, 1]] = a[p[:, 1], p[:, 0]] = True
        return _frozen(a)

    @cached_property
    def coupler_index(self) -> np.ndarray:
        """(N, N) int64: index of the live coupler joining two qubits, -1 where none."""
        c = np.full((self.num_qubits, self.num_qubits), -1, np.int64)
        live = self.live_couplers
        p = self.pairs[live]
        c[p[:, 0], p[:, 1]] = c[p[:, 1], p[:, 0]] = live
        return _frozen(c)

    @cached_property
    def distance(self) -> np.ndarray:
        """(N, N) int32 hop distance over live couplers; ``UNREACHABLE`` between pieces and
        in every row and column of a dead qubit (its diagonal too)."""
        hops = self._shortest(np.ones(self.num_couplers))
        d = np.where(np.isfinite(hops), hops, UNREACHABLE).astype(np.int32)
        return _frozen(d)

    @cached_property
    def error_distance(self) -> np.ndarray:
        """(N, N) float64: the least sum of -log(CZ fidelity) over a live path, i.e. -log of
        the best product of fidelities; inf where there is none."""
        return _frozen(self._shortest(self.cz_cost))

    @cached_property
    def swap_cost(self) -> np.ndarray:
        """(N, N) float64: -log fidelity of carrying a state from a to b by SWAPs (3 CZ per
        hop on the least-error path, i.e. 3 * error_distance); ``UNREACHABLE_COST`` (finite)
        where there is no path, so kernels can add and compare without inf."""
        cost = 3.0 * self.error_distance
        return _frozen(np.where(np.isfinite(cost), cost, UNREACHABLE_COST))

    def _shortest(self, weights: np.ndarray) -> np.ndarray:
        from .paths import all_pairs

        live = self.live_couplers
        d = all_pairs(self.num_qubits, self.pairs[live], np.asarray(weights, float)[live])
        dead = ~self.qubit_live
        d[dead, :] = np.inf
        d[:, dead] = np.inf
        return d

    @cached_property
    def graph(self):
        """networkx.Graph (frozen) of the live qubits and couplers.  Node attributes: site,
        frequency, anharmonicity, t1, t2, readout_error, error_1q; edge attributes: index,
        cz_error, cz_duration, weight (-log CZ fidelity)."""
        import networkx as nx

        g = nx.Graph(name=self.name)
        for q in self.live_qubits.tolist():
            g.add_node(q, site=tuple(self.sites[q].tolist()), frequency=float(self.frequency[q]),
                       anharmonicity=float(self.anharmonicity[q]), t1=float(self.t1[q]),
                       t2=float(self.t2[q]), readout_error=float(self.readout_error[q]),
                       error_1q=float(self.error_1q[q]))
        for c in self.live_couplers.tolist():
            a, b = self.pairs[c].tolist()
            g.add_edge(a, b, index=c, cz_error=float(self.cz_error[c]),
                       cz_duration=float(self.cz_duration[c]), weight=float(self.cz_cost[c]))
        return nx.freeze(g)

    @cached_property
    def _components(self) -> tuple[tuple[int, ...], ...]:
        parent = list(range(self.num_qubits))

        def root(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b in self.pairs[self.coupler_live].tolist():
            parent[root(a)] = root(b)
        pieces: dict[int, list[int]] = {}
        for q in self.live_qubits.tolist():
            pieces.setdefault(root(q), []).append(q)
        return tuple(sorted((tuple(p) for p in pieces.values()), key=lambda p: (-len(p), p[0])))

    def components(self) -> tuple[tuple[int, ...], ...]:
        """The connected pieces of live qubits, largest first (ties: lowest qubit first)."""
        return self._components

    @property
    def largest_piece(self) -> int:
        """Qubits in the largest connected piece: the most a circuit may use."""
        return len(self._components[0]) if self._components else 0

    # ------------------------------------------------------------------ queries

    def is_coupled(self, a: int, b: int) -> bool:
        """A live coupler joins physical qubits ``a`` and ``b``."""
        n = self.num_qubits
        return 0 <= a < n and 0 <= b < n and bool(self.adjacency[a, b])

    def duration(self, op: str, qubits: Sequence[int] = ()) -> float:
        """ns of ``op``; for a two-qubit op on a coupled pair, that coupler's CZ duration."""
        if len(qubits) == 2 and op in self.durations and self.is_coupled(*qubits):
            from jingu.gates import GATES

            gate = GATES.get(op)
            if gate is not None and gate.num_qubits == 2:
                return float(self.cz_duration[self.coupler_index[qubits[0], qubits[1]]])
        try:
            return self.durations[op]
        except KeyError:
            raise TargetError(f"'{op}' is not a native operation of {self.name}"
                              + (f"; {h}" if (h := suggest(op, self.durations)) else "")) from None

    def check_fits(self, num_qubits: int) -> None:
        """CompileError naming both sizes when a circuit of ``num_qubits`` cannot fit."""
        largest = self.largest_piece
        if num_qubits <= largest:
            return
        holes = []
        if self.dead_qubits:
            holes.append(f"{len(self.dead_qubits)} dead qubits")
        dead_c = self.num_couplers - len(self.live_couplers)
        if dead_c:
            holes.append(f"{dead_c} dead couplers")
        pieces = len(self._components)
        where = (f"the largest connected piece of {self.name} has {largest} live qubits"
                 if pieces > 1 or holes else f"{self.name} has {largest} qubits")
        detail = ", ".join(holes + ([f"{pieces} pieces"] if pieces > 1 else []))
        raise CompileError(f"the circuit uses {num_qubits} qubits but {where}"
                           + (f" ({detail})" if detail else ""))

    # ------------------------------------------------------------------ export

    def to_dict(self) -> dict[str, Any]:
        """The canonical spec of this target (holes and basis included): what to_toml writes
        and what loading that text gives back."""
        spec = copy.deepcopy(self._spec)
        spec["basis"] = list(self._basis_order)
        spec["durations"] = {k: v for k, v in self.durations.items() if k not in UNTIMED}
        return spec

    def to_toml(self, header: str | None = None) -> str:
        from .schema import dump

        return dump(self.to_dict(), header)

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the canonical TOML: equal targets, equal fingerprints."""
        return hashlib.sha256(self.to_toml().encode()).hexdigest()

    def __eq__(self, other):
        if not isinstance(other, Target):
            return NotImplemented
        return self is other or self.fingerprint == other.fingerprint

    def __hash__(self):
        return hash(self.fingerprint)

    def __repr__(self):
        return (f"<Target {self.name}: {len(self.live_qubits)}/{self.num_qubits} qubits live, "
                f"{len(self.live_couplers)}/{self.num_couplers} couplers live, basis "
                f"{','.join(self._basis_order)}>")


def _rebuild(spec, source, basis):
    return Target(spec, source=source, basis=basis)


def resolve_basis(basis: str | Sequence[str]) -> list[str]:
    """Gate names of a basis given as a preset name, 'a,b,c' text or a list of names."""
    if isinstance(basis, str):
        basis = [basis] if basis in BASIS_PRESETS else basis.split(",")
    names = [b.strip() for b in basis if b.strip()]
    if len(names) == 1 and names[0] in BASIS_PRESETS:
        return list(BASIS_PRESETS[names[0]])
    if not names:
        raise TargetError("the basis is empty")
    return names


def _merge_basis(basis, file_basis, gates) -> list[str]:
    out: list[str] = []
    for name in resolve_basis(basis):
        if name not in gates:
            hint = suggest(name, list(gates) + list(BASIS_PRESETS))
            raise TargetError(f"unknown operation '{name}' in the basis"
                              + (f"; {hint}" if hint else
                                 f"; presets: {', '.join(BASIS_PRESETS)}"))
        if name not in out:
            out.append(name)
    out += [op for op in file_basis if not gates[op].is_unitary and op not in out]
    return out
