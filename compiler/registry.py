"""The lazy pass registry: one entry-point group, ``jingu.passes``.

Built-in passes are registered through the same group (in setup.cfg) as plugins, so there
is one way to find a pass.  Listing reads installed metadata only; a pass's module is
imported when the pass is first used.  A name offered by two distributions is an error
naming both; the qualified form ``dist:name`` always resolves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module, metadata

from .errors import PipelineError, PluginError, suggest

PASS_GROUP = "jingu.passes"
TARGET_GROUP = "jingu.targets"


@dataclass(frozen=True)
class Entry:
    """One registered pass or target: where it comes from, not yet imported."""

    name: str
    value: str  # "module:attribute"
    dist: str
    version: str
    group: str

    @property
    def qualified(self) -> str:
        return f"{self.dist}:{self.name}"

    def load(self):
        """The object named, imported now; ``package:file.toml`` names a data file shipped
        in the package (a target file), returned as an importlib.resources Traversable."""
        module, _, attr = self.value.partition(":")
        try:
            if attr.endswith(".toml"):
                from importlib.resources import files

                resource = files(module).joinpath(attr)
                if not resource.is_file():
                    raise FileNotFoundError(f"package '{module}' has no file '{attr}'")
                return resource
            obj = import_module(module)
            for part in attr.split("."):
                obj = getattr(obj, part)
        except Exception as exc:
            raise PluginError(
                f"cannot load '{self.name}' from distribution {self.dist} {self.version} "
                f"({self.value}): {type(exc).__name__}: {exc}"
            ) from exc
        return obj


@lru_cache(maxsize=None)
def entries(group: str) -> tuple[Entry, ...]:
    """Every entry of ``group`` in installed metadata (no plugin module is imported)."""
    seen = {}
    for dist in metadata.distributions():
        offered = [ep for ep in dist.entry_points if ep.group == group]
        if not offered:  # most distributions: skip parsing their METADATA (slow)
            continue
        dist_name = dist.metadata["Name"] or "?"
        for ep in offered:
            key = (dist_name.lower(), ep.name)
            seen.setdefault(key, Entry(ep.name, ep.value, dist_name, dist.version, group))
    return tuple(sorted(seen.values(), key=lambda e: (e.name, e.dist)))


def find(name: str, group: str = PASS_GROUP) -> Entry:
    """The entry for a plain or qualified (``dist:name``) name; clashes are errors."""
    kind = "pass" if group == PASS_GROUP else "target"
    all_entries = entries(group)
    if ":" in name:
        dist, _, short = name.partition(":")
        for e in all_entries:
            if e.name == short and _norm(e.dist) == _norm(dist):
                return e
        raise PipelineError(f"no {kind} '{short}' in distribution '{dist}'")
    matches = [e for e in all_entries if e.name == name]
    if not matches:
        hint = suggest(name, {e.name for e in all_entries})
        raise PipelineError(f"unknown {kind} '{name}'" + (f"; {hint}" if hint else
                            f"; see `jingu {kind}es`" if kind == "pass" else ""))
    if len(matches) > 1:
        who = " and ".join(f"{e.dist} {e.version} ({e.value})" for e in matches)
        raise PluginError(
            f"{kind} name '{name}' is offered by {who}; write it qualified, e.g. "
            f"'{matches[0].qualified}'"
        )
    return matches[0]


def _norm(dist: str) -> str:
    return re.sub(r"[-_.]+", "-", dist).lower()


def load_pass(name: str):
    """The pass class for ``name``, imported now; checks it is a Pass of a known API."""
    from . import API_VERSION
    from .passmanager import Pass

    entry = find(name)
    cls = entry.load()
    if not (isinstance(cls, type) and issubclass(cls, Pass)):
        raise PluginError(f"'{entry.value}' from {entry.dist} is not a jingu Pass")
    if getattr(cls, "api_version", API_VERSION) != API_VERSION:
        raise PluginError(
            f"pass '{entry.name}' from {entry.dist} {entry.version} is written for jingu plugin "
            f"API {cls.api_version}, but this jingu provides API {API_VERSION}; upgrade or pin "
            f"the plugin"
        )
    if entry.dist.lower() != "jingu" and cls.__module__.partition(".")[0] != "jingu":
        cls.__jingu_origin__ = f"{entry.dist} {entry.version}"
    return cls


# ----------------------------------------------------------------------------------------
# pipelines as text: "unroll,cancel-inverses{max_iter=3},mylab:zx{rounds=2}"

_NAME = re.compile(r"\s*([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)\s*")


def parse_pipeline(text: str) -> list[tuple[str, dict[str, str]]]:
    """Split a pipeline string into (pass name, raw options); errors point at a column."""
    items: list[tuple[str, dict[str, str]]] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _NAME.match(text, pos)
        if not m:
            _fail(text, pos, "expected a pass name")
        name, pos = m.group(1), m.end()
        opts: dict[str, str] = {}
        if pos < n and text[pos] == "{":
            close = text.find("}", pos)
            if close < 0:
                _fail(text, pos, "unclosed '{'")
            body = text[pos + 1 : close]
            for part in filter(str.strip, body.split(",")):
                key, eq, value = part.partition("=")
                if not eq or not key.strip():
                    _fail(text, pos + 1 + body.find(part), "options are written key=value")
                opts[key.strip()] = value.strip()
            pos = close + 1
            while pos < n and text[pos].isspace():
                pos += 1
        items.append((name, opts))
        if pos < n:
            if text[pos] != ",":
                _fail(text, pos, "expected ',' between passes")
            pos += 1
    if not items:
        raise PipelineError("the pipeline is empty")
    return items


def _fail(text: str, pos: int, message: str):
    raise PipelineError(f"in pipeline at column {pos + 1}: {message}\n    {text}\n    "
                        + " " * pos + "^")


def build_pipeline(spec) -> list:
    """Pass instances from a pipeline string or a list of (name, options) pairs."""
    items = parse_pipeline(spec) if isinstance(spec, str) else list(spec)
    out = []
    for name, opts in items:
        cls = load_pass(name)
        try:
            out.append(cls(**opts))
        except PipelineError:
            raise
        except Exception as exc:  # a plugin's own __init__ failed: blame the plugin
            origin = getattr(cls, "__jingu_origin__", None)
            err = PluginError if origin else PipelineError
            where = f" from {origin}" if origin else ""
            raise err(f"pass '{name}'{where} could not be set up: "
                      f"{type(exc).__name__}: {exc}") from exc
    return out
