"""What a registered pass is, read from its source text without importing it.

``jingu passes`` must not run plugin code (a broken or slow plugin would break or slow
every listing), so descriptions, options and contracts are read statically: the entry
point's module is located through the distribution's file list (or, for editable installs,
through the import finders, which locate files without executing them) and its class is
read with ``ast``.  Whatever cannot be read that way is reported as unknown rather than
guessed; ``describe_class`` gives the exact facts of an already imported class.
"""

from __future__ import annotations

import ast
import importlib.machinery
import importlib.util
import sys
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

from . import API_VERSION

UNAVAILABLE = "(description unavailable without import)"

#: class attributes of the pass contract and their defaults on the base class
_CONTRACT_DEFAULTS = {"name": "", "needs": (), "guarantees": (), "invalidates": (),
                      "analysis": False, "api_version": API_VERSION}
_SETS = ("needs", "guarantees", "invalidates")
_BASE = ("jingu.passmanager", "Pass")
_MAX_DEPTH = 8


@dataclass
class OptionInfo:
    name: str
    type: str
    default: str  # as written in source (or repr of the value)


@dataclass
class PassInfo:
    """The listing facts of one registered pass; ``None`` marks a fact not known."""

    name: str
    dist: str
    version: str
    value: str
    description: str = UNAVAILABLE
    doc: str = ""
    options: list[OptionInfo] | None = None
    needs: tuple[str, ...] | None = None
    guarantees: tuple[str, ...] | None = None
    invalidates: tuple[str, ...] | None = None
    analysis: bool | None = None
    api_version: int | None = None
    source: str | None = None
    #: set by the listing: another distribution offers the same name
    clash: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def qualified(self) -> str:
        return f"{self.dist}:{self.name}"

    def as_dict(self) -> dict:
        d = {k: v for k, v in vars(self).items()}
        d["options"] = None if self.options is None else [vars(o) for o in self.options]
        d["qualified"] = self.qualified
        return d


# ----------------------------------------------------------------------------------------
# describing


def describe_entry(entry) -> PassInfo:
    """The facts of a registry entry, read statically (no module is imported)."""
    info = PassInfo(entry.name, entry.dist, entry.version, entry.value)
    module, _, attr = entry.value.partition(":")
    try:
        found = _resolve(module, attr, _distribution(entry.dist), 0) if attr else None
        if found is None:
            return info
        mod, cls = found
        facts, options, partial = _class_facts(mod, cls, 0)
    except Exception:  # whatever a plugin's source holds, the listing goes on
        return info
    doc = ast.get_docstring(cls) or ""
    info.doc = doc
    info.description = doc.split("\n", 1)[0] if doc else "(no description)"
    info.source = str(mod.path)
    info.analysis = facts.get("analysis")
    info.api_version = facts.get("api_version")
    for key in _SETS:
        value = facts.get(key)
        setattr(info, key, None if value is None else tuple(sorted(value)))
    info.options = None if partial else options
    if partial:
        info.notes.append("some base classes could not be read; options and contract "
                          "may be incomplete (see `jingu passes show`)")
    return info


def describe_class(cls, entry) -> PassInfo:
    """The exact facts of an imported pass class."""
    import inspect

    own = cls.__dict__.get("__doc__")  # not a base class's docstring
    doc = inspect.cleandoc(own) if isinstance(own, str) else ""
    info = PassInfo(entry.name, entry.dist, entry.version, entry.value,
                    description=doc.split("\n", 1)[0] if doc else "(no description)", doc=doc,
                    options=[OptionInfo(o.name, o.type.__name__, repr(o.default))
                             for o in cls.options.values()],
                    needs=tuple(sorted(cls.needs)), guarantees=tuple(sorted(cls.guarantees)),
                    invalidates=tuple(sorted(cls.invalidates)), analysis=bool(cls.analysis),
                    api_version=cls.api_version)
    try:
        info.source = inspect.getsourcefile(cls)
    except TypeError:
        info.source = None
    if cls.name != entry.name:
        info.notes.append(f"the class calls itself '{cls.name}'")
    return info


# ----------------------------------------------------------------------------------------
# finding a module's source without importing it


@cache
def _distribution(name: str):
    try:
        return metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None


