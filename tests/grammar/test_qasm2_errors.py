"""Every mistake in an OpenQASM 2 program is a SourceError that says where and what to do."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jingu.errors import InputError, JinguError, SourceError
from jingu.frontend import parse, parse_file

HEAD = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'


def error_of(text: str, file: str = "prog.qasm") -> SourceError:
    with pytest.raises(SourceError) as info:
        parse(text, file=file)
    return info.value


def check(err: SourceError, line: int, column: int, message: str, hint: str | None = None):
    loc = err.location
    assert (loc.line, loc.column) == (line, column), str(err)
    assert message in err.message, str(err)
    if hint is not None:
        assert err.hint is not None and hint in err.hint, str(err)
    # the rendering shows the offending line with a caret under the column
    rendered = str(err).splitlines()
    assert rendered[0].startswith(f"{loc.file}:{line}:{column}: error: ")
    assert rendered[1] == "    " + loc.source_line.rstrip("\n").expandtabs(1)
    assert rendered[2] == "    " + " " * (column - 1) + "^"


CASES = {
    # name: (program after HEAD, line, column, message, hint)
    "unknown gate": ("qreg q[2];\nhh q[0];", 4, 1, "unknown gate 'hh'", "did you mean 'h'?"),
    "unknown two-qubit gate": ("qreg q[2];\ncnot q[0], q[1];", 4, 1, "unknown gate 'cnot'",
                               "define it"),
    "too few parameters": ("qreg q[1];\nrz q[0];", 4, 1,
                           "gate 'rz' takes 1 parameter but 0 were given", "rz(a) q[0];"),
    "too many parameters": ("qreg q[1];\nh(0.5) q[0];", 4, 1,
                            "gate 'h' takes 0 parameters but 1 was given", "h q[0];"),
    "too few qubits": ("qreg q[2];\ncx q[0];", 4, 1, "gate 'cx' acts on 2 qubits but 1 was given",
                       "cx q[0], q[1];"),
    "too many qubits": ("qreg q[3];\n  x q[0], q[1];", 4, 3,
                        "gate 'x' acts on 1 qubit but 2 were given", None),
    "index out of range": ("qreg q[2];\nx q[2];", 4, 3,
                           "index 2 is out of range for register 'q' of size 2", "0 to 1"),
    "index out of range in measure": ("qreg q[2]; creg c[1];\nmeasure q[1] -> c[1];", 4, 17,
                                      "index 1 is out of range for register 'c'", "0 to 0"),
    "undeclared register": ("qreg data[2];\nx dat[0];", 4, 3, "undeclared register 'dat'",
                            "did you mean 'data'?"),
    "undeclared register in broadcast": ("qreg q[2];\nh r;", 4, 3, "undeclared register 'r'",
                                         "declare it first"),
    "duplicate register": ("qreg q[2];\ncreg q[2];", 4, 6,
                           "register 'q' is already declared (at prog.qasm:3)", "own name"),
    "register named like a gate": ("qreg h[2];", 3, 6, "'h' is already the name of a gate",
                                   None),
    "register used as a gate": ("qreg q[2];\nq q[0];", 4, 1, "'q' is a register, not a gate",
                                None),
    "mismatched broadcast": ("qreg a[2]; qreg b[3];\ncx a, b;", 4, 1,
                             "registers of different sizes (2, 3) in one call of 'cx'",
                             "same size"),
    "mismatched measure": ("qreg a[2]; creg c[3];\nmeasure a -> c;", 4, 1,
                           "measure from 2 qubits into 3 classical bits", "same size"),
    "measure of a register into one bit": ("qreg a[2]; creg c[3];\nmeasure a -> c[0];", 4, 1,
                                           "two single bits or two whole registers", None),
    "measure backwards": ("qreg q[1]; creg c[1];\nmeasure c[0] -> q[0];", 4, 1,
                          "measure reads a qubit into a classical bit", "qreg first"),
    "gate on classical bits": ("qreg q[1]; creg c[1];\nx c[0];", 4, 1,
                               "gate 'x' is applied to classical bits", "creg"),
    "repeated qubit": ("qreg q[2];\ncx q[0], q[0];", 4, 1, "gate 'cx' uses the same qubit twice",
                       "different qubit"),
    "repeated qubit by broadcast": ("qreg q[2];\ncx q, q;", 4, 1, "uses the same qubit twice",
                                    None),
    "repeated qubit in a body": ("gate g a, b { cx a, a; }", 3, 15, "uses the same qubit twice",
                                 None),
    "missing semicolon at line end": ("qreg q[2]\nh q[0];", 3, 10, "missing ';' before 'h'",
                                      "ends with ';'"),
    "missing semicolon after a call": ("qreg q[2];\nh q[0]  // comment\nx q[1];", 4, 7,
                                       "missing ';' before 'x'", None),
    "missing semicolon at the end": ("qreg q[2];\nh q[0]", 4, 7,
                                     "missing ';' at the end of the last statement", None),
    "missing comma": ("qreg q[2];\ncx q[0] q[1];", 4, 9, "unexpected 'q[1]'", "','"),
    "unexpected character": ("qreg q[1];\nx q[0]; @", 4, 9, "unexpected character '@'", None),
    "unclosed comment": ("qreg q[1];\n/* note\nx q[0];", 4, 1, "comment is never closed",
                         "*/"),
    "unclosed gate body": ("gate g a { x a;", 3, 16,
                           "the file ends inside the definition of gate 'g'", "'}'"),
    "unfinished statement": ("qreg q[1];\nrz(0.5", 4, 7, "ends in the middle of a statement",
                             "')'"),
    "unknown include": ('include "nope.inc";', 3, 9, "cannot find the include file 'nope.inc'",
                        "relative to the including file"),
    "OpenQASM 3 library": ('include "stdgates.inc";', 3, 9, "library of OpenQASM 3",
                           "--lang qasm3"),
    "redefined qelib1 gate": ("gate h a { x a; }", 3, 6,
                              "gate 'h' is already defined by qelib1.inc", "another name"),
    "redefined builtin": ("gate CX a, b { cx a, b; }", 3, 6, "already defined by OpenQASM 2", None),
    "duplicate definition": ("gate g a { x a; }\ngate g a { y a; }", 4, 6,
                             "gate 'g' is already defined (at prog.qasm:3)", None),
    "definition after use": ("qreg q[2];\nrzz(1) q[0], q[1];\ngate rzz(t) a, b { cx a, b; }",
                             5, 6, "defined after the program already used it", "before"),
    "repeated formal": ("gate g(a) a { x a; }", 3, 11, "'a' is used twice in the definition",
                        None),
    "unknown parameter in body": ("gate g(t) a { rz(s) a; }", 3, 18,
                                  "unknown parameter 's' in gate 'g'", "parameters are: t"),
    "index in body": ("gate g a { x a[0]; }", 3, 14, "inside a gate definition the operands",
                      "use one of: a"),
    "index in body after the same text at top level": ("qreg q[1];\nx q[0];\ngate g a { x q[0]; }",
                                                       5, 14, "inside a gate definition", None),
    "unknown qubit in body": ("gate g a { x b; }", 3, 14, "'b' is not a qubit of gate 'g'",
                              "qubits are: a"),
    "name in a top-level angle": ("qreg q[1];\nrz(theta) q[0];", 4, 4, "'theta' has no value here",
                                  "only numbers, pi"),
    "division by zero": ("qreg q[1];\nrz(1/0) q[0];", 4, 5, "division by zero", None),
    "logarithm of a negative number": ("qreg q[1];\nrz(ln(-1)) q[0];", 4, 4,
                                       "ln(-1.0) has no real value", None),
    "unknown function": ("qreg q[1];\nrz(arcsinh(1)) q[0];", 4, 4,
                         "unknown function 'arcsinh'", "sin"),
    "infinite angle": ("qreg q[1];\nrz(1e400) q[0];", 4, 1, "not a finite number", None),
    "fractional index": ("qreg q[2];\nx q[1.5];", 4, 5, "an index must be a whole number, not 1.5",
                         None),
    "fractional register size": ("qreg q[2.0];", 3, 8, "a register size must be a whole number",
                                 None),
    "condition on a quantum register": ("qreg q[1];\nif (q == 1) x q[0];", 4, 5,
                                        "'q' is a quantum register", "measure into a creg"),
    "condition on an undeclared register": ("qreg q[1];\nif (c == 1) x q[0];", 4, 5,
                                            "condition on undeclared register 'c'", "creg"),
    "condition that can never hold": ("qreg q[1]; creg c[2];\nif (c == 4) x q[0];", 4, 10,
                                      "4 does not fit in the 2-bit register 'c'", "below 4"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_error(name):
    body, line, column, message, hint = CASES[name]
    check(error_of(HEAD + body), line, column, message, hint)


def test_standard_gates_without_the_include_say_how_to_get_them():
    err = error_of("OPENQASM 2.0;\nqreg q[1];\nh q[0];")
    check(err, 3, 1, "unknown gate 'h'", 'include "qelib1.inc"')


def test_openqasm_3_header_says_which_reader_to_use():
    with pytest.raises(SourceError) as info:
        parse("OPENQASM 3.0;\nqubit q;", file="prog.qasm", lang="qasm2")
    check(info.value, 1, 10, "this is an OpenQASM 3.0 program", "--lang qasm3")


def test_error_in_an_included_file_points_into_that_file(tmp_path):
    (tmp_path / "lib.inc").write_text("// helpers\ngate g a { hh a; }\n")
    main = tmp_path / "main.qasm"
    main.write_text(HEAD + 'include "lib.inc";\nqreg q[1];\n')
    with pytest.raises(SourceError) as info:
        parse_file(main)
    err = info.value
    assert err.location.file.endswith("lib.inc")
    check(err, 2, 12, "unknown gate 'hh'", "did you mean 'h'?")


def test_syntax_error_in_an_included_file_points_into_that_file(tmp_path):
    (tmp_path / "lib.inc").write_text("gate g a { x a }\n")
    main = tmp_path / "main.qasm"
    main.write_text(HEAD + 'include "lib.inc";\n')
    with pytest.raises(SourceError) as info:
        parse_file(main)
    assert info.value.location.file.endswith("lib.inc")
    check(info.value, 1, 15, "missing ';' before '}'")


def test_include_cycle_is_reported_where_it_closes(tmp_path):
    (tmp_path / "a.inc").write_text('include "b.inc";\n')
    (tmp_path / "b.inc").write_text('// b\ninclude "a.inc";\n')
    main = tmp_path / "main.qasm"
    main.write_text(HEAD + 'include "a.inc";\n')
    with pytest.raises(SourceError) as info:
        parse_file(main)
    err = info.value
    assert err.location.file.endswith("b.inc")
    check(err, 2, 9, "include cycle: a.inc -> b.inc -> a.inc", "cannot include itself")


def test_a_file_including_itself_is_a_cycle(tmp_path):
    main = tmp_path / "main.qasm"
    main.write_text(HEAD + 'include "main.qasm";\n')
    with pytest.raises(SourceError, match="include cycle: main.qasm -> main.qasm"):
        parse_file(main)


def test_unreadable_files_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        parse_file(tmp_path / "missing.qasm")
    with pytest.raises(InputError, match="is a directory"):
        parse_file(tmp_path)
    bad = tmp_path / "latin1.qasm"
    bad.write_bytes(HEAD.encode() + b"// caf\xe9\nqreg q[1];\n")
    with pytest.raises(InputError, match=r"latin1.qasm:3: the file is not UTF-8 text \(byte 0xe9"):
        parse_file(bad)


def test_unknown_language_is_an_input_error():
    with pytest.raises(InputError, match="no front end for 'cobol'"):
        parse("qreg q[1];", lang="cobol")


def test_exit_code_of_source_errors_is_2():
    assert error_of(HEAD + "x q[0];").exit_code == 2


_VALID = HEAD + """gate g(t) a, b { rz(t/2) a; cx a, b; }
qreg q[3]; creg c[3];
h q; g(pi/4) q[0], q[1]; barrier q;
if (c == 1) x q[2];
measure q -> c;
"""


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(_VALID)), st.integers(0, 3),
                          st.sampled_from(list(";,()[]{}->=/*+^\"' \n0123456789qcxhg") +
                                          ["pi", "if", "gate", "//", "/*", "qreg", "U"])),
                min_size=1, max_size=4))
def test_mangled_programs_fail_only_with_source_errors(edits):
    text = _VALID
    for pos, cut, insert in edits:
        pos = min(pos, len(text))
        text = text[:pos] + insert + text[pos + cut:]
    try:
        parse(text, file="fuzz.qasm")
    except SourceError as err:
        assert err.location is not None and err.location.line >= 1
        str(err)
    except JinguError as err:  # pragma: no cover - would be a wrong error class
        pytest.fail(f"non-source error {type(err).__name__}: {err}")
