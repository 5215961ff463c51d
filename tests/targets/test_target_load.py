"""Resolving target names: built-ins, generators, files, plugins; index lists."""

from __future__ import annotations

import textwrap

import pytest

from jingu.errors import InputError, TargetError
from jingu.registry import Entry
from jingu.targets import Target, available, load_target, parse_index_list
from jingu.targets import load as load_module


def test_builtin_and_its_entry_point_factory():
    from jingu.targets.builtin import wukong72

    assert wukong72() is load_target("wukong72")  # built once per process
    assert load_target(load_target("wukong72")) is load_target("wukong72")


def test_file_by_str_and_path(tmp_path):
    text = load_target("line:3").to_toml()
    path = tmp_path / "mine.toml"
    path.write_text(text)
    a, b = load_target(str(path)), load_target(path)
    assert a == b == load_target("line:3") and a.source == str(path)


def test_unknown_name_suggests_and_lists():
    with pytest.raises(TargetError) as info:
        load_target("wukong27")
    message = str(info.value)
    assert "did you mean 'wukong72'" in message
    for form in ("grid:RxC", "heavy-hex:D", "line:N", "ring:N", ".toml"):
        assert form in message
    with pytest.raises(TargetError, match="not int"):
        load_target(72)


def test_disable_and_basis_through_load_target():
    t = load_target("wukong72", disable_qubits=parse_index_list("18,23"),
                    disable_couplers=parse_index_list("5-11"), basis=["x1", "rz", "cz"])
    assert t.dead_qubits == {18, 23} and t.dead_couplers == set(range(5, 12))
    assert "x1" in t.basis and "rphi" not in t.basis and "measure" in t.basis


@pytest.mark.parametrize("text,expected", [
    ("5-11,14", (5, 6, 7, 8, 9, 10, 11, 14)), ("18,23", (18, 23)), ("", ()), (None, ()),
    (" 3 , 1-2 ,3", (3, 1, 2)), ("7-7", (7,))])
def test_parse_index_list(text, expected):
    assert parse_index_list(text) == expected


@pytest.mark.parametrize("text,column,fragment", [
    ("5-11,x", 6, "neither an index"), ("1,,2", 3, "empty item"), ("11-5", 1, "goes down"),
    ("4, 2-", 4, "neither an index"), ("0-999999", 1, "too large")])
def test_parse_index_list_errors_point_at_the_item(text, column, fragment):
    with pytest.raises(InputError) as info:
        parse_index_list(text, option="--disable-qubits")
    lines = str(info.value).splitlines()
    assert lines[0].startswith(f"--disable-qubits at column {column}:") and fragment in lines[0]
    assert lines[1].strip() == text.strip()
    assert lines[2].index("^") - lines[1].index(text[0]) == column - 1


def test_available_lists_without_loading():
    facts = available()
    assert [b["name"] for b in facts["builtin"]] == ["wukong72"]
    assert facts["builtin"][0]["qubits"] == 72 and facts["builtin"][0]["couplers"] == 126
    assert [g["form"] for g in facts["generators"]] == ["grid:RxC", "heavy-hex:D", "line:N",
                                                        "ring:N"]


# ---------------------------------------------------------------------------- plugins

@pytest.fixture(scope="module")
def plugin_module(tmp_path_factory):
    import sys

    root = tmp_path_factory.mktemp("plugin")
    package = root / "jingu_test_chips"
    package.mkdir()
    toml = package / "chip.toml"
    toml.write_text(load_target("ring:4").to_toml())
    (package / "broken.toml").write_text('name = "broken"\nbasis = = 3\n')
    (package / "__init__.py").write_text(textwrap.dedent(f"""
        from pathlib import Path
        from jingu.targets import load_target

        TOML = {str(toml)!r}


        class Resource:  # what importlib.resources.files(...) / "chip.toml" gives
            name = "chip.toml"

            def read_text(self, encoding="utf-8"):
                return Path(TOML).read_text(encoding=encoding)


        TRAVERSABLE = Resource()

        def factory():
            return load_target("line:4")

        def path_factory():
            return TOML

        def bad():
            return 42

        def broken():
            raise RuntimeError("no calibration server")
    """))
    sys.path.insert(0, str(root))
    yield "jingu_test_chips"
    sys.path.remove(str(root))
    sys.modules.pop("jingu_test_chips", None)


def entry(name, attr, dist="mylab"):
    return Entry(name, f"jingu_test_chips:{attr}", dist, "1.0", "jingu.targets")


@pytest.fixture
def plugins(monkeypatch, plugin_module):
    items = (entry("fab", "factory"), entry("fromfile", "path_factory"),
             entry("const", "TOML"), entry("res", "TRAVERSABLE"), entry("bad", "bad"),
             entry("broken", "broken"), entry("missing", "nothing_here"),
             entry("shipped", "chip.toml"), entry("absent", "nope.toml"),
             entry("badfile", "broken.toml"),
             entry("wukong72", "factory"), entry("twin", "factory"),
             entry("twin", "path_factory", dist="otherlab"))
    monkeypatch.setattr(load_module, "plugin_entries", lambda: items)
    return items


def test_plugin_targets_in_every_form(plugins):
    assert load_target("fab") == load_target("line:4")
    ring4 = load_target("ring:4")
    for name in ("fromfile", "const", "res", "shipped"):
        assert load_target(name) == ring4
    assert load_target("shipped").source == "mylab:chip.toml"
    assert {p["name"] for p in available()["plugins"]} >= {"fab", "twin"}


@pytest.mark.parametrize("name,fragment", [
    ("bad", "gave int"), ("broken", "no calibration server"), ("missing", "cannot load"),
    ("absent", "cannot read the target file"),
    ("badfile", "mylab:broken.toml:2:9: error: not valid TOML"),
    ("wukong72", "built into jingu and also offered by mylab"),
    ("twin", "offered by mylab 1.0 .* and otherlab 1.0"), ("fabb", "did you mean 'fab'")])
def test_plugin_errors(plugins, name, fragment):
    with pytest.raises(TargetError, match=fragment):
        load_target(name)


def test_qualified_plugin_name(plugins):
    assert load_target("otherlab:twin") == load_target("ring:4")
    assert load_target("mylab:twin") == load_target("line:4")
    assert isinstance(load_target("mylab:wukong72"), Target)
