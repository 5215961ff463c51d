"""The worker process: answers, errors, timeouts and crashes are told apart, and a killed
worker comes back on the next start."""

from __future__ import annotations

import pytest

from jingu.bench.adapters import TargetSpec
from jingu.bench.worker import (
    WARMUP_QASM,
    CompilerProcess,
    WorkerCrash,
    WorkerError,
    WorkerTimeout,
)

TARGET = TargetSpec("line3", 3, ((0, 1), (1, 2)), ("rphi", "rz", "cz"), (0, 1, 2))
PROGRAM = "OPENQASM 2.0;\nqreg q[2];\n"


def worker(kind):
    return CompilerProcess(f"bench_fakes:{kind}Adapter", 1, TARGET)


def test_echo_worker_times_and_exports():
    w = worker("Echo")
    try:
        w.start(timeout=60)
        assert w.alive
        w.call(("load", PROGRAM), 10)
        seconds = w.call(("compile", 0), 10)
        assert isinstance(seconds, float) and seconds >= 0
        exported = w.call(("export",), 10)
        assert exported.text == PROGRAM
    finally:
        w.stop()
    assert not w.alive


def test_error_is_reported_and_worker_survives():
    w = worker("Raise")
    try:
        w.start(timeout=60)
        w.call(("load", PROGRAM), 10)
        with pytest.raises(WorkerError) as info:
            w.call(("compile", 0), 10)
        assert info.value.kind == "RuntimeError" and "boom" in info.value.message
        assert w.alive
        w.call(("load", WARMUP_QASM), 10)
        assert w.call(("compile", 0), 10) >= 0
    finally:
        w.stop()


def test_timeout_kills_and_restart_works():
    w = worker("Sleep")
    try:
        w.start(timeout=60)
        w.call(("load", PROGRAM), 10)
        with pytest.raises(WorkerTimeout):
            w.call(("compile", 0), 0.5)
        assert not w.alive
        w.start(timeout=60)
        assert w.alive and w.starts == 2
    finally:
        w.stop()


def test_crash_is_reported():
    w = worker("Crash")
    try:
        w.start(timeout=60)
        w.call(("load", PROGRAM), 10)
        with pytest.raises(WorkerCrash, match="exit code 3"):
            w.call(("compile", 0), 10)
        assert not w.alive
    finally:
        w.stop()


def test_adapter_that_cannot_start():
    w = worker("BrokenInit")
    with pytest.raises(WorkerError, match="cannot set up"):
        w.start(timeout=60)
    assert not w.alive


def test_failed_warm_up_keeps_the_worker():
    w = worker("WarmupFail")
    try:
        w.start(timeout=60)
        assert w.alive and "cannot do ccx" in w.warmup_error
        w.call(("load", PROGRAM), 10)
        assert w.call(("compile", 0), 10) >= 0
    finally:
        w.stop()
