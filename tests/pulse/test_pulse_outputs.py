"""The files: the JSON manifest, the samples, OpenPulse text, the atomic directory, the plot."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from jingu.errors import InputError
from jingu.pulse import generate, to_openpulse, write_directory
from jingu.pulse import manifest as mf
from jingu.pulse.codes import KIND_NAMES


@pytest.fixture(scope="module")
def program(wukong, make_native):
    from jingu.circuit import CircuitBuilder

    c = make_native(wukong, [0, 1, 6, 7], 40, 8, measure=True)
    b = CircuitBuilder(72, 72)
    b.append_circuit(c)
    b.append("reset", [0])
    b.append("barrier", [0, 1])
    b.append("delay", [1], [8e-9])
    return generate(b.build(), wukong, schedule="alap")


def test_manifest_round_trip(program, tmp_path):
    s = program.schedule
    write_directory(tmp_path / "out", s, program.samples)
    data = mf.read(tmp_path / "out" / "manifest.json")
    assert data["format"] == "jingu.pulse" and data["target"] == "wukong72"
    assert data["schedule"] == "alap" and data["duration"]["samples"] == s.total
    assert data["timing"] == {"sample_rate_gsps": 2.0, "granularity": 4, "dt_ns": 0.5}
    cols = data["instructions"]
    for name in mf.COLUMNS:
        assert np.array_equal(cols[name], getattr(s, name)), name
    assert cols["kinds"] == list(KIND_NAMES)
    assert len(data["channels"]) == 4 * 72 + 126
    ch = data["channels"][s.channels.index("q6.xy")]
    assert ch["name"] == "q6.xy" and ch["qubit"] == 6 and ch["used"]
    assert ch["frame"]["frequency"] == s.target.frequency[6]
    assert len(data["waveforms"]) == len(s.waveforms)
    assert {w["shape"] for w in data["waveforms"]} >= {"drag", "cosine_flat", "constant"}
    assert data["operations"]["start"] == s.op_start.tolist()


def test_samples_file_holds_every_channel(program, tmp_path):
    write_directory(tmp_path / "out", program.schedule, program.samples)
    with np.load(tmp_path / "out" / "samples.npz") as z:
        names = z["channels"].tolist()
        assert set(names) == {program.schedule.channels.name(int(c))
                              for c in program.samples.used_channels}
        for name in names:
            starts, lengths, data = program.samples.segments(name)
            assert np.array_equal(z[f"{name}.starts"], starts)
            assert np.allclose(z[f"{name}.samples"], data, atol=1e-7)
    write_directory(tmp_path / "dense", program.schedule, program.samples, dense=True)
    with np.load(tmp_path / "dense" / "samples.npz") as z:
        assert np.allclose(z["q0.xy"], program.samples.dense("q0.xy"), atol=1e-7)
        assert len(z["q0.xy"]) == program.schedule.total


def test_output_directory_is_all_or_nothing(program, tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_directory(out, program.schedule, program.samples, openpulse=True)
    assert sorted(os.listdir(out)) == ["manifest.json", "program.qasm", "samples.npz"]
    write_directory(out, program.schedule, program.samples)  # replaces a jingu directory
    assert sorted(os.listdir(out)) == ["manifest.json", "samples.npz"]
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep")
    with pytest.raises(InputError, match="refusing to overwrite"):
        write_directory(other, program.schedule, program.samples)
    assert (other / "notes.txt").read_text() == "keep"

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(mf, "dumps", boom)
    with pytest.raises(RuntimeError):
        write_directory(tmp_path / "new", program.schedule, program.samples)
    assert not (tmp_path / "new").exists()
    with pytest.raises(RuntimeError):
        write_directory(out, program.schedule, program.samples)
    assert sorted(os.listdir(out)) == ["manifest.json", "samples.npz"]  # untouched
    assert sorted(p for p in os.listdir(tmp_path) if p.startswith(".")) == []


def test_openpulse_text(program):
    text = to_openpulse(program.schedule)
    assert text.startswith('OPENQASM 3.0;\ndefcalgrammar "openpulse";')
    for needle in ("cal {", "extern port q0_xy;", "frame q0_xy_frame = newframe(q0_xy, ",
                   "waveform q0_pi = {", "defcal rphi(float[64] theta, float[64] phi) $0 {",
                   "play(q0_xy_frame, scale(q0_pi, theta / pi));", "defcal rz(float[64] lambda)",
                   "shift_phase(q0_xy_frame, -lambda);", "defcal cz $0, $1 {",
                   "defcal measure $0 -> bit {", "return capture_v2(q0_acq_frame, ",
                   "defcal reset $0 {", "if (r) { play(q0_xy_frame, q0_pi); }",
                   "c[0] = measure $0;", "barrier $0, $1;", "delay[16dt] $1;"):
        assert needle in text, needle
    # the timing is the schedule's: per qubit, delays and operation durations add up
    body = text.split("bit[72] c;\n", 1)[1]
    assert body.count("cz $") == program.schedule.circuit.count_ops()["cz"]


def test_openpulse_parses_as_openqasm3(program):
    openqasm3 = pytest.importorskip("openqasm3")
    tree = openqasm3.parse(to_openpulse(program.schedule))
    kinds = [type(s).__name__ for s in tree.statements]
    assert kinds[:2] == ["CalibrationGrammarDeclaration", "CalibrationStatement"]
    assert "CalibrationDefinition" in kinds and "QuantumMeasurementStatement" in kinds
    gates = [s for s in tree.statements if type(s).__name__ == "QuantumGate"]
    counts = program.schedule.circuit.count_ops()
    assert len(gates) == counts["rphi"] + counts["rz"] + counts["cz"]
    assert kinds.count("QuantumReset") == counts["reset"]


def test_plot(program, tmp_path):
    pytest.importorskip("matplotlib")
    from jingu.pulse import plot_schedule

    path = tmp_path / "s.png"
    rows = plot_schedule(program.schedule, program.samples, path)
    assert rows == len(np.unique(program.schedule.channel))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_import_is_light():
    code = ("import sys, jingu, jingu.pulse; from jingu.pulse import generate; "
            "print('numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
    help_out = subprocess.run([sys.executable, "-c", "import sys; from jingu.cli import main; "
                               "main(['pulse', '--help']); print('numba' in sys.modules)"],
                              capture_output=True, text=True, check=True)
    assert "--schedule" in help_out.stdout and help_out.stdout.strip().endswith("False")
