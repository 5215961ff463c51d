"""Summary arithmetic of the report on hand-made records."""

from __future__ import annotations

import pytest

from jingu.bench.adapters import TargetSpec
from jingu.bench.harness import BenchSettings, CompilerInfo, Record, RunResult
from jingu.bench.report import geomean, summarize, to_markdown

SPEC = TargetSpec("t", 4, ((0, 1), (1, 2), (2, 3)), ("cz", "rphi", "rz"), (0, 1, 2, 3))


def rec(circuit, compiler, cz, depth, seconds, **kw):
    return Record(circuit=circuit, family="x", num_qubits=4, input_ops=10,
                  input_multi_qubit=3, compiler=compiler, seconds=seconds, seconds_min=seconds,
                  repeats=1, two_qubit_count=cz, one_qubit_count=5, depth=depth,
                  two_qubit_depth=depth - 1, ops=cz + 5, valid=kw.pop("valid", True), **kw)


def result(records, settings=BenchSettings()):
    labels = list(dict.fromkeys(r.compiler for r in records))
    return RunResult(settings, SPEC, [CompilerInfo(l, "1") for l in labels], records)


def test_geomean():
    assert geomean([2.0, 0.5]) == pytest.approx(1.0)
    assert geomean([4.0, 1.0, 2.0]) == pytest.approx(2.0)
    assert geomean([]) is None


def test_ratios_use_circuits_both_compiled_validly():
    r = result([
        rec("a", "base", 10, 20, 1.0), rec("a", "new", 20, 10, 0.25),
        rec("b", "base", 10, 20, 2.0), rec("b", "new", 5, 40, 0.5),
        rec("c", "base", 10, 20, 1.0), rec("c", "new", 1, 1, 0.1, valid=False,
                                           invalid_reason="non-native gates: cx"),
        rec("d", "base", 10, 20, 1.0), rec("d", "new", 1, 1, 0.1, equivalent=False),
        rec("e", "base", 0, 3, 1.0), rec("e", "new", 0, 4, 1.0),
        rec("f", "base", 10, 20, 1.0), Record("f", "x", 4, 10, 3, "new", status="timeout",
                                              seconds=120.0),
        rec("g", "base", 10, 20, 1.0), Record("g", "x", 4, 10, 3, "new", status="skipped",
                                              error="not tried: f timed out"),
    ], BenchSettings(timeout=120, budget=600, repeat_cutoff=1.5))
    s = summarize(r, "base")
    new = s["new"]
    assert new["usable"] == 3 and new["invalid"] == 1 and new["failed"] == 1
    assert new["skipped"] == 1 and new["circuits"] == 7
    assert new["wrong"] == 1 and new["timeouts"] == 1 and new["compared"] == 3
    assert new["ratios"]["two_qubit_count"] == pytest.approx(1.0)  # 2 and 1/2; e has no ratio
    assert new["ratios"]["depth"] == pytest.approx((0.5 * 2 * 4 / 3) ** (1 / 3))
    assert new["ratios"]["seconds"] == pytest.approx((0.25 * 0.25 * 1.0) ** (1 / 3))
    assert s["base"]["ratios"]["two_qubit_count"] == pytest.approx(1.0)
    md = to_markdown(r, "base")
    row = next(l for l in md.splitlines() if l.startswith("| new |"))
    assert [c.strip() for c in row.strip("|").split("|")][:7] == ["new", "3/7", "1", "1", "1",
                                                                   "1/1", "1.000"]
    failures = md.split("## Failures")[1]
    assert "| c | new | invalid | non-native gates: cx |" in failures
    assert "| f | new | timeout |" in failures
    assert "| g | new | skipped | not tried: f timed out |" in failures
    policy = md.split("Time policy")[1].split("\n")[0]
    for words in ("after 120 s", "over 1.5 s", "spent 600 s compiling", "larger circuits"):
        assert words in policy
    counts = md.split("count per circuit")[1].split("##")[0]
    assert "| c | 4 | 3 | 10 | 1 invalid |" in counts
    assert "| d | 4 | 3 | 10 | 1 WRONG |" in counts


def test_missing_baseline_falls_back():
    r = result([rec("a", "one", 3, 3, 1.0), rec("a", "two", 6, 3, 1.0)])
    md = to_markdown(r, "qiskit-O3")
    assert "## Summary against one (qiskit-O3 did not run, so one is the baseline)" in md
    assert summarize(r, "one")["two"]["ratios"]["two_qubit_count"] == pytest.approx(2.0)
