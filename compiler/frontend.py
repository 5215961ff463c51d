"""Reading programs: which front end reads a text, and a summary of what was read.

``LANGUAGES`` maps a language name to the "module:function" that parses it, so another
front end (OpenQASM 3, OriginIR) joins with one line and is imported only when used.
Every front end has the signature ``parse(text, *, file, path) -> Circuit``.

The language of a text is found from its first statement (``OPENQASM 2.0;`` /
``OPENQASM 3;``, OriginIR's ``QINIT``), else from the file extension, else it is OpenQASM 2.
"""

from __future__ import annotations

import os
import re
from importlib import import_module
from pathlib import Path

from .circuit import Circuit
from .errors import InputError
from .gates import GATES

#: language -> "module:function(text, *, file, path) -> Circuit"
LANGUAGES: dict[str, str] = {
    "qasm2": "jingu.grammar.qasm2:parse",
    "qasm3": "jingu.grammar.qasm3:parse",
    "originir": "jingu.grammar.originir:parse",
}

#: file extension -> language, used when the text itself does not say
EXTENSIONS: dict[str, str] = {
    ".qasm": "qasm2",
    ".qasm2": "qasm2",
    ".qasm3": "qasm3",
    ".ir": "originir",
    ".originir": "originir",
}

_SKIP = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/|#[^\n]*|%[^\n]*)*", re.DOTALL)
_QASM_HEADER = re.compile(r"OPENQASM\s+(\d+)(?:\.\d+)?\s*;")
_ORIGINIR_HEADER = re.compile(r"QINIT\b")


def detect_language(text: str, path: str | os.PathLike | None = None) -> str:
    """The language of ``text``: from its first statement, else the extension of
    ``path``, else ``qasm2``."""
    start = _SKIP.match(text).end()
    m = _QASM_HEADER.match(text, start)
    if m:
        return "qasm3" if m.group(1) == "3" else "qasm2"
    if _ORIGINIR_HEADER.match(text, start):
        return "originir"
    if path is not None:
        lang = EXTENSIONS.get(Path(path).suffix.lower())
        if lang is not None:
            return lang
    return "qasm2"


def parse(text: str, *, file: str = "<string>", lang: str | None = None,
          path: str | os.PathLike | None = None) -> Circuit:
    """The circuit of the program ``text``.

    ``lang`` picks the front end (default: detected); ``file`` names the program in error
    messages; ``path`` is where relative includes are looked up.  Mistakes in the program
    raise ``SourceError`` (an ``InputError``) with file, line, column and a caret.
    """
    if lang is None:
        lang = detect_language(text, path)
    target = LANGUAGES.get(lang)
    if target is None:
        known = ", ".join(sorted(LANGUAGES))
        raise InputError(f"there is no front end for '{lang}' in this version of jingu "
                         f"(available: {known})")
    module, _, function = target.partition(":")
    return getattr(import_module(module), function)(text, file=file, path=path)


def parse_file(path: str | os.PathLike, lang: str | None = None) -> Circuit:
    """The circuit of the program in the file ``path`` (UTF-8 text)."""
    text = read_source(path)
    return parse(text, file=str(path), lang=lang, path=path)


def read_source(path: str | os.PathLike) -> str:
    """The text of a program file; unreadable files are an ``InputError``."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"cannot read {path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"cannot read {path}: it is a directory") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{path}:{line}: the file is not UTF-8 text (byte "
                         f"0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
                         ) from None


def describe(circuit: Circuit) -> dict:
    """What ``jingu info`` prints: sizes, gate counts by name (most frequent first), depth
    and two-qubit depth (gates on two or more qubits)."""
    counts = circuit.count_ops()
    facts = {
        "name": circuit.name,
        "qubits": circuit.num_qubits,
        "clbits": circuit.num_clbits,
        "ops": len(circuit),
        "depth": circuit.depth(),
        "two_qubit_gates": circuit.two_qubit_count(),
        "two_qubit_depth": circuit.depth(two_qubit_only=True),
        "gate_counts": dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
    }
    program_gates = [g.name for g in circuit.gate_table if GATES.get(g.name) is not g]
    if program_gates:
        facts["program_gates"] = ", ".join(program_gates)
    if circuit.parameters:
        facts["parameters"] = ", ".join(circuit.parameters)
    return facts
