import pytest

from jingu.circuit import CircuitBuilder
from jingu.errors import PipelineError
from jingu.passmanager import Pass, PassContext, check_pipeline, run_pipeline
from jingu.registry import build_pipeline, find, parse_pipeline


class Needy(Pass):
    """Needs a layout."""

    name = "needy"
    needs = {"layout"}

    def run(self, circuit, ctx):
        return circuit


class Tunable(Pass):
    """Has options of every kind."""

    name = "tunable"
    rounds: int = 3
    weight: float = 0.5
    greedy: bool = False
    mode: str = "fast"

    def run(self, circuit, ctx):
        return circuit


class Broken(Pass):
    name = "broken"

    def run(self, circuit, ctx):
        raise ZeroDivisionError("oops")


def small():
    b = CircuitBuilder(3)
    b.append("ccx", (0, 1, 2))
    return b.build()


def test_options_are_declared_typed_and_checked():
    p = Tunable(rounds="7", weight="2", greedy="true")
    assert (p.rounds, p.weight, p.greedy, p.mode) == (7, 2.0, True, "fast")
    assert repr(p) == "tunable{rounds=7,weight=2.0,greedy=True}"
    with pytest.raises(PipelineError, match="takes a int"):
        Tunable(rounds="many")
    with pytest.raises(PipelineError, match="did you mean 'rounds'"):
        Tunable(round=2)


def test_pipeline_text_parses_names_qualified_names_and_options():
    items = parse_pipeline("unroll, cancel-inverses{max_iter=3}, mylab:zx-simplify{rounds=3,a=b}")
    assert items == [("unroll", {}), ("cancel-inverses", {"max_iter": "3"}),
                     ("mylab:zx-simplify", {"rounds": "3", "a": "b"})]


@pytest.mark.parametrize("text, column", [("unroll{x=1", 7), ("unroll sabre", 8), ("a,{", 3)])
def test_pipeline_syntax_errors_point_at_the_column(text, column):
    with pytest.raises(PipelineError, match=f"column {column}"):
        parse_pipeline(text)


def test_pipeline_that_does_not_fit_is_refused_before_running():
    with pytest.raises(PipelineError, match="'needy' needs layout"):
        check_pipeline([Tunable(), Needy()])


def test_builtin_passes_resolve_through_entry_points():
    entry = find("unroll")
    assert entry.dist == "jingu" and entry.value == "jingu.passes.unroll:Unroll"
    (p,) = build_pipeline("unroll{max_qubits=3}")
    assert p.max_qubits == 3
    with pytest.raises(PipelineError, match="did you mean 'unroll'"):
        find("unrol")


def test_run_records_metrics_and_unroll_guarantees_unrolled():
    ctx = PassContext(audit=False)
    (unroll,) = build_pipeline("unroll")
    out = run_pipeline(small(), [unroll], ctx)
    assert set(out.count_ops()) <= {"h", "cx", "t", "tdg"}
    assert out.count_ops()["cx"] == 6
    assert [m.name for m in ctx.metrics] == ["unroll"] and ctx.metrics[0].two_qubit == 6


def test_a_crashing_pass_is_reported_by_name():
    with pytest.raises(PipelineError, match="pass 'broken' failed: ZeroDivisionError"):
        run_pipeline(small(), [Broken()], PassContext())


def test_rng_is_deterministic_per_seed_and_salt():
    a = PassContext(seed=5).rng("sabre").integers(0, 1 << 30, 4)
    b = PassContext(seed=5).rng("sabre").integers(0, 1 << 30, 4)
    c = PassContext(seed=6).rng("sabre").integers(0, 1 << 30, 4)
    assert a.tolist() == b.tolist() != c.tolist()
