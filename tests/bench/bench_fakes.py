"""Stand-in compilers for the harness tests (imported by spawned worker processes, so they
live in a module of their own, found through sys.path like any adapter of a user's)."""

from __future__ import annotations

import os
import time

from jingu.bench.adapters import Adapter, Exported


class EchoAdapter(Adapter):
    """Returns its input unchanged: valid only when the input already is native and
    mapped."""

    name = "echo"
    requires = ""

    def load(self, text):
        return text

    def compile(self, program, seed):
        return program

    def export(self, result):
        return Exported(result)

    @classmethod
    def version(cls):
        return "echo-1"


class SleepAdapter(EchoAdapter):
    """Takes far too long on anything but the warm-up program."""

    name = "sleep"

    def compile(self, program, seed):
        if "qreg q[6];" not in program:  # not the warm-up
            time.sleep(60)
        return program


class RaiseAdapter(EchoAdapter):
    name = "raise"

    def compile(self, program, seed):
        if "qreg q[6];" not in program:
            raise RuntimeError("boom: this compiler gives up")
        return program


class CrashAdapter(EchoAdapter):
    name = "crash"

    def compile(self, program, seed):
        if "qreg q[6];" not in program:
            os._exit(3)
        return program


class BrokenInitAdapter(EchoAdapter):
    name = "broken"

    def __init__(self, target, level):
        raise RuntimeError("cannot set up")


class MissingAdapter(EchoAdapter):
    name = "missing"
    requires = "a_package_that_is_not_installed_anywhere"


class WarmupFailAdapter(EchoAdapter):
    """Fails on the warm-up program only."""

    name = "warmupfail"

    def compile(self, program, seed):
        if "qreg q[6];" in program:
            raise ValueError("cannot do ccx")
        return program
