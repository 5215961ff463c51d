"""Target files: every validation error names the field and the file line."""

from __future__ import annotations

import re

import pytest

from jingu.errors import TargetError
from jingu.targets import Target, TargetFileError, load_target
from jingu.targets.schema import TABLES

BASE = """\
name = "tiny"
description = "three qubits in a line"
basis = ["rphi", "rz", "cz", "measure", "reset", "barrier", "delay"]
dead_qubits = []
dead_couplers = []
timing = { sample_rate = 2.0, granularity = 4 }
durations = { rphi = 30.0, rz = 0.0, measure = 1500.0, reset = 2000.0 }

qubits = [
  { index = 0, site = [0.0, 0.0], frequency = 4.85, anharmonicity = -0.22, t1 = 15.0, t2 = 1.5, readout_error = 0.07, error_1q = 0.005 },
  { index = 1, site = [1.0, 0.0], frequency = 4.25, anharmonicity = -0.21, t1 = 12.0, t2 = 1.2, readout_error = 0.06, error_1q = 0.004 },
  { index = 2, site = [2.0, 0.0], frequency = 4.80, anharmonicity = -0.23, t1 = 11.0, t2 = 1.1, readout_error = 0.08, error_1q = 0.006 },
]
couplers = [
  { pair = [0, 1], cz_error = 0.03, cz_duration = 60.0, phase_compensation = [0.1, -0.2] },
  { pair = [1, 2], cz_error = 0.04, cz_duration = 60.0 },
]

[pulse]
qubits = [
  { index = 0, pi_amplitude = 0.28, drag = 0.72, pulse_length = 30.0, sigma = 7.5, drive_strength = 0.1, max_frequency = 4.85, flux_per_amplitude = 0.5, readout_frequency = 6.45, readout_amplitude = 0.15, readout_length = 1200.0, acquire_delay = 200.0, acquire_length = 1200.0 },
  { index = 1, pi_amplitude = 0.28, drag = 0.75, pulse_length = 30.0, sigma = 7.5, drive_strength = 0.1, max_frequency = 4.25, flux_per_amplitude = 0.5, readout_frequency = 6.49, readout_amplitude = 0.15, readout_length = 1200.0, acquire_delay = 200.0, acquire_length = 1200.0 },
  { index = 2, pi_amplitude = 0.28, drag = 0.69, pulse_length = 30.0, sigma = 7.5, drive_strength = 0.1, max_frequency = 4.80, flux_per_amplitude = 0.5, readout_frequency = 6.53, readout_amplitude = 0.15, readout_length = 1200.0, acquire_delay = 200.0, acquire_length = 1200.0 },
]
couplers = [
  { pair = [0, 1], flux_amplitude = 0.5, flux_length = 60.0, flux_rise = 10.0, qubit_flux = [0.37, 0.0], frequency = 6.5, max_frequency = 6.5, anharmonicity = -0.1, flux_per_amplitude = 0.5, g_qc = [0.1, 0.1], g_qq = 0.005 },
  { pair = [2, 1], flux_amplitude = 0.5, flux_length = 60.0, flux_rise = 10.0, qubit_flux = [0.36, 0.0], frequency = 6.4, max_frequency = 6.4, anharmonicity = -0.1, flux_per_amplitude = 0.5, g_qc = [0.11, 0.09], g_qq = 0.005 },
]
"""


