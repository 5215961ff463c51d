"""``jingu pulse``: compile, lower, write, verify; clear errors and exit codes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from jingu.cli import main

BELL = """OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[2];
h q[0];
cx q[0], q[1];
measure q -> c;
"""
# q[0] and q[1] are coupled on wukong72: translation alone makes the circuit native
NATIVE_PIPELINE = "unroll,translate"


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def bell(tmp_path):
    path = tmp_path / "bell.qasm"
    path.write_text(BELL)
    return path


def test_writes_manifest_samples_and_openpulse(capsys, bell, tmp_path):
    out = tmp_path / "out"
    code, text, err = run(capsys, "pulse", bell, "-o", out, "--passes", NATIVE_PIPELINE,
                          "--emit", "openpulse", "--schedule", "alap")
    assert code == 0, err
    assert "wukong72 (alap)" in text and "wrote" in text and "channels used" in text
    data = json.loads((out / "manifest.json").read_text())
    assert data["schedule"] == "alap"
    kinds = np.array(data["instructions"]["kind"])
    assert (kinds == 0).sum() == 7  # 3 rphi, cz: flux + one Z line, 2 readout tones
    with np.load(out / "samples.npz") as z:
        assert "c0.flux.samples" in z.files and "q0.xy.samples" in z.files
    assert "defcal cz $0, $1" in (out / "program.qasm").read_text()


def test_verify_prints_the_fidelities(capsys, bell):
    code, text, _ = run(capsys, "pulse", bell, "--passes", NATIVE_PIPELINE, "--verify")
    assert code == 0
    rows = {line.split()[0]: line.split() for line in text.splitlines() if line.strip()}
    assert float(rows["rphi"][3]) >= 0.9999 and float(rows["cz"][3]) > 0.999
    assert "program on qubits [0, 1]: fidelity 0.99" in text


def test_json_summary(capsys, bell):
    code, text, _ = run(capsys, "pulse", bell, "--passes", NATIVE_PIPELINE, "--json",
                        "--verify")
    assert code == 0
    data = json.loads(text)
    assert data["instructions"] == 12 and data["channels_used"] == 8
    assert data["verify"]["cz"]["count"] == 1 and data["verify"]["program"]["qubits"] == [0, 1]


def test_a_pipeline_that_is_not_native_yet_is_a_clear_failure(capsys, bell, tmp_path):
    code, _, err = run(capsys, "pulse", bell, "-o", tmp_path / "out", "--passes", "unroll")
    assert code == 5
    assert "not native to wukong72" in err and "'h'" in err and "pipeline: unroll" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_cz_off_the_couplers_is_refused(capsys, tmp_path):
    path = tmp_path / "far.qasm"
    path.write_text(BELL.replace("q[2]", "q[8]").replace("c[2]", "c[8]")
                    .replace("cx q[0], q[1];", "cx q[0], q[7];"))
    code, _, err = run(capsys, "pulse", path, "--passes", NATIVE_PIPELINE)
    assert code == 5 and "share no live coupler" in err


def test_option_errors(capsys, bell):
    code, _, err = run(capsys, "pulse", bell, "--emit", "openpulse")
    assert code == 2 and "-o OUTDIR" in err
    code, _, err = run(capsys, "pulse", bell, "--schedule", "soon")
    assert code == 2


def test_plot_option(capsys, bell, tmp_path):
    pytest.importorskip("matplotlib")
    code, text, _ = run(capsys, "pulse", bell, "--passes", NATIVE_PIPELINE, "--plot",
                        tmp_path / "s.png")
    assert code == 0 and "drew 8 channels" in text and (tmp_path / "s.png").exists()


def test_the_default_preset_maps_the_program_onto_the_chip(capsys, tmp_path):
    path = tmp_path / "ghz3.qasm"
    path.write_text(BELL.replace("q[2]", "q[3]").replace("c[2]", "c[3]")
                    .replace("measure q -> c;", "cx q[1], q[2];\nmeasure q -> c;"))
    code, text, err = run(capsys, "pulse", path, "--verify", "--json")
    assert code == 0, err
    data = json.loads(text)
    assert data["verify"]["program"]["fidelity"] > 0.998
    assert len(data["verify"]["program"]["qubits"]) == 3
