"""Finding a target from what a user typed: built-in names, generator specs, .toml files
and installed plugins (entry-point group ``jingu.targets``, loaded only when named).

Resolution order: a ``Target`` as is; a path (``*.toml`` or containing a slash); a generator
spec (``grid:RxC``, ``heavy-hex:D``, ``line:N``, ``ring:N``); a built-in name; a plugin
name (or ``dist:name`` when two distributions offer it).  Built-ins, generated lattices and
plugins are built once per process and shared: a Target is immutable.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Iterable, Sequence

from jingu.errors import InputError, TargetError, suggest

from .builtin import builtin_names, builtin_path
from .lattices import GENERATORS, is_generator_spec, parse_generator
from .model import Target

TARGET_GROUP = "jingu.targets"


def load_target(spec_or_path, *, disable_qubits: Iterable[int] = (),
                disable_couplers: Iterable = (), basis: str | Sequence[str] | None = None
                ) -> Target:
    """The target ``spec_or_path`` names, with extra dead qubits/couplers and a basis
    override (gate names, 'a,b,c', or a preset: 'wukong', 'origin-cloud')."""
    target = _resolve(spec_or_path)
    return target.with_basis(basis).with_disabled(disable_qubits, disable_couplers)


def _resolve(spec) -> Target:
    if isinstance(spec, Target):
        return spec
    if isinstance(spec, os.PathLike):
        return load_file(spec)
    if not isinstance(spec, str):
        raise TargetError(f"a target is a name, a generator spec or a .toml path, not "
                          f"{type(spec).__name__}")
    text = spec.strip()
    if text.lower().endswith(".toml") or "/" in text or os.sep in text:
        return load_file(text)
    if is_generator_spec(text):
        return _generated(parse_generator(text).name)
    if text in builtin_names():
        clash = [e for e in plugin_entries() if e.name == text]
        if clash:
            raise TargetError(f"target name '{text}' is built into jingu and also offered by "
                              f"{clash[0].dist} {clash[0].version} ({clash[0].value}); write "
                              f"the plugin's as '{clash[0].qualified}'")
        return _builtin(text)
    return _plugin(text)


def load_file(path) -> Target:
    """Read and validate a target file; errors name the field and the line."""
    from .schema import validate
    from .tomlfile import read

    data, source = read(path)
    return Target(validate(data, source), source=str(path))


@lru_cache(maxsize=None)
def _builtin(name: str) -> Target:
    return load_file(builtin_path(name))


@lru_cache(maxsize=64)
def _generated(name: str) -> Target:
    from .nominal import nominal_document

    return Target.from_document(nominal_document(parse_generator(name)), source=name)


# ----------------------------------------------------------------------------------------
# plugins

def plugin_entries():
    """Installed ``jingu.targets`` entry points of other distributions (metadata only)."""
    from jingu.registry import entries

    return tuple(e for e in entries(TARGET_GROUP) if _norm(e.dist) != "jingu")


def _norm(dist: str) -> str:
    return re.sub(r"[-_.]+", "-", dist).lower()


def _plugin(name: str) -> Target:
    entries = plugin_entries()
    if ":" in name:
        dist, _, short = name.partition(":")
        matches = [e for e in entries if e.name == short and _norm(e.dist) == _norm(dist)]
    else:
        matches = [e for e in entries if e.name == name]
    if not matches:
        known = builtin_names() + [e.name for e in entries]
        hint = suggest(name, known + [form for form, _ in GENERATORS.values()])
        raise TargetError(f"unknown target '{name}'" + (f"; {hint}" if hint else "")
                          + "\navailable: " + ", ".join(
                              known + [form for form, _ in GENERATORS.values()])
                          + ", or a .toml file")
    if len(matches) > 1:
        who = " and ".join(f"{e.dist} {e.version} ({e.value})" for e in matches)
        raise TargetError(f"target name '{name}' is offered by {who}; write it qualified, "
                          f"e.g. '{matches[0].qualified}'")
    return _load_entry(matches[0])


@lru_cache(maxsize=None)
def _load_entry(entry) -> Target:
    """A plugin's target.  The entry point names a factory (``pkg.mod:make_chip``) returning
    a Target, a path or a resource; an object that is one of those; or a TOML file shipped
    in a package (``pkg:chip.toml``, read with importlib.resources)."""
    from jingu.errors import PluginError

    where = f"target plugin '{entry.name}' ({entry.dist} {entry.version}, {entry.value})"
    package, _, attr = entry.value.partition(":")
    if attr.strip().lower().endswith(".toml"):
        from importlib.resources import files

        try:
            obj = files(package.strip()) / attr.strip()
            obj.read_text(encoding="utf-8")
        except Exception as exc:
            raise TargetError(f"{where}: cannot read the target file: "
                              f"{type(exc).__name__}: {exc}") from None
        return _from_resource(obj, entry)
    try:
        obj = entry.load()
    except PluginError as exc:
        raise TargetError(str(exc)) from None
    if callable(obj) and not isinstance(obj, Target):
        try:
            obj = obj()
        except TargetError:
            raise
        except Exception as exc:
            raise TargetError(f"{where} failed: {type(exc).__name__}: {exc}") from None
    if isinstance(obj, Target):
        return obj
    if isinstance(obj, (str, os.PathLike)):
        return load_file(obj)
    if hasattr(obj, "read_text") and hasattr(obj, "name"):  # importlib.resources Traversable
        return _from_resource(obj, entry)
    if isinstance(obj, dict):
        return Target.from_document(obj, source=where)
    raise TargetError(f"{where} gave {type(obj).__name__}; expected a Target, a factory "
                      f"returning one, or the path of a TOML target file")


def _from_resource(resource, entry) -> Target:
    from .schema import validate
    from .tomlfile import Source, parse

    text = resource.read_text(encoding="utf-8")
    source = Source(f"{entry.dist}:{resource.name}", text)
    return Target(validate(parse(text, source.name), source), source=source.name)


# ----------------------------------------------------------------------------------------
# listing and option parsing

def available() -> dict:
    """What ``jingu targets`` shows: built-ins (with sizes), generator forms, plugins
    (metadata only: no plugin is imported)."""
    from .builtin import summary

    return {
        "builtin": [summary(name) for name in builtin_names()],
        "generators": [{"form": form, "description": what} for form, what in
                       GENERATORS.values()],
        "plugins": [{"name": e.name, "dist": e.dist, "version": e.version, "value": e.value}
                    for e in plugin_entries()],
    }


_ITEM = re.compile(r"(\d+)(?:\s*-\s*(\d+))?")
MAX_RANGE = 100_000


def parse_index_list(text: str | None, option: str = "index list") -> tuple[int, ...]:
    """``"5-11,14"`` -> (5, 6, ..., 11, 14): ascending inclusive ranges and single indices,
    duplicates dropped; an error shows the option text with a caret at the bad item."""
    if text is None or not text.strip():
        return ()
    out: dict[int, None] = {}
    pos = 0
    for part in text.split(","):
        col = pos + len(part) - len(part.lstrip())
        pos += len(part) + 1
        item = part.strip()
        m = _ITEM.fullmatch(item)
        if not item:
            _bad(text, col, option, "empty item (two commas, or a comma at an end)")
        if not m:
            _bad(text, col, option, f"'{item}' is neither an index nor a range like 5-11")
        low = int(m.group(1))
        high = int(m.group(2)) if m.group(2) is not None else low
        if high < low:
            _bad(text, col, option, f"the range {low}-{high} goes down; write {high}-{low}")
        if high - low >= MAX_RANGE:
            _bad(text, col, option, f"the range {low}-{high} is too large")
        for i in range(low, high + 1):
            out[i] = None
    return tuple(out)


def _bad(text: str, col: int, option: str, message: str):
    raise InputError(f"{option} at column {col + 1}: {message}\n    {text}\n    "
                     + " " * col + "^")
