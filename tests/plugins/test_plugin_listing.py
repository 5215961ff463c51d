"""`jingu passes` lists built-in and plugin passes from metadata and source text only."""

from __future__ import annotations

import json

import pytest
from jingu.passinfo import UNAVAILABLE, describe_class, describe_entry
from jingu.registry import PASS_GROUP, entries, load_pass

from .support import make_dist, on_path, run_cli, run_python

IMPORTED = ("import sys; from jingu.cli import main; code = main({args!r}); "
            "print('PLUGIN-MODULES', sorted(m for m in sys.modules "
            "if m.partition('.')[0] in ('jingu_mylab', 'jt_noisy'))); "
            "print('HEAVY-MODULES', sorted(m for m in sys.modules "
            "if m.startswith('jingu.passes.') or m in ('numpy', 'numba')))")


def test_listing_shows_the_plugin_with_its_distribution_options_and_contract(mylab, capsys):
    code, out, _ = run_cli(["passes"], capsys)
    assert code == 0
    block = out.split("merge-rz  [jingu-mylab 0.1.0]", 1)[1].split("\n\n")[0]
    assert "Merge the rz rotations of each wire" in block
    assert "options: through_diagonal: bool = True" in block
    assert "contract: needs -; guarantees -" in block
    assert "unroll  [jingu 0.1.0]" in out and "guarantees unrolled" in out


def test_static_facts_match_the_imported_classes(mylab):
    """What the listing reads from source equals what the classes say once imported, for
    every registered pass (built-in or plugin) whose facts could be read."""
    checked = 0
    for entry in entries(PASS_GROUP):
        static = describe_entry(entry)
        if static.options is None:
            continue
        exact = describe_class(load_pass(entry.qualified), entry)
        for key in ("description", "doc", "needs", "guarantees", "invalidates", "analysis",
                    "api_version"):
            assert getattr(static, key) == getattr(exact, key), (entry.name, key)
        assert [(o.name, o.type) for o in static.options] == \
            [(o.name, o.type) for o in exact.options], entry.name
        for s, e in zip(static.options, exact.options):
            assert s.default == e.default or eval(s.default) == eval(e.default), entry.name
        checked += 1
    assert checked >= 2 and any(e.dist == "jingu-mylab" for e in entries(PASS_GROUP))


def test_show_imports_one_pass_and_prints_its_full_help(mylab, capsys):
    for name in ("merge-rz", "jingu-mylab:merge-rz"):
        code, out, _ = run_cli(["passes", "show", name], capsys)
        assert code == 0
        assert "merge-rz  [jingu-mylab 0.1.0]  plugin API 1" in out
        assert "Symbolic angles are added symbolically." in out  # the docstring's last line
        assert "through_diagonal: bool = True" in out
    code, out, _ = run_cli(["passes", "show", "merge-rz", "--json"], capsys)
    assert code == 0
    info = json.loads(out)
    assert info["qualified"] == "jingu-mylab:merge-rz" and info["options"][0]["default"] == "True"


def test_passes_json_listing(mylab, capsys):
    code, out, _ = run_cli(["passes", "--json"], capsys)
    assert code == 0
    infos = {i["qualified"]: i for i in json.loads(out)}
    assert infos["jingu-mylab:merge-rz"]["version"] == "0.1.0"
    assert infos["jingu:unroll"]["guarantees"] == ["unrolled"]


@pytest.mark.parametrize("args", [["--help"], ["passes"], ["passes", "--json"]])
def test_help_and_listing_do_not_import_plugin_modules(mylab_site, tmp_path, args):
    """Run in a fresh interpreter: a plugin that prints and leaves a mark when imported, and
    the example plugin, are both listed, and neither module is in sys.modules."""
    mark = tmp_path / "imported"
    noisy = make_dist(tmp_path / "site", "jt-noisy", {
        "jt_noisy/__init__.py": f"""
            open({str(mark)!r}, "w").write("imported")
            raise RuntimeError("a plugin that must not be imported by a listing")
            """,
        "jt_noisy/passes.py": """
            from jingu.api import Pass

            class Loud(Pass):
                '''A pass whose package explodes on import.'''
                name = "loud"
                level: int = 2
            """}, passes={"loud": "jt_noisy.passes:Loud"})
    done = run_python(IMPORTED.format(args=args), mylab_site, noisy)
    assert done.returncode == 0, done.stderr
    assert "PLUGIN-MODULES []" in done.stdout
    assert "HEAVY-MODULES []" in done.stdout  # nor built-in passes, numpy or numba
    assert not mark.exists()
    if args[0] == "--help":
        assert "passes" in done.stdout and "List passes" in done.stdout
    else:
        assert "merge-rz" in done.stdout and "loud" in done.stdout
        assert "level" in done.stdout  # its options were read from source all the same


def test_listing_reads_reexports_inherited_options_and_admits_what_it_cannot_read(
        tmp_path, capsys):
    site = make_dist(tmp_path, "jt-shapes", {
        "jt_shapes/__init__.py": "from .impl import Child as Exported\n",
        "jt_shapes/base.py": """
            from jingu.api import Pass

            class Base(Pass):
                '''A base with one option.'''
                needs = frozenset({"unrolled"})
                depth: int = 4
            """,
        "jt_shapes/impl.py": """
            import math
            from .base import Base

            class Child(Base):
                '''Inherits depth, adds angle.

                More text.
                '''
                name = "child"
                guarantees = {"routed", "layout"}
                angle: float = math.pi / 4
            """,
        "jt_shapes/made.py": """
            from jingu.api import Pass
            Made = type("Made", (Pass,), {"name": "made"})
            """}, passes={"child": "jt_shapes:Exported", "made": "jt_shapes.made:Made",
                          "child-by-path": "jt_shapes:impl.Child"})
    with on_path(site):
        code, out, _ = run_cli(["passes", "--json"], capsys)
        assert code == 0
        infos = {i["name"]: i for i in json.loads(out)}
        child = infos["child"]
        assert child["description"] == "Inherits depth, adds angle."
        assert [(o["name"], o["type"], o["default"]) for o in child["options"]] == [
            ("depth", "int", "4"), ("angle", "float", "math.pi / 4")]
        assert child["needs"] == ["unrolled"] and child["guarantees"] == ["layout", "routed"]
        by_path = infos["child-by-path"]
        assert (by_path["options"], by_path["source"]) == (child["options"], child["source"])
        assert infos["made"]["description"] == UNAVAILABLE
        assert infos["made"]["options"] is None
        # importing agrees with what the listing read
        exact = load_pass("child")
        assert list(exact.options) == ["depth", "angle"] and exact.needs == {"unrolled"}
