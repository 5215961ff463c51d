"""The public plugin API: what it exports works, is documented, and is all the example
plugin uses."""

from __future__ import annotations

import ast
import re

import jingu
import numpy as np
import pytest
from jingu import api

from .support import EXAMPLE, REPO, circuit_unitary


def random_unitary(rng, n):
    z = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / abs(np.diag(r)))


def test_every_exported_name_exists_and_is_documented():
    documented = set(re.findall(r"`(\w+)`", (REPO / "docs" / "plugins.md").read_text()))
    for name in api.__all__:
        assert getattr(api, name) is not None
        assert name in documented, f"jingu.api.{name} is missing from docs/plugins.md"
    assert api.API_VERSION == jingu.API_VERSION == api.Pass.api_version


def test_the_example_plugin_imports_jingu_only_through_the_api():
    for path in (EXAMPLE / "jingu_mylab").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if name.partition(".")[0] == "jingu":
                    assert name == "jingu.api", f"{path.name} imports {name}"


@pytest.mark.parametrize("seed", range(4))
def test_resynthesize_2q_is_exact_with_at_most_three_cz(seed):
    matrix = random_unitary(np.random.default_rng(seed), 4)
    circuit = api.resynthesize_2q(matrix)
    assert circuit.num_qubits == 2 and circuit.count_ops().get("cz", 0) <= 3
    assert set(circuit.count_ops()) <= {"cz", "rphi", "rz"}
    assert np.allclose(circuit_unitary(circuit), matrix, atol=1e-9)
    cx = api.resynthesize_2q(matrix, basis="cx", one_qubit_basis="zyz")
    assert set(cx.count_ops()) <= {"cx", "rz", "ry"}
    assert np.allclose(circuit_unitary(cx), matrix, atol=1e-9)


def test_resynthesize_2q_uses_fewer_cz_for_cheaper_classes():
    cz = api.GATES["cz"].matrix()
    local = np.kron(random_unitary(np.random.default_rng(9), 2),
                    random_unitary(np.random.default_rng(10), 2))
    assert api.resynthesize_2q(local @ cz).count_ops().get("cz") == 1
    assert "cz" not in api.resynthesize_2q(local).count_ops()


def test_resynthesize_1q_is_exact():
    matrix = random_unitary(np.random.default_rng(3), 2)
    circuit = api.resynthesize_1q(matrix)
    assert circuit.count_ops() == {"rphi": 1, "rz": 1}
    assert np.allclose(circuit_unitary(circuit), matrix, atol=1e-9)


def test_unitary_and_equivalent_follow_the_gate_library_convention():
    b = api.CircuitBuilder(2)
    b.append("cx", (0, 1))
    b.append("rz", (1,), (0.3,))
    circuit = b.build()
    assert np.allclose(api.unitary(circuit), circuit_unitary(circuit))
    assert np.allclose(api.unitary(api.resynthesize_2q(api.unitary(circuit))),
                       circuit_unitary(circuit), atol=1e-9)
    other = api.CircuitBuilder(2)
    other.append("cx", (0, 1))
    other.append("rz", (1,), (0.4,))
    assert api.equivalent(circuit, api.resynthesize_2q(api.unitary(circuit)))
    assert not api.equivalent(circuit, other.build())


def test_target_is_reachable_through_the_api():
    target = api.load_target("grid:2x3")
    assert isinstance(target, api.Target) and target.num_qubits == 6
