"""Reading outputs back and the equivalence spot checks, on hand-made "compiled" circuits
whose right and wrong answers are known."""

from __future__ import annotations

from jingu.bench.adapters import Exported
from jingu.bench.check import (
    check_equivalence,
    infer_initial_layout,
    split_measurements,
)
from jingu.bench.metrics import measure, validity
from jingu.circuit import CircuitBuilder

LINE5 = [(0, 1), (1, 2), (2, 3), (3, 4)]


def original(measured=(0, 1, 2)):
    """h 0; cx 0,1; rx(0.4) 1; cx 1,2; rz(0.3) 0; measure (all)."""
    b = CircuitBuilder(3, 3)
    b.append("h", (0,))
    b.append("cx", (0, 1))
    b.append("rx", (1,), (0.4,))
    b.append("cx", (1, 2))
    b.append("rz", (0,), (0.3,))
    for q in measured:
        b.append("measure", (q,), clbits=(q,))
    return b.build()


def cx_as_cz(b, c, t):
    b.append("h", (t,))
    b.append("cz", (c, t))
    b.append("h", (t,))


def swap(b, x, y):
    for c, t in ((x, y), (y, x), (x, y)):
        cx_as_cz(b, c, t)


def compiled(*, drop_rz=False, wrong=False, measure_map=None, rx=0.4):
    """The original on a 5-qubit line: virtual 0,1,2 start on physical 2,3,0, and a SWAP
    of physical 1 (an ancilla) and 0 brings virtual 2 next to virtual 1; virtual 0, 1, 2
    end on 2, 3, 1."""
    b = CircuitBuilder(5, 3)
    b.append("h", (2,))
    cx_as_cz(b, 2, 3)
    b.append("rx", (3,), (0.5 if wrong else rx,))
    swap(b, 0, 1)
    swap(b, 1, 2)  # virtual 0 to physical 1, virtual 2 to physical 2
    cx_as_cz(b, 3, 2)
    if not drop_rz:
        b.append("rz", (1,), (0.3,))
    final = {0: 1, 1: 3, 2: 2}
    for v, p in (measure_map or final).items():
        b.append("measure", (p,), clbits=(v,))
    return b.build(), [2, 3, 0], [final[v] for v in range(3)]


def test_equivalent_with_reported_layouts():
    out, init, final = compiled()
    verdict = check_equivalence(original(), out, Exported("", initial_layout=init,
                                                          final_layout=final))
    assert verdict.equivalent is True


def test_wrong_angle_is_found():
    out, init, final = compiled(wrong=True)
    verdict = check_equivalence(original(), out, Exported("", initial_layout=init,
                                                          final_layout=final))
    assert verdict.equivalent is False


def test_layouts_by_register_name():
    out, init, final = compiled()
    exported = Exported("", initial_layout={("q", v): p for v, p in enumerate(init)},
                        final_layout={("q", v): p for v, p in enumerate(final)})
    orig = original()
    from jingu.circuit import Register

    orig = orig.replace(qregs=(Register("q", 0, 3),))
    assert check_equivalence(orig, out, exported).equivalent is True


def test_measurement_disagreeing_with_final_layout():
    out, init, final = compiled(measure_map={0: 2, 1: 3, 2: 1})
    verdict = check_equivalence(original(), out, Exported("", initial_layout=init,
                                                          final_layout=final))
    assert verdict.equivalent is False and "measured on physical" in verdict.note


def test_initial_layout_inferred_when_not_reported():
    out, init, _ = compiled()
    verdict = check_equivalence(original(), out, Exported(""))
    assert verdict.equivalent is True and "inferred" in verdict.note
    u, _, _ = split_measurements(original())
    v, _, _ = split_measurements(out)
    found, why = infer_initial_layout(u, v, [1, 3, 2])
    assert found == init and why == ""


def test_diagonal_before_measurement_may_go():
    out, init, final = compiled(drop_rz=True)
    verdict = check_equivalence(original(), out, Exported("", initial_layout=init,
                                                          final_layout=final))
    assert verdict.equivalent is True and "diagonal" in verdict.note


def test_as_measured_uses_the_fidelity_criterion_of_equivalent():
    # an angle off by 1e-5 (infidelity ~1e-11, a synthesis approximation) passes, by 1e-3
    # (~1e-7) it does not: the same 1e-8 bound on 1 - overlap as jingu.simulate.equivalent
    for delta, expected in ((1e-5, True), (1e-3, False)):
        for drop in (False, True):  # the unitary check, then the check as measured
            out, init, final = compiled(drop_rz=drop, rx=0.4 + delta)
            verdict = check_equivalence(original(), out, Exported(initial_layout=init,
                                                                  final_layout=final))
            assert verdict.equivalent is expected, (delta, drop, verdict.note)


