"""Batch gate matrices (fitted from the library) and the commutation facts read from them."""

from __future__ import annotations

import numpy as np
import pytest

from jingu.gates import LIBRARY
from jingu.passes.optimize.matrices import (
    XTYPE,
    ZTYPE,
    fit,
    gate_types,
    is_identity,
    is_symmetric,
    one_qubit_types,
    op_matrices,
)

SMALL = [g for g in LIBRARY if g.is_unitary and 1 <= g.num_qubits <= 2]


@pytest.mark.parametrize("gate", SMALL, ids=lambda g: g.name)
def test_batch_matrices_equal_the_library(gate, kit):
    rng = np.random.default_rng(5)
    n = gate.num_qubits
    rows = rng.uniform(-9, 9, size=(6, gate.num_params))
    c = kit.circuit(n, [(gate.name, tuple(range(n)), tuple(r)) for r in rows])
    got = op_matrices(c, np.arange(len(c)), 1 << n)
    for m, r in zip(got, rows):
        assert np.abs(m - gate.matrix(tuple(r))).max() < 1e-12
    assert fit(gate) is not None


def test_commutation_types_of_library_gates():
    g = {x.name: x for x in LIBRARY}
    assert gate_types(g["cx"]) == (ZTYPE, XTYPE)
    assert gate_types(g["cz"]) == (ZTYPE, ZTYPE)
    assert gate_types(g["crz"]) == (ZTYPE, ZTYPE)
    assert gate_types(g["rxx"]) == (XTYPE, XTYPE)
    assert gate_types(g["swap"]) == (0, 0)
    assert gate_types(g["rz"]) == (ZTYPE,)
    assert gate_types(g["rx"]) == (XTYPE,)
    assert gate_types(g["h"]) == (0,)
    assert gate_types(g["rphi"]) == (0,)  # depends on its angles
    assert gate_types(g["measure"]) == (0,)


def test_symmetry_and_identities(kit):
    g = {x.name: x for x in LIBRARY}
    assert is_symmetric(g["cz"]) and is_symmetric(g["swap"]) and is_symmetric(g["cp"])
    assert not is_symmetric(g["cx"]) and not is_symmetric(g["crz"])
    c = kit.circuit(1, [("rz", (0,), (2 * np.pi,)), ("rphi", (0,), (0.0, 1.3)),
                    ("rphi", (0,), (1e-3, 0.5)), ("rx", (0,), (0.4,))])
    mats = op_matrices(c, np.arange(4), 2)
    mask, phase = is_identity(mats, 1e-12)
    assert mask.tolist() == [True, True, False, False]
    assert abs(abs(phase[0]) - np.pi) < 1e-12  # rz(2 pi) = -I
    assert one_qubit_types(mats).tolist() == [ZTYPE | XTYPE, ZTYPE | XTYPE, 0, XTYPE]
