import math

import numpy as np
import pytest

from jingu.params import Symbol, apply_function, format_param


def test_arithmetic_folds_constants_and_keeps_symbols():
    t = Symbol("t")
    e = 2 * t + 1 - 0
    assert e.symbols == {"t"}
    assert e.evaluate({"t": 3.0}) == 7.0
    assert (t * 1) is t and (t + 0) is t
    assert isinstance(apply_function("sin", 0.5), float)


def test_vectorised_evaluation_for_batches():
    t, u = Symbol("t"), Symbol("u")
    e = apply_function("cos", t) * u - t / 2
    ts, us = np.linspace(0, 1, 1000), np.linspace(1, 2, 1000)
    assert np.allclose(e.evaluate({"t": ts, "u": us}), np.cos(ts) * us - ts / 2)


def test_unbound_symbol_is_reported_by_name():
    with pytest.raises(KeyError, match="theta"):
        (Symbol("theta") + 1).evaluate({})


@pytest.mark.parametrize("value", [math.pi, -math.pi / 2, 3 * math.pi / 4, 0.1, -1e-17, 2.5e10])
def test_format_param_round_trips_exactly(value):
    text = format_param(value)
    assert eval(text, {"pi": math.pi}) == value


def test_text_keeps_precedence():
    a, b = Symbol("a"), Symbol("b")
    e = (a - b) * 2 - (a - b)
    assert eval(str(e), {"a": 1.5, "b": 0.25}) == pytest.approx(e.evaluate({"a": 1.5, "b": 0.25}))
    e2 = a / (b * 2) ** 2
    assert eval(str(e2).replace("^", "**"), {"a": 1.5, "b": 0.25}) == pytest.approx(
        e2.evaluate({"a": 1.5, "b": 0.25}))
