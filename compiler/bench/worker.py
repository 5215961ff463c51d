"""One worker process per compiler, so that a compile can be timed out or can crash without
taking the benchmark with it.

The worker is started with the ``spawn`` method (a clean interpreter, the same for every
compiler), imports its adapter, and answers requests over a pipe one at a time:

* ``("load", text)`` reads a program (not timed) and keeps it;
* ``("compile", seed)`` compiles the kept program and answers the seconds it took (the one
  timed call; ``time.perf_counter`` around the adapter's ``compile`` and nothing else);
* ``("export",)`` answers the last result as ``Exported`` (instruction columns or text,
  and layouts).

The parent waits for each answer at most the timeout it gives; past that it kills the
process and starts a fresh one (with a fresh warm-up) when the compiler is next needed.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
import traceback
from dataclasses import dataclass

#: compiled once by every new worker before it is timed, so that imports, JIT compilation
#: and caches are excluded the same way for every compiler
WARMUP_QASM = """OPENQASM 2.0;
include "qelib1.inc";
qreg q[6];
creg c[6];
h q[0];
cx q[0],q[1];
cu1(pi/4) q[1],q[2];
ccx q[0],q[2],q[3];
rz(0.3) q[3];
u3(0.1,0.2,0.3) q[4];
cx q[4],q[5];
cx q[5],q[0];
swap q[1],q[4];
cz q[2],q[5];
measure q -> c;
"""


class WorkerError(Exception):
    """The adapter raised: ``kind`` is the exception type's name."""

    def __init__(self, kind: str, message: str, trace: str = ""):
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message
        self.trace = trace


class WorkerTimeout(Exception):
    pass


class WorkerCrash(Exception):
    pass


def _silence() -> None:
    """Send the worker's own output (compilers print progress and warnings from C++) to
    /dev/null, so it cannot garble the parent's terminal; errors travel over the pipe.
    JINGU_BENCH_DEBUG=1 keeps it."""
    if os.environ.get("JINGU_BENCH_DEBUG"):
        return
    sys.stdout.flush()
    sys.stderr.flush()
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)


def _serve(conn, ref: str, target, level: int) -> None:
    """The worker's main loop (runs in the child process)."""
    _silence()
    state: dict = {}
    try:
        module, _, attr = ref.partition(":")
        from importlib import import_module

        adapter = getattr(import_module(module), attr)(target, level)
    except BaseException as exc:  # report and quit: the parent marks the compiler failed
        conn.send(("error", type(exc).__name__, str(exc), traceback.format_exc()))
        return
    conn.send(("ok", None))
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        kind = request[0]
        if kind == "stop":
            return
        try:
            if kind == "load":
                state["program"] = adapter.load(request[1])
                state.pop("result", None)
                answer = None
            elif kind == "compile":
                program = state["program"]
                t0 = time.perf_counter()
                result = adapter.compile(program, request[1])
                answer = time.perf_counter() - t0
                state["result"] = result
            elif kind == "export":
                answer = adapter.export(state["result"])
            else:
                raise ValueError(f"unknown request {kind!r}")
        except BaseException as exc:
            conn.send(("error", type(exc).__name__, str(exc), traceback.format_exc()))
            continue
        conn.send(("ok", answer))


@dataclass
class CompilerProcess:
    """The parent's handle on one compiler's worker (started lazily, restarted on demand)."""

    ref: str
    level: int
    target: object  # TargetSpec
    seed: int = 0
    start_timeout: float = 300.0

    def __post_init__(self):
        self._proc = None
        self._conn = None
        self.starts = 0  # processes started so far
        self.failed_starts = 0  # consecutive warm-ups that timed out or crashed
        self.warmup_error = ""  # why the last warm-up compile failed, if it did

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.is_alive()

    def start(self, timeout: float) -> None:
        """Start the worker and compile the warm-up program once (not timed), allowing
        ``start_timeout`` seconds (or ``timeout`` if longer) for each step.

        WorkerError if the adapter cannot be set up; WorkerTimeout or WorkerCrash if the
        process or the warm-up does not survive.  A warm-up compile that merely raises is
        kept in ``warmup_error`` and the worker stays up."""
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(child, self.ref, self.target, self.level),
                           daemon=True)
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent
        self.starts += 1
        limit = max(timeout, self.start_timeout)  # imports and JIT compilation happen here
        try:
            self._wait(limit)
        except BaseException:
            self.kill()
            raise
        try:
            self.call(("load", WARMUP_QASM), limit)
            self.call(("compile", self.seed), limit)
            self.warmup_error = ""
        except WorkerError as exc:  # the compiler fails on the warm-up program: it may
            self.warmup_error = str(exc)  # still compile others, so keep the worker

    def call(self, request: tuple, timeout: float):
        """Send ``request`` and return the answer; raises WorkerError, WorkerTimeout or
        WorkerCrash (after the last two the worker is gone)."""
        if not self.alive:
            raise WorkerCrash("worker is not running")
        try:
            self._conn.send(request)
        except (BrokenPipeError, OSError) as exc:
            self.kill()
            raise WorkerCrash(f"worker pipe closed: {exc}") from None
        return self._wait(timeout)

    def _wait(self, timeout: float):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise WorkerTimeout(f"no answer within {timeout:g} s")
            try:
                ready = self._conn.poll(min(left, 0.5))
            except (EOFError, OSError):
                ready = True
            if ready:
                try:
                    answer = self._conn.recv()
                except (EOFError, OSError):
                    self._proc.join(2)
                    code = self._proc.exitcode
                    self.kill()
                    raise WorkerCrash(f"worker died (exit code {code})") from None
                if answer[0] == "error":
                    raise WorkerError(*answer[1:])
                return answer[1]
            if not self._proc.is_alive():
                code = self._proc.exitcode
                self.kill()
                raise WorkerCrash(f"worker died (exit code {code})")

    def kill(self) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if conn is not None:
            try:
                conn.close()
            except OSError:
                pass
        if proc is not None:
            if proc.is_alive():
                proc.terminate()
                proc.join(2)
                if proc.is_alive():
                    proc.kill()
            proc.join(2)

    def stop(self) -> None:
        if self.alive:
            try:
                self._conn.send(("stop",))
                self._proc.join(5)
            except (BrokenPipeError, OSError):
                pass
        self.kill()
