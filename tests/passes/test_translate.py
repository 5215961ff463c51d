"""Basis translation: exact by simulation for every gate and basis, runs fused, symbols kept."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jingu.circuit import CircuitBuilder, Condition
from jingu.errors import CompileError, InputError
from jingu.gates import GATES, LIBRARY, Gate
from jingu.params import Symbol
from jingu.passes.synthesis.multi_controlled import mcx_cz_count, mcx_gate
from jingu.passes.translate import Translate, translate
from jingu.passmanager import PassContext, check_facts
from jingu.random_circuits import random_circuit
from jingu.simulate import equivalent, unitary

INSTR = {"measure", "reset", "barrier", "delay"}
BASES = {
    "wukong": {"rphi", "rz", "cz"} | INSTR,
    "cloud": {"x1", "rz", "cz"} | INSTR,
    "sx": {"cz", "rz", "sx", "x"} | INSTR,
    "u3": {"cz", "u3"} | INSTR,
}
UNITARY = [g for g in LIBRARY if g.is_unitary]
angles = st.floats(-4 * math.pi, 4 * math.pi, allow_nan=False)


def one_gate(name, params, qubits, num_qubits):
    b = CircuitBuilder(num_qubits)
    b.append(name, qubits, params)
    return b.build()


def assert_same(a, b, params=None):
    """Equal unitaries, global phase included (the simulator keeps it)."""
    assert np.allclose(unitary(a, params=params), unitary(b, params=params), atol=1e-9)


def native(circuit, basis):
    return set(circuit.count_ops()) <= basis


@pytest.mark.parametrize("basis", BASES, ids=str)
@pytest.mark.parametrize("gate", UNITARY, ids=lambda g: g.name)
def test_every_library_gate_reaches_every_basis_exactly(gate, basis, rng):
    params = tuple(rng.uniform(-7, 7, gate.num_params))
    qubits = tuple(int(q) for q in rng.permutation(gate.num_qubits + 1)[: gate.num_qubits])
    c = one_gate(gate.name, params, qubits, gate.num_qubits + 1)
    out = translate(c, BASES[basis])
    assert native(out, BASES[basis])
    assert_same(c, out)


@pytest.mark.parametrize("basis", BASES, ids=str)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_random_parameters_property(basis, data):
    gate = data.draw(st.sampled_from(UNITARY))
    params = tuple(data.draw(angles) for _ in range(gate.num_params))
    c = one_gate(gate.name, params, tuple(range(gate.num_qubits)), gate.num_qubits)
    out = translate(c, BASES[basis])
    assert native(out, BASES[basis])
    assert_same(c, out)


@pytest.mark.parametrize("basis", BASES, ids=str)
@pytest.mark.parametrize("seed", range(3))
def test_random_circuits_translate_exactly(basis, seed):
    gates = [g.name for g in UNITARY]
    c = random_circuit(5, 80, seed=seed, gates=gates)
    out = translate(c, BASES[basis])
    assert native(out, BASES[basis])
    assert_same(c, out)


def test_one_qubit_runs_become_the_basis_form(rng):
    b = CircuitBuilder(2)
    for _ in range(12):
        name = str(rng.choice(["h", "t", "sx", "ry", "u3", "x", "rphi", "s"]))
        g = GATES[name]
        b.append(name, (0,), tuple(rng.uniform(-3, 3, g.num_params)))
    b.append("cz", (0, 1))
    b.append("h", (1,))
    c = b.build()
    wukong = translate(c, BASES["wukong"])
    assert_same(c, wukong)
    ops = [op.name for op in wukong if op.qubits == (0,)]
    assert sorted(ops) in (["rphi", "rz"], ["rphi"], ["rz"])  # one pulse (and a virtual rz)
    cloud = translate(c, BASES["cloud"]).count_ops()
    assert cloud["x1"] <= 3 and cloud["cz"] == 1  # two pulses for the run, one for h
    assert translate(c, BASES["u3"]).count_ops() == {"u3": 2, "cz": 1}


def test_native_runs_are_kept_and_identities_vanish():
    b = CircuitBuilder(1)
    b.append("x1", (0,))
    c = b.build()
    assert [op.name for op in translate(c, BASES["cloud"])] == ["x1"]
    b = CircuitBuilder(1)
    b.append("h", (0,))
    b.append("h", (0,))
    out = translate(b.build(), BASES["wukong"])
    assert len(out) == 0 and math.isclose(math.remainder(out.global_phase, 2 * math.pi), 0,
                                          abs_tol=1e-12)


def test_symbolic_parameters_survive_and_bind_like_the_bound_circuit(rng):
    theta, phi, lam = Symbol("theta"), Symbol("phi"), Symbol("lam")
    b = CircuitBuilder(3)
    b.append("h", (0,))
    b.append("rx", (0,), (theta,))
    b.append("ry", (1,), (2 * phi,))
    b.append("u3", (2,), (theta, phi, lam + 0.5))
    b.append("crz", (0, 1), (theta - phi,))
    b.append("rzz", (1, 2), (lam,))
    b.append("cu3", (2, 0), (phi, lam, theta))
    b.append("rphi", (1,), (theta, phi))
    b.append("p", (2,), (lam,))
    c = b.build()
    for basis in BASES.values():
        out = translate(c, basis)
        assert native(out, basis)
        assert set(out.parameters) == {"theta", "phi", "lam"}
        for _ in range(2):
            values = dict(zip(("theta", "phi", "lam"), rng.uniform(-4, 4, 3)))
            assert_same(c, out, params=values)
            assert_same(translate(c.bind(values), basis), out, params=values)


def test_rules_keep_symbolic_one_qubit_gates_in_one_pulse():
    theta = Symbol("theta")
    b = CircuitBuilder(1)
    b.append("rx", (0,), (theta,))
    b.append("ry", (0,), (theta,))
    out = translate(b.build(), BASES["wukong"])
    assert [(op.name, op.params[1]) for op in out] == [("rphi", 0.0), ("rphi", math.pi / 2)]


def test_conditions_stay_on_every_translated_operation():
    b = CircuitBuilder(3, 2)
    b.append("measure", (0,), (), (0,))
    cond = Condition(0, 2, 1)
    b.append("ccx", (0, 1, 2), (), (), cond)
    b.append("h", (2,), (), (), cond)
    c = b.build()
    out = translate(c, BASES["wukong"])
    assert native(out, BASES["wukong"])
    conditioned = [op for op in out if op.condition is not None]
    assert all(op.condition == cond for op in conditioned)
    assert len(conditioned) == len(out) - 1
    assert out.count_ops()["cz"] == 6
    # each branch does what the source does (the dropped phase belongs to one branch)
    plain = CircuitBuilder(3)
    plain.append("ccx", (0, 1, 2))
    plain.append("h", (2,))
    stripped = CircuitBuilder(3)
    for op in conditioned:
        stripped.append(op.name, op.qubits, op.params)
    assert equivalent(plain.build(), stripped.build())


def test_instructions_pass_through_or_fail_clearly():
    b = CircuitBuilder(2, 2)
    b.append("h", (0,))
    b.append("barrier", ())
    b.append("delay", (1,), (1e-7,))
    b.append("reset", (1,))
    b.append("measure", (0,), (), (1,))
    c = b.build()
    out = translate(c, BASES["wukong"])
    assert [op.name for op in out][-4:] == ["barrier", "delay", "reset", "measure"]
    assert list(out)[-1].clbits == (1,)
    with pytest.raises(CompileError, match="'measure' is not in the basis"):
        translate(c, {"cz", "rz", "sx", "x", "barrier", "delay", "reset"})


def test_program_gates_are_inlined_with_their_parameters(rng):
    theta = Symbol("a")
    body = CircuitBuilder(3)
    body.append("ccx", (2, 0, 1))
    body.append("rz", (1,), (theta * 2,))
    body.append("cswap", (1, 0, 2))
    body.global_phase = theta / 3
    gate = Gate("mine", 3, 1, param_names=("a",), body=body.build())
    b = CircuitBuilder(4)
    b.register_gate(gate)
    b.append("mine", (3, 1, 0), (0.37,))
    c = b.build()
    out = translate(c, BASES["sx"])
    assert native(out, BASES["sx"])
    assert out.count_ops()["cz"] == 6 + 7
    assert_same(c, out)


def test_two_qubit_program_gates_use_kak_when_it_saves_cz():
    body = CircuitBuilder(2)
    for _ in range(3):  # cx^3 = cx: the body costs 3 CZ, the unitary needs 1
        body.append("cx", (0, 1))
    body.append("rzz", (0, 1), (0.4,))
    gate = Gate("wasteful", 2, body=body.build())
    b = CircuitBuilder(2)
    b.register_gate(gate)
    b.append("wasteful", (1, 0))
    c = b.build()
    out = translate(c, BASES["wukong"])
    assert out.count_ops()["cz"] <= 2
    assert_same(c, out)


@pytest.mark.parametrize("controls", [6, 7])
def test_wide_multi_controlled_x_as_a_program_gate(controls):
    b = CircuitBuilder(controls + 1)
    b.register_gate(mcx_gate(controls))
    b.append(f"mcx{controls}", tuple(range(controls, -1, -1)))
    c = b.build()
    out = translate(c, BASES["wukong"])
    cz = out.count_ops()["cz"]
    assert cz == mcx_cz_count(controls) <= 3 * (controls + 1) ** 2
    assert_same(c, out)


def test_opaque_gates_cannot_be_translated():
    b = CircuitBuilder(1)
    b.register_gate(Gate("mystery", 1))
    b.append("mystery", (0,))
    with pytest.raises(CompileError, match="opaque"):
        translate(b.build(), BASES["wukong"])


def test_the_pass_uses_the_target_basis_and_guarantees_native():
    from jingu.targets import load_target

    c = random_circuit(4, 40, seed=7, gates=[g.name for g in UNITARY])
    for basis in (None, "origin-cloud", "cz,rz,sx,x"):
        target = load_target("wukong72", basis=basis)
        ctx = PassContext(target=target)
        out = Translate().run(c, ctx)
        check_facts(out, ctx, {"native"})
        assert_same(c, out)


def test_the_basis_option_and_its_errors():
    c = random_circuit(3, 30, seed=2, gates=[g.name for g in UNITARY])
    for text in ("cz,rz,sx,x", "cz+rz+sx+x"):
        out = Translate(basis=text).run(c, PassContext())
        assert native(out, BASES["sx"])
    from jingu.registry import build_pipeline

    (p,) = build_pipeline("translate{basis=x1+rz+cz}")
    assert native(p.run(c, PassContext()), BASES["cloud"])
    with pytest.raises(InputError, match="unknown gate 'czz'"):
        Translate(basis="czz,rz").run(c, PassContext())
    with pytest.raises(InputError, match="needs a target or a basis"):
        Translate().run(c, PassContext())


def test_translation_is_deterministic():
    c = random_circuit(6, 200, seed=11, gates=[g.name for g in UNITARY])
    a, b = translate(c, BASES["wukong"]), translate(c, BASES["wukong"])
    assert np.array_equal(a.opcodes, b.opcodes) and np.array_equal(a.params, b.params)
    assert np.array_equal(a.qubits, b.qubits) and a.global_phase == b.global_phase


# ----------------------------------------------------------------------------------------
# the column path (numeric circuits of library gates) against the general walk

COLUMNS = ("opcodes", "qubit_ptr", "qubits", "param_ptr", "params", "param_expr", "clbit_ptr",
           "clbits", "cond_start", "cond_width", "cond_value")
FORM_BASES = [BASES["wukong"], BASES["cloud"], BASES["sx"], BASES["u3"],
              {"cx", "u3"} | INSTR, {"cz", "rx", "rz"} | INSTR, {"cz", "ry", "rz"} | INSTR,
              {"cx", "rz", "sx"} | INSTR, {"cz", "u"} | INSTR, {"cx", "rphi", "rz"} | INSTR,
              {"cz", "rphi", "rz", "ccx"} | INSTR, {"cz", "h", "s", "t", "x"} | INSTR]
SPECIAL = (0.0, -0.0, math.pi, -math.pi, math.pi / 2, -math.pi / 2, 2 * math.pi, 1e-14,
           math.pi + 1e-14, 3 * math.pi)


def mixed_circuit(seed):
    """Every library gate, special angles (signed zeros, half turns, near-drops), all four
    instructions, a global phase and layouts."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 6))
    gates = [g.name for g in UNITARY if g.num_qubits <= n]
    c = random_circuit(n, int(rng.integers(0, 150)), seed=seed, gates=gates)
    b = CircuitBuilder(n, 2, name="mixed")
    for op in c:
        special = rng.random() < 0.3
        b.append(op.name, op.qubits,
                 tuple(float(rng.choice(SPECIAL)) for _ in op.params) if special else op.params)
        r = rng.random()
        if r < 0.03:
            b.append("barrier", ())
        elif r < 0.06:
            b.append("barrier", tuple(sorted({int(q) for q in rng.integers(n, size=2)})))
        elif r < 0.08:
            b.append("measure", (int(rng.integers(n)),), (), (int(rng.integers(2)),))
        elif r < 0.09:
            b.append("delay", (int(rng.integers(n)),), (1e-7,))
        elif r < 0.10:
            b.append("reset", (int(rng.integers(n)),))
    b.global_phase = float(rng.uniform(-7, 7))
    b.initial_layout = rng.permutation(n)
    b.final_layout = rng.permutation(n)
    return b.build()


