"""What ``include "qelib1.inc"`` gives an OpenQASM 2 program, as names of library gates.

The front end maps these names straight onto ``jingu.gates`` (it never reads the text of
qelib1.inc, which documents them); the emitter uses the same lists to know which gates
every OpenQASM 2 reader knows by name and which it must define in the output.
"""

from __future__ import annotations

from pathlib import Path

#: OpenQASM 2 built-ins, present without any include: name in the program -> library gate
BUILTINS = {"U": "u3", "CX": "cx"}

#: the gates of the OpenQASM 2.0 paper's qelib1.inc (fixed: a program may not redefine them)
PAPER_GATES = (
    "u3", "u2", "u1", "cx", "id", "x", "y", "z", "h", "s", "sdg", "t", "tdg",
    "rx", "ry", "rz", "cz", "cy", "ch", "ccx", "crz", "cu1", "cu3",
)

#: further gates Qiskit's importer accepts after the include (a program may define them)
EXTENDED_GATES = (
    "u0", "u", "p", "sx", "sxdg", "swap", "cswap", "crx", "cry", "cp", "cu", "csx",
    "rxx", "rzz", "rccx", "rc3x", "c3x", "c3sqrtx", "c4x",
)

#: the file documenting these gates, shipped with the package
INC_PATH = Path(__file__).with_name("qelib1.inc")
