"""jingu: a quantum circuit compiler for superconducting lattices (first: Origin Wukong 72).

``import jingu`` stays light: heavy parts (parsers, numba kernels, passes) load on first use.
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"
API_VERSION = 1

_LAZY = {
    "Circuit": "circuit",
    "CircuitBuilder": "circuit",
    "Operation": "circuit",
    "Condition": "circuit",
    "Register": "circuit",
    "Gate": "gates",
    "GATES": "gates",
    "Symbol": "params",
    "Expr": "params",
    "JinguError": "errors",
    "SourceError": "errors",
    "parse": "frontend",
    "parse_file": "frontend",
    "compile": "compilation",
    "equivalent": "simulate",
    "Pass": "passmanager",
    "PassContext": "passmanager",
    "load_target": "targets",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'jingu' has no attribute '{name}'")
    if module == "targets":
        value = getattr(import_module("jingu.targets"), name)
    else:
        value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