@cache
def _record_index(dist) -> dict[str, Path]:
    """Installed files of ``dist`` ending in .py, keyed by their relative posix path."""
    index = {}
    for f in dist.files or ():
        text = str(f).replace("\\", "/")
        if text.endswith(".py") and not text.startswith(".."):
            index[text] = Path(dist.locate_file(f))
    return index


def find_source(module: str, dist=None) -> tuple[Path, bool] | None:
    """(file, is_package) of ``module``'s source, found without importing anything."""
    rel = module.replace(".", "/")
    if dist is not None:
        index = _record_index(dist)
        for candidate, is_pkg in ((f"{rel}.py", False), (f"{rel}/__init__.py", True)):
            path = index.get(candidate)
            if path is not None and path.is_file():
                return path, is_pkg
    parts = module.split(".")
    for i in range(len(parts), 0, -1):
        spec = _spec_without_import(".".join(parts[:i]))
        if spec is not None:
            break
    else:
        return None
    rest = parts[i:]
    if not rest:
        if spec.origin and spec.origin.endswith(".py"):
            return Path(spec.origin), spec.submodule_search_locations is not None
        return None
    dirs = [Path(d) for d in (spec.submodule_search_locations or ())]
    for j, part in enumerate(rest):
        last = j == len(rest) - 1
        next_dirs = []
        for d in dirs:
            if (d / part / "__init__.py").is_file():
                if last:
                    return d / part / "__init__.py", True
                next_dirs = [d / part]
                break
            if last and (d / f"{part}.py").is_file():
                return d / f"{part}.py", False
            if (d / part).is_dir():  # a namespace portion
                next_dirs.append(d / part)
        dirs = next_dirs
        if not dirs:
            return None
    return None


def _spec_without_import(name: str):
    """A module spec for ``name`` that costs no import: already imported modules, top-level
    names through the normal search, and dotted names only through finders that map full
    names themselves (editable installs), never through a parent package's import."""
    mod = sys.modules.get(name)
    if mod is not None:
        return getattr(mod, "__spec__", None)
    try:
        if "." not in name:
            return importlib.util.find_spec(name)
        for finder in sys.meta_path:
            if finder in (importlib.machinery.PathFinder, importlib.machinery.BuiltinImporter,
                          importlib.machinery.FrozenImporter):
                continue
            find = getattr(finder, "find_spec", None)
            spec = find(name, None) if find else None
            if spec is not None and (spec.origin or spec.submodule_search_locations):
                return spec
    except (ImportError, ValueError, AttributeError, TypeError):
        return None
    return None


# ----------------------------------------------------------------------------------------
# reading a class with ast


@dataclass
class _Module:
    name: str
    path: Path
    is_package: bool
    tree: ast.Module
    dist: object


_MODULES: dict[tuple[str, int], _Module | None] = {}


def clear_caches() -> None:
    """Forget located and parsed sources (after installing or removing distributions)."""
    _MODULES.clear()
    _distribution.cache_clear()
    _record_index.cache_clear()


def _load(name: str, dist) -> _Module | None:
    key = (name, id(dist))
    if key not in _MODULES:
        found = find_source(name, dist)
        if found is None and dist is not None:
            found = find_source(name)
        mod = None
        if found is not None:
            path, is_pkg = found
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            mod = _Module(name, path, is_pkg, tree, dist)
        _MODULES[key] = mod
    return _MODULES[key]


def _resolve(module: str, attr: str, dist, depth: int):
    """(module, ClassDef) that ``module:attr`` names, following ``from x import y``."""
    if depth > _MAX_DEPTH:
        return None
    mod = _load(module, dist)
    if mod is None:
        return None
    head, _, tail = attr.partition(".")
    for node in reversed(mod.tree.body):  # the last binding wins
        if isinstance(node, ast.ClassDef) and node.name == head:
            return _nested(mod, node, tail)
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.asname or alias.name) == head:
                    source = _absolute(mod, node)
                    if source is None:
                        return None
                    attempts = []
                    if source != mod.name:  # a name bound in another module
                        attempts.append((source, alias.name + (f".{tail}" if tail else "")))
                    if tail:  # ``from package import submodule``
                        attempts.append((f"{source}.{alias.name}", tail))
                    for module_name, name in attempts:
                        found = _resolve(module_name, name, dist, depth + 1)
                        if found is not None:
                            return found
                    return None
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and any(
                isinstance(t, ast.Name) and t.id == head for t in node.targets):
            return _resolve(module, node.value.id + (f".{tail}" if tail else ""), dist,
                            depth + 1)
    if mod.is_package and tail:  # ``package:submodule.Class``
        return _resolve(f"{module}.{head}", tail, dist, depth + 1)
    return None


