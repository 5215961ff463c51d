"""Clashing names, incompatible plugins and failing plugin passes are reported with the
plugin's name and distribution, and leave jingu working."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from jingu.circuit import CircuitBuilder
from jingu.compilation import compile
from jingu.errors import PipelineError, PluginError
from jingu.registry import find, load_pass

from .support import make_dist, on_path, run_cli

OTHER_MERGE = """
    from jingu.api import Pass

    class OtherMerge(Pass):
        '''Another lab's pass that happens to share the name.'''
        name = "merge-rz"

        def run(self, circuit, ctx):
            return circuit
    """

BAD_PASSES = """
    from jingu.api import Circuit, Pass

    class Future(Pass):
        '''Written for a plugin API that does not exist yet.'''
        name = "future"
        api_version = 99

    class Crash(Pass):
        '''Raises.'''
        name = "crash"

        def run(self, circuit, ctx):
            return 1 / 0

    class Liar(Pass):
        '''Promises a layout it never makes.'''
        name = "liar"
        guarantees = {"layout"}

        def run(self, circuit, ctx):
            return circuit

    class Scribbler(Pass):
        '''Writes into the circuit it was given.'''
        name = "scribbler"

        def run(self, circuit, ctx):
            circuit.params[:] = 0.0
            return circuit

    class Fussy(Pass):
        '''Cannot even be set up.'''
        name = "fussy"

        def __init__(self, **options):
            raise KeyError("no config file")

    class NotACircuit(Pass):
        name = "not-a-circuit"

        def run(self, circuit, ctx):
            return [circuit]

    class Unroll(Pass):
        '''Claims a built-in name.'''
        name = "unroll"

        def run(self, circuit, ctx):
            raise AssertionError("jingu's presets must never run this")
    """


@pytest.fixture
def otherlab(tmp_path, mylab_site):
    site = make_dist(tmp_path / "other", "jingu-otherlab", {"jt_other.py": OTHER_MERGE},
                     passes={"merge-rz": "jt_other:OtherMerge"}, version="2.3")
    with on_path(mylab_site, site):
        yield


@pytest.fixture
def badlab(tmp_path):
    site = make_dist(tmp_path / "bad", "jingu-badlab", {"jt_bad.py": BAD_PASSES}, passes={
        name: f"jt_bad:{cls}" for name, cls in [
            ("future", "Future"), ("crash", "Crash"), ("liar", "Liar"),
            ("scribbler", "Scribbler"), ("fussy", "Fussy"), ("not-a-circuit", "NotACircuit"),
            ("unroll", "Unroll")]}, version="0.0.1")
    with on_path(site):
        yield


def rz_circuit():
    b = CircuitBuilder(2)
    b.append("rz", (0,), (0.25,))
    b.append("cz", (0, 1))
    b.append("rz", (0,), (0.5,))
    b.append("h", (1,))
    return b.build()


def test_a_clash_names_both_distributions_and_qualified_names_resolve(otherlab, capsys):
    with pytest.raises(PluginError) as err:
        find("merge-rz")
    message = str(err.value)
    assert "jingu-mylab 0.1.0" in message and "jingu-otherlab 2.3" in message
    assert find("jingu-mylab:merge-rz").value == "jingu_mylab.merge_rz:MergeRz"
    assert find("jingu-otherlab:merge-rz").value == "jt_other:OtherMerge"
    assert find("jingu_otherlab:merge-rz").dist == "jingu-otherlab"  # normalised dist name
    # the pipeline by plain name fails before running anything, naming both
    code, _, err_text = run_cli(["passes", "show", "merge-rz"], capsys)
    assert code == 5 and "jingu-mylab" in err_text and "jingu-otherlab" in err_text
    with pytest.raises(PluginError, match="jingu-otherlab"):
        compile(rz_circuit(), None, passes="unroll,merge-rz")
    # qualified, each distribution's own pass runs
    mine = compile(rz_circuit(), None, passes="unroll,jingu-mylab:merge-rz").circuit
    theirs = compile(rz_circuit(), None, passes="unroll,jingu-otherlab:merge-rz").circuit
    assert mine.count_ops()["rz"] == 1 and theirs.count_ops()["rz"] == 2
    # the listing shows both under their qualified names, flagged
    code, out, _ = run_cli(["passes"], capsys)
    assert "jingu-mylab:merge-rz  [jingu-mylab 0.1.0]" in out
    assert "jingu-otherlab:merge-rz  [jingu-otherlab 2.3]" in out
    assert out.count("name clash: write it qualified") == 2


def test_an_incompatible_plugin_is_refused_with_a_clear_message(badlab, capsys):
    with pytest.raises(PluginError) as err:
        load_pass("future")
    message = str(err.value)
    assert "'future' from jingu-badlab 0.0.1" in message
    assert "plugin API 99" in message and "provides API 1" in message
    code, _, err_text = run_cli(["passes", "show", "future"], capsys)
    assert code == 5 and "plugin API 99" in err_text
    # the listing already says so, without importing it
    code, out, _ = run_cli(["passes"], capsys)
    block = out.split("future  [jingu-badlab 0.0.1]", 1)[1]
    assert "refused: written for plugin API 99" in block.split("\n\n")[0]


@pytest.mark.parametrize("name, audit, words", [
    ("crash", False, "failed: ZeroDivisionError"),
    ("liar", True, "fact 'layout' does not hold"),
    ("scribbler", False, "read-only"),
    ("fussy", False, "could not be set up: KeyError"),
    ("not-a-circuit", False, "returned list, not a Circuit"),
])
def test_a_failing_plugin_pass_is_reported_with_its_distribution(badlab, name, audit, words):
    circuit = rz_circuit()
    params = circuit.params.copy()
    with pytest.raises(PluginError) as err:
        compile(circuit, None, passes=name, audit=audit)
    assert f"'{name}' from jingu-badlab 0.0.1" in str(err.value)
    assert words in str(err.value)
    assert err.value.exit_code == 5
    # jingu's state is unharmed: the input is intact and writable, the next compile works
    assert np.array_equal(circuit.params, params) and circuit.params.flags.writeable
    again = compile(circuit, None, optimization_level=1)
    assert again.report["pipeline"][0] == "unroll" and len(again.circuit) == len(circuit)


def test_presets_keep_jingus_own_passes_when_a_plugin_reuses_a_name(badlab):
    with pytest.raises(PluginError, match="jingu-badlab"):
        find("unroll")
    out = compile(rz_circuit(), None, optimization_level=1)  # would raise if shadowed
    assert out.report["pipeline"][0] == "unroll"
    assert load_pass("jingu:unroll").__module__ == "jingu.passes.unroll"


def test_a_jingu_error_from_a_builtin_is_not_blamed_on_plugins(badlab):
    with pytest.raises(PipelineError) as err:
        compile(rz_circuit(), None, passes="jingu:unroll{max_qubits=many}")
    assert not isinstance(err.value, PluginError)


def test_a_plugin_that_fails_to_import_is_named_and_forgotten(tmp_path, capsys):
    site = make_dist(tmp_path / "broken", "jingu-broken", {
        "jt_broken/__init__.py": "",
        "jt_broken/passes.py": """
            import jingu_nonexistent_dependency
            """}, passes={"needs-dep": "jt_broken.passes:NeedsDep"}, version="3.1")
    with on_path(site):
        code, _, err = run_cli(["passes", "show", "needs-dep"], capsys)
        assert code == 5
        assert "'needs-dep' from distribution jingu-broken 3.1" in err
        assert "No module named 'jingu_nonexistent_dependency'" in err
        assert "jt_broken.passes" not in sys.modules  # nothing half-imported stays
        code, out, _ = run_cli(["passes"], capsys)  # the listing is unaffected
        assert code == 0 and "needs-dep  [jingu-broken 3.1]" in out
