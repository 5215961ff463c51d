"""The harness end to end with jingu alone (no reference compiler needed): the CSV and the
markdown say what the compiled circuits are, failures and timeouts are recorded and the run
goes on, and the same seed gives the same results."""

from __future__ import annotations

import csv
import io

import pytest

from jingu.bench.adapters import TargetSpec, parse_compilers
from jingu.bench.harness import PHASES, BenchSettings, run_benchmark
from jingu.bench.metrics import validity
from jingu.bench.report import CSV_COLUMNS, to_csv, to_json, to_markdown
from jingu.bench.suite import build_suite
from jingu.errors import InputError
from jingu.targets import load_target

TIMES = {"seconds", "seconds_min"}


@pytest.fixture(scope="module")
def target():
    return load_target("grid:2x3")


@pytest.fixture(scope="module")
def spec(target):
    return TargetSpec.from_target(target, recipe={"name": "grid:2x3"})


@pytest.fixture(scope="module")
def suite(target):
    s = build_suite(families=["ghz", "qft"], sizes=[3], seed=1, graph=target.graph,
                    max_qubits=6, with_corpus=False)
    assert [c.name for c in s.circuits] == ["ghz-3", "qft-3"]
    return s


@pytest.fixture(scope="module")
def jingu_run(suite, spec):
    settings = BenchSettings(repeat=2, timeout=120, seed=1, baseline="jingu-O1")
    return run_benchmark(suite.circuits, parse_compilers("jingu-O1"), spec, settings)


def rows(result):
    return list(csv.DictReader(io.StringIO(to_csv(result))))


def test_csv_matches_the_compiled_circuits(jingu_run, suite, target):
    from jingu.compilation import compile as jingu_compile
    from jingu.emit import emit
    from jingu.frontend import parse

    table = rows(jingu_run)
    assert list(table[0]) == CSV_COLUMNS
    assert [(r["circuit"], r["compiler"]) for r in table] == [("ghz-3", "jingu-O1"),
                                                              ("qft-3", "jingu-O1")]
    for row in table:
        assert row["status"] == "ok", row["error"]
        bc = next(c for c in suite.circuits if c.name == row["circuit"])
        level = int(row["compiler"][-1])
        # compile again here, read back through text (not the harness's columns), count
        result = jingu_compile(parse(bc.text), target, optimization_level=level, seed=1)
        out = parse(emit(result.circuit, "qasm2"))
        assert int(row["two_qubit_count"]) == out.two_qubit_count()
        assert int(row["depth"]) == out.depth()
        assert int(row["two_qubit_depth"]) == out.depth(two_qubit_only=True)
        assert int(row["ops"]) == len(out)
        assert int(row["num_qubits"]) == 3 and int(row["input_ops"]) == len(bc.circuit)
        reason = validity(out, 6, target_basis(target), target.graph.edges())
        assert row["valid"] == ("true" if not reason else "false")
        assert row["invalid_reason"] == reason
        assert int(row["repeats"]) == 2
        assert float(row["seconds_min"]) <= float(row["seconds"])
        assert row["equivalent"] == "true", row["check_note"]


def target_basis(target):
    return [g for g in target.basis if g not in ("measure", "reset", "barrier", "delay")]


