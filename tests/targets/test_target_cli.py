"""``jingu targets`` and ``jingu target show``: output, exit codes, the plot."""

from __future__ import annotations

import json
import sys

import pytest

from jingu.cli import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_targets_lists_builtins_generators_and_presets(capsys):
    code, out, _ = run(capsys, "targets")
    assert code == 0
    for text in ("wukong72", "72 qubits, 126 couplers", "grid:RxC", "heavy-hex:D", "line:N",
                 "ring:N", "origin-cloud = x1,rz,cz", "(none installed)"):
        assert text in out
    code, out, _ = run(capsys, "targets", "--json")
    assert json.loads(out)["builtin"][0]["name"] == "wukong72"


def test_show_summary(capsys):
    code, out, _ = run(capsys, "target", "show", "wukong72")
    assert code == 0
    for text in ("72 (72 live, 0 dead)", "126 (126 live, 0 dead)", "diameter        16 hops",
                 "rphi rz cz measure reset barrier delay", "cz 60 ns", "measure 1500 ns",
                 "NOMINAL", "CZ error        0.0", "T1 us"):
        assert text in out, text


def test_show_with_holes_as_json(capsys):
    code, out, _ = run(capsys, "target", "show", "wukong72", "--disable-qubits", "36-41",
                       "--disable-couplers", "0", "--json")
    assert code == 0
    facts = json.loads(out)
    assert facts["pieces"] == [36, 30] and facts["live_qubits"] == 66
    assert facts["dead_qubits"] == list(range(36, 42))
    assert [0, 0, 1] in facts["dead_couplers"] and facts["live_couplers"] == 126 - 17 - 1
    assert 0.02 <= facts["cz_error"]["min"] <= facts["cz_error"]["max"] <= 0.05
    assert facts["t1_us"]["worst_label"].startswith("q")


def test_show_generator_and_basis(capsys):
    code, out, _ = run(capsys, "target", "show", "heavy-hex:3", "--basis", "cz,rz,sx,x",
                       "--json")
    facts = json.loads(out)
    assert code == 0 and facts["qubits"] == 19 and facts["couplers"] == 20
    assert set(facts["basis"]) >= {"cz", "rz", "sx", "x", "measure"}


def test_plot_writes_an_image(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path = tmp_path / "lattice.png"
    code, _, err = run(capsys, "target", "show", "wukong72", "--disable-qubits", "18",
                       "--plot", str(path))
    assert code == 0 and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wrote" in err
    code, _, err = run(capsys, "target", "show", "line:3", "--plot", str(tmp_path / "x.bmpx"))
    assert code == 2 and "suffixes" in err and not (tmp_path / "x.bmpx").exists()


def test_plot_without_matplotlib_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, _, err = run(capsys, "target", "show", "line:3", "--plot", str(tmp_path / "a.png"))
    assert code == 2 and "pip install 'jingu[plot]'" in err
    assert not (tmp_path / "a.png").exists()


def test_errors_have_exit_codes(tmp_path, capsys):
    code, _, err = run(capsys, "target", "show", "wukong27")
    assert code == 3 and "did you mean 'wukong72'" in err
    code, _, err = run(capsys, "target", "show", "wukong72", "--disable-qubits", "1,x")
    assert code == 2 and "--disable-qubits at column 3" in err and "^" in err
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nbasis = ["cz"]\ndurations = {}\nqubits = 3\n')
    code, _, err = run(capsys, "target", "show", str(bad))
    assert code == 3 and f"{bad}:4:" in err and "qubits" in err
    code, _, err = run(capsys, "target", "show", "wukong72", "--disable-qubits", "80")
    assert code == 3 and "qubit 80" in err
