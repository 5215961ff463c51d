"""Symbolic gate parameters.

A variational circuit is compiled once and bound to thousands of angle sets, so angles
that depend on named inputs (``theta``) stay symbolic through the pipeline as small
expression trees.  Arithmetic on an ``Expr`` builds a new tree (folding constants), and
``evaluate`` accepts numpy arrays, so binding many angle sets at once is one vectorised
evaluation per expression rather than a recompilation.
"""

from __future__ import annotations

import math
from typing import Mapping, Union

import numpy as np

Number = Union[int, float]

_FUNCTIONS = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "ln": np.log,
    "log": np.log,
    "sqrt": np.sqrt,
    "asin": np.arcsin,
    "acos": np.arccos,
    "atan": np.arctan,
    "arcsin": np.arcsin,
    "arccos": np.arccos,
    "arctan": np.arctan,
}
FUNCTION_NAMES = frozenset(_FUNCTIONS)

_BINARY = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
    "^": np.power,
}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 3}


class Expr:
    """An immutable expression over named symbols; use ``Symbol`` and arithmetic to build."""

    __slots__ = ("op", "args", "_hash")

    def __init__(self, op: str, args: tuple):
        self.op = op
        self.args = args
        self._hash = hash((op, args))

    # -- construction ----------------------------------------------------------------
    @staticmethod
    def _binary(op: str, a, b):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return float(_BINARY[op](a, b))
        if op == "+" and b == 0 or op == "-" and b == 0:
            return a
        if op == "+" and a == 0:
            return b
        if op == "*" and (a == 1 or b == 1):
            return b if a == 1 else a
        if op == "*" and (a == 0 or b == 0):
            return 0.0
        if op == "/" and b == 1:
            return a
        return Expr(op, (a, b))

    def __add__(self, other):
        return Expr._binary("+", self, other)

    def __radd__(self, other):
        return Expr._binary("+", other, self)

    def __sub__(self, other):
        return Expr._binary("-", self, other)

    def __rsub__(self, other):
        return Expr._binary("-", other, self)

    def __mul__(self, other):
        return Expr._binary("*", self, other)

    def __rmul__(self, other):
        return Expr._binary("*", other, self)

    def __truediv__(self, other):
        return Expr._binary("/", self, other)

    def __rtruediv__(self, other):
        return Expr._binary("/", other, self)

    def __pow__(self, other):
        return Expr._binary("^", self, other)

    def __rpow__(self, other):
        return Expr._binary("^", other, self)

    def __neg__(self):
        if self.op == "neg":
            return self.args[0]
        return Expr("neg", (self,))

    def __pos__(self):
        return self

    def __eq__(self, other):
        return isinstance(other, Expr) and self.op == other.op and self.args == other.args

    def __hash__(self):
        return self._hash

    # -- inspection ------------------------------------------------------------------
    @property
    def symbols(self) -> frozenset[str]:
        if self.op == "sym":
            return frozenset(self.args)
        out: frozenset[str] = frozenset()
        for a in self.args:
            if isinstance(a, Expr):
                out |= a.symbols
        return out

    def evaluate(self, values: Mapping[str, object]):
        """Value of the expression; ``values`` may hold floats or equal-length arrays."""
        if self.op == "sym":
            try:
                return values[self.args[0]]
            except KeyError:
                raise KeyError(f"no value bound for parameter '{self.args[0]}'") from None
        vals = [a.evaluate(values) if isinstance(a, Expr) else a for a in self.args]
        if self.op == "neg":
            return -vals[0]
        if self.op == "fn":
            return _FUNCTIONS[vals[0]](vals[1])
        return _BINARY[self.op](vals[0], vals[1])

    def substitute(self, mapping: Mapping[str, object]):
        """Replace symbols by numbers or expressions (used when inlining gate bodies)."""
        if self.op == "sym":
            return mapping.get(self.args[0], self)
        args = [a.substitute(mapping) if isinstance(a, Expr) else a for a in self.args]
        if self.op == "neg":
            return -args[0]
        if self.op == "fn":
            return apply_function(args[0], args[1])
        return Expr._binary(self.op, args[0], args[1])

    # -- text ------------------------------------------------------------------------
    def _prec(self) -> int:
        if self.op in _PRECEDENCE:
            return _PRECEDENCE[self.op]
        if self.op == "neg":
            return 4
        return 5

    def __str__(self) -> str:
        if self.op == "sym":
            return self.args[0]
        if self.op == "neg":
            return "-" + _wrap(self.args[0], 4)
        if self.op == "fn":
            return f"{self.args[0]}({format_param(self.args[1])})"
        p = _PRECEDENCE[self.op]
        left = _wrap(self.args[0], p)
        # right operand of - / ^ binds tighter to keep meaning
        right = _wrap(self.args[1], p + (0 if self.op in "+*" else 1))
        return f"{left} {self.op} {right}"

    def __repr__(self) -> str:
        return f"Expr({self})"


def _wrap(x, prec: int) -> str:
    text = format_param(x)
    if isinstance(x, Expr) and x._prec() < prec:
        return f"({text})"
    if not isinstance(x, Expr) and float(x) < 0 and prec >= 2:
        return f"({text})"
    return text


def Symbol(name: str) -> Expr:
    """A named input parameter such as a variational angle."""
    return Expr("sym", (name,))


def apply_function(name: str, x):
    """``sin``/``cos``/... of a number or an expression."""
    if isinstance(x, Expr):
        return Expr("fn", (name, x))
    return float(_FUNCTIONS[name](x))


def format_param(x) -> str:
    """Text of a parameter for emitters: exact round-trip for floats, multiples of pi kept."""
    if isinstance(x, Expr):
        return str(x)
    x = float(x)
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    ratio = x / math.pi
    for den in (1, 2, 4, 8, 16, 3, 6):
        n = round(ratio * den)
        if n == 0 or abs(n) >= 64 or (n * math.pi) / den != x:
            continue
        head = "pi" if n == 1 else "-pi" if n == -1 else f"{n}*pi"
        return head if den == 1 else f"{head}/{den}"
    return repr(x)


def is_symbolic(x) -> bool:
    return isinstance(x, Expr)
