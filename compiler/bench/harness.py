"""The benchmark run: every circuit with every compiler, one compile at a time.

For each (circuit, compiler) the compiler's worker reads the circuit's text, compiles it
``repeat`` times (the reported time is the median; a compile slower than ``repeat_cutoff``
seconds is not repeated), and hands back the last result (``Exported``).  The harness turns
it into a jingu Circuit, measures it with jingu's code (counts, depths, validity on the
target) and, for circuits of at most ``check_max_qubits`` qubits, checks it against the
input by simulation up to the layouts the compiler reports.  A timeout, a crash or an error
is recorded in the record's ``status`` and the run goes on.

The time policy, the same for every compiler: circuits run smallest first (by input
operations); a compile is stopped after ``timeout`` seconds; once a compiler has timed out
on a generated family at n qubits, the family's larger members are not tried for it; and
once a compiler has spent ``budget`` seconds compiling in total, its remaining circuits are
not tried.  Circuits not tried are recorded as ``skipped`` with the reason.  Exporting and
measuring a result are not compile time and have their own limit (``export_timeout``).
The harness's own time is kept per phase (``RunResult.phases``).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass, field
from typing import Callable

from .adapters import CompilerSpec, TargetSpec
from .suite import BenchCircuit
from .worker import CompilerProcess, WorkerCrash, WorkerError, WorkerTimeout

#: record statuses
OK, TIMEOUT, ERROR, CRASH, SKIPPED = "ok", "timeout", "error", "crash", "skipped"

#: phases of the run whose wall time ``RunResult.phases`` keeps
PHASES = ("inputs", "start", "load", "compile", "export", "read", "measure", "check")


@dataclass(frozen=True)
class BenchSettings:
    repeat: int = 3
    timeout: float = 120.0
    seed: int = 0
    check: bool = True
    check_max_qubits: int = 12
    repeat_cutoff: float = 10.0
    baseline: str = "qiskit-O3"
    budget: float | None = None  # compile seconds per compiler; None: no limit
    skip_after_timeout: bool = True  # larger members of a family that timed out
    export_timeout: float = 300.0


@dataclass
class Record:
    """One compile of one circuit by one compiler (a row of results.csv)."""

    circuit: str
    family: str
    num_qubits: int
    input_ops: int
    input_multi_qubit: int  # gates on two or more qubits in the input
    compiler: str
    status: str = OK
    seconds: float | None = None  # median over the repeats
    seconds_min: float | None = None
    repeats: int = 0
    two_qubit_count: int | None = None
    one_qubit_count: int | None = None
    depth: int | None = None
    two_qubit_depth: int | None = None
    ops: int | None = None
    valid: bool | None = None
    invalid_reason: str = ""
    equivalent: bool | None = None  # None: not checked
    check_note: str = ""
    error: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def usable(self) -> bool:
        """Compiled, valid on the target and not found wrong: counts in the ratios."""
        return self.status == OK and self.valid is True and self.equivalent is not False


@dataclass
class CompilerInfo:
    label: str
    version: str = ""
    skipped: str = ""  # why the compiler did not run at all


@dataclass
class RunResult:
    settings: BenchSettings
    target: TargetSpec
    compilers: list[CompilerInfo]
    records: list[Record] = field(default_factory=list)
    skipped_inputs: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    #: wall seconds per phase (``PHASES``); "compile" is the timed calls as the harness
    #: waits for them, the rest is the harness's own work and the workers' untimed work
    phases: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PHASES, 0.0))

    def labels(self) -> list[str]:
        return [c.label for c in self.compilers if not c.skipped]


def run_benchmark(circuits: list[BenchCircuit], compilers: list[CompilerSpec],
                  target: TargetSpec, settings: BenchSettings = BenchSettings(),
                  progress: Callable[[int, int, str], None] | None = None,
                  warn: Callable[[str], None] | None = None,
                  on_record: Callable[[Record], None] | None = None) -> RunResult:
    """Compile every circuit with every available compiler and measure the outputs.

    ``progress(done, total, what)`` is called before each compile and once at the end;
    ``warn(message)`` for each compiler that is skipped; ``on_record(record)`` after each
    compile is measured.  Records come back in the order of ``circuits`` (they are run
    smallest first).
    """
    t_start = time.perf_counter()
    infos, workers = [], {}
    for spec in compilers:
        info = CompilerInfo(spec.label)
        infos.append(info)
        try:
            cls = spec.adapter_class()
        except Exception as exc:  # a broken adapter module: skip the compiler, say why
            info.skipped = f"adapter cannot be imported: {type(exc).__name__}: {exc}"
        else:
            reason = cls.unavailable()
            if reason is None and spec.level not in cls.levels:
                reason = (f"{cls.name} has no level {spec.level} "
                          f"(levels: {', '.join(map(str, cls.levels))})")
            if reason:
                info.skipped = reason
            else:
                info.version = cls.version()
                workers[spec.label] = CompilerProcess(spec.ref, spec.level, target,
                                                      seed=settings.seed)
        if info.skipped and warn is not None:
            warn(f"skipping {spec.label}: {info.skipped}")
    result = RunResult(settings, target, infos)
    run = _Run(settings, target, result.phases, warn)
    total = len(circuits) * len(workers)
    order = sorted(range(len(circuits)), key=lambda i: (len(circuits[i].circuit), i))
    done: dict[tuple[int, str], Record] = {}
    try:
        for i in order:
            bc = circuits[i]
            for spec in compilers:
                if spec.label not in workers:
                    continue
                if progress is not None:
                    progress(len(done), total, f"{bc.name} {spec.label}")
                rec = _new_record(bc, spec.label)
                run.compile_one(workers[spec.label], bc, rec)
                done[i, spec.label] = rec
                if on_record is not None:
                    on_record(rec)
        if progress is not None:
            progress(total, total, "")
    finally:
        for w in workers.values():
            w.stop()
    result.records = [done[i, s.label] for i in range(len(circuits)) for s in compilers
                      if (i, s.label) in done]
    result.seconds = time.perf_counter() - t_start
    return result


def _new_record(bc: BenchCircuit, label: str) -> Record:
    return Record(circuit=bc.name, family=bc.family, num_qubits=bc.num_qubits,
                  input_ops=len(bc.circuit), input_multi_qubit=bc.multi_qubit_count,
                  compiler=label)


def _fail(rec: Record, exc: BaseException, stage: str) -> None:
    if isinstance(exc, WorkerTimeout):
        rec.status = TIMEOUT
    elif isinstance(exc, WorkerCrash):
        rec.status = CRASH
    else:
        rec.status = ERROR
    rec.error = f"{stage}: {exc}".replace("\n", " ")[:500]


class _Run:
    """The state of one run that outlives a compile: broken compilers, compile seconds spent
    per compiler, family members that timed out, and the phase clock."""

    def __init__(self, settings: BenchSettings, target: TargetSpec, phases: dict, warn):
        self.settings = settings
        self.target = target
        self.phases = phases
        self.warn = warn
        self.broken: dict[str, str] = {}  # compilers whose worker cannot start
        self.spent: dict[str, float] = {}  # compile seconds per compiler
        #: (compiler, family) -> (qubits, name) of the smallest member that timed out
        self.timed_out: dict[tuple[str, str], tuple[int, str]] = {}

    def _clock(self, phase: str, t0: float) -> float:
        now = time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + now - t0
        return now

    def _skip_reason(self, bc: BenchCircuit, label: str) -> str:
        s = self.settings
        if s.budget is not None and self.spent.get(label, 0.0) >= s.budget:
            return (f"not tried: {label} has used its compile budget of {s.budget:g} s "
                    f"({self.spent[label]:.0f} s)")
        if s.skip_after_timeout and bc.family != "file":
            hit = self.timed_out.get((label, bc.family))
            if hit is not None and bc.num_qubits > hit[0]:
                return f"not tried: {hit[1]} timed out"
        return ""

    def compile_one(self, worker: CompilerProcess, bc: BenchCircuit, rec: Record) -> None:
        label, s = rec.compiler, self.settings
        if label in self.broken:
            rec.status, rec.error = ERROR, self.broken[label]
            return
        why = self._skip_reason(bc, label)
        if why:
            rec.status, rec.error = SKIPPED, why
            return
        if not worker.alive and not self._start(worker, rec):
            return
        t0 = time.perf_counter()
        try:
            worker.call(("load", bc.text), max(s.timeout, s.export_timeout))
        except (WorkerError, WorkerTimeout, WorkerCrash) as exc:
            _fail(rec, exc, "load")
            return
        finally:
            t0 = self._clock("load", t0)
        times = []
        for _ in range(max(1, s.repeat)):
            try:
                times.append(worker.call(("compile", s.seed), s.timeout))
            except (WorkerError, WorkerTimeout, WorkerCrash) as exc:
                _fail(rec, exc, "compile")
                if isinstance(exc, WorkerTimeout):
                    rec.seconds = s.timeout
                    self.spent[label] = self.spent.get(label, 0.0) + s.timeout
                    if bc.family != "file":
                        key = (label, bc.family)
                        if key not in self.timed_out or bc.num_qubits < self.timed_out[key][0]:
                            self.timed_out[key] = (bc.num_qubits, bc.name)
                return
            finally:
                t0 = self._clock("compile", t0)
            self.spent[label] = self.spent.get(label, 0.0) + times[-1]
            if times[-1] > s.repeat_cutoff:
                break
        rec.seconds = statistics.median(times)
        rec.seconds_min = min(times)
        rec.repeats = len(times)
        try:
            exported = worker.call(("export",), s.export_timeout)
        except (WorkerError, WorkerTimeout, WorkerCrash) as exc:
            _fail(rec, exc, "export")
            return
        finally:
            t0 = self._clock("export", t0)
        self._measure(bc, exported, rec)

    def _start(self, worker: CompilerProcess, rec: Record) -> bool:
        """Start ``worker`` (with its warm-up); False, with ``rec`` filled in, if it fails."""
        label, t0 = rec.compiler, time.perf_counter()
        try:
            worker.start(self.settings.timeout)
            worker.failed_starts = 0
            if worker.warmup_error and self.warn is not None:
                self.warn(f"{label}: the warm-up compile failed ({worker.warmup_error}); "
                          f"timings may include one-time costs")
            return True
        except WorkerError as exc:  # the adapter cannot even start: same for every circuit
            self.broken[label] = f"start: {exc}"
            rec.status, rec.error = ERROR, self.broken[label]
        except (WorkerTimeout, WorkerCrash) as exc:
            _fail(rec, exc, "warm-up")
            worker.failed_starts += 1
            if worker.failed_starts >= 2:  # twice in a row on a tiny program: give up
                self.broken[label] = rec.error
        finally:
            self._clock("start", t0)
        return False

    def _measure(self, bc: BenchCircuit, exported, rec: Record) -> None:
        from ..errors import JinguError
        from . import check
        from .metrics import measure, validity

        s, target = self.settings, self.target
        t0 = time.perf_counter()
        try:
            out = check.read_output(exported, target.num_qubits)
        except (JinguError, ValueError) as exc:
            rec.status = ERROR
            rec.error = f"read output: {_brief(exc)}"[:500]
            return
        finally:
            t0 = self._clock("read", t0)
        m = measure(out)
        rec.two_qubit_count, rec.one_qubit_count = m.two_qubit_count, m.one_qubit_count
        rec.depth, rec.two_qubit_depth, rec.ops = m.depth, m.two_qubit_depth, m.ops
        rec.invalid_reason = validity(out, target.num_qubits, target.basis, target.couplers,
                                      target.live_qubits)
        rec.valid = not rec.invalid_reason
        t0 = self._clock("measure", t0)
        if s.check and bc.num_qubits <= s.check_max_qubits:
            try:
                verdict = check.check_equivalence(bc.circuit, out, exported)
            except (JinguError, ValueError) as exc:  # the simulator refuses this output
                verdict = check.Verdict(None, f"not checked: {_brief(exc)}")
            rec.equivalent, rec.check_note = verdict.equivalent, verdict.note
            self._clock("check", t0)


def _brief(exc: BaseException) -> str:
    """An error's first line, with the offending source line when it quotes one."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    if len(lines) > 1 and not lines[1].startswith("^") and not lines[1].startswith("hint"):
        return f"{lines[0]}: {lines[1]}"
    return lines[0]
