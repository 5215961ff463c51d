"""Angle arithmetic for the front ends.

Every front end folds constant angles while parsing (``pi/2`` becomes a float at once) and
keeps angles that mention a gate's formal parameter symbolic (an ``Expr``), substituted
when the gate is used.  These helpers do both, and turn the mistakes a user can make in
an angle (division by zero, ``ln`` of a negative number, an unknown function) into an
``ExpressionError`` that the caller reports at the right place in the source.
"""

from __future__ import annotations

import math

from jingu.params import Expr, apply_function

#: the functions OpenQASM 2 allows in an angle (OpenQASM 3 and OriginIR add to this)
QASM2_FUNCTIONS = frozenset({"sin", "cos", "tan", "exp", "ln", "sqrt"})

_MATH = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp, "ln": math.log,
    "log": math.log, "sqrt": math.sqrt, "asin": math.asin, "acos": math.acos,
    "atan": math.atan, "arcsin": math.asin, "arccos": math.acos, "arctan": math.atan,
}


class ExpressionError(ValueError):
    """An angle that has no value (the message says why, the hint what to do)."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


def number(text: str) -> float:
    """The value of a numeric literal."""
    return float(text)


def add(a, b):
    return a + b


def sub(a, b):
    return a - b


def mul(a, b):
    return a * b


def div(a, b):
    if b == 0 and not isinstance(b, Expr):
        raise ExpressionError("division by zero in an angle")
    return a / b


def neg(a):
    return -a


def power(a, b):
    if isinstance(a, Expr) or isinstance(b, Expr):
        return a ** b
    try:
        value = float(a) ** float(b)
    except ZeroDivisionError:
        raise ExpressionError("zero raised to a negative power in an angle") from None
    except OverflowError:
        raise ExpressionError("an angle's power is too large") from None
    if isinstance(value, complex):
        raise ExpressionError(f"{a!r} ^ {b!r} is not a real number (negative base with a "
                              f"fractional exponent)")
    return value


def function(name: str, x, allowed=QASM2_FUNCTIONS):
    """``name(x)`` folded when ``x`` is a number; ``allowed`` is the language's set."""
    if name not in allowed:
        raise ExpressionError(f"unknown function '{name}'",
                              f"angles may use {', '.join(sorted(allowed))}")
    if isinstance(x, Expr):
        return apply_function(name, x)
    try:
        value = _MATH[name](x)
    except (ValueError, OverflowError):
        raise ExpressionError(f"{name}({x!r}) has no real value") from None
    return float(value)


def check_finite(value) -> None:
    """Raise if a folded angle is infinite or not a number."""
    if not isinstance(value, Expr) and not math.isfinite(value):
        raise ExpressionError(f"the angle evaluates to {value}, which is not a finite number")


class AngleRules:
    """Transformer rules for angle arithmetic, shared by the front ends that fold angles
    while parsing (a mixin: the transformer provides ``self.program`` for error locations
    and may set ``functions`` to its language's set)."""

    functions = QASM2_FUNCTIONS

    def number(self, children):
        return float(children[0])

    def pi(self, children):
        return math.pi

    def _whole(self, token, what: str) -> int:
        if token.isdigit():
            return int(token)
        raise self.program.error(f"{what} must be a whole number, not {token}", token,
                                 "write it without a decimal point or exponent")

    def function(self, children):
        name, x = children
        try:
            return function(str(name), x, self.functions)
        except ExpressionError as exc:
            raise self.program.error(str(exc), name, exc.hint) from None

    def add(self, children):
        return children[0] + children[1]

    def sub(self, children):
        return children[0] - children[1]

    def mul(self, children):
        return children[0] * children[1]

    def div(self, children):
        a, slash, b = children
        try:
            return div(a, b)
        except ExpressionError as exc:
            raise self.program.error(str(exc), slash, "check the angle's arithmetic") from None

    def pow(self, children):
        a, caret, b = children
        try:
            return power(a, b)
        except ExpressionError as exc:
            raise self.program.error(str(exc), caret, "check the angle's arithmetic") from None

    def neg(self, children):
        return -children[0]
