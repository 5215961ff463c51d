"""The benchmark run: every circuit with every compiler, one compile at a time.

For each (circuit, compiler) the compiler's worker reads the circuit's text, compiles it
``repeat`` times (the reported time is the median; a compile slower than ``repeat_cutoff``
seconds is not repeated), and exports the last result.  The harness then reads the output
with jingu's front end and measures it with jingu's code (counts, depths, validity on the
target) and, for circuits of at most ``check_max_qubits`` qubits, checks it against the
input by simulation up to the layouts the compiler reports.  A timeout, a crash or an error
is recorded in the record's ``status`` and the run goes on.
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
OK, TIMEOUT, ERROR, CRASH = "ok", "timeout", "error", "crash"


@dataclass(frozen=True)
class BenchSettings:
    repeat: int = 3
    timeout: float = 120.0
    seed: int = 0
    check: bool = True
    check_max_qubits: int = 12
    repeat_cutoff: float = 10.0
    baseline: str = "qiskit-O3"


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
    compile is measured.
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
    broken: dict[str, str] = {}  # compilers whose worker cannot start
    total = len(circuits) * len(workers)
    try:
        for bc in circuits:
            for spec in compilers:
                if spec.label not in workers:
                    continue
                if progress is not None:
                    progress(len(result.records), total, f"{bc.name} {spec.label}")
                rec = _new_record(bc, spec.label)
                if spec.label in broken:
                    rec.status, rec.error = ERROR, broken[spec.label]
                else:
                    _compile_one(workers[spec.label], bc, rec, settings, target, broken,
                                 spec.label, warn)
                result.records.append(rec)
                if on_record is not None:
                    on_record(rec)
        if progress is not None:
            progress(total, total, "")
    finally:
        for w in workers.values():
            w.stop()
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


def _compile_one(worker: CompilerProcess, bc: BenchCircuit, rec: Record,
                 settings: BenchSettings, target: TargetSpec, broken: dict, label: str,
                 warn=None):
    if not worker.alive:
        try:
            worker.start(settings.timeout)
            worker.failed_starts = 0
            if worker.warmup_error and warn is not None:
                warn(f"{label}: the warm-up compile failed ({worker.warmup_error}); "
                     f"timings may include one-time costs")
        except WorkerError as exc:  # the adapter cannot even start: same for every circuit
            broken[label] = f"start: {exc}"
            rec.status, rec.error = ERROR, broken[label]
            return
        except (WorkerTimeout, WorkerCrash) as exc:
            _fail(rec, exc, "warm-up")
            worker.failed_starts += 1
            if worker.failed_starts >= 2:  # twice in a row on a tiny program: give up
                broken[label] = rec.error
            return
    try:
        worker.call(("load", bc.text), settings.timeout)
    except (WorkerError, WorkerTimeout, WorkerCrash) as exc:
        _fail(rec, exc, "load")
        return
    times = []
    for _ in range(max(1, settings.repeat)):
        try:
            times.append(worker.call(("compile", settings.seed), settings.timeout))
        except (WorkerError, WorkerTimeout, WorkerCrash) as exc:
            _fail(rec, exc, "compile")
            if isinstance(exc, WorkerTimeout):
                rec.seconds = settings.timeout
            return
        if times[-1] > settings.repeat_cutoff:
            break
    rec.seconds = statistics.median(times)
    rec.seconds_min = min(times)
    rec.repeats = len(times)
    try:
        exported = worker.call(("export",), settings.timeout)
    except (WorkerError, WorkerTimeout, WorkerCrash) as exc:
        _fail(rec, exc, "export")
        return
    _measure(bc, exported, rec, settings, target)


def _measure(bc, exported, rec: Record, settings: BenchSettings, target: TargetSpec):
    from ..errors import JinguError
    from . import check
    from .metrics import measure, validity

    try:
        out = check.read_output(exported, target.num_qubits)
    except (JinguError, ValueError) as exc:
        rec.status = ERROR
        rec.error = f"read output: {str(exc).splitlines()[0] if str(exc) else exc}"[:500]
        return
    m = measure(out)
    rec.two_qubit_count, rec.one_qubit_count = m.two_qubit_count, m.one_qubit_count
    rec.depth, rec.two_qubit_depth, rec.ops = m.depth, m.two_qubit_depth, m.ops
    rec.invalid_reason = validity(out, target.num_qubits, target.basis, target.couplers,
                                  target.live_qubits)
    rec.valid = not rec.invalid_reason
    if settings.check and bc.num_qubits <= settings.check_max_qubits:
        verdict = check.check_equivalence(bc.circuit, out, exported)
        rec.equivalent, rec.check_note = verdict.equivalent, verdict.note
