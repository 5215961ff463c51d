"""compile() end to end at every optimisation level: every output is native, uses live
couplers only, and means what its input means (by simulation, read through the reported
layouts) -- on wukong72 and on wukong72 with holes, for random circuits of 2 to 12 qubits
and for the shared corpus's small files.  Higher levels never return a worse circuit."""

from __future__ import annotations

import subprocess
import sys

import jingu
import numpy as np
import pytest
from corpus import corpus_files
from jingu.circuit import CircuitBuilder
from jingu.compilation import FLOOR_LEVEL, quality_key
from jingu.passmanager import PassContext, check_facts
from jingu.random_circuits import random_circuit
from jingu.simulate import assert_equivalent, same_action
from jingu.targets import load_target

LEVELS = (0, 1, 2, 3)
HOLES = {"disable_qubits": [7, 20, 33, 50], "disable_couplers": [(14, 15), (26, 32), (60, 61)]}


@pytest.fixture(scope="module")
def targets():
    return {"wukong72": load_target("wukong72"), "holes": load_target("wukong72", **HOLES)}


def assert_valid(out, target) -> None:
    """Native gates only, two-qubit gates only on live couplers, a layout on live qubits."""
    check_facts(out, PassContext(target=target), {"layout", "routed", "native"})
    assert np.isin(out.initial_layout, target.live_qubits).all()


def statistics_tolerance(report) -> float:
    """How far measurement probabilities may move (total variation): rounding, plus what the
    reported approximation allows -- an average-gate infidelity e moves amplitudes, hence
    probabilities, by about sqrt(e)."""
    return 1e-8 + 4.0 * float(np.sqrt(report["approximation"]["infidelity_bound"]))


def _measured(c):
    b = CircuitBuilder(c.num_qubits, c.num_qubits)
    b.append_circuit(c)
    for q in range(c.num_qubits):
        b.append("measure", (q,), (), (q,))
    return b.build()


CASES = [(n, level, name) for n in range(2, 13) for level in LEVELS
         for name in ("wukong72", "holes")]


@pytest.mark.parametrize("n, level, name", CASES)
def test_random_circuits_at_every_level(targets, n, level, name):
    target = targets[name]
    for seed in range(3):
        c = random_circuit(n, 6 * n, seed=1000 * n + 10 * level + seed)
        out = jingu.compile(c, target, optimization_level=level, seed=seed).circuit
        assert_valid(out, target)
        assert_equivalent(c, out)


@pytest.mark.parametrize("level", LEVELS)
def test_measured_circuits_keep_their_statistics(targets, level):
    for seed in range(6):
        c = _measured(random_circuit(5, 30, seed=seed))
        result = jingu.compile(c, targets["holes"], optimization_level=level, seed=seed)
        assert_valid(result.circuit, targets["holes"])
        assert same_action(c, result.circuit, measurement_only=True,
                           atol=statistics_tolerance(result.report))


def _small_corpus():
    files = []
    for path in corpus_files():
        text = path.read_text()
        if "qreg" not in text:
            continue
        files.append(path)
    return files


@pytest.mark.parametrize("level", [1, 3, pytest.param(0, marks=pytest.mark.slow),
                                   pytest.param(2, marks=pytest.mark.slow)])
def test_corpus_files_of_at_most_12_qubits(targets, level):
    from jingu.errors import JinguError
    from jingu.frontend import parse_file

    checked = 0
    for path in _small_corpus():
        try:
            program = parse_file(str(path))
        except JinguError:
            continue  # the four invalid files: the front-end tests cover their errors
        if program.num_qubits > 12 or len(program) > 1500:
            continue
        target = targets["holes" if checked % 2 else "wukong72"]
        result = jingu.compile(program, target, optimization_level=level, seed=1)
        assert_valid(result.circuit, target)
        if program.cond_width.any() or "reset" in program.count_ops():
            continue  # classical control: valid, but a statevector cannot compare it
        assert same_action(program, result.circuit, measurement_only=True,
                           atol=statistics_tolerance(result.report)), path.name
        checked += 1
    if not checked:
        pytest.skip("the shared corpus is not here")
    assert checked >= 15


def test_higher_levels_never_return_worse_than_the_floor(targets):
    from jingu.bench.circuits import generate

    for family, n in (("bv", 32), ("qft", 12), ("adder", 10), ("random", 12), ("qaoa1", 16)):
        c = generate(family, n)
        floor = quality_key(jingu.compile(c, targets["wukong72"],
                                          optimization_level=FLOOR_LEVEL).circuit)
        for level in (2, 3):
            result = jingu.compile(c, targets["wukong72"], optimization_level=level)
            assert quality_key(result.circuit) <= floor, (family, level)
            kept = result.report["kept"]
            assert kept["level"] in ("own", f"O{FLOOR_LEVEL}")
            assert min(kept["own"], kept[f"O{FLOOR_LEVEL}"]) == list(quality_key(result.circuit))


def test_same_seed_same_bytes_in_another_process(tmp_path):
    from jingu.bench.circuits import generate
    from jingu.emit import emit

    source = tmp_path / "in.qasm"
    source.write_text(emit(generate("qaoa2", 12), "qasm2"))
    outputs = []
    for _ in range(2):
        out = tmp_path / f"out{len(outputs)}.qasm"
        subprocess.run([sys.executable, "-c", "from jingu.cli import entry; entry()", "compile", str(source), "-O3",
                        "--seed", "5", "-o", str(out)], check=True)
        outputs.append(out.read_bytes())
    here = emit(jingu.compile(generate("qaoa2", 12), "wukong72", optimization_level=3,
                              seed=5).circuit, "qasm2").encode()
    assert outputs[0] == outputs[1] == here