def write(tmp_path, text, name="chip.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def line_of(text, marker, occurrence=1):
    """1-based line of the ``occurrence``-th line containing ``marker`` ('^...': starting
    with it)."""
    hits = [i for i, line in enumerate(text.splitlines(), 1)
            if (line.startswith(marker[1:]) if marker.startswith("^") else marker in line)]
    return hits[occurrence - 1]


def error_for(tmp_path, text) -> TargetFileError:
    with pytest.raises(TargetFileError) as info:
        load_target(write(tmp_path, text))
    return info.value


def test_base_document_is_valid(tmp_path):
    t = load_target(write(tmp_path, BASE))
    assert (t.name, t.num_qubits, t.num_couplers) == ("tiny", 3, 2)
    assert t.phase_compensation.tolist() == [[0.1, -0.2], [0.0, 0.0]]  # default filled in
    # pulse entry written as [2, 1] is oriented like the coupler [1, 2]
    assert t.pulse.for_coupler(1)["g_qc"] == [0.09, 0.11]
    assert t.pulse.for_coupler(1)["qubit_flux"] == [0.0, 0.36]


# (replace this, with that, expected field, marker of the expected line, message fragment)
CASES = [
    ('name = "tiny"', 'nmae = "tiny"', "nmae", "nmae", "did you mean 'name'"),
    ("t1 = 12.0", "t1 = -12.0", "qubits[1].t1", "index = 1,", "must be > 0"),
    ("t1 = 12.0", "T1 = 12.0", "qubits[1].T1", "index = 1,", "did you mean 't1'"),
    (", error_1q = 0.006 }", " }", "qubits[2]", "index = 2, site", "missing 'error_1q'"),
    ("t2 = 1.1", "t2 = 30.0", "qubits[2].t2", "index = 2, site", "exceeds 2 t1"),
    ("frequency = 4.25", 'frequency = "4.25"', "qubits[1].frequency", "index = 1, site",
     "expected a number"),
    ("readout_error = 0.08", "readout_error = true", "qubits[2].readout_error",
     "index = 2, site", "expected a number"),
    ("readout_error = 0.06", "readout_error = 1.5", "qubits[1].readout_error",
     "index = 1, site", "must be >= 0 and < 1"),
    ("{ index = 2, site", "{ index = 1, site", "qubits[2].index", "index = 1, site = [2.0",
     "already described by qubits[1]"),
    ("{ index = 2, site", "{ index = 3, site", "qubits", "^qubits = [", "qubit 2 is missing"),
    ("pair = [1, 2], cz_error", "pair = [1, 7], cz_error", "couplers[1].pair",
     "pair = [1, 7]", "qubit 7 does not exist"),
    ("pair = [1, 2], cz_error", "pair = [1, 1], cz_error", "couplers[1].pair",
     "pair = [1, 1]", "two different qubits"),
    ("pair = [1, 2], cz_error", "pair = [1, 0], cz_error", "couplers[1].pair",
     "pair = [1, 0]", "already have a coupler"),
    ("cz_error = 0.04, cz_duration = 60.0", "cz_error = 0.04, cz_duration = 61.0",
     "couplers[1].cz_duration", "cz_duration = 61.0", "not on the timing grid"),
    ("rz = 0.0,", "rz = 0.0, cz = 60.0,", "durations.cz", "durations =", "per coupler"),
    ("rphi = 30.0", "rphii = 30.0", "durations.rphii", "durations =", "did you mean 'rphi'"),
    ("measure = 1500.0, ", "", "durations", "durations =",
     "no duration for the native operation 'measure'"),
    ('"rphi", "rz"', '"rphi", "rzz2"', "basis[1]", "basis =", "unknown operation 'rzz2'"),
    ("dead_qubits = []", "dead_qubits = [5]", "dead_qubits[0]", "dead_qubits",
     "qubit 5 does not exist"),
    ("dead_couplers = []", "dead_couplers = [[0, 2]]", "dead_couplers[0]", "dead_couplers",
     "no coupler joins qubits 0 and 2"),
    ("dead_couplers = []", "dead_couplers = [2]", "dead_couplers[0]", "dead_couplers",
     "coupler 2 does not exist"),
    ("granularity = 4", "granularity = 0", "timing.granularity", "timing =", "must be > 0"),
    ("sigma = 7.5, drive_strength = 0.1, max_frequency = 4.25",
     "sigma = 20.0, drive_strength = 0.1, max_frequency = 4.25", "pulse.qubits[1].sigma",
     "sigma = 20.0", "more than half"),
    ("max_frequency = 4.80", "max_frequency = 4.70", "pulse.qubits[2].max_frequency",
     "max_frequency = 4.70", "below the qubit's frequency"),
    ("acquire_length = 1200.0 },\n  { index = 1",
     "acquire_length = 1400.0 },\n  { index = 1", "pulse.qubits[0].acquire_length",
     "acquire_length = 1400.0", "after the measure duration"),
    ("flux_length = 60.0, flux_rise = 10.0, qubit_flux = [0.36",
     "flux_length = 64.0, flux_rise = 10.0, qubit_flux = [0.36", "pulse.couplers[1].flux_length",
     "flux_length = 64.0", "longer than the coupler's cz_duration"),
    ("flux_amplitude = 0.5, flux_length = 60.0, flux_rise = 10.0, qubit_flux = [0.37",
     "flux_amplitude = 1.5, flux_length = 60.0, flux_rise = 10.0, qubit_flux = [0.37",
     "pulse.couplers[0].flux_amplitude", "flux_amplitude = 1.5", "must be >= -1 and <= 1"),
    ("  { index = 2, pi_amplitude", "  # { index = 2, pi_amplitude", "pulse.qubits",
     ("^qubits = [", 2), "no calibration for live qubit(s) 2"),
]


@pytest.mark.parametrize("old,new,field,marker,fragment", CASES,
                         ids=[c[2] + ":" + c[4][:20] for c in CASES])
def test_errors_name_field_and_line(tmp_path, old, new, field, marker, fragment):
    assert old in BASE
    text = BASE.replace(old, new, 1)
    err = error_for(tmp_path, text)
    assert err.field == field
    assert fragment in str(err)
    expected_line = line_of(text, *marker) if isinstance(marker, tuple) else line_of(text, marker)
    assert err.line == expected_line, str(err)
    # rendered as file:line:column, the offending line shown with a caret under the field
    rendered = str(err).splitlines()
    assert rendered[0].startswith(f"{tmp_path / 'chip.toml'}:{expected_line}:")
    assert rendered[1].strip() == text.splitlines()[expected_line - 1].strip()
    assert rendered[2].strip() == "^"
    assert isinstance(err, TargetError) and err.exit_code == 3


def test_caret_points_at_the_key(tmp_path):
    text = BASE.replace("t1 = 12.0", "t1 = -12.0")
    err = error_for(tmp_path, text)
    line = text.splitlines()[err.line - 1]
    assert line[err.location.column - 1:].startswith("t1 = -12.0")


def test_dead_qubit_needs_no_pulse_calibration(tmp_path):
    text = BASE.replace("dead_qubits = []", "dead_qubits = [2]").replace(
        "  { index = 2, pi_amplitude", "  # { index = 2, pi_amplitude").replace(
        "  { pair = [2, 1]", "  # { pair = [2, 1]")
    t = load_target(write(tmp_path, text))
    assert t.dead_qubits == {2} and not t.pulse.has_qubit(2) and t.pulse.has_qubit(1)
    assert not t.pulse.has_coupler(1) and t.pulse.has_coupler(0)
    assert t.coupler_live.tolist() == [True, False]


def test_toml_syntax_error_has_line(tmp_path):
    text = BASE.replace("t1 = 12.0", "t1 = = 12.0")
    err = error_for(tmp_path, text)
    assert err.line == line_of(text, "t1 = = 12.0")
    assert "not valid TOML" in str(err)


def test_array_of_tables_layout_is_located_too(tmp_path):
    text = """\
name = "aot"
basis = ["rphi", "rz", "cz", "measure"]
[durations]
rphi = 30.0
rz = 0.0
measure = 1500.0

[[qubits]]
index = 0
site = [0, 0]
frequency = 4.8
anharmonicity = -0.2
t1 = 10
t2 = 1
readout_error = 0.07
error_1q = 0.005

[[qubits]]
index = 1
site = [1, 0]
frequency = 4.2
anharmonicity = 0.2
t1 = 10
t2 = 1
readout_error = 0.07
error_1q = 0.005
"""
    err = error_for(tmp_path, text)
    assert err.field == "qubits[1].anharmonicity"
    assert err.line == line_of(text, "anharmonicity = 0.2")
    fixed = load_target(write(tmp_path, text.replace("anharmonicity = 0.2",
                                                     "anharmonicity = -0.2")))
    assert fixed.t1.tolist() == [10.0, 10.0] and fixed.num_couplers == 0


def test_missing_file_and_top_level_type(tmp_path):
    with pytest.raises(TargetError, match="no such target file"):
        load_target(tmp_path / "absent.toml")
    err = error_for(tmp_path, BASE.replace('name = "tiny"', "name = 7"))
    assert err.field == "name" and "expected a string" in str(err)


def test_documents_without_text_name_the_field():
    from jingu.targets.nominal import nominal_document
    from jingu.targets.lattices import line

    doc = nominal_document(line(3))
    doc["qubits"][1]["t2"] = 99.0
    with pytest.raises(TargetFileError) as info:
        Target.from_document(doc, source="mine")
    assert info.value.field == "qubits[1].t2" and info.value.line is None
    assert str(info.value).startswith("mine: error: qubits[1].t2")


def test_docs_describe_every_field():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "targets.md").read_text()
    for table, fields in TABLES.items():
        for f in fields:
            assert re.search(rf"^\| `{f.name}` \|", docs, re.M), (table, f.name)


def test_key_scanner_on_tricky_toml():
    from jingu.targets.tomlfile import key_positions, tomllib

    text = (
        'name = "a # b = ["  # comment ]\n'
        'description = """multi\n'
        'line = [ """\n'
        "timing.sample_rate = 2.0\n"
        "'quoted.key' = 1\n"
        "[pulse]\n"
        "qubits = [ {index = 0, a = [1, 2]}, {index = 1},\n"
        "  # comment {\n"
        '  { index = 2, b = "}" },\n'
        "]\n"
        "[[x.y]]\n"
        "k = 1\n"
        "[[x.y]]\n"
        "k = 2\n")
    tomllib.loads(text)  # valid TOML
    pos = key_positions(text)
    assert ("line",) not in pos and ("description",) in pos
    assert pos[("timing", "sample_rate")] == (4, 1) and pos[("quoted.key",)] == (5, 1)
    assert pos[("pulse", "qubits", 1, "index")] == (7, 38)
    assert pos[("pulse", "qubits", 2)] == (9, 3) and pos[("pulse", "qubits", 2, "b")] == (9, 16)
    assert pos[("x", "y", 1, "k")] == (14, 1) and pos[("x", "y", 0, "k")] == (12, 1)