def assert_identical(a, b):
    for name in COLUMNS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), name
    assert repr(a.global_phase) == repr(b.global_phase)
    assert (a.num_qubits, a.num_clbits, a.name, a.qregs, a.cregs, a.expressions) == \
        (b.num_qubits, b.num_clbits, b.name, b.qregs, b.cregs, b.expressions)
    assert [g.name for g in a.gate_table] == [g.name for g in b.gate_table]
    assert np.array_equal(a.initial_layout, b.initial_layout)
    assert np.array_equal(a.final_layout, b.final_layout)


@pytest.mark.parametrize("seed", range(6))
def test_the_column_path_writes_the_same_bits_as_the_general_walk(seed, monkeypatch):
    from jingu.passes import translate as module

    c = mixed_circuit(seed)
    for basis in FORM_BASES:
        rules = module._Rules.of(frozenset(basis))
        try:
            walked = module._Translator(rules, c).run()
        except CompileError:  # a gate this basis cannot express: the walk reports it
            assert module._translate_columns(rules, c) is None
            continue
        for batch in (0, 10**9):  # the rphi form for all runs at once, and run by run
            monkeypatch.setattr(module, "_BATCH", batch)
            fast = module._translate_columns(rules, c)
            assert fast is not None
            assert_identical(fast, walked)
        if len(c) <= 60 and c.num_qubits <= 4:
            assert_same(c, fast)