def _nested(mod: _Module, cls: ast.ClassDef, tail: str):
    for part in filter(None, tail.split(".")):
        cls = next((n for n in cls.body if isinstance(n, ast.ClassDef) and n.name == part),
                   None)
        if cls is None:
            return None
    return mod, cls


def _absolute(mod: _Module, node: ast.ImportFrom) -> str | None:
    if not node.level:
        return node.module
    package = mod.name if mod.is_package else mod.name.rpartition(".")[0]
    parts = package.split(".")
    if node.level - 1 > len(parts) - 1:
        return None
    base = ".".join(parts[: len(parts) - (node.level - 1)])
    return f"{base}.{node.module}" if node.module else base


def _base_ref(mod: _Module, expr: ast.expr, depth: int):
    """Resolve a base-class expression to (module, ClassDef), or the string 'Pass'."""
    if isinstance(expr, ast.Name):
        module, attr = mod.name, expr.id
    elif isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        # ``import jingu.api as api`` ... ``class X(api.Pass)``
        alias = _module_alias(mod, expr.value.id)
        if alias is None:
            return None
        module, attr = alias, expr.attr
    else:
        return None
    found = _resolve(module, attr, mod.dist, depth + 1)
    if found is None:
        return None
    base_mod, cls = found
    if (base_mod.name, cls.name) == _BASE or (base_mod.name == "jingu" and cls.name == "Pass"):
        return "Pass"
    return found


def _module_alias(mod: _Module, name: str) -> str | None:
    for node in mod.tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    return alias.name
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    source = _absolute(mod, node)
                    return f"{source}.{alias.name}" if source else None
    return None


def _class_facts(mod: _Module, cls: ast.ClassDef, depth: int):
    """Contract attributes, options (base classes first) and whether anything was
    unreadable, mirroring what ``Pass.__init_subclass__`` computes at import time."""
    facts: dict = {}
    options: dict[str, OptionInfo] = {}
    partial = depth > _MAX_DEPTH
    if partial:
        return facts, [], True
    for base in reversed(cls.bases):
        ref = _base_ref(mod, base, depth)
        if ref == "Pass":
            for key, value in _CONTRACT_DEFAULTS.items():
                facts.setdefault(key, value)
            continue
        if ref is None:
            partial = True
            continue
        base_facts, base_options, base_partial = _class_facts(*ref, depth + 1)
        facts.update(base_facts)
        options.update({o.name: o for o in base_options})
        partial = partial or base_partial
    for node in cls.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            attr = node.target.id
            ann = _annotation_text(node.annotation)
            if "ClassVar" in ann or attr.startswith("_"):
                if node.value is not None:
                    _contract_value(facts, attr, node.value)
                continue
            if node.value is None:
                partial = True
                continue
            options[attr] = OptionInfo(attr, ann, _default_text(node.value))
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    _contract_value(facts, target.id, node.value)
    return facts, list(options.values()), partial


def _annotation_text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ast.unparse(node)


def _default_text(node: ast.expr) -> str:
    try:
        return repr(ast.literal_eval(node))
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return ast.unparse(node)


def _contract_value(facts: dict, attr: str, node: ast.expr) -> None:
    if attr not in _CONTRACT_DEFAULTS:
        return
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
            node.func.id in ("frozenset", "set", "tuple", "list") and not node.keywords:
        node = node.args[0] if node.args else ast.Tuple(elts=[], ctx=ast.Load())
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        facts[attr] = None  # computed at import time: unknown here
        return
    if attr in _SETS:
        if isinstance(value, str) or not all(isinstance(v, str) for v in value):
            facts[attr] = None
            return
        value = frozenset(value)
    facts[attr] = value
