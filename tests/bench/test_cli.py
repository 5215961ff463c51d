"""``jingu bench`` from the command line: files written, errors as exit codes."""

from __future__ import annotations

import csv
import json

from jingu.cli import main


def test_bench_command_writes_results(tmp_path, capsys):
    out = tmp_path / "res"
    code = main(["bench", "--no-corpus", "--families", "ghz", "--sizes", "3", "--target",
                 "grid:2x3", "--compilers", "jingu-O1", "--repeat", "1", "--baseline",
                 "jingu-O1", "--out", str(out), "--json"])
    assert code == 0
    rows = list(csv.DictReader((out / "results.csv").open()))
    assert [(r["circuit"], r["compiler"], r["status"]) for r in rows] == [
        ("ghz-3", "jingu-O1", "ok")]
    md = (out / "results.md").read_text()
    assert "## Summary against jingu-O1" in md and "| ghz-3 | 3 |" in md
    doc = json.loads((out / "results.json").read_text())
    assert doc["records"][0]["two_qubit_count"] == int(rows[0]["two_qubit_count"])
    assert doc["target"]["name"] and "pickled" not in doc["target"]
    for png in ("ratio_per_circuit.png", "time_vs_size.png"):
        path = out / png
        if path.exists():  # matplotlib installed
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    printed = capsys.readouterr().out
    assert "against jingu-O1" in printed and f"wrote {out / 'results.csv'}" in printed


def test_bench_bad_options(tmp_path, capsys):
    base = ["bench", "--no-corpus", "--out", str(tmp_path), "--target", "grid:2x3"]
    assert main(base + ["--families", "qtf"]) == 2
    assert "did you mean 'qft'" in capsys.readouterr().err
    assert main(base + ["--compilers", "jingu"]) == 2
    assert "NAME-O<level>" in capsys.readouterr().err
    assert main(base + ["--sizes", "3,x"]) == 2
    assert main(base + ["--filter", "qft["]) == 2
    assert "not a regular expression" in capsys.readouterr().err
    assert main(base + ["--families", "none"]) == 2
    assert "no circuits" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_bench_list(capsys):
    assert main(["bench", "--list"]) == 0
    text = capsys.readouterr().out
    assert "lattice" in text and "qiskit" in text and "levels 0,1,2,3" in text