def test_diagonal_may_go_only_before_a_measurement():
    # virtual 0 (which carries the final rz) measured: dropping the rz is fine
    out, init, final = compiled(drop_rz=True, measure_map={0: 1, 2: 2})
    verdict = check_equivalence(original(measured=(0, 2)), out,
                                Exported("", initial_layout=init, final_layout=final))
    assert verdict.equivalent is True and "diagonal" in verdict.note
    # virtual 0 not measured: its phase is part of the result
    out, init, final = compiled(drop_rz=True, measure_map={1: 3, 2: 2})
    verdict = check_equivalence(original(measured=(1, 2)), out,
                                Exported("", initial_layout=init, final_layout=final))
    assert verdict.equivalent is False


def test_clbits_matched_by_register_name():
    # the output declares the classical registers in another order (pytket sorts them)
    from jingu.circuit import Register

    orig = original().replace(cregs=(Register("m_b", 0, 1), Register("m_a", 1, 1),
                                      Register("m_c", 2, 1)))
    out, init, final = compiled(measure_map={1: 1, 0: 3, 2: 2})  # clbit 1 <- virtual 0 ...
    out = out.replace(cregs=(Register("m_a", 0, 1), Register("m_b", 1, 1),
                             Register("m_c", 2, 1)))
    verdict = check_equivalence(orig, out, Exported("", initial_layout=init,
                                                    final_layout=final))
    assert verdict.equivalent is True


def early_measure(wrong=False):
    """GHZ on 3 qubits compiled onto the line 0-1-2 with virtual 0, 1, 2 on physical 1, 0, 2:
    virtual 0 is measured as soon as it is done and its qubit then carries a SWAP."""
    orig = CircuitBuilder(3, 3)
    orig.append("h", (0,))
    orig.append("cx", (0, 1))
    orig.append("cx", (1, 2))
    for q in range(3):
        orig.append("measure", (q,), clbits=(q,))
    b = CircuitBuilder(3, 3)
    b.append("h", (1,))
    b.append("cx", (1, 0))
    if not wrong:
        b.append("measure", (1,), clbits=(0,))
    b.append("swap", (0, 1))  # virtual 1 to physical 1, through the measured qubit
    if wrong:  # measures virtual 1 where virtual 0 was expected
        b.append("measure", (1,), clbits=(0,))
    b.append("cx", (1, 2))
    b.append("measure", (1,), clbits=(1,))
    b.append("measure", (2,), clbits=(2,))
    return orig.build(), b.build()


def test_early_measurement_and_reuse():
    orig, out = early_measure()
    v, readout, early = split_measurements(out, copy_early=True)
    assert early == 1 and readout == {0: 3, 1: 1, 2: 2} and v.num_qubits == 4
    verdict = check_equivalence(orig, out, Exported("", initial_layout=[1, 0, 2],
                                                    final_layout=[0, 1, 2]))
    assert verdict.equivalent is True and "earlier" in verdict.note
    orig, out = early_measure(wrong=True)
    verdict = check_equivalence(orig, out, Exported("", initial_layout=[1, 0, 2],
                                                    final_layout=[0, 1, 2]))
    assert verdict.equivalent is False


def test_mid_circuit_measurement_is_not_checked():
    b = CircuitBuilder(2, 1)
    b.append("h", (0,))
    b.append("measure", (0,), clbits=(0,))
    b.append("cx", (0, 1))
    c = b.build()
    verdict = check_equivalence(c, c, Exported("", initial_layout=[0, 1], final_layout=[0, 1]))
    assert verdict.equivalent is None and "mid-circuit" in verdict.note


def test_validity_and_metrics():
    b = CircuitBuilder(4, 1)
    b.append("rphi", (0,), (0.1, 0.2))
    b.append("cz", (0, 1))
    b.append("rz", (1,), (0.3,))
    b.append("cz", (1, 2))
    b.append("barrier", (0, 1, 2))
    b.append("measure", (2,), clbits=(0,))
    c = b.build()
    m = measure(c)
    assert (m.two_qubit_count, m.one_qubit_count, m.two_qubit_depth) == (2, 2, 2)
    assert m.depth == 5 and m.ops == 6
    basis = ("rphi", "rz", "cz")
    assert validity(c, 4, basis, [(0, 1), (1, 2)]) == ""
    assert "off the live couplers, first on (1, 2)" in validity(c, 4, basis, [(0, 1)])
    assert "dead qubit" in validity(c, 4, basis, [(0, 1), (1, 2)], live_qubits=[0, 1, 3])
    assert "non-native gates: cz" in validity(c, 4, ("rphi", "rz", "cx"), [(0, 1), (1, 2)])
