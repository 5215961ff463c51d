"""Every mistake in an OriginIR program, and every construct a static compiler cannot
keep, is a SourceError with file, line, column, caret and a hint."""

from __future__ import annotations

import pytest

from jingu.errors import SourceError
from jingu.frontend import parse

H = "QINIT 3\nCREG 2\n"

CASES = {
    # name: (program, line, column, message, hint)
    "unknown gate": (H + "HH q[0]\n", 3, 1, "unknown gate 'HH'", "did you mean 'H'?"),
    "names are case-sensitive": (H + "h q[0]\n", 3, 1, "unknown gate 'h'", "write 'H'"),
    "too few parameters": (H + "RX q[0]\n", 3, 1, "gate 'RX' takes 1 parameter but 0 were",
                           "RX q[0],(a)"),
    "too many parameters": (H + "H q[0],(0.5)\n", 3, 1, "takes 0 parameters but 1 was",
                            "H q[0]"),
    "too few qubits": (H + "CNOT q[0]\n", 3, 1, "acts on 2 qubits but 1 was", "CNOT q[0],q[1]"),
    "same qubit twice": (H + "CNOT q[0],q[0]\n", 3, 1, "uses the same qubit twice", None),
    "index out of range": (H + "X q[3]\n", 3, 3, "index 3 is out of range for register 'q'",
                           "0 to 2"),
    "unknown register": (H + "X r[0]\n", 3, 3, "unknown register 'r'", "q[i]"),
    "no classical bits": ("QINIT 2\nMEASURE q[0],c[0]\n", 2, 14, "no classical bits",
                          "CREG n"),
    "no QINIT": ("H q[0]\n", 1, 1, "starts with  QINIT n", "QINIT 4"),
    "QINIT without a number": ("QINIT x\n", 1, 7, "unexpected 'x'", "a number"),
    "CREG late": ("QINIT 2\nH q[0]\nCREG 2\n", 3, 1, "CREG must come right after QINIT",
                  None),
    "DAGGER never closed": (H + "DAGGER\nH q[0]\n", 3, 1, "DAGGER block is never closed",
                            "ENDDAGGER"),
    "ENDDAGGER alone": (H + "H q[0]\nENDDAGGER\n", 4, 1, "ENDDAGGER without DAGGER", None),
    "blocks crossed": (H + "DAGGER\nCONTROL q[1]\nH q[0]\nENDDAGGER\n", 6, 1,
                       "ENDDAGGER closes the CONTROL block opened on line 4", "ENDCONTROL"),
    "QIF never closed": (H + "QIF c[0]\nH q[0]\n", 3, 1, "QIF block is never closed",
                         "ENDQIF"),
    "MEASURE in DAGGER": (H + "DAGGER\nMEASURE q[0],c[0]\nENDDAGGER\n", 4, 1,
                          "MEASURE inside a DAGGER block cannot be inverted", "ENDDAGGER"),
    "RESET in CONTROL": (H + "CONTROL q[1]\nRESET q[0]\nENDCONTROL\n", 4, 1,
                         "RESET inside a CONTROL block cannot be controlled", None),
    "control is a target": (H + "CONTROL q[1]\nCNOT q[0],q[1]\nENDCONTROL\n", 4, 1,
                            "q[1] is both a control", None),
    "control listed twice": (H + "CONTROL q[1],q[1]\nH q[0]\nENDCONTROL\n", 3, 1,
                             "listed twice among the controls", None),
    "QGATE in a block": (H + "DAGGER\nQGATE f a\nH a\nENDQGATE\nENDDAGGER\n", 4, 1,
                         "cannot be inside a DAGGER block", None),
    "unknown formal qubit": (H + "QGATE f a\nH b\nENDQGATE\n", 4, 3,
                             "'b' is not a qubit of gate 'f'", None),
    "unknown formal parameter": (H + "QGATE f a,(t)\nRX a,(u)\nENDQGATE\n", 4, 7,
                                 "unknown parameter 'u'", None),
    "QIF in QGATE": (H + "QGATE f a\nQIF c[0]\nH a\nENDQIF\nENDQGATE\n", 4, 5,
                     "cannot be part of a QGATE definition", None),
    "QIF on an expression": (H + "QIF c[0]+c[1]<5\nH q[0]\nENDQIF\n", 3, 1,
                             "not supported by a static compiler", "measured bits"),
    "QIF comparing bits": (H + "QIF c[0]==c[1]\nH q[0]\nENDQIF\n", 3, 1,
                           "not supported by a static compiler", None),
    "QWHILE": (H + "QWHILE c[0]\nH q[0]\nENDQWHILE\n", 3, 1,
               "QWHILE loops are not supported by a static compiler", None),
    "classical assignment": (H + "c[0]=c[0]+1\n", 3, 1,
                             "classical assignment is not supported by a static compiler",
                             None),
    "qubit indexed by a bit": (H + "H q[c[0]]\n", 3, 5,
                               "indexing a qubit by a classical value is not supported",
                               None),
    "ELSE of several bits": (H + "QIF c[0],c[1]\nH q[0]\nQELSE\nX q[0]\nQENDIF\n", 5, 1,
                             "not a single condition", None),
    "ELSE twice": (H + "QIF c[0]\nH q[0]\nELSE\nX q[0]\nELSE\nENDQIF\n", 7, 1,
                   "ELSE after the ELSE branch", None),
    "condition with a gap": ("QINIT 1\nCREG 3\nQIF c[0]\nQIF c[2]\nH q[0]\nQENDIF\nQENDIF\n",
                             5, 1, "leaves classical bit(s) 1 free", "line 4"),
    "semicolon": (H + "H q[0];\n", 3, 7, "unexpected character ';'", None),
    "two statements on a line": (H + "H q[0] X q[1]\n", 3, 8, "one statement per line",
                                 None),
    "missing parenthesis": (H + "RX q[0],(0.5\n", 3, 13, "ends too early", "')'"),
    "ends inside a statement": (H + "RX q[0],(", 3, 10, "ends in the middle of a statement",
                                None),
    "division by zero": (H + "RX q[0],(1/0)\n", 3, 11, "division by zero", None),
    "unknown function": (H + "RX q[0],(foo(1))\n", 3, 10, "unknown function 'foo'", "sin"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_error_is_located_and_explained(name):
    text, line, column, message, hint = CASES[name]
    with pytest.raises(SourceError) as info:
        parse(text, file="prog.ir", lang="originir")
    err = info.value
    loc = err.location
    assert (loc.file, loc.line, loc.column) == ("prog.ir", line, column), str(err)
    assert message in err.message, str(err)
    if hint is not None:
        assert err.hint is not None and hint in err.hint, str(err)
    rendered = str(err).splitlines()
    assert rendered[0].startswith(f"prog.ir:{line}:{column}: error: ")
    assert rendered[2] == "    " + " " * (column - 1) + "^"


def test_a_failed_parse_leaves_the_parser_ready():
    with pytest.raises(SourceError):
        parse(H + "DAGGER\nCONTROL q[0]\nQIF c[0]\nH q[1]\n", lang="originir")
    c = parse(H + "H q[0]\n", lang="originir")
    assert [(o.name, o.condition) for o in c] == [("h", None)]
