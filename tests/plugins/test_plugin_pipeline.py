"""The example plugin's pass in pipelines: by plain and qualified name, with options, and
replacing a preset's stage, from Python."""

from __future__ import annotations

import numpy as np
import pytest
from jingu.circuit import CircuitBuilder
from jingu.compilation import compile

from .support import circuit_unitary


def program():
    b = CircuitBuilder(3)
    b.append("h", (0,))
    b.append("rz", (0,), (0.25,))
    b.append("ccx", (0, 1, 2))  # unrolled into cx, h, t, tdg: diagonal runs to merge
    b.append("rz", (2,), (0.5,))
    b.append("cz", (1, 2))
    b.append("rz", (2,), (-0.5,))
    b.append("rz", (1,), (1.0,))
    return b.build()


@pytest.mark.parametrize("spec", ["unroll,merge-rz", "unroll,jingu-mylab:merge-rz",
                                  "unroll, jingu_mylab:merge-rz{through_diagonal=true}"])
def test_plugin_pass_runs_by_plain_and_qualified_name(mylab, spec):
    circuit = program()
    unrolled = compile(circuit, None, passes="unroll").circuit
    result = compile(circuit, None, passes=spec)
    assert result.report["pipeline"] == ["unroll", "merge-rz"]
    assert [m["name"] for m in result.report["passes"]] == ["unroll", "merge-rz"]
    assert result.circuit.count_ops()["rz"] < unrolled.count_ops()["rz"]
    assert np.allclose(circuit_unitary(result.circuit), circuit_unitary(unrolled), atol=1e-9)


def test_plugin_pass_options_come_from_the_pipeline_text(mylab):
    result = compile(program(), None, passes="unroll,merge-rz{through_diagonal=false}")
    assert result.report["pipeline"] == ["unroll", "merge-rz{through_diagonal=False}"]
    everything = compile(program(), None, passes="unroll,merge-rz").circuit
    assert result.circuit.count_ops()["rz"] > everything.count_ops()["rz"]


def test_plugin_pass_replaces_a_preset_stage(mylab):
    preset = compile(program(), None, optimization_level=1).report["pipeline"]
    replaced = compile(program(), None, optimization_level=1,
                             stages={"optimize": "jingu-mylab:merge-rz"}).report["pipeline"]
    assert "merge-rz" not in preset
    assert replaced[-1] == "merge-rz"  # optimize is the last stage
    assert replaced[: len(replaced) - 1] == [p for p in preset if p in replaced]


def test_audit_mode_accepts_merge_rz_and_blames_a_plugin_that_changes_the_meaning(
        mylab, tmp_path):
    pytest.importorskip("jingu.verify", reason="audit mode's meaning check")
    from jingu.errors import PluginError

    from .support import make_dist, on_path

    audited = compile(program(), None, passes="unroll,merge-rz", audit=True)
    assert audited.report["pipeline"] == ["unroll", "merge-rz"]
    site = make_dist(tmp_path / "site", "jingu-sloppy", {"jt_sloppy.py": """
        from jingu.api import Pass

        class DropRz(Pass):
            '''Deletes every rz (wrong).'''
            name = "drop-rz"

            def run(self, circuit, ctx):
                out = circuit.copy_empty()
                for op in circuit:
                    if op.name != "rz":
                        out.append(op.name, op.qubits, op.params, op.clbits, op.condition)
                return out.build()
        """}, passes={"drop-rz": "jt_sloppy:DropRz"}, version="0.2")
    with on_path(site), pytest.raises(PluginError,
                                      match="after pass 'drop-rz' from jingu-sloppy 0.2"):
        compile(program(), None, passes="unroll,drop-rz", audit=True)