def test_markdown_tables(jingu_run):
    md = to_markdown(jingu_run, "jingu-O1", command="jingu bench --test")
    assert "    jingu bench --test" in md
    assert "## Summary against jingu-O1" in md
    summary = md.split("## Summary")[1].split("##")[0]
    line = next(l for l in summary.splitlines() if l.startswith("| jingu-O1 |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[1] == f"{sum(r.usable for r in jingu_run.records if r.compiler == 'jingu-O1')}/2"
    if cells[1] != "0/2":  # against itself every ratio is exactly 1
        assert cells[6:10] == ["1.000"] * 4
    for rec in jingu_run.records:
        assert f"| {rec.circuit} | 3 |" in md
    counts = md.split("count per circuit")[1].split("##")[0]
    ghz = next(l for l in counts.splitlines() if l.startswith("| ghz-3 |"))
    assert ghz.split("|")[4].strip().split()[0] == str(jingu_run.records[0].two_qubit_count)


def test_same_seed_same_results(jingu_run, suite, spec):
    again = run_benchmark(suite.circuits, parse_compilers("jingu-O1"), spec,
                          BenchSettings(repeat=1, timeout=120, seed=1))

    def strip(result):
        return [{k: v for k, v in r.items() if k not in TIMES | {"repeats"}}
                for r in rows(result)]

    assert strip(again) == strip(jingu_run)


def test_failures_are_recorded_and_the_run_goes_on(suite, spec):
    compilers = parse_compilers(",".join(f"bench_fakes:{k}Adapter-O1" for k in (
        "Raise", "Sleep", "Crash", "Missing", "BrokenInit", "Echo")))
    warnings = []
    progress = []
    result = run_benchmark(suite.circuits, compilers, spec,
                           BenchSettings(repeat=1, timeout=2, seed=0, baseline="x"),
                           warn=warnings.append,
                           progress=lambda done, total, what: progress.append((done, total)))
    assert warnings == ["skipping bench_fakes:MissingAdapter-O1: a_package_that_is_not_installed_"
                        "anywhere is not installed (pip install 'jingu[bench]')"]
    assert progress[-1] == (10, 10) and progress[0] == (0, 10)
    by = {(r.circuit, r.compiler.split(":")[1].replace("Adapter", "")): r
          for r in result.records}
    assert len(result.records) == 10  # 2 circuits x 5 compilers that could run
    for c in ("ghz-3", "qft-3"):
        assert by[c, "Raise-O1"].status == "error"
        assert "boom: this compiler gives up" in by[c, "Raise-O1"].error
        assert by[c, "Sleep-O1"].status == "timeout" and by[c, "Sleep-O1"].seconds == 2
        assert by[c, "Crash-O1"].status == "crash" and "exit code 3" in by[c, "Crash-O1"].error
        assert by[c, "BrokenInit-O1"].status == "error"
        assert "cannot set up" in by[c, "BrokenInit-O1"].error
        echo = by[c, "Echo-O1"]
        assert echo.status == "ok" and echo.valid is False
        assert echo.invalid_reason.startswith("non-native gates:")
        assert echo.equivalent is True  # doing nothing is correct, just not native
    md = to_markdown(result, "bench_fakes:EchoAdapter-O1")
    failures = md.split("## Failures")[1]
    for what in ("error", "timeout", "crash", "invalid"):
        assert f"| {what} |" in failures
    assert "Skipped **bench_fakes:MissingAdapter-O1**" in md
    doc = to_json(result, "bench_fakes:EchoAdapter-O1")
    assert '"status": "timeout"' in doc


def test_unknown_compiler_names():
    with pytest.raises(InputError, match="did you mean 'qiskit'"):
        parse_compilers("qiskt-O3")
    with pytest.raises(InputError, match="NAME-O<level>"):
        parse_compilers("qiskit")
    with pytest.raises(InputError, match="named twice"):
        parse_compilers("jingu-O1,jingu-O1")


@pytest.fixture(scope="module")
def two_sizes(target):
    s = build_suite(families=["qft", "ghz"], sizes=[3, 4], seed=1, graph=target.graph,
                    max_qubits=6, with_corpus=False)
    assert [c.name for c in s.circuits] == ["qft-3", "qft-4", "ghz-3", "ghz-4"]
    return s


def test_larger_family_members_are_skipped_after_a_timeout(two_sizes, spec):
    seen = []
    result = run_benchmark(two_sizes.circuits, parse_compilers("bench_fakes:SleepAdapter-O1"),
                           spec, BenchSettings(repeat=1, timeout=1.5, seed=0),
                           on_record=seen.append)
    # run smallest first, reported in the suite's order
    assert [r.input_ops for r in seen] == sorted(r.input_ops for r in seen)
    assert [r.circuit for r in result.records] == ["qft-3", "qft-4", "ghz-3", "ghz-4"]
    status = {r.circuit: (r.status, r.error) for r in result.records}
    assert status["qft-3"][0] == status["ghz-3"][0] == "timeout"
    assert status["qft-4"] == ("skipped", "not tried: qft-3 timed out")
    assert status["ghz-4"] == ("skipped", "not tried: ghz-3 timed out")
    assert set(result.phases) == set(PHASES) and result.phases["start"] > 0
    md = to_markdown(result, "x")
    assert "| qft-4 | bench_fakes:SleepAdapter-O1 | skipped | not tried: qft-3 timed out |" in md
    again = run_benchmark(two_sizes.circuits, parse_compilers("bench_fakes:SleepAdapter-O1"),
                          spec, BenchSettings(repeat=1, timeout=1.5, seed=0,
                                              skip_after_timeout=False, budget=2.0))
    status = [r.status for r in again.records]
    assert status.count("timeout") == 2 and status.count("skipped") == 2  # budget: 1.5 + 1.5
    assert all("compile budget of 2 s" in r.error for r in again.records
               if r.status == "skipped")


def test_compile_budget_counts_repeats(two_sizes, spec):
    result = run_benchmark(two_sizes.circuits, parse_compilers("bench_fakes:EchoAdapter-O1"),
                           spec, BenchSettings(repeat=3, timeout=60, seed=0, budget=1e-9))
    done = [r for r in result.records if r.status == "ok"]
    assert len(done) == 1 and done[0].repeats == 3  # the budget is checked between compiles
    assert done[0].input_ops == min(r.input_ops for r in result.records)
    assert all(r.status == "skipped" for r in result.records if r is not done[0])
