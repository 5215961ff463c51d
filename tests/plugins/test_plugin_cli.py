"""The example plugin through `jingu compile`: its pass by plain and qualified name, as a
replacement for a preset stage, and its target."""

from __future__ import annotations

import json

import pytest

from .support import make_dist, on_path, run_cli

pytest.importorskip("jingu.frontend", reason="jingu compile needs the front end")

PROGRAM = """OPENQASM 2.0;
include "qelib1.inc";
qreg q[3];
h q[0];
rz(0.25) q[0];
cz q[0],q[1];
rz(0.5) q[0];
rz(0.125) q[1];
cx q[1],q[2];
rz(-0.5) q[2];
rz(1.5) q[2];
"""


@pytest.fixture
def program(tmp_path):
    path = tmp_path / "prog.qasm"
    path.write_text(PROGRAM)
    return path


def compile_report(args, program, tmp_path, capsys):
    report = tmp_path / "report.json"
    code, out, err = run_cli(["compile", str(program), "--report", str(report), *args], capsys)
    assert code == 0, err
    return json.loads(report.read_text()), out


@pytest.mark.parametrize("name, target", [("merge-rz", "mylab-chip"),
                                          ("jingu-mylab:merge-rz", "jingu-mylab:mylab-chip")])
def test_compile_runs_the_plugin_pass_and_target_by_plain_and_qualified_name(
        mylab, program, tmp_path, capsys, name, target):
    plain, _ = compile_report(["--target", target, "--passes", "unroll"], program,
                              tmp_path, capsys)
    merged, out = compile_report(["--target", target, "--passes", f"unroll,{name}"],
                                 program, tmp_path, capsys)
    assert merged["pipeline"] == ["unroll", "merge-rz"]
    assert merged["target"] == "mylab-chip"
    assert merged["gate_counts"]["rz"] < plain["gate_counts"]["rz"]
    assert out.count("rz(") == merged["gate_counts"]["rz"]


def test_compile_replaces_the_optimize_stage_with_the_plugin_pass(mylab, program, tmp_path,
                                                                  capsys):
    preset, _ = compile_report(["--target", "mylab-chip", "-O1"], program, tmp_path, capsys)
    replaced, _ = compile_report(["--target", "mylab-chip", "-O1", "--optimize",
                                  "jingu-mylab:merge-rz"], program, tmp_path, capsys)
    assert replaced["pipeline"][-1] == "merge-rz" and "merge-rz" not in preset["pipeline"]
    assert replaced["pipeline"][:-1] == [p for p in preset["pipeline"]
                                         if p in replaced["pipeline"]]


def test_compile_reports_a_failing_plugin_with_exit_code_5(tmp_path, program, capsys):
    site = make_dist(tmp_path / "site", "jingu-crashlab", {"jt_crash.py": """
        from jingu.api import Pass

        class Crash(Pass):
            '''Always fails.'''
            name = "crash"

            def run(self, circuit, ctx):
                raise RuntimeError("the lab's pass is broken")
        """}, passes={"crash": "jt_crash:Crash"}, version="0.9")
    with on_path(site):
        code, out, err = run_cli(["compile", str(program), "--target", "grid:2x2",
                                  "--passes", "unroll,crash"], capsys)
        assert code == 5 and out == ""
        assert "pass 'crash' from jingu-crashlab 0.9 failed: RuntimeError" in err
        assert "Traceback" not in err
        code, out, err = run_cli(["compile", str(program), "--target", "grid:2x2",
                                  "--passes", "unroll"], capsys)
        assert code == 0 and "OPENQASM" in out


