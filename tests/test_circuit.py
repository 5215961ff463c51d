import numpy as np
import pytest

from jingu.circuit import CircuitBuilder, Condition
from jingu.params import Symbol


def bell_with_measure():
    b = CircuitBuilder()
    q = b.add_qreg("q", 2)
    b.add_creg("c", 2)
    b.append("h", (q.start,))
    b.append("cx", (0, 1))
    b.append("measure", (0,), clbits=(0,))
    b.append("x", (1,), condition=Condition(0, 2, 1))
    return b.build()


def test_columns_and_view_agree():
    c = bell_with_measure()
    ops = list(c)
    assert [o.name for o in ops] == ["h", "cx", "measure", "x"]
    assert ops[1].qubits == (0, 1)
    assert ops[2].clbits == (0,)
    assert ops[3].condition == Condition(0, 2, 1)
    assert c.count_ops() == {"h": 1, "cx": 1, "measure": 1, "x": 1}
    assert list(np.diff(c.qubit_ptr)) == [1, 2, 1, 1]


def test_depth_counts_classical_dependencies():
    c = bell_with_measure()
    assert c.depth() == 4  # x waits for the measurement through its condition
    assert c.depth(two_qubit_only=True) == 1
    assert c.two_qubit_count() == 1


def test_wire_links_form_the_dag():
    c = bell_with_measure()
    next_op, prev_op = c.wire_links()
    # slots: h(q0)=0, cx(q0)=1, cx(q1)=2, measure(q0)=3, x(q1)=4
    assert next_op.tolist() == [1, 2, 3, -1, -1]
    assert prev_op.tolist() == [-1, 0, -1, 1, 1]
    g = c.to_networkx()
    assert set(g.edges()) == {(0, 1), (1, 2), (1, 3), (2, 3)}


def test_symbolic_parameters_bind_in_batches():
    t = Symbol("t")
    b = CircuitBuilder(1)
    b.append("rz", (0,), (t,))
    b.append("rx", (0,), (2 * t + 1,))
    b.append("ry", (0,), (0.5,))
    c = b.build()
    assert c.parameters == ("t",)
    values = np.array([0.0, 1.0, 2.0])
    table = c.bound_params({"t": values})
    assert table.shape == (3, 3)
    assert np.allclose(table[:, 0], values) and np.allclose(table[:, 1], 2 * values + 1)
    assert np.allclose(table[:, 2], 0.5)
    bound = c.bind({"t": 1.0})
    assert bound.parameters == () and list(bound)[1].params == (3.0,)


def test_missing_binding_is_an_input_error():
    from jingu.errors import InputError

    b = CircuitBuilder(1)
    b.append("rz", (0,), (Symbol("theta"),))
    with pytest.raises(InputError, match="theta"):
        b.build().bind({})


def test_a_million_gates_build_without_per_gate_objects():
    b = CircuitBuilder(100)
    append = b.append
    for i in range(1_000_000):
        append("cx" if i % 3 == 0 else "h", (i % 100, (i + 1) % 100) if i % 3 == 0 else (i % 100,))
    c = b.build()
    assert len(c) == 1_000_000
    assert c.two_qubit_count() == 333_334
    assert c.opcodes.dtype == np.int16 and c.qubits.dtype == np.int32
