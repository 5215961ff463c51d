"""Each waveform shape against its formula, validation, and the table's sharing."""

from __future__ import annotations

import math

import numpy as np
import pytest

from jingu.errors import InputError
from jingu.pulse.waveforms import (Constant, CosineFlat, Drag, Gaussian, GaussianSquare,
                                   Samples, WaveformTable)


def times(n):
    return np.arange(n) + 0.5  # midpoints of the sample periods


def lifted(t, centre, sigma, edge):
    g = np.exp(-((t - centre) ** 2) / (2 * sigma ** 2))
    e = math.exp(-(edge ** 2) / (2 * sigma ** 2))
    return (g - e) / (1 - e)


def test_constant():
    s = Constant(8, 0.5, angle=0.3).samples()
    assert np.allclose(s, 0.5 * np.exp(0.3j))


def test_gaussian_is_lifted_and_centred():
    n, sigma = 60, 15.0
    s = Gaussian(n, 0.7, sigma, angle=-1.0).samples()
    want = 0.7 * np.exp(-1j) * lifted(times(n), n / 2, sigma, n / 2)
    assert np.allclose(s, want, atol=1e-14)
    assert abs(s[0]) < 0.01 and np.allclose(s, s[::-1])  # starts near zero, symmetric


def test_drag_quadrature_is_the_derivative():
    n, sigma, beta = 60, 15.0, 1.3
    s = Drag(n, 0.4, sigma, beta).samples()
    t = times(n)
    i = lifted(t, n / 2, sigma, n / 2)
    # dI/dt by a centred difference of the closed form, independent of the kernel's
    h = 1e-5
    di = (lifted(t + h, n / 2, sigma, n / 2) - lifted(t - h, n / 2, sigma, n / 2)) / (2 * h)
    assert np.allclose(s.real, 0.4 * i, atol=1e-13)
    assert np.allclose(s.imag, 0.4 * beta * di, atol=1e-9)
    assert np.allclose(s.imag, -s.imag[::-1])  # antisymmetric quadrature


def test_gaussian_square():
    n, sigma, width = 100, 5.0, 60.0
    s = GaussianSquare(n, 0.3, sigma, width).samples().real
    t = times(n)
    edge = (n - width) / 2
    want = np.where(t < edge, lifted(t, edge, sigma, edge),
                    np.where(t > edge + width, lifted(t, edge + width, sigma, edge), 1.0))
    assert np.allclose(s, 0.3 * want, atol=1e-14)
    assert np.all(s[int(edge) + 1:int(edge + width) - 1] == 0.3)


def test_cosine_flat_flux_pulse():
    n, rise = 120, 30.0
    s = CosineFlat(n, -0.6, rise).samples()
    t = times(n)
    ramp = np.where(t < rise, 0.5 * (1 - np.cos(np.pi * t / rise)),
                    np.where(t > n - rise, 0.5 * (1 - np.cos(np.pi * (n - t) / rise)), 1.0))
    assert np.allclose(s, -0.6 * ramp, atol=1e-14) and np.all(s.imag == 0)
    assert np.allclose(CosineFlat(16, 0.5, 0.0).samples(), 0.5)  # no rise: a square pulse


def test_arbitrary_samples():
    v = np.array([0.1, 0.2j, -0.3 + 0.1j, 0.0])
    assert np.array_equal(Samples(v).samples(), v)
    assert Samples(v) == Samples(v.copy()) and Samples(v).duration == 4


@pytest.mark.parametrize("make, field", [
    (lambda: Constant(8, 1.2), "amp"),
    (lambda: Gaussian(8, 0.5, 0.0), "sigma"),
    (lambda: Gaussian(0, 0.5, 2.0), "duration"),
    (lambda: Gaussian(8.5, 0.5, 2.0), "duration"),
    (lambda: Drag(8, float("nan"), 2.0, 1.0), "amp"),
    (lambda: GaussianSquare(8, 0.5, 2.0, 8.0), "width"),
    (lambda: CosineFlat(8, 0.5, 5.0), "rise"),
    (lambda: Samples([0.5, 1.5]), "values"),
])
def test_out_of_range_parameters_are_errors_naming_the_field(make, field):
    with pytest.raises(InputError, match=field):
        make()


def test_nothing_is_clipped_a_drag_beyond_full_scale_is_an_error():
    wf = Drag(20, 1.0, 3.0, 8.0)  # the quadrature lifts |sample| above the amplitude
    with pytest.raises(InputError, match="full scale"):
        wf.samples()
    table = WaveformTable()
    table.add(wf)
    with pytest.raises(InputError, match="drag"):
        table.sampled()


def test_table_holds_each_distinct_waveform_once():
    table = WaveformTable()
    a = table.add(Drag(60, 0.25, 15.0, 1.3))
    assert table.add(Drag(60, 0.25, 15.0, 1.3)) == a
    assert table.add(Drag(60, 0.26, 15.0, 1.3)) != a
    params = np.zeros((4, 5))
    params[:, 0] = [0.25, 0.1, 0.25, 0.1]
    params[:, 2] = 15.0
    params[:, 3] = 1.3
    ids = table.add_many(Drag.code, [60] * 4, params)
    assert ids[0] == ids[2] == a and ids[1] == ids[3] != a and len(table) == 3
    data, offsets, durations = table.sampled()
    assert np.array_equal(data[offsets[a]:offsets[a] + 60], Drag(60, 0.25, 15.0, 1.3).samples())
    assert table.waveform(a) == Drag(60, 0.25, 15.0, 1.3)