def test_circuits_the_column_path_leaves_to_the_walk(rng):
    from jingu.passes import translate as module

    rules = module._Rules.of(frozenset(BASES["wukong"]))
    symbolic = CircuitBuilder(2)
    symbolic.append("h", (0,))
    symbolic.append("rx", (1,), (Symbol("t"),))
    conditioned = CircuitBuilder(2, 1)
    conditioned.append("h", (0,), (), (), Condition(0, 1, 1))
    body = CircuitBuilder(2)
    body.append("cx", (0, 1))
    program = CircuitBuilder(2)
    program.register_gate(Gate("mine", 2, body=body.build()))
    program.append("mine", (1, 0))
    no_measure = CircuitBuilder(1, 1)
    no_measure.append("measure", (0,), (), (0,))
    for b in (symbolic, conditioned, program):
        assert module._translate_columns(rules, b.build()) is None
    no_basis = module._Rules.of(frozenset({"rphi", "rz", "cz"}))
    assert module._translate_columns(no_basis, no_measure.build()) is None
    plain = translate(program.build(), BASES["wukong"])
    assert module._translate_columns(rules, plain) is not None  # already native: columns
    assert_same(program.build(), plain)


def test_signed_zero_angles_do_not_share_cached_matrices():
    """0.0 and -0.0 are equal as floats but give different matrix bits: whichever came
    first must not decide the other's (same input, same output, whatever ran before)."""
    from jingu.passes.translate import _matrix_1q

    for name, plus, minus in (("u3", (0.0, 0.3, 0.2), (-0.0, 0.3, 0.2)), ("rz", (0.0,), (-0.0,))):
        for params in (plus, minus, plus):
            got = np.array(_matrix_1q(name, params))
            assert got.tobytes() == GATES[name].matrix(params).reshape(4).tobytes()
