"""Every mistake in an OpenQASM 3 program, and every construct outside the subset jingu
keeps, is a SourceError with file, line, column, caret and a hint."""

from __future__ import annotations

import pytest

from jingu.errors import SourceError
from jingu.frontend import parse

H = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\nbit[2] c;\n'

CASES = {
    # name: (program, line, column, message, hint)
    "unknown gate": (H + "hh q[0];\n", 5, 1, "unknown gate 'hh'", "did you mean 'h'?"),
    "standard gate without include": ("OPENQASM 3;\nqubit[1] q;\nh q[0];\n", 3, 1,
                                      "unknown gate 'h'", 'include "stdgates.inc"'),
    "OpenQASM 2 program": ("OPENQASM 2.0;\nqreg q[1];\n", 1, 10, "OpenQASM 2.0 program",
                           "--lang qasm2"),
    "qelib1.inc": ('OPENQASM 3;\ninclude "qelib1.inc";\n', 2, 9, "library of OpenQASM 2",
                   "stdgates.inc"),
    "missing semicolon": (H + "h q[0]\nx q[1];\n", 5, 7, "missing ';' before 'x'", None),
    "missing semicolon at the end": (H + "h q[0]", 5, 7, "missing ';' at the end", None),
    "comment never closed": (H + "/* abc\nh q[0];\n", 5, 1, "comment is never closed", None),
    "unexpected character": (H + "h q[0] # ;\n", 5, 8, "unexpected character '#'", None),
    "subroutine": (H + "def f(qubit a) { h a; }\n", 5, 1, "subroutines (def) are not "
                   "supported", None),
    "while loop": (H + "while (c[0]) { h q[0]; }\n", 5, 1, "while loops are not supported",
                   None),
    "extern": (H + "extern f(int) -> int;\n", 5, 1, "extern functions are not supported",
               None),
    "classical array": (H + "array[int[8], 4] a;\n", 5, 1, "arrays of classical values",
                        None),
    "output": (H + "output bit o;\n", 5, 1, "output variables are not supported", None),
    "return": (H + "return;\n", 5, 1, "return is not supported", None),
    "break in a loop": (H + "for int i in [0:1] { break; }\n", 5, 22, "break is not", None),
    "classical assignment": (H + "c[0] = 1;\n", 5, 1, "classical assignment is not supported",
                             "measure"),
    "assignment to a constant": (H + "int x = 1;\nx = 2;\n", 6, 1, "classical assignment",
                                 None),
    "variable without a value": (H + "float[64] x;\n", 5, 12, "without a value", "const"),
    "integer input": (H + "input int n;\n", 5, 7, "input int is not supported",
                      "input float[64]"),
    "name declared twice": (H + "const int n = 1;\nconst int n = 2;\n", 6, 11,
                            "'n' is already declared", None),
    "test on runtime values": (H + "if (c[0] == c[1]) x q[0];\n", 5, 1,
                               "this test is not supported", "measured bits"),
    "else of a register test": (H + "if (c == 1) x q[0]; else y q[0];\n", 5, 1,
                                "not a single condition", None),
    "condition with a gap": ("OPENQASM 3;\nqubit q; bit[3] c;\nif (c[0]) {\n"
                             "  if (c[2]) { U(0, 0, 0) q; }\n}\n", 4, 15,
                             "leaves classical bit(s) 1 free", "the if at line 4"),
    "index out of range": (H + "x q[3];\n", 5, 3, "index 3 is out of range", "0 to 2"),
    "index out of range in a loop": (H + "for int i in [0:3] { x q[i]; }\n", 5, 24,
                                     "index 3 is out of range", None),
    "fractional index": (H + "x q[1.5];\n", 5, 3, "must be a whole number", None),
    "symbolic index": ('OPENQASM 3;\ninput float[64] t;\nqubit[2] q;\nU(0, 0, 0) q[t];\n',
                       4, 14, "must be a constant", None),
    "undeclared register": (H + "x r[0];\n", 5, 3, "undeclared register 'r'", "qubit[2]"),
    "unknown name in an angle": (H + "rx(thetta) q[0];\n", 5, 4, "'thetta' has no value",
                                 None),
    "too few operands for ctrl": (H + "ctrl @ x q[0];\n", 5, 8,
                                  "with its modifiers, 'x' acts on 2 qubit(s) but 1", None),
    "ctrl(0)": (H + "ctrl(0) @ x q[0];\n", 5, 1, "needs at least one control", None),
    "fractional power of h": (H + "pow(0.5) @ h q[0];\n", 5, 12, "not a whole power",
                              "rotation"),
    "measurement without a bit": (H + "measure q[0];\n", 5, 1, "without a bit", None),
    "delay in dt": (H + "delay[10dt] q[0];\n", 5, 7, "depend on the device", "ns"),
    "physical and declared qubits": (H + "h $0;\n", 5, 3, "cannot also use physical", None),
    "measure in a gate body": (H + "gate g a { measure a -> c[0]; }\n", 5, 12,
                               "a gate body cannot hold a measurement", None),
    "if in a gate body": (H + "gate g a { if (c[0]) x a; }\n", 5, 12,
                          "a gate body cannot hold an if", None),
    "qubit declared in a loop": (H + "for int i in [0:1] { qubit r; }\n", 5, 22,
                                 "only at the top level", None),
    "slice out of range": (H + "h q[1:5];\n", 5, 3, "does not fit register 'q'", None),
    "index set": (H + "h q[{0, 1}];\n", 5, 3, "index sets are not supported", None),
    "division by zero": (H + "rx(1 / 0) q[0];\n", 5, 6, "division by zero", None),
    "gate defined twice": (H + "gate g a { x a; }\ngate g a { y a; }\n", 6, 6,
                           "gate 'g' is already defined", None),
    "redefining a standard gate": (H + "gate h a { x a; }\n", 5, 6, "already defined by "
                                   "stdgates.inc", None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_error_is_located_and_explained(name):
    text, line, column, message, hint = CASES[name]
    with pytest.raises(SourceError) as info:
        parse(text, file="prog.qasm", lang="qasm3")
    err = info.value
    loc = err.location
    assert (loc.file, loc.line, loc.column) == ("prog.qasm", line, column), str(err)
    assert message in err.message, str(err)
    if hint is not None:
        assert err.hint is not None and hint in err.hint, str(err)
    rendered = str(err).splitlines()
    assert rendered[0].startswith(f"prog.qasm:{line}:{column}: error: ")
    assert rendered[2] == "    " + " " * (column - 1) + "^"


def test_errors_in_an_include_name_the_included_file(tmp_path):
    (tmp_path / "bad.inc").write_text("gate g a {\n  hh a;\n}\n")
    main = tmp_path / "main.qasm"
    main.write_text('OPENQASM 3;\ninclude "stdgates.inc";\ninclude "bad.inc";\n')
    with pytest.raises(SourceError) as info:
        parse(main.read_text(), file=str(main), path=main, lang="qasm3")
    loc = info.value.location
    assert loc.file.endswith("bad.inc") and (loc.line, loc.column) == (2, 3)


def test_a_failed_parse_leaves_the_parser_ready():
    with pytest.raises(SourceError):
        parse(H + "for int i in [0:1] { if (c[0]) { x q[9]; } }\n", lang="qasm3")
    c = parse(H + "x q[0];\n", lang="qasm3")
    assert [(o.name, o.condition) for o in c] == [("x", None)]
